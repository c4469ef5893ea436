from django import forms

from rectification.models import RectificationTask


class RectificationTaskForm(forms.ModelForm):
    """Task entry: dates left blank are filled from the inspection (feedback + 2 months)."""

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
            self.fields[name].required = False
