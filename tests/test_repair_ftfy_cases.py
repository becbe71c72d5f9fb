"""ftfy's own test cases: fixenc must pass every one ftfy.fix_encoding passes.

The expectation of each case is its ``fixed-encoding`` text (else ``fixed``);
negative cases must come back unchanged.  The data live in the shared data
folder next to the repository (or wherever $FIXENC_SHARED points).
"""

from __future__ import annotations

import json

import pytest
from conftest import SHARED

from fixenc.repair import repair_mojibake

CASES = SHARED / "data" / "ftfy-test-cases"
FILES = ("in-the-wild", "synthetic", "negative", "language-names")


def load_cases() -> list:
    if not CASES.is_dir():
        return []
    cases = []
    for name in FILES:
        for case in json.loads((CASES / f"{name}.json").read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{name}: {case['label'][:50]}"))
    return cases


@pytest.mark.skipif(not CASES.is_dir(), reason=f"ftfy test cases not found in {CASES}")
@pytest.mark.parametrize("case", load_cases())
def test_ftfy_case(case: dict) -> None:
    expected = case.get("fixed-encoding", case["fixed"])
    assert repair_mojibake(case["original"])[0] == expected
