"""Filter building blocks of every app's FilterSets."""
import django_filters
from django import forms
from django.apps import apps
from django_filters.utils import label_for_filter

from core.scoping import region_prefix


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


DATE_INPUT = forms.DateInput(attrs={"type": "date"})
# Yes/no filters: "" (all) is left out of a shared URL; NullBooleanSelect would send "unknown".
YES_NO = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


class RegionCodeFilter(django_filters.CharFilter):
    """`?region=421200`: rows of that region and every region below it (roll-up by adcode prefix).

    The queryset is already `visible_to(request.user)`; a region that contains the user's own region adds
    nothing, so it is not applied twice (a repeated prefix condition makes PostgreSQL underestimate the rows
    and sort a whole province instead of walking an index for one page).
    """

    def filter(self, qs, value):
        if not value:
            return qs
        region = apps.get_model("inspection", "Region").objects.filter(code=value).first()
        if region is None:
            return qs.none()
        user = getattr(getattr(self.parent, "request", None), "user", None)
        own = getattr(user, "region", None) if user is not None and user.is_authenticated else None
        if own is not None and own.code.startswith(region_prefix(region)):
            return qs
        return qs.in_region(region)
