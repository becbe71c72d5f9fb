"""Undo double-byte text that a decoder read out of phase.

Some broken decoders, on meeting a lead byte they do not like, emit one ``?``
(or U+FFFD) for that single byte and carry on *one byte late*: every later pair
they read is the trail byte of one character glued to the lead byte of the
next, which decodes to unrelated characters (GBK ``A1A3 A1B0 C0CF C566``,
"。“老舊", comes out as ``?`` + ``A3A1 B0C0 CFC5`` + ``66``: "?！袄吓f").  They
fall back into phase at the first ASCII byte, in one of two ways:

* an ASCII-range *trail* byte (GBK trails run from 0x40) lands where the
  decoder expects a lead byte and comes out as a letter (the ``f`` above);
* a real ASCII character lands where the decoder expects a trail byte; the pair
  is invalid and the decoder swallows both bytes into one more ``?``.

A third, rarer resync is a real ASCII letter that happens to make a valid pair
with the byte before it.  If the page was later width-folded, fullwidth forms
produced by the shifted pairs (``A3A1`` is ``！``) became ASCII as well.

Repair: starting at a ``?``, re-encode the characters that follow with the
double-byte codec (unfolding ASCII punctuation back to fullwidth) until the
bytes line up again, prepend the lost lead byte, decode in phase, and pick the
lost bytes with the language model (a small beam, so neighbouring guesses are
judged together).  Precision comes first:

* the page must be one a decoder of that codec could have produced (its
  characters encode in it), and East Asian text must be near the mark;
* the in-phase reading must decode strictly, and at least two of its
  characters must come from surviving bytes alone (a closing tag or bracket
  that the swallowed byte completes counts as one);
* the result must read better than the damaged span by ``ACCEPT_MARGIN``.

Most '?' of clean text read as shifted pairs far worse than the text, whatever the lost
byte: a bound on the best reading (``_plausibility_bound``) shows it before the search for
the byte, which is then skipped.

A decoder trips the same way all over a page, so once spans have proven the
damage, other spans that open the same way ("?!" for the lead byte of 。 and
the folded ！) are repaired even when guessed bytes are all they have.  A real
"?!" in clean text, or a character lost to a plain '?', never changes: on the
chardet corpus (164 CJK pages, 1% of their characters replaced by '?') no span
moves, which is how the margin and the evidence rules were chosen.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from fixenc.langmodel import (
    NEUTRAL_LOGPROB,
    SYMBOL_LOGPROB,
    script_of,
    text_score,
    total_upper_bound,
)
from fixenc.precompiled import compile_regex
from fixenc.repair import CJK_LETTER_RE, has_utf8_as_cjk_signature
from fixenc.result import Fix

# Characters a decoder emits for bytes it could not decode.
LOST_MARKS = "?\ufffd"

# Stand-in for a lost byte that was plain ASCII (swallowed after a lead byte).
LOST_ASCII = -1

# Values a lost non-ASCII byte can take: never ASCII, which would have
# brought the decoder back into phase.
LOST_BYTE_VALUES = range(0x81, 0xFF)

# Longest out-of-phase run examined; a decoder stays out of phase until the
# next ASCII byte, which in Chinese prose may be the end of the paragraph.
MAX_SPAN_CHARS = 600

# Searches for a lost byte allowed per page: this many, plus this many per
# 1000 characters (see ``_search_budget``).
MIN_SEARCHES = 512
SEARCHES_PER_1000_CHARS = 16

# Lost marks inside one span beyond which it is not read further.  Real spans
# hold a few (another trap met while out of phase: "?!...?怠?"); every mark
# adds guessed bytes, and guessing costs a search (without this cap a line of
# "中文中文中文中?" repeated took 17 s for 550 bytes, growing superlinearly).
MAX_LOST_IN_SPAN = 4

# How many places to end one span (at each ambiguous ASCII letter) are tried.
MAX_READINGS = 24

# The repaired span must beat the damaged one by this many nats in total.  The
# shifted reading decoding strictly is already strong evidence; this margin
# keeps short clean spans such as a real "?!" from moving (measured on the
# seed page and the damage simulator, see benchmarks/seed_damage.py).
ACCEPT_MARGIN = 4.0

# A codec is tried only on pages whose characters (nearly) all encode in it:
# a page that went through a GBK decoder holds nothing else.
MAX_FOREIGN_SHARE = 0.02

# A span is repaired on its own evidence only when at least this many of its
# characters decode from surviving bytes alone (a tag or bracket completed by
# the swallowed byte counts as one).
MIN_DECODED_PAIRS = 2

# A page with more lost marks than this (and this share of its non-ASCII
# characters) is not out-of-phase damage (see ``_mostly_lost``).
MAX_LOST_MARKS = 2
MAX_LOST_SHARE = 0.15

# Lost bytes: how many candidates are kept by frequency, how many of those are
# scored in context, how many partial readings are kept while guessing the next.
COMMON_SHORTLIST = 32
SHORTLIST = 6
BEAM_WIDTH = 4

# Characters before a mark that must not read as UTF-8 decoded as GBK: there
# the mark is a byte that decoding lost, not the start of out-of-phase damage.
SIGNATURE_LOOKBEHIND = 6

# Characters of context on each side scored together with a candidate.
CONTEXT_CHARS = 3

# Slack for ``_plausibility_bound``'s sums, which add the same terms in another order.
BOUND_TOLERANCE = 1e-6


@dataclass(frozen=True)
class DoubleByteCodec:
    """A double-byte code page: which bytes open a pair, which stand alone."""

    name: str
    lead_bytes: frozenset[int]
    single_bytes: frozenset[int] = frozenset()


# Codecs whose out-of-phase readings are repaired, most common first.
CODECS = (
    DoubleByteCodec("gbk", frozenset(range(0x81, 0xFF))),
    DoubleByteCodec("big5", frozenset(range(0x81, 0xFF))),
    DoubleByteCodec("euc_kr", frozenset(range(0xA1, 0xFF))),
    DoubleByteCodec(
        "shift_jis",
        frozenset(range(0x81, 0xA0)) | frozenset(range(0xE0, 0xFD)),
        frozenset(range(0xA1, 0xE0)),
    ),
)

# The language model gives all punctuation one neutral score (about -3.5);
# these adjust it to the rough frequency of each mark in Chinese prose (。 is
# about 3% of characters, ： 0.3%).  Anything else from the symbol rows of a
# double-byte code page is rare.
PUNCTUATION_LOGPROB = {
    "，": 0.5, "。": 0.0, "、": -1.5, "“": -1.8, "”": -1.8, "：": -2.3,
    "；": -3.5, "！": -3.0, "？": -3.0, "（": -3.0, "）": -3.0, "《": -3.0,
    "》": -3.0, "…": -3.5, "—": -3.5, "·": -4.0, "「": -4.0, "」": -4.0,
    "‘": -4.5, "’": -4.5, "『": -5.0, "』": -5.0, "【": -5.0, "】": -5.0,
}  # fmt: skip
RARE_SYMBOL_LOGPROB = -8.0
# A symbol the page itself uses this often is part of its vocabulary (box
# drawing in a Japanese page), not evidence of damage: it scores as neutral.
PAGE_VOCABULARY_COUNT = 3
# A lost-character mark is itself evidence of damage, and so is a lone ASCII
# letter wedged between two non-ASCII characters (a resynced trail byte).
LOST_MARK_LOGPROB = -3.0
WEDGED_LETTER_LOGPROB = -6.0
# ASCII that reads as a byte of a neighbouring character when it stands alone
# between East Asian characters: letters and the symbols of the trail range.
WEDGE_PRONE_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@[\\]^_`{|}~")
# Marks that end a clause or sentence: two in a row are almost never written.
CLAUSE_MARKS = frozenset("。，、；：！？")
SENTENCE_END_MARKS = frozenset("。！？")
CLOSING_QUOTES = frozenset("”’」』》）")
OPENING_MARKS = frozenset("“‘「『《（【")
DOUBLED_MARK_PENALTY = -6.0
# A closing quote is likely while a quotation opened earlier on the line is open.
QUOTE_CLOSING_BONUS = 3.0
QUOTE_AFTER_SENTENCE_BONUS = 3.0
OPENING_BEFORE_MARK_PENALTY = -4.0

# Weight of a candidate's bigrams of East Asian letters occurring elsewhere on
# the same page.
PAGE_CONTEXT_WEIGHT = 2.0

# Recurrences beyond this many add no further evidence.
PAGE_CONTEXT_CAP = 4

# A span is only examined when East Asian text is this close to it.
CJK_NEIGHBOURHOOD = 12

# Bonus for a reading whose swallowed byte completes a tag or bracket pair:
# the text after the span confirms where the decoder fell back into phase.
STRUCTURAL_EVIDENCE = 4.0

# A swallowed ASCII byte is restored only when what follows makes it certain:
# a closing tag needs "<", a closing bracket with no opener needs its opener.
SWALLOWED_OPENERS = (
    (re.compile(r"/[A-Za-z][\w:-]*\s*>"), "<"),
    (re.compile(r"[^\s()<>\[\]]{1,16}\)"), "("),
    (re.compile(r"[^\s()<>\[\]]{1,16}\]"), "["),
)


# ASCII bytes a decoder may swallow after a lead byte, guessed from page bigrams.
SWALLOWABLE_ASCII = "\n ,.:;!?()0123456789-/'\""
MIN_SWALLOWED_EVIDENCE = 2
SWALLOWED_MARGIN = 3.0

# Width folding as normalisers do it: fullwidth ASCII variants and U+3000.
FOLD_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "}
_FULLWIDTH_FORMS = compile_regex("[\uff01-\uff5e\u3000]")

_MARKUP_START = compile_regex(r"</?[A-Za-z!]|&#?\w+;")
# Lost marks: U+FFFD anywhere, '?' next to a non-ASCII character (not a question in ASCII text).
# It opens with one class, so the scan skips to the next mark in C: the alternation of a
# character and two lookarounds was tried at every position (3x slower on clean pages).
_LOST_IN_TEXT = compile_regex("[?\ufffd](?:(?<=\ufffd)|(?<=[^\x00-\x7f].)|(?=[^\x00-\x7f]))")
# A decoder that loses phase emits one mark for the lead byte it trips on; a
# run of marks is what an in-phase decoder leaves where whole characters were
# undecodable (UTF-8 read as a CJK code page), not a lost phase.  (The mark first, then the
# look behind it: a pattern that opens with its class is skipped through the text in C.)
_START = compile_regex("[" + LOST_MARKS + "](?<![" + LOST_MARKS + "].)(?![" + LOST_MARKS + "])")
_KANA = compile_regex("[\u3040-\u30ff]")
_HANGUL = compile_regex("[\uac00-\ud7af]")


def repair_misaligned_double_byte(text: str) -> tuple[str, list[Fix]]:
    """Re-decode spans of double-byte text that a decoder read one byte late.

    >>> damaged = "的迫切需要?!袄吓f小區基本位於城市建成區內"
    >>> repair_misaligned_double_byte(damaged)[0]
    '的迫切需要。“老舊小區基本位於城市建成區內'
    >>> repair_misaligned_double_byte("真的吗?!我不信")[0]
    '真的吗?!我不信'
    """
    if ("?" not in text and "\ufffd" not in text) or not CJK_LETTER_RE.search(text):
        return text, []
    if _mostly_lost(text):
        return text, []
    page = _Page(text, searches_left=_search_budget(text))
    # On a width-folded page the repaired spans are folded too, so the page
    # stays consistent and the width stage restores every mark alike.
    folded = _FULLWIDTH_FORMS.search(text) is None
    starts = _candidate_starts(text)
    repairs = _repairs(page, starts, None)
    # A decoder trips the same way all over a page: once some spans proved the
    # damage with characters they decoded, spans that start the same way are
    # repaired even when only guessed bytes remain ("?!?" for "。”" + a lost byte).
    proven = {(repair.codec, text[repair.fix.start : repair.fix.start + 2]) for repair in repairs}
    if proven and page.searches_left > 0:
        covered = [(repair.fix.start, repair.end) for repair in repairs]
        rest = [
            start
            for start in starts
            if not any(first <= start < last for first, last in covered)
        ]
        repairs = sorted(repairs + _repairs(page, rest, proven), key=lambda r: r.fix.start)
    if not repairs:
        return text, []
    pieces: list[str] = []
    fixes: list[Fix] = []
    done = 0
    for repair in repairs:
        if repair.fix.start < done:
            continue
        after = repair.after.translate(FOLD_WIDTH) if folded else repair.after
        pieces.append(text[done : repair.fix.start])
        pieces.append(after)
        fixes.append(replace(repair.fix, after=after))
        done = repair.end
    pieces.append(text[done:])
    return "".join(pieces), fixes


def _search_budget(text: str) -> int:
    """How many lost bytes a page may have searched for: linear in its length.

    Each search scores every byte value in context (about half a millisecond).
    The damaged pages of the seed benchmark need at most 434 (51 per 1000
    characters, on a page of 8,600); a page built of marks between East Asian
    characters asks for tens of thousands.  The per-character share keeps such
    a page within about 5x the time of a normal page of its size
    (benchmarks/hostile.py); once the budget is spent the rest of its spans are
    left as they are.
    """
    return MIN_SEARCHES + len(text) * SEARCHES_PER_1000_CHARS // 1000


def _mostly_lost(text: str) -> bool:
    """Too many lost characters for a decoder that lost phase now and then.

    Such a decoder leaves one mark per trip (a few per paragraph); a page where
    marks are a large share of the text was decoded in phase with the wrong
    codec (UTF-8 read as Big5), and re-reading it out of phase only garbles it.
    """
    lost = len(_LOST_IN_TEXT.findall(text))
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return lost > MAX_LOST_MARKS and lost > MAX_LOST_SHARE * non_ascii


def _candidate_starts(text: str) -> list[int]:
    """Lost-character marks with East Asian text nearby, but not inside UTF-8 read as CJK.

    Lossy UTF-8 read as GBK ("鏄�浠婂") also leaves '?' and U+FFFD among rare
    characters; re-reading such a span out of phase only trades one garble for
    another, so marks near that signature are left to the repair stage.
    """
    starts = []
    for match in _START.finditer(text):
        start = match.start()
        window = text[max(0, start - CJK_NEIGHBOURHOOD) : start + CJK_NEIGHBOURHOOD]
        # Out-of-phase damage begins at the mark, UTF-8 read as GBK before it too.
        before = text[max(0, start - SIGNATURE_LOOKBEHIND) : start]
        if CJK_LETTER_RE.search(window) and not has_utf8_as_cjk_signature(before):
            starts.append(start)
    return starts


def _repairs(page: _Page, starts: list[int], proven: set[tuple[str, str]] | None) -> list[_Repair]:
    """Non-overlapping repairs at ``starts``; with ``proven``, only spans of those shapes."""
    repairs = []
    done = 0
    for start in starts:
        if start < done:
            continue
        if page.searches_left <= 0:
            break
        repair = _best_repair(page, start, proven)
        if repair is not None:
            repairs.append(repair)
            done = repair.end
    return repairs


# Characters looked up one by one (each a scan of the page) before ``_Occurrences`` counts
# them all in one pass, which costs about as much as a hundred lookups.
WHOLE_COUNT_AFTER = 100


class _Occurrences(dict):
    """How often each string looked up occurs in a text, overlapping occurrences too (what a
    ``Counter`` of its characters or of its character pairs holds), counted on first lookup.

    A page is asked about a few hundred of its characters and pairs; counting all of them
    up front took longer than the lost-byte searches on clean pages with a stray '?'.  But
    each lookup scans the whole page: after ``WHOLE_COUNT_AFTER`` characters looked up, all
    of them are counted in one pass (a long Korean page full of questions asked about 500).
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.chars_counted = False
        self.lookups = 0

    def __missing__(self, key: str) -> int:
        if len(key) == 1 and not self.chars_counted:
            self.lookups += 1
            if self.lookups >= WHOLE_COUNT_AFTER:
                self.update(Counter(self.text))
                self.chars_counted = True
                if key in self:
                    return self[key]
        if len(key) == 1 and self.chars_counted:
            count = 0  # every character of the text is counted already
        elif len(key) == 2 and key[0] == key[1]:
            count = len(re.findall(f"(?={re.escape(key)})", self.text))  # "aaa" holds "aa" twice
        else:
            count = self.text.count(key)
        self[key] = count
        return count

    def get(self, key: str, default: int = 0) -> int:
        return self[key] or default


