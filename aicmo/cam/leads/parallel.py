"""Prepare import batches in worker processes while the importing process resolves and writes earlier ones.

Batches come back in file order, so the result is the same as preparing them in-process; only normalising
and grading move out, never a database write.
"""

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from aicmo.cam.leads.prepare import PrepareContext, PreparedRows, prepare_rows
from aicmo.cam.leads.readers import RawRow

PreparedBatch = tuple[PrepareContext, PreparedRows]
# Below this a file is done before worker processes would have started.
PARALLEL_FROM_BYTES = 4_000_000
# A collection passes over every object the batches in flight hold (about 30 ms for 5,000 rows): done rarely.
COLLECT_EVERY_ROWS = 100_000


def default_workers(total_bytes: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cpus, 4) if cpus > 1 and total_bytes >= PARALLEL_FROM_BYTES else 0


def _start_worker() -> None:
    # Ctrl-C is the importing process's to handle; workers just stop when it shuts them down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # see collection_paused


class Collector:
    """Collects the young generations once every COLLECT_EVERY_ROWS rows handled."""

    def __init__(self) -> None:
        self.rows = 0

    def __call__(self, rows: int) -> None:
        self.rows += rows
        if self.rows >= COLLECT_EVERY_ROWS:
            self.rows = 0
            gc.collect(1)


_worker_collector = Collector()


def _prepare_batch(context: PrepareContext, rows: list[RawRow]) -> PreparedRows:
    prepared = prepare_rows(context, rows)
    _worker_collector(len(rows))
    return prepared


@contextmanager
def collection_paused() -> Iterator[Collector]:
    """Automatic garbage collection paused for an import; the collector it gives is called after each batch.

    Rows are dicts of strings that hold no reference cycles, so the collector's automatic passes over the
    thousands of them a batch keeps alive find nothing, and they cost a quarter of the writing process's
    time (profiled). The cycles there are (a rejected row's exception and its traceback make one; a 50,000-row
    import left 2,667 unreachable objects in the writing process) are collected every so many rows, so memory
    stays bounded at a cost that does not grow with the file.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield Collector()
    finally:
        if enabled:
            gc.enable()


def _in_process(batches: Iterable[list[RawRow]],
                context: Callable[[], PrepareContext]) -> Iterator[PreparedBatch]:
    for rows in batches:
        current = context()
        yield current, prepare_rows(current, rows)


def _pooled(pool: ProcessPoolExecutor, batches: Iterable[list[RawRow]], context: Callable[[], PrepareContext],
            ahead: int) -> Iterator[PreparedBatch]:
    pending: deque[tuple[PrepareContext, Future[PreparedRows]]] = deque()
    source = iter(batches)
    for rows in source:
        current = context()
        pending.append((current, pool.submit(_prepare_batch, current, rows)))
        if len(pending) > ahead:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


@contextmanager
def prepared_batches(batches: Iterable[list[RawRow]], context: Callable[[], PrepareContext],
                     workers: int) -> Iterator[Iterator[PreparedBatch]]:
    if workers <= 0:
        yield _in_process(batches, context)
        return
    # fork: a worker starts in milliseconds and never re-imports the caller's main module.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker)
    try:
        yield _pooled(pool, batches, context, ahead=workers + 1)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
