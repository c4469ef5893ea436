"""Where the development corpus of real articles lives (plain Python, no Django).

The corpus (`seeds/`, `gold/`, `dev/`, described by its SCHEMA.md) is third-party text kept beside the
project for the people who build it and for CI, never in the repository: a clone has none. Its place is
the environment variable XUNCHA_CORPUS, by default `../shared/corpus` beside the project root. The
scorer that grades extraction against its gold files sits in the `tools/` folder beside the corpus.
Tests and benchmarks read the corpus only through this module.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = "XUNCHA_CORPUS"
DEFAULT = ROOT.parent / "shared" / "corpus"


def corpus_dir() -> Path:
    value = os.environ.get(ENV, "").strip()
    return Path(value).expanduser().resolve() if value else DEFAULT.resolve()


def seed_paths(corpus: Path | None = None) -> list[Path]:
    """The seed articles (`seeds/*.txt`) of `corpus` (by default the corpus), sorted; empty when there are none."""
    return sorted(((corpus or corpus_dir()) / "seeds").glob("*.txt"))


def gold_dir() -> Path:
    return corpus_dir() / "gold"


def scorer_path() -> Path:
    return corpus_dir().parent / "tools" / "score_extraction.py"


def corpus_missing() -> str:
    """Why the corpus cannot be used ("" when it can): said where a corpus test skips or fails."""
    where = corpus_dir()
    if not seed_paths():
        return f"no article corpus at {where} (seeds/*.txt): set {ENV} to a corpus folder, e.g. ../shared/corpus"
    if not gold_dir().is_dir():
        return f"the article corpus at {where} has no gold/ annotations"
    return ""


def corpus_given() -> Path | None:
    """The corpus a benchmark should measure: the XUNCHA_CORPUS folder when that is set, else None
    (the benchmarks then measure generated articles, which every clone has)."""
    return corpus_dir() if os.environ.get(ENV, "").strip() else None
