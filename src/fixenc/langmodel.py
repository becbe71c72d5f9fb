"""A compact character language model: how plausible is this text as human writing?

The repair stage must decide between a span as it is and a re-decoded candidate.
Mojibake is a string of characters that rarely follow each other in any language
(``鍙戝竷`` for ``发布``, ``ÄãºÃ`` for ``你好``), so a character bigram model
separates the two by a wide margin while needing no list of "bad" characters.

The tables (``data/langmodel.json.gz``) hold, for Chinese (simplified and
traditional), Japanese, Korean, Russian, Ukrainian, Bulgarian, Macedonian, Greek,
Hebrew, Arabic and 24 Latin-script languages, the most frequent characters and
character bigrams with their log-probabilities quantised to 1/8 nat.  They are
built by ``scripts/build_langmodel.py`` from the word frequencies of the
``wordfreq`` package (data CC-BY-SA 4.0) and loaded lazily on first use.

Scoring is script-aware: letters are grouped into runs of one script family
(CJK, Cyrillic, Latin, ...); each run is scored under every language of its
family and the best language wins; digits, spaces and common punctuation get a
fixed neutral score; symbols that belong to no language (``¤ © ± ¼`` ...) get a
low fixed score.  Text is lower-cased first, as the word lists are.

>>> text_logprob("发布时间") > text_logprob("鍙戝竷鏃堕棿")
True
>>> compare("СЕКРЕТ", "ÑÅÊÐÅÒ") > 3
True
"""

from __future__ import annotations

import gzip
import json
import math
import operator
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

DATA_FILE = "langmodel.json.gz"

# Weight of the bigram estimate against the unigram estimate.
BIGRAM_WEIGHT = 0.6

# Log-probabilities of characters that carry no language evidence.
NEUTRAL_LOGPROB = math.log(0.03)
# Symbols and controls of the upper half of single-byte code pages (``¤ © ± ¼ €``,
# C1 controls...), the material single-byte mojibake is made of.  Alone they are
# merely rare; right after a letter or another such symbol they are suspicious.
SYMBOL_LOGPROB = math.log(1e-3)
ADJACENT_SYMBOL_LOGPROB = math.log(1e-3)
# Everything else no table covers: emoji, dingbats, letters of other scripts.
OTHER_LOGPROB = math.log(1e-3)
# Two letters of different alphabets (Latin, Cyrillic, Greek...) with nothing
# between them: words do not mix alphabets, single-byte mojibake often does.
SCRIPT_SWITCH_LOGPROB = math.log(1e-4)
# A capital right after a small letter of the same word ("aoÃ»t", "Ð¿Ñ€"):
# rare in prose, typical of UTF-8 read as a single-byte code page.
CASE_SWITCH_LOGPROB = math.log(0.01)
# Each further capital in a word of capitals: prose is mostly small letters, and
# Cyrillic code pages read as each other turn small letters into capitals.
CAPITALS_RUN_LOGPROB = math.log(0.5)

# Marks of the upper half of Windows-1252 that prose hardly uses (‚ † ‡ ‰ ‹ ›) and that
# double-byte text read as Windows-1252 is full of (Shift-JIS hiragana: 82 xx, ‚ and a letter):
# scored as symbols, not as punctuation.
RARE_MARKS = frozenset((0x201A, 0x2020, 0x2021, 0x2030, 0x2039, 0x203A))

# Characters scored as neutral: whitespace, digits, ASCII and typographic
# punctuation, CJK punctuation, fullwidth forms of ASCII (Ｐ．Ｓ．).  Mojibake
# is recognised by the letters and symbols around them, never by these.
NEUTRAL_CHARS = frozenset(
    " \t\n\r\x0b\x0c\u00a0\u3000"
    "0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    + "".join(chr(code) for code in range(0x2010, 0x2028) if code not in RARE_MARKS)
    + "".join(chr(code) for code in range(0x2030, 0x205F) if code not in RARE_MARKS)
    + "".join(chr(code) for code in range(0x3001, 0x3040) if code not in (0x3005, 0x3006))
    + "\u30fb"  # KATAKANA MIDDLE DOT, Japanese punctuation (ジョン・スミス) in the kana block
    + "".join(map(chr, range(0xFF01, 0xFF66)))
    + "".join(map(chr, range(0xFE30, 0xFE70)))
)

MOJIBAKE_SYMBOLS = frozenset(
    ch
    for codec in ("latin-1", "cp1252", "cp1250", "cp1251", "koi8-r", "mac-roman")
    for ch in bytes(range(0x80, 0x100)).decode(codec, "replace")
    if not ch.isalpha() and ch not in NEUTRAL_CHARS
)

# U+FFFD, the mark of a lost character: rare, but an honest mark is more
# plausible than the mojibake that hides the loss (锟斤拷).
LOST_LOGPROB = math.log(0.01)
# A C1 control (U+0080-U+009F) is no character of any text: on the web it is a byte
# read as Latin-1 (Shift-JIS lead bytes 81-9F, Windows-1252's € or "), so it scores
# as the rarest letter does.
CONTROL_LOGPROB = math.log(1e-7)
FIXED_SCORES = {
    "neutral": NEUTRAL_LOGPROB,
    "symbol": SYMBOL_LOGPROB,
    "other": OTHER_LOGPROB,
    "lost": LOST_LOGPROB,
    "control": CONTROL_LOGPROB,
}

