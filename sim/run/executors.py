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
import os
import select
import signal
import socket
import struct
import threading
import time
from urllib.parse import urlsplit
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

IN_FLIGHT_PER_WORKER = 2
#: Seconds to wait for a Dask scheduler to answer (``--connect-timeout``).
DEFAULT_CONNECT_TIMEOUT = 10.0


class ExecutorUnavailable(Exception):
    """The executor asked for cannot be used (a bad or unreachable scheduler address)."""


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
                                        initializer=_worker_init, initargs=(os.getpid(),))
        return self

    def __exit__(self, kind, *exc) -> bool:
        pool, self.pool = self.pool, None     # a second exit does nothing
        if pool is None:
            return False
        if kind is None:
            pool.shutdown(wait=True)
            return False
        # Interrupted or failed: stop at once; the store keeps what finished.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
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


def _worker_init(coordinator: int) -> None:
    """Workers leave Ctrl-C to the coordinator, which stops them cleanly, and die with it.

    A worker's parent is the forkserver, not the coordinator, and nothing tells a pool
    worker that the coordinator was killed (SIGKILL runs no clean-up): it would wait
    for work for ever, and keep the forkserver and the resource tracker alive. So a
    thread watches the coordinator (a pidfd, readable once it has exited; polling its
    pid where pidfds are missing) and ends the worker at once when it is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(coordinator,), daemon=True,
                     name="watch-coordinator").start()


def _watch(coordinator: int) -> None:
    try:
        fd = os.pidfd_open(coordinator)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])   # readable when the coordinator has exited
        os._exit(1)
    while True:                        # fallback: poll
        time.sleep(0.5)
        try:
            os.kill(coordinator, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass


def parse_address(address: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a scheduler address, ``tcp://HOST:PORT`` or ``tls://...``
    (a bare HOST:PORT means tcp); raise ExecutorUnavailable if malformed."""
    text = address.strip()
    expected = "expected tcp://HOST:PORT (or tls://HOST:PORT)"
    if "://" not in text:
        text = "tcp://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ExecutorUnavailable(f"malformed address {address!r} ({exc}); {expected}"
                                  ) from None
    if parts.scheme not in ("tcp", "tls"):
        raise ExecutorUnavailable(f"unsupported scheme {parts.scheme!r} in {address!r}; "
                                  f"{expected}")
    if not parts.hostname or port is None or parts.path not in ("", "/") or \
            parts.query or parts.fragment or parts.username or port == 0:
        raise ExecutorUnavailable(f"malformed address {address!r}; {expected}")
    return parts.scheme, parts.hostname, port


def probe_scheduler(address: str, timeout: float) -> None:
    """Check, within ``timeout`` seconds, that a Dask scheduler answers at ``address``.

    A Dask server writes its handshake (an 8-byte length, then a small msgpack frame
    naming its pickle protocol and compression) as soon as a connection is accepted;
    a web server or anything else says nothing or something else. Without this, a
    non-Dask target can hang the client or make it try to allocate exabytes.
    """
    scheme, host, port = parse_address(address)
    if scheme != "tcp":
        return                      # TLS: left to the client (with its timeout)
    deadline = time.monotonic() + timeout
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            header = _recv_exactly(sock, 8, deadline)
            (length,) = struct.unpack("<Q", header)
            if not 0 < length <= 1 << 16:
                raise ExecutorUnavailable(f"{where} is not a Dask scheduler (it answered "
                                          "with something else)")
            body = _recv_exactly(sock, length, deadline)
    except ExecutorUnavailable:
        raise
    except TimeoutError:
        raise ExecutorUnavailable(f"no Dask scheduler answered at {where} within "
                                  f"{timeout:g} s (--connect-timeout)") from None
    except socket.gaierror as exc:
        raise ExecutorUnavailable(f"cannot resolve {host!r} ({exc.strerror})") from None
    except ConnectionRefusedError:
        raise ExecutorUnavailable(f"nothing is listening at {where} (connection refused)"
                                  ) from None
    except (ConnectionError, EOFError):
        raise ExecutorUnavailable(f"{where} closed the connection without a Dask greeting; "
                                  "no Dask scheduler is reachable there") from None
    except OSError as exc:
        raise ExecutorUnavailable(f"cannot connect to {where} "
                                  f"({exc.strerror or exc})") from None
    if b"pickle-protocol" not in body and b"compression" not in body:
        raise ExecutorUnavailable(f"{where} is not a Dask scheduler (its greeting is not "
                                  "Dask's)")


def _recv_exactly(sock: socket.socket, n: int, deadline: float) -> bytes:
    data = b""
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock.settimeout(left)
        part = sock.recv(n - len(data))
        if not part:
            raise EOFError
        data += part
    return data


class DaskExecutor:
    """Dask distributed: connect to ``scheduler``, or start a local cluster of ``workers``."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT):
        self.scheduler, self.workers = scheduler, workers
        self.connect_timeout = connect_timeout
        self.name = f"dask {scheduler}" if scheduler else f"dask local cluster of {workers}"
        self.client = self.cluster = None

    def __enter__(self) -> DaskExecutor:
        from dask.distributed import Client, LocalCluster
        if self.scheduler:
            probe_scheduler(self.scheduler, self.connect_timeout)
            try:
                self.client = Client(self.scheduler, timeout=f"{self.connect_timeout}s")
            except (OSError, ValueError, TypeError, MemoryError) as exc:
                raise ExecutorUnavailable(f"cannot connect to the Dask scheduler at "
                                          f"{self.scheduler} ({type(exc).__name__}: "
                                          f"{str(exc).splitlines()[0] if str(exc) else ''})"
                                          ) from None
            try:    # a scheduler without workers would take the tasks and never run them
                self.client.wait_for_workers(1, timeout=self.connect_timeout)
            except (TimeoutError, OSError) as exc:
                self.client.close()
                self.client = None
                raise ExecutorUnavailable(f"the Dask scheduler at {self.scheduler} has no "
                                          f"workers (waited {self.connect_timeout:g} s, "
                                          "--connect-timeout)") from exc
        else:
            try:
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            host="127.0.0.1")
                self.client = Client(self.cluster)
            except (OSError, RuntimeError, TimeoutError, ValueError) as exc:
                self.__exit__(type(exc), exc, None)
                raise ExecutorUnavailable(f"cannot start a local Dask cluster "
                                          f"({type(exc).__name__}: {exc})") from None
        return self

    def __exit__(self, *exc) -> bool:
        client, cluster, self.client, self.cluster = self.client, self.cluster, None, None
        if client is not None:      # a second exit does nothing
            client.close()
        if cluster is not None:
            cluster.close()
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
    failures: tuple[type[BaseException], ...] = (BrokenProcessPool,)
    try:
        from distributed.scheduler import KilledWorker
        failures += (KilledWorker,)
    except ImportError:
        pass
    return failures


def make_executor(workers: int | None = None, scheduler: str | None = None,
                  dask_local: int | None = None,
                  connect_timeout: float = DEFAULT_CONNECT_TIMEOUT):
    """The executor the command line asked for (serial when nothing was)."""
    if scheduler:
        return DaskExecutor(scheduler=scheduler, connect_timeout=connect_timeout)
    if dask_local:
        return DaskExecutor(workers=dask_local)
    if workers and workers > 1:
        return ProcessExecutor(workers)
    return SerialExecutor()
