"""Import and export of 问题清单 / 整改台账 files.

An import runs in two passes over one streamed read of the file:
1. validate: every row is parsed and checked; valid rows are pickled to a temporary file in
   batches, so memory holds one batch, the set of 序号 seen and at most MAX_ERRORS_KEPT errors;
2. write (only when no row has an error): one transaction reads the batches back and writes
   findings and tasks with bulk operations (and their history rows), keyed on (inspection, 序号).
"""
import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from itertools import islice

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from core import events
from core.xlsx import xlsx_text_cell, xlsx_value
from inspection.models import Finding, Inspection, Organization
from inspection.services import findings_save_many
from ledger import parsing
from ledger.choices import ImportStatus
from ledger.columns import COLUMNS, REQUIRED_HEADERS, header_keys, normalise_label
from ledger.models import LedgerImport
from rectification import rules
from rectification.choices import ProgressKind, TaskStatus
from rectification.models import ProgressRecord, RectificationTask
from rectification.rates import rates_touch_tasks
from rectification.services import task_apply_schedule, tasks_place_sync, tasks_save_many, warnings_touch

logger = logging.getLogger(__name__)

BATCH_ROWS = 1000
MAX_ERRORS_KEPT = 1000
FINDING_KEYS = [c.key for c in COLUMNS if c.target == "finding"]
TASK_KEYS = [c.key for c in COLUMNS if c.target == "task"]
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- import -------------------------------------------------------------------------------------------

def ledger_upload_check(file) -> None:
    """The rules an upload must meet before anything is read from it."""
    limit = settings.LEDGER_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise ValidationError(f"文件大小 {filesizeformat(file.size)} 超过上限 {filesizeformat(limit)}，请拆分后分批导入。")
    if not file.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".xls")):
        raise ValidationError("只支持 Excel（.xlsx）和 CSV（.csv）文件。")


@transaction.atomic
def ledger_import_create(*, inspection: Inspection, file, user, keep_content: bool) -> LedgerImport:
    """Record an upload (who, which file) before it runs; `keep_content` stores the bytes for a worker."""
    ledger_upload_check(file)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    record = LedgerImport(
        inspection=inspection, user=user, file_name=os.path.basename(file.name)[:255], file_size=file.size,
        sha256=digest.hexdigest(), content=file.read() if keep_content else None,
        rows_total=_estimate_rows(file),  # shown as the progress bar's end until the rows are counted
    )
    file.seek(0)
    record.full_clean()
    record.save()
    return record


def ledger_import(*, inspection: Inspection, file, user) -> LedgerImport:
    """Import `file` into `inspection` in this process: every row is checked, then all is written or nothing."""
    record = ledger_import_create(inspection=inspection, file=file, user=user, keep_content=False)
    return ledger_import_run(ledger_import=record, file=file)


def ledger_import_is_large(file) -> bool:
    """Whether an upload has more rows than LEDGER_ASYNC_ROWS, and so is imported by a Celery worker."""
    return _estimate_rows(file) > settings.LEDGER_ASYNC_ROWS


def _estimate_rows(file) -> int:
    source = getattr(file, "file", file)
    rows = parsing.estimate_rows(source, filename=file.name)
    source.seek(0)
    return max(rows - 1, 0)  # less the header


