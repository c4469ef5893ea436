"""站内消息 pages (everyone's own notices) and the 督办文书 downloads (region admins)."""
from datetime import timedelta
from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_region_admin
from core.errors import DomainError
from core.scoping import get_object_in_scope_or_404
from inspection.models import Inspection, Organization
from notices import selectors, services
from notices.choices import DocumentKind, EmailMode
from notices.forms import NoticeFilterForm, NoticePreferenceForm, TaskDocumentForm
from notices.models import IssuedDocument, Notice, NoticePreference
from rectification.choices import TaskStatus
from rectification.models import RectificationTask, TaskWarning

PAGE_SIZE = 30
LIST_LIMIT = 50  # the documents page lists the latest warnings, inspections and documents, this many each
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def notice_list(request):
    form = NoticeFilterForm(request.GET or None)
    kind, unread = "", False
    if form.is_valid():
        kind, unread = form.cleaned_data["kind"], form.cleaned_data["unread"]
    page = Paginator(selectors.notices_of(request.user, kind=kind, unread=unread), PAGE_SIZE).get_page(
        request.GET.get("page"))
    preference = NoticePreference.objects.filter(user=request.user).first()
    return render(request, "notices/notice_list.html", {
        "form": form, "page": page, "notices": selectors.notices_visible(page.object_list, request.user),
        "preference_form": NoticePreferenceForm(initial={
            "email_mode": preference.email_mode if preference else EmailMode.IMMEDIATE}),
        "query": request.GET.urlencode(), "is_region_admin": is_region_admin(request.user),
    })


@login_required
@require_GET
def notice_open(request, pk):
    """Follow a notice's link (and mark it read), only while its object is within the user's scope."""
    notice = get_object_or_404(Notice.objects.select_related("content_type"), pk=pk, recipient=request.user)
    services.notices_mark_read(user=request.user, ids=[notice.pk])
    if not selectors.notices_visible([notice], request.user)[0].visible or not notice.url:
        raise Http404("该消息涉及的内容不存在或已不在您的权限范围内。")
    return redirect(notice.url)


@login_required
@require_POST
def notice_mark_read(request):
    ids = None if request.POST.get("all") else [int(v) for v in request.POST.getlist("notice") if v.isdigit()]
    count = services.notices_mark_read(user=request.user, ids=ids)
    messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect(f"{_list_url()}?{request.POST.get('query', '')}")


@login_required
@require_POST
def notice_preference(request):
    form = NoticePreferenceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("未知的邮件通知方式。")
    services.notice_preference_set(user=request.user, email_mode=form.cleaned_data["email_mode"])
    messages.success(request, "邮件通知设置已保存。")
    return redirect(_list_url())


def _list_url():
    return reverse("notices:list")


# Documents.
def _issuer_only(request):
    if not is_region_admin(request.user):
        raise PermissionDenied("只有巡察办管理员可以下载督办文书。")


def _docx(issued) -> FileResponse:
    return FileResponse(BytesIO(issued.content), as_attachment=True, filename=issued.file_name, content_type=DOCX)


def _issue(build):
    try:
        return _docx(build())
    except DomainError as error:
        if error.is_permission_denied:
            raise PermissionDenied(error.message) from error
        return HttpResponseBadRequest(error.message)


@login_required
@require_GET
def document_index(request):
    """What a region admin writes from: units with tasks due or overdue, active warnings, inspections with their
    feedback; and the documents already issued in their region."""
    _issuer_only(request)
    today = timezone.localdate()
    tasks = RectificationTask.objects.visible_to(request.user).exclude(status=TaskStatus.CLOSED)
    units = (tasks.filter(deadline__lte=today + timedelta(days=settings.RECTIFICATION_WARNING_NOTICE_DAYS))
             .values("organization", "organization__name").order_by("organization__name").distinct()[:LIST_LIMIT])
    warnings = (TaskWarning.objects.visible_to(request.user).filter(lifted_at__isnull=True)
                .select_related("task__organization").order_by("-issued_at", "-id")[:LIST_LIMIT])
    inspections = (Inspection.objects.visible_to(request.user).filter(feedback_date__isnull=False)
                   .select_related("organization", "round__organizer").order_by("-feedback_date", "-id")[:LIST_LIMIT])
    documents = IssuedDocument.objects.visible_to(request.user).select_related("issued_by")[:LIST_LIMIT]
    return render(request, "notices/document_index.html", {
        "units": units, "warnings": warnings, "inspections": inspections, "documents": documents})


@login_required
@require_GET
def document_tasks(request):
    """督办通知书 / 整改提醒函 for chosen tasks or for one unit's overdue (督办) or due and overdue (提醒) tasks."""
    form = TaskDocumentForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("；".join(e for errors in form.errors.values() for e in errors))
    kind, today = form.cleaned_data["kind"], timezone.localdate()
    visible = RectificationTask.objects.visible_to(request.user)
    if form.cleaned_data["task"]:
        chosen = set(form.cleaned_data["task"])
        tasks = visible.filter(pk__in=chosen)
        if tasks.count() != len(chosen):  # a task out of scope answers like a missing one
            raise Http404("整改任务不存在或不在您的权限范围内。")
        tasks = tasks.exclude(status=TaskStatus.CLOSED)
    else:
        organization = get_object_in_scope_or_404(Organization, request.user, pk=form.cleaned_data["organization"])
        tasks = visible.exclude(status=TaskStatus.CLOSED).filter(organization=organization)
        if kind == DocumentKind.SUPERVISION:
            tasks = tasks.filter(deadline__lt=today)
        else:
            tasks = tasks.filter(deadline__lte=today + timedelta(days=settings.RECTIFICATION_WARNING_NOTICE_DAYS))
    _issuer_only(request)  # after the lookups: out of scope is a 404 whoever asks
    return _issue(lambda: services.document_for_tasks(kind=kind, user=request.user, tasks=tasks, request=request))


@login_required
@require_GET
def document_warning(request, pk):
    """From a warning: a 督办通知书 for a 红牌, else an 整改提醒函, about its task."""
    warning = get_object_in_scope_or_404(TaskWarning.objects.select_related("task"), request.user, pk=pk)
    _issuer_only(request)
    kind = request.GET.get("kind") or (DocumentKind.SUPERVISION if warning.level == "red" else DocumentKind.REMINDER)
    tasks = RectificationTask.objects.filter(pk=warning.task_id)
    return _issue(lambda: services.document_for_tasks(kind=kind, user=request.user, tasks=tasks, request=request,
                                                      warning=warning))


@login_required
@require_GET
def document_feedback(request, pk):
    inspection = get_object_in_scope_or_404(Inspection, request.user, pk=pk)
    _issuer_only(request)
    return _issue(lambda: services.document_for_inspection(user=request.user, inspection=inspection, request=request))
