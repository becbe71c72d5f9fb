"""How fast `--jobs 2` can be against `--jobs 1` on the throughput inputs, whatever the machine's load.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/pool_ceiling.py [--work DIR] [--start-up 0.15] [--copies 1]

Wall times of two processes on a shared 2-core machine mostly measure the other users; CPU times
do not.  So this measures CPU only, each in a fresh process: the engine's warm-up (importing the
pipeline, loading the model, repairing a short text of a few scripts: what every process that
repairs pays once), then the cost of every record after it.  It then schedules the records' chunks
as ``batch.ordered_map`` does (same chunking and window, a worker takes the oldest queued chunk,
each worker pays the warm-up on its first chunk) and prints both runs' times and their ratio.
``--start-up`` is the interpreter's and the CLI's own start-up, paid by both runs.  The reading
process's work is left out (it runs beside the workers), so the ratio is a ceiling.
``--copies N`` builds the inputs as the throughput benchmark's ``--copies`` does (N times as long,
text records varied) and measures every record.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput  # the inputs are the throughput benchmark's

WARM_UP_TEXT = "Café naïve, Ελληνικά, русский, 中文?日本語のテキスト, 한국어."


def measure(path: Path) -> dict:
    """In this (fresh) process: the warm-up's CPU, then each record's CPU and size."""
    from functools import partial

    from fixenc import streams

    start = time.process_time()
    from fixenc import langmodel, pipeline

    langmodel.load()
    pipeline.repair_text(WARM_UP_TEXT, extract="text")
    pipeline.repair_text(f"<p>{WARM_UP_TEXT}</p>")
    warm_up = time.process_time() - start
    warc = path.suffix == ".warc"
    settings = streams.StreamSettings(fields=() if warc else ("text",))
    repair = partial(streams.repair_warc_page if warc else streams.repair_jsonl_line,
                     settings=settings)
    with path.open("rb") as stream:
        items = list(streams.read_warc_pages(stream) if warc else streams.read_jsonl_lines(stream))
    records = []
    for item in items:
        start = time.process_time()
        repair(item)
        records.append((time.process_time() - start, streams._item_size(item)))
    return {"warm_up": warm_up, "records": records}


def chunk_costs(records: list[tuple[float, int]]) -> list[float]:
    from fixenc.batch import CHUNK_BYTES, CHUNK_ITEMS, _chunked

    return [sum(cost for cost, _ in chunk)
            for chunk in _chunked(records, CHUNK_ITEMS, CHUNK_BYTES, lambda record: record[1])]


def pool_time(costs: list[float], warm_up: float, jobs: int = 2) -> float:
    """When the last chunk finishes, with the pool's window (see batch._executor_map)."""
    from fixenc.batch import HELD_PER_WORKER, IN_FLIGHT_PER_WORKER

    free = [0.0] * jobs
    warmed = [False] * jobs
    finish: list[float] = []
    now = 0.0
    handed_back = 0
    for cost in costs:
        while True:
            while handed_back < len(finish) and finish[handed_back] <= now:
                handed_back += 1
            pending = finish[handed_back:]
            running = [end for end in pending if end > now]
            if (len(pending) < jobs * (IN_FLIGHT_PER_WORKER + HELD_PER_WORKER)
                    and len(running) < jobs * IN_FLIGHT_PER_WORKER):
                break
            now = finish[handed_back] if len(pending) >= jobs * (
                IN_FLIGHT_PER_WORKER + HELD_PER_WORKER) else min(running)
        worker = min(range(jobs), key=free.__getitem__)
        start = max(free[worker], now)
        free[worker] = start + cost + (0.0 if warmed[worker] else warm_up)
        warmed[worker] = True
        finish.append(free[worker])
    return max(finish)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/fixenc-pool-ceiling"))
    parser.add_argument("--start-up", type=float, default=0.15,
                        help="seconds of interpreter and CLI start-up, paid by both runs")
    parser.add_argument("--copies", type=int, default=1,
                        help="each input's records this many times over (see throughput.py)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    data = throughput.shared_data()
    texts = throughput.write_jsonl(args.work / "texts.jsonl", throughput.corpus_texts(data),
                                   args.copies)
    pages, _ = throughput.corpus_pages(data)
    throughput.write_warc(args.work / "pages.warc", pages * args.copies)
    inputs = [("JSONL text, mixed", texts["mixed"][0]), ("JSONL text, clean", texts["clean"][0]),
              ("HTML pages (WARC)", args.work / "pages.warc")]
    print(f"| {'input':<19} | copies | warm-up | records | jobs 1 | jobs 2 | ceiling |")
    print(f"|{'-' * 21}|--------|---------|---------|--------|--------|---------|")
    for label, path in inputs:
        out = subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True,
                             capture_output=True, text=True)
        measured = json.loads(out.stdout)
        costs = chunk_costs([tuple(record) for record in measured["records"]])
        warm_up = measured["warm_up"]
        one = args.start_up + warm_up + sum(costs)
        two = args.start_up + pool_time(costs, warm_up)
        print(f"| {label:<19} | {args.copies:6} | {warm_up:6.2f}s | {sum(costs):6.2f}s | "
              f"{one:5.2f}s | {two:5.2f}s "
              f"| {one / two:6.2f}x |")


if __name__ == "__main__":
    main()
