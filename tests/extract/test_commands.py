"""The Django entry points are thin wrappers over the engine's CLI and benchmark."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / ".." / "shared" / "corpus" / "seeds"


def manage(*args):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_extract_command_writes_gold_json_and_reports_bad_files(tmp_path):
    bad = tmp_path / "junk.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    seed = sorted(SEEDS.glob("*.txt"))[0]
    result = manage("extract", str(seed), str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "junk.txt" in result.stderr
    written = json.loads((tmp_path / "out" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    assert written["facts"] and {"metric", "value", "approx", "quote"} <= set(written["facts"][0])
    assert not (tmp_path / "out" / "junk.json").exists()


def test_bench_extract_prints_json_figures():
    result = manage("bench_extract", "--json", "--min-mb", "0.2")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["articles_per_s"] > 0 and figures["mb_per_s"] > 0 and figures["mb"] >= 0.2
