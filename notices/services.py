"""Every write of notices: telling people (站内消息), mailing them, and the daily due-soon scan.

`notify` writes one `Notice` per recipient and event, idempotent by (event key, recipient); its mail is sent by
Celery once the transaction commits (`notices_email_send`), or in the recipient's daily digest. The `notify_*`
functions are the events: the domain services emit them through `core.events` (see `subscribers.py`) or call
them directly.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import User
from accounts.roles import Role, is_region_admin
from core.errors import DomainError
from core.on_commit import on_commit_gathered
from inspection.models import Finding, Inspection, Region
from notices.choices import DocumentKind, EmailMode, NoticeKind
from notices.documents import Letter, letter_docx
from notices.models import IssuedDocument, Notice, NoticePreference
from rectification.choices import TaskStatus, WarningLevel
from rectification.models import DeadlineExtension, RectificationTask, TaskWarning

BATCH = 2000
EMAIL_BATCH = 500


def notify(*, recipients, kind: str, event_key: str, title: str, body: str = "", url: str = "", obj=None) -> int:
    """Tell each recipient (users; inactive ones and duplicates skipped) about one event. Returns how many
    notices were new: a second call with the same event key adds none and mails nobody again."""
    return notify_many([(recipients, {"kind": kind, "event_key": event_key, "title": title, "body": body,
                                      "url": url, "obj": obj})])


def notify_many(events) -> int:
    """`events`: (recipients, notice fields) pairs; written in one bulk INSERT that skips those already told."""
    rows, keys = [], set()
    for recipients, fields in events:
        fields = dict(fields)
        obj = fields.pop("obj", None)
        if obj is not None:
            fields["content_type"] = ContentType.objects.get_for_model(type(obj))
            fields["object_id"] = obj.pk
        fields["title"] = fields["title"][:200]
        for user_id in {getattr(user, "pk", user) for user in recipients if user is not None}:
            rows.append(Notice(recipient_id=user_id, **fields))
        keys.add(fields["event_key"])
    if not rows:
        return 0
    before = Notice.objects.filter(event_key__in=keys).count()
    Notice.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    created = Notice.objects.filter(event_key__in=keys).count() - before
    recipients = {row.recipient_id for row in rows}
    # A job only when someone may be mailed (users without an address are many: no message queued for them).
    if created and _active_users().filter(pk__in=recipients).exclude(email="").exists():
        on_commit_gathered("notices_email", keys, _email_later)
    return created


def _email_later(event_keys) -> None:
    # After the commit: a broker that is down must not fail the change. The notice itself (not yet mailed) is
    # the durable record; `notices_email_sweep` sends what no job took.
    from config.celery import enqueue
    from notices.tasks import notices_email_send  # tasks imports this module

    keys = sorted(event_keys)
    for start in range(0, len(keys), EMAIL_BATCH):
        enqueue(notices_email_send, keys[start:start + EMAIL_BATCH])


EMAIL_SWEEP_AFTER = timedelta(minutes=5)  # a job sent on commit has had its chance by then
EMAIL_SWEEP_WITHIN = timedelta(days=1)  # older notices wait for no mail: the digest or the page has them


def notices_email_sweep(now=None) -> int:
    """The beat job's work: mail the notices of the last day still unmailed to recipients who want mail at once
    (their job was lost with the broker, or never sent). Returns how many were mailed."""
    now = now or timezone.now()
    keys = (_mailable(Notice.objects.filter(created_at__range=(now - EMAIL_SWEEP_WITHIN, now - EMAIL_SWEEP_AFTER)))
            .filter(_email_mode_is(EmailMode.IMMEDIATE)).values_list("event_key", flat=True).order_by().distinct())
    return notices_email_send(sorted(keys)[:EMAIL_BATCH])


# Who is told. Inactive users never are; each audience is loaded for a whole batch of objects at once.
def _active_users():
    return User.objects.filter(is_active=True)


class Audience:
    """The people concerned with tasks: their unit's users, their round's group members, the region admins of
    the round's organiser and of the task's region (the 巡察办 that runs the round and the local one)."""

    def __init__(self, tasks):
        org_ids = {t.organization_id for t in tasks}
        round_ids = {t.round_id for t in tasks}
        region_ids = {t.region_id for t in tasks} | {t.round.organizer_id for t in tasks}
        self.units, self.members, self.admins = defaultdict(set), defaultdict(set), defaultdict(set)
        for pk, org in _active_users().filter(organization_id__in=org_ids, groups__role__code=Role.UNIT
                                              ).values_list("pk", "organization_id"):
            self.units[org].add(pk)
        for pk, round_id in _active_users().filter(inspection_groups__round_id__in=round_ids
                                                   ).values_list("pk", "inspection_groups__round_id"):
            self.members[round_id].add(pk)
        for pk, region in _active_users().filter(region_id__in=region_ids, groups__role__code=Role.REGION_ADMIN
                                                 ).values_list("pk", "region_id"):
            self.admins[region].add(pk)

    def unit(self, task) -> set:
        return self.units[task.organization_id]

    def inspecting(self, task) -> set:
        return self.members[task.round_id] | self.admins[task.round.organizer_id] | self.admins[task.region_id]

    def everyone(self, task) -> set:
        return self.unit(task) | self.inspecting(task)


def task_url(task) -> str:
    return reverse("dashboard:organization_detail", args=[task.organization_id])


def _tasks_related(queryset):
    return queryset.select_related("organization", "round__organizer", "finding")


# Warnings (红黄牌预警 发出 / 解除): the unit's users, the round's group members, the region admins.
def notify_warnings_changed(*, issued_ids=(), lifted_ids=()) -> int:
    created = 0
    for ids, issued in ((sorted(issued_ids), True), (sorted(lifted_ids), False)):
        for start in range(0, len(ids), BATCH):
            warnings = list(TaskWarning.objects.filter(pk__in=ids[start:start + BATCH]).select_related(
                "task__organization", "task__round__organizer", "task__finding"))
            audience = Audience([w.task for w in warnings])
            created += notify_many((audience.everyone(w.task), _warning_notice(w, issued)) for w in warnings)
    return created


def _warning_notice(warning: TaskWarning, issued: bool) -> dict:
    task, level = warning.task, WarningLevel(warning.level).label
    if issued:
        title = f"{level}：{task.organization.name}“{task.responsible_unit}”的整改任务"
        body = f"{warning.reason}。整改时限 {task.deadline:%Y-%m-%d}。问题：{task.finding}"
    else:
        title = f"{level}已解除：{task.organization.name}“{task.responsible_unit}”的整改任务"
        body = f"解除原因：{warning.lift_reason}。问题：{task.finding}"
    kind = NoticeKind.WARNING_ISSUED if issued else NoticeKind.WARNING_LIFTED
    return {"kind": kind, "event_key": f"{kind}:{warning.pk}", "title": title, "body": body,
            "url": task_url(task), "obj": warning}


def notices_due_soon_scan(*, today: date | None = None) -> int:
    """The daily scan: each open task whose deadline is within `NOTICES_DUE_SOON_DAYS` tells its unit and group.
    Keyed by task and deadline, so a second scan the same day (or the next days before the deadline) adds
    nothing; an extended deadline is a new event."""
    today = today or timezone.localdate()
    window = today + timedelta(days=settings.NOTICES_DUE_SOON_DAYS)
    ids = list(RectificationTask.objects.exclude(status=TaskStatus.CLOSED)
               .filter(deadline__gte=today, deadline__lte=window).order_by("pk").values_list("pk", flat=True))
    created = 0
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            tasks = list(_tasks_related(RectificationTask.objects.filter(pk__in=ids[start:start + BATCH])))
            audience = Audience(tasks)
            created += notify_many(
                (audience.unit(t) | audience.members[t.round_id], {
                    "kind": NoticeKind.TASK_DUE_SOON, "event_key": f"{NoticeKind.TASK_DUE_SOON}:{t.pk}:{t.deadline}",
                    "title": f"整改任务将于 {t.deadline:%Y-%m-%d} 到期（还有 {(t.deadline - today).days} 天）",
                    "body": f"{t.organization.name}“{t.responsible_unit}”：{t.finding}",
                    "url": task_url(t), "obj": t,
                }) for t in tasks)
    return created


def _one_task(task) -> tuple[RectificationTask, Audience]:
    task = _tasks_related(RectificationTask.objects.filter(pk=task.pk)).get()
    return task, Audience([task])


def notify_task_closed(*, task, by) -> int:
    """销号: the unit and the round's group learn that the task is closed."""
    task, audience = _one_task(task)
    closed_on = task.closed_on or timezone.localdate()
    return notify(recipients=(audience.unit(task) | audience.members[task.round_id]) - {by.pk},
                  kind=NoticeKind.TASK_CLOSED, event_key=f"{NoticeKind.TASK_CLOSED}:{task.pk}:{closed_on}",
                  title=f"整改任务已验收销号：{task.organization.name}“{task.responsible_unit}”",
                  body=f"销号日期 {closed_on:%Y-%m-%d}，审核人 {by}。问题：{task.finding}",
                  url=task_url(task), obj=task)


