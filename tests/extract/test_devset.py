"""The engine on the development set, scored by the shared scorer."""
import json
import re

from ingest.extract import extract, to_gold


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


def test_dateline_gives_the_published_date(seed_texts):
    """004 has '时间:2017-04-25' in its header; the gold's years come from it."""
    result = extract(seed_texts["004_668549584a7a67e3.txt"])
    assert result.published == "2017-04-25"
    assert {r.start for r in result.rounds} >= {"2017-02", "2017-07"}


def test_offsets_point_at_the_figures(seed_texts):
    for text in seed_texts.values():
        for fact in extract(text).facts:
            assert text[fact.start:fact.end] == fact.quote
            assert re.search(r"[\d一二两三四五六七八九十]", fact.quote)
        for r in extract(text).rounds:
            assert text[r.offsets[0]:r.offsets[1]] == r.quote


def test_to_gold_lists_a_figure_said_twice_once():
    text = "巡察共发现问题30个。会上通报,巡察共发现问题30个,已整改完成20个。"
    result = extract(text)
    assert [f.value for f in result.facts if f.metric == "issues_found"] == [30, 30]
    gold = to_gold(result, "x.txt")
    assert [(f["metric"], f["value"]) for f in gold["facts"]] == [("issues_found", 30), ("issues_rectified", 20)]
    assert set(gold) == {"source", "published", "facts", "rounds"}
