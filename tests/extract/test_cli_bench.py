import json

from ingest.extract import benchmark
from ingest.extract.cli import main


def test_cli_writes_gold_json_and_reports_failures(tmp_path, capsys):
    good = tmp_path / "a.txt"
    good.write_text("县委巡察组发现问题318个,移交问题线索20件。", encoding="utf-8")
    gbk = tmp_path / "b.txt"
    gbk.write_bytes("巡察组对5个村开展了巡察。".encode("gb18030"))
    html = tmp_path / "c.html"
    html.write_text("<p>巡察推动立案<b>9</b>件</p>", encoding="utf-8")
    junk = tmp_path / "d.bin"
    junk.write_bytes(bytes(range(256)) * 10)
    out = tmp_path / "out"

    status = main([str(good), str(gbk), str(tmp_path / "missing.txt"), str(junk), str(html), "--out", str(out),
                   "--published", "2023-05-01"])

    assert status == 1
    err = capsys.readouterr().err
    assert "missing.txt" in err and "d.bin" in err
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json", "c.json"]
    a = json.loads((out / "a.json").read_text(encoding="utf-8"))
    assert a["source"] == "a.txt" and a["published"] == "2023-05-01"
    assert [(f["metric"], f["value"]) for f in a["facts"]] == [("issues_found", 318), ("leads_transferred", 20)]
    b = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert [(f["metric"], f["value"]) for f in b["facts"]] == [("units_inspected", 5)]
    c = json.loads((out / "c.json").read_text(encoding="utf-8"))
    assert [(f["metric"], f["value"]) for f in c["facts"]] == [("cases_filed", 9)]


def test_cli_all_good_exits_zero(tmp_path, article_texts):
    name, text = next(iter(article_texts.items()))
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert main([str(tmp_path / name), "--out", str(tmp_path / "out")]) == 0


def test_benchmark_reports_rates(article_texts):
    report = benchmark(list(article_texts.values()), min_bytes=200_000)
    assert set(report) == {"articles", "mb", "seconds", "articles_per_s", "mb_per_s"}
    assert report["mb"] >= 200_000 / 1024 / 1024 and report["articles"] >= len(article_texts)
    assert report["articles_per_s"] > 0