def ledger_import_run(*, ledger_import: LedgerImport, file=None) -> LedgerImport:
    """Run a recorded import: from `file`, or from the bytes stored with it (the Celery path)."""
    record = ledger_import
    source = getattr(file, "file", file) if file is not None else BytesIO(bytes(record.content))
    record.status, record.started_at = ImportStatus.RUNNING, timezone.now()
    record.save(update_fields=["status", "started_at"])
    errors = RowErrors()
    try:
        with tempfile.TemporaryFile() as spool:
            _validate(record, source, spool, errors)
            if not errors.count:
                spool.seek(0)
                _write(record, spool)
    except parsing.LedgerFileError as error:
        for message in error.messages:
            errors.add(None, None, message)
    except SoftTimeLimitExceeded:
        errors.add(None, None, "导入超时，已停止，未写入任何数据。请把文件拆分后分批导入。")
    except MemoryError:
        errors.add(None, None, "导入所需内存超过上限，已停止，未写入任何数据。请把文件拆分后分批导入。")
    except Exception:
        logger.exception("ledger import %s failed", record.pk)
        errors.add(None, None, "导入时发生内部错误，未写入任何数据。请联系系统管理员。")
    record.status = ImportStatus.FAILED if errors.count else ImportStatus.SUCCEEDED
    if errors.count:  # the transaction was rolled back or never began: nothing was written
        record.rows_created = record.rows_updated = record.rows_unchanged = 0
    record.errors, record.error_count = errors.kept, errors.count
    record.finished_at, record.content = timezone.now(), None
    record.save()
    events.emit(events.LEDGER_IMPORT_FINISHED, ledger_import=record)
    return record


def ledger_import_queue(record_id: int) -> None:
    """Have a worker run a stored import once the transaction commits. Its status 排队中 (with the file's bytes)
    is the durable record of the job: when the broker cannot take it now, `imports_sweep` sends it later."""
    from config.celery import enqueue
    from ledger.tasks import ledger_import_run as run_task  # tasks imports this module

    def send():
        LedgerImport.objects.filter(pk=record_id).update(queued_at=timezone.now())
        enqueue(run_task, record_id)

    transaction.on_commit(send)


RUN_ATTEMPTS = 3
_STORED = {"content__isnull": False}


def ledger_import_run_queued(record_id: int) -> LedgerImport | None:
    """The worker's entry (`tasks.ledger_import_run`): claim a stored import that waits or whose worker died
    mid-run, and run it from the start (imports are idempotent). A finished import is left alone; one that has
    started RUN_ATTEMPTS times (it keeps killing its worker) fails instead, keeping its file for a retry."""
    claimed = LedgerImport.objects.filter(pk=record_id, status__in=(ImportStatus.PENDING, ImportStatus.RUNNING),
                                          **_STORED).update(attempts=F("attempts") + 1)
    if not claimed:
        return None
    record = LedgerImport.objects.get(pk=record_id)
    if record.attempts > RUN_ATTEMPTS:
        _fail_stuck(LedgerImport.objects.filter(pk=record_id),
                    f"导入已中断 {RUN_ATTEMPTS} 次（工作进程在导入时退出），已停止，未写入任何数据。")
        return LedgerImport.objects.get(pk=record_id)
    return ledger_import_run(ledger_import=record)


def _fail_stuck(records, message: str):
    """Mark `records` failed with `message`; their stored files stay, so each can be retried from its page."""
    return records.update(status=ImportStatus.FAILED, finished_at=timezone.now(), error_count=1,
                          rows_created=0, rows_updated=0, rows_unchanged=0,
                          errors=[{"row": None, "column": None, "message": message}])


def ledger_import_retry(*, record: LedgerImport, user) -> None:
    """Run a failed or stuck import again from its stored file (its page); a finished one has no file left."""
    with transaction.atomic():
        updated = LedgerImport.objects.filter(pk=record.pk, status__in=RETRYABLE, **_STORED).update(
            status=ImportStatus.PENDING, attempts=0, errors=[], error_count=0, rows_processed=0, finished_at=None,
            requeued_at=timezone.now())
        if not updated:
            raise ValidationError("这次导入的文件已不在系统中（导入已结束），请重新上传文件。")
        ledger_import_queue(record.pk)


RETRYABLE = (ImportStatus.FAILED, ImportStatus.PENDING)  # a running import is the reaper's once stuck


