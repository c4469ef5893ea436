"""FilterSets shared by the ingest pages and API."""
import django_filters
from django import forms

from core.filters import FilterSet, RegionCodeFilter
from ingest.choices import ArticleStatus, Metric
from ingest.models import Article, ReportedFigure


class ArticleFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")
    status = django_filters.MultipleChoiceFilter(choices=ArticleStatus.choices, label="状态",
                                                 widget=forms.CheckboxSelectMultiple)
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="标题")

    class Meta:
        model = Article
        fields = []


class ReportedFigureFilterSet(FilterSet):
    region = RegionCodeFilter(label="地区")
    metric = django_filters.MultipleChoiceFilter(choices=Metric.choices, label="指标")
    period_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte", label="统计期截至起")
    period_to = django_filters.DateFilter(field_name="period_end", lookup_expr="lte", label="统计期截至止")

    class Meta:
        model = ReportedFigure
        fields = ["article"]
