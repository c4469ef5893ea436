"""Split an article's text into plain and highlighted runs for the review page (plain Python).

The template prints each run with auto-escaping, so no markup from the article ever reaches
the page; the highlight is a <mark> the template itself writes around a run.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    item: object = None  # the highlighted item, or None for plain text


def segments(text: str, items) -> list[Segment]:
    """Runs of `text` in order; `items` have start_offset/end_offset. An item overlapping an earlier
    one (or outside the text) is not highlighted (it is still listed beside the text)."""
    out, pos = [], 0
    for item in sorted(items, key=lambda i: (i.start_offset, i.end_offset)):
        start, end = item.start_offset, item.end_offset
        if start < pos or end > len(text) or end <= start:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], item))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
