"""Notices for the demo logins of `make run`, so the bell and the notices page have something to show."""
from django.utils import timezone

from accounts.demo import DEMO_COUNTY_CODE
from accounts.models import User
from inspection.models import Region
from notices import services
from notices.models import Notice
from rectification.models import TaskWarning

DEMO_WARNINGS = 30


def demo_notices_create(today=None) -> int:
    """The latest active warnings of the demo county, and the daily due-soon scan, told as the jobs tell them.
    Idempotent (event keys): a second seed adds nothing."""
    county = Region.objects.get(code=DEMO_COUNTY_CODE)
    active = TaskWarning.objects.in_region(county).filter(lifted_at__isnull=True).order_by("-issued_at", "-id")
    units = User.objects.filter(region=county, organization__isnull=False).values("organization_id")
    warnings = {*active.values_list("pk", flat=True)[:DEMO_WARNINGS],  # and the demo unit login's own
                *active.filter(task__organization__in=units).values_list("pk", flat=True)[:DEMO_WARNINGS]}
    return (services.notify_warnings_changed(issued_ids=warnings)
            + services.notices_due_soon_scan(today=today or timezone.localdate()))


def demo_notices_reset() -> None:
    """With the demo's records gone (`seed_demo --reset`), so are the notices about them."""
    Notice.objects.all().delete()
