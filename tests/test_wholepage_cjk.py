"""Whole pages of UTF-8 read as Big5, Shift-JIS, EUC-JP and EUC-KR (lines from the chardet corpus).

Python's CJK decoders with errors="replace" lose one byte per U+FFFD (a lead byte whose
partner does not pair with it; the partner is read again), so the page re-encoded with
the wrong codec is valid UTF-8 apart from those bytes.
"""

from __future__ import annotations

import codecs as codecs_module
import unicodedata
from bisect import bisect_right

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixenc import wholepage
from fixenc.langmodel import writing_system
from fixenc.options import SENTENCE_MODELS_ENV
from fixenc.repair import encode_as_read
from fixenc.wholepage import WRONG_PAGE_CODECS, _CharOffsets, _probe, _rules_out, redecode_page

LOST = "\ufffd"


@pytest.mark.parametrize(
    ("codec", "clean"),
    [
        ("cp932", "Windows Server 2003 Datacenter Edition、Windows Server 2003 Enterprise Edition、Windows"),
        ("cp949", "참조 ; http://amkorea.com/cgi-bin/amkorea/board/ttboard.cgi?act=read"),
    ],
)  # fmt: skip
def test_lossless_page_comes_back_exactly(codec: str, clean: str) -> None:
    damaged = clean.encode("utf-8").decode(codec)
    repaired, fixes = redecode_page(damaged)
    assert repaired == clean
    assert fixes[0].codecs == (codec, "utf-8")


def test_big5_page_keeps_undetermined_characters_lost() -> None:
    # Too few bytes of 《 and 》 survive to tell them from other marks: they stay U+FFFD.
    damaged = "小說《尤里西斯》Ulysses".encode().decode("cp950", "replace")
    repaired, fixes = redecode_page(damaged)
    assert repaired == f"小說{LOST}尤里西斯{LOST}Ulysses"
    assert fixes[0].codecs == ("cp950", "utf-8")
    assert fixes[0].guessed  # the lost bytes of 尤 and 斯 were guessed, and reported


def test_shift_jis_page_is_recovered_with_its_final_mark_guessed_by_frequency() -> None:
    clean = "この写真はマジの写真なのか？それとも合成なのか？ってのを見極めるコト。"
    damaged = clean.encode("utf-8").decode("cp932", "replace")
    repaired, fixes = redecode_page(damaged)
    assert damaged.count(LOST) == 2
    # 。 lost its last byte at the end: 。〃々〆 all fit the bytes; the punctuation
    # prior (a sentence-final mark before the end) picks 。, and the guess is reported
    assert repaired == clean
    assert "2 lost bytes shown as U+FFFD, 2 guessed, 0 characters left as U+FFFD" in fixes[0].detail
    assert len(fixes[0].guessed) == 2


def test_the_end_of_the_page_is_a_break_for_the_mark_that_lost_its_last_byte() -> None:
    # ！ (EF BC 81) lost its last byte at the very end: the marks of EF BC xx that end a line
    # (！ ？ ）) are likelier there than the comma, which wins inside a sentence.
    clean = "我們明天一起去看電影吧！"
    repaired, _ = redecode_page(clean.encode().decode("cp932", "replace"))
    assert repaired == clean


def test_a_mark_that_lost_its_last_byte_closes_the_bracket_open_on_its_line() -> None:
    # （ is open: the lost last byte of ） (EF BC 89) before a digit is no comma (EF BC 8C).
    clean = "週末は新しいカメラ（ソニー製）5万円で買った"
    repaired, _ = redecode_page(clean.encode().decode("cp932", "replace"))
    assert "カメラ（ソニー製）5" in repaired
    clean = "彼は「明日また来ます」2回もそう言った"
    repaired, _ = redecode_page(clean.encode().decode("cp932", "replace"))
    assert "「明日また来ます」2" in repaired


def test_japanese_text_takes_its_comma_where_chinese_takes_its_full_stop() -> None:
    # 、 (E3 80 81) and 。 (E3 80 82) differ in their lost last byte; before a letter
    # Japanese writes 、 far more often, and 。 before an ASCII stop ("...") as at a break.
    clean = "今日は雨が降ったので、3時間も家にいました"
    repaired, _ = redecode_page(clean.encode().decode("cp932", "replace"))
    assert repaired == clean
    clean = "とても楽しい一日でしたね、また行こう。..."
    repaired, _ = redecode_page(clean.encode().decode("cp932", "replace"))
    assert repaired == clean


