"""A change recomputes, after commit, exactly the scopes it touches (eager Celery, in-process pending set)."""
import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app
from inspection.models import Finding, Inspection, Lead
from ledger.services import ledger_import
from rectification.models import RateSnapshot, RectificationTask, Warning
from rectification.rules import warning_for
from rectification.services import rates_pending, rates_recompute_all, rates_touch, warning_thresholds
from tests.factories import make_finding, make_inspection
from tests.ledger.conftest import ledger_row, make_user, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(settings, monkeypatch):
    """REDIS_URL unset: the pending set lives in this process and the drain runs at once."""
    settings.REDIS_URL = ""
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    rates_pending.take()
    rates_pending.clear_scheduled()


def recomputed_by(change, capture):
    """The scope keys whose snapshot for today `change` rewrote (after everything else was computed)."""
    today = timezone.localdate()
    rates_recompute_all(today)
    before = dict(RateSnapshot.objects.filter(day=today).values_list("scope_key", "computed_at"))
    with capture(execute=True):
        change()
    after = dict(RateSnapshot.objects.filter(day=today).values_list("scope_key", "computed_at"))
    return {key for key, at in after.items() if before.get(key) != at}


def place_keys(rnd, org, county, category):
    return {
        "overall", "region:420000", "region:421200", f"region:{county}",
        f"category:420000:{category}", f"category:421200:{category}", f"category:{county}:{category}",
        f"round:{rnd.pk}", f"organization:{org.pk}", f"round_organization:{rnd.pk}:{org.pk}",
    }


def test_saving_a_task_recomputes_its_scopes_only(world, eager, django_capture_on_commit_callbacks):
    def close():
        world.t3.status, world.t3.closed_on = "closed", timezone.localdate()
        world.t3.save()

    assert recomputed_by(close, django_capture_on_commit_callbacks) == place_keys(world.A, world.O1, "421202", "integrity")
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key=f"round_organization:{world.A.pk}:{world.O1.pk}", day=today).closed == 3


def test_deleting_a_task_recomputes_its_scopes(world, eager, django_capture_on_commit_callbacks):
    keys = recomputed_by(world.t4.delete, django_capture_on_commit_callbacks)
    assert keys == place_keys(world.A, world.O2, "421222", "conduct")
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key=f"organization:{world.O2.pk}", day=today).tasks_total == 1


def test_moving_a_task_to_another_round_recomputes_the_old_and_the_new_scopes(world, eager, django_capture_on_commit_callbacks):
    def move():
        # A new finding touches its own scopes too (the snapshots count findings): round B, same organisation.
        world.t3.finding = make_finding(world.t7.inspection, category="integrity")
        world.t3.save()

    keys = recomputed_by(move, django_capture_on_commit_callbacks)
    assert keys == place_keys(world.A, world.O1, "421202", "integrity") | {
        f"round:{world.B.pk}", f"round_organization:{world.B.pk}:{world.O1.pk}",
    }
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key=f"round:{world.B.pk}", day=today).tasks_total == 3  # t7, t9, t3
    assert RateSnapshot.objects.get(scope_key=f"round:{world.A.pk}", day=today).tasks_total == 5


def test_recategorising_a_finding_moves_its_tasks_category_in_one_update(world, eager, django_capture_on_commit_callbacks):
    finding = Finding.objects.get(pk=world.t3.finding_id)

    def recategorise():
        finding.category = "conduct"
        finding.save()

    keys = recomputed_by(recategorise, django_capture_on_commit_callbacks)
    assert RectificationTask.objects.get(pk=world.t3.pk).category == "conduct"
    assert keys == place_keys(world.A, world.O1, "421202", "integrity") | {
        "category:420000:conduct", "category:421200:conduct", "category:421202:conduct",
    }


