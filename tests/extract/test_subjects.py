"""Subjects of figures and organizers of rounds: the region a figure belongs to, never a place in passing."""
from ingest.extract import extract


def subjects(text, **kw):
    return {(f.metric, f.value): f.subject for f in extract(text, **kw).facts}


def organizers(text, **kw):
    return [(r.organizer, r.organizer_code) for r in extract(text, **kw).rounds]


def test_function_word_before_xian_is_no_county():
    # 州委和县委: 和县 is a county's name, but here 和 joins two committees.
    text = "丽江市委和县委巡察机构协同推进,丽江市委巡察组发现问题15个。"
    assert subjects(text) == {("issues_found", 15): "丽江市"}


def test_xian_shi_compound_is_no_county():
    text = "楚雄州委统筹县市巡察力量,对各县市开展巡察,发现问题21个。"
    assert subjects(text) == {("issues_found", 21): "楚雄州"}


def test_autonomous_prefecture_keeps_its_short_name():
    text = "今年4月1日至5月20日,楚雄州委派出8个巡察组开展常规巡察,发现问题90个。"
    assert subjects(text)[("issues_found", 90)] == "楚雄州"
    assert organizers(text)[0][0] == "楚雄州"


def test_committee_never_named_is_taken_literally():
    text = "根据县委统一部署,2023年3月6日至4月28日,县委第二巡察组对龙潭镇开展常规巡察,发现问题12个。"
    assert organizers(text) == [("县委", None)]
    assert subjects(text) == {("issues_found", 12): None}


def test_province_committee_never_named_over_a_named_district():
    text = "2024年5月8日至7月1日,省委第五巡视组对青石市河口区开展了巡视。"
    assert organizers(text)[0][0] == "省委"


def test_city_named_only_in_its_short_form():
    # 市委 of a text that names its city only inside other names (绍兴生态园).
    text = "市委第三轮巡察对绍兴生态园管委会等9个单位党组织开展常规巡察。截至5月6日,4个市委巡察组全部完成进驻。"
    assert subjects(text)[("groups", 4)] == "绍兴市"


def test_places_inside_the_inspected_object_are_not_the_subject():
    text = "益阳市委巡察组对桃江县林业局、安化县水利局等6个单位开展巡察,发现问题33个。"
    got = subjects(text)
    assert got[("units_inspected", 6)] == "益阳市"


def test_places_listed_in_an_earlier_sentence_are_not_the_subject():
    text = ("益阳市委专项巡察的对象包括桃江县、安化县、南县等县区。"
            "截至9月1日,5个巡察组共谈话120人次,发现问题64个。")
    assert subjects(text)[("issues_found", 64)] == "益阳市"


def test_district_renamed_from_a_county_level_city():
    # The national list may still hold 临安市; the text's 临安区委 is the same place.
    text = "临安区委巡察组发现问题19个。"
    assert subjects(text)[("issues_found", 19)] == "临安区"