# Unicode ranges of each script family, as (first, last, family).
SCRIPT_RANGES = (
    (0x0041, 0x005A, "latin"),
    (0x0061, 0x007A, "latin"),
    (0x00AA, 0x00AA, "latin"),
    (0x00BA, 0x00BA, "latin"),
    (0x00C0, 0x00D6, "latin"),
    (0x00D8, 0x00F6, "latin"),
    (0x00F8, 0x024F, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x1100, 0x11FF, "cjk"),
    (0x1E00, 0x1EFF, "latin"),
    (0x2E80, 0x2FDF, "cjk"),
    (0x3005, 0x3006, "cjk"),  # 々 〆: letters of Japanese words (人々, 締め切り as 〆切)
    (0x3040, 0x30FF, "cjk"),
    (0x3100, 0x31FF, "cjk"),
    (0x3400, 0x4DBF, "cjk"),
    (0x4E00, 0x9FFF, "cjk"),
    (0xAC00, 0xD7AF, "cjk"),
    (0xF900, 0xFAFF, "cjk"),
    (0xFF66, 0xFF9F, "cjk"),
    (0xFFA0, 0xFFDC, "cjk"),
    (0x20000, 0x3134F, "cjk"),
)

# Run scores the languages keep in all (runs are words: a page has a few thousand
# different ones); when there are this many, every language's are dropped.  Plain
# dict entries: twice the LRU cache's 2^18 entries in about the same memory.
RUN_CACHE_SIZE = 1 << 19

# A long run is scored under every language of its family only on this prefix;
# the best few languages then score the whole run.
LANGUAGE_PROBE_CHARS = 60
LANGUAGE_SHORTLIST = 3


class Score(NamedTuple):
    """Total log-probability of a text, the number of characters scored, best language."""

    total: float
    chars: int
    language: str

    @property
    def mean(self) -> float:
        return self.total / self.chars if self.chars else 0.0


class _Language:
    """One language's tables as probabilities, ready for scoring."""

    __slots__ = ("_pair_logs", "_probabilities", "_rows", "_scores", "floor", "name", "script",
                 "top", "unigram")

    def __init__(self, name: str, table: dict, probabilities: list[float]) -> None:
        self.name = name
        self.script = table["script"]
        self.top = table["chars"]
        self._probabilities = probabilities
        self.unigram = dict(zip(table["chars"], map(probabilities.__getitem__, table["uni"])))
        # {first character: (second characters, their quantised log-probabilities as
        # characters)}: looked up on first use of a pair (``_PairLogs``); a dict of every
        # pair took most of a process's start-up to build.
        self._rows: dict[str, list[str]] = table["rows"]
        self.floor = probabilities[table["floor"]]
        self._pair_logs = _PairLogs(self)
        self._scores: dict[str, float] = {}

    def bigram_probability(self, pair: str) -> float | None:
        """P(second character | first) of the table, or None for a pair it does not hold."""
        row = self._rows.get(pair[0])
        if row is None:
            return None
        index = row[0].find(pair[1])
        return None if index < 0 else self._probabilities[ord(row[1][index])]

    @property
    def bigram(self) -> dict[str, float]:
        """Every pair of the table with its probability (built on each call; for tests)."""
        return {first + second: self._probabilities[ord(q)]
                for first, (seconds, qs) in self._rows.items() for second, q in zip(seconds, qs)}

    def score_run(self, run: str, pairs: list[str] | None = None) -> float:
        """Sum of log-probabilities of a run of letters (the first preceded by a boundary).

        ``pairs``: the run's pairs of characters (``_pairs``), when the caller has them.
        Runs (words) recur across the candidates of one page, so scores are cached
        (in a plain dict, looked up in C by ``runs_total``; see ``RUN_CACHE_SIZE``).
        """
        score = self._scores.get(run)
        if score is None:
            # Each pair's term looked up and added in C; a pair met for the first time is
            # computed by ``_PairLogs.__missing__``.
            pairs = _pairs(run) if pairs is None else pairs
            score = self._scores[run] = sum(map(self._pair_logs.__getitem__, pairs), 0.0)
            _count_cached_run()
        return score

    def runs_total(self, runs: list[str]) -> float:
        """The sum of ``score_run`` over ``runs``, added in order."""
        try:
            return sum(map(self._scores.__getitem__, runs))  # every run scored before: in C
        except KeyError:
            pass
        scores = list(map(self._scores.get, runs))
        if None in scores:
            scores = [self.score_run(run) if score is None else score
                      for run, score in zip(runs, scores)]
        return sum(scores)

def _pairs(run: str) -> list[str]:
    """Each character of ``run`` with the one before it (a space, a boundary, before the first)."""
    return list(map(operator.add, " " + run[:-1], run))


