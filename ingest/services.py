"""Operations that change ingest data: submit a file, extract an article, review what was found.

The pipeline is the same for all three doors (command, upload page, API): `article_submit` checks the
file without reading it (refusing bad files with a Chinese message and storing nothing) and stores its
bytes once per file hash; the parse (`article_extract`: the worker, or in-process for the command and the
demo) reads them into text under the worker's limits, keeps the article once per normalised content hash,
runs the engine and writes facts and rounds in one transaction.
"""
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.roles import Role, is_inspecting_side, user_role
from core import events
from core.errors import DomainError
from core.scoping import region_prefix
from ingest.choices import ArticleStatus, ReviewState
from ingest.documents import DocumentError, content_hash, document_check, file_hash, read_document, too_large
from ingest.extract import extract
from ingest.models import Article, ExtractedFact, ExtractedRound, ReportedFigure
from ingest.rules import Period, first_rounds, period_of, resolve_date, sentence_around, short_title
from inspection.choices import RoundKind
from inspection.models import InspectionRound, Region
from inspection.services import round_create

logger = logging.getLogger(__name__)


def may_upload(user) -> bool:
    """Articles come in from the inspecting side and from API clients."""
    return bool(user and user.is_authenticated and (is_inspecting_side(user) or user_role(user) == Role.API_CLIENT))


def may_review(user) -> bool:
    """Reviews turn articles into records: region admins and inspection-group members."""
    return bool(user and user.is_authenticated and is_inspecting_side(user))


@dataclass
class Submitted:
    name: str
    article: Article | None = None
    created: bool = False
    requeued: bool = False  # the same file again, after it failed or while it waits: queued once more
    error: str = ""

    @property
    def outcome(self) -> str:
        if self.error:
            return "failed"
        return "stored" if self.created else "requeued" if self.requeued else "duplicate"


def article_submit(*, name: str, data: bytes, user=None, region: Region | None = None, source_url: str = "",
                   published: date | None = None, title: str = "") -> Submitted:
    """Check one file without reading it (`documents.document_check`) and store it (status 排队中) unless the
    same file is stored already; the worker reads and parses it (`article_extract`).

    A bad file stores nothing and comes back with `error`. The same file again answers its article; when that
    one failed or still waits, it is queued again (`requeued`), so a re-upload is a retry. The caller starts
    the parse (`article_queue`, or `article_extract` in-process). The same text in another file (a .docx of
    a stored .txt) is found once read: that upload is marked 内容重复."""
    try:
        document_check(name, data, max_bytes=settings.INGEST_MAX_BYTES, max_chars=settings.INGEST_MAX_CHARS)
    except DocumentError as exc:
        return Submitted(name, error=str(exc))
    digest = file_hash(data)
    existing = Article.objects.filter(file_hash=digest).defer("text", "content").order_by("pk").first()
    if existing is not None:
        if existing.status == ArticleStatus.DUPLICATE and existing.duplicate_of_id:
            return Submitted(name, Article.objects.defer("text", "content").get(pk=existing.duplicate_of_id))
        return Submitted(name, existing, requeued=article_requeue(existing.pk))
    if region is None and user is not None:
        region = user.region
    article = Article.objects.create(
        title=short_title(title or name), source_url=source_url, published=published, file_name=name[:255],
        content=data, file_hash=digest, region=region, uploaded_by=user)
    return Submitted(name, article, created=True)


def article_submit_upload(file, *, user, **fields) -> Submitted:
    """`article_submit` for an uploaded file (page and API); a new or re-queued article is read and parsed by a
    Celery task once the transaction commits, so the request returns at once."""
    limit = settings.INGEST_MAX_BYTES
    if file.size is not None and file.size > limit:  # refused before a byte is read
        return Submitted(file.name, error=too_large(file.size, limit))
    submitted = article_submit(name=file.name, data=file.read(limit + 1), user=user, **fields)
    if submitted.created or submitted.requeued:
        article_queue(submitted.article.pk)
    return submitted


