"""How well does ``repair_mojibake`` undo mojibake, next to ftfy, on real text?

Cases are built from the pages of the chardet test corpus (../shared/data/
chardet-corpus, or $FIXENC_SHARED/data/chardet-corpus): each file is strictly
decoded with its folder's codec, its markup stripped, and cut into paragraphs
(and, with ``--pages``, whole pages).  Each (true encoding, wrong decoding) pair
damages the texts of the languages it applies to, losslessly or in one of the
lossy modes; both fixenc and ``ftfy.fix_text`` then repair the same cases.

Printed: exact-recovery rate and character error rate per pair and mode; the
false-positive rate on untouched clean paragraphs, pages and their short lines;
pass counts on ftfy's own test cases; repair speed against ftfy.fix_text (the span engine
alone, and the whole-page stage followed by it, as the pipeline runs them).

    FIXENC_SHARED=/work/shared PYTHONPATH=src python benchmarks/accuracy.py --quick
    ... --margins     # also print the margin distribution of true repairs
    ... --margin 1.0  # run with another repair.MARGIN (the sweep that chose it)
    ... --family-margin legacy-as-latin=1.0  # the same for one family's margin
    ... --only pairs --failures "big5 as latin-1"  # that pair only, failed cases on stderr
    ... --span-only   # repair_mojibake alone, without the whole-page stage the pipeline runs first
"""

from __future__ import annotations

import argparse
import codecs
import difflib
import html
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import ftfy

from fixenc import langmodel, repair
from fixenc.repair import repair_mojibake
from fixenc.wholepage import redecode_page

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FIXENC_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "data" / "chardet-corpus"
FTFY_CASES = SHARED / "data" / "ftfy-test-cases"
FTFY_TRUTHS = Path(__file__).resolve().parent / "ftfy_lost_bytes.json"

# corpus folder -> (strict codec, language group)
FOLDERS = {
    "GB2312": ("gb18030", "zh-hans"),
    "Big5": ("cp950", "zh-hant"),
    "EUC-TW": ("euc_jis_2004", None),
    "SHIFT_JIS": ("cp932", "ja"),
    "CP932": ("cp932", "ja"),
    "EUC-JP": ("euc_jp", "ja"),
    "EUC-KR": ("cp949", "ko"),
    "CP949": ("cp949", "ko"),
    "windows-1251-russian": ("cp1251", "ru"),
    "windows-1251-bulgarian": ("cp1251", "bg"),
    "KOI8-R": ("koi8_r", "ru"),
    "IBM866": ("cp866", "ru"),
    "MacCyrillic": ("mac_cyrillic", "ru"),
    "iso-8859-5-russian": ("iso8859_5", "ru"),
    "iso-8859-5-bulgarian": ("iso8859_5", "bg"),
    "windows-1252": ("cp1252", "latin"),
    "iso-8859-1": ("latin-1", "latin"),
    "windows-1250-czech": ("cp1250", "latin2"),
    "windows-1250-hungarian": ("cp1250", "latin2"),
    "windows-1250-polish": ("cp1250", "latin2"),
    "windows-1250-slovak": ("cp1250", "latin2"),
    "iso-8859-2-hungarian": ("iso8859_2", "latin2"),
    "iso-8859-2-czech": ("iso8859_2", "latin2"),
    "iso-8859-9-turkish": ("iso8859_9", "latin"),
    "iso-8859-7-greek": ("iso8859_7", "el"),
    "windows-1255-hebrew": ("cp1255", "he"),
    "windows-1256-arabic": ("cp1256", "ar"),
    "iso-8859-6-arabic": ("iso8859_6", "ar"),
    "windows-1254-turkish": ("cp1254", "tr"),
    "utf-8": ("utf-8", "other"),
}

CJK = ("zh-hans", "zh-hant", "ja", "ko")
CYRILLIC = ("ru", "bg")
LATIN = ("latin", "latin2")

