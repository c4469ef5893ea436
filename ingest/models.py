"""Articles, what the extraction engine found in them, and the figures reviewers accepted.

Scoping: an article belongs to one region (`Article.region`, rule in `ingest.services.article_region`);
its facts and rounds follow it; a reported figure belongs to the region it is about. Articles are
public news, so every reading role of the region sees them (group members included, not tied to
their rounds); inspected units never do.
"""
from django.conf import settings
from django.db import models

from core.scoping import ScopedQuerySet
from ingest.choices import ArticleStatus, Metric, ReviewState
from inspection.models import InspectionRound, Organization, Region


class _RegionWideQuerySet(ScopedQuerySet):
    visible_to_units = False

    def for_rounds(self, rounds):
        # Public articles and the figures in them are not tied to a round: a group member sees their region's.
        return self


class ArticleQuerySet(_RegionWideQuerySet):
    region_path = "region"


class Article(models.Model):
    """采集文章: one news article, stored once (by the hash of its normalised text).

    An upload stores the file's bytes (`content`) after cheap checks; the worker reads them into `text` (under
    its time and memory limits), then sets `content_hash` and drops the bytes. An upload whose text turns out
    to be an article stored already stays as a record 内容重复 pointing to it (`duplicate_of`)."""

    title = models.CharField("标题", max_length=300)
    source_url = models.URLField("来源网址", max_length=1000, blank=True)
    published = models.DateField("发布日期", null=True, blank=True)
    encoding = models.CharField("检测到的编码", max_length=32, blank=True)
    file_name = models.CharField("原文件名", max_length=255, blank=True)
    text = models.TextField("正文", blank=True)
    content_hash = models.CharField("内容哈希（规范化后 SHA-256）", max_length=64, unique=True, null=True, blank=True)
    content = models.BinaryField("原文件内容（读取前）", null=True, editable=False)
    file_hash = models.CharField("原文件哈希（SHA-256）", max_length=64, blank=True, db_index=True)
    duplicate_of = models.ForeignKey("self", verbose_name="与之重复的文章", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("状态", max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.QUEUED, db_index=True)
    error = models.TextField("错误信息", blank=True)
    region = models.ForeignKey(Region, verbose_name="所属地区", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="articles")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="ingested_articles")
    extractor_runs = models.PositiveIntegerField("抽取次数", default=0)
    parsed_at = models.DateTimeField("解析时间", null=True, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    # The parse job's bookkeeping (`services.article_parse_queued`, `articles_sweep`): when it was last handed
    # to the broker, when a worker last started it, how many times one did.
    queued_at = models.DateTimeField("最近排队时间", null=True, blank=True)
    # Set by a retry: the queue's time limit counts from here, not from the upload (`created_at`).
    requeued_at = models.DateTimeField("重新排队时间", null=True, blank=True)
    parse_started_at = models.DateTimeField("最近开始解析时间", null=True, blank=True)
    parse_attempts = models.PositiveSmallIntegerField("解析尝试次数", default=0)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "采集文章"
        verbose_name_plural = "采集文章"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status not in (ArticleStatus.QUEUED, ArticleStatus.PARSING)


class _Reviewed(models.Model):
    """Who decided what about one extracted item, and when."""

    review_state = models.CharField("审核状态", max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING,
                                    db_index=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    start_offset = models.PositiveIntegerField("起始位置")
    end_offset = models.PositiveIntegerField("结束位置")
    quote = models.TextField("原文")
    # False when the latest extractor run no longer finds it (kept because a reviewer decided on it).
    current = models.BooleanField("最近一次抽取仍有", default=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.review_state == ReviewState.PENDING


class ExtractedFactQuerySet(_RegionWideQuerySet):
    region_path = "article__region"


class ExtractedFact(_Reviewed):
    """抽取数据: one figure of the metric vocabulary found in an article."""

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="facts")
    metric = models.CharField("指标", max_length=32, choices=Metric.choices)
    value = models.FloatField("数值")
    approx = models.BooleanField("约数", default=False)
    unit = models.CharField("量词", max_length=8, blank=True)
    subject = models.CharField("所属地区（原文）", max_length=64, blank=True)
    subject_code = models.CharField("所属地区代码", max_length=6, blank=True)
    subject_region = models.ForeignKey(Region, verbose_name="所属地区", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    corrected_value = models.FloatField("更正后数值", null=True, blank=True)

    objects = ExtractedFactQuerySet.as_manager()

    class Meta:
        verbose_name = "抽取数据"
        verbose_name_plural = "抽取数据"
        ordering = ["article", "start_offset", "pk"]
        constraints = [
            # "9个乡镇、173个村" is one span with two figures of one metric.
            models.UniqueConstraint(fields=["article", "metric", "start_offset", "end_offset", "value"],
                                    name="fact_once_per_span", violation_error_message="该文章同一位置已有相同的数据。"),
            models.CheckConstraint(condition=models.Q(end_offset__gte=models.F("start_offset")), name="fact_span_ordered",
                                   violation_error_message="数据在原文中的结束位置不能早于起始位置。"),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.display_value}"

    @property
    def final_value(self) -> float:
        return self.corrected_value if self.corrected_value is not None else self.value

    @property
    def display_value(self) -> str:
        value = self.final_value
        return str(int(value)) if float(value).is_integer() else f"{value:g}"


class ExtractedRoundQuerySet(_RegionWideQuerySet):
    region_path = "article__region"


class ExtractedRound(_Reviewed):
    """抽取轮次: one concrete inspection round described in an article."""

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="rounds")
    organizer = models.CharField("组织地区（原文）", max_length=64, blank=True)
    organizer_code = models.CharField("组织地区代码", max_length=6, blank=True)
    organizer_region = models.ForeignKey(Region, verbose_name="组织地区", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    kind = models.CharField("巡察类型", max_length=16, blank=True)
    # Reduced-precision ISO dates as the engine gives them: 2017-02-27, --02-27, 2017-02, 2017.
    start = models.CharField("开始（原文精度）", max_length=10, blank=True)
    end = models.CharField("结束（原文精度）", max_length=10, blank=True)
    groups = models.PositiveIntegerField("巡察组数", null=True, blank=True)
    units = models.PositiveIntegerField("被巡察单位数", null=True, blank=True)
    corrected_start = models.DateField("更正后开始日期", null=True, blank=True)
    corrected_end = models.DateField("更正后结束日期", null=True, blank=True)
    inspection_round = models.ForeignKey(InspectionRound, verbose_name="对应巡察轮次", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="extracted_rounds")

    objects = ExtractedRoundQuerySet.as_manager()

    class Meta:
        verbose_name = "抽取轮次"
        verbose_name_plural = "抽取轮次"
        ordering = ["article", "start_offset", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start_offset", "end_offset", "organizer_code", "start"],
                                    name="round_once_per_span", violation_error_message="该文章同一位置已有相同的巡察轮次。"),
        ]

    def __str__(self):
        return f"{self.organizer or '—'} {self.start or '?'}～{self.end or '?'}"


class ReportedFigureQuerySet(_RegionWideQuerySet):
    region_path = "region"


class ReportedFigure(models.Model):
    """报道数据: a figure a reviewer accepted from an article, kept apart from the figures records produce."""

    metric = models.CharField("指标", max_length=32, choices=Metric.choices)
    value = models.FloatField("数值")
    unit = models.CharField("量词", max_length=8, blank=True)
    approx = models.BooleanField("约数", default=False)
    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.PROTECT, related_name="reported_figures")
    organization = models.ForeignKey(Organization, verbose_name="被巡察党组织", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="reported_figures")
    period_start = models.DateField("统计期开始", null=True, blank=True, help_text="空：自有记录以来累计")
    period_end = models.DateField("统计期截至")
    period_rounds = models.PositiveSmallIntegerField(
        "本届前N轮", null=True, blank=True,
        help_text="原文按“前N轮”统计时的 N：记录数按组织地区本届第一至第N轮计算；空：按统计期的日期")
    fact = models.OneToOneField(ExtractedFact, verbose_name="来源数据", on_delete=models.CASCADE, related_name="reported_figure")
    article = models.ForeignKey(Article, verbose_name="来源文章", on_delete=models.CASCADE, related_name="reported_figures")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ReportedFigureQuerySet.as_manager()

    class Meta:
        verbose_name = "报道数据"
        verbose_name_plural = "报道数据"
        ordering = ["-period_end", "region__code", "metric"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True) | models.Q(period_end__gte=models.F("period_start")),
                name="figure_period_ordered",
                violation_error_message="统计期开始日期不能晚于截至日期。",
            ),
            models.CheckConstraint(condition=models.Q(period_rounds__isnull=True) | models.Q(period_rounds__gte=1),
                                   name="figure_rounds_positive", violation_error_message="“前N轮”的 N 须为正整数。"),
        ]
        indexes = [models.Index(fields=["region", "metric", "period_end"], name="figure_region_metric_idx")]

    def __str__(self):
        value = str(int(self.value)) if float(self.value).is_integer() else f"{self.value:g}"
        return f"{self.region} {self.get_metric_display()} {value}"
