"""Normalise article text for matching while keeping a map back to the original.

Steps: HTML to text; `?` standing for a lost character marked as 〓; full-width to
half-width; Traditional to Simplified (OpenCC); pinyin glosses after characters
(`調(diào)`) and forum anti-scrape junk dropped; whitespace inside words and numbers
removed (OCR line breaks), paragraph breaks kept as a single "\\n"; page furniture
(menus, breadcrumbs, editor and source lines, phone and licence numbers, datelines)
dropped. The character-for-character steps keep lengths; the others build a map of
runs (clean index -> original index), so every span still points into the original.
"""
import html
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .fastre import scanning

# Full-width ASCII (！ to ～) and the ideographic space become their half-width forms.
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000\xa0]")


def _half_width(text: str) -> str:
    """Full-width forms replaced character for character. A text holds only a few distinct ones (，：（）),
    and str.replace of each is much faster than a regex callback per occurrence."""
    for c in set(_FULL_WIDTH.findall(text)):
        text = text.replace(c, chr(ord(c) - 0xFEE0) if ord(c) > 0xFF00 else " ")
    return text


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
    furniture: str = ""  # the page furniture that was dropped (it may hold the page's date)

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
        # Bound once: copy runs once per whitespace run of a text.
        self._add_part, self._add_clean, self._add_orig = (
            self.parts.append, self.map.clean_starts.append, self.map.orig_starts.append)

    def copy(self, text: str, start: int, end: int):
        if start >= end:
            return
        self._add_part(text[start:end])
        src = self._src
        if src is None:  # the common case: add_run inlined
            self._add_clean(self.length)
            self._add_orig(start)
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


# An ASCII "?" inside a word stands for a character the page lost (a real question mark
# ends a sentence: it is followed by a space, a closing quote or the end of the line).
_LOST = scanning(r"(?<=[^\s])\?(?=[^\s?\"'”’」』)\]])", "?")
LOST_CHAR = "〓"  # the typesetter's mark for a missing character; numbers touching it are not read
# A pinyin gloss after a character: 調(diào), 6個(gè); also one cut off at the end of the text.
_GLOSS = (r"(?<=[\u3400-\u9fff])\((?:[a-zü\u00e0-\u01dc]{0,5}[aeiouüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü\u00e0-\u01dc]{0,5}\)"
          r"|[a-zü\u00e0-\u01dc]{1,6}$)")
# Anti-scrape junk of forum pages: runs of one- to three-character ASCII scraps (`K8 S9 g+ x5`),
# with digits in them, between sentences.
_JUNK = r"(?<![!-~])(?:[!-~]{1,3} +){3,}[!-~]{1,3}(?![!-~])"
_WHITE = frozenset(" \t\n\r\f\v\u2029\u3000\xa0")
_JUNK_MIX = (re.compile(r"\d"), re.compile(r"[A-Za-z+*/\\&']"))  # junk has digits and letters or symbols
_DROP_OR_SQUEEZE = scanning(rf"(?P<junk>{_JUNK})|(?P<gloss>{_GLOSS})|(?P<space>\s+)", r"!-~\s\u2029")
_SQUEEZE = scanning(rf"{_GLOSS}|\s+", r"(\s\u2029")  # no junk alternative
_SPACES = re.compile(r"\s+")  # most texts: no gloss either
# Cheap tests (a literal first character is fast to search for): most texts have no junk, no gloss.
_MAYBE_JUNK = re.compile(r" [!-~]{1,3} +[!-~]{1,3} +[!-~]")
_MAYBE_GLOSS = re.compile(r"\([a-zü\u00e0-\u01dc]")
_LINE_ENDS = frozenset("。!?;:…”’」』)")


def _paragraph_layout(text: str) -> bool:
    """Web pages end their paragraphs with punctuation, so a line that does not is a title or page
    furniture; scanned columns break lines anywhere. Judged by the share of text in lines that end a
    sentence, and at least three such paragraphs (an unfinished last line is left out: excerpts are cut in
    the middle of a sentence)."""
    lines = [line.strip() for line in text.replace("\r", "\n").replace(_PARAGRAPH, "\n").split("\n")]
    lines = [line for line in lines if line]
    if lines and lines[-1][-1] not in _LINE_ENDS:
        lines.pop()
    ended = [line for line in lines if line[-1] in _LINE_ENDS]
    return len(ended) >= 3 and sum(map(len, ended)) > sum(map(len, lines)) / 2


