"""The pipeline: bytes --decoding--> str --repair--> str --markup--> text --normalize--> output.

Each stage is a pure function returning (text, fixes); this module only
chains them and builds the Result.  Fix spans index the text as the stage
that made them received it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .decoding import decode_bytes
from .markup import (
    TooDeep,
    flat_text,
    html_to_text,
    looks_like_html,
    strip_markup_fragments,
)
from .misaligned import repair_misaligned_double_byte
from .normalize import normalize_whitespace
from .options import Options
from .repair import repair_mojibake
from .result import Fix, Result
from .wholepage import redecode_page

# The mojibake stage runs again on its own output while that changes, at most this often, so
# repairing fixenc's output again changes nothing.  Why: a refused lossy span can hide a
# lossless island, and a C1 control next to a repaired span only reads as damage once its
# neighbour is repaired; both were repaired by a second run (found by the idempotence
# properties).  Clean text stops after the first pass.
MOJIBAKE_PASSES = 3
# Whitespace inside a line that normalisation rewrites (NBSP, U+3000, tabs, runs of spaces).
INNER_LAYOUT = re.compile("[\t\u00a0\u3000]|  ")


def repair_bytes(data: bytes, *, charset: str | None = None, extract: str = "auto",
                 script: str = "auto", keep_chrome: bool = False,
                 skip: Iterable[str] = ()) -> Result:
    """Decode, repair and (unless extract="none") turn a page's bytes into clean text.

    ``skip`` names layers of ``LAYERS`` to leave alone.
    """
    decoded = decode_bytes(data, charset)
    result = _run(decoded.text, Options(extract, script, keep_chrome, skip))
    return Result(result.text, decoded.encoding, decoded.fixes + result.fixes,
                  result.changed, result.metadata)


def repair_text(text: str, *, extract: str = "auto", script: str = "auto",
                keep_chrome: bool = False, skip: Iterable[str] = ()) -> Result:
    """Repair text that is already decoded (maybe wrongly, long ago)."""
    return _run(text, Options(extract, script, keep_chrome, skip))


def _run(text: str, options: Options) -> Result:
    fixes: list[Fix] = []
    metadata: dict = {}
    skip = options.skip
    out = text
    if "mojibake" not in skip:
        out, found = redecode_page(out)
        fixes += found
        out, found = _repair_mojibake_until_stable(out)
        fixes += found
    html = looks_like_html(out)
    if not html and "misaligned" not in skip:
        out, found = repair_misaligned_double_byte(out)
        fixes += found
    if options.extract != "none":
        # Imported here: text fields of a crawl (extract "none") never reach these stages, and
        # their Han character classes took a twentieth of such a process's start-up.
        from .chinese import repair_chinese_text
        from .chrome import remove_chrome_lines

        mode = options.extract
        if mode == "auto":
            mode = "article" if html else "text"
        markup_removed = html
        if html:
            try:
                out, found, metadata = _markup_text(out, mode)
            except TooDeep:
                out, found = flat_text(out)
            fixes += found
        else:
            out, found = strip_markup_fragments(out)
            fixes += found
            markup_removed = bool(found)
        if markup_removed and "mojibake" not in skip:
            # Removing tags (or a text page's stray fragments) can join the pieces of a
            # character a tag had split ("caf<b>Ã</b>©") or change a span's context; without
            # this, repairing the output again changed it.
            out, found = _repair_mojibake_until_stable(out)
            fixes += found
        out, found = repair_chinese_text(out, options.script, skip)
        fixes += found
        if not html and not options.keep_chrome:
            out, found = remove_chrome_lines(out)
            fixes += found
        if "whitespace" not in skip:
            inner_layout = INNER_LAYOUT.search(out) is not None
            out, found = normalize_whitespace(out)
            fixes += found
            if inner_layout and "mojibake" not in skip:
                # Judged once more as printed: a layout NBSP that became a space changes what
                # ftfy proposes next to it ("&\xa0Å\ufffd" kept, "& Å\ufffd" repaired), and
                # repairing the output again must change nothing.  Only when spaces inside a
                # line changed: a page whose damage was left as it is is not searched twice.
                repaired, found = _repair_mojibake_until_stable(out)
                if repaired != out:
                    fixes += found
                    out, found = normalize_whitespace(repaired)
                    fixes += found
    return Result(out, None, tuple(fixes), out != text, metadata)


def _markup_text(html: str, mode: str) -> tuple[str, list[Fix], dict]:
    """The article (mode "article") or all visible text of a page of markup, and its metadata.

    Raises ``TooDeep`` for markup nested deeper than lxml parses (the caller reads it flat).
    """
    if mode != "article":
        out, found = html_to_text(html)
        return out, found, {}
    # Imported here: the article extractor and lxml are only loaded for pages of markup
    # (a stream of extracted text never needs them).
    from .article import extract_article

    article = extract_article(html)
    metadata = {"title": article.title, "author": article.author, "date": article.date}
    return article.text, [Fix("markup", detail="article extracted")], metadata


def _repair_mojibake_until_stable(text: str) -> tuple[str, list[Fix]]:
    fixes: list[Fix] = []
    for _ in range(MOJIBAKE_PASSES):
        repaired, found = repair_mojibake(text)
        fixes += found
        if repaired == text:
            break
        text = repaired
    return text, fixes
