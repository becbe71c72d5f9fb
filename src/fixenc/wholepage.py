"""Undo the mojibake of a page that was decoded, as a whole, with the wrong double-byte codec.

Why this is its own stage: when a scraper reads a UTF-8 page as GBK (or Big5, Shift-JIS,
EUC-JP, EUC-KR), every non-ASCII character of the page is damaged the same way, and the
decoder's U+FFFD marks stand for single lost bytes (a lead byte whose partner does not pair
with it, which is then read again, or a byte that is no lead byte).  Span-by-span repair
(``fixenc.repair``) has to judge each short island on its own: an accented letter inside a
Latin word (``Fant谩stica``) or a Hangul word with half its bytes lost gives it too little
evidence.  The page as a whole gives plenty: re-encoded with the wrong codec, its bytes are
valid UTF-8 everywhere except next to the lost bytes, which a clean GBK, Latin or CJK page
essentially never is.  So this stage either re-decodes the whole page or does nothing:

1. encode the text with the wrong codec (``WRONG_PAGE_CODECS``), each U+FFFD standing for one
   unknown byte; any character the codec cannot encode means the page was not read with it;
2. the bytes must be valid UTF-8 apart from the characters that hold a lost byte;
3. each lost byte (with any other lost byte of the same character) is guessed: every value
   that makes the character valid UTF-8 and a character the language model knows is ranked
   by unigrams, the frequency of punctuation marks (in its place: before a break, closing a
   bracket open on the line, Japanese or not) and the page's own n-grams; the best
   ``READING_SHORTLIST`` are scored with ``CONTEXT_CHARS`` characters either side, and the
   best is kept when its share of the probability is at least ``GUESS_CONFIDENCE`` (a unit
   right after a number, 12月 rather than 12有, is preferred among readings that pass it);
   otherwise the character becomes U+FFFD; a Korean or Japanese character (most often a
   particle: 의/이/은/을, の/に/は/な share all other bytes) is then chosen again among the best
   by a sentence model of its language, when one is installed and turned on
   (``sentence_score``, ``SENTENCE_MODELS_ENV``);
4. the re-decoded page must read better than the damaged one under the language model by
   ``MARGIN`` nats per non-ASCII character.

>>> text = "Fantástica loja: crianças não têm “livros” para ler.".encode().decode("gbk", "replace")
>>> text
'Fant谩stica loja: crian莽as n茫o t锚m 鈥渓ivros鈥� para ler.'
>>> redecode_page(text)[0]
'Fantástica loja: crianças não têm “livros” para ler.'

The closing quote lost its last byte before a space: any of ``” — – …`` fits the bytes;
the “ still open on the line makes ” the guess (without it the commoner "…" would win).
>>> redecode_page(text.replace("鈥渓", "l"))[0]
'Fantástica loja: crianças não têm livros… para ler.'

With no quote open, the commoner mark is the guess; the fix reports it as guessed.
>>> redecode_page("发布时间：2024年")[0]
'发布时间：2024年'
"""

from __future__ import annotations

import codecs
import heapq
import math
import os
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import accumulate, compress, pairwise, product
from operator import itemgetter

from fixenc import langmodel
from fixenc.options import SENTENCE_MODELS_ENV, sentence_models
from fixenc.repair import encode_as_read, utf8_width, word_bonus
from fixenc.result import Fix

__all__ = ["redecode_page"]

# Codecs a whole page is wrongly decoded with, tried in order; the right codec is UTF-8.
WRONG_PAGE_CODECS = ("gb18030", "gbk", "cp950", "big5hkscs", "cp932", "euc_jp", "cp949")
# Decoders of one family agree on the bytes a page has but may differ on a guessed byte
# (gb18030 maps pairs that gbk leaves undefined; browsers read Big5 as cp950 or big5hkscs,
# Shift-JIS as cp932, EUC-KR as cp949): a guess must give the damaged text under one of them.
READER_FAMILIES = (
    ("gb18030", "gbk"),
    ("cp950", "big5", "big5hkscs"),
    ("cp932", "shift_jis"),
    ("euc_jp",),
    ("cp949", "euc_kr"),
)
RIGHT_CODEC = "utf-8"
LOST = "\ufffd"
# A byte no UTF-8 text holds: stands in for a lost byte while the page is checked.
PLACEHOLDER = 0xFF
# Only pages whose non-ASCII characters could be GBK's reading of UTF-8 are tried.
# ([\u00a4-\uffff] written as its complement: re compiles a class range by range, code point by
# code point in Python, so the 65,000 of this one took 8-11 ms of every process's start-up.)
WRONG_READING = re.compile("[^\x00-\u00a3\U00010000-\U0010ffff]")
NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
# Non-ASCII runs with one character of context, for the page's own n-gram counts.
NON_ASCII_CONTEXT = re.compile(".?[^\x00-\x7f]+.?")
# Lost bytes are non-ASCII: leads of multi-byte UTF-8 characters and continuation bytes.
LEAD_BYTES = range(0xC2, 0xF5)
CONTINUATION_BYTES = range(0x80, 0xC0)
# A character with more lost bytes than this, or a lost byte with more candidate readings,
# stays lost: too little is left to guess from.  A character of three bytes that lost all
# three may be one of the commonest of its script (this many of each CJK language).
MAX_LOST_PER_CHAR = 2
FULLY_LOST_COMMON = 1000
# ... but not on a page where more of its characters than this are lost marks: UTF-8 read as
# Big5 or EUC-JP loses bytes of 67-90% of them (the full run's cases; Korean or Japanese read
# as EUC-KR 26-50%, as Shift-JIS 5-43%), and there the guesses made those rows' CER worse.
WHOLE_LOST_MAX_SHARE = 0.6
# Bytes of a character whose lead byte was lost, when windows of lost bytes are cut apart.
UNKNOWN_LEAD_SIZE = 3
MAX_CANDIDATES = 5000
# Bytes looked back for a character boundary before a character whose lead byte was lost
# (eight characters of three bytes; each lost byte between that starts one is a lead).
LOST_LEAD_REACH = 24
TWO_BYTE_LEADS = bytes(range(0xC2, 0xE0))
THREE_BYTE_LEADS = bytes(range(0xE0, 0xF0))
# Steps of the search for one window's readings; a window that needs more (many lost bytes in
# a row, most readings dying late) stays lost.  Why: found by the property tests, a run of
# lost bytes between lead bytes made the search exponential (minutes for 30 bytes).
MAX_STEPS = 20000
# A candidate character must be one the language model has seen (its unseen floor is -16).
KNOWN_CHAR_LOGPROB = -15.5
# Unicode categories no guess may produce: controls, private use, unassigned code points
# (the model knows some private-use characters from pages that use them as icons).
IMPOSSIBLE_CATEGORIES = frozenset(("Cc", "Co", "Cn"))
CONTEXT_CHARS = 3
# Letters of a word looked at on each side of a window for the word lists (``_word_around``).
WORD_CHARS = 24
GUESS_CONFIDENCE = 0.3
# Readings scored by the full model for one window, the best by unigrams and page n-grams.
READING_SHORTLIST = 12
# Weight of the page's own n-gram counts (log(1 + count) per n-gram) against the model's nats.
PAGE_WEIGHT = 1.0
# Readings of a lost Korean or Japanese character that the sentence model chooses among, and
# the characters of its line it reads either side (up to a break, markup or a character left
# lost).
SENTENCE_SHORTLIST = 6
# Readings less likely than the best by more than this (nats) are not chosen among again.
RANKED_WITHIN = 4.0
SENTENCE_CONTEXT_CHARS = 60
# A page that lost a byte of more of its characters than this, or a line with fewer letters
# beyond ASCII than this around the lost one, is left to the character model.
SENTENCE_MAX_LOST_SHARE = 1 / 3
SENTENCE_MIN_LETTERS = 8
SENTENCE_LETTER = re.compile("[^\\W\x00-\x7f]")
SENTENCE_CUT = re.compile("[\n<>\ufffd]")
# A window's reading that leads the next by this many nats on the cheap ranking
# (``_reading_prior``, page n-grams, units) is taken without the model's scores, on pages
# read with ``CERTAIN_CODECS``.  Measured on UTF-8 Chinese, Japanese, Korean and Russian read as
# GBK (the accuracy run's quick and full cases, the 19 speed pages): of 6,316 windows with
# more than one reading, the 633 that led by 4 or more (and no sentence model may choose
# again) were the model's choice, by at least 1.93 nats with units; at 3 (901), 2 were not.
# Other codecs' windows were not measured as safe (Korean pages read as Shift-JIS lead by 6
# and lose): they are always scored.
CERTAIN_MARGIN = 4.0
CERTAIN_CODECS = frozenset(("gb18030", "gbk"))
# Minimum gain of the re-decoded page over the damaged one, in nats per non-ASCII character.
MARGIN = 1.0
# Pages with fewer damaged characters than this are left to the span-by-span repair stage.
MIN_DAMAGED_CHARS = 3
# Characters of a page checked first (``_rules_out``) before all of it is encoded.
PROBE_CHARS = 1024
# Characters of the probe tried before all of it (see ``_rules_out``).
PROBE_HEAD_CHARS = 64


