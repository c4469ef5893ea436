"""Concrete inspection rounds: a run of 巡察 with a date or a size.

A sentence is cut into segments where a clause opens with a date, so that
"2月下旬至…开展第一轮…,7月上旬至…开展第二轮…" gives two rounds, and where a clause after
";" opens with another committee (景德镇市委对…;乐平市委对…). A segment describes a round when
it says that a round is run (开展…巡察, 巡察组进驻, 派出N个巡察组, 第N轮巡察, 巡察N家单位),
outside quoted speech, and gives a date or a size, and is neither a running total (累计,
六轮巡察, 常态化) nor a scene-setting clause (在…时, …进驻信丰后,某人被立案). A dateless part
joins the dated round of its organizer when their sizes agree (one round told in two
sentences); rounds of one organizer that start on the same day are one round; a dateless
current round (新一轮…已进驻) joins the round under way on the published date.
"""
import re
from dataclasses import dataclass, replace
from itertools import pairwise

from .dates import DATE_RE, DateRange, parse_range
from .fastre import scanning
from .metrics import Found
from .regions import NATION, Region, RegionIndex
from .sentences import Sentence

_NOT_THE_ACT = r"(?!干部|办|组|工作|机构|人员|利剑|整改|成果|反馈|报告|情况|力量|监督|方式|质效|意见|制度|全覆盖|对象|范围|重点)"
_RUN = scanning(
    r"(?<!部署)(?:开展|启动|进行|实施)[^,;:。]{0,25}?(?:巡[察视]|一体巡|[直体]巡|回头看)" + _NOT_THE_ACT
    + r"|巡[察视](?:小)?组[^,;:。]{0,20}?进驻|巡[察视]进驻"
    + r"|(?:第[一二三四五六七八九十\d]{1,3}|首|新一)轮[^,;:。]{0,10}?巡[察视]"
    + r"|巡[察视](?=\d|[一二三四五六七八九十]+[家个])",
    "开启进实巡第首新",
)
# Rarer ways to say a round is run, each looked for only where its key word is: 派出5个巡察组, 本轮巡察时间为
_RUN_RARE = (
    ("组", scanning(r"(?:派出|组建|成立|安排)[^,;:。]{0,30}?巡[察视](?:小)?组", "派组成安")),
    ("时间为", re.compile(r"(?:本|此|这)轮巡[察视][^,;:。]{0,10}?时间为")),
)


class _Run:
    """A round is run: the first of the patterns above in text[pos:endpos]."""

    @staticmethod
    def finditer(text: str, pos: int = 0, endpos: int | None = None):
        end = len(text) if endpos is None else endpos
        found = list(_RUN.finditer(text, pos, end))
        for key, pattern in _RUN_RARE:
            if key in text:
                found += pattern.finditer(text, pos, end)
        return sorted(found, key=lambda m: m.start())

    @staticmethod
    def anywhere(text: str) -> bool:
        return bool(_RUN.search(text)) or any(key in text and pattern.search(text) for key, pattern in _RUN_RARE)

    @staticmethod
    def search(text: str, pos: int = 0, endpos: int | None = None):
        end = len(text) if endpos is None else endpos
        first = _RUN.search(text, pos, end)
        for key, pattern in _RUN_RARE:
            if key in text and (m := pattern.search(text, pos, first.start() if first else end)):
                first = m
        return first


RUN = _Run
TOTAL = scanning(
    r"累计|共计(?!\d+天)|截止|先后|均已|目前已|已完成对|常态化|多轮次|分批|全年|(?<!部署)部署开展|^其中"
    r"|(?<!\d月)以来|\d月以来(?![^。]*(?:(?:派出|组建|成立)[^。]{0,20}?巡[察视](?:小)?组|进驻))"
    r"|截至(?![^,;:。]{0,12}[,]?[^,;:。]{0,20}进驻)"
    r"|(?<![第首新本上下每这该一])(?:\d+|[两二三四五六七八九十]+)轮(?!次)",
    r"累共截先均目已常多分全部其以\d两二三四五六七八九十",
)
SUBORDINATE = re.compile(r"在[^,;:。]{0,30}?(?:时|期间|过程中|后)(?=[,;:。]|$)")
# 去年10月,赣州市委专项巡察组进驻信丰后,蔡某…被立案: a clause ending in 后/时 sets the scene for a
# story unless what follows still tells of the inspection.
_SCENE = re.compile(r"(?:后|时|之际)[,;:]")
_INSPECTION_WORD = re.compile(r"巡[察视]")
_PART_REACH = 200  # a part that names no committee follows its round closely
_REPORTED = re.compile(r"听取|汇报|反馈")
_ENTERED_BY = re.compile(r"截至[^,;:。]{0,12}[,]?[^,;:。]{0,20}进驻")
_QUOTED_SPEECH = re.compile(r"“[^“”]{12,}?”")
_NEXT_COMMITTEE = re.compile(r"[^\d,;:。]{2,8}?[省市州县区旗]委(?:对|[^,;:。]{0,6}巡)")
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
    named: bool = True  # the segment names the committee or region that runs it


def _segments(sentence: Sentence):
    """(start, end) of the parts of a sentence that each begin with a date clause, or with another
    committee after a semicolon."""
    cuts = [0]
    for m in _CLAUSE.finditer(sentence.text):
        if m.start() and (DATE_RE.match(sentence.text, m.start()) or (
                sentence.text[m.start() - 1] == ";" and _NEXT_COMMITTEE.match(sentence.text, m.start()))):
            cuts.append(m.start())
    cuts.append(len(sentence.text))
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def _organizer(regions: RegionIndex, start: int, end: int, text_start: int, text: str, acts_at: int) -> tuple[Region | None, bool]:
    """The committee that runs the round: a region named with 委 in the segment (literally 市委 where
    the text never names its city), else the nearest before it."""
    named = None
    obj = text.rfind("对", start - text_start, acts_at - text_start)  # 对市委办等10个部门开展…: objects
    for mention, region in regions.mentions_in(start, end):
        if obj >= 0 and obj < mention.start - text_start < acts_at - text_start:
            continue
        if COMMITTEE.match(text, mention.end - text_start) or (region is not None and region.level == NATION):
            if region is not None:
                return region, True
            literal = regions.literal_committee(mention)
            if literal:
                return Region(literal, "", mention.level), True
        elif mention.region is not None and mention.start < acts_at \
                and not text.startswith("对", mention.start - text_start - 1):
            named = region  # 合肥市县两级派出10个巡察组: the (last) region named before the act, without 委
    return (named, True) if named else (regions.subject_at(start), False)


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
    if not RUN.anywhere(sentence.text):
        return found
    for a, b in _segments(sentence):
        seg = sentence.text[a:b]
        # Quoted speech (a slogan, a text message) tells what someone said, not a round.
        narrative = _QUOTED_SPEECH.sub(lambda m: " " * len(m.group(0)), seg) if "“" in seg else seg
        run = RUN.search(narrative)
        quoted = run is None and bool(narrative is not seg and (run := RUN.search(seg)))
        if not run or TOTAL.search(seg) or SUBORDINATE.search(seg[: run.end() + 2]) or _sets_the_scene(seg, run):
            continue
        start, end = sentence.start + a, sentence.start + b
        inside = [f for f in facts if start <= f.start < end]
        groups = next((f.quantity.value for f in inside if f.metric == "groups"), None)
        units = max((f.quantity.value for f in inside if f.metric == "units_inspected"), default=None)
        dates = parse_range(seg, published, bound_is_start=bool(_ENTERED_BY.search(seg)))
        if dates is not None and _date_of_a_report(seg, run):
            dates = None  # 8月26日,领导小组听取第二轮巡察情况汇报; 于1月4日分别向…反馈: not the start
        if dates is None and (quoted or (groups is None and units is None)):
            continue  # quoted speech (a report's figures) makes a round only with a date
        acts = [_clause_around(seg, m) for m in RUN.finditer(seg)]
        kind = next((name for act in acts for name, pattern in KINDS if pattern.search(act)), None)
        organizer, named = _organizer(regions, start, end, sentence.start, sentence.text, start + run.start())
        found.append(FoundRound(
            organizer=organizer,
            named=named,
            kind=kind,
            dates=dates,
            groups=groups,
            units=units if units is not None else _count_objects(seg),
            start=start,
            end=end,
            current=dates is None and bool(CURRENT.search(seg)),
        ))
    return found


