"""Region scoping: the one mechanism that decides which rows a user may see.

Every model that holds sensitive records uses a `ScopedQuerySet` subclass naming the
path from the model to its `Region` (and to its `Organization`). Pages, the API, the admin,
exports and charts all call `.visible_to(user)`; nothing else filters by region.
"""
from django.db import models


def region_prefix(region) -> str:
    """The adcode prefix shared by a region and every region below it.

    Adcodes nest: 42 (province) → 4212 (city) → 421202 (county).
    """
    level = region.level
    if level == "province":
        return region.code[:2]
    if level == "city":
        return region.code[:4]
    return region.code


class ScopedQuerySet(models.QuerySet):
    #: lookup path from the model to its Region, e.g. "organization__region"
    region_path: str = ""
    #: lookup path from the model to its Organization, or "" where there is none
    organization_path: str = ""

    def in_region(self, region):
        """Rows of `region` and of every region below it."""
        path = f"{self.region_path}__code__startswith" if self.region_path else "code__startswith"
        return self.filter(**{path: region_prefix(region)})

    def for_organization(self, organization):
        if not self.organization_path:
            return self.none()
        path = self.organization_path if self.organization_path != "self" else "pk"
        return self.filter(**{path: organization.pk})

    def visible_to(self, user):
        """What `user` may see: nothing when anonymous, everything for a superuser without a region."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if getattr(user, "organization_id", None) and not user.is_superuser:
            return self.for_organization(user.organization)
        if user.region_id is not None:
            return self.in_region(user.region)
        return self if user.is_superuser else self.none()
