"""The API's URLs: `/api/v1/` (one router for every app), `/api/schema/` and its documentation pages.

An app plugs its viewsets in by listing them in its own `<app>/api/urls.py` as
`ROUTES = [(prefix, ViewSet), ...]` and adding that module to `API_ROUTE_MODULES` below.
"""
from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api.views import RedocView, SwaggerView

# Django tries a URL against the patterns in order (four a viewset, with the format suffixes), so the lists
# clients poll most come first: rectification's tasks and rates (their ROUTES' head).
API_ROUTE_MODULES = [
    "rectification.api.urls",
    "inspection.api.urls",
    "ingest.api.urls",
]

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for module in API_ROUTE_MODULES:
    for prefix, viewset in import_module(module).ROUTES:
        router.register(prefix, viewset, basename=prefix)

app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger/", SwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("schema/redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
]
