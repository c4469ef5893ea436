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


def make_approved_extension(task, new_deadline, *, reason="涉及多部门", decided_on=None):
    """An extension approved in the past, written as stored history (the service decides only today, by today's
    rules): the request, its decision and the task's moved deadline and stage dates."""
    from django.utils import timezone

    from rectification.models import DeadlineExtension
    from rectification.services import task_schedule

    decided_at = timezone.now() if decided_on is None else timezone.make_aware(
        dt.datetime.combine(decided_on, dt.time(10)))
    extension = DeadlineExtension.objects.create(
        task=task, reason=reason, previous_deadline=task.deadline, new_deadline=new_deadline, status="approved",
        decided_at=decided_at, decision_note="同意延期", requested_on=decided_at.date())
    for field, value in task_schedule(assigned_on=task.assigned_on, deadline=new_deadline).items():
        setattr(task, field, value)
    task.save()
    return extension


PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def make_evidence_file(task, *, name="整改报告.pdf", content=PDF_BYTES, user=None):
    """A progress record of `task` (整改中) with one stored evidence file, written as stored history."""
    import hashlib

    from django.core.files.base import ContentFile

    from rectification.models import EvidenceFile, ProgressRecord

    record = ProgressRecord.objects.create(task=task, kind="report", status="in_progress", note="已上传整改报告",
                                           created_by=user)
    evidence_file = EvidenceFile(record=record, name=name, kind="pdf", content_type="application/pdf",
                                 size=len(content), sha256=hashlib.sha256(content).hexdigest())
    evidence_file.file.save(name, ContentFile(content), save=True)
    return evidence_file