def redecode_page(text: str) -> tuple[str, list[Fix]]:
    """Re-decode a page that was UTF-8 read as a CJK double-byte codec, or return it unchanged."""
    if text.isascii() or not WRONG_READING.search(text):
        return text, []
    probe = _probe(text)
    for codec in WRONG_PAGE_CODECS:
        if probe and _rules_out(probe, codec):
            continue
        encoded = _encode_with_gaps(text, codec)
        if encoded is None:
            continue
        data, gaps = encoded
        page = text
        if not _valid_apart_from_gaps(data, gaps):
            # The wrong decoder may have put '?' for each lost byte instead of U+FFFD.
            found = _question_marks_as_lost(text, data) if not gaps else None
            if found is None:
                continue
            page, gaps = found
            if not _valid_apart_from_gaps(data, gaps):
                continue
        repaired, guessed, unsure = _decode_guessing(data, gaps, page, codec)
        damaged = NON_ASCII_RUN.findall(page)
        if sum(map(len, damaged)) < MIN_DAMAGED_CHARS:
            return text, []
        gain = langmodel.compare(" ".join(NON_ASCII_RUN.findall(repaired)), " ".join(damaged))
        if gain < MARGIN:
            return text, []
        detail = f"whole page was UTF-8 read as {codec}"
        if gaps:
            marks = "U+FFFD" if page is text else "'?'"
            detail += (
                f"; {len(gaps)} lost bytes shown as {marks}, {len(guessed)} guessed,"
                f" {unsure} characters left as U+FFFD"
            )
        fix = Fix(
            "mojibake",
            0,
            len(text),
            _sample(text),
            _sample(repaired),
            (codec, RIGHT_CODEC),
            confidence=gain / (gain + MARGIN),  # grows with the evidence past the margin
            detail=detail,
            guessed=tuple(guessed),
        )
        return repaired, [fix]
    return text, []


def _sample(text: str) -> str:
    match = NON_ASCII_RUN.search(text)
    start = max(0, match.start() - 20) if match else 0
    return text[start : start + 60]


def _probe(text: str) -> str:
    """Up to ``PROBE_CHARS`` characters from the first non-ASCII one that starts the text or
    follows an ASCII character other than '?', up to the first U+FFFD or '?' (a lost byte may
    stand there).  An ASCII byte ends every UTF-8 character, so in the page's bytes the probe
    starts on a character boundary."""
    match = PROBE_START.search(text)
    if match is None:
        return ""
    probe = text[match.start() : match.start() + PROBE_CHARS]
    return PROBE_END.split(probe, 1)[0]


PROBE_START = re.compile("(?:^|(?<=[\\x00-\\x3e\\x40-\\x7f]))[^\\x00-\\x7f]")
PROBE_END = re.compile("[?\ufffd]")


def _rules_out(probe: str, codec: str) -> bool:
    """Is the page surely no UTF-8 read as ``codec``?  True when its probe does not encode in
    ``codec``, or its bytes are no UTF-8 (an incomplete character at the end aside): the whole
    page would fail the same way.  Clean pages are mostly told by this, without encoding
    all of them in each of the seven code pages.

    The probe's head is tried first, and it fails the same way as the whole: its bytes are
    the first bytes of the probe's, as the head does not end between a letter and the
    combining mark that Big5-HKSCS encodes together with it.  Most clean pages fail there,
    in a sixteenth of the encoding."""
    head = PROBE_HEAD_CHARS
    while head < len(probe) and unicodedata.combining(probe[head]):
        head += 1
    if _fails_as_utf8(probe[:head], codec):
        return True
    return head < len(probe) and _fails_as_utf8(probe, codec)


