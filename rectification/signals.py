"""Receivers that keep rates, warnings and tasks in step with inspection and rectification records. Connected in
`RectificationConfig.ready()` (`connect`), the only place signals of this app are connected.

- A saved or deleted task, lead, finding, inspection or organisation touches the scopes of its place; one that
  moved (read from the values it was loaded with, `core.models.LoadedValuesMixin`: no SELECT before a save)
  also touches the scopes of where it was.
- A finding, inspection or organisation that a service moved (`inspection.signals.place_changed`) has its tasks'
  copy of the place updated (`tasks_place_sync`).
- Warnings touch their task's scopes; groups and members end cached rates answers; some migrations recompute.
- A region's new code reaches the snapshots that keep it (`RateSnapshot.region_code`, what scoping reads).
- Every touch, and a change to rounds, 延期, progress records, group members, roles or permissions, ends the
  cached pages (`core.versioned_cache.live_changed`).
"""
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

from accounts.models import User
from core.versioned_cache import live_changed
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from inspection.signals import place_changed
from rectification import rates, services
from rectification.models import DeadlineExtension, ProgressRecord, RateSnapshot, RectificationTask, TaskWarning
from rectification.rates import Place


def _inspection_place(inspection_id, category) -> Place:
    """The place of a lead or finding of an inspection (as `rates.rates_lead_places` gives it)."""
    region_id, round_id, organization_id = (Inspection.objects.filter(pk=inspection_id)
                                            .values_list("organization__region_id", "round_id", "organization_id")
                                            .get())
    return Place(region_id, round_id, organization_id, category or "")


def _finding_category(finding_id) -> str:
    return Finding.objects.filter(pk=finding_id).values_list("category", flat=True).first() or ""


# Where a row was, from the values it was loaded with: model → (fields that place it, its places from those).
# Called only when one of the fields changed, so an ordinary save reads nothing first.
def _task_before(task, loaded):
    return {Place(loaded["region_id"], loaded["round_id"], loaded["organization_id"], loaded["category"])}


def _lead_before(lead, loaded):
    return {_inspection_place(loaded["inspection_id"], _finding_category(loaded["finding_id"]))}


def _finding_before(finding, loaded):
    return {_inspection_place(loaded["inspection_id"], loaded["category"])}


def _inspection_before(inspection, loaded):
    region_id = Organization.objects.filter(pk=loaded["organization_id"]).values_list("region_id", flat=True).first()
    return {Place(region_id, loaded["round_id"], loaded["organization_id"], place.category)
            for place in rates.rates_inspection_places(Inspection.objects.filter(pk=inspection.pk))}


def _organization_before(organization, loaded):
    places = _organization_places(Organization.objects.filter(pk=organization.pk))
    return {place._replace(region_id=loaded["region_id"]) for place in places}


def _organization_places(organizations):
    """An organisation counts through its inspections, findings and leads."""
    return rates.rates_inspection_places(Inspection.objects.filter(organization__in=organizations))


PLACED = {
    RectificationTask: (("region_id", "round_id", "organization_id", "category"), _task_before,
                        rates.rates_task_places),
    Lead: (("inspection_id", "finding_id"), _lead_before, rates.rates_lead_places),
    Finding: (("inspection_id", "category"), _finding_before, rates.rates_finding_places),
    Inspection: (("round_id", "organization_id"), _inspection_before, rates.rates_inspection_places),
    Organization: (("region_id",), _organization_before, _organization_places),
}


def remember_place(sender, instance, raw=False, **kwargs):
    """Before a save: where the row was, if it moved. A row not loaded from the database (made in memory with
    the id of a stored one) is read once instead."""
    instance._places_before = set()
    if raw or instance.pk is None:
        return
    fields, before, places_of = PLACED[sender]
    changed = instance.changed_fields(*fields)
    if changed is None:
        instance._places_before = places_of(sender.objects.filter(pk=instance.pk))
    elif changed:
        instance._places_before = before(instance, instance.loaded_values())


def touch_place(sender, instance, raw=False, **kwargs):
    """After a save: recompute the scopes of where the row is and was."""
    if raw:
        return
    places_of = PLACED[sender][2]
    rates.rates_touch(rates.rates_place_keys(places_of(sender.objects.filter(pk=instance.pk))
                                             | getattr(instance, "_places_before", set())))
    if sender is RectificationTask:
        services.warnings_touch({instance.pk})


