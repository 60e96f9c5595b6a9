"""A small pool of query workers, and the response bodies they feed.

Endpoint and catalog queries on a data directory run in worker processes
(:mod:`server.query_worker`), at most ``KG_QUERY_WORKERS`` at a time. A request
hands its query to an idle worker and waits, at most ``KG_QUERY_TIMEOUT``
seconds, for the result's head (its kind, and whether it is cut at the row
limit); then the worker streams the serialised result, which must arrive
within ``KG_QUERY_TIMEOUT`` of the first chunk being asked for. A worker that
misses either deadline, or whose client goes away mid-stream, is killed
(SIGKILL), which really stops its query, and a fresh one is started in its
place. Other requests go on in the other workers meanwhile.

Workers are separate programs started with ``subprocess`` and spoken to over
a :func:`multiprocessing.Pipe`, not forked from the server: the server runs
many threads, and a fork copies their locks in whatever state they are.

A store handed to :func:`server.create_app` (in memory, or written to by the
app) cannot be opened by another process, so its queries run in the same
worker code on threads of the server (:class:`WorkerThread`), with the same
protocol and limits, except that a thread cannot be killed: a query past the
limit is answered at once, and its thread ends when the engine next hands
it a row, keeping its slot until then.
"""
from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from server import query_worker
from server.execution import QueryTimeout, timeout_message
from server.formats import Format
from server.streaming import StreamAborted, error_trailer

log = logging.getLogger(__name__)

#: Workers kept started and idle, so that a query rarely waits for one to start.
WARM = 2
#: Seconds to wait for a killed worker to be reaped.
REAP_TIMEOUT = 5.0
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
#: `threading.stack_size` is process-wide: one thread at a time changes it.
_STACK_SIZE_LOCK = threading.Lock()


class WorkerFailed(StoreError):
    """A worker process ended without answering (killed from outside, or crashed)."""


class Worker(Protocol):
    """What the pool needs of a worker, process or thread."""

    conn: Connection

    @property
    def pid(self) -> int: ...

    def alive(self) -> bool: ...

    def send(self, job: dict) -> None: ...

    def receive(self, deadline: float) -> tuple | None: ...

    def kill(self) -> None: ...

    def wait(self) -> None: ...


def _receive(conn: Connection, deadline: float) -> tuple | None:
    """The next answer on `conn`, or None if none came before `deadline`."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        if not conn.poll(min(remaining, 0.5)):
            continue
        message = conn.recv()
        if message[0] != "ready":
            return message


class WorkerProcess:
    """One worker process and the server's end of its pipe."""

    def __init__(self) -> None:
        ours, theirs = Pipe(duplex=True)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.query_worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL,
                # Terminal signals (Ctrl+C) go to the server, which ends its workers.
                start_new_session=True)
        finally:
            theirs.close()
        self.conn: Connection = ours

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, job: dict) -> None:
        self.conn.send(job)

    def receive(self, deadline: float) -> tuple | None:
        return _receive(self.conn, deadline)

    def wait(self) -> None:
        """Nothing to wait for: :meth:`kill` has reaped the process."""

    def kill(self) -> None:
        """SIGKILL the process and reap it, so that nothing of it is left."""
        try:
            self.process.kill()
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=REAP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.error("query worker %s did not end after SIGKILL", self.pid)
        self.conn.close()


class WorkerThread:
    """The worker code on a thread of the server, for a store given to the app."""

    def __init__(self, store: ox.Store) -> None:
        ours, theirs = Pipe(duplex=True)
        self.conn: Connection = ours
        self._cancelled = threading.Event()

        def serve() -> None:
            try:
                query_worker.Worker(theirs, store, self._cancelled).serve()
            finally:
                theirs.close()

        self._thread = threading.Thread(target=serve, name="kg-query", daemon=True)
        # The engine needs the same deep stack here as in a worker process
        # (see query_worker.QUERY_STACK_SIZE): an overflow would end the server.
        with _STACK_SIZE_LOCK:
            previous = threading.stack_size(query_worker.QUERY_STACK_SIZE)
            try:
                self._thread.start()
            finally:
                threading.stack_size(previous)

    @property
    def pid(self) -> int:
        return self._thread.ident or 0

    def alive(self) -> bool:
        return not self._cancelled.is_set() and self._thread.is_alive()

    def send(self, job: dict) -> None:
        self.conn.send(job)

    def receive(self, deadline: float) -> tuple | None:
        return _receive(self.conn, deadline)

    def kill(self) -> None:
        """Close the pipe and cancel: the thread stops at its next row or
        message, or when its current step in the engine returns."""
        self._cancelled.set()
        self.conn.close()

    def wait(self) -> None:
        self._thread.join()


