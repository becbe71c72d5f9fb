"""Drop site chrome that survived into a plain-text page.

Scrapers that flatten a page to text keep the navigation around the article:
the breadcrumb ("当前位置:首页 > 建设新闻", "You are here: Home > News"), view
counters ("浏览次数:1343次", "Views: 1234"), lines of page controls
("【打印本页】【关闭窗口】") and the alt text of verification badges.  None of
it is article text.  Each kind is recognised by its shape (a
"you are here" label or a path of short ``>``-separated steps; a counter label
followed by a number), not by a site's wording, and only on short lines, so a
sentence that happens to mention a view count stays.  Title, date line and
source line are kept; a counter sharing the date line is cut from it.
"""

from __future__ import annotations

import re

from fixenc.result import Fix

# Lines longer than this are prose, never chrome.
MAX_CHROME_LINE = 80

# "You are here" labels that introduce a breadcrumb, in several languages.
BREADCRUMB_LABELS = (  # a regular-expression alternation
    "当前位置|当前的位置|当前所在位置|您所在的位置|您的位置|你的位置|您现在的位置|您当前的位置|现在位置|所在位置|位置|當前位置|您現在的位置|現在位置|現在地|현재 위치|현재위치|"
    "you are here|you are in|current location|your location|vous êtes ici|sie sind hier|"
    "usted está aquí|estás aquí|você está aqui|вы здесь|ви тут"
)
# Words for a site's home page that start an unlabelled breadcrumb.
HOME_WORDS = (  # a regular-expression alternation
    "首页|首頁|主页|主頁|网站首页|網站首頁|ホーム|トップ|홈|home|accueil|startseite|inicio|início|главная|"
    "головна"
)
BREADCRUMB_SEPARATORS = r"(?:>|»|›|→|>>|＞|/|\||::)"
# A breadcrumb step is a short name, not a sentence.
MAX_STEP_CHARS = 24

# Labels of view and hit counters.
COUNTER_LABELS = (  # a regular-expression alternation
    "浏览次数|浏览量|浏览|阅读次数|阅读量|阅读|点击数|点击次数|点击量|点击|访问量|访问次数|人气|瀏覽次數|瀏覽量|瀏覽|閱讀次數|閱讀|點擊數|點擊次數|點擊|"
    "訪問量|閲覧数|閲覧回数|조회수|조회|views|page views|hits|reads|viewed|visits|clicks|aufrufe|vues|"
    "visitas|просмотров|просмотры|переглядів"
)
COUNTER_UNITS = r"(?:次|人次|次数|回|회|times|views|hits|x)?"

# Page controls that flatten into a line of words: print, close, share, font size.
PAGE_TOOL_ACTIONS = (
    "打印|打印本页|打印此页|关闭|关闭窗口|关闭本页|收藏|收藏本页|加入收藏|分享|分享到|返回顶部|"
    "返回|字体|字号|打印本頁|關閉|關閉窗口|收藏本頁|返回頂部|字體|print|close|share|bookmark|email"
)
PAGE_TOOL_WORDS = (
    "大|中|小|默认|預設|window|page|this|top|back|to|font|size|text|large|medium|small"
)

# Alt text of site-verification and security badges (the image itself is gone).
BADGE_WORDS = (  # a regular-expression alternation
    "安全检测|网站安全|安全认证|可信网站|诚信网站|网站认证|实名认证|安全聯盟|網站安全|安全檢測|可信網站|安全联盟|verified by|secured by|"
    "ssl secure|trusted site|security seal"
)
# A badge line is the badge's name alone: short, and no sentence in it.
MAX_BADGE_CHARS = 24

_LABEL_COLON = r"\s*[:：]?\s*"


def _alternatives(words: str) -> str:
    """Longest first, so that "浏览次数" is tried before "浏览"."""
    return "|".join(sorted(words.split("|"), key=len, reverse=True))