class _PairLogs(dict):
    """Pair of characters -> log(weight * p_bigram + (1 - weight) * p_unigram) of the second
    after the first under one language (p_bigram = 0 for a pair its table does not hold).

    Computed on first use (``__missing__``, one Python call per pair) and kept: computing it
    for every known pair of a language took a tenth of a second of a process's first pages,
    and a page of mojibake meets tens of thousands of pairs the tables do not hold.
    """

    __slots__ = ("language", "unknown")

    def __init__(self, language: _Language) -> None:
        super().__init__()
        self.language = language
        self.unknown: dict[str, float] = {}  # second character -> the term of an unknown pair

    def __missing__(self, pair: str) -> float:
        language = self.language
        first, second = pair
        row = language._rows.get(first)
        index = -1 if row is None else row[0].find(second)
        if index < 0:
            value = self.unknown.get(second)
            if value is None:
                p_uni = language.unigram.get(second, language.floor)
                value = self.unknown[second] = math.log(
                    BIGRAM_WEIGHT * 0.0 + (1.0 - BIGRAM_WEIGHT) * p_uni)
        else:
            p_uni = language.unigram.get(second, language.floor)
            p_bi = language._probabilities[ord(row[1][index])]
            value = math.log(BIGRAM_WEIGHT * p_bi + (1.0 - BIGRAM_WEIGHT) * p_uni)
        self[pair] = value
        return value


_cached_runs = 0


def _count_cached_run() -> None:
    """Drop every language's run scores once ``RUN_CACHE_SIZE`` are kept (a soft bound)."""
    global _cached_runs
    _cached_runs += 1
    if _cached_runs >= RUN_CACHE_SIZE:
        _cached_runs = 0
        for languages in _model().by_script.values():
            for language in languages:
                language._scores.clear()
                language._pair_logs.clear()


class _Model:
    def __init__(self) -> None:
        raw = (resources.files("fixenc") / "data" / DATA_FILE).read_bytes()
        data = json.loads(gzip.decompress(raw))
        quant = float(data["quant"])
        # Quantised log-probabilities are the integers 0-255: each is exponentiated once.
        probabilities = [math.exp(-q / quant) for q in range(256)]
        self.by_script: dict[str, list[_Language]] = {}
        for name, table in data["languages"].items():
            language = _Language(name, table, probabilities)
            self.by_script.setdefault(language.script, []).append(language)

    def score_segment(self, script: str, runs: list[str]) -> tuple[float, str]:
        """Best total log-probability of the letter runs of one script family."""
        languages = self.by_script.get(script)
        if not languages:
            return SYMBOL_LOGPROB * sum(map(len, runs)), ""
        # Every language scores the first LANGUAGE_PROBE_CHARS letters (one
        # cached call per run); only the best few score the whole text.
        totals = [0.0] * len(languages)
        probed = size = 0
        for run in runs:
            probe = run[: LANGUAGE_PROBE_CHARS - size]
            totals = list(map(operator.add, totals, _run_scores(script, probe)))
            size += len(probe)
            if len(probe) < len(run) or size >= LANGUAGE_PROBE_CHARS:
                break
            probed += 1
        if probed == len(runs):
            # The probe held every run (short texts: the candidates of a lost byte): its
            # totals are the scores, and the first best language wins.
            best = max(totals)
            return best, languages[totals.index(best)].name
        order = range(len(languages))
        if len(languages) > LANGUAGE_SHORTLIST:
            # Best first; a stable sort keeps the model's order among equal totals, reversed too.
            order = sorted(order, key=totals.__getitem__, reverse=True)[:LANGUAGE_SHORTLIST]
        best, best_name = -math.inf, ""
        for index in order:
            language = languages[index]
            total = language.runs_total(runs)
            if total > best:
                best, best_name = total, language.name
        return best, best_name


@lru_cache(maxsize=1 << 16)
def _run_scores(script: str, run: str) -> tuple[float, ...]:
    """The score of one run under each language of its script family, in model order."""
    pairs = _pairs(run)
    return tuple([language.score_run(run, pairs) for language in _model().by_script[script]])


_MODEL: _Model | None = None
_LOCK = threading.Lock()


def _model() -> _Model:
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = _Model()
    return _MODEL


def load() -> None:
    """Load the tables now (they load on first use otherwise)."""
    _model()


def common_chars(count: int, script: str = "cjk") -> set[str]:
    """The ``count`` most frequent characters of each language of a script family."""
    model = _model()
    return {ch for language in model.by_script.get(script, ()) for ch in language.top[:count]}


@lru_cache(maxsize=65536)
def script_of(ch: str) -> str:
    """Script family of one character: a key of the model, "neutral", "symbol", "lost" or "other"."""
    if ch in NEUTRAL_CHARS:
        return "neutral"
    if ch == "\ufffd":
        return "lost"
    if "\x80" <= ch <= "\x9f":
        return "control"
    if ch in MOJIBAKE_SYMBOLS:
        return "symbol"
    code = ord(ch)
    for first, last, script in SCRIPT_RANGES:
        if code < first:
            break
        if code <= last:
            return script
    return "other"