def notify_task_sent_back(task, by, opinion: str) -> int:
    """退回: the unit learns that its report was not accepted, with the reviewer's opinion. One notice per
    sending back (keyed by the time, so a second 退回 of the same task is told again)."""
    task, audience = _one_task(task)
    return notify(recipients=audience.unit(task) - {by.pk}, kind=NoticeKind.TASK_SENT_BACK,
                  event_key=f"{NoticeKind.TASK_SENT_BACK}:{task.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
                  title=f"整改任务被退回：{task.organization.name}“{task.responsible_unit}”",
                  body=f"退回意见：{opinion}（{by}）。问题：{task.finding}", url=task_url(task), obj=task)


def notify_extension_requested(extension: DeadlineExtension) -> int:
    """延期申请: the inspecting side (group members and region admins) is asked to decide."""
    task, audience = _one_task(extension.task)
    return notify(recipients=audience.inspecting(task) - {extension.requested_by_id},
                  kind=NoticeKind.EXTENSION_REQUESTED, event_key=f"{NoticeKind.EXTENSION_REQUESTED}:{extension.pk}",
                  title=f"延期申请待审批：{task.organization.name}“{task.responsible_unit}”",
                  body=f"申请将整改时限由 {extension.previous_deadline:%Y-%m-%d} 延至 {extension.new_deadline:%Y-%m-%d}。"
                       f"理由：{extension.reason}", url=task_url(task), obj=extension)