def test_a_lead_change_recomputes_its_scopes(world, eager, django_capture_on_commit_callbacks):
    lead = Lead.objects.get(summary="线索二")  # A/O5, 通城县, no finding

    def transfer():
        lead.status, lead.transferred_on = "transferred", timezone.localdate()
        lead.save()

    assert recomputed_by(transfer, django_capture_on_commit_callbacks) == {
        "overall", "region:420000", "region:421200", "region:421222",
        f"round:{world.A.pk}", f"organization:{world.O5.pk}", f"round_organization:{world.A.pk}:{world.O5.pk}",
    }
    assert RateSnapshot.objects.get(scope_key=f"organization:{world.O5.pk}", day=timezone.localdate()).leads_transferred == 1


def test_a_ledger_import_recomputes_the_inspections_scopes_and_follows_a_new_category(world, eager, django_capture_on_commit_callbacks):
    inspection = world.t1.inspection  # A/O1: findings 1–3 (integrity)
    admin = make_user("rates-ledger-admin", world.xianan, admin=True)
    rows = [ledger_row(1, category="作风建设", status="已销号", closed_on="2026-06-20", deadline="2026-06-20"),
            ledger_row(4, deadline="2026-08-01")]

    keys = recomputed_by(lambda: ledger_import(inspection=inspection, file=xlsx_upload(rows), user=admin),
                         django_capture_on_commit_callbacks)
    assert RectificationTask.objects.get(pk=world.t1.pk).category == "conduct"
    assert keys == place_keys(world.A, world.O1, "421202", "integrity") | {
        "category:420000:conduct", "category:421200:conduct", "category:421202:conduct",
    }
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key=f"round_organization:{world.A.pk}:{world.O1.pk}", day=today).tasks_total == 4
    assert RateSnapshot.objects.get(scope_key="category:421202:conduct", day=today).tasks_total == 1


def test_a_rolled_back_change_recomputes_nothing(world, eager, django_capture_on_commit_callbacks):
    def rolled_back_then_another():
        with pytest.raises(RuntimeError), transaction.atomic():
            world.t3.save()  # A/O1
            raise RuntimeError
        world.t4.save()  # A/O2

    keys = recomputed_by(rolled_back_then_another, django_capture_on_commit_callbacks)
    assert keys == place_keys(world.A, world.O2, "421222", "conduct")


