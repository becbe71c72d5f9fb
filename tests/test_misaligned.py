"""Double-byte text read one byte late: the seed page's spans and the promises around them."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from conftest import SAMPLES
from damage import decode_out_of_phase, fold_width
from hypothesis import given, settings
from hypothesis import strategies as st

from fixenc import misaligned
from fixenc.misaligned import repair_misaligned_double_byte

SEED = SAMPLES / "zh-gov-news-damaged.txt"


def test_the_three_seed_spans_are_read_in_phase():
    text = SEED.read_text(encoding="utf-8")
    repaired, fixes = repair_misaligned_double_byte(text)
    assert [(fix.before, fix.after) for fix in fixes] == [
        ("?!袄吓f", "。“老舊"),
        ("?!?", "。”<"),
        ("?!睋?", "。”據("),
    ]
    assert "需要。“老舊小區" in repaired
    assert "發(fā)展。”</span>" in repaired
    assert "艱巨。”據(jù)統" in repaired


def test_a_fix_says_which_codec_and_which_bytes_were_guessed():
    _, (fix,) = repair_misaligned_double_byte("的迫切需要?!袄吓f小區基本位於城市建成區內")
    assert fix.kind == "misaligned"
    assert fix.codecs == ("gbk", "gbk")
    assert fix.guessed == (0xA1,)  # the lead byte of 。 the decoder lost
    assert 0.5 < fix.confidence <= 1.0
    assert (fix.start, fix.end) == (5, 10)


def test_a_span_ending_in_a_swallowed_bracket_is_repaired_on_its_own():
    repaired, _ = repair_misaligned_double_byte("任務(wù)十分艱巨?!睋?jù)統(tǒng)計(jì),全省")
    assert repaired == "任務(wù)十分艱巨。”據(jù)統(tǒng)計(jì),全省"


@pytest.mark.parametrize(
    "clean",
    [
        "真的吗?!我不信。",
        "What?! No way. Really?!",
        "他说What?! No way.",
        "你好吗?我很好。",
        "价格是多少? 100元。",
        "見て?!すごい!",
        "무엇?! 정말이야?",
        "<p>問題?</p><b>答え</b>",
    ],
)
def test_clean_text_with_question_marks_is_left_alone(clean):
    assert repair_misaligned_double_byte(clean) == (clean, [])


def test_characters_lost_to_question_marks_are_not_taken_for_misalignment(shared_data):
    """Lossy damage of another kind ('?' for an unencodable character) must not move."""
    rng = random.Random(7)
    checked = 0
    for folder, codec in (("GB2312", "gb18030"), ("Big5", "big5"), ("SHIFT_JIS", "cp932")):
        for path in sorted((shared_data / "chardet-corpus" / folder).iterdir())[:6]:
            text = path.read_bytes().decode(codec, errors="replace")
            lossy = "".join("?" if ch > "\x7f" and rng.random() < 0.01 else ch for ch in text)
            assert repair_misaligned_double_byte(lossy) == (lossy, []), path.name
            checked += 1
    assert checked


def test_a_simulated_out_of_phase_paragraph_comes_back():
    original = (
        "他说：“我们明天出发。”大家都很高兴。然后我们去了北京。“好的。”他说。\n第二天下雨了。\n"
    )
    damaged = fold_width(decode_out_of_phase(original.encode("gbk")))
    assert damaged != fold_width(original)
    repaired, fixes = repair_misaligned_double_byte(damaged)
    assert repaired == fold_width(original)
    assert len(fixes) == 1  # one span: the decoder stayed out of phase until the newline


def test_repair_is_idempotent():
    text = SEED.read_text(encoding="utf-8")
    once, _ = repair_misaligned_double_byte(text)
    assert repair_misaligned_double_byte(once) == (once, [])


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("?\ufffd!,:() abf<>/\n。“”的了是在不有老旧小区發展據舊袄吓睋彼"),
        max_size=40,
    )
)
def test_never_crashes_and_reports_spans_of_its_input(text):
    repaired, fixes = repair_misaligned_double_byte(text)
    assert isinstance(repaired, str)
    for fix in fixes:
        assert text[fix.start : fix.end] == fix.before


def test_closing_an_open_quotation_counts_as_evidence():
    repaired, (fix,) = repair_misaligned_double_byte("他说：“我们明天出发?!?/span>\n")
    assert fix.after == "。”<"
    assert repaired == "他说：“我们明天出发。”</span>\n"
    assert repair_misaligned_double_byte("他说：我们明天出发?!?/span>\n")[1] == []


@pytest.mark.parametrize(
    "damaged",
    [
        "发布时间是今天上午，会议在北京召开。".encode().decode("gbk", "replace"),
        "发布时间是今天上午，会议在北京召开。".encode().decode("gbk", "ignore"),
        "发布时间是今天上午，会议在北京召开。".encode().decode("gb18030", "replace"),
        "会议在北京召开。".encode().decode("gbk", "replace").replace("\ufffd", "?"),
    ],
)
def test_lossy_utf8_read_as_gbk_is_not_re_read_out_of_phase(damaged: str) -> None:
    # Its '?' and U+FFFD are bytes lost by the UTF-8-as-GBK damage, not a
    # decoder out of phase; re-reading would trade one garble for another.
    assert repair_misaligned_double_byte(damaged) == (damaged, [])


@pytest.mark.parametrize("codec", misaligned.CODECS, ids=lambda codec: codec.name)
def test_a_pages_fit_counts_exactly_the_characters_its_codec_cannot_encode(codec) -> None:
    """``_Page.fits`` counts misses as the '?' bytes of one encoding with errors="replace":
    exact because no character of these codecs encodes to a 3F byte, and each character that
    does not encode becomes exactly one."""
    for point in range(0x80, 0x10000):
        ch = chr(point)
        try:
            assert b"?" not in ch.encode(codec.name)
        except UnicodeEncodeError:
            assert ch.encode(codec.name, "replace") == b"?"
    rng = random.Random(7)
    hangul, kana, han = "학생들고교준비", "のでダウンロード", "什麼家給打掃的那麼乾淨"
    alphabets = [hangul, kana, han, han + kana, hangul + han, hangul + kana + han + "Ωé€ ?\ufffd"]
    results = set()
    for _ in range(200):
        alphabet = rng.choice(alphabets)
        text = "".join(rng.choice(alphabet) for _ in range(60)) + rng.choice("Ωé ")
        wide = {ch for ch in text if ch > "\x7f" and not ch.isspace()} - set("?\ufffd")
        misses = sum(1 for ch in wide if misaligned._encode(ch, codec.name) is None)
        expected = misses <= misaligned.MAX_FOREIGN_SHARE * len(wide)
        assert misaligned._Page(text).fits(codec) == expected
        results.add(expected)
    assert results == {True, False}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("?!, ab<>/\n。，“”！的了是在老旧小區發展據袄吓睋Ω"),
                 max_size=8),
        min_size=2,
        max_size=4,
    ),
    st.lists(st.sampled_from("?!a 。，“”的了區袄Ω"), min_size=3, max_size=3),
    st.booleans(),
)
def test_the_plausibility_bound_holds_for_any_lost_characters(pieces, fillings, quote_open):
    """``_plausibility_bound`` may skip a search only because no choice can beat it."""
    text = SEED.read_text(encoding="utf-8")
    page = misaligned._Page(text)
    own = misaligned.Counter(map(str.__add__, pieces[0], pieces[0][1:]))
    bound = misaligned._plausibility_bound(pieces, page, own, quote_open)
    joined = pieces[0] + "".join(ch + piece for ch, piece in zip(fillings, pieces[1:]))
    assert misaligned._plausibility(joined, page, own, quote_open) <= bound


def test_skipping_hopeless_searches_changes_no_result_and_no_budget(monkeypatch):
    """Clean text with real question marks, and damaged spans, come out as they did with
    every search made; the page's search budget is charged the same."""
    damaged = fold_width(decode_out_of_phase("他说：“我们明天出发。”大家都很高兴。\n".encode("gbk")))
    texts = [SEED.read_text(encoding="utf-8"), "他又問了一次：為什麼你家?總是打掃得那麼乾淨然後還會煮早餐呢",
             damaged]
    budgets: list[list[int]] = [[], []]
    original_page = misaligned._Page

    def recording_page(*args, **kwargs):
        page = original_page(*args, **kwargs)
        budgets[run].append(page)
        return page

    skipped = []
    original_charge = misaligned._charge_searches

    def counting_charge(*args):
        skipped.append(args)
        original_charge(*args)

    monkeypatch.setattr(misaligned, "_Page", recording_page)
    monkeypatch.setattr(misaligned, "_charge_searches", counting_charge)
    run = 0
    with_skips = [repair_misaligned_double_byte(text) for text in texts]
    assert skipped  # some searches were skipped
    monkeypatch.setattr(misaligned, "_plausibility_bound", lambda *args: float("inf"))
    run = 1
    searched = [repair_misaligned_double_byte(text) for text in texts]
    assert with_skips == searched
    assert [page.searches_left for page in budgets[0]] == [page.searches_left for page in budgets[1]]
    assert budgets[0][1].searches_left < misaligned._search_budget(texts[1])  # searches charged


