"""Build the word lists shipped in ``src/fixenc/data/words.json.gz``.

Source: the word-frequency lists of the ``wordfreq`` package (PyPI; code Apache-2.0, data
CC-BY-SA 4.0), as for the character model (``scripts/build_langmodel.py``).  For each language
whose letters UTF-8 spreads over bytes that Windows code pages leave undefined (Cyrillic,
Greek), the most frequent words made of letters only, in ``langmodel.word_key`` form (lower
case; Greek without accents, final sigma as sigma), in bands of rank
(``langmodel.WORD_RANK_BANDS``), each sorted, one per line.  A guess of a lost
byte prefers the letter that makes a known word (``repair._best_guess``): a bigram model alone
reads "Русский" as "Русякий".

    pip install '.[build]'
    PYTHONPATH=src python scripts/build_wordlists.py

The output is deterministic for a given wordfreq version.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import wordfreq
from _wordfreq_data import source_fields, write_json_gz

from fixenc.langmodel import WORD_LIST_FILE, WORD_RANK_BANDS, word_key

LANGUAGES = ("ru", "uk", "bg", "mk", "el", "he")
WORDS_PER_LANGUAGE = WORD_RANK_BANDS[-1]
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "fixenc" / "data" / WORD_LIST_FILE


def word_list(language: str) -> list[str]:
    """The words by band of rank (``WORD_RANK_BANDS``), each band sorted, one word per line
    (a word whose key several words share is in the band of the most frequent)."""
    words = dict.fromkeys(word_key(word) for word in wordfreq.top_n_list(language, WORDS_PER_LANGUAGE)
                          if word.isalpha())
    ranked = list(words)
    bands, start = [], 0
    for end in WORD_RANK_BANDS:
        bands.append("\n".join(sorted(ranked[start:end])))
        start = end
    return bands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    write_json_gz(args.out, {
        **source_fields(),
        "words_per_language": WORDS_PER_LANGUAGE,
        "rank_bands": list(WORD_RANK_BANDS),
        "languages": {language: word_list(language) for language in LANGUAGES},
    })


if __name__ == "__main__":
    main()
