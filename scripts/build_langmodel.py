"""Build the character language model tables shipped in ``src/fixenc/data/``.

Source: the word-frequency lists of the ``wordfreq`` package (PyPI; code Apache-2.0,
data CC-BY-SA 4.0, compiled from Wikipedia, subtitles, news, books, web text and
more).  For every language we turn word frequencies into character unigram and
bigram counts: each word contributes its frequency once per occurrence of a
character / adjacent character pair, with the word boundary written as a space.
Traditional Chinese counts are derived from the (simplified) ``zh`` list with
OpenCC's ``s2t`` conversion.

Only the most frequent characters and bigrams are kept, quantised to 1/8 nat, so
the whole model stays well under a few MB.  Run:

    pip install '.[build]'                       # wordfreq, the `build` extra
    python scripts/build_langmodel.py            # writes src/fixenc/data/langmodel.json.gz
    PYTHONPATH=src python scripts/build_cjk_signatures.py   # the CJK tables use the model too
    PYTHONPATH=src python scripts/build_regexes.py          # the gate uses the CJK tables

The output is deterministic for a given wordfreq version.
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections import Counter
from pathlib import Path

import wordfreq
from _wordfreq_data import source_fields, write_json_gz

LATIN_LANGUAGES = [
    *("en", "fr", "de", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "sh"),
    *("hu", "ro", "tr", "sv", "da", "nb", "fi", "ca", "lt", "lv", "id", "vi", "is", "ms", "fil"),
]

# (model name, wordfreq language, script group, max characters, max bigrams)
LANGUAGES = [
    ("zh-hans", "zh", "cjk", 7000, 60000),
    ("zh-hant", "zh", "cjk", 7000, 60000),
    ("ja", "ja", "cjk", 6000, 50000),
    ("ko", "ko", "cjk", 3000, 30000),
    ("ru", "ru", "cyrillic", 300, 5000),
    ("uk", "uk", "cyrillic", 300, 5000),
    ("bg", "bg", "cyrillic", 300, 5000),
    ("mk", "mk", "cyrillic", 300, 4000),
    ("el", "el", "greek", 300, 4000),
    ("he", "he", "hebrew", 200, 3000),
    ("ar", "ar", "arabic", 300, 4000),
    *((code, code, "latin", 400, 5000) for code in LATIN_LANGUAGES),
]

WORDS_PER_LANGUAGE = 200_000
QUANT = 8  # steps per nat
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "fixenc" / "data" / "langmodel.json.gz"


def _letters_only(word: str) -> bool:
    return all(ch.isalpha() or ch in "'’-" for ch in word)


# Traditional Chinese is written differently in Taiwan, Hong Kong and by
# OpenCC's standard (裡/裏, 着/著): count each variant with equal weight.
TRADITIONAL_VARIANTS = ("s2t", "s2tw", "s2hk")


def count_language(wordfreq_lang: str, to_traditional: bool = False) -> tuple[Counter, Counter]:
    """Character and bigram counts weighted by word frequency (boundary = space)."""
    freqs = wordfreq.get_frequency_dict(wordfreq_lang)
    converters = [None]
    if to_traditional:
        import opencc

        converters = [opencc.OpenCC(variant).convert for variant in TRADITIONAL_VARIANTS]
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    for rank, (word, freq) in enumerate(freqs.items()):
        if rank >= WORDS_PER_LANGUAGE:
            break
        if not _letters_only(word):
            continue
        share = freq / len(converters)
        for convert in converters:
            written = convert(word) if convert else word
            padded = f" {written} "
            for ch in written:
                unigrams[ch] += share
            unigrams[" "] += share
            for a, b in itertools.pairwise(padded):
                bigrams[a + b] += share
    return unigrams, bigrams


def _quantise(prob: float) -> int:
    return min(255, max(0, round(-math.log(prob) * QUANT)))


def build_table(name: str, lang: str, script: str, max_chars: int, max_bigrams: int) -> dict:
    unigrams, bigrams = count_language(lang, to_traditional=(name == "zh-hant"))
    total = sum(unigrams.values())
    chars = [ch for ch, _ in unigrams.most_common(max_chars)]
    kept = set(chars)
    left_totals: Counter = Counter()
    for pair, count in bigrams.items():
        left_totals[pair[0]] += count
    pairs = [p for p, _ in bigrams.most_common() if p[0] in kept and p[1] in kept][:max_bigrams]
    rarest = min(unigrams[ch] for ch in chars) / total
    # Bigrams by their first character: {first: [second characters, their quantised
    # log-probabilities as the characters chr(q)]}, kept in order of frequency.  Loaded as
    # a few thousand strings instead of a dict of 244,000 pairs (most of a process's start).
    rows: dict[str, list[str]] = {}
    for pair in pairs:
        row = rows.setdefault(pair[0], ["", ""])
        row[0] += pair[1]
        row[1] += chr(_quantise(bigrams[pair] / left_totals[pair[0]]))
    return {
        "script": script,
        "chars": "".join(chars),
        "uni": [_quantise(unigrams[ch] / total) for ch in chars],
        "rows": rows,
        # Characters outside the table are at most as likely as the rarest kept one.
        "floor": _quantise(rarest / 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    model = {**source_fields(), "quant": QUANT, "languages": {}}
    for name, lang, script, max_chars, max_bigrams in LANGUAGES:
        model["languages"][name] = build_table(name, lang, script, max_chars, max_bigrams)
        table = model["languages"][name]
        bigram_count = sum(len(seconds) for seconds, _ in table["rows"].values())
        print(f"{name:8} chars={len(table['chars']):5} bigrams={bigram_count:6}")
    write_json_gz(args.out, model)


if __name__ == "__main__":
    main()
