"""Figures of the metric vocabulary (../shared/corpus/SCHEMA.md) in sentences.

Every quantity with a classifier is a candidate. Its metric comes from the trigger
words around it: `pre` is searched in the clause before the number (patterns that end
with `$` must reach the number), `post` is matched at the text right after it,
`sent_pre` is searched in the sentence before it. The first rule that fits wins, so
the more specific rules come first (民生问题 before 问题, 移交…线索 before 线索).
Only sentences about 巡察/巡视 count, and plans (计划, 将…) are not facts.
"""
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from .fastre import scanning
from .numbers import Quantity, find_quantities
from .sentences import Sentence

F = r"[^\d,;:。!?]"  # filler: stays inside the clause and stops at the next number
L = r"[^\d,;:。!?、]"  # filler that also stops at the next item of a list (问题376个、线索69个)
C = r"[^,;:。!?]"  # clause character, numbers allowed
UNIT_NOUN = (r"(?:单位|党组织|组织|党委|党组|党支部|党总支|支部|部门|村(?!民|\(居\)民)|社区|乡镇|乡|镇|街道|学校|高校|院校"
             r"|医院|法院|企业|国企|公司|机关|局|所(?![属辖有在以])|站|地区"
             r"|(?:县|市|区|旗|盟|省)(?![级直属委])|被巡[察视]?的?(?:单位|对象|党组织|地区))")
# 5个乡镇所属的15个村, 3个街道的15个村: the first count only locates the second (but 3个乡镇党委及所属的27个村)
LOCATING = r"^[^\d及和党]{0,10}?(?:所属|所辖)?的(?:至少|近|约)?\d"
# 对120个村的党组织书记…: people of the units, not the units
PEOPLE_OF_UNITS = r"^[^\d,;:。]{0,12}?的[^\d,;:。]{0,8}?(?:书记|干部|负责人|成员|人员|代表)"
# 巡察 as the act carried out on the units (not 巡察整改督查, 巡察办, 巡察干部 …)
ACT = r"(?:巡[察视](?!整改|办|组|机构|干部|工作领导|成果|业务|培训)|一体巡|[直体]巡|巡[村乡]|政治体检|回头看)"
# …巡察的11个乡镇党委开展回访: units an earlier round inspected, now the object of a follow-up visit
VISITED_AGAIN = rf"^{F}{{0,14}}?{UNIT_NOUN}{C}*?回访"
# The object of the act: a clause that opens with 对 (对A、B等12个单位…), up to a long list of names.
OBJECT = rf"对{C}{{0,100}}$"
TRANSFER = r"(?:移交|移送|交办|转交|转办)"
PROPOSED = rf"(?:建议|拟|提请|准备){TRANSFER}"  # 建议移送…线索18条: proposed, not handed over
ISSUE = r"(?:提出|发放|下发|制发|印发|送达|发出)"
TAIL = r"(?:了|共|共计|达|达到|为|计|合计|总计|分别为)?$"  # between a trigger and its number
WHO = r"(?:党员干部|党员|干部|公职人员|人员|责任人)?"  # 组织处理干部23人
RANK = r"(?:厅级|处级|科级|县处级|厅局级|乡科级|市管|县管)"  # 立案审查厅级干部1225名
MAKE_RULES = r"(?:修订|完善|制定|建立|出台|健全|新建|修改|废止|清理)"

PEOPLE = frozenset({"人", "名", "位", "人次"})
ITEMS = frozenset({"个", "件", "条", "项", "起", "处"})
ORG_UNITS = frozenset({"家", "个", "所", "省"})  # 吉林、湖南等6省
CASES = PEOPLE | {"件", "起", "个"}
PAPERS = frozenset({"条", "份", "项", "个", "件"})
RULES_UNITS = frozenset({"个", "项", "条", "份", "套", "件", "部"})

