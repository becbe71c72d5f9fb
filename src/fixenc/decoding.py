"""Decoding stage: a page's bytes become text.

Order of evidence: a BOM; UTF-16/32 shape without BOM; strictly valid UTF-8
(it wins over any detector, which misreads UTF-8 that holds mojibake); a
declared charset (from the caller or the page itself) when the bytes decode
under it; finally charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .errors import NotTextError
from .result import Fix

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# WHATWG Encoding Standard label mapping (the labels browsers honour).
WHATWG_LABELS = {
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
    "us-ascii": "cp1252", "iso8859-1": "cp1252", "l1": "cp1252", "windows-1252": "cp1252",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "chinese": "gb18030",
    "csgb2312": "gb18030", "gb_2312-80": "gb18030", "gb18030": "gb18030", "cp936": "gb18030",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "ms_kanji": "cp932",
    "windows-31j": "cp932", "x-sjis": "cp932", "csshiftjis": "cp932",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "windows-949": "cp949", "cseuckr": "cp949",
    "euc-jp": "euc_jp", "x-euc-jp": "euc_jp", "iso-2022-jp": "iso2022_jp",
    "iso-8859-9": "cp1254", "latin5": "cp1254", "iso-8859-11": "cp874", "tis-620": "cp874",
    "macintosh": "mac_roman", "x-mac-roman": "mac_roman", "x-mac-cyrillic": "mac_cyrillic",
    "utf-16": "utf-16-le", "unicode": "utf-16-le", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}

DECLARATION = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_:.+-]+)""",
    re.IGNORECASE,
)

BINARY_MAGIC = (
    b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"\x1f\x8b", b"%PDF", b"PK\x03\x04",
    b"\x7fELF", b"BZh", b"\xfd7zXZ", b"RIFF", b"\x00\x00\x01\x00",
)


# Single-byte codecs whose 0x80-0x9F are C1 controls, and the Windows code page
# that gives those bytes printable characters (what browsers use for the label).
C1_SUPERSETS = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252",
                "tis-620": "cp874", "iso8859-11": "cp874", "iso8859-9": "cp1254"}

# Single-byte code pages of Latin-script languages, most used first (the order
# breaks ties): the candidates the language model chooses among.
LATIN_SINGLE_BYTE = ("cp1252", "cp1250", "iso8859-2", "cp1254", "iso8859-15", "iso8859-16",
                     "cp1257", "iso8859-13", "mac-roman")
LATIN_SAMPLE_CHARS = 2000
# The model overrules the detector only with this many non-ASCII characters to
# go on: a page whose only non-ASCII byte is a pound sign ("\xa3825") reads as
# well with a Polish letter there, and byte statistics are the better judge.
LATIN_MIN_EVIDENCE = 16
LATIN_EVIDENCE = re.compile("[^\x00-\x7f]")
C1_CONTROLS = re.compile("[\x80-\x9f]")

# Vendor supersets a detector may name, and the standard they extend: when the
# standard reads every byte it is used, as with a declared label (they differ in
# how they map a few shared codes, e.g. Shift_JIS 0x817C is U+2212, cp932 U+FF0D).
STANDARD_SUBSETS = {"cp932": "shift_jis", "gbk": "gb2312", "gb18030": "gb2312",
                    "cp949": "euc_kr", "cp950": "big5", "big5hkscs": "big5"}