def article_queue(article_id: int) -> None:
    """Have a worker parse the article once the transaction commits. Its status 排队中 is the durable record of
    the job: when the broker cannot take it now, `articles_sweep` sends it again later."""
    from config.celery import enqueue
    from ingest.tasks import article_parse  # tasks imports this module

    def send():
        Article.objects.filter(pk=article_id).update(queued_at=timezone.now())
        enqueue(article_parse, article_id)

    transaction.on_commit(send)


def article_retry(*, article: Article, user) -> None:
    """Parse a failed or stuck article again (its page): back to 排队中 with a fresh count of attempts."""
    if not may_upload(user):
        raise DomainError("只有巡察办管理员、巡察组成员和 API 客户端可以重新解析文章。", code=DomainError.PERMISSION_DENIED)
    with transaction.atomic():
        if not article_requeue(article.pk):
            raise DomainError("只有解析失败或排队中的文章可以重新解析。")
        article_queue(article.pk)


def article_requeue(article_id: int) -> bool:
    """A failed or waiting article back to 排队中 with a fresh count of attempts; False for any other."""
    return bool(Article.objects.filter(pk=article_id, status__in=RETRYABLE).update(
        status=ArticleStatus.QUEUED, error="", parse_attempts=0, requeued_at=timezone.now()))


# The article's worker job: how often it may start, and when it counts as stuck.
RETRYABLE = (ArticleStatus.FAILED, ArticleStatus.QUEUED)  # a parsing article is the reaper's once stuck
PARSE_ATTEMPTS = 3


def article_parse_queued(article_id: int) -> Article | None:
    """The worker's entry (`tasks.article_parse`): claim a queued article and parse it. The same message may
    come twice (the sweep resent it; a dead worker's message came back): an article no longer queued or
    parsing is left alone, and one whose parse has started PARSE_ATTEMPTS times (it keeps killing its worker)
    is marked failed instead."""
    claimed = Article.objects.filter(pk=article_id, status__in=(ArticleStatus.QUEUED, ArticleStatus.PARSING)).update(
        status=ArticleStatus.PARSING, parse_started_at=timezone.now(), parse_attempts=F("parse_attempts") + 1)
    if not claimed:
        return None
    if Article.objects.filter(pk=article_id, parse_attempts__gt=PARSE_ATTEMPTS).update(
            status=ArticleStatus.FAILED, error=f"解析已中断 {PARSE_ATTEMPTS} 次（工作进程在解析时退出），已停止；"
                                               "请检查文件后在文章页点击“重新解析”。"):
        return Article.objects.get(pk=article_id)
    return article_extract(article_id)


def articles_sweep(now=None) -> dict:
    """The beat job's work: send again what waits for a worker, fail what is stuck past its limits.

    Queued articles last sent `INGEST_RESEND_SECONDS` ago go to the broker again (an outage, a lost message);
    an article queued longer than `INGEST_QUEUE_LIMIT_SECONDS`, or parsing longer than its task's hard time
    limit, is marked failed with the reason (a retry on its page starts it again)."""
    from config.celery import enqueue_due
    from ingest.tasks import article_parse

    now = now or timezone.now()
    parse_limit = article_parse.time_limit + 60
    stuck_parsing = Article.objects.filter(status=ArticleStatus.PARSING,
                                           parse_started_at__lt=now - timedelta(seconds=parse_limit)).update(
        status=ArticleStatus.FAILED, error=f"解析中断：超过 {parse_limit} 秒未完成（工作进程退出或超时）。可在文章页点击“重新解析”。")
    queue_limit = settings.INGEST_QUEUE_LIMIT_SECONDS
    stuck_queued = Article.objects.alias(waiting_since=Coalesce("requeued_at", "created_at")).filter(
        status=ArticleStatus.QUEUED, waiting_since__lt=now - timedelta(seconds=queue_limit)).update(
        status=ArticleStatus.FAILED, error=f"排队超过 {queue_limit // 3600} 小时仍未解析（后台任务不可用）。可在文章页点击“重新解析”。")
    due = Article.objects.filter(status=ArticleStatus.QUEUED).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - timedelta(seconds=settings.INGEST_RESEND_SECONDS)))
    sent = enqueue_due(article_parse, due.order_by("pk")[:1000], now=now)
    return {"resent": sent, "failed_parsing": stuck_parsing, "failed_queued": stuck_queued}