INSPECTION = scanning(r"巡[察视]|一体巡|巡村|巡乡|(?:常规|专项|机动|提级|交叉|联动|回避|点穴)巡", "巡一常专机提交联回点")
# Discipline-commission checks and audits are reported alongside 巡察 but are not 巡察.
OTHER_OVERSIGHT = scanning(r"监督检查|专项检查|审计发现|执法检查", "监专审执")
PLAN = scanning(
    r"计划(?=[分对于在开将年到组用])|拟(?=[对于在开组将])|(?<![即也还])将(?=[对于在开组完启实继进全陆分])|预计|力争|准备(?=[对于在开组])|下一步|明年",
    "计拟将预力准下明",
)
# 本轮巡察将对…: the scope of a round that has started (启动了, 已全部进驻) is no plan
LAUNCHED = scanning(r"启动了|已启动|已经启动|正式启动|已全部进驻|全部进驻|已进驻|全面展开", "启已正全")
_LAUNCH_REACH = 2
LOOKS_BACK = re.compile(r"[^,。!?]{0,12}?(?:以来|期间),")
DONE = scanning(r"已|了|累计|截至|完成", "已了累截完")
BREAKDOWN = "其中"


@dataclass(frozen=True)
class Rule:
    metric: str
    units: frozenset
    pre: str | None = None
    post: str | None = None
    sent_pre: str | None = None
    not_pre: str | None = None
    not_post: str | None = None
    needs: tuple = ()  # one of these words must be in the clause or after the number: a cheap test first
    long_pre: bool = False  # the pattern needs the whole clause (a long list of names), not just its end

    def compiled(self):
        return tuple(re.compile(p) if p else None for p in (self.pre, self.post, self.sent_pre, self.not_pre, self.not_post))


