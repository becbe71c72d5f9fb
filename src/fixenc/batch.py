"""Ordered parallel map: one function over many work items, on every core or on a Dask cluster.

Why a module of its own: the CLI, the record streams (streams.py) and the benchmarks all need the
same promise — results come back in input order and are identical whatever the backend — and the
same limit — memory stays bounded however long the input is.  Items are grouped into chunks (by
count and by size) so that inter-process traffic stays small relative to the work; at most
``IN_FLIGHT_PER_WORKER`` chunks per worker are queued or running at once, and the reader is only
asked for more when a chunk has finished; finished chunks wait (at most ``HELD_PER_WORKER`` per
worker) until every earlier one is handed back.  So the items held in memory at any moment are
at most ``jobs * (IN_FLIGHT_PER_WORKER + HELD_PER_WORKER) + 1`` chunks, whatever the input size.

Backends:
- ``jobs == 1``: a plain loop in this process (no pickling; what the others must equal).
- ``jobs > 1``: a ``concurrent.futures.ProcessPoolExecutor`` of ``jobs`` processes.
- ``scheduler="tcp://host:8786"``: a ``distributed.Client`` on that Dask scheduler; each chunk is
  one task.  Workers must be able to import fixenc (install it there, see docs/scale.md).

``function`` must be picklable (a module-level function, or a ``functools.partial`` of one) and
should not raise for bad input: return the failure as a value, so one bad record cannot stop a
batch.  An exception that escapes anyway is re-raised here, in order.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor, ProcessPoolExecutor

from .errors import FixencError

T = TypeVar("T")
R = TypeVar("R")

CHUNK_ITEMS = 64
"""Items per chunk: enough to amortise a task's pickling and scheduling (~0.1-1 ms locally,
more on a cluster) over pages that take ~5-30 ms each."""

CHUNK_BYTES = 256 << 10
"""A chunk is closed once its items reach this many bytes, so big pages make small chunks and
one slow (damaged) stretch of input is spread over several workers."""

IN_FLIGHT_PER_WORKER = 4
"""Chunks queued or running per worker: enough that a worker finding its chunk done never
waits for this process to hand it the next one."""

HELD_PER_WORKER = 4
"""Finished chunks per worker that may wait for an earlier, slower one (output is in order).
Why: a chunk of lossy pages can take seconds; without room to hold what the other workers
finish meanwhile they ran out of work and waited for it.  Simulated with the per-record costs
of the throughput benchmark's mixed corpus (``benchmarks/pool_ceiling.py``'s schedule), 2 jobs
against one, on the corpus once / its costs 4 and 8 times over (a crawl's steady state): none
held 1.82x / 1.86x / 1.86x, 2 held 1.89x / 1.93x / 1.94x, 3 held 1.89x / 1.95x / 1.95x,
4 held 1.89x / 1.97x / 1.99x (what start-up leaves: 1.95x / 1.99x / 1.99x), 6 held as 4.
Memory: at most jobs * 8 chunks of CHUNK_BYTES (4 MiB with 2 jobs)."""


CONNECT_TIMEOUT = "30s"
"""How long to wait for a Dask scheduler before giving up with a one-line error."""


class BatchError(FixencError):
    """The parallel backend itself failed (a worker process died, the scheduler went away)."""


def default_jobs() -> int:
    """The cores this process may run on (respects CPU affinity and container limits)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class WorkerPool:
    """Worker processes kept for a whole command: started on first use, shared by every input.

    Why: with a pool per input, a run over many files (a crawl in shards) started new workers
    for each file, and each paid the engine's warm-up again (~0.25-0.35 s of CPU per worker).
    """

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or default_jobs()
        self._executor: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = _new_process_pool(self.jobs)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            # cancel_futures: on an early stop (error, closed pipe) queued chunks are dropped.
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def ordered_map(function: Callable[[T], R], items: Iterable[T], *, jobs: int | None = None,
                scheduler: str | None = None, pool: WorkerPool | None = None,
                chunk_items: int = CHUNK_ITEMS, chunk_bytes: int = CHUNK_BYTES,
                sizeof: Callable[[T], int] | None = None) -> Iterator[R]:
    """Yield ``function(item)`` for every item, in input order.

    ``jobs`` processes (default: every core) run the chunks, or the processes of ``pool`` (kept
    for later calls), or the Dask cluster at ``scheduler`` when it is given.  ``sizeof(item)``
    (default: ``len`` for bytes/str, else 0) counts towards ``chunk_bytes``.  Results are
    identical for every backend and every ``jobs``.

    Nothing is loaded here for the workers: each loads what its items need, as a one-process
    run does, while this process only reads items and hands them out.  Why: on 2 cores what this
    process does meanwhile is the serial share of the run; loading the repair engine (~0.6 s of
    CPU) here before forking kept both workers waiting for it.
    """
    chunks = _chunked(items, chunk_items, chunk_bytes, sizeof or _default_sizeof)
    if scheduler:
        yield from _dask_map(function, chunks, scheduler)
        return
    jobs = pool.jobs if pool else jobs or default_jobs()
    if jobs <= 1:
        for chunk in chunks:
            yield from _apply_chunk(function, chunk)
        return
    if pool:
        yield from _executor_map(pool.executor(), function, chunks, jobs)
        return
    own = WorkerPool(jobs)
    try:
        yield from _executor_map(own.executor(), function, chunks, jobs)
    finally:
        own.close()


def _apply_chunk(function: Callable[[T], R], chunk: list[T]) -> list[R]:
    """The task every backend runs: one chunk, results in order."""
    return [function(item) for item in chunk]


def _default_sizeof(item: Any) -> int:
    return len(item) if isinstance(item, (bytes, bytearray, str)) else 0


def _chunked(items: Iterable[T], chunk_items: int, chunk_bytes: int,
             sizeof: Callable[[T], int]) -> Iterator[list[T]]:
    chunk: list[T] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += sizeof(item)
        if len(chunk) >= chunk_items or size >= chunk_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _new_process_pool(jobs: int) -> ProcessPoolExecutor:
    # Imported here: a --jobs 1 run never needs them (~25 ms of its start-up).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork where the platform has it and this process has no other thread (forking a threaded
    # process can deadlock the child): workers start in milliseconds with the modules this
    # process has (the readers, not the repair engine).
    forking = (sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()
               and threading.active_count() == 1)
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("fork") if forking else None)