# (name, true encoding, wrong decoding, languages, damage modes)
PAIRS = [
    ("utf-8 as gbk", "utf-8", "gb18030", CJK + CYRILLIC, ("lossless", "fffd", "question")),
    ("utf-8 as big5", "utf-8", "cp950", CJK, ("lossless", "fffd", "question")),
    ("utf-8 as shift-jis", "utf-8", "cp932", CJK, ("lossless", "fffd", "question")),
    ("utf-8 as euc-jp", "utf-8", "euc_jp", CJK, ("lossless", "fffd", "question")),
    ("utf-8 as euc-kr", "utf-8", "cp949", CJK, ("lossless", "fffd", "question")),
    ("gbk as latin-1", "gb18030", "latin-1", ("zh-hans",), ("lossless", "cp1252-fffd")),
    ("big5 as latin-1", "cp950", "latin-1", ("zh-hant",), ("lossless", "cp1252-fffd")),
    ("shift-jis as latin-1", "cp932", "latin-1", ("ja",), ("lossless", "cp1252-fffd")),
    ("euc-kr as latin-1", "cp949", "latin-1", ("ko",), ("lossless", "cp1252-fffd")),
    ("cp1251 as latin-1", "cp1251", "latin-1", CYRILLIC, ("lossless", "cp1252-fffd")),
    ("koi8-r as latin-1", "koi8_r", "latin-1", ("ru",), ("lossless",)),
    ("cp1251 as koi8-r", "cp1251", "koi8_r", CYRILLIC, ("lossless",)),
    ("koi8-r as cp1251", "koi8_r", "cp1251", ("ru",), ("lossless",)),
    ("utf-8 as cp1252", "utf-8", "sloppy-cp1252", LATIN + CYRILLIC + CJK, ("lossless", "nbsp")),
    ("utf-8 as cp1250", "utf-8", "cp1250", ("latin2",), ("lossless", "nbsp")),
    ("utf-8 as cp1251", "utf-8", "cp1251", CYRILLIC, ("lossless",)),
    ("utf-8 as macroman", "utf-8", "mac_roman", LATIN, ("lossless",)),
    ("utf-8 as gbk, as cp1252", "utf-8", "gb18030>sloppy-cp1252", ("zh-hans",), ("lossless",)),
    # Rows added later go last, so that the rows above draw the same cases.  UTF-8 read as
    # Windows-125x by a decoder that loses the bytes the code page leaves undefined (Python's
    # "replace": U+FFFD, or '?'), and as the Windows code pages of Greek, Turkish, Hebrew and
    # Arabic, two of which ftfy does not know.
    ("utf-8 as cp1252, lossy", "utf-8", "cp1252", LATIN + CYRILLIC + ("el", "he", "tr"),
     ("fffd", "question")),
    ("utf-8 as cp1250, lossy", "utf-8", "cp1250", ("latin2",) + CYRILLIC, ("fffd", "question")),
    # Greek and Hebrew letters need bytes these code pages leave undefined (ρ is CF 81), so
    # their lossless cases are read as a sloppy decoder does (C1 controls for those bytes).
    ("utf-8 as cp1253", "utf-8", "sloppy-cp1253", ("el",), ("lossless",)),
    ("utf-8 as cp1253, lossy", "utf-8", "cp1253", ("el",), ("fffd", "question")),
    ("utf-8 as cp1254", "utf-8", "cp1254", ("tr", "latin"), ("lossless", "fffd")),
    ("utf-8 as cp1255", "utf-8", "sloppy-cp1255", ("he",), ("lossless",)),
    ("utf-8 as cp1255, lossy", "utf-8", "cp1255", ("he",), ("fffd",)),
    ("utf-8 as cp1256", "utf-8", "cp1256", ("ar",), ("lossless",)),
    # No Baltic pages in the corpus: Central European ones (š is C5 A1, A1 undefined in 1257).
    ("utf-8 as cp1257", "utf-8", "cp1257", ("latin2",), ("lossless", "fffd")),
    # Chinese, Japanese and Korean read as Windows-1252 by such a decoder: one character in
    # seven or so loses a byte of its two continuation bytes.
    ("utf-8 as cp1252, lossy, cjk", "utf-8", "cp1252", CJK, ("fffd", "question")),
    # Read so twice: the second reading loses bytes of the first one's characters too ("Ã�"
    # for the Ð of Cyrillic а-п).
    ("utf-8 as cp1252 twice, lossy", "utf-8", "cp1252>cp1252", LATIN + CYRILLIC + ("el",) + CJK,
     ("fffd",)),
    # MacRoman shows the lead byte of every Cyrillic and Greek letter as a dash or a ligature
    # ("–ü" for П), which ftfy's badness measure passes.
    ("utf-8 as macroman, cyrillic and greek", "utf-8", "mac_roman", CYRILLIC + ("el",), ("lossless",)),
]