def article_submit_upload_text(name: str, text: str, *, user, **fields) -> Submitted:
    """An article sent as text (API): the same path as a UTF-8 .txt upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return article_submit_upload(SimpleUploadedFile(name, text.encode("utf-8")), user=user, **fields)


def _regions_by_code(codes) -> dict[str, Region]:
    return {r.code: r for r in Region.objects.filter(code__in={c for c in codes if c})}


def article_region(current: Region | None, named: Counter, regions: dict[str, Region]) -> Region | None:
    """The article's region: the region its facts and rounds name most, when that lies within the
    region it was filed under (the uploader's, so the uploader keeps seeing it); else unchanged."""
    for code, _ in named.most_common():
        region = regions.get(code)
        if region is None:
            continue
        if current is None or region.code.startswith(region_prefix(current)):
            return region
        break
    return current


def _fact_fields(fact, regions) -> dict:
    return {"approx": fact.approx, "unit": fact.unit or "", "subject": fact.subject or "",
            "subject_code": fact.subject_code or "", "subject_region": regions.get(fact.subject_code or ""),
            "quote": fact.quote, "current": True}


def _round_fields(found, regions) -> dict:
    return {"organizer": found.organizer or "", "organizer_region": regions.get(found.organizer_code or ""),
            "kind": found.kind or "", "end": found.end or "", "groups": found.groups, "units": found.units,
            "quote": found.quote, "current": True}


def _upsert(model, article, found_items, key_names, key_of, fields_of) -> None:
    """Write what the engine found, one row per key: new keys are added, known ones updated, pending
    rows the engine no longer finds removed; reviewed rows stay (marked not current)."""
    existing = {tuple(getattr(row, name) for name in key_names): row for row in model.objects.filter(article=article)}
    seen, new = set(), []
    for found in found_items:
        key = key_of(found)
        if key in seen:
            continue
        seen.add(key)
        fields, row = fields_of(found), existing.get(key)
        if row is None:
            new.append(model(article=article, **dict(zip(key_names, key)), **fields))
            continue
        if not row.is_pending:  # the region a reviewer decided against stays
            fields = {name: value for name, value in fields.items() if not name.endswith("_region")}
        if any(getattr(row, name) != value for name, value in fields.items()):
            model.objects.filter(pk=row.pk).update(**fields)
    model.objects.bulk_create(new)
    stale = [row.pk for key, row in existing.items() if key not in seen]
    if stale:  # a first parse, or an unchanged re-run, has none: skip the two statements
        model.objects.filter(pk__in=stale, review_state=ReviewState.PENDING).delete()
        model.objects.filter(pk__in=stale).update(current=False)


def _write_facts(article, facts, regions) -> None:
    # "9个乡镇、173个村" is one span with two figures of one metric: the value is part of the key.
    _upsert(ExtractedFact, article, facts, ("metric", "start_offset", "end_offset", "value"),
            lambda f: (f.metric, f.start, f.end, float(f.value)), lambda f: _fact_fields(f, regions))


def _write_rounds(article, rounds, regions) -> None:
    _upsert(ExtractedRound, article, rounds, ("start_offset", "end_offset", "organizer_code", "start"),
            lambda r: (*r.offsets, r.organizer_code or "", r.start or ""), lambda r: _round_fields(r, regions))


def article_extract(article_id: int) -> Article:
    """Read a stored article's file (when not read yet), run the engine over its text and write its facts and
    rounds (again), in one transaction.

    Idempotent: a re-run writes the same rows; after the engine changed, pending items follow
    it and reviewed ones (and their reported figures and rounds) are kept. A failure marks the
    article 解析失败 with the error and leaves its earlier facts as they were.
    """
    Article.objects.filter(pk=article_id).exclude(status=ArticleStatus.DUPLICATE).update(status=ArticleStatus.PARSING)
    try:
        with transaction.atomic():
            article = Article.objects.select_for_update(of=("self",)).select_related("region").get(pk=article_id)
            # A file still to read is read first; the text of another article has nothing of its own to extract.
            if article.status != ArticleStatus.DUPLICATE and (article.content is None or _article_read(article)):
                _article_extract_text(article)
    except Exception as exc:  # one article's failure is recorded on it and stops nothing else
        if isinstance(exc, DocumentError):
            message = str(exc)
        elif isinstance(exc, IntegrityError):  # `_article_read` lost a race to an upload of the same text
            message = "另一篇同时上传的文章内容与本文相同；请点击“重新解析”查看。"
        elif isinstance(exc, SoftTimeLimitExceeded):
            message = "解析超时，已停止；这篇文章可能过长或格式异常。"
        elif isinstance(exc, MemoryError):
            message = "解析所需内存超过上限，已停止；这篇文章可能过长或格式异常。"
        else:
            logger.exception("ingest: article %s failed to parse", article_id)
            message = f"解析出错：{type(exc).__name__}: {exc}"
        Article.objects.filter(pk=article_id).update(status=ArticleStatus.FAILED, error=message[:2000])
    article = Article.objects.get(pk=article_id)
    events.emit(events.ARTICLE_PARSED, article=article)
    return article


def _article_extract_text(article: Article) -> None:
    result = extract(article.text, article.published)
    if result.garbled:
        raise DocumentError("文件内容是乱码（编码错误的文字），未抽取任何数据。")
    facts, rounds = result.facts[:settings.INGEST_MAX_FACTS], result.rounds[:settings.INGEST_MAX_FACTS]
    codes = [f.subject_code for f in facts] + [r.organizer_code for r in rounds]
    regions = _regions_by_code(codes)
    _write_facts(article, facts, regions)
    _write_rounds(article, rounds, regions)
    article.region = article_region(article.region, Counter(c for c in codes if c), regions)
    if article.published is None and result.published:
        article.published = date.fromisoformat(result.published)
    article.status = ArticleStatus.REVIEWED if _all_reviewed(article) else ArticleStatus.PARSED
    article.error, article.parsed_at = _capped_notice(result), timezone.now()
    article.extractor_runs += 1
    article.save()


def _article_read(article: Article) -> bool:
    """Turn the stored file into the article's text (in the worker, under its time and memory limits) and drop
    the bytes. False when the text is that of an article stored already: this one is then saved as 内容重复,
    pointing to it. A file that cannot be read raises DocumentError (the bytes stay for a retry)."""
    document = read_document(article.file_name, bytes(article.content), max_bytes=settings.INGEST_MAX_BYTES,
                             max_chars=settings.INGEST_MAX_CHARS)
    digest = content_hash(document.text)
    original = Article.objects.filter(content_hash=digest).exclude(pk=article.pk).defer("text", "content").first()
    if original is not None:
        article.status, article.duplicate_of, article.content = ArticleStatus.DUPLICATE, original, None
        article.error = f"与已有文章“{original.title}”内容相同，未重复存储。"
        article.save()
        return False
    if article.title == short_title(article.file_name):  # no title was given: the document's own
        article.title = short_title(document.title or article.file_name)
    article.text, article.encoding, article.content_hash, article.content = (
        document.text, document.encoding, digest, None)
    article.save()
    return True


def _capped_notice(result) -> str:
    """What the article page, the list and the API say when an article had more figures than are kept."""
    found, limit = max(len(result.facts), len(result.rounds)), settings.INGEST_MAX_FACTS
    if found <= limit:
        return ""
    return (f"抽取到 {found:,} 个数据，超过每篇文章 {limit:,} 个的上限，只保留了前 {limit:,} 个；"
            "这可能不是一篇新闻报道，请核对原文或拆分后重新上传。")


def _all_reviewed(article) -> bool:
    """Something was found and nothing of it waits for a review."""
    related = (article.facts, article.rounds)
    if any(manager.filter(review_state=ReviewState.PENDING).exists() for manager in related):
        return False
    return any(manager.exists() for manager in related)


# ----- review ------------------------------------------------------------------------------------------
ACCEPT, CORRECT, REJECT = "accept", "correct", "reject"
_STATE = {ACCEPT: ReviewState.ACCEPTED, CORRECT: ReviewState.CORRECTED, REJECT: ReviewState.REJECTED}


def _check_reviewer(user, region: Region | None) -> None:
    if not may_review(user):
        raise DomainError("只有巡察办管理员和巡察组成员可以审核抽取结果。", code=DomainError.PERMISSION_DENIED)
    if region is not None and regions_out_of_scope(user, [region]):
        raise DomainError(f"{region.name}不在您的管辖范围内。", code=DomainError.PERMISSION_DENIED)


def regions_out_of_scope(user, regions) -> set:
    """The ids of `regions` (None skipped) that `user` may not see, so may not accept figures or rounds of."""
    wanted = {region.pk for region in regions if region is not None}
    if not wanted or user is None:
        return wanted
    return wanted - set(Region.objects.visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


def items_out_of_scope(article, facts, rounds, user) -> dict:
    """What `user` could accept of an article: the facts and rounds whose region (the one accepting would file
    them under, as `fact_review`/`round_review` choose it) lies outside the user's scope, with those regions."""
    fact_regions = {fact.pk: fact.subject_region or article.region for fact in facts}
    round_regions = {item.pk: item.organizer_region for item in rounds}
    outside = regions_out_of_scope(user, [*fact_regions.values(), *round_regions.values()])
    names = {region.pk: region for region in [*fact_regions.values(), *round_regions.values()]
             if region is not None and region.pk in outside}
    return {
        "facts": {pk for pk, region in fact_regions.items() if region is not None and region.pk in outside},
        "rounds": {pk for pk, region in round_regions.items() if region is not None and region.pk in outside},
        "regions": sorted(names.values(), key=lambda region: region.code),
    }


def _mark(item, user, action) -> None:
    if action not in _STATE:
        raise DomainError("未知的审核操作。")
    item.review_state, item.reviewed_by, item.reviewed_at = _STATE[action], user, timezone.now()


def _after_review(article, user, item, action, details, request) -> None:
    status = ArticleStatus.REVIEWED if _all_reviewed(article) else ArticleStatus.PARSED
    Article.objects.filter(pk=article.pk).update(status=status)
    audit_record(user=user, action=AuditAction.UPDATE, obj=item, request=request,
                 details={"review": action, "article": article.pk, **details})


def facts_accept_pending(*, article: Article, user, request=None) -> tuple[int, list[str]]:
    """全部采纳: accept every pending fact of `article` that `user` may accept and whose period the article gives;
    the others stay pending, each with its reason. Returns (accepted, reasons)."""
    accepted, skipped = 0, []
    for fact in article.facts.filter(review_state=ReviewState.PENDING).select_related("subject_region").order_by("pk"):
        try:
            with transaction.atomic():
                fact_review(fact=fact, user=user, action=ACCEPT, request=request)
            accepted += 1
        except DomainError as exc:
            if exc.is_permission_denied and not may_review(user):
                raise
            skipped.append(f"“{fact.quote}”：{exc.message}")
    return accepted, skipped


def fact_period(fact: ExtractedFact, article: Article) -> Period | None:
    """The period a figure covers as the article states it (`rules.period_of` on the figure's sentence)."""
    return period_of(sentence_around(article.text, fact.start_offset, fact.end_offset), article.published)


def fact_rounds(fact: ExtractedFact, article: Article) -> int | None:
    """N when the figure's sentence counts 前N轮 (also without a date, when the reviewer gives the end)."""
    found = first_rounds(sentence_around(article.text, fact.start_offset, fact.end_offset))
    return found[0] if found else None


# `fact_review(period_rounds=…)` left out: 前N轮 as the figure's sentence says (the review page sends its field).
ROUNDS_FROM_ARTICLE = "article"


@transaction.atomic
def fact_review(*, fact: ExtractedFact, user, action: str, value: float | None = None, region: Region | None = None,
                period_start: date | None = None, period_end: date | None = None,
                period_rounds: int | str | None = ROUNDS_FROM_ARTICLE, request=None) -> ExtractedFact:
    """Accept, correct or reject one figure; an accepted figure becomes (or updates) a ReportedFigure.
    `period_rounds`: N of 前N轮 (counted over those rounds), None for a period of dates only."""
    fact = ExtractedFact.objects.select_for_update(of=("self",)).select_related("article__region", "subject_region").get(pk=fact.pk)
    article = fact.article
    region = region or fact.subject_region or article.region
    _check_reviewer(user, region if action != REJECT else article.region)
    _mark(fact, user, action)
    if action == CORRECT:
        if value is None or value < 0:
            raise DomainError("更正时请填写正确的数值（不小于 0）。")
        fact.corrected_value = value
    elif action == ACCEPT:
        fact.corrected_value = None
    fact.save()
    if action == REJECT:
        ReportedFigure.objects.filter(fact=fact).delete()
    else:
        if region is None:
            raise DomainError("无法确定该数据所属地区，请选择地区后再采纳。")
        if period_end is None:  # the period the article gives (its sentence, else its date); never "today"
            found = fact_period(fact, article)
            if found is None:
                raise DomainError("文章没有发布日期，原文也未说明统计截至日期：请填写“统计期截至”后再采纳。")
            period_start, period_end = period_start or found.start, found.end
        if period_start is not None and period_start > period_end:
            raise DomainError("统计期开始日期不能晚于截至日期。")
        if period_rounds == ROUNDS_FROM_ARTICLE:  # 前N轮: counted over those rounds, whoever gave the end date
            period_rounds = fact_rounds(fact, article)
        if period_rounds is not None and not 1 <= period_rounds <= 99:
            raise DomainError("“前N轮”的 N 须为 1 至 99 的整数。")
        ReportedFigure.objects.update_or_create(fact=fact, defaults={
            "metric": fact.metric, "value": fact.final_value, "unit": fact.unit, "approx": fact.approx,
            "region": region, "period_start": period_start, "period_end": period_end,
            "period_rounds": period_rounds, "article": article})
    _after_review(article, user, fact, action, {"metric": fact.metric, "value": fact.final_value}, request)
    return fact


def _round_dates(item: ExtractedRound, year: int | None) -> tuple[date | None, date | None]:
    start = item.corrected_start or resolve_date(item.start, year)
    end = item.corrected_end or resolve_date(item.end, start.year if start else year, end=True)
    return start, end


def _matching_round(organizer, start, end, term, number, kind) -> InspectionRound:
    """The existing round of this organiser with these dates (or this term and number); else a new one."""
    found = InspectionRound.objects.filter(organizer=organizer, started_on=start, ended_on=end).first()
    if found is None and term and number:
        found = InspectionRound.objects.filter(organizer=organizer, term=term, number=number).first()
    if found is not None:
        return found
    if not (term and number):
        raise DomainError("没有日期相同的已有巡察轮次：请填写届次和轮次以新建。")
    if start and end and end < start:
        raise DomainError("结束日期不能早于开始日期。")
    try:
        return round_create(organizer=organizer, term=term, number=number, kind=kind or RoundKind.REGULAR,
                            started_on=start, ended_on=end)
    except ValidationError as error:
        raise DomainError("；".join(error.messages)) from error


@transaction.atomic
def round_review(*, item: ExtractedRound, user, action: str, start: date | None = None, end: date | None = None,
                 term: int | None = None, number: int | None = None, request=None) -> ExtractedRound:
    """Accept, correct or reject one round; an accepted round is linked to a matching InspectionRound
    (same organiser and dates, or term and number) or creates one."""
    item = ExtractedRound.objects.select_for_update(of=("self",)).select_related("article__region", "organizer_region").get(pk=item.pk)
    article = item.article
    _check_reviewer(user, item.organizer_region if action != REJECT else article.region)
    _mark(item, user, action)
    if action == REJECT:
        item.inspection_round = None
    else:
        if item.organizer_region is None:
            raise DomainError("未识别出组织巡察的地区，无法采纳该轮次。")
        if action == CORRECT:
            item.corrected_start, item.corrected_end = start, end
        year = article.published.year if article.published else None
        start_on, end_on = _round_dates(item, year)
        if start_on is None:
            raise DomainError("无法确定开始日期（原文缺少年份），请用“更正”填写日期。")
        item.inspection_round = _matching_round(item.organizer_region, start_on, end_on, term, number, item.kind)
    item.save()
    _after_review(article, user, item, action,
                  {"inspection_round": item.inspection_round_id, "organizer": item.organizer}, request)
    return item
