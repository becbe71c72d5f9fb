"""What every harness checks, and how the harnesses find fixenc without installing it.

A harness turns the fuzzer's bytes into one call of a fixenc entry point and
lets anything but the documented outcome escape, so that atheris (libFuzzer)
records the input as a crash: the entry point must return its result type, or
raise ``fixenc.errors.FixencError``; an input that runs past libFuzzer's
``-timeout`` is reported as a hang.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

EXTRACT_MODES = ("auto", "article", "text", "none")
# Declared charsets a caller (an HTTP header) may pass: real ones, odd ones, junk.
CHARSETS = (None, "utf-8", "gbk", "big5", "shift_jis", "euc-kr", "koi8-r", "latin1", "utf-16",
            "rot13", "undefined", "unicode_escape", "utf-7", "hex", "", "\x00")


def check_text(text: object) -> None:
    """Output text is a str that can be written as UTF-8 (no lone surrogates)."""
    assert isinstance(text, str), type(text)
    text.encode("utf-8")
