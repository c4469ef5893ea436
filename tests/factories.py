"""Small builders for records in tests: one call makes a valid row with its parents."""
import datetime as dt
import itertools

from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Organization
from rectification.services import task_create

_numbers = itertools.count(1)


def make_organization(region, name=None, **fields):
    return Organization.objects.create(region=region, name=name or f"测试单位{next(_numbers)}", **fields)


def make_round(organizer, *, term=14, number=None, **fields):
    fields.setdefault("started_on", dt.date(2026, 3, 1))
    return InspectionRound.objects.create(organizer=organizer, term=term, number=number or next(_numbers), **fields)


def make_inspection(rnd, organization, *, entry=dt.date(2026, 3, 2), feedback=dt.date(2026, 5, 10)):
    group, _ = InspectionGroup.objects.get_or_create(round=rnd, number=1)
    return Inspection.objects.create(round=rnd, group=group, organization=organization, entry_date=entry, feedback_date=feedback)


def make_finding(inspection, *, category="integrity", description="违规发放津贴补贴"):
    number = inspection.findings.count() + 1
    return Finding.objects.create(inspection=inspection, number=number, category=category, description=description)


def make_task(finding, **fields):
    fields.setdefault("responsible_unit", finding.inspection.organization.name)
    return task_create(finding=finding, **fields)


def make_user(username, *, role=None, region=None, organization=None, staff=None, **fields):
    """A user with `role` (an `accounts.roles.Role`, or None) in `region`; staff when the role uses the admin."""
    from accounts.models import User
    from accounts.roles import ADMIN_SITE_ROLES, user_role_set

    if staff is None:
        staff = role in ADMIN_SITE_ROLES
    user = User.objects.create_user(username=username, password=f"{username}-pass-9731",
                                    region=region, organization=organization, is_staff=staff, **fields)
    user_role_set(user, role)
    return user
