import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from inspection.models import Finding
from ledger.choices import ImportStatus
from ledger.services import ledger_export, ledger_import, ledger_template
from rectification.choices import TaskStatus
from rectification.models import RectificationTask
from tests.factories import (
    make_approved_extension,
    make_finding,
    make_inspection,
    make_organization,
    make_round,
    make_task,
)
from tests.ledger.conftest import HEADERS, csv_upload, ledger_row, snapshot, xlsx_upload

pytestmark = pytest.mark.django_db


def run(inspection, upload, user):
    return ledger_import(inspection=inspection, file=upload, user=user)


def errors_of(record) -> set:
    return {(e["row"], e["column"]) for e in record.errors}


def exported(queryset, name="导出.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ledger_export(queryset).read())


# --- a good file ----------------------------------------------------------------------------------

def test_import_creates_findings_and_tasks_with_defaults_and_history(inspection, admin_user):
    upload = xlsx_upload([
        ledger_row(1),
        ledger_row(2, category="作风", description="文山会海问题反弹", deadline=None, status="已销号", closed_on="2026年6月20日",
                   evidence="整改报告"),
        ledger_row(3, category="民生", status="待验收", severity="严重", deadline="2026.8.1"),
    ])
    record = run(inspection, upload, admin_user)
    assert record.status == ImportStatus.SUCCEEDED, record.errors
    assert (record.rows_total, record.rows_created, record.rows_updated, record.rows_unchanged) == (3, 3, 0, 0)

    tasks = {t.finding.number: t for t in RectificationTask.objects.filter(inspection=inspection).select_related("finding")}
    assert tasks[1].deadline == tasks[1].original_deadline == dt.date(2026, 7, 10)
    assert tasks[1].assigned_on == inspection.feedback_date
    assert tasks[1].assigned_on < tasks[1].start_due < tasks[1].progress_due < tasks[1].deadline
    assert tasks[2].finding.category == "conduct" and tasks[2].deadline == dt.date(2026, 7, 10)  # feedback + 2 months
    assert (tasks[2].status, tasks[2].closed_on) == (TaskStatus.CLOSED, dt.date(2026, 6, 20))
    assert (tasks[3].status, tasks[3].finding.severity, tasks[3].deadline) == (TaskStatus.REPORTED, "severe", dt.date(2026, 8, 1))
    assert tasks[1].is_overdue and not tasks[2].is_overdue  # today is after 2026-07-10
    assert (tasks[1].round, tasks[1].organization, tasks[1].region) == (inspection.round, inspection.organization, inspection.organization.region)

    history = RectificationTask.history.filter(inspection=inspection)
    assert history.count() == 3 and {h.history_user for h in history} == {admin_user}
    assert history.first().history_change_reason == "台账导入：整改台账.xlsx"


def test_import_is_recorded_with_who_and_which_file(inspection, admin_user):
    upload = xlsx_upload([ledger_row(1)], name="咸安区教育局整改台账.xlsx")
    content = upload.read()
    upload.seek(0)
    record = run(inspection, upload, admin_user)
    record.refresh_from_db()
    assert (record.user, record.inspection, record.file_name) == (admin_user, inspection, "咸安区教育局整改台账.xlsx")
    assert (record.file_size, record.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert record.finished_at >= record.created_at and record.content is None


def test_reimport_updates_rows_and_never_duplicates(inspection, admin_user):
    run(inspection, xlsx_upload([ledger_row(1), ledger_row(2)]), admin_user)
    again = run(inspection, xlsx_upload([
        ledger_row(1),
        ledger_row(2, status="已销号", closed_on=dt.date(2026, 7, 1), responsible_person="李娜", evidence="整改报告"),
        ledger_row(3),
    ]), admin_user)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (1, 1, 1)
    assert Finding.objects.filter(inspection=inspection).count() == 3
    assert RectificationTask.objects.filter(inspection=inspection).count() == 3
    task = RectificationTask.objects.get(finding__inspection=inspection, finding__number=2)
    assert (task.status, task.closed_on, task.responsible_person) == (TaskStatus.CLOSED, dt.date(2026, 7, 1), "李娜")
    assert task.history.count() == 2  # created, then updated once; the unchanged row left no history


def test_a_changed_deadline_moves_the_stage_dates_and_keeps_the_original(inspection, admin_user):
    run(inspection, xlsx_upload([ledger_row(1, deadline="2098-07-10")]), admin_user)
    progress_due = RectificationTask.objects.get(inspection=inspection).progress_due
    run(inspection, xlsx_upload([ledger_row(1, deadline="2098/9/10")]), admin_user)
    task = RectificationTask.objects.get(inspection=inspection)
    assert (task.original_deadline, task.deadline) == (dt.date(2098, 7, 10), dt.date(2098, 9, 10))
    assert task.progress_due > progress_due and task.is_extended


def test_the_import_keeps_the_rules_of_the_pages(inspection, admin_user):
    """A row that closes a task needs its evidence; a closed task keeps its status, closing date and deadline; a
    deadline that has passed no longer moves (as no extension could be approved then)."""
    record = run(inspection, xlsx_upload([ledger_row(1, status="已销号", closed_on="2026-06-20")]), admin_user)
    assert errors_of(record) == {(2, "佐证材料")} and not RectificationTask.objects.filter(inspection=inspection).exists()
    run(inspection, xlsx_upload([ledger_row(1, status="已销号", closed_on="2026-06-20", evidence="报告"), ledger_row(2)]),
        admin_user)
    before = snapshot(inspection)
    record = run(inspection, xlsx_upload([
        ledger_row(1, status="整改中", evidence="报告"),  # reopening a closed task
        ledger_row(2, deadline="2026-12-31"),  # its deadline 2026-07-10 has passed
    ]), admin_user)
    assert errors_of(record) == {(2, "整改状态"), (3, "整改时限")}, record.errors
    assert snapshot(inspection) == before
    record = run(inspection, xlsx_upload([ledger_row(1, status="已销号", closed_on="2026-06-25", evidence="报告")]),
                 admin_user)
    assert errors_of(record) == {(2, "整改状态")}


def test_every_row_an_import_changes_is_audited_with_file_before_and_after(inspection, admin_user):
    from accounts.choices import AuditAction
    from accounts.models import AuditEvent

    run(inspection, xlsx_upload([ledger_row(1), ledger_row(2)], name="第一版.xlsx"), admin_user)
    assert AuditEvent.objects.filter(action=AuditAction.LEDGER_IMPORT).count() == 2
    record = run(inspection, xlsx_upload([ledger_row(1), ledger_row(2, status="已销号", closed_on="2026-07-01",
                                                                    evidence="整改报告")], name="第二版.xlsx"), admin_user)
    assert record.status == ImportStatus.SUCCEEDED, record.errors
    event = AuditEvent.objects.filter(action=AuditAction.LEDGER_IMPORT).latest("pk")
    task = RectificationTask.objects.get(inspection=inspection, finding__number=2)
    assert (event.user, event.object_id, event.details["file"], event.details["number"]) == (
        admin_user, str(task.pk), "第二版.xlsx", 2)
    assert event.details["task"]["status"] == ["in_progress", "closed"]
    assert event.details["task"]["closed_on"] == [None, "2026-07-01"]
    assert AuditEvent.objects.filter(action=AuditAction.LEDGER_IMPORT).count() == 3  # the unchanged row: none
    last = task.progress_records.last()
    assert (last.kind, last.note, last.created_by) == ("accepted", "台账导入：第二版.xlsx", admin_user)


def test_csv_in_utf8_and_gbk_import_alike(inspection, admin_user):
    rows = [ledger_row(1, description="“三重一大”事项未经集体研究"), ledger_row(2, category="组织建设")]
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        record = run(inspection, csv_upload(rows, encoding=encoding), admin_user)
        assert record.status == ImportStatus.SUCCEEDED, (encoding, record.errors)
    assert Finding.objects.get(inspection=inspection, number=1).description == "“三重一大”事项未经集体研究"
    assert Finding.objects.filter(inspection=inspection).count() == 2


def test_title_rows_above_the_header_and_chinese_numerals_are_read(inspection, admin_user):
    upload = xlsx_upload(
        [ledger_row("十二"), ledger_row("３"), ledger_row(4.0, deadline=46243)],  # 46243: Excel serial of 2026-08-09
        above=[["咸安区教育局巡察整改台账"], []], merge=["A1:M1"],
    )
    record = run(inspection, upload, admin_user)
    assert record.status == ImportStatus.SUCCEEDED, record.errors
    assert sorted(Finding.objects.filter(inspection=inspection).values_list("number", flat=True)) == [3, 4, 12]
    assert RectificationTask.objects.get(finding__number=4, inspection=inspection).deadline == dt.date(2026, 8, 9)


# --- round trip -----------------------------------------------------------------------------------

@pytest.fixture
def ledger_of_many_kinds(inspection, admin_user):
    """Tasks in every state, an extended deadline, text that looks like a formula, line breaks."""
    open_task = make_task(make_finding(inspection), responsible_person="王芳", measures="第一条\n第二条")
    reported = make_task(make_finding(inspection, category="livelihood", description="=SUM(A1:A3) 惠民资金发放不及时"),
                         status=TaskStatus.REPORTED, evidence="整改报告.pdf")
    make_task(make_finding(inspection, category="organization"), status=TaskStatus.CLOSED, closed_on=dt.date(2026, 6, 1),
              progress_note="已完成")
    make_approved_extension(open_task, dt.date(2026, 9, 30), reason="需协调")
    Finding.objects.filter(pk=reported.finding_id).update(severity="serious")
    return inspection


def test_export_then_import_changes_nothing(ledger_of_many_kinds, admin_user):
    inspection = ledger_of_many_kinds
    before = snapshot(inspection)
    record = run(inspection, exported(RectificationTask.objects.filter(inspection=inspection)), admin_user)
    assert record.status == ImportStatus.SUCCEEDED, record.errors
    assert (record.rows_created, record.rows_updated, record.rows_unchanged) == (0, 0, 3)
    after = snapshot(inspection)
    for old, new in zip(before[0] + before[1], after[0] + after[1], strict=True):
        for field in old:
            assert old[field] == new[field], field
    assert before[2] == after[2]  # no history rows either


def test_an_edited_export_imports_back_the_edits_only(ledger_of_many_kinds, admin_user):
    inspection = ledger_of_many_kinds
    workbook = load_workbook(exported(RectificationTask.objects.filter(inspection=inspection)))
    sheet = workbook["整改台账"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.cell(row=3, column=4).data_type == "s"  # “=SUM(...)” stays text, never a formula
    sheet.cell(row=2, column=HEADERS.index("责任人") + 1, value="刘强")
    buffer = io.BytesIO()
    workbook.save(buffer)
    record = run(inspection, SimpleUploadedFile("改.xlsx", buffer.getvalue()), admin_user)
    assert (record.rows_created, record.rows_updated, record.rows_unchanged) == (0, 1, 2)
    assert RectificationTask.objects.get(inspection=inspection, finding__number=1).responsible_person == "刘强"


def test_template_has_the_layout_and_its_notes(db):
    workbook = load_workbook(ledger_template())
    assert [cell.value for cell in workbook["整改台账"][1]] == HEADERS
    assert workbook["整改台账"].max_row == 1
    notes = {row[0]: row for row in workbook["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert set(notes) == set(HEADERS) and "已销号" in notes["整改状态"][2]


# --- bad rows: per row and column, nothing written ------------------------------------------------

BAD_ROWS = [
    (ledger_row(None), "序号", "必须填写"),
    (ledger_row("第一"), "序号", "不是整数"),
    (ledger_row(0), "序号", "正整数"),
    (ledger_row(3, category="财务"), "问题类别", "无法识别"),
    (ledger_row(3, category=None), "问题类别", "必须填写"),
    (ledger_row(3, description="  "), "问题描述", "必须填写"),
    (ledger_row(3, responsible_unit=None), "责任单位", "必须填写"),
    (ledger_row(3, responsible_person="张" * 65), "责任人", "不能超过 64 个字符"),
    (ledger_row(3, organization="不存在的单位"), "被巡察党组织", "未知的被巡察党组织"),
    (ledger_row(3, deadline="2026年13月1日"), "整改时限", "不是有效的日期"),
    (ledger_row(3, deadline="五月底"), "整改时限", "无法识别的日期"),
    (ledger_row(3, deadline="2026-05-01"), "整改时限", "早于巡察反馈"),
    (ledger_row(3, status="已完成"), "整改状态", "应为：整改中、已完成待验收、已销号"),
    (ledger_row(3, status="已销号"), "完成时间", "必须填写完成时间"),
    (ledger_row(3, status="整改中", closed_on="2026-06-01"), "完成时间", "须留空"),
    (ledger_row(3, status="已销号", closed_on="2026-05-01"), "完成时间", "早于巡察反馈"),
    (ledger_row(3, status="已销号", closed_on="2099-01-01"), "完成时间", "晚于今天"),
    (ledger_row(3, severity="很严重"), "严重程度", "无法识别"),
]


@pytest.mark.parametrize("bad, column, message", BAD_ROWS, ids=[f"{c}:{m}" for _, c, m in BAD_ROWS])
def test_each_bad_row_is_reported_by_row_and_column_and_nothing_is_written(inspection, admin_user, bad, column, message):
    make_task(make_finding(inspection))  # an existing row that a partial import would change
    before = snapshot(inspection)
    record = run(inspection, xlsx_upload([ledger_row(1, responsible_person="新人"), ledger_row(2), bad]), admin_user)
    assert record.status == ImportStatus.FAILED
    matching = [e for e in record.errors if e["row"] == 4 and e["column"] == column]
    assert matching and message in matching[0]["message"], record.errors
    assert snapshot(inspection) == before


def test_all_errors_of_a_file_are_listed_at_once(inspection, admin_user):
    record = run(inspection, xlsx_upload([
        ledger_row(1, category="财务", deadline="明年"), ledger_row(2), ledger_row(2), ledger_row(3, status="已销号"),
    ]), admin_user)
    assert errors_of(record) == {(2, "问题类别"), (2, "整改时限"), (4, "序号"), (5, "完成时间")}
    assert "与第 3 行重复" in next(e["message"] for e in record.errors if e["row"] == 4)
    assert record.error_count == 4 and not Finding.objects.filter(inspection=inspection).exists()


def test_a_row_of_another_inspected_unit_is_refused(inspection, admin_user, xianan):
    make_organization(xianan, name="咸安区财政局")
    record = run(inspection, xlsx_upload([ledger_row(1, organization="咸安区财政局"), ledger_row(2, organization="咸安区教育局")]),
                 admin_user)
    assert [(e["row"], e["column"]) for e in record.errors] == [(2, "被巡察党组织")]
    assert "不是本次巡察的被巡察党组织（咸安区教育局）" in record.errors[0]["message"]


def test_existing_tasks_are_checked_against_their_own_assigned_date(xianan, admin_user):
    inspection = make_inspection(make_round(xianan), make_organization(xianan), feedback=dt.date(2026, 5, 10))
    make_task(make_finding(inspection), assigned_on=dt.date(2026, 6, 1))
    record = run(inspection, xlsx_upload([ledger_row(1, deadline="2026-05-20")]), admin_user)
    assert errors_of(record) == {(2, "整改时限")} and "2026-06-01" in record.errors[0]["message"]


# --- bad files: one clear message, nothing written ------------------------------------------------

def merged_header():
    return xlsx_upload([ledger_row(1)], headers=HEADERS[:-2] + ["整改情况", None], merge=["L1:M1"])


def over_the_row_limit(settings):
    settings.LEDGER_MAX_ROWS = 2
    return xlsx_upload([ledger_row(1), ledger_row(2), ledger_row(3)])


BAD_FILES = {
    "corrupt xlsx": (lambda s: SimpleUploadedFile("台账.xlsx", b"PK\x03\x04" + b"\x00" * 200), "文件已损坏"),
    "truncated xlsx": (lambda s: SimpleUploadedFile("台账.xlsx", xlsx_upload([ledger_row(1)]).read()[:900]), "文件已损坏"),
    "xls renamed": (lambda s: SimpleUploadedFile("台账.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100), "不是 .xlsx 格式"),
    "old xls": (lambda s: SimpleUploadedFile("台账.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100), "不支持旧版 Excel"),
    "empty file": (lambda s: SimpleUploadedFile("台账.xlsx", b""), "文件是空的"),
    "empty sheet": (lambda s: xlsx_upload([], headers=[]), "工作表是空的"),
    "header only": (lambda s: xlsx_upload([]), "没有数据行"),
    "wrong headers": (lambda s: xlsx_upload([[1, "x"]], headers=["姓名", "电话"]), "找不到表头"),
    "unknown column": (lambda s: xlsx_upload([ledger_row(1) + ["x"]], headers=HEADERS + ["整改进度百分比"]), "无法识别的列“整改进度百分比”"),
    "missing columns": (lambda s: xlsx_upload([[1, "作风", "x"]], headers=["序号", "问题类别", "问题描述"]), "缺少必填的列：责任单位、整改状态、完成时间"),
    "duplicate column": (lambda s: xlsx_upload([ledger_row(1) + ["y"]], headers=HEADERS + ["责任人"]), "重复出现"),
    "merged header cells": (lambda s: merged_header(), "表头有合并单元格（L1:M1）"),
    "merged data cells": (lambda s: xlsx_upload([ledger_row(1), ledger_row(2)], merge=["F2:F3"]), "第 2–3 行有合并单元格"),
    "utf-16 csv": (lambda s: csv_upload([ledger_row(1)], encoding="utf-16"), "UTF-16"),
    "mixed encoding csv": (  # UTF-8 for longer than the encoding is judged on, then GBK
        lambda s: SimpleUploadedFile("台账.csv", csv_upload([ledger_row(n) for n in range(1, 1500)]).read()
                                     + "1500,作风,问题,,,财务股,,,整改中,,,\n".encode("gbk")),
        "第 1501 行附近有无法按 UTF-8 编码读取的字符",
    ),
    "other extension": (lambda s: SimpleUploadedFile("台账.txt", b"abc"), "只支持"),
    "too many rows": (over_the_row_limit, "超过 2 行数据"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_gets_one_clear_message_and_nothing_is_written(inspection, admin_user, settings, case):
    build, message = BAD_FILES[case]
    make_task(make_finding(inspection))
    before = snapshot(inspection)
    upload = build(settings)
    try:
        record = run(inspection, upload, admin_user)
    except ValidationError as error:  # refused before reading: wrong type of file
        assert message in " ".join(error.messages)
        return
    assert record.status == ImportStatus.FAILED
    assert record.errors and all(e["row"] is None for e in record.errors)
    assert any(message in e["message"] for e in record.errors), record.errors
    assert snapshot(inspection) == before


def test_a_file_over_the_size_limit_is_refused_before_reading(inspection, admin_user, settings):
    settings.LEDGER_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="超过上限"):
        run(inspection, SimpleUploadedFile("台账.csv", b"x" * 1001), admin_user)
    assert not inspection.ledger_imports.exists()
