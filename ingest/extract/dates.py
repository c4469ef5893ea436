"""Dates of inspection rounds, and the article's own dateline.

Candidate spans are found with a small regex; jionlp parses them (relative years,
旬, 底, ranges) against the published date. The output keeps only the precision the
text states: "2月下旬" is a month, "2021年" a year, and without a known year the
ISO form without year ("--02-27", "--02") is used.
"""
import contextlib
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .fastre import positions, scanning

_YEAR = r"(?<!\d)(?:\d{4}|去|今|前|明)年"
_MONTH_DAY = r"(?<!\d)\d{1,2}月(?:\d{1,2}日|[上中下]旬|底|初)?"
_ONE = rf"(?:{_YEAR}(?:{_MONTH_DAY})?|{_MONTH_DAY})"
DATE_RE = scanning(
    rf"(?P<bound>截至|截止到?|到)?(?P<from>自|从|于)?(?:(?P<m1>(?<!\d)\d{{1,2}})[-—~至到](?=\d{{1,2}}月))?"
    rf"(?P<a>{_ONE})(?:(?:至|到|—|~|-)(?P<b>{_ONE}))?(?P<since>起|以来)?",
    r"截到自从于\d去今前明",  # every optional head, then a digit or the relative year
)
_UNTIL = re.compile(rf",?(?:至|到)(?P<a>{_ONE})(?P<m1>)(?P<b>)")  # 自4月10日起,至6月底前: the end
# A labelled date (时间:2017-04-25), a date with a clock time (2019.01.07 21:42) or one that opens a line.
_YMD = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})"
_DATELINES = (
    re.compile(rf"(?:时间|日期|发布|发表|date)[^\d\n]{{0,6}}{_YMD}", re.I),
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*\d{1,2}:\d{2}"),
    re.compile(rf"{_YMD}日?"),  # used with match() at the start of a line
)
_PARTS = re.compile(r"(?:(\d{4}|去|今|前|明)年)?(?:(\d{1,2})月)?(?:(\d{1,2})日)?")
_REL_YEAR = {"前": -2, "去": -1, "今": 0, "明": 1}
# Without a published date jionlp still needs a base; its year is then dropped.
_NO_BASE = {"year": 2000, "month": 6, "day": 15}


@dataclass(frozen=True)
class DateRange:
    start: str | None
    end: str | None


def find_dateline(*texts: str) -> str | None:
    """The article's own date from a header such as '时间:2017-04-25 23:54', looked for in the
    page furniture first, then in the head of the text."""
    labelled, clocked, line_start = _DATELINES
    for text in texts:
        head = text[:600]
        # Line starts from str.find; only a line that opens with a digit can open with a date.
        starts = [i for i in [0] + [n + 1 for n, _ in positions(head, "\n")] if head[i:i + 1].isdigit()]
        found = [m for m in (labelled.search(head), clocked.search(head)) if m]
        found += [m for m in (line_start.match(head, i) for i in starts) if m]
        for m in sorted(found, key=lambda m: m.start()):
            try:
                return date(*map(int, m.groups()[:3])).isoformat()
            except ValueError:
                continue
    return None


@lru_cache(maxsize=8192)
def _jio_parse(span: str, base: tuple[int, int, int]):
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp  # slow to import: only when a round has a date

    try:
        parsed = jionlp.parse_time(span, time_base=dict(zip(("year", "month", "day"), base)))
    except Exception:  # jionlp raises bare ValueErrors and others on spans it does not know
        return None
    times = parsed.get("time") if isinstance(parsed, dict) else None
    return times if isinstance(times, list) and len(times) == 2 else None


def _format(stated: str, iso: str, year_known: bool) -> str | None:
    """Cut jionlp's timestamp `iso` to the precision `stated` has."""
    _, month, day = _PARTS.match(stated).groups()
    if month is None:
        return iso[:4] if year_known else None
    prefix = iso[:4] if year_known else "-"
    return f"{prefix}-{iso[5:7]}" + (f"-{iso[8:10]}" if day else "")


def _parse(year: str, m: re.Match, published: str | None, base) -> DateRange | None:
    """One DATE_RE match, with `year` ('2024年' said earlier in the clause, or '') in front.
    The two ends of a range are parsed apart: jionlp reads "2024年3月至6月" as March only."""
    a, b = year + m.group("a"), m.group("b")
    if m.group("m1"):  # 3-5月: months 3 to 5
        a, b = f"{year}{m.group('m1')}月", m.group("a")
    a_year = _PARTS.match(a).group(1)
    times = _jio_parse(a if a_year else "今年" + a, base)  # jionlp refuses a bare "4月"
    if times is None:
        return None
    year_known = published is not None or (a_year is not None and a_year.isdigit())
    start = _format(a, times[0], year_known)
    end = None
    if b:
        b = b if "年" in b or a_year is None else f"{a_year}年{b}"
        b_times = _jio_parse(b if "年" in b else "今年" + b, base)
        end = _format(b, b_times[1], year_known) if b_times else None
    return DateRange(start, end) if start else None


def parse_range(text: str, published: str | None, bound_is_start: bool = False) -> DateRange | None:
    """The first date or date range in `text`. A bare year ("2024年,…于3月至6月") gives its
    year to a month said after it, and stands alone only when none follows. 截至… is an upper
    bound of a running total, unless `bound_is_start` (截至9月29日,巡察组全部完成进驻)."""
    base = tuple(int(x) for x in published.split("-")) if published else tuple(_NO_BASE.values())
    year_only = None
    for m in DATE_RE.finditer(text):
        if m.group("bound") and not bound_is_start:
            continue
        if "月" not in m.group("a"):
            year_only = year_only or m
            continue
        year = year_only.group("a") if year_only and "年" not in m.group("a") else ""
        found = _parse(year, m, published, base)
        if found and found.end is None:  # 自4月10日起,至6月底前: the end in the next clause
            until = _UNTIL.match(text, m.end())
            end = _parse(year, until, published, base) if until else None
            found = DateRange(found.start, end.start) if end else found
        if found:
            return found
    return _parse("", year_only, published, base) if year_only else None
