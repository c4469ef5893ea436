"""Sentences written for these tests (not from the corpus): every metric in several
phrasings, both numeral systems, hedges, Traditional characters; and negatives."""
import pytest

from ingest.extract import extract


def figures(text, published=None):
    return {(f.metric, f.value, f.approx) for f in extract(text, published).facts}


POSITIVE = [
    # rounds
    ("县委完成常规巡察6轮,实现巡察全覆盖。", {("rounds", 6, False)}),
    ("十四届县委共开展了八轮巡察。", {("rounds", 8, False)}),
    ("前三轮巡察共发现问题210个。", {("rounds", 3, False), ("issues_found", 210, False)}),
    # units_inspected
    ("区委巡察组对28家区直单位党组织开展了常规巡察。", {("units_inspected", 28, False)}),
    ("今年以来共巡察42个村(社区)党组织。", {("units_inspected", 42, False)}),
    ("市委对5个乡镇、64个村开展巡察。", {("units_inspected", 5, False), ("units_inspected", 64, False)}),
    ("县委巡察组对十二个部门党组进行了专项巡察。", {("units_inspected", 12, False)}),
    # groups
    ("县委派出4个巡察组开展第二轮巡察。", {("groups", 4, False)}),
    ("市委组建三个巡察组,进驻被巡察单位。", {("groups", 3, False)}),
    # issues_found
    ("本轮巡察共发现各类问题356个。", {("issues_found", 356, False)}),
    ("巡察组发现问题近200个。", {("issues_found", 200, True)}),
    ("巡察期间共发现党的建设方面问题一百二十条。", {("issues_found", 120, False)}),
    ("向被巡察单位反馈问题98个。", {("issues_found", 98, False)}),
    # leads
    ("巡察发现违纪违法问题线索31条。", {("leads_found", 31, False)}),
    ("巡察向县纪委监委移交问题线索15件。", {("leads_transferred", 15, False)}),
    ("巡察期间,向组织部门移送问题线索6条。", {("leads_transferred", 6, False)}),
    ("巡察组将9条问题线索移交县纪委监委处置。", {("leads_transferred", 9, False)}),
    # recommendations
    ("巡察组向被巡察党组织提出整改建议126条。", {("recommendations", 126, False)}),
    ("巡察办向有关部门发出《巡察整改建议书》12份。", {("recommendations", 12, False)}),
    # outcomes
    ("根据巡察移交线索,立案审查调查14人。", {("cases_filed", 14, False)}),
    ("根据巡察发现的问题,已立案21件。", {("cases_filed", 21, False)}),
    ("巡察移交线索办结后,给予党纪政务处分十八人。", {("disciplinary_sanctions", 18, False)}),
    ("针对巡察发现的问题,共有12人受到党纪处分。", {("disciplinary_sanctions", 12, False)}),
    ("巡察整改中组织处理干部23人。", {("organizational_handling", 23, False)}),
    ("巡察移交线索中,组织处理12件15人。", {("organizational_handling", 15, False)}),
    ("巡察发现的问题中,3人被移送司法机关。", {("judicial_transfers", 3, False)}),
    ("对巡察整改不力的单位,追责问责16人。", {("accountability", 16, False)}),
    ("对巡察中发现的失职失责问题,严肃问责干部五名。", {("accountability", 5, False)}),
    # funds
    ("通过巡察追回违规资金56.8万元。", {("funds_recovered", 568000, False)}),
    ("巡察推动清退违规发放的补贴3万余元。", {("funds_recovered", 30000, True)}),
    ("巡察推动挽回经济损失1.2亿元。", {("funds_recovered", 120000000, False)}),
    # rectification
    ("巡察反馈的问题已整改到位311个。", {("issues_rectified", 311, False)}),
    ("截至目前,巡察发现问题已完成整改86个,整改率为91.5%。",
     {("issues_rectified", 86, False), ("rectification_rate", 91.5, False)}),
    ("巡察反馈问题整改完成率达到百分之九十五以上。", {("rectification_rate", 95, True)}),
    ("巡察期间立行立改问题17个。", {("issues_rectified", 17, False)}),
    # regulations
    ("通过巡察整改,建立健全制度机制48项。", {("regulations_revised", 48, False)}),
    ("督促被巡察单位修订完善规章制度约120个。", {("regulations_revised", 120, True)}),
    # public issues
    ("巡察推动解决群众急难愁盼问题60余件。", {("public_issues_resolved", 60, True)}),
    ("巡察期间帮助群众解决实际问题133个。", {("public_issues_resolved", 133, False)}),
    # follow-up
    ("县委巡察办已开展巡察整改回访督查12轮次。", {("follow_up_supervisions", 12, False)}),
    # Traditional characters and full-width digits
    ("縣委巡察組發現問題１２３個，移交問題線索１８件。", {("issues_found", 123, False), ("leads_transferred", 18, False)}),
    ("巡察整改後，追究問責二十三人，收繳違紀資金超過１５萬元。",
     {("accountability", 23, False), ("funds_recovered", 150000, True)}),
    # 其中: a total and its parts
    ("巡察共发现问题150个,其中党的建设方面问题40个、作风方面问题30个。",
     {("issues_found", 150, False), ("issues_found", 40, False), ("issues_found", 30, False)}),
    # a statistical passage goes on in the next sentence
    ("县委巡察组共发现问题120个。已整改完成100个。", {("issues_found", 120, False), ("issues_rectified", 100, False)}),
]

NEGATIVE = [
    "县纪委开展专项监督检查,累计发现问题41个。",  # 监督检查, not 巡察
    "禁毒大队销毁毒品2864.56千克。",
    "景区每天吸引游客3000余人。",
    "全县共建高标准农田33.82万亩。",
    "明年,县委计划对20家单位开展巡察。",  # a plan
    "下一步,巡察组将对12个村开展巡察。",
    "县委召开5次常委会研究巡察工作。",  # meetings
    "巡察办举办第七期巡察干部培训班,培训干部120人。",
    "县委第三轮巡察对县住建局等单位开展巡察。",  # ordinal, no count
    "巡察组先后对50余个重点问题提出处置意见。",
    "巡察干部人才库共有67人。",
    "巡察组对3家单位党组织主要负责人进行了约谈。",
    "巡察前梳理重点问题13条。",
]


@pytest.mark.parametrize("text,expected", POSITIVE)
def test_metric_sentences(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text", NEGATIVE)
def test_not_facts(text):
    assert figures(text) == set()
