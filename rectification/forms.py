from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from core.errors import DomainError
from core.widgets import IsoDateInput
from rectification.choices import TaskStatus
from rectification.evidence import ACCEPTED_TEXT
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

    # An existing task's deadline moves only by an approved 延期, and its progress and 验收 are recorded on the
    # task's page and through the API (timeline, opinions, files): in this form they are shown, not changed. A new
    # task may be entered in any state (an earlier round's ledger), under the closing rule of `task_close_check`.
    FIELDS_SET_BY_THE_WORK = ("assigned_on", "deadline", "status", "closed_on", "evidence", "progress_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("assigned_on", "deadline"):
            if name in self.fields:  # absent when the admin shows the task read-only
                self.fields[name].required = False
        if self.instance.pk is not None:
            for name in self.FIELDS_SET_BY_THE_WORK:
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        previous = None if self.instance._state.adding else self.instance.status
        if cleaned.get("status") == TaskStatus.CLOSED and previous != TaskStatus.CLOSED:
            try:
                task_close_check(task=self.instance, reviewer=self.reviewer, previous_status=previous,
                                 closed_on=cleaned.get("closed_on"))
            except DomainError as error:
                raise ValidationError({"status": error.message}) from error
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); their content is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [] if data in (None, "") else [super().clean(data, initial)]


class TaskProgressForm(forms.Form):
    """What an inspected unit reports: up to 已完成待验收, never 已销号 (see `task_report_progress`)."""

    status = forms.ChoiceField(
        label="整改状态", choices=[(s.value, s.label) for s in (TaskStatus.IN_PROGRESS, TaskStatus.REPORTED)]
    )
    progress_note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    evidence = forms.CharField(label="整改佐证材料（文字说明）", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    files = MultipleFileField(label="整改佐证材料（文件）", required=False,
                            help_text=f"可多选；{ACCEPTED_TEXT}，每个不超过 {settings.EVIDENCE_MAX_BYTES // (1024 * 1024)} MB")


class TaskReviewForm(forms.Form):
    """验收: 通过 (closes the task on 销号日期) or 退回 (back to 整改中); a 验收意见 either way."""

    PASS, SEND_BACK = "pass", "send_back"
    outcome = forms.ChoiceField(label="验收结论", choices=[(PASS, "验收通过，销号"), (SEND_BACK, "退回整改")],
                                widget=forms.RadioSelect)
    opinion = forms.CharField(label="验收意见", widget=forms.Textarea(attrs={"rows": 3}))
    closed_on = forms.DateField(label="销号日期", required=False, widget=IsoDateInput(),
                                help_text="验收通过时填写；不能晚于今天，不能早于单位填报完成的日期")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == self.PASS and not cleaned.get("closed_on"):
            self.add_error("closed_on", "验收通过时须填写销号日期。")
        return cleaned


class ExtensionRequestForm(forms.Form):
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))
    new_deadline = forms.DateField(label="申请延至", widget=IsoDateInput())


class ExtensionDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"
    decision = forms.ChoiceField(label="审批结论", choices=[(APPROVE, "批准"), (REJECT, "不予批准")],
                                 widget=forms.RadioSelect)
    opinion = forms.CharField(label="审批意见", widget=forms.Textarea(attrs={"rows": 2}))
