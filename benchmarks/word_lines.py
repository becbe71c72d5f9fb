"""Clean lines of common words in every language wordfreq has: how many does the repair stage change?

For each of wordfreq's languages, lines of eight of its 20,000 most frequent words that hold a
letter outside ASCII (up to 150 lines a language; wordfreq lists them in small letters, and each
line is also written in capitals), each repaired with ``repair_mojibake`` alone,
and after a damaged line that makes the page trust a pair (its relaxed margins then apply to every
other line): Chinese, Japanese and Korean read as Latin-1 from GBK, Big5, Shift-JIS and EUC-KR;
Russian from KOI8-R read as Windows-1251; Chinese from UTF-8 read as GBK; French from UTF-8 read
as Windows-1252.  A clean line must come back unchanged every time.

The words are the character model's own source (scripts/build_langmodel.py), so this measures the
engine's rules, not how well the model knows a language: it found Latin words that a page trusting
GBK read as Han characters, Icelandic, which the model lacked, read as Korean Hanja, and short
Cyrillic words of clean lines swapped on a page that trusts KOI8-R, and in capitals a Russian headline
word swapped and Spanish "PRÓXIMO" read as "PR覺IMO".

    PYTHONPATH=src python benchmarks/word_lines.py [--show] [--pages gbk,koi8-r]

Needs wordfreq (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fixenc.repair import repair_mojibake

CHINESE = "活动报名的联络方式如下，欢迎各界朋友来信询问相关事宜，我们会尽快回复。"
# name: (a line of text, its code page, the code page it was read with)
TRUSTING_PAGES = {
    "gbk": (CHINESE, "gbk", "latin-1"),
    "big5": ("活動報名的聯絡方式如下，歡迎各界朋友來信詢問相關事宜，我們會盡快回覆。", "cp950", "latin-1"),
    "shift-jis": ("イベントへの申し込み方法は以下の通りです。お気軽にお問い合わせください。", "cp932", "latin-1"),
    "euc-kr": ("행사 신청 방법은 다음과 같습니다. 궁금한 점은 언제든지 문의해 주십시오.", "cp949", "latin-1"),
    "koi8-r": ("Порядок регистрации на мероприятие описан ниже, пишите нам с любыми вопросами.",
               "koi8-r", "cp1251"),
    "utf-8/gbk": (CHINESE, "utf-8", "gbk"),
    "utf-8/cp1252": ("Les inscriptions à l'événement sont décrites ci-dessous, écrivez-nous.",
                     "utf-8", "cp1252"),
    # Lost bytes (U+FFFD for с and я), and the two code pages ftfy does not know.
    "utf-8/cp1252 lossy": ("Порядок регистрации описан ниже, пишите нам с любыми вопросами.",
                           "utf-8", "cp1252"),
    "utf-8/cp1255": ("הרשמה לאירוע מתוארת למטה, כתבו לנו בכל שאלה.", "utf-8", "cp1255"),
    "utf-8/cp1256": ("طريقة التسجيل في الفعالية موضحة أدناه، راسلونا بأي سؤال.", "utf-8", "cp1256"),
}
WORDS_PER_LINE = 8
LINES_PER_LANGUAGE = 150


def word_lines(language: str) -> list[str]:
    from wordfreq import top_n_list

    words = [word for word in top_n_list(language, 20_000) if not word.isascii() and word.isalpha()]
    words = words[: WORDS_PER_LINE * LINES_PER_LANGUAGE]
    return [" ".join(words[i : i + WORDS_PER_LINE]) for i in range(0, len(words), WORDS_PER_LINE)]


CASES = {"as listed": str, "capitals": str.upper, "title": str.title}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every changed line")
    parser.add_argument("--cases", default="as listed,capitals",
                        help=f"how each line is written, comma-separated ({', '.join(CASES)})")
    parser.add_argument("--pages", default=",".join(TRUSTING_PAGES),
                        help=f"trusting pages, comma-separated ({', '.join(TRUSTING_PAGES)})")
    args = parser.parse_args()
    try:
        from wordfreq import available_languages
    except ImportError:
        sys.exit("needs wordfreq: pip install -e '.[bench]'")
    pages = {}
    for name in args.pages.split(","):
        text, true, wrong = TRUSTING_PAGES[name]
        pages[name] = text.encode(true).decode(wrong, "replace") + "\n"
    print("Lines changed, alone and after a line that makes the page trust a pair:\n")
    print(f"| language | lines | alone | {' | '.join(pages)} |")
    print(f"|---|---:|---:|{'---:|' * len(pages)}")
    totals = [0] * (len(pages) + 2)
    for language in sorted(available_languages()):
        lines = [CASES[case](line) for case in args.cases.split(",") for line in word_lines(language)]
        counts = [len(lines)] + [0] * (len(pages) + 1)
        for line in lines:
            for column, head in enumerate(["", *pages.values()], start=1):
                fixed = repair_mojibake(head + line)[0]
                if head:
                    fixed = fixed.partition("\n")[2]
                if fixed != line:
                    counts[column] += 1
                    if args.show:
                        label = "alone" if not head else list(pages)[column - 2]
                        print(f"  {language} {label}: {line!r} -> {fixed!r}")
        print(f"| {language} | {' | '.join(map(str, counts))} |")
        totals = [total + count for total, count in zip(totals, counts)]
    print(f"| all | {' | '.join(map(str, totals))} |")


if __name__ == "__main__":
    main()
