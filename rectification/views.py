"""Pages of the daily work on tasks: 待办, a task's page (timeline, 填报, 验收, 延期), the list of 延期 waiting for a
decision, evidence downloads. Every write goes through `rectification.services`; refusals come back as form errors
(or 403)."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.roles import REPORT_TASK
from core.errors import DomainError
from core.scoping import get_object_in_scope_or_404
from rectification import selectors
from rectification.choices import ExtensionStatus, TaskStatus
from rectification.forms import ExtensionDecisionForm, ExtensionRequestForm, TaskProgressForm, TaskReviewForm
from rectification.models import DeadlineExtension, EvidenceFile, RectificationTask
from rectification.services import (
    extension_approve,
    extension_reject,
    extension_request,
    may_review,
    task_close,
    task_report_progress,
    task_send_back,
)


def apply(form, operation) -> bool:
    """Run a service; a refused permission is a 403, any other refusal an error on `form`."""
    try:
        operation()
    except DomainError as error:
        if error.is_permission_denied:
            raise PermissionDenied(error.message) from error
        form.add_error(None, error.message)
        return False
    return True


class TodoView(LoginRequiredMixin, TemplateView):
    """待办: what the user must act on, per role, most urgent first (`selectors.todo_for`)."""

    template_name = "rectification/todo.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sections": selectors.todo_for(self.request.user)}


class TaskProgressView(LoginRequiredMixin, View):
    """A task's page: its details, its timeline, and the forms the user may use (填报, 验收, 申请延期)."""

    template_name = "rectification/task_progress.html"

    def get_task(self):
        queryset = RectificationTask.objects.select_related("organization", "finding", "round__organizer")
        return get_object_in_scope_or_404(queryset, self.request.user, pk=self.kwargs["pk"])

    def get(self, request, pk):
        return self.render(self.get_task())

    def post(self, request, pk):
        task = self.get_task()
        if not request.user.has_perm(f"rectification.{REPORT_TASK}"):
            raise PermissionDenied("您没有填报整改进展的权限。")
        form = TaskProgressForm(request.POST, request.FILES)
        if form.is_valid() and apply(form, lambda: task_report_progress(
                task=task, user=request.user, status=form.cleaned_data["status"],
                evidence=form.cleaned_data["evidence"], progress_note=form.cleaned_data["progress_note"],
                files=form.cleaned_data["files"])):
            messages.success(request, "整改进展已保存。")
            return redirect("rectification:task_progress", pk=task.pk)
        return self.render(task, status=400, form=form)

    def render(self, task, status=200, **forms):
        user = self.request.user
        is_open = task.status != TaskStatus.CLOSED
        pending = task.extensions.filter(status=ExtensionStatus.PENDING).first()
        context = {
            "task": task,
            "timeline": selectors.task_timeline(task),
            "extensions": task.extensions.select_related("requested_by", "decided_by"),
            "pending_extension": pending,
            "can_report": user.has_perm(f"rectification.{REPORT_TASK}") and is_open,
            "can_review": may_review(user) and task.status == TaskStatus.REPORTED,
            "can_request_extension": user.has_perm(f"rectification.{REPORT_TASK}") and is_open and pending is None
            and timezone.localdate() <= task.deadline,
            "can_decide_extension": may_review(user) and pending is not None,
            "form": forms.get("form") or TaskProgressForm(initial={"status": TaskStatus.IN_PROGRESS}),
            "review_form": forms.get("review_form") or TaskReviewForm(initial={"closed_on": timezone.localdate()}),
            "extension_form": forms.get("extension_form") or ExtensionRequestForm(),
            "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
        }
        return render(self.request, self.template_name, context, status=status)


