"""The Django entry points are thin wrappers over the engine's CLI and benchmark."""
import json
import subprocess
import sys
from pathlib import Path

from tests.articles import TEXT_PATHS, XIANAN_ARTICLE

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "PATH": "/usr/bin:/bin", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_extract_command_writes_gold_json_and_reports_bad_files(tmp_path):
    bad = tmp_path / "junk.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    result = manage("extract", str(XIANAN_ARTICLE), str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "junk.txt" in result.stderr
    written = json.loads((tmp_path / "out" / f"{XIANAN_ARTICLE.stem}.json").read_text(encoding="utf-8"))
    assert written["facts"] and {"metric", "value", "approx", "quote"} <= set(written["facts"][0])
    assert not (tmp_path / "out" / "junk.json").exists()


def test_bench_extract_measures_generated_articles_without_a_corpus():
    result = manage("bench_extract", "--json", "--min-mb", "0.2")  # XUNCHA_CORPUS unset
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["source"] == "generated"
    assert figures["articles_per_s"] > 0 and figures["mb_per_s"] > 0 and figures["mb"] >= 0.2


def test_bench_extract_measures_the_corpus_xuncha_corpus_names(tmp_path):
    seeds = tmp_path / "corpus" / "seeds"
    seeds.mkdir(parents=True)
    for path in TEXT_PATHS[:3]:
        (seeds / path.name).write_bytes(path.read_bytes())
    result = manage("bench_extract", "--json", "--min-mb", "0.1", XUNCHA_CORPUS=str(tmp_path / "corpus"))
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["source"] == f"corpus {tmp_path / 'corpus'}" and figures["articles"] % 3 == 0

    empty = manage("bench_extract", "--json", XUNCHA_CORPUS=str(tmp_path))
    assert empty.returncode == 1 and "没有 .txt 文章" in empty.stderr
