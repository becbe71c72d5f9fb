"""Behaviour examples for the character language model."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixenc import langmodel


@pytest.mark.parametrize(
    ("clean", "mojibake"),
    [
        ("发布时间", "鍙戝竷鏃堕棿"),
        ("你好", "ÄãºÃ"),
        ("소리엘", "¼Ò¸®¿¤"),
        ("СЕКРЕТ", "ÑÅÊÐÅÒ"),
        ("café crème", "cafÃ© crÃ¨me"),
        ("ソフトウェア", "ã‚½ãƒ•ãƒˆã‚¦ã‚§ã‚¢"),
    ],
)
def test_clean_text_beats_its_mojibake(clean: str, mojibake: str) -> None:
    assert langmodel.compare(clean, mojibake) > 1.0


def test_language_is_picked_by_script_and_letters() -> None:
    assert langmodel.text_score("楽しいです").language == "ja"
    assert langmodel.text_score("繁體中文的發布時間").language == "zh-hant"
    assert langmodel.text_score("The quick brown fox").language == "en"


@pytest.mark.parametrize(("word", "mark"), [("更新", "々新"), ("マイケル・ジャクソン", "マイケル職ジャクソン")])
def test_japanese_letters_and_marks_are_told_apart(word: str, mark: str) -> None:
    """々 is a letter of words (its bigrams come from the word lists), ・ a mark of punctuation."""
    assert langmodel.text_score(word).total > langmodel.text_score(mark).total


def test_empty_text_scores_zero() -> None:
    assert langmodel.text_logprob("") == 0.0


@given(
    st.text(
        alphabet=st.sampled_from("的是了。，、：“”—…!? \ufffd¤©±Ã©aBcЖж☃\u3000\n0-"),
        max_size=30,
    )
)
@settings(max_examples=300, deadline=None)
def test_scoring_form_scores_like_the_text(text: str) -> None:
    # Marks of punctuation, symbols and U+FFFD are scored by their class alone.
    assert langmodel.text_score.__wrapped__(langmodel.scoring_form(text)) == (
        langmodel.text_score.__wrapped__(text)
    )


def test_scoring_form_keeps_letters_and_merges_marks() -> None:
    assert langmodel.scoring_form("的。x") == langmodel.scoring_form("的，x")
    assert langmodel.scoring_form("的。x") != langmodel.scoring_form("是。x")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from("abcé AБвг中文的了。，!1"), max_size=6), min_size=1,
             max_size=4),
    st.lists(st.sampled_from("aé BБг中的。!1 "), min_size=3, max_size=3),
)
def test_total_upper_bound_is_never_exceeded_whatever_fills_the_gaps(pieces, fillings):
    joined = pieces[0] + "".join(ch + piece for ch, piece in zip(fillings, pieces[1:]))
    assert langmodel.text_score(joined).total <= langmodel.total_upper_bound(pieces) + 1e-9


def test_a_word_ends_where_its_run_of_letters_does():
    # The tables hold how often each letter ends a word (Russian я 69% of the time, с 8%):
    # a run that ends before a space, a mark or the end of the text ends a word.
    def score(text: str) -> float:
        return langmodel.text_score(text, word_ends=True).total

    assert score("семья") > score("семьс")
    assert score("семья живёт") > score("семьс живёт")
    # Without word ends (how margins are judged) the letters alone are scored.
    assert langmodel.text_score("семья").total < langmodel.text_score("семьс").total


def test_every_run_of_a_spaced_script_ends_a_word():
    # A switch of script ends the run's word too ("NET、" and "NET就" both end "net"); scripts
    # written without spaces between words get no word ends.
    def runs(text: str) -> dict[str, list[str]]:
        return langmodel._fixed_and_runs(text, word_ends=True)[1]

    assert runs("IL2Rγc.") == {"latin": ["il ", "r ", "c "], "greek": ["γ "]}
    assert runs("NET就") == {"latin": ["net "], "cjk": ["就"]}
    assert runs("中文。") == {"cjk": ["中文"]}
    assert runs("семья") == {"cyrillic": ["семья "]}


@pytest.mark.parametrize("run", ["中文的文本", "鍙戝竷鏃堕棿", "ソフトウェア", "secret", "x"])
def test_a_run_scores_the_interpolated_term_of_each_pair(run: str) -> None:
    # Each character given the one before it (a space before the first): the model's bigram
    # where its table holds the pair, its unigram alone where it does not (mojibake).
    for languages in langmodel._model().by_script.values():
        for language in languages:
            expected = 0.0
            for pair in map("".join, zip(" " + run, run)):
                bigram = language.bigram_probability(pair) or 0.0
                unigram = language.unigram.get(pair[1], language.floor)
                weight = langmodel.BIGRAM_WEIGHT
                expected += math.log(weight * bigram + (1.0 - weight) * unigram)
            assert language.score_run(run) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("text", "at_end"), [("中\ufffd文", False), ("中\ufffd ", False),
                                              ("吗。\ufffd", True), ("\ufffd」", False)])
def test_a_lost_character_is_a_rare_mark_wherever_it_stands(text: str, at_end: bool) -> None:
    without = langmodel.punctuation_logprob(text.replace("\ufffd", "中"), at_end)
    assert langmodel.punctuation_logprob(text, at_end) == pytest.approx(
        without + math.log(langmodel.RARE_PUNCTUATION_SHARE))


def test_a_total_of_runs_adds_scored_and_new_runs_in_order() -> None:
    # Runs met before are summed in one step; a run not yet met sends the whole list the slow
    # way, which must give the same total, added in the same order.
    language = langmodel._model().by_script["latin"][0]
    known = ["secret", "text"]
    language.runs_total(known)
    runs = [*known, "qzxjvwk" + str(len(language._scores)), "text"]
    total = language.runs_total(runs)
    expected = 0.0
    for run in runs:
        expected += language.score_run(run)
    assert total == expected
    assert language.runs_total(runs) == expected  # now every run is known


@pytest.mark.parametrize("word, same_case", [("τις", "τισ"), ("Ελλάδας", "Ελλάδασ")])
def test_final_sigma_is_a_small_letter(word: str, same_case: str) -> None:
    # ς casefolds to σ, as the tables count it; it is a small letter all the same, so a word
    # ending in one pays no switch of case.
    assert langmodel._fixed_and_runs(word)[0] == langmodel._fixed_and_runs(same_case)[0]
