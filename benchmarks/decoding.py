"""Decoding accuracy on the chardet corpus: fixenc vs charset-normalizer, per encoding folder.

Each folder of ../shared/data/chardet-corpus is named after the true encoding
of its pages.  The truth for a page is a strict decode with that codec (or
the superset browsers use for its label, e.g. GBK for GB2312); a page that
does not strictly decode under either is mislabelled and is listed, not
counted.  A page counts as right when the text equals the truth after
newline normalisation, whatever codec name was reported (ASCII read as
UTF-8 is right).  fixenc is scored twice: its decoding stage alone (what
charset-normalizer also does), and the whole pipeline with
``extract="none"`` (decoding and mojibake repair, markup kept), so the
repair stage must also leave these clean pages alone.  Pages that decode
right but whose own text carries mojibake the repair then undoes are
listed with the change, so a reader can judge them.

    python benchmarks/decoding.py [--corpus DIR] [--show-misses]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from charset_normalizer import from_bytes

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from fixenc import repair_bytes
from fixenc.decoding import WEB_READINGS, decode_bytes, python_codec
from fixenc.errors import FixencError

# Folder name -> codecs to try for the truth, strictest first.  Folder names
# carry a language suffix (windows-1250-czech); the codec is the prefix.
SUPERSETS = {
    "gb2312": ("gb2312", "gbk", "gb18030"),
    "big5": ("big5", "big5hkscs", "cp950"),
    "shift_jis": ("shift_jis", "cp932"),
    "euc-kr": ("euc_kr", "cp949"),
    "iso-8859-1": ("cp1252", "latin_1"),
    "iso-8859-9": ("cp1254", "iso8859_9"),
    "tis-620": ("cp874", "tis_620"),
    "ascii": ("ascii",),
    "utf-8-sig": ("utf-8-sig",),
    "euc-tw": (),
}


def folder_codecs(folder: str) -> tuple[str, ...]:
    name = folder.lower()
    for prefix in sorted(SUPERSETS, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "-"):
            return SUPERSETS[prefix]
    parts = name.split("-")
    for cut in range(len(parts), 0, -1):
        codec = _lookup("-".join(parts[:cut]))
        if codec:
            return (codec,)
    return ()


def _lookup(label: str) -> str | None:
    import codecs

    try:
        return codecs.lookup(label).name
    except LookupError:
        return python_codec(label)


def truth(data: bytes, folder: str) -> str | None:
    """The page strictly decoded with its folder's codec, as browsers map that codec."""
    for codec in folder_codecs(folder):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        try:
            return data.decode(WEB_READINGS.get(codec, codec))
        except UnicodeDecodeError:
            return text
    return None


def same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")

    return norm(a) == norm(b)


def fixenc_decoded(data: bytes) -> str | None:
    try:
        return decode_bytes(data).text
    except FixencError:
        return None


def fixenc_repaired(data: bytes) -> tuple[str | None, list[str]]:
    try:
        result = repair_bytes(data, extract="none")
    except FixencError:
        return None, []
    return result.text, [fix.describe() for fix in result.fixes if fix.kind != "decode"]


def normalizer_text(data: bytes) -> str | None:
    best = from_bytes(data).best()
    return None if best is None else str(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "data" / "chardet-corpus")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found: {args.corpus}")

    # pages, fixenc decoding, fixenc after repair, charset-normalizer
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    mislabelled: list[str] = []
    misses: list[str] = []
    repaired: list[str] = []
    seconds = {"fixenc": 0.0, "charset-normalizer": 0.0}
    for folder in sorted(p for p in args.corpus.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()
            expected = truth(data, folder.name)
            if expected is None:
                mislabelled.append(f"{folder.name}/{path.name}")
                continue
            name = f"{folder.name}/{path.name}"
            start = time.perf_counter()
            decoded = fixenc_decoded(data)
            seconds["fixenc"] += time.perf_counter() - start
            start = time.perf_counter()
            theirs = normalizer_text(data)
            seconds["charset-normalizer"] += time.perf_counter() - start
            final, fixes = fixenc_repaired(data)
            row = rows[folder.name]
            row[0] += 1
            decoded_right = decoded is not None and same(decoded, expected)
            final_right = final is not None and same(final, expected)
            row[1] += decoded_right
            row[2] += final_right
            row[3] += theirs is not None and same(theirs, expected)
            if not decoded_right:
                misses.append(name)
            elif not final_right:
                repaired.append(f"{name}: " + "; ".join(fixes))

    print("| folder | pages | fixenc decoding | fixenc + repair | charset-normalizer |")
    print("|---|---:|---:|---:|---:|")
    worse = []
    for name, (pages, ours, final, theirs) in rows.items():
        flag = " **(below)**" if ours < theirs else ""
        if ours < theirs:
            worse.append(name)
        print(f"| {name} | {pages} | {ours}/{pages} | {final}/{pages} | {theirs}/{pages} |{flag}")
    pages, ours, final, theirs = (sum(r[i] for r in rows.values()) for i in range(4))
    print(f"| **all** | {pages} | **{ours / pages:.1%}** ({ours}) | {final / pages:.1%} ({final}) "
          f"| {theirs / pages:.1%} ({theirs}) |")
    print()
    print(f"folders where fixenc's decoding is below charset-normalizer: {', '.join(worse) or 'none'}")
    print(f"decoding time: fixenc {seconds['fixenc']:.1f} s, "
          f"charset-normalizer {seconds['charset-normalizer']:.1f} s")
    print(f"decoded right, then changed by the repair stage (the page's own text carries mojibake; "
          f"judge the change): {len(repaired)}")
    for line in repaired:
        print(f"  {line}")
    print(f"mislabelled (not strictly decodable with the folder's codec), not counted: {len(mislabelled)}")
    for name in mislabelled:
        print(f"  {name}")
    if args.show_misses:
        print(f"fixenc decoding misses: {len(misses)}")
        for name in misses:
            print(f"  {name}")


if __name__ == "__main__":
    main()
