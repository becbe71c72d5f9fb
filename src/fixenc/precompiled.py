"""Regular expressions shipped compiled, for the ones every process needs and ``re`` is slow to build.

Why: ``re`` parses and compiles a pattern in Python, item by item of each character class, and the
signature regexes' classes hold thousands of characters (the CJK signature's 5,654 ranges).  The
signature gate and the CJK signature took ~90 ms of compiling, and building the gate's pattern
another ~25-45 ms, of the ~0.35 s every process (each pool worker too) spent warming up, against
~1 ms to load them here; the engine modules' own regexes (``repair``, ``misaligned``; small
classes of long ranges, which ``re`` fills in one character at a time) took another ~35 ms of
their import.  Compiled code belongs to one regex engine (the interpreter, its
``_sre.MAGIC`` and code size): ``data/regexes.json.gz`` keeps each engine's code apart, and an
interpreter whose engine did not build it compiles the patterns as usual (same matches, slower
start).  ``scripts/build_regexes.py`` writes the file; ``tests/test_startup.py`` checks it against
a fresh build.
"""

from __future__ import annotations

import _sre
import gzip
import json
import re
import sys
from functools import cache
from importlib import resources

DATA_FILE = "regexes.json.gz"


def engine() -> str:
    """The regex engine whose compiled code can be loaded by this interpreter."""
    return f"{sys.implementation.cache_tag}-{_sre.MAGIC}-{_sre.CODESIZE}-{sys.maxunicode}"


def shipped_pattern(name: str) -> str:
    """A pattern built ahead of time (by ``scripts/build_regexes.py``), by its name."""
    return _data()["patterns"][name]


def compile_regex(pattern: str) -> re.Pattern:
    """``re.compile(pattern)``, from its shipped code when this engine built it."""
    compiled = _compiled().get(pattern)
    if compiled is None:
        return re.compile(pattern)
    flags, groups, code = compiled
    return _sre.compile(pattern, flags, code, groups - 1, {}, (None,) * groups)


def compiled_code(pattern: str) -> tuple[int, int, list[int]]:
    """(flags, groups, code) of ``pattern`` as ``re.compile`` builds them, for the build script."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_compile as _compiler
        import sre_parse as _parser
    parsed = _parser.parse(pattern, 0)
    if parsed.state.groupdict:
        raise ValueError("named groups are not shipped compiled")
    return parsed.state.flags, parsed.state.groups, list(_compiler._code(parsed, 0))


@cache
def _data() -> dict:
    shipped = resources.files("fixenc") / "data" / DATA_FILE
    if not shipped.is_file():  # the build script's first run
        return {"patterns": {}, "compiled": {}}
    return json.loads(gzip.decompress(shipped.read_bytes()))


@cache
def _compiled() -> dict[str, tuple[int, int, list[int]]]:
    """{pattern: (flags, groups, code)} built by this engine; {} when another built the file."""
    return {pattern: (flags, groups, code)
            for pattern, flags, groups, code in _data()["compiled"].get(engine(), [])}