def imports_sweep(now=None) -> dict:
    """The beat job's work: send again the stored imports that wait for a worker; fail, with the reason, an
    import running longer than its task's hard time limit (also one run in a web request whose process died)
    or waiting longer than `LEDGER_QUEUE_LIMIT_SECONDS`."""
    from config.celery import enqueue_due
    from ledger.tasks import ledger_import_run as run_task

    now = now or timezone.now()
    run_limit = run_task.time_limit + 60
    stuck_running = _fail_stuck(
        LedgerImport.objects.filter(status=ImportStatus.RUNNING, started_at__lt=now - timedelta(seconds=run_limit)),
        f"导入中断：超过 {run_limit // 60} 分钟未完成（工作进程退出或超时），未写入任何数据。可在本页点击“重新导入”。")
    queue_limit = settings.LEDGER_QUEUE_LIMIT_SECONDS
    stuck_pending = _fail_stuck(
        LedgerImport.objects.alias(waiting_since=Coalesce("requeued_at", "created_at")).filter(
            status=ImportStatus.PENDING, waiting_since__lt=now - timedelta(seconds=queue_limit)),
        f"排队超过 {queue_limit // 3600} 小时仍未导入（后台任务不可用），未写入任何数据。可在本页点击“重新导入”。")
    due = LedgerImport.objects.filter(status=ImportStatus.PENDING, **_STORED).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - timedelta(seconds=settings.LEDGER_RESEND_SECONDS)))
    sent = enqueue_due(run_task, due.order_by("pk")[:100], now=now)
    return {"resent": sent, "failed_running": stuck_running, "failed_pending": stuck_pending}


class RowErrors:
    """Per row and column error messages; counts them all, keeps the first MAX_ERRORS_KEPT."""

    def __init__(self):
        self.kept, self.count = [], 0

    def add(self, row: int | None, column: str | None, message: str):
        self.count += 1
        if len(self.kept) < MAX_ERRORS_KEPT:
            self.kept.append({"row": row, "column": column, "message": message})


@dataclass
class ImportContext:
    inspection: Inspection
    default_assigned_on: object  # the 交办日期 a new task gets (feedback date)
    today: object
    max_lengths: dict


def _validate(record, source, spool, errors: RowErrors):
    inspection = Inspection.objects.select_related("organization").get(pk=record.inspection_id)
    table = parsing.read_table(
        source, filename=record.file_name, header_keys=header_keys(), required=REQUIRED_HEADERS,
        normalise=normalise_label, max_rows=settings.LEDGER_MAX_ROWS,
    )
    probe = task_apply_schedule(RectificationTask(finding=Finding(inspection=inspection)))
    context = ImportContext(
        inspection=inspection, default_assigned_on=probe.assigned_on, today=timezone.localdate(),
        max_lengths={key: _max_length(key) for key in FINDING_KEYS + TASK_KEYS},
    )
    first_row_of = {}  # 序号 → the row it first appeared on
    processed = 0
    while batch := list(islice(table.rows, BATCH_ROWS)):
        rows = []
        for number, raw in batch:
            row = _row_clean(number, raw, context, errors)
            if row is None:
                continue
            if row["number"] in first_row_of:
                errors.add(number, "序号", f"序号 {row['number']} 与第 {first_row_of[row['number']]} 行重复")
                continue
            first_row_of[row["number"]] = number
            rows.append((number, row))
        _check_against_existing(rows, context, errors)
        if not errors.count:
            pickle.dump([row for _, row in rows], spool, protocol=pickle.HIGHEST_PROTOCOL)
        processed += len(batch)
        record.rows_processed = processed
        LedgerImport.objects.filter(pk=record.pk).update(rows_processed=processed)
    record.rows_total = record.rows_processed = processed
    LedgerImport.objects.filter(pk=record.pk).update(rows_total=processed, rows_processed=processed)


def _max_length(key):
    model = Finding if key in FINDING_KEYS else RectificationTask
    return model._meta.get_field(key).max_length


