from rest_framework import serializers

from ingest.models import Article, ExtractedFact, ExtractedRound, ReportedFigure
from ingest.selectors import reported_vs_tracked


class ExtractedFactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtractedFact
        fields = ["id", "metric", "value", "corrected_value", "approx", "unit", "subject", "subject_code",
                  "start_offset", "end_offset", "quote", "review_state", "reviewed_at", "current"]


class ExtractedRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtractedRound
        fields = ["id", "organizer", "organizer_code", "kind", "start", "end", "groups", "units", "start_offset",
                  "end_offset", "quote", "review_state", "reviewed_at", "inspection_round", "current"]


class ArticleSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Article
        fields = ["id", "title", "source_url", "published", "encoding", "file_name", "content_hash", "status",
                  "status_label", "error", "duplicate_of", "region", "created_at", "parsed_at"]


class ArticleDetailSerializer(ArticleSerializer):
    """An article with its text; its figures and rounds are paginated lists of their own (`facts_url`,
    `rounds_url`), since one article may hold INGEST_MAX_FACTS of each."""

    facts_count = serializers.IntegerField(source="facts.count", read_only=True, label="抽取数据条数")
    rounds_count = serializers.IntegerField(source="rounds.count", read_only=True, label="抽取轮次条数")
    facts_url = serializers.HyperlinkedIdentityField(view_name="api:articles-facts", read_only=True,
                                                     label="抽取数据（分页）")
    rounds_url = serializers.HyperlinkedIdentityField(view_name="api:articles-rounds", read_only=True,
                                                      label="抽取轮次（分页）")

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "text", "facts_count", "facts_url", "rounds_count", "rounds_url"]


class ArticleCreateSerializer(serializers.Serializer):
    """An article by upload (`file`, multipart) or as text (`text`, with an optional `title`)."""

    file = serializers.FileField(required=False, allow_empty_file=True)  # refused by the pipeline, in its words
    text = serializers.CharField(required=False, trim_whitespace=False)
    title = serializers.CharField(required=False, max_length=200)
    source_url = serializers.URLField(required=False, allow_blank=True, max_length=1000)
    published = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("text")):
            raise serializers.ValidationError("请上传一个文件（file）或提供正文（text），二者选一。")
        return attrs


class ReportedFigureSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tracked = serializers.SerializerMethodField(label="记录数据", help_text="由巡察记录计算的同一指标；无记录时为 null")
    differs = serializers.SerializerMethodField(label="是否不一致", help_text="报道数据与记录数据是否不一致；无记录时为 null")
    difference = serializers.SerializerMethodField(label="差值", help_text="记录数据减报道数据；无记录时为 null")
    basis = serializers.SerializerMethodField(label="记录数如何统计", help_text="记录数据的范围、轮次和日期")

    class Meta:
        model = ReportedFigure
        fields = ["id", "metric", "value", "unit", "approx", "region", "organization", "period_start", "period_end",
                  "period_rounds", "fact", "article", "tracked", "differs", "difference", "basis", "created_at"]

    def _compared(self, obj):
        cache = self.context.setdefault("comparisons", {})
        if obj.pk not in cache:
            cache[obj.pk] = reported_vs_tracked([obj], self.context["request"].user)[0]
        return cache[obj.pk]

    def _comparison(self, obj):
        return self._compared(obj).comparison

    def get_basis(self, obj) -> str:
        return self._compared(obj).basis

    def get_tracked(self, obj) -> float | None:
        return self._comparison(obj).tracked

    def get_differs(self, obj) -> bool | None:
        return self._comparison(obj).differs

    def get_difference(self, obj) -> float | None:
        return self._comparison(obj).difference