def test_a_lost_byte_beside_another_lost_byte_is_read_as_cp932_reads_it() -> None:
    # 안 (EC 95 88) lost its lead byte; 전 (EC A0 84) its lead and last: cp932 reads A0 as
    # U+F8F0 and a lost byte as U+FFFD, but the byte FF that stands in for a lost byte while a
    # guess is checked as U+F8F3, so no guess for 안 gave the damage back and it stayed lost.
    clean = "오늘은 안전 교육이 있습니다. 전기 안전에 대해 배웁니다."
    repaired, _ = redecode_page(clean.encode().decode("cp932", "replace"))
    assert repaired.count("안전") == 2


def test_a_question_mark_after_a_lost_lead_byte_is_a_lost_byte_too() -> None:
    # 로 (EB A1 9C) read as cp932 by a decoder that writes '?' for what it cannot read is
    # "?｡?": its lead byte is lost, so only the length of the page's other characters (three
    # bytes) tells that the second '?' is the lost 9C, not a question mark after a character.
    clean = "아티클은 키워드로 스너피를 소개했다"
    damaged = clean.encode().decode("cp932", "fixenc-test-question")
    assert "?｡? " in damaged
    assert "키워드로 " in redecode_page(damaged)[0]
    clean = "你好吗? 我很好。他呢?"
    damaged = clean.encode().decode("cp932", "fixenc-test-question")
    assert redecode_page(damaged)[0].count("?") == 2


def test_a_character_that_lost_all_its_bytes_may_be_a_common_one() -> None:
    # 서 (EC 84 9C) before a space read as cp932 is "���": no byte of it is left, so only its
    # neighbours tell 에서 ("at"), as they do for each common character of three bytes.
    clean = "오늘은 학교에서 공부를 했다. 그리고 집에서 쉬었다"
    damaged = clean.encode().decode("cp932", "replace")
    assert "\ufffd\ufffd\ufffd " in damaged
    assert redecode_page(damaged)[0] == clean


def test_a_character_is_guessed_whole_only_when_the_page_asks_for_it() -> None:
    # On a page where more characters than WHOLE_LOST_MAX_SHARE are lost marks (UTF-8 read as
    # Big5 or EUC-JP), a character that lost all three bytes has no neighbours to be judged
    # by: its window has no readings, and it stays lost.
    window = bytearray(b"\xff\xff\xff")
    assert not wholepage._readings(window, 0, 3, {0, 1, 2})
    readings = wholepage._readings(window, 0, 3, {0, 1, 2}, whole_lost=True)
    assert ("。", (0xE3, 0x80, 0x82)) in readings


def test_a_lost_byte_right_after_a_number_is_guessed_as_a_unit() -> None:
    # 円 (E5 86 86) and 内 (E5 86 85), 万 (E4 B8 87) and 一 (E4 B8 80) differ in their lost
    # last byte; the model reads digits as neutral, so only their being units after a
    # number tells them apart.
    repaired, _ = redecode_page("会費は500円です".encode().decode("cp932", "replace"))
    assert repaired == "会費は500円です"
    damaged = "参加者は3000人、予算は20万元だった".encode().decode("cp932", "replace")
    assert "予算は20万元" in redecode_page(damaged)[0]


def test_euc_kr_page_recovers_the_words_whose_lost_bytes_are_determined() -> None:
    clean = "서울의 날씨는 맑습니다. 오늘은 비가 오지 않을 것입니다. 내일도 맑겠습니다."
    damaged = clean.encode("utf-8").decode("cp949", "replace")
    repaired, fixes = redecode_page(damaged)
    assert "맑습니다" in repaired and "것입니다" in repaired
    assert "맑습니다" not in damaged
    assert fixes[0].codecs == ("cp949", "utf-8")


def test_euc_jp_page_with_korean_text_is_re_decoded() -> None:
    clean = "서울의 날씨는 맑습니다. 오늘은 비가 오지 않을 것입니다. 내일도 맑겠습니다."
    damaged = clean.encode("utf-8").decode("euc_jp", "replace")
    repaired, fixes = redecode_page(damaged)
    assert "비가" in repaired
    assert fixes[0].codecs == ("euc_jp", "utf-8")