@dataclass
class _Page:
    """The whole text, for the evidence it gives about its own vocabulary."""

    text: str
    _bigrams: _Occurrences | None = field(default=None, repr=False)
    _chars: _Occurrences | None = field(default=None, repr=False)
    _scripts: frozenset[str] | None = field(default=None, repr=False)
    _fits: dict[str, bool] = field(default_factory=dict, repr=False)
    _wide_chars: str | None = field(default=None, repr=False)
    # Lost-byte searches still allowed (see ``_search_budget``).
    searches_left: int = 0

    @property
    def chars(self) -> _Occurrences:
        """Occurrences of each character in the page (``.get(ch, 0)``)."""
        if self._chars is None:
            self._chars = _Occurrences(self.text)
        return self._chars

    @property
    def bigrams(self) -> _Occurrences:
        """Occurrences of each pair of characters in the page (``.get(pair, 0)``)."""
        if self._bigrams is None:
            self._bigrams = _Occurrences(self.text)
        return self._bigrams

    def fits(self, codec: DoubleByteCodec) -> bool:
        """Whether the page could have come out of ``codec``: its characters encode in it."""
        if codec.name not in self._fits:
            if self._wide_chars is None:
                # The distinct characters first (a C-level pass), then the filter on those;
                # once per page, for every codec.
                chars = {ch for ch in set(self.text) if ch > "\x7f" and not ch.isspace()}
                chars.difference_update(LOST_MARKS)
                self._wide_chars = "".join(chars)
            # No byte of these codecs' characters is 3F: each '?' is one that missed.
            misses = self._wide_chars.encode(codec.name, "replace").count(b"?")
            self._fits[codec.name] = misses <= MAX_FOREIGN_SHARE * len(self._wide_chars)
        return self._fits[codec.name]

    @property
    def scripts(self) -> frozenset[str]:
        """East Asian scripts besides Chinese characters that the page uses."""
        if self._scripts is None:
            found = set()
            if _KANA.search(self.text):
                found.add("kana")
            if _HANGUL.search(self.text):
                found.add("hangul")
            self._scripts = frozenset(found)
        return self._scripts


