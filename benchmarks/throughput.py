"""Throughput and peak memory of fixenc on record streams, against a naive pipeline and trafilatura.

Usage (from the repository root; ``nice`` because the machine is shared)::

    PYTHONPATH=src nice python benchmarks/throughput.py [--data DIR] [--work DIR]
        [--copies 1] [--scale 10,1024] [--repeat 1]

Two workloads are built from $FIXENC_SHARED/data into --work (default /tmp/fixenc-throughput):

- ``texts.jsonl``: one record per document, ``{"id", "text"}``: the article bodies of the
  extraction benchmark's ground truth plus the text of every chardet-corpus file (decoded with
  its folder's codec, markup stripped; 40+ languages); every 7th record damaged (UTF-8 read as
  cp1252, or as GBK for CJK text), so mostly clean, some damaged.
- ``pages.warc``: the extraction benchmark's 181 HTML pages as WARC response records, plus a
  cp1252-damaged copy of every 7th page.

Contenders, each in its own subprocess so that start-up, imports and memory are its own:
fixenc ``--jobs 1`` and ``--jobs 2`` (the CLI on the JSONL/WARC file); a naive pipeline
(charset-normalizer on the bytes, ``ftfy.fix_text``, BeautifulSoup ``get_text`` with lxml);
trafilatura (``extract`` on each page; HTML only).  Times are wall-clock seconds of the whole
subprocess, start-up included, and CPU seconds (user + system, pool workers included); MB/s
counts input bytes (field text as UTF-8, or WARC payloads);
peak memory is the largest resident set of any one process (``wait4``'s ``ru_maxrss``) and the
sampled sum over the process tree (psutil, every 20 ms; pool workers included).

``--copies N`` makes each workload N times as long, so that the steady-state rate shows past each
process's start-up (a crawl is millions of pages; one copy of this corpus is seconds of work): the
same files for every contender, JSONL ids and WARC URLs numbered on.  Text records after the first
copy are varied (see ``vary``): identical texts would hit the repair engine's per-process caches
(scores of runs, readings of a page's windows) in one process more often than in two, where a
record's copies are often repaired by different workers.  HTML pages are repeated as they are.

``--scale`` runs fixenc (all cores) on WARC files of those sizes in MB, made by repeating the
HTML pages, and prints peak memory per size: it must not grow with the input.  The files are
deleted afterwards.  Only ratios within one run mean anything on a shared machine.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import html
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import chain
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TAG = re.compile(r"<[^>]*>")
SPACES = re.compile(r"[ \t\r\f\v]+")
DAMAGE_EVERY = 7
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def shared_data() -> Path:
    return Path(os.environ.get("FIXENC_SHARED", REPO.parent / "shared")) / "data"


# ---------------------------------------------------------------- corpus


def folder_codec(folder: str) -> str | None:
    """'windows-1250-polish' -> 'cp1250', 'iso-8859-5-russian' -> 'iso8859-5', 'EUC-TW' -> None."""
    parts = folder.split("-")
    for end in range(len(parts), 0, -1):
        try:
            return codecs.lookup("-".join(parts[:end])).name
        except LookupError:
            continue
    return None


def feed_text(markup: str) -> str:
    """Visible text of a feed: tags stripped twice (descriptions hold escaped HTML)."""
    text = html.unescape(TAG.sub(" ", markup))
    text = html.unescape(TAG.sub(" ", text))
    lines = (SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def damage(text: str) -> str:
    """UTF-8 read as GBK (CJK text) or as cp1252 (everything else), the way scrapers store it."""
    data = text.encode("utf-8")
    if CJK.search(text[:2000]):
        return data.decode("gbk", "replace")
    return "".join(
        chr(byte) if byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([byte]).decode("cp1252")
        for byte in data
    )


def corpus_texts(data: Path) -> list[str]:
    truth = json.loads((data / "article-extraction-benchmark" / "ground-truth.json").read_text())
    texts = [entry["articleBody"] for _, entry in sorted(truth.items()) if entry.get("articleBody")]
    for folder in sorted((data / "chardet-corpus").iterdir()):
        codec = folder_codec(folder.name) if folder.is_dir() else None
        if not codec:
            continue
        for path in sorted(folder.iterdir()):
            try:
                text = feed_text(path.read_bytes().decode(codec).lstrip("\ufeff"))
            except (UnicodeDecodeError, ValueError):
                continue
            if len(text) >= 200:
                texts.append(text)
    return texts


def corpus_pages(data: Path) -> tuple[list[bytes], int]:
    """(clean pages followed by damaged copies, number of damaged copies)."""
    pages = [gzip.decompress(path.read_bytes())
             for path in sorted((data / "article-extraction-benchmark" / "html").glob("*.html.gz"))]
    damaged = [damage(page.decode("utf-8", "replace")).encode("utf-8")
               for page in pages[::DAMAGE_EVERY]]
    return pages + damaged, len(damaged)


def vary(text: str, copy: int) -> str:
    """The text with each line rotated at a word (or, in text without spaces, a character) picked
    by ``copy``: the same language, script and damage rate, other runs and windows."""
    if copy == 0:
        return text
    lines = []
    for number, line in enumerate(text.split("\n")):
        words = line.split(" ")
        parts = words if len(words) > 1 else list(line)
        if len(parts) > 1:
            cut = 1 + (copy * 7919 + number * 104729) % (len(parts) - 1)
            parts = parts[cut:] + parts[:cut]
        lines.append((" " if len(words) > 1 else "").join(parts))
    return "\n".join(lines)


def write_jsonl(path: Path, texts: list[str], copies: int = 1
                ) -> dict[str, tuple[Path, int, int]]:
    """Write the mixed corpus (``copies`` times over) to ``path`` and its clean and damaged records
    to files beside it; return {kind: (file, text bytes, records)} for "mixed", "clean" and
    "damaged"."""
    kinds = {kind: [path.with_name(f"{path.stem}-{kind}.jsonl"), 0, 0]
             for kind in ("clean", "damaged")}
    kinds["mixed"] = [path, 0, 0]
    with ExitStack() as stack:
        outs = {kind: stack.enter_context(entry[0].open("wb")) for kind, entry in kinds.items()}
        for number in range(len(texts) * copies):
            copy, index = divmod(number, len(texts))
            kind = "damaged" if index % DAMAGE_EVERY == 0 else "clean"
            text = vary(texts[index], copy)
            if kind == "damaged":
                text = damage(text)
            line = json.dumps({"id": number, "text": text}).encode("utf-8") + b"\n"
            for name in (kind, "mixed"):
                outs[name].write(line)
                kinds[name][1] += len(text.encode("utf-8", "surrogatepass"))
                kinds[name][2] += 1
    return {kind: (entry[0], entry[1], entry[2]) for kind, entry in kinds.items()}


def write_warc(path: Path, pages: Iterable[bytes]) -> tuple[int, int]:
    """Write pages as WARC response records; return (payload bytes, records)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    size = count = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        for number, page in enumerate(pages):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://example.com/page/{number}", "response", payload=io.BytesIO(page),
                http_headers=http))
            size += len(page)
            count += 1
    return size, count