def test_a_page_read_as_cp932_through_its_duplicate_pairs_is_re_decoded() -> None:
    """金 (E9 87 91) read one byte late gives the pair 87 91, NEC's ≡, which cp932 writes as
    JIS's 81 DF: the page's bytes are rebuilt with the pair that was read."""
    clean = "今日は金曜日です。来月のお金を払います。"
    damaged = clean.encode("utf-8").decode("cp932", "replace")
    assert "≡" in damaged
    assert redecode_page(damaged)[0] == clean


def test_cp932_text_is_encoded_back_to_the_bytes_it_was_read_from() -> None:
    data = "金曜日と金と".encode()[1:]  # read one byte late, 87 91 is ≡
    shown = data.decode("cp932")
    assert shown.encode("cp932") != data  # cp932's own choice of pair breaks the UTF-8
    assert encode_as_read(shown, "cp932", continuing=True) == data


def test_only_the_listed_code_pages_read_a_character_from_two_pairs() -> None:
    from fixenc import repair

    having = {codec for codec in repair.CJK_CODECS if repair._scan_duplicate_pairs(codec)}
    assert having == set(repair.DUPLICATE_PAIR_CODECS)


def test_page_that_lost_nearly_every_byte_is_left_as_it_is() -> None:
    # Japanese UTF-8 read as EUC-JP keeps about one byte in three: too little to decide.
    clean = "今年のベストアルバムをリストアップをするのも良いかもしれませんが、なかなか数が絞れない。"
    damaged = clean.encode("utf-8").decode("euc_jp", "replace")
    assert redecode_page(damaged) == (damaged, [])


@pytest.mark.parametrize(
    "clean",
    ["[轉載] 小說《尤里西斯》是喬伊斯的長篇小說。", "エルエル的には「合成」だと思うのですが、エンジンに放射熱まである。",
     "참조 ; 민스 (2003-12-05 15:18:43)", "今年のベストアルバムをリストアップ"],
)  # fmt: skip
def test_clean_cjk_text_is_not_redecoded(clean: str) -> None:
    assert redecode_page(clean) == (clean, [])


def test_guesses_are_never_private_use_characters() -> None:
    # The model knows some private-use characters (icon fonts); without this rule 반복되는
    # came back with U+EC18 and U+E418 guessed into it.
    clean = "서비스를 할 때 계속 반복되는 단순 작업들이 있다. 서비스하는 기계에 파일 보내기, 서버 내리기"
    damaged = clean.encode("utf-8").decode("cp932", "replace")
    repaired, _ = redecode_page(damaged)
    assert "되는 단" in repaired
    assert not any(unicodedata.category(char) in ("Co", "Cn", "Cc") for char in repaired)


def _question(error: UnicodeDecodeError) -> tuple[str, int]:
    return "?", error.start + 1  # one '?' per byte the decoder cannot read


@pytest.mark.parametrize("codec", ["cp932", "gb18030"])
def test_lost_bytes_shown_as_question_marks_are_found_and_real_ones_kept(codec: str) -> None:
    import codecs

    codecs.register_error("test-question", _question)
    clean = "この写真はマジの写真なのか？それとも合成なのか？ってのを見極めるコト。本当? yes"
    damaged = clean.encode("utf-8").decode(codec, "test-question")
    assert LOST not in damaged and damaged.count("?") > 1
    repaired, fixes = redecode_page(damaged)
    assert "それとも合成なのか？ってのを見極める" in repaired
    assert repaired.endswith("本当? yes")  # the page's own '?' stays
    assert "lost bytes shown as '?'" in fixes[0].detail


@pytest.mark.parametrize(
    "clean", ["你好吗?我很好。", "本当? はい、そうです。これはテストです?", "정말? 네, 맞습니다??"]
)
def test_clean_cjk_text_with_question_marks_is_not_redecoded(clean: str) -> None:
    assert redecode_page(clean) == (clean, [])


