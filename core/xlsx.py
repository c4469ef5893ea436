"""Cells of spreadsheets the app writes (exports, ledgers): text a spreadsheet would run as a formula stays text."""
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@")


def is_formula_like(value) -> bool:
    """Text a spreadsheet would run as a formula (CSV injection); it is written as text instead."""
    return isinstance(value, str) and value[:1] in FORMULA_STARTS


def xlsx_value(sheet, value):
    """`value` for a row of a write-only sheet: text a spreadsheet would run as a formula becomes a text cell."""
    return xlsx_text_cell(sheet, value) if is_formula_like(value) else value


def xlsx_text_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
