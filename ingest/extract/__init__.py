"""Extraction engine: figures and inspection rounds from Chinese news articles.

Plain Python (no Django): `extract(text_or_bytes, published=None)` returns a Result
with Fact and Round records whose offsets point into the original text; `to_gold`
turns a Result into the gold JSON format of ../shared/corpus/SCHEMA.md.
"""
from .bench import benchmark
from .engine import extract, to_gold
from .results import ExtractionError, Fact, Result, Round

__all__ = ["ExtractionError", "Fact", "Result", "Round", "benchmark", "extract", "to_gold"]