@pytest.mark.parametrize("codec", ["gb18030", "cp950", "cp932"])
def test_character_offsets_count_bytes_in_the_wrong_codec(codec: str) -> None:
    # Each U+FFFD stands for one lost byte; ASCII is one byte.
    damaged = "ab\ufffd中文\n<p>\ufffd\ufffd日本x" + "y" * 5 + "語。"
    widths = [1 if ch.isascii() or ch == LOST else len(ch.encode(codec)) for ch in damaged]
    expected = [sum(widths[:index]) for index in range(len(damaged) + 1)]
    offsets = _CharOffsets(damaged, codec)
    assert len(offsets) == len(expected)
    assert [offsets[index] for index in range(len(offsets))] == expected
    with pytest.raises(IndexError):
        offsets[len(expected)]
    # Counted from the runs, as the windows' bounds take them: bisect_right on the sequence.
    for byte in range(-1, expected[-1] + 4):
        assert offsets.count_at_most(byte) == bisect_right(expected, byte)


def test_question_marks_lost_in_pairs_are_matched_to_the_right_marks_of_the_text() -> None:
    """A '?' before a lost byte is lost too; the second pass counted only the '?' still
    unmarked, so its marks fell on the wrong '?' of the text and 서비스를 stayed damaged."""
    import codecs

    codecs.register_error("test-question", _question)
    clean = "서비스를 할 때 계속 반복되는 단순 작업들이 있다. 정말? yes"
    damaged = clean.encode("utf-8").decode("cp932", "test-question")
    repaired, _ = redecode_page(damaged)
    assert repaired.startswith("서비스를 할 때")
    assert repaired.endswith("정말? yes")


@pytest.mark.parametrize("codec", ["cp932", "cp950", "euc_jp"])
def test_guesses_are_no_letters_of_scripts_the_page_does_not_use(codec: str) -> None:
    # A lost byte's best reading in Korean or Chinese text was at times a letter of some other
    # script (an Arabic presentation form, a Cham or Canadian syllabics letter) that the model
    # scores as a mere unknown character.
    clean = ("뉴욕에 사는 친구입니다. 제 메신저로 연락해 주세요. 핸드폰을 구입했어요. "
             "값이 오늘 올랐습니다. 값이 오늘 올랐습니다.")
    damaged = clean.encode("utf-8").decode(codec, "replace")
    repaired, _ = redecode_page(damaged)
    assert not [ch for ch in repaired if not ch.isascii() and writing_system(ch).startswith("script ")]


def test_writing_systems() -> None:
    assert [writing_system(ch) for ch in "가かカ漢Жé、！"] == [
        "hangul", "kana", "kana", "han", "cyrillic", "latin", "common", "common"]
    assert writing_system("ﯼ").startswith("script ") and writing_system("꩔").startswith("script ")


def _question_per_byte(error: UnicodeDecodeError) -> tuple[str, int]:
    return "?", error.start + 1


codecs_module.register_error("fixenc-test-question", _question_per_byte)


@pytest.mark.parametrize("codec", ["gb18030", "gbk", "cp950", "big5hkscs", "cp932", "euc_jp", "cp949"])
@pytest.mark.parametrize("errors", ["strict", "replace", "fixenc-test-question"])
@pytest.mark.parametrize(
    "clean", ["今天天气很好，我们去公园散步吧。", "東京の天気は晴れです。明日も晴れるでしょう。",
              "서울의 날씨는 맑습니다. 내일도 맑겠습니다.", "Привет, как дела? Всё хорошо.",
              "Ça va? Très bien, merci."],
)  # fmt: skip
def test_the_probe_never_rules_out_the_codec_that_did_the_damage(codec: str, errors: str, clean: str):
    try:
        damaged = clean.encode("utf-8").decode(codec, errors)
    except UnicodeDecodeError:
        pytest.skip("this codec cannot read these bytes without loss")
    probe = _probe(damaged)
    assert not (probe and _rules_out(probe, codec))


@pytest.mark.parametrize("clean", ["今天天气很好，我们去公园散步吧。", "서울의 날씨는 맑습니다."])
def test_clean_cjk_pages_are_ruled_out_by_their_probe(clean: str):
    assert all(_rules_out(_probe(clean), codec) for codec in WRONG_PAGE_CODECS)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("中文鍙戝竷Ê\u0304ê\u030cé ñ€"), min_size=60, max_size=90))
