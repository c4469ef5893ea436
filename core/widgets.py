"""Form widgets shared by every app."""
from django import forms


class IsoDateInput(forms.DateInput):
    """<input type=date>: the browser takes and shows only ISO dates (YYYY-MM-DD), so the value is rendered in
    that form whatever the locale's date format (zh-hans renders 2026/12/06, which the field shows as empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
