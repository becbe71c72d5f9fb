"""Markup stage: HTML becomes text; leftover tag fragments in text pages go.

lxml.html is used directly (BeautifulSoup's lxml builder parses ~10x slower on
these pages; see the article extractor's measurements).
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from .chrome import strip_markup_fragments
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

__all__ = ["html_to_text", "looks_like_html", "strip_markup_fragments"]


def looks_like_html(text: str) -> bool:
    """A whole page of markup, not text with a stray fragment or two."""
    return len(HTML_SIGNATURE.findall(text[:20000])) >= 2


def html_to_text(html: str) -> tuple[str, list[Fix]]:
    """All visible text: scripts, styles and comments dropped, blocks on their own lines."""
    cleaned = UNPARSEABLE.sub("", html)
    try:
        root = lxml.html.document_fromstring(
            cleaned.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, ValueError):
        return "", [Fix("markup", detail="no text in markup")]
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