@lru_cache(maxsize=1 << 16)
def writing_system(ch: str) -> str:
    """Hangul, kana, Han, the model's script of other letters, or "script NAME" for a letter,
    digit or combining mark of no modelled script (NAME: the first word of its Unicode name,
    THAI, ARMENIAN, VAI, ARABIC for presentation forms); "common" for punctuation, symbols,
    spaces."""
    code = ord(ch)
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x3040 <= code <= 0x30FF or 0xFF66 <= code <= 0xFF9F:
        return "kana"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3134F:
        return "han"
    if unicodedata.category(ch)[0] not in "LMN":
        return "common"
    script = script_of(ch)
    if script != "other":
        return script  # "cjk" here: Bopomofo, CJK radicals, halfwidth Hangul
    return "script " + (unicodedata.name(ch, "").partition(" ")[0] or f"{code >> 7}")


@lru_cache(maxsize=65536)
def _lower(ch: str) -> str:
    # casefold, as wordfreq does: ß is counted as ss, ς as σ
    return ch.casefold()[:1] or ch


# Per character: (script family, lower-case form, is a small letter, fixed
# log-probability or None for a letter); filled lazily, as plain dict lookups are
# what keeps ``text_score`` cheap.
_CHAR_INFO: dict[str, tuple[str, str, bool, float | None]] = {}


def _char_info(ch: str) -> tuple[str, str, bool, float | None]:
    lowered = _lower(ch)
    script = script_of(ch)
    # Greek final sigma casefolds to σ, as the tables count it, yet is a small letter, not a
    # capital.  Not ß, which casefolds to s: as a small letter it would score as common as s, and
    # a lost byte of á read as Windows-1257 became ß ("socißlní").
    small = (lowered == ch or ch == "ς") and ch.upper() != ch
    info = (script, lowered, small, FIXED_SCORES.get(script))
    _CHAR_INFO[ch] = info
    return info


def _fixed_and_runs(text: str, word_ends: bool = False) -> tuple[float, dict[str, list[str]]]:
    """What ``text_score`` adds up for ``text``: the fixed log-probabilities (neutral characters,
    symbols, switches of script and of case) and the letter runs grouped by script family.

    ``word_ends``: each run of a script that writes spaces between words (``WORD_END_SCRIPTS``)
    ends in a space, so that its last letter is scored as the end of a word: the tables hold how
    often each letter ends one (Russian я 69% of the time, с 8%).  A run cut by a switch of
    script ends there too: were it spared, a reading that glues a letter of another script to a
    Latin word ("NET就" for "NET、") would save the word's end.
    """
    ends = WORD_END_SCRIPTS if word_ends else frozenset()
    char_info = _CHAR_INFO.get
    runs_by_script: dict[str, list[str]] = {}
    fixed = 0.0
    run: list[str] = []
    run_script = ""
    previous = "neutral"
    previous_was_small = False
    for ch in text:
        script, lowered, is_small, fixed_score = char_info(ch) or _char_info(ch)
        if fixed_score is not None:
            fixed += fixed_score
            if script in ("symbol", "control") and previous != "neutral":
                fixed += ADJACENT_SYMBOL_LOGPROB
            previous = script
            if run:
                if run_script in ends:
                    run.append(" ")
                runs_by_script.setdefault(run_script, []).append("".join(run))
                run = []
            continue
        previous = script
        if script != run_script and run:
            if run_script in ends:
                run.append(" ")
            runs_by_script.setdefault(run_script, []).append("".join(run))
            run = []
            if script != "cjk" and run_script != "cjk":
                fixed += SCRIPT_SWITCH_LOGPROB
        run_script = script
        if lowered != ch and not is_small and run:
            fixed += CASE_SWITCH_LOGPROB if previous_was_small else CAPITALS_RUN_LOGPROB
        previous_was_small = is_small
        run.append(lowered)
    if run:
        if run_script in ends:
            run.append(" ")
        runs_by_script.setdefault(run_script, []).append("".join(run))
    return fixed, runs_by_script


# Script families whose words are written with spaces between them (see ``_fixed_and_runs``).
# Not "cjk": Chinese and Japanese write none, and the Korean table's words are morphemes.
WORD_END_SCRIPTS = frozenset(("latin", "cyrillic", "greek", "hebrew", "arabic"))


@lru_cache(maxsize=2048)
def text_score(text: str, word_ends: bool = False) -> Score:
    """Total log-probability of ``text`` with the number of characters and the main language.

    Letters are split into runs (a run ends at any neutral character or symbol)
    and the runs are grouped by script family; each family is scored under its
    best language.  Neutral characters and symbols add fixed log-probabilities.
    Cached: the repair stage scores the same damaged span against each of its
    candidates.  ``word_ends``: score each word's last letter as one (``_fixed_and_runs``), as
    the choice among the readings of a lost byte does.
    """
    model = _model()
    total, runs_by_script = _fixed_and_runs(text, word_ends=word_ends)
    language, language_size = "", 0
    for script, runs in runs_by_script.items():
        score, name = model.score_segment(script, runs)
        total += score
        size = sum(map(len, runs))  # with word ends' spaces, if any: only sizes are compared
        if size > language_size:
            language, language_size = name, size
    return Score(total, len(text), language)