def _row_clean(number, raw, context: ImportContext, errors: RowErrors) -> dict | None:
    """The row's values as model values, or None after adding its errors (at most one per column)."""
    row, failed = {}, set()

    def fail(column, message):
        failed.add(column)
        errors.add(number, column, message)

    for column in COLUMNS:
        if column.key not in raw:
            continue
        try:
            value = row[column.key] = _cell_value(column, raw[column.key])
        except ValueError as error:
            fail(column.header, str(error))
            continue
        limit = context.max_lengths.get(column.key)
        if column.filled and value in ("", None):
            fail(column.header, "必须填写")
        elif column.key == "number" and value < 1:
            fail(column.header, "必须是正整数")
        elif limit and len(value) > limit:
            fail(column.header, f"不能超过 {limit} 个字符（现有 {len(value)} 个）")

    organization = row.pop("organization", "")
    own = context.inspection.organization.name
    if organization and organization != own:
        known = Organization.objects.filter(name=organization).exists()
        fail("被巡察党组织", f"“{organization}”不是本次巡察的被巡察党组织（{own}）" if known else f"未知的被巡察党组织“{organization}”")
    status, closed_on = row.get("status"), row.get("closed_on")
    if "完成时间" not in failed and "整改状态" not in failed:
        if status == TaskStatus.CLOSED and closed_on is None:
            fail("完成时间", "整改状态为“已销号”时必须填写完成时间")
        elif status != TaskStatus.CLOSED and closed_on is not None:
            fail("完成时间", f"整改状态为“{TaskStatus(status).label}”时完成时间须留空（只有“已销号”才填写）")
        elif closed_on and closed_on > context.today:
            fail("完成时间", f"完成时间 {closed_on:%Y-%m-%d} 晚于今天")
    return None if failed else row


def _cell_value(column, value):
    if column.kind == "number":
        return parsing.parse_int(value)
    if column.kind == "date":
        return parsing.parse_date(value)
    text = parsing.clean_text(value)
    if column.kind != "choice":
        return text
    if not text:
        return column.choices.default
    choice = column.choices.value_for(text)
    if choice is None:
        raise ValueError(f"“{text}”无法识别，应为：{column.choices.allowed()}")
    return choice


def _check_against_existing(rows, context: ImportContext, errors: RowErrors):
    """Each row against the task it creates or updates, under the rules of the pages: dates not before the 交办日期
    (feedback date); a row that closes a task has its evidence and a closing date not before the unit's report; a
    closed task keeps its status, closing date and deadline; a deadline moves only as an extension could."""
    existing = {
        task["finding__number"]: task
        for task in RectificationTask.objects.filter(
            inspection=context.inspection, finding__number__in=[row["number"] for _, row in rows])
        .order_by("-pk").values("finding__number", "assigned_on", "status", "closed_on", "deadline", "reported_on",
                                "evidence")
    }  # the finding's first task wins, as in `_write_batch`
    kept = []
    for number, row in rows:
        task = existing.get(row["number"])
        assigned_on = task["assigned_on"] if task else context.default_assigned_on
        before = errors.count
        if row.get("deadline") and row["deadline"] < assigned_on:
            errors.add(number, "整改时限", f"整改时限 {row['deadline']:%Y-%m-%d} 早于巡察反馈（交办）日期 {assigned_on:%Y-%m-%d}")
        if row.get("closed_on") and row["closed_on"] < assigned_on:
            errors.add(number, "完成时间", f"完成时间 {row['closed_on']:%Y-%m-%d} 早于巡察反馈（交办）日期 {assigned_on:%Y-%m-%d}")
        if task and task["status"] == TaskStatus.CLOSED:
            if row.get("status", TaskStatus.CLOSED) != TaskStatus.CLOSED or row.get("closed_on", task["closed_on"]) != task["closed_on"]:
                errors.add(number, "整改状态", "该任务已销号，不能通过导入修改整改状态或完成时间")
        elif row.get("status") == TaskStatus.CLOSED:
            if not row.get("evidence", task["evidence"] if task else "").strip():
                errors.add(number, "佐证材料", "销号须有整改佐证材料，请填写佐证材料")
            problem = row.get("closed_on") and rules.closing_date_problem(
                closed_on=row["closed_on"], today=context.today, reported_on=task["reported_on"] if task else None)
            if problem:
                errors.add(number, "完成时间", problem)
        if task and row.get("deadline"):
            problem = rules.deadline_change_problem(today=context.today, closed=task["status"] == TaskStatus.CLOSED,
                                                    deadline=task["deadline"], new_deadline=row["deadline"])
            if problem:
                errors.add(number, "整改时限", problem)
        if errors.count == before:
            kept.append((number, row))
    rows[:] = kept


