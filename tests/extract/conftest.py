"""The development corpus (ingest/corpus.py) for the tests marked `corpus`, and the articles of tests/data/ for the rest."""
import importlib.util
from pathlib import Path

import pytest

from ingest.corpus import gold_dir as corpus_gold_dir
from ingest.corpus import scorer_path, seed_paths
from tests.articles import TEXT_PATHS, article_text


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The corpus's seed articles; only for tests marked `corpus` (which skip or fail before this runs without it)."""
    return {p.name: p.read_text(encoding="utf-8") for p in seed_paths()}


@pytest.fixture(scope="session")
def scorer():
    """The shared scorer module itself, loaded from the tools/ folder beside the corpus (not a copy)."""
    path = scorer_path()
    assert path.is_file(), f"the scorer is missing beside the corpus: {path}"
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return corpus_gold_dir()


@pytest.fixture(scope="session")
def article_texts() -> dict[str, str]:
    """The plain-text articles written for the tests (tests/data/articles)."""
    return {p.name: article_text(p) for p in TEXT_PATHS}