RULES = [
    Rule("funds_recovered", frozenset({"元"}), pre=rf"(?:收缴|追缴|追回|挽回|清退|退赔|退还|返还|收回|退缴|追偿|挽损){F}{{0,15}}$"),
    Rule("funds_recovered", frozenset({"元"}), post=rf"^{F}{{0,6}}?(?:被|已)?(?:收缴|追缴|追回|挽回|清退|退还|返还|退缴)"),
    # 整改完成率达到100%的51个: a band of organisations, not a rate
    Rule("rectification_rate", frozenset({"%"}), pre=rf"(?:整改|销号){F}{{0,4}}率{TAIL}", not_post=r"^(?:以上|以下)?的\d"),
    Rule("follow_up_supervisions", frozenset({"轮次", "次", "轮", "批次"}),
         pre=rf"(?:回访督查|回访督导|跟踪督查|督查回访|回访检查|回访){TAIL}"),
    # 开展三轮回访督查 describes a mechanism; only a count of work done (已/共/累计…) is a figure.
    Rule("follow_up_supervisions", frozenset({"轮次", "次", "轮", "批次"}),
         pre=rf"(?:已|共|累计|先后){F}{{0,8}}$", post=rf"^{F}{{0,2}}(?:回访督查|回访督导|跟踪督查|督查回访)"),
    # 整改督查领导小组开展2次专项督查, 开展全面督查4轮: checks of the rectification, counted by time.
    Rule("follow_up_supervisions", frozenset({"轮次", "次", "轮"}), pre=r"开展了?$",
         post=r"^(?:专项|全面|跟踪)?督查", sent_pre="整改"),
    Rule("follow_up_supervisions", frozenset({"轮次", "次", "轮"}), pre=r"开展了?(?:专项|全面|跟踪)督查$", sent_pre="整改"),
    Rule("rounds", frozenset({"轮"}), post=rf"^{F}{{0,6}}?巡[察视](?!干部|办|组|机构)", not_pre=r"[新上下本这该同每首]$"),
    # 巡察一轮、反馈一轮 is a working rule, not a count.
    Rule("rounds", frozenset({"轮", "轮次"}), pre=rf"巡[察视]{TAIL}", not_post="^、"),
    # 全市共开展9轮对…党组织进行巡察
    Rule("rounds", frozenset({"轮"}), pre=r"开展了?$", post=r"^对"),
    Rule("rounds", frozenset({"轮"}), pre=r"(?:共|累计|已)开展了?$", post=r"^$"),  # 某省委共开展9轮 (the excerpt ends)
    Rule("groups", frozenset({"个"}), post=rf"^{F}{{0,5}}?巡[察视](?:工作)?(?:小)?组(?!长|组长|成员|工作人员)"),
    Rule("groups", frozenset({"个"}), post=rf"^{F}{{0,30}}?任组长的巡[察视](?:小)?组", needs=("任组长",)),
    Rule("groups", frozenset({"个"}), pre=rf"巡[察视]组{TAIL}"),
    # 共派出6个组 in a sentence about an inspection
    Rule("groups", frozenset({"个"}), pre=r"(?:派出|组建|成立)$", post=r"^组"),
    # 对9个乡镇、173个村开展了巡察; 3个街道的15个村, 5个乡镇所属的15个村: the towns only locate the villages.
    Rule("units_inspected", ORG_UNITS, pre=OBJECT, post=rf"^{F}{{0,40}}?{UNIT_NOUN}{C}*?{ACT}", long_pre=True, needs=("对",),
         not_post=rf"{LOCATING}|{PEOPLE_OF_UNITS}|^{C}*?巡[察视]整改"),
    # 对A、B等10个单位开展常规巡察 with the list too long for one window
    Rule("units_inspected", ORG_UNITS, pre=r"等$", post=rf"^{F}{{0,20}}?{UNIT_NOUN}{C}*?(?:开展|进行|实施){C}{{0,10}}?{ACT}", needs=("等",),
         not_post=LOCATING),
    # 派出1个巡察组,对全县28个成员单位…: the object of an inspection group
    Rule("units_inspected", ORG_UNITS, post=rf"^{F}{{0,6}}?{UNIT_NOUN}", not_post=LOCATING,
         sent_pre=rf"\d个巡[察视](?:小)?组[,;]?对{C}{{0,60}}$"),
    Rule("units_inspected", ORG_UNITS, post=rf"^{F}{{0,2}}被巡[察视]?的?(?:单位|对象|党组织|地区)(?!代表|书记|负责人|班子|成员)",
         needs=("被巡",)),
    # 中央巡视的吉林、…6省及…4个单位; 向联动巡视的十五个城市; 涉及…10个省区市; 前4轮巡察的14个党组织
    Rule("units_inspected", ORG_UNITS, pre=rf"(?:巡[察视]的|涉及){C}{{0,80}}$", post=rf"^{F}{{0,6}}?{UNIT_NOUN}",
         not_post=VISITED_AGAIN, sent_pre=r"巡[察视]", long_pre=True,
         needs=("巡察的", "巡视的", "涉及")),
    Rule("units_inspected", frozenset({"省"}), pre=rf"(?:巡[察视]的|涉及){C}{{0,80}}$", sent_pre=r"巡[察视]", long_pre=True,
         needs=("巡察的", "巡视的", "涉及")),
    # 巡视组分别向三十一个省…反馈了巡视情况
    Rule("units_inspected", ORG_UNITS, pre=r"巡[察视]组[^\d,;。]{0,6}?向$", post=rf"^{F}{{0,12}}?{UNIT_NOUN}{C}*?反馈",
         needs=("反馈",)),
    Rule("units_inspected", ORG_UNITS, pre=r"巡[察视](?:和\w{1,3})?[了的]?$", post=rf"^{F}{{0,14}}?{UNIT_NOUN}",
         not_post=VISITED_AGAIN, needs=("巡察", "巡视")),
    # 完成了对9个市直部门常规巡察,7个部门专项巡察,…: a clause that is one more item of the inspection
    Rule("units_inspected", ORG_UNITS, pre="^$", post=rf"^{F}{{0,6}}?{UNIT_NOUN}{C}*?{ACT}", not_post=LOCATING,
         sent_pre="对|完成"),
    # 共巡察党组织149个
    Rule("units_inspected", ORG_UNITS, pre=rf"巡[察视]了?[^\d,;:。]{{0,4}}?(?:党组织|单位|部门|乡镇|村(?:\(社区\))?|企业){TAIL}",
         needs=("巡察", "巡视")),
    # …57个群团组织共268个党组织进行巡察: the total after a list
    Rule("units_inspected", ORG_UNITS, pre=r"(?:共|共计|合计|总计)$", post=rf"^{F}{{0,6}}?{UNIT_NOUN}{C}{{0,10}}?{ACT}",
         sent_pre="对"),
    # 延伸巡察基层行政村、教育和卫生医疗机构达340个
    Rule("units_inspected", ORG_UNITS,
         pre=r"巡[察视](?!组|办|机构|干部)[^\d,;。]{0,30}?(?:村|机构|单位|组织|部门|企业|学校|医院)[^\d,;。]{0,4}?(?:达|共计|共|合计|总计)$"),
    # 已完成190个村(社区)巡察全覆盖, 共完成589个单位巡察监督工作
    Rule("units_inspected", ORG_UNITS, pre=r"(?:完成|实现)了?$", needs=("完成", "实现"),
         post=rf"^{F}{{0,6}}?{UNIT_NOUN}{C}{{0,10}}?巡[察视](?!组|办|干部|机构)"),
    Rule("units_inspected", ORG_UNITS, post=rf"^{F}{{0,6}}?{UNIT_NOUN}{C}{{0,6}}?(?:为|作为|列为|确定为){C}{{0,8}}巡察对象",
         needs=("对象",)),
    # 前三轮巡察把12个部门、4个乡镇作为对象
    Rule("units_inspected", ORG_UNITS, post=rf"^{F}{{0,6}}?{UNIT_NOUN}{F}{{0,4}}?作为(?:巡[察视])?对象", sent_pre=r"巡[察视]把",
         needs=("对象",)),
    Rule("judicial_transfers", PEOPLE | {"件", "起"}, pre=rf"移送(?:司法|检察)(?:机关)?(?:处理)?{WHO}{TAIL}"),
    Rule("judicial_transfers", PEOPLE | {"件", "起"}, post=rf"^{L}{{0,12}}?(?:被|予以)?移送(?:司法|检察)"),
    Rule("cases_filed", CASES, pre=rf"立案(?:审查调查|审查|调查|查处)?(?:{RANK})?{WHO}{TAIL}"),
    Rule("cases_filed", CASES, post=rf"^{L}{{0,15}}?(?:予以|被|进行)?立案"),
    Rule("disciplinary_sanctions", PEOPLE,
         pre=rf"(?:处分|党政纪处理|党纪处理|政务处理|纪律处理|党政纪及组织处理|开除党籍|开除公职){WHO}{TAIL}",
         needs=("处分", "处理", "开除")),
    Rule("disciplinary_sanctions", PEOPLE, post=rf"^{L}{{0,15}}?(?:给予|受到|予以){F}{{0,10}}处分", needs=("处分",)),
    Rule("organizational_handling", PEOPLE,
         pre=rf"(?:组织处理|组织调整|免职|停职|降职|调离|调整{F}{{0,12}}(?:班子|职务|岗位)(?:成员)?){WHO}{TAIL}"),
    Rule("organizational_handling", PEOPLE, post=rf"^{L}{{0,15}}?(?:给予|受到|予以)?{F}{{0,4}}组织(?:处理|调整)",
         needs=("组织处理", "组织调整")),
    Rule("accountability", PEOPLE | {"家", "个"}, pre=rf"(?:问责|追责)(?:处理)?{WHO}{TAIL}"),
    Rule("accountability", PEOPLE | {"家", "个"}, post=rf"^{L}{{0,15}}?(?:予以|被|受到)?{F}{{0,4}}(?:问责|追责)",
         needs=("问责", "追责")),
    # 发现…问题及线索7000余件: one figure of problems
    Rule("issues_found", ITEMS, pre=rf"(?:发现|反馈|指出){C}{{0,40}}?问题(?:及|和|与)(?:问题)?线索{TAIL}", needs=("线索",)),
    Rule("leads_transferred", ITEMS, pre=rf"{TRANSFER}{C}{{0,30}}线索{TAIL}", not_pre=PROPOSED),
    Rule("leads_transferred", ITEMS, pre=TRANSFER, post=rf"^{F}{{0,8}}?线索", not_pre=PROPOSED),
    Rule("leads_transferred", ITEMS, post=rf"^{L}{{0,8}}?线索{F}{{0,16}}?{TRANSFER}"),
    # 问题线索266条,所有问题线索已向市纪委报告或移交
    Rule("leads_transferred", ITEMS, pre=rf"线索{TAIL}", post=r"^[^\d。]{0,40}?(?:已|均已|全部)[^\d。]{0,20}?(?:移交|移送)",
         needs=("移交", "移送")),
    # 反馈立行立改问题线索9条: fed back for an immediate fix, neither found nor handed over
    Rule("leads_found", ITEMS, pre=rf"线索{TAIL}", not_pre=rf"立行立改{F}{{0,4}}线索{TAIL}"),
    Rule("leads_found", ITEMS, post=rf"^{L}{{0,8}}?线索"),
    Rule("public_issues_resolved", ITEMS,
         pre=rf"(?:解决|办结|化解|推动){F}{{0,40}}?(?:民生问题|诉求|急难愁盼”?问题|身边(?:的)?问题|烦心事){TAIL}"),
    Rule("public_issues_resolved", ITEMS, pre=rf"群众{F}{{0,20}}?(?:解决|办结){F}{{0,20}}?问题{TAIL}"),
    Rule("public_issues_resolved", ITEMS, pre=r"(?:已|累计|共)(?:解决|办结)了?$", sent_pre=r"民生|诉求|群众反映|急难愁盼"),
    Rule("public_issues_resolved", ITEMS, pre=rf"(?:解决|办结|化解){F}{{0,10}}$",
         post=rf"^{F}{{0,10}}?(?:民生问题|急难愁盼问题|群众诉求|群众{F}{{0,8}}问题)"),
    # 立行立改问题17个 is fixed; 移交立行立改问题32个 is only handed over for a fix.
    Rule("issues_rectified", ITEMS, pre=r"(?:整改(?:完成|到位|销号|落实)?|销号|完成整改|立行立改|即知即改)了?(?:问题)?$",
         not_pre=rf"(?:移交|反馈|交办|提出|督促|下发|发放){F}{{0,12}}(?:立行立改|即知即改)(?:问题)?$"),
    Rule("issues_rectified", ITEMS, post=rf"^{F}{{0,12}}?问题[^\d。!?]{{0,10}}?(?:整改到位|整改完成|完成整改|整改销号|销号)(?![\d率])"),
    Rule("issues_rectified", ITEMS, pre="已$", post=rf"^{F}{{0,6}}?(?:立行立改|即知即改){F}{{0,4}}问题"),
    # 其中35个已整改
    Rule("issues_rectified", ITEMS, post=r"^(?:问题)?(?:已|已经)(?:整改|完成整改|整改完成|整改到位|销号)(?![\d率])"),
    Rule("issues_found", ITEMS, pre=rf"(?:发现|反馈|指出|梳理出|查摆出|查找出|排查出)(?:(?!问题){C}){{0,60}}?问题{TAIL}"),
    # 反馈的12个问题子类: categories are not problems
    Rule("issues_found", ITEMS, pre=r"发现|反馈|指出|梳理出|查摆出|查找出|排查出", post=rf"^{L}{{0,10}}?问题",
         not_post=rf"^{F}{{0,10}}?问题(?:子类|类别|类型|方面|领域|清单)"),
    Rule("recommendations", PAPERS, pre=rf"(?:{ISSUE}|反馈){F}{{0,15}}?(?:意见|建议)(?:建议|书|函)?》?{TAIL}"),
    Rule("recommendations", PAPERS, pre=ISSUE, post=rf"^{F}{{0,6}}?(?:整改)?(?:意见|建议)"),
    Rule("regulations_revised", RULES_UNITS, pre=rf"{MAKE_RULES}{F}{{0,20}}?(?:制度|规则|规定|办法|机制|规章){TAIL}"),
    Rule("regulations_revised", RULES_UNITS, post=rf"^{F}{{0,8}}?(?:制度|规则|规章|规定|办法)", sent_pre=MAKE_RULES),
]
# Words one of which every rule of a metric needs in the clause or after the number (a cheap test before
# the patterns); rules may name their own.
_METRIC_NEEDS = {
    "funds_recovered": ("收缴", "追缴", "追回", "挽回", "清退", "退赔", "退还", "返还", "收回", "退缴", "追偿", "挽损"),
    "rectification_rate": ("率",),
    "follow_up_supervisions": ("回访", "督查", "督导"),
    "groups": ("组",),
    "judicial_transfers": ("移送",),
    "cases_filed": ("立案",),
    "disciplinary_sanctions": ("处分", "处理", "开除"),
    "organizational_handling": ("组织", "免职", "停职", "降职", "调离", "调整"),
    "accountability": ("问责", "追责"),
    "leads_transferred": ("线索",),
    "leads_found": ("线索",),
    "issues_found": ("问题",),
    "public_issues_resolved": ("解决", "办结", "化解", "推动", "问题", "诉求", "烦心事"),
    "issues_rectified": ("整改", "销号", "立行立改", "即知即改"),
    "recommendations": ("意见", "建议"),
    "regulations_revised": ("制度", "规则", "规定", "办法", "机制", "规章"),
}
# The test for one needs tuple: a single word is looked for with `in` (a fraction of a regex search's cost).
_NEEDS_RE: dict[tuple, str | re.Pattern] = {}
for _rule in RULES:
    _needs = _rule.needs or _METRIC_NEEDS.get(_rule.metric, ())
    if _needs and _needs not in _NEEDS_RE:
        _NEEDS_RE[_needs] = _needs[0] if len(_needs) == 1 else re.compile("|".join(map(re.escape, _needs)))