def _date_of_a_report(seg: str, run: re.Match) -> bool:
    """Is the segment's date that of a report or feedback on the round rather than its start?"""
    if _REPORTED.search(seg, 0, run.start()):
        return True
    date = DATE_RE.search(seg)
    after = date.end() if date else len(seg)
    report = _REPORTED.search(seg, after)
    return bool(report) and report.start() - after < 80 and not RUN.search(seg, after, report.start())


def _sets_the_scene(seg: str, run: re.Match) -> bool:
    scene = _SCENE.search(seg, run.end())
    return bool(scene) and "," not in seg[run.end():scene.start()] and not _INSPECTION_WORD.search(seg, scene.end())


def _under_way(r: FoundRound, day: str) -> bool:
    """Does the dated round `r` cover `day` (YYYY-MM-DD), comparing at the precision both state?"""
    if not r.dates or not r.dates.start or r.dates.start.startswith("--"):
        return False
    start = r.dates.start
    end = r.dates.end or start
    return start[: len(day)] <= day[: len(start)] and day[: len(end)] <= end


def _fits(a: FoundRound, b: FoundRound) -> bool:
    """Can a and b be one round: same organizer, sizes that do not disagree?"""
    return a.organizer == b.organizer and all(
        x is None or y is None or x == y for x, y in ((a.groups, b.groups), (a.units, b.units)))


def _join(host: FoundRound, part: FoundRound) -> FoundRound:
    return replace(host, groups=host.groups if host.groups is not None else part.groups,
                   units=host.units if host.units is not None else part.units, kind=host.kind or part.kind)


def _same_start(a: FoundRound, b: FoundRound) -> bool:
    """Do a and b start on the same stated day (a year said by one only does not count)?"""
    if not (a.dates and b.dates and a.dates.start and b.dates.start):
        return False
    x, y = a.dates.start.split("-"), b.dates.start.split("-")
    return len(x) == len(y) and x[-2:] == y[-2:] and len(x[-1]) == 2 and (not x[0] or not y[0] or x[0] == y[0])


def merge_current(rounds: list[FoundRound], published: str | None) -> list[FoundRound]:
    """One round told in several places becomes one entry: parts of one organizer that start on
    the same day; a dateless part whose sizes fit the organizer's one dated round; each dateless
    current round folded into the same organizer's round under way on the published date."""
    out: list[FoundRound] = []
    # 本轮巡察集中进驻时间为…, 对…9个部门进行常规巡察: a part that names no committee belongs to the
    # round told just before it.
    parts = []
    for r in rounds:
        if parts and (r.organizer is None or (not r.named and r.start - parts[-1].end < _PART_REACH)):
            r = replace(r, organizer=parts[-1].organizer)
            if r.dates is None:
                parts[-1] = _join(parts[-1], r)
                continue
        parts.append(r)
    rounds = parts
    for r in rounds:
        if r.current:
            continue
        same = next((i for i, o in enumerate(out) if o.organizer == r.organizer and _same_start(o, r)), None)
        if same is None:
            out.append(r)
        else:
            out[same] = replace(_join(out[same], r), kind=out[same].kind if out[same].kind == r.kind else None,
                                units=None if out[same].units != r.units else out[same].units)
    for r in list(out):
        if r.dates is not None or (r.groups is None and r.units is None):
            continue
        dated = [o for o in out if o.dates is not None and o.organizer == r.organizer]
        agreeing = [o for o in dated if _fits(o, r) and (
            (o.groups is not None and o.groups == r.groups) or (o.units is not None and o.units == r.units))]
        host = agreeing[0] if len(agreeing) == 1 else dated[0] if len(dated) == 1 and _fits(dated[0], r) else None
        if host is not None:
            out[out.index(host)] = _join(host, r)
            out.remove(r)
    hosts = {}  # organizer -> index in `out` of its round under way on the published date
    for i, o in enumerate(out):
        if published and o.organizer not in hosts and _under_way(o, published):
            hosts[o.organizer] = i
    for r in rounds:
        if not r.current:
            continue
        host = hosts.get(r.organizer)
        if host is None:
            dated = [i for i, o in enumerate(out) if o.dates is not None and _fits(o, r)]
            host = dated[0] if len(dated) == 1 else None
        if host is None:
            out.append(r)
        else:
            out[host] = _join(out[host], r)
    return sorted(out, key=lambda r: r.start)
