"""Markup stage: HTML becomes text; leftover tag fragments in text pages go.

Whole pages of HTML become their visible text (or, through the article
extractor, their article); text pages that carry pieces of tags (a page cut
inside ``<img alt="..." />``, a stray ``</span>`` or its damaged ``?/span>``)
lose those pieces, while text such as ``a < b`` stays.

lxml.html is used directly (BeautifulSoup's lxml builder parses ~10x slower on
these pages; see the article extractor's measurements).
"""

from __future__ import annotations

import html as html_module
import re

from .result import Fix

HTML_SIGNATURE = re.compile(
    r"<(?:!doctype\s+html|html|head|body|div|p|table|ul|ol|br|meta|article|rss|feed|\?xml)\b",
    re.IGNORECASE,
)
DROPPED_TAGS = ("script", "style", "noscript", "template", "head")
BLOCK_TAGS = frozenset(
    ["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header", "footer", "nav", "aside", "blockquote", "pre", "hr", "dd", "dt", "dl", "figure", "figcaption", "main", "form", "title", "item", "entry"]
)
UNPARSEABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

# libxml2 (lxml) drops everything below its 256th level of nesting, silently;
# deeper pages are turned into text without a tree (``flat_text``).
MAX_NESTING = 255
VOID_TAGS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
     "track", "wbr"]
)
# Elements a parser closes when another of the same kind opens (<p>, <li> left open).
SELF_CLOSING_SIBLINGS = frozenset(["p", "li", "dt", "dd", "tr", "td", "th", "option"])
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*>")
# Comments, declarations and processing instructions: no visible text.
NOT_SHOWN = re.compile(r"<!--.*?(?:-->|$)|<[?!][^<>]*>", re.DOTALL)
RAW_TEXT_OPEN = re.compile(r"<(script|style|noscript|template)\b", re.IGNORECASE)

__all__ = ["TooDeep", "check_depth", "flat_text", "html_to_text", "looks_like_html",
           "nests_too_deep", "strip_markup_fragments"]


class TooDeep(Exception):
    """The markup nests deeper than lxml parses (``MAX_NESTING``): ``flat_text`` reads it."""


def check_depth(parser) -> None:
    """Raise ``TooDeep`` when the last parse with this lxml parser stopped at its nesting limit.

    Why here and not before parsing: libxml2 reports the limit in the parse's error log
    ("Excessive depth in document"), which costs nothing, where a scan of the tags of every
    page (``nests_too_deep``) cost ~4 ms a page, a tenth of an article extraction.
    """
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise TooDeep


def looks_like_html(text: str) -> bool:
    """A whole page of markup, not text with a stray fragment or two."""
    return len(HTML_SIGNATURE.findall(text[:20000])) >= 2


