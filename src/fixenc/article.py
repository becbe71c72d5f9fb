"""Main-content extraction: the article of a full HTML page as plain text, plus its metadata.

Why this exists: users want the story, not the page.  A scraped page is mostly navigation,
headers, footers, share widgets, related-article lists, comments and notices; the article is
one container somewhere in the middle.  The approach is readability-style and runs on the lxml
tree directly.  Measured on the article-extraction benchmark's pages: BeautifulSoup (lxml
builder) takes ~16 ms to parse a page, ``lxml.html`` ~1.2 ms, and this whole extraction ~8 ms,
so going through the soup would cost more than everything else together:

1. parse with ``lxml.html``; read metadata (title, author, date) from meta tags, JSON-LD,
   ``<time>`` and byline elements before anything is removed;
2. drop elements that are never article text (scripts, forms controls, hidden elements) and
   boilerplate recognised by tag, ARIA role, or class/id words (``BOILERPLATE_WORDS``);
3. score candidate containers by the paragraphs beneath them (text length, commas, link
   density, readability's weights), keep the best one (moved up to the ancestor of an article
   split into sections) plus sibling blocks that qualify, then prune link lists inside it;
4. serialise the kept blocks to text: paragraphs and headings separated by blank lines, list
   items and table rows on their own lines, table cells joined by `` | ``.

A page whose markup shows far less than the articleBody its JSON-LD states (script-rendered
pages) gets that articleBody; a page with no prose at all gets its visible text.
RSS/Atom feeds (common in crawls) have no article: their channel title and item titles and
descriptions are the text.

Only general signals are used: no site names or strings taken from sample pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import lxml.etree
import lxml.html

from .markup import check_depth

__all__ = ["Article", "extract_article"]


@dataclass(frozen=True)
class Article:
    """What `extract_article` found.

    ``text`` is the article body (headings inside it included); the page title is kept apart
    in ``title`` because it is metadata: callers that print the article put it first.
    ``author`` and ``date`` are ``None`` when the page does not state them; ``date`` is the
    string the page gives (usually ISO 8601).
    """

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None

    def as_text(self) -> str:
        """Title, a blank line, then the body: what a reader expects to see."""
        if self.title and not self.text.startswith(self.title):
            return f"{self.title}\n\n{self.text}" if self.text else self.title
        return self.text


# Elements that never hold article text.
DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
        "canvas", "audio", "video", "source", "track", "map", "button", "input", "select",
        "option", "textarea", "label", "fieldset", "dialog", "menu", "nav", "aside", "link",
        "meta", "head", "img", "picture", "area",
    }
)  # fmt: skip
# Figures: photos with their captions and credits.
FIGURE_TAGS = frozenset({"figure", "figcaption"})
# Lines that only label an ad slot or an interruption, in the languages seen most on the web.
AD_LABEL = re.compile(
    r"^(?:advertisement|advertisements|advert|adverts|ad|ads|sponsored|sponsored content|"
    r"anzeige|werbung|publicidad|publicité|pubblicità|reklama|реклама|广告|広告|광고|"
    r"story continues below|article continues below|continue reading below)$",
    re.IGNORECASE,
)
# Short lines that only date the page ("Updated 9:41 AM"): metadata, not article text.
DATELINE = re.compile(
    r"^(?:published|updated|posted|last updated|first published|veröffentlicht|aktualisiert|"
    r"publié|mis à jour|publicado|actualizado|pubblicato|aggiornato)\b(?=.*\d).{0,70}$",
    re.IGNORECASE,
)
# Page furniture: dropped unless it holds most of the page's paragraphs (some sites misuse them).
FURNITURE_TAGS = frozenset({"header", "footer", "form"})
DROP_ROLES = frozenset(
    {
        "navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog",
        "menu", "menubar", "search", "toolbar", "tooltip", "alert", "marquee",
    }
)  # fmt: skip
# Words in class/id attributes that mark boilerplate blocks.  Matched as whole words of the
# attribute (split on non-letters), so "ad" does not hit "header" or "read".
BOILERPLATE_WORDS = re.compile(
    r"^(?:ads?|advert\w*|advertisement|adslot|adunit|banner|breadcrumbs?|byline|"
    r"comments?|commenting|disqus|cookies?|consent|gdpr|footer|header|masthead|"
    r"menu|nav|navbar|navigation|newsletter|newsletters|subscribe|subscription|"
    r"promo|promos|promotion|sponsor|sponsored|outbrain|taboola|related|recommended|"
    r"recirc|recirculation|trending|popular|sidebar|sidebars|rail|share|sharing|"
    r"social|sharebar|toolbar|tools|print|pagination|pager|tags?|tagline|topics?|"
    r"author|bio|signup|modal|popup|overlay|widget|widgets|skip|hidden|hide|"
    r"visually|sr|screen|offscreen|caption|credits?|meta|dateline|timestamp|"
    r"more|next|prev|previous|jump|login|register|donate|feedback|survey|"
    r"skyscraper|leaderboard|teaser|teasers|carousel|slideshow|gallery|video|player|"
    r"audio|podcast|embed|follow|rss|print|email|correction|disclaimer|"
    r"copyright|legal|references|newsfeed|ticker|alert|alerts|notification|toast)$"
)
# Boilerplate words no article wrapper carries: these blocks go whatever they hold.
STRONG_BOILERPLATE_WORDS = re.compile(
    r"^(?:comments?|commenting|disqus|cookies?|consent|gdpr|newsletters?|outbrain|taboola|"
    r"sharebar|recirc|recirculation)$"
)
# A block named like boilerplate is kept when it holds more than this share of the page's prose.
WRAPPER_SHARE = 0.5
# Words that mark the article container; they protect a block from the boilerplate words.
CONTENT_WORDS = re.compile(
    r"^(?:article|articles|articlebody|body|content|contents|entry|main|post|story|"
    r"text|prose|blog|page|column|copy|richtext|rich|paragraph|paragraphs)$"
)
# Readability's class weights: positive and negative evidence for a scoring candidate.
POSITIVE_WORDS = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story"
)
NEGATIVE_WORDS = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|"
    r"footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|"
    r"sidebar|skyscraper|sponsor|shopping|tags|tool|widget|newsletter|subscribe|recirc"
)
# The page's own statement of where its article is, or a quotation embedded in the article (a
# tweet in a "video-container"): a block holding one is no boilerplate.
ARTICLE_MARKERS = lxml.etree.XPath(
    "descendant::article | descendant::main | descendant::*[@itemprop='articleBody']"
    " | descendant::blockquote"
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
ATTRIBUTE_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# Only the whitespace of the markup's layout is collapsed; no-break and other Unicode spaces
# are text (and "Â\xa0" is a mojibake pattern the repair stage must still see).
LAYOUT_SPACE = re.compile(r"[ \t\n\r\f\v]+")
# The words of a line, to tell a repeat of the title whatever its marks.
WORD = re.compile(r"\w+")
LAYOUT_SPACE_CHARS = " \t\n\r\f\v"
SENTENCE_END = re.compile(r"[.!?。！？…:;\"”’)]\s*$")

# Never judged by their class names: the page itself, its article, and table internals
# (table rows are named by their data: "player-20", "oddrow").
KEEP_TAGS = frozenset({"body", "html", "article", "main", "tr", "td", "th", "tbody", "thead"})
# Blocks inside the article that are checked for link lists and widgets after it is chosen.
TEXT_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6"})
PRUNABLE_TAGS = (
    "div",
    "section",
    "ul",
    "ol",
    "dl",
    "figure",
    "span",
    "form",
    "table",
    *TEXT_BLOCK_TAGS,
)
# A pruned block's link text share ("Read more: <a>...</a>" paragraphs may link more);
# blocks with many commas are prose and stay.
MAX_LINK_DENSITY = 0.5
MAX_LINK_DENSITY_TEXT = 0.7
PROSE_COMMAS = 10
# A sibling of the article container joins it only if it is mostly prose, not link teasers.
MAX_SIBLING_LINK_DENSITY = 0.3
# List items start with a bullet so a reader sees the list.
LIST_BULLET = "- "
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Blocks whose text is scored as a paragraph.
PARAGRAPH_TAGS = frozenset({"p", "pre", "td", "blockquote", "dd", "li"})
# Elements that start a new block when serialised.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "dl",
        "li", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "figure", "figcaption",
        "address", "center", "details", "summary", "hr", "caption", "body", "html",
    }
) | HEADINGS  # fmt: skip
# Scoring weight of a candidate by its tag (readability's values).
TAG_WEIGHTS = {
    "div": 5, "article": 10, "main": 5, "section": 3, "pre": 3, "td": 3, "blockquote": 3,
    "address": -3, "ol": -3, "ul": -3, "dl": -3, "dd": -3, "dt": -3, "li": -3, "form": -3,
    "h1": -5, "h2": -5, "h3": -5, "h4": -5, "h5": -5, "h6": -5, "th": -5,
}  # fmt: skip
# Readability's rule for articles split into sections: when MIN_RIVALS of the next best
# TOP_CANDIDATES score within RIVAL_SHARE of the best and share an ancestor with it, that
# ancestor is the article.
TOP_CANDIDATES = 5
RIVAL_SHARE = 0.75
MIN_RIVALS = 3
COMMA = re.compile(r"[,，、،]")
# A paragraph shorter than this is too short to vote for its container.
MIN_PARAGRAPH_CHARS = 25
JSON_STRING_FIELD = re.compile(r'"(headline|datePublished|articleBody)"\s*:\s*"((?:[^"\\]|\\.)*)"')
# JSON-LD articleBody replaces the extracted text only when it is this many times longer.
STATED_BODY_FACTOR = 2
# Characters lxml cannot hold in a tree (C0 controls but tab and newlines, non-characters and
# lone surrogates): they are no visible text, so they go, a form feed becoming a space.
NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "date", "dc.date", "dc.date.issued", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "article.published", "published_time",
    "article:modified_time", "datemodified", "last-modified",
)  # fmt: skip
AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl")
# A social-media handle names the author only when nothing better does.
HANDLE_META = "twitter:creator"
TITLE_META = ("og:title", "twitter:title", "headline", "dc.title", "parsely-title")
BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:posted|written|words|text|analysis|story|report)\s+)?"
    r"(?:by|von|par|por|di|от|text:|texto:|texte:)\s+",
    re.IGNORECASE,
)
# The opening lines searched for a repeated title or a byline, and a byline's longest form.
LEADING_LINES = 6
MAX_BYLINE_CHARS = 80
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
DIGIT = re.compile(r"\d")
BYLINE_CLASS = re.compile(r"byline|author|writer|creator", re.IGNORECASE)


def extract_article(html: str, url: str | None = None, *, captions: bool = False) -> Article:
    """Return the main text of a full page and its title, author and date.

    >>> page = ('<html><head><title>Rain due - Daily</title></head><body><nav><a href="/">Home</a>'
    ...         '</nav><article><h1>Rain due</h1><p>It will rain tomorrow, forecasters said, '
    ...         'so bring an umbrella.</p></article><footer>(c) Daily</footer></body></html>')
    >>> extract_article(page).text
    'It will rain tomorrow, forecasters said, so bring an umbrella.'
    >>> extract_article(page).title
    'Rain due'

    ``url`` is accepted for callers that know it; extraction does not depend on it.
    ``captions`` keeps figure captions (photo descriptions and credits); they are left out by
    default because they describe pictures the text does not show.  Table captions are kept.
    """
    del url  # reserved: no rule depends on the page's address.
    html = NOT_XML_TEXT.sub(_not_xml_text, XML_DECLARATION.sub("", html, count=1))
    if not html.strip():
        return Article("")
    if _looks_like_feed(html):
        try:
            feed = _extract_feed(html)
        except UnicodeDecodeError:
            # libxml2 in recovery mode keeps a character reference to a surrogate
            # ("&#xD800;") as bytes lxml cannot read back (found by tests/test_properties.py).
            feed = None
        if feed is not None:
            return feed
    parser = _html_parser()
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        check_depth(parser)
        return Article("")
    check_depth(parser)  # deeper than lxml parses: TooDeep, and the caller reads it flat
    linked = _json_ld(root)
    title, author, date = _find_metadata(root, linked)
    stated_body = linked.get("articleBody", "")
    text = _strip_leading_metadata(_main_text(root, captions), title, author)
    if not text:
        # No prose anywhere (a page of links, a frameset menu): all visible text beats nothing.
        text = _visible_text(lxml.html.document_fromstring(html, parser=_html_parser()))
    if len(stated_body) > STATED_BODY_FACTOR * len(text):
        # The page states its article in JSON-LD and the markup shows far less of it
        # (rendered by script): the page's own statement wins.
        text = stated_body
    return Article(text, title, author, date)


def _main_text(root: lxml.html.HtmlElement, captions: bool) -> str:
    body = _body(root)
    _drop_boilerplate(body, captions)
    blocks = _pick_content(body)
    for block in blocks:
        _prune_links(block)
    return _serialise(blocks)


def _visible_text(root: lxml.html.HtmlElement) -> str:
    body = _body(root)
    for element in [e for e in body.iter() if _boilerplate_kind(e, captions=True) == 2]:
        _remove(element)
    return _serialise([body])


def _body(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    body = root.find("body")
    return root if body is None else body


def _not_xml_text(match: re.Match) -> str:
    return " " if match.group() == "\x0c" else ""


def _html_parser() -> lxml.html.HTMLParser:
    """A parser per page (~3 us): its error log tells whether the page was too deep, and
    threads (a Dask worker's) never share one."""
    return lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)


