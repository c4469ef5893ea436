"""extract(): text, bytes or HTML in, facts and rounds with offsets into the original out."""
from datetime import date

from .clean import CleanText, clean_text
from .dates import find_dateline
from .decode import decode_bytes, looks_garbled
from .fastre import scanning
from .metrics import Found, scan
from .regions import RegionIndex
from .results import ExtractionError, Fact, Result, Round
from .rounds import merge_current, rounds_in
from .sentences import split_sentences


def _published(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError as exc:
        raise ExtractionError(f"published date is not YYYY-MM-DD: {value!r}") from exc


# 对 (涉及, 包括, 进驻, 巡视的 …) that opens the object of an inspection (对某某生态园等12个单位开展…):
# places named inside the object are the inspected units, not the subject of the figure.
_OBJECT = scanning(r"(?<![针相面核绝反应])对(?![照接于标象待比应话])|涉及|包括|巡[察视]的|进驻|分别向", "对涉包巡进分")
_OBJECT_REACH = 80


def _subject_position(text: str, pos: int) -> int:
    """Where to look back from for the subject of the figure at `pos`: before the 对 of its clause."""
    head = text[max(0, pos - _OBJECT_REACH):pos]
    clause_start = max(map(head.rfind, "。!?;\n")) + 1
    last = None
    for m in _OBJECT.finditer(head, clause_start):
        last = m
    return pos - len(head) + last.start() if last else pos


def _fact(found: Found, clean: CleanText, original: str, regions: RegionIndex) -> Fact:
    start, end = clean.span(found.start, found.end)
    # A committee inside the figure's own words (6个市委巡察组) is its subject.
    own = next((r for m, r in regions.mentions_in(found.start, found.end) if r is not None and m.region is None), None)
    subject = own or regions.subject_at(_subject_position(clean.text, found.start))
    q = found.quantity
    return Fact(found.metric, q.value, q.approx, q.unit, subject.name if subject else None,
                (subject.code or None) if subject else None, start, end, original[start:end])


def extract(source: str | bytes, published: "str | date | None" = None, *, html: bool | None = None) -> Result:
    """Extract figures and rounds from one article.

    `source` is text, or bytes in UTF-8/UTF-16/GB18030 (decoded here); `html=None` sniffs
    for markup. `published` (YYYY-MM-DD) dates relative expressions; without it a
    dateline in the text is used. Offsets in the result point into `Result.text`.
    Raises ExtractionError for input that is not text.
    """
    encoding = None
    if isinstance(source, (bytes, bytearray)):
        source, encoding = decode_bytes(bytes(source))
    if not isinstance(source, str):
        raise ExtractionError(f"expected text or bytes, got {type(source).__name__}")
    result = Result(text=source, published=_published(published), encoding=encoding)
    if not source.strip():
        result.warnings.append("empty text")
        return result
    clean = clean_text(source, html)
    if looks_garbled(clean.text):
        result.garbled = True
        result.warnings.append("garbled text (mojibake): nothing extracted")
        return result
    result.published = result.published or find_dateline(clean.furniture, clean.text)

    sentences = split_sentences(clean.text)
    regions = RegionIndex(clean.text)
    found_rounds = []
    for sentence, found, plan_at in scan(sentences):
        done = found if plan_at is None else [f for f in found if f.start < sentence.start + plan_at]
        result.facts.extend(_fact(f, clean, source, regions) for f in done)
        found_rounds += rounds_in(sentence, found, regions, result.published)

    for r in merge_current(found_rounds, result.published):
        start, end = clean.span(r.start, r.end)
        result.rounds.append(Round(
            organizer=r.organizer.name if r.organizer else None,
            organizer_code=(r.organizer.code or None) if r.organizer else None,
            kind=r.kind,
            start=r.dates.start if r.dates else None,
            end=r.dates.end if r.dates else None,
            groups=r.groups,
            units=r.units,
            offsets=(start, end),
            quote=source[start:end],
        ))
    return result


def to_gold(result: Result, source: str) -> dict:
    """The result in the gold JSON format; a metric and value said twice is listed once."""
    facts, seen = [], set()
    for f in result.facts:
        if (f.metric, f.value) in seen:
            continue
        seen.add((f.metric, f.value))
        facts.append({"metric": f.metric, "value": f.value, "approx": f.approx, "subject": f.subject,
                      "subject_code": f.subject_code, "quote": f.quote})
    rounds = [{"organizer": r.organizer, "organizer_code": r.organizer_code, "kind": r.kind, "start": r.start,
               "end": r.end, "groups": r.groups, "units": r.units, "quote": r.quote} for r in result.rounds]
    return {"source": source, "published": result.published, "facts": facts, "rounds": rounds}