def notify_extension_decided(extension: DeadlineExtension) -> int:
    """延期审批: the requester and the unit learn the decision."""
    task, audience = _one_task(extension.task)
    return notify(recipients=(audience.unit(task) | {extension.requested_by_id}) - {extension.decided_by_id},
                  kind=NoticeKind.EXTENSION_DECIDED, event_key=f"{NoticeKind.EXTENSION_DECIDED}:{extension.pk}",
                  title=f"延期申请{extension.get_status_display()}：{task.organization.name}“{task.responsible_unit}”",
                  body=f"申请延至 {extension.new_deadline:%Y-%m-%d}，现整改时限 {task.deadline:%Y-%m-%d}。",
                  url=task_url(task), obj=extension)


def notify_ledger_import_finished(ledger_import) -> int:
    """The uploader learns how the import ended."""
    record = ledger_import
    if record.user_id is None:
        return 0
    if record.status == "succeeded":
        title = f"台账导入成功：{record.file_name}"
        body = f"新增 {record.rows_created} 条，更新 {record.rows_updated} 条，未变 {record.rows_unchanged} 条。"
    else:
        title = f"台账导入失败：{record.file_name}"
        body = f"共 {record.error_count} 处错误，未写入任何数据。"
    return notify(recipients=[record.user_id], kind=NoticeKind.LEDGER_IMPORT,
                  event_key=f"{NoticeKind.LEDGER_IMPORT}:{record.pk}", title=title, body=body,
                  url=reverse("ledger:import-detail", args=[record.pk]), obj=record)


