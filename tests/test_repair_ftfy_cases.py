"""ftfy's own test cases: fixenc must pass every one ftfy.fix_encoding passes.

The expectation of each case is its ``fixed-encoding`` text (else ``fixed``);
negative cases must come back unchanged.  The data live in the shared data
folder next to the repository (or wherever $FIXENC_SHARED points).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED

from fixenc.repair import repair_mojibake

CASES = SHARED / "data" / "ftfy-test-cases"
FILES = ("in-the-wild", "synthetic", "negative", "language-names")


def load_cases() -> list:
    return [pytest.param(case, id=f"{name}: {case['label'][:50]}")
            for name, case in load_cases_raw()]


def load_cases_raw() -> list[tuple[str, dict]]:
    """(file name, case) of every case of ``FILES``; none without the data folder."""
    if not CASES.is_dir():
        return []
    return [(name, case) for name in FILES
            for case in json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))]


@pytest.mark.skipif(not CASES.is_dir(), reason=f"ftfy test cases not found in {CASES}")
@pytest.mark.parametrize("case", load_cases())
def test_ftfy_case(case: dict) -> None:
    expected = case.get("fixed-encoding", case["fixed"])
    fixed = repair_mojibake(case["original"])[0]
    if "\ufffd" in expected and fixed != expected:
        # ftfy leaves U+FFFD where a decoder lost a byte; fixenc guesses the character where
        # the model is sure enough (tests below): everything else must be as ftfy expects.
        assert len(fixed) == len(expected)
        assert all(a == b or a == "\ufffd" for a, b in zip(expected, fixed))
    else:
        assert fixed == expected


TRUTHS = json.loads((Path(__file__).resolve().parents[1] / "benchmarks" / "ftfy_lost_bytes.json")
                    .read_text(encoding="utf-8"))["truths"]


@pytest.mark.skipif(not CASES.is_dir(), reason=f"ftfy test cases not found in {CASES}")
@pytest.mark.parametrize(("label", "truth"), TRUTHS.items())
def test_lost_bytes_of_ftfy_cases_are_guessed(label: str, truth: str) -> None:
    # The cases whose expectation keeps a U+FFFD, and the text they were made from (shared with
    # benchmarks/accuracy.py); "Cрпски"'s C is Latin, looked up as Cyrillic.
    originals = [case["original"] for _, case in load_cases_raw() if case["label"].startswith(label)]
    assert originals
    for original in originals:
        assert repair_mojibake(original)[0] == truth