# --- metadata -------------------------------------------------------------------------------


def _find_metadata(
    root: lxml.html.HtmlElement, linked: dict[str, str]
) -> tuple[str | None, str | None, str | None]:
    """Title, author and date as the page states them, strongest source first."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = element.get("content")
        key = key.strip().lower()
        if key and content and content.strip() and key not in meta:
            meta[key] = _clean(content)

    title = next((meta[k] for k in TITLE_META if k in meta), None) or linked.get("headline")
    if title and meta.get("og:site_name"):
        title = _strip_site_name(title, meta["og:site_name"])
    heading = root.find(".//h1")
    heading_text = _clean(heading.text_content()) if heading is not None else ""
    if not title:
        title = heading_text or _clean(root.findtext(".//title") or "") or None
    elif heading_text and heading_text in title:
        title = heading_text

    author = linked.get("author")
    if not author:
        author = next((meta[k] for k in AUTHOR_META if k in meta and not _is_url(meta[k])), None)
    if not author:
        author = _byline(root)
    if not author:
        author = meta.get(HANDLE_META)
    if author:
        author = BYLINE_PREFIX.sub("", author).strip() or None

    date = linked.get("datePublished") or next((meta[k] for k in DATE_META if k in meta), None)
    if not date:
        stamp = root.find(".//time")
        if stamp is not None:
            date = _clean(stamp.get("datetime") or stamp.text_content()) or None
    return title, author, date


def _json_ld(root: lxml.html.HtmlElement) -> dict[str, str]:
    """headline, author, datePublished and articleBody from the page's JSON-LD, if any."""
    found: dict[str, str] = {}
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            # strict=False: pages put raw newlines inside JSON strings.
            data = json.loads(script.text, strict=False)
        except ValueError:
            # Hand-written JSON-LD is often broken (comments, stray braces); its articleBody
            # string is still worth reading.
            data = _json_ld_fields(script.text)
        for item in _json_items(data):
            for key in ("headline", "datePublished"):
                value = item.get(key)
                if isinstance(value, str) and value.strip() and key not in found:
                    found[key] = _clean(value)
            body = item.get("articleBody")
            if isinstance(body, str) and len(body) > len(found.get("articleBody", "")):
                found["articleBody"] = body.strip()
            names = _author_names(item.get("author"))
            if names and "author" not in found:
                found["author"] = ", ".join(names)
    return found


