"""Behaviour examples for main-content extraction (fixenc.article)."""

from __future__ import annotations

import doctest
import gzip
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fixenc.article
from fixenc.article import Article, extract_article

FIXTURES = Path(__file__).parent / "fixtures" / "article"
from conftest import REPO, SHARED

BENCHMARK = SHARED / "data" / "article-extraction-benchmark"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def news() -> Article:
    return extract_article(fixture("news.html"))


def test_keeps_the_article_prose(news: Article) -> None:
    assert news.text.startswith("The harbour bridge reopened to traffic on Tuesday morning")
    assert "What was repaired" in news.text
    assert news.text.endswith("after which the bridge will carry full traffic again.")


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Sport",  # navigation
        "The Coastal Gazette",  # site header and footer
        "We use cookies",  # cookie notice
        "Share on Facebook",  # share widget
        "Storm warning",  # sidebar
        "Ferry timetable",  # related articles
        "detour through the industrial estate",  # comments
        "Sign up to our newsletter",  # subscription box
        "Copyright",  # footer
        "By Mara Lindqvist",  # byline: metadata, not text
    ],
)
def test_drops_page_furniture(news: Article, boilerplate: str) -> None:
    assert boilerplate not in news.text


def test_lists_quotes_and_tables_are_kept_as_lines(news: Article) -> None:
    assert "- all twelve main suspension cables\n- the expansion joints at both ends" in news.text
    assert "\n\nWe found more corrosion than the survey suggested" in news.text
    assert "Repair costs by item\nItem | Cost\nCables | 4.2 million\nJoints | 0.9 million" in (
        news.text
    )


def test_blocks_are_separated_by_one_blank_line(news: Article) -> None:
    assert "\n\n\n" not in news.text
    assert "said the city council said" not in news.text
    assert "council said.\n\nCommuters" in news.text


def test_figure_captions_only_on_request(news: Article) -> None:
    assert "The bridge at dawn" not in news.text
    with_captions = extract_article(fixture("news.html"), captions=True)
    assert "The bridge at dawn on its first day back in service." in with_captions.text


def test_metadata_from_meta_tags_and_json_ld(news: Article) -> None:
    assert news.title == "Harbour bridge reopens after repairs"
    assert news.author == "Mara Lindqvist"
    assert news.date == "2024-03-05T08:30:00Z"


def test_metadata_from_heading_byline_class_and_time_element() -> None:
    article = extract_article(fixture("byline.html"))
    assert article.title == "Night trains return"
    assert article.author == "Tomas Berg"
    assert article.date == "2023-11-02"
    assert article.text.startswith("Sleeper services between the two capitals")
    assert "Rail Weekly" not in article.text


def test_as_text_puts_the_title_first(news: Article) -> None:
    assert news.as_text().startswith("Harbour bridge reopens after repairs\n\nThe harbour bridge")


def test_feed_gives_item_titles_and_descriptions() -> None:
    article = extract_article(fixture("feed.xml"))
    assert article.title == "河畔日记"
    assert article.text == (
        "春天的第一场雨\n\n今天早上下了春天的第一场雨，空气很清新。\n\n"
        "旧书店\n\n街角的旧书店要关门了，老板说房租太贵。"
    )
    assert article.date == "Tue, 05 Mar 2024 08:30:00 GMT"


def test_page_without_prose_falls_back_to_visible_text() -> None:
    article = extract_article(fixture("links-only.html"))
    assert article.text == "Weekend offers\nFree evening calls"


@pytest.mark.parametrize("page", ["", "   ", "plain words, no markup at all"])
def test_odd_input_does_not_crash(page: str) -> None:
    assert isinstance(extract_article(page).text, str)


MARKUP_PIECES = st.sampled_from(
    ["<p>", "</p>", "<div class='comments'>", "</div>", "<a href='x'>", "</a>", "<table><tr><td>",
     "<li>", "<script>", "</script>", "<rss>", "<item><title>", "&lt;p&gt;", "<br>", "<h1>"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(MARKUP_PIECES, st.text(max_size=30)), max_size=40))
