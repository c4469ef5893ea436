"""This app's viewsets in the API router (`api/urls.py` reads ROUTES)."""
from ingest.api.views import ArticleViewSet, ReportedFigureViewSet

ROUTES = [
    ("articles", ArticleViewSet),
    ("reported-figures", ReportedFigureViewSet),
]
