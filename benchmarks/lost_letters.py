"""Letters that lost a byte to a Windows code page: how many does fixenc guess right?

Paragraphs of the chardet corpus (``accuracy.load_texts``, ten a page, the same seed each run) are
written as UTF-8 and read with a code page whose undefined bytes the decoder gives up on (U+FFFD).
Each damaged paragraph is repaired with ``repair_mojibake``; where the repair has the paragraph's
length, every letter that lost a byte is compared: right, wrong (another letter), or left U+FFFD.
A repair of another length counts all of its paragraph's lost letters as left.  This is what the
lost-byte guess (``repair._guess_one``, ``_best_guess``) and its word lists decide.

    PYTHONPATH=src python benchmarks/lost_letters.py [--rows ru:windows-1252,el:windows-1253]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import accuracy

from fixenc.repair import repair_mojibake

ROWS = ("ru:windows-1252", "bg:windows-1252", "latin2:windows-1252", "latin2:windows-1250",
        "el:windows-1253", "tr:windows-1254", "he:windows-1255")
PER_PAGE = 10


def count_row(pages: list[tuple[str, str]], codec: str) -> tuple[int, int, int, int, int]:
    """(paragraphs, letters that lost a byte, right, wrong, left U+FFFD) for one row.

    Wrong and left are the repair's characters that differ from the paragraph's (another
    character, or U+FFFD); right is the rest of the letters that lost a byte."""
    rng = random.Random(1)
    cases = lost = wrong = left = 0
    for _, page in pages:
        for paragraph in accuracy.paragraphs(page, rng, PER_PAGE):
            shown = paragraph.encode("utf-8").decode(codec, "replace")
            if "\ufffd" not in shown:
                continue
            cases += 1
            hit = accuracy.chars_hit(paragraph, "utf-8", codec, "fffd") or 0
            lost += hit
            fixed = repair_mojibake(shown)[0]
            if len(fixed) != len(paragraph):
                left += hit
                continue
            for original, repaired in zip(paragraph, fixed):
                if original != repaired:
                    if repaired == "\ufffd":
                        left += 1
                    else:
                        wrong += 1
    return cases, lost, lost - wrong - left, wrong, left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=",".join(ROWS),
                        help="comma-separated GROUP:CODEC (groups as accuracy.py makes them)")
    args = parser.parse_args()
    texts = accuracy.load_texts()
    print(f"Lost letters guessed ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n")
    print("| group | code page | paragraphs | letters that lost a byte | right | wrong | left U+FFFD |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in args.rows.split(","):
        group, codec = row.split(":")
        cases, lost, right, wrong, left = count_row(texts.get(group, []), codec)
        print(f"| {group} | {codec} | {cases} | {lost} | {right} | {wrong} | {left} |", flush=True)


if __name__ == "__main__":
    main()
