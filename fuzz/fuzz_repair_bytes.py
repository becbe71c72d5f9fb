"""Fuzz ``fixenc.repair_bytes``: any bytes, any option, a Result or a FixencError.

The first byte picks the extract mode and the declared charset, the rest is
the page.  Run for ten minutes (see docs/guarantees.md):

    python fuzz/fuzz_repair_bytes.py -max_total_time=600 -timeout=30 /tmp/corpus fuzz/seeds/repair_bytes
"""

from __future__ import annotations

import sys

import atheris
from common import CHARSETS, EXTRACT_MODES, check_text

with atheris.instrument_imports(include=["fixenc"]):
    from fixenc.errors import FixencError
    from fixenc.pipeline import repair_bytes
    from fixenc.result import Result


def test_one_input(data: bytes) -> None:
    if not data:
        return
    extract = EXTRACT_MODES[data[0] % len(EXTRACT_MODES)]
    charset = CHARSETS[(data[0] // len(EXTRACT_MODES)) % len(CHARSETS)]
    try:
        result = repair_bytes(data[1:], charset=charset, extract=extract)
    except FixencError:
        return
    assert isinstance(result, Result)
    check_text(result.text)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
