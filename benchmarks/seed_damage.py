"""Damage real simplified Chinese pages the way the seed page was damaged, and repair them.

For every GB2312 page of the chardet corpus (decoded strictly as GB18030,
markup stripped), tests/damage.py applies the seed page's layers: traditional
script with pinyin after a fixed list of characters, markup fragments, GBK read
out of phase at 。“ / 。”, width folding and site chrome.  fixenc's Chinese
page repair then runs on the result, and the benchmark prints the share of the
original characters recovered (difflib alignment, after the same whitespace
normalisation on both sides), the out-of-phase spans found, and whether clean
simplified, clean traditional and legitimately glossed pages come back
unchanged.  Speed is reported as a ratio to ftfy.fix_text on the same pages.

    FIXENC_SHARED=/work/shared PYTHONPATH=src:tests python benchmarks/seed_damage.py
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from damage import (
    PHASE_TRAPS,
    article_text,
    damage_page,
    normalised,
    recovered_chars,
    to_traditional,
)

from fixenc.chinese import repair_chinese_page

SHARED = Path(os.environ.get("FIXENC_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "data" / "chardet-corpus" / "GB2312"

# A textbook line glossing whole words: must never be taken for converter annotations.
GLOSS_LINE = "生词：银行(yínháng)、学校(xuéxiào)、朋友(péngyou)、你好(nǐhǎo)。"


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS} (set FIXENC_SHARED)", file=sys.stderr)
        return 2
    import ftfy

    rows = []
    totals = {"chars": 0, "recovered": 0, "damaged_recovered": 0, "traps": 0, "spans": 0}
    unchanged = {"clean simplified": [0, 0], "clean traditional": [0, 0], "pinyin glosses": [0, 0]}
    fixenc_seconds = ftfy_seconds = clean_fixenc = clean_ftfy = 0.0
    paths = sorted(CORPUS.iterdir())
    # Warm-up: the language model and OpenCC tables load on first use.
    repair_chinese_page(damage_page(article_text(paths[0].read_bytes())))
    ftfy.fix_text("warm-up")
    for path in paths:
        original = article_text(path.read_bytes())
        if not re.search("[\u4e00-\u9fff]", original):
            continue
        damaged = damage_page(original)
        started = time.perf_counter()
        repaired, fixes = repair_chinese_page(damaged)
        fixenc_seconds += time.perf_counter() - started
        started = time.perf_counter()
        ftfy.fix_text(damaged)
        ftfy_seconds += time.perf_counter() - started
        want, got = normalised(original), normalised(repaired)
        recovered = recovered_chars(want, got)
        before = recovered_chars(want, normalised(damaged))
        traps = sum(original.encode("gbk", "replace").count(trap) for trap in PHASE_TRAPS)
        spans = sum(fix.count for fix in fixes if fix.kind == "misaligned")
        totals["chars"] += len(want)
        totals["recovered"] += recovered
        totals["damaged_recovered"] += before
        totals["traps"] += traps
        totals["spans"] += spans
        rows.append((path.name, len(want), before / len(want), recovered / len(want), traps, spans))
        started = time.perf_counter()
        repair_chinese_page(original)
        clean_fixenc += time.perf_counter() - started
        started = time.perf_counter()
        ftfy.fix_text(original)
        clean_ftfy += time.perf_counter() - started
        for label, page in (
            ("clean simplified", original),
            ("clean traditional", to_traditional(original)),
            ("pinyin glosses", GLOSS_LINE + "\n" + original),
        ):
            after, page_fixes = repair_chinese_page(page)
            unchanged[label][0] += after == page and not page_fixes
            unchanged[label][1] += 1

    print(f"{'page':44} {'chars':>7} {'damaged':>8} {'repaired':>9} {'traps':>6} {'spans':>6}")
    for name, chars, before, after, traps, spans in rows:
        print(f"{name:44} {chars:7d} {before:8.2%} {after:9.2%} {traps:6d} {spans:6d}")
    chars = totals["chars"]
    print(
        f"{'all ' + str(len(rows)) + ' pages':44} {chars:7d} "
        f"{totals['damaged_recovered'] / chars:8.2%} {totals['recovered'] / chars:9.2%} "
        f"{totals['traps']:6d} {totals['spans']:6d}"
    )
    print()
    for label, (same, count) in unchanged.items():
        print(f"{label:20} unchanged: {same}/{count}")
    print(
        "speed, as time relative to ftfy.fix_text on the same pages: "
        f"damaged {fixenc_seconds / ftfy_seconds:.2f}x, clean {clean_fixenc / clean_ftfy:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
