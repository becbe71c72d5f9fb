"""Score fixenc's article extraction against trafilatura on the article-extraction benchmark.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/articles.py [--data DIR] [--worst N] [--no-damaged]

DIR defaults to $FIXENC_SHARED/data (FIXENC_SHARED defaults to ../shared next to the repo).

Metric, exactly as the benchmark's NOTICE.md describes it: text is split into tokens with the
regex ``\\w+``; token 4-grams ("shingles") of prediction and truth are compared as multisets;
per page precision = matched / predicted and recall = matched / truth; a page with an empty
prediction is left out of the precision average and scores recall 0; both are averaged over
pages and F1 is computed from the two averages.

Damaged copies: each page's HTML is encoded as UTF-8 and decoded as if it were cp1252 (or GBK),
and the result is what gets saved again as UTF-8, the way a scraper that guessed the wrong
charset stores a page.  cp1252 leaves five bytes undefined (0x81 0x8D 0x8F 0x90 0x9D); like
browsers and the WHATWG Encoding Standard, they are decoded to the C1 control of the same value,
which is how this damage appears in the wild and keeps the page reversible.  GBK damage uses
Python's ``gbk`` codec with ``errors="replace"``: invalid sequences become U+FFFD, as they do
in every tool that decodes with a wrong double-byte codec; that damage is lossy (a lone lead
byte before ASCII is gone), and it is the only GBK variant measured: a whole page never
decodes as GBK without errors, so there is no lossless one.

fixenc runs its full pipeline (``fixenc.repair_bytes``: decode, whole-page re-decoding,
span repair, then extraction) on the damaged bytes; the clean row runs the same pipeline.
trafilatura gets the damaged text with no repair.  Speeds are pages per
second over the same pages in the same run, one process, so only their ratio means anything.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from fixenc import repair_bytes
from fixenc.options import SENTENCE_MODELS_ENV

TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4
REPO = Path(__file__).resolve().parents[1]
CJK_FOLDERS = ("GB2312", "Big5", "SHIFT_JIS", "EUC-KR")
CJK_CODECS = {"GB2312": "gb18030", "Big5": "big5hkscs", "SHIFT_JIS": "cp932", "EUC-KR": "cp949"}


def shared_data() -> Path:
    return Path(os.environ.get("FIXENC_SHARED", REPO.parent / "shared")) / "data"


def shingles(text: str) -> Counter:
    tokens = TOKEN.findall(text)
    count = max(1, len(tokens) - SHINGLE_SIZE + 1)
    return Counter(tuple(tokens[i : i + SHINGLE_SIZE]) for i in range(count) if tokens[i:])


def page_scores(prediction: str, truth: str) -> tuple[float | None, float]:
    """(precision or None when the prediction is empty, recall) of one page."""
    predicted = shingles(prediction)
    expected = shingles(truth)
    matched = sum((predicted & expected).values())
    total_predicted = sum(predicted.values())
    precision = matched / total_predicted if total_predicted else None
    recall = matched / sum(expected.values()) if expected and total_predicted else 0.0
    return precision, recall


def aggregate(scores: list[tuple[float | None, float]]) -> tuple[float, float, float]:
    precisions = [p for p, _ in scores if p is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(r for _, r in scores) / len(scores) if scores else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def load_pages(root: Path) -> list[tuple[str, bytes, str]]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        data = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, data, item["articleBody"]))
    return pages


def damage_cp1252(data: bytes) -> bytes:
    """UTF-8 bytes read as cp1252 (undefined bytes as C1 controls, as browsers do), saved as UTF-8."""
    text = "".join(
        chr(byte) if byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([byte]).decode("cp1252")
        for byte in range(256)
    )
    return data.decode("latin-1").translate(dict(enumerate(text))).encode("utf-8")


def damage_gbk(data: bytes) -> bytes:
    """UTF-8 bytes read as GBK (invalid sequences become U+FFFD), saved as UTF-8."""
    return data.decode("gbk", errors="replace").encode("utf-8")


def fixenc_pipeline(data: bytes) -> str:
    """The full pipeline: decode, repair (whole page, then span by span), extract."""
    return repair_bytes(data, extract="article").text


def trafilatura_extract(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data.decode("utf-8")) or ""


def run_extractor(
    extract: Callable[[bytes], str], pages: list[tuple[str, bytes, str]]
) -> tuple[list[tuple[float | None, float]], float, list[str]]:
    outputs = []
    start = time.perf_counter()
    for _, data, _ in pages:
        outputs.append(extract(data))
    elapsed = time.perf_counter() - start
    scores = [page_scores(out, truth) for out, (_, _, truth) in zip(outputs, pages)]
    return scores, len(pages) / elapsed, outputs


def print_table(
    title: str, rows: list[tuple[str, tuple[float, float, float] | None, float]]
) -> None:
    print(f"\n{title}")
    print(f"| {'extractor':<34} | {'F1':>6} | {'precision':>9} | {'recall':>6} | {'pages/s':>7} |")
    print(f"|{'-' * 36}|{'-' * 8}|{'-' * 11}|{'-' * 8}|{'-' * 9}|")
    for name, metrics, speed in rows:
        if metrics is None:
            print(f"| {name:<34} | {'n/a':>6} | {'n/a':>9} | {'n/a':>6} | {'n/a':>7} |")
            continue
        f1, precision, recall = metrics
        print(f"| {name:<34} | {f1:6.3f} | {precision:9.3f} | {recall:6.3f} | {speed:7.1f} |")


def is_cjk(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "BOPOMOFO"))


def cjk_check(root: Path) -> None:
    """CJK pages through ``fixenc.repair_bytes`` (bytes in): no U+FFFD, no character lost.

    The reference is the page decoded strictly with its folder's codec (the superset codec that
    browsers use for that label), references like ``&#x4E2D;`` expanded: every CJK character
    of the extracted article must be one of the page's.
    """
    from fixenc import repair_bytes

    print("\nCJK pages (chardet corpus) through fixenc.repair_bytes")
    print(
        f"| {'folder':<10} | {'pages':>5} | {'with text':>9} | "
        f"{'U+FFFD':>6} | {'CJK not in page':>15} | {'CJK chars out':>13} |"
    )
    print(f"|{'-' * 12}|{'-' * 7}|{'-' * 11}|{'-' * 8}|{'-' * 17}|{'-' * 15}|")
    for folder in CJK_FOLDERS:
        files = sorted((root / folder).glob("*"))
        with_text = replaced = foreign = cjk_out = 0
        for path in files:
            data = path.read_bytes()
            reference = html.unescape(data.decode(CJK_CODECS[folder], errors="replace"))
            out = repair_bytes(data, extract="article").text
            chars = {c for c in out if is_cjk(c)}
            with_text += bool(chars)
            replaced += "\ufffd" in out
            foreign += bool(chars - set(reference))
            cjk_out += len([c for c in out if is_cjk(c)])
        print(
            f"| {folder:<10} | {len(files):>5} | {with_text:>9} | "
            f"{replaced:>6} | {foreign:>15} | {cjk_out:>13} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=shared_data())
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages for fixenc")
    parser.add_argument("--no-damaged", action="store_true", help="clean pages only")
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument(
        "--sentence-models", metavar="LANGS", default="",
        help="also run the GBK pages with these sentence models turned on (ko, ja or all; "
        "needs the korean/japanese extras): one more row",
    )
    args = parser.parse_args()
    pages = load_pages(args.data / "article-extraction-benchmark")
    scores, speed, outputs = run_extractor(fixenc_pipeline, pages)
    rows = [("fixenc", aggregate(scores), speed)]
    t_scores = None
    if not args.no_trafilatura:
        t_scores, t_speed, _ = run_extractor(trafilatura_extract, pages)
        rows.append(("trafilatura", aggregate(t_scores), t_speed))
    print_table(f"Clean pages ({len(pages)})", rows)
    if args.worst:
        ranked = sorted(range(len(pages)), key=lambda i: (scores[i][0] or 0) + scores[i][1])
        for i in ranked[: args.worst]:
            p, r = scores[i]
            peer = f" trafilatura P={t_scores[i][0]} R={t_scores[i][1]:.3f}" if t_scores else ""
            print(
                f"{pages[i][0][:16]} P={p if p is None else round(p, 3)} R={r:.3f} "
                f"out={len(outputs[i])} truth={len(pages[i][2])}{peer}"
            )
    if args.no_damaged:
        return 0
    os.environ.pop(SENTENCE_MODELS_ENV, None)  # the default rows run as fixenc does by default
    for kind, damage in (("cp1252", damage_cp1252), ("gbk", damage_gbk)):
        damaged = [(pid, damage(data), truth) for pid, data, truth in pages]
        d_scores, d_speed, _ = run_extractor(fixenc_pipeline, damaged)
        rows = [("fixenc (repair_bytes, extract)", aggregate(d_scores), d_speed)]
        if kind == "gbk" and args.sentence_models:
            os.environ[SENTENCE_MODELS_ENV] = args.sentence_models
            s_scores, s_speed, _ = run_extractor(fixenc_pipeline, damaged)
            del os.environ[SENTENCE_MODELS_ENV]
            rows.append((f"fixenc, sentence models {args.sentence_models}",
                         aggregate(s_scores), s_speed))
        if not args.no_trafilatura:
            t_scores, t_speed, _ = run_extractor(trafilatura_extract, damaged)
            rows.append(("trafilatura (no repair)", aggregate(t_scores), t_speed))
        print_table(f"Damaged pages: UTF-8 read as {kind} ({len(pages)})", rows)
    cjk_check(args.data / "chardet-corpus")
    return 0


if __name__ == "__main__":
    sys.exit(main())