_EMPTY_PAGE = _Page("")


@dataclass(frozen=True)
class _Repair:
    end: int
    after: str
    gain: float
    codec: str
    fix: Fix


def _best_repair(
    page: _Page, start: int, proven: set[tuple[str, str]] | None = None
) -> _Repair | None:
    """The most plausible in-phase reading of the span starting at ``text[start]``.

    Readings that end at different places are compared over the same extent
    (up to the farthest end), so a longer repair is not favoured for its length.
    Without ``proven``, a reading needs characters decoded from surviving
    bytes alone (see ``MIN_DECODED_PAIRS``); with it, only codecs already
    proven on the page are tried, and guesses alone suffice for spans that open
    like a proven one or fall back into phase on a letter wedged between East
    Asian characters ("抽?d前" for one character whose trail byte is "d").
    """
    text = page.text
    opening = text[start : start + 2]
    proven_codecs = {codec for codec, _ in proven} if proven is not None else set()
    readings = [
        (codec, end, template)
        for codec in CODECS
        if page.fits(codec) and (proven is None or codec.name in proven_codecs)
        for end, template in _readings(text, start, codec)
        if proven is None
        or (codec.name, opening) in proven
        or _wedged_resync(text, start, end, template)
    ]
    if not readings:
        return None
    extent_end = max(end for _, end, _ in readings)
    left = text[max(0, start - CONTEXT_CHARS) : start]
    tail = text[extent_end : extent_end + CONTEXT_CHARS]
    damaged = left + text[start:extent_end] + tail
    line_start = text.rfind("\n", 0, start) + 1
    quote_open = text.count("“", line_start, start) > text.count("”", line_start, start)
    # The damaged span's score is needed only once a reading decodes (most clean
    # '?' give none): computed then, it costs nothing on clean pages.
    own: Counter | None = None
    baseline = 0.0
    best: _Repair | None = None

    def cannot_win(chars: list[str], units: list[tuple[int | None, ...]], end: int) -> bool:
        """Does no choice of the reading's lost bytes gain ``ACCEPT_MARGIN``?  (Then the
        search for them is skipped: a '?' of clean text reads as shifted pairs, far worse.)"""
        nonlocal own, baseline
        if own is None:
            own = Counter(map(str.__add__, damaged, damaged[1:]))
            baseline = _plausibility(damaged, page, own, quote_open)
        pieces = [left]
        for char in chars:
            if char:
                pieces[-1] += char
            else:
                pieces.append("")
        pieces[-1] += text[end:extent_end] + tail
        bonus = STRUCTURAL_EVIDENCE if (LOST_ASCII,) in units else 0.0
        bound = _plausibility_bound(pieces, page, own, quote_open) + bonus - baseline
        return bound < ACCEPT_MARGIN - BOUND_TOLERANCE

    for codec, end, template in readings:
        decoded = _decode_reading(
            page, start, end, template, codec, quote_open, proven is None, cannot_win
        )
        if decoded is None:
            continue
        after, guessed, certainty, structural = decoded
        if after == text[start:end] or has_utf8_as_cjk_signature(after):
            continue  # unchanged, or still reads as UTF-8 decoded as a CJK code page
        if own is None:
            own = Counter(map(str.__add__, damaged, damaged[1:]))
            baseline = _plausibility(damaged, page, own, quote_open)
        repaired = left + after + text[end:extent_end] + tail
        gain = _plausibility(repaired, page, own, quote_open) - baseline
        if structural:
            gain += STRUCTURAL_EVIDENCE
        if gain < ACCEPT_MARGIN or (best is not None and gain <= best.gain):
            continue
        fix = Fix(
            kind="misaligned",
            start=start,
            end=end,
            before=text[start:end],
            after=after,
            codecs=(codec.name, codec.name),
            confidence=certainty * (1.0 - 0.5 * math.exp(-(gain - ACCEPT_MARGIN) / 4.0)),
            detail=f"{codec.name} read one byte late; re-decoded in phase"
            + ("" if proven is None else "; damage proven by other spans on the page"),
            guessed=guessed,
        )
        best = _Repair(end=end, after=after, gain=gain, codec=codec.name, fix=fix)
    return best


