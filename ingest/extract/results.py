"""What the extraction engine returns."""
from dataclasses import dataclass, field


class ExtractionError(ValueError):
    """The input cannot be read as text (binary data, unknown encoding)."""


@dataclass(frozen=True)
class Fact:
    """One reported figure of the metric vocabulary (../shared/corpus/SCHEMA.md)."""

    metric: str
    value: int | float
    approx: bool
    unit: str  # the classifier as written: 个, 件, 人, 元, %, 轮 ...
    subject: str | None
    subject_code: str | None  # 6-digit administrative code
    start: int  # character offsets into the original text
    end: int
    quote: str  # original[start:end]


@dataclass(frozen=True)
class Round:
    """One concrete inspection round with a date or a size."""

    organizer: str | None
    organizer_code: str | None
    kind: str | None  # regular, special, mobile, elevated, lookback, village, joint
    start: str | None  # ISO date, reduced precision allowed: 2017-02, --03-08, 2021
    end: str | None
    groups: int | None
    units: int | None
    offsets: tuple[int, int]  # the describing sentence in the original text
    quote: str


@dataclass
class Result:
    text: str  # the original text (decoded when bytes were given); offsets point into it
    published: str | None = None  # YYYY-MM-DD, given or found in a dateline
    encoding: str | None = None  # the detected encoding when bytes were given
    facts: list[Fact] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    garbled: bool = False  # mojibake: nothing was extracted
    warnings: list[str] = field(default_factory=list)
