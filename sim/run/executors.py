"""Executors behind one interface: run tasks, yield results as they finish.

    with make_executor(workers=2) as ex:
        for result in ex.imap_unordered(fn, tasks):
            ...

``SerialExecutor`` runs in-process (the default, no set-up), ``ProcessExecutor``
uses a local process pool, ``DaskExecutor`` a Dask distributed cluster: an
existing one (``scheduler`` address) or a local one it starts. Results are the
same whichever runs them, because each task carries its own seed. At most a few
tasks per worker are in flight, so memory stays bounded however many tasks
there are.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from itertools import islice
from typing import Any

IN_FLIGHT_PER_WORKER = 2


class SerialExecutor:
    """Runs each task in this process, in order."""

    name = "serial"

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc) -> bool:
        return False

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[Any]:
        for task in tasks:
            yield fn(task)


class ProcessExecutor:
    """A local process pool (forkserver: no fork of a threaded parent)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.name = f"{workers} processes"
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessExecutor:
        self.pool = ProcessPoolExecutor(self.workers,
                                        mp_context=multiprocessing.get_context("forkserver"),
                                        initializer=_ignore_interrupts)
        return self

    def __exit__(self, kind, *exc) -> bool:
        if kind is None:
            self.pool.shutdown(wait=True)
            return False
        # Interrupted or failed: stop at once; the store keeps what finished.
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
        return False

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[Any]:
        pending = iter(tasks)
        running = {self.pool.submit(fn, t)
                   for t in islice(pending, self.workers * IN_FLIGHT_PER_WORKER)}
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
                running |= {self.pool.submit(fn, t) for t in islice(pending, 1)}


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the coordinator, which stops them cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class DaskExecutor:
    """Dask distributed: connect to ``scheduler``, or start a local cluster of ``workers``."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        self.scheduler, self.workers = scheduler, workers
        self.name = f"dask {scheduler}" if scheduler else f"dask local cluster of {workers}"
        self.client = self.cluster = None

    def __enter__(self) -> DaskExecutor:
        from dask.distributed import Client, LocalCluster
        if self.scheduler:
            self.client = Client(self.scheduler, timeout="10s")
        else:
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        host="127.0.0.1")
            self.client = Client(self.cluster)
        return self

    def __exit__(self, *exc) -> bool:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        return False

    def imap_unordered(self, fn: Callable, tasks: Iterable) -> Iterator[Any]:
        from dask.distributed import as_completed
        pending = iter(tasks)
        capacity = max(1, len(self.client.nthreads())) * IN_FLIGHT_PER_WORKER
        queue = as_completed([self.client.submit(fn, t, pure=False)
                              for t in islice(pending, capacity)])
        for future in queue:
            result = future.result()
            future.release()
            for t in islice(pending, 1):
                queue.add(self.client.submit(fn, t, pure=False))
            yield result


def executor_failures() -> tuple[type[BaseException], ...]:
    """Failures of the machinery rather than of a chunk: a worker process died, or a Dask
    worker was lost more often than Dask retries."""
    from concurrent.futures.process import BrokenProcessPool
    failures: tuple[type[BaseException], ...] = (BrokenProcessPool,)
    try:
        from distributed.scheduler import KilledWorker
        failures += (KilledWorker,)
    except ImportError:
        pass
    return failures


def make_executor(workers: int | None = None, scheduler: str | None = None,
                  dask_local: int | None = None):
    """The executor the command line asked for (serial when nothing was)."""
    if scheduler:
        return DaskExecutor(scheduler=scheduler)
    if dask_local:
        return DaskExecutor(workers=dask_local)
    if workers and workers > 1:
        return ProcessExecutor(workers)
    return SerialExecutor()
