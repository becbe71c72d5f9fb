"""Damage real simplified Chinese pages the way the seed page was damaged, and repair them.

For every GB2312 page of the chardet corpus (decoded strictly as GB18030,
markup stripped), tests/damage.py applies the seed page's layers: traditional
script with pinyin after a fixed list of characters, markup fragments, GBK read
out of phase at 。“ / 。”, width folding and site chrome.  fixenc's whole
pipeline (``fixenc.repair_text``, what the command runs) then repairs the result, and the benchmark prints the share of the
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
    character_errors,
    damage_page,
    normalised,
    recovered_chars,
    to_traditional,
)

import fixenc

SHARED = Path(os.environ.get("FIXENC_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "data" / "chardet-corpus" / "GB2312"

def repair_chinese_page(text: str) -> tuple[str, list]:
    """The whole pipeline, as `fixenc` runs on a text page with no options."""
    result = fixenc.repair_text(text)
    return result.text, list(result.fixes)


# A textbook line glossing whole words: must never be taken for converter annotations.
GLOSS_LINE = "生词：银行(yínháng)、学校(xuéxiào)、朋友(péngyou)、你好(nǐhǎo)。"


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS} (set FIXENC_SHARED)", file=sys.stderr)
        return 2
    import ftfy

    rows = []
    totals = dict.fromkeys(
        ["chars", "recovered", "damaged_recovered", "errors", "traps", "spans"], 0
    )
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
        errors = character_errors(want, got)
        totals["errors"] += errors
        totals["traps"] += traps
        totals["spans"] += spans
        rows.append(
            (
                path.name[:40],
                len(want),
                before / len(want),
                recovered / len(want),
                1 - errors / len(want),
                traps,
                spans,
            )
        )
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
            layout_only = {fix.kind for fix in page_fixes} <= {"whitespace"}
            unchanged[label][0] += normalised(after) == normalised(page) and layout_only
            unchanged[label][1] += 1

    print("recovered: share of the original characters found in order in the output;")
    print("accuracy: 1 - (missing + extra characters) / original characters")
    header = ("page", "chars", "damaged", "recovered", "accuracy", "traps", "spans")
    print("{:40} {:>7} {:>8} {:>9} {:>9} {:>6} {:>6}".format(*header))
    for name, chars, before, after, accuracy, traps, spans in rows:
        print(
            f"{name:40} {chars:7d} {before:8.2%} {after:9.2%} {accuracy:9.2%} {traps:6d} {spans:6d}"
        )
    chars = totals["chars"]
    print(
        f"{'all ' + str(len(rows)) + ' pages':40} {chars:7d} "
        f"{totals['damaged_recovered'] / chars:8.2%} {totals['recovered'] / chars:9.2%} "
        f"{1 - totals['errors'] / chars:9.2%} {totals['traps']:6d} {totals['spans']:6d}"
    )
    print()
    print_layers(paths)
    print()
    for label, (same, count) in unchanged.items():
        print(f"{label:20} unchanged: {same}/{count}")
    print(
        "speed, as time relative to ftfy.fix_text on the same pages: "
        f"damaged {fixenc_seconds / ftfy_seconds:.2f}x, clean {clean_fixenc / clean_ftfy:.2f}x"
    )
    return 0


# Each layer alone, and every layer but one: which repairs carry the recovery.
LAYERS = ("chrome", "pinyin", "markup", "out_of_phase", "width")


def print_layers(paths: list[Path]) -> None:
    originals = [article_text(path.read_bytes()) for path in paths]
    variants = {"all layers": {}}
    variants.update(
        {f"only {layer}": {other: other == layer for other in LAYERS} for layer in LAYERS}
    )
    variants.update({f"all but {layer}": {layer: False} for layer in LAYERS})
    print("{:22} {:>9} {:>9}".format("damage", "damaged", "accuracy"))
    for name, layers in variants.items():
        chars = errors = damaged_errors = 0
        for original in originals:
            damaged = damage_page(original, **layers)
            repaired, _ = repair_chinese_page(damaged)
            want = normalised(original)
            chars += len(want)
            errors += character_errors(want, normalised(repaired))
            damaged_errors += character_errors(want, normalised(damaged))
        print(f"{name:22} {1 - damaged_errors / chars:9.2%} {1 - errors / chars:9.2%}")


if __name__ == "__main__":
    raise SystemExit(main())
