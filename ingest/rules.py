"""Plain-Python rules of ingest (no Django): dates of reduced precision, and when a reported
figure differs from the tracked one."""
import calendar
import re
from dataclasses import dataclass
from datetime import date

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
