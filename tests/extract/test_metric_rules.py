"""Trigger words, classifiers and word order of the other metrics, and the traps beside them."""
import pytest

from ingest.extract import extract


def figures(text, **kw):
    return sorted((f.metric, f.value) for f in extract(text, **kw).facts)


@pytest.mark.parametrize("text, expected", [
    ("县巡察整改督查领导小组开展3次专项督查。", [("follow_up_supervisions", 3)]),
    ("区委巡察整改监督小组开展全面督查5轮。", [("follow_up_supervisions", 5)]),
    ("全市共开展7轮对40个党组织进行巡察。", [("rounds", 7), ("units_inspected", 40)]),
    ("县委巡察办此次共派出6个组开展巡察。", [("groups", 6)]),
    ("石泉县组建9个由乡镇纪委书记任组长的巡察小组。", [("groups", 9)]),
    ("省委派出5个专项巡视组。", [("groups", 5)]),
    ("巡察移交线索后,移送司法机关处理7人。", [("judicial_transfers", 7)]),
    ("巡察以来,给予党政纪及组织处理64人。", [("disciplinary_sanctions", 64)]),
    ("巡察发现问题线索71条,所有问题线索已向县纪委监委移交。", [("leads_transferred", 71)]),
    ("巡察共发现问题230个、线索18个。", [("issues_found", 230), ("leads_found", 18)]),
    ("巡察发现违反八项规定、侵害群众利益等问题57个、问题线索9件。", [("issues_found", 57), ("leads_found", 9)]),
    ("巡察组推动解决饮水安全、道路维护等群众“急难愁盼”问题19个。", [("public_issues_resolved", 19)]),
    ("巡察推动立行立改群众身边“急难愁盼”问题26个。", [("public_issues_resolved", 26)]),
    ("巡察组指出具体问题38个,其中30个已整改。", [("issues_found", 38), ("issues_rectified", 30)]),
    ("巡察梳理出扶贫领域突出问题12个。", [("issues_found", 12)]),
    ("巡察组向被巡察党组织反馈意见建议17条。", [("recommendations", 17)]),
    ("巡察期间,给予组织处理8人、党纪政务处分3人、移送司法机关1人。",
     [("disciplinary_sanctions", 3), ("judicial_transfers", 1), ("organizational_handling", 8)]),
])
def test_triggers(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text", [
    "巡察中,诫勉谈话9人,教育提醒6人。",  # 诫勉 and 教育提醒 are not organisational handling
    "巡察组反馈立行立改问题线索6条。",  # fed back for an immediate fix: neither found nor handed over
    "巡察组向被巡察单位移交立行立改问题14个。",  # handed over for a fix, not fixed
    "坚持巡察一轮、反馈一轮,压茬推进。",  # a working rule, not a count of rounds
    "巡察发现“三个不到位”方面的问题,一个不落整改到位。",  # a slogan and an idiom
    "围绕巡察反馈的8个问题子类,逐项整改。",  # categories are not problems
])
def test_traps(text):
    assert figures(text) == []


def test_a_paragraph_that_looks_back_on_the_inspection_continues_it():
    text = ("今年5月,石泉县启动对村巡察专项行动,组建12个巡察组。\n"
            "专项行动开展以来,共发现问题310个,移交问题线索22件。")
    assert figures(text) == [("groups", 12), ("issues_found", 310), ("leads_transferred", 22)]


def test_a_new_paragraph_about_something_else_is_not_read():
    text = ("今年5月,石泉县组建12个巡察组。\n"
            "县公安局今年共破获案件310起,抓获嫌疑人22名。")
    assert figures(text) == [("groups", 12)]


def test_breakdown_parts_follow_their_total_closely():
    text = "巡察共发现问题90个,其中作风方面问题30个、纪律方面问题20个。"
    assert figures(text) == [("issues_found", 20), ("issues_found", 30), ("issues_found", 90)]
    text = "其中专项巡察派出2个巡察组,下沉到9个乡镇、40个村走访。"
    assert figures(text) == [("groups", 2)]
