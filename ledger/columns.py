"""The layout of a 问题清单 / 整改台账 file: one definition for import, export and the template.

Headers, their order, which are required, and the Chinese labels of every choice column live
here only, so an exported file always reads back through the importer unchanged.
"""
import re
from dataclasses import dataclass

from inspection.choices import FindingCategory, Severity
from rectification.choices import TaskStatus


class LabelMap:
    """Chinese labels (and a few common spellings) ↔ the stored value of a choice field."""

    def __init__(self, choices, aliases: dict[str, str] | None = None, default: str | None = None):
        self.labels = dict(choices.choices)
        self.default = default
        self._values = {normalise_label(label): value for value, label in choices.choices}
        self._values.update({normalise_label(alias): value for alias, value in (aliases or {}).items()})

    def value_for(self, text: str) -> str | None:
        return self._values.get(normalise_label(text))

    def label_for(self, value: str) -> str:
        return self.labels.get(value, "")

    def allowed(self) -> str:
        return "、".join(self.labels.values())


def normalise_label(text: str) -> str:
    """Labels compare without spaces, line breaks or the kind of quotes and brackets typed."""
    text = re.sub(r"\s+", "", str(text))
    return text.translate(QUOTES_AND_BRACKETS)


QUOTES_AND_BRACKETS = str.maketrans({"（": "(", "）": ")", "“": None, "”": None, "‘": None, "’": None, '"': None, "'": None})


CATEGORIES = LabelMap(
    FindingCategory,
    aliases={
        "政治建设": "political", "贯彻落实": "political", "贯彻落实党的路线方针政策": "political", "政治": "political",
        "全面从严治党": "integrity", "党风廉政建设": "integrity", "党风廉政": "integrity", "廉政": "integrity",
        "作风建设": "conduct", "作风": "conduct", "不正之风": "conduct",
        "组织建设": "organization", "党的建设": "organization", "干部队伍建设": "organization", "选人用人": "organization",
        "民生": "livelihood", "民生领域": "livelihood",
        "整改落实": "rectification", "巡视巡察整改": "rectification", "审计整改": "rectification",
    },
)
SEVERITIES = LabelMap(Severity, default=Severity.GENERAL)
STATUSES = LabelMap(
    TaskStatus,
    aliases={"正在整改": "in_progress", "未完成": "in_progress", "待验收": "reported", "销号": "closed", "已完成销号": "closed"},
    default=TaskStatus.IN_PROGRESS,
)


@dataclass(frozen=True)
class Column:
    header: str  # as written in row 1 of the file
    key: str  # the model field it holds (on `target`), or "organization" for the inspected unit's name
    target: str  # "finding", "task" or "" (the row key and the organisation, never written)
    kind: str  # "number", "text", "date" or "choice"
    required: bool = False  # the file must have this column
    filled: bool = False  # every row must have a value in it
    choices: LabelMap | None = None
    aliases: tuple[str, ...] = ()  # other headers staff commonly use for the same column
    width: int = 14
    note: str = ""  # shown on the template's 填写说明 sheet


COLUMNS = (
    Column("序号", "number", "", "number", required=True, filled=True, aliases=("问题序号", "编号"), width=7,
           note="正整数，同一次巡察内不重复；再次导入时按序号更新已有问题，不会重复新增。可写“十二”等中文数字。"),
    Column("被巡察党组织", "organization", "", "text", aliases=("被巡察单位",), width=22,
           note="可留空；填写时须与本次巡察的被巡察党组织名称一致。"),
    Column("问题类别", "category", "finding", "choice", required=True, filled=True, choices=CATEGORIES, aliases=("问题分类", "类别"), width=22),
    Column("问题描述", "description", "finding", "text", required=True, filled=True, aliases=("存在问题", "问题表现"), width=40, note="必填。"),
    Column("严重程度", "severity", "finding", "choice", choices=SEVERITIES, width=9, note="留空为“一般”。"),
    Column("整改措施", "measures", "task", "text", width=36),
    Column("责任单位", "responsible_unit", "task", "text", required=True, filled=True, aliases=("整改责任单位",), width=20,
           note="必填。"),
    Column("责任人", "responsible_person", "task", "text", aliases=("整改责任人",), width=10),
    Column("整改时限", "deadline", "task", "date", aliases=("整改期限", "完成时限"), width=12,
           note="日期，不得早于巡察反馈日期；新增问题留空则为反馈日期后两个月，已有问题留空则保持不变。"
                "可写 2023-05-08、2023/5/8、2023.5.8、2023年5月8日。"),
    Column("整改状态", "status", "task", "choice", required=True, choices=STATUSES, aliases=("状态",), width=14, note="留空为“整改中”。"),
    Column("完成时间", "closed_on", "task", "date", required=True, aliases=("销号时间", "销号日期", "完成日期"), width=12,
           note="销号日期：状态为“已销号”时必填，其他状态须留空；不得早于交办日期，不得晚于今天。"),
    Column("佐证材料", "evidence", "task", "text", aliases=("整改佐证材料",), width=24),
    Column("备注", "progress_note", "task", "text", aliases=("整改进展", "进展情况"), width=24),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_HEADERS = {column.key: column.header for column in COLUMNS if column.required}


def header_keys() -> dict[str, str]:
    """Normalised header text (and alias) → column key, for finding the columns of an uploaded file."""
    keys = {}
    for column in COLUMNS:
        for text in (column.header, *column.aliases):
            keys[normalise_label(text)] = column.key
    return keys
