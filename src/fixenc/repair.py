"""Undo mojibake: text whose bytes were decoded with the wrong codec, span by span.

Mojibake is reversible when nothing was lost: encode the damaged characters
with the codec that wrongly decoded them and decode the bytes with the right
one.  The hard part is knowing *when* to do it, because most text also "decodes"
under some wrong pair (Ukrainian ``ВІ`` re-encodes as valid UTF-8 ``²``).  So:

1. A fast path proves most clean text clean with one signature regex per
   family of damage (UTF-8 read as a single-byte page, legacy bytes read as
   Latin-1, Cyrillic pages swapped, UTF-8 read as a CJK page), each opening
   with one character class so the regex engine skips clean text in C; one
   gate regex joins them, so clean text costs a single scan: no signature,
   nothing to do (a few stray hits are sorted by family where the gate found
   them, so such text is not scanned again per family).  Signatures are
   structural (a whole UTF-8
   sequence of one code page; rare CJK characters close together; four
   common letters of an alphabet read as a CJK code page; a Latin-1 sign
   glued to an ASCII second byte, as Big5's "…" reads "¡K"), so clean text in
   any language seldom shows one, and where it does only the few dozen
   characters around the hits are examined.
2. Around each signature hit, a span (the run of characters that damage is made
   of, with its ASCII glue) is transcoded with the family's pairs of
   ``CODEC_PAIRS``; only the "islands" whose bytes form valid characters of the
   right codec change, so a correct neighbour is never re-decoded.  One pair is
   chosen per span (the one whose reading of the whole span is most
   plausible).  ftfy (every restyling fix off) proposes the repairs of UTF-8
   read as a single-byte code page, on whole lines cut at CJK characters; a
   second layer of our pairs is tried on top of first layers, for chains.
3. A candidate is accepted only when the character language model
   (``fixenc.langmodel``) finds it more plausible than the damaged text by
   ``MARGIN`` nats per character (how it was chosen: see ``MARGIN``), plus
   cheap guards (a repair into a CJK page gives CJK letters, into a Cyrillic
   page whole Cyrillic words, never private-use characters...).  Once a pair
   has repaired clear cases on a page, its short islands elsewhere on the page
   pass with a smaller margin.
4. Lost bytes (U+FFFD or ``?`` where the wrong decoder gave up, a space where a
   NBSP byte was) are guessed from the surviving bytes and the model; a guess
   is kept only when it is confident, otherwise the character becomes U+FFFD.
   A span that looks damaged but whose repair falls short of the margin is
   left unchanged and reported as an ``uncertain`` Fix.

Every change is a ``Fix`` with the span, the codec pair, the guessed bytes and
a confidence.

>>> repair_mojibake("鍙戝竷鏃堕棿")[0]
'发布时间'
>>> repair_mojibake("ÄãºÃ£¬ÊÀ½ç")[0]
'你好，世界'
>>> repair_mojibake("Ukrainian ВІКІ")[0]
'Ukrainian ВІКІ'
"""

from __future__ import annotations

import bisect
import codecs
import gzip
import heapq
import itertools
import json
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache, partial
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple

from fixenc import langmodel, precompiled
from fixenc.result import Fix

if TYPE_CHECKING:
    import ftfy

# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class CodecPair:
    """Text that should have been decoded with ``right`` was decoded with ``wrong``."""

    wrong: str
    right: str
    family: str


# Single-byte codecs used as the *wrong* decoder.  Each is "sloppy" like ftfy's:
# bytes the codec leaves undefined decode to the C1 control of the same value,
# and C1 controls encode back to their byte, because pages read as Latin-1 keep
# them that way.
SINGLE_BYTE_CODECS = ("windows-1252", "windows-1250", "windows-1251", "koi8-r", "mac-roman",
                      "windows-1253", "windows-1254", "windows-1255", "windows-1256", "windows-1257")

CODEC_PAIRS = (
    # UTF-8 read as a legacy CJK code page.
    CodecPair("gb18030", "utf-8", "utf8-as-cjk"),
    CodecPair("cp950", "utf-8", "utf8-as-cjk"),
    CodecPair("cp932", "utf-8", "utf8-as-cjk"),
    CodecPair("euc-jp", "utf-8", "utf8-as-cjk"),
    CodecPair("cp949", "utf-8", "utf8-as-cjk"),
    # Legacy CJK and Cyrillic bytes read as Latin-1 / Windows-1252.
    CodecPair("windows-1252", "gb18030", "legacy-as-latin"),
    CodecPair("windows-1252", "cp950", "legacy-as-latin"),
    CodecPair("windows-1252", "cp932", "legacy-as-latin"),
    CodecPair("windows-1252", "euc-jp", "legacy-as-latin"),
    CodecPair("windows-1252", "cp949", "legacy-as-latin"),
    CodecPair("windows-1252", "windows-1251", "legacy-as-latin"),
    CodecPair("windows-1252", "koi8-r", "legacy-as-latin"),
    # Cyrillic code pages read as each other.
    CodecPair("windows-1251", "koi8-r", "cyrillic-swap"),
    CodecPair("koi8-r", "windows-1251", "cyrillic-swap"),
    # UTF-8 read as a single-byte code page (ftfy proposes these too).
    CodecPair("windows-1252", "utf-8", "utf8-as-single-byte"),
    CodecPair("windows-1250", "utf-8", "utf8-as-single-byte"),
    CodecPair("windows-1251", "utf-8", "utf8-as-single-byte"),
    CodecPair("mac-roman", "utf-8", "utf8-as-single-byte"),
)


PAIR_FAMILY = {(p.wrong, p.right): p.family for p in CODEC_PAIRS}
UTF8_AS_CJK_PAIRS = tuple(p for p in CODEC_PAIRS if p.family == "utf8-as-cjk")
LEGACY_AS_LATIN_PAIRS = tuple(p for p in CODEC_PAIRS if p.family == "legacy-as-latin")
CYRILLIC_SWAP_PAIRS = tuple(p for p in CODEC_PAIRS if p.family == "cyrillic-swap")
# UTF-8 read as a single-byte code page is ftfy's ground: ftfy proposes the
# first layer (it judges whole lines with its own badness measure and knows
# many lossy variants); those pairs serve here only as second layers of chains.

# Second layers worth trying: under a first layer proposed by ftfy (the outer
# layer was UTF-8 read as a single-byte code page) any of our pairs; under one of
# ours, only UTF-8 read as a single-byte code page (the inner layer).
CHAIN_PAIRS = {
    True: tuple(p for p in CODEC_PAIRS if p.family != "utf8-as-single-byte"),
    False: tuple(p for p in CODEC_PAIRS if p.family == "utf8-as-single-byte"),
}

# A first layer reading better than this (mean log-probability per character)
# is text already; only worse ones are tried for a second layer.  Prose scores
# -3 to -6.5, mojibake below -8.
CHAIN_MAX_LOGPROB = -6.5

# Byte patterns of runs of valid multi-byte characters in each right codec: the
# "islands" of a span that may change.
ISLAND_PATTERNS = {
    "utf-8": rb"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})+",
    "gb18030": rb"(?:[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]|[\x81-\xfe][\x40-\x7e\x80-\xfe])+",
    "cp950": rb"(?:[\x81-\xfe][\x40-\x7e\xa1-\xfe])+",
    "cp932": rb"(?:[\x81-\x9f\xe0-\xfc][\x40-\x7e\x80-\xfc]|[\xa1-\xdf])+",
    "euc-jp": rb"(?:[\xa1-\xfe][\xa1-\xfe]|\x8e[\xa1-\xdf]|\x8f[\xa1-\xfe][\xa1-\xfe])+",
    "cp949": rb"(?:[\x81-\xfe][\x41-\x5a\x61-\x7a\x81-\xfe])+",
    "windows-1251": rb"[\x80-\xff]+",
    "koi8-r": rb"[\x80-\xff]+",
}
ISLAND_RES = {codec: re.compile(pattern) for codec, pattern in ISLAND_PATTERNS.items()}

# How much more plausible (mean log-probability per character, in nats, over
# the changed text plus three characters of context each side) a candidate
# must be.  Chosen by sweeping ``benchmarks/accuracy.py --margin M``: on the
# 271 strictly decodable pages of the chardet corpus (6,877 paragraphs, 17,940
# short lines) the first clean text changes at M = 0.5 (two Chinese paragraphs,
# "水墨山水" read as IPA letters at margins 0.52-0.58); M = 1.0 and 1.5 change
# nothing; lossless recovery is within a case or two between 1.0 and 1.5 and
# drops at 2.0 (Big5 read as Latin-1: 88% -> 83% exact).  1.5 keeps three
# times the largest wrong margin seen, precision first.
MARGIN = 1.5
# Cyrillic code pages read as each other keep their letters in the same
# alphabet, so the model sees a smaller difference (mostly in letter case and
# bigrams); the case-swap signature already demands the damage's shape.
# Legacy double-byte or Cyrillic bytes read as Latin-1 need less: swept with
# ``accuracy.py --family-margin legacy-as-latin=M``, M from 0.5 to 1.5 changes no
# clean text (their signature is rare in it); lossless recovery is the same from
# 0.5 to 1.25 and drops at 1.5 (short spans such as "명계 백옥루" sit at 1.2-1.5).
FAMILY_MARGINS = {"cyrillic-swap": 0.7, "legacy-as-latin": 1.0}
# A candidate proposed by ftfy has already passed ftfy's own badness test; it is
# refused only when the model finds it clearly worse than the damage.
FTFY_MARGIN = -1.0
# The least mean log-probability per character a repair into a legacy code
# page may have: Russian prose scores about -3, the Cyrillic "text" that random
# Latin-1 letters decode to below -6; Chinese prose about -6.5 (short runs of
# rarer characters down to -8.5), CJK "text" from random bytes below -10.
PLAUSIBLE_MIN = -6.0
PLAUSIBLE_MIN_CJK = -9.0
# Islands of UTF-8 read as a CJK code page shorter than this (in damaged
# characters) are too short to judge alone: two CJK characters decode to one
# Greek or Arabic letter pair far too often.  Not so a rare character and a
# halfwidth kana (see ``_signature_pattern``): Shift-JIS's halfwidth kana ｡-ｿ are
# the bytes A1-BF, which only end a UTF-8 character.
MIN_CJK_ISLAND = 3
HALFWIDTH_CONTINUATIONS = frozenset(map(chr, range(0xFF61, 0xFF80)))
# The wrong codecs that read UTF-8 continuation bytes as halfwidth kana (Shift-JIS alone,
# EUC-JP after an 8E byte, itself a continuation byte).
HALFWIDTH_KANA_CODECS = ("cp932", "euc-jp")
# How far back a lost-byte window of a double-byte code page may reach for a character boundary.
MAX_PHASE_WALK = 32
# Except one: right after a Latin letter, a UTF-8 quote, dash or fullwidth letter whose last
# byte paired with the ASCII letter after it (E2 80 99 73 "’s" read as cp932 is 窶冱) decodes
# to that mark and the letter, which two CJK characters of real text glued to a Latin word
# never do.
MERGED_MARK_RE = precompiled.compile_regex(
    "[\u2013\u2014\u2018\u2019\u201c\u201d\u2026\uff21-\uff3a\uff41-\uff5a]+[A-Za-z]?"
)
ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
CYRILLIC_CODECS = ("windows-1251", "koi8-r")
# Code pages in ftfy's plans whose letters are Cyrillic or Greek.
NON_LATIN_CODE_PAGES = ("1251", "1253", "koi8")
CJK_CODECS = ("gb18030", "cp950", "cp932", "euc-jp", "cp949")
MIN_CYRILLIC_LETTERS = 4
# A CJK reading may hold a lone Greek or Cyrillic letter for every this many CJK letters.
FOREIGN_LETTER_SHARE = 8
# Spans with fewer non-ASCII characters than this are too short to pick their pair.
SHORT_SPAN = 8
# Characters of a span on which its pair is picked (see ``_pair_reading_logprob``),
# and what each byte that the pair cannot decode there costs (nats per character
# of the window: a pair leaving one byte of ten so loses 0.3).
PAIR_WINDOW = 400
UNDECODED_BYTE_COST = 3.0
# Trusting the page: a pair that repaired this much (margin x characters)
# lets its short islands elsewhere on the page pass with a smaller margin.
# Clean text never trusts a pair (nothing is repaired there), so these trade
# recall on damaged pages only: at 20 and 0.3 a line with one clear Big5 phrase
# (8 characters at margin 2.3) did not vouch for its neighbour, a Bulgarian
# line's "къде и как" (10 characters at 1.29) not for its "за", and a KOI8-R
# page's lone "и" between Latin words (margin 0.29) was left.  Swept on
# ``accuracy.py --quick``: 15 and 12 differ only on one hopeless lossy case.
TRUSTED_PAGE_WEIGHT = 12.0
RELAXED_MARGIN = 0.25
# Or, for legacy bytes read as Latin-1, this much per byte (see ``_byte_margin``).
TRUSTED_BYTE_MARGIN = 1.5
# A lone double-byte mark whose second byte is ASCII, read as Latin-1 between
# non-letters (see ``_is_lone_mark``), needs only to read no worse than its damage.
LONE_MARK_MARGIN = 0.0
LONE_MARK_DAMAGE_RE = precompiled.compile_regex("[\xa1-\xfe][@-~]")
# Damaged characters that islands joined across ASCII glue must add up to.
MIN_JOINED_ISLANDS = 4
# A candidate whose characters alone (unigrams) read this much worse than the
# damage's is not scored further.  Only where damage and repair share a kind of
# script are unigrams comparable (Latin letters are all common, CJK ones not;
# ftfy's repairs may be emoji, told from mojibake only by the full score).
QUICK_REJECT = -1.0
QUICK_FAMILIES = ("utf8-as-cjk", "cyrillic-swap")
# Unicode categories a repair never produces: controls, private use,
# unassigned code points, surrogates.
IMPOSSIBLE_CATEGORIES = frozenset(("Cc", "Co", "Cn", "Cs"))
# Characters of context either side of a candidate when the model compares it.
CONTEXT = 3
# No margin exceeds this: a repair reads at most 0 nats a character, its damage at least
# ``langmodel.least_logprob()`` (see ``_by_weight``).
MAX_MARGIN = 32.0
# A guessed lost byte is kept only when the model gives it this share of the
# probability among all bytes that would make valid text there.  Measured on UTF-8
# read as GBK (accuracy.py's cases, fffd and '?'): guesses with a share of 0.5 to 0.6
# were right about 9 times in 10, those below 0.5 less than half the time.
# UTF-8 read as a Windows code page uses it too, though its lost byte leaves only a handful of
# letters of one alphabet ("Ð\ufffd": А Н Ё Ѝ Џ): swept with ``benchmarks/accuracy.py --quick``
# on the lossy Windows-125x rows, 0.5 / 0.7 / 0.8 / 0.9 left CER 1.12 / 1.96 / 2.66 / 4.04%
# (Windows-1252, U+FFFD; 5.01% of characters lost a byte): fewer guesses only left more U+FFFD.
GUESS_CONFIDENCE = 0.5
# UTF-8 read as Windows-1255: a lost byte after D7 is one of א ך ל ם מ ן.  Without words the
# model's Hebrew guesses at 0.5 were right 739 times and wrong 412 on the corpus's Hebrew lines
# (64%), and at 0.7 almost none were made.  With the word lists (``KNOWN_WORD_BONUS``), of the
# 3,314 letters that lost a byte: at 0.5 right 2,062, wrong 499 (80%); at 0.6 1,688 and 311
# (84%); at 0.7 1,542 and 185 (89%), the rest left U+FFFD.  Windows-1256 leaves no byte undefined.
OWN_GUESS_CONFIDENCE = 0.7
# Characters of the damage either side of a lost byte that the model reads to guess it: 3 of
# a double-byte code page are about two CJK characters; UTF-8 read as a single-byte code page
# shows a letter as two characters, so it reaches further for as much context.
GUESS_REACH = {"utf8-as-single-byte": 8}
# Characters of the damage either side of a lost byte in which the word holding it is looked up
# (``langmodel.word_rank``; 24: Russian lost bytes guessed wrong 409, 36: 405); families
# without spaces between words have none.
WORD_REACH = {"utf8-as-single-byte": 36}
# The log-probability a reading gains where its lost byte completes a known word.  Swept on the
# 6,395 Russian characters that lost a byte to Windows-1252 (``_best_guess``): wrong guesses
# 1,108 without words, 597 / 541 / 541 with a bonus of 2.5 / 4 / 6 nats (Greek 41 / 38 / 38).
KNOWN_WORD_BONUS = 6.0
# And per nat of the word's log-rank (``word_bonus``): "моя" over "мос", "μια" over "νια".  Of
# the same Russian letters 357 / 297 / 314 were wrong at 0 / 0.5 / 1; Greek 19 / 11 / 11; Hebrew
# (at OWN_GUESS_CONFIDENCE) right 1,542 / 2,167 / 2,339 and wrong 185 / 257 / 278 of 3,314.
WORD_RANK_WEIGHT = 0.5
# Bytes from a guessed byte within which another lost byte of the same word, not guessed
# yet, may take any value that makes a letter there for the word to be known ("италь?н?кий").
# Russian wrong guesses: 541 without, 402 within 12 bytes, 357 within 16 (явля?тс?: 6 letters).
WORD_BLANK_REACH = 16
# At most this many readings of those blanks are tried (5 Cyrillic letters can lose a byte
# to Windows-1252 after D1, so three blanks; 6 Hebrew letters to Windows-1255).
MAX_BLANK_READINGS = 256
GUESS_SHORTLIST = 6
# A lossy repair may leave at most this share of its characters as U+FFFD;
# beyond it the damage is left as it is (and reported as uncertain).
MAX_LOST_SHARE = 0.1
# ...unless each is read around by this many decoded characters (``_keeps_own_holes``).
HOLES_READ_AROUND = 3
# The decoders that may really have lost bytes for each wrong codec of
# ``CODEC_PAIRS``: the strict standard it extends gives up on more byte pairs
# (GBK on the user-defined rows that GB18030 maps to private use).
LOSSY_DECODERS = {
    "gb18030": ("gb18030", "gbk"),
    "cp950": ("cp950", "big5"),
    "cp932": ("cp932", "shift_jis"),
    "cp949": ("cp949", "euc_kr"),
}
# The byte ranges UTF-8's decoder tells apart (Unicode's table of well-formed sequences):
# two bytes of one range are valid or invalid in the same places.
UTF8_BYTE_RANGES = (
    (0x00, 0x7F), (0x80, 0x8F), (0x90, 0x9F), (0xA0, 0xBF), (0xC0, 0xC1), (0xC2, 0xDF),
    (0xE0, 0xE0), (0xE1, 0xEC), (0xED, 0xED), (0xEE, 0xEF), (0xF0, 0xF0), (0xF1, 0xF3),
    (0xF4, 0xF4), (0xF5, 0xFF),
)  # fmt: skip
UTF8_BYTE_CLASS = tuple(
    next(index for index, (low, high) in enumerate(UTF8_BYTE_RANGES) if low <= byte <= high)
    for byte in range(256)
)
# A span whose upper-half bytes are at least this share valid UTF-8 is not
# legacy double-byte or Cyrillic text read as Latin-1.
UTF8_SHARE = 0.85
# Share of a span that must be encodable in a pair's wrong code page.
MIN_ENCODABLE = 0.8
# Member characters a run of UTF-8 read as a CJK code page reaches beyond
# its outermost signature hits (see ``_runs_around``).
RUN_REACH = 40
# Spans longer than this are cut into pieces of this size before repair, to
# bound the work per decision.
MAX_SPAN = 4000
# ASCII glue that may sit between two damaged runs of one span.
PLACEHOLDERS = "\ufffd?"

# ftfy's settings (its ``TextFixerConfig``) for the candidates it proposes.  ftfy itself is
# imported on first use (``_ftfy_config``): only text with a UTF-8 signature needs it, and
# importing it took 60-90 ms of CPU of every run's start-up.
FTFY_SETTINGS = {
    "unescape_html": False,
    "remove_terminal_escapes": False,
    "fix_encoding": True,
    "restore_byte_a0": True,
    "replace_lossy_sequences": True,
    # ftfy only sees runs without CJK characters and only proposes; its
    # mixed-text fixer can garble GBK/EUC-KR/Shift-JIS read as Latin-1, but
    # there our own pairs compete with it under the model.
    "decode_inconsistent_utf8": True,
    "fix_c1_controls": True,
    "fix_latin_ligatures": False,
    "fix_character_width": False,
    "uncurl_quotes": False,
    "fix_line_breaks": False,
    "fix_surrogates": False,
    "remove_control_chars": False,
    "normalization": None,
    "explain": True,
}


@cache  # the tables below build on it for the same code pages 25 times
def _single_byte_tables(codec: str) -> tuple[str, dict[int, str]]:
    """The 256 characters a sloppy single-byte codec decodes to, and its encoding table.

    Encoding maps each character to the Latin-1 character of its byte, so that
    ``text.translate(table).encode("latin-1")`` encodes at C speed; characters
    of 0x80-0xFF outside the codec map to U+FFFE, which Latin-1 cannot encode.
    """
    # One decode for the 256 bytes: a byte the codec leaves undefined comes back as a lone
    # surrogate (U+DC80-U+DCFF) and stands for itself.
    chars = [chr(ord(ch) - 0xDC00) if "\udc80" <= ch <= "\udcff" else ch
             for ch in bytes(range(256)).decode(codec, "surrogateescape")]
    table: dict[int, str] = {code: "\ufffe" for code in range(0x80, 0x100)}
    for byte, ch in enumerate(chars):
        table[ord(ch)] = chr(byte)
    for byte in range(0x80, 0xA0):
        table.setdefault(byte, chr(byte))
        if table[byte] == "\ufffe":
            table[byte] = chr(byte)
    return "".join(chars), table


SINGLE_BYTE_TABLES = {codec: _single_byte_tables(codec) for codec in SINGLE_BYTE_CODECS}
# The characters ``_encode`` writes in each single-byte code page: its sloppy reading's, and
# every C1 control (as its own byte).  A text holding any other character is not in it.
SLOPPY_ENCODABLE = {codec: frozenset(chars).union(map(chr, range(0x80, 0xA0)))
                    for codec, (chars, _) in SINGLE_BYTE_TABLES.items()}


# The single-byte code pages ftfy undoes UTF-8 from (its CHARMAP_ENCODINGS);
# UTF-8 read as KOI8-R is not among them, so its signature would only cost time.
FTFY_CODECS = (
    "latin-1",
    "windows-1252",
    "windows-1251",
    "windows-1250",
    "windows-1253",
    "windows-1254",
    "windows-1257",
    "iso-8859-2",
    "mac-roman",
    "cp437",
)


# UTF-8 read as the Windows code pages of Hebrew and Arabic, which ftfy does not know ("׳©׳œ"
# for של, "ط§ظ„" for ال): fixenc reads them itself (``_own_codec_candidates``).  Their lead
# bytes are letters of the script itself, so only the lead bytes of that script's own UTF-8
# block count (D6-D7 Hebrew, D8-DB Arabic; Hebrew's E2 for punctuation, "ג€™" for ’): a clean Arabic
# letter before a comma ("،", a continuation byte) is no sign of damage.
OWN_UTF8_LEADS = {
    "windows-1255": (0xD6, 0xD7, 0xE2),
    "windows-1256": (0xD8, 0xD9, 0xDA, 0xDB),  # its E2 is Windows-1252's "â"
}
OWN_UTF8_PAIRS = tuple(CodecPair(codec, "utf-8", "utf8-as-single-byte") for codec in OWN_UTF8_LEADS)
OWN_UTF8_CODEC_PAIRS = frozenset((pair.wrong, pair.right) for pair in OWN_UTF8_PAIRS)


def _utf8_readers() -> Iterator[tuple[str, range | tuple[int, ...]]]:
    """Each code page whose reading of UTF-8 has a signature, with its lead bytes."""
    for codec in FTFY_CODECS:
        yield codec, range(0xC2, 0xF5)
    yield from OWN_UTF8_LEADS.items()


def _utf8_byte_classes() -> tuple[set[str], set[str], set[str], set[str]]:
    """Characters of UTF-8 lead bytes of 2, 3 and 4-byte sequences, and of continuation bytes.

    Union over ftfy's code pages and ``OWN_UTF8_LEADS``; sloppy, so C1 controls stand for
    undefined bytes.
    """
    two, three, four, continuation = set(), set(), set(), set()
    for codec, leads in _utf8_readers():
        chars, _ = _single_byte_tables(codec)
        for byte in leads:
            (two if byte < 0xE0 else three if byte < 0xF0 else four).add(chars[byte])
        continuation.update(chars[0x80:0xC0])
    return two - {" "}, three - {" "}, four - {" "}, continuation


def _char_class(chars: set[str]) -> str:
    """The inside of a ``[...]`` matching exactly ``chars``, consecutive code points as ranges.

    Ranges keep the CJK signature classes (tens of thousands of characters) quick to
    compile: one character at a time, compiling them took most of a process's start-up.

    >>> _char_class({"a", "b", "c", "e", "f"})
    'a-cef'
    """
    points = sorted(map(ord, chars))
    parts: list[str] = []
    index = 0
    while index < len(points):
        end = index
        while end + 1 < len(points) and points[end + 1] == points[end] + 1:
            end += 1
        first, last = re.escape(chr(points[index])), re.escape(chr(points[end]))
        if end - index >= 2:
            parts.append(f"{first}-{last}")
        else:
            parts.extend(re.escape(chr(point)) for point in points[index : end + 1])
        index = end + 1
    return "".join(parts)


# ftfy's restore_byte_a0: the continuation byte A0 (NBSP) became a space.
NBSP_LEADS = "ÂÃÅÎÐÙ"


