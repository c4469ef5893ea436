from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from accounts.roles import CLOSE_TASK, REPORT_TASK, is_inspecting_side
from core.errors import DomainError
from core.scoping import get_object_in_scope_or_404
from rectification.choices import TaskStatus
from rectification.forms import TaskCloseForm, TaskProgressForm
from rectification.models import RectificationTask
from rectification.services import task_close, task_report_progress


class MyRectificationTaskListView(LoginRequiredMixin, ListView):
    """整改任务 open for the user (for a unit user: their own organisation's), to report progress on."""

    template_name = "rectification/task_list_mine.html"
    paginate_by = 50

    def get_queryset(self):
        return (RectificationTask.objects.visible_to(self.request.user).open()
                .select_related("organization", "finding").order_by("deadline", "pk"))


class TaskProgressView(LoginRequiredMixin, View):
    """A task's progress: the unit reports it (up to 已完成待验收); a reviewer closes it from here."""

    template_name = "rectification/task_progress.html"

    def get_task(self):
        queryset = RectificationTask.objects.select_related("organization", "finding", "round__organizer")
        return get_object_in_scope_or_404(queryset, self.request.user, pk=self.kwargs["pk"])

    def get(self, request, pk):
        task = self.get_task()
        form = TaskProgressForm(initial={"status": task.status if task.status != TaskStatus.CLOSED else TaskStatus.REPORTED,
                                         "evidence": task.evidence, "progress_note": task.progress_note})
        return self.render(task, form)

    def post(self, request, pk):
        task = self.get_task()
        if not request.user.has_perm(f"rectification.{REPORT_TASK}"):
            raise PermissionDenied("您没有填报整改进展的权限。")
        form = TaskProgressForm(request.POST)
        if form.is_valid() and self.apply(form, lambda: task_report_progress(
                task=task, user=request.user, **form.cleaned_data)):
            messages.success(request, "整改进展已保存。")
            return redirect("rectification:task_progress", pk=task.pk)
        return self.render(task, form, status=400)

    @staticmethod
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

    def render(self, task, form, status=200, close_form=None):
        user = self.request.user
        context = {
            "task": task,
            "form": form,
            "can_report": user.has_perm(f"rectification.{REPORT_TASK}") and task.status != TaskStatus.CLOSED,
            "can_close": is_inspecting_side(user) and user.has_perm(f"rectification.{CLOSE_TASK}")
            and task.status == TaskStatus.REPORTED,
            "close_form": close_form or TaskCloseForm(initial={"closed_on": timezone.localdate()}),
        }
        return render(self.request, self.template_name, context, status=status)


class TaskCloseView(TaskProgressView):
    """验收销号 (POST only): a reviewer of the inspecting side accepts a reported task."""

    http_method_names = ["post"]

    def post(self, request, pk):
        task = self.get_task()
        form = TaskCloseForm(request.POST)
        if form.is_valid() and self.apply(form, lambda: task_close(
                task=task, reviewer=request.user, closed_on=form.cleaned_data["closed_on"])):
            messages.success(request, "已验收销号。")
            return redirect("rectification:task_progress", pk=task.pk)
        return self.render(task, TaskProgressForm(initial={"status": task.status}), status=400, close_form=form)