# ---------------------------------------------------------------- contenders (run in a child)


def naive_text(data: bytes) -> str:
    import charset_normalizer
    import ftfy
    from bs4 import BeautifulSoup

    best = charset_normalizer.from_bytes(data).best()
    text = str(best) if best is not None else data.decode("utf-8", "replace")
    return BeautifulSoup(ftfy.fix_text(text), "lxml").get_text()


def trafilatura_text(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data) or ""


def run_contender(name: str, source: Path, sink: Path) -> None:
    """The naive and trafilatura contenders: same inputs, same JSONL output shape as fixenc."""
    function = {"naive": naive_text, "trafilatura": trafilatura_text}[name]
    with source.open("rb") as stream, sink.open("wb") as out:
        if source.suffix == ".jsonl":
            for line in stream:
                record = json.loads(line)
                record["text"] = function(record["text"].encode("utf-8", "surrogatepass"))
                out.write(json.dumps(record, ensure_ascii=False).encode("utf-8", "replace") + b"\n")
            return
        from warcio.archiveiterator import ArchiveIterator

        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                text = function(record.content_stream().read())
                url = record.rec_headers.get_header("WARC-Target-URI")
                out.write(json.dumps({"url": url, "text": text}, ensure_ascii=False)
                          .encode("utf-8", "replace") + b"\n")


# ---------------------------------------------------------------- measuring


