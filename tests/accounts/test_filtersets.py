"""The audit page's FilterSet on its own: user choices are scoped, filters narrow."""
import pytest
from django.test import RequestFactory

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.filters import AuditEventFilterSet
from accounts.models import AuditEvent
from accounts.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_audit_events_by_user_action_and_dates(xianan, tongcheng):
    admin = make_user("audit-admin", role=Role.REGION_ADMIN, region=xianan)
    away = make_user("audit-away", role=Role.VIEWER, region=tongcheng)
    audit_record(user=admin, action=AuditAction.EXPORT, obj=None, details={"what": "tasks"})
    audit_record(user=away, action=AuditAction.EXPORT, obj=None, details={"what": "tasks"})
    request = RequestFactory().get("/")
    request.user = admin
    events = AuditEvent.objects.visible_to(admin)
    mine = AuditEventFilterSet({"user": admin.pk, "action": AuditAction.EXPORT}, queryset=events, request=request)
    assert mine.is_valid(), mine.errors
    assert [event.user for event in mine.qs] == [admin]
    # A user out of the admin's region is not a choice: refused, not silently ignored.
    assert not AuditEventFilterSet({"user": away.pk}, queryset=events, request=request).is_valid()
    assert not AuditEventFilterSet({"since": "yesterday"}, queryset=events, request=request).is_valid()
