"""Filter building blocks of every app's FilterSets."""
import django_filters
from django import forms
from django.apps import apps

from core.scoping import region_prefix
from core.widgets import IsoDateInput


class IntegerFilter(django_filters.NumberFilter):
    """An id: a whole number (NumberFilter would accept 1.5)."""

    field_class = forms.IntegerField


DATE_INPUT = IsoDateInput()
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
