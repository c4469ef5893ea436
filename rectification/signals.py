"""Rates and warnings follow every saved or deleted task and lead (bulk paths call the services).

pre_save remembers where a row was, so a move between rounds, organisations or categories
recomputes both the old and the new scopes.
"""
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from inspection.models import Finding, Inspection, InspectionGroup, Lead
from rectification import selectors, services
from rectification.models import RectificationTask, Warning


def _task_place(task) -> tuple:
    return (task.region_id, task.round_id, task.organization_id, task.category)


def _inspection_place(inspection, category) -> tuple:
    """The place of a lead or finding of `inspection` (as `services.rates_lead_places` gives it)."""
    return (inspection.organization.region_id, inspection.round_id, inspection.organization_id, category or "")


@receiver(pre_save, sender=RectificationTask)
def task_remember_place(sender, instance, raw=False, **kwargs):
    instance._rates_places_before = services.rates_task_places([instance.pk]) if instance.pk and not raw else set()


@receiver(post_save, sender=RectificationTask)
def task_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    places = {_task_place(instance)} | getattr(instance, "_rates_places_before", set())
    services.rates_touch(services.rates_place_keys(places))
    pk = instance.pk
    transaction.on_commit(lambda: services.warnings_refresh(tasks=RectificationTask.objects.filter(pk=pk)))


@receiver(post_delete, sender=RectificationTask)
def task_deleted(sender, instance, **kwargs):
    services.rates_touch(services.rates_place_keys({_task_place(instance)}))


@receiver(pre_save, sender=Lead)
def lead_remember_place(sender, instance, raw=False, **kwargs):
    before = Lead.objects.filter(pk=instance.pk) if instance.pk and not raw else Lead.objects.none()
    instance._rates_places_before = services.rates_lead_places(before)


@receiver(post_save, sender=Lead)
def lead_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    places = services.rates_lead_places(Lead.objects.filter(pk=instance.pk))
    services.rates_touch(services.rates_place_keys(places | instance._rates_places_before))


@receiver(post_delete, sender=Lead)
def lead_deleted(sender, instance, **kwargs):
    # The lead row is gone; its inspection (and finding) may be going too in a cascade.
    category = Finding.objects.filter(pk=instance.finding_id).values_list("category", flat=True).first()
    services.rates_touch(services.rates_place_keys({_inspection_place(instance.inspection, category)}))


@receiver(pre_save, sender=Finding)
def finding_remember_place(sender, instance, raw=False, **kwargs):
    before = Finding.objects.filter(pk=instance.pk) if instance.pk and not raw else Finding.objects.none()
    instance._rates_places_before = services.rates_finding_places(before)


@receiver(post_save, sender=Finding)
def finding_saved(sender, instance, raw=False, **kwargs):
    """A finding's category is copied to its tasks (one UPDATE), e.g. after an edit in the admin; the
    snapshots count findings, so its old and new scopes are recomputed."""
    if raw:
        return
    services.tasks_category_sync(Finding.objects.filter(pk=instance.pk))
    places = services.rates_finding_places(Finding.objects.filter(pk=instance.pk))
    services.rates_touch(services.rates_place_keys(places | instance._rates_places_before))


@receiver(post_delete, sender=Finding)
def finding_deleted(sender, instance, **kwargs):
    services.rates_touch(services.rates_place_keys({_inspection_place(instance.inspection, instance.category)}))


@receiver(pre_save, sender=Inspection)
def inspection_remember_place(sender, instance, raw=False, **kwargs):
    before = Inspection.objects.filter(pk=instance.pk) if instance.pk and not raw else Inspection.objects.none()
    instance._rates_places_before = services.rates_inspection_places(before)


@receiver(post_save, sender=Inspection)
def inspection_saved(sender, instance, raw=False, **kwargs):
    """The snapshots count inspected organisations: a new, moved or deleted inspection recomputes its scopes."""
    if raw:
        return
    places = services.rates_inspection_places(Inspection.objects.filter(pk=instance.pk))
    services.rates_touch(services.rates_place_keys(places | instance._rates_places_before))


@receiver(post_delete, sender=Inspection)
def inspection_deleted(sender, instance, **kwargs):
    services.rates_touch(services.rates_place_keys({_inspection_place(instance, "")}))


@receiver(post_save, sender=Warning)
@receiver(post_delete, sender=Warning)
def warning_changed(sender, instance, raw=False, **kwargs):
    """The snapshots count active warnings (an admin edit; warnings_refresh touches its own)."""
    if not raw:
        services.rates_touch_tasks([instance.task_id])


@receiver(post_save, sender=InspectionGroup)
@receiver(post_delete, sender=InspectionGroup)
@receiver(m2m_changed, sender=InspectionGroup.member_users.through)
def group_members_changed(sender, **kwargs):
    """A group member sees the rates of their groups' rounds: cached answers end when groups or members change
    (the rest of who sees what is in the SQL that keys them, see rectification.api.views.RateViewSet)."""
    transaction.on_commit(selectors.snapshot_version_bump, robust=True)
