"""The engine on the development corpus, scored by the shared scorer (tests marked `corpus`)."""
import json
import re

import pytest

from ingest.extract import extract, to_gold


@pytest.mark.corpus
def test_quality_floors(seed_texts, scorer, gold_dir, tmp_path):
    for name, text in seed_texts.items():
        gold = json.loads((gold_dir / name.replace(".txt", ".json")).read_text(encoding="utf-8"))
        result = extract(text, gold["published"])
        (tmp_path / name.replace(".txt", ".json")).write_text(
            json.dumps(to_gold(result, name), ensure_ascii=False), encoding="utf-8")
    _, summary = scorer.score(gold_dir, tmp_path)
    assert summary["facts"]["f1"] >= 0.95, summary
    assert summary["rounds"]["f1"] >= 0.90, summary
    assert summary["approx_agreement"] >= 0.95, summary


@pytest.mark.corpus
def test_offsets_point_at_the_figures_of_the_corpus(seed_texts):
    for text in seed_texts.values():
        result = extract(text)
        for fact in result.facts:
            assert text[fact.start:fact.end] == fact.quote
            assert re.search(r"[\d一二两三四五六七八九十]", fact.quote)
        for r in result.rounds:
            assert text[r.offsets[0]:r.offsets[1]] == r.quote


def test_to_gold_lists_a_figure_said_twice_once():
    text = "巡察共发现问题30个。会上通报,巡察共发现问题30个,已整改完成20个。"
    result = extract(text)
    assert [f.value for f in result.facts if f.metric == "issues_found"] == [30, 30]
    gold = to_gold(result, "x.txt")
    assert [(f["metric"], f["value"]) for f in gold["facts"]] == [("issues_found", 30), ("issues_rectified", 20)]
    assert set(gold) == {"source", "published", "facts", "rounds"}