def total_upper_bound(pieces: list[str]) -> float:
    """A bound no ``text_score(...).total`` exceeds of the pieces joined by one unknown
    character each (``"".join`` with any one character between each two of them).

    For a search that fills unknown characters and wants the best total: when even this
    bound is too low, no filling is worth trying.  Why it bounds: every fixed score,
    penalty and letter log-probability is at most 0.  Scored apart, a piece loses the
    penalties and terms that tie it to the unknown character before it, except the term
    of its first letter after a word boundary, which is taken off here; the unknown
    characters' own terms are left out; and each script family takes the best language
    for all pieces together, which no language's total of the joined text exceeds.

    >>> text = "中文的文本"
    >>> all(text_score(text[:2] + ch + text[3:]).total <= total_upper_bound([text[:2], text[3:]])
    ...     for ch in "的了，a")
    True
    """
    model = _model()
    fixed = 0.0
    totals: dict[str, list[float]] = {}
    for number, piece in enumerate(pieces):
        piece_fixed, runs_by_script = _fixed_and_runs(piece)
        fixed += piece_fixed
        if number and piece:
            script, lowered, _, fixed_score = _CHAR_INFO.get(piece[0]) or _char_info(piece[0])
            if fixed_score is None and model.by_script.get(script):
                # The piece's first letter follows the unknown character, not a boundary.
                totals_for = totals.setdefault(script, [0.0] * len(model.by_script[script]))
                for index, score in enumerate(_run_scores(script, lowered)):
                    totals_for[index] -= score
        for script, runs in runs_by_script.items():
            totals_for = totals.setdefault(script, [0.0] * len(model.by_script.get(script, ())))
            if not totals_for:
                fixed += SYMBOL_LOGPROB * sum(map(len, runs))
                continue
            for run in runs:
                for index, score in enumerate(_run_scores(script, run)):
                    totals_for[index] += score
    return fixed + sum(max(scores) for scores in totals.values() if scores)


@lru_cache(maxsize=65536)
def char_logprob(ch: str) -> float:
    """Log-probability of one character alone: its best unigram in any language of its script."""
    script = script_of(ch)
    if script in FIXED_SCORES:
        return FIXED_SCORES[script]
    lowered = _lower(ch)
    languages = _model().by_script.get(script, ())
    best = max(
        (language.unigram.get(lowered, language.floor) for language in languages), default=0.0
    )
    return math.log(best) if best > 0 else OTHER_LOGPROB


@lru_cache(maxsize=1)
def least_logprob() -> float:
    """A bound no ``text_logprob`` goes below: the least any character can add to a total.

    A letter adds at least its language's least interpolated term, (1 - BIGRAM_WEIGHT) times
    its least unigram (the best language's total is at least any one language's), and at most
    one of a switch of script or of case (a switch starts a new run, where case is not
    judged); a letter of a script the model has no language for adds ``SYMBOL_LOGPROB``; a
    character of a fixed score its score, a symbol the penalty of its neighbour too.
    """
    least_unigram = min(min(language.floor, *language.unigram.values())
                        for languages in _model().by_script.values() for language in languages)
    letter = min(math.log((1.0 - BIGRAM_WEIGHT) * least_unigram), SYMBOL_LOGPROB)
    switch = min(SCRIPT_SWITCH_LOGPROB, CASE_SWITCH_LOGPROB, CAPITALS_RUN_LOGPROB)
    return min(letter + switch, min(FIXED_SCORES.values()) + ADJACENT_SYMBOL_LOGPROB)


def scoring_form(text: str) -> str:
    """``text`` with each character of a fixed score (``FIXED_SCORES``: neutral characters,
    symbols, U+FFFD, characters of no modelled script) replaced by one character of its class.

    ``text_score`` reads such a character only by its class, so both score the same: callers
    that score many texts differing in one mark of punctuation share one cached score.

    >>> scoring_form("的。”x") == scoring_form("的，—x")
    True
    >>> text_score(scoring_form("的。”x")) == text_score("的，—x")
    True
    """
    return text.translate(_SCORING_FORM)


class _ScoringForm(dict):
    """Code point -> its character in ``scoring_form``, filled as characters are met."""

    def __init__(self) -> None:
        super().__init__()
        self.representatives: dict[str, str] = {}

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        script = script_of(ch)
        if script in FIXED_SCORES:
            ch = self.representatives.setdefault(script, ch)
        self[code] = ch
        return ch


_SCORING_FORM = _ScoringForm()


def text_logprob(text: str) -> float:
    """Mean log-probability per character of ``text``; higher is more plausible.

    Clean prose scores about -3 to -6 (Latin and Cyrillic letters) or -5 to -8
    (Chinese characters); mojibake scores several nats lower.  Empty text scores 0.
    """
    return text_score(text).mean


def language_logprob(run: str, language: str) -> float:
    """Total log-probability of a run of letters under one language's tables ("zh-hans", "ru"...).

    For choices inside one known language, where the best-language scoring of
    :func:`text_score` would let another language's spelling win.

    >>> language_logprob("着力", "zh-hans") > language_logprob("著力", "zh-hans")
    True
    """
    for languages in _model().by_script.values():
        for candidate in languages:
            if candidate.name == language:
                return candidate.score_run("".join(map(_lower, run)))
    raise KeyError(f"no tables for language {language!r}")


