"""Files into text, bad input, hashing, highlighting and the comparison rules (no database)."""
import zipfile
from datetime import date

import pytest

from ingest.documents import DocumentError, content_hash, read_document
from ingest.highlight import segments
from ingest.rules import compare, resolve_date
from tests.articles import TEXT_PATHS, article_text, file_variants, pdf_bytes

LIMIT = 20 * 1024 * 1024


@pytest.mark.parametrize("path", TEXT_PATHS, ids=lambda p: p.stem)
def test_every_format_of_an_article_reads_to_the_same_normalised_text(path):
    text = article_text(path)
    docs = {name: read_document(name, data, max_bytes=LIMIT) for name, data in file_variants(text).items()}
    assert {content_hash(d.text) for d in docs.values()} == {content_hash(text)}
    assert docs["a.gbk.txt"].encoding == "gb18030" and docs["a.gbk.txt"].text == text
    assert docs["a.docx"].encoding == "docx" and docs["a.pdf"].encoding == "pdf"


def test_traditional_characters_are_not_mojibake():
    text = article_text(next(p for p in TEXT_PATHS if "traditional" in p.name))
    for name, data in file_variants(text).items():
        assert content_hash(read_document(name, data, max_bytes=LIMIT).text) == content_hash(text), name


def test_gbk_proper_decodes():
    text = article_text()
    assert read_document("a.txt", text.encode("gbk"), max_bytes=LIMIT).text == text


def test_html_keeps_visible_text_drops_scripts_and_takes_the_title():
    page = ("<html><head><title>巡察 &amp; 整改</title><script>alert('x')</script><style>p{}</style></head>"
            "<body><p>区委巡察组发现问题<b>12</b>个。</p><script>document.write('坏')</script><p>第二段</p></body></html>")
    doc = read_document("a.html", page.encode("utf-8"), max_bytes=LIMIT)
    assert doc.title == "巡察 & 整改"
    assert doc.text == "区委巡察组发现问题12个。\n第二段"
    assert "alert" not in doc.text and "坏" not in doc.text


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "文件为空"),
    ("blank.txt", b" \n\t\r\n", "文件为空"),
    ("junk.txt", bytes(range(256)) * 40, "不是文本"),
    ("mojibake.txt", "区委巡察组发现问题737个，已整改销号706个，整改率达96%。".encode().decode("latin-1").encode("utf-8") * 20,
     "乱码"),
    ("gbk-as-utf8.txt", "区委巡察组发现问题737个，已整改销号706个。".encode().decode("gbk", errors="replace").encode("utf-8") * 20,
     "乱码"),
    ("broken.docx", b"PK\x03\x04 not really a zip file at all", "Word 文件已损坏"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "PDF 文件"),
    ("photo.jpg", b"\xff\xd8\xff\xe0", "不支持的文件类型"),
    ("only-tags.html", b"<html><script>alert(1)</script></html>", "没有文字"),
])
def test_bad_input_is_refused_with_a_chinese_message(name, data, message):
    with pytest.raises(DocumentError, match=message):
        read_document(name, data, max_bytes=LIMIT)


def test_docx_that_is_a_zip_but_not_a_document(tmp_path):
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not word")
    with pytest.raises(DocumentError, match="Word"):
        read_document("a.docx", path.read_bytes(), max_bytes=LIMIT)


