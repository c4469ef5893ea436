from django import forms

from notices.choices import DocumentKind, EmailMode, NoticeKind


class NoticeFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *NoticeKind.choices], required=False)
    unread = forms.BooleanField(label="只看未读", required=False)


class NoticePreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(label="邮件通知", choices=EmailMode.choices)


class TaskDocumentForm(forms.Form):
    """Which tasks a 督办通知书 / 整改提醒函 covers: chosen ids, or an organisation's overdue (督办) or due and
    overdue (提醒) open tasks."""

    kind = forms.ChoiceField(label="文书类型", choices=[c for c in DocumentKind.choices if c[0] != DocumentKind.FEEDBACK])
    organization = forms.IntegerField(label="被巡察单位", required=False, min_value=1)
    task = forms.TypedMultipleChoiceField(label="整改任务", coerce=int, required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # Any ids: the view keeps only those the user may see.
        self.fields["task"].choices = [(value, value) for value in (data.getlist("task") if data else [])]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organization") and not cleaned.get("task"):
            raise forms.ValidationError("请选择被巡察单位或整改任务。")
        return cleaned
