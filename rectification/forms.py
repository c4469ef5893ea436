from django import forms
from django.core.exceptions import ValidationError

from core.errors import DomainError
from rectification.choices import TaskStatus
from rectification.models import RectificationTask
from rectification.services import task_close_check


class RectificationTaskForm(forms.ModelForm):
    """Task entry: dates left blank are filled from the inspection (feedback + 2 months).

    Setting the status to 已销号 follows `task_close_check`: only a reviewer of the inspecting
    side, and only after the unit reported the task done. The admin sets `reviewer` to the
    request's user; without one, closing is refused.
    """

    reviewer = None

    class Meta:
        model = RectificationTask
        fields = (
            "finding", "responsible_unit", "responsible_person", "measures", "assigned_on", "deadline",
            "status", "closed_on", "evidence", "progress_note",
        )
        help_texts = {
            "assigned_on": "留空则取巡察反馈日期",
            "deadline": "留空则为交办日期后两个月",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("assigned_on", "deadline"):
            if name in self.fields:  # absent when the admin shows the task read-only
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        previous = None if self.instance._state.adding else self.instance.status
        if cleaned.get("status") == TaskStatus.CLOSED and previous != TaskStatus.CLOSED:
            try:
                task_close_check(task=self.instance, reviewer=self.reviewer, previous_status=previous)
            except DomainError as error:
                raise ValidationError({"status": error.message}) from error
        return cleaned


class TaskProgressForm(forms.Form):
    """What an inspected unit reports: up to 已完成待验收, never 已销号 (see `task_report_progress`)."""

    status = forms.ChoiceField(
        label="整改状态", choices=[(s.value, s.label) for s in (TaskStatus.IN_PROGRESS, TaskStatus.REPORTED)]
    )
    evidence = forms.CharField(label="整改佐证材料", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    progress_note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class TaskCloseForm(forms.Form):
    closed_on = forms.DateField(label="销号日期", widget=forms.DateInput(attrs={"type": "date"}))
