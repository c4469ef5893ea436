"""Rounds and their dates, in sentences written for these tests."""
from ingest.extract import extract


def rounds(text, published=None):
    return [(r.organizer, r.kind, r.start, r.end, r.groups, r.units) for r in extract(text, published).rounds]


def test_range_with_groups_and_units():
    text = "3月6日至4月20日,通城县委组织4个巡察组对全县18个村开展常规巡察。"
    assert rounds(text) == [("通城县", "regular", "--03-06", "--04-20", 4, 18)]
    assert rounds(text, "2023-06-01") == [("通城县", "regular", "2023-03-06", "2023-04-20", 4, 18)]


def test_since_with_duration_is_a_village_round():
    text = "自5月10日起,咸安区委对6个村(社区)开展为期30天的乡村一体巡。"
    assert rounds(text) == [("咸安区", "village", "--05-10", None, None, 6)]


def test_ten_day_parts_are_months():
    text = "咸宁市委巡察办介绍,今年3月上旬至5月下旬开展十届市委第二轮巡察,对12家市直单位开展专项巡察。"
    assert rounds(text, "2024-07-01") == [("咸宁市", "special", "2024-03", "2024-05", None, 12)]


def test_year_only_round_with_a_single_unit():
    assert rounds("2022年,沅陵县委对大合坪乡党委开展了“机动式”巡察。") == [("沅陵县", "mobile", "2022", None, None, 1)]


def test_last_year_needs_a_published_date():
    text = "叶县县委去年对5个乡镇开展巡察“回头看”。"
    assert rounds(text, "2021-04-01") == [("叶县", "lookback", "2020", None, None, 5)]


def test_traditional_text():
    assert rounds("2月27日至4月12日，衛東區委組織6個巡察組對15個村開展常規巡察。") == [
        ("卫东区", "regular", "--02-27", "--04-12", 6, 15)]


def test_not_rounds():
    assert rounds("截至目前,县委累计巡察单位120家,发现问题600余个。") == []  # running total
    assert rounds("县委第二轮巡察紧盯住建、自然资源等部门开展巡察。") == []  # no date, no size
    assert rounds("2018年在对民政系统进行专项巡察时,发现问题线索。") == []  # subordinate clause
    assert rounds("2019年3月,区委巡察办组织巡察干部开展为期10天的培训。") == []  # training, not a round
    assert rounds("2023年以来,县委共完成六轮巡察。") == []


def test_planned_round_is_a_round_but_its_figures_are_not_facts():
    result = extract("2024年,市委计划于3月至6月对15家单位开展常规巡察。", "2024-01-10")
    assert [(r.start, r.end, r.units) for r in result.rounds] == [("2024-03", "2024-06", 15)]
    assert result.facts == []