def measure(command: list[str]) -> tuple[float, float, float, float]:
    """(wall seconds, CPU seconds of the process and its workers, largest single-process peak RSS
    MB, sampled process-tree peak RSS MB)."""
    import psutil

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))}
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal tree_peak
        try:
            parent = psutil.Process(child.pid)
            while not done.is_set():
                total = 0
                for process in [parent, *parent.children(recursive=True)]:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:
                        pass
                tree_peak = max(tree_peak, total)
                time.sleep(0.02)
        except psutil.Error:
            return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if child.returncode != 0:
        # A contender that failed (say, trafilatura without lxml_html_clean) must not be timed.
        sys.exit(f"error: {' '.join(command[-6:])} exited {child.returncode}: "
                 f"{errors.strip()[-300:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, tree_peak / 2**20


def fixenc_command(source: Path, sink: Path, jobs: int | None) -> list[str]:
    command = [sys.executable, "-m", "fixenc", str(source), "-o", str(sink)]
    if source.suffix == ".jsonl":
        command += ["--field", "text"]
    return command + (["--jobs", str(jobs)] if jobs else [])


def contender_command(name: str, source: Path, sink: Path) -> list[str]:
    return [sys.executable, __file__, "--contender", name, str(source), str(sink)]


def compare(work: Path, texts: dict[str, tuple[Path, int, int]], pages: Path, page_bytes: int,
            page_count: int, repeat: int, only: set[str], others: bool = True) -> None:
    workloads = [
        ("JSONL text, mixed", *texts["mixed"], (1, 2), ("naive",)),
        ("JSONL text, clean", *texts["clean"], (1, 2), ("naive",)),
        ("JSONL text, damaged", *texts["damaged"], (1,), ("naive",)),
        ("HTML pages (WARC)", pages, page_bytes, page_count, (1, 2), ("naive", "trafilatura")),
    ]
    workloads = [workload for workload in workloads
                 if workload[0].split()[-1].strip("()").lower() in only]
    rows = []
    paired = []
    for label, source, size, count, jobs, contenders in workloads:
        runs = [(f"fixenc --jobs {n}", fixenc_command(source, work / "out.jsonl", n)) for n in jobs]
        runs += [(name, contender_command(name, source, work / "out.jsonl"))
                 for name in contenders if others]
        # Rounds alternate the contenders (each round runs every one once), so a change of load
        # on a shared machine falls on all of them; the best round of each goes in the table.
        rounds = [[measure(command) for _, command in runs] for _ in range(repeat)]
        for index, (name, _) in enumerate(runs):
            best = min((measures[index] for measures in rounds), key=lambda m: m[0])
            rows.append((label, name, size, count, *best))
            if index:
                paired.append((label, name, [measures[0][0] / measures[index][0] for measures in rounds],
                               [measures[0][1] / measures[index][1] for measures in rounds]))
    print(f"\n| {'input':<19} | {'MB':>5} | {'records':>7} | {'contender':<15} | {'seconds':>7} | "
          f"{'CPU s':>6} | {'MB/s':>6} | {'pages/s':>7} | {'vs jobs 1':>9} | {'peak RSS':>8} | "
          f"{'tree RSS':>8} |")
    print(f"|{'-' * 21}|{'-' * 7}|{'-' * 9}|{'-' * 17}|{'-' * 9}|{'-' * 8}|{'-' * 8}|{'-' * 9}"
          f"|{'-' * 11}|{'-' * 10}|{'-' * 10}|")
    reference: dict[str, float] = {}
    for label, name, size, count, seconds, cpu, peak, tree in rows:
        reference.setdefault(label, seconds)
        print(f"| {label:<19} | {size / 1e6:5.1f} | {count:7,} | {name:<15} | {seconds:7.2f} | "
              f"{cpu:6.1f} | "
              f"{size / 1e6 / seconds:6.2f} | {count / seconds:7.1f} | "
              f"{reference[label] / seconds:8.2f}x | {peak:6.0f}MB | {tree:6.0f}MB |")
    print("\n'vs jobs 1' is fixenc --jobs 1's time divided by the contender's (>1: faster than "
          "fixenc --jobs 1).\nSeconds are whole subprocess wall time, start-up included; CPU s "
          "adds up the process and its pool workers (on a busy machine, jobs 2 can only be as "
          "fast as the free cores allow).")
    if repeat > 1 and paired:
        print(f"\nPaired by round ({repeat} rounds; fixenc --jobs 1's time divided by the "
              "contender's in the same round; the median and the range):\n")
        print("| input | contender | wall ratio | wall range | CPU ratio | CPU range |")
        print("|---|---|---:|---|---:|---|")
        for label, name, walls, cpus in paired:
            print(f"| {label} | {name} | {statistics.median(walls):.2f}x | "
                  f"{min(walls):.2f}-{max(walls):.2f} | {statistics.median(cpus):.2f}x | "
                  f"{min(cpus):.2f}-{max(cpus):.2f} |")
        print("\nThe CPU ratio of --jobs 2 counts both workers' CPU: it shows the pool's overhead, "
              "not its speed.")


def repeat_pages(pages: list[bytes], limit: float) -> Iterator[bytes]:
    written = 0
    for number in range(10**9):
        if written >= limit:
            return
        page = pages[number % len(pages)]
        written += len(page)
        yield page


def scale(work: Path, pages: list[bytes], sizes_mb: list[int]) -> None:
    """fixenc (all cores) on WARC files of each size, made by repeating the HTML pages."""
    print(f"\n| {'WARC':>9} | {'pages':>9} | {'seconds':>8} | {'MB/s':>6} | "
          f"{'peak RSS':>8} | {'tree RSS':>8} |")
    print(f"|{'-' * 11}|{'-' * 11}|{'-' * 10}|{'-' * 8}|{'-' * 10}|{'-' * 10}|")
    for size_mb in sizes_mb:
        source = work / f"scale-{size_mb}mb.warc"
        written, count = write_warc(source, repeat_pages(pages, size_mb * 1e6))
        try:
            seconds, _, peak, tree = measure(fixenc_command(source, Path(os.devnull), None))
        finally:
            source.unlink()
        print(f"| {written / 1e6:7.0f}MB | {count:9,} | {seconds:8.1f} | "
              f"{written / 1e6 / seconds:6.2f} | {peak:6.0f}MB | {tree:6.0f}MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=shared_data())
    parser.add_argument("--work", type=Path, default=Path("/tmp/fixenc-throughput"))
    parser.add_argument("--copies", type=int, default=1,
                        help="each workload's records this many times over (steady-state rate)")
    parser.add_argument("--scale", default="", help="comma-separated input sizes in MB, e.g. 10,1024")
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender; the fastest counts")
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--fixenc-only", action="store_true",
                        help="time fixenc --jobs 1 and 2 only, not the naive pipeline or trafilatura")
    parser.add_argument("--workloads", default="mixed,clean,damaged,warc",
                        help="which comparisons to run (comma-separated)")
    parser.add_argument("--contender", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        run_contender(args.contender, *args.paths)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    pages = args.work / "pages.warc"
    text_list = corpus_texts(args.data)
    page_list, damaged_pages = corpus_pages(args.data)
    texts = write_jsonl(args.work / "texts.jsonl", text_list, args.copies)
    page_bytes, page_count = write_warc(pages, chain.from_iterable([page_list] * args.copies))
    print(f"corpus: {len(text_list)} text records ({texts['mixed'][1] / args.copies / 1e6:.1f} MB "
          f"of text, every {DAMAGE_EVERY}th record damaged: "
          f"{texts['damaged'][1] / args.copies / 1e6:.1f} MB); {len(page_list)} HTML pages "
          f"({page_bytes / args.copies / 1e6:.1f} MB, {damaged_pages} of them damaged copies); "
          f"{args.copies} cop{'y' if args.copies == 1 else 'ies'} of each; {os.cpu_count()} cores")
    # An installed package has its bytecode compiled by pip; a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 (as on these machines) would compile fixenc's source in every
    # run while the contenders' installed packages load compiled: compile it once, as pip does.
    import compileall

    import fixenc

    compileall.compile_dir(Path(fixenc.__file__).parent, quiet=1)
    if not args.skip_compare:
        compare(args.work, texts, pages, page_bytes, page_count, args.repeat,
                set(args.workloads.split(",")), others=not args.fixenc_only)
    if args.scale:
        scale(args.work, page_list, [int(size) for size in args.scale.split(",")])
    shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