def compare(candidate: str, original: str) -> float:
    """How much more plausible ``candidate`` is than ``original``, in nats per character.

    Positive means the candidate reads better.  Candidates of mojibake repairs are
    usually shorter than the damaged text, so the per-character mean (not the
    total) is compared.
    """
    return text_logprob(candidate) - text_logprob(original)



# How often each non-ASCII mark of punctuation is written, as a share of all such marks in
# CJK and typographic prose (rounded estimates).  ``text_score`` scores every mark as neutral,
# which is right for judging mojibake but leaves a lost byte inside a mark undecided: the
# bytes E3 80 ?? are any of the 64 marks 、。〃...〿.  Before a space, a line break or the end
# of the text, marks that end a sentence are the likely ones (。！？ rather than ，、), which is
# also where UTF-8 read as GBK loses bytes (a lead byte before ASCII).  Marks not listed share
# ``RARE_PUNCTUATION_SHARE`` each.
PUNCTUATION_SHARES = {
    "，": 0.28, "。": 0.2, "、": 0.08, "…": 0.04, "：": 0.035, "“": 0.035, "”": 0.035,
    "！": 0.03, "？": 0.03, "（": 0.02, "）": 0.02, "「": 0.02, "」": 0.02, "’": 0.02,
    "‘": 0.008, "—": 0.015, "–": 0.008, "・": 0.01, "《": 0.01, "》": 0.01, "～": 0.01,
    "；": 0.01, "　": 0.01, "『": 0.005, "』": 0.005, "【": 0.005, "】": 0.005,
    "〜": 0.005, "•": 0.005, "〈": 0.003, "〉": 0.003, "″": 0.002, "′": 0.002,
}
PUNCTUATION_SHARES_BEFORE_BREAK = {
    "。": 0.4, "！": 0.1, "？": 0.1, "…": 0.08, "」": 0.04, "）": 0.04, "”": 0.04, "’": 0.02,
    "，": 0.03, "：": 0.03, "～": 0.02, "』": 0.01, "】": 0.01, "》": 0.01, "、": 0.01,
    "—": 0.01, "–": 0.01, "〜": 0.01, "　": 0.01,
}
RARE_PUNCTUATION_SHARE = 0.0005
# U+FFFD is such a rare mark, in every context (no table lists it, it closes nothing).
LOST_MARK_LOGPROB = math.log(RARE_PUNCTUATION_SHARE)
# Japanese writes 、 where Chinese writes ，: in Japanese text the two swap their shares
# (before a letter, 、 is 43% of the marks of the chardet corpus's Japanese pages and 。 18%;
# ， is under 1%).  The bytes of 、 and 。 differ only in their last (E3 80 81, E3 80 82).
JAPANESE_SWAPS = {"、": "，", "，": "、"}


def _japanese_shares(shares: dict[str, float]) -> dict[str, float]:
    """``shares`` with the marks of ``JAPANESE_SWAPS`` swapped."""
    return {ch: shares.get(JAPANESE_SWAPS.get(ch, ch), RARE_PUNCTUATION_SHARE)
            for ch in {*shares, *JAPANESE_SWAPS}}


PUNCTUATION_SHARES_JAPANESE = _japanese_shares(PUNCTUATION_SHARES)
PUNCTUATION_SHARES_BEFORE_BREAK_JAPANESE = _japanese_shares(PUNCTUATION_SHARES_BEFORE_BREAK)
NON_ASCII_NEUTRAL = re.compile(
    "[" + "".join(sorted(re.escape(ch) for ch in NEUTRAL_CHARS if not ch.isascii())) + "]"
)


# A closing quote right after the end of a sentence ('binasa.”') is what quoted speech
# looks like; without this "…" (the commoner mark) won the lost last byte of E2 80 9D.
SENTENCE_ENDS = frozenset(".!?。！？")
# ASCII marks that end a stretch of text: a mark before one is as before a break ("です。..."):
# in the chardet corpus's CJK pages 。 is 41-50% of the marks before ASCII punctuation and
# 60-65% at the end of a line, against 12-18% before a letter.  Not "?": a decoder's stand-in
# for a lost byte, as often as not; nor closing brackets, which end emoticons ("(・∀・)").
STOPS_AFTER_A_MARK = frozenset(".!,;:")
CLOSING_QUOTES = frozenset("”’」』")
QUOTE_AFTER_SENTENCE_LOGPROB = math.log(10)
# Paired punctuation: the closing mark of each opening one.  While an opening mark is open on
# its line, its closing mark is about half of the marks that follow (64% of them in the CJK
# pages of the chardet corpus, against a share of 2-4% of all marks): "（17時台）4" whose
# lost last byte of ） made it "，".
CLOSING_MARK_OF = {
    "“": "”", "（": "）", "「": "」", "『": "』", "《": "》", "〈": "〉", "【": "】", "〔": "〕",
    "［": "］",
}
OPENING_MARK_OF = {closing: opening for opening, closing in CLOSING_MARK_OF.items()}
PAIRED_MARK_RE = re.compile("[" + "".join(CLOSING_MARK_OF) + "".join(OPENING_MARK_OF) + "]")
CLOSING_MARK_SHARE = 0.5
NON_ASCII_CHAR = re.compile("[^\x00-\x7f]")