def _fails_as_utf8(probe: str, codec: str) -> bool:
    """Does ``probe`` fail to encode in ``codec``, or do its bytes fail as UTF-8 (an
    incomplete character at the end aside)?"""
    try:
        data = encode_as_read(probe, codec)
    except UnicodeEncodeError:
        return True
    try:
        codecs.getincrementaldecoder(RIGHT_CODEC)().decode(data, False)
    except UnicodeDecodeError:
        return True
    return False


def _encode_with_gaps(text: str, codec: str) -> tuple[bytearray, list[int]] | None:
    """The page's bytes as the wrong decoder saw them, and where each lost byte was."""
    data = bytearray()
    gaps = []
    parts = text.split(LOST)
    for index, part in enumerate(parts):
        if index:
            gaps.append(len(data))
            data.append(PLACEHOLDER)
        try:
            data += encode_as_read(part, codec, continuing=index > 0)
        except UnicodeEncodeError:
            return None
    return data, gaps


def _question_marks_as_lost(text: str, data: bytearray) -> tuple[str, list[int]] | None:
    """The page with U+FFFD for each '?' that stands where UTF-8 needs a non-ASCII byte, and
    where those lost bytes are in ``data`` (which holds ``PLACEHOLDER`` there afterwards).

    Some decoders put '?' for a byte they cannot read.  Among the page's bytes (``data``,
    the text encoded with the wrong codec), such a '?' stands after a lead byte whose
    character is not complete yet, or before a continuation byte; a '?' the page really
    has stands between whole characters, and stays.  No byte of a double-byte character of
    these codecs is 0x3F, so the n-th '?' byte is the n-th '?' of the text.  None when no
    '?' is a lost byte.
    """
    marks = []  # byte position of each '?' of the text, in order
    position = data.find(b"?")
    while position >= 0:
        marks.append(position)
        position = data.find(b"?", position + 1)
    lost: dict[int, int] = {}  # index among the text's '?' -> byte position
    lead_size = _common_lead_size(data)
    for index, position in enumerate(marks):
        after = data[position + 1] if position + 1 < len(data) else 0
        if after in CONTINUATION_BYTES or _cuts_a_character(data, position, lead_size):
            lost[index] = position
            data[position] = PLACEHOLDER  # a lost byte, for the '?' that may follow
    if not lost:
        return None
    # A '?' right before a lost byte was lost too: the lead byte of a character that lost
    # its first continuation byte as well (a '?' a page really has ends a sentence).
    for index in range(len(marks) - 1, -1, -1):
        position = marks[index]
        if index not in lost and position + 1 < len(data) and data[position + 1] == PLACEHOLDER:
            lost[index] = position
            data[position] = PLACEHOLDER
    pieces = text.split("?")
    out = [pieces[0]]
    for index, piece in enumerate(pieces[1:]):
        out.append(LOST if index in lost else "?")
        out.append(piece)
    return "".join(out), sorted(lost.values())


def _cuts_a_character(data: bytearray, position: int, lead_size: int = UNKNOWN_LEAD_SIZE) -> bool:
    """True when the byte at ``position`` falls inside a UTF-8 character begun before it.

    A lost lead byte (``PLACEHOLDER`` where a character starts) is taken as ``lead_size`` bytes
    long: "로 " (EB A1 9C 20) read as cp932 with '?' for what it cannot read is "?｡? ", and its
    second '?' is the lost 9C only if the first stood for a lead of three bytes.
    """
    for back in range(1, 4):
        if position - back < 0:
            break
        byte = data[position - back]
        if byte == PLACEHOLDER or byte in CONTINUATION_BYTES:
            continue
        if byte in LEAD_BYTES:
            size = utf8_width(byte)
            return back < size
        return False
    return _cuts_after_lost_lead(data, position, lead_size)


def _cuts_after_lost_lead(data: bytearray, position: int, lead_size: int) -> bool:
    """``_cuts_a_character`` where the character before ``position`` began with a lost byte:
    the characters are read forward from the last ASCII byte or known lead byte (at most
    ``LOST_LEAD_REACH`` bytes back), each lost byte that starts one taken as a lead of
    ``lead_size`` bytes."""
    start = position - 1
    while start >= 0 and data[start] >= 0x80 and data[start] not in LEAD_BYTES:
        if position - start >= LOST_LEAD_REACH and start > 0:
            return False  # no character boundary in reach (the page's start is one)
        start -= 1
    cursor = start + 1 if start < 0 or data[start] < 0x80 else start
    while cursor < position:
        byte = data[cursor]
        if byte < 0x80:
            size = 1
        elif byte in LEAD_BYTES:
            size = utf8_width(byte)
        elif byte == PLACEHOLDER:
            size = lead_size
        else:
            return False  # a continuation byte where a character starts: not UTF-8 here
        if cursor + size > position:
            return True
        cursor += size
    return False


def _common_lead_size(data: bytearray) -> int:
    """The length of most of the page's multi-byte characters, by their lead bytes (2 or 3)."""
    three = len(data) - len(data.translate(None, THREE_BYTE_LEADS))
    two = len(data) - len(data.translate(None, TWO_BYTE_LEADS))
    return 3 if three >= two else 2


def _valid_apart_from_gaps(data: bytearray, gaps: list[int]) -> bool:
    """True when the bytes between lost bytes are valid UTF-8, but for the characters cut by them."""
    bounds = [-1, *gaps, len(data)]
    for before, after in pairwise(bounds):
        first, last = before + 1, after
        if before >= 0:
            # Continuation bytes of the character the lost byte belonged to.
            while first < last and first - before <= 3 and data[first] in CONTINUATION_BYTES:
                first += 1
        if after < len(data):
            # The start of a character the lost byte ends.
            for back in range(1, 4):
                if last - back < first or data[last - back] < 0x80:
                    break
                if data[last - back] >= 0xC0:
                    last -= back
                    break
        try:
            data[first:last].decode(RIGHT_CODEC)
        except UnicodeDecodeError:
            return False
    return True


