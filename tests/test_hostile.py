"""Hostile inputs found by benchmarks/hostile.py: each is processed, and nothing is lost.

These are behaviour tests, not timings: the inputs are sized so that the
linear code takes well under a second and the quadratic code they replaced
took hours (the benchmark reports the times).
"""

from __future__ import annotations

import fixenc
from fixenc import misaligned
from fixenc.chrome import strip_markup_fragments
from fixenc.markup import MAX_NESTING, flat_text, nests_too_deep
from fixenc.repair import CYRILLIC_SIGNATURE_RE


def deep_page(depth: int) -> str:
    return ("<html><body><p>before</p>" + "<div>" * depth + "<p>deep &amp; inside</p>"
            + "<script>var s = '<p>no</p>';</script>" + "</div>" * depth
            + "<p>after</p></body></html>")


def test_text_below_the_parsers_depth_limit_is_not_lost():
    """lxml silently dropped everything below its 256th level (output was 'before' only)."""
    for depth in (MAX_NESTING + 1, 1000, 100_000):
        for extract in ("auto", "article", "text"):
            text = fixenc.repair_text(deep_page(depth), extract=extract).text
            assert text.split() == ["before", "deep", "&", "inside", "after"], (depth, extract)


def test_shallow_pages_and_unclosed_paragraphs_still_go_through_the_parser():
    assert not nests_too_deep(deep_page(MAX_NESTING - 5))
    assert not nests_too_deep("<html><body>" + "<p>text" * 5000 + "</body></html>")
    assert not nests_too_deep("<html><body>" + "<br><img src=x>" * 5000 + "</body></html>")
    assert nests_too_deep("<html><body>" + "<font>a" * 300 + "</body></html>")


def test_flat_text_drops_scripts_even_unclosed():
    assert flat_text("<p>a</p><script>x<y</script><p>b</p>")[0].split() == ["a", "b"]
    assert flat_text("<p>a</p><style>p{}")[0].split() == ["a"]


def test_a_long_line_of_spaces_is_processed():
    """chrome's cut-tag regex (lazy run, then unbounded whitespace) was quadratic: hours at 1 MB."""
    text = "x" + " " * 200_000 + "y"
    assert strip_markup_fragments(text)[0] == text
    assert strip_markup_fragments('alt text" />\nbody')[0] == "alt text\nbody"


def test_a_long_run_of_cyrillic_capitals_is_processed():
    """The swap signature tried its capitals branch from every capital: quadratic."""
    assert CYRILLIC_SIGNATURE_RE.search("Ж" * 200_000) is None
    assert CYRILLIC_SIGNATURE_RE.search("ПРИВЕТ МИР")
    assert CYRILLIC_SIGNATURE_RE.search("слово пРИВЕТ")


def test_marks_between_cjk_characters_cost_a_bounded_search():
    """'?' after every few CJK characters: 17 s for 550 bytes, superlinear, before the budget."""
    text = "中文中文中文中?" * 1000
    assert misaligned.repair_misaligned_double_byte(text)[0] == text
    assert misaligned._search_budget(text) == misaligned.MIN_SEARCHES + 8_000 * 64 // 1000


def test_lossy_utf8_read_as_big5_is_not_reread_out_of_phase():
    """Runs of U+FFFD are an in-phase decoder's losses; re-reading them garbled the text."""
    damaged = "受講期間（6ヶ月）内に".encode().decode("cp950", "replace")
    assert misaligned.repair_misaligned_double_byte(damaged) == (damaged, [])