def html_to_text(html: str) -> tuple[str, list[Fix]]:
    """All visible text: scripts, styles and comments dropped, blocks on their own lines."""
    import lxml.html  # here: text streams that hold no HTML never load lxml
    from lxml import etree

    cleaned = UNPARSEABLE.sub("", html)
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(cleaned.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        check_depth(parser)
        return "", [Fix("markup", detail="no text in markup")]
    check_depth(parser)
    parts: list[str] = []
    _collect(root, parts)
    return "".join(parts), [Fix("markup", detail="HTML converted to text")]


def _collect(element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is None or tag in DROPPED_TAGS:
        if element.tail:
            parts.append(element.tail)
        return
    block = tag in BLOCK_TAGS
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _collect(child, parts)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(element.tail)


def nests_too_deep(html: str) -> bool:
    """Whether the markup nests deeper than lxml can parse (``MAX_NESTING``), without parsing.

    The pipeline learns it from the parse itself (``check_depth``); this scan is for callers
    that do not parse.

    A linear scan with an open-element stack, closing an element with its end
    tag (and whatever it left open), so pages of unclosed <p> do not count as deep.
    """
    if html.count("<") <= MAX_NESTING:
        return False
    stack: list[str] = []
    for match in TAG.finditer(html):
        name = match[2].lower()
        if match[1]:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
        elif name not in VOID_TAGS and not match[0].endswith("/>"):
            if name in SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
                continue
            stack.append(name)
            if len(stack) > MAX_NESTING:
                return True
    return False


def flat_text(html: str) -> tuple[str, list[Fix]]:
    """Visible text of markup too deep for a tree: tags removed, blocks on their own lines."""
    parts: list[str] = []
    position = 0
    lowered = html.lower()
    while True:
        opening = RAW_TEXT_OPEN.search(html, position)
        end = len(html) if opening is None else opening.start()
        parts.append(TAG.sub(_tag_break, NOT_SHOWN.sub("", html[position:end])))
        if opening is None:
            break
        closing = lowered.find(f"</{opening[1].lower()}", opening.end())
        if closing < 0:
            break
        position = lowered.find(">", closing) + 1 or len(html)
    text = html_module.unescape("".join(parts))
    return text, [Fix("markup", detail=f"markup nested deeper than {MAX_NESTING}: tags removed")]


def _tag_break(match: re.Match) -> str:
    return "\n" if match[2].lower() in BLOCK_TAGS else ""


# HTML elements whose stray closing tags are left behind in flattened text.
HTML_ELEMENTS = (
    "a|abbr|article|aside|b|big|blockquote|body|center|cite|code|dd|del|div|dl|dt|em|"
    "figcaption|figure|font|footer|h1|h2|h3|h4|h5|h6|head|header|html|i|ins|label|li|"
    "main|mark|nav|ol|p|pre|q|s|section|small|span|strike|strong|sub|sup|table|tbody|"
    "td|tfoot|th|thead|title|tr|tt|u|ul"
)
# A closing tag, also when its "<" was lost to a decoding error ("?/span>").
_STRAY_CLOSING_TAG = re.compile(rf"(?:<|[?\ufffd])/(?:{HTML_ELEMENTS})\s*>", re.IGNORECASE)
# A page cut in the middle of a tag starts with the tag's tail: 'alt text" />'.
# (Bounded: a lazy run followed by unbounded whitespace took quadratic time on
# a long first line of spaces; an attribute's text is far shorter than 1000.)
_LEADING_TAG_TAIL = re.compile(r"\A([^<>\n]{0,1000}?)\s{0,64}[\"']\s{0,64}/?>[ \t]*")
# ... or ends with the tag's head: '<img src="...'.
_TRAILING_TAG_HEAD = re.compile(r"<[A-Za-z][^<>\n]*\Z")


def strip_markup_fragments(text: str) -> tuple[str, list[Fix]]:
    """Remove pieces of HTML tags left in a text page: a cut tag at either end, stray closing tags.

    The attribute text of a cut tag (an image's alt text) is kept; whether it
    is article text is for :func:`remove_chrome_lines` to judge.

    >>> strip_markup_fragments('Badge" />\\nText</span> and more?/span>.')[0]
    'Badge\\nText and more.'
    """
    fixes = []
    head = _LEADING_TAG_TAIL.match(text)
    if head:
        fixes.append(_markup_fix(head.start(), head.end(), head[0], head[1], "cut tag tail"))
    pieces = [head[1]] if head else []
    done = head.end() if head else 0
    stray = list(_STRAY_CLOSING_TAG.finditer(text, done))
    for match in stray:
        pieces.append(text[done : match.start()])
        done = match.end()
    tail = _TRAILING_TAG_HEAD.search(text, done)
    end = tail.start() if tail else len(text)
    pieces.append(text[done:end])
    if stray:
        first = stray[0]
        fixes.append(
            _markup_fix(first.start(), first.end(), first[0], "", "stray closing tag", len(stray))
        )
    if tail:
        fixes.append(_markup_fix(tail.start(), tail.end(), tail[0], "", "cut tag head"))
    if not fixes:
        return text, []
    return "".join(pieces), fixes


def _markup_fix(start: int, end: int, before: str, after: str, what: str, count: int = 1) -> Fix:
    return Fix(
        kind="markup", start=start, end=end, before=before, after=after, count=count, detail=what
    )
