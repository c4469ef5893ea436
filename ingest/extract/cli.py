"""Command line: extract FILE... --out DIR [--published YYYY-MM-DD] (no Django needed).

Writes DIR/<stem>.json in the gold format for each input. An input that cannot be
read (missing, binary, garbled) is reported on stderr and skipped; the exit status is
1 when any input failed.
"""
import argparse
import json
import sys
from pathlib import Path

from .engine import extract, to_gold
from .results import ExtractionError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="extract", description="Extract 巡察 figures and rounds from articles.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="article: text (UTF-8, UTF-16, GB18030) or HTML")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for one JSON per input")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date, for years the text leaves out")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in args.files:
        try:
            result = extract(path.read_bytes(), args.published, html=True if path.suffix.lower() in (".html", ".htm") else None)
        except (OSError, ExtractionError) as exc:
            print(f"extract: {path}: {exc}", file=sys.stderr)
            failed += 1
            continue
        if result.garbled:
            print(f"extract: {path}: {'; '.join(result.warnings)}", file=sys.stderr)
            failed += 1
            continue
        gold = to_gold(result, path.name)
        (args.out / f"{path.stem}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
