"""Filter building blocks of every app's FilterSets."""
import copy
import re
import time

import django_filters
from django import forms
from django.apps import apps
from django_filters.filters import QuerySetRequestMixin
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

    @classmethod
    def given(cls, names) -> "type[FilterSet]":
        """This FilterSet with only the filters among `names` (a request's query parameters).

        A filter whose parameter is absent filters nothing, so the answer is the same; what is saved is the
        per-request copy and form field of every other filter (the API's lists are asked with one or two). The
        class, and its form class when no filter's field depends on the request, are built once per set of names.
        """
        given = tuple(name for name in cls.base_filters if name in names or name in cls.always_given)
        key = (cls, given)
        subset = _GIVEN.get(key)
        if subset is None:
            subset = type(cls.__name__, (cls,), {"__module__": cls.__module__, "__doc__": cls.__doc__})
            filters = {name: cls.base_filters[name] for name in given}
            subset._form_class_shared = not any(isinstance(f, QuerySetRequestMixin) for f in filters.values())
            subset.base_filters = _FiltersCopiedShallow(filters) if subset._form_class_shared else filters
            _GIVEN[key] = subset
        return subset

    def get_form_class(self):
        if not self._form_class_shared:
            return super().get_form_class()
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields = _FieldsShared(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class

    _form_class_shared = False  # set by `given`: the pages' full FilterSets build their form per request
    always_given: tuple[str, ...] = ()  # filters `given` keeps whatever was asked (a form's `clean` may fill them)


_GIVEN: dict[tuple, type[FilterSet]] = {}


# A `given` subset whose form class is shared holds nothing that depends on the request and nothing a request
# changes, so the deep copies django-filter and Django make of its filters and form fields for every request
# (with their widgets and choices: ~5 % of the Python of a rates request) are shallow here.
class _FiltersCopiedShallow(dict):
    """A FilterSet's `base_filters`, each copied shallowly into a request's FilterSet (which sets the copy's
    `model` and `parent`)."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copied = copies[name] = copy.copy(filter_)
            if filter_.method is not None:
                copied.method = filter_.method  # its FilterMethod made anew, reading the copy's `parent`
        return copies


class _FieldsShared(dict):
    """A form class's `base_fields`, the same field objects in every form (Django copies them per form)."""

    def __deepcopy__(self, memo):
        return dict(self)


class IntegerFilter(django_filters.NumberFilter):
    """An id: a whole number (NumberFilter would accept 1.5)."""

    field_class = forms.IntegerField


DATE_INPUT = IsoDateInput()
# Yes/no filters: "" (all) is left out of a shared URL; NullBooleanSelect would send "unknown".
YES_NO = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


class RegionsByCode:
    """Regions found by code, kept in the process: regions are reference data (`load_regions`) that nearly every
    filtered request names. A saved or deleted region clears this process's copy (`inspection.apps`); other
    processes keep theirs at most `SECONDS`. Only found regions are kept, so a new one is found at once."""

    SECONDS = 300

    def __init__(self):
        self._found: dict[str, tuple[float, object]] = {}

    def get(self, code: str):
        kept = self._found.get(code)
        if kept is not None and time.monotonic() - kept[0] < self.SECONDS:
            return kept[1]
        region = apps.get_model("inspection", "Region").objects.filter(code=code).first()
        if region is not None:
            self._found[code] = (time.monotonic(), region)
        return region

    def clear(self, **kwargs):
        self._found.clear()


regions_by_code = RegionsByCode()


class RegionField(forms.CharField):
    """A region by its 6-digit code, its name ("咸安区") or as the pages' typeahead writes it ("咸安区（421202）").
    An unknown or ambiguous name is a form error in Chinese, never a silent empty list. What was typed goes into
    the message as a parameter: django-filter formats API errors with `message % params`, and a typed "%" in
    the message itself was a 500."""

    CODE = re.compile(r"(\d{6})\s*[）)]?$")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        region_model = apps.get_model("inspection", "Region")
        code = self.CODE.search(value)
        if code:
            region = regions_by_code.get(code.group(1))
            if region is None:
                raise forms.ValidationError("没有行政区划代码为 %(code)s 的地区。", params={"code": code.group(1)})
            return region
        regions = list(region_model.objects.filter(name=value).order_by("code")[:5])
        if not regions:
            raise forms.ValidationError("没有名为“%(name)s”的地区：请输入地区全称（如 咸安区）或 6 位行政区划代码。",
                                        params={"name": value})
        if len(regions) > 1:
            raise forms.ValidationError("有多个地区名为“%(name)s”（%(codes)s），请输入行政区划代码。",
                                        params={"name": value, "codes": "、".join(r.code for r in regions)})
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