# classifier -> the rules that take it, in order, in runs that share one needs pattern (None: no cheap test), so
# that a needs word missing from the window skips its whole run at once: [(needs, [(rule, patterns), …]), …]
_RULES_FOR_UNIT: dict[str, list[tuple[str | re.Pattern | None, list]]] = {}
for _rule in RULES:
    _needs_re = _NEEDS_RE.get(_rule.needs or _METRIC_NEEDS.get(_rule.metric, ()))
    for _unit in _rule.units:
        _runs = _RULES_FOR_UNIT.setdefault(_unit, [])
        if not _runs or _runs[-1][0] is not _needs_re:
            _runs.append((_needs_re, []))
        _runs[-1][1].append((_rule, _rule.compiled()))
_UNITS_OF = {}
for _rule in RULES:
    _UNITS_OF.setdefault(_rule.metric, set()).update(_rule.units)

# One item of a list of inspected units and the separator to the next: 191个党政机关、12个…,8个乡镇(社区),…共268个
# Links between two items of a list: a unit noun and a separator (…、12个…), maybe a name and 等 after it
# (…,内蒙古大学等14所高校); a separator and the next item's noun (233个、市属企事业单位56个); for people
# a rank and a separator (1225名、处级干部8684名).
_UNIT_LINK_BACK = re.compile(
    rf"[^\d,;:。!?的]{{0,14}}?{UNIT_NOUN}(?:\([^()\d]{{0,8}}\))?[^\d,;:。!?的]{{0,6}}?(?:(?:、|,|和|及)(?:[^\d,;:。!?的]{{1,24}}等)?|共|共计)")
