"""The str.find helpers find exactly what the regular expressions they stand in for find."""
import re

from hypothesis import given
from hypothesis import strategies as st

from ingest.extract.clean import _half_width
from ingest.extract.fastre import find_words, finditer_rare, positions

# Invented text drawn from a few characters, so that quotes, names and their overlaps are frequent.
TEXTS = st.text(alphabet="“”《》甲乙丙县区市\n", max_size=60)
QUOTED = re.compile(r"“[^“”\n]{1,4}”|《[^《》\n]{1,8}》")


def test_positions_lists_every_occurrence_in_text_order():
    assert positions("甲县乙县县", "县") == [(1, "县"), (3, "县"), (4, "县")]
    assert positions("甲甲甲", ["甲甲"]) == [(0, "甲甲"), (1, "甲甲")]  # overlapping ones too
    assert positions("乙丙乙", "丙乙") == [(0, "乙"), (1, "丙"), (2, "乙")]
    assert positions("甲乙", "丙") == []


def test_finditer_rare_finds_what_finditer_finds():
    text = "他说“试点在县里”,又说“未完,《某某县志》里有“乙县”。"
    assert [m.span() for m in finditer_rare(QUOTED, text, "“《")] == [m.span() for m in QUOTED.finditer(text)]


@given(TEXTS)
def test_finditer_rare_equals_finditer_on_any_text(text):
    assert [m.span() for m in finditer_rare(QUOTED, text, "“《")] == [m.span() for m in QUOTED.finditer(text)]


def test_find_words_takes_the_longest_word_at_the_leftmost_place():
    # 甲乙 and 甲乙丙 both start at 0: the longer one wins, and the 乙丙 inside it is not found again.
    assert find_words("甲乙丙乙丙", ["乙丙", "甲乙", "甲乙丙"]) == [(0, "甲乙丙"), (3, "乙丙")]
    assert find_words("丙丙", ["甲"]) == []


@given(TEXTS, st.lists(st.text(alphabet="甲乙丙县", min_size=1, max_size=3), min_size=1, max_size=4, unique=True))
def test_find_words_equals_the_alternation_longest_first(text, words):
    pattern = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    assert find_words(text, words) == [(m.start(), m.group()) for m in re.finditer(pattern, text)]


def test_half_width_maps_full_width_forms_character_for_character():
    assert _half_width("发现问题３１８个，（其中）\u3000整改率９６％") == "发现问题318个,(其中) 整改率96%"
    assert _half_width("a\xa0b") == "a b"
    assert _half_width("没有全角字符") == "没有全角字符"