def _char_windows(data: bytearray, gaps: list[int]) -> list[tuple[int, int, list[int]]]:
    """(start, end, lost positions) of the run of characters around each cluster of lost bytes."""
    windows: list[tuple[int, int, list[int]]] = []
    lost = set(gaps)
    for gap in gaps:
        start = gap
        for back in range(1, 4):
            if start - back < 0 or (start - back) in lost:
                break
            byte = data[start - back]
            if byte >= 0xC0:
                start -= back
                break
            if byte not in CONTINUATION_BYTES:
                break
        end = gap + 1
        while (
            end < len(data)
            and end - gap < 4
            and data[end] in CONTINUATION_BYTES
            and end not in lost
        ):
            end += 1
        if windows and (
            start < windows[-1][1]
            or (start == windows[-1][1] and not _ends_whole(data, *windows[-1][:2], lost))
        ):
            previous = windows.pop()
            windows.append((previous[0], max(end, previous[1]), [*previous[2], gap]))
        else:
            windows.append((start, end, [gap]))
    return windows


def _ends_whole(data: bytearray, start: int, end: int, lost: set[int]) -> bool:
    """True when the window's last character is complete, whatever its lost bytes are.

    A character whose lead byte was lost is taken as three bytes long, the length of CJK
    characters: without this, a page that lost every lead byte (UTF-8 Japanese read as
    EUC-KR) would be one window, too long to search.
    """
    size = filled = 0
    for position in range(start, end):
        if filled < size and (position in lost or data[position] in CONTINUATION_BYTES):
            filled += 1
            continue
        byte = data[position]
        if position in lost:
            size = UNKNOWN_LEAD_SIZE
        elif byte < 0x80:
            size = 1
        else:
            size = utf8_width(byte)
        filled = 1
    return filled >= size


def _readings(
    data: bytearray, start: int, end: int, lost: set[int], whole_lost: bool = False
) -> list[tuple[str, tuple]]:
    """Every text the window can be with its lost bytes filled, as valid known characters
    (with ``whole_lost``, a character of three lost bytes may be a common one, ``_characters``)."""
    results: list[tuple[str, tuple]] = []
    steps = [0]

    def walk(position: int, text: str, filled: tuple) -> None:
        steps[0] += 1
        if len(results) > MAX_CANDIDATES or steps[0] > MAX_STEPS:
            return
        if position == end:
            results.append((text, filled))
            return
        byte = data[position]
        if byte < 0x80 and position not in lost:
            walk(position + 1, text + chr(byte), filled)
            return
        limit = min(position + 4, end)
        if position not in lost:  # a known lead byte tells the character's length
            limit = min(limit, position + utf8_width(byte))
        head = tuple(None if p in lost else data[p] for p in range(position, limit))
        for size, char, values in _characters(head, whole_lost):
            if position + size < end:
                walk(position + size, text + char, filled + values)
                continue
            # The window's last character: what the call for it would do, without the call
            # (a character that lost two bytes has thousands of readings).
            steps[0] += 1
            if len(results) <= MAX_CANDIDATES and steps[0] <= MAX_STEPS:
                results.append((text + char, filled + values))

    walk(start, "", ())
    if steps[0] > MAX_STEPS:
        return []  # too many ways to read it: not enough left to guess from
    return results


@cache
def _common_three_byte_chars() -> tuple[str, ...]:
    """The characters a character that lost all three of its bytes may have been: the
    ``FULLY_LOST_COMMON`` commonest of each CJK language of the model and the marks of
    punctuation it counts (。 、 and their kin, which UTF-8 Japanese read as EUC-KR loses whole
    before a space), in code-point order."""
    chars = langmodel.common_chars(FULLY_LOST_COMMON) | set(langmodel.PUNCTUATION_SHARES)
    return tuple(sorted(char for char in chars if len(char.encode(RIGHT_CODEC)) == 3))


@lru_cache(maxsize=512)  # an entry may hold a few thousand characters
def _characters(
    head: tuple[int | None, ...], whole_lost: bool = False
) -> tuple[tuple[int, str, tuple[int, ...]], ...]:
    """(size, character, values of its lost bytes) of each known character ``head`` can start.

    ``head`` is the next bytes of a window (at most four, no more than a known lead byte
    takes), None for a lost byte.  Cached: a page's windows are made of the same few byte
    patterns.
    """
    if whole_lost and head[:3] == (None, None, None):
        # Every byte lost: the common characters of three bytes, as the decoder may lose them.
        return tuple((3, char, tuple(char.encode(RIGHT_CODEC))) for char in _common_three_byte_chars())
    if head[0] is None:
        leads: tuple[int, ...] | range = LEAD_BYTES
    elif head[0] in LEAD_BYTES:
        leads = (head[0],)
    else:
        return ()
    found = []
    for lead in leads:
        size = utf8_width(lead)
        if size > len(head):
            continue
        tail = head[1:size]
        if tail.count(None) + (head[0] is None) > MAX_LOST_PER_CHAR:
            continue
        if any(byte is not None and byte not in CONTINUATION_BYTES for byte in tail):
            continue
        options = [CONTINUATION_BYTES if byte is None else (byte,) for byte in tail]
        for rest in product(*options):
            try:
                char = bytes((lead, *rest)).decode(RIGHT_CODEC)
            except UnicodeDecodeError:
                continue
            if langmodel.char_logprob(char) < KNOWN_CHAR_LOGPROB:
                continue
            values = ((lead,) if head[0] is None else ()) + tuple(
                value for byte, value in zip(tail, rest) if byte is None
            )
            found.append((size, char, values))
    return tuple(found)


