"""UTF-8 read as a Windows code page: lost bytes guessed, and the code pages ftfy does not know."""

from __future__ import annotations

import pytest

from fixenc.repair import repair_mojibake


def sloppy(data: bytes, codec: str) -> str:
    """``data`` read with ``codec``, its undefined bytes as C1 controls (a sloppy decoder)."""
    return "".join(bytes([b]).decode(codec, "replace").replace("\ufffd", chr(b)) for b in data)


def question(text: str, codec: str) -> str:
    """``text``'s UTF-8 read with ``codec`` by a decoder that writes '?' for undefined bytes."""
    return text.encode("utf-8").decode(codec, "replace").replace("\ufffd", "?")


# Each line needs at least one byte its code page leaves undefined (Windows-1252: 81 8D 8F 90
# 9D): с and я (D1 81, D1 8F), А and Н (D0 90, D0 9D), č (C4 8D), ” (E2 80 9D), Ł (C5 81).
LOSSY_LINES = [
    ("Наша команда переехала в новый дом на окраине города.", "windows-1252"),
    ("Наша семья живёт в большом доме.", "windows-1252"),  # я ends its word
    ("Všichni čekali na výsledky voleb až do pozdního večera.", "windows-1252"),
    ("She called it “the best summer of my life” and smiled.", "windows-1252"),
    ("Rada miasta zdecydowała, że Łódź dostanie nowy tramwaj.", "windows-1252"),
    ("Сегодня в столице открылась новая выставка.", "windows-1250"),
    # Windows-1257 leaves A1 undefined too: š is C5 A1.
    ("Lietuvos Seimas šiandien priėmė naują įstatymą dėl švietimo.", "windows-1257"),
]


@pytest.mark.parametrize("line, codec", LOSSY_LINES)
def test_lost_bytes_of_utf8_read_as_a_windows_code_page_are_guessed(line, codec):
    damaged = line.encode("utf-8").decode(codec, "replace")
    assert "\ufffd" in damaged
    fixed, fixes = repair_mojibake(damaged)
    assert fixed == line
    lossy = [fix for fix in fixes if fix.kind == "mojibake-lossy"]
    assert lossy and all(fix.guessed and 0.5 <= fix.confidence <= 1.0 for fix in lossy)


@pytest.mark.parametrize("line, codec", LOSSY_LINES[:3])
def test_lost_bytes_shown_as_question_marks_are_guessed(line, codec):
    fixed, _ = repair_mojibake(question(line, codec))
    assert fixed == line


def test_a_question_mark_of_the_text_itself_stays():
    line = "Вы читали новую статью? Нет, ещё нет."
    fixed, _ = repair_mojibake(question(line, "windows-1252"))
    assert fixed == line


@pytest.mark.parametrize(
    "line, codec",
    [
        ("הממשלה החליטה הבוקר על תוכנית חדשה לבניית דירות בצפון הארץ.", "windows-1255"),
        ("אמר השר: “זה יום חשוב” – והציג את התוכנית.", "windows-1255"),
        ("أعلنت الحكومة اليوم عن خطة جديدة لبناء المدارس في المدن الصغيرة.", "windows-1256"),
        ("قال الوزير إن المشروع سيبدأ في الربيع المقبل، وسيستمر عامين.", "windows-1256"),
        ("دولت امروز برنامه‌ای تازه برای ساختن خانه در شهرهای کوچک اعلام کرد.", "windows-1256"),
    ],
)
def test_utf8_read_as_hebrew_or_arabic_windows_code_pages(line, codec):
    damaged = sloppy(line.encode("utf-8"), codec)
    fixed, fixes = repair_mojibake(damaged)
    assert fixed == line
    assert {fix.codecs for fix in fixes} == {(codec, "utf-8")}


@pytest.mark.parametrize(
    "line",
    [
        "הממשלה החליטה הבוקר על תוכנית חדשה – “דירה לכל זוג”.",
        "צ׳יפס, ג׳ירפה וז׳קט: מילים שאולות בעברית.",
        "قال الوزير: «المشروع سيبدأ قريباً»، وأضاف أنه مهم؛ هل هذا صحيح؟",
        "ظل الطفل ينتظر طويلاً، ثم ضحك.",
        "عکس‌های این گزارش را پژوهشگران گرفته‌اند؛ چگونه؟",
        "پاکستان میں گزشتہ ہفتے بارش ہوئی، اور لوگ خوش ہوئے۔",
    ],
)
def test_clean_hebrew_arabic_persian_and_urdu_stay(line):
    assert repair_mojibake(line)[0] == line


