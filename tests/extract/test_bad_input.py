"""Bad input gives a clear result or ExtractionError, never a crash or a hang."""
import os

import pytest

from ingest.extract import ExtractionError, extract

SENTENCE = "县委巡察组对12家单位开展巡察,发现问题318个,移交问题线索20件。"


def facts(result):
    return {(f.metric, f.value) for f in result.facts}


EXPECTED = {("units_inspected", 12), ("issues_found", 318), ("leads_transferred", 20)}


def test_empty():
    for empty in ("", "   \n ", b""):
        result = extract(empty)
        assert result.facts == [] and result.rounds == [] and result.warnings == ["empty text"]


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk"])
def test_encodings_are_detected(codec):
    result = extract(SENTENCE.encode(codec))
    assert facts(result) == EXPECTED
    assert result.text == SENTENCE


def test_binary_junk_is_an_error():
    with pytest.raises(ExtractionError):
        extract(os.urandom(4096) + b"\x00\x01\x02" * 100)
    with pytest.raises(ExtractionError):
        extract(bytes(range(256)) * 20)


@pytest.mark.parametrize("wrong", ["latin-1", "cp1252", "gbk"])
def test_mojibake_is_flagged_not_mined(wrong):
    garbled = (SENTENCE * 5).encode("utf-8").decode(wrong, errors="replace")
    result = extract(garbled)
    assert result.garbled and result.facts == [] and result.warnings


def test_gbk_bytes_read_as_utf8_with_replacement_is_flagged():
    result = extract((SENTENCE * 5).encode("gbk").decode("utf-8", errors="replace"))
    assert result.garbled and result.facts == []


def test_wrong_types_and_dates():
    with pytest.raises(ExtractionError):
        extract(12345)
    with pytest.raises(ExtractionError):
        extract(SENTENCE, published="next spring")


def test_very_long_text_without_punctuation_finishes():
    result = extract("巡察" + "发现问题" * 100_000 + "12个")
    assert isinstance(result.facts, list)


def test_twenty_megabytes_finish(article_texts):
    """Not timed: it must complete, with offsets into the whole text."""
    articles = "\n".join(article_texts.values()) + "\n"
    text = articles * (20 * 1024 * 1024 // len(articles.encode("utf-8")) + 1)
    result = extract(text.encode("utf-8"))
    assert len(result.facts) > 1000
    last = result.facts[-1]
    assert last.start > len(text) - len(articles) and text[last.start:last.end] == last.quote


def test_many_dense_sentences_stay_linear():
    result = extract(SENTENCE * 3000)
    assert len(result.facts) == 9000
