from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.filtering import GivenFiltersBackend
from api.pagination import ApiCursorPagination
from ingest import services
from ingest.api.serializers import (
    ArticleCreateSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    ExtractedFactSerializer,
    ExtractedRoundSerializer,
    ReportedFigureSerializer,
)
from ingest.filters import ArticleFilterSet, ReportedFigureFilterSet
from ingest.models import Article, ReportedFigure


class ArticleItemPagination(ApiCursorPagination):
    """An article's figures or rounds, in the order they were first found (the text's order)."""

    ordering = "id"


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Articles the caller may see; POST a file (multipart `file`) or `text` to add one (parsed by a Celery task)."""

    permission_classes = [IsAuthenticated]
    filter_backends = [GivenFiltersBackend]
    filterset_class = ArticleFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        queryset = Article.objects.visible_to(self.request.user).select_related("region").defer("content")
        return queryset if self.action == "retrieve" else queryset.defer("text")

    def get_serializer_class(self):
        return {"retrieve": ArticleDetailSerializer, "create": ArticleCreateSerializer}.get(self.action, ArticleSerializer)

    def create(self, request, *args, **kwargs):
        if not services.may_upload(request.user):
            raise PermissionDenied("只有巡察办管理员、巡察组成员和 API 客户端可以上传文章。")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fields = {"source_url": data.get("source_url", ""), "published": data.get("published")}
        if data.get("file"):
            submitted = services.article_submit_upload(data["file"], user=request.user, **fields)
        else:
            submitted = services.article_submit_upload_text("正文.txt", data["text"], user=request.user,
                                                            title=data.get("title", ""), **fields)
        if submitted.error:
            raise ValidationError({"file" if data.get("file") else "text": [submitted.error]})
        body = {**ArticleSerializer(submitted.article, context={"request": request}).data,
                "duplicate": submitted.outcome == "duplicate", "requeued": submitted.requeued}
        return Response(body, status=status.HTTP_201_CREATED if submitted.created else status.HTTP_200_OK)


    @extend_schema(summary="文章的抽取数据", description="按在原文中出现的先后（编号）分页；offset 为在正文（text）中的位置。",
                   responses={200: ExtractedFactSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=ArticleItemPagination, filter_backends=[])
    def facts(self, request, pk=None):
        return self._items(self.get_object().facts.all(), ExtractedFactSerializer)

    @extend_schema(summary="文章的抽取轮次", description="按编号分页；offset 为在正文（text）中的位置。",
                   responses={200: ExtractedRoundSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=ArticleItemPagination, filter_backends=[])
    def rounds(self, request, pk=None):
        return self._items(self.get_object().rounds.all(), ExtractedRoundSerializer)

    def _items(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


class ReportedFigureViewSet(viewsets.ReadOnlyModelViewSet):
    """Accepted figures the caller may see, each with the figure records give and whether they differ."""

    permission_classes = [IsAuthenticated]
    filter_backends = [GivenFiltersBackend]
    filterset_class = ReportedFigureFilterSet
    serializer_class = ReportedFigureSerializer

    def get_queryset(self):
        return ReportedFigure.objects.visible_to(self.request.user).select_related("region")