@dataclass
class Head:
    """What a worker reported before the body: the result's kind and shape."""

    kind: str
    variables: list[str] = field(default_factory=list)
    truncated: bool = False


class NotAcceptableKind(Exception):
    """The query's result is of a kind the client accepts no format for."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class WorkerPool:
    """At most `size` workers, started on demand by `start` (a process by
    default), with a few kept warm; a worker that was killed or died is
    replaced."""

    def __init__(self, size: int, start: Callable[[], Worker] = WorkerProcess) -> None:
        self.size = size
        self._new = start
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._running: set[Worker] = set()
        self._closed = False
        atexit.register(self.close)

    # -- the workers -------------------------------------------------------
    def _start(self) -> Worker:
        worker = self._new()
        with self._lock:
            self._running.add(worker)
        return worker

    def warm_up(self) -> None:
        """Start idle workers in the background, up to the warm number."""
        threading.Thread(target=self._fill, name="kg-worker-start", daemon=True).start()

    def _fill(self) -> None:
        while True:
            with self._lock:
                if self._closed or len(self._idle) >= min(WARM, self.size) or len(self._running) >= self.size:
                    return
            try:
                worker = self._start()
            except OSError as exc:
                log.error("could not start a query worker: %s", exc)
                return
            with self._lock:
                if not self._closed:
                    self._idle.append(worker)
                    continue
            self._discard(worker)
            return

    def _acquire(self, timeout: float) -> Worker:
        if not self._slots.acquire(timeout=max(timeout, 0.0)):
            raise QueryTimeout(f"the server is busy with other queries and could not start this one "
                               f"within {timeout:g} s (KG_QUERY_TIMEOUT); try again later")
        try:
            with self._lock:
                if self._closed:
                    raise StoreError("the server is shutting down")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    self._running.discard(worker)
                    worker.kill()
            return self._start()
        except BaseException:
            self._slots.release()
            raise

    def _release(self, worker: Worker) -> None:
        """Back to the idle list, ready for the next query."""
        keep = False
        with self._lock:
            # Warm-up and a busy pool may briefly start one worker too many.
            if not self._closed and worker.alive() and len(self._running) <= self.size:
                self._idle.append(worker)
                keep = True
        if not keep:
            self._discard(worker)
        self._slots.release()

    def _kill(self, worker: Worker) -> None:
        """Kill a worker in the middle of a query and start a fresh one. Its
        slot is free once it has ended (at once for a process)."""
        self._discard(worker)

        def free() -> None:
            worker.wait()
            self._slots.release()
        if isinstance(worker, WorkerProcess):
            free()
        else:
            threading.Thread(target=free, name="kg-query-end", daemon=True).start()
        if not self._closed:
            self.warm_up()

    def _discard(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self._running.discard(worker)

    def pids(self) -> list[int]:
        """Every worker, idle or busy (process ids, or thread ids for threads)."""
        with self._lock:
            return sorted(w.pid for w in self._running)

    def busy_pids(self) -> list[int]:
        """The workers evaluating or sending a query now."""
        with self._lock:
            return sorted(w.pid for w in self._running.difference(self._idle))

    def stats(self) -> dict[str, int]:
        with self._lock:
            running, idle = len(self._running), len(self._idle)
        return {"limit": self.size, "processes": running, "busy": running - idle}

    def close(self) -> None:
        """Kill every worker; later queries are refused."""
        with self._lock:
            self._closed = True
            workers = list(self._running)
            self._running.clear()
            self._idle.clear()
        for worker in workers:
            worker.kill()

    # -- running a query ---------------------------------------------------
    def run(self, job: dict, timeout: float,
            formats: dict[str, Format | None]) -> tuple[Head, "WorkerBody | list[bytes]"]:
        """Start `job` on a worker and wait for the result's head.

        Returns the head and the body to stream, which holds the worker until
        it is read to the end or closed (or, for a small result, the whole body,
        with the worker already free). Raises :class:`QueryTimeout` (the
        worker is killed), :class:`QueryError` for a rejected query,
        :class:`StoreError` when the engine failed, and
        :class:`NotAcceptableKind`."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(timeout)
        try:
            worker.send(job)
            message = worker.receive(deadline)
        except (EOFError, OSError):
            self._kill(worker)
            raise WorkerFailed("query failed: the query worker stopped unexpectedly") from None
        if message is None:
            log.warning("query worker %s killed: the query ran past %g s", worker.pid, timeout)
            self._kill(worker)
            raise QueryTimeout(timeout_message(timeout))
        tag = message[0]
        if tag == "head":
            head = Head(**message[1])
            fmt = formats[head.kind]
            assert fmt is not None
            return head, WorkerBody(self, worker, fmt, timeout)
        self._release(worker)
        if tag == "whole":
            return Head(**message[1]), [message[2]]
        if tag == "unacceptable":
            raise NotAcceptableKind(message[1])
        if tag == "error" and message[1] == "syntax":
            raise QueryError(message[2])
        if tag == "error":
            raise StoreError(message[2])
        raise WorkerFailed(f"query failed: unexpected answer from the query worker: {tag!r}")


class WorkerBody:
    """A response body read from a worker's pipe.

    It must be closed (WSGI servers do, even for bodies they never iterate, as
    for HEAD requests): a worker whose body was not read to the end is killed,
    since it may still be computing or writing."""

    def __init__(self, pool: WorkerPool, worker: Worker, fmt: Format, timeout: float) -> None:
        self._pool = pool
        self._worker: Worker | None = worker
        self._fmt = fmt
        self._timeout = timeout
        self._deadline: float | None = None
        self._failed: str | None = None

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        worker = self._worker
        if self._failed is not None:
            message, self._failed = self._failed, None
            raise StreamAborted(message)
        if worker is None:
            raise StopIteration
        if self._deadline is None:
            self._deadline = time.monotonic() + self._timeout
        try:
            message = worker.receive(self._deadline)
        except (EOFError, OSError):
            message = ("error", "store", "the query worker stopped unexpectedly")
        if message is None:
            text = (f"time limit of {self._timeout:g} s (KG_QUERY_TIMEOUT) exceeded while sending the "
                    "result: it is incomplete")
            log.warning("query worker %s killed: %s", worker.pid, text)
            return self._abort(text)
        if message[0] == "chunk":
            return message[1]
        if message[0] == "end":
            self._worker = None
            self._pool._release(worker)
            raise StopIteration
        return self._abort(f"the result could not be completed: {message[-1]}")

    def _abort(self, text: str) -> bytes:
        """Kill the worker; the trailer is the last chunk, then the body fails."""
        self.close()
        self._failed = text
        trailer = error_trailer(self._fmt, text)
        if trailer:
            return trailer
        return self.__next__()

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            self._pool._kill(worker)

    def __del__(self) -> None:
        self.close()


def job_message(*, store: Path | None, query: str, base_iri: str | None, prefixes: dict[str, str],
                default_graphs: list[str] | None, named_graphs: list[str] | None, union_default_graph: bool,
                formats: dict[str, Format | None], max_results: int, columns: list[str] | None = None,
                limit: int | None = None, output_prefixes: dict[str, str] | None = None) -> dict[str, Any]:
    """A job as a worker reads it: plain values only. `prefixes` are declared
    for the query, `output_prefixes` (by default the same) for prefixed output."""
    return {
        "store": str(store or ""), "query": query, "base_iri": base_iri, "prefixes": dict(prefixes),
        "output_prefixes": dict(prefixes if output_prefixes is None else output_prefixes),
        "default_graphs": default_graphs, "named_graphs": named_graphs,
        "union_default_graph": union_default_graph,
        "formats": {kind: (fmt.name if fmt is not None else None) for kind, fmt in formats.items()},
        "max_results": max_results, "columns": columns, "limit": limit,
    }
