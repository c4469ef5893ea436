"""Filter building blocks of every app's FilterSets."""
import re

import django_filters
from django import forms
from django.apps import apps
from django_filters.utils import label_for_filter

from core.scoping import region_prefix
from core.widgets import IsoDateInput


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet: each filter's label is resolved when the class is built.

    django-filter derives a missing label from the model only on the per-request copies (they get `model`),
    and caches a filter's form field on first use. drf-spectacular reads `field` of the class-level
    `base_filters` while generating the schema, which froze a field without a label on the class: every later
    page copied it and Django fell back to the English attribute name ("Status"). With the labels set here the
    class-level filters are complete, whoever touches them first.
    """

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        model = cls._meta.model
        for f in filters.values():
            if f.label is None and model is not None:
                f.label = label_for_filter(model, f.field_name, f.lookup_expr, f.exclude)
        return filters


class IntegerFilter(django_filters.NumberFilter):
    """An id: a whole number (NumberFilter would accept 1.5)."""

    field_class = forms.IntegerField


DATE_INPUT = IsoDateInput()
# Yes/no filters: "" (all) is left out of a shared URL; NullBooleanSelect would send "unknown".
YES_NO = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


class RegionField(forms.CharField):
    """A region by its 6-digit code, its name ("咸安区") or as the pages' typeahead writes it ("咸安区（421202）").
    An unknown or ambiguous name is a form error in Chinese, never a silent empty list."""

    CODE = re.compile(r"(\d{6})\s*[）)]?$")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        region_model = apps.get_model("inspection", "Region")
        code = self.CODE.search(value)
        if code:
            region = region_model.objects.filter(code=code.group(1)).first()
            if region is None:
                raise forms.ValidationError(f"没有行政区划代码为 {code.group(1)} 的地区。")
            return region
        regions = list(region_model.objects.filter(name=value).order_by("code")[:5])
        if not regions:
            raise forms.ValidationError(f"没有名为“{value}”的地区：请输入地区全称（如 咸安区）或 6 位行政区划代码。")
        if len(regions) > 1:
            raise forms.ValidationError(f"有多个地区名为“{value}”（{'、'.join(r.code for r in regions)}），请输入行政区划代码。")
        return regions[0]


class RegionCodeFilter(django_filters.CharFilter):
    """`?region=421200` (or a name): rows of that region and every region below it (roll-up by adcode prefix).

    The queryset is already `visible_to(request.user)`; a region that contains the user's own region adds
    nothing, so it is not applied twice (a repeated prefix condition makes PostgreSQL underestimate the rows
    and sort a whole province instead of walking an index for one page).
    """

    field_class = RegionField

    def filter(self, qs, region):
        if region is None:
            return qs
        user = getattr(getattr(self.parent, "request", None), "user", None)
        own = getattr(user, "region", None) if user is not None and user.is_authenticated else None
        if own is not None and own.code.startswith(region_prefix(region)):
            return qs
        return qs.in_region(region)
