"""Base viewsets of the REST API and the schema/docs pages.

App viewsets stay three lines (queryset, serializer_class, filterset_class) on top of these:
`ScopedReadOnlyViewSet` applies `visible_to(request.user)` (so an object out of scope is a
404 like a missing one) and `ExportMixin` adds `?format=csv|xlsx`. The schema and its documentation
pages are for the reading roles too (`SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]`).
"""
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.response import Response

from api.exports import EXPORT_FORMATS, Column, CSVRenderer, XLSXRenderer, export_response
from api.pagination import ApiPageNumberPagination
from api.renderers import ORJSONRenderer
from api.rows import RowPlan
from core.scoping import region_prefix, user_scope


class ScopedQuerysetMixin:
    ordering = ["-id"]  # newest first; the primary key keeps cursor pages stable and indexed
    ordering_fields = ["id"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ShortListViewSet(ScopedReadOnlyViewSet):
    """Lists of at most a few thousand rows: page numbers (with a total count) instead of cursors."""

    pagination_class = ApiPageNumberPagination


SCOPED_VALUES_KEPT = 500  # scopes × list views a process keeps (the oldest kept goes first)
_scoped_values: dict = {}


class ValuesListMixin:
    """`list` in JSON from `.values()` rows laid out by the serializer (`api.rows.RowPlan`): the same answer,
    without a model instance and a serializer field call per value. `row_computed` gives the fields that are
    not model fields (functions of the values row and today); `row_needs` the model fields they read."""

    row_computed: dict = {}
    row_needs: tuple[str, ...] = ()
    # PostgreSQL writes the rows' JSON (`RowPlan.in_database`): a gain where rows are mostly numbers (rates: the
    # Python of a request -0.85 ms, PostgreSQL +0.4 ms for 100 rows), a loss where they are mostly text (tasks).
    database_writes_rows = False
    database_stored_rows: str | None = None  # a column keeping the JSON the database writes (`RowPlan`'s `stored`)
    _row_plans: dict = {}

    @classmethod
    def row_plan(cls) -> RowPlan:
        if cls not in ValuesListMixin._row_plans:
            ordering = getattr(cls.pagination_class, "ordering", None) or ()
            ordering = [ordering] if isinstance(ordering, str) else list(ordering)
            keys = tuple(field.lstrip("-") for field in [*ordering, *(getattr(cls, "ordering_fields", None) or ())])
            ValuesListMixin._row_plans[cls] = RowPlan(
                cls.serializer_class, cls.row_computed, cls.row_needs, keys,
                in_database=cls.database_writes_rows and connection.vendor == "postgresql", stored=cls.database_stored_rows)
        return ValuesListMixin._row_plans[cls]

    def scoped_values(self):
        """`.values()` of what the user may see (`get_queryset`, which depends on nothing but their scope), built
        once per process for each scope and view and then only copied: building the scoped query and its column
        list cost ~0.5 ms of each request. A copy is filtered and paginated; the kept one is never run."""
        scope = user_scope(self.request.user)
        key = (type(self), scope.key, scope.region and region_prefix(scope.region))
        kept = _scoped_values.get(key)
        if kept is None:
            kept = _scoped_values[key] = self.row_plan().values(self.get_queryset())
            if len(_scoped_values) > SCOPED_VALUES_KEPT:
                _scoped_values.pop(next(iter(_scoped_values)), None)
        return kept.all()

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        data = self.values_page()
        return self.get_paginated_response(data) if self.paginator is not None else Response(data)

    def values_page(self) -> list:
        """The rows of the filtered list's page (all of them without pagination), as the serializer lays them out."""
        plan = self.row_plan()
        rows = self.filter_queryset(self.scoped_values())
        if self.paginator is not None:
            rows = self.paginate_queryset(rows)
        return plan.rows(rows, timezone.localdate())


class ExportMixin:
    """`?format=csv|xlsx` (or `Accept: text/csv`) on `list`: every filtered row, unpaginated, audited."""

    renderer_classes = [ORJSONRenderer, CSVRenderer, XLSXRenderer]
    export_name: str = ""
    export_columns: list[Column] = []

    def get_renderers(self):
        if getattr(self, "action", None) != "list":
            return [ORJSONRenderer()]
        return super().get_renderers()

    def list(self, request, *args, **kwargs):
        fmt = request.accepted_renderer.format
        if fmt not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        rows = self.filter_queryset(self.get_queryset()).iterator(chunk_size=2000)
        return export_response(request, rows=rows, columns=self.export_columns, name=self.export_name, fmt=fmt)

    def handle_exception(self, exc):
        # Errors are JSON whatever format was asked for.
        if getattr(self.request, "accepted_renderer", None) is not None and \
                self.request.accepted_renderer.format in EXPORT_FORMATS:
            self.request.accepted_renderer, self.request.accepted_media_type = ORJSONRenderer(), "application/json"
        return super().handle_exception(exc)


@method_decorator(login_required, name="dispatch")  # a browser is sent to log in; the role is checked after
class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files; its start script is a separate request (CSP)."""

    template_name = "api/swagger_ui.html"
    title = "巡察整改跟踪系统 API（Swagger UI）"


@method_decorator(login_required, name="dispatch")
class RedocView(SpectacularRedocView):
    """Redoc from the sidecar's static file. Redoc styles itself through injected <style> elements, so this page
    alone allows inline styles; scripts stay 'self' only."""

    template_name = "api/redoc.html"
    title = "巡察整改跟踪系统 API 文档"

    @method_decorator(csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}))
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)
