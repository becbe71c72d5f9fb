"""Clean lines of common words in every language wordfreq has: how many does the repair stage change?

For each of wordfreq's languages, lines of eight of its 20,000 most frequent words that hold a
letter outside ASCII (up to 150 lines a language), each repaired twice with ``repair_mojibake``:
alone, and after a line of Chinese read as Latin-1, a page that trusts GBK (its relaxed margins
then apply to every other line).  A clean line must come back unchanged either way.

The words are the character model's own source (scripts/build_langmodel.py), so this measures the
engine's rules, not how well the model knows a language: it found Latin words that a page trusting
GBK read as Han characters, and Icelandic, which the model lacked, read as Korean Hanja.

    PYTHONPATH=src python benchmarks/word_lines.py [--show]

Needs wordfreq (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fixenc.repair import repair_mojibake

CHINESE = "活动报名的联络方式如下，欢迎各界朋友来信询问相关事宜，我们会尽快回复。"
WORDS_PER_LINE = 8
LINES_PER_LANGUAGE = 150


def word_lines(language: str) -> list[str]:
    from wordfreq import top_n_list

    words = [word for word in top_n_list(language, 20_000) if not word.isascii() and word.isalpha()]
    words = words[: WORDS_PER_LINE * LINES_PER_LANGUAGE]
    return [" ".join(words[i : i + WORDS_PER_LINE]) for i in range(0, len(words), WORDS_PER_LINE)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every changed line")
    args = parser.parse_args()
    try:
        from wordfreq import available_languages
    except ImportError:
        sys.exit("needs wordfreq: pip install -e '.[bench]'")
    trusting = CHINESE.encode("gbk").decode("latin-1") + "\n"
    print("| language | lines | changed alone | changed on a page that trusts GBK |")
    print("|---|---:|---:|---:|")
    totals = [0, 0, 0]
    for language in sorted(available_languages()):
        lines = word_lines(language)
        alone = on_page = 0
        for line in lines:
            fixed = repair_mojibake(line)[0]
            if fixed != line:
                alone += 1
                if args.show:
                    print(f"  {language} alone: {line!r} -> {fixed!r}")
            fixed = repair_mojibake(trusting + line)[0].partition("\n")[2]
            if fixed != line:
                on_page += 1
                if args.show:
                    print(f"  {language} on the page: {line!r} -> {fixed!r}")
        print(f"| {language} | {len(lines)} | {alone} | {on_page} |")
        for index, value in enumerate((len(lines), alone, on_page)):
            totals[index] += value
    print(f"| all | {totals[0]} | {totals[1]} | {totals[2]} |")


if __name__ == "__main__":
    main()
