"""A change recomputes, after commit, exactly the scopes it touches (eager Celery, in-process pending set)."""
import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app
from core.versioned_cache import LIVE_VERSION_KEY
from inspection.models import Finding, Inspection, Lead, Region
from inspection.services import finding_save, inspection_save, organization_save
from ledger.services import ledger_import
from rectification.models import RateSnapshot, RectificationTask, TaskWarning
from rectification.rates import rates_pending, rates_recompute_all, rates_touch
from rectification.rules import warning_for
from rectification.services import task_save, warning_thresholds
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


def test_saving_a_task_recomputes_its_scopes_only(rates_world, eager, django_capture_on_commit_callbacks):
    def close():
        rates_world.t3.status, rates_world.t3.closed_on = "closed", timezone.localdate()
        rates_world.t3.save()

    assert recomputed_by(close, django_capture_on_commit_callbacks) == place_keys(rates_world.A, rates_world.O1, "421202", "integrity")
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key=f"round_organization:{rates_world.A.pk}:{rates_world.O1.pk}", day=today).closed == 3


def test_deleting_a_task_recomputes_its_scopes(rates_world, eager, django_capture_on_commit_callbacks):
    keys = recomputed_by(rates_world.t4.delete, django_capture_on_commit_callbacks)
    assert keys == place_keys(rates_world.A, rates_world.O2, "421222", "conduct")
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key=f"organization:{rates_world.O2.pk}", day=today).tasks_total == 1


def test_moving_a_task_to_another_round_recomputes_the_old_and_the_new_scopes(rates_world, eager, django_capture_on_commit_callbacks):
    def move():
        # A new finding touches its own scopes too (the snapshots count findings): round B, same organisation.
        rates_world.t3.finding = make_finding(rates_world.t7.inspection, category="integrity")
        task_save(task=rates_world.t3)  # copies the new finding's place

    keys = recomputed_by(move, django_capture_on_commit_callbacks)
    assert keys == place_keys(rates_world.A, rates_world.O1, "421202", "integrity") | {
        f"round:{rates_world.B.pk}", f"round_organization:{rates_world.B.pk}:{rates_world.O1.pk}",
    }
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key=f"round:{rates_world.B.pk}", day=today).tasks_total == 3  # t7, t9, t3
    assert RateSnapshot.objects.get(scope_key=f"round:{rates_world.A.pk}", day=today).tasks_total == 5


def test_recategorising_a_finding_moves_its_tasks_category_in_one_update(rates_world, eager, django_capture_on_commit_callbacks):
    finding = Finding.objects.get(pk=rates_world.t3.finding_id)

    def recategorise():
        finding.category = "conduct"
        finding_save(finding=finding)  # the service moves its tasks too

    keys = recomputed_by(recategorise, django_capture_on_commit_callbacks)
    assert RectificationTask.objects.get(pk=rates_world.t3.pk).category == "conduct"
    assert keys == place_keys(rates_world.A, rates_world.O1, "421202", "integrity") | {
        "category:420000:conduct", "category:421200:conduct", "category:421202:conduct",
    }


def test_a_lead_change_recomputes_its_scopes(rates_world, eager, django_capture_on_commit_callbacks):
    lead = Lead.objects.get(summary="线索二")  # A/O5, 通城县, no finding

    def transfer():
        lead.status, lead.transferred_on = "transferred", timezone.localdate()
        lead.save()

    assert recomputed_by(transfer, django_capture_on_commit_callbacks) == {
        "overall", "region:420000", "region:421200", "region:421222",
        f"round:{rates_world.A.pk}", f"organization:{rates_world.O5.pk}", f"round_organization:{rates_world.A.pk}:{rates_world.O5.pk}",
    }
    assert RateSnapshot.objects.get(scope_key=f"organization:{rates_world.O5.pk}", day=timezone.localdate()).leads_transferred == 1


def test_a_ledger_import_recomputes_the_inspections_scopes_and_follows_a_new_category(rates_world, eager, django_capture_on_commit_callbacks):
    inspection = rates_world.t1.inspection  # A/O1: findings 1–3 (integrity)
    admin = make_user("rates-ledger-admin", rates_world.xianan, admin=True)
    rows = [ledger_row(1, category="作风建设", status="已销号", closed_on="2026-06-20", deadline="2026-06-20"),
            ledger_row(4, deadline="2026-08-01")]

    keys = recomputed_by(lambda: ledger_import(inspection=inspection, file=xlsx_upload(rows), user=admin),
                         django_capture_on_commit_callbacks)
    assert RectificationTask.objects.get(pk=rates_world.t1.pk).category == "conduct"
    assert keys == place_keys(rates_world.A, rates_world.O1, "421202", "integrity") | {
        "category:420000:conduct", "category:421200:conduct", "category:421202:conduct",
    }
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key=f"round_organization:{rates_world.A.pk}:{rates_world.O1.pk}", day=today).tasks_total == 4
    assert RateSnapshot.objects.get(scope_key="category:421202:conduct", day=today).tasks_total == 1


