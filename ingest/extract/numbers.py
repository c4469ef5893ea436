"""Quantities in Chinese text: Arabic or Chinese numerals, 万/亿, decimals, percentages,
hedges (余, 多, 近, 约, 至少, 以上, 超过, 上万) and the classifier that follows."""
from functools import lru_cache
from typing import NamedTuple

import cn2an

from .fastre import scanning

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# Classifiers the metric patterns use; longer ones first so 轮次 wins over 轮.
UNITS = ("轮次", "人次", "批次", "个", "件", "条", "项", "家", "名", "位", "人", "起", "份", "次", "轮", "批", "所", "处", "套", "部", "户", "省", "元", "%")

QUANTITY_RE = scanning(
    r"(?P<lead>将近|大约|超过|近|约|逾|超|上(?=[百千万亿]))?"
    r"(?P<pct>百分之)?"
    rf"(?P<num>(?<![\d.])\d+(?:\.\d+)?[万亿]?|[{_CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?)"
    r"(?P<hedge>余|多|来)?"
    rf"(?P<unit>{'|'.join(UNITS)})?"
    r"(?P<tail>以上|左右|多)?",
    rf"\d将大超近约逾上百{_CN_DIGITS}",
)
_IDIOM_AFTER_ONE = frozenset("不也都")
_NOT_A_COUNT = frozenset("第数几每首若〓")  # ordinals, vague amounts (第三轮, 数十个, 每轮), a lost digit before


# A NamedTuple, not a frozen dataclass: as immutable, and made dozens of times per article, three times faster to make.
class Quantity(NamedTuple):
    value: int | float
    approx: bool
    unit: str
    start: int
    end: int


@lru_cache(maxsize=4096)
def parse_numeral(text: str) -> int | float | None:
    """'318' -> 318, '三百一十八' -> 318, '478.2万' -> 4782000, '两万' -> 20000; None if not a number."""
    try:
        value = float(text) if text.replace(".", "", 1).isdigit() else cn2an.cn2an(text, "smart")
    except (ValueError, TypeError):
        return None
    return int(value) if float(value).is_integer() else round(float(value), 6)


def find_quantities(text: str, offset: int = 0):
    """Quantities with a classifier in `text`, positions shifted by `offset`."""
    for m in QUANTITY_RE.finditer(text):
        lead, pct, num, hedge, unit, tail = m.groups()  # one call: this loop runs for every number of a text
        if unit is None and pct is None:
            continue  # no classifier (years, 一 inside words): the most frequent case, so tested first
        start, end = m.span()
        if start and text[start - 1] in _NOT_A_COUNT:
            continue
        if num == "一" and text[end:end + 1] in _IDIOM_AFTER_ONE:
            continue  # 一个不落, 一个也不能少: "every single one"
        if lead == "上":  # 上万, 上千: "some ten thousand"
            num = "一" + num
        value = parse_numeral(num)
        if value is None:
            continue
        # 至少15个 (looked for behind the number: a 至 in the first-character set slows the scan)
        approx = bool(lead or hedge or tail) or (start >= 2 and text[start - 2:start] == "至少")
        yield Quantity(value, approx, "%" if pct else unit, start + offset, end + offset)