def test_the_touches_of_one_transaction_gather_in_one_callback(eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for number in range(200):
            rates_touch({f"round:{number}", "overall"})
    assert len(callbacks) == 1
    assert callbacks[0].__self__.items == {"overall", *(f"round:{number}" for number in range(200))}


def test_the_warnings_of_the_tasks_one_transaction_saves_are_refreshed_once(world, eager, django_capture_on_commit_callbacks):
    tasks = [world.t3, world.t4, world.t9]  # open
    Warning.objects.filter(task__in=tasks).delete()
    with django_capture_on_commit_callbacks() as callbacks:
        for task in tasks:
            task.save()
    refreshes = [callback for callback in callbacks if getattr(callback, "__self__", None) is not None
                 and callback.__self__.items == {task.pk for task in tasks}]
    assert len(refreshes) == 1  # and one batch of rate keys
    refreshes[0]()
    deserved = {task.pk: warning_for(today=timezone.localdate(), deadline=task.deadline, closed=False,
                                     thresholds=warning_thresholds()) for task in tasks}
    assert all(deserved.values())  # the world's deadlines are past or near on any day the tests run
    issued = dict(Warning.objects.filter(task__in=tasks, lifted_at=None).values_list("task", "level"))
    assert issued == {pk: level for pk, (level, _) in deserved.items()}


def test_a_new_inspections_task_in_an_empty_county_creates_its_rows(world, eager, django_capture_on_commit_callbacks, regions):
    chibi = regions.get(code="421281")
    from tests.factories import make_organization, make_task

    org = make_organization(chibi, "赤壁市教育局")
    keys = recomputed_by(lambda: make_task(make_finding(make_inspection(world.A, org), category="other")),
                         django_capture_on_commit_callbacks)
    assert keys == place_keys(world.A, org, "421281", "other")
    assert RateSnapshot.objects.get(scope_key="region:421281", day=timezone.localdate()).tasks_total == 1


def test_after_changes_the_incremental_rows_equal_a_full_recompute(world, eager, django_capture_on_commit_callbacks, regions):
    from tests.factories import make_organization, make_task

    today = timezone.localdate()
    rates_recompute_all(today)
    with django_capture_on_commit_callbacks(execute=True):
        world.t3.status, world.t3.closed_on = "closed", today
        world.t3.save()
        world.t4.finding.delete()  # with its task
        world.t7.finding = make_finding(world.t1.inspection, category="conduct")  # to round A, another category
        world.t7.save()
        Lead.objects.filter(summary="线索二").update(summary="线索二（已核）")  # no signal: not a change of figures
        Lead.objects.get(summary="线索三").delete()
        world.t5.finding.delete()
        Lead.objects.get(summary="线索二（已核）").delete()
        Inspection.objects.filter(organization__in=[world.O2, world.O5]).delete()  # 通城县 is left with nothing
        org = make_organization(regions.get(code="421281"), "赤壁市水利局")
        make_task(make_finding(make_inspection(world.B, org), category="other"))
    assert "region:421222" in incremental_rows_equal_a_full_recompute(today)


def incremental_rows_equal_a_full_recompute(today) -> set:
    """Today's rows as the incremental runs left them equal a full recompute's; returns the keys only the
    incremental run has, which must be scopes it emptied (zeros, rate null)."""
    fields = [f.name for f in RateSnapshot._meta.fields if f.name not in ("id", "computed_at")]
    incremental = {row["scope_key"]: row for row in RateSnapshot.objects.filter(day=today).values(*fields)}
    RateSnapshot.objects.filter(day=today).delete()
    rates_recompute_all(today)
    full = {row["scope_key"]: row for row in RateSnapshot.objects.filter(day=today).values(*fields)}
    assert {key: incremental[key] for key in full} == full
    for key in set(incremental) - set(full):
        assert incremental[key]["tasks_total"] == incremental[key]["leads"] == 0 and incremental[key]["rate"] is None
    return set(incremental) - set(full)


def test_an_organisation_moved_to_another_county_takes_its_tasks_and_figures(
        world, eager, django_capture_on_commit_callbacks, regions):
    chibi = regions.get(code="421281")

    def move():
        world.O2.region = chibi
        world.O2.save()

    keys = recomputed_by(move, django_capture_on_commit_callbacks)
    assert {"region:421222", "region:421281", "category:421222:conduct", "category:421281:conduct",
            f"organization:{world.O2.pk}"} <= keys
    moved = RectificationTask.objects.filter(organization=world.O2)
    assert moved.count() == 2 and set(moved.values_list("region_id", flat=True)) == {chibi.pk}
    chibi_viewer = make_user("chibi-viewer", chibi)
    assert set(RectificationTask.objects.visible_to(chibi_viewer)) == set(moved)
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key="region:421281", day=today).tasks_total == 2
    assert incremental_rows_equal_a_full_recompute(today) <= {"category:421222:conduct"}  # emptied: 通城 had O2's


def test_an_inspection_moved_to_another_round_takes_its_tasks(world, eager, django_capture_on_commit_callbacks):
    inspection = world.t4.inspection  # A/O2: t4, t5

    def move():
        inspection.round = world.B
        inspection.save()

    keys = recomputed_by(move, django_capture_on_commit_callbacks)
    assert {f"round:{world.A.pk}", f"round:{world.B.pk}", f"round_organization:{world.B.pk}:{world.O2.pk}"} <= keys
    assert set(RectificationTask.objects.filter(finding__inspection=inspection).values_list("round_id", flat=True)) \
        == {world.B.pk}
    assert incremental_rows_equal_a_full_recompute(timezone.localdate()) <= {
        f"round_organization:{world.A.pk}:{world.O2.pk}"}  # emptied by the move
