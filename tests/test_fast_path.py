"""The repair stage's fast path: what its gate lets through, the engine would not have changed.

``repair_mojibake`` returns text unchanged, without running the engine, when
one regex (the gate, the union of the signature regexes of every family of
damage) finds nothing.  Here the engine also runs with the gate held open, so
each family scans the whole text as it did before the gate existed, and the two
must agree: on clean corpus pages and lines, on generated text, and on damage.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from unittest import mock

import pytest
from conftest import SAMPLES
from corpus import clean_pages
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fixenc import repair
from fixenc.repair import CODEC_PAIRS, SINGLE_BYTE_TABLES, looks_damaged, repair_mojibake

# Matches at the first character: every family is then searched from the start.
OPEN_GATE = re.compile("(?s).")


@contextmanager
def gate_held_open():
    with mock.patch.object(repair, "_signature_gate", lambda: OPEN_GATE):
        yield


def full_engine(text: str) -> tuple[str, list]:
    """``repair_mojibake`` without its gate: every family scanned, the engine run on any hit."""
    with gate_held_open():
        return repair_mojibake(text)


def gate_lets_through(text: str) -> bool:
    return repair._signature_gate().search(text) is None


# ---------------------------------------------------------------- the gate is the union

# Characters the signatures are made of, among letters of the scripts the engine repairs.
SIGNATURE_MATERIAL = st.one_of(
    st.sampled_from(repair.HIGH_LATIN + "\ufffd"),
    st.characters(min_codepoint=0x400, max_codepoint=0x45F),  # Cyrillic, capitals included
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK, rare ones included
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),  # kana
    st.characters(min_codepoint=0x370, max_codepoint=0x3FF),  # Greek
    st.sampled_from(" ,.?\n锟斤拷"),
    st.characters(max_codepoint=0x7F),
)
SETTINGS = settings(deadline=None, max_examples=300, derandomize=True)
# The upper half of every single-byte code page's sloppy reading, C1 controls among them.
HIGH_LATIN_AND_CONTROLS = "".join(sorted(
    {ch for chars, _ in SINGLE_BYTE_TABLES.values() for ch in chars[0x80:]}
    | set(map(chr, range(0x80, 0x100)))))


@SETTINGS
@given(st.text(alphabet=SIGNATURE_MATERIAL, max_size=40))
@example("鍙戝竷鏃堕棿")
@example("ÄãºÃ£¬ÊÀ½ç")
@example("ПРИВЕТ МИР")
@example("cafÃ©")
def test_gate_first_hit_is_the_first_hit_of_any_signature(text: str) -> None:
    """The gate matches first exactly where the earliest family signature matches first."""
    hits = [hit.start() for hit in (r.search(text) for r in repair._signature_regexes()) if hit]
    gate_hit = repair._signature_gate().search(text)
    assert (gate_hit.start() if gate_hit else None) == (min(hits) if hits else None)


@SETTINGS
@given(st.text(alphabet=SIGNATURE_MATERIAL, max_size=40))
def test_text_the_gate_lets_through_is_left_alone_by_the_engine(text: str) -> None:
    if gate_lets_through(text):
        assert full_engine(text) == (text, [])
    else:
        assert repair_mojibake(text) == full_engine(text)


# ---------------------------------------------------------------- which CJK pairs a run shows


@cache
def pair_signature_regexes() -> dict:
    tables = repair._cjk_tables()
    return {pair: re.compile(repair._signature_pattern(*characters, *tables.pair_shapes[pair]))
            for pair, characters in tables.pair_characters.items()}


@cache
def pair_material() -> tuple[str, ...]:
    """Some characters of every pair's signature classes (rare ones, two-byte readings)."""
    chars: list[str] = []
    tables = repair._cjk_tables()
    for rare, two_byte in repair._flat_pair_characters(tables).values():
        chars += sorted(rare)[::400] + sorted(two_byte)[::8]
    for merging, _ in tables.pair_shapes.values():
        chars += sorted(merging)[::40]
    return tuple(chars)