_ITEM_LINK = re.compile(r"[^\d,;:。!?的]{0,14}?(?:、|和|及)[^\d,;:。!?的]{0,14}")
_PEOPLE_LINK = re.compile(r"[^\d,;:。!?]{0,8}?(?:、|和|及)[^\d,;:。!?]{0,8}")
_UNITS_THEN_PEOPLE = re.compile(r"单位|党组织")  # 追责处理5个单位27人: the people count is the figure
_IN_PARENS = re.compile(r"\([^()]*")  # from the end of the last figure: an open bracket
_SLOGAN = re.compile(r"“[^“”]{1,12}”")  # a count inside a short quoted slogan (“六个围绕”) is a name
_BREAKDOWN_REACH = 10  # 其中35个…: the part follows 其中 closely
_NEXT_PART = re.compile(r"[、,][^\d,;:。!?]{0,12}$")
PRE_WINDOW, POST_WINDOW, SENT_WINDOW = 110, 60, 150
SHORT_PRE = 60  # what most rules look at before the number


class Found(NamedTuple):  # (a NamedTuple like Quantity: made for every figure)
    """A figure in cleaned-text coordinates."""

    metric: str
    quantity: Quantity
    start: int
    end: int


def _classify(q: Quantity, long_pre: str, post: str, sent_pre: str):
    """(rule, matched span relative to the quantity) of the first rule that fits, else None."""
    short_pre = long_pre[-SHORT_PRE:]
    window, has = f"{long_pre}\n{post}", {}  # has: needs pattern -> found in the window (asked once)
    for needs, rules in _RULES_FOR_UNIT.get(q.unit, ()):
        if needs is not None:
            found = has.get(needs)
            if found is None:
                found = has[needs] = (needs in window) if type(needs) is str else needs.search(window) is not None
            if not found:
                continue
        for rule, (p_pre, p_post, p_sent, n_pre, n_post) in rules:
            pre = long_pre if rule.long_pre else short_pre
            m_pre = p_pre.search(pre) if p_pre else None
            if p_pre and not m_pre:
                continue
            m_post = p_post.match(post) if p_post else None
            if p_post and not m_post:
                continue
            if p_sent and not p_sent.search(sent_pre):
                continue
            if (n_pre and n_pre.search(pre)) or (n_post and n_post.match(post)):
                continue
            # The quote reaches a trigger only where it touches the number.
            lead = len(pre) - m_pre.start() if m_pre and m_pre.end() >= len(pre) - 2 else 0
            tail = m_post.end() if m_post else 0
            return rule, lead, tail
    return None