def _decode_guessing(
    data: bytearray, gaps: list[int], damaged: str, codec: str
) -> tuple[str, list[int], int]:
    """The UTF-8 text of ``data`` with lost bytes guessed; (text, guessed bytes, unsure count).

    A guess must be one the wrong decoder would have lost: read again with ``codec``, the
    filled bytes must give exactly the damaged text (a byte that would have paired with its
    neighbour is no lost byte).  The page is its own best language model: the words a lost
    byte cut usually appear intact elsewhere on it, so n-grams of the page's undamaged text
    add to the model's score.
    """
    offsets = _CharOffsets(damaged, codec)
    # A character that lost every byte is guessed only where most characters kept some: on a
    # page of lost marks (UTF-8 read as Big5 or EUC-JP) it has no neighbours to be judged by.
    non_ascii = len(damaged) - len(damaged.encode("ascii", "ignore"))
    whole_lost = damaged.count(LOST) <= WHOLE_LOST_MAX_SHARE * non_ascii
    certain = codec in CERTAIN_CODECS
    windows = _char_windows(data, gaps)
    page = _page_ngrams(data, windows)
    pieces: list[str] = []
    guesses: list[tuple[int, ...]] = []
    unsure = 0
    position = 0
    # The same characters lose the same bytes all over a page: a window's readings depend
    # only on its bytes (``_window_readings``), its choice also on its context.
    choices: dict[tuple, tuple[tuple[str, tuple], ...] | None] = {}
    # (index of the window, lost bytes, readings ranked, language) of the characters that a
    # sentence model may choose again (``_sentence_language``); window i's reading is piece
    # 2i + 1, after the text before it.
    undecided: list[tuple[int, list[int], tuple[tuple[str, tuple], ...], str]] = []
    opened = ""  # opening marks of paired punctuation ("“", "（") on this line not closed yet
    for index, (start, end, lost) in enumerate(windows):
        pieces.append(data[position:start].decode(RIGHT_CODEC, "replace"))
        opened = langmodel.open_marks(opened, pieces[-1])
        left = "".join(pieces[-CONTEXT_CHARS:])[-CONTEXT_CHARS:]
        next_start = windows[index + 1][0] if index + 1 < len(windows) else len(data)
        right = data[end : min(next_start, end + 4 * CONTEXT_CHARS)].decode(RIGHT_CODEC, "ignore")
        right = right[:CONTEXT_CHARS]
        key = _window_key(data, lost, start, end, offsets, damaged)
        readings = _window_readings(*key, codec, whole_lost)
        ranked = None
        if len(readings) <= MAX_CANDIDATES:
            # Only a reading in letters of a listed script looks at its word (``_known_word_bonus``):
            # the other windows keep the key of their context short, and their choices shared.
            texts = list(map(itemgetter(0), readings))
            word = (_word_around(pieces, data, end, next_start)
                    if any(map(_listed_letters, texts)) else ("", ""))
            closing = langmodel.closing_marks(opened)
            at_end = end == len(data)
            context_key = (key, left, right, closing, at_end, word)
            if context_key not in choices:
                fitting = tuple(compress(readings, map(page.fits.__getitem__, texts)))
                choices[context_key] = _rank_readings(
                    fitting, left, right, page, closing, at_end, word, certain
                )
            ranked = choices[context_key]
        if ranked is None:
            pieces.append(LOST)
            unsure += 1
            guesses.append(())
        else:
            choice = ranked[0]
            languages = {_sentence_language(text, page.systems) for text, _ in ranked}
            if len(ranked) > 1 and len(languages) == 1 and "" not in languages:
                undecided.append((index, lost, ranked[:SENTENCE_SHORTLIST], *languages))
            pieces.append(choice[0])
            opened = langmodel.open_marks(opened, choice[0])
            guesses.append(choice[1])
            for place, value in zip(lost, choice[1]):
                data[place] = value
        position = end
    pieces.append(data[position:].decode(RIGHT_CODEC, "replace"))
    if undecided and _few_lost(pieces, len(windows)):
        _choose_by_sentence(pieces, undecided, guesses, data)
    return "".join(pieces), [value for values in guesses for value in values], unsure


def _word_around(pieces: list[str], data: bytearray, end: int, next_start: int) -> tuple[str, str]:
    """The letters right before a window (already decoded) and right after it, up to the
    next window: the rest of the word its reading may complete ("новы" + х).  The letters
    after stop at the next lost byte, which leaves the word unknown."""
    before = "".join(pieces[-2:])
    start = len(before)
    while start > 0 and before[start - 1].isalpha():
        start -= 1
    after = data[end : min(next_start, end + 4 * WORD_CHARS)].decode(RIGHT_CODEC, "replace")
    stop = 0
    while stop < len(after) and after[stop].isalpha():
        stop += 1
    whole = stop < len(after) or next_start >= len(data) or end + 4 * WORD_CHARS < next_start
    return before[start:][-WORD_CHARS:], after[:stop] if whole else "\ufffd"


def _known_word_bonus(text: str, word: tuple[str, str]) -> float:
    """What a reading gains by completing a word of a listed script (``repair.word_bonus``)."""
    if not _listed_letters(text):
        return 0.0
    whole = word[0] + text + word[1]
    if not whole.isalpha():
        return 0.0
    rank = langmodel.word_rank(whole)
    return word_bonus(rank) if rank else 0.0


@lru_cache(maxsize=1 << 14)
def _listed_letters(text: str) -> bool:
    """Is ``text`` letters of a script with word lists?  (Cached: the readings of a page's
    windows are a few thousand characters at most.)"""
    return text.isalpha() and langmodel.has_word_list(text)


def _few_lost(pieces: list[str], lost_chars: int) -> bool:
    """At most ``SENTENCE_MAX_LOST_SHARE`` of the page's non-ASCII characters lost a byte: with
    more, the sentences around a lost syllable are too damaged to judge it by (UTF-8 Korean
    read as Big5 or EUC-JP loses a byte of most characters, read as GBK of about a quarter)."""
    non_ascii = sum(len(run) for piece in pieces for run in NON_ASCII_RUN.findall(piece))
    return lost_chars <= SENTENCE_MAX_LOST_SHARE * non_ascii


def _sentence_language(text: str, systems: frozenset[str]) -> str:
    """The language whose sentence model (``sentence_score``) may choose ``text``, one character:
    "ko" for a Hangul syllable, "ja" for kana or a Han character of a page with kana; else ""."""
    if len(text) != 1:
        return ""
    system = langmodel.writing_system(text)
    if system == "hangul" and "\uac00" <= text <= "\ud7a3":
        return "ko"
    if system == "kana" or system == "han" and "kana" in systems:
        return "ja"
    return ""


def _choose_by_sentence(
    pieces: list[str],
    undecided: list[tuple[int, list[int], tuple[tuple[str, tuple], ...], str]],
    guesses: list[tuple[int, ...]],
    data: bytearray,
) -> None:
    """Choose again each Korean or Japanese character that lost a byte, among the character
    model's best readings, by a sentence model's score of its text line (``sentence_score``),
    cut where a character was left lost.

    Why: a lost last byte is most often a particle's (Korean 의/이/은/을, Japanese の/に/は/な
    share all other bytes), and which particle a word takes depends on the words around it;
    the character model, built from lists of single words, cannot see that.  Does nothing for
    a language whose sentence model is not turned on (``sentence_languages``) or not installed.
    """
    starts = list(accumulate(map(len, pieces), initial=0))
    text = "".join(pieces)
    enabled = sentence_languages()
    for window, lost, ranked, language in undecided:
        score = sentence_score(language) if language in enabled else None
        if score is None:
            continue
        piece = 2 * window + 1
        where = starts[piece]
        before = SENTENCE_CUT.split(text[max(0, where - SENTENCE_CONTEXT_CHARS) : where])[-1]
        after = SENTENCE_CUT.split(text[where + 1 : where + 1 + SENTENCE_CONTEXT_CHARS])[0]
        if len(SENTENCE_LETTER.findall(before + after)) < SENTENCE_MIN_LETTERS:
            continue  # a name or a title: too little sentence to judge by
        best = max(ranked, key=lambda reading: score(before + reading[0] + after))
        if best[0] != pieces[piece]:
            pieces[piece] = best[0]
            guesses[window] = best[1]
            for place, value in zip(lost, best[1]):
                data[place] = value


