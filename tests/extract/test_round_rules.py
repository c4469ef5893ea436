"""Rounds as articles write them: organizer, dates, sizes, kinds, and the clauses that are no rounds."""
from ingest.extract import extract


def rounds(text, **kw):
    return [(r.organizer, r.kind, r.start, r.end, r.groups, r.units) for r in extract(text, **kw).rounds]


def test_organizer_is_the_committee_that_runs_it():
    text = "2021年5月6日至6月30日,十四届石泉县委第九轮巡察派出5个巡察组,对18个单位党组织开展常规巡察。"
    assert rounds(text) == [("石泉县", "regular", "2021-05-06", "2021-06-30", 5, 18)]


def test_a_round_with_a_size_but_no_date():
    assert rounds("石泉县委第四轮巡察将8个乡镇确定为专项巡察对象。") == [("石泉县", "special", None, None, None, 8)]


def test_since_a_day_and_the_year_from_the_publication_date():
    text = "自4月10日起,至6月底前,对县教育局等12个单位党组织进行常规巡察。"
    assert rounds(text, published="2022-04-15") == [(None, "regular", "2022-04-10", "2022-06", None, 12)]


def test_entry_completed_by_a_day_dates_the_round():
    text = "经县委批准,长丰县委第六轮巡察对县民政局等9个单位党组织开展“回头看”。截至10月8日,3个县委巡察组全部完成进驻。"
    assert rounds(text) == [("长丰县", "lookback", "--10-08", None, 3, 9)]


def test_a_month_range_and_a_bare_month():
    text = "今年3-5月,益阳市委对市审计局等6家单位开展了首轮巡察。5月以来,益阳市委派出11个巡察组开展交叉巡察。"
    assert rounds(text, published="2024-08-01") == [
        ("益阳市", None, "2024-03", "2024-05", None, 6),
        ("益阳市", "joint", "2024-05", None, 11, None),
    ]


def test_committees_after_semicolons_run_rounds_of_their_own():
    text = "益阳市委对下属3个县党委开展专项巡察;石泉县委对农业局等6个单位党组织开展首轮巡察。"
    assert rounds(text) == [("益阳市", "special", None, None, None, 3), ("石泉县", None, None, None, None, 6)]


def test_one_round_told_in_two_sentences_is_one_round():
    text = ("十三届县委第三轮巡察派出4个巡察组,对12个村(社区)党组织开展常规巡察。"
            "本轮巡察集中进驻时间为2023年3月6日至4月10日,共计35天。")
    assert rounds(text) == [("县委", "regular", "2023-03-06", "2023-04-10", 4, 12)]


def test_parts_of_one_announcement_that_start_the_same_day_are_one_round():
    text = ("自3月6日起,对市供销社党组开展上下联动巡察。"
            "自3月6日起,对市委办等10个市直部门党组织进行常规巡察。")
    assert len(rounds(text)) == 1


def test_scene_setting_clause_is_no_round():
    text = "去年10月,益阳市委专项巡察组进驻石泉后,某某在一周内即被立案处理。"
    assert rounds(text) == []
    text = "今年7月,石泉县委第二巡察组在青禾镇开展巡察时,多名村民来访反映问题。"
    assert rounds(text) == []


def test_a_clause_with_after_that_goes_on_with_the_inspection_is_a_round():
    text = "今年3月,十五届石泉县委第一轮巡察启动后,第一巡察组立即入驻青禾镇,对各行政村进行巡察。"
    assert [(r[0], r[2]) for r in rounds(text, published="2022-05-16")] == [("石泉县", "2022-03")]


def test_quoted_speech_and_province_wide_deployments_are_no_rounds():
    text = "“巡察15个基层党组织,发现问题200个。”日前,楚雄州委亮出第三轮巡察成绩单。"
    assert rounds(text) == []
    text = "今年4月,某省部署开展整治群众身边不正之风专项巡察,对多个领域开展全覆盖巡察。"
    assert rounds(text, published="2024-09-01") == []


def test_running_totals_are_no_rounds():
    text = "常态化、多轮次对21个单位开展巡察“回头看”。今年以来,累计派出巡察组30个,巡察单位80个。"
    assert rounds(text) == []


def test_dateline_of_a_news_agency_is_no_round_start():
    text = "某某社北京4月9日电/据报道,2023年6月,石泉县组建9个巡察组,对30个村开展集中巡察。"
    assert [r[2] for r in rounds(text)] == ["2023-06"]


def test_a_part_that_names_no_committee_joins_the_round_before_it():
    text = ("9月20日,石泉县委第五轮巡察正式启动,县委组建6个巡察组。"
            "对县总工会、县妇联等8个部门进行常规巡察;对两个镇开展提级巡察。")
    assert rounds(text, published="2021-10-01") == [("石泉县", "regular", "2021-09-20", None, 6, 8)]


def test_meeting_and_feedback_dates_are_no_starts():
    text = "8月26日,石泉县委巡察工作领导小组听取第二轮巡察情况汇报,3个巡察组对7家单位开展了巡察。"
    assert [r[2] for r in rounds(text)] == [None]
    text = "第四轮巡察派出的5个巡察组于2019年1月8日分别向8家单位反馈巡察意见。"
    assert [r[2] for r in rounds(text)] == [None]


def test_quoted_speech_makes_a_round_only_with_a_date():
    text = "“我们于5月6日启动了县委第七轮巡察,本轮巡察将对30个村开展巡察。”石泉县委巡察办负责人说。"
    assert [(r[0], r[2], r[5]) for r in rounds(text, published="2020-05-12")] == [("石泉县", "2020-05-06", 30)]


def test_parts_totals_and_batches_are_no_rounds():
    assert rounds("其中,4个市委巡察组分别对12个市直单位开展巡察。") == []
    assert rounds("全年巡察120个单位,发现问题900个。") == []
    assert rounds("组成9个巡察组,对全县80个村分批次开展巡察。") == []


def test_central_committee_runs_central_rounds():
    text = "2016年7月,中央第三巡视组进驻某省开展专项巡视。"
    assert [(r[0], r[1], r[2]) for r in rounds(text)] == [("中央", "special", "2016-07")]
