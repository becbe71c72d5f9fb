"""Workflow benchmark: `fixenc --check` / `--in-place` over real trees, as a user runs them.

Three trees are built in a temp folder from ../shared/data:
- clean pages: the article-extraction benchmark's HTML, as published;
- damaged pages: the same pages (those in UTF-8) whose UTF-8 was read as
  Windows-1252, the way browsers read it;
- legacy text: the chardet corpus, clean files in ~50 encodings.

It reports how many files `--check` would change (must be 0 for clean trees),
how many damaged pages `--in-place` restores byte for byte, and the speed of
`--check` on the clean pages as a ratio against reading the same files and
running ftfy.fix_encoding on them in the same run.

    nice python benchmarks/workflows.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def read_as_windows_1252(data: bytes) -> str:
    """UTF-8 bytes read as a browser reads windows-1252 (its 5 holes map to C1 controls)."""
    return "".join(bytes([byte]).decode("cp1252", "ignore") or chr(byte) for byte in data)


def build_trees(shared: Path, root: Path) -> dict[str, Path]:
    pages = sorted((shared / "data" / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    clean, damaged = root / "clean", root / "damaged"
    clean.mkdir()
    damaged.mkdir()
    for page in pages:
        data = gzip.decompress(page.read_bytes())
        name = page.name.removesuffix(".gz")
        (clean / name).write_bytes(data)
        try:
            text = data.decode("utf-8")
        except UnicodeError:
            continue
        (damaged / name).write_bytes(read_as_windows_1252(text.encode("utf-8")).encode("utf-8"))
    legacy = root / "legacy"
    shutil.copytree(shared / "data" / "chardet-corpus", legacy,
                    ignore=shutil.ignore_patterns("*.md", "README.txt"))
    return {"clean": clean, "damaged": damaged, "legacy": legacy}


def fixenc(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "fixenc", *args], env=env, capture_output=True,
                         text=True, check=False)
    return run, time.perf_counter() - start


def ftfy_peer(tree: Path) -> float:
    code = ("import ftfy, pathlib, sys\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*')):\n"
            "    if p.is_file(): ftfy.fix_encoding(p.read_bytes().decode('utf-8', 'replace'))\n")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(tree)], check=True)
    return time.perf_counter() - start


def statuses(report: Path) -> dict[str, str]:
    return {json.loads(line)["path"]: json.loads(line)["status"]
            for line in report.read_text().split("\n") if line}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("FIXENC_SHARED", REPO.parent / "shared")))
    shared = parser.parse_args().shared
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        trees = build_trees(shared, root)
        report = root / "report.jsonl"
        print("| tree | files | would change (--check) | skipped | failed | exit |")
        print("|---|---|---|---|---|---|")
        timings = {}
        for name, tree in trees.items():
            run, seconds = fixenc("--check", "-q", "--report", str(report), str(tree))
            timings[name] = seconds
            counts = list(statuses(report).values())
            print(f"| {name} | {len(counts)} | {counts.count('repaired')} | "
                  f"{counts.count('skipped')} | {counts.count('failed')} | {run.returncode} |")
        originals = {path.name: path.read_bytes() for path in trees["clean"].iterdir()}
        run, _ = fixenc("--in-place", "-q", "--report", str(report), str(trees["damaged"]))
        restored = sum((trees["damaged"] / name).read_bytes() == originals[name]
                       for name in os.listdir(trees["damaged"]))
        total = len(os.listdir(trees["damaged"]))
        print(f"\n--in-place on damaged pages: {restored}/{total} restored byte for byte "
              f"(exit {run.returncode})")
        rerun, _ = fixenc("--check", "-q", str(trees["damaged"]))
        print(f"--check after --in-place: exit {rerun.returncode}")
        peer = ftfy_peer(trees["clean"])
        print(f"\n--check on {len(originals)} clean pages: {timings['clean']:.2f} s; "
              f"read + ftfy.fix_encoding on the same files: {peer:.2f} s; "
              f"ratio fixenc/ftfy {timings['clean'] / peer:.2f}")


if __name__ == "__main__":
    main()
