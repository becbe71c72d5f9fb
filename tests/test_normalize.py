"""The whitespace stage: layout space folded, lines stripped, paragraph breaks kept."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fixenc.normalize import normalize_whitespace


def test_layout_space_is_folded_and_lines_are_stripped():
    text = "\u3000\u3000标题\u00a0 \n\n\n\nA  b\tc\u00a0\u00a0d \r\nlast\t"
    assert normalize_whitespace(text)[0] == "标题\n\nA b c d\nlast\n"


def _line_by_line(text: str) -> str:
    """The stage as first written: each line folded with one pattern, then stripped."""
    layout = re.compile(r"[ \t\u00a0\u3000]+")
    lines = [layout.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return out + "\n" if out else ""


@settings(deadline=None, max_examples=400, derandomize=True)
@given(st.lists(st.sampled_from(
    [" ", "  ", "\t", "\u00a0", "\u3000", "\n", "\r", "\r\n", "\x0b", "\x85", "\u2028", "\u2003",
     "a", "bc", "中文", "."]), max_size=14).map("".join))
def test_folding_only_the_runs_that_change_gives_the_same_text(text):
    assert normalize_whitespace(text)[0] == _line_by_line(text)
