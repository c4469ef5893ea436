from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from core.filters import RegionField
from core.widgets import IsoDateInput
from ingest.documents import SUFFIXES
from ingest.services import ACCEPT, CORRECT, REJECT


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(_MultipleFileField, self).clean(f, initial) for f in files if f] or [super().clean(None)]


class ArticleUploadForm(forms.Form):
    files = _MultipleFileField(label="文章文件", allow_empty_file=True)  # the pipeline refuses empty files itself
    source_url = forms.URLField(label="来源网址", required=False, max_length=1000, assume_scheme="https")
    published = forms.DateField(label="发布日期", required=False, widget=IsoDateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (f"可一次选择多个文件：{'、'.join(SUFFIXES)}，每个不超过 "
                                          f"{filesizeformat(settings.INGEST_MAX_BYTES)}。")
        self.fields["files"].widget.attrs["accept"] = ",".join(SUFFIXES)


_ACTIONS = [(ACCEPT, "采纳"), (CORRECT, "更正后采纳"), (REJECT, "驳回")]


class _ReviewForm(forms.Form):
    action = forms.ChoiceField(label="审核", choices=_ACTIONS)


class FactReviewForm(_ReviewForm):
    value = forms.FloatField(label="更正数值", required=False, min_value=0)
    # By name or code, as the list filters take it ("咸安区", "421202", "咸安区（421202）"); empty: the fact's own.
    region = RegionField(label="地区", required=False)
    period_start = forms.DateField(label="统计期开始", required=False)
    period_end = forms.DateField(label="统计期截至", required=False)
    period_rounds = forms.IntegerField(label="按本届前N轮统计", required=False, min_value=1, max_value=99,
                                       help_text="空：按统计期的日期统计")


class RoundReviewForm(_ReviewForm):
    start = forms.DateField(label="开始日期", required=False)
    end = forms.DateField(label="结束日期", required=False)
    term = forms.IntegerField(label="届次", required=False, min_value=1, max_value=100)
    number = forms.IntegerField(label="轮次", required=False, min_value=1, max_value=100)
