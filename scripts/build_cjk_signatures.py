"""Build ``src/fixenc/data/cjk_signatures.json.gz``: where UTF-8 read as a CJK code page can be.

The tables (``fixenc.repair._build_cjk_tables``) follow from Python's codecs and the language
model's most common characters; building them took a sixth of a second of every run's
start-up, so they ship precomputed.  Run after ``build_langmodel.py`` (tests/test_startup.py
fails while the shipped file differs from a fresh build):

    PYTHONPATH=src python scripts/build_cjk_signatures.py
    PYTHONPATH=src python scripts/build_regexes.py   # the gate holds the CJK signature's class
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from fixenc import repair

OUT = Path(__file__).resolve().parents[1] / "src" / "fixenc" / "data" / repair.CJK_TABLES_FILE


def main() -> None:
    text = json.dumps(repair.cjk_tables_data(), ensure_ascii=False, separators=(",", ":"))
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