def _wedged_resync(text: str, start: int, end: int, template: list[int | None]) -> bool:
    """A span that falls back into phase on an ASCII trail byte between East Asian text."""
    trail = template[-1]
    return (
        trail is not None
        and trail != LOST_ASCII
        and chr(trail).isalpha()
        and text[end - 1] == chr(trail)
        and CJK_LETTER_RE.match(text, end) is not None
        and CJK_LETTER_RE.match(text, start - 1) is not None
    )


def _readings(text: str, start: int, codec: DoubleByteCodec) -> list[tuple[int, list[int | None]]]:
    """Byte templates of the span from ``start``: one per place it can fall back into phase.

    ``None`` is a lost non-ASCII byte, ``LOST_ASCII`` a lost ASCII byte.  The
    first byte is always the lead byte the decoder replaced by the mark.
    """
    template: list[int | None] = [None]
    pending_lead = True  # the in-phase reading is waiting for a trail byte
    readings: list[tuple[int, list[int | None]]] = []
    limit = min(len(text), start + 1 + MAX_SPAN_CHARS)
    lost_marks = 0
    for index in range(start + 1, limit):
        ch = text[index]
        ending: list[int | None] | None = None
        pair: list[int | None] | None = None
        if ch in "<&" and _MARKUP_START.match(text, index):
            break  # a tag or entity is markup, never a folded character
        if ch in LOST_MARKS:
            lost_marks += 1
            if lost_marks > MAX_LOST_IN_SPAN:
                break  # guesses everywhere: no evidence, and each guess costs a search
            # Either a whole invalid pair, or a lost lead byte plus the ASCII
            # byte it swallowed (which ends the span).
            pair = [None, None]
            ending = [None, LOST_ASCII]
        elif ch < "\x80":
            if 0x40 <= ord(ch) <= 0x7E:
                ending = [ord(ch)]  # an ASCII-range trail byte
            encoded = _unfolded_bytes(ch, codec.name)
            pair = list(encoded) if encoded else None
        else:
            encoded = _encode(ch, codec.name)
            pair = list(encoded) if encoded and len(encoded) == 2 else None
        if ending is not None and pending_lead:
            readings.append((index + 1, template + ending))
            if len(readings) >= MAX_READINGS:
                break
        if pair is None:
            break
        template.extend(pair)
        for byte in pair:
            if pending_lead:
                pending_lead = False
            else:
                pending_lead = not (
                    byte is not None and (byte < 0x80 or byte in codec.single_bytes)
                )
        if not pending_lead:
            # A real ASCII letter made a valid pair with the byte before it.
            readings.append((index + 1, list(template)))
            break
    return readings