def test_hebrew_read_as_windows_1255_keeps_its_unsure_lost_letters_as_holes():
    # After D7, Windows-1255 leaves 8A 8C-90 9A 9C-9F undefined: א ך ל ם מ ן lose a byte.  The
    # model's Hebrew guesses are seldom sure enough to make (see OWN_GUESS_CONFIDENCE) unless
    # the letter makes a known word (מתוארת): every other letter reads back, and the lost ones
    # are guessed right or stay U+FFFD, though they are one letter in six.
    lost = "אךלםמן"
    line = "הרשמה לאירוע מתוארת למטה, כתבו לנו בכל עת."
    fixed, fixes = repair_mojibake(line.encode("utf-8").decode("windows-1255", "replace"))
    assert len(fixed) == len(line)
    assert all(a == b for a, b in zip(line, fixed) if a not in lost)
    assert all(b in (a, "\ufffd") for a, b in zip(line, fixed) if a in lost)
    assert 0 < fixed.count("\ufffd") < sum(map(line.count, lost))
    assert fixes and all(fix.codecs == ("windows-1255", "utf-8") for fix in fixes)


def test_a_lost_hebrew_letter_takes_the_form_its_place_in_the_word_allows():
    # The last letter of הסוציאליזם lost its byte: ם, מ, ן, ך, ל or א.  A word never ends in מ
    # nor holds ם ן ך inside it; without those, ם holds enough of the rest to be guessed
    # (before, ם and מ shared the model's doubt and the letter stayed U+FFFD).
    line = "השמועות על מות הסוציאליזם הן מוקדמות"
    fixed, _ = repair_mojibake(line.encode("utf-8").decode("windows-1255", "replace"))
    assert len(fixed) == len(line)
    assert fixed.split()[3].endswith("ם")
    assert all(a == b for a, b in zip(line, fixed) if a not in "אךלםמן")


def test_a_pointed_hebrew_word_is_looked_up_whole():
    # Points (niqqud) are marks written after their letters: the word around a lost letter runs
    # through them, and is looked up without them (before, אֱלֹהִים was cut at its first point and
    # "אֱ" looked up alone, and most lost letters of the line stayed U+FFFD).
    line = "וַיֹּאמֶר אֱלֹהִים יְהִי אוֹר וַיְהִי אוֹר"
    assert repair_mojibake(line.encode("utf-8").decode("windows-1255", "replace"))[0] == line


def test_a_hebrew_word_with_a_prefix_letter_counts_as_known():
    # ומיהר (and hurried) is ו + מיהר: it is in no word list, מיהר is.  Its lost מ is guessed
    # as a known word's letter (before, it stayed U+FFFD).
    line = "הוא אמר לו שלום ומיהר לצאת"
    fixed, _ = repair_mojibake(line.encode("utf-8").decode("windows-1255", "replace"))
    assert fixed.split()[4] == "ומיהר"
    assert all(a == b for a, b in zip(line, fixed) if a not in "אךלםמן") and len(fixed) == len(line)


@pytest.mark.parametrize(
    "line",
    [
        "A magyar nyelvleckék hétfőn kezdődnek.",
        "Lesznek érdekes dolgok, és egy nagy öröm lesz.",
    ],
)
def test_a_code_page_ftfy_does_not_try_first_is_read_too(line):
    # ftfy reads UTF-8 with the first of its code pages that encodes the damage: "Ć©" is é in
    # Windows-1257 but Ʃ in Windows-1250, which it tries first; the model judges both.
    damaged = line.encode("utf-8").decode("windows-1257")
    assert "Ć©" in damaged
    assert repair_mojibake(damaged)[0] == line


def test_a_line_whose_lost_bytes_are_all_unsure_is_repaired_around_them():
    # Greek read as Windows-1253 by a decoder writing '?': Ν (CE 9D) and Ο (CE 9F) of a word in
    # capitals lose a byte each, and neither guess is sure; the line is still read, those two
    # left as U+FFFD.
    line = "Διαβάστε για την ΝΗΣΟΣ τώρα"
    fixed, fixes = repair_mojibake(question(line, "windows-1253"))
    assert fixed.count("\ufffd") <= 2 and "Ξ" not in fixed
    assert all(a == b for a, b in zip(line, fixed) if b != "\ufffd") and len(fixed) == len(line)
    assert any("left as U+FFFD" in fix.detail for fix in fixes)  # and the report says so


@pytest.mark.parametrize("line", ["(Η ΝΑΥΤΕΜΠΟΡΙΚΗ)", "Η ΝΑΥΤΕΜΠΟΡΙΚΗ ΣΗΜΕΡΑ", "ΚΑΛΗΜΕΡΑ ΝΑΥΤΕΜΠΟΡΙΚΗ"])
def test_a_question_mark_line_keeps_its_unsure_holes_as_the_same_line_with_fffd_does(line):
    # Greek capitals read as Windows-1253 by a decoder writing '?': Ν, Μ, Ο and Κ (CE 9D 9C 9F
    # 9A) lose a byte each and few guesses are sure.  With U+FFFD ftfy reads the line around its
    # holes; with '?' the line was left as mojibake (or half of it), its holes being more than
    # MAX_LOST_SHARE of it.
    fixed, _ = repair_mojibake(question(line, "windows-1253"))
    assert len(fixed) == len(line) and "Ξ" not in fixed
    assert all(a == b for a, b in zip(line, fixed) if b != "\ufffd")
    assert 0 < fixed.count("\ufffd") <= 4


