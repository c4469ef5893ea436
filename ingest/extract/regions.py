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

PROVINCE, CITY, COUNTY = 0, 1, 2
_LEVEL_OF = {"省": PROVINCE, "市": CITY, "县": COUNTY, "区": COUNTY}
_GENERIC = re.compile(r"(?:[全该我本])([省市县区])|(?<![社园城小矿郊])([省市县区])(?=委|纪委|政府)")
_PLACEHOLDERS = frozenset({"市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_QUOTED = re.compile(r"“[^“”\n]{1,40}”|《[^《》\n]{1,80}》")


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
    for info in infos:
        if any(info.adcode.startswith(code[: 2 * (lvl + 1)]) for code, lvl in mentioned_codes):
            return info
    return infos[0]


class RegionIndex:
    """All region mentions of one article, and subject resolution by position."""

    def __init__(self, text: str):
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        q_starts = [s for s, _ in quoted]

        def in_quote(pos):
            i = bisect_right(q_starts, pos) - 1
            return i >= 0 and pos < quoted[i][1]

        named = self._named(text, in_quote)
        named += self._short_forms(text, named, in_quote)
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

    @staticmethod
    def _named(text, in_quote) -> list[Mention]:
        """cpca's matches, minus the words that only look like places: an abbreviation
        (比如 for 比如县, 合作 for 合作市) counts only for a province or when the full name
        occurs too; a city or county far from where the article is set counts not at all."""
        raw = [
            m for m in cpca.matcher.iter(text)
            if len(m.attr_infos[0].name) >= 2 and m.attr_infos[0].name not in _PLACEHOLDERS and not in_quote(m.start_index)
        ]
        full_names = {m.origin_value for m in raw if m.origin_value == m.attr_infos[0].name}
        raw = [m for m in raw if m.attr_infos[0].name in full_names or m.attr_infos[0].rank == PROVINCE]
        firsts = {(m.attr_infos[0].adcode, m.attr_infos[0].rank) for m in raw}
        named = []
        for m in raw:
            info = _pick(m.attr_infos, firsts - {(m.attr_infos[0].adcode, m.attr_infos[0].rank)})
            named.append(Mention(m.start_index, m.end_index + 1, info.rank, Region(info.name, info.adcode, info.rank), m.origin_value))
        provinces = Counter(m.region.code[:2] for m in named)
        if provinces:
            home, n = provinces.most_common(1)[0]
            if n >= 0.6 * len(named):
                named = [m for m in named if m.level == PROVINCE or m.region.code.startswith(home)]
        return named

    @staticmethod
    def _short_forms(text, named, in_quote):
        """咸安 for 咸安区, 沅陵 for 沅陵县: only for counties the article names in full."""
        stems = {}
        for m in named:
            r = m.region
            if r.level == COUNTY and len(r.name) >= 3 and r.name[-1] in "区县" and m.text == r.name:
                stems[r.name[:-1]] = r
        if not stems:
            return []
        spans = {(m.start, m.end) for m in named}
        found = []
        for m in re.finditer("|".join(map(re.escape, sorted(stems, key=len, reverse=True))), text):
            if text[m.end() : m.end() + 1] not in "区县" and (m.start(), m.end()) not in spans and not in_quote(m.start()):
                found.append(Mention(m.start(), m.end(), COUNTY, stems[m.group(0)], m.group(0)))
        return found

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
        while i >= 0:
            if self._resolved[i] is not None and self.mentions[i].end <= pos:
                return self._resolved[i]
            i -= 1
        return self.main