def _decode_reading(
    page: _Page,
    start: int,
    end: int,
    template: list[int | None],
    codec: DoubleByteCodec,
    quote_open: bool,
    need_evidence: bool,
    cannot_win: Callable[[list[str], list[tuple[int | None, ...]], int], bool] | None = None,
) -> tuple[str, tuple[int, ...], float, bool] | None:
    """Decode a byte template in phase, choosing lost bytes by plausibility.

    Lost bytes are chosen left to right with a small beam, so that two
    neighbouring guesses are judged together ("他突" rather than "虽" before
    "然").  Returns the text, the guessed bytes and how sure the least sure
    guess is, and whether markup or brackets restored the swallowed byte.
    ``cannot_win(chars, units, end)``: True when no choice of the lost bytes (the
    empty ``chars``) can be accepted; the search is then skipped, and the page's
    budget charged as the search would have charged it.
    """
    in_phase = _decode_in_phase(template, codec)
    if in_phase is None:
        return None
    units, chars = in_phase
    known_pairs = sum(len(unit) > 1 for unit, char in zip(units, chars) if char)
    text = page.text
    last = chars[-1]
    if len(units[-1]) == 1 and last.isascii() and last.isalnum() and text[end : end + 1].isalnum():
        # An ASCII byte from inside a shifted character that starts a word
        # running on ("?!癇aby" for "。“Baby"): the decoder resynced there.
        known_pairs += text[end].isascii()
    if units[-1] == (LOST_ASCII,) and _completes_markup(text[end:]):
        known_pairs += 1
    # Closing a quotation opened earlier on the line is evidence too; whether
    # the reading does is known only once its lost bytes are chosen.
    if need_evidence and known_pairs + quote_open < MIN_DECODED_PAIRS:
        return None  # (nearly) nothing but guesses: no evidence the span was misread
    if cannot_win is not None and cannot_win(chars, units, end):
        _charge_searches(page, units, chars, codec)
        return None
    left = text[max(0, start - CONTEXT_CHARS) : start]
    right = text[end : end + CONTEXT_CHARS]
    beam: list[_Guess] = [_Guess(0.0, chars, (), 1.0)]
    for position, unit in enumerate(units):
        if chars[position]:
            continue
        if unit == (LOST_ASCII,):
            beam = [_guess_last_ascii(state, position, text[end:], page) for state in beam]
            continue
        if unit.count(None) > 1:
            beam = [state.extended(position, "?", None, 0.0, state.certainty) for state in beam]
            continue
        following = ""
        for char in chars[position + 1 : position + 3]:
            if not char:
                break
            following += char
        if len(following) == len(chars[position + 1 : position + 3]):
            following = (following + right)[:2]
        expanded: list[_Guess] = []
        for state in beam:
            preceding = (left + "".join(state.chars[:position]))[-2:]
            quoting = quote_open and "”" not in "".join(state.chars[:position])
            if page.searches_left <= 0:
                return None
            page.searches_left -= 1
            scored = _score_lost_byte(unit, preceding, following, page, codec, quoting)
            if not scored:
                continue
            top = scored[0][0]
            total = sum(math.exp(score - top) for score, _, _ in scored)
            for score, byte, char in scored[:BEAM_WIDTH]:
                certainty = min(state.certainty, math.exp(score - top) / total)
                expanded.append(state.extended(position, char, byte, score, certainty))
        if not expanded:
            return None
        beam = sorted(expanded, key=lambda state: -state.score)[:BEAM_WIDTH]
    # The beam ranks by local windows; the whole span decides among the survivors.
    best = max(
        beam,
        key=lambda state: _plausibility(
            left + "".join(state.chars) + right, page, None, quote_open
        ),
    )
    decoded = "".join(best.chars)
    if need_evidence and known_pairs + (quote_open and "”" in decoded) < MIN_DECODED_PAIRS:
        return None
    return decoded, best.guessed, best.certainty, best.structural