def notify_article_parsed(article) -> int:
    """The uploader learns that the article was parsed (or why not). One notice per parse run."""
    if article.uploaded_by_id is None:  # the `ingest` command and the demo: nobody to tell
        return 0
    failed = article.status in ("failed", "duplicate")
    outcome = {"failed": "解析失败", "duplicate": "内容重复"}.get(article.status, "解析完成")
    title = f"文章{outcome}：{article.title or article.pk}"
    body = article.error if failed else f"已抽取 {article.facts.count()} 项数据，待审核。"
    return notify(recipients=[article.uploaded_by_id], kind=NoticeKind.ARTICLE_PARSED,
                  event_key=f"{NoticeKind.ARTICLE_PARSED}:{article.pk}:{article.extractor_runs}:{article.status}",
                  title=title, body=body, url=reverse("ingest:article_detail", args=[article.pk]), obj=article)


# Reading.
def notices_mark_read(*, user, ids=None) -> int:
    """Mark the user's notices read (all unread ones when `ids` is None). Only their own."""
    notices = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=ids)
    return notices.update(read_at=timezone.now())


def notice_preference_set(*, user, email_mode: str) -> NoticePreference:
    if email_mode not in EmailMode.values:
        raise DomainError("未知的邮件通知方式。")
    return NoticePreference.objects.update_or_create(user=user, defaults={"email_mode": email_mode})[0]


# Mail.
def _mailable(notices):
    return notices.filter(emailed_at__isnull=True).exclude(recipient__email="").filter(recipient__is_active=True)


def _email_mode_is(mode):
    if mode == EmailMode.IMMEDIATE:
        return Q(recipient__notice_preference__isnull=True) | Q(recipient__notice_preference__email_mode=mode)
    return Q(recipient__notice_preference__email_mode=mode)


def notices_email_send(event_keys) -> int:
    """Mail the notices of these events to recipients who want each one at once. Each notice is locked, sent and
    marked in its own transaction, so a retry (or a second worker) never mails it twice; an SMTP error stops
    the run with what was sent marked, and the retry sends the rest."""
    ids = list(_mailable(Notice.objects.filter(event_key__in=event_keys))
               .filter(_email_mode_is(EmailMode.IMMEDIATE)).values_list("pk", flat=True))
    sent = 0
    if not ids:
        return 0
    with mail.get_connection() as connection:
        for pk in ids:
            with transaction.atomic():
                notice = (Notice.objects.select_for_update(of=("self",)).filter(pk=pk, emailed_at__isnull=True)
                          .select_related("recipient").first())
                if notice is None:
                    continue
                mail.EmailMessage(subject=f"【巡察整改】{notice.title}", body=_email_text([notice]),
                                  to=[notice.recipient.email], connection=connection).send()
                notice.emailed_at = timezone.now()
                notice.save(update_fields=["emailed_at"])
                sent += 1
    return sent


def notices_digest_send(*, today: date | None = None) -> int:
    """The daily digest: one mail per user who chose it, with every notice not yet mailed. Idempotent: the
    notices are marked as they are mailed, so a second run sends nothing."""
    today = today or timezone.localdate()
    pending = _mailable(Notice.objects.filter(_email_mode_is(EmailMode.DIGEST)))
    user_ids = sorted(set(pending.values_list("recipient_id", flat=True)))
    sent = 0
    if not user_ids:
        return 0
    with mail.get_connection() as connection:
        for user_id in user_ids:
            with transaction.atomic():
                user = User.objects.select_for_update().get(pk=user_id)
                notices = list(pending.filter(recipient_id=user_id).order_by("created_at", "pk")
                               .select_for_update(of=("self",)))
                if not notices:
                    continue
                mail.EmailMessage(subject=f"【巡察整改】{today:%Y年%m月%d日}消息汇总（{len(notices)} 条）",
                                  body=_email_text(notices), to=[user.email], connection=connection).send()
                Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
                sent += 1
    return sent