def test_ruling_a_codec_out_on_the_probes_head_agrees_with_the_whole_probe(probe):
    """The head is a shortcut, never another answer (Big5-HKSCS writes Ê and U+0304 as one
    pair of bytes, so the head must not end between them)."""
    for codec in wholepage.WRONG_PAGE_CODECS:
        assert wholepage._rules_out(probe, codec) == wholepage._fails_as_utf8(probe, codec)


def test_korean_particles_that_lost_a_byte_are_chosen_by_the_sentence(monkeypatch) -> None:
    """의, 이, 와 and 외 differ only in the byte a GBK reading lost before a space; the character
    model, built from lists of single words, prefers the commonest; a Korean sentence model
    (the optional kiwipiepy) reads the words around them."""
    pytest.importorskip("kiwipiepy")
    clean = "<p>정부는 올해 경제 성장률 전망을 낮췄다. 수출의 감소와 소비의 위축이 주된 원인으로 꼽혔다.</p>"
    damaged = clean.encode().decode("gbk", "replace")
    monkeypatch.delenv(SENTENCE_MODELS_ENV, raising=False)
    assert "수출의 감소와 소비의" not in redecode_page(damaged)[0]  # off by default
    monkeypatch.setenv(SENTENCE_MODELS_ENV, "ko")
    assert "수출의 감소와 소비의" in redecode_page(damaged)[0]
    monkeypatch.setattr(wholepage, "sentence_score", lambda language: None)
    assert "수출의 감소와 소비의" not in redecode_page(damaged)[0]


def test_japanese_particles_that_lost_a_byte_are_chosen_by_the_sentence(monkeypatch) -> None:
    """な, に and は (E3 81 AA, AB, AF) differ only in their lost last byte: the character model
    alone reads 昼休みには as 昼休みなに; MeCab's best path through the sentence (the optional
    mecab-python3 and unidic-lite) gets every particle of the paragraph right."""
    pytest.importorskip("MeCab")
    pytest.importorskip("unidic_lite")
    clean = "<p>私は毎朝駅まで歩いて行きます。会社に着くと、まずメールを確認します。昼休みには同僚と食事をします。</p>"
    damaged = clean.encode().decode("gbk", "replace")
    monkeypatch.setenv(SENTENCE_MODELS_ENV, "all")
    assert redecode_page(damaged)[0] == clean
    monkeypatch.setattr(wholepage, "sentence_score", lambda language: None)
    assert "昼休みには" not in redecode_page(damaged)[0]


@pytest.mark.parametrize("setting", [None, "", "0", "zh", "ja"])
def test_sentence_models_stay_off_unless_turned_on(monkeypatch, setting) -> None:
    """No sentence model is loaded for a language ``$FIXENC_SENTENCE_MODELS`` does not name
    (Kiwi costs seconds and half a gigabyte per process)."""
    if setting is None:
        monkeypatch.delenv(SENTENCE_MODELS_ENV, raising=False)
    else:
        monkeypatch.setenv(SENTENCE_MODELS_ENV, setting)

    def refuse(language):
        raise AssertionError(f"the {language} sentence model was asked for")

    monkeypatch.setattr(wholepage, "sentence_score", refuse)
    clean = "<p>정부는 올해 경제 성장률 전망을 낮췄다. 수출의 감소와 소비의 위축이 주된 원인으로 꼽혔다.</p>"
    fixed, _ = redecode_page(clean.encode().decode("gbk", "replace"))
    assert "경제" in fixed  # re-decoded by the character model alone
    assert wholepage.sentence_languages() == ({"ja"} if setting == "ja" else set())


def test_gbk_readings_far_ahead_on_the_cheap_ranking_are_taken_without_the_model(monkeypatch) -> None:
    clean = (
        "我们的网站提供最新的新闻和信息，欢迎大家访问我们的网站。"
        "今天的天气很好，我们一起去公园散步吧。这个问题我们明天再讨论。"
    )
    damaged = clean.encode().decode("gbk", "replace")
    scored = []
    text_score = wholepage.langmodel.text_score
    monkeypatch.setattr(
        wholepage.langmodel, "text_score", lambda *args: scored.append(args) or text_score(*args)
    )
    fast = redecode_page(damaged)[0]
    fast_calls = len(scored)
    monkeypatch.setattr(wholepage, "CERTAIN_CODECS", frozenset())
    scored.clear()
    assert redecode_page(damaged)[0] == fast == clean
    assert fast_calls < len(scored)
