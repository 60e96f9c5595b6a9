"""A query worker process: evaluates SPARQL for the server and streams the
serialised result back over a pipe.

pyoxigraph cannot interrupt a query once it runs, so the server runs
endpoint queries here, in processes of their own (see :mod:`server.workers`),
and kills a process whose query outlives the time limit: the operating system
then takes back its CPU and memory at once.

The server starts this module as ``python -m server.query_worker FD``, where
FD is its end of a socket pair wrapped as a
:class:`multiprocessing.connection.Connection`. It loads only the engine and
the server's format tables, opens the build named in each job read-only
(reopening when a rebuild has moved the data directory's ``current``), and
answers each job with messages:

- ``("head", {"kind", "variables", "truncated"})`` once the result's size is
  known, then ``("chunk", bytes)`` messages and ``("end",)``; or, for a result
  whose serialisation fits in one chunk, all of it as one message,
  ``("whole", head, bytes)``, which spares the server two wake-ups per query;
- ``("unacceptable", kind)`` when the client accepts no format for the kind of
  result the query gives;
- ``("error", "syntax" | "store", message)``, before or instead of the chunks.

The pipe is the only channel, and writing to it blocks while the server is
not reading, so a slow client slows the worker down rather than filling memory.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from server import solutions
from server.chunks import ChunkWriter
from server.formats import GRAPH_FORMATS, RESULT_FORMATS, by_name
from server.spool import ResultSpool

class Cancelled(Exception):
    """The server no longer wants the answer (worker threads only)."""


def _kind(result: Any) -> str:
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    if isinstance(result, ox.QuerySolutions):
        return "select"
    return "graph"


class Worker:
    """One worker's state: the store it has open, and the job loop.

    Given a `store`, the worker queries that store whatever the jobs name: the
    server runs such workers on threads for a store it was handed (one in
    memory, or one it writes to), which no other process can open."""

    def __init__(self, conn: Connection, store: ox.Store | None = None,
                 cancelled: threading.Event | None = None) -> None:
        self.conn = conn
        #: Set by the server to stop a worker thread, which cannot be killed.
        self.cancelled = cancelled
        self.fixed = store is not None
        self.store: ox.Store | None = store
        self.store_path: str | None = None

    def open(self, path: str) -> ox.Store:
        if self.fixed:
            return self.store  # type: ignore[return-value]
        if self.store is None or path != self.store_path:
            self.store = None  # release the previous build first
            self.store = ox.Store.read_only(path)
            self.store_path = path
        return self.store

    def query(self, job: dict) -> Any:
        kwargs: dict[str, Any] = {"prefixes": job["prefixes"], "base_iri": job["base_iri"]}
        if job["default_graphs"] is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job["default_graphs"]]
        elif job["union_default_graph"]:
            kwargs["use_default_graph_as_union"] = True
        if job["named_graphs"] is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
        return self.open(job["store"]).query(job["query"], **kwargs)

    def rows(self, result: ox.QuerySolutions, job: dict) -> tuple[list[str], Iterator[list[Any]] | None]:
        """The variables and, when the job projects or cuts the result, its rows."""
        columns = job["columns"]
        variables = list(columns) if columns else [v.value for v in result.variables]
        if not columns and job["limit"] is None:
            return variables, None
        rows: Iterator[list[Any]] = solutions.native_rows(result, variables)
        if job["limit"] is not None:
            rows = islice(rows, job["limit"])
        return variables, rows

    def check(self) -> None:
        """Raise :class:`Cancelled` when the server has given up on the job."""
        if self.cancelled is not None and self.cancelled.is_set():
            raise Cancelled

    def run(self, job: dict) -> None:
        send = self.conn.send
        try:
            result = self.query(job)
        except SyntaxError as exc:
            send(("error", "syntax", f"SPARQL syntax error: {exc}"))
            return
        kind = _kind(result)
        name = job["formats"].get(kind)
        if name is None:
            send(("unacceptable", kind))
            return
        head: dict[str, Any] = {}

        def deliver(chunk: bytes) -> None:
            if head:  # the first chunk: the head goes before it
                send(("head", dict(head)))
                head.clear()
            send(("chunk", chunk))

        out = ChunkWriter(deliver)
        if kind == "ask":
            head.update(kind=kind, variables=[], truncated=False)
            result.serialize(out, by_name(RESULT_FORMATS, name).results)
        else:
            with ResultSpool(kind, job["max_results"], self.check) as spool:
                variables: list[str] = []
                if kind == "select":
                    variables, rows = self.rows(result, job)
                    if rows is None:
                        spool.fill_native(result)
                    else:
                        spool.fill_rows(variables, rows)
                else:
                    spool.fill_native(result)
                head.update(kind=kind, variables=variables, truncated=spool.truncated)
                if kind == "select":
                    spool.write(by_name(RESULT_FORMATS, name).results, None, out)
                else:
                    spool.write(None, by_name(GRAPH_FORMATS, name).rdf, out, job["output_prefixes"])
        if head:  # nothing delivered yet: the whole result is in the buffer
            send(("whole", head, out.take()))
            return
        out.send()
        send(("end",))

    def serve(self) -> None:
        while True:
            try:
                job = self.conn.recv()
            except (EOFError, OSError):
                return
            try:
                self.run(job)
            except Cancelled:
                return
            except (OSError, RuntimeError, ValueError) as exc:
                try:
                    self.conn.send(("error", "store", f"query failed: {exc}"))
                except OSError:
                    return


def _exit_with_parent(parent: int) -> None:
    """End this process when the server that started it has gone, even in the
    middle of a query (the engine lets other threads run while it works)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


#: Stack of the thread that parses and evaluates queries. The engine recurses
#: once per level of nesting (groups, parentheses, chains of `||` or UNION), and
#: on the default 8 MiB stack a query of a few thousand levels, well within
#: KG_MAX_QUERY_LENGTH, overflows it and kills the process with SIGSEGV. The
#: size is reserved address space; only what a query really uses is committed.
QUERY_STACK_SIZE = 256 * 1024 * 1024


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when workers end
    conn = Connection(int(argv[1]))
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    conn.send(("ready", os.getpid()))
    threading.stack_size(QUERY_STACK_SIZE)
    serving = threading.Thread(target=Worker(conn).serve, name="kg-query")
    serving.start()
    serving.join()


if __name__ == "__main__":
    main(sys.argv)