def _utf8_signature_pattern() -> str:
    """A UTF-8 sequence of ftfy's code pages, anchored on its first continuation byte.

    Every branch starts at one character class, so the regex engine skips
    ahead in C to the next continuation-byte character instead of trying an
    alternation at every position; the lead byte is checked behind it.  A
    three or four-byte sequence needs a second continuation byte (or U+FFFD
    where a lossy decoder lost it), so that a lead letter before a closing
    quote or an ё ("слово» ", "её") is not taken for one.
    """
    classes = _utf8_byte_classes()
    two, three, four, cont = map(_char_class, classes)
    later = rf"[{cont}\ufffd]"
    first = _char_class(classes[3] | set(NBSP_LEADS) | {"\ufffd"})
    return (
        f"[{first}](?:(?<=[{two}][{cont}])|(?<=[{three}][{cont}]){later}"
        rf"|(?<=[{four}][{cont}]){later}|(?<=[{NBSP_LEADS}]) |(?<=[\ufffd\x80-\x9f]))"
    )


def _utf8_lead_tables() -> dict[str, list[tuple[int, frozenset[str]]]]:
    """Per character that is a UTF-8 lead byte in some ftfy code page: for each such code page,
    the continuation bytes it needs there and that code page's continuations (a hit is then
    checked against those code pages only)."""
    tables: dict[str, list[tuple[int, frozenset[str]]]] = {}
    for codec, leads in _utf8_readers():
        chars, _ = _single_byte_tables(codec)
        continuations = frozenset(chars[0x80:0xC0])
        for byte in leads:
            need = 1 + (byte >= 0xE0) + (byte >= 0xF0)
            tables.setdefault(chars[byte], []).append((need, continuations))
    return tables


UTF8_LEAD_TABLES = _utf8_lead_tables()


HIGH_LATIN = SINGLE_BYTE_TABLES["windows-1252"][0][0x80:] + "".join(map(chr, range(0x80, 0xA0)))

_HIGH_CLASS = _char_class(set(HIGH_LATIN) | {"\ufffd"})

# A double-byte character whose second byte is ASCII shows one upper-half
# character glued to an ASCII one ("¡K" for Big5's "…", "îP" for a Shift-JIS
# kanji), in shapes prose does not have: a C1 control before it (a lead byte
# 81-9F); Big5's punctuation rows (A1-A3: "¡¢£") glued after a word or
# before a lone non-vowel; a small accented letter before a capital or sign
# that ends the word (not a closing bracket, bar or underscore: "[café]").
# Spanish "¡Hola", "£5", "25¢" and "été" do not match.
_ASCII_TRAIL_SIGNATURE = (
    "(?<=[\x80-\x9f])[@-~]"
    "|(?<=[A-Za-z0-9.,;:!?)][\xa1-\xa3])[@-~]"
    "|(?<=[\xa1-\xa3])(?![AEIOUYaeiouy])[@-~](?![A-Za-z])"
    "|(?<=[\xe0-\xf6\xf8-\xfc])[@-Z\\[\\\\^`{~](?![A-Za-z])"
)
# Signatures, one regex each, searched over the whole text by the fast path;
# each starts with one character class so that clean text is skipped in C.
# UTF-8 read as a single-byte code page: a lead byte then a continuation byte;
# C1 controls and U+FFFD are what lossy decoders leave.
UTF8_SIGNATURE_RE = precompiled.compile_regex(_utf8_signature_pattern())
# A double-byte code page or a Cyrillic word read as Latin-1: two upper-half
# bytes in a row, one of them a Latin-1 letter or sign (not two dashes), or
# both C1 controls (Shift-JIS lead bytes 81-9F, which text never holds), or
# one before an ASCII second byte (``_ASCII_TRAIL_SIGNATURE``).
LEGACY_SIGNATURE_RE = precompiled.compile_regex(
    f"[{_HIGH_CLASS}](?:[\xa0-\xff]|(?<=[\xa0-\xff])[{_HIGH_CLASS}]|(?<=[\x80-\x9f])[\x80-\x9f]"
    f"|{_ASCII_TRAIL_SIGNATURE})"
)
# Cyrillic code pages read as each other: small and capital letters swap, so
# prose turns into capitals with a small first letter where a capital was
# (or, without capitals, into a row of whole words in capitals, perhaps with a
# Latin word between two of them, "BODY-ЯНЯРЮБКЪЧЫЕИ HTML-ДНЙСЛЕМРЮ": "РИА Новости"
# is an acronym before a word, not one).  Matches start only at a run's first
# capital: tried from every capital of a long run, it took quadratic time.  The
# check for that sits behind the leading class, which keeps the fast skip.
# Capitals swap into small letters, so a headline in capitals turns into small
# letters with no sign in their case; there the letters show it: "й" after a
# consonant, which Russian and Bulgarian never write (in the corpus's clean
# pages once, a typo), but which the swap makes of "И" after a consonant.
CYRILLIC_CONSONANTS = "бвгджзклмнпрстфхцчшщБВГДЖЗКЛМНПРСТФХЦЧШЩ"
CYRILLIC_SIGNATURE_RE = precompiled.compile_regex(
    rf"[А-ЯЁй](?:(?<=[{CYRILLIC_CONSONANTS}][йЙ])"
    r"|(?<=[А-ЯЁ])(?<![А-ЯЁ][А-ЯЁ])"
    r"(?:(?<=(?<![\w-])[а-яё][А-ЯЁ])[А-ЯЁ]"
    r"|[А-ЯЁ]+(?:[ ,.]+(?:[A-Za-z]+[ ,.-]+)?[А-ЯЁ]+(?![а-яё]))+))"
)

# A Cyrillic word that no repair should produce: a sign (not punctuation)
# between two letters ("о‚"), or a letter touching KOI8-R's box drawing
# ("Н╢ Н╣": Shift-JIS kanji read as KOI8-R) other than ╚ and ╩, which KOI8-R
# pages hold as quotes (Windows-1251's « and » converted as bytes); nor,
# seldom, a capital after a small letter ("нёСЁ"; a typo may have one: "пълниМ").
_BOX_DRAWING_CLASS = "\u2500-\u2559\u255b-\u2568\u256a-\u257f"
CYRILLIC_BROKEN_WORD_RE = precompiled.compile_regex(
    "[\u0400-\u04ff][^\\s\\w.,;:!?'\"/()«»\u2010-\u2015-]+[\u0400-\u04ff]"
    f"|[\u0400-\u04ff][{_BOX_DRAWING_CLASS}]|[{_BOX_DRAWING_CLASS}][\u0400-\u04ff]"
)
CYRILLIC_CASE_BREAK_RE = precompiled.compile_regex("[а-яёѐ-џ][А-ЯЁЀ-Џ]")
SHORT_CYRILLIC_SPAN = 80
# The letters of Russian, as ``_shaped_like`` counts them: one ``str.count`` per letter is
# faster than a ``findall`` of one character class (a list of the letters of a long span).
CYRILLIC_CAPITALS = "".join(map(chr, range(ord("А"), ord("Я") + 1))) + "Ё"
CYRILLIC_SMALLS = CYRILLIC_CAPITALS.lower()
CYRILLIC_CAPITALS_WORD_RE = precompiled.compile_regex(r"(?<!\w)[А-ЯЁ]{2,}(?!\w)")

# Where each family's candidates are looked for: runs of the characters that
# family's damage is made of, with the ASCII glue between them (a double-byte
# character's second byte may be ASCII).
LEGACY_SPAN_GLUE = 8
LEGACY_SPAN_RE = precompiled.compile_regex(
    f"[{_HIGH_CLASS}]+(?:[\t -~]{{1,{LEGACY_SPAN_GLUE}}}[{_HIGH_CLASS}]+)*[ -~]?"
)
HIGH_CHARS = frozenset(HIGH_LATIN + "\ufffd")
_CYRILLIC_CLASS = _char_class(
    set(map(chr, range(0x400, 0x500)))
    | set(SINGLE_BYTE_TABLES["koi8-r"][0][0x80:])
    | set(SINGLE_BYTE_TABLES["windows-1251"][0][0x80:])
)
CYRILLIC_SPAN_RE = precompiled.compile_regex(f"[{_CYRILLIC_CLASS}]+(?:[\t -~]{{1,8}}[{_CYRILLIC_CLASS}]+)*")
C1_CONTROL_RE = precompiled.compile_regex("[\x80-\x9f]")
NON_ASCII_RUN_RE = precompiled.compile_regex("[^\x00-\x7f]+")
# Letters of alphabets beyond Latin (Greek, Cyrillic, Armenian, Hebrew, Arabic...).
OTHER_SCRIPT_LETTER_RE = precompiled.compile_regex("[\u0370-\u06ff]")
# Runs handed to ftfy whole: a line, cut at the CJK characters it cannot re-encode.
NON_CJK_RUN_RE = precompiled.compile_regex("[^\n\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")

# The two characters each branch of LEGACY_SIGNATURE_RE consumes (the first one
# matched, then checked behind, the second looked ahead at), without the context its
# lookarounds also check (one leading class, like the signatures, for the fast skip):
# a span without such a pair cannot hold the signature, and one scan of a
# line finds every pair, where checking its spans one by one took most of the
# time of long clean pages full of accented letters.
LEGACY_PAIR_RE = precompiled.compile_regex(
    f"[{_HIGH_CLASS}](?:(?=[\xa0-\xff])|(?<=[\xa0-\xff])(?=[{_HIGH_CLASS}])"
    "|(?<=[\x80-\x9f])(?=[\x80-\x9f@-~])|(?<=[\xa1-\xa3])(?=[@-~])"
    "|(?<=[\xe0-\xf6\xf8-\xfc])(?=[@-Z\\[\\\\^`{~]))"
)
SIGNATURE_PAIR_RES = {"legacy": LEGACY_PAIR_RE}

# (family, signature, span regex, pairs) of the families found by a regex over spans.
SINGLE_BYTE_FAMILIES = (
    ("legacy", LEGACY_SIGNATURE_RE, LEGACY_SPAN_RE, LEGACY_AS_LATIN_PAIRS),
    ("cyrillic", CYRILLIC_SIGNATURE_RE, CYRILLIC_SPAN_RE, CYRILLIC_SWAP_PAIRS),
)

# --------------------------------------------------------------------------- public API


def repair_mojibake(text: str) -> tuple[str, list[Fix]]:
    """Repair every damaged span of ``text``; return the new text and what was done.

    Pure and thread-safe.  Clean text (in any language) comes back unchanged
    through a fast path; ``Fix.start``/``end`` index the input text.
    """
    if text.isascii():
        return text, []
    gate_hit = _signature_gate().search(text)
    if gate_hit is None:
        return text, []
    # No signature starts before the gate's first hit: each family's own scan
    # starts there, and finds nothing when the family shows no signature.
    first = gate_hit.start()
    hits = _signature_hits(text, gate_hit)
    families: set[str] = set()
    candidates: list[_Candidate] = []
    tables = _cjk_tables()
    seen: _SeenSpans = {}
    runs = _runs_around(text, tables.signature_re, tables.run_chars.__contains__, first,
                        hits.get(tables.signature_re))
    for start, end in runs:
        run = text[start:end]
        # A long run only needs to show GBK's signature for the fast path (``_certain_reading``).
        long = _non_ascii_count(run) >= SHORT_SPAN
        pairs = tables.signed_pairs(run, first_only=long)
        if pairs and pairs[0] is CERTAIN_PAIR:
            certain = _certain_reading(text, start, run, len(pairs) == 1, seen)
            if certain is not None:
                candidates.append(certain)
                continue
        if long:
            pairs = tables.signed_pairs(run)
        candidates.extend(_span_candidates(text, start, end, pairs, seen))
    for family, signature_re, span_re, family_pairs in SINGLE_BYTE_FAMILIES:
        for line_start, line_end in _lines_with(text, signature_re, first, hits.get(signature_re)):
            families.add(family)
            if family == "legacy" and _line_is_utf8_as_cp1252(text, line_start, line_end):
                continue
            for match in _signed_spans(text, family, signature_re, span_re, line_start, line_end):
                candidates.extend(_span_candidates(text, *match.span(), family_pairs, seen))
    for start, end in _line_runs_around(text, first, hits.get(UTF8_SIGNATURE_RE)):
        candidates.extend(_shifted(_ftfy_candidates(text[start:end]), start))
    accepted = _choose(text, candidates)
    trusted = {c.codecs for c in accepted if c.codecs in PAIR_FAMILY}
    unsigned = _unsigned_spans(text, families, trusted)
    if unsigned:
        # The page shows this damage: its spans without the signature (a Big5
        # character whose second byte is ASCII shows one upper-half character,
        # a one-letter Cyrillic word) are read with the pair the page uses.
        for start, end, pairs in unsigned:
            candidates.extend(_span_candidates(text, start, end, pairs, seen))
        accepted = _choose(text, candidates)
    pieces: list[str] = []
    fixes: list[Fix] = []
    position = 0
    for candidate in accepted:
        pieces.append(text[position : candidate.start])
        pieces.append(candidate.after)
        position = candidate.end
        fixes.append(_fix_record(text, candidate))
    pieces.append(text[position:])
    fixes.extend(_uncertain(text, candidates, accepted))
    fixes.sort(key=lambda fix: fix.start)
    return ("".join(pieces) if accepted else text), fixes


# Gate hits up to which ``_signature_hits`` sorts them by family: clean text with a stray
# signature or two is then scanned once instead of once per family; damaged text, with a hit
# every few characters, is cheaper to scan per family than to test hit by hit.
MAX_SORTED_HITS = 64


def _signature_hits(text: str, gate_hit: re.Match) -> dict[re.Pattern, list[re.Match]]:
    """Every match of each signature regex of ``_signature_regexes`` from the gate's first hit
    on, overlapping ones too, in order; {} when the gate hits more than ``MAX_SORTED_HITS``
    places (each family then scans the text itself).

    The gate matches exactly where some signature does, so the signatures are tried only
    there; the text is scanned once, by the gate.
    """
    regexes = _signature_regexes()
    hits: dict[re.Pattern, list[re.Match]] = {regex: [] for regex in regexes}
    hit: re.Match | None = gate_hit
    for _ in range(MAX_SORTED_HITS):
        if hit is None:
            return hits
        position = hit.start()
        for regex in regexes:
            match = regex.match(text, position)
            if match:
                hits[regex].append(match)
        hit = _signature_gate().search(text, position + 1)
    return hits if hit is None else {}


def _search(
    text: str, signature_re: re.Pattern, position: int, hits: list[re.Match] | None
) -> re.Match | None:
    """``signature_re.search(text, position)``; taken from ``hits`` (``_signature_hits``) if given."""
    if hits is None:
        return signature_re.search(text, position)
    return next((hit for hit in hits if hit.start() >= position), None)


def _finditer(
    text: str, signature_re: re.Pattern, position: int, hits: list[re.Match] | None
) -> Iterator[re.Match]:
    """``signature_re.finditer(text, position)``; taken from ``hits`` (``_signature_hits``) if
    given: the first hit at or after the end of the one before (no signature match is empty)."""
    if hits is None:
        yield from signature_re.finditer(text, position)
        return
    for hit in hits:
        if hit.start() >= position:
            yield hit
            position = hit.end()


def _lines_with(
    text: str, signature_re: re.Pattern, first: int = 0, hits: list[re.Match] | None = None
) -> list[tuple[int, int]]:
    """The lines holding a signature hit at or after ``first``: spans never cross a line break.

    ``hits``: the regex's hits, if known (see ``_signature_hits``).
    """
    lines: list[tuple[int, int]] = []
    hit = _search(text, signature_re, first, hits)
    while hit:
        end = text.find("\n", hit.end())
        end = len(text) if end < 0 else end
        lines.append((text.rfind("\n", 0, hit.start()) + 1, end))
        # The next line with a hit: no signature holds a line break.
        hit = _search(text, signature_re, end, hits)
    return lines


def _signed_spans(
    text: str, family: str, signature_re: re.Pattern, span_re: re.Pattern, start: int, end: int
) -> Iterator[re.Match]:
    """The matches of ``span_re`` in ``text[start:end]`` that hold the family's signature and shape.

    Only spans holding a pair of ``SIGNATURE_PAIR_RES`` (which every signature
    hit is) are searched: a pair starts at an upper-half character, and its
    second character always belongs to the same span.
    """
    if family in SIGNATURE_PAIR_RES:
        pairs = (hit.start() for hit in SIGNATURE_PAIR_RES[family].finditer(text, start, end))
        matches = _legacy_spans_holding(text, start, end, pairs)
    else:
        matches = span_re.finditer(text, start, end)
    for match in matches:
        if (
            signature_re.search(match.group())
            and _shaped_like(family, match.group())
            and not (family == "legacy" and _accents_of_latin_words(text, *match.span()))
        ):
            yield match


def _legacy_spans_holding(
    text: str, start: int, end: int, positions: Iterator[int]
) -> Iterator[re.Match]:
    """The matches of ``LEGACY_SPAN_RE`` in ``text[start:end]`` that hold one of the ``positions``.

    Those ``finditer`` from ``start`` finds, without stepping through the
    spans between the positions: the search restarts a little before each
    position, where no span crosses (see ``_legacy_span_boundary``).
    """
    covered = start
    for position in positions:
        if position < covered:
            continue
        restart = _legacy_span_boundary(text, covered, position)
        for match in LEGACY_SPAN_RE.finditer(text, restart, end):
            covered = match.end()
            if position < covered:
                if match.start() <= position:
                    yield match
                break


def _legacy_span_boundary(text: str, low: int, position: int) -> int:
    """The last place in [low, position] that no match of ``LEGACY_SPAN_RE`` crosses (or ``low``).

    A span starts at an upper-half character and holds only those and ASCII, at
    most ``LEGACY_SPAN_GLUE`` ASCII characters in a row: so none crosses another
    character, nor the end of one more ASCII characters in a row.
    """
    index, ascii_run = position, 0
    while index > low:
        ch = text[index - 1]
        if ch in HIGH_CHARS:
            ascii_run = 0
        elif ch == "\t" or " " <= ch <= "~":
            ascii_run += 1
            if ascii_run > LEGACY_SPAN_GLUE:
                return index - 1 + ascii_run
        else:
            return index
        index -= 1
    return low


def _unsigned_spans(
    text: str, families: set[str], trusted: set[tuple[str, ...]]
) -> list[tuple[int, int, tuple[CodecPair, ...]]]:
    """Spans of single-byte families without their signature, with the pairs the page trusts.

    Looked for only once a pair of that family has repaired something here.
    """
    spans = []
    for family, signature_re, span_re, family_pairs in SINGLE_BYTE_FAMILIES:
        pairs = tuple(p for p in family_pairs if (p.wrong, p.right) in trusted)
        if family not in families or not pairs:
            continue
        for match in span_re.finditer(text):
            if not (signature_re.search(match.group()) and _shaped_like(family, match.group())):
                spans.append((*match.span(), pairs))
    return spans


def _uncertain(text: str, candidates: list[_Candidate], accepted: list[_Candidate]) -> list[Fix]:
    """Spans that look damaged but whose best repair fell short of the margin: left, and reported.

    A person (or ``--explain``) sees what the span would read as and how sure
    the model was; the text itself is not touched.
    """
    reported: list[_Candidate] = []
    taken = _Intervals(accepted)
    accepted_ids = {id(c) for c in accepted}
    near = [c for c in candidates if c.scored and not c.weak and id(c) not in accepted_ids]
    for candidate in sorted(near, key=lambda c: -c.margin):
        if not _threshold(text, candidate) / 2 <= candidate.margin < _threshold(text, candidate):
            continue
        if taken.overlapping(candidate):
            continue
        taken.add(candidate)
        reported.append(candidate)
    return [
        Fix(
            kind="uncertain",
            start=c.start,
            end=c.end,
            before=text[c.start : c.end],
            after=text[c.start : c.end],
            codecs=c.codecs,
            confidence=min(0.5, _margin_confidence(c.margin)),
            detail=f"left as is; would read {c.after[:40]!r} (model margin {c.margin:.2f})",
            guessed=c.guessed,
        )
        for c in reported
    ]


def looks_damaged(text: str) -> bool:
    """The fast path: could any pair in ``CODEC_PAIRS`` have produced part of ``text``?

    False means ``repair_mojibake`` certainly leaves the text alone; True only
    means "look closer".
    """
    return bool(not text.isascii() and _possible_families(text))


def has_utf8_as_cjk_signature(text: str) -> bool:
    """Does ``text`` hold the signature of UTF-8 read as a CJK code page (鍙戝竷, 锟斤拷)?

    Other stages use it to keep their hands off such text: its '?' and U+FFFD
    are bytes that UTF-8 decoding lost, not a sign of their own damage.
    """
    tables = _cjk_tables()
    return bool(tables.signature_re.search(text))


def _utf8_hits(text: str, start: int = 0) -> Iterator[re.Match]:
    """Hits of ``UTF8_SIGNATURE_RE`` whose lead and continuations all come from one code page.

    The regex joins the characters of all of ftfy's code pages; a Greek
    capital (Windows-1253 lead) before Ω (a Mac Roman continuation) is no
    UTF-8 sequence in any single one of them.
    """
    return (hit for hit in UTF8_SIGNATURE_RE.finditer(text, start) if _is_utf8_hit(text, hit))


def _is_utf8_hit(text: str, hit: re.Match) -> bool:
    """Is this hit of ``UTF8_SIGNATURE_RE`` a UTF-8 sequence of one code page (see ``_utf8_hits``)?"""
    index = hit.start()
    first = text[index]
    if first == "\ufffd" or "\x80" <= first <= "\x9f" or hit.group() == first + " ":
        return True  # what a lossy decoder left, or a NBSP turned space
    for need, continuations in UTF8_LEAD_TABLES.get(text[index - 1], ()):
        tail = text[index : index + need]
        if (
            len(tail) == need
            and tail[0] in continuations
            and all(ch in continuations or ch == "\ufffd" for ch in tail[1:])
        ):
            return True
    return False


def _possible_families(text: str) -> set[str]:
    """Which families of damage show their signature somewhere in ``text``.

    The gate's one search proves clean text clean (the whole cost of the
    clean path); after its first hit, one search per family.
    """
    families: set[str] = set()
    first = _signature_gate().search(text)
    if first is None:
        return families
    # No family's signature starts before the gate's first hit.
    start = first.start()
    if UTF8_SIGNATURE_RE.search(text, start) and any(_utf8_hits(text, start)):
        families.add("utf8")
    for family, signature_re, _, _ in SINGLE_BYTE_FAMILIES:
        if signature_re.search(text, start):
            families.add(family)
    if _cjk_tables().signature_re.search(text, start):
        families.add("cjk")
    return families


def _signature_regexes() -> tuple[re.Pattern, ...]:
    """The signature regex of every family of damage, as ``_possible_families`` searches them."""
    return (
        UTF8_SIGNATURE_RE,
        *(signature_re for _, signature_re, _, _ in SINGLE_BYTE_FAMILIES),
        _cjk_tables().signature_re,
    )


@lru_cache(maxsize=1)
def _signature_gate() -> re.Pattern:
    """One regex that matches where any family's signature matches: the clean path's one scan.

    Every signature opens with one character class; the gate opens with their
    union and checks each family's own class behind it before that family's
    rest.  So it matches at exactly the positions where some signature does,
    and clean text costs one skip through the text in C instead of one per
    family (which was most of the time spent on clean pages).  Its pattern
    (``signature_gate_pattern``) ships built and compiled (see ``precompiled``).
    """
    return precompiled.compile_regex(precompiled.shipped_pattern(GATE_PATTERN_NAME))


# The gate's name among the patterns ``scripts/build_regexes.py`` ships.
GATE_PATTERN_NAME = "signature gate"


def signature_gate_pattern() -> str:
    """The pattern of ``_signature_gate``, built from the signature regexes."""
    split = _leading_classes()
    branches = [f"{_own_class_behind(number)}(?:{rest})" for number, (_, rest, _) in enumerate(split)]
    # Before the branches, one test turns away most hits of the union in Latin prose: an
    # accented letter after an ASCII character and before ASCII that is no trail byte.
    skipped = _char_class(_gate_skipped_chars())
    skip = rf"(?![{GATE_SKIP_NEXT}](?<=[\x00-\x7f][{skipped}].){GATE_CYRILLIC_SKIP})"
    union = "".join(leading for leading, _, _ in split)
    return f"[{union}]{skip}(?:{'|'.join(branches)})"


def _own_class_behind(number: int) -> str:
    """A lookbehind, after the gate's union class matched a character, true where that character
    is in the class signature ``number`` (of ``_signature_regexes``) opens with.

    Where the other families add fewer characters to the union than the family's own class
    holds, it names those (the CJK class holds thousands of characters, compiled again for
    each copy of it); "" when they add none.
    """
    ranges = [items for _, _, items in _leading_classes()]
    sizes = [sum(ord(last) - ord(first) + 1 for first, last in items) for items in ranges]
    if sum(sizes) - sizes[number] < sizes[number]:
        inside = _ranges_membership(ranges[number])
        others = {ch for other, items in enumerate(ranges) if other != number
                  for first, last in items for ch in map(chr, range(ord(first), ord(last) + 1))
                  if not inside(ch)}
        if len(others) < sizes[number]:
            return f"(?<![{_char_class(others)}])" if others else ""
    return f"(?<=[{_leading_classes()[number][0]}])"


@lru_cache(maxsize=1)
def _leading_classes() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """For each of ``_signature_regexes``: the inside of the class it opens with, the rest of
    it, and that class's ranges (``_class_ranges``)."""
    split = [_split_leading_class(regex.pattern) for regex in _signature_regexes()]
    return [(leading, rest, _class_ranges(leading)) for leading, rest in split]


