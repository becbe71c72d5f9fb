"""Damage simplified Chinese text the way the seed page was damaged.

The seed page (samples/zh-gov-news-damaged.txt) went through, in order:

1. a simplified -> traditional converter that also follows a fixed set of
   characters with their pinyin: 區(qū), 會(huì), ...;
2. leftover markup: a page cut inside an image tag (``alt text" />``) and a
   stray ``</span>`` after a paragraph;
3. GBK encoding, then a decoder that trips on the lead byte of 。 before a
   curly quote (``。“`` / ``。”``), emits '?' for that one byte and carries
   on one byte late, until an ASCII byte brings it back in phase; an invalid
   pair becomes one '?' even when its second byte is ASCII (swallowed);
4. width folding: ，：！（）；？ and the other fullwidth forms to ASCII, U+3000
   to a space (what ftfy's ``fix_character_width`` does);

and the page carried site chrome from the start (a breadcrumb line, a view
counter on the date line), converted and damaged with the rest.

``damage_page`` applies all of them; each step is also a function of its own.
The pinyin table is written by hand (pypinyin is not a dependency): the
characters the seed page's converter annotated, with the readings it gave.
"""

from __future__ import annotations

import difflib
import html
import re
from functools import lru_cache

# Traditional characters the converter annotates, with the reading it gives.
PINYIN = {
    "區": "qū", "鎮": "zhèn", "設": "shè", "會": "huì", "發": "fā", "進": "jìn",
    "堅": "jiān", "計": "jì", "實": "shí", "機": "jī", "統": "tǒng", "協": "xié",
    "時": "shí", "關": "guān", "調": "diào", "領": "lǐng", "強": "qiáng", "項": "xiàng",
    "務": "wù", "鄉": "xiāng", "動": "dòng", "質": "zhì", "導": "dǎo", "個": "gè",
    "負": "fù", "責": "zé", "場": "chǎng", "網": "wǎng", "報": "bào", "經": "jīng",
    "轉": "zhuǎn", "現": "xiàn", "內": "nèi", "補": "bǔ", "準": "zhǔn", "穩": "wěn",
    "預": "yù", "點": "diǎn", "創": "chuàng", "業": "yè", "學": "xué", "產": "chǎn",
    "監": "jiān", "測": "cè", "臺": "tái", "當": "dāng", "數": "shù", "濟": "jì",
    "續": "xù", "儲": "chǔ", "達": "dá", "環": "huán", "評": "píng", "構": "gòu",
    "級": "jí", "習": "xí", "驗": "yàn", "獻": "xiàn", "據": "jù", "財": "cái",
    "術": "shù", "標": "biāo",
}  # fmt: skip

# 。 followed by “ or ”: where the broken decoder loses phase.
PHASE_TRAP_TEXTS = ("。“", "。”")
PHASE_TRAPS = tuple(trap.encode("gbk") for trap in PHASE_TRAP_TEXTS)

BADGE_LINE = '站点安全检测平台" />'
BREADCRUMB_LINE = "当前位置：首页 > 新闻中心"
COUNTER = "浏览次数：{count}次"


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """Taiwan-standard traditional script, as the seed page's converter wrote it (為, 眾, 著 for 着)."""
    return _converter("s2tw").convert(text)


def annotate_pinyin(text: str, table: dict[str, str] = PINYIN) -> str:
    """Follow every character in ``table`` with its reading in parentheses."""
    return "".join(f"{ch}({table[ch]})" if ch in table else ch for ch in text)


def add_markup_fragments(text: str) -> str:
    """A cut image tag before the text and a stray </span> after its first quoted sentence end."""
    for closing in ("。”", "！”", "？”"):
        index = text.find(closing)
        if index >= 0:
            index += len(closing)
            text = text[:index] + "</span>" + text[index:]
            break
    return BADGE_LINE + "\n" + text


def decode_out_of_phase(data: bytes, codec: str = "gbk") -> str:
    """Decode ``codec`` the way the broken decoder does (see the module docstring)."""
    traps = tuple(trap.encode(codec) for trap in PHASE_TRAP_TEXTS)
    out = []
    index = 0
    size = len(data)
    while index < size:
        byte = data[index]
        if byte < 0x80:
            out.append(chr(byte))
            index += 1
        elif data[index : index + 4] in traps or index + 1 >= size:
            out.append("?")
            index += 1
        else:
            try:
                out.append(data[index : index + 2].decode(codec))
            except UnicodeDecodeError:
                out.append("?")
            index += 2
    return "".join(out)


def fold_width(text: str) -> str:
    """Fullwidth ASCII variants to ASCII and U+3000 to a space."""
    return text.translate(FOLD_TABLE)


FOLD_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "}


def add_chrome(text: str, views: int = 1343) -> str:
    """A breadcrumb line on top and a view counter appended to the first line."""
    first, _, rest = text.partition("\n")
    return f"{BREADCRUMB_LINE}\n{first}\u3000\u3000{COUNTER.format(count=views)}\n{rest}"


def damage_page(
    text: str,
    *,
    chrome: bool = True,
    pinyin: bool = True,
    markup: bool = True,
    out_of_phase: bool = True,
    width: bool = True,
) -> str:
    """The seed page's damage, applied to clean simplified ``text``; each layer can be left out."""
    if chrome:
        text = add_chrome(text)
    if pinyin:
        text = annotate_pinyin(to_traditional(text))
    if markup:
        text = add_markup_fragments(text)
    if out_of_phase:
        # NBSP has no GBK code; the seed page got its NBSPs from entities later.
        data = text.replace("\u00a0", " ").encode("gbk", errors="replace")
        text = decode_out_of_phase(data)
    return fold_width(text) if width else text


# Measuring: the visible text of a corpus page, and how much of it a repair got back.

_COMMENT = re.compile(r"<!--.*?-->|<!\[CDATA\[|\]\]>", re.DOTALL)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def article_text(raw: bytes) -> str:
    """Visible text of a page or feed: tags removed twice (feeds escape their HTML)."""
    text = raw.decode("gb18030")
    for _ in range(2):
        text = _TAG.sub("\n", _SCRIPT.sub("", _COMMENT.sub("", text)))
        text = html.unescape(text)
    lines = (line.strip(" \t\r\u00a0\u3000") for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# Fullwidth digits and letters: folding makes them ASCII and, by design, no
# repair widens numbers or Latin text again, so they are compared folded.
FULLWIDTH_ALNUM = {
    code: code - 0xFEE0
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}


def normalised(text: str) -> str:
    """Layout-free text for comparison: single spaces, no blank lines, ASCII digits and letters."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.translate(FULLWIDTH_ALNUM).split("\n"))
    return "\n".join(line for line in lines if line)


def recovered_chars(original: str, repaired: str) -> int:
    """Characters of ``original`` found, in order, in ``repaired``."""
    matcher = difflib.SequenceMatcher(None, original, repaired, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def character_errors(original: str, repaired: str) -> int:
    """Characters missing from ``repaired`` plus characters it has that ``original`` lacks."""
    return len(original) + len(repaired) - 2 * recovered_chars(original, repaired)