def _json_ld_fields(text: str) -> dict:
    """The string fields of a JSON-LD block that does not parse, as an Article item."""
    fields: dict = {"@type": "Article"}
    for match in JSON_STRING_FIELD.finditer(text):
        key, value = match.groups()
        if key not in fields:
            try:
                fields[key] = json.loads(f'"{value}"', strict=False)
            except ValueError:
                continue
    return fields


def _json_items(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for entry in data:
            yield from _json_items(entry)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _json_items(data["@graph"])
        kind = data.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and ("Article" in k or k == "BlogPosting") for k in kinds):
            yield data


def _author_names(value: object) -> list[str]:
    if isinstance(value, str):
        return [] if _is_url(value) else [_clean(value)]
    if isinstance(value, dict):
        name = value.get("name")
        return [_clean(name)] if isinstance(name, str) and name.strip() else []
    if isinstance(value, list):
        return [name for entry in value for name in _author_names(entry)]
    return []


def _byline(root: lxml.html.HtmlElement) -> str | None:
    """The first short byline element's text; the innermost one, so dates beside it stay out."""
    for element in root.iter():
        if isinstance(element.tag, str) and _is_byline(element):
            while True:
                inner = next((e for e in element.iterdescendants() if _is_byline(e)), None)
                if inner is None or not _clean(" ".join(inner.itertext())):
                    break
                element = inner
            text = _clean(" ".join(element.itertext()))
            if 2 < len(text) < 80 and not DIGIT.search(text):
                return text
    return None


