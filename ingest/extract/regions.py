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
from functools import lru_cache
from typing import NamedTuple

import cpca

from .fastre import find_words, finditer_rare, positions, scanning

NATION, PROVINCE, CITY, COUNTY = -1, 0, 1, 2
# 中央巡视组, 中央第四巡视组: the centre runs the round and owns its figures
_CENTRE = re.compile(r"中央(?=第[一二三四五六七八九十\d]{1,3}巡视组|巡视)")
CENTRE = "中央"
_LEVEL_OF = {"省": PROVINCE, "市": CITY, "州": CITY, "县": COUNTY, "区": COUNTY, "旗": COUNTY}
_GENERIC = scanning(r"[全该我本]([省市州县区旗])|(?<![社园城小矿郊自治])([省市州县区旗])(?=委|纪委|政府)", "全该我本省市州县区旗")
_PLACEHOLDERS = frozenset({"市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_QUOTED = re.compile(r"“[^“”\n]{1,40}”|《[^《》\n]{1,80}》")  # found with finditer_rare: quotes are rare


# A NamedTuple, not a frozen dataclass: as immutable, and made dozens of times per article, three times faster to make.
class Region(NamedTuple):
    name: str
    code: str  # 6-digit administrative code; "" for 中央 and for a committee the text never names
    level: int


class Mention(NamedTuple):  # (a NamedTuple like Region)
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


# The 55 minority nationalities, longest first: 德宏傣族景颇族自治州 is called 德宏州 in running text.
_NATIONALITIES = re.compile("(?:" + "|".join(sorted((
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 "
    "达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 "
    "赫哲 门巴 珞巴 基诺").split(), key=len, reverse=True)) + ")族")
_AUTONOMOUS = re.compile(r"^(.{2,4}?)(?:(?:" + _NATIONALITIES.pattern + r")+)自治([州县旗])$")
# 和县 in 市委和县委, 全县: a two-character name that starts with a function word is a word, not a place;
# 县 before 市/乡/级/域/直 is the compound 县市, 县乡, 县级 ...
_FUNCTION_CHARS = frozenset("和与及或并同对向在从由把被将为给等各每全该本我其至到")
_COMPOUND_AFTER = frozenset("市乡级域直")


def _name_table():
    """cpca's divisions by full name (plus 德宏州 for an autonomous prefecture), and the
    provinces by short name (湖北, 广西)."""
    by_name: dict[str, list] = {}
    for info in cpca.ad_2_addr_dict.values():
        if len(info.name) >= 2 and info.name not in _PLACEHOLDERS:
            by_name.setdefault(info.name, []).append(info)
            auto = _AUTONOMOUS.match(info.name)
            if auto:
                by_name.setdefault(auto.group(1) + auto.group(2), []).append(info)
    provinces = {cpca.matcher._abbr_name(i.name): [i] for i in cpca.ad_2_addr_dict.values() if i.rank == PROVINCE}
    suffixes = {name[i:] for name in by_name for i in range(len(name))}
    return by_name, suffixes, provinces


_BY_NAME, _SUFFIXES, _PROVINCE_SHORT = _name_table()
# Every full name ends with one of a few characters (省 市 县 区 旗 州 ...): look there, then
# walk back while the text still ends like some name.
_NAME_END = "".join(sorted({name[-1] for name in _BY_NAME}))
_PROVINCE_SHORT_RE = re.compile("|".join(sorted(_PROVINCE_SHORT, key=len, reverse=True)))
# cpca's short name of a division (a regex substitution): names come from the national list, so the cache is bounded.
_short_name = lru_cache(maxsize=None)(cpca.matcher._abbr_name)
_CITY_SHORT = {}
for _info in cpca.ad_2_addr_dict.values():
    if _info.rank == CITY and len(_short := cpca.matcher._abbr_name(_info.name)) >= 2 and _short != _info.name:
        _CITY_SHORT.setdefault(_short, []).append(_info)
_CITY_SHORT_RE = scanning("|".join(sorted(_CITY_SHORT, key=len, reverse=True)), "".join(sorted({k[0] for k in _CITY_SHORT})))


def _full_names(text: str):
    """(start, end, name) of full division names, the longest ending at each place."""
    last_end = 0
    for start, _ in positions(text, _NAME_END):
        end, found = start + 1, None
        while start >= last_end and text[start:end] in _SUFFIXES:
            if text[start:end] in _BY_NAME:
                found = start
            start -= 1
        if found is not None and not _is_word(text, found, end):
            yield found, end, text[found:end]
            last_end = end


def _is_word(text: str, start: int, end: int) -> bool:
    """A two-character name that reads as a word here (和县 in 州委和县委, 县市 compounds)."""
    return end - start == 2 and (text[start] in _FUNCTION_CHARS or (end < len(text) and text[end] in _COMPOUND_AFTER))


_DISTRICT_COMMITTEE = "区委"


@dataclass(frozen=True)
class _Renamed:
    """A district the national list still holds as the county-level city or county it was."""

    name: str
    adcode: str
    rank: int


def _renamed_districts(text, taken, in_quote):
    """宜州区委 where the national list still has 宜州市: a county or county-level city turned into a
    district keeps its stem, so the committee names the same place."""
    out = []
    pos = text.find(_DISTRICT_COMMITTEE, 2)
    while pos >= 0:
        start, stem = pos - 2, text[pos - 2:pos]
        if start not in taken and stem[0] not in _FUNCTION_CHARS and not in_quote(start):
            infos = [i for suffix in "市县" for i in _BY_NAME.get(stem + suffix, []) if i.rank == COUNTY]
            if infos:
                out.append((start, pos + 1, stem + "区", [_Renamed(stem + "区", infos[0].adcode, COUNTY)]))
        pos = text.find(_DISTRICT_COMMITTEE, pos + 1)
    return out


class RegionIndex:
    """All region mentions of one article, and subject resolution by position."""

    def __init__(self, text: str):
        quoted = [m.span() for m in finditer_rare(_QUOTED, text, "“《")]
        q_starts = [s for s, _ in quoted]

        def in_quote(pos):
            i = bisect_right(q_starts, pos) - 1
            return i >= 0 and pos < quoted[i][1]

        named = self._named(text, in_quote)
        if CENTRE in text:
            named += [Mention(m.start(), m.end(), NATION, Region(CENTRE, "", NATION), CENTRE)  # no adcode
                      for m in _CENTRE.finditer(text)]
            named.sort(key=lambda m: m.start)
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
        self._text = text
        self._resolved = self._resolve_generics()
        # For each mention, the nearest resolved region at or before it: keeps lookups O(log n). A
        # committee whose region the text never names (县委 alone) stands for an unknown place.
        self._nearest: list[Region | None] = []
        for m, region in zip(self.mentions, self._resolved):
            carry = self._nearest[-1] if self._nearest and m.region is None and m.text[0] in "全该我本" else None
            self._nearest.append(region or carry)

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
            stem = _short_name(name) if infos[0].rank == CITY else name[:-1] if name[-1] in "区县" else None
            if stem and len(stem) >= 2 and stem != name:
                stems[stem] = infos
        if stems:
            taken = {s for s, *_ in raw}
            for start, stem in find_words(text, stems):
                if start not in taken and not in_quote(start):
                    raw.append((start, start + len(stem), stem, stems[stem]))
        raw += _renamed_districts(text, {s for s, *_ in raw}, in_quote)
        firsts = {(infos[0].adcode, infos[0].rank) for *_, infos in raw}
        named = []
        for start, end, word, infos in raw:
            info = _pick(infos, firsts - {(infos[0].adcode, infos[0].rank)})
            # An autonomous county or prefecture keeps the short name the text gives it (德宏州).
            as_written = word != info.name and _AUTONOMOUS.match(info.name) and word in _BY_NAME
            name = word if as_written else info.name
            named.append(Mention(start, end, info.rank, Region(name, info.adcode, info.rank), word))
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
                if fallback is None and m.level == CITY and self._names_no_place():
                    fallback = self._city_by_short_name()
                resolved.append(last_of_level.get(m.level, fallback))
        return resolved

    def _names_no_place(self) -> bool:
        """Does the text name no city or county at all (only a province, or nothing)?"""
        return all(m.region is None or m.level == PROVINCE for m in self.mentions)

    def _city_by_short_name(self) -> Region | None:
        """The one city a text names only in its short form (温州 in 温州生态园, 蚌埠 in a source line),
        for a 市委 the text never names in full."""
        if not hasattr(self, "_short_city"):
            found = {m.group(0) for m in _CITY_SHORT_RE.finditer(self._text)}
            self._short_city = None
            if len(found) == 1:
                info = _CITY_SHORT[found.pop()][0]
                self._short_city = Region(info.name, info.adcode, info.rank)
        return self._short_city

    def literal_committee(self, mention: Mention) -> str | None:
        """省委/市委/县委 for a committee whose region the text never names, else None."""
        i = bisect_right(self._starts, mention.start) - 1
        if mention.region is None and i >= 0 and self.mentions[i] is mention and self._resolved[i] is None:
            return mention.text[-1] + "委"
        return None

    def mentions_in(self, start: int, end: int):
        """(mention, resolved region) pairs inside [start, end)."""
        i = bisect_right(self._starts, start - 1)
        while i < len(self.mentions) and self.mentions[i].start < end:
            yield self.mentions[i], self._resolved[i]
            i += 1

    def _listed_before(self, i: int, pos: int) -> bool:
        """Is mention i one item of a list (雨湖区、岳塘区、…) in an earlier sentence than `pos`? Such
        places are objects of what the sentence says, not the scope of later figures."""
        m, text = self.mentions[i], self._text
        listed = (m.start and text[m.start - 1] == "、") or text[m.end:m.end + 1] in ("、", "等")
        return bool(listed) and any(text.find(c, m.end, pos) >= 0 for c in "。!?\n")

    def subject_at(self, pos: int) -> Region | None:
        """The region that text at `pos` is about: nearest resolvable mention before it, else the main
        region; None after a committee whose region the text never names."""
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.mentions[i].end > pos:
            i -= 1  # `pos` is inside this mention
        while i >= 0 and self._listed_before(i, pos):
            i -= 1
        if i >= 0 and self._nearest[i] is None and self.mentions[i].region is None:
            return None
        return (self._nearest[i] if i >= 0 else None) or self.main