def sentence_languages() -> frozenset[str]:
    """The languages whose sentence model ``$FIXENC_SENTENCE_MODELS`` turns on."""
    return sentence_models(os.environ.get(SENTENCE_MODELS_ENV, ""))[0]


@cache
def sentence_score(language: str) -> Callable[[str], float] | None:
    """A score of a line of text in ``language``, higher for likelier, or None when its model
    is not installed: "ko", the log-probability of the best analysis under Kiwi's language
    model (the optional ``kiwipiepy``); "ja", minus MeCab's cost of the best path through
    UniDic (the optional ``mecab-python3`` and ``unidic-lite``)."""
    try:
        if language == "ko":
            from kiwipiepy import Kiwi

            kiwi = Kiwi()
            return lambda text: kiwi.analyze(text, top_n=1)[0][1]
        if language == "ja":
            import MeCab
            import unidic_lite

            tagger = MeCab.Tagger(f"-d {unidic_lite.DICDIR}")
            return lambda text: -_path_cost(tagger, text)
    except ImportError:
        return None
    return None


def _path_cost(tagger, text: str) -> int:
    """MeCab's cost of the best analysis of ``text``: the total cost kept on its last node."""
    node = tagger.parseToNode(text)
    cost = 0
    while node is not None:
        cost = node.cost
        node = node.next
    return cost


class _CharWidths(dict):
    """Length of each character in the wrong codec, filled as characters are met; a lost byte is one."""

    def __init__(self, codec: str) -> None:
        super().__init__({LOST: 1})
        self.codec = codec

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 1 if ch < "\x80" else len(ch.encode(self.codec))
        return width


# codec -> its _CharWidths: the byte offset of every character of a page is a C-level map
# over the page instead of a Python loop (it was a tenth of a damaged page's time).
_CHAR_WIDTHS: dict[str, _CharWidths] = {}


def _char_widths(codec: str) -> _CharWidths:
    widths = _CHAR_WIDTHS.get(codec)
    if widths is None:
        widths = _CHAR_WIDTHS[codec] = _CharWidths(codec)
    return widths


class _CharOffsets:
    """The byte offset of each character of the damaged text in ``codec`` (and of its end).

    A sequence for ``bisect``, worked out from the non-ASCII runs only: ASCII characters are
    one byte each, and a page is mostly markup (listing every offset of a 170,000-character
    page took a quarter of its re-decoding).
    """

    def __init__(self, damaged: str, codec: str) -> None:
        widths = _char_widths(codec)
        self.size = len(damaged) + 1
        self.char_starts: list[int] = []
        self.byte_starts: list[int] = []
        self.run_offsets: list[list[int]] = []
        extra = 0  # bytes beyond one a character, before the current run
        for run in NON_ASCII_RUN.finditer(damaged):
            inner = list(accumulate(map(widths.__getitem__, run.group()), initial=0))
            self.char_starts.append(run.start())
            self.byte_starts.append(run.start() + extra)
            self.run_offsets.append(inner)
            extra += inner[-1] - len(inner) + 1

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise IndexError(index)
        run = bisect_right(self.char_starts, index) - 1
        if run < 0:
            return index
        inner = self.run_offsets[run]
        inside = index - self.char_starts[run]
        if inside < len(inner):
            return self.byte_starts[run] + inner[inside]
        return self.byte_starts[run] + inner[-1] + inside - len(inner) + 1

    def count_at_most(self, byte: int) -> int:
        """How many characters start at or before ``byte``: ``bisect_right(self, byte)`` worked
        out from the runs (bisecting the sequence itself called ``__getitem__`` some 30 times a
        window, a tenth of a lossy page's time)."""
        run = bisect_right(self.byte_starts, byte) - 1
        if run < 0:
            count = byte + 1  # ASCII before the first run: one byte a character
        else:
            inner = self.run_offsets[run]
            inside = byte - self.byte_starts[run]
            if inside <= inner[-1]:
                count = self.char_starts[run] + bisect_right(inner, inside)
            else:  # in the ASCII after the run
                count = self.char_starts[run] + len(inner) + inside - inner[-1]
        return max(0, min(count, self.size))


def _redamage_bounds(start: int, end: int, offsets: _CharOffsets) -> tuple[int, int]:
    """Indexes of the damaged characters whose bytes hold the window and two bytes after it."""
    first = offsets.count_at_most(start) - 1
    last = offsets.count_at_most(end + 1)  # bisect_left(offsets, end + 2): offsets are whole
    if last >= len(offsets):
        last = len(offsets) - 1
    return first, last


def _window_key(
    data: bytearray, lost: list[int], start: int, end: int, offsets: _CharOffsets, damaged: str
) -> tuple[bytes, str, int, int, tuple[int, ...]]:
    """A window as ``_window_readings`` takes it: the bytes of the damaged characters that hold
    it and two bytes after it, those characters, and the window and its lost bytes in them."""
    first, last = _redamage_bounds(start, end, offsets)
    origin = offsets[first]
    return (
        bytes(data[origin : offsets[last]]),
        damaged[first:last],
        start - origin,
        end - origin,
        tuple(place - origin for place in lost),
    )


