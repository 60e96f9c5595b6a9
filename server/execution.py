"""Running a query in the server process, within the server's limits.

Queries on a data directory run in worker processes that can be killed (see
:mod:`server.workers`). A store given to :func:`server.create_app` may live in
memory or be written to by the app, so other processes cannot open it; its
queries run here, on threads, where pyoxigraph cannot cancel them.

The result-size header must be known before the body starts, so every SELECT
or graph query is evaluated once, in a *checking pass* on a bounded pool of
threads, into a :class:`~server.spool.ResultSpool` that keeps up to
``KG_MAX_RESULTS`` items and notes whether there were more; the request waits
at most ``KG_QUERY_TIMEOUT`` for that. The body is then written from the spool
(see :mod:`server.streaming`). A timed-out check is answered at once; its
thread stops at the next row, or when the engine returns from the step it was
in (a sort or a grouping is one step), holding one of ``KG_QUERY_WORKERS``
slots until then.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.errors import KGError, StoreError
from kg.store.base import QueryResult
from server import result_writer
from server.spool import ResultSpool

#: Runs the query and returns its result (called once, on the checking thread).
ResultFactory = Callable[[], QueryResult]


@dataclass(frozen=True)
class Limits:
    timeout: float
    max_results: int


@dataclass
class Checked:
    """What the checking pass learnt: the result's kind and shape, whether it
    was cut, and the result itself (the boolean of an ASK, else a spool that
    the caller must close)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    truncated: bool = False
    boolean: bool | None = None
    spool: ResultSpool | None = None


class QueryTimeout(Exception):
    """The query did not finish within the time limit."""


class QueryRunner:
    """Runs checking passes on daemon threads, at most `workers` at a time, so
    that runaway queries (which cannot be cancelled) occupy a bounded number
    of threads however many requests time out, and never hold up shutdown."""

    def __init__(self, workers: int) -> None:
        self._slots = threading.BoundedSemaphore(workers)

    def check(self, factory: ResultFactory, limits: Limits) -> Checked:
        deadline = time.monotonic() + limits.timeout
        if not self._slots.acquire(timeout=limits.timeout):
            raise QueryTimeout(f"the server is busy with other queries and could not start this one "
                               f"within {limits.timeout:g} s (KG_QUERY_TIMEOUT); try again later")
        cancelled = threading.Event()
        outcome: dict[str, object] = {}
        finished = threading.Event()

        def work() -> None:
            try:
                outcome["value"] = _evaluate(factory(), limits.max_results, cancelled)
            except BaseException as exc:  # handed to the waiting request
                outcome["error"] = detached(exc)
            finally:
                self._slots.release()
                finished.set()

        threading.Thread(target=work, name="kg-check", daemon=True).start()
        if not finished.wait(max(0.0, deadline - time.monotonic())):
            cancelled.set()
            raise QueryTimeout(timeout_message(limits.timeout))
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["value"]  # type: ignore[return-value]


def _evaluate(result: QueryResult, max_results: int, cancelled: threading.Event) -> Checked:
    if result.kind == "ask":
        return Checked("ask", boolean=bool(result.boolean))

    def check() -> None:
        if cancelled.is_set():
            raise QueryTimeout("abandoned: the request timed out")

    spooled = result_writer.spool(result, max_results, check)
    if cancelled.is_set():  # nobody will read it
        spooled.close()
        raise QueryTimeout("abandoned: the request timed out")
    return Checked(result.kind, list(result.variables), truncated=spooled.truncated, spool=spooled)


def detached(exc: BaseException) -> BaseException:
    """`exc` made safe to hand to another thread.

    pyoxigraph result objects may only be released by the thread that made
    them; a traceback keeps the frames that hold them alive, so an exception
    crossing threads with its traceback would release them in the wrong
    thread. Engine I/O errors become :class:`StoreError` on the way."""
    if isinstance(exc, OSError) and not isinstance(exc, KGError):
        exc = StoreError(f"query failed: {exc}")
    exc.__traceback__ = None
    exc.__cause__ = exc.__context__ = None
    return exc


def timeout_message(timeout: float) -> str:
    return (f"the query did not finish within the time limit of {timeout:g} s (KG_QUERY_TIMEOUT); "
            "narrow it down or add a LIMIT")
