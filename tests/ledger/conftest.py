"""Builders for ledger files and users of the ledger tests."""
import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.roles import Role
from inspection.models import Finding
from ledger.columns import COLUMNS
from rectification.models import RectificationTask
from tests import factories
from tests.factories import make_inspection, make_organization, make_round

HEADERS = [column.header for column in COLUMNS]
FEEDBACK = dt.date(2026, 5, 10)
DEFAULTS = {
    "number": 1, "organization": "", "category": "全面从严治党和党风廉政建设", "description": "违规发放津贴补贴",
    "severity": "一般", "measures": "退回违规款项，建立长效机制", "responsible_unit": "财务股", "responsible_person": "张伟",
    "deadline": "2026-07-10", "status": "整改中", "closed_on": None, "evidence": "", "progress_note": "",
}


def ledger_row(number, **values) -> list:
    """One data row in template order; `values` by column key override the defaults."""
    data = {**DEFAULTS, "number": number, **values}
    return [data[column.key] for column in COLUMNS]


def xlsx_upload(rows, *, headers=HEADERS, name="整改台账.xlsx", above=(), merge=()) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for values in above:
        sheet.append(values)
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_upload(rows, *, headers=HEADERS, encoding="utf-8-sig", name="整改台账.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


def snapshot(inspection) -> tuple:
    """Every stored value of an inspection's findings and tasks, and their history sizes."""
    findings = list(Finding.objects.filter(inspection=inspection).order_by("pk").values())
    tasks = list(RectificationTask.objects.filter(inspection=inspection).order_by("pk").values())
    histories = (Finding.history.filter(inspection=inspection).count(), RectificationTask.history.filter(inspection=inspection).count())
    return findings, tasks, histories


def make_user(username, region, *, admin=False, organization=None):
    """A region admin, a unit user (with `organization`) or a viewer of `region`."""
    role = Role.REGION_ADMIN if admin else Role.UNIT if organization else Role.VIEWER
    return factories.make_user(username, role=role, region=region, organization=organization)


@pytest.fixture
def inspection(xianan):
    return make_inspection(make_round(xianan), make_organization(xianan, name="咸安区教育局"), feedback=FEEDBACK)


@pytest.fixture
def admin_user(xianan):
    return make_user("ledger-admin", xianan, admin=True)
