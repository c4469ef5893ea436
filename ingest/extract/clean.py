"""Normalise article text for matching while keeping a map back to the original.

Steps: HTML to text, full-width to half-width, Traditional to Simplified (OpenCC),
whitespace inside words and numbers removed (OCR line breaks), paragraph breaks kept
as a single "\\n". Only the HTML and whitespace steps change lengths; the others are
character for character, so one array (clean index -> original index) is enough.
"""
import html
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Full-width ASCII (！ to ～) and the ideographic space become their half-width forms.
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000\xa0]")


def _half_width(m: re.Match) -> str:
    c = ord(m.group(0))
    return chr(c - 0xFEE0) if c > 0xFF00 else " "


_HTML_HINT = re.compile(r"<(?:!doctype|html|body|p|div|br|span|table|h[1-6]|script|style)\b", re.I)
_HTML_TOKEN = re.compile(
    r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});",
    re.S,
)
_BLOCK_TAGS = frozenset("p div br li tr h1 h2 h3 h4 h5 h6 table section article header footer title ul ol".split())

_SPACE_RUN = re.compile(r"\s+")
_PARAGRAPH = "\u2029"  # what an HTML block boundary becomes before spaces are squeezed
_SENTENCE_END = frozenset("。!?;:…")
_CLOSERS = frozenset("”’」』)")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


class OffsetMap:
    """Clean index -> original index, stored as runs that were copied unchanged; a
    character that replaces a longer span (an entity, a paragraph break) is a run of
    its own with its original end in `wide`."""

    def __init__(self):
        self.clean_starts: list[int] = []
        self.orig_starts: list[int] = []
        self.wide: dict[int, int] = {}

    def add_run(self, clean: int, orig: int):
        self.clean_starts.append(clean)
        self.orig_starts.append(orig)

    def origin(self, i: int) -> int:
        k = bisect_right(self.clean_starts, i) - 1
        return self.orig_starts[k] + i - self.clean_starts[k]

    def origin_end(self, i: int) -> int:
        """Original end of clean character i."""
        return self.wide.get(i) or self.origin(i) + 1


@dataclass(frozen=True)
class CleanText:
    """Normalised text plus the map of every character back to the original text."""

    text: str
    offsets: OffsetMap

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the clean span [start, end)."""
        return self.offsets.origin(start), self.offsets.origin_end(end - 1)


class _Builder:
    """Collects output text and its OffsetMap, copying runs or replacing spans of a
    source that is the original text (source None) or an earlier stage."""

    def __init__(self, source: OffsetMap | None = None):
        self.parts: list[str] = []
        self.map = OffsetMap()
        self.length = 0
        self._src = source

    def copy(self, text: str, start: int, end: int):
        if start >= end:
            return
        self.parts.append(text[start:end])
        src = self._src
        if src is None:
            self.map.add_run(self.length, start)
        else:  # one run per source run that overlaps [start, end)
            k = bisect_right(src.clean_starts, start) - 1
            p = start
            while p < end:
                self.map.add_run(self.length + p - start, src.orig_starts[k] + p - src.clean_starts[k])
                if p in src.wide:
                    self.map.wide[self.length + p - start] = src.wide[p]
                k += 1
                p = src.clean_starts[k] if k < len(src.clean_starts) else end
        self.length += end - start

    def replace(self, char: str, start: int, end: int):
        """One output character for source[start:end]."""
        self.parts.append(char)
        src = self._src
        self.map.add_run(self.length, src.origin(start) if src else start)
        self.map.wide[self.length] = src.origin_end(end - 1) if src else end
        self.length += 1

    def text(self) -> str:
        return "".join(self.parts)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:4096]))


def _strip_html(text: str) -> _Builder:
    out = _Builder()
    pos = 0
    for m in _HTML_TOKEN.finditer(text):
        out.copy(text, pos, m.start())
        pos = m.end()
        if m.group(0).startswith("&"):
            char = html.unescape(m.group(0))
            if len(char) == 1:
                out.replace(char, m.start(), m.end())
            else:  # unknown entity: keep it as written
                out.copy(text, m.start(), m.end())
        elif m.group(3) and m.group(3).lower() in _BLOCK_TAGS:
            out.replace(_PARAGRAPH, m.start(), m.end())
    out.copy(text, pos, len(text))
    return out


@lru_cache(maxsize=1)
def _opencc():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC turns into a different Simplified one and that Simplified text never uses."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"

    def keys(name):
        with open(folder / name, encoding="utf-8") as fh:
            return [line.split("\t") for line in fh if "\t" in line]
    simplified = {k for k, _ in keys("STCharacters.txt")}
    return frozenset(k for k, v in keys("TSCharacters.txt") if v.split(" ")[0].strip() != k and k not in simplified)


def _has_traditional(text: str) -> bool:
    """GB2312 holds Simplified characters only, and encoding is fast C: just the few
    characters it refuses (dashes, rare names, Traditional ones) need a look."""
    trad, pos = _traditional_chars(), 0
    for _ in range(20):
        try:
            text[pos:].encode("gb2312")
            return False
        except UnicodeEncodeError as exc:
            if text[pos + exc.start] in trad:
                return True
            pos += exc.end
    return not trad.isdisjoint(text[pos:])


def _to_simplified(text: str) -> str:
    """OpenCC t2s, kept character for character so that offsets stay valid."""
    if not _has_traditional(text):
        return text
    trad, cc = _traditional_chars(), _opencc()

    def convert(m):
        piece = m.group(0)
        if trad.isdisjoint(piece):
            return piece
        out = cc.convert(piece)
        if len(out) != len(piece):  # a phrase changed length: fall back to single characters
            out = "".join(c2 if len(c2 := cc.convert(c)) == 1 else c for c in piece)
        return out

    return re.sub(r"[^\s,.!?;:，。、；：？！“”《》()（）]+", convert, text)


def _is_hard_break(text: str, run_start: int, run_end: int) -> bool:
    """A line break ends a paragraph after sentence-final punctuation or before an indent;
    anywhere else it is an OCR/layout break inside a sentence or a word."""
    if text[run_end - 1] in " \t" or _PARAGRAPH in text[run_start:run_end]:
        return True
    prev = text[run_start - 1]
    if prev in _CLOSERS and run_start >= 2:
        prev = text[run_start - 2]
    return prev in _SENTENCE_END


def _squeeze_spaces(text: str, source: _Builder | None) -> _Builder:
    out = _Builder(source.map if source else None)
    pos = 0
    for m in _SPACE_RUN.finditer(text):
        s, e = m.start(), m.end()
        out.copy(text, pos, s)
        pos = e
        if s == 0 or e == len(text):
            continue
        run = m.group(0)
        if "\n" in run or "\r" in run or _PARAGRAPH in run:
            if _is_hard_break(text, s, e):
                out.replace("\n", s, e)
        elif _ASCII_WORD.match(text[s - 1]) and _ASCII_WORD.match(text[e]):
            out.replace(" ", s, e)  # between Latin words or two numbers a space is a space
    out.copy(text, pos, len(text))
    return out


def clean_text(text: str, is_html: bool | None = None) -> CleanText:
    """Normalise `text`; `is_html=None` sniffs for markup."""
    if is_html is None:
        is_html = looks_like_html(text)
    stripped = _strip_html(text) if is_html else None
    work = stripped.text() if stripped else text
    work = _to_simplified(_FULL_WIDTH.sub(_half_width, work))
    out = _squeeze_spaces(work, stripped)
    return CleanText(out.text(), out.map)