def _charge_searches(
    page: _Page, units: list[tuple[int | None, ...]], chars: list[str], codec: DoubleByteCodec
) -> None:
    """Take from the page's budget the searches ``_decode_reading``'s beam makes for ``units``.

    A skipped search must leave the budget as the search would have: later spans of a page
    that runs out are left alone, and skipping must not change which.  The beam searches once
    per partial reading for each unit with one lost byte, and keeps as many readings as the
    unit has candidates (at most ``BEAM_WIDTH``).
    """
    width = 1
    for position, unit in enumerate(units):
        if chars[position] or unit == (LOST_ASCII,) or unit.count(None) > 1:
            continue
        for _ in range(width):
            if page.searches_left <= 0:
                return
            page.searches_left -= 1
        options = min(BEAM_WIDTH, SHORTLIST, COMMON_SHORTLIST, len(_unit_candidates(unit, codec.name)))
        width = min(BEAM_WIDTH, width * options)
        if width == 0:
            return


@dataclass(frozen=True)
class _Guess:
    """One way of filling the lost bytes of a span, as far as it goes."""

    score: float
    chars: list[str]
    guessed: tuple[int, ...]
    certainty: float
    structural: bool = False

    def extended(
        self, position: int, char: str, byte: int | None, score: float, certainty: float
    ) -> _Guess:
        chars = list(self.chars)
        chars[position] = char
        guessed = self.guessed if byte is None else (*self.guessed, byte)
        return _Guess(self.score + score, chars, guessed, certainty, self.structural)


def _guess_last_ascii(state: _Guess, position: int, following: str, page: _Page) -> _Guess:
    """Fill the swallowed ASCII byte that ends a span, or leave the mark."""
    previous = state.chars[position - 1] if position else ""
    swallowed = _guess_swallowed_ascii(previous, following, page)
    if swallowed is None:
        return state.extended(position, "?", None, 0.0, state.certainty)
    char, probability, structural = swallowed
    guess = state.extended(position, char, ord(char), 0.0, min(state.certainty, probability))
    return _Guess(guess.score, guess.chars, guess.guessed, guess.certainty, structural)


def _decode_in_phase(
    template: list[int | None], codec: DoubleByteCodec
) -> tuple[list[tuple[int | None, ...]], list[str]] | None:
    """Split a byte template into the characters an in-phase decoder reads, and decode each
    that has no lost byte ("" for those); None if a pair is no pair of the codec or does not
    decode.

    Split and decoded in one pass that stops at the first failure: most readings of clean
    text fail a few characters in, of a template of tens.
    """
    units: list[tuple[int | None, ...]] = []
    chars: list[str] = []
    index = 0
    while index < len(template):
        byte = template[index]
        if byte is not None and (byte < 0x80 or byte in codec.single_bytes):
            unit: tuple[int | None, ...] = (byte,)
            index += 1
        else:
            if index + 1 >= len(template):
                return None
            trail = template[index + 1]
            if trail == LOST_ASCII or (byte is not None and byte not in codec.lead_bytes):
                return None
            unit = (byte, trail)
            index += 2
        if None in unit or LOST_ASCII in unit:
            char = ""
        else:
            char = _decode(bytes(unit), codec.name)
            if char is None:
                return None
        units.append(unit)
        chars.append(char)
    return units, chars