def test_truncated_pdf_of_a_real_article_is_refused():
    data = pdf_bytes(article_text())
    with pytest.raises(DocumentError, match="PDF"):
        read_document("a.pdf", data[: len(data) // 3], max_bytes=LIMIT)


def test_size_limit():
    data = article_text().encode("utf-8")
    with pytest.raises(DocumentError, match="文件过大"):
        read_document("a.txt", data, max_bytes=len(data) - 1)
    assert read_document("a.txt", data, max_bytes=len(data)).text


def test_hash_ignores_whitespace_and_width_but_not_content():
    assert content_hash("发现问题 12 个。") == content_hash("发现问题１２个。\n")
    assert content_hash("发现问题12个。") != content_hash("发现问题13个。")


class Item:
    def __init__(self, start, end):
        self.start_offset, self.end_offset = start, end


def test_segments_cover_the_text_once_and_skip_overlaps():
    text = "<b>发现问题12个，整改10个</b>"
    items = [Item(3, 9), Item(5, 8), Item(11, 16), Item(30, 40)]
    runs = segments(text, items)
    assert "".join(r.text for r in runs) == text
    assert [r.text for r in runs if r.item] == ["发现问题12", "整改10个"]


def test_resolve_date_of_reduced_precision():
    assert resolve_date("2017-02-27", None) == date(2017, 2, 27)
    assert resolve_date("--02-27", 2018) == date(2018, 2, 27)
    assert resolve_date("--02-27", None) is None
    assert resolve_date("2017-02", None, end=True) == date(2017, 2, 28)
    assert resolve_date("2017", None) == date(2017, 1, 1) and resolve_date("2017", None, end=True) == date(2017, 12, 31)
    assert resolve_date("--02-30", 2018) is None and resolve_date("later", 2018) is None


def test_compare_rules():
    assert compare(12, 12, approx=False, is_rate=False).differs is False
    assert compare(12, 11, approx=False, is_rate=False).difference == -1
    assert compare(12, 11, approx=False, is_rate=False).differs is True
    assert compare(400, 430, approx=True, is_rate=False).differs is False
    assert compare(400, 460, approx=True, is_rate=False).differs is True
    assert compare(96, 95.6, approx=False, is_rate=True).differs is False
    assert compare(96, 94, approx=False, is_rate=True).differs is True
    assert compare(96, None, approx=False, is_rate=True).differs is None


def test_the_period_of_a_figure_comes_from_its_sentence_or_the_publication_date():
    from ingest.rules import period_of, sentence_around

    published = date(2025, 4, 25)
    until = period_of("截至2024年6月底，共发现问题120个", published)
    assert (until.start, until.end) == (None, date(2024, 6, 30)) and "截至2024年6月底" in until.basis
    assert period_of("截止3月15日，已整改95个", published).end == date(2025, 3, 15)
    year = period_of("2024年全年共巡察单位40个", published)
    assert (year.start, year.end) == (date(2024, 1, 1), date(2024, 12, 31))
    since = period_of("今年以来发现问题30个", published)
    assert (since.start, since.end) == (date(2025, 1, 1), published)
    assert period_of("共发现问题30个", published) == rules_period(None, published, "文章发布日期（累计）")
    assert period_of("共发现问题30个", None) is None  # never today: the reviewer is asked
    # 前N轮: the first N rounds of the current term, counted as of the sentence's date or the publication date.
    first = period_of("前3轮巡察共发现问题120个", published)
    assert (first.start, first.end, first.rounds) == (None, published, 3) and "本届第一至第三轮" in first.basis
    assert period_of("前两轮共巡察12个党组织", published).rounds == 2
    assert period_of("本届以来前五轮巡察反馈问题200个", published).rounds == 5
    dated = period_of("截至2024年6月底，前3轮共发现问题", published)
    assert (dated.end, dated.rounds) == (date(2024, 6, 30), 3)
    assert period_of("前3轮巡察共发现问题", None) is None  # no date: the reviewer is asked for the end
    for words in ("目前已发现问题30个", "第3轮巡察发现问题", "提前3轮完成"):
        assert period_of(words, published).rounds is None, words
    text = "第一句。截至2024年6月底，共发现问题120个；其余。"
    start = text.index("120")
    assert sentence_around(text, start, start + 3) == "截至2024年6月底，共发现问题120个；"


def rules_period(start, end, basis):
    from ingest.rules import Period

    return Period(start, end, basis)
