"""Cell values as staff type them. Plain Python: no database."""
import datetime as dt
import io
import zipfile

import pytest

from ledger.parsing import LedgerFileError, csv_encoding, parse_date, parse_int

MAY_8 = dt.date(2023, 5, 8)


@pytest.mark.parametrize("value", [
    MAY_8, dt.datetime(2023, 5, 8, 0, 0), "2023-05-08", "2023-5-8", "2023/5/8", "2023.5.8", "2023年5月8日", "2023年5月8号",
    "2023 年 5 月 8 日", "２０２３年５月８日", "2023-05-08 00:00:00", "20230508", "二〇二三年五月八日", 45054, 45054.0, "45054",
])
def test_dates_in_the_ways_staff_write_them(value):
    assert parse_date(value) == MAY_8


@pytest.mark.parametrize("value", ["2023年13月1日", "2023-02-30", "五月上旬", "2023年5月", "12", 12, 45054.5, "待定"])
def test_what_is_not_a_date_says_so(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_blank_is_no_date_and_no_number():
    assert parse_date(None) is parse_date("  ") is parse_int(None) is parse_int("") is None


@pytest.mark.parametrize("value, number", [(3, 3), (3.0, 3), ("3", 3), ("３", 3), ("3.", 3), ("十二", 12), ("一百零三", 103), ("二十、", 20)])
def test_numbers_including_chinese_numerals(value, number):
    assert parse_int(value) == number


@pytest.mark.parametrize("value", ["第三", "3.5", 3.5, "abc", True])
def test_what_is_not_a_whole_number_says_so(value):
    with pytest.raises(ValueError, match="不是整数"):
        parse_int(value)


@pytest.mark.parametrize("data, encoding", [
    ("序号,问题".encode(), "utf-8-sig"), ("序号,问题".encode("utf-8-sig"), "utf-8-sig"),
    ("序号,问题".encode("gbk"), "gb18030"), ("序号,問題".encode("gb18030"), "gb18030"),
])
def test_csv_encodings_are_recognised(data, encoding):
    assert csv_encoding(data) == encoding


@pytest.mark.parametrize("data", ["序号".encode("utf-16"), "No,问题".encode("utf-16-be"), b"\x81\x20\xff"])
def test_unreadable_csv_encodings_are_refused(data):
    with pytest.raises(LedgerFileError):
        csv_encoding(data)


def _xlsx_with_shared_strings(inflated: int) -> io.BytesIO:
    """A workbook whose sharedStrings.xml (which openpyxl reads whole) inflates to `inflated` bytes."""
    from openpyxl import Workbook

    plain = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["序号", "问题描述"])
    workbook.save(plain)
    source, bomb = zipfile.ZipFile(plain), io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!--')
            for _ in range(inflated >> 20):
                part.write(b" " * (1 << 20))
            part.write(b"--></sst>")
    bomb.seek(0)
    return bomb


def test_an_xlsx_bomb_is_refused_before_openpyxl_reads_it():
    from ledger.parsing import XLSX_LIMITS, estimate_rows, read_table

    bomb = _xlsx_with_shared_strings(XLSX_LIMITS.max_parsed + (1 << 20))
    assert len(bomb.getvalue()) < 500_000
    assert estimate_rows(bomb, filename="bomb.xlsx") == 0  # the import itself says why
    with pytest.raises(LedgerFileError, match="解压后过大"):
        read_table(bomb, filename="bomb.xlsx", header_keys={"序号": "number"}, required={"number": "序号"},
                   normalise=str.strip, max_rows=10)