def facts_in(sentence: Sentence) -> list[Found]:
    """Figures stated in one sentence (no context check: see sentence_flags)."""
    text = sentence.text
    found: list[Found] = []
    breakdown_at = text.find(BREAKDOWN)
    slogans = [m.span() for m in _SLOGAN.finditer(text)] if "“" in text else []
    prev_q, prev_pre = None, ""
    quantities, metric_of, part_of = [], {}, None
    for q in find_quantities(text):
        if slogans and any(a < q.start < b for a, b in slogans):
            continue
        if found and _IN_PARENS.fullmatch(text, found[-1].end - sentence.start, q.start):
            continue  # 处分42人(党内警告28人,…): the types inside a total are not figures of their own
        quantities.append(q)
        window = max(0, q.start - PRE_WINDOW)
        pre = text[max(window, text.rfind(",", window, q.start) + 1, text.rfind(";", window, q.start) + 1,
                       text.rfind(":", window, q.start) + 1) : q.start]
        joined = prev_q is not None and (prev_q.end == q.start or _UNITS_THEN_PEOPLE.fullmatch(text, prev_q.end, q.start))
        if joined:
            pre = prev_pre  # 12件15人, 5个单位27人: the second count shares the first one's trigger
        post = text[q.end : q.end + POST_WINDOW]
        hit = _classify(q, pre, post, text[max(0, q.start - SENT_WINDOW) : q.start])
        if hit:
            rule, lead, tail = hit
            fact = Found(rule.metric, q, sentence.start + q.start - lead, sentence.start + q.end + tail)
        elif found and q.unit in _UNITS_OF[found[-1].metric] and (
                found[-1].start < sentence.start + breakdown_at < sentence.start + q.start
                <= sentence.start + breakdown_at + len(BREAKDOWN) + _BREAKDOWN_REACH
                or (part_of and found[-1].quantity is part_of and _NEXT_PART.match(text, part_of.end, q.start))):
            # 其中…40个、…30个: parts of the total before them, with the total's metric
            fact = Found(found[-1].metric, q, sentence.start + q.start, sentence.start + q.end)
            part_of = q
        else:
            fact = None
        if fact:
            metric_of[q.start] = fact.metric
            prev_fact = found[-1] if found else None
            if prev_fact and joined and prev_fact.quantity is prev_q and prev_fact.metric == fact.metric:
                # Cases and people (组织处理12件15人): the people count is the figure.
                found[-1] = Found(fact.metric, q, prev_fact.start, fact.end) if q.unit in PEOPLE else prev_fact
            else:
                found.append(fact)
        prev_q, prev_pre = q, pre
    if len(quantities) > 1 and metric_of:  # a list needs two figures, one of them classified
        found += _list_items(text, sentence.start, quantities, metric_of)
    found.sort(key=lambda f: f.start)  # a trigger quoted with its figure may lie before an earlier figure
    return found


