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
    """The Python text codec for a charset label, after WHATWG mapping; None if unknown or refused.

    Labels come from the page itself, so bytes-to-bytes codecs (hex, zlib...)
    and ``REFUSED_CODECS`` count as unknown.
    """
    label = label.strip().lower()
    name = WHATWG_LABELS.get(label, label)
    try:
        info = codecs.lookup(name)
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
                data.decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
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
    if any(data.startswith(magic) for magic in BINARY_MAGIC) or b"\x00" in data[:8192]:
        raise NotTextError("binary file, not text")
    try:
        return _decoded(data.decode("utf-8"), "utf-8", "valid UTF-8")
    except UnicodeDecodeError:
        pass
    for source, label in (("declared by caller", declared), ("declared in page", declared_charset(data))):
        codec = python_codec(label) if label else None
        if not codec or codec in ("utf-8", "utf-16-le", "utf-16-be"):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return _decoded(text, codec, f"{source} as {label!r}")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise NotTextError("not text in any known encoding")
    return _decoded(str(best), best.encoding, "detected by charset-normalizer")


def _decoded(text: str, encoding: str, reason: str) -> Decoded:
    return Decoded(text, encoding, (Fix("decode", detail=f"{encoding}: {reason}"),))