def _is_hard_break(text: str, run_start: int, run_end: int, paragraphs: bool) -> bool:
    """A line break ends a paragraph after sentence-final punctuation or before an indent, and in
    a page of paragraphs also after a title line; anywhere else (and always between two digits)
    it is an OCR/layout break inside a sentence or a word."""
    if text[run_end - 1] in " \t" or _PARAGRAPH in text[run_start:run_end]:
        return True
    prev = text[run_start - 1]
    if prev in _CLOSERS and run_start >= 2:
        prev = text[run_start - 2]
    if prev in _SENTENCE_END:
        return True
    return paragraphs and not (prev.isdigit() and text[run_end].isdigit())


def _squeeze_spaces(text: str, source: _Builder | None, cuts: list[tuple[int, int]]) -> _Builder:
    """Whitespace squeezed (see _is_hard_break), glosses, junk and the `cuts` spans dropped."""
    out = _Builder(source.map if source else None)
    paragraphs = _paragraph_layout(text)
    scanner = _DROP_OR_SQUEEZE if _MAYBE_JUNK.search(text) else _SQUEEZE if _MAYBE_GLOSS.search(text) else _SPACES
    kept = [(a, b) for a, b in zip([0] + [e for _, e in cuts], [s for s, _ in cuts] + [len(text)]) if b > a]
    copy, replace, size = out.copy, out.replace, len(text)  # bound once: the loop runs once per whitespace run
    for a, b in kept:
        pos = a
        for m in scanner.finditer(text, a, b):
            s, e = m.span()
            run = m.group()
            if run[0] not in _WHITE:
                if m.lastgroup == "junk" and not all(p.search(run) for p in _JUNK_MIX):
                    continue  # Latin words or figures with spaces: kept as written
                copy(text, pos, s)
                pos = e
                continue
            copy(text, pos, s)
            pos = e
            if s == 0 or e == size or s == a:
                continue
            if "\n" in run or "\r" in run or _PARAGRAPH in run:
                if e == b or _is_hard_break(text, s, e, paragraphs):  # a dropped line ends a paragraph
                    replace("\n", s, e)
            elif e < b and _ASCII_WORD.match(text[s - 1]) and _ASCII_WORD.match(text[e]):
                replace(" ", s, e)  # between Latin words or two numbers a space is a space
        copy(text, pos, b)
    return out


# A furniture line opens with a label (来源:, 责任编辑, 上一篇 …) or a date, names the page's place in the
# site (当前位置, breadcrumbs with > or »), its licence (ICP, 公网安备) or its publisher (…主办).
_LABELS = ("首页|上一篇|下一篇|责任编辑|版权所有|copyright|©|投稿|扫一扫|返回|分享到|打印|相关文章|相关阅读|相关新闻|相关链接"
           "|编辑|来源|作者|记者|手机|电话|联系电话|联系方式|举报电话|传真|邮编|邮政编码|地址|电子邮箱|e-?mail|点击|浏览|字号|字体"
           "|发布时间|发布日期|时间|日期|date")
_FURNITURE_START = re.compile(
    rf"[(【\[]?(?:首页|上一篇|下一篇|责任编辑|版权所有|copyright|©|投稿|扫一扫|返回|分享到|打印|相关(?:文章|阅读|新闻|链接)"
    rf"|(?:{_LABELS})(?:[\s:|\]】)>/]|$))|\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}}\b",
    re.I,
)
_PLACE_WORDS = ("当前位置", "您的位置", "所在位置", "ICP", "icp", "公网安备", "网站标识码")
_PUBLISHER_ENDS = ("主办", "承办", "主管")
_EDGE_LINES = 15  # furniture sits above and below the article: only that many lines at each end are looked at
_LINE_BREAK = re.compile(r"[\n\r\u2029]")


def _is_furniture(line: str) -> bool:
    if not line or len(line) > _FURNITURE_MAX or "。" in line:
        return False
    return bool(
        _FURNITURE_START.match(line)
        or any(w in line[:50] for w in _PLACE_WORDS)
        or (len(line) <= 60 and line.endswith(_PUBLISHER_ENDS))
        or line.count(">") + line.count("»") + line.count("→") >= 2
    )