def _is_byline(element: lxml.html.HtmlElement) -> bool:
    if not isinstance(element.tag, str) or element.tag in DROP_TAGS:
        return False
    if element.get("rel") == "author":
        return True
    return bool(
        BYLINE_CLASS.search((element.get("class") or "") + " " + (element.get("itemprop") or ""))
    )


def _strip_site_name(title: str, site: str) -> str:
    """'Story - Site' -> 'Story': the site's name is not the article's title."""
    for separator in TITLE_SEPARATORS:
        if title.endswith(separator + site):
            return title[: -len(separator + site)].strip() or title
    return title


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "/"))


def _clean(text: str) -> str:
    """Text on one line, layout whitespace collapsed; empty if it shows nothing."""
    line = LAYOUT_SPACE.sub(" ", text).strip(LAYOUT_SPACE_CHARS)
    return line if line.strip() else ""


# --- boilerplate ----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _attribute_kind(value: str) -> int:
    """``_boilerplate_kind`` by class/id words alone.  Cached: a page repeats a few class
    names on thousands of elements, and matching their words was a tenth of a page's time."""
    words = [word.lower() for word in ATTRIBUTE_WORD.findall(value)]
    if not words:
        return 0
    if any(BOILERPLATE_WORDS.match(w) for w in words):
        if any(STRONG_BOILERPLATE_WORDS.match(w) for w in words):
            return 2
        return 0 if any(CONTENT_WORDS.match(w) for w in words) else 1
    return 0


