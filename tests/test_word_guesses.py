"""Lost bytes of Cyrillic, Greek and Hebrew words guessed with the shipped word lists."""

from __future__ import annotations

import gzip
import json
from importlib import resources

import pytest

from fixenc import langmodel
from fixenc.pipeline import repair_text
from fixenc.repair import repair_mojibake


def test_words_are_looked_up_in_any_case_and_greek_without_accents() -> None:
    assert langmodel.word_rank("Русский") is not None
    assert langmodel.word_rank("РУССКИЙ") is not None
    assert langmodel.word_rank("Русякий") is None  # с read as я: no word
    assert langmodel.word_rank("είναι") is not None
    assert langmodel.word_rank("ΕΙΝΑΙ") is not None  # capitals drop the accents
    assert langmodel.word_key("ΛΌΓΟΣ") == "λογοσ"  # wordfreq writes every sigma as σ
    assert langmodel.word_key("Москва") == "москва"  # й, ё keep their marks: only Greek loses them


def test_a_cyrillic_word_with_latin_look_alikes_is_looked_up_in_cyrillic() -> None:
    assert langmodel.has_word_list("Cрпски")  # Latin C, Cyrillic rest
    assert langmodel.word_key("Cрпски") == "српски"
    assert langmodel.word_rank("Cрпски") is not None
    assert langmodel.word_key("Straße") == "straße"  # no Cyrillic: as it is
    assert langmodel.word_key("Cрпsки") == "cрпsки"  # s has no Cyrillic look-alike
    assert not langmodel.has_word_list("Haus")


def test_shipped_word_lists_are_in_lookup_form() -> None:
    # scripts/build_wordlists.py writes each word as word_key makes it: a change of word_key
    # without a rebuild would leave words that can never be found.
    raw = (resources.files("fixenc") / "data" / langmodel.WORD_LIST_FILE).read_bytes()
    data = json.loads(gzip.decompress(raw))
    assert {"ru", "uk", "bg", "el", "he"} <= set(data["languages"])
    assert data["rank_bands"] == list(langmodel.WORD_RANK_BANDS)
    for bands in data["languages"].values():
        assert len(bands) == len(langmodel.WORD_RANK_BANDS)
        listed = [band.split("\n") for band in bands]
        assert all(words == sorted(words) for words in listed)
        everything = [word for words in listed for word in words]
        assert len(everything) > 10_000
        assert len(set(everything)) == len(everything)
        assert all(langmodel.word_key(word) == word and word.isalpha() for word in everything)


def test_commoner_words_rank_first() -> None:
    assert langmodel.word_rank("это") < langmodel.word_rank("сто") < langmodel.word_rank("мос")
    assert langmodel.word_rank("μια") < langmodel.word_rank("νια")
    assert langmodel.word_rank("Русякий") is None


# Each line loses bytes of letters to the code page's undefined bytes; the character model
# alone read them wrong (хочетсс, итальснской, Русякий сзык, γλ�σσα).
WORD_LINES = [
    ("Мне хочется учиться в итальянской школе.", "windows-1252"),
    ("Русский язык", "windows-1252"),
    ("Η γλώσσα είναι ελληνική.", "windows-1253"),
]


@pytest.mark.parametrize("line, codec", WORD_LINES)
def test_lost_letters_are_guessed_to_make_known_words(line: str, codec: str) -> None:
    damaged = line.encode("utf-8").decode(codec, "replace")
    assert "\ufffd" in damaged
    assert repair_mojibake(damaged)[0] == line


def test_a_space_that_stood_for_a0_is_read_back_before_the_guess() -> None:
    # Р is D0 A0: a later program turned the A0 into a space, and the decoder lost с's 81.
    damaged = "Ð ÑƒÑ\ufffdÑ\ufffdÐºÐ¸Ð¹"
    assert repair_mojibake(damaged)[0] == "Русский"


def test_the_a0_read_back_keeps_every_byte_in_its_place() -> None:
    # ftfy's restore_byte_a0 also makes "Ã " (French à before a space) "à " with a byte more;
    # the guesses index the bytes by character, so only same-length changes are made.
    from fixenc.repair import _restored_byte_a0

    for data in (b"\xc3 la maison", b"\xd0 \xd1\x83", b"plain text"):
        assert len(_restored_byte_a0(data)) == len(data)
    assert _restored_byte_a0(b"\xd0 \xd1\x83") == "Ру".encode()


def test_a_page_read_as_a_cjk_code_page_takes_the_known_words_for_its_lost_letters() -> None:
    # Cyrillic UTF-8 read as cp932 loses the second byte of х, с, ы (D1 85, D1 81, D1 8B):
    # the whole-page reading chooses each by the word it completes.
    line = "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны."
    damaged = line.encode("utf-8").decode("cp932", "replace")
    fixed = repair_text(damaged).text
    for word in ("новых", "бизнеса", "регионах", "страны"):
        assert word in fixed