def _email_text(notices) -> str:
    base = settings.NOTICES_SITE_URL.rstrip("/")
    lines = []
    for notice in notices:
        lines += [f"{timezone.localtime(notice.created_at):%Y-%m-%d %H:%M}  {notice.title}", notice.body]
        if notice.url:
            lines.append(f"{base}{notice.url}")
        lines.append("")
    lines.append(f"全部消息：{base}{reverse('notices:list')}（本邮件由系统自动发送，请勿回复。）")
    return "\n".join(lines)


# Documents (督办通知书, 整改提醒函, 巡察反馈意见): region admins download them as .docx; each is numbered and recorded.
DOCUMENT_NUMBER_WORD = {DocumentKind.SUPERVISION: "督", DocumentKind.REMINDER: "提", DocumentKind.FEEDBACK: "馈"}
REPLY_DAYS = 10  # the unit reports back within this many days of a 督办通知书 or 整改提醒函


@dataclass
class IssuedFile:
    record: IssuedDocument
    content: bytes

    @property
    def file_name(self) -> str:
        return f"{self.record.get_kind_display()}_{self.record.number}.docx"


def _check_issuer(user) -> None:
    if not is_region_admin(user):
        raise DomainError("只有巡察办管理员可以下载督办文书。", code=DomainError.PERMISSION_DENIED)


def _record(*, kind, user, region, addressee, subject, request) -> IssuedDocument:
    """Give the document the next 文号 of its issuing region, kind and year (the region row is locked, so two
    downloads at once get two numbers) and record the download in the audit log."""
    Region.objects.select_for_update().filter(pk=region.pk).first()
    year = timezone.localdate().year
    last = IssuedDocument.objects.filter(region=region, kind=kind, year=year).aggregate(Max("serial"))["serial__max"]
    serial = (last or 0) + 1
    number = f"{region.name[:2]}巡办{DOCUMENT_NUMBER_WORD[kind]}〔{year}〕{serial}号"
    record = IssuedDocument.objects.create(kind=kind, region=region, year=year, serial=serial, number=number,
                                          addressee=addressee[:300], subject=subject, issued_by=user)
    audit_record(user=user, action=AuditAction.EXPORT, obj=None, request=request,
                 details={"document": DocumentKind(kind).label, "number": number, "addressee": addressee, **subject})
    return record


def _issuer_region(user, fallback: Region) -> Region:
    return user.region if user.region_id else fallback


def _issuer_name(region: Region) -> str:
    return f"中共{region.committee_name}巡察工作领导小组办公室"


@transaction.atomic  # a document that fails to build takes no number and leaves no record
def document_for_tasks(*, kind: str, user, tasks, request=None, warning: TaskWarning | None = None) -> IssuedFile:
    """A 督办通知书 (overdue tasks) or 整改提醒函 (tasks due or overdue) to the tasks' units, listing each task with
    its deadline and days overdue. `tasks` must already be those the user may see (the views scope them)."""
    _check_issuer(user)
    if kind not in (DocumentKind.SUPERVISION, DocumentKind.REMINDER):
        raise DomainError("未知的文书类型。")
    tasks = list(_tasks_related(tasks).order_by("organization__name", "deadline", "pk"))
    if not tasks:
        raise DomainError("没有符合条件的整改任务，未生成文书。")
    today = timezone.localdate()
    units = list(dict.fromkeys(t.organization.name for t in tasks))
    addressee = "、".join(units)
    region = _issuer_region(user, tasks[0].round.organizer)
    subject = {"tasks": [t.pk for t in tasks]}
    if warning is not None:
        subject["warning"] = warning.pk
    record = _record(kind=kind, user=user, region=region, addressee=addressee, subject=subject, request=request)
    overdue = [t for t in tasks if t.deadline < today]
    rows = [[str(i), str(t.finding), t.responsible_unit, f"{t.deadline:%Y-%m-%d}",
             str((today - t.deadline).days) if t.deadline < today else f"未逾期（剩 {(t.deadline - today).days} 天）"]
            for i, t in enumerate(tasks, 1)]
    reply_by = today + timedelta(days=REPLY_DAYS)
    if kind == DocumentKind.SUPERVISION:
        title = "巡察整改督办通知书"
        body = [f"经查，你单位以下 {len(tasks)} 项巡察反馈问题整改任务中，{len(overdue)} 项已超过整改时限仍未完成整改销号，"
                "整改进度滞后。根据巡察整改工作有关规定，现予以督办。"]
        closing = [f"请你单位高度重视，接此通知后立即组织整改，并于 {reply_by:%Y年%m月%d日}前将整改落实情况及佐证材料"
                   "书面报送巡察办。无正当理由逾期未完成整改的，将按有关规定予以通报、约谈或问责。"]
    else:
        title = "巡察整改提醒函"
        body = [f"你单位以下 {len(tasks)} 项巡察反馈问题整改任务临近或已超过整改时限，尚未完成整改销号，特此提醒。"]
        closing = [f"请你单位对照整改时限抓紧推进，确保按期完成，并于 {reply_by:%Y年%m月%d日}前报送整改进展情况；"
                   "确需延期的，请按程序提出延期申请。"]
    letter = Letter(issuer=_issuer_name(region), number=record.number, title=title, addressee=addressee, body=body,
                    headers=["序号", "问题", "责任单位", "整改时限", "逾期天数"], rows=rows, closing=closing,
                    signature=_issuer_name(region), day=today)
    return IssuedFile(record, letter_docx(letter))


