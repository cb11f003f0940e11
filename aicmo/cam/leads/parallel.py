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


def default_workers(total_bytes: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cpus, 4) if cpus > 1 and total_bytes >= PARALLEL_FROM_BYTES else 0


def _start_worker() -> None:
    # Ctrl-C is the importing process's to handle; workers just stop when it shuts them down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # collected after each batch instead: see collection_per_batch


def _prepare_batch(context: PrepareContext, rows: list[RawRow]) -> PreparedRows:
    prepared = prepare_rows(context, rows)
    gc.collect(1)
    return prepared


@contextmanager
def collection_per_batch() -> Iterator[Callable[[], object]]:
    """Automatic garbage collection paused for an import, and a function to collect after each batch.

    Rows are dicts of strings that hold no reference cycles, so the collector's automatic passes over the
    thousands of them a batch keeps alive find nothing, and they cost a quarter of the writing process's
    time (profiled). Collecting the young generations after each batch still frees the cycles there are (a
    rejected row's exception and its traceback make one), at a cost that does not grow with the file.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield lambda: gc.collect(1)
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