_STEP = rf"[^\n>»›→＞|]{{1,{MAX_STEP_CHARS}}}?"
_BREADCRUMB = re.compile(
    rf"^(?:(?:{_alternatives(BREADCRUMB_LABELS)}){_LABEL_COLON}{_STEP}"
    rf"(?:\s*{BREADCRUMB_SEPARATORS}\s*{_STEP})+"
    rf"|(?:{_alternatives(HOME_WORDS)})(?:\s*{BREADCRUMB_SEPARATORS}\s*{_STEP})+)\s*$",
    re.IGNORECASE,
)
# A counter ending a short line, alone or after the date: optional brackets,
# label, number, unit.
_COUNTER = re.compile(
    r"(?:^|(?<=\s))[\[【(（]?"
    rf"(?:(?:{_alternatives(COUNTER_LABELS)}){_LABEL_COLON}[\d,.]+\s*{COUNTER_UNITS}"
    r"|[\d,.]+\s*(?:views|hits|reads|次浏览|次阅读|次瀏覽|次閱讀))"
    r"[\]】)）]?\s*$",
    re.IGNORECASE,
)
_TOOL_TOKENS = re.compile(r"[^\W\d_]+")
_TOOL_ACTIONS = frozenset(PAGE_TOOL_ACTIONS.split("|"))
_TOOL_WORDS = _TOOL_ACTIONS | frozenset(PAGE_TOOL_WORDS.split("|"))
_BADGE = re.compile(_alternatives(BADGE_WORDS), re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。！？!?]\s*$|[.]\s+\S")
# Cheap tests first: a breadcrumb has a separator, a counter a digit.
_HAS_SEPARATOR = re.compile(r"[>»›→＞/|:]")
_HAS_DIGIT = re.compile(r"\d")
# The characters ``_COUNTER`` can end on (before trailing space): a digit, the number's own
# "," or ".", the last character of a unit ("次", "회", "views"; "ſ" and "S" match "s"
# without case), or a closing bracket.
_COUNTER_LAST = frozenset(",.次数回회sSſxX览读覽讀]】)）")


def remove_chrome_lines(text: str) -> tuple[str, list[Fix]]:
    """Drop breadcrumb, view-counter and badge lines from a text page.

    >>> page = "当前位置:首页 > 建设新闻\\n标题\\n发布时间:2019年11月06日   浏览次数:1343次\\n正文。"
    >>> print(remove_chrome_lines(page)[0])
    标题
    发布时间:2019年11月06日
    正文。
    >>> remove_chrome_lines("You are here: Home > News\\nViews: 1234\\nText.")[0]
    'Text.'
    """
    lines = text.split("\n")
    kept: list[str] = []
    removed: dict[str, list[tuple[int, str, str]]] = {}
    offset = 0
    for line in lines:
        new_line, kind = _strip_chrome(line)
        if kind is not None:
            removed.setdefault(kind, []).append((offset, line, new_line or ""))
        if new_line is not None:
            kept.append(new_line)
        offset += len(line) + 1
    if not removed:
        return text, []
    fixes = [
        Fix(
            kind="chrome",
            start=where[0][0],
            end=where[0][0] + len(where[0][1]),
            before=where[0][1].strip(),
            after=where[0][2].strip(),
            count=len(where),
            detail=f"{kind} removed",
        )
        for kind, where in removed.items()
    ]
    return "\n".join(kept), fixes


def _strip_chrome(line: str) -> tuple[str | None, str | None]:
    """The line without chrome (``None`` to drop it) and the kind of chrome found."""
    stripped = line.strip(" \t\u00a0\u3000")
    if not stripped or len(stripped) > MAX_CHROME_LINE:
        return line, None
    if (_HAS_SEPARATOR.search(stripped) and _BREADCRUMB.match(stripped)
            and not _SENTENCE_END.search(stripped)):
        return None, "breadcrumb"
    badge = len(stripped) <= MAX_BADGE_CHARS and _BADGE.search(stripped)
    if badge and not _SENTENCE_END.search(stripped):
        return None, "badge"
    if _is_page_tools(stripped):
        return None, "page tools"
    could_count = _could_end_in_counter(stripped) and _HAS_DIGIT.search(stripped)
    rest = _COUNTER.sub("", stripped) if could_count else stripped
    if rest == stripped:
        return line, None
    rest = rest.strip(" \t\u00a0\u3000")
    if not rest:
        return None, "view counter"
    if _SENTENCE_END.search(rest):
        return line, None
    indent = line[: len(line) - len(line.lstrip(" \t\u00a0\u3000"))]
    return indent + rest, "view counter"


def _could_end_in_counter(line: str) -> bool:
    """Whether ``_COUNTER`` may match: it ends the line, so its last character ends it too."""
    last = line.rstrip()[-1:]
    return last in _COUNTER_LAST or last.isdecimal()


def _is_page_tools(line: str) -> bool:
    """A line of page controls only: print, close, share, font size."""
    first = _TOOL_TOKENS.search(line)
    if first is None or first.group().lower() not in _TOOL_WORDS:
        return False  # most lines: the first word is no control's
    words = [word.lower() for word in _TOOL_TOKENS.findall(line)]
    return (
        bool(words)
        and all(word in _TOOL_WORDS for word in words)
        and any(word in _TOOL_ACTIONS for word in words)
    )
