"""Clean-up keeps every span traceable to the original text."""
from ingest.extract import extract
from ingest.extract.clean import clean_text


def quoted(text, **kw):
    result = extract(text, **kw)
    for f in result.facts:
        assert text[f.start:f.end] == f.quote
    return {(f.metric, f.value): f.quote for f in result.facts}


def test_ocr_breaks_inside_words_and_numbers():
    text = "巡察组发现问\n\n题 31\n8个,移交问题\n线索2\n0件。"
    assert quoted(text) == {("issues_found", 318): "发现问\n\n题 31\n8个", ("leads_transferred", 20): "移交问题\n线索2\n0件"}


def test_traditional_and_full_width():
    text = "縣委巡察組發現問題３１８個，整改率達９６％。"
    assert quoted(text) == {("issues_found", 318): "發現問題３１８個", ("rectification_rate", 96): "整改率達９６％"}


def test_html_tags_entities_scripts():
    text = ("<html><head><style>p{color:red}</style><script>var n='发现问题999个';</script></head>"
            "<body><p>巡察组&nbsp;发现<b>问题</b>12个</p><div>巡察移交问题线索&#51;件</div></body></html>")
    assert quoted(text) == {("issues_found", 12): "发现<b>问题</b>12个", ("leads_transferred", 3): "移交问题线索&#51;件"}


def test_paragraph_breaks_stay():
    c = clean_text("第一段结束。\n\n第二段\n\n继续。\n  新段落开始")
    assert c.text == "第一段结束。\n第二段继续。\n新段落开始"


def test_spaces_between_latin_words_stay():
    assert clean_text("GDP 201亿元, New York").text == "GDP 201亿元,New York"


def test_span_maps_back_through_html():
    text = "<p>甲&amp;乙</p><p>丙 丁</p>"
    c = clean_text(text)
    assert c.text == "甲&乙\n丙丁"
    i = c.text.index("&")
    assert text[slice(*c.span(i, i + 1))] == "&amp;"
    assert text[slice(*c.span(0, len(c.text)))] == "甲&amp;乙</p><p>丙 丁"