# How browsers read the standard code pages: Python's own gb2312 and shift_jis tables map a
# few pairs differently from WHATWG's decoders (gb2312 A1A4 is U+30FB, not the middle dot
# U+00B7 every browser shows), so text named by the standard is read with its superset.
WEB_READINGS = {"gb2312": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949", "big5": "cp950"}

# Stateful 7-bit encodings recognised by their escape sequences, most specific first.
ISO2022_CODECS = ("iso2022_kr", "iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    fixes: tuple[Fix, ...]


# Codecs Python decodes with but no page is written in: they interpret the
# input (escapes, IDNA, UTF-7's base64) or always fail.  A page declaring one
# must not choose how its own bytes are read.
REFUSED_CODECS = frozenset(
    ("undefined", "unicode-escape", "raw-unicode-escape", "utf-7", "idna", "punycode")
)


def python_codec(label: str) -> str | None:
    """The Python text codec for a charset label, after WHATWG mapping; None if unknown or refused."""
    label = label.strip().lower()
    return _lookup(WHATWG_LABELS.get(label, label))


def declared_codecs(label: str) -> tuple[str, ...]:
    """Python codecs to try, in order, for a declared charset label.

    The label's own codec comes first when it differs from the WHATWG superset
    only in what it maps (GB2312 reads A1AA as U+2015, GBK as U+2014): a page
    that decodes strictly under its own label is taken at its word.  Where the
    label's codec would turn 0x80-0x9F into C1 controls (ISO-8859-1, TIS-620,
    ISO-8859-9), only the Windows superset is tried, as browsers do.
    """
    label = label.strip().lower()
    own = _lookup(label)
    mapped = python_codec(label)
    if own in C1_SUPERSETS:
        return (C1_SUPERSETS[own],)
    return tuple(dict.fromkeys(codec for codec in (own, mapped) if codec))


def _lookup(label: str) -> str | None:
    """The Python text codec of exactly this label; None if unknown or refused.

    Labels come from the page itself, so bytes-to-bytes codecs (hex, zlib...)
    and ``REFUSED_CODECS`` count as unknown.
    """
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in REFUSED_CODECS:
        return None
    return info.name


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in <meta> or an XML declaration, in its first 8 KB."""
    match = DECLARATION.search(data[:8192])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace")


def _utf16_32_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16/32 by where the NUL bytes of ASCII text fall."""
    sample = data[:4096]
    if len(sample) < 8 or sample.count(0) < len(sample) // 4:
        return None
    for codec, step, offset in (("utf-32-le", 4, 1), ("utf-32-be", 4, 0), ("utf-16-le", 2, 1),
                                 ("utf-16-be", 2, 0)):
        zeros = sample[offset::step].count(0)
        if step == 4 and sample[2::4].count(0) < len(sample[2::4]) * 0.9:
            continue
        if zeros >= len(sample[offset::step]) * 0.9:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if text.count("\x00") * 10 < len(text):
                return codec
    return None


def _single_byte(codec: str) -> bool:
    return len(bytes(range(128, 256)).decode(codec, "replace")) == 128


def _reading_score(text: str) -> float:
    """Mean log-probability per character of the text's distinct non-ASCII words."""
    from .langmodel import text_logprob

    words = " ".join(dict.fromkeys(word for word in text.split() if not word.isascii()))
    return text_logprob(words[:LATIN_SAMPLE_CHARS])


def _best_latin_reading(data: bytes) -> tuple[str, str, float] | None:
    """The Latin code page under which the page's non-ASCII words read best.

    charset-normalizer tells the Latin code pages apart by byte statistics and
    confuses those that share most letters (ISO-8859-2 and Windows-1250 differ
    in a dozen); the character model knows which letters follow which in each
    language, so it is asked to score only the words that differ.  A reading
    that turns bytes 0x80-0x9F into C1 controls is never chosen.
    """
    best: tuple[float, str, str] | None = None
    for codec in LATIN_SINGLE_BYTE:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if C1_CONTROLS.search(text):
            continue
        score = _reading_score(text)
        if best is None or score > best[0]:
            best = (score, codec, text)
    return (best[1], best[2], best[0]) if best else None


def _looks_binary(data: bytes) -> bool:
    """Magic numbers of common binary formats, or NUL bytes among non-ASCII ones.

    Pure ASCII with NUL padding is still text (a strict ASCII decode keeps it).
    """
    if any(data.startswith(magic) for magic in BINARY_MAGIC):
        return True
    head = data[:8192]
    return b"\x00" in head and not head.isascii()


def _iso2022(data: bytes) -> Decoded | None:
    """ISO-2022-JP/KR: 7-bit bytes whose escape sequences switch character sets."""
    for codec in ISO2022_CODECS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x1b" not in text and text != data.decode("ascii"):
            return _decoded(text, codec, "escape sequences of a 7-bit encoding")
    return None


def _plausible(text: str) -> bool:
    from charset_normalizer.md import mess_ratio

    return mess_ratio(text[:20000], 0.25) < 0.25


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a page's bytes, recording which codec was used and why."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return _decoded(data.decode(codec, "replace"), codec, "byte-order mark")
    wide = _utf16_32_without_bom(data)
    if wide:
        return _decoded(data.decode(wide), wide, "UTF-16/32 without byte-order mark")
    if _looks_binary(data):
        raise NotTextError("binary file, not text")
    if b"\x1b" in data and data.isascii():
        stateful = _iso2022(data)
        if stateful:
            return stateful
    try:
        return _decoded(data.decode("utf-8"), "utf-8", "valid UTF-8")
    except UnicodeDecodeError:
        pass
    for source, label in (("declared by caller", declared), ("declared in page", declared_charset(data))):
        for codec in declared_codecs(label) if label else ():
            if codec in ("utf-8", "utf-16-le", "utf-16-be"):
                continue
            try:
                text = _web_decode(data, codec)
            except UnicodeDecodeError:
                continue
            if _plausible(text):
                return _decoded(text, codec, f"{source} as {label!r}")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise NotTextError("not text in any known encoding")
    text, codec = str(best), codecs.lookup(best.encoding).name
    standard = STANDARD_SUBSETS.get(codec)
    if standard:
        try:
            return _decoded(_web_decode(data, standard), standard,
                            f"detected by charset-normalizer as {codec}; the standard "
                            f"{standard} reads every byte")
        except UnicodeDecodeError:
            pass
    if _single_byte(codec) and len(LATIN_EVIDENCE.findall(text)) >= LATIN_MIN_EVIDENCE:
        rival = _best_latin_reading(data)
        if rival and rival[0] != codec and rival[2] > _reading_score(text):
            return _decoded(rival[1], rival[0], f"language model over Latin code pages "
                                                f"(charset-normalizer said {codec})")
    return _decoded(text, codec, "detected by charset-normalizer")


def _web_decode(data: bytes, codec: str) -> str:
    """``data`` strictly decoded as ``codec``, with the mappings browsers use for it.

    >>> _web_decode(b"\\xa1\\xa4", "gb2312")
    '·'
    """
    text = data.decode(codec)
    web = WEB_READINGS.get(codec)
    if web:
        try:
            return data.decode(web)
        except UnicodeDecodeError:
            pass
    return text


def _decoded(text: str, encoding: str, reason: str) -> Decoded:
    return Decoded(text, encoding, (Fix("decode", detail=f"{encoding}: {reason}"),))
