"""Site chrome and markup fragments in text pages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixenc import chrome
from fixenc.chrome import remove_chrome_lines
from fixenc.markup import strip_markup_fragments


@pytest.mark.parametrize(
    "line",
    [
        "当前位置:首页 > 建设新闻",
        "当前位置：首页 > 新闻中心 > 正文",
        "您现在的位置：首页 » 通知公告",
        "當前位置:首頁 > 建設新聞",
        "首页 > 新闻 > 国内",
        "You are here: Home > News",
        "You are here: Home » News » World",
        "Home > Products > Shoes",
        "Vous êtes ici : Accueil > Actualités",
    ],
)
def test_breadcrumbs_are_dropped(line):
    text, (fix,) = remove_chrome_lines(f"{line}\nTitle\nBody text.")
    assert text == "Title\nBody text."
    assert (fix.kind, fix.detail) == ("chrome", "breadcrumb removed")


@pytest.mark.parametrize(
    "line",
    [
        "浏览次数:1343次",
        "瀏覽次數：1343次",
        "阅读：56",
        "点击数: 1,024",
        "Views: 1234",
        "1234 views",
    ],
)
def test_view_counters_are_dropped(line):
    assert remove_chrome_lines(f"Title\n{line}\nBody.")[0] == "Title\nBody."


def test_a_counter_sharing_the_date_line_is_cut_from_it():
    text, (fix,) = remove_chrome_lines(
        "发布时间:2019年11月06日 \u00a0 \u00a0 浏览次数:1343次\n正文。"
    )
    assert text == "发布时间:2019年11月06日\n正文。"
    assert fix.after == "发布时间:2019年11月06日"


def test_a_counter_after_a_single_space_is_cut_too():
    text, _ = remove_chrome_lines("发布时间：2019-11-06 来源：本站 【浏览次数：88】\n正文。")
    assert text == "发布时间：2019-11-06 来源：本站\n正文。"


@pytest.mark.parametrize(
    "line",
    ["【打印本页】【关闭窗口】", "字体：大 中 小  打印  关闭", "Print | Close window | Share"],
)
def test_page_tool_lines_are_dropped(line):
    assert remove_chrome_lines(f"标题\n{line}\n正文。")[0] == "标题\n正文。"


def test_badge_alt_text_is_dropped():
    assert remove_chrome_lines("360网站安全检测平台\n标题\n正文。")[0] == "标题\n正文。"


@pytest.mark.parametrize(
    "text",
    [
        "全省城镇老旧小区改造工作视频会议在蓉召开\n发布时间:2019年11月06日\n来源:住建部网(杨心怡)",
        "The page had 1234 views in its first hour, a record for the site.",
        "Location: Paris, France",
        "浏览次数最多的文章是关于城市改造的报道。",
        "我们当前位置不错，首页 > 的符号表示层级。这是一个句子。",
        "网站安全检测平台发布了新的报告，指出很多网站存在漏洞。",
        "Home is where the heart is.",
        "大中小学生都来了。",
        "Print the page and close the window before you share it.",
        "他的阅读：3本书。",
    ],
)
def test_article_lines_stay(text):
    assert remove_chrome_lines(text) == (text, [])


def test_a_cut_tag_at_the_start_keeps_its_text_for_the_chrome_stage():
    text, (fix,) = strip_markup_fragments('360网站安全检测平台" />\n当前位置')
    assert text == "360网站安全检测平台\n当前位置"
    assert (fix.kind, fix.detail) == ("markup", "cut tag tail")


def test_stray_and_damaged_closing_tags_are_removed():
    text, (fix,) = strip_markup_fragments("发展。”</span>\n\n“城镇\n发展?/span>尾")
    assert text == "发展。”\n\n“城镇\n发展尾"
    assert fix.count == 2


@pytest.mark.parametrize("text", ["a < b and c > d", "x</y", "write </foo> here", "价格<100元>"])
def test_text_that_only_resembles_markup_stays(text):
    assert strip_markup_fragments(text) == (text, [])


# The chrome stage's shortcuts: a line is tested for a counter only when it ends on a character
# a counter can end on, and for page tools only when its first word is a control's.  Every line
# the full tests would drop must still be dropped.


@pytest.mark.parametrize(
    "line",
    [
        "Views: 1,234.",
        "Views: 1,234,",
        "VIEWS: 12",
        "12 VIEWS",
        "12 viewſ",
        "Hits: 12 x",
        "Hits: 12 X",
        "浏览次数: 12 次",
        "浏览：12次数",
        "点击：3回",
        "조회수: 12회",
        "(Views: 12)",
        "（阅读：5）",
        "[阅读：5]",
        "12 次浏览",
        "12 次閱讀",
        "Views: ١٢",
        "Views: 12\r",
        "Views: 12\u2028",
    ],
)
def test_counters_ending_on_any_of_their_last_characters_are_dropped(line):
    assert remove_chrome_lines(f"Title\n{line}\nBody.")[0] == "Title\nBody."


@pytest.mark.parametrize(
    "line", ["PRINT | CLOSE", "Share this page", "Bookmar\u212a | Print", "打印 | Close"]
)
def test_page_tools_in_any_case_are_dropped(line):
    assert remove_chrome_lines(f"标题\n{line}\n正文。")[0] == "标题\n正文。"


_LINE_PIECES = st.lists(
    st.sampled_from(
        ["Views", "views", "VIEWſ", "浏览", "次", "回", "회", ":", "：", " ", "\t", "\r", "1", "٣",
         ",", ".", "x", "(", ")", "【", "】", "]", "print", "Close", "page", "打印", "关闭", "|",
         "a", "中", "。"]
    ),
    max_size=8,
).map("".join)


@settings(deadline=None, max_examples=300, derandomize=True)
@given(_LINE_PIECES)
def test_the_shortcuts_agree_with_the_full_tests(line):
    if chrome._COUNTER.search(line):
        assert chrome._could_end_in_counter(line)
    words = [word.lower() for word in chrome._TOOL_TOKENS.findall(line)]
    tools = (bool(words) and all(word in chrome._TOOL_WORDS for word in words)
             and any(word in chrome._TOOL_ACTIONS for word in words))
    assert chrome._is_page_tools(line) == tools