_FURNITURE_MAX = 120  # a furniture line is short; a paragraph that happens to start with 时间 is not
# A news agency's dateline at the start of a paragraph: 某某社北京4月9日电/, 本报讯(记者 …), 某某网讯 通讯员…报道:
_DATELINE_LEAD = re.compile(
    r"[ \t]*(?P<lead>(?:[^\s,。:]{0,16}?\d{1,2}月\d{1,2}日(?:电|讯)|本报讯|[^\s,。:]{1,10}网讯)"
    r"(?:\s*\([^()]{0,40}\))?(?:\s*通讯员[^\s,。:]{0,8}报道)?\s*[/:]?)"
)
_AGENCY_MARK = re.compile(r"(?:\d日|本报|\S网)$")


def _agency_marks(text: str):
    """Positions of 讯/电 that end a dateline head (…4月9日电, 本报讯, …网讯)."""
    for c in "讯电":
        pos = text.find(c)
        while pos >= 0:
            if _AGENCY_MARK.search(text, max(0, pos - 2), pos):
                yield pos
            pos = text.find(c, pos + 1)
_EDITOR = re.compile(r"\((?:责任编辑|编辑)[^()\n]{0,20}\)")




def _breaks(text: str, start: int = 0) -> list[int]:
    """Positions just after each line break from `start` (str.find is many times faster than a regex)."""
    out = []
    for c in "\n\r\u2029":
        pos = text.find(c, start)
        while pos >= 0:
            out.append(pos + 1)
            pos = text.find(c, pos + 1)
    return sorted(out)


def _edge_lines(text: str):
    """(start, end) of the first and last _EDGE_LINES lines (end: just past the line's break)."""
    if "\r" not in text and _PARAGRAPH not in text:  # the common case: only \n, found from each end
        heads, pos = [], 0
        while len(heads) < _EDGE_LINES and pos < len(text):
            nl = text.find("\n", pos)
            end = len(text) if nl < 0 else nl + 1
            heads.append((pos, end))
            pos = end
        tails, end = [], len(text)
        while len(tails) < _EDGE_LINES and end > pos:
            nl = text.rfind("\n", pos, end - 1 if end > pos and text[end - 1] == "\n" else end)
            start = max(pos, nl + 1)
            tails.append((start, end))
            end = start
        return heads + tails[::-1]
    reach = 200 * _EDGE_LINES  # furniture lines are short
    if len(text) <= 2 * reach:
        starts = [0] + _breaks(text)
    else:
        tail_from = len(text) - reach
        head = [0] + _breaks(text[:reach])
        tail = [tail_from + b for b in _breaks(text[tail_from:])]
        starts = head[:_EDGE_LINES] + ([head[_EDGE_LINES]] if len(head) > _EDGE_LINES else []) + tail[1:]
        # the first tail line may start before tail_from: only whole lines are looked at
    spans = [(a, b) for a, b in zip(starts, starts[1:] + [len(text)]) if b > a]
    return spans if len(spans) <= 2 * _EDGE_LINES else spans[:_EDGE_LINES] + spans[-_EDGE_LINES:]


def _line_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in "\n\r\u2029") + 1


def _furniture(text: str) -> tuple[list[tuple[int, int]], str]:
    """Spans of page furniture to drop (whole lines above and below the article, dateline heads of
    paragraphs, editor notes), and the dropped text (which still holds the page's date)."""
    cuts, dropped = [], []
    for start, end in _edge_lines(text):
        line = text[start:end].strip()
        if _is_furniture(line):
            dropped.append(line)
            cuts.append((start, end))
    for end in _agency_marks(text):  # 讯 or 电 of a dateline: does it open its line?
        start = _line_start(text, end)
        if not any(a == start for a, _ in cuts):
            lead = _DATELINE_LEAD.match(text, start, end + 60)
            if lead and lead.end() > lead.start("lead"):
                dropped.append(lead.group("lead"))
                cuts.append((start, lead.end()))
    if "编辑" in text:
        cuts += [m.span() for m in _EDITOR.finditer(text)]
    merged = []
    for a, b in sorted(cuts):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged, "\n".join(dropped)


def clean_text(text: str, is_html: bool | None = None) -> CleanText:
    """Normalise `text`; `is_html=None` sniffs for markup."""
    if is_html is None:
        is_html = looks_like_html(text)
    stripped = _strip_html(text) if is_html else None
    work = stripped.text() if stripped else text
    if "?" in work:
        work = _LOST.sub(LOST_CHAR, work)
    work = _to_simplified(_half_width(work))
    cuts, furniture = _furniture(work)
    out = _squeeze_spaces(work, stripped, cuts)
    return CleanText(out.text(), out.map, furniture)