@transaction.atomic
def _write(record: LedgerImport, spool):
    # Locking the inspection serialises two imports into it; what was validated is what is written.
    inspection = Inspection.objects.select_for_update().select_related("organization").get(pk=record.inspection_id)
    history = {"user": record.user, "reason": f"台账导入：{record.file_name}"}
    today = timezone.localdate()
    while True:
        try:
            rows = pickle.load(spool)
        except EOFError:
            break
        counts = _write_batch(inspection, rows, history, today, record)
        for field, count in counts.items():
            setattr(record, field, getattr(record, field) + count)
    # Bulk writes send no signals: keep tasks' categories in step with re-categorised findings, and
    # have the inspection's rates recomputed and its warnings refreshed once this commits.
    tasks_place_sync(RectificationTask.objects.filter(finding__inspection=inspection))
    rates_touch_tasks(RectificationTask.objects.filter(inspection=inspection))
    warnings_touch(RectificationTask.objects.filter(inspection=inspection).values_list("pk", flat=True))


def _write_batch(inspection, rows, history, today, record) -> dict:
    numbers = [row["number"] for row in rows]
    findings = {f.number: f for f in Finding.objects.filter(inspection=inspection, number__in=numbers)}
    tasks = {}
    for task in RectificationTask.objects.filter(finding__in=list(findings.values())).order_by("-pk"):
        tasks[task.finding_id] = task  # the finding's first task is the ledger row's task
    outcome = {}  # 序号 → "created" / "updated"
    changes = {}  # 序号 → {"finding": {key: [before, after]}, "task": {...}}: the audit log's before and after
    new_findings, changed_findings = [], []
    for row in rows:
        finding = findings.get(row["number"])
        if finding is None:
            finding = findings[row["number"]] = Finding(inspection=inspection, number=row["number"])
            _assign(finding, row, FINDING_KEYS, changes.setdefault(row["number"], {}).setdefault("finding", {}), new=True)
            new_findings.append(finding)
            outcome[row["number"]] = "created"
        elif _assign(finding, row, FINDING_KEYS, changes.setdefault(row["number"], {}).setdefault("finding", {})):
            changed_findings.append(finding)
            outcome[row["number"]] = "updated"
    findings_save_many(created=new_findings, changed=changed_findings, fields=FINDING_KEYS, batch_size=BATCH_ROWS,
                       **history)

    new_tasks, changed_tasks, status_changed, row_tasks = [], [], [], {}
    for row in rows:
        finding = findings[row["number"]]
        finding.inspection = inspection
        task = row_tasks[row["number"]] = tasks.get(finding.pk) or RectificationTask(finding=finding)
        task_changes = changes.setdefault(row["number"], {}).setdefault("task", {})
        if task.pk is None:
            _assign(task, row, TASK_KEYS, task_changes, new=True)
            task_apply_schedule(task)
            task.copy_place_from_finding()
            new_tasks.append(task)
            outcome[row["number"]] = "created"
        else:
            deadline = task.deadline
            if not _assign(task, {k: v for k, v in row.items() if k != "deadline" or v}, TASK_KEYS, task_changes):
                continue
            if task.deadline != deadline:
                task_apply_schedule(task)  # the stage dates follow the new deadline
            changed_tasks.append(task)
            outcome.setdefault(row["number"], "updated")
        if "status" in task_changes:
            status_changed.append(task)
        task.updated_at = timezone.now()
    tasks_save_many(created=new_tasks, changed=changed_tasks,
                    fields=TASK_KEYS + ["start_due", "progress_due", "updated_at"], batch_size=BATCH_ROWS,
                    **history)
    _timeline_and_audit(record, status_changed, tasks_by_number={number: row_tasks[number] for number in outcome},
                        outcome=outcome, changes=changes)
    created = sum(1 for v in outcome.values() if v == "created")
    updated = len(outcome) - created
    return {"rows_created": created, "rows_updated": updated, "rows_unchanged": len(rows) - created - updated}


