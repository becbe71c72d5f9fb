"""Format keeping: repair a file's text and give back a file of the same kind.

``--in-place``, ``--check`` and ``--diff`` must not turn a page into article
text: a text file stays text, an HTML file keeps its markup, a JSON Lines file
keeps its keys, order and untouched lines byte for byte.  Only the repair
stages run here (decoding, mojibake, out-of-phase double-byte text and the
Chinese converter damage); extraction, chrome removal and whitespace layout
never do, so a clean file is left exactly as it was.

A file whose text needs no repair is returned unchanged, whatever its
encoding: transcoding alone is not a repair.  A file whose encoding could only
be guessed by a detector is left unchanged too (a note says so): repairing on
top of a wrong guess would corrupt the only copy.  A repaired file is written as
UTF-8 (keeping a UTF-8 byte-order mark if it had one); an HTML file then has
its charset declaration updated to say so.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from .decoding import decode_bytes, python_codec
from .errors import FixencError
from .markup import looks_like_html
from .result import Fix

FORMATS = ("text", "html", "jsonl")
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})

# Attributes that address resources: their values must stay byte for byte,
# even when they look damaged, or the links they hold would break.
URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "action", "formaction", "cite", "data", "poster", "background",
    "longdesc", "usemap", "codebase", "manifest", "ping", "xmlns", "id", "class", "name", "for",
    "charset", "http-equiv", "lang", "type", "rel",
})

HTML_TOKEN = re.compile(
    r"""<!--(?P<comment>.*?)-->
      | <!\[CDATA\[(?P<cdata>.*?)\]\]>
      | <![^>]*>
      | <\?.*?\?>
      | (?P<open><(?P<raw>script|style)\b(?:[^>"']|"[^"]*"|'[^']*')*>)(?P<body>.*?)</(?P=raw)\s*>
      | </?[A-Za-z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""",
    re.DOTALL | re.IGNORECASE | re.VERBOSE,
)
HTML_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
META_TAG = re.compile(r"<meta\b", re.IGNORECASE)
HEAD_TAG = re.compile(r"<head\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
CONTENT_CHARSET = re.compile(r"(charset\s*=\s*)([A-Za-z0-9_:.+-]+)", re.IGNORECASE)
XML_ENCODING = re.compile(r"""(encoding\s*=\s*["'])([A-Za-z0-9_:.+-]+)(["'])""", re.IGNORECASE)
# Characters that carry markup meaning: a repair that adds or removes one is refused.
MARKUP_CHARACTERS = "<>&\"'"
# Joins the repairable pieces of a page so the language model sees them together.
PIECE_SEPARATOR = "\n\ue000\n"

# Decoding names the detector in every reason for an encoding it only guessed (no BOM,
# not UTF-8, nothing declared, no escapes): "detected by charset-normalizer [as ...]",
# "language model over Latin code pages (charset-normalizer said ...)".
GUESSED_ENCODING = "charset-normalizer"

REPAIR_PASSES = 3

JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]')


@dataclass(frozen=True)
class Kept:
    """A repaired file in its own format.

    ``data`` is the file's new content (the input itself when nothing
    changed); ``before``/``after`` are its decoded text, for diffs.  ``note``
    says why a repair that was found was not made.
    """

    data: bytes
    format: str
    encoding: str
    fixes: tuple[Fix, ...]
    changed: bool
    before: str
    after: str
    note: str | None = None


def detect_format(name: str, text: str = "") -> str:
    """text, html or jsonl: by the file name's suffix, else HTML by its content."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HTML_SUFFIXES or looks_like_html(text):
        return "html"
    return "text"


def repair_keeping_format(data: bytes, name: str = "", *, charset: str | None = None,
                          script: str = "auto", fields: tuple[str, ...] = (),
                          skip: frozenset[str] = frozenset()) -> Kept:
    """Repair a file's bytes and return them in the file's own format.

    ``name`` (a path or file name) picks the format by its suffix; ``fields``
    limits a JSON Lines repair to those top-level keys; ``skip`` names
    pipeline layers to leave alone (see ``pipeline.LAYERS``).
    """
    if os.path.splitext(name)[1].lower() in JSONL_SUFFIXES:
        return repair_jsonl(data, fields=fields, script=script, skip=skip)
    decoded = decode_bytes(data, charset)
    if detect_format(name, decoded.text) == "html":
        after, fixes = (decoded.text, []) if "mojibake" in skip else repair_html_text(decoded.text)
        fmt = "html"
    else:
        after, fixes = repair_plain_text(decoded.text, script, skip)
        fmt = "text"
    fixes = list(decoded.fixes) + fixes
    if after == decoded.text:
        return Kept(data, fmt, decoded.encoding, tuple(fixes), False, decoded.text, after)
    if any(fix.kind == "decode" and GUESSED_ENCODING in fix.detail for fix in decoded.fixes):
        # A repair on top of a guessed decoding compounds two guesses; a wrong one would be
        # written over the only copy.  --charset turns the guess into evidence.
        note = (f"encoding only guessed ({decoded.encoding}); left as is, "
                "pass --charset to repair")
        return Kept(data, fmt, decoded.encoding, tuple(fixes), False, decoded.text,
                    decoded.text, note)
    if fmt == "html":
        after = declare_utf8(after, insert=decoded.encoding not in ("utf-8", "utf-8-sig"))
    bom = "\ufeff" if decoded.encoding == "utf-8-sig" else ""
    return Kept((bom + after).encode("utf-8"), fmt, decoded.encoding, tuple(fixes), True,
                decoded.text, after)


def repair_plain_text(text: str, script: str = "auto", skip: frozenset[str] = frozenset()
                      ) -> tuple[str, list[Fix]]:
    """The repairs that keep a text's layout: mojibake, out-of-phase spans, converter damage.

    Repeated (at most `REPAIR_PASSES`) until stable, so in-place repair is idempotent.
    """
    # Imported here, in the process that repairs (see options.py).
    from .chinese import repair_chinese_text
    from .misaligned import repair_misaligned_double_byte
    from .repair import repair_mojibake

    stages = [stage for layer, stage in (("mojibake", repair_mojibake),
                                         ("misaligned", repair_misaligned_double_byte))
              if layer not in skip]
    stages.append(lambda page: repair_chinese_text(page, script, skip))
    fixes: list[Fix] = []
    for _ in range(REPAIR_PASSES):
        before = text
        for stage in stages:
            text, found = stage(text)
            fixes += found
        if text == before:
            break
    return text, fixes


def repair_html_text(html: str) -> tuple[str, list[Fix]]:
    """Repair only text: text nodes, comments, script/style bodies and readable attribute values.

    Tag and attribute names stay byte for byte, and so do URL-like attribute
    values.  A piece whose repair would add or drop a markup character is
    kept as it was.  Fix spans index the joined repairable pieces, not the page.
    """
    from .repair import repair_mojibake

    pieces = [(start, end) for start, end in _text_pieces(html)
              if not html.isascii() and not html[start:end].isascii()]
    repaired, fixes = _repair_pieces([html[start:end] for start, end in pieces], repair_mojibake)
    parts: list[str] = []
    position = 0
    for (start, end), new in zip(pieces, repaired):
        parts.append(html[position:start])
        parts.append(new)
        position = end
    parts.append(html[position:])
    return "".join(parts), fixes


def _text_pieces(html: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every span of a page that holds text rather than markup."""
    position = 0
    for token in HTML_TOKEN.finditer(html):
        yield position, token.start()
        for group in ("comment", "cdata", "body"):
            if token.group(group):
                yield token.span(group)
        tag = token.group("open") or token.group()
        if not tag.startswith(("<!", "<?", "</")):
            for attribute in HTML_ATTRIBUTE.finditer(tag):
                if attribute.group(1).lower() not in URL_ATTRIBUTES:
                    start, end = token.start() + attribute.start(3), token.start() + attribute.end(3)
                    quoted = attribute.group(3)[0] in "\"'"
                    yield start + quoted, end - quoted
        position = token.end()
    yield position, len(html)


def _repair_pieces(pieces: list[str], repair: Callable[[str], tuple[str, list[Fix]]]
                   ) -> tuple[list[str], list[Fix]]:
    """Repair many short pieces together (the model sees their context), until stable.

    A repaired span can give the next one the context it lacked, so passes
    repeat (at most `REPAIR_PASSES`) until nothing changes: a second run of
    --check after --in-place must find nothing.  Pieces whose separators do
    not survive a pass are repaired one by one.
    """
    fixes: list[Fix] = []
    for _ in range(REPAIR_PASSES):
        joined, found = repair(PIECE_SEPARATOR.join(pieces))
        repaired = joined.split(PIECE_SEPARATOR)
        if len(repaired) != len(pieces):
            repaired, found = [], []
            for piece in pieces:
                new, piece_fixes = repair(piece)
                repaired.append(new)
                found += piece_fixes
        repaired = [new if _same_markup(old, new) else old for old, new in zip(pieces, repaired)]
        fixes += found
        if repaired == pieces:
            break
        pieces = repaired
    return pieces, fixes


def _same_markup(old: str, new: str) -> bool:
    return all(old.count(char) == new.count(char) for char in MARKUP_CHARACTERS)


def declare_utf8(html: str, insert: bool = True) -> str:
    """Make the page's charset declarations say UTF-8.

    With ``insert``, a page that declares nothing gets ``<meta charset="utf-8">``
    after <head>: it was read in another encoding and must not be guessed again.
    """
    declared = False
    parts: list[str] = []
    position = 0
    for token in HTML_TOKEN.finditer(html):
        tag = token.group()
        new = tag
        if META_TAG.match(tag):
            new = HTML_ATTRIBUTE.sub(_utf8_attribute, tag)
        elif tag.startswith("<?xml"):
            new = XML_ENCODING.sub(_utf8_xml_encoding, tag)
        if new != tag or (META_TAG.match(tag) and "charset" in tag.lower()):
            declared = True
        parts.append(html[position:token.start()])
        parts.append(new)
        position = token.end()
    parts.append(html[position:])
    out = "".join(parts)
    if insert and not declared:
        head = HEAD_TAG.search(out)
        if head:
            out = out[: head.end()] + '<meta charset="utf-8">' + out[head.end():]
    return out


def _utf8_attribute(attribute: re.Match) -> str:
    name, equals, value = attribute.groups()
    if name.lower() == "charset" and python_codec(value.strip("\"'")) != "utf-8":
        quote = value[0] if value[0] in "\"'" else ""
        return f"{name}{equals}{quote}utf-8{quote}"
    if name.lower() == "content":
        return name + equals + CONTENT_CHARSET.sub(_utf8_label, value)
    return attribute.group()


def _utf8_xml_encoding(declaration: re.Match) -> str:
    if python_codec(declaration.group(2)) == "utf-8":
        return declaration.group()
    return declaration.group(1) + "utf-8" + declaration.group(3)


def _utf8_label(label: re.Match) -> str:
    """A charset label that says UTF-8 already stays as written ("UTF-8", "utf8")."""
    return label.group() if python_codec(label.group(2)) == "utf-8" else label.group(1) + "utf-8"


def repair_jsonl(data: bytes, *, fields: tuple[str, ...] = (), script: str = "auto",
                 skip: frozenset[str] = frozenset()) -> Kept:
    """Repair the string values of each JSON line; other bytes stay as they were.

    With ``fields``, only values under those top-level keys are repaired.
    Keys are never touched.  A line that is not JSON makes the whole file
    fail: it is not JSON Lines, and guessing would risk its data.
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as error:
        raise FixencError(f"not UTF-8 JSON Lines (byte {error.start})") from None
    lines = text.split("\n")
    fixes: list[Fix] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            json.loads(line)
        except ValueError:
            raise FixencError(f"line {number} is not JSON") from None
        lines[number - 1], found = _repair_json_line(line, number, fields, script, skip)
        fixes += found
    after = "\n".join(lines)
    if after == text:
        return Kept(data, "jsonl", "utf-8", tuple(fixes), False, text, after)
    return Kept((("\ufeff" if bom else "") + after).encode("utf-8"), "jsonl", "utf-8",
                tuple(fixes), True, text, after)


def _repair_json_line(line: str, number: int, fields: tuple[str, ...], script: str,
                      skip: frozenset[str]) -> tuple[str, list[Fix]]:
    fixes: list[Fix] = []
    parts: list[str] = []
    position = 0
    for token, field in _string_values(line):
        if fields and field not in fields:
            continue
        raw = token.group()
        if raw.isascii() and "\\u" not in raw:
            continue
        value = json.loads(raw)
        if value.isascii():
            continue
        new, found = repair_plain_text(value, script, skip)
        where = f"line {number}" + (f", field {field!r}" if field is not None else "")
        fixes += [replace(fix, detail=f"{where}; {fix.detail}" if fix.detail else where)
                  for fix in found]
        if new != value:
            parts.append(line[position:token.start()])
            parts.append(json.dumps(new, ensure_ascii=raw.isascii()))
            position = token.end()
    parts.append(line[position:])
    return "".join(parts), fixes


def _string_values(line: str) -> Iterator[tuple[re.Match, str | None]]:
    """Each string value of a JSON line with the top-level key it lies under (keys skipped)."""
    stack: list[str] = []
    expect_key = False
    top_key: str | None = None
    for token in JSON_TOKEN.finditer(line):
        text = token.group()
        if text in ("{", "["):
            stack.append(text)
            expect_key = text == "{"
        elif text in ("}", "]"):
            stack.pop()
            expect_key = False
        elif text == ",":
            expect_key = bool(stack) and stack[-1] == "{"
        elif text == ":":
            expect_key = False
        elif expect_key:
            if len(stack) == 1:
                top_key = json.loads(text)
            expect_key = False
        else:
            yield token, top_key if stack and stack[0] == "{" else None
