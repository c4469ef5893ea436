"""Plain-Python rules of ingest (no Django): dates of reduced precision, and when a reported
figure differs from the tracked one."""
import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import cn2an

from ingest.extract.numbers import parse_numeral

_REDUCED = re.compile(r"^(?:(\d{4})|--)(?:-?(\d{2}))?(?:-(\d{2}))?$")

# Rates are compared in percentage points, counts and money relative to the reported figure.
RATE_TOLERANCE_POINTS = 0.5
APPROX_TOLERANCE = 0.10  # 400余个: a tracked 420 agrees, 480 does not


def resolve_date(value: str, year: int | None, *, end: bool = False) -> date | None:
    """A full date from an engine date of reduced precision (2017-02-27, --02-27, 2017-02, --02, 2017).

    A missing year comes from `year` (the article's); a missing day or month is the first
    (for a start) or last (for an end) of the period. None when no year can be had.
    """
    if not value:
        return None
    m = _REDUCED.match(value)
    if not m:
        return None
    y = int(m.group(1)) if m.group(1) else year
    if y is None:
        return None
    month = int(m.group(2)) if m.group(2) else (12 if end else 1)
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(y, month)[1]
    day = int(m.group(3)) if m.group(3) else (last if end else 1)
    return date(y, month, day) if 1 <= day <= last else None


@dataclass(frozen=True)
class Comparison:
    reported: float
    tracked: float | None
    differs: bool | None  # None: nothing tracked to compare with
    difference: float | None


def compare(reported: float, tracked: float | None, *, approx: bool, is_rate: bool) -> Comparison:
    """Whether a reported figure and the figure computed from records disagree."""
    if tracked is None:
        return Comparison(reported, None, None, None)
    difference = round(float(tracked) - float(reported), 2)
    if is_rate:
        differs = abs(difference) > RATE_TOLERANCE_POINTS
    elif approx:
        differs = abs(difference) > APPROX_TOLERANCE * abs(reported)
    else:
        differs = difference != 0
    return Comparison(reported, float(tracked), differs, difference)


@dataclass(frozen=True)
class Period:
    """The period a reported figure covers: `start` None = cumulative; `basis` says where it was read from;
    `rounds` N: the first N rounds of the organiser's current term (前N轮), counted as of `end`."""

    start: date | None
    end: date
    basis: str
    rounds: int | None = None


_CN_DIGITS = "〇零一二三四五六七八九"
_UNTIL = re.compile(r"截(?:至|止)(?:到)?\s*(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?(?:底|末)?")
_WHOLE_YEAR = re.compile(r"(?:(\d{4})\s*年\s*)?全年")
_THIS_YEAR = re.compile(r"(?:今年|本年|年初)以来")
# 前3轮, 前两轮, 本届以来前五轮, 前十轮次 (not 前期, 目前, 轮前); "第" never precedes a count of rounds.
_FIRST_ROUNDS = re.compile(r"(?:本届(?:以来)?\s*)?(?<![第目当提])前\s*([0-9０-９]{1,2}|[一二两三四五六七八九十]{1,3})\s*轮")
_SENTENCE_END = "。！？；\n"
PUBLISHED = "文章发布日期（累计）"


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of `text` holding the span start:end (to the previous and next 。！？； or line break)."""
    left = max(text.rfind(mark, 0, start) for mark in _SENTENCE_END) + 1
    rights = [i for i in (text.find(mark, end) for mark in _SENTENCE_END) if i != -1]
    return text[left:min(rights) + 1 if rights else len(text)]


def first_rounds(sentence: str) -> tuple[int, str] | None:
    """前N轮 in a figure's sentence: (N, the words as written); None when it names no such span of rounds."""
    m = _FIRST_ROUNDS.search(sentence)
    if not m:
        return None
    count = parse_numeral(unicodedata.normalize("NFKC", m.group(1)))
    return (int(count), m.group(0)) if count and float(count).is_integer() and 1 <= count <= 99 else None


def period_of(sentence: str, published: date | None) -> Period | None:
    """The period a figure's own sentence names (截至2024年6月底, 2023年全年, 今年以来, 前3轮), else the article's
    publication date as the end of a cumulative figure; None when no date is known (the reviewer is asked).
    前N轮 counts the first N rounds of the current term as they stood on the period's end (截至…, else the
    publication date)."""
    rounds = first_rounds(sentence)
    dated = _dated_period(sentence, published)
    if rounds is None or dated is None:
        return dated
    count, words = rounds
    until = "发布日期" if dated.basis == PUBLISHED else dated.basis
    return Period(None, dated.end, f"原文“{words}”：本届第一至第{cn_number(count)}轮，记录截至{dated.end:%Y-%m-%d}（{until}）",
                  rounds=count)


def cn_number(value: int) -> str:
    """3 → 三, 12 → 十二 (rounds as people write them)."""
    return cn2an.an2cn(value)


def _dated_period(sentence: str, published: date | None) -> Period | None:
    m = _UNTIL.search(sentence)
    if m:
        year = int(m.group(1)) if m.group(1) else (published.year if published else None)
        if year is not None:
            month = int(m.group(2))
            if 1 <= month <= 12:
                last = calendar.monthrange(year, month)[1]
                day = int(m.group(3)) if m.group(3) else last
                if 1 <= day <= last:
                    return Period(None, date(year, month, day), f"原文“{m.group(0)}”")
    m = _WHOLE_YEAR.search(sentence)
    if m and (m.group(1) or published):
        year = int(m.group(1)) if m.group(1) else published.year
        return Period(date(year, 1, 1), date(year, 12, 31), f"原文“{m.group(0)}”")
    m = _THIS_YEAR.search(sentence)
    if m and published:
        return Period(date(published.year, 1, 1), published, f"原文“{m.group(0)}”，截至发布日期")
    if published:
        return Period(None, published, PUBLISHED)
    return None


TITLE_LENGTH = 40
_TITLE_END = re.compile(r"[。！？；\n]")


def short_title(text: str, limit: int = TITLE_LENGTH) -> str:
    """A title from a document's title or first words: its first sentence, at most `limit` characters."""
    first = _TITLE_END.split(text.strip(), maxsplit=1)[0].strip() if text.strip() else ""
    return first if len(first) <= limit else first[:limit - 1] + "…"
