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


def warm_up() -> None:
    """Load the language model, parsers and converters before fuzzing.

    The first page that reaches them pays seconds of loading, which libFuzzer
    would report as a slow unit (and, on a busy machine, a hang).
    """
    from fixenc.pipeline import repair_bytes

    for page in ("<html><body><p>caf\u00c3\u00a9 \u9359\u6212\u7af7</p></body></html>",
                 "\u5b9e(sh\u00ed)\u73fe \u4e2d\u6587?!\u888d\u5413f"):
        repair_bytes(page.encode("utf-8"))
