"""Readers for uploaded ledger files and parsers for their cell values. Plain Python, no Django.

Both readers stream, so memory does not grow with the number of rows: .xlsx through openpyxl's
read-only mode (rows are parsed from the sheet XML as they are asked for), .csv through the csv
module over an incremental decoder. Read-only mode does not expose merged cells, so
`xlsx_merged_ranges` scans the sheet XML for its <mergeCell> elements in compressed-size chunks.
"""
import codecs
import csv
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import cn2an
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from core.archives import ArchiveLimits, ArchiveTooLarge, archive_check

HEADER_SEARCH_ROWS = 10  # a title row or two often sits above the header
CSV_SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls and password-protected .xlsx
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug folded in
SERIAL_RANGE = (366, 73050)  # 1901-01-01 … 2099-12-31: anything else in a date column is not a date
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
SHEET_PATH = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
# Zip bombs: worksheets are streamed, so they may be large; the parts openpyxl reads whole (shared strings,
# styles, the workbook) may not. Checked before openpyxl opens the file.
XLSX_LIMITS = ArchiveLimits(max_entries=10_000, max_total=1024 * 1048576, max_parsed=64 * 1048576)
MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


class LedgerFileError(Exception):
    """The file as a whole cannot be used; each message is shown to the user as it is."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass
class Table:
    """The data rows of a ledger file: (row number as the user sees it, {column key: raw value})."""

    header_row: int
    keys: list[str]  # column keys present in the file, in file order
    rows: Iterator[tuple[int, dict]]


def read_table(source, *, filename: str, header_keys: dict[str, str], required: dict[str, str],
               normalise, max_rows: int) -> Table:
    """Open `source` (a binary file object) as .xlsx or .csv and locate its header row.

    `header_keys` maps a normalised header text to a column key; `required` maps the keys that
    must be present to their header; `normalise` is the header normaliser that built `header_keys`.
    Raises LedgerFileError for anything wrong with the file as a whole (also while iterating rows).
    """
    name = filename.lower()
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if not head:
        raise LedgerFileError("文件是空的（0 字节）。")
    if name.endswith(".xls"):
        raise LedgerFileError("不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再上传。")
    if name.endswith((".xlsx", ".xlsm")):
        if head.startswith(OLE_MAGIC):
            raise LedgerFileError("文件不是 .xlsx 格式（可能是加密的工作簿或改了扩展名的 .xls 文件），请另存为 .xlsx 后再上传。")
        if not head.startswith(XLSX_MAGIC):
            raise LedgerFileError("文件已损坏或不是有效的 Excel（.xlsx）文件，无法打开。")
        rows, merged = _xlsx_rows(source)
    elif name.endswith(".csv"):
        rows, merged = _csv_rows(source), []
    else:
        raise LedgerFileError("只支持 Excel（.xlsx）和 CSV（.csv）文件。")

    header_row, header = _find_header(rows, header_keys, required, normalise)
    for min_col, min_row, max_col, max_row in merged:
        if max_row >= header_row:
            where = "表头" if min_row <= header_row else f"第 {min_row}–{max_row} 行"
            raise LedgerFileError(
                f"{where}有合并单元格（{_range_name(min_col, min_row, max_col, max_row)}）。"
                "请取消合并，使每一列只有一个表头、每个单元格都填写完整后再上传。"
            )
    keys = _header_keys_of(header, header_keys, required, normalise)
    return Table(header_row=header_row, keys=[k for k in keys if k],
                 rows=_data_rows(rows, keys, header_row, max_rows))


def estimate_rows(source, *, filename: str) -> int:
    """A cheap row count, good enough to choose between importing now and in a worker: the lines
    of a .csv, the <row> elements of the first sheet of an .xlsx (openpyxl would parse the whole
    sheet to size it when the file has no <dimension>, as write-only files do); 0 if unknown."""
    source.seek(0)
    pattern = re.compile(rb"\n") if filename.lower().endswith(".csv") else ROW_TAG
    try:
        if pattern is ROW_TAG:
            xlsx_check(source)
            archive = zipfile.ZipFile(source)
            sheets = sorted((n for n in archive.namelist() if SHEET_PATH.fullmatch(n)), key=lambda n: int(SHEET_PATH.fullmatch(n)[1]))
            stream = archive.open(sheets[0])
        else:
            stream = source
        count = 0
        while chunk := stream.read(1 << 20):
            count += len(pattern.findall(chunk))
        return count
    except Exception:  # a file that cannot be read is quick to refuse: the import itself says why
        return 0


def xlsx_check(source) -> None:
    """Refuse an .xlsx that would unpack past XLSX_LIMITS (a LedgerFileError); a broken zip is left to the reader."""
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            archive_check(archive, XLSX_LIMITS, parsed_whole=lambda name: not (
                SHEET_PATH.fullmatch(name) or name.startswith("xl/media/")))
    except ArchiveTooLarge as error:
        raise LedgerFileError(str(error)) from error
    except zipfile.BadZipFile:
        pass
    finally:
        source.seek(0)


def _xlsx_rows(source):
    xlsx_check(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            workbook = load_workbook(source, read_only=True, data_only=True)
        if not workbook.worksheets:
            raise LedgerFileError("工作簿中没有工作表。")
        sheet = workbook.worksheets[0]
        merged = xlsx_merged_ranges(sheet)
        sheet.reset_dimensions()  # a wrong <dimension> would otherwise cut the rows short
    except LedgerFileError:
        raise
    except Exception as error:  # zipfile, XML and openpyxl errors all mean the same to the user
        raise LedgerFileError("文件已损坏或不是有效的 Excel（.xlsx）文件，无法打开。") from error

    def rows():
        try:
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        except LedgerFileError:
            raise
        except Exception as error:
            raise LedgerFileError("文件已损坏，读取工作表数据时出错，无法导入。") from error
        finally:
            workbook.close()

    return rows(), merged


def xlsx_merged_ranges(sheet) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range of a read-only sheet.

    <mergeCells> follows <sheetData>, so the whole sheet XML is scanned, a chunk at a time
    (only the tail of the previous chunk is kept for a tag that straddles two chunks).
    """
    ranges, tail = [], b""
    with sheet._get_source() as xml:  # openpyxl's stream of this sheet's XML inside the zip
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b"<")
            for match in MERGE_CELL.finditer(data, 0, cut if cut > 0 else len(data)):
                ranges.append(range_boundaries(match.group(1).decode()))
            tail = data[cut:] if cut > 0 else b""
    for match in MERGE_CELL.finditer(tail):
        ranges.append(range_boundaries(match.group(1).decode()))
    return ranges