def test_a_rolled_back_change_recomputes_nothing(rates_world, eager, django_capture_on_commit_callbacks):
    def rolled_back_then_another():
        with pytest.raises(RuntimeError), transaction.atomic():
            rates_world.t3.save()  # A/O1
            raise RuntimeError
        rates_world.t4.save()  # A/O2

    keys = recomputed_by(rolled_back_then_another, django_capture_on_commit_callbacks)
    assert keys == place_keys(rates_world.A, rates_world.O2, "421222", "conduct")


def test_the_touches_of_one_transaction_gather_in_one_callback(eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for number in range(200):
            rates_touch({f"round:{number}", "overall"})
    batches = [callback.__self__.items for callback in callbacks]
    assert len(batches) == 2 and {LIVE_VERSION_KEY} in batches  # the keys, and one end of the cached pages
    assert {"overall", *(f"round:{number}" for number in range(200))} in batches


def test_the_warnings_of_the_tasks_one_transaction_saves_are_refreshed_once(rates_world, eager, django_capture_on_commit_callbacks):
    tasks = [rates_world.t3, rates_world.t4, rates_world.t9]  # open
    TaskWarning.objects.filter(task__in=tasks).delete()
    with django_capture_on_commit_callbacks() as callbacks:
        for task in tasks:
            task.save()
    refreshes = [callback for callback in callbacks if getattr(callback, "__self__", None) is not None
                 and callback.__self__.items == {task.pk for task in tasks}]
    assert len(refreshes) == 1  # and one batch of rate keys
    refreshes[0]()
    deserved = {task.pk: warning_for(today=timezone.localdate(), deadline=task.deadline, closed=False,
                                     thresholds=warning_thresholds()) for task in tasks}
    assert all(deserved.values())  # the rates_world's deadlines are past or near on any day the tests run
    issued = dict(TaskWarning.objects.filter(task__in=tasks, lifted_at=None).values_list("task", "level"))
    assert issued == {pk: level for pk, (level, _) in deserved.items()}


def test_a_new_inspections_task_in_an_empty_county_creates_its_rows(rates_world, eager, django_capture_on_commit_callbacks, regions):
    chibi = regions.get(code="421281")
    from tests.factories import make_organization, make_task

    org = make_organization(chibi, "赤壁市教育局")
    keys = recomputed_by(lambda: make_task(make_finding(make_inspection(rates_world.A, org), category="other")),
                         django_capture_on_commit_callbacks)
    assert keys == place_keys(rates_world.A, org, "421281", "other")
    assert RateSnapshot.objects.get(scope_key="region:421281", day=timezone.localdate()).tasks_total == 1


def test_after_changes_the_incremental_rows_equal_a_full_recompute(rates_world, eager, django_capture_on_commit_callbacks, regions):
    from tests.factories import make_organization, make_task

    today = timezone.localdate()
    rates_recompute_all(today)
    with django_capture_on_commit_callbacks(execute=True):
        rates_world.t3.status, rates_world.t3.closed_on = "closed", today
        rates_world.t3.save()
        rates_world.t4.finding.delete()  # with its task
        rates_world.t7.finding = make_finding(rates_world.t1.inspection, category="conduct")  # to round A, another category
        rates_world.t7.save()
        Lead.objects.filter(summary="线索二").update(summary="线索二（已核）")  # no signal: not a change of figures
        Lead.objects.get(summary="线索三").delete()
        rates_world.t5.finding.delete()
        Lead.objects.get(summary="线索二（已核）").delete()
        Inspection.objects.filter(organization__in=[rates_world.O2, rates_world.O5]).delete()  # 通城县 is left with nothing
        org = make_organization(regions.get(code="421281"), "赤壁市水利局")
        make_task(make_finding(make_inspection(rates_world.B, org), category="other"))
    assert "region:421222" in incremental_rows_equal_a_full_recompute(today)


def incremental_rows_equal_a_full_recompute(today) -> set:
    """Today's rows as the incremental runs left them equal a full recompute's; returns the keys only the
    incremental run has, which must be scopes it emptied (zeros, rate null)."""
    fields = [f.name for f in RateSnapshot._meta.fields if f.name not in ("id", "computed_at")]
    incremental = {row["scope_key"]: row for row in RateSnapshot.objects.filter(day=today).values(*fields)}
    codes = dict(Region.objects.values_list("pk", "code"))  # each row keeps its region's code, however written
    assert [row["region_code"] for row in incremental.values()] == [codes.get(row["region"]) for row in incremental.values()]
    RateSnapshot.objects.filter(day=today).delete()
    rates_recompute_all(today)
    full = {row["scope_key"]: row for row in RateSnapshot.objects.filter(day=today).values(*fields)}
    assert {key: incremental[key] for key in full} == full
    for key in set(incremental) - set(full):
        assert incremental[key]["tasks_total"] == incremental[key]["leads"] == 0 and incremental[key]["rate"] is None
    return set(incremental) - set(full)


def test_an_organisation_moved_to_another_county_takes_its_tasks_and_figures(
        rates_world, eager, django_capture_on_commit_callbacks, regions):
    chibi = regions.get(code="421281")

    def move():
        rates_world.O2.region = chibi
        organization_save(organization=rates_world.O2)

    keys = recomputed_by(move, django_capture_on_commit_callbacks)
    assert {"region:421222", "region:421281", "category:421222:conduct", "category:421281:conduct",
            f"organization:{rates_world.O2.pk}"} <= keys
    moved = RectificationTask.objects.filter(organization=rates_world.O2)
    assert moved.count() == 2 and set(moved.values_list("region_id", flat=True)) == {chibi.pk}
    chibi_viewer = make_user("chibi-viewer", chibi)
    assert set(RectificationTask.objects.visible_to(chibi_viewer)) == set(moved)
    today = timezone.localdate()
    assert RateSnapshot.objects.get(scope_key="region:421281", day=today).tasks_total == 2
    assert incremental_rows_equal_a_full_recompute(today) <= {"category:421222:conduct"}  # emptied: 通城 had O2's


def test_an_inspection_moved_to_another_round_takes_its_tasks(rates_world, eager, django_capture_on_commit_callbacks):
    inspection = rates_world.t4.inspection  # A/O2: t4, t5

    def move():
        inspection.round = rates_world.B
        inspection_save(inspection=inspection)

    keys = recomputed_by(move, django_capture_on_commit_callbacks)
    assert {f"round:{rates_world.A.pk}", f"round:{rates_world.B.pk}", f"round_organization:{rates_world.B.pk}:{rates_world.O2.pk}"} <= keys
    assert set(RectificationTask.objects.filter(finding__inspection=inspection).values_list("round_id", flat=True)) \
        == {rates_world.B.pk}
    assert incremental_rows_equal_a_full_recompute(timezone.localdate()) <= {
        f"round_organization:{rates_world.A.pk}:{rates_world.O2.pk}"}  # emptied by the move


def test_a_save_reads_nothing_before_writing(rates_world, eager):
    """Where a row was comes from the values it was loaded with: no SELECT before the UPDATE unless it moved."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    task = RectificationTask.objects.get(pk=rates_world.t4.pk)
    lead = Lead.objects.get(summary="线索二")
    for row, change in ((task, "progress_note"), (lead, "summary")):
        setattr(row, change, "已更新")
        with CaptureQueriesContext(connection) as queries:
            row.save()
        statements = [query["sql"].lstrip().split()[0].upper() for query in queries.captured_queries]
        first_write = next(i for i, verb in enumerate(statements) if verb in ("UPDATE", "INSERT"))
        assert "SELECT" not in statements[:first_write], queries.captured_queries[:first_write]


def test_snapshots_follow_their_region_s_new_code(rates_world, eager, django_capture_on_commit_callbacks, regions):
    """Scoping reads a snapshot's region code from the row: a region given another code takes its rows with it, at
    once, for every reader (the rows' scope keys stay as written until the next recompute)."""
    today = timezone.localdate()
    rates_recompute_all(today)
    xianan, city_viewer = regions.get(code="421202"), make_user("city-viewer", regions.get(code="421200"))
    own = RateSnapshot.objects.filter(region=xianan)
    assert own.exists() and set(own.values_list("region_code", flat=True)) == {"421202"}
    assert RateSnapshot.objects.visible_to(city_viewer).filter(region=xianan).count() == own.count()
    with django_capture_on_commit_callbacks(execute=True):
        xianan.code = "429902"
        xianan.save()
    assert set(own.values_list("region_code", flat=True)) == {"429902"}
    assert not RateSnapshot.objects.visible_to(city_viewer).filter(region=xianan).exists()
    assert RateSnapshot.objects.visible_to(make_user("other-viewer", regions.get(code="420000"))).filter(
        region=xianan).count() == own.count()
