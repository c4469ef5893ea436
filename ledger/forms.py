from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ledger.services import ledger_upload_check


class LedgerImportForm(forms.Form):
    file = forms.FileField(label="台账文件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.LEDGER_MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = f"Excel 工作簿（.xlsx）或 CSV（UTF-8 或 GBK 编码），不超过 {limit}。"
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"

    def clean_file(self):
        file = self.cleaned_data["file"]
        ledger_upload_check(file)
        return file