def test_never_crashes_and_never_invents_replacement_characters(pieces: list[str]) -> None:
    page = "".join(pieces)
    article = extract_article(page)
    assert isinstance(article.text, str)
    if "\ufffd" not in page:
        assert "\ufffd" not in article.text


def test_ad_slot_labels_and_datelines_are_dropped() -> None:
    page = (
        "<html><body><article><p>Updated 9:41 AM, March 5</p><p>First paragraph of the story,"
        " long enough to count as prose.</p><div>Advertisement</div><p>Second paragraph of the"
        " story, also long enough to count.</p></article></body></html>"
    )
    assert extract_article(page).text == (
        "First paragraph of the story, long enough to count as prose.\n\n"
        "Second paragraph of the story, also long enough to count."
    )


def test_script_rendered_page_uses_its_json_ld_article_body() -> None:
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle",'
        ' "articleBody": "The council approved the budget on Monday. Spending on parks rises'
        ' by a tenth.", // a comment that breaks the JSON\n}</script></head>'
        '<body><div id="app">Loading</div></body></html>'
    )
    assert extract_article(page).text == (
        "The council approved the budget on Monday. Spending on parks rises by a tenth."
    )


def test_docstring_examples() -> None:
    assert doctest.testmod(fixenc.article).failed == 0


# A handful of pages from the article-extraction benchmark, with the benchmark's metric.
BENCHMARK_FLOORS = {
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856": 0.95,
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34": 0.95,
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f": 0.95,
    "11ea381ad92b5448": 0.9,  # a page whose article is mostly a table
    "88c328b68b038a62": 0.9,  # an article split into several sections
}


@pytest.fixture(scope="module")
def benchmark_truth() -> dict:
    if not (BENCHMARK / "ground-truth.json").exists():
        pytest.skip(f"benchmark data not found at {BENCHMARK} (set FIXENC_SHARED)")
    return json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("prefix", sorted(BENCHMARK_FLOORS))
def test_benchmark_page_f1_floor(benchmark_truth: dict, prefix: str) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from articles import page_scores

    page_id = next(key for key in benchmark_truth if key.startswith(prefix))
    html = gzip.decompress((BENCHMARK / "html" / f"{page_id}.html.gz").read_bytes())
    prediction = extract_article(html.decode("utf-8")).text
    precision, recall = page_scores(prediction, benchmark_truth[page_id]["articleBody"])
    assert precision is not None
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= BENCHMARK_FLOORS[prefix]


# CJK pages of the chardet corpus go in as bytes, so decoding is part of what is checked: the
# article must be in the page's own script, and no character may be lost on the way.
CJK_FOLDER_CODECS = {
    "GB2312": "gb18030",
    "Big5": "big5hkscs",
    "SHIFT_JIS": "cp932",
    "EUC-KR": "cp949",
}
# An article is non-trivial when it holds at least this many CJK characters.
MIN_ARTICLE_CJK = 30


def is_cjk(char: str) -> bool:
    return (
        "\u3040" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "folder",
    [
        "Big5",
        "EUC-KR",
        "SHIFT_JIS",
        "GB2312",
    ],
)
def test_cjk_pages_extract_in_their_script_with_nothing_lost(
    shared_data: Path, folder: str
) -> None:
    import html

    import fixenc

    pages = sorted((shared_data / "chardet-corpus" / folder).glob("*"))
    assert pages
    for page in pages:
        data = page.read_bytes()
        # Strict: the reference must be the page's real characters (references expanded).
        reference = set(html.unescape(data.decode(CJK_FOLDER_CODECS[folder])))
        text = fixenc.repair_bytes(data, extract="article").text
        extracted = [char for char in text if is_cjk(char)]
        assert "\ufffd" not in text, page.name
        assert len(extracted) >= MIN_ARTICLE_CJK, page.name
        assert set(extracted) <= reference, (page.name, sorted(set(extracted) - reference)[:10])


# Repair comes before extraction: a page a scraper read as GBK extracts like the clean page.
DAMAGED_PAGE = (
    "<html><head><title>Loja fantástica</title></head><body><nav><a href='/'>Início</a>"
    "<a href='/b'>Notícias</a></nav><article><h1>Loja fantástica</h1><p>A loja tem materiais"
    " didáticos, livros e jogos para crianças; não há nada igual no Brasil, disse a autora.</p>"
    "<p>Ela visitou a loja duas vezes e comprou três caixas de peças de montar.</p></article>"
    "<footer>© Editora</footer></body></html>"
)


def test_page_read_as_gbk_extracts_like_the_clean_page() -> None:
    import fixenc
    import fixenc.wholepage

    damaged = DAMAGED_PAGE.encode("utf-8").decode("gbk", errors="replace").encode("utf-8")
    result = fixenc.repair_bytes(damaged)
    assert result.text == fixenc.repair_bytes(DAMAGED_PAGE.encode("utf-8")).text
    assert "crianças" in result.text
    assert any(fix.codecs and fix.codecs[1] == "utf-8" for fix in result.fixes)
    assert doctest.testmod(fixenc.wholepage).failed == 0


@pytest.mark.parametrize(
    "clean",
    ["发布时间：2024年3月5日，新华社消息。", "東京都の天気は晴れです。", "Café “crème” — naïve façade.",
     "서울의 날씨는 맑습니다."],
)  # fmt: skip
def test_clean_text_is_not_redecoded(clean: str) -> None:
    from fixenc.wholepage import redecode_page

    assert redecode_page(clean) == (clean, [])


@pytest.mark.parametrize("chrome", ['<div class="share">Share</div>', "<nav>Home</nav>"])
def test_a_control_character_reference_after_removed_chrome_is_kept_as_text(chrome):
    """Found by fuzz/fuzz_html.py: lxml parses "&#xc;" into the tail of a removed element but
    refuses to set that text again, and the ValueError escaped."""
    body = "Body text of the article, long enough to be the article. " * 5
    page = f"<html><body><p>Intro words.</p>{chrome}tail &#xc; text<p>{body}</p></body></html>"
    text = extract_article(page).text
    assert "Body text of the article" in text and "\x0c" not in text


def test_a_full_stop_that_lost_its_last_byte_before_a_line_break_is_guessed() -> None:
    """。 is E3 80 82: read as GBK, 82 before the line break is lost.  All 64 marks E3 80 ??
    tie under the language model; their own frequency before a break makes it 。."""
    from fixenc.wholepage import redecode_page

    text = "今天天气很好。\n我们去公园散步吧。\n晚上一起吃饭。\n"
    damaged = text.encode("utf-8").decode("gbk", errors="replace")
    assert damaged.count("\ufffd") >= 3
    repaired, fixes = redecode_page(damaged)
    assert repaired == text
    assert fixes[0].guessed.count(0x82) >= 3


def test_a_heading_that_repeats_the_title_with_another_mark_is_dropped_as_a_repeat() -> None:
    """A page read as GBK loses the last byte of ’ before a quote or a tag; the copy in the
    meta tag and the heading's copy may be guessed apart (’ and …): the words still match."""
    body = "<p>Sleeper services between the two capitals resume on Friday after six years.</p>" * 4
    page = (
        '<html><head><meta property="og:title" content="The ‘Night’ trains return…"></head>'
        f"<body><article><h1>The ‘Night’ trains return’</h1>{body}</article></body></html>"
    )
    article = extract_article(page)
    assert article.title == "The ‘Night’ trains return…"
    assert article.text.startswith("Sleeper services between the two capitals")