TAG_RE = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE)


def page_text(raw: str) -> str:
    """Markup stripped with a regex: tags gone, entities decoded, blank runs collapsed."""
    text = html.unescape(TAG_RE.sub("\n", raw))
    lines = (re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def load_texts() -> dict[str, list[tuple[str, str]]]:
    """Per language group: (file name, clean page text) of every strictly decodable file."""
    texts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for folder, (codec, group) in FOLDERS.items():
        directory = CORPUS / folder
        if group is None or not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            try:
                raw = path.read_bytes().decode(codec)
            except UnicodeDecodeError:
                continue
            text = page_text(raw)
            if len(text) > 200:
                texts[group].append((f"{folder}/{path.name}", text))
    return texts


def paragraphs(text: str, rng: random.Random, count: int) -> list[str]:
    lines = [line for line in text.splitlines() if len(line) >= 30 and not line.isascii()]
    rng.shuffle(lines)
    return [line[:600] for line in lines[:count]]


def short_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if 10 <= len(line) <= 40]


def _sloppy(data: bytes, codec: str = "cp1252") -> str:
    """``data`` read with a single-byte code page, its undefined bytes as C1 controls."""
    return "".join(bytes([b]).decode(codec, "replace").replace("\ufffd", chr(b)) for b in data)


def _question(error: UnicodeDecodeError) -> tuple[str, int]:
    return "?", error.start + 1


def damage(text: str, true: str, wrong: str, mode: str) -> str | None:
    """The text as a wrong decoder shows it, or None when the mode does not apply."""
    try:
        data = text.encode(true)
    except UnicodeEncodeError:
        return None
    if data.decode(true) != text:
        return None  # no exact round trip (〜 and ～ share a byte in cp932): not a fair case
    for step, codec in enumerate(wrong.split(">")):
        if step:
            data = shown.encode("utf-8")  # noqa: F821 - set in the first step
        if codec.startswith("sloppy-"):
            shown = _sloppy(data, codec.removeprefix("sloppy-"))
        elif mode == "lossless":
            try:
                shown = data.decode(codec)
            except UnicodeDecodeError:
                return None
        elif mode == "fffd":
            shown = data.decode(codec, "replace")
        elif mode == "question":
            shown = data.decode(codec, "fixenc-bench-question")
        elif mode == "cp1252-fffd":
            shown = data.decode("cp1252", "replace")
        elif mode == "nbsp":
            shown = data.decode(codec, "replace")
        else:
            raise ValueError(mode)
    if mode == "nbsp":
        if "\xa0" not in shown:
            return None
        shown = shown.replace("\xa0", " ")
    if (
        mode != "lossless"
        and mode != "nbsp"
        and shown.count("\ufffd") + shown.count("?") == text.count("?")
    ):
        return None
    if shown == text:
        return None
    return shown


def chars_hit(text: str, true: str, wrong: str, mode: str) -> int | None:
    """How many characters of ``text`` lost a byte when its bytes were read with ``wrong``.

    The CER a repair would have if it left every such character as U+FFFD and guessed none:
    what the surviving bytes determine.  None for lossless modes and chains of codecs.
    """
    if mode not in ("fffd", "question") or ">" in wrong:
        return None
    data = text.encode(true)
    lost: set[int] = set()

    def record(error: UnicodeDecodeError) -> tuple[str, int]:
        end = error.end if mode == "fffd" else error.start + 1
        lost.update(range(error.start, end))
        return "?", end

    codecs.register_error("fixenc-bench-record", record)
    data.decode(wrong, "fixenc-bench-record")
    hit = position = 0
    for ch in text:
        size = len(ch.encode(true))
        hit += any(byte in lost for byte in range(position, position + size))
        position += size
    return hit