class TaskCloseView(TaskProgressView):
    """验收 (POST only): 通过 closes the task, 退回 sends it back to 整改中; a 验收意见 either way."""

    http_method_names = ["post"]

    def post(self, request, pk):
        task = self.get_task()
        form = TaskReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["outcome"] == TaskReviewForm.PASS:
                done = apply(form, lambda: task_close(task=task, reviewer=request.user, closed_on=data["closed_on"],
                                                      opinion=data["opinion"]))
                message = "验收通过，已销号。"
            else:
                done = apply(form, lambda: task_send_back(task=task, reviewer=request.user, opinion=data["opinion"]))
                message = "已退回整改单位重新整改。"
            if done:
                messages.success(request, message)
                return redirect("rectification:task_progress", pk=task.pk)
        elif not may_review(request.user):
            raise PermissionDenied("只有巡察办或巡察组的审核人员可以验收。")
        return self.render(task, status=400, review_form=form)


class ExtensionRequestView(TaskProgressView):
    """申请延期 (POST only) from the task's page."""

    http_method_names = ["post"]

    def post(self, request, pk):
        task = self.get_task()
        form = ExtensionRequestForm(request.POST)
        if form.is_valid() and apply(form, lambda: extension_request(task=task, user=request.user, **form.cleaned_data)):
            messages.success(request, "延期申请已提交，等待审批。")
            return redirect("rectification:task_progress", pk=task.pk)
        if not request.user.has_perm(f"rectification.{REPORT_TASK}"):
            raise PermissionDenied("您没有申请延期的权限。")
        return self.render(task, status=400, extension_form=form)


class ExtensionListView(LoginRequiredMixin, TemplateView):
    """延期审批: requests waiting for a decision in the user's scope, oldest first, each with its decision form."""

    template_name = "rectification/extension_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_review(request.user):
            raise PermissionDenied("只有巡察办或巡察组的审核人员可以审批延期。")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "extensions": selectors.extensions_pending(self.request.user),
                "decision_form": ExtensionDecisionForm()}


class ExtensionDecideView(LoginRequiredMixin, View):
    """批准 or 不予批准 one request (POST only), with an opinion; back to where the form was."""

    def post(self, request, pk):
        if not may_review(request.user):
            raise PermissionDenied("只有巡察办或巡察组的审核人员可以审批延期。")
        extension = get_object_in_scope_or_404(DeadlineExtension.objects.select_related("task"), request.user, pk=pk)
        form = ExtensionDecisionForm(request.POST)
        decide = extension_approve if request.POST.get("decision") == ExtensionDecisionForm.APPROVE else extension_reject
        if form.is_valid() and apply(form, lambda: decide(extension=extension, approver=request.user,
                                                          opinion=form.cleaned_data["opinion"])):
            messages.success(request, f"#{extension.task_id} 号任务的延期申请已审批。")
        else:
            errors = [*form.non_field_errors(), *[e for field in form.errors.values() for e in field]]
            messages.error(request, f"#{extension.task_id} 号任务的延期申请未能审批：{'；'.join(dict.fromkeys(errors))}")
        if request.POST.get("next") == "task":
            return redirect("rectification:task_progress", pk=extension.task_id)
        return redirect("rectification:extension_list")


class EvidenceDownloadView(LoginRequiredMixin, View):
    """A 佐证材料 file, only for users who may see its task (else 404), read through the storage API (never a
    public URL), sent as an attachment under its original name; every download is in the audit log."""

    def get(self, request, pk):
        evidence_file = get_object_in_scope_or_404(EvidenceFile.objects.select_related("record"), request.user, pk=pk)
        return evidence_file_response(request, evidence_file)


def evidence_file_response(request, evidence_file) -> FileResponse:
    """The file of an `EvidenceFile` the caller has already fetched in scope, as an attachment; audited."""
    try:
        handle = evidence_file.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("文件不存在。") from error
    audit_record(user=request.user, action=AuditAction.EVIDENCE_DOWNLOAD, obj=evidence_file,
                 details={"task": evidence_file.record.task_id, "name": evidence_file.name}, request=request)
    response = FileResponse(handle, as_attachment=True, filename=evidence_file.name,
                            content_type=evidence_file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