@SETTINGS
@given(st.data())
@example(None)
def test_signed_pairs_are_the_pairs_whose_signature_regex_matches(data) -> None:
    """``signed_pairs`` checks with sets what each pair's own signature regex would match."""
    texts = ["鍙戝竷鏃堕棿", "锟斤拷", "锟斤", "鍙\n戝", "鍙 戝", "a鍙x戝b", "ÄãºÃ", "aゎa", "繝ｴ",
             "javascr節뎟t", "ja節\n뎟t", "javascr锝塸t"]
    if data is not None:
        alphabet = st.one_of(st.sampled_from(pair_material()), st.sampled_from(" \n锟斤拷a中ｴ"))
        texts = [data.draw(st.text(alphabet=alphabet, max_size=12))]
    tables = repair._cjk_tables()
    for text in texts:
        expected = tuple(pair for pair, signature in pair_signature_regexes().items()
                         if signature.search(text))
        assert tables.signed_pairs(text) == expected


# ---------------------------------------------------------------- real clean text

# corpus folder -> strict codec of its files
CORPUS_FOLDERS = {
    "GB2312": "gb18030", "Big5": "cp950", "SHIFT_JIS": "cp932", "EUC-JP": "euc_jp",
    "EUC-KR": "cp949", "windows-1251-russian": "cp1251", "KOI8-R": "koi8_r",
    "windows-1252": "cp1252", "iso-8859-1": "latin-1", "windows-1250-hungarian": "cp1250",
    "iso-8859-2-czech": "iso8859_2", "iso-8859-7-greek": "iso8859_7",
    "windows-1255-hebrew": "cp1255", "utf-8": "utf-8",
}  # fmt: skip
FILES_PER_FOLDER = 6


@cache
def corpus_pages(data: Path) -> tuple[str, ...]:
    return tuple(clean_pages(data, CORPUS_FOLDERS, FILES_PER_FOLDER))


def test_clean_corpus_text_the_gate_lets_through_is_left_alone(shared_data: Path) -> None:
    pages = corpus_pages(shared_data)
    texts = [*pages, *(line for page in pages for line in page.splitlines() if not line.isascii())]
    let_through = [text for text in texts if gate_lets_through(text)]
    # Most clean text must take the fast path, or it proves nothing about speed.
    assert len(let_through) > 0.8 * len(texts)
    for text in let_through:
        assert full_engine(text) == (text, [])
    for text in texts:
        if not gate_lets_through(text) and len(text) < 2000:
            assert repair_mojibake(text) == full_engine(text)


# ---------------------------------------------------------------- damage is never let through

# The samples of mojibake (the others are legacy bytes, or damage of other stages).
MOJIBAKE_SAMPLES = sorted(
    path for path in SAMPLES.glob("utf8-read-as-*") if not path.name.endswith(".expected.txt")
)


