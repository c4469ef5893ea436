"""The national list of administrative divisions, as shipped by cpca. Plain Python: no database."""
import csv
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

# cpca's table has rows that are groupings, not divisions (市辖区, 县, 省直辖县级行政区划 …).
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None


def adcodes_path() -> Path:
    # Located without importing cpca, whose import builds its matchers (seconds of start-up).
    return Path(find_spec("cpca").submodule_search_locations[0]) / "resources" / "adcodes.csv"


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def national_divisions() -> list[DivisionRow]:
    """Provinces, cities and counties with their 6-digit codes and parents, parents first."""
    with adcodes_path().open(encoding="utf-8", newline="") as handle:
        raw = {row["adcode"][:6]: row["name"] for row in csv.DictReader(handle) if row["adcode"].endswith("000000")}
    names = {code: name for code, name in raw.items() if name not in PLACEHOLDER_NAMES}
    rows = []
    for code, name in names.items():
        level = level_of(code)
        if level == "province":
            parent = None
        elif level == "city":
            parent = code[:2] + "0000"
        else:
            city = code[:4] + "00"
            # Districts of 直辖市 and 省直辖 counties hang under the province.
            parent = city if city in names else code[:2] + "0000"
        rows.append(DivisionRow(code, name, level, parent if parent in names else None))
    order = {"province": 0, "city": 1, "county": 2}
    return sorted(rows, key=lambda r: (order[r.level], r.code))