def _window_readings(
    window: bytes, expected: str, start: int, end: int, lost: tuple[int, ...], codec: str,
    whole_lost: bool = False,
) -> tuple[tuple[str, tuple], ...]:
    """The readings of ``window[start:end]`` that the wrong decoder turns into ``expected``
    (``whole_lost`` as ``_readings`` takes it).

    Cached: the same characters lose the same bytes all over a page and across the pages
    of one site or stream.
    """
    global _cached_readings
    key = (window, expected, start, end, lost, codec, whole_lost)
    readings = _READINGS.get(key)
    if readings is None:
        data = bytearray(window)
        # A character that lost all three bytes is told apart by how the page's own decoder
        # lost them: under a laxer one of its family most common characters would fit (EUC-KR,
        # which has no pair of cp949's extension, loses 이 as it loses 은).
        own_reader = whole_lost and _three_lost_in_a_row(lost)
        readings = tuple(_redamaging(
            _readings(data, start, end, set(lost), whole_lost), data, lost, expected, codec, own_reader))
        _cached_readings += len(readings) + 1
        if _cached_readings > READINGS_CACHE_SIZE:
            _READINGS.clear()
            _cached_readings = len(readings) + 1
        _READINGS[key] = readings
    return readings


def _three_lost_in_a_row(lost: tuple[int, ...]) -> bool:
    """Do the (sorted) positions of lost bytes hold three in a row, all of a character's?"""
    return any(later == place + 2 for place, later in zip(lost, lost[2:]))


# Readings kept by ``_window_readings``, at most about this many in all (then all are dropped,
# a soft bound on memory: a window may have thousands of readings).
READINGS_CACHE_SIZE = 200_000
_READINGS: dict[tuple, tuple[tuple[str, tuple], ...]] = {}
_cached_readings = 0


def _redamaging(
    readings: list[tuple[str, tuple]],
    window: bytearray,
    places: tuple[int, ...],
    expected: str,
    codec: str,
    own_reader: bool = False,
) -> list[tuple[str, tuple]]:
    """The readings of real characters whose bytes the wrong decoder turns into the damaged text
    (with ``own_reader``, ``codec`` itself; otherwise any decoder of its family)."""
    readings = [reading for reading in readings if _possible(reading[0])]
    readers = (codec,) if own_reader else _readers(codec)
    fitting = _fitting_in_one_decode(readings, window, places, expected, readers)
    if fitting is not None:
        return [reading for reading, fits in zip(readings, fitting) if fits]
    kept = []
    for reading in readings:
        for place, value in zip(places, reading[1]):
            window[place] = value
        # The guess must fit one decoder of the codec's family (READER_FAMILIES).
        if any(_read_as(window, reader) == expected for reader in readers):
            kept.append(reading)
    return kept


def _fitting_in_one_decode(
    readings: list[tuple[str, tuple]],
    window: bytearray,
    places: tuple[int, ...],
    expected: str,
    readers: tuple[str, ...],
) -> list[bool] | None:
    """Whether each reading fits, from one decode per reader of every filled window joined by
    NUL bytes; None where that could differ from decoding each window alone.

    Why: a character that lost two bytes has thousands of readings, and decoding each on
    its own was a third of a lossy page's time.  No codec's multi-byte character holds a
    NUL, so each NUL is read alone and the pieces line up with the readings (checked by
    their count).  A window whose last character is no U+FFFD decodes alone with every
    decision made inside it, so it fits alone only if its piece equals ``expected``; a
    piece that does is confirmed alone (the NUL after a cut-off character may change how
    its bytes were split).
    """
    if (
        not readings
        or expected.endswith(LOST)
        or 0 in window
        or list(places) != sorted(set(places))
    ):
        return None
    cuts = [-1, *places, len(window)]
    template = b"%c".join(
        bytes(window[before + 1 : after]).replace(b"%", b"%%") for before, after in pairwise(cuts)
    )
    joined = b"\0".join([template % values for _, values in readings])
    fitting = [False] * len(readings)
    for reader in readers:
        pieces = _read_as(joined, reader).split("\0")
        if len(pieces) != len(readings):
            return None
        for index, piece in enumerate(pieces):
            if piece == expected and not fitting[index]:
                alone = template % readings[index][1]
                fitting[index] = _read_as(alone, reader) == expected
    return fitting


def _read_as(data: bytes | bytearray, reader: str) -> str:
    """``data`` as the wrong decoder ``reader`` reads it, each ``PLACEHOLDER`` as a lost byte.

    Why: cp932 reads the byte FF as U+F8F3, a private-use character, where every other reader
    gives U+FFFD; a window with another character's lost byte in its context then never read as
    the damage did, and no reading fitted (UTF-8 Korean read as cp932 lost "안전" between two
    such bytes).  UTF-8 holds no byte FF, so each U+F8F3 of the reading is a placeholder.
    """
    text = data.decode(reader, "replace")
    own = _placeholder_reading(reader)
    return text.replace(own, LOST) if own != LOST and own in text else text


@cache
def _placeholder_reading(reader: str) -> str:
    return bytes((PLACEHOLDER,)).decode(reader, "replace")


@lru_cache(maxsize=1 << 16)  # a window's readings hold thousands of characters
def _possible(text: str) -> bool:
    """No character of ``text`` is one a guess may not produce (``IMPOSSIBLE_CATEGORIES``)."""
    return not any(unicodedata.category(char) in IMPOSSIBLE_CATEGORIES for char in text)


def _readers(codec: str) -> tuple[str, ...]:
    family = next(family for family in READER_FAMILIES if codec in family)
    return (codec, *(other for other in family if other != codec))


class _PageNgrams(dict):
    """N-gram -> ``PAGE_WEIGHT * log(1 + count)``, and ``chars``, every character of those
    n-grams: a reading of none of them gets no bonus, without looking its n-grams up;
    ``systems``, the writing systems (``langmodel.writing_system``) of those characters; and
    ``japanese``, whether they are Japanese (``langmodel.is_japanese``: its comma is 、)."""

    def __init__(self, weights: dict[str, float]) -> None:
        super().__init__(weights)
        self.chars = frozenset("".join(weights))
        self.systems = frozenset(map(langmodel.writing_system, self.chars))
        self.japanese = langmodel.is_japanese(self.chars)
        self.fits = _FitsPage(self.systems)


class _FitsPage(dict):
    """Reading -> ``_fits_page`` on a page of these writing systems, filled as readings are
    met (a page's windows share most of their readings)."""

    def __init__(self, systems: frozenset[str]) -> None:
        super().__init__()
        self.systems = systems

    def __missing__(self, text: str) -> bool:
        fits = self[text] = _fits_page(text, self.systems)
        return fits