def read_twice(line: str) -> str:
    """``line``'s UTF-8 read as Windows-1252 by a lossy decoder, and that text's UTF-8 read so again."""
    once = line.encode("utf-8").decode("windows-1252", "replace")
    return once.encode("utf-8").decode("windows-1252", "replace")


# Chinese and Japanese characters lose one of their two continuation bytes to Windows-1252 one
# time in seven or so (要 is E8 A6 81, 印 E5 8D B0); each lost byte has five readings.
LOSSY_CJK_LINES = [
    "各部门要求进一步做好老旧小区改造工作，提高居民生活质量。",
    "研究小组在会上介绍了新的调查结果，并回答了记者的提问。",
    "市役所は来月から新しい住民サービスの受付を始めると発表した。",
]


@pytest.mark.parametrize("line", LOSSY_CJK_LINES)
def test_lost_bytes_of_cjk_text_read_as_windows_1252_are_guessed(line):
    damaged = line.encode("utf-8").decode("windows-1252", "replace")
    assert damaged.count("\ufffd") >= 2
    fixed, fixes = repair_mojibake(damaged)
    assert fixed == line
    assert any(fix.kind == "mojibake-lossy" and fix.guessed for fix in fixes)


def test_no_double_byte_reading_is_glued_to_a_byte_lost_to_another_damage():
    # Russian UTF-8 read as Windows-1252 twice, by decoders that lost its undefined bytes: "Ð" of
    # every letter from а to п became "Ã" and a U+FFFD in the second layer.  EUC-JP reads some
    # pairs between them as kanji ("Å¸" as 展), but no byte EUC-JP loses to Windows-1252 makes a
    # character with the "Ã" before the U+FFFD: the loss is another damage's.
    line = "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны."
    fixed, _ = repair_mojibake(read_twice(line))
    assert not any("\u3000" <= ch <= "\u9fff" for ch in fixed)


def test_lost_bytes_of_kana_read_as_windows_1252_are_guessed():
    # Most hiragana are E3 81 xx: nearly every one loses its middle byte, so the bytes that
    # survive decode as little of the line; each lost byte still has five readings only.
    line = "このサイトにサンプルを提供しているショップには前から興味を持っていたので、楽しみながら試しています。"
    for damaged in (line.encode("utf-8").decode("windows-1252", "replace"),
                    question(line, "windows-1252")):
        assert repair_mojibake(damaged)[0] == line


TWICE_LINES = [
    "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны.",
    "各部门要求进一步做好老旧小区改造工作，提高居民生活质量。",
    "Die Straße war gesperrt; Müller sagte nur: “Danke” und ging nach Hause.",
]


@pytest.mark.parametrize("line", TWICE_LINES)
def test_utf8_read_as_windows_1252_twice_by_lossy_decoders_is_read_back(line):
    # The second reading loses bytes of the first one's characters ("Ã" and a U+FFFD for the Ð
    # of а-п, "â€" and a U+FFFD for ”), the first lost bytes of the text's own (shown "ï¿½").
    twice = read_twice(line)
    assert "\ufffd" in twice or "ï¿½" in twice
    fixed, fixes = repair_mojibake(twice)
    assert fixed == line
    assert all(fix.confidence >= 0.5 for fix in fixes)
    assert any(fix.codecs.count("encode:sloppy-windows-1252") == 2 for fix in fixes)


def test_a_lost_letter_of_two_readings_the_model_is_unsure_of_stays_a_hole():
    # Greek ς (CF 82) read twice: the lead Ï is lost and Ͷ, ς, Ђ are all readings; whatever the
    # model makes of it, the word around it is read back and a hole is one U+FFFD, not "Ã�".
    line = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για τις μικρές επιχειρήσεις."
    fixed, _ = repair_mojibake(read_twice(line))
    assert len(fixed) == len(line)
    assert all(a == b or a == "\ufffd" for a, b in zip(fixed, line))
    assert sum(a != b for a, b in zip(fixed, line)) <= 3


@pytest.mark.parametrize("line", [
    "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны.",
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τις μικρές επιχειρήσεις.",
])
def test_utf8_cyrillic_and_greek_read_as_macroman_are_read_back_word_by_word(line):
    # MacRoman shows each letter's lead byte as a dash or a ligature ("–ü—Ä–∞" for Пра): no
    # letter sits inside an ASCII word, and ftfy passes such lines.  One-letter words ("–æ" for
    # о) follow once the line has proved the reading.
    damaged = line.encode("utf-8").decode("mac_roman")
    assert repair_mojibake(damaged)[0] == line


@pytest.mark.parametrize("line", ["Paris–Évian", "Le 1990–Über, a – ü b", "«Été» à Nîmes"])
def test_macroman_lookalikes_in_clean_text_stay(line):
    assert repair_mojibake(line)[0] == line


def test_a_question_mark_of_a_text_read_twice_stays_a_question_mark():
    line = "Привет, как дела? Всё хорошо?"
    assert repair_mojibake(read_twice(line))[0] == line