def _list_items(text: str, offset: int, quantities: list, metric_of: dict) -> list[Found]:
    """The other items of a list one of whose items has a metric: earlier units before a classified
    last item or total (对191个党政机关、12个事业单位,57个群团组织共268个党组织进行巡察), later units
    after a classified first item (巡察市直部门233个、乡镇770个; 延伸巡察8个站所、32个村), and people
    listed by rank (立案审查厅级干部1225名、处级干部8684名; 对121名厅级和921名处级干部作出组织处理)."""
    out, changed = [], True
    pairs = list(pairwise(quantities))
    while changed:
        changed = False
        for a, b in pairs:
            known_a, known_b = metric_of.get(a.start), metric_of.get(b.start)
            if (known_a is None) == (known_b is None):
                continue
            link = text[a.end:b.start]
            metric = known_a or known_b
            if metric == "units_inspected":
                if a.unit not in ORG_UNITS or b.unit not in ORG_UNITS:
                    continue
                fits = (_UNIT_LINK_BACK.fullmatch(link) if known_b else _ITEM_LINK.fullmatch(link)
                        and not re.match(LOCATING, text[b.end:b.end + 24]))
            else:
                fits = a.unit == b.unit and a.unit in PEOPLE and _PEOPLE_LINK.fullmatch(link)
            if fits:
                q = b if known_a else a
                metric_of[q.start] = metric
                out.append(Found(metric, q, offset + q.start, offset + q.end))
                changed = True
    return out