def _boilerplate_kind(element: lxml.html.HtmlElement, captions: bool) -> int:
    """0: keep; 1: boilerplate by class/id words (a wrapper may be misnamed); 2: always drop."""
    tag = element.tag
    if not isinstance(tag, str) or tag in DROP_TAGS or (not captions and tag in FIGURE_TAGS):
        return 2
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return 2
    role = element.get("role")
    if role and role.lower() in DROP_ROLES:
        return 1
    style = element.get("style")
    if style and HIDDEN_STYLE.search(style):
        return 2
    if tag in FURNITURE_TAGS:
        return 1
    if tag in KEEP_TAGS:
        return 0
    return _attribute_kind((element.get("class") or "") + " " + (element.get("id") or ""))


def _drop_boilerplate(body: lxml.html.HtmlElement, captions: bool) -> None:
    """Remove boilerplate subtrees in place, keeping the tail text of each removed element.

    A block named like boilerplate that holds the page's article element or most of its prose
    is a wrapper with an unlucky class name ("header-style-2", "has-sidebar"), so it stays.
    """
    doomed = []
    suspects = []
    for element in body.iter():
        if not isinstance(element.tag, str):
            doomed.append(element)
            continue
        kind = _boilerplate_kind(element, captions)
        if kind == 2:
            doomed.append(element)
        elif kind == 1:
            suspects.append(element)
    for element in doomed:
        _remove(element)
    if suspects:
        lengths = _text_lengths(body)
        total = _prose_chars(body, lengths)
        for element in suspects:
            if _prose_chars(element, lengths) <= WRAPPER_SHARE * total and not any(
                True for _ in ARTICLE_MARKERS(element)
            ):
                _remove(element)


