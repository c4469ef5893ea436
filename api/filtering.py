"""The API's filter backend: django-filter's, with only the filters a request names (`core.filters.FilterSet.given`)."""
from django_filters.rest_framework import DjangoFilterBackend


class GivenFiltersBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        # The documented parameters (drf-spectacular reads `get_filterset_class`) stay every filter's.
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        if hasattr(filterset_class, "given"):
            filterset_class = filterset_class.given(kwargs["data"])
        return filterset_class(**kwargs)
