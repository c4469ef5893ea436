"""The shared development corpus sits beside the project root as ../shared (CI has it too)."""
import importlib.util
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "corpus" / "gold"
SCORER = SHARED / "tools" / "score_extraction.py"


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert paths, f"development corpus missing: {SEEDS}"
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


@pytest.fixture(scope="session")
def scorer():
    """The shared scorer module itself, loaded from ../shared/tools (not a copy)."""
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD
