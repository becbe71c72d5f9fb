"""Pinyin annotations, script conversion and width restoration on Chinese pages."""

from __future__ import annotations

import pytest
from damage import annotate_pinyin, fold_width, to_traditional

from fixenc.chinese import (
    convert_script,
    remove_pinyin_annotations,
    repair_chinese_text,
    restore_fullwidth_punctuation,
    shows_width_folding,
)

ARTICLE = (
    "会议通报了全省老旧小区改造项目推进情况，安排部署推进城镇老旧小区改造工作。"
    "住房城乡建设厅党组书记、厅长出席会议并讲话（视频），副厅长主持会议。"
    "据统计，全省共有2.2万个小区，占全省城镇常住人口的1/7；会议要求：“确保工作有序推进！”"
)


def test_converter_annotations_are_removed_and_counted():
    page = annotate_pinyin(to_traditional(ARTICLE))
    assert "區(qū)" in page
    text, (fix,) = remove_pinyin_annotations(page)
    assert text == to_traditional(ARTICLE)
    assert fix.kind == "pinyin"
    assert fix.count == page.count("(") - text.count("(")
    assert fix.detail.startswith(f"{fix.count} pinyin annotations removed after")


@pytest.mark.parametrize(
    "page",
    [
        "我去银行(yínháng)取钱。",
        "生词：银行(yínháng)、学校(xuéxiào)、朋友(péngyou)。\n" + ARTICLE,
        "好(hǎo)字怎么读？好字读三声，也读四声：爱好(hào)。",
        "Paris (pɑʁi) is a city. Café (kafé) au lait.",
    ],
)
def test_glosses_that_are_not_the_converter_signature_stay(page):
    assert remove_pinyin_annotations(page) == (page, [])


def test_a_reader_glossing_every_character_is_content():
    page = "我(wǒ)们(mén)去(qù)学(xué)校(xiào)。我(wǒ)们(mén)爱(ài)学(xué)习(xí)。" * 3
    assert remove_pinyin_annotations(page) == (page, [])


def test_annotations_on_only_some_occurrences_are_not_the_signature():
    page = "区(qū)域和区域，区域和区域，会(huì)议和会议，会议和会议，发(fā)展和发展。"
    assert remove_pinyin_annotations(page) == (page, [])


def test_script_goes_back_to_simplified_only_when_annotations_were_found():
    damaged = annotate_pinyin(to_traditional(ARTICLE))
    text, fixes = repair_chinese_text(damaged)
    assert text == ARTICLE
    assert [fix.kind for fix in fixes] == ["pinyin", "script"]
    traditional = to_traditional(ARTICLE)
    assert repair_chinese_text(traditional) == (traditional, [])


@pytest.mark.parametrize(
    ("script", "expected"),
    [("keep", "老舊小區"), ("simplified", "老旧小区"), ("traditional", "老舊小區")],
)
def test_script_option_overrides(script, expected):
    text, _ = repair_chinese_text("老舊小區", script=script)
    assert text == expected
    assert repair_chinese_text("老旧小区", script="traditional")[0] == "老舊小區"


def test_unknown_script_is_an_error():
    with pytest.raises(ValueError):
        repair_chinese_text("文字", script="cyrillic")


def test_convert_script_reports_the_characters_it_changed():
    text, (fix,) = convert_script("老舊小區", "simplified")
    assert text == "老旧小区"
    assert (fix.kind, fix.count, fix.start, fix.end) == ("script", 2, 1, 4)


def test_folded_punctuation_is_restored_between_chinese_characters():
    folded = fold_width(ARTICLE)
    assert folded != ARTICLE
    assert shows_width_folding(folded)
    text, (fix,) = restore_fullwidth_punctuation(folded)
    assert text == ARTICLE
    assert fix.kind == "width"
    assert fix.count == sum(a != b for a, b in zip(ARTICLE, folded))


@pytest.mark.parametrize(
    ("folded", "restored"),
    [
        ("时间:2019年11月06日", "时间：2019年11月06日"),
        ("共2.2万个,占1/7。", "共2.2万个，占1/7。"),
        ("来源:住建部网(杨心怡)", "来源：住建部网（杨心怡）"),
        ("各市(州)及部分区(县)", "各市（州）及部分区（县）"),
        ("版本(v2.0)发布。", "版本（v2.0）发布。"),
        ("他说Hello, world!然后走了。", "他说Hello, world!然后走了。"),
        ("网址是www.example.com:8080。", "网址是www.example.com:8080。"),
        ("第一  第二。", "第一\u3000\u3000第二。"),
        ("第一 第二。", "第一 第二。"),
    ],
)
def test_only_marks_touching_chinese_text_change(folded, restored):
    page = folded + "\n对,就是这样。好!"  # enough signature to count as folded
    assert restore_fullwidth_punctuation(page)[0] == restored + "\n对，就是这样。好！"


@pytest.mark.parametrize(
    "page",
    [
        ARTICLE,  # has fullwidth forms: not folded
        "Hello, world! (test) 1:2",  # no Chinese
        "我们的网站,欢迎光临!谢谢(笑)",  # ASCII punctuation by habit: no 。 or quotes
        "中文，好。但是这里, 有个逗号。",  # mixed: some fullwidth survived
        "打日記先… 打得差唔好怪我! 唔識睇o個",  # habit, and no 。 or 、
        "대한민국(大韓民國)은 민주공화국이다. 주권(主權)은 국민에게 있다、",  # Korean
        "東京(とうきょう)は日本の首都です。大阪(おおさか)も大きい、",  # Japanese
    ],
)
def test_pages_without_the_folding_signature_are_left_alone(page):
    assert restore_fullwidth_punctuation(page) == (page, [])


def test_one_to_many_conversions_are_undone_by_context():
    # Taiwan-standard converters write 著 for both 着 and 著; t2s keeps 著.
    text, fixes = convert_script("著力強化，穿著整齊，著名作家，顯著提高", "simplified")
    assert text == "着力强化，穿着整齐，著名作家，显著提高"
    assert any("several simplified forms" in fix.detail and fix.count == 2 for fix in fixes)


def test_context_readings_leave_simplified_text_alone():
    text = "著名学者的著作显著影响了他，他着急地看着窗外。"
    assert convert_script(text, "simplified") == (text, [])