def _score_lost_byte(
    unit: tuple[int | None, ...],
    left: str,
    right: str,
    page: _Page,
    codec: DoubleByteCodec,
    quote_open: bool,
) -> list[tuple[float, int, str]]:
    """Candidates for the one lost byte of ``unit``, best first, scored in context.

    Every byte value that makes a valid character is ranked by how common the
    character is (in the language and on the page), the most common by the
    bigrams it forms with its two neighbours, and only the best few of those
    are scored in full context.
    """
    common = sorted(
        (
            (
                _pair_logprob("", char) + PAGE_CONTEXT_WEIGHT * math.log1p(page.chars.get(char, 0)),
                byte,
                char,
            )
            for byte, char in _unit_candidates(unit, codec.name)
        ),
        reverse=True,
    )[:COMMON_SHORTLIST]
    before, after = left[-1:], right[:1]
    candidates = sorted(
        (
            (
                _pair_logprob(before, char)
                + _pair_logprob(char, after)
                + PAGE_CONTEXT_WEIGHT * math.log1p(page.chars.get(char, 0)),
                byte,
                char,
            )
            for _, byte, char in common
        ),
        reverse=True,
    )
    scored = [
        (_plausibility(left + char + right, page, None, quote_open), byte, char)
        for _, byte, char in candidates[:SHORTLIST]
    ]
    scored.sort(reverse=True)
    return scored


@lru_cache(maxsize=4096)
def _unit_candidates(unit: tuple[int | None, ...], codec_name: str) -> tuple[tuple[int, str], ...]:
    """Every (lost byte, character) that completes ``unit`` into a valid character."""
    found = []
    for byte in LOST_BYTE_VALUES:
        char = _decode(bytes(byte if known is None else known for known in unit), codec_name)
        if char is not None:
            found.append((byte, char))
    return tuple(found)


@lru_cache(maxsize=262144)
def _pair_logprob(first: str, second: str) -> float:
    pair = first + second
    return text_score(pair).total + _punctuation_logprob(pair, _EMPTY_PAGE)


def _completes_markup(following: str) -> str | None:
    """The opener a closing tag or bracket at the start of ``following`` needs."""
    for pattern, opener in SWALLOWED_OPENERS:
        if pattern.match(following):
            return opener
    return None


def _guess_swallowed_ascii(
    previous: str, following: str, page: _Page
) -> tuple[str, float, bool] | None:
    """The ASCII byte a decoder swallowed before ``following``, its confidence, and
    whether the text's structure (not statistics) decided it.

    Markup and brackets decide it outright.  Between the end of a sentence and
    more East Asian text it was whitespace: a line break or a space, whichever
    the page puts after its sentences more often.  Otherwise the page's own
    bigrams may decide, when both neighbours agree on one byte by a wide margin.
    """
    opener = _completes_markup(following)
    if opener:
        return opener, 0.95, True
    if not previous or not following:
        return None
    bigrams = page.bigrams
    if previous in SENTENCE_END_MARKS | CLOSING_QUOTES and CJK_LETTER_RE.match(following):
        breaks, spaces = (
            sum(bigrams.get(mark + space, 0) for mark in SENTENCE_END_MARKS | CLOSING_QUOTES)
            for space in "\n "
        )
        byte = "\n" if breaks >= spaces else " "
        return byte, (max(breaks, spaces) + 1) / (breaks + spaces + 2), False
    scored = sorted(
        (
            min(bigrams.get(previous + byte, 0), bigrams.get(byte + following[0], 0)),
            byte,
        )
        for byte in SWALLOWABLE_ASCII
    )
    (runner_up, _), (best, byte) = scored[-2], scored[-1]
    if best < MIN_SWALLOWED_EVIDENCE or best < SWALLOWED_MARGIN * max(runner_up, 1):
        return None
    return byte, best / (best + runner_up), False


@lru_cache(maxsize=65536)
def _encode(ch: str, codec_name: str) -> bytes | None:
    try:
        return ch.encode(codec_name)
    except UnicodeEncodeError:
        return None


@lru_cache(maxsize=4096)
def _unfolded_bytes(ch: str, codec_name: str) -> bytes | None:
    """Bytes of the fullwidth form an ASCII character may have been folded from.

    Only forms made of two non-ASCII bytes count: a shifted reading pairs the
    trail byte of one character with the lead byte of the next.
    """
    if ch == " ":
        wide = "\u3000"
    elif "!" <= ch <= "~" and ch not in LOST_MARKS:
        wide = chr(ord(ch) + 0xFEE0)
    else:
        return None
    encoded = _encode(wide, codec_name)
    if encoded is None or len(encoded) != 2 or min(encoded) < 0x80:
        return None
    return encoded


@lru_cache(maxsize=262144)
def _decode(data: bytes, codec_name: str) -> str | None:
    try:
        char = data.decode(codec_name)
    except UnicodeDecodeError:
        return None
    if len(char) != 1 or 0xE000 <= ord(char) <= 0xF8FF:
        return None
    return char


def _plausibility(
    text: str, page: _Page, own: Counter | None = None, quote_open: bool = False
) -> float:
    """Total log-plausibility of ``text``: language model, punctuation and page evidence.

    The language model scores letters; punctuation gets its own small table
    because the model treats it as neutral.  Bigrams that recur elsewhere on
    the same page are evidence the page itself supplies (a page that writes
    據 once will write it again); ``own`` holds the bigrams of the damaged span
    being judged, which must not count as evidence for themselves.
    ``quote_open`` says a quotation opened earlier on the line is still open.
    """
    score = text_score(text).total + _punctuation_logprob(text, page, quote_open)
    bigrams = page.bigrams
    for i in range(len(text) - 1):
        gram = text[i : i + 2]
        if _script_of(gram[0]) == "other" or _script_of(gram[1]) == "other":
            continue  # punctuation and layout recur everywhere: no evidence
        count = bigrams.get(gram, 0) - (own.get(gram, 0) if own else 0)
        if count > 0:
            score += PAGE_CONTEXT_WEIGHT * math.log1p(min(count, PAGE_CONTEXT_CAP))
    return score