def _page_ngrams(data: bytearray, windows: list[tuple[int, int, list[int]]]) -> _PageNgrams:
    """``PAGE_WEIGHT * log(1 + count)`` of the page's character bigrams and trigrams that hold a
    non-ASCII character (the bonus ``_page_bonus`` adds up, computed once per n-gram)."""
    counts: Counter = Counter()
    position = 0
    for start, end, _ in [*windows, (len(data), len(data), [])]:
        text = data[position:start].decode(RIGHT_CODEC, "replace")
        for run in NON_ASCII_CONTEXT.findall(text):
            counts.update(map(str.__add__, run, run[1:]))
            counts.update(map("".join, zip(run, run[1:], run[2:])))
        position = end
    return _PageNgrams({ngram: PAGE_WEIGHT * math.log1p(count) for ngram, count in counts.items()})


def _fits_page(text: str, systems: frozenset[str]) -> bool:
    """Are the letters of no modelled script in a reading of lost bytes (``langmodel.writing_system``'s
    "script NAME") of scripts the page's undamaged text has?  Any letter decodes from some bytes: a
    Korean page's lost lead byte read as an Arabic presentation form (ﯼ) or a Cham digit
    scored as well as a rare Hangul syllable."""
    return all(
        system in systems
        for system in map(langmodel.writing_system, text) if system.startswith("script ")
    )


def _rank_readings(
    readings: tuple[tuple[str, tuple], ...],
    left: str,
    right: str,
    page: _PageNgrams,
    closing: str = "",
    at_end: bool = False,
    word: tuple[str, str] = ("", ""),
    certain: bool = False,
) -> tuple[tuple[str, tuple], ...] | None:
    """The readings of one window within ``RANKED_WITHIN`` nats of the best, best first, as the
    model, the frequency of punctuation, the page and the word lists score them; or None when
    the best holds less than ``GUESS_CONFIDENCE`` of the probability.

    ``word``: the letters around the window, so that a reading that completes a known word of
    a listed script (``langmodel.word_rank``) gains as in the span engine ("новых", not "новыт").

    ``closing``: closing marks whose opening marks are open on the line (a quotation that
    opened with “ ends with ”, not with the commoner "…": the lost last byte is all that
    tells them apart); ``at_end``: the window ends the page, as a line break would.

    ``certain``: a reading that leads the others by ``CERTAIN_MARGIN`` on the cheap ranking
    (unigrams, punctuation, the page's n-grams, units) is taken alone, unscored by the model,
    unless a sentence model may choose again among the readings (``_sentence_language``).
    """
    if not readings:
        return None
    if len(readings) == 1:  # it holds all the probability: no need to score it
        return readings
    # The model's bigrams are the costly part: they score only the readings that lead on
    # unigrams and the page's own n-grams (the rest hold a negligible share).
    first = len(left)
    shortlisted = len(readings) > READING_SHORTLIST
    following = right[:1]
    prescored = []
    for reading in readings:
        text = reading[0]
        # Most readings hold characters the page never shows: they get no bonus.
        bonus = (
            0.0
            if page.chars.isdisjoint(text)
            else _page_bonus(left + text + right, first, first + len(text), page)
        ) + _known_word_bonus(text, word)
        # Only a reading that holds a unit may follow a number (most hold none).
        units = (
            0.0 if langmodel.NUMERAL_UNITS.isdisjoint(text)
            else langmodel.after_number_logprob(left[-1:] + text)
        )
        if not (shortlisted or certain):  # all are scored by the full model: no need to rank them
            prescored.append((0.0, bonus, units, reading))
            continue
        prior = _reading_prior(text, following, closing, at_end, page.japanese)
        prescored.append((prior + bonus + units, bonus, units, reading))
    if certain:
        taken = _certain_reading(prescored, page)
        if taken is not None:
            return (taken,)
    if shortlisted:
        prescored.sort(key=lambda item: -item[0])
        prescored = prescored[:READING_SHORTLIST]
    scores = []
    for _, bonus, _, (text, _) in prescored:
        context = left + text + right
        # Marks of punctuation tie under the model: their own frequency decides.
        total = langmodel.text_score(langmodel.scoring_form(context), True).total
        punctuation = langmodel.punctuation_logprob(context, at_end, closing, page.japanese)
        scores.append(total + punctuation + bonus)
    best = max(scores)
    share = 1.0 / sum(math.exp(score - best) for score in scores)
    if share < GUESS_CONFIDENCE:
        return None
    # A unit after a number (``langmodel.NUMERAL_UNITS``) chooses among the readings (12月, not
    # 12有) but never turns an unsure window into a guess: the page is judged by the model,
    # which reads digits as neutral, and a guess it cannot see held junk pages under MARGIN.
    with_units = [score + item[2] for score, item in zip(scores, prescored)]
    order = sorted(range(len(scores)), key=lambda index: -with_units[index])
    return tuple(
        prescored[index][3] for index in order
        if index == order[0] or scores[index] >= best - RANKED_WITHIN
    )


def _certain_reading(
    prescored: list[tuple[float, float, float, tuple[str, tuple]]], page: _PageNgrams
) -> tuple[str, tuple] | None:
    """The reading that leads the others by ``CERTAIN_MARGIN`` on the cheap ranking, unless a
    sentence model may choose again among them (``_sentence_language``); else None."""
    best, runner_up = heapq.nlargest(2, prescored, key=itemgetter(0))
    if best[0] - runner_up[0] < CERTAIN_MARGIN or _sentence_language(best[3][0], page.systems):
        return None
    return best[3]


@lru_cache(maxsize=1 << 16)
def _reading_prior(
    text: str, following: str, closing: str = "", at_end: bool = False, japanese: bool = False
) -> float:
    """Unigrams of a reading and the frequency of its marks of punctuation, ``following`` the
    character after it (``closing``, ``at_end`` and ``japanese`` as
    ``langmodel.punctuation_logprob`` takes them): what ranks a window's readings before the
    full model scores the best.

    Cached: the same characters lose the same bytes all over a page and across pages.
    """
    unigrams = sum(map(langmodel.char_logprob, text))
    return unigrams + langmodel.punctuation_logprob(text + following, at_end, closing, japanese)


def _page_bonus(context: str, first: int, last: int, page: _PageNgrams) -> float:
    """log(1 + count) on the page of each bigram and trigram that holds a guessed character."""
    bonus = 0.0
    for size in (2, 3):
        for i in range(max(0, first - size + 1), min(last, len(context) - size + 1)):
            bonus += page.get(context[i : i + size], 0.0)
    return bonus
