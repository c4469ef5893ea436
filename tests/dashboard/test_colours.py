"""Stage and warning colours are defined once (rectification/choices.py); the CSS is generated from them."""
from dashboard.colours import COLOURS_CSS, colours_css, text_colour
from rectification.choices import STAGE_COLOURS, WARNING_COLOURS, Stage, WarningLevel


def test_the_stylesheet_is_generated_from_the_choices():
    assert COLOURS_CSS.read_text(encoding="utf-8") == colours_css(), "run `python manage.py colours_css`"


def test_every_stage_and_level_has_a_readable_badge():
    assert set(STAGE_COLOURS) == set(Stage) and set(WARNING_COLOURS) == set(WarningLevel)
    css = colours_css()
    for prefix, colours in (("stage", STAGE_COLOURS), ("level", WARNING_COLOURS)):
        for value, colour in colours.items():
            assert f".{prefix}-{value} {{ background: {colour};" in css
    assert text_colour("#999999") == "#000" and text_colour("#0072B2") == "#fff"