# The most one unknown character can add to ``_punctuation_logprob`` by itself (a mark
# closing a quotation, or a symbol of the page's vocabulary), and to the page-bigram
# evidence with each neighbour.
UNKNOWN_MARK_BOUND = max(
    max(PUNCTUATION_LOGPROB.values()) + QUOTE_CLOSING_BONUS, NEUTRAL_LOGPROB - SYMBOL_LOGPROB, 0.0
)
UNKNOWN_BIGRAM_BOUND = PAGE_CONTEXT_WEIGHT * math.log1p(PAGE_CONTEXT_CAP)


def _plausibility_bound(
    pieces: list[str], page: _Page, own: Counter, quote_open: bool = False
) -> float:
    """A bound no ``_plausibility(text, page, own, quote_open)`` exceeds, for ``text`` the
    pieces joined by one unknown character each (the lost bytes of a reading, not chosen yet).

    Each term of ``_plausibility`` that involves only known characters is taken as it is;
    each that involves an unknown one at its largest (see ``UNKNOWN_MARK_BOUND``).
    """
    score = total_upper_bound(pieces)
    chars: list[str | None] = list(pieces[0])
    for piece in pieces[1:]:
        chars.append(None)
        chars.extend(piece)
    bigrams = page.bigrams
    previous: str | None = ""
    maybe_open = quote_open
    for index, ch in enumerate(chars):
        following = chars[index + 1] if index + 1 < len(chars) else ""
        if ch is None:
            score += UNKNOWN_MARK_BOUND
            if previous is None or previous in SENTENCE_END_MARKS:
                score += QUOTE_AFTER_SENTENCE_BONUS
            if previous is None or (previous and _script_of(previous) != "other"):
                score += UNKNOWN_BIGRAM_BOUND
            maybe_open = True
            previous = ch
            continue
        wedged = (previous is not None and previous > "\x7f"
                  and following is not None and (following == "" or following > "\x7f"))
        score += _mark_term(ch, page, wedged)
        if ch in PUNCTUATION_LOGPROB:
            if ch == "”" and maybe_open:
                score += QUOTE_CLOSING_BONUS
            maybe_open = (maybe_open or ch == "“") and ch != "”"
        if previous is None:
            if ch in CLOSING_QUOTES:
                score += QUOTE_AFTER_SENTENCE_BONUS
            if _script_of(ch) != "other":
                score += UNKNOWN_BIGRAM_BOUND
        else:
            score += _mark_pair_term(previous, ch)
            if previous and _script_of(previous) != "other" and _script_of(ch) != "other":
                count = bigrams.get(previous + ch, 0) - own.get(previous + ch, 0)
                if count > 0:
                    score += PAGE_CONTEXT_WEIGHT * math.log1p(min(count, PAGE_CONTEXT_CAP))
        previous = ch
    return score


def _punctuation_logprob(text: str, page: _Page, quote_open: bool = False) -> float:
    score = 0.0
    previous = ""
    for index, ch in enumerate(text):
        wedged = previous > "\x7f" and (index + 1 == len(text) or text[index + 1] > "\x7f")
        score += _mark_term(ch, page, wedged)
        if ch in PUNCTUATION_LOGPROB:
            if ch == "”" and quote_open:
                score += QUOTE_CLOSING_BONUS
            quote_open = (quote_open or ch == "“") and ch != "”"
        score += _mark_pair_term(previous, ch)
        previous = ch
    return score


def _mark_term(ch: str, page: _Page, wedged: bool) -> float:
    """The term of one character in ``_punctuation_logprob`` (a closing quote's bonus apart);
    ``wedged``: it stands between non-ASCII characters (or before the end)."""
    if ch in PUNCTUATION_LOGPROB:
        return PUNCTUATION_LOGPROB[ch]
    if ch in LOST_MARKS:
        return LOST_MARK_LOGPROB
    if page.chars.get(ch, 0) >= PAGE_VOCABULARY_COUNT:
        return NEUTRAL_LOGPROB - SYMBOL_LOGPROB if script_of(ch) == "symbol" else 0.0
    script = _script_of(ch)
    if _is_rare_symbol(ch) or script not in ("han", "other") and script not in page.scripts:
        return RARE_SYMBOL_LOGPROB
    if ch in WEDGE_PRONE_ASCII and wedged:
        return WEDGED_LETTER_LOGPROB
    return 0.0


def _mark_pair_term(previous: str, ch: str) -> float:
    """The term of two marks side by side in ``_punctuation_logprob``."""
    if previous in CLAUSE_MARKS and ch in CLAUSE_MARKS:
        return DOUBLED_MARK_PENALTY
    if previous in SENTENCE_END_MARKS and ch in CLOSING_QUOTES:
        return QUOTE_AFTER_SENTENCE_BONUS
    if previous in OPENING_MARKS and (ch in CLAUSE_MARKS or ch in CLOSING_QUOTES):
        return OPENING_BEFORE_MARK_PENALTY
    return 0.0


@lru_cache(maxsize=65536)
def _script_of(ch: str) -> str:
    code = ord(ch)
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF:
        return "hangul"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3134F:
        return "han"
    return "other"


@lru_cache(maxsize=65536)
def _is_rare_symbol(ch: str) -> bool:
    """Whether ``ch`` is unusual in East Asian prose: symbol, Greek, Cyrillic, box rows.

    Double-byte code pages put these next to the punctuation, so a shifted
    reading produces them often and real text seldom.
    """
    if ch.isascii() or ch in PUNCTUATION_LOGPROB:
        return False
    return _script_of(ch) == "other"