# The gate's skip (see ``_signature_gate``): a letter or sign of Latin prose with an ASCII
# character before it and one of these after it starts no signature.  A UTF-8 continuation
# needs a lead before it; a legacy pair needs an upper-half character, or an ASCII trail
# byte in @-~ after it, and after a small accented letter only a capital or sign
# ([@-Z\[\\^`{~]), never a small letter.
GATE_SKIP_NEXT = r"\x00-\x3fa-z"
# In Cyrillic prose: a capital (not Й) before a small letter, and a small й after no
# consonant, start no signature (the Cyrillic ones want capitals in a row, or й after a
# consonant; no other family's class holds these letters).
GATE_CYRILLIC_SKIP = f"|[а-яё](?<=[А-ИК-Я].)|(?<=й)(?<![{CYRILLIC_CONSONANTS}]й)"
# ...except these, whose signatures need no such neighbours: U+FFFD and the C1 controls (what
# lossy decoders leave), Big5's punctuation row ¡¢£ before an ASCII trail byte, and the UTF-8
# leads of a NBSP turned into a space.
GATE_NEVER_SKIPPED = frozenset("\ufffd¡¢£" + NBSP_LEADS + "".join(map(chr, range(0x80, 0xA0))))


def _gate_skipped_chars() -> list[str]:
    """What the gate's skip may turn away: the upper half of Windows-1252 and Latin Extended-A
    and -B, but for ``GATE_NEVER_SKIPPED`` and what other families' signatures open with."""
    latin = HIGH_LATIN + "".join(map(chr, range(0x100, 0x250)))
    low, high = min(latin), max(latin)
    # Ranges of the other families' leading classes that reach these characters.
    others = [
        (first, last)
        for regex, (_, _, ranges) in zip(_signature_regexes(), _leading_classes())
        if regex not in (UTF8_SIGNATURE_RE, LEGACY_SIGNATURE_RE)
        for first, last in ranges
        if first <= high and last >= low
    ]
    return [ch for ch in latin if ch not in GATE_NEVER_SKIPPED
            and not any(first <= ch <= last for first, last in others)]


def _class_ranges(inside: str) -> list[tuple[str, str]]:
    r"""The (first, last) ranges of ``[inside]``, a class as ``_char_class`` writes it (characters,
    escaped ones and ranges); read without compiling it (the CJK signatures' class takes 20 ms).

    >>> _class_ranges("a-c\\-e")
    [('a', 'c'), ('-', '-'), ('e', 'e')]
    """
    return [(first, last or first) for first, last in CLASS_ITEM_RE.findall(inside)]