def punctuation_logprob(
    text: str, at_end: bool = False, closing: str = "", japanese: bool = False
) -> float:
    """Sum of the log-shares of the non-ASCII marks of ``text`` among all such.

    For guessing a lost byte, where the candidates of one mark tie under ``text_score``.
    ``at_end``: the text is followed by a break (its last mark may end a sentence).
    ``closing``: the closing marks whose opening marks are open before the text (see
    ``open_marks``); each has ``CLOSING_MARK_SHARE`` at least.  ``japanese``: the text is
    Japanese (``JAPANESE_SWAPS``; see ``is_japanese``).  A mark
    is any non-ASCII character that is no letter, digit or combining mark: punctuation,
    symbols, spaces and format characters.  Why all of them: a lost last byte of "…"
    (E2 80 A6) could as well be U+200F or a dingbat, which the model scores as rare
    characters but no rarer than a mark, so the guess never reached its confidence.

    >>> punctuation_logprob("。") > punctuation_logprob("〿")
    True
    >>> punctuation_logprob("吗？ ") > punctuation_logprob("吗， ")
    True
    >>> punctuation_logprob("“…D") > punctuation_logprob("“\u200fD")
    True
    >>> punctuation_logprob("sa.”<") > punctuation_logprob("sa.…<")
    True
    >>> punctuation_logprob("）4", closing="）") > punctuation_logprob("，4", closing="）")
    True
    >>> japanese = {"japanese": True}
    >>> punctuation_logprob("て、2", **japanese) > punctuation_logprob("て。2", **japanese)
    True
    >>> punctuation_logprob("す。...", **japanese) > punctuation_logprob("す、...", **japanese)
    True
    >>> punctuation_logprob("ab中")
    0.0
    """
    marks = text.translate(_MARKS_ONLY)
    if not marks.strip("\ufffd"):
        # No mark but U+FFFD (most readings of a lost byte: a character cut by the window's
        # end, a filling that breaks one), rare wherever it stands: no search, no lookups.
        total = 0.0
        for _ in marks:
            total += LOST_MARK_LOGPROB
        return total
    total = 0.0
    inside_shares = PUNCTUATION_SHARES_JAPANESE if japanese else PUNCTUATION_SHARES
    before_break_shares = (
        PUNCTUATION_SHARES_BEFORE_BREAK_JAPANESE if japanese else PUNCTUATION_SHARES_BEFORE_BREAK
    )
    for match in NON_ASCII_CHAR.finditer(text):
        ch, index = match.group(), match.start()
        if not _is_mark(ch):
            continue
        following = text[index + 1 : index + 2]
        before_break = following.isspace() or following in STOPS_AFTER_A_MARK
        if before_break or not following and at_end:
            shares = before_break_shares
        else:
            shares = inside_shares
        share = shares.get(ch, RARE_PUNCTUATION_SHARE)
        if ch in closing:
            share = max(share, CLOSING_MARK_SHARE)
        total += math.log(share)
        if ch in CLOSING_QUOTES and text[index - 1 : index] in SENTENCE_ENDS:
            total += QUOTE_AFTER_SENTENCE_LOGPROB
    return total


# Kana are at least this share of the different Han and kana characters of Japanese text;
# Chinese text may borrow one or two (の for 的).
JAPANESE_KANA_SHARE = 0.2


def is_japanese(chars: Iterable[str]) -> bool:
    """Are kana at least ``JAPANESE_KANA_SHARE`` of the different Han and kana ``chars``?

    >>> is_japanese("今日は雨です"), is_japanese("我的の朋友們在台北")
    (True, False)
    """
    kana = han = 0
    for ch in set(chars):
        system = writing_system(ch)
        kana += system == "kana"
        han += system == "han"
    return kana > 0 and kana >= JAPANESE_KANA_SHARE * (kana + han)


# Units and counters written right after a number.  The model reads digits as neutral, so
# it cannot see that 12月 is likelier than 12有 (their UTF-8 differs only in the last byte);
# right after a digit each of these is 15 to 140 times as frequent as overall in the CJK
# pages of the chardet corpus (年 31x, 円 54x, 万 79x, 亿 137x, 월 143x, 개 21x).
NUMERAL_UNITS = frozenset(
    "年月日時分秒円元万萬億亿兆千百個个回歳歲号號番位点點度倍件枚週周％"
    "년월일시분초원만천억개번회세권달"
)
AFTER_NUMBER_LOGPROB = math.log(20)
AFTER_NUMBER_RE = re.compile("(?<=\\d)[" + "".join(sorted(NUMERAL_UNITS)) + "]")


def after_number_logprob(text: str, start: int = 1) -> float:
    """``AFTER_NUMBER_LOGPROB`` for each of ``NUMERAL_UNITS`` right after a digit in ``text``,
    from the character at ``start`` on.

    >>> after_number_logprob("12月") > after_number_logprob("12有") == 0.0
    True
    >>> after_number_logprob("5円", start=2)
    0.0
    """
    return AFTER_NUMBER_LOGPROB * len(AFTER_NUMBER_RE.findall(text, max(start, 1)))


