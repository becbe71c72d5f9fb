"""Undo what simplified-to-traditional converters and width folding do to Chinese pages.

Three kinds of damage travel together on scraped Chinese pages:

* **Pinyin annotations.**  Some converters follow a fixed set of characters
  with their reading, every time: 網(wǎng), 區(qū), 會(huì).  The signature is
  many single characters, each followed by one tone-marked syllable, and the
  same character annotated (with the same syllable) wherever it occurs.  A
  textbook gloss such as 银行(yínháng) glosses a word, once, and stays.
* **Script conversion.**  The same converters turn simplified text into
  traditional; when the annotation signature is present, the page was
  simplified when published and is converted back (OpenCC ``t2s``).
* **Width folding.**  Normalisers such as ftfy's ``fix_character_width`` fold
  ，：！（）；？ to ASCII and U+3000 to spaces, while 。 and curly quotes
  survive.  A page that writes 。 but has no fullwidth form at all, and ASCII
  punctuation against Chinese characters, was folded; the forms are restored
  where they touch Chinese text, never inside numbers or Latin text.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from fixenc.result import Fix

SCRIPT_CHOICES = ("auto", "keep", "simplified", "traditional")

# OpenCC configurations for each target script.
OPENCC_CONFIGS = {"simplified": "t2s", "traditional": "s2t"}
# Nats by which a context reading must beat the character t2s left (著力 vs
# 着力 differ by ~3.7, 穿著 vs 穿着 by ~2.3; 著名 vs 着名 by -4.4).
READING_MARGIN = 1.5
# Simplified-to-traditional conversions whose one-to-many mappings are undone.
TRADITIONAL_STANDARDS = ("s2t", "s2tw", "s2hk")

TONE_MARKED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_LETTERS = "a-zü" + TONE_MARKED_VOWELS
# One syllable with exactly one tone mark, at most six letters.
PINYIN_SYLLABLE = rf"[a-zü]{{0,5}}[{TONE_MARKED_VOWELS}][a-zü]{{0,4}}"
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

ANNOTATION = re.compile(rf"([{HAN}])([(（])({PINYIN_SYLLABLE})([)）])")

# The annotation signature: enough annotations, on several characters, some
# annotated repeatedly, covering (nearly) every occurrence of each annotated
# character, with one reading per character.
MIN_ANNOTATIONS = 3
MIN_ANNOTATED_CHARACTERS = 2
# ... and dense: at least one annotation per this many Chinese characters.
MAX_CHARACTERS_PER_ANNOTATION = 40
MIN_COVERAGE = 0.9
MIN_READING_AGREEMENT = 0.9
# The converter annotates a fixed subset of characters; a reader for children
# that glosses every character is content, not this damage.
MAX_ANNOTATED_SHARE = 0.5

# Width folding: ASCII form -> fullwidth form restored next to Chinese text.
FOLDED_PUNCTUATION = {
    ",": "，",
    ":": "：",
    ";": "；",
    "!": "！",
    "?": "？",
    "(": "（",
    ")": "）",
}
IDEOGRAPHIC_SPACE = "\u3000"
# Ideographic full stop and comma: width folding leaves them alone and only
# CJK writing uses them, so a page that has them but no fullwidth form at
# all, with ASCII punctuation against Chinese text, was folded.
UNFOLDED_CJK_PUNCTUATION = frozenset("。、")
# Characters that count as Chinese text on either side of a folded mark.
CJK_PUNCTUATION = "。、“”‘’《》「」『』【】，：；！？（）"
# Korean and Japanese pages use ASCII punctuation around hanja and kanji by
# convention: width restoration is for Chinese pages only.
MAX_OTHER_SCRIPT_SHARE = 0.02
# A lone space between Chinese characters is often a writer's separator; a
# run of them is what folding leaves of ideographic spaces.
MIN_FOLDED_SPACES = 2
MIN_FOLDED_MARKS = 2
_FULLWIDTH_FORMS = re.compile("[\uff01-\uff5e\u3000]")
_HAN_CHAR = re.compile(f"[{HAN}]")
_KANA_OR_HANGUL = re.compile("[\u3040-\u30ff\uac00-\ud7af]")


def remove_pinyin_annotations(text: str) -> tuple[str, list[Fix]]:
    """Remove per-character pinyin annotations when the page shows the converter signature.

    >>> page = "網(wǎng)站" * 3 + "區(qū)域" * 3 + "會(huì)議" * 3
    >>> remove_pinyin_annotations(page)[0]
    '網站網站網站區域區域區域會議會議會議'
    >>> remove_pinyin_annotations("我去银行(yínháng)取钱。")[0]
    '我去银行(yínháng)取钱。'
    """
    matches = list(ANNOTATION.finditer(text))
    if len(matches) < MIN_ANNOTATIONS:
        return text, []
    readings: dict[str, Counter] = {}
    for match in matches:
        readings.setdefault(match[1], Counter())[match[3]] += 1
    annotated = {
        char: counts
        for char, counts in readings.items()
        if counts.most_common(1)[0][1] >= MIN_READING_AGREEMENT * sum(counts.values())
    }
    kept = [match for match in matches if match[1] in annotated]
    han = _HAN_CHAR.findall(text)
    occurrences = sum(text.count(char) for char in annotated)
    if (
        len(kept) < MIN_ANNOTATIONS
        or len(annotated) < MIN_ANNOTATED_CHARACTERS
        or max(sum(counts.values()) for counts in annotated.values()) < 2
        or len(kept) < MIN_COVERAGE * occurrences
        or len(kept) < MIN_READING_AGREEMENT * len(matches)
        or len(annotated) > MAX_ANNOTATED_SHARE * len(set(han))
        or len(kept) * MAX_CHARACTERS_PER_ANNOTATION < len(han)
    ):
        return text, []
    pieces = []
    done = 0
    for match in kept:
        pieces.append(text[done : match.start(2)])
        done = match.end()
    pieces.append(text[done:])
    first = kept[0]
    fix = Fix(
        kind="pinyin",
        start=first.start(),
        end=first.end(),
        before=first[0],
        after=first[1],
        count=len(kept),
        detail=f"{len(kept)} pinyin annotations removed after {len(annotated)} characters",
    )
    return "".join(pieces), [fix]


def convert_script(text: str, target: str) -> tuple[str, list[Fix]]:
    """Convert Chinese text to ``target`` ("simplified" or "traditional") with OpenCC.

    >>> convert_script("老舊小區", "simplified")[0]
    '老旧小区'
    """
    converted = _converter(OPENCC_CONFIGS[target]).convert(text)
    readings: list[Fix] = []
    if target == "simplified":
        converted, readings = choose_simplified_readings(converted)
    if converted == text:
        return text, []
    changed = [i for i, (a, b) in enumerate(zip(text, converted)) if a != b]
    if len(converted) != len(text) or not changed:
        first, last, count = 0, len(text), 1
    else:
        first, last, count = changed[0], changed[-1] + 1, len(changed)
    fix = Fix(
        kind="script",
        start=first,
        end=last,
        before=text[first : first + 8],
        after=converted[first : first + 8],
        count=count,
        detail=f"{count} characters converted to {target} (OpenCC {OPENCC_CONFIGS[target]})",
    )
    return converted, [fix, *readings]


def choose_simplified_readings(text: str) -> tuple[str, list[Fix]]:
    """Pick, by context, the simplified character a one-to-many conversion flattened.

    Simplified-to-traditional converters map several simplified characters to
    one traditional form (着 and 著 both become 著), so converting back cannot
    know which was written: OpenCC's t2s keeps 著 in 著力, where the publisher
    wrote 着力.  For each such character the simplified-Chinese model scores
    the character with its neighbours under every reading, and a reading
    replaces it only when it wins by ``READING_MARGIN`` nats.

    >>> choose_simplified_readings("著力强化，穿著整齐，著名作家")[0]
    '着力强化，穿着整齐，著名作家'
    """
    from .langmodel import language_logprob

    alternatives = _flattened_readings()
    out = list(text)
    changed: list[int] = []
    for i, ch in enumerate(text):
        if ch not in alternatives:
            continue
        left, right = text[max(0, i - 2) : i], text[i + 1 : i + 3]
        scores = {reading: language_logprob(left + reading + right, "zh-hans")
                  for reading in (ch, *alternatives[ch])}
        best = max(scores, key=scores.__getitem__)
        if scores[best] - scores[ch] >= READING_MARGIN:
            out[i] = best
            changed.append(i)
    if not changed:
        return text, []
    result = "".join(out)
    first = changed[0]
    return result, [Fix(kind="script", start=first, end=changed[-1] + 1,
                        before=text[first], after=result[first], count=len(changed),
                        detail=f"{len(changed)} characters with several simplified forms "
                               f"chosen by context (language model, margin {READING_MARGIN} nats)")]


@lru_cache(maxsize=1)
def _flattened_readings() -> dict[str, tuple[str, ...]]:
    """Characters t2s leaves as they are although a converter made them from another character.

    Built from OpenCC itself: every simplified character is converted to
    traditional (mainland, Taiwan and Hong Kong standards, as converters in the
    wild use all three) and back with t2s; where the round trip does not return
    it, the character t2s gives gains it as an alternative (Taiwan's 著 for 着).
    """
    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    joined = "\n".join(chars)
    simplified_forms = _converter("t2s").convert(joined).split("\n")
    alternatives: dict[str, set[str]] = {}
    for config in TRADITIONAL_STANDARDS:
        traditional = _converter(config).convert(joined).split("\n")
        back = _converter("t2s").convert("\n".join(traditional)).split("\n")
        for simplified, own, trad, returned in zip(chars, simplified_forms, traditional, back):
            if own != simplified:
                continue  # a traditional character, not one a simplified page writes
            if len(trad) == 1 and len(returned) == 1 and returned != simplified:
                alternatives.setdefault(returned, set()).add(simplified)
    return {ch: tuple(sorted(options)) for ch, options in alternatives.items()}


@lru_cache(maxsize=8)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def shows_width_folding(text: str) -> bool:
    """Whether ``text`` looks width-folded: Chinese punctuation, yet no fullwidth form.

    >>> shows_width_folding("他说,我们走吧。然后(笑)离开了。")
    True
    >>> shows_width_folding("他说，我们走吧。")
    False
    """
    if not any(mark in text for mark in UNFOLDED_CJK_PUNCTUATION) or _FULLWIDTH_FORMS.search(text):
        return False  # (the marks are looked up first: a substring search runs at memory speed)
    han = len(_HAN_CHAR.findall(text))
    if len(_KANA_OR_HANGUL.findall(text)) > MAX_OTHER_SCRIPT_SHARE * han:
        return False
    folded = 0
    for index, ch in enumerate(text):
        if ch in FOLDED_PUNCTUATION and _touches_cjk(text, index):
            folded += 1
            if folded >= MIN_FOLDED_MARKS:
                return True
    return False


def restore_fullwidth_punctuation(text: str) -> tuple[str, list[Fix]]:
    """Restore fullwidth punctuation and ideographic spaces folded to ASCII on a Chinese page.

    Only marks that touch Chinese text change: "2.2万", "1/7" and Latin
    phrases keep their ASCII.

    >>> restore_fullwidth_punctuation("时间:2019年,共2.2万个(约1/7)。好!")[0]
    '时间：2019年，共2.2万个（约1/7）。好！'
    """
    if not shows_width_folding(text):
        return text, []
    chars = list(text)
    restored = 0
    first = -1
    openers: list[int] = []
    for index, ch in enumerate(text):
        if ch == "(":
            openers.append(index)
            continue
        if ch == ")":
            opener = openers.pop() if openers else None
            inner_or_outer = (opener is not None and _touches_cjk(text, opener)) or _touches_cjk(
                text, index
            )
            if inner_or_outer:
                if opener is not None:
                    chars[opener] = FOLDED_PUNCTUATION["("]
                    restored += 1
                chars[index] = FOLDED_PUNCTUATION[")"]
                restored += 1
                first = opener if first < 0 and opener is not None else first
            continue
        if ch in FOLDED_PUNCTUATION and _between_cjk_and_text(chars, index):
            chars[index] = FOLDED_PUNCTUATION[ch]
            restored += 1
        elif ch == " " and _is_space_between_cjk(text, index):
            chars[index] = IDEOGRAPHIC_SPACE
            restored += 1
        else:
            continue
        first = index if first < 0 else first
    for opener in openers:  # unmatched "(" before Chinese text
        if _touches_cjk(text, opener):
            chars[opener] = FOLDED_PUNCTUATION["("]
            restored += 1
    if not restored:
        return text, []
    result = "".join(chars)
    fix = Fix(
        kind="width",
        start=max(first, 0),
        end=max(first, 0) + 1,
        before=text[max(first, 0)],
        after=result[max(first, 0)],
        count=restored,
        detail=f"{restored} fullwidth punctuation marks and spaces restored",
    )
    return result, [fix]


def _is_cjk(ch: str) -> bool:
    return bool(_HAN_CHAR.match(ch)) or ch in CJK_PUNCTUATION


def _between_cjk_and_text(chars: list[str], index: int) -> bool:
    """A mark right after Chinese text (or a restored mark), or after a number and
    before Chinese text ("1/7;会议"); never after a Latin word."""
    before = chars[index - 1] if index > 0 else ""
    if before and _is_cjk(before):
        return True
    after = chars[index + 1] if index + 1 < len(chars) else ""
    return bool(_HAN_CHAR.match(after)) and not (before.isascii() and before.isalpha())


def _touches_cjk(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if before and _is_cjk(before):
        return True
    return bool(after) and _is_cjk(after) and not (before.isascii() and before.isalnum())


def _is_space_between_cjk(text: str, index: int) -> bool:
    """A space inside a run of spaces whose both ends touch Chinese characters."""
    start = index
    while start > 0 and text[start - 1] == " ":
        start -= 1
    end = index
    while end + 1 < len(text) and text[end + 1] == " ":
        end += 1
    return (
        end - start + 1 >= MIN_FOLDED_SPACES
        and start > 0
        and end + 1 < len(text)
        and _is_cjk(text[start - 1])
        and _is_cjk(text[end + 1])
    )


def repair_chinese_text(text: str, script: str = "auto",
                        skip: frozenset[str] = frozenset()) -> tuple[str, list[Fix]]:
    """Pinyin removal, script conversion and width restoration, in that order.

    ``script`` is "auto" (back to simplified when converter annotations were
    found, otherwise unchanged), "keep", "simplified" or "traditional".
    ``skip`` may name "pinyin" and "width" to leave those layers as they are;
    annotations are still looked for, so "auto" still knows the converter's signature.
    """
    if script not in SCRIPT_CHOICES:
        raise ValueError(f"script must be one of {', '.join(SCRIPT_CHOICES)}, not {script!r}")
    removed, fixes = remove_pinyin_annotations(text)
    signature = bool(fixes)
    if "pinyin" in skip:
        fixes = []
    else:
        text = removed
    target = {"auto": "simplified" if signature else None, "keep": None}.get(script, script)
    if target is not None:
        text, converted = convert_script(text, target)
        fixes += converted
    if "width" in skip:
        return text, fixes
    text, widened = restore_fullwidth_punctuation(text)
    return text, fixes + widened