@transaction.atomic
def document_for_inspection(*, user, inspection: Inspection, request=None) -> IssuedFile:
    """巡察反馈意见: a summary of what an inspection found and how its rectification stands, to the unit."""
    _check_issuer(user)
    inspection = Inspection.objects.select_related("organization", "round__organizer", "group").get(pk=inspection.pk)
    findings = list(Finding.objects.filter(inspection=inspection).order_by("number").prefetch_related("tasks"))
    today = timezone.localdate()
    region = _issuer_region(user, inspection.round.organizer)
    addressee = inspection.organization.name
    record = _record(kind=DocumentKind.FEEDBACK, user=user, region=region, addressee=addressee,
                     subject={"inspection": inspection.pk}, request=request)
    tasks = [t for f in findings for t in f.tasks.all()]
    closed = sum(t.status == TaskStatus.CLOSED for t in tasks)
    overdue = sum(t.status != TaskStatus.CLOSED and t.deadline < today for t in tasks)
    by_category = Counter(f.get_category_display() for f in findings)

    def when(day):
        return f"{day:%Y年%m月%d日}" if day else "（未填）"

    body = [f"根据{inspection.round}工作安排，{inspection.group}于{when(inspection.entry_date)}进驻你单位开展巡察，"
            f"并于{when(inspection.feedback_date)}反馈巡察意见。",
            f"巡察共发现问题 {len(findings)} 个" + (
                "，其中" + "；".join(f"{label} {count} 个" for label, count in by_category.most_common()) if findings else "")
            + f"。交办整改任务 {len(tasks)} 项，截至 {today:%Y年%m月%d日}已整改销号 {closed} 项，逾期未完成 {overdue} 项。"]
    rows = []
    for finding in findings:
        finding_tasks = finding.tasks.all()
        deadline = min((t.deadline for t in finding_tasks), default=None)
        status = "、".join(sorted({t.get_status_display() for t in finding_tasks})) or "未交办"
        rows.append([str(finding.number), finding.get_category_display(), finding.description,
                     f"{deadline:%Y-%m-%d}" if deadline else "—", status])
    letter = Letter(issuer=_issuer_name(region), number=record.number, title="巡察反馈意见", addressee=addressee,
                    body=body, headers=["序号", "问题类别", "问题", "整改时限", "整改状态"], rows=rows,
                    closing=["请你单位对照反馈问题逐项制定整改措施，明确责任人和整改时限，按期完成整改并报送整改情况。"],
                    signature=_issuer_name(region), day=today)
    return IssuedFile(record, letter_docx(letter))
