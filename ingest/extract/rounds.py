"""Concrete inspection rounds: a run of 巡察 with a date or a size.

A sentence is cut into segments where a clause opens with a date, so that
"2月下旬至…开展第一轮…,7月上旬至…开展第二轮…" gives two rounds. A segment describes a
round when it says that a round is run (开展…巡察, 巡察组进驻, 第N轮巡察, 巡察N家单位)
and gives a date or a size, and is neither a running total (累计, 截至, 六轮巡察) nor a
subordinate time clause (在…时). A dateless current round (新一轮…已进驻) joins the dated
round of the same organizer that is under way on the published date.
"""
import re
from dataclasses import dataclass, replace

from .dates import DATE_RE, DateRange, parse_range
from .fastre import scanning
from .metrics import Found
from .regions import RegionIndex, Region
from .sentences import Sentence

_NOT_THE_ACT = r"(?!干部|办|组|工作|机构|人员|利剑|整改|成果|反馈|报告|情况|力量|监督|方式|质效|意见|制度|全覆盖|对象|范围|重点)"
RUN = scanning(
    r"(?:开展|启动|进行|实施)[^,;:。]{0,25}?(?:巡[察视]|一体巡|回头看)" + _NOT_THE_ACT
    + r"|巡察组[^,;:。]{0,6}?进驻"
    + r"|(?:第[一二三四五六七八九十\d]{1,3}|首|新一)轮[^,;:。]{0,10}?巡[察视]"
    + r"|巡[察视](?=\d|[一二三四五六七八九十]+[家个])",
    "开启进实巡第首新",
)
TOTAL = re.compile(
    r"累计|共计|截至|截止|先后|均已|以来|目前已|已完成对"
    r"|(?<![第首新本上下每这该一])(?:\d+|[两二三四五六七八九十]+)轮(?!次)"
)
SUBORDINATE = re.compile(r"在[^,;:。]{0,30}?(?:时|期间|过程中|后)(?=[,;:。]|$)")
CURRENT = re.compile(r"新一轮|本轮|已进驻|正在")
COMMITTEE = re.compile(r"(?:县|区|市|省)?(?:委|纪委)")  # used with match(text, pos)
_OBJECTS = re.compile(r"对([^,;:。\d]{2,40}?)(?:党组织|党委|党组|党支部)?(?:开展|进行)")
KINDS = (
    ("lookback", re.compile(r"回头看")),
    ("elevated", re.compile(r"提级")),
    ("mobile", re.compile(r"机动")),
    ("special", re.compile(r"专项")),
    ("joint", re.compile(r"联动|交叉")),
    ("regular", re.compile(r"常规")),
    ("village", re.compile(r"村[(（]社区|一体巡|巡村|巡乡|进驻[^,;:。]{0,10}村")),
)
_CLAUSE = re.compile(r"[^,;:]+[,;:]?")


@dataclass(frozen=True)
class FoundRound:
    """A round in cleaned-text coordinates."""

    organizer: Region | None
    kind: str | None
    dates: DateRange | None
    groups: int | None
    units: int | None
    start: int
    end: int
    current: bool


def _segments(sentence: Sentence):
    """(start, end) of the parts of a sentence that each begin with a date clause."""
    cuts = [0]
    for m in _CLAUSE.finditer(sentence.text):
        if m.start() and DATE_RE.match(sentence.text, m.start()):
            cuts.append(m.start())
    cuts.append(len(sentence.text))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _organizer(regions: RegionIndex, start: int, end: int, text_start: int, text: str) -> Region | None:
    """The committee that runs the round: a region named with 委 in the segment (literally 市委 where
    the text never names its city), else the nearest before it."""
    for mention, region in regions.mentions_in(start, end):
        if COMMITTEE.match(text, mention.end - text_start):
            if region is not None:
                return region
            literal = regions.literal_committee(mention)
            if literal:
                return Region(literal, "", mention.level)
    return regions.subject_at(start)


def _clause_around(segment: str, m: re.Match) -> str:
    """The clause that holds the match: where the kind of the round is said (开展常规巡察)."""
    left = max(segment.rfind(sep, 0, m.start()) for sep in ",;:") + 1
    right = min((i for i in (segment.find(sep, m.end()) for sep in ",;:") if i >= 0), default=len(segment))
    return segment[left:right]


def _count_objects(segment: str) -> int | None:
    """对凉水井镇张家滩村、五强溪镇合仁坪村党组织开展…: two units, named not counted."""
    m = _OBJECTS.search(segment)
    if not m or "等" in m.group(1):
        return None
    return m.group(1).count("、") + 1


def rounds_in(sentence: Sentence, facts: list[Found], regions: RegionIndex, published: str | None) -> list[FoundRound]:
    found = []
    if not RUN.search(sentence.text):
        return found
    for a, b in _segments(sentence):
        seg = sentence.text[a:b]
        run = RUN.search(seg)
        if not run or TOTAL.search(seg) or SUBORDINATE.search(seg[: run.end() + 2]):
            continue
        start, end = sentence.start + a, sentence.start + b
        inside = [f for f in facts if start <= f.start < end]
        groups = next((f.quantity.value for f in inside if f.metric == "groups"), None)
        units = max((f.quantity.value for f in inside if f.metric == "units_inspected"), default=None)
        dates = parse_range(seg, published)
        if dates is None and groups is None and units is None:
            continue
        acts = [_clause_around(seg, m) for m in RUN.finditer(seg)]
        kind = next((name for act in acts for name, pattern in KINDS if pattern.search(act)), None)
        found.append(FoundRound(
            organizer=_organizer(regions, start, end, sentence.start, sentence.text),
            kind=kind,
            dates=dates,
            groups=groups,
            units=units if units is not None else _count_objects(seg),
            start=start,
            end=end,
            current=dates is None and bool(CURRENT.search(seg)),
        ))
    return found


def _under_way(r: FoundRound, day: str) -> bool:
    """Does the dated round `r` cover `day` (YYYY-MM-DD), comparing at the precision both state?"""
    if not r.dates or not r.dates.start or r.dates.start.startswith("--"):
        return False
    start = r.dates.start
    end = r.dates.end or start
    return start[: len(day)] <= day[: len(start)] and day[: len(end)] <= end


def merge_current(rounds: list[FoundRound], published: str | None) -> list[FoundRound]:
    """Fold each dateless current round into the same organizer's round under way on the published date."""
    out = [r for r in rounds if not r.current]
    hosts = {}  # organizer -> index in `out` of its round under way on the published date
    for i, o in enumerate(out):
        if published and o.organizer not in hosts and _under_way(o, published):
            hosts[o.organizer] = i
    for r in rounds:
        if not r.current:
            continue
        host = hosts.get(r.organizer)
        if host is None:
            out.append(r)
        else:
            h = out[host]
            out[host] = replace(h, groups=h.groups if h.groups is not None else r.groups,
                                units=h.units if h.units is not None else r.units)
    return sorted(out, key=lambda r: r.start)