def _prose_chars(element: lxml.html.HtmlElement, lengths: _Lengths) -> int:
    return lengths.text.get(element, 0) - lengths.links.get(element, 0)


def _remove(element: lxml.html.HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = _settable((previous.tail or "") + tail)
        else:
            parent.text = _settable((parent.text or "") + tail)
    parent.remove(element)


def _settable(text: str) -> str:
    """``text`` without what lxml refuses to set, though its parser can put it in a tree
    (found by fuzzing: "&#xc;" in the tail of removed chrome raised ValueError)."""
    return NOT_XML_TEXT.sub(_not_xml_text, text)


# --- scoring --------------------------------------------------------------------------------


@dataclass
class _Lengths:
    """Characters of text, of link text, and of inline text (outside any block child)."""

    text: dict
    links: dict
    inline: dict


def _class_weight(element: lxml.html.HtmlElement) -> int:
    weight = 0
    for value in (element.get("class"), element.get("id")):
        if value:
            value = value.lower()
            if NEGATIVE_WORDS.search(value):
                weight -= 25
            if POSITIVE_WORDS.search(value):
                weight += 25
    return weight


def _text_lengths(body: lxml.html.HtmlElement) -> _Lengths:
    """Text, link-text and inline-text lengths beneath every element, in one bottom-up pass."""
    text_chars: dict = {}
    link_chars: dict = {}
    inline_chars: dict = {}
    for element in reversed(list(body.iter())):
        own = len((element.text or "").strip())
        inline = own
        links = 0
        for child in element:
            tail = len((child.tail or "").strip())
            child_chars = text_chars.get(child, 0)
            own += child_chars + tail
            inline += tail if child.tag in BLOCK_TAGS else child_chars + tail
            links += link_chars.get(child, 0)
        if element.tag == "a":
            links = own
        text_chars[element] = own
        link_chars[element] = links
        inline_chars[element] = inline
    return _Lengths(text_chars, link_chars, inline_chars)


def _pick_content(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The best-scoring container and the sibling blocks that belong with it."""
    lengths = _text_lengths(body)
    text_chars, link_chars = lengths.text, lengths.links

    def link_density(element: lxml.html.HtmlElement) -> float:
        chars = text_chars.get(element, 0)
        return link_chars.get(element, 0) / chars if chars else 0.0

    scores: dict = {}
    for element, inline in lengths.inline.items():
        if inline < MIN_PARAGRAPH_CHARS or element.tag not in BLOCK_TAGS | PARAGRAPH_TAGS:
            continue
        text = element.text_content()
        score = 1 + len(COMMA.findall(text)) + min(inline // 100, 3)
        score *= 1 - link_density(element)
        ancestor = element if element.tag not in PARAGRAPH_TAGS else element.getparent()
        level = 0
        while ancestor is not None and ancestor is not body and level < 5:
            if ancestor not in scores:
                scores[ancestor] = TAG_WEIGHTS.get(ancestor.tag, 0) + _class_weight(ancestor)
            divider = 1 if level == 0 else 2 if level == 1 else level * 3
            scores[ancestor] += score / divider
            ancestor = ancestor.getparent()
            level += 1
    if not scores:
        return [body]
    final = {element: score * (1 - link_density(element)) for element, score in scores.items()}
    top = max(final, key=final.get)
    best = _promote(top, final, body)
    best_score = max(final[top], final.get(best, 0.0))
    parent = best.getparent()
    if parent is None:
        return [best]
    threshold = max(10.0, best_score * 0.2)
    blocks = []
    for sibling in parent:
        if sibling is best:
            blocks.append(sibling)
            continue
        if not isinstance(sibling.tag, str):
            continue
        sibling_score = final.get(sibling, 0.0)
        if sibling_score >= threshold and link_density(sibling) < MAX_SIBLING_LINK_DENSITY:
            blocks.append(sibling)
        elif sibling.tag == "p":
            chars = text_chars.get(sibling, 0)
            density = link_density(sibling)
            if (chars > 80 and density < 0.25) or (
                0 < chars <= 80
                and density == 0
                and SENTENCE_END.search(sibling.text_content() or "")
            ):
                blocks.append(sibling)
    return blocks


def _promote(best: lxml.html.HtmlElement, final: dict, body: lxml.html.HtmlElement):
    """Move up from the best candidate to the container of the whole article.

    Articles split into several sections give several strong candidates: when enough of them
    share an ancestor with the best one, that ancestor is the article.  Otherwise walk up while
    the parents score higher (readability's rules), and past wrappers with a single child.
    """
    best_score = final[best]
    rivals = [
        element
        for element, score in sorted(final.items(), key=lambda item: -item[1])[1:TOP_CANDIDATES]
        if score >= RIVAL_SHARE * best_score
    ]
    if len(rivals) >= MIN_RIVALS:
        rival_ancestors = [set(rival.iterancestors()) | {rival} for rival in rivals]
        for ancestor in best.iterancestors():
            if ancestor is body:
                break
            if sum(ancestor in group for group in rival_ancestors) >= MIN_RIVALS:
                best = ancestor
                break
    last_score = final.get(best, best_score)
    floor = last_score / 3
    for ancestor in best.iterancestors():
        if ancestor is body:
            break
        if ancestor not in final:
            continue
        if final[ancestor] < floor:
            break
        if final[ancestor] > last_score:
            best = ancestor
            break
        last_score = final[ancestor]
    parent = best.getparent()
    while parent is not None and parent is not body and len(parent) == 1:
        best, parent = parent, parent.getparent()
    return best


def _prune_links(container: lxml.html.HtmlElement) -> None:
    """Remove link lists and link-only widgets that live inside the article container.

    Innermost blocks go first, and their text leaves the counts of the paragraphs around them,
    so a paragraph holding a hover card full of links loses the card, not its own sentence
    (counts of inline spans and text blocks are corrected; of containers, not).
    """
    lengths = _text_lengths(container)
    text_chars, link_chars = lengths.text, lengths.links
    for element in reversed(list(container.iter(*PRUNABLE_TAGS))):
        chars = text_chars.get(element, 0)
        if element is container or chars <= 0:
            continue
        density = link_chars.get(element, 0) / chars
        limit = MAX_LINK_DENSITY_TEXT if element.tag in TEXT_BLOCK_TAGS else MAX_LINK_DENSITY
        if density > limit and len(COMMA.findall(element.text_content())) < PROSE_COMMAS:
            links = link_chars.get(element, 0)
            for ancestor in element.iterancestors(*TEXT_BLOCK_TAGS, "span"):
                text_chars[ancestor] = text_chars.get(ancestor, 0) - chars
                link_chars[ancestor] = link_chars.get(ancestor, 0) - links
            _remove(element)


# --- serialising ----------------------------------------------------------------------------


class _TextWriter:
    """Collects inline text into lines, and lines into text with the separators blocks ask for.

    A separator requested at a block boundary waits until the next line of text, so nested
    blocks ending together give one blank line, never several.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.line: list[str] = []
        self.pending = ""
        self.prefix = ""

    def write(self, text: str | None) -> None:
        if text:
            self.line.append(text)

    def end_line(self, separator: str = "\n") -> None:
        text = _clean("".join(self.line))
        self.line = []
        if text and not AD_LABEL.match(text) and not DATELINE.match(text):
            self.write_raw(self.prefix + text)
            self.prefix = ""
        if len(separator) > len(self.pending):
            self.pending = separator

    def write_raw(self, text: str) -> None:
        if self.parts:
            self.parts.append(self.pending or "\n")
        self.parts.append(text)
        self.pending = ""

    def text(self) -> str:
        self.end_line()
        return "".join(self.parts).strip()


def _serialise(blocks: list[lxml.html.HtmlElement]) -> str:
    writer = _TextWriter()
    for block in blocks:
        _write_element(block, writer)
        writer.end_line("\n\n")
    return writer.text()


def _write_element(element: lxml.html.HtmlElement, writer: _TextWriter) -> None:
    tag = element.tag
    if not isinstance(tag, str):
        return
    if tag == "br":
        writer.end_line()
        return
    if tag == "table":
        _write_table(element, writer)
        return
    if tag == "pre":
        writer.end_line("\n\n")
        writer.write_raw(element.text_content().strip("\n"))
        writer.end_line("\n\n")
        return
    is_block = tag in BLOCK_TAGS
    if is_block:
        writer.end_line("\n\n" if tag not in ("li", "dt", "dd", "tr") else "\n")
    if tag == "li":
        writer.prefix = LIST_BULLET
    writer.write(element.text)
    for child in element:
        _write_element(child, writer)
        writer.write(child.tail)
    if is_block:
        writer.end_line("\n\n" if tag not in ("li", "dt", "dd", "tr") else "\n")
        writer.prefix = ""


def _write_table(table: lxml.html.HtmlElement, writer: _TextWriter) -> None:
    writer.end_line("\n\n")
    caption = table.find("caption")
    if caption is not None:
        writer.write(caption.text_content())
        writer.end_line()
    for row in table.iter("tr"):
        cells = [_clean(cell.text_content()) for cell in row if cell.tag in ("td", "th")]
        cells = [cell for cell in cells if cell]
        if cells:
            writer.write(" | ".join(cells))
            writer.end_line()
    writer.end_line("\n\n")


def _strip_leading_metadata(text: str, title: str | None, author: str | None) -> str:
    """Drop opening lines that repeat the title or are the byline: they are metadata, not body.

    A line with the title's words repeats it even if a mark differs: the copy in a meta tag
    and the heading may have had a lost byte of a quote guessed apart (’ and …).

    >>> _strip_leading_metadata("Rain due\\n\\nBy Ann Lee\\n\\nIt will rain.", "Rain due", None)
    'It will rain.'
    >>> _strip_leading_metadata("‘Rain’ due…\\n\\nIt will rain.", "‘Rain… due", None)
    'It will rain.'
    """
    lines = text.split("\n")
    dropped: set[int] = set()
    title_words = WORD.findall(title or "")
    for index, line in enumerate(lines[:LEADING_LINES]):
        line = line.strip()
        if (
            line in (title, author)
            or (title_words and WORD.findall(line) == title_words)
            or (len(line) <= MAX_BYLINE_CHARS and BYLINE_PREFIX.match(line))
        ):
            dropped.add(index)
            # The blank line after it goes too, so no double blank line is left.
            if index + 1 < len(lines) and not lines[index + 1].strip():
                dropped.add(index + 1)
    if not dropped:
        return text
    return "\n".join(line for i, line in enumerate(lines) if i not in dropped).strip("\n")


# --- feeds ----------------------------------------------------------------------------------


def _looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _extract_feed(text: str) -> Article | None:
    """Channel title, then each item's title and description: a feed's readable text."""
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = lxml.etree.fromstring(text.encode("utf-8"), parser=parser)
    except lxml.etree.XMLSyntaxError:
        check_depth(parser)
        return None
    check_depth(parser)
    if root is None or _local(root.tag) not in FEED_ROOTS:
        return None
    channel_title = None
    date = None
    parts: list[str] = []
    for element in root.iter():
        name = _local(element.tag)
        if name in ("item", "entry"):
            item_title = None
            description = None
            for child in element:
                child_name = _local(child.tag)
                if child_name == "title" and item_title is None:
                    item_title = _clean("".join(child.itertext()))
                elif child_name in ("description", "summary", "content", "encoded"):
                    description = _markup_text("".join(child.itertext()))
            parts.extend(part for part in (item_title, description) if part)
        elif name == "title" and channel_title is None and _is_channel(element.getparent()):
            channel_title = _clean("".join(element.itertext())) or None
        elif name in ("pubdate", "updated", "date", "lastbuilddate") and date is None:
            date = _clean("".join(element.itertext())) or None
    return Article("\n\n".join(parts), channel_title, None, date)


def _is_channel(element: lxml.etree._Element | None) -> bool:
    return element is not None and _local(element.tag) in ("channel", "feed")


def _markup_text(fragment: str) -> str:
    """Visible text of an HTML fragment (feed descriptions carry escaped markup)."""
    if "<" not in fragment:
        return _clean(fragment)
    parser = _html_parser()
    try:
        root = lxml.html.document_fromstring(f"<div>{fragment}</div>", parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return _clean(fragment)
    check_depth(parser)
    for element in list(root.iter(*DROP_TAGS)):
        _remove(element)
    return _serialise([root])
