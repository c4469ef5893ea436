import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from inspection.models import Finding, InspectionRound, Organization, Region
from rectification.choices import Stage
from rectification.models import DeadlineExtension, FollowUpVisit, RectificationTask, TaskWarning

pytestmark = pytest.mark.django_db


def test_load_regions_is_idempotent_and_nests_xianan():
    call_command("load_regions", stdout=StringIO())
    count = Region.objects.count()
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert Region.objects.count() == count > 3000
    assert "新建 0 个" in out.getvalue()
    xianan = Region.objects.get(name="咸安区")
    assert (xianan.code, xianan.level) == ("421202", "county")
    assert (xianan.parent.name, xianan.parent.level) == ("咸宁市", "city")
    assert (xianan.parent.parent.name, xianan.parent.parent.level) == ("湖北省", "province")
    assert xianan.parent.parent.parent is None


def snapshot():
    tasks = RectificationTask.objects.order_by("pk").values_list(
        "finding__description", "organization__name", "deadline", "status", "closed_on")
    return list(InspectionRound.objects.order_by("pk").values_list("kind", "started_on")), list(tasks)


def test_seed_demo_is_deterministic_and_covers_every_task_state(regions):
    today = dt.date(2026, 6, 30)
    call_command("seed_demo", seed=11, tasks=600, today=today, stdout=StringIO())
    first = snapshot()
    call_command("seed_demo", seed=11, tasks=600, today=today, reset=True, stdout=StringIO())
    assert snapshot() == first

    tasks = list(RectificationTask.objects.all())
    assert len(tasks) == Finding.objects.count() == 600
    assert InspectionRound.objects.count() >= 8
    assert Organization.objects.count() >= 60
    assert len(set(InspectionRound.objects.values_list("kind", flat=True))) >= 5
    closed = [t for t in tasks if t.closed_on]
    assert any(t.closed_on <= t.deadline for t in closed), "closed on time"
    assert any(t.closed_on > t.deadline for t in closed), "closed late"
    stages = {t.stage_on(today) for t in tasks}
    assert {Stage.OVERDUE, Stage.CLOSED} <= stages
    assert stages & {Stage.START, Stage.PROGRESS, Stage.ACCEPTANCE}, "open within deadline"
    assert any(t.is_extended for t in tasks) and DeadlineExtension.objects.exists()
    assert FollowUpVisit.objects.exists() and TaskWarning.objects.filter(level="red").exists()


def test_seed_demo_reuses_existing_data_without_reset(regions):
    call_command("seed_demo", seed=1, tasks=100, stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", seed=2, tasks=300, stdout=out)
    assert RectificationTask.objects.count() == 100
    assert "--reset" in out.getvalue()


def test_seed_demo_history_months_sets_the_snapshot_days(regions):
    from rectification.models import RateSnapshot

    today = dt.date(2026, 6, 30)
    call_command("seed_demo", seed=5, tasks=300, today=today, history_months=2, stdout=StringIO())
    assert sorted(set(RateSnapshot.objects.values_list("day", flat=True))) == [
        dt.date(2026, 4, 30), dt.date(2026, 5, 30), today]
    call_command("seed_demo", seed=5, tasks=300, today=today, history_months=0, reset=True, stdout=StringIO())
    assert set(RateSnapshot.objects.values_list("day", flat=True)) == {today}


def test_seed_demo_reset_removes_only_demo_records(regions):
    """Users (a unit user's organisation goes), tokens, the audit log and articles with their reviews stay."""
    from accounts.audit import audit_record
    from accounts.choices import AuditAction
    from accounts.models import AuditEvent, User
    from api.models import ApiToken
    from api.services import token_issue
    from ingest.models import Article, ExtractedRound
    from ingest.services import article_submit

    today = dt.date(2026, 6, 30)
    call_command("seed_demo", seed=3, tasks=200, today=today, stdout=StringIO())  # also makes the demo logins
    unit = User.objects.get(username="xianan-unit")
    unit.organization = Organization.objects.first()  # a unit user points into the demo data
    unit.save()
    token, _ = token_issue(user=User.objects.get(username="xianan"), name="平台")
    audit_record(user=unit, action=AuditAction.EXPORT, obj=None, details={"kept": True})
    article = article_submit(name="a.txt", data="咸宁市第一轮巡察发现问题12个。".encode(), user=unit).article
    extracted = ExtractedRound.objects.create(article=article, start_offset=0, end_offset=4, quote="咸宁市",
                                              inspection_round=InspectionRound.objects.first())
    users, events = User.objects.count(), AuditEvent.objects.count()

    call_command("seed_demo", seed=3, tasks=200, today=today, reset=True, stdout=StringIO())

    assert User.objects.count() == users and ApiToken.objects.filter(pk=token.pk, revoked_at=None).exists()
    assert AuditEvent.objects.filter(details__kept=True).exists() and AuditEvent.objects.count() >= events
    assert Article.objects.filter(pk=article.pk).exists()
    extracted.refresh_from_db()
    assert extracted.inspection_round is None  # its round was demo data
    assert RectificationTask.objects.count() == 200  # rebuilt


def test_seed_demo_tells_the_demo_logins(regions):
    from notices.models import Notice

    call_command("seed_demo", seed=3, tasks=300, today=dt.date(2026, 6, 30), stdout=StringIO())
    told = set(Notice.objects.values_list("recipient__username", "kind"))
    assert {("xianan-admin", "warning_issued"), ("xianan-unit", "warning_issued")} <= told
    count = Notice.objects.count()
    call_command("seed_demo", seed=3, tasks=300, today=dt.date(2026, 6, 30), stdout=StringIO())
    assert Notice.objects.count() == count  # told once