# Where a deleted row was (the row is gone; its inspection and finding may be going too in a cascade).
DELETED_PLACE = {
    RectificationTask: lambda task: Place(task.region_id, task.round_id, task.organization_id, task.category),
    Lead: lambda lead: _inspection_place(lead.inspection_id, _finding_category(lead.finding_id)),
    Finding: lambda finding: _inspection_place(finding.inspection_id, finding.category),
    Inspection: lambda inspection: Place(inspection.organization.region_id, inspection.round_id,
                                         inspection.organization_id, ""),
    # An organisation with inspections cannot be deleted (PROTECT): nothing counted goes with it.
}


def touch_deleted(sender, instance, **kwargs):
    rates.rates_touch(rates.rates_place_keys({DELETED_PLACE[sender](instance)}))


TASKS_OF = {Finding: "finding", Inspection: "finding__inspection", Organization: "finding__inspection__organization"}


def tasks_follow_their_finding(sender, instance, **kwargs):
    """Tasks keep a copy of their finding's place (scoping and rates read it): a moved finding, inspection or
    organisation is copied down to them in one UPDATE."""
    services.tasks_place_sync(RectificationTask.objects.filter(**{TASKS_OF[sender]: instance}))


def warning_changed(sender, instance, raw=False, **kwargs):
    """The snapshots count active warnings (an admin edit; warnings_refresh touches its own)."""
    if not raw:
        rates.rates_touch_tasks([instance.task_id])


def group_members_changed(sender, **kwargs):
    """A group member sees the rates of their groups' rounds: cached answers end when groups or members change
    (the rest of who sees what is in the SQL that keys them, see rectification.api.views.RateViewSet)."""
    transaction.on_commit(rates.snapshot_version_bump, robust=True)
    live_changed()


def snapshots_follow_their_region(sender, instance, raw=False, **kwargs):
    """Snapshots keep their region's code (scoping reads it from the row): a changed code is theirs in the same
    transaction, and cached rates answers and pages end."""
    if raw:
        return
    if RateSnapshot.objects.filter(region=instance).exclude(region_code=instance.code).update(region_code=instance.code):
        transaction.on_commit(rates.snapshot_version_bump, robust=True)
        live_changed()


def pages_changed(sender, raw=False, **kwargs):
    """What cached pages show without a rates touch: rounds (the overview's count and chart), 延期 and progress
    records (the 待办 count), roles and permissions (whose 待办 it is). Everything else ends them through
    `rates_touch`."""
    if not raw:
        live_changed()


# Migrations that add a figure to the snapshots. Once one has been applied to a database that has snapshots,
# today's rows of every scope are recomputed: an incremental run sums stored rows, and rows written before the
# figure existed hold 0 for it.
RECOMPUTE_AFTER_MIGRATIONS = {("rectification", "0007_snapshot_units_inspected")}


def rates_recompute_after_new_figures(sender, plan=None, using="default", **kwargs):
    applied = {(migration.app_label, migration.name) for migration, backwards in plan or [] if not backwards}
    if applied & RECOMPUTE_AFTER_MIGRATIONS and RateSnapshot.objects.using(using).exists():
        rates.rates_recompute_all()


def connect(app_config) -> None:
    for model in PLACED:
        name = model._meta.label_lower
        pre_save.connect(remember_place, sender=model, dispatch_uid=f"rates-remember-{name}")
        post_save.connect(touch_place, sender=model, dispatch_uid=f"rates-saved-{name}")
        if model in DELETED_PLACE:
            post_delete.connect(touch_deleted, sender=model, dispatch_uid=f"rates-deleted-{name}")
    for model in TASKS_OF:
        place_changed.connect(tasks_follow_their_finding, sender=model, dispatch_uid=f"tasks-place-{model.__name__}")
    for signal in (post_save, post_delete):
        signal.connect(warning_changed, sender=TaskWarning, dispatch_uid=f"rates-warning-{signal is post_save}")
        signal.connect(group_members_changed, sender=InspectionGroup, dispatch_uid=f"group-{signal is post_save}")
    m2m_changed.connect(group_members_changed, sender=InspectionGroup.member_users.through,
                        dispatch_uid="group-members")
    post_save.connect(snapshots_follow_their_region, sender=Region, dispatch_uid="snapshots-region-code")
    for model in (InspectionRound, DeadlineExtension, ProgressRecord):
        for signal in (post_save, post_delete):
            signal.connect(pages_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-{signal is post_save}")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(pages_changed, sender=through, dispatch_uid=f"pages-{through.__name__}")
    post_migrate.connect(rates_recompute_after_new_figures, sender=app_config, dispatch_uid="rates_new_figures")