@pytest.mark.parametrize("path", MOJIBAKE_SAMPLES, ids=lambda path: path.name)
def test_damaged_samples_are_never_let_through(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not gate_lets_through(text)
    assert looks_damaged(text)
    repaired = repair_mojibake(text)
    assert repaired[0] != text
    assert repaired == full_engine(text)


def damaged(text: str, wrong: str, right: str) -> str | None:
    try:
        data = text.encode(right)
    except UnicodeEncodeError:
        return None
    if wrong in SINGLE_BYTE_TABLES:
        return "".join(SINGLE_BYTE_TABLES[wrong][0][byte] for byte in data)
    return data.decode(wrong, "replace")


def test_damaged_corpus_lines_are_never_let_through(shared_data: Path) -> None:
    """Every line the engine would repair, under every codec pair, meets the gate."""
    lines = [
        line
        for page in corpus_pages(shared_data)
        for line in page.splitlines()[:40]
        if 20 <= len(line) <= 200 and not line.isascii()
    ]
    repaired = 0
    for pair in CODEC_PAIRS:
        for line in lines[:: max(1, len(lines) // 60)]:
            text = damaged(line, pair.wrong, pair.right)
            if text is None or text == line:
                continue
            expected = full_engine(text)
            if expected[0] != text or expected[1]:
                repaired += 1
                assert not gate_lets_through(text), (pair, text)
            assert repair_mojibake(text) == expected
    assert repaired > 100


# ---------------------------------------------------------------- the pair pre-check of span families

# Upper-half Latin-1/Windows-1252 characters, C1 controls, ASCII signs and letters around them.
PAIR_ALPHABET = "".join(sorted(set(repair.HIGH_LATIN) | set("\ufffd aeAZ@[`{~.,)!0\tő")))


def spans_checked_one_by_one(text: str, family: str) -> list[tuple[int, int]]:
    """The spans ``_signed_spans`` yields, found without its pre-check: every span searched."""
    _, signature_re, span_re, _ = next(f for f in repair.SINGLE_BYTE_FAMILIES if f[0] == family)
    return [
        match.span()
        for match in span_re.finditer(text)
        if signature_re.search(match.group()) and repair._shaped_like(family, match.group())
        and not (family == "legacy" and repair._accents_of_latin_words(text, *match.span()))
    ]


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=PAIR_ALPHABET, max_size=40))
@example("a¡Kx")
@example("é@")
@example("\x81\x82")
@example("é" + "a" * 8 + "éA é" + "b" * 9 + "éB")  # the longest ASCII glue inside a span, and one more
@example("éaőéA\té\téA")
def test_every_legacy_signature_hit_holds_a_pair(text: str) -> None:
    """The pre-check never hides a span: wherever the signature matches, a pair starts."""
    hit = repair.LEGACY_SIGNATURE_RE.search(text)
    if hit:
        assert repair.LEGACY_PAIR_RE.match(text, hit.start())
    family = repair.SINGLE_BYTE_FAMILIES[0]
    found = [m.span() for m in repair._signed_spans(text, "legacy", *family[1:3], 0, len(text))]
    assert found == spans_checked_one_by_one(text, "legacy")


def test_the_pair_pre_check_skips_only_spans_without_the_signature(shared_data: Path) -> None:
    """On clean corpus lines (the long accented ones it exists for), the same spans as before."""
    family = repair.SINGLE_BYTE_FAMILIES[0]
    lines = [line for page in corpus_pages(shared_data) for line in page.splitlines()]
    # Also with accented letters of Latin words examined: most false signatures are those.
    for skip in (repair._accents_of_latin_words, lambda *args: False):
        signed = 0
        with mock.patch.object(repair, "_accents_of_latin_words", skip):
            for line in lines:
                expected = spans_checked_one_by_one(line, "legacy")
                found = [m.span() for m in repair._signed_spans(line, "legacy", *family[1:3], 0, len(line))]
                assert found == expected
                signed += bool(expected)
    assert signed > 10  # clean text with false signatures: the case the pre-check must get right


def test_the_gates_skip_turns_away_no_signature() -> None:
    """Every character the gate's skip may turn away, between any ASCII character and any
    character of ``GATE_SKIP_NEXT``, starts no signature of any family."""
    skip_next = re.compile(f"[{repair.GATE_SKIP_NEXT}]")
    after = [chr(c) for c in range(0x80) if skip_next.match(chr(c))]
    skipped = repair._gate_skipped_chars()
    assert {"é", "š", "ő", "ł", "’"} <= set(skipped)
    assert not {"\ufffd", "\x85", "¡", "Â"} & set(skipped)
    for ch in skipped:
        # One line per (ASCII, ch, next): a signature looks at most two characters behind.
        text = "".join(f"{chr(before)}{ch}{nxt}\n" for before in range(0x80) for nxt in after)
        for regex in repair._signature_regexes():
            hit = regex.search(text)  # ch is the only character a signature can start at
            assert hit is None, (ch, text[hit.start() - 1 : hit.end()])



def test_the_gate_matches_where_a_signature_does_around_cyrillic_letters() -> None:
    """At every Cyrillic capital before a small letter, and at й after anything, the gate (with
    its Cyrillic skip) matches exactly where some signature matches."""
    around = [chr(c) for c in [*range(0x80), *range(0x400, 0x460)]] + list(repair.HIGH_LATIN)
    around += ["\ufffd", "中", "鍙", "ｶ"]
    smalls = [chr(c) for c in range(0x430, 0x450)] + ["ё"]
    capitals = [chr(c) for c in range(0x410, 0x430)] + ["Ё"]
    cases = [(ch, smalls) for ch in capitals] + [("й", around), ("Й", smalls)]
    gate, regexes = repair._signature_gate(), repair._signature_regexes()
    for ch, after in cases:
        text = "".join(f"\n{b}{ch}{a}" for b in around for a in after)
        for position in range(2, len(text), 4):
            expected = any(regex.match(text, position) for regex in regexes)
            assert bool(gate.match(text, position)) == expected, text[position - 2 : position + 2]


def test_each_branch_of_the_gate_is_taken_at_exactly_its_familys_leading_characters() -> None:
    """The gate checks a family's class behind the union's as a short negative class where that
    is shorter (the CJK one): at every character of the union, it holds exactly where the
    family's own class matches."""
    classes = repair._leading_classes()
    union = "".join(leading for leading, _, _ in classes)
    characters = "".join(re.findall(f"[{union}]", "".join(map(chr, range(0x110000)))))
    assert len(characters) > 10_000
    assert any(len(repair._own_class_behind(n)) < len(leading) / 10
               for n, (leading, _, _) in enumerate(classes))
    for number, (leading, _, _) in enumerate(classes):
        behind = f"[{union}]{repair._own_class_behind(number)}"  # one character: its own behind
        assert re.findall(behind, characters) == re.findall(f"[{leading}]", characters)


# ------------------------------------------- accented letters of Latin words are not examined

LATIN_WORD_LETTERS = st.sampled_from("aeioulnrstzckmvAEIOU")
ACCENTED = st.sampled_from("áéíóúýčďěňřšťžůöüőűäëïñçàèìòùâêîôûßÁÉÍÓÚČŘŠŽÖÜŐŰ")
# Words of ASCII letters with accented letters in them, and what else legacy spans are made of:
# damage of double-byte code pages and Cyrillic read as Latin-1, punctuation, spaces.
LATIN_WORDISH = st.lists(
    st.one_of(
        st.text(LATIN_WORD_LETTERS, min_size=1, max_size=4),
        ACCENTED,
        st.sampled_from([" ", ", ", ". ", "\n", "£¬", "¡£", "ÖÐÎÄ", "ÄãºÃ", "ïÐÉ", "Ò»", "Ì¨",
                         # Russian read as Latin-1 from Windows-1251 and KOI8-R: a page may
                         # trust those pairs too.
                         "Ïðèâåò ìèð", "ðÒÉ×ÅÔ ÍÉÒ", "Íîâîñòè"]),
    ),
    max_size=25,
).map("".join)


def repaired_with_skip_off(skip: str, text: str) -> tuple[str, list]:
    """``repair_mojibake(text)`` with the engine's predicate ``skip`` always False."""
    with mock.patch.object(repair, skip, lambda *args: False):
        return repair_mojibake(text)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(LATIN_WORDISH)
@example("Tomáš šel do ÖÐÎÄ školy")
@example("TÐôshirt")
@example("aÖÐb ÎÄc")
@example("a£¬b")
@example("AááčÖÐÎÄ")
@example("találásáért fáradozók csapatába ÄãºÃ£¬ÊÀ½ç")
@example("Ïðèâåò ìèð Íîâîñòè. Az aláírását így többször")
@example("ásáé ÄãºÃ£¬ÊÀ½ç ásáé")
def test_skipping_accents_of_latin_words_only_leaves_such_spans_alone(text: str) -> None:
    """With ``_accents_of_latin_words`` off the engine makes every repair it makes with it on;
    what it makes besides is a skipped span read as one CJK letter between Latin letters, which
    a page that trusts a double-byte pair lets through ("Aááč" beside GBK damage became
    "A後č", at a margin of -0.98 nats per character): the skip leaves those as they are."""
    def changes(fixes):
        return {(fix.start, fix.end, fix.after) for fix in fixes if fix.kind != "uncertain"}

    with_skip = changes(repair_mojibake(text)[1])
    without_skip = changes(repaired_with_skip_off("_accents_of_latin_words", text)[1])
    assert with_skip <= without_skip
    for start, end, _ in without_skip - with_skip:
        assert repair._accents_of_latin_words(text, start, end), text[start:end]


def repaired_and_examined(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``repair_mojibake(text)``'s text, and the (span, family) of every span it examined."""
    examined = []
    original = repair._span_candidates

    def spy(text, start, end, pairs, seen):
        examined.append((text[start:end], pairs[0].family))
        return original(text, start, end, pairs, seen)

    with mock.patch.object(repair, "_span_candidates", spy):
        fixed, _ = repair_mojibake(text)
    return fixed, examined


def test_accents_of_latin_words_are_not_examined() -> None:
    """Czech and Hungarian words with two accented letters side by side ("dalších",
    "aláírás") hold the legacy signature, but no legacy pair can repair them; nor a span of
    many such words ("találásáért fáradozók")."""
    text = ("Informace o dalších zemích.\nAz aláírás van.\nA találásáért fáradozók.\n"
            "ÄãºÃ£¬ÊÀ½ç!")
    fixed, examined = repaired_and_examined(text)
    assert fixed == "Informace o dalších zemích.\nAz aláírás van.\nA találásáért fáradozók.\n你好，世界!"
    assert all("ÄãºÃ" in span for span, _ in examined), examined


# ----------------------------------------------- lines of UTF-8 read as cp1252 skip the legacy family

UTF8_AS_CP1252_LINES = st.lists(
    st.one_of(
        st.text(st.sampled_from("abc ,.?"), max_size=5),
        st.sampled_from(["café", "naïve", "Zürich", "€5", "—", "“quoted”", "日本", "Привет", "ő"]),
        st.sampled_from(["ÄãºÃ", "ÖÐÎÄ", "£¬", "\n", "é", "Ã©"]),
    ),
    max_size=20,
).map("".join).map(
    # Each line UTF-8 read as Windows-1252, or left as it is.
    lambda text: "\n".join(
        line.encode("utf-8").decode("windows-1252", "replace") if len(line) % 2 else line
        for line in text.split("\n")
    )
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(UTF8_AS_CP1252_LINES)
@example("cafÃ© and ÄãºÃ£¬ÊÀ½ç")
@example("naÃ¯ve\nÄãºÃ£¬ÊÀ½ç")
def test_skipping_the_legacy_family_on_utf8_lines_changes_no_repair(text: str) -> None:
    assert repair_mojibake(text) == repaired_with_skip_off("_line_is_utf8_as_cp1252", text)


def test_a_line_of_utf8_read_as_cp1252_is_not_searched_for_legacy_spans() -> None:
    line = "Été à Zürich: café crème, naïve piñata"
    text = line.encode("utf-8").decode("windows-1252") + "\nÄãºÃ£¬ÊÀ½ç"
    fixed, examined = repaired_and_examined(text)
    assert fixed == "Été à Zürich: café crème, naïve piñata\n你好，世界"
    assert [span for span, family in examined if family == "legacy-as-latin"] == ["ÄãºÃ£¬ÊÀ½ç"]


def test_a_repeated_span_is_examined_once_and_repaired_each_time() -> None:
    """A page that repeats a damaged line (a headline above its article) has its candidates
    made once; each place gets its own repair and its own record."""
    line = "鍙戝竷鏃堕棿锛�2008骞�"
    text = f"{line}\nabc\n{line}"
    fixed, fixes, spans = repaired_and_read(text)
    once, _ = repair_mojibake(line)
    assert fixed == f"{once}\nabc\n{once}" and once != line
    assert len(spans) == len(set(spans)) >= 1
    first, second = ([fix for fix in fixes if fix.start < len(line)],
                     [fix for fix in fixes if fix.start > len(line)])
    shift = len(line) + len("\nabc\n")
    assert [(f.start + shift, f.end + shift, f.after, f.confidence) for f in first] == [
        (f.start, f.end, f.after, f.confidence) for f in second]


def line_reads_as_utf8(line: str) -> bool:
    """The whole line's Windows-1252 bytes decode as UTF-8, and are not all ASCII."""
    return not line.isascii() and repair._reads_whole_as_utf8(line)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(UTF8_AS_CP1252_LINES)
@example("Ã© then é")  # the first run reads as UTF-8, a later one does not
@example("é then Ã©")
@example("Ã©Ã")  # a sequence cut at the end of the first run
@example("plain ASCII")
def test_the_first_run_decides_a_line_only_when_the_whole_line_would_fail(text: str) -> None:
    """``_line_is_utf8_as_cp1252`` looks at the line's first non-ASCII run before the line."""
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        assert repair._line_is_utf8_as_cp1252(text, start, end) == line_reads_as_utf8(line)
        start = end + 1


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(st.sampled_from("АЯЁЙаяёйЀѐЖжЪъ Ab1-"), min_size=repair.SHORT_CYRILLIC_SPAN + 1))
def test_a_long_cyrillic_span_is_shaped_by_its_capitals_and_small_letters(span: str) -> None:
    """``_shaped_like`` counts letters with ``str.count``: as the character classes count them."""
    capitals = len(re.findall("[А-ЯЁ]", span))
    smalls = len(re.findall("[а-яё]", span))
    assert repair._shaped_like("cyrillic", span) == (capitals >= smalls)


# ----------------------------------------------- a span met again on the page is not read again

REPEATED_LINES = st.lists(
    st.sampled_from([
        "ÄãºÃ£¬ÊÀ½ç!",  # GBK read as Latin-1
        "鍙戝竷鏃堕棿",  # UTF-8 read as GBK
        "Статья: ЮПРХЙКЭ",  # Cyrillic swap
        "cafÃ© crÃ¨me",
        "Tomáš šel do ÖÐÎÄ školy",
        "寬 薰 瀨 增 德 賴",
        "plain words",
    ]),
    min_size=1,
    max_size=8,
).map("\n".join)


def repaired_reading_every_span(text: str) -> tuple[str, list]:
    """``repair_mojibake(text)`` with every span read afresh, as if no span had been met."""
    original = repair._span_candidates
    with mock.patch.object(
        repair, "_span_candidates",
        lambda text, start, end, pairs, seen: original(text, start, end, pairs, {}),
    ):
        return repair_mojibake(text)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(REPEATED_LINES)
@example("ÄãºÃ£¬ÊÀ½ç!\nÄãºÃ£¬ÊÀ½ç!\n鍙戝竷鏃堕棿\n鍙戝竷鏃堕棿")
def test_copies_of_a_repeated_spans_candidates_repair_as_reading_it_again(text: str) -> None:
    assert repr(repair_mojibake(text)) == repr(repaired_reading_every_span(text))


def repaired_and_read(text: str) -> tuple[str, list, list[str]]:
    """``repair_mojibake(text)`` and every span ``_candidates`` (or, for a run of UTF-8 read as
    GBK, ``_whole_reading``) read on the way."""
    read = []
    original, whole_reading = repair._candidates, repair._whole_reading

    def spy(span, pairs):
        read.append(span)
        return original(span, pairs)

    def whole_spy(run):
        read.append(run)
        return whole_reading(run)

    with mock.patch.object(repair, "_candidates", spy), \
            mock.patch.object(repair, "_whole_reading", whole_spy):
        fixed, fixes = repair_mojibake(text)
    return fixed, fixes, read


def test_a_repeated_line_is_read_once() -> None:
    line = "ÄãºÃ£¬ÊÀ½ç!"
    fixed, fixes, read = repaired_and_read(f"{line}\n{line}\n{line}")
    assert fixed == "你好，世界!\n你好，世界!\n你好，世界!"
    assert [fix.start for fix in fixes] == [0, 12, 24]
    assert read.count("ÄãºÃ£¬ÊÀ½ç!") == 1


def test_shifted_copies_are_joined_from_the_copies_of_their_islands() -> None:
    pairs = repair.LEGACY_AS_LATIN_PAIRS
    found = repair._candidates("ÄãºÃ, ÊÀ½ç", pairs)
    assert any(candidate.parts for candidate in found)
    copies = repair._shifted_copies(found, 7)
    copied = {id(copy) for copy in copies}
    for candidate, copy in zip(found, copies):
        assert copy is not candidate
        assert (copy.start, copy.end, copy.after) == (candidate.start + 7, candidate.end + 7,
                                                      candidate.after)
        assert all(id(part) in copied for part in copy.parts)
        assert [p.start for p in copy.parts] == [p.start + 7 for p in candidate.parts]


def test_a_repeated_span_gets_no_score_of_an_earlier_place() -> None:
    """Scoring depends on the text around a candidate: each place gets unscored copies."""
    text = "ÄãºÃ£¬ÊÀ½ç!\nÄãºÃ£¬ÊÀ½ç!"
    pairs = repair.LEGACY_AS_LATIN_PAIRS
    seen: dict = {}
    first = repair._span_candidates(text, 0, 11, pairs, seen)
    repair._score(text, first[0])
    with mock.patch.object(repair, "_candidates", wraps=repair._candidates) as candidates:
        again = repair._span_candidates(text, 12, 23, pairs, seen)
    assert candidates.call_count == 0
    assert again and not any(candidate.scored for candidate in again)


# ---------------------------------------------------------------- single-byte encoding in C


def sloppy_table_bytes(text: str, codec: str) -> bytes | None:
    """``text`` encoded through the sloppy reading's table alone, as ``_encode`` once did."""
    try:
        return text.translate(SINGLE_BYTE_TABLES[codec][1]).encode("latin-1")
    except UnicodeEncodeError:
        return None


@pytest.mark.parametrize("codec", repair.SINGLE_BYTE_CODECS)
def test_a_code_pages_own_encoder_gives_the_bytes_of_its_sloppy_reading(codec: str) -> None:
    # Each character alone and beside a C1 control (which only the sloppy reading encodes):
    # the encoder's failure must not hide what the table encodes.
    undefined = "".join(map(chr, repair._undefined_bytes(codec)))
    for code in range(0x3000):
        ch = chr(code)
        for text in (ch, "a" + ch, ch + "\x81", undefined + ch):
            assert repair._encode(text, codec) == sloppy_table_bytes(text, codec), (codec, text)
            assert repair._sloppy_probe(text, codec) == text.translate(
                SINGLE_BYTE_TABLES[codec][1]), (codec, text)


@given(st.text(st.sampled_from(HIGH_LATIN_AND_CONTROLS), max_size=12))
@SETTINGS
def test_encoding_high_characters_in_c_changes_no_byte(text: str) -> None:
    for codec in repair.SINGLE_BYTE_CODECS:
        assert repair._encode(text, codec) == sloppy_table_bytes(text, codec)
        assert repair._sloppy_probe(text, codec) == text.translate(SINGLE_BYTE_TABLES[codec][1])


@pytest.mark.parametrize("codec", repair.SINGLE_BYTE_CODECS)
def test_the_characters_a_code_page_encodes_are_the_ones_encode_writes(codec: str) -> None:
    """``SLOPPY_ENCODABLE`` (which spares ``_rival_readings`` the encodings that fail): a
    character is in it exactly when ``_encode`` writes it, alone or beside a C1 control."""
    encodable = repair.SLOPPY_ENCODABLE[codec]
    for code in range(0x3000):
        ch = chr(code)
        for text in (ch, "a" + ch, ch + "\x81"):
            assert (repair._encode(text, codec) is not None) == (set(text) <= encodable), (codec, text)


@given(st.text(st.sampled_from(HIGH_LATIN_AND_CONTROLS + "aĀΑАא中"), max_size=12))
@SETTINGS
def test_a_text_encodes_when_each_of_its_characters_does(text: str) -> None:
    for codec in repair.SINGLE_BYTE_CODECS:
        assert (repair._encode(text, codec) is not None) == (set(text) <= repair.SLOPPY_ENCODABLE[codec])


# ---------------------------------------------------------------- lost continuation bytes


def three_branch_lost_continuation_re(codec: str) -> re.Pattern:
    """The lost-continuation signature as three alternatives, each with its own lead class."""
    chars = repair.SINGLE_BYTE_TABLES[codec][0]
    two, three, four = (repair._char_class(set(chars[low:high]) - {" "})
                        for low, high in ((0xC2, 0xE0), (0xE0, 0xF0), (0xF0, 0xF5)))
    cont = repair._char_class(set(chars[0x80:0xC0]))
    return re.compile(f"(?:[{two}]|[{three}][{cont}]?|[{four}][{cont}]{{0,2}})[\ufffd?]")


@pytest.mark.parametrize("codec", repair.LOSSY_UTF8_CODECS)
def test_the_lost_continuation_signature_finds_what_its_three_branches_find(codec: str) -> None:
    # Every upper-half character, then up to three continuation bytes, then a placeholder or not.
    chars = repair.SINGLE_BYTE_TABLES[codec][0]
    ours, theirs = repair._lost_continuation_re(codec), three_branch_lost_continuation_re(codec)
    for first in chars[0x80:]:
        for tail in ("", chars[0x80], chars[0xA9] * 2, chars[0xBF] * 3, " ", "a"):
            for end in "\ufffd?a":
                text = "x" + first + tail + end
                found = ours.search(text)
                expected = theirs.search(text)
                assert (found and found.start()) == (expected and expected.start()), text


@given(st.text("abé", max_size=12), st.text("abé", max_size=12), st.integers(0, 12))
@SETTINGS
def test_a_common_prefix_found_by_bisection_is_the_one_a_loop_finds(a: str, b: str, keep: int) -> None:
    b = a[:keep] + b
    by_loop = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    assert repair._common_prefix(a, b) == by_loop
    assert repair._common_suffix(a[::-1], b[::-1]) == by_loop


@pytest.mark.parametrize(("damaged", "codec"), [("ÄãºÃ£¬ÊÀ½ç", "gb18030"), ("é\u2013ä¸­æ–‡", "utf-8"),
                                                 ("ÀÇÍÔ ÈÅÑ", "windows-1251")])
def test_an_island_of_lossless_text_is_the_island_of_nothing_guessed(damaged: str, codec: str) -> None:
    # Without lost bytes ``_islands`` writes each island itself: it must be what ``_island``
    # makes of an island with no guess and nothing unsure.
    pair = next(p for p in CODEC_PAIRS if p.right == codec and p.wrong == "windows-1252")
    islands = repair._transcode_unit(damaged, pair)
    assert islands
    for island in islands:
        assert island == repair._island(*island[:3], [], 0)