def _timeline_and_audit(record, status_changed, *, tasks_by_number, outcome, changes) -> None:
    """Bulk writes send no signals: each task whose status the file changed gets a record in its timeline, and each
    row the import created or changed an audit event (who, which file, the row, before and after)."""
    note = f"台账导入：{record.file_name}"
    ProgressRecord.objects.bulk_create([
        ProgressRecord(task=task, kind=ProgressKind.ACCEPTED if task.status == TaskStatus.CLOSED else ProgressKind.REPORT,
                       status=task.status, note=note, evidence=task.evidence, created_by=record.user)
        for task in status_changed], batch_size=BATCH_ROWS)
    task_type = ContentType.objects.get_for_model(RectificationTask)
    AuditEvent.objects.bulk_create([
        AuditEvent(user=record.user, username=record.user.get_username() if record.user else "",
                   action=AuditAction.LEDGER_IMPORT, content_type=task_type, object_id=str(task.pk),
                   object_repr=f"台账第 {number} 号问题"[:200], region_id=task.region_id,
                   details={"file": record.file_name, "import": record.pk, "number": number, "outcome": outcome[number],
                            **{part: values for part, values in changes.get(number, {}).items() if values}})
        for number, task in tasks_by_number.items()], batch_size=BATCH_ROWS)


def _assign(instance, row: dict, keys, changes: dict, *, new: bool = False) -> bool:
    """Set the row's values for `keys` that the file has; True when any differs from what was stored. `changes`
    collects key → [before, after] (before None for a new row)."""
    changed = False
    for key in keys:
        if key in row and getattr(instance, key) != row[key]:
            changes[key] = [None if new else getattr(instance, key), row[key]]
            setattr(instance, key, row[key])
            changed = True
    return changed


# --- export and template -------------------------------------------------------------------------------

def ledger_export(queryset):
    """The tasks of `queryset` (already scoped and filtered) as an .xlsx ledger in the import layout.

    Rows are streamed from the database and into openpyxl's write-only workbook; returns a
    temporary file positioned at its start.
    """
    tasks = (
        queryset.select_related("finding", "organization")
        .order_by("round_id", "organization__name", "inspection_id", "finding__number", "pk")
        .iterator(chunk_size=2000)
    )
    return _workbook_file((_export_values(task) for task in tasks), with_notes=False)


def ledger_template():
    """The empty import template, with a 填写说明 sheet listing every column and its allowed values."""
    return _workbook_file(iter(()), with_notes=True)


def _export_values(task) -> list:
    sources = {"finding": task.finding, "task": task}
    values = []
    for column in COLUMNS:
        if column.key == "number":
            value = task.finding.number
        elif column.key == "organization":
            value = task.organization.name
        else:
            value = getattr(sources[column.target], column.key)
        values.append(column.choices.label_for(value) if column.choices else value)
    return values


def _workbook_file(rows, *, with_notes: bool):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("整改台账")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        if column.choices:
            letter = get_column_letter(index)
            validation = DataValidation(type="list", formula1=f'"{",".join(column.choices.labels.values())}"', allow_blank=True)
            validation.add(f"{letter}2:{letter}1048576")
            sheet.data_validations.append(validation)
    sheet.append([_header_cell(sheet, column.header) for column in COLUMNS])
    for values in rows:
        sheet.append([xlsx_value(sheet, value) for value in values])  # a description may begin with “=”
    if with_notes:
        notes = workbook.create_sheet("填写说明")
        notes.column_dimensions["A"].width, notes.column_dimensions["C"].width = 16, 90
        notes.append([_header_cell(notes, text) for text in ("列名", "是否必填", "填写要求")])
        for column in COLUMNS:
            allowed = f"可选：{column.choices.allowed()}。" if column.choices else ""
            notes.append([column.header, "必填" if column.filled else ("必须有此列" if column.required else "可选"),
                          allowed + column.note])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller, who streams and closes it
    workbook.save(out)
    out.seek(0)
    return out


def _header_cell(sheet, text):
    cell = xlsx_text_cell(sheet, text)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell
