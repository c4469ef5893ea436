"""Noise classes of real pages: each is cleaned, and every figure still points into the original text."""
from ingest.extract import extract
from ingest.extract.clean import LOST_CHAR, clean_text


def figures(text, **kw):
    result = extract(text, **kw)
    for f in result.facts:
        assert text[f.start:f.end] == f.quote
    return {(f.metric, f.value) for f in result.facts}


def test_pinyin_gloss_after_every_character_is_dropped():
    text = "青禾縣(xiàn)委巡察組(zǔ)發(fā)現(xiàn)問(wèn)題(tí)27個(gè),移交問(wèn)題線(xiàn)索(suǒ)5件(jiàn)。"
    c = clean_text(text)
    assert c.text == "青禾县委巡察组发现问题27个,移交问题线索5件。"
    assert figures(text) == {("issues_found", 27), ("leads_transferred", 5)}


def test_gloss_cut_off_at_the_end_and_latin_in_brackets_stay():
    assert clean_text("巡察組(zǔ)進駐環(h").text == "巡察组进驻环"
    assert clean_text("采用GDP(GNP)口径").text == "采用GDP(GNP)口径"


def test_traditional_characters_are_read():
    text = "縣委巡察組對12個鄉鎮黨委開展常規巡察,發現問題88個。"
    assert figures(text) == {("units_inspected", 12), ("issues_found", 88)}


def test_anti_scrape_junk_between_sentences_is_dropped():
    text = "县委巡察组发现问题40个。 q7 L: x2 &8 Z 移交问题线索6件。"
    c = clean_text(text)
    assert "q7" not in c.text
    assert figures(text) == {("issues_found", 40), ("leads_transferred", 6)}
    # Ordinary Latin words, times and codes are not junk.
    assert clean_text("办公 8:30-17:30,New York Times").text == "办公8:30-17:30,New York Times"


def test_lost_character_marked_and_number_beside_it_not_read():
    text = "巡察发现问题?5个,移交问题线索7件。你们能管吗?\n巡察组已进驻。"
    c = clean_text(text)
    assert LOST_CHAR in c.text and c.text.endswith("你们能管吗?\n巡察组已进驻。")
    assert figures(text) == {("leads_transferred", 7)}


def test_numbers_broken_by_line_breaks_are_joined_even_in_a_page_of_paragraphs():
    text = ("第一段讲背景。\n第二段也讲背景。\n第三段还讲背景。\n"
            "栗山县委巡察组共发现问题1\n24个,移交问题线索9件。\n")
    assert figures(text) == {("issues_found", 124), ("leads_transferred", 9)}


BODY = ("根据县委统一部署,县委巡察组对本县的单位党组织开展常规巡察,重点了解落实中央决策部署的情况和作风建设情况。\n"
        "巡察期间,各巡察组设立信访接待窗口,开通举报电话,接受群众来信来电来访,受理反映领导班子及其成员的问题。\n"
        "对其他不属于巡察受理范围的信访问题,将按规定由有关部门和被巡察单位处理,欢迎干部群众如实反映情况。\n")


def test_title_lines_of_a_page_of_paragraphs_are_paragraphs():
    text = "栗山县:巡察启动\n" + BODY
    c = clean_text(text)
    assert c.text.startswith("栗山县:巡察启动\n根据")


def test_page_furniture_lines_are_dropped_and_keep_the_date():
    text = ("您的位置:首页 > 工作动态 > 巡视巡察\n"
            "发布时间:2023-06-02 09:15 来源:某某纪检监察网\n"
            "柳溪县:巡察推动整改\n"
            "柳溪县委巡察组发现问题31个。\n" + BODY +
            "(责任编辑 王某)\n"
            "上一篇:某某新闻\n下一篇:另一条新闻\n"
            "联系电话:0000-1234567 邮政编码:123456\n"
            "某ICP备12345678号-1\n")
    result = extract(text)
    c = clean_text(text)
    for word in ("首页", "来源", "责任编辑", "上一篇", "下一篇", "联系电话", "ICP"):
        assert word not in c.text
    assert "柳溪县委巡察组发现问题31个。" in c.text
    assert result.published == "2023-06-02"
    assert {(f.metric, f.value) for f in result.facts} == {("issues_found", 31)}


def test_agency_dateline_at_the_head_of_a_paragraph_is_dropped():
    text = "某某社北京5月6日电/据报道,栗山县委巡察组发现问题12个。巡察组已进驻。"
    c = clean_text(text)
    assert c.text.startswith("据报道")
    assert "5月6日" in c.furniture
    assert extract(text).rounds == []
    text = "本报讯(记者 甲乙 通讯员 丙丁)栗山县委巡察组发现问题12个。"
    assert clean_text(text).text.startswith("栗山县委")


def test_furniture_is_looked_for_above_and_below_the_article_only():
    body = [f"第{i}段讲巡察工作的做法和成效,内容完整。" for i in range(40)]
    text = "\n".join(["首页 > 新闻 > 正文"] + body[:20] + ["来源:正文中引用的一行"] + body[20:] + ["责任编辑:某某"])
    c = clean_text(text)
    assert "首页" not in c.text and "责任编辑" not in c.text
    assert "来源:正文中引用的一行" in c.text
