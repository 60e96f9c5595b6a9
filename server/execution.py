"""Running a query within the server's limits, before any byte is sent.

pyoxigraph cannot cancel a running query, and the result-size header must be
known before the body starts. So every SELECT or graph query is first run in
a *checking pass* on a bounded pool of worker threads: the engine's solutions
are counted (not kept) up to one past ``KG_MAX_RESULTS``, and the request waits
at most ``KG_QUERY_TIMEOUT`` for that. The body is then produced by running the
query again (see :mod:`server.streaming`), cut at the limit when the check saw
more. A timed-out check is answered at once; its worker stops at the next row,
or when the engine returns from the step it was in.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

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
    """A bounded pool for checking passes, so that runaway queries occupy at
    most `workers` threads however many requests time out."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kg-query")

    def check(self, factory: ResultFactory, limits: Limits) -> Checked:
        cancelled = threading.Event()

        def work() -> Checked | None:
            if cancelled.is_set():
                return None
            result = factory()
            if result.kind == "ask":
                return Checked("ask", boolean=bool(result.boolean))
            seen = 0
            for _ in items(result):
                seen += 1
                if seen > limits.max_results or cancelled.is_set():
                    break
            return Checked(result.kind, list(result.variables), truncated=seen > limits.max_results)

        future = self._pool.submit(work)
        try:
            checked = future.result(timeout=limits.timeout)
        except FutureTimeout:
            cancelled.set()
            future.cancel()
            raise QueryTimeout(_timeout_message(limits.timeout)) from None
        assert checked is not None
        return checked

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _timeout_message(timeout: float) -> str:
    return (f"the query did not finish within the time limit of {timeout:g} s (KG_QUERY_TIMEOUT); "
            "narrow it down or add a LIMIT")