def _csv_rows(source):
    sample = source.read(CSV_SNIFF_BYTES)
    source.seek(0)
    encoding = csv_encoding(sample)
    label = {"utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030"}[encoding]
    text = codecs.getreader(encoding)(source, errors="strict")

    def rows():
        number = 0
        try:
            for number, row in enumerate(csv.reader(text), start=1):
                yield number, row
        except UnicodeDecodeError as error:
            raise LedgerFileError(
                f"第 {number + 1} 行附近有无法按 {label} 编码读取的字符，文件可能混用了多种编码。请用 Excel 或 WPS 另存为"
                "“CSV UTF-8”后再上传。"
            ) from error
        except csv.Error as error:
            raise LedgerFileError(f"第 {number + 1} 行附近的 CSV 格式有误：{error}") from error

    return rows()


def csv_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK and GB2312), judged on the first bytes."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in sample:
        raise LedgerFileError("CSV 文件是 UTF-16 编码，无法读取。请另存为“CSV UTF-8”或 GBK 编码后再上传。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise LedgerFileError("无法识别 CSV 文件的编码：只支持 UTF-8 和 GBK（GB18030）。请另存为“CSV UTF-8”后再上传。")


def _find_header(rows, header_keys, required, normalise) -> tuple[int, list]:
    """The first row with at least two known column names, and its values."""
    seen_anything = False
    for number, values in rows:
        texts = [normalise(v) if v is not None else "" for v in values]
        seen_anything = seen_anything or any(texts)
        if sum(1 for t in texts if t in header_keys) >= 2:
            return number, values
        if number >= HEADER_SEARCH_ROWS:
            break
    if not seen_anything:
        raise LedgerFileError("第一个工作表是空的，没有表头也没有数据。")
    raise LedgerFileError(
        f"前 {HEADER_SEARCH_ROWS} 行中找不到表头。表头应包含{'、'.join(required.values())}等列，请使用下载的导入模板。"
    )


def _header_keys_of(values, header_keys, required, normalise) -> list:
    texts = [normalise(v) if v is not None else "" for v in values]
    messages, keys, seen = [], [], {}
    for index, text in enumerate(texts):
        key = header_keys.get(text) if text else None
        if text and key is None:
            messages.append(f"无法识别的列“{str(values[index]).strip()}”（第 {get_column_letter(index + 1)} 列），请使用模板中的列名。")
        elif key in seen:
            messages.append(f"列“{str(values[index]).strip()}”重复出现（第 {seen[key]} 列和第 {get_column_letter(index + 1)} 列）。")
        elif key:
            seen[key] = get_column_letter(index + 1)
        keys.append(key)
    missing = [header for key, header in required.items() if key not in seen]
    if missing:
        messages.append(f"缺少必填的列：{'、'.join(missing)}。")
    if messages:
        raise LedgerFileError(*messages)
    return keys


def _data_rows(rows, keys, header_row, max_rows) -> Iterator[tuple[int, dict]]:
    count = 0
    for number, values in rows:
        record = {key: values[i] for i, key in enumerate(keys) if key and i < len(values)}
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in record.values()):
            continue
        count += 1
        if count > max_rows:
            raise LedgerFileError(f"文件超过 {max_rows} 行数据，请拆分后分批导入。")
        yield number, record
    if count == 0:
        raise LedgerFileError(f"表头（第 {header_row} 行）下面没有数据行。")