def _executor_map(pool: Executor, function: Callable[[T], R], chunks: Iterator[list[T]],
                  jobs: int) -> Iterator[R]:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending: deque = deque()  # in input order: running, queued, or finished and held
    try:
        for chunk in chunks:
            pending.append(pool.submit(_apply_chunk, function, chunk))
            while pending and pending[0].done():
                yield from pending.popleft().result()
            if len(pending) >= jobs * (IN_FLIGHT_PER_WORKER + HELD_PER_WORKER):
                yield from pending.popleft().result()
                continue
            running = [future for future in pending if not future.done()]
            if len(running) >= jobs * IN_FLIGHT_PER_WORKER:
                wait(running, return_when=FIRST_COMPLETED)
        while pending:
            yield from pending.popleft().result()
    except BrokenProcessPool as error:
        raise BatchError(f"a worker process died ({error})") from None
    finally:
        # Stopped early (an error, a closed pipe): a kept pool must not run this input's rest.
        for future in pending:
            future.cancel()


def _dask_map(function: Callable[[T], R], chunks: Iterator[list[T]],
              scheduler: str) -> Iterator[R]:
    try:
        from distributed import Client
    except ImportError:
        raise BatchError("--dask-scheduler needs Dask: pip install 'fixenc[dask]'") from None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except OSError as error:
        raise BatchError(f"cannot reach the Dask scheduler at {scheduler} ({error})") from None
    with client:
        workers = max(1, sum(client.nthreads().values()))
        pending: deque = deque()
        try:
            # pure=False: identical chunks (repeated records) are still two tasks, two results.
            for chunk in chunks:
                pending.append(client.submit(_apply_chunk, function, chunk, pure=False))
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except (OSError, RuntimeError, TimeoutError, ImportError) as error:
            # Tasks never raise for bad input, so this is the cluster: a lost worker, or a
            # scheduler or worker that cannot import fixenc (install it there too).
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise BatchError(f"the Dask cluster failed: {type(error).__name__}: {first_line}"
                             ) from None
