"""units_inspected: lists by unit type, totals with breakdowns, objects far from the verb, and the traps."""
import pytest

from ingest.extract import extract


def units(text, **kw):
    return sorted(f.value for f in extract(text, **kw).facts if f.metric == "units_inspected")


@pytest.mark.parametrize("text, expected", [
    # a list by unit type, each count a fact
    ("青禾县委巡察组对3个乡镇、21个村、5个社区开展了常规巡察。", [3, 5, 21]),
    # a total after a list that runs over several clauses
    ("全县共开展6轮对46个县直部门、9个事业单位,7个乡镇,12个群团组织共74个党组织进行巡察。", [7, 9, 12, 46, 74]),
    # the count far from 对, behind a long list of names
    ("对县农业农村局、县水务局、县林业局、县自然资源局、县交通运输局、县住房和城乡建设局、县市场监管局、"
     "县医保局等8个单位党组织开展常规巡察。", [8]),
    # 等N个 with the list too long for the window of 对
    ("巡察组对县委办、县政府办、县人大办、县政协办、县发改局、县财政局、县教育局、县卫健局、县民政局、"
     "县司法局、县统计局、县审计局、县人社局等13个部门党组织进行常规巡察。", [13]),
    # the noun before the count
    ("今年县委共巡察党组织149个,发现问题560个。", [149]),
    # 完成…巡察全覆盖
    ("截至目前,已完成448个村(社区)巡察全覆盖。", [448]),
    # towns that are inspected themselves, with their villages
    ("对石桥镇等3个乡镇党委及其所属的27个村党组织开展巡察。", [3, 27]),
    # the object of an inspection group, the verb cut off
    ("专项巡察派出2个巡察组,对全县17个成员单位、8个乡", [8, 17]),
    # 被巡察单位
    ("巡察发现11个被巡察单位存在问题线索90条。", [11]),
    # 前N轮巡察把…作为对象
    ("前两轮巡察把9个部门、6个乡镇作为对象。", [6, 9]),
    # the units of a 回头看
    ("县委第五轮巡察对4个单位党组织开展巡察“回头看”。", [4]),
    # 延伸巡察…达N个
    ("市县联动巡察,延伸巡察基层站所、村级组织达230个。", [230]),
])
def test_units_inspected_patterns(text, expected):
    assert units(text) == expected


@pytest.mark.parametrize("text", [
    # a rectification check of units, not an inspection
    "对25个单位开展巡察整改专项督查。",
    "组建专班对12个牵头单位的巡察整改工作开展跟踪督查和“回头看”。",
    # villages that set up a database, institutions founded, people trained, population
    "全县巡察工作中,已有60个村建立了村级数据库。",
    "目前,11个设区市均成立了巡察机构。",
    "县委巡察办对120个村的党组织书记开展巡察业务培训。",
    "巡察对象涉及3439个村民小组、93万人口。",
    # units an earlier round inspected, visited again: a follow-up, not an inspection
    "县委巡察办对前一轮巡察的14个村党组织开展回访。",
])
def test_units_inspected_traps(text):
    assert units(text) == []


def test_towns_that_only_locate_the_villages_are_not_counted():
    assert units("对青禾镇、白沙乡等4个乡镇所属的至少18个村开展巡察。") == [18]
    fact = next(f for f in extract("对青禾镇、白沙乡等4个乡镇所属的至少18个村开展巡察。").facts)
    assert fact.approx