def char_errors(expected: str, actual: str) -> int:
    """Edit operations from the opcodes of difflib (an upper bound of Levenshtein)."""
    if expected == actual:
        return 0
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )


def levenshtein(a: str, b: str) -> int:
    """Exact edit distance (slow; only used to confirm a case made worse)."""
    previous = list(range(len(b) + 1))
    for i, ch in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ch != other))
            )
        previous = current
    return previous[-1]


def fixenc_fix(text: str, args) -> tuple[str, list]:
    """repair_mojibake after the whole-page stage, as the pipeline runs them (``--span-only``: alone)."""
    return repair_mojibake(text if args.span_only else redecode_page(text)[0])


def ftfy_fix(text: str) -> str:
    return ftfy.fix_text(text)


def run_pairs(texts, args, rng) -> None:
    print("\n## Damaged text: exact recovery and character error rate (CER)\n")
    print(
        "| pair | mode | cases | fixenc exact | fixenc CER | ftfy exact | ftfy CER | input CER | worse "
        "| chars that lost a byte |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    margins = []
    for name, true, wrong, groups, modes in PAIRS:
        for mode in modes:
            cases = []
            for group in groups:
                for _, page in texts.get(group, []):
                    for para in paragraphs(page, rng, args.per_page):
                        shown = damage(para, true, wrong, mode)
                        if shown is not None:
                            cases.append((para, shown))
            rng.shuffle(cases)
            cases = cases[: args.cases]
            if not cases or (args.failures and name not in args.failures):
                continue  # cases are still drawn, so the random stream stays the same
            stats = defaultdict(int)
            total_chars = sum(len(original) for original, _ in cases)
            for original, shown in cases:
                fixed, _ = fixenc_fix(shown, args)
                peer = ftfy_fix(shown)
                errors_in = char_errors(original, shown)
                errors_out = char_errors(original, fixed)
                stats["exact"] += fixed == original
                stats["peer_exact"] += peer == original
                stats["errors"] += errors_out
                stats["peer_errors"] += char_errors(original, peer)
                stats["input_errors"] += errors_in
                hit = chars_hit(original, true, wrong, mode)
                stats["hit"] += hit or 0
                # The opcode count is an upper bound; confirm "worse" exactly.
                worse = errors_out > errors_in and levenshtein(original, fixed) > levenshtein(
                    original, shown
                )
                stats["worse"] += worse
                if args.failures and (mode == "lossless" and fixed != original or worse):
                    print_failure("worse" if worse else mode, original, shown, fixed)
                if args.margins and mode == "lossless":
                    margins.append(langmodel.compare(original, shown))
            n = len(cases)
            print(
                f"| {name} | {mode} | {n} | {stats['exact'] / n:.1%} | "
                f"{stats['errors'] / total_chars:.2%} | {stats['peer_exact'] / n:.1%} | "
                f"{stats['peer_errors'] / total_chars:.2%} | {stats['input_errors'] / total_chars:.1%} | "
                f"{stats['worse']} | "
                + (f"{stats['hit'] / total_chars:.2%} |" if mode in ("fffd", "question") and ">" not in wrong else "- |")
            )
            sys.stdout.flush()
    if margins:
        margins.sort()
        print("\nmargin (clean vs damaged, nats/char) quantiles over lossless cases:")
        for q in (0.001, 0.01, 0.05, 0.5):
            print(f"  q{q}: {margins[int(q * (len(margins) - 1))]:.2f}")


def print_failure(mode: str, original: str, shown: str, fixed: str) -> None:
    """A case not recovered exactly: the input, and each place where the output differs."""
    print(f"\n[{mode}] input: {shown!r}", file=sys.stderr)
    matcher = difflib.SequenceMatcher(None, original, fixed, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            context = original[max(0, i1 - 8) : i1]
            print(
                f"  at {i1} after {context!r}: expected {original[i1:i2]!r} got {fixed[j1:j2]!r}",
                file=sys.stderr,
            )


def run_clean(texts, args, rng) -> None:
    print("\n## Clean text left unchanged (false positives)\n")
    print(
        "| group | pages | pages changed | paragraphs | changed | short lines | changed | ftfy short lines changed |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    examples = []
    for group, pages in sorted(texts.items()):
        pages = pages[: args.pages]
        page_changed = para_total = para_changed = short_total = short_changed = peer_changed = 0
        for name, page in pages:
            if fixenc_fix(page, args)[0] != page:
                page_changed += 1
                examples.append((name, fixenc_fix(page, args)[1][:2]))
            for para in paragraphs(page, rng, 50):
                para_total += 1
                para_changed += fixenc_fix(para, args)[0] != para
            for line in short_lines(page):
                short_total += 1
                fixed = fixenc_fix(line, args)[0]
                if fixed != line:
                    short_changed += 1
                    examples.append((name, [line, fixed]))
                peer_changed += ftfy.fix_encoding(line) != line
        print(
            f"| {group} | {len(pages)} | {page_changed} | {para_total} | {para_changed} | "
            f"{short_total} | {short_changed} ({short_changed / max(1, short_total):.2%}) | "
            f"{peer_changed} |"
        )
    for example in examples[:15]:
        print("  changed:", example, file=sys.stderr)


def run_ftfy_cases() -> None:
    print("\n## ftfy's test cases (expectation: `fixed-encoding`, else `fixed`)\n")
    print("(Where ftfy expects U+FFFD for a lost byte, fixenc may guess the character: such cases are")
    print("counted apart, printed on stderr, and checked against the text each was made from,")
    print("benchmarks/ftfy_lost_bytes.json.)\n")
    print("| file | cases | fixenc pass | fixenc guessed a U+FFFD of the expectation | of which right "
          "| ftfy.fix_encoding pass | ftfy.fix_text pass |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    if not FTFY_CASES.is_dir():
        print("(ftfy test cases not found)")
        return
    truths = json.loads(FTFY_TRUTHS.read_text(encoding="utf-8"))["truths"]
    totals = [0, 0, 0]
    for name in ("in-the-wild", "synthetic", "negative", "language-names", "known-failures"):
        cases = json.loads((FTFY_CASES / f"{name}.json").read_text(encoding="utf-8"))
        ours = guessed = right = peer = peer_text = 0
        for case in cases:
            expected = case.get("fixed-encoding", case["fixed"])
            fixed = repair_mojibake(case["original"])[0]
            ours += fixed == expected
            if fixed != expected and _fills_lost_characters(expected, fixed):
                guessed += 1
                truth = next((text for label, text in truths.items()
                              if case["label"].startswith(label)), None)
                right += fixed == truth
                print(f"  ftfy case {name}: expected {expected!r}, fixenc {fixed!r}"
                      f" ({'the original text' if fixed == truth else 'not the original text'})",
                      file=sys.stderr)
            peer += ftfy.fix_encoding(case["original"]) == expected
            peer_text += ftfy.fix_text(case["original"]) == expected
        print(f"| {name} | {len(cases)} | {ours} | {guessed} | {right} | {peer} | {peer_text} |")
        totals = [totals[0] + ours, totals[1] + right, totals[2] + peer]
    print(f"\nfixenc {totals[0]} as ftfy expects, {totals[0] + totals[1]} with the lost bytes guessed "
          f"right; ftfy.fix_encoding {totals[2]}.")


def _fills_lost_characters(expected: str, fixed: str) -> bool:
    """Is ``fixed`` ``expected`` with some of its U+FFFD replaced by one character each?"""
    return len(fixed) == len(expected) and all(
        a == b or a == "\ufffd" for a, b in zip(expected, fixed)
    )


def run_speed(texts, args) -> None:
    """Pages one by one, as the pipeline calls the repair stage: ``repair_mojibake`` alone (the
    span engine), and after the whole-page stage as the pipeline runs them."""
    print(
        "\n## Speed (same run, same pages one by one; MB of UTF-8 per second, one core; "
        f"best of {args.rounds} alternating rounds)\n"
    )
    clean = [page for pages in texts.values() for _, page in pages]
    chinese = [page for _, page in texts.get("zh-hans", [])]
    gbk = [page.encode("utf-8").decode("gb18030", "replace") for page in chinese]
    latin = [page for group in LATIN for _, page in texts.get(group, [])]
    cp1252 = [_sloppy(page.encode("utf-8")) for page in latin]
    print(
        "| pages | count | MB | fixenc spans MB/s | fixenc page + spans MB/s | ftfy.fix_text MB/s "
        "| ratio spans | ratio page + spans |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, pages in (
        ("clean, all languages", clean),
        ("clean Chinese", chinese),
        ("utf-8 read as gbk (Chinese)", gbk),
        ("utf-8 read as cp1252 (Latin)", cp1252),
    ):
        size = sum(len(page.encode("utf-8")) for page in pages) / 1e6
        # Alternate the three and keep each one's best round: on a shared machine the load
        # changes within a run.
        spans = whole = peer = 0.0
        for _ in range(args.rounds):
            spans = max(spans, _rate(lambda p=pages: [repair_mojibake(page) for page in p], size))
            whole = max(whole, _rate(
                lambda p=pages: [repair_mojibake(redecode_page(page)[0]) for page in p], size))
            peer = max(peer, _rate(lambda p=pages: [ftfy.fix_text(page) for page in p], size))
        print(
            f"| {label} | {len(pages)} | {size:.2f} | {spans:.2f} | {whole:.2f} | {peer:.2f} "
            f"| {spans / peer:.2f}x | {whole / peer:.2f}x |"
        )


def _rate(function, size: float) -> float:
    start = time.perf_counter()
    function()
    return size / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer cases (about a minute)")
    parser.add_argument("--margins", action="store_true", help="print margin quantiles")
    parser.add_argument(
        "--margin", type=float, help="run with this repair.MARGIN (to choose it by a sweep)"
    )
    parser.add_argument(
        "--family-margin",
        action="append",
        metavar="FAMILY=M",
        help="run with this repair.FAMILY_MARGINS entry (legacy-as-latin=1.0)",
    )
    parser.add_argument(
        "--span-only",
        action="store_true",
        help="repair_mojibake alone, without wholepage.redecode_page (which the pipeline runs first)",
    )
    parser.add_argument("--only", choices=("pairs", "clean", "ftfy", "speed"), action="append")
    parser.add_argument(
        "--failures", action="append", metavar="PAIR", help="this pair only; print failed lossless cases and cases made worse"
    )
    parser.add_argument("--rounds", type=int, default=3, help="speed rounds (best one counts)")
    args = parser.parse_args()
    args.cases = 60 if args.quick else 300
    args.per_page = 3 if args.quick else 10
    args.pages = 8 if args.quick else 40
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS}; set FIXENC_SHARED")
    codecs.register_error("fixenc-bench-question", _question)
    if args.margin is not None:
        repair.MARGIN = args.margin
        print(f"(repair.MARGIN = {args.margin})")
    for entry in args.family_margin or ():
        family, value = entry.split("=")
        repair.FAMILY_MARGINS[family] = float(value)
        print(f"(repair.FAMILY_MARGINS[{family!r}] = {value})")
    rng = random.Random(20261128)
    langmodel.load()
    repair_mojibake("鍙戝竷")  # build the signature tables outside the timings
    texts = load_texts()
    only = set(args.only or ("pairs", "clean", "ftfy", "speed"))
    if "pairs" in only:
        run_pairs(texts, args, rng)
    if "clean" in only:
        run_clean(texts, args, rng)
    if "ftfy" in only:
        run_ftfy_cases()
    if "speed" in only:
        run_speed(texts, args)


if __name__ == "__main__":
    main()
