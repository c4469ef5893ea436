"""Quantities in Chinese text: Arabic or Chinese numerals, 万/亿, decimals, percentages,
hedges (余, 多, 近, 约, 至少, 以上, 超过, 上万) and the classifier that follows."""
import re
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


def quantity_at(m: re.Match, offset: int = 0, at_least: bool = False) -> Quantity | None:
    """The Quantity of one QUANTITY_RE match, or None where it is not a counted amount."""
    num, lead = m.group("num"), m.group("lead")
    unit = "%" if m.group("pct") else m.group("unit")
    if not unit:
        return None
    if lead == "上":  # 上万, 上千: "some ten thousand"
        num = "一" + num
    value = parse_numeral(num)
    if value is None:
        return None
    approx = bool(lead or m.group("hedge") or m.group("tail") or at_least)
    return Quantity(value, approx, unit, m.start() + offset, m.end() + offset)


def find_quantities(text: str, offset: int = 0):
    """Quantities with a classifier in `text`, positions shifted by `offset`."""
    for m in QUANTITY_RE.finditer(text):
        if m.group("unit") is None and m.group("pct") is None:
            continue  # no classifier (years, 一 inside words): the most frequent case, so tested first
        if m.start() and text[m.start() - 1] in _NOT_A_COUNT:
            continue
        if m.group("num") == "一" and text[m.end():m.end() + 1] in _IDIOM_AFTER_ONE:
            continue  # 一个不落, 一个也不能少: "every single one"
        # 至少15个 (looked for behind the number: a 至 in the first-character set slows the scan)
        q = quantity_at(m, offset, at_least=m.start() >= 2 and text[m.start() - 2:m.start()] == "至少")
        if q is not None:
            yield q