def _range_name(min_col, min_row, max_col, max_row) -> str:
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"


# --- cell values ------------------------------------------------------------------------------------

def clean_text(value) -> str:
    """A cell as text: numbers without a spurious “.0”, dates as YYYY-MM-DD, Windows line ends folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def parse_int(value) -> int | None:
    """A whole number written as a number, as digits (also full-width) or in Chinese numerals (十二)."""
    if value is None or isinstance(value, bool):
        return None if value is None else _not_a_number(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else _not_a_number(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().rstrip(".、")
    if not text:
        return None
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    try:
        number = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError):
        return _not_a_number(value)
    return int(number) if float(number).is_integer() else _not_a_number(value)


def _not_a_number(value):
    raise ValueError(f"“{clean_text(value)}”不是整数")


CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
DATE_PATTERNS = (
    re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s*[T ]?\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
CHINESE_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]")


def parse_date(value) -> date | None:
    """A date from a date cell, an Excel serial number, or text such as 2023-05-08, 2023/5/8,
    2023.5.8, 2023年5月8日, 20230508 or 二〇二三年五月八日."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return _from_serial(float(text))
    for pattern in DATE_PATTERNS:
        if match := pattern.fullmatch(text):
            return _checked_date(text, *(int(part) for part in match.groups()))
    if match := CHINESE_DATE.fullmatch(text):
        year = int(match.group(1).translate(CHINESE_DIGITS))
        return _checked_date(text, year, int(cn2an.cn2an(match.group(2), "normal")), int(cn2an.cn2an(match.group(3), "normal")))
    raise ValueError(f"无法识别的日期“{text}”，请写成 2023-05-08 或 2023年5月8日")


def _checked_date(text, year, month, day) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}”不是有效的日期") from None


def _from_serial(serial) -> date:
    if not (SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]) or not float(serial).is_integer():
        raise ValueError(f"“{clean_text(serial)}”不是日期")
    return EXCEL_EPOCH + timedelta(days=int(serial))