def scan(sentences: list[Sentence]):
    """(sentence, figures, plan_at) for each sentence about 巡察; figures from sentence.start + plan_at on
    are planned (plan_at is None where nothing is).

    A sentence without its own 巡察 word still counts when it continues a previous
    sentence of its paragraph that reported 巡察 figures (…发现问题120个。已整改100个。),
    or opens a new paragraph by looking back on that work (专项行动开展以来,共发现…),
    unless it names another kind of oversight. A plan carries on into the next sentences
    of its paragraph until one says what was done; what follows a launch (第二轮巡察启动了,
    巡察组已全部进驻) closely is the scope of a running round, not a plan.
    """
    prev = None  # (sentence, reported 巡察 figures, planned)
    for i, s in enumerate(sentences):
        same_par = prev is not None and prev[0].paragraph == s.paragraph
        inspect = bool(INSPECTION.search(s.text)) or (
            prev is not None and prev[1] and (same_par or LOOKS_BACK.match(s.text)) and not OTHER_OVERSIGHT.search(s.text))
        plan = PLAN.search(s.text)
        carried = same_par and prev[2] is not None and not DONE.search(s.text)
        planned = 0 if carried else plan.start() if plan else None
        if planned is not None and any(LAUNCHED.search(t.text) for t in sentences[max(0, i - _LAUNCH_REACH):i + 1]):
            planned = None  # a launch said just before: the running round's scope
        found = facts_in(s) if inspect else []
        if inspect:
            yield s, found, planned
        prev = (s, bool(found), planned)
