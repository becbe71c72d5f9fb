"""Normalisation stage: layout whitespace, after markup is gone."""

from __future__ import annotations

import re

from .result import Fix

# Runs of layout space (space, tab, NBSP, U+3000) that are not already one plain space: folding
# only those to a space gives the same text without a replacement at every gap between words.
_FOLDABLE_SPACE = re.compile(r"[\t\u00a0\u3000][ \t\u00a0\u3000]*| [ \t\u00a0\u3000]+")
BLANK_RUNS = re.compile(r"\n{3,}")


def normalize_whitespace(text: str) -> tuple[str, list[Fix]]:
    """Strip indentation and trailing spaces, fold space runs, keep paragraph breaks.

    NBSP and U+3000 are layout here (indentation, padding before a source
    line), so they become a single space inside a line and vanish at its ends.
    """
    folded = _FOLDABLE_SPACE.sub(" ", text.replace("\r\n", "\n"))
    lines = [line.strip() for line in folded.split("\n")]
    out = BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
    out = out + "\n" if out else ""
    fixes = [Fix("whitespace", detail="layout whitespace normalised")] if out != text else []
    return out, fixes
