import io

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from openpyxl import load_workbook

from inspection.models import Finding
from ledger.choices import ImportStatus
from ledger.models import LedgerImport
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task
from tests.ledger.conftest import HEADERS, ledger_row, make_user, snapshot, xlsx_upload

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def rows_of(response) -> list:
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0].values)


def test_an_admin_imports_through_the_page(client, inspection, admin_user):
    client = logged_in(client, admin_user)
    page = client.get(reverse("ledger:import", args=[inspection.pk]))
    assert page.status_code == 200
    assert reverse("ledger:template") in page.content.decode() and "上传并导入" in page.content.decode()
    template = client.get(reverse("ledger:template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats") and rows_of(template)[0] == tuple(HEADERS)

    response = client.post(reverse("ledger:import", args=[inspection.pk]), {"file": xlsx_upload([ledger_row(1), ledger_row(2)])})
    record = LedgerImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("ledger:import-detail", args=[record.pk])
    detail = client.get(response.url).content.decode()
    assert "导入成功" in detail and "新增 2 行" in detail and "ledger-admin" in detail
    assert Finding.objects.filter(inspection=inspection).count() == 2
    assert "整改台账.xlsx" in client.get(reverse("ledger:import", args=[inspection.pk])).content.decode()  # in the history


def test_the_page_lists_each_error_in_chinese(client, inspection, admin_user):
    client = logged_in(client, admin_user)
    response = client.post(reverse("ledger:import", args=[inspection.pk]),
                           {"file": xlsx_upload([ledger_row(1), ledger_row(2, status="已销号")])}, follow=True)
    page = response.content.decode()
    assert "导入失败" in page and "第 3 行" in page and "完成时间" in page and "必须填写完成时间" in page
    assert not Finding.objects.filter(inspection=inspection).exists()


def test_the_form_refuses_a_file_over_the_size_limit(client, inspection, admin_user, settings):
    settings.LEDGER_MAX_UPLOAD_BYTES = 2000
    response = logged_in(client, admin_user).post(reverse("ledger:import", args=[inspection.pk]), {"file": xlsx_upload([ledger_row(1)])})
    assert response.status_code == 200 and "超过上限" in response.content.decode()
    assert not LedgerImport.objects.exists()


@pytest.mark.skipif(bool(django_settings.REDIS_URL), reason="with Redis the worker test takes this path")
def test_a_large_file_goes_through_the_task_and_shows_progress(client, inspection, admin_user, settings,
                                                              django_capture_on_commit_callbacks):
    settings.LEDGER_ASYNC_ROWS = 2
    client = logged_in(client, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger:import", args=[inspection.pk]),
                               {"file": xlsx_upload([ledger_row(n) for n in range(1, 6)])})
    record = LedgerImport.objects.get()
    assert record.status == ImportStatus.SUCCEEDED and record.rows_created == 5 and record.content is None
    progress = client.get(reverse("ledger:import-progress", args=[record.pk])).json()
    assert progress == {"status": "succeeded", "status_label": "导入成功", "finished": True, "rows_total": 5, "rows_processed": 5}
    assert response.status_code == 302


def test_a_viewer_and_a_unit_user_may_not_import(client, inspection, xianan):
    before = snapshot(inspection)
    for user in (make_user("viewer", xianan), make_user("unit", xianan, organization=inspection.organization)):
        client = logged_in(client, user)
        assert client.get(reverse("ledger:import", args=[inspection.pk])).status_code == 403
        assert client.post(reverse("ledger:import", args=[inspection.pk]), {"file": xlsx_upload([ledger_row(1)])}).status_code == 403
    assert snapshot(inspection) == before and not LedgerImport.objects.exists()


def test_an_admin_of_another_region_gets_404(client, inspection, admin_user, tongcheng):
    record = LedgerImport.objects.create(inspection=inspection, user=admin_user, file_name="a.xlsx", file_size=1, sha256="0" * 64)
    client = logged_in(client, make_user("tongcheng-admin", tongcheng, admin=True))
    for url in (reverse("ledger:import", args=[inspection.pk]), reverse("ledger:import-detail", args=[record.pk]),
                reverse("ledger:import-progress", args=[record.pk]), reverse("ledger:export-inspection", args=[inspection.pk]),
                reverse("ledger:export-round", args=[inspection.round_id]),
                reverse("ledger:export-organization", args=[inspection.organization_id])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("ledger:import", args=[inspection.pk]), {"file": xlsx_upload([ledger_row(1)])}).status_code == 404
    assert not Finding.objects.filter(inspection=inspection).exists()


def test_anonymous_users_are_sent_to_log_in(client, inspection):
    assert client.get(reverse("ledger:import", args=[inspection.pk])).status_code == 302
    assert client.get(reverse("ledger:export-tasks")).status_code == 302


@pytest.fixture
def two_counties(inspection, tongcheng):
    """A city round that inspected a unit in 咸安区 (the fixture's inspection) and one in 通城县."""
    city_round = make_round(tongcheng.parent)
    here = make_inspection(city_round, inspection.organization)
    there = make_inspection(city_round, make_organization(tongcheng, name="通城县财政局"))
    for target in (here, here, there):
        make_task(make_finding(target))
    return city_round


def test_exports_of_a_round_an_organisation_and_a_filter_show_only_what_the_user_may_see(client, two_counties, xianan, inspection):
    client = logged_in(client, make_user("viewer", xianan))  # reading is for every role
    round_rows = rows_of(client.get(reverse("ledger:export-round", args=[two_counties.pk])))
    assert round_rows[0] == tuple(HEADERS) and len(round_rows) == 3  # 通城县's task is not in a 咸安区 user's file
    assert {row[1] for row in round_rows[1:]} == {"咸安区教育局"}
    organization_rows = rows_of(client.get(reverse("ledger:export-organization", args=[inspection.organization_id])))
    assert len(organization_rows) == 3

    filtered = client.get(reverse("ledger:export-tasks"), {"round": two_counties.pk, "status": "in_progress", "q": "津贴"})
    assert "attachment" in filtered["Content-Disposition"] and len(rows_of(filtered)) == 3
    assert len(rows_of(client.get(reverse("ledger:export-tasks"), {"status": "closed"}))) == 1  # the header only
    bad = client.get(reverse("ledger:export-tasks"), {"deadline_from": "明天"})
    assert bad.status_code == 400 and "筛选条件有误" in bad.content.decode()


def test_every_export_is_recorded_in_the_audit_log(client, inspection, admin_user):
    from accounts.models import AuditEvent

    make_task(make_finding(inspection))
    client = logged_in(client, admin_user)
    client.get(reverse("ledger:export-inspection", args=[inspection.pk]))
    client.get(reverse("ledger:export-tasks") + "?status=in_progress")
    events = list(AuditEvent.objects.filter(action="export").order_by("pk"))
    assert [e.details["rows"] for e in events] == [1, 1]
    assert events[0].object_id == str(inspection.pk) and events[1].details["filters"] == {"status": "in_progress"}
    assert all(e.user == admin_user for e in events)
