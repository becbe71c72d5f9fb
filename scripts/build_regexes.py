"""Build ``src/fixenc/data/regexes.json.gz``: the regexes every process needs, built and compiled.

The signature gate's pattern follows from the signature regexes of ``fixenc.repair`` and the
shipped CJK tables (run after ``build_cjk_signatures.py``); it, the CJK signature and the
module-level regexes of the engine's modules (``ENGINE_MODULES``) ship with their code as this
interpreter's regex engine compiles them (see ``fixenc.precompiled``).  Code
built by other engines is kept while the patterns stay the same (run this under each Python
whose start-up should be fast); tests/test_startup.py fails while the shipped file differs
from a fresh build:

    PYTHONPATH=src python scripts/build_regexes.py
"""

from __future__ import annotations

import gzip
import json
import re
from importlib import resources
from pathlib import Path

from fixenc import misaligned, precompiled, repair

OUT = Path(__file__).resolve().parents[1] / "src" / "fixenc" / "data" / precompiled.DATA_FILE

# Modules whose import compiles their regexes with ``precompiled.compile_regex``.
ENGINE_MODULES = (repair, misaligned)


def module_patterns() -> list[str]:
    """The patterns of the module-level regexes of ``ENGINE_MODULES`` (text, no flags), in order."""
    patterns = (value.pattern for module in ENGINE_MODULES for value in vars(module).values()
                if isinstance(value, re.Pattern) and isinstance(value.pattern, str)
                and value.flags == re.UNICODE)
    return list(dict.fromkeys(patterns))


def regexes_data(previous: dict | None = None) -> dict:
    """The file's content: {"patterns": {name: pattern}, "compiled": {engine: [[pattern, flags,
    groups, code], ...]}}; ``previous``'s other engines kept if its patterns are the same."""
    patterns = {repair.GATE_PATTERN_NAME: repair.signature_gate_pattern()}
    compiled = [*patterns.values(), repair._cjk_tables().signature_re.pattern, *module_patterns()]
    engines = {}
    if previous and previous["patterns"] == patterns and {
            entry[0] for code in previous["compiled"].values() for entry in code} == set(compiled):
        engines = {name: code for name, code in previous["compiled"].items()}
    engines[precompiled.engine()] = [[pattern, *precompiled.compiled_code(pattern)]
                                     for pattern in compiled]
    return {"patterns": patterns, "compiled": dict(sorted(engines.items()))}


def main() -> None:
    shipped = resources.files("fixenc") / "data" / precompiled.DATA_FILE
    previous = json.loads(gzip.decompress(shipped.read_bytes())) if shipped.is_file() else None
    text = json.dumps(regexes_data(previous), ensure_ascii=False, separators=(",", ":"))
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
