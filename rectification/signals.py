"""Rates and warnings follow every saved or deleted task, lead, finding and inspection (bulk paths call the services).

pre_save remembers where a row was, so a move between rounds, organisations or categories
recomputes both the old and the new scopes.
"""
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from inspection.models import Finding, Inspection, InspectionGroup, Lead, Organization
from rectification import rates, services
from rectification.models import RateSnapshot, RectificationTask, Warning


def _task_place(task) -> tuple:
    return (task.region_id, task.round_id, task.organization_id, task.category)


def _inspection_place(inspection, category) -> tuple:
    """The place of a lead or finding of `inspection` (as `rates.rates_lead_places` gives it)."""
    return (inspection.organization.region_id, inspection.round_id, inspection.organization_id, category or "")


@receiver(pre_save, sender=RectificationTask)
def task_remember_place(sender, instance, raw=False, **kwargs):
    instance._rates_places_before = rates.rates_task_places([instance.pk]) if instance.pk and not raw else set()


@receiver(post_save, sender=RectificationTask)
def task_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    places = {_task_place(instance)} | getattr(instance, "_rates_places_before", set())
    rates.rates_touch(rates.rates_place_keys(places))
    services.warnings_touch({instance.pk})


@receiver(post_delete, sender=RectificationTask)
def task_deleted(sender, instance, **kwargs):
    rates.rates_touch(rates.rates_place_keys({_task_place(instance)}))


def _follow_places(model, places_of, deleted_place=None):
    """Touch the scopes of `model`'s rows when one is saved (its old and new places: a move recomputes both) or
    deleted. `places_of(queryset)` gives rows' places, `deleted_place(instance)` the place of a deleted row
    (None: nothing counted is left when one can be deleted)."""
    def remember(sender, instance, raw=False, **kwargs):
        before = model.objects.filter(pk=instance.pk) if instance.pk and not raw else model.objects.none()
        instance._rates_places_before = places_of(before)

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            places = places_of(model.objects.filter(pk=instance.pk)) | instance._rates_places_before
            rates.rates_touch(rates.rates_place_keys(places))

    def deleted(sender, instance, **kwargs):
        rates.rates_touch(rates.rates_place_keys({deleted_place(instance)}))

    name = model._meta.label_lower
    pre_save.connect(remember, sender=model, weak=False, dispatch_uid=f"rates-remember-{name}")
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"rates-saved-{name}")
    if deleted_place is not None:
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"rates-deleted-{name}")


def _deleted_lead_place(lead):
    # The lead row is gone; its inspection (and finding) may be going too in a cascade.
    category = Finding.objects.filter(pk=lead.finding_id).values_list("category", flat=True).first()
    return _inspection_place(lead.inspection, category)


# The snapshots count leads, findings and inspected organisations.
_follow_places(Lead, rates.rates_lead_places, _deleted_lead_place)
_follow_places(Finding, rates.rates_finding_places, lambda finding: _inspection_place(finding.inspection, finding.category))
_follow_places(Inspection, rates.rates_inspection_places, lambda inspection: _inspection_place(inspection, ""))
# An organisation moved to another region moves its inspections, findings and leads (PROTECT: one with
# inspections cannot be deleted).
_follow_places(Organization, lambda organizations: rates.rates_inspection_places(
    Inspection.objects.filter(organization__in=organizations)))

TASKS_OF = {Finding: "finding", Inspection: "finding__inspection", Organization: "finding__inspection__organization"}


@receiver(post_save, sender=Finding)
@receiver(post_save, sender=Inspection)
@receiver(post_save, sender=Organization)
def tasks_follow_their_finding(sender, instance, raw=False, **kwargs):
    """Tasks keep a copy of their finding's place (scoping and rates read it): an edit of the finding, its
    inspection or its organisation is copied down to them in one UPDATE (e.g. after an edit in the admin)."""
    if not raw:
        services.tasks_place_sync(RectificationTask.objects.filter(**{TASKS_OF[sender]: instance}))


@receiver(post_save, sender=Warning)
@receiver(post_delete, sender=Warning)
def warning_changed(sender, instance, raw=False, **kwargs):
    """The snapshots count active warnings (an admin edit; warnings_refresh touches its own)."""
    if not raw:
        rates.rates_touch_tasks([instance.task_id])


@receiver(post_save, sender=InspectionGroup)
@receiver(post_delete, sender=InspectionGroup)
@receiver(m2m_changed, sender=InspectionGroup.member_users.through)
def group_members_changed(sender, **kwargs):
    """A group member sees the rates of their groups' rounds: cached answers end when groups or members change
    (the rest of who sees what is in the SQL that keys them, see rectification.api.views.RateViewSet)."""
    transaction.on_commit(rates.snapshot_version_bump, robust=True)


# Migrations that add a figure to the snapshots. Once one has been applied to a database that has snapshots,
# today's rows of every scope are recomputed: an incremental run sums stored rows, and rows written before the
# figure existed hold 0 for it.
RECOMPUTE_AFTER_MIGRATIONS = {("rectification", "0007_snapshot_units_inspected")}


def rates_recompute_after_new_figures(sender, plan=None, using="default", **kwargs):
    applied = {(migration.app_label, migration.name) for migration, backwards in plan or [] if not backwards}
    if applied & RECOMPUTE_AFTER_MIGRATIONS and RateSnapshot.objects.using(using).exists():
        rates.rates_recompute_all()