def _ranges_membership(ranges: list[tuple[str, str]]) -> Callable[[str], bool]:
    """A test of whether a character is in one of ``ranges`` (``_class_ranges``), by bisection.

    >>> inside = _ranges_membership([("x", "z"), ("a", "c"), ("b", "d")])
    >>> [inside(ch) for ch in "adeyz{"]
    [True, True, False, True, True, False]
    """
    merged: list[list[str]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    starts = [first for first, _ in merged]

    def inside(ch: str) -> bool:
        index = bisect.bisect_right(starts, ch) - 1
        return index >= 0 and ch <= merged[index][1]

    return inside


# One item of a character class as ``_char_class`` writes it: a character, perhaps escaped,
# and perhaps a range up to another.
CLASS_ITEM_RE = re.compile(r"\\?(.)(?:-\\?(.))?", re.DOTALL)


def _split_leading_class(pattern: str) -> tuple[str, str]:
    """The inside of the ``[...]`` a signature pattern opens with, and the rest of it.

    >>> _split_leading_class("[a-c.](?<=b.)x")
    ('a-c.', '(?<=b.)x')
    """
    if not pattern.startswith("[") or pattern.startswith("[^"):
        raise ValueError(f"a signature must open with a character class: {pattern[:40]!r}")
    inside = LEADING_CLASS_RE.match(pattern)
    if inside is None:
        raise ValueError(f"a signature's class never closes: {pattern[:40]!r}")
    return inside[1], pattern[inside.end() :]


# The ``[...]`` a pattern opens with (escaped characters, a "]" among them, stay inside): read
# in C, since the CJK signature's class is thousands of characters long.
LEADING_CLASS_RE = re.compile(r"\[((?:\\.|[^\]\\])*)\]", re.DOTALL)


def _shaped_like(family: str, span: str) -> bool:
    """Cyrillic read as the other Cyrillic code page is mostly capitals; prose is not."""
    if family != "cyrillic":
        return True
    if len(span) <= SHORT_CYRILLIC_SPAN:
        return True  # a headline; cheap to examine whatever its shape
    capitals = sum(map(span.count, CYRILLIC_CAPITALS))
    smalls = sum(map(span.count, CYRILLIC_SMALLS))
    return capitals >= smalls


def _accents_of_latin_words(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` accented letters of Latin words ("dalších zemích")?

    Upper-half characters that are all letters, in runs of at most two, each touching an ASCII
    letter.  Such a span is left alone: a double-byte code page reads each run as one letter
    (its lead byte is a letter; punctuation leads are not) touching a Latin letter, which
    ``_fits_its_script`` refuses, and a Cyrillic one reads each run as one or two letters
    glued to a Latin one, which no Cyrillic repair is.  Only a page that trusts a double-byte
    pair has let such a letter through, at a negative margin ("Aááč" beside GBK damage became
    "A後č"): the skip leaves that span alone too.  Clean Czech, Hungarian or Finnish prose has
    such spans every few lines; looking at each one cost the clean path a fifth of its time,
    and the long ones of Hungarian ("találásáért fáradozók", a span of eight accented letters
    that the engine examined under seven pairs and refused) a fifth of what was left.
    """
    for run in HIGH_RUN_RE.finditer(text, start, end):
        first, last = run.span()
        if last - first > 2 or not run.group().isalpha():
            return False
        if not (LATIN_LETTER_RE.match(text[first - 1 : first]) or LATIN_LETTER_RE.match(text, last)):
            return False
    return True


HIGH_RUN_RE = precompiled.compile_regex(f"[{_HIGH_CLASS}]+")
LATIN_LETTER_RE = precompiled.compile_regex("[A-Za-z]")


def _span_candidates(
    text: str, start: int, end: int, pairs: tuple[CodecPair, ...], seen: _SeenSpans
) -> list[_Candidate]:
    """The candidates of ``text[start:end]`` (pieces of ``MAX_SPAN`` at most) by ``pairs``.

    ``seen``: the candidates of the spans met before on the page, kept as ``_candidates``
    made them.  Pages repeat lines (a headline above its article, a title in the list of
    recent posts): a quarter of the spans of the speed benchmark's lossy GBK pages.
    """
    candidates: list[_Candidate] = []
    for piece_start in range(start, end, MAX_SPAN):
        span = text[piece_start : min(end, piece_start + MAX_SPAN)]
        found = seen.get((span, pairs))
        if found is None:
            found = seen[span, pairs] = _candidates(span, pairs)
        candidates.extend(_shifted_copies(found, piece_start))
    return candidates


# (span, pairs) -> the span's candidates, as ``_candidates`` returned them (see
# ``_span_candidates``); one per ``repair_mojibake`` call.
_SeenSpans = dict[tuple[str, tuple[CodecPair, ...]], list["_Candidate"]]


def _runs_around(
    text: str, signature_re: re.Pattern, is_member, first: int = 0,
    hits: list[re.Match] | None = None,
) -> list[tuple[int, int]]:
    """Runs of member characters around clusters of signature hits (at most MAX_SPAN long).

    Mojibake shows its signature every few characters, so a run reaches only
    ``RUN_REACH`` member characters beyond its outermost hits: the damage and
    some context, not the whole clean paragraph that a stray hit sits in.
    That keeps the cost proportional to the damage, not to the text.  Hits are
    searched from ``first`` on (or taken from ``hits``, see ``_signature_hits``).
    """
    runs: list[tuple[int, int]] = []
    start = end = -1
    for hit in _finditer(text, signature_re, first, hits):
        if start >= 0 and hit.start() <= end + RUN_REACH and hit.end() - start <= MAX_SPAN:
            gap = text[end : hit.start()]
            if all(map(is_member, gap)):
                end = hit.end()
                continue
        if start >= 0:
            runs.append(_reach(text, start, end, is_member, runs))
        start, end = hit.start(), hit.end()
    if start >= 0:
        runs.append(_reach(text, start, end, is_member, runs))
    return runs


def _reach(
    text: str, start: int, end: int, is_member, runs: list[tuple[int, int]]
) -> tuple[int, int]:
    """Extend [start, end) by up to RUN_REACH member characters each side, not into ``runs``."""
    limit = max(0, start - RUN_REACH, runs[-1][1] if runs else 0)
    while start > limit and is_member(text[start - 1]):
        start -= 1
    limit = min(len(text), end + RUN_REACH)
    while end < limit and is_member(text[end]):
        end += 1
    return start, end


def _line_runs_around(
    text: str, first: int = 0, hits: list[re.Match] | None = None
) -> list[tuple[int, int]]:
    """Like ``_runs_around`` for the runs handed to ftfy: a line, cut at CJK characters.

    Runs are found around the hits of ``_utf8_hits`` from ``first`` on (or taken from
    ``hits``, see ``_signature_hits``); a hit inside a run already found is not checked
    (most hits of a damaged line).
    """
    runs: list[tuple[int, int]] = []
    end = 0
    for hit in _finditer(text, UTF8_SIGNATURE_RE, first, hits):
        if hit.start() < end or not _is_utf8_hit(text, hit):
            continue
        line_start = max(text.rfind("\n", 0, hit.start()) + 1, hit.start() - MAX_SPAN // 2, end)
        line_end = text.find("\n", hit.end())
        line_end = len(text) if line_end < 0 else line_end
        if line_end > line_start + MAX_SPAN:
            # Cut a long line at a space, not inside a damaged word: a word cut in two was
            # left half repaired, and only a second run finished it.
            cut = text.rfind(" ", max(hit.end(), line_start + MAX_SPAN // 2), line_start + MAX_SPAN)
            line_end = cut if cut > hit.start() else line_start + MAX_SPAN
        for piece in NON_CJK_RUN_RE.finditer(text, line_start, line_end):
            if piece.start() <= hit.start() < piece.end():
                runs.append(piece.span())
                end = piece.end()
                break
        else:
            end = hit.end()
    return runs


def _shifted(candidates: list[_Candidate], offset: int) -> list[_Candidate]:
    for candidate in candidates:
        candidate.start += offset
        candidate.end += offset
    return candidates


def _shifted_copies(candidates: list[_Candidate], offset: int) -> list[_Candidate]:
    """Copies of ``candidates`` moved by ``offset``; a joined candidate's parts are the copies
    of its parts.  The originals stay as they are, for the next span with the same text."""
    copies = {}
    for candidate in candidates:
        # Its fields as they are (``dataclasses.replace`` runs ``__init__``: five times the cost).
        copy = copies[id(candidate)] = object.__new__(_Candidate)
        copy.__dict__.update(candidate.__dict__)
        copy.start += offset
        copy.end += offset
    for copy in copies.values():
        if copy.parts:
            copy.parts = tuple(copies[id(part)] for part in copy.parts)
    return list(copies.values())


# --------------------------------------------------------------------------- signatures


@dataclass(frozen=True, eq=False)  # one per process, hashed by identity
class _CJKTables:
    signature_re: re.Pattern
    run_chars: frozenset[str]
    # code page of DUPLICATE_PAIR_CODECS -> ``_scan_duplicate_pairs`` of it
    duplicate_pairs: dict
    # () -> (pair_characters, pair_shapes), called once, when a page shows the signature: the
    # sets of five code pages took a tenth of the start-up of every process that met a page
    # holding non-ASCII, most of which never shows it (no page of the throughput WARC does).
    pair_tables: Callable[[], tuple[dict, dict]]

    @cached_property
    def _pairs(self) -> tuple[dict, dict]:
        return self.pair_tables()

    @property
    def pair_characters(self) -> dict:
        """CodecPair -> (rare characters, two-byte readings): the same signature per code page."""
        return self._pairs[0]

    @property
    def pair_shapes(self) -> dict:
        """CodecPair -> (rare characters it makes of a byte and an ASCII letter, reads halfwidth
        kana)."""
        return self._pairs[1]

    def signed_pairs(self, run: str, first_only: bool = False) -> tuple[CodecPair, ...]:
        """The pairs whose own signature (``_signature_pattern`` of their characters) shows in
        ``run``, in ``UTF8_AS_CJK_PAIRS`` order (``first_only``: the first pair alone, once its
        signature shows, without looking for the others').

        Checked character by character with one dict lookup for all the pairs (a bit each, see
        ``_PairMasks``): compiling a regex per pair took a tenth of a second of a process's first
        page that showed the signature, and checking the pairs one by one at every hit of
        ``signature_re`` a tenth of the time of a page of lossy GBK.
        """
        masks = _pair_masks(self)
        rare, two_byte, merging = masks.rare.get, masks.two_byte.get, masks.merging.get
        starts = masks.starts.get
        signed = 0
        for index, ch in enumerate(run):
            if not starts(ch, 0) & ~signed:
                continue  # no pair still unsigned has a signature starting with it
            next1 = run[index + 1 : index + 2]
            pairs = rare(ch, 0)
            if pairs:
                # Two rare characters with at most one other (no line break) between.
                found = rare(next1, 0)
                next2 = run[index + 2 : index + 3]
                if next2 and next1 != "\n":
                    found |= rare(next2, 0)
                if next1 in HALFWIDTH_CONTINUATIONS:
                    found |= masks.halfwidth  # a three-byte character: a rare one and a kana
                if next1 in ASCII_LETTERS and _after_a_latin_letter(run, index):
                    # Inside a Latin word, its last byte paired with the next letter.
                    found |= merging(ch, 0)
                signed |= pairs & found
            pairs = two_byte(ch, 0)
            if pairs and len(run) > index + 3:  # four characters of two-byte readings
                for following in run[index + 1 : index + 4]:
                    pairs &= two_byte(following, 0)
                signed |= pairs
            if ch == "锟" and run[index + 1 : index + 3] == "斤拷":
                signed = masks.every
            if signed == masks.every or first_only and signed & 1:
                break
        return tuple(pair for number, pair in enumerate(masks.pairs) if signed >> number & 1)


@lru_cache(maxsize=2)
def _flat_pair_characters(tables: _CJKTables) -> dict:
    """CodecPair -> (rare characters, characters of its two-byte readings), as sets."""
    return {pair: (frozenset(rare), frozenset(ch for reading in two_byte for ch in reading))
            for pair, (rare, two_byte) in tables.pair_characters.items()}


@lru_cache(maxsize=2)
def _pair_signatures(tables: _CJKTables) -> tuple[tuple[CodecPair, tuple], ...]:
    """(pair, (rare characters, characters of its two-byte readings, merging characters, reads
    halfwidth kana)) for each pair, in order (see ``_signature_pattern`` for what they sign)."""
    return tuple((pair, (*characters, *tables.pair_shapes[pair]))
                 for pair, characters in _flat_pair_characters(tables).items())


class _PairMasks(NamedTuple):
    """The sets of ``_pair_signatures`` as bits: character -> the pairs (bit i for the i-th of
    ``pairs``) whose rare characters, two-byte readings or merging characters hold it."""

    pairs: tuple[CodecPair, ...]
    rare: dict[str, int]
    two_byte: dict[str, int]
    merging: dict[str, int]
    halfwidth: int  # the pairs that read UTF-8 continuation bytes as halfwidth kana
    every: int
    starts: dict[str, int]  # the pairs a signature of which may start with the character


@lru_cache(maxsize=2)
def _pair_masks(tables: _CJKTables) -> _PairMasks:
    pairs = []
    by_set: tuple[dict[str, int], dict[str, int], dict[str, int]] = ({}, {}, {})
    halfwidth = 0
    for number, (pair, (rare, two_byte, merging, reads_halfwidth)) in enumerate(
        _pair_signatures(tables)
    ):
        pairs.append(pair)
        for chars, masks in zip((rare, two_byte, merging), by_set):
            bits = dict.fromkeys(chars, 1 << number)
            for ch in bits.keys() & masks.keys():
                bits[ch] |= masks[ch]
            masks.update(bits)
        halfwidth |= reads_halfwidth << number
    every = (1 << len(pairs)) - 1
    starts = {**by_set[0], **by_set[1]}
    for ch in by_set[0].keys() & by_set[1].keys():
        starts[ch] |= by_set[0][ch]
    starts["锟"] = every
    return _PairMasks(tuple(pairs), *by_set, halfwidth, every, starts)


def _after_a_latin_letter(run: str, index: int) -> bool:
    """Is a Latin letter one or two characters before ``index`` (not across a line break)?"""
    before = run[max(0, index - 2) : index]
    return before[-1:] in ASCII_LETTERS or (
        len(before) == 2 and before[0] in ASCII_LETTERS and before[1] != "\n"
    )


def _pair_shapes(pair_characters: dict) -> dict:
    """CodecPair -> (its rare characters made of a UTF-8 byte and an ASCII letter, whether it
    reads UTF-8 continuation bytes as halfwidth kana): the lone-character signatures."""
    shapes = {}
    for pair, (rare, _) in pair_characters.items():
        merging = set()
        for byte, letter in itertools.product(range(0x80, 0xC0), sorted(ASCII_LETTERS)):
            try:
                merging.add(bytes((byte, ord(letter))).decode(pair.wrong))
            except UnicodeDecodeError:
                continue
        shapes[pair] = (frozenset(merging.intersection(rare)), pair.wrong in HALFWIDTH_KANA_CODECS)
    return shapes


_CJK_LOCK = threading.Lock()
_CJK_TABLES: _CJKTables | None = None
# ``_build_cjk_tables`` stored by ``scripts/build_cjk_signatures.py``: building them took a
# sixth of a second of every process's start-up, loading them takes milliseconds.
CJK_TABLES_FILE = "cjk_signatures.json.gz"
# Characters this common in some CJK language are never a signature by themselves.
COMMON_CJK_CHARS = 3000
# Letters per language (most frequent first) whose two UTF-8 bytes make the
# second CJK signature.
TWO_BYTE_LETTERS = 120


def _cjk_tables() -> _CJKTables:
    """Where UTF-8 read as a CJK code page can be, and what betrays it (loaded on first use).

    UTF-8 writes every CJK character as a lead byte E0-EF and continuation
    bytes 80-BF; read two bytes at a time these make a fixed set of characters
    (the run class), most of them rare.  Mojibake of two or more characters
    almost always holds one of the rare ones (the signature); clean text seldom
    does, and where it does only the short run of run-class characters around
    it is examined.
    """
    global _CJK_TABLES
    if _CJK_TABLES is None:
        with _CJK_LOCK:
            if _CJK_TABLES is None:
                _CJK_TABLES = _load_cjk_tables()
    return _CJK_TABLES


def _load_cjk_tables() -> _CJKTables:
    """The tables of ``_build_cjk_tables`` as shipped in ``data/`` (see ``CJK_TABLES_FILE``)."""
    raw = (resources.files("fixenc") / "data" / CJK_TABLES_FILE).read_bytes()
    return _tables_from_data(json.loads(gzip.decompress(raw)))


def cjk_tables_data() -> dict:
    """``_build_cjk_tables`` as plain data, for the build script: character sets as code point
    ranges (CJK signatures are long runs of consecutive code points), each pair's characters
    made of a UTF-8 byte and an ASCII letter (``_pair_shapes`` decodes 16,000 byte pairs to
    find them: a third of the tables' load), and the signature regex's pattern (writing its
    character classes out of the sets took a third of the load too)."""
    tables = _build_cjk_tables()
    return {
        "pairs": {
            pair.wrong: {"rare": _code_point_ranges(rare), "two_byte": sorted(two_byte),
                         "merging": _code_point_ranges(tables.pair_shapes[pair][0])}
            for pair, (rare, two_byte) in tables.pair_characters.items()
        },
        "run_chars": _code_point_ranges(tables.run_chars),
        "signature": tables.signature_re.pattern,
        # Scanning two code pages' 24,000 byte pairs each took 30 ms of start-up.
        "duplicate_pairs": {
            codec: {ch: [pair.hex() for pair in pairs] for ch, pairs in choices.items()}
            for codec, choices in tables.duplicate_pairs.items()
        },
    }


def _tables_from_data(data: dict) -> _CJKTables:
    return _CJKTables(
        # The union of every pair's signatures (shapes included), as built: shipped as a
        # pattern, since writing its character classes out of the sets took a third of the load.
        signature_re=precompiled.compile_regex(data["signature"]),
        run_chars=_chars_in_ranges(data["run_chars"]),
        pair_tables=partial(_pair_tables_from_data, data["pairs"]),
        duplicate_pairs={
            codec: {ch: tuple(map(bytes.fromhex, pairs)) for ch, pairs in choices.items()}
            for codec, choices in data["duplicate_pairs"].items()
        },
    )


def _pair_tables_from_data(pairs: dict) -> tuple[dict, dict]:
    """(pair_characters, pair_shapes) of ``_CJKTables`` from ``cjk_tables_data()["pairs"]``."""
    pair_characters = {
        pair: (_chars_in_ranges(pairs[pair.wrong]["rare"]), set(pairs[pair.wrong]["two_byte"]))
        for pair in UTF8_AS_CJK_PAIRS
    }
    shapes = {
        pair: (_chars_in_ranges(pairs[pair.wrong]["merging"]),
               pair.wrong in HALFWIDTH_KANA_CODECS)
        for pair in UTF8_AS_CJK_PAIRS
    }
    return pair_characters, shapes


def _code_point_ranges(chars: Iterable[str]) -> list[list[int]]:
    """[[first, last], ...] of the code points of ``chars``.

    >>> _code_point_ranges("abcx")
    [[97, 99], [120, 120]]
    """
    ranges: list[list[int]] = []
    for point in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return ranges


def _chars_in_ranges(ranges: list[list[int]]) -> frozenset[str]:
    points = itertools.chain.from_iterable(range(first, last + 1) for first, last in ranges)
    return frozenset(map(chr, points))


def _build_cjk_tables() -> _CJKTables:
    continuation = range(0x80, 0xC0)
    lead = range(0xC2, 0xF5)
    ascii_trail = range(0x40, 0x7F)
    byte_pairs = [(a, b) for a in lead for b in continuation]
    byte_pairs += [(a, b) for a in continuation for b in (*continuation, *lead, *ascii_trail)]
    common = langmodel.common_chars(COMMON_CJK_CHARS)
    # Big5's extension reads UTF-8 two-byte sequences as kana: four in a row of
    # common kana is Japanese, not Cyrillic or Greek read as Big5.
    common_kana = {ch for ch in common if "\u3040" <= ch <= "\u30ff"}
    letters = _two_byte_letters()
    chars: set[str] = set()
    signatures: dict[CodecPair, set[str]] = {}
    two_byte: dict[CodecPair, set[str]] = {}
    for pair in UTF8_AS_CJK_PAIRS:
        two_byte[pair] = set()
        for letter in letters:
            try:
                two_byte[pair].add(letter.encode("utf-8").decode(pair.wrong))
            except UnicodeDecodeError:
                continue
        pair_chars = set()
        for a, b in byte_pairs:
            try:
                ch = bytes((a, b)).decode(pair.wrong)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and not ch.isascii():
                pair_chars.add(ch)
        chars |= pair_chars
        signatures[pair] = {
            ch
            for ch in pair_chars - common
            if langmodel.script_of(ch) == "cjk"
            and unicodedata.category(ch) == "Lo"
            and not "\u3130" <= ch <= "\u318f"  # Korean jamo written alone (ㅋㅋ, ㅜㅜ)
        }
    signatures[UTF8_AS_CJK_PAIRS[0]].add("锟")  # U+FFFD in UTF-8 read as GBK (锟斤拷)
    pair_characters = {
        pair: (signatures[pair], two_byte[pair] - common_kana) for pair in UTF8_AS_CJK_PAIRS
    }
    shapes = _pair_shapes(pair_characters)
    return _CJKTables(
        signature_re=_union_signature_re(pair_characters, shapes),
        # ASCII glue belongs to the run: words of mojibake are separated by spaces.
        run_chars=frozenset(chars | set(PLACEHOLDERS) | set(map(chr, range(0x20, 0x7F))) | {"\t"}),
        pair_tables=lambda: (pair_characters, shapes),
        duplicate_pairs={codec: _scan_duplicate_pairs(codec) for codec in DUPLICATE_PAIR_CODECS},
    )


def _two_byte_letters() -> set[str]:
    """Common letters of the alphabets the model knows that UTF-8 writes in two bytes.

    Their readings in a CJK code page are the material of the second signature
    (Cyrillic, Greek, accented Latin read as GBK); any two bytes would also
    match runs of ordinary Chinese characters.
    """
    letters = set()
    for script in ("latin", "cyrillic", "greek", "hebrew", "arabic"):
        for ch in langmodel.common_chars(TWO_BYTE_LETTERS, script):
            letters.update(ch + ch.upper())
    return {ch for ch in letters if len(ch.encode("utf-8")) == 2}


def _union_signature_re(pair_characters: dict, pair_shapes: dict) -> re.Pattern:
    """One regex matching wherever any pair's own signature matches."""
    shapes = pair_shapes.values()
    return re.compile(
        _signature_pattern(
            set().union(*(rare for rare, _ in pair_characters.values())),
            set().union(*(two_byte for _, two_byte in pair_characters.values())),
            frozenset().union(*(merging for merging, _ in shapes)),
            any(halfwidth for _, halfwidth in shapes),
        )
    )


def _signature_pattern(
    rare: set[str], two_byte: set[str], merging: frozenset[str] = frozenset(), halfwidth: bool = False
) -> str:
    """Two rare characters close together, or four in a row made of two-byte UTF-8 sequences.

    Nearly every character of mojibake of CJK text is rare; one alone is a
    signature when a halfwidth kana follows it (``halfwidth``: Shift-JIS reads a
    three-byte UTF-8 character whose last byte is A1-BF as a rare kanji and one of
    ｡-ｿ, "繝ｴ" for "ヴ", which Japanese, writing kana after kanji in full width, does
    not); or when it is one of ``merging``, a UTF-8 byte and an ASCII letter read as
    one character, inside a Latin word, one character after its start at most: a
    UTF-8 character there (a fullwidth letter, a quote) whose last byte paired with
    the letter after it ("javascr節뎟t" for "javascrｉpt" read as EUC-KR).  Cyrillic, Greek
    or accented Latin text (two bytes a letter) reads instead as a row of
    characters whose code-page bytes are a UTF-8 lead C2-DF and a continuation
    byte, some of them common; four in a row are rare in clean text.
    """
    two_byte_chars = {ch for chars in two_byte for ch in chars}
    leading = rare | two_byte_chars | {"锟"}
    rare_class, two_byte_class = _char_class(rare), _char_class(two_byte_chars)
    lone = []
    if halfwidth:
        lone.append(f"{_led_by(rare, leading)}[{_char_class(HALFWIDTH_CONTINUATIONS)}]")
    if merging:
        lone.append(
            f"{_led_by(set(merging), leading)}(?:(?<=[A-Za-z].)|(?<=[A-Za-z]..))(?=[A-Za-z])"
        )
    # One leading class, then the branch is checked behind it (see UTF8_SIGNATURE_RE).
    return (
        f"[{_char_class(leading)}]"
        f"(?:{_led_by(rare, leading)}.?[{rare_class}]"
        f"|{_led_by(two_byte_chars, leading)}[{two_byte_class}]{{3}}"
        + "".join(f"|{branch}" for branch in lone)
        + "|(?<=锟)斤拷)"
    )


def _led_by(wanted: set[str], leading: set[str]) -> str:
    """A lookbehind true where the character just matched by ``[leading]`` is one of ``wanted``.

    Written as whichever class is shorter: ``wanted``, or the characters of ``leading`` it
    lacks (behind a negative lookbehind).  The CJK signature classes hold thousands of
    characters, and compiling each copy of them is start-up time of every process that meets
    non-ASCII text; the rare characters are most of the leading class.

    >>> _led_by({"b", "c", "d", "x"}, {"a", "b", "c", "d", "x"})
    '(?<![a])'
    """
    wanted_class = _char_class(wanted)
    missing = _char_class(leading - wanted)
    if len(missing) < len(wanted_class):
        return f"(?<![{missing}])" if missing else ""
    return f"(?<=[{wanted_class}])"


# --------------------------------------------------------------------------- transcoding


@dataclass(eq=False)  # compared by identity: candidates are collected in sets
class _Candidate:
    start: int  # in the text
    end: int
    after: str
    codecs: tuple[str, ...]
    guessed: tuple[int, ...] = ()
    confidence: float = 1.0
    margin: float = 0.0
    lost: int = 0  # characters left as U+FFFD because no guess was confident
    first_layer: str | None = None  # for a chain: the text after its first layer
    parts: tuple = ()  # for islands joined into one decision: the islands
    weak: bool = False  # too short to be judged alone; may join a neighbour
    scored: bool = False  # margin computed
    full_margin: bool = False  # held to MARGIN even when ftfy proposed it
    rival: bool = False  # ftfy's characters read through another code page (``_rival_readings``)


def _encode(text: str, codec: str) -> bytes | None:
    tables = SINGLE_BYTE_TABLES.get(codec)
    try:
        if tables is not None:
            return _encode_sloppy(text, codec)
        return encode_as_read(text, codec)
    except UnicodeEncodeError:
        return None


def _encode_sloppy(text: str, codec: str) -> bytes:
    """``text`` in a single-byte code page as its sloppy reading has it (``_single_byte_tables``).

    The code page's own encoder, in C, gives the same bytes for the characters it knows; the
    characters only the sloppy reading has (a C1 control, the character of a byte the code
    page leaves undefined) are written by its error handler (``_sloppy_error_handler``), once
    per run of them.  A lookup a character of the whole text through the table took twice as
    long on the lines of UTF-8 read as Windows-1252 (Czech "č" is C4 8D, a C1 control there).
    """
    return text.encode(codec, _sloppy_error_handler(codec))


@cache
def _sloppy_error_handler(codec: str) -> str:
    """The name of an error handler, registered on first use, that writes the characters only
    the sloppy reading of ``codec`` has (C1 controls, the bytes it leaves undefined, as Latin-1
    reads them) as the table of ``_single_byte_tables`` does; any other character is an error."""
    table = SINGLE_BYTE_TABLES[codec][1]
    sloppy_only = {chr(byte) for byte in range(0x80, 0xA0)}
    sloppy_only.update(chr(byte) for byte in _undefined_bytes(codec))
    written = {ch: table[ord(ch)].encode("latin-1") for ch in sloppy_only}

    def write_sloppy_only(error: UnicodeEncodeError) -> tuple[bytes, int]:
        try:
            return b"".join([written[ch] for ch in error.object[error.start : error.end]]), error.end
        except KeyError:
            raise error from None

    name = f"fixenc-sloppy-{codec}"
    codecs.register_error(name, write_sloppy_only)
    return name


def encode_as_read(text: str, codec: str, continuing: bool = False) -> bytes:
    """``text`` encoded in ``codec`` as a wrong decoder read it from UTF-8 bytes.

    cp932 reads some characters from two or three byte pairs (NEC's row 13 and JIS row 2: 87 91
    and 81 DF are both ≡; NEC's and IBM's copies of the IBM kanji) but writes each as one of
    them.  UTF-8 read as cp932 makes any of them ("金", E9 87 91, read one byte late gives 87 91),
    so each such character takes the pair that keeps the bytes around it valid UTF-8.
    ``continuing``: ``text`` may start inside a UTF-8 character (after a lost byte).
    Raises UnicodeEncodeError as ``str.encode`` does.
    """
    duplicates = _duplicate_pairs(codec)
    if not duplicates or not duplicates[0].search(text):
        return text.encode(codec)
    choices = duplicates[1]
    out = bytearray()
    need = -1 if continuing else 0  # continuation bytes the UTF-8 reading still expects; -1 unknown
    for index, ch in enumerate(text):
        options = choices.get(ch)
        if options is None:
            encoded = ch.encode(codec)
        else:
            following = text[index + 1 : index + 2].encode(codec, "replace")[:1]
            encoded = min(options, key=lambda option: _utf8_misfits(need, option, following))
        for byte in encoded:
            need = _utf8_state(need, byte)
        out += encoded
    return bytes(out)


def _utf8_state(need: int, byte: int) -> int:
    """The UTF-8 reader's state (continuation bytes still expected, -1 unknown) after ``byte``;
    -2 after a byte that breaks the sequence."""
    if 0x80 <= byte < 0xC0:
        return need - 1 if need > 0 else (-1 if need == -1 else -2)
    if need > 0:
        return -2
    if byte < 0x80:
        return 0
    if 0xC2 <= byte < 0xE0:
        return 1
    if 0xE0 <= byte < 0xF0:
        return 2
    if 0xF0 <= byte < 0xF5:
        return 3
    return -2


def _utf8_misfits(need: int, option: bytes, following: bytes) -> int:
    """How many bytes of ``option`` (and the first byte after it) UTF-8 would not accept."""
    misfits = 0
    for byte in option + following:
        need = _utf8_state(need, byte)
        misfits += need == -2
    return misfits


@cache
def _duplicate_pairs(codec: str) -> tuple[re.Pattern, dict[str, tuple[bytes, ...]]] | None:
    """(a pattern of, {character: its byte pairs, the codec's own first}) for the characters
    ``codec`` decodes from more than one pair; None when there are none."""
    if codec not in DUPLICATE_PAIR_CODECS:
        return None
    choices = _cjk_tables().duplicate_pairs[codec]
    return re.compile("[" + "".join(map(re.escape, sorted(choices))) + "]"), choices


# The code pages of ``CJK_CODECS`` that read some character from more than one byte pair (a test
# scans them all): the others need no scan at start-up.
DUPLICATE_PAIR_CODECS = ("cp932", "cp950")


def _scan_duplicate_pairs(codec: str) -> dict[str, tuple[bytes, ...]]:
    """{character: its byte pairs, the codec's own first} for the characters ``codec`` decodes
    from more than one pair (shipped with the CJK tables: see ``cjk_tables_data``)."""
    # One decode a lead byte: NUL, never a second byte, ends each pair.
    trails = bytes(range(0x40, 0x100))
    template = bytearray(3 * len(trails))
    template[1::3] = trails
    singles: list[tuple[int, list[str]]] = []
    for lead in range(0x81, 0x100):
        template[0::3] = bytes((lead,)) * len(trails)
        singles.append((lead, template.decode(codec, "replace").split("\0")[:-1]))
    counts = Counter("".join(ch for _, readings in singles for ch in readings if len(ch) == 1))
    repeated = {ch for ch, count in counts.items() if count > 1 and ch != "\ufffd"}
    pairs: dict[str, list[bytes]] = {}
    for lead, readings in singles if repeated else ():
        for trail, ch in zip(trails, readings):
            if ch in repeated:
                pairs.setdefault(ch, []).append(bytes((lead, trail)))
    choices = {}
    for ch, options in pairs.items():
        if len(options) > 1:
            own = ch.encode(codec)
            choices[ch] = (own, *(option for option in options if option != own))
    return choices


def _char_offsets(unit: str, codec: str) -> Sequence[int] | None:
    """Byte offset of each character of ``unit`` in the ``codec`` encoding, plus the end.

    A range for single-byte codecs, where every byte starts a character.
    """
    if codec in SINGLE_BYTE_TABLES:
        return range(len(unit) + 1)
    widths = _CHAR_WIDTHS.get(codec)
    if widths is None:
        widths = _CHAR_WIDTHS.setdefault(codec, _CharWidths(codec))
    try:
        return list(itertools.accumulate(map(widths.__getitem__, unit), initial=0))
    except KeyError:  # a character the codec cannot encode
        return None


class _CharWidths(dict):
    """Length of each character met in one codec's encoding; KeyError for one it cannot encode."""

    def __init__(self, codec: str) -> None:
        super().__init__()
        self.codec = codec

    def __missing__(self, ch: str) -> int:
        encoded = _encode(ch, self.codec)
        if encoded is None:
            raise KeyError(ch)
        width = self[ch] = len(encoded)
        return width


# codec -> its _CharWidths, filled as characters are met: encoding each character of every
# unit again took a tenth of the time spent on clean pages; the offsets are then summed in C.
_CHAR_WIDTHS: dict[str, _CharWidths] = {}


def _units(span: str, codec: str, least_encodable: float = 0.0) -> list[tuple[int, str]]:
    """Maximal runs of ``span`` encodable in ``codec`` that hold a non-ASCII character.

    Placeholders of lost bytes (U+FFFD, '?') count as encodable.  None at all once fewer
    than ``least_encodable`` characters can be encoded: the caller has no use for them.
    """
    probe = span.replace("\ufffd", "?")
    if codec in SINGLE_BYTE_TABLES:
        probe, codec = _sloppy_probe(probe, codec), "latin-1"
    try:
        probe.encode(codec)
    except UnicodeEncodeError:
        encodable = _ENCODABLE.get(codec)
        if encodable is None:
            encodable = _ENCODABLE.setdefault(codec, _Encodable(codec))
        # One flag a character, looked up in C: an error handler called for each character a
        # code page cannot encode (GBK's mojibake under Big5) took a tenth of the time of a
        # page of lossy GBK.
        flags = probe.translate(encodable)
    else:
        flags = ENCODABLE_FLAG * len(probe)
    if flags.count(ENCODABLE_FLAG) < least_encodable:
        return []
    units: list[tuple[int, str]] = []
    start = 0
    for unencodable in UNENCODABLE_RUN_RE.finditer(flags):
        units.append((start, span[start : unencodable.start()]))
        start = unencodable.end()
    units.append((start, span[start:]))
    return [(offset, unit) for offset, unit in units if unit and not unit.isascii()]


def _sloppy_probe(text: str, codec: str) -> str:
    """``text`` as ``_units`` probes it for a single-byte ``codec``: each character as the
    Latin-1 character of its byte in the sloppy reading, or one Latin-1 cannot encode.  Text
    the code page's own encoder encodes whole (in C, see ``_encode_sloppy``) is its bytes."""
    try:
        return text.encode(codec).decode("latin-1")
    except UnicodeEncodeError:
        return text.translate(SINGLE_BYTE_TABLES[codec][1])


class _Encodable(dict):
    """Code point -> ``ENCODABLE_FLAG`` if one codec encodes the character, else another flag;
    filled as characters are met (a stateless codec encodes a character alone or never)."""

    def __init__(self, codec: str) -> None:
        super().__init__()
        self.codec = codec

    def __missing__(self, code: int) -> str:
        try:
            chr(code).encode(self.codec)
        except UnicodeEncodeError:
            flag = self[code] = "x"
        else:
            flag = self[code] = ENCODABLE_FLAG
        return flag


ENCODABLE_FLAG = "."
UNENCODABLE_RUN_RE = precompiled.compile_regex("x+")
# codec -> its _Encodable
_ENCODABLE: dict[str, _Encodable] = {}


def _lost_byte_options(pair: CodecPair) -> tuple[int, ...]:
    """Bytes that the wrong decoder may have replaced by U+FFFD or '?'."""
    if pair.wrong in SINGLE_BYTE_TABLES:
        return _undefined_bytes(pair.wrong)
    return tuple(range(0x80, 0x100))


@cache
def _undefined_bytes(codec: str) -> tuple[int, ...]:
    """The bytes a single-byte code page leaves undefined (Windows-1252: 81 8D 8F 90 9D)."""
    upper = bytes(range(0x80, 0x100))
    return tuple(byte for byte, ch in zip(upper, upper.decode(codec, "surrogateescape"))
                 if "\udc80" <= ch <= "\udcff")


def _encode_unit(unit: str, codec: str) -> tuple[set[int], bytes, Sequence[int]] | None:
    """The places of lost bytes in ``unit``, its bytes in ``codec`` (a NUL for each lost one)
    and each character's byte offset (see ``_char_offsets``); None if it does not encode."""
    gaps = _gap_positions(unit)
    encodable = unit
    if gaps:
        encodable = "".join("\x00" if i in gaps else ch for i, ch in enumerate(unit))
    data = _encode(encodable, codec)
    if data is None:
        return None
    offsets = _char_offsets(encodable, codec)
    if offsets is None:
        return None
    return gaps, data, offsets


def _transcode_unit(
    unit: str, pair: CodecPair, encoded: tuple[set[int], bytes, Sequence[int]] | None = None
) -> list[tuple[int, int, str, tuple, float, int]]:
    """Islands of ``unit`` that change under ``pair``: (start, end, text, guessed, confidence,
    lost).  ``encoded``: ``_encode_unit(unit, pair.wrong)``, when the caller has it already.
    """
    if encoded is None:
        encoded = _encode_unit(unit, pair.wrong)
        if encoded is None:
            return []
    gaps, data, offsets = encoded
    data = bytearray(data)
    guessed: dict[int, tuple[int, float]] = {}
    leads: set[int] = set()
    if gaps and _mostly_decodes(data, pair):
        guessed = _guess_gaps(data, offsets, sorted(gaps), unit, pair, leads)
    if pair.right == "utf-8" and b" " in data:
        _restore_nbsp(data)
    islands = _islands(unit, data, offsets, gaps, guessed, pair)
    if leads:
        # A lost lead byte joins the islands around it into one, judged as a whole; where the
        # whole falls short of the margin, the islands between the guesses still compete alone.
        # Nor does a lead's second byte: it is the rest of the lost character, not one of its
        # own ("(\ufffd¶)" is 生, never ｶ).
        for gap in leads:
            data[offsets[gap]] = 0
            if gap + 1 < len(unit):
                data[offsets[gap + 1]] = 0
        unguessed = {gap: guess for gap, guess in guessed.items() if gap not in leads}
        known = {island[:3] for island in islands}
        islands += [
            island for island in _islands(unit, data, offsets, gaps, unguessed, pair)
            if island[:3] not in known
        ]
    return islands


def _islands(
    unit: str, data: bytearray, offsets: Sequence[int], gaps: set[int],
    guessed: dict[int, tuple[int, float]], pair: CodecPair,
) -> list[tuple[int, int, str, tuple, float, int]]:
    """The islands of ``data`` (``unit`` in the wrong code page, lost bytes filled by ``guessed``)
    that decode under ``pair`` to something other than ``unit``."""
    # Character index at each byte offset; a range of offsets is its own index.
    char_at = offsets if isinstance(offsets, range) else dict(zip(offsets, range(len(offsets))))
    # A '?' no guess filled is no byte the last character can have swallowed ("방법은??").
    unfilled = {offsets[g] for g in gaps if g not in guessed}
    ordered = sorted(g for g in gaps if g in guessed)
    islands = []
    for byte_start, byte_end in _island_spans(bytes(data), offsets, ISLAND_RES[pair.right]):
        extended = byte_end
        while (
            extended not in char_at
            and extended < len(data)
            and data[extended] < 0x80
            and extended not in unfilled
        ):
            extended += 1  # the last character also swallowed an ASCII byte
        if extended in char_at:
            byte_end = extended
        while byte_end not in char_at and byte_end > byte_start:
            byte_end -= 1
        if byte_end <= byte_start:
            continue
        reading = _changed_reading(unit, data, byte_start, byte_end, char_at, pair.right)
        if reading is None:
            continue
        char_start, char_end, decoded = reading
        if not gaps:
            # Nothing was lost (clean text, lossless damage): no guess to weigh, nothing unsure.
            islands.append((char_start, char_end, decoded, (), 1.0, 0))
            continue
        island_gaps = ordered[bisect.bisect_left(ordered, char_start):bisect.bisect_left(ordered, char_end)]
        unsure = [g for g in island_gaps if guessed[g][1] < _guess_confidence(pair)]
        if unsure and pair.right != "utf-8":
            # The island around its unsure lost bytes: each character holding one stays as it
            # is ("방법은??"), the runs of characters between them are islands of their own.
            islands += _sure_pieces(
                unit, data, byte_start, byte_end, char_at, [offsets[g] for g in unsure],
                island_gaps, guessed, pair,
            )
            continue
        if unsure:
            decoded = _blank_unsure(data, byte_start, decoded, [offsets[g] for g in unsure])
        sure = [guessed[g] for g in island_gaps if g not in unsure]
        islands.append(_island(char_start, char_end, decoded, sure, len(unsure)))
    if gaps and pair.right == "utf-8" and not any(i[:2] == (0, len(unit)) for i in islands):
        islands.append(_whole_unit(unit, data, offsets, gaps, guessed, _guess_confidence(pair)))
    return islands


def _sure_pieces(
    unit: str, data: bytearray, byte_start: int, byte_end: int, char_at: Sequence[int] | dict,
    unsure_bytes: list[int], island_gaps: list[int], guessed: dict[int, tuple[int, float]],
    pair: CodecPair,
) -> list[tuple[int, int, str, tuple, float, int]]:
    """The islands of ``data[byte_start:byte_end]`` between the characters (of ``pair.right``)
    that hold an unsure lost byte: a lost second byte belongs with the lead before it, a lost
    lead with the byte after it."""
    decoder = codecs.getincrementaldecoder(pair.right)()
    bounds = [byte_start]
    for position in range(byte_start, byte_end):
        if decoder.decode(data[position : position + 1]):
            bounds.append(position + 1)
    if bounds[-1] != byte_end:
        return []
    unsure = set(unsure_bytes)
    pieces: list[list[int]] = [[]]
    for start, end in itertools.pairwise(bounds):
        if unsure.intersection(range(start, end)):
            pieces.append([])
        else:
            pieces[-1].extend((start, end))
    islands = []
    for piece in pieces:
        starts = [b for b in piece[0::2] if b in char_at]
        if not starts:
            continue
        ends = [b for b in piece[1::2] if b in char_at and b > starts[0]]
        if not ends:
            continue
        reading = _changed_reading(unit, data, starts[0], ends[-1], char_at, pair.right)
        if reading is None:
            continue
        char_start, char_end, decoded = reading
        sure = [guessed[g] for g in island_gaps if char_start <= g < char_end]
        islands.append(_island(char_start, char_end, decoded, sure))
    return islands


def _changed_reading(
    unit: str, data: bytearray, byte_start: int, byte_end: int, char_at: Sequence[int] | dict,
    codec: str,
) -> tuple[int, int, str] | None:
    """The characters ``data[byte_start:byte_end]`` spans in ``unit`` and their reading in
    ``codec``; None when the bytes do not decode or read as the characters already there."""
    try:
        decoded = data[byte_start:byte_end].decode(codec)
    except UnicodeDecodeError:
        return None
    char_start, char_end = char_at[byte_start], char_at[byte_end]
    if decoded == unit[char_start:char_end]:
        return None
    return char_start, char_end, decoded


def _island(
    char_start: int, char_end: int, decoded: str, sure: list[tuple[int, float]], lost: int = 0
) -> tuple[int, int, str, tuple, float, int]:
    """An island as ``_islands`` gives it: its characters, their reading, the bytes guessed in it
    with the least confidence among them, and how many lost bytes stay unsure."""
    return (char_start, char_end, decoded, tuple(b for b, _ in sure),
            min((c for _, c in sure), default=1.0), lost)


def _island_spans(
    data: bytes, offsets: Sequence[int], island_re: re.Pattern
) -> list[tuple[int, int]]:
    """Byte ranges of runs of valid right-codec characters that start on a character boundary.

    Matching from each boundary (not scanning freely) keeps a run from starting
    inside a character of the wrong code page, e.g. at the last byte of a clean
    Chinese character just before the damage.  The regex searches in C; a run
    found inside a character is dropped and the search goes on one byte later
    (no run started at a boundary before it).
    """
    if isinstance(offsets, range):
        return [match.span() for match in island_re.finditer(data)]  # every byte is a boundary
    boundaries = set(offsets)
    spans = []
    match = island_re.search(data)
    while match:
        if match.start() in boundaries:
            spans.append(match.span())
            match = island_re.search(data, match.end())
        else:
            match = island_re.search(data, match.start() + 1)
    return spans


def _whole_unit(
    unit: str, data: bytearray, offsets: list[int], gaps: set[int], guessed: dict,
    least_confidence: float,
) -> tuple[int, int, str, tuple, float, int]:
    """The whole unit decoded, U+FFFD for whatever its lost bytes leave undecidable.

    A lost byte can split a character of the wrong code page between a broken
    and a valid UTF-8 sequence, so no island boundary falls between them; the
    model then judges the whole unit against the damage.
    """
    unsure = [g for g in gaps if g in guessed and guessed[g][1] < least_confidence]
    data = bytearray(data)
    for gap in gaps - guessed.keys():
        data[offsets[gap]] = 0x3F if unit[gap] == "?" else 0xFF  # 0xFF decodes to U+FFFD
    decoded = bytes(data).decode("utf-8", "replace")
    if unsure:
        decoded = _blank_unsure(data, 0, decoded, [offsets[g] for g in unsure])
    sure = [guessed[g] for g in gaps if g in guessed and g not in unsure]
    lost = decoded.count("\ufffd") - unit.count("\ufffd") + len(unsure)
    return (
        0,
        len(unit),
        decoded,
        tuple(b for b, _ in sure),
        min((c for _, c in sure), default=1.0),
        max(lost, len(unsure)),
    )


def _mostly_decodes(data: bytearray, pair: CodecPair) -> bool:
    """Do most of the surviving bytes form valid characters of the right codec?

    Guessing lost bytes is worth its cost only under a pair that explains the rest.
    """
    covered = sum(len(m.group()) for m in ISLAND_RES[pair.right].finditer(bytes(data)))
    high = len(data) - len(data.translate(None, HIGH_BYTES))
    return covered >= 0.6 * high


HIGH_BYTES = bytes(range(0x80, 0x100))


def _blank_unsure(data: bytearray, start: int, decoded: str, positions: list[int]) -> str:
    """Put U+FFFD for each UTF-8 character whose lost byte could not be guessed with confidence."""
    chars = list(decoded)
    for position in positions:
        char_start = position
        while char_start > start and 0x80 <= data[char_start] < 0xC0:
            char_start -= 1
        index = len(bytes(data[start:char_start]).decode("utf-8", "replace"))
        if index < len(chars):
            chars[index] = "\ufffd"
    return "".join(chars)


def _gap_positions(unit: str) -> set[int]:
    """Indexes of U+FFFD, and of '?' next to non-ASCII text: places where bytes may be lost.

    A second '?' counts too: two bytes of one character may be lost side by side.
    """
    gaps: set[int] = set()
    if "\ufffd" not in unit and "?" not in unit:
        return gaps
    for index, ch in enumerate(unit):
        if ch == "\ufffd":
            gaps.add(index)
        elif ch == "?" and index > 0:
            previous = unit[index - 1]
            if not previous.isascii() or previous == "?" and index - 1 in gaps and index - 2 not in gaps:
                gaps.add(index)
    return gaps


def _restore_nbsp(data: bytearray) -> None:
    """A space right where a UTF-8 continuation byte belongs was a NBSP byte (A0)."""
    for match in NBSP_LOST_RE.finditer(bytes(data)):
        data[match.end() - 1] = 0xA0


NBSP_LOST_RE = re.compile(rb"(?:[\xc2-\xdf]|[\xe0-\xef][\x80-\xbf]?|[\xf0-\xf4][\x80-\xbf]{0,2}) ")


def _guess_gaps(
    data: bytearray, offsets: list[int], gaps: list[int], unit: str, pair: CodecPair,
    leads: set[int] | None = None,
) -> dict[int, tuple[int, float]]:
    """Fill each lost byte with the value the model likes best; say how sure it is.

    Returns {gap index: (byte, confidence)} for the gaps that stood for a lost
    byte (some value makes the bytes around it decode with fewer errors); the
    others were a real '?' or U+FFFD and keep a byte that ends any island.
    Two lost bytes side by side right after a UTF-8 lead byte (``E3 [80] [82]``
    of 。 before a space) are the two ends of one character and are guessed
    together: one at a time, neither makes the character valid.  ``leads`` receives
    the gaps guessed as the lost lead byte of a double-byte character (``_lead_before``).
    """
    all_options = _lost_byte_options(pair)
    guessed: dict[int, tuple[int, float]] = {}
    gap_set = set(gaps)
    ordered = sorted(gap_set)
    paired: set[int] = set()
    for gap in gaps if all_options else ():
        if gap in guessed:
            continue
        slots = (gap,)
        if _halves_of_one_character(data, offsets, gap, gap_set, pair):
            slots = (gap, gap + 1)
            paired.update(slots)
        _guess_one(data, offsets, slots, unit, pair, all_options, gap_set, guessed, leads, ordered)
    # Each guess saw the lost bytes after it still blank: a lone lost byte is guessed again with
    # the next one's guess in place ("\ufffdX\ufffdV" of cp932 read as cp1252: 更新, not 々新).
    filled = sorted(guessed)
    reach = GUESS_REACH.get(pair.family, 3)
    for gap, following in itertools.pairwise(filled):
        if following - gap <= reach and gap not in paired:
            _guess_one(data, offsets, (gap,), unit, pair, all_options, gap_set, guessed, leads,
                       ordered)
    return guessed


def _guess_one(
    data: bytearray, offsets: list[int], slots: tuple[int, ...], unit: str, pair: CodecPair,
    all_options: tuple[int, ...], gap_set: set[int], guessed: dict[int, tuple[int, float]],
    leads: set[int] | None, ordered: list[int],
) -> None:
    """Guess the lost byte(s) at ``slots`` (one gap, or the two halves of one character) into
    ``data`` and ``guessed``; a gap guessed before keeps its guess if it now reads as no loss."""
    gap = slots[0]
    kept = [data[offsets[slot]] for slot in slots]
    again = gap in guessed
    after = slots[-1] + 1
    following = b""
    if after < len(unit) and after not in gap_set:
        following = bytes(data[offsets[after] : offsets[after + 1]])
    consistent: tuple[int, ...] = ()
    if len(slots) == 2:
        options = _consistent_lost_pairs(pair.wrong, following)
    else:
        consistent = _consistent_lost_bytes(pair.wrong, following)
        options = _single_options(consistent or all_options)
    positions = [offsets[slot] for slot in slots]
    reach = GUESS_REACH.get(pair.family, 3)
    window_start = offsets[max(0, gap - reach)]
    if pair.right != "utf-8":
        window_start = _double_byte_boundary(data, window_start)
    window_end = offsets[min(len(offsets) - 1, slots[-1] + reach + 1)]
    for position in positions:
        data[position] = 0
    baseline, best_errors, fewest_errors = _fewest_errors(
        bytes(data[window_start:window_end]),
        tuple(position - window_start for position in positions),
        options,
        pair.right,
    )
    # Only a U+FFFD, for a byte the wrong decoder really loses before ``following`` (one of
    # cp1252's five undefined bytes): a '?' between double-byte characters is the page's own
    # ("なのでは?と"), as it is where those five bytes show as C1 controls (read as Latin-1).
    lead = (best_errors == baseline and bool(consistent) and unit[gap] == "\ufffd"
            and not _holds_undefined_c1(unit)
            and _lead_before(options, following, pair.right))
    if best_errors > baseline or best_errors == baseline and not lead:
        for slot, position, value in zip(slots, positions, kept):
            data[position] = value if again else 0x3F if unit[slot] == "?" else 0
        return
    if WORD_REACH.get(pair.family):
        fewest_errors = _in_word_form(
            bytes(data[window_start:window_end]),
            tuple(position - window_start for position in positions),
            fewest_errors, pair.right, window_end == len(data),
        )
    # Candidates differ only around the lost bytes: the unigram shortlist scores
    # that stretch; the bigram model then scores the whole window of the few kept.
    near_start = _character_start(data, positions[0], window_start)
    near_end = min(window_end, positions[-1] + 4)
    for position in positions:
        data[position] = 0
    shortlist = _shortlist(
        bytes(data[near_start:near_end]),
        tuple(position - near_start for position in positions),
        fewest_errors,
        pair.right,
        window_end == len(data) and near_end == window_end,
    )
    known: tuple[int | None, ...] = ()
    word_reach = WORD_REACH.get(pair.family)
    if word_reach:
        around_start = offsets[max(0, gap - word_reach)]
        around_end = offsets[min(len(offsets) - 1, slots[-1] + word_reach + 1)]
        # The gaps between those characters (``ordered`` is every gap, sorted: a long line of
        # dense loss held thousands, each guess went through all of them).
        near = ordered[bisect.bisect_left(ordered, max(0, gap - word_reach)):
                       bisect.bisect_left(ordered, min(len(offsets) - 1, slots[-1] + word_reach + 1))]
        others = tuple(offsets[other] - around_start for other in near
                       if other not in slots and data[offsets[other]] == 0)
        around = _WordContext(bytes(data[around_start:window_start]), bytes(data[window_end:around_end]),
                              around_start == 0, around_end == len(data), all_options,
                              tuple(sorted(others)))
        # A reading that makes a known word is shortlisted whatever its letter's unigram
        # (Greek capitals: "ΛΕ?Η" is ΛΕΞΗ, and Ξ is rare).
        is_known = dict(zip(fewest_errors, _known_word_readings(
            bytes(data[window_start:window_end]),
            tuple(position - window_start for position in positions),
            fewest_errors, pair.right, around)))
        shortlist = shortlist + [values for values in fewest_errors
                                 if is_known[values] and values not in shortlist]
        known = tuple(is_known[values] for values in shortlist)
    best, confidence = _best_guess(
        bytes(data[window_start:window_end]),
        tuple(position - window_start for position in positions),
        tuple(shortlist),
        pair.right,
        window_end == len(data),
        known,
    )
    for slot, position, value in zip(slots, positions, best):
        data[position] = value
        guessed[slot] = (value, confidence)
    if leads is not None:
        if lead:
            leads.add(gap)
        else:
            leads.discard(gap)


# The bytes Windows-1252 leaves undefined, as a Latin-1 reader shows them.
C1_UNDEFINED = frozenset("\x81\x8d\x8f\x90\x9d")


@lru_cache(maxsize=256)
def _holds_undefined_c1(unit: str) -> bool:
    """Does ``unit`` show a byte Windows-1252 leaves undefined as its C1 control?  Asked for
    each lost byte of the unit: cached, instead of a search of the whole unit at each."""
    return not C1_UNDEFINED.isdisjoint(unit)


@lru_cache(maxsize=1024)
def _lead_before(options: tuple[tuple[int, ...], ...], following: bytes, codec: str) -> bool:
    """Was the lost byte the lead byte of a double-byte character whose second byte survives
    (``following``)?  A cp1252 reader loses Shift-JIS's 81 of 、 (81 41) and keeps the 'A':
    the placeholder decodes without error too, so fewer errors cannot tell the loss."""
    if codec == "utf-8" or len(following) != 1:
        return False
    readings = ((bytes(values) + following).decode(codec, "replace")
                for values in options if len(values) == 1)
    return any(len(reading) == 1 and reading != "\ufffd" for reading in readings)


@lru_cache(maxsize=1 << 14)
def _fewest_errors(
    window: bytes, places: tuple[int, ...], options: tuple[tuple[int, ...], ...], codec: str
) -> tuple[int, int, tuple[tuple[int, ...], ...]]:
    """How many characters ``window`` (its lost bytes at ``places`` zero) fails to decode, the
    fewest it fails with one of ``options`` in them, and the options that do so.

    Cached: a page loses the same bytes around the same characters again and again.
    """
    baseline = _decode_errors(window, 0, len(window), codec)
    filled = bytearray(window)
    scored = []
    for members in _options_by_range(options, codec):
        for place, value in zip(places, members[0]):
            filled[place] = value
        scored.append((_decode_errors(filled, 0, len(filled), codec), members))
    best_errors = min((errors for errors, _ in scored), default=baseline)
    fewest = tuple(values for errors, members in scored if errors == best_errors
                   for values in members)
    return baseline, best_errors, fewest


@lru_cache(maxsize=256)
def _single_options(values: tuple[int, ...]) -> tuple[tuple[int], ...]:
    return tuple((value,) for value in values)


@lru_cache(maxsize=1024)
def _options_by_range(
    options: tuple[tuple[int, ...], ...], codec: str
) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """The options grouped so that one decode tells the errors of a whole group.

    UTF-8's decoder tells bytes apart only by range (``UTF8_BYTE_RANGES``): values of the
    same ranges are valid or invalid in the same places.  Other codecs: one value a group.
    """
    if codec != "utf-8":
        return tuple((values,) for values in options)
    groups: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
    for values in options:
        groups.setdefault(tuple(UTF8_BYTE_CLASS[value] for value in values), []).append(values)
    return tuple(map(tuple, groups.values()))


def _double_byte_boundary(data: bytearray, position: int) -> int:
    """A position at or before ``position`` where a double-byte character surely starts: just
    after an ASCII byte, or the start of the data.  A window that began inside a character
    read the bytes out of phase, and a guess that put the phase right won on fewer errors
    ("吗??" became 吗亶)."""
    floor = max(0, position - MAX_PHASE_WALK)
    while position > floor and data[position - 1] >= 0x80:
        position -= 1
    return position if position == 0 or data[position - 1] < 0x80 else floor


def _character_start(data: bytearray, position: int, floor: int) -> int:
    """Where the UTF-8 character holding the byte at ``position`` starts (not before ``floor``)."""
    for back in range(1, 4):
        if position - back < floor:
            break
        byte = data[position - back]
        if byte >= 0xC0:
            return position - back
        if byte < 0x80:
            break
    return position


def _fillings(
    window: bytes, places: tuple[int, ...], candidates: tuple[tuple[int, ...], ...], codec: str
) -> Iterator[tuple[str, tuple[int, ...]]]:
    """The window decoded with each candidate's values in its lost bytes, and those values."""
    for filled, values in zip(_filled_windows(window, places, candidates), candidates):
        yield filled.decode(codec, "replace"), values


@lru_cache(maxsize=1 << 14)
def _shortlist(
    near: bytes, places: tuple[int, ...], candidates: tuple[tuple[int, ...], ...], codec: str,
    at_end: bool,
) -> list[tuple[int, ...]]:
    """The ``GUESS_SHORTLIST`` candidates whose characters around the lost bytes score best.

    By unigram, punctuation by its share; the probability mass of the rest is negligible
    for a confidence threshold.  Cached: the same characters lose the same bytes all over
    a page (。 before a space).
    """
    scored = []
    for text, values in _fillings(near, places, candidates, codec):
        unigrams = sum(map(CHAR_LOGPROBS.__getitem__, text))
        priors = langmodel.punctuation_logprob(text, at_end) + langmodel.after_number_logprob(text)
        score = unigrams + priors
        scored.append((score, values))
    scored.sort(reverse=True)
    return [values for _, values in scored[:GUESS_SHORTLIST]]


@lru_cache(maxsize=1 << 14)
def _best_guess(
    window: bytes, places: tuple[int, ...], shortlist: tuple[tuple[int, ...], ...], codec: str,
    at_end: bool, known: tuple[int | None, ...] = (),
) -> tuple[tuple[int, ...], float]:
    """The shortlisted values the model likes best in the window, and their share of the
    probability.  Cached: a page repeats the phrases around its lost bytes (的。 at line ends).

    ``known``: for each shortlisted value, the rank of the known word it makes of the word
    holding the lost bytes (``_known_word_readings``); such a reading gains ``word_bonus``.
    """
    totals = []
    fillings = _fillings(window, places, shortlist, codec)
    for (text, values), rank in itertools.zip_longest(fillings, known, fillvalue=None):
        # Marks of punctuation tie under the model: their own frequency decides; so do units
        # after a number (``langmodel.NUMERAL_UNITS``), since digits are neutral to it.
        prior = langmodel.punctuation_logprob(text, at_end) + langmodel.after_number_logprob(text)
        # A lost byte is often a word's last letter (я or с): the end of a word is scored too.
        score = langmodel.text_score(langmodel.scoring_form(text), word_ends=True)
        totals.append((score.total + prior + (word_bonus(rank) if rank else 0.0), values))
    peak, best = max(totals)
    return best, 1.0 / sum(math.exp(total - peak) for total, _ in totals)


@lru_cache(maxsize=1 << 14)
def _in_word_form(
    window: bytes, places: tuple[int, ...], candidates: tuple[tuple[int, ...], ...], codec: str,
    at_end: bool,
) -> tuple[tuple[int, ...], ...]:
    """The ``candidates`` whose letters stand where their forms may: a final form (Hebrew ך ם ן
    ף ץ, Greek ς) only at the end of a word, and its plain letter (כ מ נ פ צ, σ) never at the end
    of a word of two letters or more.  Hebrew loses the second byte of ך ל ם מ ן to Windows-1255:
    at the end of a word they are ך ם ן (or ל), inside one מ (or ל).  A lone letter, one after a
    quote mark (the acronym רה"מ) or before one (צ' for the sound of ch), may be either.  All of
    them if none qualifies.
    ``at_end``: the window ends the text.

    >>> mem, final_mem = (0x9E,), (0x9D,)  # מ ם after the lead byte D7
    >>> _in_word_form("שלו".encode() + b"\\xd7\\x00", (7,), (mem, final_mem), "utf-8", True)
    ((157,),)
    >>> _in_word_form(b"\\xd7\\x00" + "שך".encode(), (1,), (mem, final_mem), "utf-8", False)
    ((158,),)
    """
    kept = tuple(values for text, values in _fillings(window, places, candidates, codec)
                 if not _misplaced_form(text, _differing_span(window, places, text, codec), at_end))
    return kept or candidates


def _differing_span(window: bytes, places: tuple[int, ...], text: str, codec: str) -> range:
    """The characters of ``text`` (``window`` decoded, filled) that hold the bytes at ``places``."""
    before = len(window[: places[0]].decode(codec, "replace"))
    after = len(window[places[-1] + 1 :].decode(codec, "replace"))
    return range(max(0, before - 1), len(text) - max(0, after - 1))


def _misplaced_form(text: str, span: range, at_end: bool) -> bool:
    """Does a letter of ``text`` in ``span`` stand where its form cannot (``_in_word_form``)?"""
    for index in span:
        ch = text[index]
        if ch not in FINAL_FORMS and ch not in PLAIN_FORMS:
            continue
        following = index + 1
        while following < len(text) and unicodedata.combining(text[following]):
            following += 1
        after = text[following] if following < len(text) else ""
        if after == "\ufffd" or not after and not at_end:
            continue  # a lost byte, or the window ends before the text does: unknown
        if ch in FINAL_FORMS:
            if after.isalpha():
                return True
            continue
        preceding = index - 1
        while preceding >= 0 and unicodedata.combining(text[preceding]):
            preceding -= 1
        if preceding >= 0 and text[preceding].isalpha() and not after.isalpha() and after not in WORD_MARKS:
            return True
    return False


def _final_forms() -> tuple[frozenset[str], frozenset[str]]:
    """The final letter forms of the alphabets that have them (Greek, Hebrew), by their names,
    and the plain letters they are the final forms of."""
    finals, plains = set(), set()
    for code in range(0x0370, 0x0600):
        name = unicodedata.name(chr(code), "")
        if " LETTER FINAL " in name:
            finals.add(chr(code))
            plains.add(unicodedata.lookup(name.replace("FINAL ", "")))
    return frozenset(finals), frozenset(plains)


FINAL_FORMS, PLAIN_FORMS = _final_forms()
# Marks that stand after a letter inside a word (the geresh of צ', the gershayim of an acronym).
WORD_MARKS = frozenset("'\"\u2019\u05f3\u05f4")


class _WordContext(NamedTuple):
    """Where ``_known_word_readings`` reads the word holding a lost byte, beyond the window."""

    before: bytes  # the bytes before the window
    after: bytes  # and after it
    starts_text: bool  # ``before`` reaches the start of the text
    ends_text: bool  # ``after`` reaches its end
    options: tuple[int, ...]  # the values a lost byte may have had
    blanks: tuple[int, ...]  # places (from the start of ``before``) of lost bytes not guessed yet


# UTF-8 lead bytes of the letters of the scripts with word lists (``langmodel.WORD_LIST_SCRIPTS``):
# Greek CE-CF and E1 (its extended block), Cyrillic D0-D4, Hebrew D6-D7.
WORD_LIST_LEADS = frozenset(range(0xCE, 0xD8)) | {0xE1}


def _known_word_readings(
    window: bytes, places: tuple[int, ...], shortlist: tuple[tuple[int, ...], ...], codec: str,
    around: _WordContext,
) -> list[int | None]:
    """For each shortlisted filling: does the word holding the lost bytes become a known word?
    Its rank in its word list (``langmodel.word_rank``), 0 if it is in none.

    The word is the run of letters around the characters the fillings differ in, read with
    ``around``; None where it may go on beyond ``around``, holds no letter there or is of a
    script without a word list.  Another lost byte not guessed yet in the word (a zero byte
    near the guessed ones: "италь?н?кий") may take any of ``around``'s options: a filling
    makes a known word if one of them completes it.
    """
    filled = [around.before + window_filled + around.after
              for window_filled in _filled_windows(window, places, shortlist)]
    if codec == "utf-8" and not any(map(WORD_LIST_LEADS.intersection, filled)):
        # No letter of a listed script can be read there (Latin mojibake of a text read twice,
        # where every other byte is lost: each guess tried up to 256 blank fillings).
        return [None] * len(shortlist)
    offset = len(around.before)
    near = [position for position in around.blanks
            if min(abs(position - offset - place) for place in places) <= WORD_BLANK_REACH]
    # Each blank takes the values that make a letter with the byte before it.
    letters = [_letter_bytes(around.options, filled[0][position - 1]) if position
               else around.options for position in near]
    readings = [()]
    if math.prod(map(len, letters)) <= MAX_BLANK_READINGS:
        readings = itertools.product(*letters)
    known: list[int | None] = [None] * len(shortlist)
    for blank_values in readings:
        texts = []
        for data in filled:
            if blank_values:
                data = bytearray(data)
                for position, value in zip(near, blank_values):
                    data[position] = value
            texts.append(data.decode(codec, "replace"))
        for index, rank in enumerate(_known_words(texts, around.starts_text, around.ends_text)):
            if rank is not None and (not known[index] or 0 < rank < known[index]):
                known[index] = rank
    return known


@lru_cache(maxsize=1024)
def _letter_bytes(values: tuple[int, ...], lead: int) -> tuple[int, ...]:
    """The ``values`` that make a letter after the UTF-8 lead byte ``lead`` (all of them after
    any other byte: the character is longer, or the lead lost too)."""
    if not 0xC2 <= lead <= 0xDF:
        return values
    return tuple(value for value in values if bytes((lead, value)).decode("utf-8", "replace").isalpha())


def word_bonus(rank: int) -> float:
    """What a reading gains for making a known word of ``rank``: ``KNOWN_WORD_BONUS`` at rank
    1,000, more for commoner words (μια 5, νια 17,321), never below a nat."""
    return max(1.0, KNOWN_WORD_BONUS + WORD_RANK_WEIGHT * math.log(1000 / rank))


def _known_words(texts: list[str], starts_text: bool, ends_text: bool) -> list[int | None]:
    """``_known_word_readings`` of texts that differ in one stretch only."""
    shortest = min(map(len, texts))
    start = 0
    while start < shortest and len({text[start] for text in texts}) == 1:
        start += 1
    tail = 0
    while tail < shortest - start and len({text[-1 - tail] for text in texts}) == 1:
        tail += 1
    known = []
    for text in texts:
        first, last = start, len(text) - tail
        while first > 0 and _in_word(text[first - 1]):
            first -= 1
        while last < len(text) and _in_word(text[last]):
            last += 1
        word = text[first:last]
        whole = ((first > 0 or starts_text) and (last < len(text) or ends_text)
                 and word[:1].isalpha() and all(map(_in_word, word)))
        known.append(_listed_rank(word) if whole and langmodel.has_word_list(word) else None)
    return known


# Letters Hebrew writes onto the front of a word (and, the, in, to, from, that, as): "והבית" is
# ו + הבית, and many such words are in no list of 50,000.  A word in none that is one of them
# before a listed word counts as known, at ``PROCLITIC_RANK_FACTOR`` times that word's rank.
# Swept on the full run's cases of UTF-8 read as Windows-1255 by a lossy decoder (3,381 lost
# letters; right / wrong / U+FFFD): none 2,183 / 279 / 919; x10 2,167 / 295 / 919; x100 2,256 /
# 294 / 831; x300 2,244 / 289 / 848; x1000 2,226 / 285 / 870; two such letters (x100 each)
# 2,254 / 293 / 834.
PROCLITICS = frozenset("והבלמשכ")
PROCLITIC_RANK_FACTOR = 100


def _listed_rank(word: str) -> int:
    """``word``'s rank in its word list (``langmodel.word_rank``), or as a listed word after a
    proclitic letter (``PROCLITICS``); 0 if neither."""
    rank = langmodel.word_rank(word)
    if not rank and len(word) > 2 and word[0] in PROCLITICS:
        rank = (langmodel.word_rank(word[1:]) or 0) * PROCLITIC_RANK_FACTOR
    return rank or 0


def _in_word(ch: str) -> bool:
    """A letter, or a mark written on one (Hebrew points: במִספָּנָה is one word)."""
    return ch.isalpha() or unicodedata.combining(ch) > 0


def _filled_windows(
    window: bytes, places: tuple[int, ...], candidates: tuple[tuple[int, ...], ...]
) -> Iterator[bytes]:
    """The window with each candidate's values in its lost bytes."""
    filled = bytearray(window)
    for values in candidates:
        for place, value in zip(places, values):
            filled[place] = value
        yield bytes(filled)


def _halves_of_one_character(
    data: bytearray, offsets: list[int], gap: int, gaps: set[int], pair: CodecPair
) -> bool:
    """Are ``gap`` and the next gap the last two bytes of one three-byte UTF-8 character?"""
    position = offsets[gap]
    return (
        pair.right == "utf-8"
        and gap + 1 in gaps
        and offsets[gap + 1] == position + 1
        and position > 0
        and 0xE0 <= data[position - 1] < 0xF0
    )


@lru_cache(maxsize=1024)
def _consistent_lost_pairs(wrong: str, following: bytes) -> tuple[tuple[int, int], ...]:
    """Pairs of continuation bytes the wrong decoder would have lost one by one before ``following``."""
    consistent = set()
    for decoder in LOSSY_DECODERS.get(wrong, (wrong,)):
        expected = "\ufffd\ufffd" + following.decode(decoder, "replace")
        consistent.update(
            (first, second)
            for first in range(0x80, 0xC0)
            for second in range(0x80, 0xC0)
            if (bytes((first, second)) + following).decode(decoder, "replace") == expected
        )
    return tuple(sorted(consistent))


@lru_cache(maxsize=4096)
def _consistent_lost_bytes(wrong: str, following: bytes) -> tuple[int, ...]:
    """Lost byte values the wrong decoder would really have lost before ``following``.

    The surviving text pins the lost byte down: the wrong decoder gave up on
    it (alone, or with ``following`` as its would-be trail) and then read
    ``following`` unchanged.  UTF-8's continuation byte of 议 (AE) is lost
    before GBK's E5 but that of 计 (A1) is not, since A1E5 is a GBK character.
    """
    consistent = set()
    for decoder in LOSSY_DECODERS.get(wrong, (wrong,)):
        expected = "\ufffd" + following.decode(decoder, "replace")
        consistent.update(
            value
            for value in range(0x80, 0x100)
            if (bytes((value,)) + following).decode(decoder, "replace") == expected
        )
    return tuple(sorted(consistent))


def _decode_errors(data: bytes | bytearray, start: int, end: int, codec: str) -> int:
    return bytes(data[start:end]).decode(codec, "replace").count("\ufffd")


# --------------------------------------------------------------------------- decisions


def _choose(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """The non-overlapping candidates the model prefers by at least the margin, in order.

    A second pass trusts the page: once a pair has repaired clear cases, its
    short islands elsewhere on the page (a lone ``¡£`` for ``。``, a two-letter
    word) need only ``RELAXED_MARGIN``, and they replace another pair's reading
    of the same characters.
    """
    unique: dict[tuple, _Candidate] = {}
    for candidate in candidates:
        unique.setdefault((candidate.start, candidate.end, candidate.after), candidate)
    candidates = list(unique.values())
    strong = [c for c in candidates if not c.weak and _fits_its_script(text, c)]
    for candidate in strong:
        # A margin depends only on the text and the candidate.  UTF-8 read as a CJK code page
        # is scored when its turn may come (below).
        if not candidate.scored and PAIR_FAMILY.get(candidate.codecs) != "utf8-as-cjk":
            _score(text, candidate)
    strong = _without_holes_guessed(text, strong)
    accepted: list[_Candidate] = []
    taken = _Intervals([])
    by_span: dict[tuple[int, int], list[_Candidate]] = {}
    for candidate in strong:
        if not candidate.parts:
            by_span.setdefault((candidate.start, candidate.end), []).append(candidate)
    swaps = _Intervals([c for c in strong if PAIR_FAMILY.get(c.codecs) == "cyrillic-swap"
                        and c.margin >= _threshold(text, c)], overlaps=True)
    for candidate in _by_weight(text, strong, taken):
        if candidate.margin < _threshold(text, candidate):
            continue
        if taken.overlapping(candidate) or not _plausible(text, candidate):
            continue
        if (PAIR_FAMILY.get(candidate.codecs) == "cyrillic-swap" and candidate.margin < MARGIN
                and _swaps_part_of_a_line(text, candidate, taken, swaps, MOSTLY_SWAPPED)):
            continue  # a word in capitals in a headline of them ("ЛЮДЯМ" -> "мадсн")
        if candidate.parts and _outvoted_part(text, candidate, by_span):
            continue  # its islands compete one by one instead
        taken.add(candidate)
        accepted.append(candidate)
    dominant = _dominant_pairs(accepted)
    if dominant:
        accepted = _trust_the_page(text, candidates, accepted, dominant, by_span)
    accepted.sort(key=lambda c: c.start)
    return accepted


def _without_holes_guessed(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """``candidates`` without ftfy's readings that hold a U+FFFD where another reading of the
    same characters has the lost byte guessed (``_filled_lost_bytes``) and is otherwise the same.

    The guess won its own contest among the few bytes the code page loses, at
    ``GUESS_CONFIDENCE``.  The margin against the damage cannot judge it again: the model
    scores U+FFFD by a fixed term, cheaper than most Chinese characters, so "�求�地" (要 and
    各 lost a byte to Windows-1252) outscored "要求各地".
    """
    filled = [c for c in candidates if c.codecs[0] == "ftfy" and c.guessed
              and c.margin >= _threshold(text, c) and _plausible(text, c)]
    if not filled:
        return candidates

    def guessed_elsewhere(holes: _Candidate) -> bool:
        return any(
            (other.start, other.end) == (holes.start, holes.end)
            and len(other.after) == len(holes.after) and other.after != holes.after
            and all(a == b or b == "\ufffd" for a, b in zip(other.after, holes.after))
            for other in filled
        )

    return [c for c in candidates
            if not (c.codecs[0] == "ftfy" and "\ufffd" in c.after and guessed_elsewhere(c))]


def _by_weight(text: str, strong: list[_Candidate], taken: _Intervals) -> Iterator[_Candidate]:
    """``strong`` by weight (margin x characters), heaviest first, in their order among equals;
    those not scored yet are scored only when their turn may come, and not at all when they
    overlap a candidate ``taken`` by then (the caller takes each it accepts).

    ftfy's plans that decode no UTF-8 (C1 controls read as Windows-1252), or that leave C1
    controls behind (81, 8D, 8F, 90, 9D: lead bytes of Shift-JIS or GBK), come after every
    other repair of the same characters.

    A candidate not scored waits with the weight no margin exceeds (``MAX_MARGIN``): the
    islands of a line of UTF-8 read as GBK, inside the line's own candidate that is taken
    first, are never scored (a third of the candidates of a page of lossy GBK).  Every
    candidate comes at its turn, as a sort of all of them by their margins would give it.
    """
    heap = []
    for index, candidate in enumerate(strong):
        last = _is_c1_only(candidate) or _keeps_c1_controls(candidate) or _reads_c1_controls_mostly(
            text, candidate)
        margin = candidate.margin if candidate.scored else MAX_MARGIN
        heap.append((last, -(margin * (candidate.end - candidate.start)), index, candidate.scored))
    heapq.heapify(heap)
    while heap:
        last, _, index, scored = heapq.heappop(heap)
        candidate = strong[index]
        if scored:
            yield candidate
        elif not taken.overlapping(candidate):
            # It may come before the candidates left: its turn is at its weight.
            _score(text, candidate)
            heapq.heappush(heap, (last, -(candidate.margin * (candidate.end - candidate.start)),
                                  index, True))


def _outvoted_part(text: str, joined: _Candidate,
                   by_span: dict[tuple[int, int], list[_Candidate]],
                   page_family: str | None = None) -> bool:
    """Does another repair read all the characters of one of the joined islands better?

    Islands of one pair are joined to be judged as a sentence, but two damages side by side
    ("cafÃ© ÄãºÃ": UTF-8 read as Windows-1252, then GBK read as Latin-1) are not one
    sentence: the UTF-8 reading of "Ã©" must not lose to the GBK one because the GBK
    island next to it made the joined candidate long.  ``page_family``: the page has
    chosen its pair of that family, so other pairs of it are no rivals.
    """
    for part in joined.parts:
        rivals = [c for c in by_span.get((part.start, part.end), ())
                  if c.codecs != joined.codecs
                  and (page_family is None or PAIR_FAMILY.get(c.codecs) != page_family)]
        for rival in rivals:
            if not rival.scored:  # left by ``_by_weight``
                _score(text, rival)
        rivals = [c for c in rivals if c.margin >= _threshold(text, c) and c.margin > 0]
        if not rivals:
            continue
        if not part.scored:
            _score(text, part)
        if any(rival.margin > part.margin for rival in rivals):
            return True
    return False


def _threshold(text: str, candidate: _Candidate) -> float:
    if candidate.codecs[0] == "ftfy" or candidate.rival:
        return MARGIN if candidate.full_margin else FTFY_MARGIN
    if _is_lone_mark(text, candidate):
        return LONE_MARK_MARGIN
    return FAMILY_MARGINS.get(PAIR_FAMILY.get(candidate.codecs[:2], ""), MARGIN)


def _is_lone_mark(text: str, candidate: _Candidate) -> bool:
    """Is this a double-byte mark with an ASCII second byte, read as Latin-1 between non-letters?

    Big5's dash reads "¡V", its pound "¢G": one sign glued to a letter, which no
    language writes between digits or spaces ("pp. 12¡V18"), while the model
    scores any mark as neutral and so finds the mark little better than the damage.
    Spanish "¡Viva" starts a word: the letter after the damage keeps it out.
    """
    if PAIR_FAMILY.get(candidate.codecs) != "legacy-as-latin" or len(candidate.after) != 1:
        return False
    if not LONE_MARK_DAMAGE_RE.fullmatch(text, candidate.start, candidate.end):
        return False
    left = text[candidate.start - 1 : candidate.start]
    right = text[candidate.end : candidate.end + 1]
    if left.isalpha() or right.isalpha():
        return False
    return unicodedata.category(candidate.after)[0] in "PS"


def _score(text: str, candidate: _Candidate) -> None:
    candidate.scored = True
    if candidate.codecs[0] == "ftfy" and candidate.after.isspace():
        # "Â " read as a lost NBSP is ftfy's weakest evidence; in a line of another script
        # it is as likely a letter of that script read as Windows-1252 (Cyrillic "В ").
        line_start = text.rfind("\n", 0, candidate.start) + 1
        line_end = text.find("\n", candidate.end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        candidate.full_margin = bool(OTHER_SCRIPT_LETTER_RE.search(line))
    left = text[max(0, candidate.start - CONTEXT) : candidate.start]
    right = text[candidate.end : candidate.end + CONTEXT]
    if _is_c1_only(candidate):
        # A C1 control read as its Windows-1252 character is judged on its own: with context
        # its margin sat near the threshold and moved with a newline at the end of the text,
        # so repairing fixenc's output again changed it (found by the idempotence property).
        left = right = ""
    before = text[candidate.start : candidate.end]
    if PAIR_FAMILY.get(candidate.codecs) in QUICK_FAMILIES:
        quick = _unigram_mean(candidate.after) - _unigram_mean(before)
    else:
        quick = 0.0
    if quick < QUICK_REJECT:
        # Clearly worse character by character: the bigram model cannot save it.
        candidate.margin = quick
        return
    after = left + candidate.after + right
    damaged = left + before + right
    if PAIR_FAMILY.get(candidate.codecs) == "cyrillic-swap":
        after = _uncased_capitals(after)
    candidate.margin = langmodel.compare(after, damaged)
    if candidate.first_layer is not None:
        # A second layer must also beat stopping after the first one.
        candidate.margin = min(
            candidate.margin,
            langmodel.compare(left + candidate.after + right, left + candidate.first_layer + right),
        )


def _uncased_capitals(text: str) -> str:
    """``text`` with its Cyrillic words in capitals written in small letters.

    Cyrillic code pages read as each other swap the case of every letter, so a
    headline in capitals reads as small letters.  The model doubts words in
    capitals (prose is mostly small letters), which held the headline's repair
    below the margin; so a swap's repair is judged on its letters, not on being
    in capitals.  The damage keeps the doubt: there capitals are the swap's sign
    (small letters read as capitals), and a word whose case is mixed keeps it.

    >>> _uncased_capitals("СТИХИ О ЛЮБВИ, Мир и ООН")
    'стихи О любви, Мир и оон'
    """
    return CYRILLIC_CAPITALS_WORD_RE.sub(lambda word: word.group().lower(), text)


def _unigram_mean(text: str) -> float:
    return sum(map(CHAR_LOGPROBS.__getitem__, text)) / len(text) if text else 0.0


class _CharLogprobs(dict):
    """``langmodel.char_logprob`` of each character met, looked up in C by ``map``."""

    def __missing__(self, ch: str) -> float:
        value = self[ch] = langmodel.char_logprob(ch)
        return value


# Summing unigrams of every candidate and its damage went through the LRU cache's
# bookkeeping once a character; a page holds a few thousand different characters.
CHAR_LOGPROBS = _CharLogprobs()


def _dominant_pairs(accepted: list[_Candidate]) -> dict[str, tuple[str, ...]]:
    """Per family, the codec pair that repaired the most on this page (by margin x length)."""
    weight: dict[tuple[str, ...], float] = {}
    for candidate in accepted:
        if candidate.codecs in PAIR_FAMILY:
            weight[candidate.codecs] = weight.get(candidate.codecs, 0.0) + candidate.margin * (
                candidate.end - candidate.start
            )
    dominant: dict[str, tuple[str, ...]] = {}
    for pair_codecs, total in sorted(weight.items(), key=lambda item: -item[1]):
        if total >= TRUSTED_PAGE_WEIGHT:
            dominant.setdefault(PAIR_FAMILY[pair_codecs], pair_codecs)
    return dominant


def _trust_the_page(
    text: str,
    candidates: list[_Candidate],
    accepted: list[_Candidate],
    dominant: dict[str, tuple[str, ...]],
    by_span: dict[tuple[int, int], list[_Candidate]],
) -> list[_Candidate]:
    trusted = set(dominant.values())
    accepted_ids = {id(c) for c in accepted}
    extra = [
        c
        for c in candidates
        if c.codecs in trusted
        and id(c) not in accepted_ids
        and not c.lost
        and (c.end - c.start >= 2 or c.codecs[-1] in CYRILLIC_CODECS)  # в, к, я...
    ]
    taken = _Intervals(accepted)
    # A candidate that ``_by_weight`` did not score overlaps one taken.  Inside one taken, but
    # for an ftfy reading, it can replace none: what replaces that one holds it too.
    extra = [c for c in extra if c.scored or not _inside_taken(c, taken)]
    for candidate in extra:
        if not candidate.scored:  # most were scored by _choose's first pass
            _score(text, candidate)
    extra.sort(key=lambda c: -(c.margin * (c.end - c.start)))
    passing = _Intervals([c for c in extra if c.margin >= RELAXED_MARGIN
                          and PAIR_FAMILY[c.codecs] == "cyrillic-swap"], overlaps=True)
    for candidate in extra:
        family = PAIR_FAMILY[candidate.codecs]
        relaxed = candidate.margin >= RELAXED_MARGIN or (
            family == "legacy-as-latin" and _byte_margin(text, candidate) >= TRUSTED_BYTE_MARGIN
        )
        if not relaxed or not _plausible(text, candidate):
            continue
        if family == "legacy-as-latin" and _splits_a_latin_word(text, candidate):
            continue
        if family == "cyrillic-swap" and _swaps_part_of_a_line(text, candidate, taken, passing, 1.0):
            continue
        if candidate.parts and _outvoted_part(text, candidate, by_span, family):
            continue
        overlapping = taken.overlapping(candidate)
        if all(
            (  # ftfy's reading of the same few characters ("Â " as a NBSP)
                c.codecs[0] == "ftfy"
                and c.margin < candidate.margin
                and c.end - c.start <= candidate.end - candidate.start + 1
            )
            or (  # another pair's reading, or a part of this one's (a joined sentence)
                PAIR_FAMILY.get(c.codecs) == family
                and c.start >= candidate.start
                and c.end <= candidate.end
            )
            for c in overlapping
        ):
            for c in overlapping:
                taken.remove(c)
            taken.add(candidate)
    return taken.items()


def _inside_taken(candidate: _Candidate, taken: _Intervals) -> bool:
    """Is ``candidate`` inside, and shorter than, a candidate ``taken`` that ftfy did not propose?"""
    return any(
        other.start <= candidate.start and candidate.end <= other.end
        and other.end - other.start > candidate.end - candidate.start and other.codecs[0] != "ftfy"
        for other in taken.overlapping(candidate)
    )


def _swaps_part_of_a_line(text: str, candidate: _Candidate, taken: _Intervals,
                          passing: _Intervals, share: float) -> bool:
    """Would the swap leave its line's Cyrillic letters mostly as they are?

    A Cyrillic code page read as another swaps every Cyrillic letter it reads, so in a line it
    damaged the words are repaired (``taken``) or read better swapped (``passing``: candidates
    that pass their margin).  True unless more than ``share`` of the line's Cyrillic letters
    are, with this candidate's (all of them for ``share`` 1).  On a page that trusts KOI8-R
    read as Windows-1251, clean lines lost their "у" to "С", their "рф" to "ПТ" and a
    Macedonian "љубовта" to a NBSP and "САНБРЮ" (so the trusted pass wants every letter); in a
    clean headline in capitals "ЛЮДЯМ" read as "мадсн" by 0.79 nats a letter, since capitals
    are what a swap makes of small letters (so a weak swap wants most of its line).

    >>> text = "без году лет нас ни об там"
    >>> _swaps_part_of_a_line(text, _Candidate(20, 22, "НА", ()), _Intervals([]), _Intervals([]), 1)
    True
    """
    line_start = text.rfind("\n", 0, candidate.start) + 1
    line_end = text.find("\n", candidate.end)
    line_end = len(text) if line_end < 0 else line_end
    letters = swapped = 0
    for letter in CYRILLIC_LETTER_RE.finditer(text, line_start, line_end):
        index = letter.start()
        letters += 1
        swapped += (candidate.start <= index < candidate.end or taken.covers(index)
                    or passing.covers(index))
    return swapped < letters if share >= 1 else swapped <= share * letters


# A swap below ``MARGIN`` needs more than this share of its line's Cyrillic letters to be
# repaired or repairable with it, outside a page's trusted pass.
MOSTLY_SWAPPED = 0.5


CYRILLIC_LETTER_RE = precompiled.compile_regex("[\u0400-\u04ff]")


def _splits_a_latin_word(text: str, candidate: _Candidate) -> bool:
    """Is the damage (double-byte text read as Latin-1) letters only, inside a Latin word, and
    the reading CJK?

    Inside: a small Latin letter glued to it, or ASCII capitals that are a word of capitals.
    Then the page's trust in a double-byte pair does not reach it: on a page of Chinese read
    as Latin-1 a Portuguese "índices" became "韓dices", a Dutch "dáár" "d後r", a Hungarian
    "évfordulója" "関fordulója" and a Spanish "PRÓXIMO" "PR覺IMO", each by at least
    ``RELAXED_MARGIN`` or ``TRUSTED_BYTE_MARGIN`` (judged three characters either side).  Such
    an island must win by the full margin, as on a page that trusts nothing.  Damage with a sign in it is no
    word ("Hejlsberg¿ÍÀÇ" is "Hejlsberg와의": Korean glues its particles to foreign words).

    >>> text = "dáár ÄãºÃ Hejlsberg¿ÍÀÇ PRÓXIMO ÓÃPython"
    >>> spans = (1, 3), (5, 9), (19, 23), (26, 28), (32, 34)
    >>> [_splits_a_latin_word(text, _Candidate(*span, "後", ())) for span in spans]
    [True, False, False, True, False]
    """
    if not CJK_LETTER_RE.search(candidate.after) or not text[candidate.start : candidate.end].isalpha():
        return False
    before = text[candidate.start - 1 : candidate.start]
    after = text[candidate.end : candidate.end + 1]
    if _is_small_latin_letter(before) or _is_small_latin_letter(after):
        return True
    # A word in capitals ("PRÓXIMO" read as "PR覺IMO"); not one that goes on in small letters
    # ("用Python" read as "ÓÃPython").
    start = candidate.start
    while start and text[start - 1] in ASCII_LETTERS:
        start -= 1
    end = candidate.end
    while end < len(text) and text[end] in ASCII_LETTERS:
        end += 1
    return any(word.isupper() for word in (text[start : candidate.start], text[candidate.end : end]))


def _is_small_latin_letter(ch: str) -> bool:
    return ch.islower() and langmodel.script_of(ch) == "latin"


# Letters of the CJK scripts (kana, Han, Hangul); the misaligned stage's too.
CJK_LETTER_RE = precompiled.compile_regex("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _byte_margin(text: str, candidate: _Candidate) -> float:
    """How much more plausible a repair is than its damage, in nats per byte of the damage.

    Both read the same bytes, but a double-byte reading has half the characters,
    each carrying two bytes' worth of choice: per character it looks rarer than
    the Latin-1 letters it replaces (a lone Big5 "或" read as "©Î" between links
    wins by 0.1 per character and by 2.1 per byte).
    """
    left = text[max(0, candidate.start - CONTEXT) : candidate.start]
    right = text[candidate.end : candidate.end + CONTEXT]
    after = langmodel.text_score(left + candidate.after + right).total
    before = langmodel.text_score(left + text[candidate.start : candidate.end] + right).total
    return (after - before) / (candidate.end - candidate.start)


class _Intervals:
    """Non-overlapping candidates kept sorted by start, for overlap tests in log time.

    ``overlaps=True``: candidates that may overlap, for ``covers`` only.
    """

    def __init__(self, candidates: list[_Candidate], overlaps: bool = False) -> None:
        self._items = sorted(candidates, key=lambda c: c.start)
        self._starts = [c.start for c in self._items]
        # With overlaps, the largest end among the candidates up to each one.
        self._reach = list(itertools.accumulate((c.end for c in self._items), max)) if overlaps else None

    def covers(self, index: int) -> bool:
        """Does a candidate hold the character at ``index``?"""
        position = bisect.bisect_right(self._starts, index)
        if not position:
            return False
        if self._reach is not None:
            return self._reach[position - 1] > index
        return self._items[position - 1].end > index

    def overlapping(self, candidate: _Candidate) -> list[_Candidate]:
        index = bisect.bisect_left(self._starts, candidate.end)
        found = []
        while index > 0 and self._items[index - 1].end > candidate.start:
            index -= 1
            found.append(self._items[index])
        return found

    def add(self, candidate: _Candidate) -> None:
        index = bisect.bisect_left(self._starts, candidate.start)
        self._items.insert(index, candidate)
        self._starts.insert(index, candidate.start)

    def remove(self, candidate: _Candidate) -> None:
        index = self._items.index(candidate)
        del self._items[index]
        del self._starts[index]

    def items(self) -> list[_Candidate]:
        return list(self._items)


def _is_c1_only(candidate: _Candidate) -> bool:
    # ftfy's "apply:decode_inconsistent_utf8" (UTF-8 mojibake inside otherwise clean text)
    # decodes UTF-8 too: found by the idempotence property, a Turkish line's "Ä±" went to
    # a Big5 reading because this plan was ranked with the C1-only ones.
    return candidate.codecs[0] == "ftfy" and not any(
        step.startswith("decode:utf-8") or "utf8" in step for step in candidate.codecs
    )


def _keeps_c1_controls(candidate: _Candidate) -> bool:
    """Is an ftfy repair's text still holding C1 controls, so not text of any code page it read?"""
    return candidate.codecs[0] == "ftfy" and C1_CONTROL_RE.search(candidate.after) is not None


def _reads_c1_controls_mostly(text: str, candidate: _Candidate) -> bool:
    """Is an ftfy repair mostly C1 controls read as Windows-1252, with little UTF-8 decoded?

    Shift-JIS read as Latin-1 is full of C1 controls (lead bytes 81-9F); ftfy's mixed-text
    fixer may also decode one stray pair of them as UTF-8 ("ß\x81" as an N'Ko letter), and
    its reading of the rest as "‚ƒ„" must still yield to a pair that reads the whole span.
    """
    if candidate.codecs[0] != "ftfy" or any(s.startswith("decode:utf-8") for s in candidate.codecs):
        return False
    before = text[candidate.start : candidate.end]
    collapsed = len(before) - len(candidate.after)  # bytes of UTF-8 sequences joined
    return 2 * collapsed < len(C1_CONTROL_RE.findall(before))


def _fits_its_script(text: str, candidate: _Candidate, letter_case: bool = True) -> bool:
    """Cheap guards for repairs into a legacy code page, which any Latin-1 text "decodes" to.

    A repair into a CJK code page gives CJK letters (not, say, the Cyrillic
    letters that code page also holds) and a lone one does not sit inside a
    Latin word; Cyrillic words never touch Latin letters and come several
    letters at a time.  No repair of ours yields private-use or unassigned
    characters or controls.  ``letter_case=False`` lets a Cyrillic capital
    follow a small letter (a typo, not a sign that the word is no text).
    """
    if candidate.codecs[0] != "ftfy" and _has_impossible_chars(
        candidate.after, text[candidate.start : candidate.end]
    ):
        return False
    right = candidate.codecs[-1]
    neighbours = (
        text[candidate.start - 1 : candidate.start] + text[candidate.end : candidate.end + 1]
    )
    # UTF-8 read as a Latin code page garbles every Cyrillic or Greek letter,
    # so one that touches the span intact says the span is other damage
    # ("теÂ сме" is KOI8-R's б read as Windows-1252, not a lost NBSP).
    latin_plan = candidate.codecs[0] == "ftfy" and not any(
        code_page in step for step in candidate.codecs for code_page in NON_LATIN_CODE_PAGES
    )
    if latin_plan and any(langmodel.script_of(ch) in ("cyrillic", "greek") for ch in neighbours):
        return False
    if right in CJK_CODECS:
        # Its letters beyond ASCII are CJK (or neutral) ones, but for a lone Greek or
        # Cyrillic letter among many CJK ones ("αリポ酸"), as such text writes them.
        letters = candidate.after.translate(LETTER_CLASSES)
        if letters.count("J") != len(letters) and not _lone_foreign_letters(candidate.after, letters):
            return False
        lone_letter = len(candidate.after) < 2 and candidate.after.isalpha()
        if lone_letter and any(langmodel.script_of(ch) == "latin" for ch in neighbours):
            return False
    elif right in CYRILLIC_CODECS:
        letters = candidate.after.translate(LETTER_CLASSES)
        if len(letters) < MIN_CYRILLIC_LETTERS or letters.count("C") != len(letters):
            return False
        if CYRILLIC_BROKEN_WORD_RE.search(candidate.after):
            return False
        if letter_case and CYRILLIC_CASE_BREAK_RE.search(candidate.after):
            return False
        # Only a letter at the edge makes a word with its neighbour: "«" may touch
        # the Latin word it quotes ("╚Sex Sells╩" is «Sex Sells»).
        edges = (
            (text[candidate.start - 1 : candidate.start], candidate.after[:1]),
            (text[candidate.end : candidate.end + 1], candidate.after[-1:]),
        )
        if any(ch.isascii() and ch.isalpha() and edge.isalpha() for ch, edge in edges):
            return False
    return True


def _lone_foreign_letters(after: str, letters: str) -> bool:
    """Are the letters of a CJK reading that are not CJK a few lone Greek or Cyrillic ones?

    CJK code pages hold both alphabets, and CJK text writes a letter of them by itself
    ("αリポ酸", "β-カロテン", "Ω"), among CJK letters (``FOREIGN_LETTER_SHARE``).  A
    Latin-1 text read as a CJK code page gives them too, but in runs ("§Ñ§Ö" is GBK's
    "Ой") or beside Latin letters, and few CJK letters around them.
    """
    foreign = len(letters) - letters.count("J")
    if letters.count("J") < FOREIGN_LETTER_SHARE * foreign:
        return False
    for index, ch in enumerate(after):
        if LETTER_CLASSES[ord(ch)] not in ("C", "O"):
            continue
        if langmodel.script_of(ch) not in ("greek", "cyrillic"):
            return False
        neighbours = after[max(0, index - 1) : index] + after[index + 1 : index + 2]
        if any(n.isalpha() and LETTER_CLASSES[ord(n)] != "J" for n in neighbours):
            return False
    return True


def _has_impossible_chars(after: str, before: str) -> bool:
    """Private-use, unassigned or control characters that the damage did not already hold.

    A repair that yields them has decoded bytes that were never text.
    """
    return any(map(IMPOSSIBLE_CHARS.__getitem__, after)) and any(
        IMPOSSIBLE_CHARS[ch] and ch not in before for ch in after
    )


class _ImpossibleChars(dict):
    """Is each character met one no repair may yield (``IMPOSSIBLE_CATEGORIES``, not a line break or tab)?"""

    def __missing__(self, ch: str) -> bool:
        value = self[ch] = unicodedata.category(ch) in IMPOSSIBLE_CATEGORIES and ch not in "\t\n\r"
        return value


IMPOSSIBLE_CHARS = _ImpossibleChars()


class _LetterClasses(dict):
    """A ``str.translate`` table: each letter beyond ASCII becomes "C" (Cyrillic), "J" (CJK or
    neutral, ``langmodel.script_of``) or "O" (any other script); everything else is dropped.
    ``_fits_its_script`` checks a candidate's letters with one translate instead of a loop."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        value = None
        if ch.isalpha() and not ch.isascii():
            script = langmodel.script_of(ch)
            value = "C" if script == "cyrillic" else "J" if script in ("cjk", "neutral") else "O"
        self[code] = value
        return value


LETTER_CLASSES = _LetterClasses()


def _plausible(text: str, candidate: _Candidate) -> bool:
    """A repair must not be mostly holes, and one into a legacy code page must read like text.

    Holes: characters it could not guess, and U+FFFD it has in all; a repair with more
    U+FFFD than the damage had (U+FFFD or '?') lost characters the damage still showed (an EUC-JP reading's
    篋 became 'D' and a U+FFFD: the model found the holes cheaper than the rare kanji).
    The second rule: any Latin-1 text "decodes" as Cyrillic or CJK, so the
    result must read like real text, not merely better than the damage.
    """
    if candidate.lost > MAX_LOST_SHARE * len(candidate.after) and not _keeps_own_holes(candidate):
        return False
    holes = candidate.after.count("\ufffd")
    if holes and holes > _holes_before(text, candidate):
        return False
    if _orphan_mark(text, candidate) or _mixes_unmodelled_script(candidate.after):
        return False
    before = text[candidate.start : candidate.end]
    if (not candidate.guessed and "\ufffd" not in before
            and _private_use(candidate.after) > _private_use(before)):
        # Code pages map their user-defined rows there ("þú" of Latin-1 read as GBK): no text
        # writes them, yet the model scores them as merely rare.  Not held against a reading
        # of damage that lost bytes: the characters around a lost byte may be wrong, the rest
        # of the reading right.
        return False
    if PAIR_FAMILY.get(candidate.codecs[:2]) == "legacy-as-latin" and _touches_cjk(text, candidate):
        # Double-byte text read as Latin-1 is Latin-1 letters and signs all through: an
        # island between characters of CJK text ("したら××まで") was written as it is.
        return False
    if _beside_foreign_loss(text, candidate):
        return False
    if candidate.codecs[-1].startswith(("utf-8", "decode:utf-8")) or candidate.codecs[0] == "ftfy":
        return True
    floor = PLAUSIBLE_MIN_CJK if candidate.codecs[-1] in CJK_CODECS else PLAUSIBLE_MIN
    return langmodel.text_logprob(candidate.after) >= floor


def _guess_confidence(pair: CodecPair) -> float:
    """The least confidence of a lost byte's guess under ``pair`` (see ``OWN_GUESS_CONFIDENCE``)."""
    return OWN_GUESS_CONFIDENCE if pair in OWN_UTF8_PAIRS else GUESS_CONFIDENCE


def _keeps_own_holes(candidate: _Candidate) -> bool:
    """Is this UTF-8 read as Windows-1255 or 1256 (``OWN_UTF8_PAIRS``), with each lost byte the
    model is unsure of left as the damage's own U+FFFD?  Hebrew loses a byte of one letter in
    six to Windows-1255 (א ל ם מ ן are 90 9C 9D 9E 9F after D7), more than ``MAX_LOST_SHARE``,
    while the letters around them read back exactly: the line is repaired, its holes kept.

    And UTF-8 read as one of ftfy's code pages by a decoder that wrote '?' for a lost byte, where
    the characters decoded around the unsure holes are ``HOLES_READ_AROUND`` times as many: ftfy
    keeps the same holes when the decoder wrote U+FFFD ("(Η �ΑΥΤΕ�ΠΟΡΙ�Η)"), where the '?' line
    was left as mojibake."""
    if candidate.codecs in OWN_UTF8_CODEC_PAIRS:
        return True
    if candidate.codecs[0] != "ftfy" or "decode:utf-8" not in candidate.codecs:
        return False
    decoded = sum(1 for ch in candidate.after if ch >= "\x80" and ch != "\ufffd")
    return decoded >= HOLES_READ_AROUND * candidate.lost


def _private_use(text: str) -> int:
    return len(PRIVATE_USE_RE.findall(text))


PRIVATE_USE_RE = precompiled.compile_regex("[\ue000-\uf8ff]")


def _orphan_mark(text: str, candidate: _Candidate) -> bool:
    """Does the repair yield a diacritic of no script (the combining blocks: acute, grave,
    asterisk below...) with nothing to sit on (after a space or at the start of the text)?
    Such a mark is not written (marks on punctuation are: kaomoji such as (ง'̀⌣'́)ง; and a
    script's own marks are, in Arabic stored in visual order); a repair that makes one
    decoded bytes that were never that text ('窶は冱' read as UTF-8 is an en space, a
    combining asterisk below and 's')."""
    after = candidate.after
    for mark in GENERIC_DIACRITIC_RE.finditer(after):
        index = mark.start()
        previous = after[index - 1] if index else text[candidate.start - 1 : candidate.start]
        if not previous or previous.isspace():
            return True
    return False


# Unicode's blocks of combining marks that belong to no script.
GENERIC_DIACRITIC_RE = precompiled.compile_regex("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _mixes_unmodelled_script(after: str) -> bool:
    """Does the repair put a letter of a script the model does not know right next to a letter
    of another writing system?  A word is written in one script; bytes decoded in the wrong
    places give such mixtures (kanji and halfwidth kana read as UTF-8: a kanji, a Vai letter
    and a Thaana letter side by side), which the model scores as mere unknown characters."""
    if not _unmodelled_candidate_re().search(after):
        return False  # every character is ASCII, a modelled script's letter or a common mark
    previous = ""
    for ch in after:
        if COMBINING_CHARS[ch]:
            continue  # a mark sits on the letter before it
        system = langmodel.writing_system(ch) if not ch.isascii() else "ascii"
        if system == "common":
            previous = ""
            continue
        if previous and system != previous and "ascii" not in (system, previous) and (
            system.startswith("script ") or previous.startswith("script ")
        ):
            return True
        previous = system
    return False


@lru_cache(maxsize=1)
def _unmodelled_candidate_re() -> re.Pattern:
    """Characters outside which ``langmodel.writing_system`` never says "script NAME": ASCII,
    Latin-1, the letters of the model's scripts and the marks it scores as neutral.  Built on
    first use (the model's tables need not be loaded for it, only its ranges)."""
    ranges = [(0x00, 0xB4), (0xB6, 0xFF)]  # not µ, a letter of no modelled script
    ranges += [(first, last) for first, last, _ in langmodel.SCRIPT_RANGES]
    ranges += [(ord(ch), ord(ch)) for ch in langmodel.NEUTRAL_CHARS]
    ranges.sort()
    merged: list[list[int]] = []
    for first, last in ranges:
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return re.compile(
        "[^" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in merged) + "]"
    )


class _CombiningChars(dict):
    """Is each character met a combining mark (Unicode category M)?"""

    def __missing__(self, ch: str) -> bool:
        value = self[ch] = unicodedata.category(ch).startswith("M")
        return value


COMBINING_CHARS = _CombiningChars()


def _touches_cjk(text: str, candidate: _Candidate) -> bool:
    """Is the character right before or right after the candidate's span one of CJK text?"""
    neighbours = text[candidate.start - 1 : candidate.start] + text[candidate.end : candidate.end + 1]
    return any(langmodel.script_of(ch) == "cjk" for ch in neighbours)


def _beside_foreign_loss(text: str, candidate: _Candidate) -> bool:
    """Is a legacy pair's island glued to a U+FFFD that no byte of its own damage explains?

    A decoder that read double-byte text as Windows-1252 lost only the bytes that code page
    leaves undefined (81 8D 8F 90 9D), each a byte of a character of the right code page
    with the bytes around it ("Ä" + a lost 81 is GBK's 亜-row pair).  When no such byte
    makes a character with its neighbours outside the island, the U+FFFD was lost to
    damage of another kind: UTF-8 read as Windows-1252 twice ("Ã�Å¸" holds a lost Ð), where
    EUC-JP reads the two characters after it as a kanji.
    """
    if PAIR_FAMILY.get(candidate.codecs[:2]) != "legacy-as-latin":
        return False
    wrong, right = candidate.codecs[:2]
    options = _undefined_bytes(wrong) if wrong in SINGLE_BYTE_TABLES else ()
    if not options:
        return False
    for place in (candidate.start - 1, candidate.end):
        if 0 <= place < len(text) and text[place] == "\ufffd":
            if "\ufffd" in (text[place - 1 : place], text[place + 1 : place + 2]):
                continue  # two lost bytes side by side: one character's, as likely as not
            # Only the bytes outside the island (those inside it are read by it), up to
            # another lost byte.
            before = text[max(0, place - 3) : place] if place < candidate.start else ""
            after = text[place + 1 : place + 4] if place >= candidate.end else ""
            before = _encoded_end(before.rpartition("\ufffd")[2], wrong)
            after = _encoded_start(after.partition("\ufffd")[0], wrong)
            if not _explains_loss(before, after, options, right):
                return True
    return False


def _encoded_start(text: str, codec: str) -> bytes:
    """The bytes of the longest start of ``text`` that ``codec`` encodes."""
    for end in range(len(text), 0, -1):
        data = _encode(text[:end], codec)
        if data is not None:
            return data
    return b""


def _encoded_end(text: str, codec: str) -> bytes:
    """The bytes of the longest end of ``text`` that ``codec`` encodes."""
    for start in range(len(text)):
        data = _encode(text[start:], codec)
        if data is not None:
            return data
    return b""


def _explains_loss(before: bytes, after: bytes, options: tuple[int, ...], codec: str) -> bool:
    """Does one of the ``options`` for a lost byte make one character of ``codec`` with the
    bytes right before it or right after it?"""
    for option in options:
        byte = bytes((option,))
        pieces = [before[-k:] + byte for k in range(1, min(3, len(before)) + 1)]
        pieces += [byte + after[:k] for k in range(1, min(3, len(after)) + 1)]
        for piece in pieces:
            try:
                if len(piece.decode(codec)) == 1:
                    return True
            except UnicodeDecodeError:
                continue
    return False


def _holes_before(text: str, candidate: _Candidate) -> int:
    """U+FFFD the repair may hold: the damage's own U+FFFD and '?', and the U+FFFD its bytes
    really encode (锟斤拷 is GBK's reading of two UTF-8 U+FFFD)."""
    span = text[candidate.start : candidate.end]
    holes = span.count("\ufffd") + span.count("?")
    try:
        data = span.encode(candidate.codecs[0], "ignore")
    except LookupError:  # ftfy's plans name no codec: their own checks apply
        return len(candidate.after)
    return holes + data.count("\ufffd".encode())


def _fix_record(text: str, candidate: _Candidate) -> Fix:
    confidence = min(candidate.confidence, _margin_confidence(candidate.margin))
    if candidate.lost:
        confidence = min(confidence, 1.0 - candidate.lost / max(1, len(candidate.after)))
    return Fix(
        kind="mojibake" if not candidate.guessed else "mojibake-lossy",
        start=candidate.start,
        end=candidate.end,
        before=text[candidate.start : candidate.end],
        after=candidate.after,
        codecs=candidate.codecs,
        confidence=confidence,
        detail=_detail(candidate),
        guessed=candidate.guessed,
    )


def _detail(candidate: _Candidate) -> str:
    detail = f"model margin {candidate.margin:.2f} nats/char"
    if candidate.lost:
        detail += f"; {candidate.lost} lost character(s) left as U+FFFD"
    return detail


def _margin_confidence(margin: float) -> float:
    """Map the model margin to 0..1: MARGIN gives 0.9, twice MARGIN about 0.99."""
    return 1.0 - 0.1 * math.exp(-(margin - MARGIN) * 1.5)


def _candidates(span: str, pairs: tuple[CodecPair, ...]) -> list[_Candidate]:
    """Candidate repairs of one span by the one pair of ``pairs`` that explains it best.

    A span was damaged by one wrong decoding, so its islands are not judged
    pair by pair: EUC-style bytes decode under GBK, EUC-KR and EUC-JP alike,
    and a short island may read a little better under the wrong one.  Spans
    too short to tell keep every pair's candidates; the page decides (see
    ``_trust_the_page``), which may also overrule a longer span's choice.
    """
    by_pair: dict[CodecPair, list[_Candidate]] = {}
    if pairs and pairs[0].family == "legacy-as-latin" and _reads_as_utf8(span):
        return []
    # Pairs that share their wrong code page (every legacy pair reads Windows-1252) share
    # its units and their bytes.
    units_in: dict[str, list[tuple[int, str]]] = {}
    encoded_units: dict[tuple[str, int], tuple[set[int], bytes, Sequence[int]] | None] = {}
    for pair in pairs:
        units = units_in.get(pair.wrong)
        if units is None:
            units = units_in[pair.wrong] = _units(span, pair.wrong, MIN_ENCODABLE * len(span))
        if sum(map(len, (unit for _, unit in units))) < MIN_ENCODABLE * len(span):
            # Most of the span is not even in the wrong code page's repertoire.
            continue
        islands = []
        for unit_start, unit in units:
            key = (pair.wrong, unit_start)
            if key not in encoded_units:
                encoded_units[key] = _encode_unit(unit, pair.wrong)
            if encoded_units[key] is not None:
                islands.extend(_unit_islands(span, unit_start, unit, pair, encoded_units[key]))
        if islands:
            by_pair[pair] = islands
    if len(by_pair) > 1 and _non_ascii_count(span) >= SHORT_SPAN:
        best = max(by_pair, key=lambda pair: _pair_reading_logprob(span, by_pair, pair))
        for pair, islands in by_pair.items():
            if pair != best:
                # Only the page may still prefer them (``_trust_the_page``).
                for island in islands:
                    island.weak = True
    candidates = [c for islands in by_pair.values() for c in islands]
    candidates.extend(_second_layer(span, candidates))
    return _merge_neighbours(span, candidates)


def _unit_islands(
    span: str, unit_start: int, unit: str, pair: CodecPair,
    encoded: tuple[set[int], bytes, Sequence[int]],
) -> list[_Candidate]:
    """The candidates of the islands of ``unit`` (at ``unit_start`` in ``span``) that ``pair``
    reads (``_transcode_unit``), with spans in ``span``."""
    return [
        _Candidate(unit_start + i_start, unit_start + i_end, after, (pair.wrong, pair.right),
                   guessed, confidence, lost=lost,
                   weak=_is_weak(pair, i_end - i_start, after, unit[i_start:i_end],
                                 span[unit_start + i_start - 1 : unit_start + i_start]))
        for i_start, i_end, after, guessed, confidence, lost in _transcode_unit(unit, pair, encoded)
    ]


# UTF-8 read as GBK, the commonest lossy damage: a run that reads back whole is one decision.
CERTAIN_PAIR = CODEC_PAIRS[0]
# A long run's whole reading (``_certain_reading``) whose characters beat the run's by this many
# nats each by their unigrams alone is taken on that margin, without the bigram model: of the
# 3,346 such readings of the speed table's lossy GBK pages and the accuracy benchmark's cases,
# the 2,176 that gained 3 by unigrams gained at least 1.95 by the model (``MARGIN`` 1.5).
CERTAIN_MARGIN = 2 * MARGIN


def _certain_reading(
    text: str, start: int, run: str, alone: bool, seen: _SeenSpans
) -> _Candidate | None:
    """The whole reading of ``run`` (at ``start`` in ``text``), UTF-8 read as GBK, when it is
    the repair: None when the run needs the general path (``_candidates``).

    Such a run's bytes, its lost bytes guessed, decode as UTF-8 from its first character to
    its last, and it holds at least ``SHORT_SPAN`` non-ASCII characters, so no other pair can
    read it (``_candidates`` compares pairs only from that size), or GBK is the only pair
    whose signature it shows (``alone``).  The general path
    scores that whole reading first (it is the longest candidate of the run, see
    ``_by_weight``) and takes it when it passes the margin and the checks; its islands,
    the other pairs' readings and their joins are then never looked at.  So they are not
    built: the reading is scored and checked here, and the run takes the general path
    only when it fails.
    """
    long = _non_ascii_count(run) >= SHORT_SPAN
    if not (long or alone):
        return None
    key = (run, ())
    found = seen.get(key)
    if found is None:
        found = seen[key] = _whole_reading(run)
    if not found:
        return None
    candidate = _shifted_copies(found, start)[0]
    if candidate.weak or not _fits_its_script(text, candidate):
        return None
    margin = _unigram_mean(candidate.after) - _unigram_mean(text[candidate.start : candidate.end])
    if long and margin >= CERTAIN_MARGIN:
        candidate.margin, candidate.scored = margin, True
    else:
        _score(text, candidate)
    if candidate.margin < _threshold(text, candidate) or not _plausible(text, candidate):
        return None
    return candidate


def _whole_reading(run: str) -> list[_Candidate]:
    """[the candidate of ``run`` read whole as UTF-8 read as GBK, unscored, and its parts if it
    joins islands], or [] when the run is too long or does not read so.

    That candidate is the first that ``_choose`` would score: its whole reading when it is
    one island (or ``_whole_unit``), else its islands joined across their ASCII glue; a run
    whose islands no candidate spans takes the general path.
    """
    if len(run) > MAX_SPAN:
        return []
    encoded = _encode_unit(run, CERTAIN_PAIR.wrong)
    if encoded is None:
        return []
    gaps, data, _ = encoded
    # Before any guess: each lost byte breaks at most the few characters around it.
    if bytes(data).decode("utf-8", "replace").count("\ufffd") > 3 * len(gaps):
        return []
    islands = _unit_islands(run, 0, run, CERTAIN_PAIR, encoded)
    if not islands:
        return []
    # The longest, the first of equals, as ``_by_weight`` takes them before any is scored.
    candidate = max(_merge_neighbours(run, islands), key=lambda c: c.end - c.start)
    if (candidate.start, candidate.end) != (min(c.start for c in islands),
                                            max(c.end for c in islands)):
        return []
    if not candidate.lost and looks_damaged(candidate.after):
        return []  # perhaps a second layer (``_second_layer``)
    return [candidate, *candidate.parts]  # as ``_shifted_copies`` moves them


def _non_ascii_count(text: str) -> int:
    """How many characters of ``text`` are not ASCII (counted in C: the ASCII encoder drops them)."""
    return len(text) - len(text.encode("ascii", "ignore"))


def _line_is_utf8_as_cp1252(text: str, start: int, end: int) -> bool:
    """Is the line ``text[start:end]`` all UTF-8 read as Windows-1252 (ftfy's ground)?

    Then each of its legacy spans reads as UTF-8 (``_reads_as_utf8``: a UTF-8 sequence is
    upper-half characters only, so no span boundary cuts one), and ``_candidates`` gives
    none: the line is left to the UTF-8 family without looking at its legacy spans one by
    one (a third of the time on pages of such mojibake).  A span longer than ``MAX_SPAN`` is
    cut into pieces, and a cut may split a sequence, leaving a short last piece that no
    longer reads as UTF-8; such a piece of UTF-8 is not looked at as legacy bytes either.

    The line's first run of non-ASCII characters is tried first: no UTF-8 sequence holds an
    ASCII byte, so if the line reads as UTF-8, so does that run.  A line of Latin prose fails
    on its first accented letter, without encoding a line of many thousand characters.
    """
    first_run = NON_ASCII_RUN_RE.search(text, start, end)
    if first_run is None or not _reads_whole_as_utf8(first_run.group()):
        return False
    return _reads_whole_as_utf8(text[start:end])


def _reads_whole_as_utf8(piece: str) -> bool:
    """Do the bytes of ``piece`` in Windows-1252 decode as UTF-8, all of them?"""
    data = _encode(piece, "windows-1252")
    if data is None:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_utf8(span: str) -> bool:
    """Do the span's bytes (as Windows-1252) mostly form valid UTF-8?

    Then it is UTF-8 read as a single-byte code page (ftfy's ground, perhaps
    with lost bytes), not legacy double-byte or Cyrillic bytes, which seldom
    happen to form valid UTF-8 sequences.
    """
    data = _encode(span, "windows-1252")
    if data is None:
        return False
    high = sum(1 for byte in data if byte >= 0x80)
    covered = sum(len(m.group()) for m in ISLAND_RES["utf-8"].finditer(data))
    return covered >= UTF8_SHARE * high


def _pair_reading_logprob(
    span: str, by_pair: dict[CodecPair, list[_Candidate]], pair: CodecPair
) -> float:
    """How plausible the span reads under ``pair``, judged on a window of PAIR_WINDOW characters.

    The window starts where the first island of any pair starts, so every pair
    is judged on the same characters; a span is one damage, and its first few
    hundred characters tell its pair as well as the whole (at a tenth of the cost).
    The window reaches the end of every island that starts in it: a paragraph of
    Shift-JIS is one island, and cut off it would leave every pair reading the damage.
    """
    islands = [island for pair_islands in by_pair.values() for island in pair_islands]
    start = min(island.start for island in islands)
    end = max(island.end for island in islands if island.start < start + PAIR_WINDOW)
    end = max(end, start + PAIR_WINDOW)
    # Islands too short to be judged alone ("в" read as "Ю") are left as they are: applying
    # them made a pair that rewrites every short clean word read worse than it will act.
    # So are islands the guards refuse ("‚»‚к‚Н" is no Cyrillic word, however the model
    # likes its marks): a pair is judged by what it may do.  A word with a stray capital
    # ("пълниМ") still counts: the page may repair it whole (``_trust_the_page``).
    inside = [island for island in by_pair[pair]
              if start <= island.start and island.end <= end and not island.weak
              and _fits_its_script(span, island, letter_case=False)]
    score = langmodel.text_logprob(_apply(span, inside, start, end))
    if pair.family == "legacy-as-latin":
        # Lossless legacy bytes decode whole under their own code page; a byte left without
        # its partner ("¼v" under EUC-JP, where Big5 reads 影) tells against the pair, though
        # the model may like the Latin-1 letter it leaves better than a rare CJK character.
        window = span[start:end]
        data = _encode(window, pair.wrong)
        if data is not None:
            errors = _decode_errors(bytearray(data), 0, len(data), pair.right)
            score -= UNDECODED_BYTE_COST * errors / len(window)
    return score


def _apply(span: str, islands: list[_Candidate], start: int = 0, end: int | None = None) -> str:
    """``span[start:end]`` with the islands (all inside it) replaced by their repairs."""
    pieces, position = [], start
    for island in sorted(islands, key=lambda c: c.start):
        if island.start < position:
            continue
        pieces.append(span[position : island.start])
        pieces.append(island.after)
        position = island.end
    pieces.append(span[position:end])
    return "".join(pieces)


def _restore_lost_nbsp(run: str) -> list[_Candidate]:
    """UTF-8 read as a single-byte code page, whose NBSP bytes (A0) then became spaces.

    ftfy restores A0 only after a few lead bytes; in CJK text every third byte
    is a continuation byte and A0 is one of 64, so when ftfy gives up, every
    space right where a continuation byte belongs is tried as A0.  The result
    is an ordinary candidate of our own, held to the full margin.
    """
    for codec in ("windows-1252", "windows-1251", "windows-1250"):
        data = _encode(run, codec)
        if data is None or b" " not in data:
            continue
        original = bytes(data)
        data = bytearray(data)
        _restore_nbsp(data)
        if data == original:
            continue
        try:
            fixed = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if fixed != run:
            prefix = _common_prefix(run, fixed)
            suffix = _common_suffix(run[prefix:], fixed[prefix:])
            after = fixed[prefix : len(fixed) - suffix]
            return [_Candidate(prefix, len(run) - suffix, after, (codec, "utf-8"))]
    return []


def _merged_mark(pair: CodecPair, after: str, left: str) -> bool:
    """A UTF-8 quote or dash merged with the letter after it, in Latin text ('it’s')."""
    return (
        pair.family == "utf8-as-cjk"
        and left.isascii()
        and left.isalnum()
        and MERGED_MARK_RE.fullmatch(after) is not None
    )


def _is_weak(pair: CodecPair, size: int, after: str, before: str, left: str = "") -> bool:
    """Is an island of ``size`` damaged characters too short to be judged alone?

    ``left``: the character before the island, if the span has one.
    """
    if _merged_mark(pair, after, left):
        return False
    if pair.family == "utf8-as-cjk":
        if size == 2 and before[1] in HALFWIDTH_CONTINUATIONS and len(after) == 1:
            return not _cjk_tables().signature_re.fullmatch(before)
        return size < MIN_CJK_ISLAND or (
            size < 2 * MIN_CJK_ISLAND and not _cjk_tables().signature_re.search(before)
        )
    return size < 2 or (pair.right in CYRILLIC_CODECS and len(after) < 3)


def _ftfy_candidates(run: str) -> list[_Candidate]:
    """ftfy's repair of a run of text without CJK characters (a line, or part of one).

    ftfy judges whole strings, so it gets the whole run, not just the damaged
    characters; its result becomes one candidate from the first to the last
    changed character, and a second layer of our own pairs is tried on it.
    """
    if run.replace("\ufffd", "").isascii():
        # Only U+FFFD among ASCII: what UTF-8 read as a CJK code page leaves of a character
        # before a space or a digit (most runs of such a page).  Every reading, ftfy's or ours,
        # needs a character of a code page's upper half to decode; ftfy gives the run back.
        return []
    fixed, plan = _ftfy_fix(run)
    filled = _filled_lost_bytes(run) + _lost_in_two_layers(run)
    own = filled + _own_codec_candidates(run)
    if fixed == run or not plan:
        return _restore_lost_nbsp(run) + _own_utf8_candidates(run) + own
    extra = _restore_lost_nbsp(run) if UTF8_SIGNATURE_RE.search(fixed) else []
    first = _ftfy_candidate(run, fixed, plan)
    return [first, *_second_layer(run, [first]), *extra, *own, *_rival_readings(run, first, plan)]


# ftfy reads UTF-8 with the first of its code pages that encodes the damage: "Ć©" is é read as
# Windows-1257, but Windows-1250, which ftfy tries first, has Ć too and makes it Ʃ.  The same
# characters read through each other such code page are rivals for the model to judge.
RIVAL_UTF8_CODECS = ("windows-1252", "windows-1250", "windows-1251", "windows-1253",
                     "windows-1254", "windows-1257")


def _rival_readings(run: str, first: _Candidate, plan: tuple[tuple[str, str], ...]
                    ) -> list[_Candidate]:
    """The characters ftfy decoded (``first``) read as UTF-8 through each other code page of
    ``RIVAL_UTF8_CODECS`` that encodes them all, where that reads differently.  A rival is
    held to ftfy's threshold: of the two readings of the same characters, the model keeps the
    one with the larger margin."""
    if len(plan) != 2 or plan[0][0] != "encode" or plan[1] != ("decode", "utf-8"):
        return []
    used = plan[0][1].removeprefix("sloppy-")
    damage = run[first.start : first.end]
    characters = set(damage)
    rivals = []
    for codec in RIVAL_UTF8_CODECS:
        if codec == used or not characters <= SLOPPY_ENCODABLE[codec]:
            # A character the code page lacks: ``_encode`` fails, after trying its own encoder
            # and, for a line with a C1 control (Czech "č" is C4 8D), a lookup a character.
            continue
        data = _encode(damage, codec)
        if data is None:
            continue
        try:
            after = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if after not in (first.after, damage):
            rivals.append(_Candidate(first.start, first.end, after, (codec, "utf-8"), rival=True))
    return rivals


@cache
def _lost_continuation_re(codec: str) -> re.Pattern:
    """A U+FFFD or '?' where ``codec``'s reading of UTF-8 expects a continuation byte: after a
    lead byte, or after a three or four-byte lead and its first continuation bytes."""
    chars, _ = _single_byte_tables(codec)
    two, three, four = (_char_class(set(chars[low:high]) - {" "})
                        for low, high in ((0xC2, 0xE0), (0xE0, 0xF0), (0xF0, 0xF5)))
    leads = _char_class(set(chars[0xC2:0xF5]) - {" "})
    cont = _char_class(set(chars[0x80:0xC0]))
    # One class of every lead first, each lead's own tail behind it: the search then skips the
    # text in C to the next lead, where three branches were tried at every character.
    return re.compile(f"[{leads}](?:(?<=[{two}])|(?<=[{three}])[{cont}]?|(?<=[{four}])[{cont}]{{0,2}})"
                      "[\ufffd?]")


def _own_codec_candidates(run: str) -> list[_Candidate]:
    """UTF-8 read as Windows-1255 or Windows-1256 (``OWN_UTF8_PAIRS``), island by island as for
    the CJK code pages, lost bytes guessed; only where the run shows that code page's lead bytes
    before continuation bytes."""
    pairs = tuple(pair for pair in OWN_UTF8_PAIRS if _own_codec_signature(pair.wrong).search(run))
    return _candidates(run, pairs) if pairs else []


@cache
def _own_codec_signature(codec: str) -> re.Pattern:
    chars, _ = _single_byte_tables(codec)
    leads = _char_class({chars[byte] for byte in OWN_UTF8_LEADS[codec]})
    return re.compile(f"[{leads}][{_char_class(set(chars[0x80:0xC0]) | {chr(0xFFFD)})}]")


def _ftfy_candidate(run: str, fixed: str, plan: tuple[tuple[str, str], ...], guessed: tuple = (),
                    confidence: float = 1.0) -> _Candidate:
    """ftfy's repair of ``run`` as one candidate, from the first to the last changed character."""
    prefix = _common_prefix(run, fixed)
    suffix = _common_suffix(run[prefix:], fixed[prefix:])
    codecs = ("ftfy", *(f"{step}:{arg}" for step, arg in plan))
    return _Candidate(prefix, len(run) - suffix, fixed[prefix : len(fixed) - suffix], codecs,
                      guessed, confidence)


# UTF-8 read as these code pages by a decoder that gives up on the bytes they leave undefined
# (Python's "replace", a '?'): ftfy knows them, but only replaces such a sequence with U+FFFD.
LOSSY_UTF8_CODECS = ("windows-1252", "windows-1250", "windows-1251", "windows-1253", "windows-1254",
                     "windows-1257")
LOSSY_UTF8_PAIRS = {codec: CodecPair(codec, "utf-8", "utf8-as-single-byte")
                    for codec in LOSSY_UTF8_CODECS}


def _filled_lost_bytes(run: str) -> list[_Candidate]:
    """ftfy's repair of ``run`` after its lost bytes are guessed, one candidate per code page.

    A Windows code page leaves a few bytes undefined (Windows-1252: 81 8D 8F 90 9D), and a
    decoder that gives up on them leaves U+FFFD or '?' where UTF-8 had a continuation byte
    there: "Ð¡" is С, "Ð\ufffd" one of Ё Ѝ Џ А Н.  The surviving lead byte narrows each lost
    byte to a handful of characters; the model chooses among them in context (as for the CJK
    code pages, ``_guess_gaps``), and where it is sure enough the byte is put back as the
    code page's sloppy reading of it, for ftfy to decode with the rest.
    """
    if "\ufffd" not in run and "?" not in run:
        return []
    candidates = []
    for codec in LOSSY_UTF8_CODECS:
        if not _lost_continuation_re(codec).search(run):
            continue  # no lost byte right after a lead byte: nothing to guess in this code page
        pair = LOSSY_UTF8_PAIRS[codec]
        encoded = _encode_unit(run, codec)
        if encoded is None or not encoded[0]:
            continue
        gaps, data, offsets = encoded
        # Where a space stands for a lost A0 ("Ð " of Р), ftfy puts the byte back after the
        # guesses; the guesses read the word with it back already.
        data = bytearray(_restored_byte_a0(data))
        # Each lost byte counts as one of the bytes it can be: in Japanese most kana lose one
        # (の is E3 81 AE), which left the surviving bytes decoding below the share.
        probe = bytearray(data)
        for gap in gaps:
            probe[offsets[gap]] = _lost_byte_options(pair)[0]
        if not _mostly_decodes(probe, pair):
            continue
        guessed = _guess_gaps(data, offsets, sorted(gaps), run, pair)
        sure = {gap: guess for gap, guess in guessed.items() if guess[1] >= _guess_confidence(pair)}
        if not guessed:
            continue
        # A lost byte the model is unsure of becomes U+FFFD, which ftfy reads as a lost byte
        # (a '?' it would take for the page's own); a gap no byte explains keeps its '?'.
        sloppy = SINGLE_BYTE_TABLES[codec][0]
        filled = "".join(sloppy[sure[i][0]] if i in sure else "\ufffd" if i in guessed else ch
                         for i, ch in enumerate(run))
        fixed, plan = _ftfy_fix(filled)
        if fixed == filled or not plan:
            continue
        candidate = _ftfy_candidate(
            run, fixed, plan, tuple(sure[gap][0] for gap in sorted(sure)),
            min((confidence for _, confidence in sure.values()), default=1.0))
        candidate.lost = len(guessed) - len(sure)
        candidates.append(candidate)
    return candidates


# The code page of ``_lost_in_two_layers``: a text read twice is read so by the same program,
# and Windows-1252 is the reading of most.  The other code pages' readings of such text made
# junk that still beat the damage by far (Russian read as Windows-1254 twice came back Greek).
TWICE_LOSSY_CODECS = ("windows-1252",)


def _lost_in_two_layers(run: str) -> list[_Candidate]:
    """UTF-8 read as a Windows code page twice, by decoders that gave up on its undefined bytes.

    The second reading loses a byte of the first one's characters: Russian "П" (D0 9F) read
    once is "ÐŸ", twice "Ã\x90Å¸", and 90 is lost ("Ã�Å¸").  The characters the first reading
    can have had there are few, those whose UTF-8 is the surviving lead and one lost byte and
    which the code page writes ("Ã" + 81 8D 8F 90 9D: Á Í Ï Ð Ý; "â€" + 9D: only ”), and each
    is the lead byte of a character of the text itself (Ð: Cyrillic а-п, Ï: Greek π-ϟ).  The
    model chooses each in context, read all the way back (``_second_layer_guess``); the text so
    read goes through ``_filled_lost_bytes`` for the bytes the first reading lost (shown
    "ï¿½"), or through ftfy.  One candidate per code page, held to the full margin.
    """
    candidates = []
    for codec in TWICE_LOSSY_CODECS:
        marker = _encode_sloppy_reading_of_fffd(codec)
        if not (marker in run or "\ufffd" in run and _lost_continuation_re(codec).search(run)):
            continue
        first = _first_layer(run, codec)
        if first is None:
            continue
        inner, slots = first
        if not slots and "\ufffd" not in inner:
            continue  # one layer with nothing lost: ftfy reads it
        chosen = _second_layer_guess(inner, slots, codec)
        if chosen is None:
            continue
        inner, outer_guessed, outer_confidence = chosen
        filled = _filled_lost_bytes(inner) if "\ufffd" in inner else []
        if filled:
            best = filled[0]
            text = inner[: best.start] + best.after + inner[best.end :]
            plan = tuple(tuple(step.split(":", 1)) for step in best.codecs[1:])
            guessed, confidence, lost = best.guessed, best.confidence, best.lost
        else:
            text, plan = _ftfy_fix(inner)
            guessed, confidence, lost = (), 1.0, text.count("\ufffd")
        if text == inner:
            continue
        candidate = _ftfy_candidate(
            run, text, (("encode", f"sloppy-{codec}"), ("decode", "utf-8"), *plan),
            outer_guessed + guessed, min(outer_confidence, confidence))
        candidate.lost = lost
        candidate.full_margin = True
        candidates.append(candidate)
    return candidates


@cache
def _encode_sloppy_reading_of_fffd(codec: str) -> str:
    """U+FFFD's UTF-8 as ``codec`` shows it (Windows-1252: "ï¿½")."""
    return "\ufffd".encode("utf-8").decode(codec)


def _first_layer(run: str, codec: str) -> tuple[str, list[tuple[int, list[tuple[int, str]]]]] | None:
    """``run`` read back once: its bytes in ``codec`` as UTF-8, each U+FFFD a byte the code
    page leaves undefined.  Returns that text and its slots: the index of each character that
    held a lost byte, with the (byte, character) readings that the code page writes; None if
    the run is not UTF-8 so read, or a lost byte has no such reading."""
    encoded = _encode_unit(run, codec)
    if encoded is None:
        return None
    marks, data, offsets = encoded
    data = bytearray(data)
    gaps = set()
    for gap in marks:
        if run[gap] == "\ufffd":
            gaps.add(gap)
        else:
            data[offsets[gap]] = 0x3F  # a '?' is the text's own here: only U+FFFD is read as lost
    options = _undefined_bytes(codec)
    readings: dict[int, list[tuple[int, str]]] = {}
    for gap in sorted(gaps):
        position = offsets[gap]
        lead = position - 1
        while lead >= 0 and 0x80 <= data[lead] < 0xC0 and position - lead < 4:
            lead -= 1
        if lead < 0 or not 0xC2 <= data[lead] <= 0xF4:
            return None
        width = utf8_width(data[lead])
        if position - lead >= width:
            return None
        found = []
        for option in options:
            data[position] = option
            try:
                ch = bytes(data[lead : lead + width]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            byte = _encode(ch, codec) if len(ch) == 1 else None
            if byte is not None and len(byte) == 1 and byte[0] not in options:
                found.append((option, ch))
        if not found:
            return None
        data[position] = found[0][0]
        readings[lead] = found
    try:
        inner = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    slots = []
    byte = 0
    for index, ch in enumerate(inner):
        if byte in readings:
            slots.append((index, readings[byte]))
        byte += len(ch.encode("utf-8"))
    return inner, slots


def _read_back(chars: list[str], index: int, ch: str, codec: str) -> str:
    """The character that ``ch`` at ``index`` starts, read back once more ('' at the end)."""
    window = _encode((ch + "".join(chars[index + 1 : index + 4])).replace("\ufffd", "?"), codec)
    return (window or b"").decode("utf-8", "replace")[:1]


def utf8_width(lead: int) -> int:
    """The length of the UTF-8 sequence that the byte ``lead`` starts (C2-F4)."""
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _script_read_back(chars: list[str], index: int, ch: str, codec: str) -> str:
    """The script of the character that ``ch`` at ``index`` starts, read back once more: "mark"
    for a combining mark (Х is D0 A5, CD A5 the combining ͥ, which left alone after a space made
    the whole reading implausible), "latin" for any other non-letter."""
    read = _read_back(chars, index, ch, codec)
    if read.isalpha():
        return langmodel.script_of(read)
    return "mark" if unicodedata.category(read[:1] or " ").startswith("M") else "latin"


def _second_layer_guess(inner: str, slots: list[tuple[int, list[tuple[int, str]]]], codec: str,
                        ) -> tuple[str, tuple[int, ...], float] | None:
    """``inner`` with each slot's character chosen by the model on the text read back once more
    (a window of it around the slot), or U+FFFD where no reading holds ``GUESS_CONFIDENCE``;
    with the lost bytes chosen and the least confidence.  None if ``inner`` is not text of
    ``codec`` all through.

    Readings that break the UTF-8 read back (Á is C1, never a lead) are out first.  Two passes:
    in the first, the slots after the one chosen still hold a first guess; the second chooses
    each again with both sides chosen.
    """
    chars = list(inner)
    choices: dict[int, tuple[tuple[int, ...], float]] = {}
    # A character whose first reading lost a byte right after the slot ("Ï" + lost 81 of ρ):
    # that byte is chosen with the slot's, as the code page's sloppy reading of it.
    joint = {index for index, _ in slots if inner[index + 1 : index + 2] == "\ufffd"}
    lost = _undefined_bytes(codec)
    # First guesses: the reading in the script of most letters the text read back shows intact
    # (Ñ of Cyrillic р-я survives where Ð of а-п was lost).
    data = _encode(inner.replace("\ufffd", "?"), codec)
    if data is None:
        return None
    scripts = Counter(map(langmodel.script_of, filter(str.isalpha, data.decode("utf-8", "ignore"))))
    # Only letters of the scripts the intact letters show (and Latin): "е" of Cyrillic text is not
    # Greek ϵ (D0 B5 against CF B5), and "в" no Syriac letter.
    allowed = set(scripts) | {"latin"}
    slots = [(index, [(option, ch) for option, ch in readings
                      if _script_read_back(chars, index, ch, codec) in allowed] or readings)
             for index, readings in slots]
    if scripts:
        script = scripts.most_common(1)[0][0]
        for index, readings in slots:
            chars[index] = next(
                (ch for _, ch in readings
                 if (read := _read_back(chars, index, ch, codec)).isalpha()
                 and langmodel.script_of(read) == script),
                readings[0][1])
    for _ in range(2):
        for index, readings in slots:
            scored = []
            followers = [(value,) for value in lost] if index in joint else [()]
            for option, ch in readings:
                for follower in followers:
                    chars[index] = ch
                    if follower:
                        chars[index + 1] = chr(follower[0])
                    window = "".join(chars[max(0, index - 8) : index + 9]).replace("\ufffd", "?")
                    data = _encode(window, codec)
                    if data is None:
                        return None
                    read = data.decode("utf-8", "replace")
                    scored.append((read.count("\ufffd"), langmodel.text_score(read, word_ends=True).total,
                                   (option, *follower), ch))
            fewest = min(errors for errors, *_ in scored)
            scored = [entry for entry in scored if entry[0] == fewest]
            best = max(scored, key=lambda entry: entry[1])
            share = 1.0 / sum(math.exp(entry[1] - best[1]) for entry in scored)
            chars[index] = best[3]
            if index in joint:
                chars[index + 1] = chr(best[2][1])
            choices[index] = (best[2], share)
    guessed: list[int] = []
    confidence = 1.0
    for index, _ in slots:
        option, share = choices[index]
        if share < GUESS_CONFIDENCE:
            if index in joint:
                chars[index + 1] = ""  # the same character's lost byte
            # The whole character read back is unknown: one U+FFFD for its lead and the
            # continuation bytes after it.
            lead = (_encode(chars[index], codec) or b"\x00")[0]
            chars[index] = "\ufffd"
            for follower in range(index + 1, min(len(chars), index + utf8_width(lead))):
                data = _encode(chars[follower], codec)
                if not data or not 0x80 <= data[0] < 0xC0:
                    break
                chars[follower] = ""
            continue
        guessed.extend(option)
        confidence = min(confidence, share)
    return "".join(chars), tuple(guessed), confidence


def _restored_byte_a0(data: bytes) -> bytes:
    """``data`` with a space that stood for byte A0 inside a UTF-8 sequence as A0 again, by
    ftfy's pattern (``ALTERED_UTF8_RE``), which ftfy applies after the guesses.  Not the rest of
    ftfy's ``restore_byte_a0``, whose French "à " gains a byte: here the offsets of the characters
    must hold; nor ``_restore_nbsp``, which takes every space after a lead byte for A0 (for a
    candidate of its own, held to the full margin)."""
    if b" " not in data:
        return data
    import ftfy.fixes

    return ftfy.fixes.ALTERED_UTF8_RE.sub(lambda match: match.group().replace(b" ", b"\xa0"), data)


# UTF-8 read as these code pages is left alone by ftfy's badness measure more often than
# not (it is tuned on Windows-1252: "adĂłrendszer", "Bal√°zs" pass it); their sequences
# are proposed here one by one, for the model to judge with the usual margin.
OWN_UTF8_CODECS = ("windows-1250", "mac-roman")


def _own_utf8_candidates(run: str) -> list[_Candidate]:
    """Each UTF-8 sequence of an ``OWN_UTF8_CODECS`` reading in the run, decoded alone."""
    candidates = []
    for codec, sequence_re in _own_utf8_sequences():
        matches = list(sequence_re.finditer(run))
        for match in matches:
            try:
                after = match.group().encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            # Only a small or capital letter inside a word: the symbols these code pages
            # show for UTF-8 ("∆°", "á´´", "â€™") are ftfy's negatives or Windows-1252's damage.
            if unicodedata.category(after) not in ("Ll", "Lu"):
                continue
            start, end = match.span()
            if not (run[start - 1 : start].isalpha() or run[end : end + 1].isalpha()):
                continue
            candidates.append(_Candidate(start, end, after, (codec, "utf-8")))
        candidates += _own_utf8_words(run, codec, matches)
    return candidates


def _own_utf8_words(run: str, codec: str, matches: list[re.Match]) -> list[_Candidate]:
    """Two or more sequences side by side that read as letters: a word of another script
    ("–ü—Ä–∞–≤–æ" is Право read as MacRoman, where each letter's lead byte is a dash and
    no letter of the run sits inside an ASCII word)."""
    stretches: list[list[int]] = []
    for match in matches:
        if stretches and stretches[-1][1] == match.start():
            stretches[-1][1:] = [match.end(), stretches[-1][2] + 1]
        else:
            stretches.append([match.start(), match.end(), 1])
    words = []
    for start, end, count in stretches:
        if count < 2 and (run[start - 1 : start].isalpha() or run[end : end + 1].isalpha()):
            continue  # a letter inside a word: one of the candidates above
        try:
            after = run[start:end].encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if all(unicodedata.category(ch) in ("Ll", "Lu") for ch in after):
            # A one-letter word ("–≤" for в) is judged only on a page that has proved the pair.
            words.append(_Candidate(start, end, after, (codec, "utf-8"), weak=count < 2))
    # Words with only spaces, digits and ASCII signs between them are judged as one sentence,
    # as islands are: word by word, a swap of Windows-1252 letters for Windows-1251 ones across
    # three words ("–є—Е—и –є—г") outweighed each word's reading.
    sentence: list[_Candidate] = []
    for word in [*words, None]:
        if word is not None and sentence and _only_ascii_signs(run[sentence[-1].end : word.start]):
            sentence.append(word)
            continue
        if len(sentence) > 1:
            after = "".join(part.after + run[part.end : following.start]
                            for part, following in itertools.pairwise(sentence)) + sentence[-1].after
            words.append(_Candidate(sentence[0].start, sentence[-1].end, after, (codec, "utf-8")))
        sentence = [word] if word is not None else []
    return words


def _only_ascii_signs(text: str) -> bool:
    """Is ``text`` ASCII with no letter (spaces, digits, punctuation)?"""
    return text.isascii() and not any(ch.isalpha() for ch in text)


@lru_cache(maxsize=1)
def _own_utf8_sequences() -> tuple[tuple[str, re.Pattern], ...]:
    """Per code page of ``OWN_UTF8_CODECS``: its reading of one 2, 3 or 4-byte UTF-8 sequence."""
    out = []
    for codec in OWN_UTF8_CODECS:
        chars, _ = _single_byte_tables(codec)
        cont = _char_class({chars[byte] for byte in range(0x80, 0xC0)})
        leads = [
            _char_class({chars[byte] for byte in range(low, high)})
            for low, high in ((0xC2, 0xE0), (0xE0, 0xF0), (0xF0, 0xF5))
        ]
        pattern = "|".join(f"[{lead}][{cont}]{{{n}}}" for n, lead in enumerate(leads, 1))
        out.append((codec, re.compile(pattern)))
    return tuple(out)


@lru_cache(maxsize=4096)
def _ftfy_fix(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    import ftfy

    result = ftfy.fix_encoding_and_explain(text, _ftfy_config())
    return result.text, tuple(result.explanation or ())


@lru_cache(maxsize=1)
def _ftfy_config() -> ftfy.TextFixerConfig:
    import ftfy

    return ftfy.TextFixerConfig(**FTFY_SETTINGS)


def _common_prefix(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` share at their start.

    By bisection over slices compared in C: ftfy's repair of a line differs from it at its first
    damaged word, often far into the line, which a loop reached one character at a time.

    >>> _common_prefix("café au lait", "cafÃ© au lait"), _common_prefix("ab", "abc")
    (3, 2)
    """
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` share at their end (see ``_common_prefix``)."""
    return _common_prefix(a[::-1], b[::-1])


def _second_layer(span: str, firsts: list[_Candidate]) -> list[_Candidate]:
    """Chains of two layers: apply each pair again on top of a first-layer candidate.

    The second layer must account for every non-ASCII character of the first
    layer's result, without guessing: a chain is only believed when complete.
    """
    chained = []
    for first in firsts:
        if first.lost or not first.codecs[-1].split(":")[-1].startswith("utf-8"):
            # Only text saved again as UTF-8 can be read wrongly a second time.
            continue
        if (
            not looks_damaged(first.after)
            or langmodel.text_logprob(first.after) > CHAIN_MAX_LOGPROB
        ):
            continue  # the first layer already reads like text
        for pair in CHAIN_PAIRS[first.codecs[0] == "ftfy"]:
            islands = [
                _Candidate(unit_start + i_start, unit_start + i_end, after, ())
                for unit_start, unit in _units(first.after, pair.wrong)
                for i_start, i_end, after, guessed, _, lost in _transcode_unit(unit, pair)
                if not lost and not guessed
            ]
            covered = {i for c in islands for i in range(c.start, c.end)}
            if not islands or any(
                not ch.isascii() and i not in covered for i, ch in enumerate(first.after)
            ):
                continue
            size = sum(c.end - c.start for c in islands)
            after = _apply(first.after, islands)
            left = span[first.start - 1 : first.start]
            chained.append(
                _Candidate(
                    first.start,
                    first.end,
                    after,
                    first.codecs + (pair.wrong, pair.right),
                    first.guessed,
                    first.confidence,
                    first_layer=first.after,
                    weak=first.weak
                    or (_is_weak(pair, size, "", first.after) and not _merged_mark(pair, after, left)),
                )
            )
    return chained


def _merge_neighbours(span: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """Join islands of one codec pair separated only by ASCII glue into one decision.

    A sentence of mojibake is judged as a whole; its words alone are too short
    for the model to be sure.
    """
    by_codecs: dict[tuple[str, ...], list[_Candidate]] = {}
    for candidate in candidates:
        by_codecs.setdefault(candidate.codecs, []).append(candidate)
    merged: list[_Candidate] = list(candidates)
    for group in by_codecs.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda c: c.start)
        overlaps = False
        run = [group[0]]
        for candidate in group[1:]:
            if _glued(span, run[-1], candidate):
                run.append(candidate)
                continue
            overlaps = True
            merged.extend(_join(span, run))
            run = [candidate]
        merged.extend(_join(span, run))
        if overlaps:
            merged.extend(_join_widest(span, group))
    return merged


def _join_widest(span: str, group: list[_Candidate]) -> list[_Candidate]:
    """The runs of ``_merge_neighbours`` through the widest of overlapping islands: an island
    inside another (read again without a guessed lead byte, ``_transcode_unit``) is passed over
    instead of ending the run, so the sentence is also judged with the wider reading."""
    joined: list[_Candidate] = []
    run: list[_Candidate] = []
    for candidate in sorted(group, key=lambda c: (c.start, -c.end)):
        if run and run[-1].start <= candidate.start and candidate.end <= run[-1].end:
            continue
        if run and not _glued(span, run[-1], candidate):
            joined.extend(_join(span, run))
            run = []
        run.append(candidate)
    joined.extend(_join(span, run))
    return joined


def _glued(span: str, last: _Candidate, candidate: _Candidate) -> bool:
    """Does ``candidate`` follow ``last`` with only ASCII of one line between them?"""
    glue = span[last.end : candidate.start]
    return candidate.start >= last.end and glue.isascii() and "\n" not in glue


def _join(span: str, run: list[_Candidate]) -> list[_Candidate]:
    if len(run) < 2:
        return []
    pieces = []
    for previous, candidate in itertools.pairwise(run):
        pieces.append(previous.after)
        pieces.append(span[previous.end : candidate.start])
    pieces.append(run[-1].after)
    return [
        _Candidate(
            run[0].start,
            run[-1].end,
            "".join(pieces),
            run[0].codecs,
            tuple(b for c in run for b in c.guessed),
            min(c.confidence for c in run),
            lost=sum(c.lost for c in run),
            weak=sum(c.end - c.start for c in run) < MIN_JOINED_ISLANDS,
            parts=tuple(run),
        )
    ]
