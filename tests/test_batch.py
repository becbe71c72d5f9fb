"""The ordered parallel map: same results, same order, whatever runs it."""

from __future__ import annotations

import io
import json
import os
import time
from functools import partial
from pathlib import Path

import pytest
from conftest import REPO

from fixenc.batch import (
    HELD_PER_WORKER,
    IN_FLIGHT_PER_WORKER,
    BatchError,
    WorkerPool,
    default_jobs,
    ordered_map,
)
from fixenc.files import Settings, collect_tasks, run_all
from fixenc.streams import StreamSettings, process_stream

DAMAGED = "Café crème, naïve façade: déjà vu à Noël.".encode().decode("cp1252")


def square_plus(value: int, offset: int = 0) -> int:
    return value * value + offset


def test_default_jobs_is_every_core_we_may_use():
    assert 1 <= default_jobs() <= (os.cpu_count() or 1)


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_back_in_input_order(jobs):
    items = range(1000)
    expected = [square_plus(i, 5) for i in items]
    assert list(ordered_map(partial(square_plus, offset=5), items, jobs=jobs, chunk_items=7)) \
        == expected


def test_chunks_close_on_size_as_well_as_count():
    from fixenc.batch import _chunked

    items = [b"x" * 600, b"y" * 600, b"z", b"w"]
    chunks = list(_chunked(iter(items), 64, 1000, len))
    assert chunks == [[b"x" * 600, b"y" * 600], [b"z", b"w"]]


def test_the_reader_is_not_drained_ahead_of_the_workers():
    """Bounded memory: with 2 jobs at most 2 * (IN_FLIGHT + HELD) chunks wait."""
    consumed = 0

    def items():
        nonlocal consumed
        for i in range(10_000):
            consumed += 1
            yield i

    results = ordered_map(square_plus, items(), jobs=2, chunk_items=10)
    assert next(results) == 0
    assert consumed <= 10 * (2 * (IN_FLIGHT_PER_WORKER + HELD_PER_WORKER) + 1)
    results.close()


def process_id(_item: int) -> int:
    return os.getpid()


def test_a_kept_pool_runs_every_call_on_the_same_worker_processes():
    """Why it is kept: each worker loads the engine once for a whole command of many inputs."""
    pool = WorkerPool(2)
    try:
        first = set(ordered_map(process_id, range(40), pool=pool, chunk_items=1))
        second = set(ordered_map(process_id, range(40), pool=pool, chunk_items=1))
        assert list(ordered_map(square_plus, range(100), pool=pool, chunk_items=3)) == \
            [square_plus(i) for i in range(100)]
    finally:
        pool.close()
    assert os.getpid() not in first
    assert len(first | second) <= 2


def mark_done(item: int, folder: str) -> int:
    time.sleep(0.02)  # a page's worth of work, so that chunks queue up behind the workers
    Path(folder, f"{item}").touch()
    return item


def test_a_call_stopped_early_leaves_none_of_its_queued_chunks_to_a_kept_pool(
        tmp_path: Path, monkeypatch):
    """An input that fails half-way (its output cannot be written) must not keep the next
    input's chunks waiting behind its own: its queued chunks are cancelled, not run."""
    monkeypatch.setattr("fixenc.batch.IN_FLIGHT_PER_WORKER", 20)  # 40 chunks queued at once
    pool = WorkerPool(2)
    try:
        results = ordered_map(partial(mark_done, folder=str(tmp_path)), range(1000), pool=pool,
                              chunk_items=1)
        assert next(results) == 0
        results.close()
        assert list(ordered_map(square_plus, range(5), pool=pool)) == [0, 1, 4, 9, 16]
        # Done: what had started or was already handed to a worker (a few chunks), not all 40.
        assert len(list(tmp_path.iterdir())) < 20
    finally:
        pool.close()


def square_once_released(value: int, release: str) -> int | str:
    """Item 0 waits until the file ``release`` exists (at most a minute), like a slow page."""
    if value == 0:
        deadline = time.monotonic() + 60
        while not os.path.exists(release) and time.monotonic() < deadline:
            time.sleep(0.01)
        return "released" if os.path.exists(release) else "never released"
    return value * value


def test_a_slow_chunk_does_not_stop_the_others(tmp_path: Path):
    """While the first chunk runs, the other worker keeps taking chunks beyond the in-flight
    window: their results are held until the first is handed back, in order."""
    release = tmp_path / "release"
    beyond_window = 2 * IN_FLIGHT_PER_WORKER + 2

    def items():
        for value in range(40):
            if value == beyond_window:
                release.touch()
            yield value

    results = list(ordered_map(partial(square_once_released, release=str(release)), items(),
                               jobs=2, chunk_items=1))
    assert results == ["released"] + [value * value for value in range(1, 40)]


def test_an_unreachable_scheduler_is_a_one_line_error(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("fixenc.batch.CONNECT_TIMEOUT", "1s")
    with pytest.raises(BatchError, match="cannot reach the Dask scheduler"):
        list(ordered_map(square_plus, range(3), scheduler="tcp://127.0.0.1:1"))


def jsonl_corpus() -> bytes:
    records = [{"id": i, "text": DAMAGED if i % 5 == 0 else f"Clean line {i}, ça va."}
               for i in range(200)]
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


@pytest.mark.slow
def test_a_dask_local_cluster_gives_exactly_the_local_result(monkeypatch, tmp_path):
    distributed = pytest.importorskip("distributed")
    # fixenc is not installed in site-packages here: the workers import it from src/.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")])))
    settings = StreamSettings(annotate=True)
    local = io.BytesIO()
    process_stream(io.BytesIO(jsonl_corpus()), "jsonl", local, settings, jobs=1)
    # Single files too: tasks that workers read from the (shared) file system.
    monkeypatch.chdir(tmp_path)
    for number in range(3):
        Path(f"page{number}.txt").write_text(f"{DAMAGED} {number}\n", encoding="utf-8")
    tasks = collect_tasks([f"page{number}.txt" for number in range(3)])
    file_settings = Settings(output_format="json")
    local_files = list(run_all(tasks, file_settings, jobs=1))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = io.BytesIO()
        report = process_stream(io.BytesIO(jsonl_corpus()), "jsonl", remote, settings,
                                scheduler=cluster.scheduler_address)
        remote_files = list(run_all(tasks, file_settings, scheduler=cluster.scheduler_address))
        with distributed.Client(cluster) as client:
            # Both workers really took part (the work did not silently run in this process).
            assert len(client.scheduler_info()["workers"]) == 2
    assert remote.getvalue() == local.getvalue()
    assert report.records == 200 and report.changed == 40
    assert remote_files == local_files
    assert [outcome.status for outcome in remote_files] == ["repaired"] * 3
