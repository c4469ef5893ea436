"""Every write of inspection records: regions, rounds, groups, inspections, findings and leads.

The admin, ingest and the ledger import call these, so a rule holds for every door. Each write validates the
whole row (`full_clean`) and records who made it in the history where the model keeps one.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.filters import regions_by_code
from inspection import rules, signals
from inspection.choices import RoundKind
from inspection.models import Finding, Inspection, InspectionGroup, InspectionRound, Lead, Organization, Region
from inspection.regions import national_divisions


@transaction.atomic
def regions_load() -> dict:
    """Create or update every national division; running it again changes nothing."""
    rows = national_divisions()  # parents before children
    by_code = {region.code: region for region in Region.objects.all()}
    created, changed = 0, []
    for level in ("province", "city", "county"):
        new = []
        for row in (r for r in rows if r.level == level):
            parent_id = by_code[row.parent_code].pk if row.parent_code else None
            region = by_code.get(row.code)
            if region is None:
                new.append(Region(code=row.code, name=row.name, level=row.level, parent_id=parent_id))
            elif (region.name, region.level, region.parent_id) != (row.name, row.level, parent_id):
                region.name, region.level, region.parent_id = row.name, row.level, parent_id
                changed.append(region)
        for region in Region.objects.bulk_create(new, batch_size=1000):
            by_code[region.code] = region
        created += len(new)
    Region.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=500)
    regions_by_code.clear()  # bulk_update sends no signal
    return {"created": created, "updated": len(changed), "total": len(rows)}


def _save(obj, user=None):
    obj.full_clean()
    if user is not None:
        obj._history_user = user  # history (and so the audit log) names who did it, in or out of a request
    obj.save()
    return obj


@transaction.atomic
def round_create(*, organizer: Region, term: int, number: int, kind: str = RoundKind.REGULAR, user=None,
                 **fields) -> InspectionRound:
    return _save(InspectionRound(organizer=organizer, term=term, number=number, kind=kind, **fields), user)


@transaction.atomic
def round_save(*, inspection_round: InspectionRound, user=None) -> InspectionRound:
    return _save(inspection_round, user)


@transaction.atomic
def group_save(*, group: InspectionGroup, user=None) -> InspectionGroup:
    return _save(group, user)


# What each record's place is made of: a change of one of these moves the record (and its tasks above).
PLACE_FIELDS = {
    Organization: ("region_id",),
    Inspection: ("round_id", "organization_id"),
    Finding: ("inspection_id", "category"),
}


def _save_in_place(obj, user):
    """Save `obj` and, when its place changed, tell the layers above (`signals.place_changed`): tasks copy their
    finding's place, so the service that moves a finding, inspection or organisation keeps them in step."""
    changed = obj.changed_fields(*PLACE_FIELDS[type(obj)])
    _save(obj, user)
    if changed:
        signals.place_changed.send(sender=type(obj), instance=obj)
    return obj


@transaction.atomic
def organization_save(*, organization: Organization, user=None) -> Organization:
    return _save_in_place(organization, user)


@transaction.atomic
def inspection_save(*, inspection: Inspection, user=None) -> Inspection:
    return _save_in_place(inspection, user)


@transaction.atomic
def finding_save(*, finding: Finding, user=None) -> Finding:
    return _save_in_place(finding, user)


def findings_save_many(*, created: list[Finding], changed: list[Finding], fields: list[str], user, reason: str,
                       batch_size: int = 1000) -> None:
    """Many findings at once (the ledger import, whose rows were validated before): bulk writes with history."""
    history = {"default_user": user, "default_change_reason": reason, "batch_size": batch_size}
    bulk_create_with_history(created, Finding, **history)
    bulk_update_with_history(changed, Finding, fields, **history)


def lead_check(*, lead: Lead) -> None:
    """The lead's state machine (`rules.lead_status_error`) against its stored status."""
    previous = None if lead._state.adding else Lead.objects.filter(pk=lead.pk).values_list("status", flat=True).first()
    error = rules.lead_status_error(previous=previous, status=lead.status)
    if error:
        raise ValidationError({"status": error})


@transaction.atomic
def lead_save(*, lead: Lead, user=None) -> Lead:
    lead_check(lead=lead)
    return _save(lead, user)
