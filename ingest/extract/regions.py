"""Region mentions (cpca's national list) and the subject a position in the text belongs to.

A subject is the nearest preceding region mention; generic mentions (该县, 全市, 区委,
市委巡察组) stand for the nearest named region of their level, short forms (咸安 for
咸安区) count once the full name occurs in the article. Mentions inside short quoted
slogans and book titles (“试点在沅陵”, 《…》) are not the speaker's scope and are skipped.
"""
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

import cpca

from .fastre import scanning

PROVINCE, CITY, COUNTY = 0, 1, 2
_LEVEL_OF = {"省": PROVINCE, "市": CITY, "县": COUNTY, "区": COUNTY}
_GENERIC = scanning(r"[全该我本]([省市县区])|(?<![社园城小矿郊])([省市县区])(?=委|纪委|政府)", "全该我本省市县区")
_PLACEHOLDERS = frozenset({"市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_QUOTED = scanning(r"“[^“”\n]{1,40}”|《[^《》\n]{1,80}》", "“《")


@dataclass(frozen=True)
class Region:
    name: str
    code: str  # 6-digit administrative code
    level: int


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    level: int
    region: Region | None  # None for a generic mention (resolved by position)
    text: str


def _pick(infos, mentioned_codes):
    """Among same-named divisions, prefer one inside a province/city the article names."""
    if len(infos) == 1:
        return infos[0]
    for info in infos:
        if any(info.adcode.startswith(code[: 2 * (lvl + 1)]) for code, lvl in mentioned_codes):
            return info
    return infos[0]


def _name_table():
    """cpca's divisions by full name, and the provinces by short name (湖北, 广西)."""
    by_name: dict[str, list] = {}
    for info in cpca.ad_2_addr_dict.values():
        if len(info.name) >= 2 and info.name not in _PLACEHOLDERS:
            by_name.setdefault(info.name, []).append(info)
    provinces = {cpca.matcher._abbr_name(i.name): [i] for i in cpca.ad_2_addr_dict.values() if i.rank == PROVINCE}
    suffixes = {name[i:] for name in by_name for i in range(len(name))}
    return by_name, suffixes, provinces


_BY_NAME, _SUFFIXES, _PROVINCE_SHORT = _name_table()
# Every full name ends with one of a few characters (省 市 县 区 旗 州 ...): look there, then
# walk back while the text still ends like some name.
_NAME_END = re.compile("[" + "".join(sorted({name[-1] for name in _BY_NAME})) + "]")
_PROVINCE_SHORT_RE = re.compile("|".join(sorted(_PROVINCE_SHORT, key=len, reverse=True)))


def _full_names(text: str):
    """(start, end, name) of full division names, the longest ending at each place."""
    last_end = 0
    for m in _NAME_END.finditer(text):
        end, start, found = m.end(), m.start(), None
        while start >= last_end and text[start:end] in _SUFFIXES:
            if text[start:end] in _BY_NAME:
                found = start
            start -= 1
        if found is not None:
            yield found, end, text[found:end]
            last_end = end


class RegionIndex:
    """All region mentions of one article, and subject resolution by position."""

    def __init__(self, text: str):
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        q_starts = [s for s, _ in quoted]

        def in_quote(pos):
            i = bisect_right(q_starts, pos) - 1
            return i >= 0 and pos < quoted[i][1]

        named = self._named(text, in_quote)
        taken = sorted((m.start, m.end) for m in named)
        generic = []
        for g in _GENERIC.finditer(text):
            pos = g.start(1) if g.group(1) else g.start(2)
            i = bisect_right(taken, (pos, len(text) + 1)) - 1
            if (i >= 0 and taken[i][1] > pos) or in_quote(pos):
                continue
            generic.append(Mention(g.start(), g.end(), _LEVEL_OF[g.group(1) or g.group(2)], None, g.group(0)))
        counts = Counter(m.region for m in named)
        self.main: Region | None = max(counts, key=lambda r: (counts[r], -r.level)) if counts else None
        self.mentions = sorted(named + generic, key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]
        self._resolved = self._resolve_generics()
        # For each mention, the nearest resolved region at or before it: keeps lookups O(log n).
        self._nearest: list[Region | None] = []
        for region in self._resolved:
            self._nearest.append(region if region is not None else (self._nearest[-1] if self._nearest else None))

    @staticmethod
    def _named(text, in_quote) -> list[Mention]:
        """Full names, province short names, and short forms of the cities and counties the
        article names in full (咸安 for 咸安区, 怀化 for 怀化市; 比如 alone is no 比如县).
        A city or county far from where the article is set is a word that looks like a place."""
        raw = [(s, e, name, _BY_NAME[name]) for s, e, name in _full_names(text) if not in_quote(s)]
        raw += [(m.start(), m.end(), m.group(0), _PROVINCE_SHORT[m.group(0)])
                for m in _PROVINCE_SHORT_RE.finditer(text) if not in_quote(m.start())]
        stems = {}
        for _, _, name, infos in raw:
            stem = cpca.matcher._abbr_name(name) if infos[0].rank == CITY else name[:-1] if name[-1] in "区县" else None
            if stem and len(stem) >= 2 and stem != name:
                stems[stem] = infos
        if stems:
            taken = {s for s, *_ in raw}
            for m in re.finditer("|".join(map(re.escape, sorted(stems, key=len, reverse=True))), text):
                if m.start() not in taken and not in_quote(m.start()):
                    raw.append((m.start(), m.end(), m.group(0), stems[m.group(0)]))
        firsts = {(infos[0].adcode, infos[0].rank) for *_, infos in raw}
        named = []
        for start, end, word, infos in raw:
            info = _pick(infos, firsts - {(infos[0].adcode, infos[0].rank)})
            named.append(Mention(start, end, info.rank, Region(info.name, info.adcode, info.rank), word))
        provinces = Counter(m.region.code[:2] for m in named)
        if provinces:
            home, n = provinces.most_common(1)[0]
            if n >= 0.6 * len(named):
                named = [m for m in named if m.level == PROVINCE or m.region.code.startswith(home)]
        return named

    def _resolve_generics(self) -> list[Region | None]:
        last_of_level: dict[int, Region] = {}
        resolved = []
        for m in self.mentions:
            if m.region is not None:
                last_of_level[m.level] = m.region
                resolved.append(m.region)
            else:
                fallback = self.main if self.main and self.main.level == m.level else None
                resolved.append(last_of_level.get(m.level, fallback))
        return resolved

    def mentions_in(self, start: int, end: int):
        """(mention, resolved region) pairs inside [start, end)."""
        i = bisect_right(self._starts, start - 1)
        while i < len(self.mentions) and self.mentions[i].start < end:
            yield self.mentions[i], self._resolved[i]
            i += 1

    def subject_at(self, pos: int) -> Region | None:
        """The region that text at `pos` is about: nearest resolvable mention before it, else the main region."""
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.mentions[i].end > pos:
            i -= 1  # `pos` is inside this mention
        return (self._nearest[i] if i >= 0 else None) or self.main
