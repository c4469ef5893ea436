"""`?format=csv|xlsx` on list endpoints: the filtered rows as a spreadsheet with Chinese headers.

Rows stream from the database (`iterator`) into a temporary file (CSV with a BOM so Excel
reads UTF-8; XLSX through openpyxl's write-only workbook), so memory stays flat for large
lists. Every export is recorded in the audit log with its format, filters and row count.
"""
import csv
import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from rest_framework import renderers

from accounts.audit import audit_record
from accounts.choices import AuditAction
from core.xlsx import is_formula_like, xlsx_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CSVRenderer(renderers.BaseRenderer):
    """Declares `?format=csv` (and `Accept: text/csv`); the view writes the file itself (`export_response`)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never reached
        raise NotImplementedError("exports are written by api.exports.export_response")


class XLSXRenderer(CSVRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None


EXPORT_FORMATS = (CSVRenderer.format, XLSXRenderer.format)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable  # row -> cell value


def export_response(request, *, rows: Iterable, columns: list[Column], name: str, fmt: str) -> FileResponse:
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and closes it
    count = (_write_xlsx if fmt == XLSXRenderer.format else _write_csv)(out, rows, columns, name)
    out.seek(0)
    audit_record(user=request.user, action=AuditAction.EXPORT, request=request._request, details={
        "format": fmt, "scope": name, "filters": request.query_params.dict(), "rows": count})
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    content_type = XLSX_CONTENT_TYPE if fmt == XLSXRenderer.format else "text/csv; charset=utf-8"
    return FileResponse(out, as_attachment=True, filename=filename, content_type=content_type)


def _write_csv(out, rows, columns, name) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([column.header for column in columns])
    count = 0
    for row in rows:
        values = (column.value(row) for column in columns)
        writer.writerow(["" if value is None else ("'" + value if is_formula_like(value) else value)
                         for value in values])
        count += 1
    text.flush()
    text.detach()  # leave `out` open for the response
    return count


def _write_xlsx(out, rows, columns, name) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:31])
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([xlsx_value(sheet, column.value(row)) for column in columns])
        count += 1
    workbook.save(out)
    return count