def open_marks(marks: str, text: str) -> str:
    """The opening marks of paired punctuation still open after ``text``, innermost last,
    given ``marks`` open before it; a line break closes them all.

    >>> open_marks("", "「あ（い）う")
    '「'
    >>> open_marks("「", "え」\\n『お")
    '『'
    """
    line_start = text.rfind("\n") + 1
    if line_start:
        marks = ""
    for match in PAIRED_MARK_RE.finditer(text, line_start):
        ch = match.group()
        if ch in CLOSING_MARK_OF:
            marks += ch
        else:
            opened = marks.rfind(OPENING_MARK_OF[ch])
            if opened >= 0:
                marks = marks[:opened]
    return marks


def closing_marks(marks: str) -> str:
    """The closing marks of the opening ``marks`` (of ``open_marks``), once each, sorted."""
    return "".join(sorted({CLOSING_MARK_OF[mark] for mark in marks}))


class _MarksOnly(dict):
    """Code point -> None (deleted by ``str.translate``) unless a non-ASCII mark
    (``_is_mark``); filled as characters are met."""

    def __missing__(self, code: int) -> str | None:
        kept = chr(code) if code >= 0x80 and _is_mark(chr(code)) else None
        self[code] = kept
        return kept


_MARKS_ONLY = _MarksOnly()


@lru_cache(maxsize=8192)
def _is_mark(ch: str) -> bool:
    return NON_ASCII_NEUTRAL.match(ch) is not None or unicodedata.category(ch)[0] in "PSZC"


# Word lists (``data/words.json.gz``, ``scripts/build_wordlists.py``): the most frequent words
# of the languages whose letters can lose a byte to a Windows code page's undefined bytes
# (Cyrillic, Greek, Hebrew).  A bigram model cannot tell "Русский" from "Русякий"; a word list can.
WORD_LIST_FILE = "words.json.gz"
# The lists hold each language's words in bands of rank by frequency (1-30, 31-100, ...); a
# word's rank is told by its band, as the band's geometric middle.
WORD_RANK_BANDS = (30, 100, 300, 1_000, 3_000, 10_000, 30_000, 50_000)
_WORDS: list[tuple[frozenset[str], int]] | None = None


# Latin letters drawn as Cyrillic ones: a Cyrillic word typed with one of them ("Cрпски" with a
# Latin C, as keyboards and OCR make them) is looked up in Cyrillic.
CYRILLIC_LOOKALIKES = str.maketrans("AaBCcEeHKMOoPpTXxyIi", "АаВСсЕеНКМОоРрТХхуІі")


def word_key(word: str) -> str:
    """How a word is looked up: lower case, without combining marks; Greek without its accents,
    final sigma as sigma (capitals drop the accents, and wordfreq writes every sigma as σ); a
    Cyrillic word's Latin look-alikes as the Cyrillic letters they look like.

    >>> word_key("שָׁלוֹם") == "שלום", word_key("Йо́гурт")
    (True, 'йогурт')
    """
    if not word.isascii() and any("a" <= ch.lower() <= "z" for ch in word):
        cyrillic = word.translate(CYRILLIC_LOOKALIKES)
        if all(script_of(ch) == "cyrillic" for ch in cyrillic):
            word = cyrillic
    word = word.lower()
    if not any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in word):
        # Marks written apart from their letters (Hebrew points, a Russian stress mark) are not
        # in the lists; letters that hold one (й, ё) keep it.
        return "".join(ch for ch in word if not unicodedata.combining(ch))
    stripped = unicodedata.normalize("NFD", word.replace("ς", "σ"))
    return unicodedata.normalize("NFC", "".join(ch for ch in stripped if not unicodedata.combining(ch)))


WORD_LIST_SCRIPTS = frozenset(("cyrillic", "greek", "hebrew"))


def has_word_list(word: str) -> bool:
    """Are the words of ``word``'s script listed?  (A word that mixes in letters of another
    script is checked too: "Cрпски" with a Latin C, see ``word_key``.)"""
    return any(script_of(ch) in WORD_LIST_SCRIPTS for ch in word)


def word_rank(word: str) -> int | None:
    """The rank of ``word`` (any case) by frequency in its language's list, 1 for the most
    frequent; None if it is in no list.  Loads the lists on first use."""
    global _WORDS
    if _WORDS is None:
        with _LOCK:
            if _WORDS is None:
                raw = (resources.files("fixenc") / "data" / WORD_LIST_FILE).read_bytes()
                languages = json.loads(gzip.decompress(raw))["languages"].values()
                lows = (1, *WORD_RANK_BANDS[:-1])
                _WORDS = [(frozenset(word for bands in languages for word in bands[band].split("\n")),
                           round(math.sqrt(low * high)))
                          for band, (low, high) in enumerate(zip(lows, WORD_RANK_BANDS))]
    key = word_key(word)
    return next((rank for words, rank in _WORDS if key in words), None)
