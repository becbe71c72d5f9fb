"""The seed page, and pages damaged the same way, come out as the article they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli
from damage import article_text, damage_page, normalised, recovered_chars, to_traditional

import fixenc

SEED = SAMPLES / "zh-gov-news-damaged.txt"
EXPECTED = SAMPLES / "zh-gov-news-damaged.expected.txt"

_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def normalised_layout(text: str) -> str:
    """Plain layout: no indentation, single spaces, one blank line between paragraphs."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def repair_page(text: str, **options) -> tuple[str, list]:
    """The whole pipeline, as `fixenc` runs it on a text page."""
    result = fixenc.repair_text(text, **options)
    return result.text, list(result.fixes)


def test_the_seed_page_comes_out_as_the_article():
    repaired, _ = repair_page(SEED.read_text(encoding="utf-8"))
    assert repaired == EXPECTED.read_text(encoding="utf-8")


def test_each_layer_is_reported_with_counts():
    _, fixes = repair_page(SEED.read_text(encoding="utf-8"))
    by_kind: dict[str, list] = {}
    for fix in fixes:
        by_kind.setdefault(fix.kind, []).append(fix)
    assert [fix.after for fix in by_kind["misaligned"]] == ["。“老舊", "。”<", "。”據("]
    (pinyin,) = by_kind["pinyin"]
    assert pinyin.count == 257  # 256 intact + the one the misaligned repair restored
    assert "after 62 characters" in pinyin.detail
    assert by_kind["script"][0].detail.endswith("to simplified (OpenCC t2s)")
    assert by_kind["width"][0].count > 60
    assert {fix.detail for fix in by_kind["chrome"]} == {
        "badge removed",
        "breadcrumb removed",
        "view counter removed",
    }
    assert {fix.detail for fix in by_kind["markup"]} == {"cut tag tail", "stray closing tag"}


def test_keep_chrome_and_keep_script_options():
    text = SEED.read_text(encoding="utf-8")
    kept, _ = repair_page(text, keep_chrome=True)
    assert kept.startswith("360网站安全检测平台\n当前位置：首页 > 建设新闻\n")
    assert "浏览次数：1343次" in kept
    traditional, fixes = repair_page(text, script="keep")
    assert "老舊小區" in traditional and "script" not in {fix.kind for fix in fixes}


@pytest.mark.parametrize("layer, kind", [("misaligned", "misaligned"), ("pinyin", "pinyin"),
                                         ("width", "width"), ("whitespace", "whitespace")])
def test_each_layer_can_be_switched_off(layer, kind):
    text = SEED.read_text(encoding="utf-8")
    full, _ = repair_page(text)
    out, fixes = repair_page(text, skip={layer})
    assert kind not in {fix.kind for fix in fixes}
    assert out != full


def test_skipped_layers_leave_their_damage_and_only_theirs():
    text = SEED.read_text(encoding="utf-8")
    out, _ = repair_page(text, skip={"pinyin", "width"})
    assert "(wǎng)" in out and "需要。“老旧小区" in out  # pinyin stays, phase still repaired
    assert "，" not in out  # folded commas stay folded
    out, _ = repair_page(text, skip={"misaligned"})
    assert "需要？！袄吓f" in out and "(wǎng)" not in out  # out of phase, then widened


def test_the_cli_takes_layers_to_skip():
    both = run_cli("--skip", "pinyin,width", str(SEED))
    repeated = run_cli("--skip", "pinyin", "--skip", "width", str(SEED))
    assert both.returncode == 0 and both.stdout == repeated.stdout
    assert "(wǎng)".encode() in both.stdout
    wrong = run_cli("--skip", "everything", str(SEED))
    assert wrong.returncode == 2 and b"unknown layer everything" in wrong.stderr
    assert b"Traceback" not in wrong.stderr


def _corpus_pages(shared_data: Path, limit: int) -> list[str]:
    folder = shared_data / "chardet-corpus" / "GB2312"
    return [article_text(path.read_bytes()) for path in sorted(folder.iterdir())[:limit]]


def test_pages_damaged_the_same_way_are_recovered(shared_data):
    total = recovered = 0
    for original in _corpus_pages(shared_data, 5):
        repaired, _ = repair_page(damage_page(original))
        want = normalised(original)
        total += len(want)
        recovered += recovered_chars(want, normalised(repaired))
    assert recovered / total >= 0.99


@pytest.mark.parametrize("variant", ["simplified", "traditional", "glossed"])
def test_clean_pages_come_back_unchanged(shared_data, variant):
    for original in _corpus_pages(shared_data, 5):
        page = {
            "simplified": original,
            "traditional": to_traditional(original),
            "glossed": "生词：银行(yínháng)、学校(xuéxiào)。\n" + original,
        }[variant]
        result = fixenc.repair_text(page)
        assert result.text == normalised_layout(page)
        assert [fix.kind for fix in result.fixes] in ([], ["whitespace"])


def test_repairing_the_output_again_changes_nothing():
    once, _ = repair_page(SEED.read_text(encoding="utf-8"))
    assert repair_page(once) == (once, [])


def test_in_place_repair_leaves_skipped_layers_too(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Le cafÃ© est prÃªt.\n", encoding="utf-8")
    skipped = run_cli("--in-place", "--skip", "mojibake", str(page))
    assert skipped.returncode == 0 and "cafÃ©" in page.read_text(encoding="utf-8")
    repaired = run_cli("--in-place", str(page))
    assert repaired.returncode == 0 and page.read_text(encoding="utf-8") == "Le café est prêt.\n"
