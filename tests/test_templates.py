"""Template hygiene: Django's {# … #} comment ends on its own line; one spanning lines is printed on the page."""
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_no_comment_spans_lines():
    open_comments = [f"{path.relative_to(TEMPLATES)}:{number}"
                     for path in TEMPLATES.rglob("*.html")
                     for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if line.count("{#") > line.count("#}")]
    assert not open_comments, f"use {{% comment %}} for comments over several lines: {open_comments}"
