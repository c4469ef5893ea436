import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from inspection.models import Finding, Inspection, InspectionRound, Lead, Organization
from rectification.models import RectificationTask

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_admin_add_and_change_page_renders(admin_client, demo):
    for model in admin.site._registry:
        if model._meta.app_label == "axes":  # lockout records: django-axes' own admin, list and delete only
            continue
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200, model
        # Rate snapshots are written only by the recompute jobs, extensions only through the pages and the API
        # (where the rules hold): read-only, even for a superuser.
        read_only = model._meta.label_lower in ("rectification.ratesnapshot", "rectification.deadlineextension")
        assert admin_client.get(admin_url(model, "add")).status_code == (403 if read_only else 200), model
        obj = model._default_manager.first()
        if obj is not None:
            assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200, model


def formset(prefix, rows, total_initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(total_initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def post_ok(client, url, data):
    response = client.post(url, data)
    errors = getattr(response, "context", None) and response.context.get("errors")
    assert response.status_code == 302, errors
    return response


def test_a_whole_round_is_entered_through_the_admin(admin_client, xianan):
    org = Organization.objects.create(name="咸安区教育局党组", region=xianan)
    # Round with its group and inspection (inlines).
    post_ok(admin_client, admin_url(InspectionRound, "add"), {
        "organizer": xianan.pk, "term": "14", "number": "2", "kind": "regular", "title": "",
        "started_on": "2026-03-01", "ended_on": "2026-04-10", "notes": "",
        **formset("groups", [{"number": "1", "leader": "王伟", "members": "李娜"}]),
        **formset("inspections", [{"organization": org.pk, "entry_date": "2026-03-02", "feedback_date": "2026-05-08"}]),
    })
    inspection = Inspection.objects.get()
    assert inspection.round.groups.count() == 1
    # Findings and a lead on the inspection.
    post_ok(admin_client, admin_url(Inspection, "change", inspection.pk), {
        "round": inspection.round_id, "group": "", "organization": org.pk,
        "entry_date": "2026-03-02", "exit_date": "", "feedback_date": "2026-05-08",
        **formset("findings", [{"number": "1", "category": "integrity", "severity": "general", "description": "违规发放津贴补贴"}]),
        **formset("leads", [{"summary": "反映某干部违规问题", "recipient": "discipline", "status": "concluded",
                             "transferred_on": "2026-05-01", "concluded_on": "2026-08-01", "cases_filed": "1",
                             "people_sanctioned": "1", "people_organizational": "0", "people_judicial": "0", "finding": ""}]),
    })
    finding = Finding.objects.get()
    assert Lead.objects.get().people_sanctioned == 1
    # A task on the finding, deadline left blank: feedback + 2 months.
    post_ok(admin_client, admin_url(Finding, "change", finding.pk), {
        "inspection": inspection.pk, "number": "1", "category": "integrity", "severity": "general",
        "description": "违规发放津贴补贴",
        **formset("tasks", [{"responsible_unit": "咸安区教育局", "responsible_person": "张强", "measures": "清退",
                             "assigned_on": "", "deadline": "", "status": "in_progress", "closed_on": "",
                             "evidence": "", "progress_note": ""}]),
    })
    task = RectificationTask.objects.get()
    assert task.deadline == dt.date(2026, 7, 8)
    assert task.history.count() == 1 and finding.history.count() >= 1


def test_admin_rejects_a_closed_task_without_closing_date(admin_client, demo):
    finding = Finding.objects.filter(tasks__isnull=True).first() or Finding.objects.first()
    tasks_before = RectificationTask.objects.filter(finding=finding).count()
    response = admin_client.post(admin_url(RectificationTask, "add"), {
        "finding": finding.pk, "responsible_unit": "办公室", "responsible_person": "", "measures": "",
        "assigned_on": "", "deadline": "", "status": "closed", "closed_on": "", "evidence": "报告", "progress_note": "",
        **formset("progress_records", []), **formset("extensions", []), **formset("follow_up_visits", []),
        **formset("warnings", []),
    })
    assert response.status_code == 200
    assert RectificationTask.objects.filter(finding=finding).count() == tasks_before


def test_history_of_a_task_is_shown_in_the_admin(admin_client, xianan):
    from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task

    task = make_task(make_finding(make_inspection(make_round(xianan), make_organization(xianan))))
    task.progress_note = "已制定整改方案"
    task.save()
    response = admin_client.get(admin_url(RectificationTask, "history", task.pk))
    assert response.status_code == 200
    assert task.history.count() == 2
    assert task.history.first().progress_note == "已制定整改方案"
