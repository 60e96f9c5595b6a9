"""Running a query in the server process, within the server's limits.

Queries on a data directory run in worker processes that can be killed (see
:mod:`server.workers`). A store given to :func:`server.create_app` may live in
memory or be written to by the app, so other processes cannot open it; its
queries run here, on threads, where pyoxigraph cannot cancel them.

The result-size header must be known before the body starts, so every SELECT
or graph query is first run in a *checking pass* on a bounded pool of threads:
the engine's solutions are counted (not kept) up to one past
``KG_MAX_RESULTS``, and the request waits at most ``KG_QUERY_TIMEOUT`` for that.
The body is then produced by running the query again (see
:mod:`server.streaming`), cut at the limit when the check saw more. A timed-out
check is answered at once; its thread stops at the next row, or when the
engine returns from the step it was in (a sort or a grouping is one step),
holding one of ``KG_QUERY_WORKERS`` slots until then.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kg.errors import KGError, StoreError
from kg.store.base import QueryResult

#: Produces a fresh result each time it is called (a query is run once per pass).
ResultFactory = Callable[[], QueryResult]


@dataclass(frozen=True)
class Limits:
    timeout: float
    max_results: int


@dataclass
class Checked:
    """What the checking pass learnt: the result's kind and shape, and whether
    it has to be cut. ASK answers are complete here already."""

    kind: str
    variables: list[str] = field(default_factory=list)
    truncated: bool = False
    boolean: bool | None = None


class QueryTimeout(Exception):
    """The query did not finish within the time limit."""


def items(result: QueryResult) -> Iterator:
    """The engine's own solutions or triples when available (no term
    conversion), else the converted rows or triples."""
    if result.native is not None and result.kind in ("select", "graph"):
        return iter(result.native)
    if result.kind == "select":
        return iter(result.rows or ())
    return iter(result.triples or ())


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
                outcome["value"] = _count(factory(), limits.max_results, cancelled)
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


def _count(result: QueryResult, max_results: int, cancelled: threading.Event) -> Checked:
    if result.kind == "ask":
        return Checked("ask", boolean=bool(result.boolean))
    seen = 0
    for _ in items(result):
        seen += 1
        if seen > max_results or cancelled.is_set():
            break
    return Checked(result.kind, list(result.variables), truncated=seen > max_results)


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
