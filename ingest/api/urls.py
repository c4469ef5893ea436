"""Mounted under api/v1/ for now; the shared router in api/urls.py will take these viewsets over."""
from rest_framework.routers import SimpleRouter

from ingest.api.views import ArticleViewSet, ReportedFigureViewSet

app_name = "ingest-api"

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("reported-figures", ReportedFigureViewSet, basename="reported-figure")

urlpatterns = router.urls
