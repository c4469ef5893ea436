"""Lists that carry one metric, central inspections, plans against launched rounds, proposed transfers."""
import pytest

from ingest.extract import extract


def figures(text, **kw):
    return sorted((f.metric, f.value) for f in extract(text, **kw).facts)


@pytest.mark.parametrize("text, expected", [
    # noun-first list after 巡察
    ("全省共巡察省直部门120个、省属企业35个、乡镇410个。",
     [("units_inspected", 35), ("units_inspected", 120), ("units_inspected", 410)]),
    # a later item of a list after a classified first one
    ("本轮巡察对6个乡镇开展提级巡察,并延伸巡察7个站所、24个村。",
     [("units_inspected", 6), ("units_inspected", 7), ("units_inspected", 24)]),
    # comma-separated items each opened by a name and 等
    ("听取了5个巡视组对省教育厅等8个厅局,省总工会等4个群团组织,某某大学等6所高校开展巡视的情况汇报。",
     [("groups", 5), ("units_inspected", 4), ("units_inspected", 6), ("units_inspected", 8)]),
    # clauses that each add one more inspected item
    ("完成了对7个县直部门常规巡察,5个部门专项巡察,3个国有企业巡察“回头看”。",
     [("units_inspected", 3), ("units_inspected", 5), ("units_inspected", 7)]),
    # people listed by rank share the metric
    ("根据巡视移交线索,立案审查厅级干部31名、处级干部240名。", [("cases_filed", 31), ("cases_filed", 240)]),
    ("根据巡视移交线索,组织部门对12名厅级和85名处级干部作出组织处理。",
     [("organizational_handling", 12), ("organizational_handling", 85)]),
    # provinces counted with 省 as classifier, units with 被巡视的
    ("第三轮中央巡视的河南、江西、贵州3省及2个单位已全部公布整改情况。",
     [("units_inspected", 2), ("units_inspected", 3)]),
    ("在9个被巡视的地区、单位中,有6个存在这一问题。", [("units_inspected", 9)]),
    ("中央巡视组分别向十二个省反馈了巡视情况。", [("units_inspected", 12)]),
])
def test_lists_carry_one_metric(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("巡察追责处理3个单位19人。", [("accountability", 19)]),
    ("巡察给予党纪立案查处8人,其中:给予开除党籍5人、开除公职1人。",
     [("cases_filed", 8), ("disciplinary_sanctions", 1), ("disciplinary_sanctions", 5)]),
    ("巡察推动县纪委对这2位科级干部进行立案调查。", [("cases_filed", 2)]),
    ("巡察发现的17件问题线索已按照分类处置原则进行了移交。", [("leads_transferred", 17)]),
    ("巡察组建议移送县纪委监委处置问题线索11条。", [("leads_found", 11)]),
    ("巡察发现违反“四项纪律”问题及线索3000余件。", [("issues_found", 3000)]),
    ("巡视组发现12个地区党组织存在管党治党宽松软问题310个。", [("issues_found", 310)]),
    ("截至目前,全县共完成312个单位巡察监督工作。", [("units_inspected", 312)]),
    ("县委对前3轮巡察的21个党组织开展整改督查。", [("rounds", 3), ("units_inspected", 21)]),
    ("吉平县委巡察组对7家被巡单位开展巡察。", [("units_inspected", 7)]),
])
def test_other_wordings(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text", [
    "给予党纪处分30人(党内警告20人,严重警告6人,开除党籍4人)。",  # types inside a total
    "巡察整改完成率达到100%的31个,80%以下的2个。",  # bands of organisations, not a rate
    "巡察发现问题300个,涉及领导干部问题120件。",  # a second 问题 is a part, not found problems
])
def test_breakdowns_and_bands_are_not_figures(text):
    assert ("disciplinary_sanctions", 4) not in figures(text)
    assert ("rectification_rate", 100) not in figures(text)
    assert ("issues_found", 120) not in figures(text)


def test_central_inspection_owns_its_figures_and_round():
    text = "2015年第一轮中央巡视涉及甲省、乙省等5个省区市。2015年3月,中央第六巡视组正式进驻某省。"
    result = extract(text)
    assert {f.subject for f in result.facts} == {"中央"}
    assert [(r.organizer, r.start) for r in result.rounds][-1] == ("中央", "2015-03")


def test_a_plan_word_governs_only_what_follows_it():
    text = "会议听取了巡察组对8个单位开展巡察的情况汇报,并对下一步巡察工作进行了部署。"
    assert figures(text) == [("units_inspected", 8)]
    assert figures("县委巡察组下一步将对9个乡镇开展巡察。") == []


def test_the_scope_of_a_launched_round_is_no_plan():
    text = "截至3月20日,4个县委巡察组已全部进驻。\n根据县委部署,4个巡察组将对11个单位开展常规巡察。"
    assert ("units_inspected", 11) in figures(text)