@pytest.mark.parametrize("text", ["", "a", "aaa?aa", "需要?!袄吓f小區。。。“老舊”需要", "ababa bb\n\n\n"])
def test_page_occurrences_are_what_a_counter_of_the_page_holds(text: str) -> None:
    """The page's counts, taken on lookup, equal a Counter's of every character and pair
    (overlapping pairs too: "aaa" holds "aa" twice), and 0 for what the page lacks."""
    page = misaligned._Page(text)
    chars, pairs = Counter(text), Counter(map(str.__add__, text, text[1:]))
    for ch in {*text, "x", "需"}:
        assert page.chars.get(ch, 0) == chars.get(ch, 0), ch
    for pair in {*pairs, "xa", "aa", "。。", "\n\n"}:
        assert page.bigrams.get(pair, 0) == pairs.get(pair, 0), pair


def test_page_occurrences_stay_exact_once_every_character_is_counted() -> None:
    """After ``WHOLE_COUNT_AFTER`` characters looked up, the page counts all of them in one
    pass: counts looked up before and after it, present or absent, are a Counter's."""
    text = "".join(chr(0x4E00 + n) * (n % 3 + 1) for n in range(3 * misaligned.WHOLE_COUNT_AFTER))
    page = misaligned._Page(text)
    chars = Counter(text)
    lookups = [chr(0x4E00 + n) for n in range(0, len(chars) + 40, 2)] + ["?", "a", "\ufffd"]
    lookups.insert(misaligned.WHOLE_COUNT_AFTER - 1, "x")  # absent, and the lookup that counts
    for ch in lookups + lookups[::-1]:
        assert page.chars.get(ch, 0) == chars.get(ch, 0), ch
    assert page.chars.chars_counted
    assert page.bigrams.get(text[:2], 0) == text.count(text[:2])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(st.sampled_from("?\ufffd a.中文\n"), max_size=30))
def test_lost_marks_are_counted_as_the_plain_alternation_counts_them(text: str) -> None:
    """``_LOST_IN_TEXT`` opens with one class for speed; it finds what the plain definition
    finds: U+FFFD anywhere, '?' after or before a non-ASCII character."""
    plain = re.compile("\ufffd|(?<=[^\x00-\x7f])\\?|\\?(?=[^\x00-\x7f])")
    assert [m.span() for m in misaligned._LOST_IN_TEXT.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(st.sampled_from("?\ufffd a中\n"), max_size=30))
def test_span_starts_are_the_lone_marks(text: str) -> None:
    """``_START`` looks behind the mark instead of before it, for speed; it finds what the
    plain definition finds: a mark with no mark on either side."""
    plain = re.compile("(?<![?\ufffd])[?\ufffd](?![?\ufffd])")
    assert [m.span() for m in misaligned._START.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]
