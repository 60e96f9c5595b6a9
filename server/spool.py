"""Evaluating a query once, when its size must be known before its first byte.

The response says in a header whether the result was cut at ``KG_MAX_RESULTS``,
so the server must know the result's size before it sends anything. Counting
the engine's solutions in Python and then running the query again to stream it
doubles the cost of every query (iterating 100,000 solutions in Python costs
as much as serialising them in the engine). Instead the result is written once
by the engine, in a line-based format, into a spool: SPARQL TSV for solutions,
N-Triples for triples, where every item is exactly one line (both formats
escape line breaks inside terms). Counting lines is cheap, the spool stops
taking items once it has one more than the limit, and it keeps only as many
as may be sent. The response is then written from the spool: copied as it is
when the client asked for that format, otherwise parsed and re-serialised by
the engine, which is a third of the cost of evaluating again.

A spool holds up to :data:`MEMORY_BYTES` in memory and moves to a temporary
file beyond that, so a million-row result costs disk, not memory.

The query worker processes import this module: it loads only the engine and
the server's own engine-level helpers.
"""
from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

import pyoxigraph as ox

from server import solutions
from server.formats import PREFIXED_RDF

MEMORY_BYTES = 8 * 1024 * 1024


class _Full(Exception):
    """Raised into the engine's serialiser once the spool has all it needs."""


class _LineCounter(io.RawIOBase):
    """A binary file object that appends to `target`, counts lines, and stops
    (raising :class:`_Full`) once `stop_after` lines are complete, keeping
    exactly those lines."""

    def __init__(self, target: IO[bytes], stop_after: int, check: Callable[[], None] | None) -> None:
        super().__init__()
        self.target = target
        self.lines = 0
        self.stop_after = stop_after
        self.check = check

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.check is not None:
            self.check()
        data = bytes(data)
        found = data.count(b"\n")
        if self.lines + found >= self.stop_after:
            end = -1
            for _ in range(self.stop_after - self.lines):
                end = data.index(b"\n", end + 1)
            self.target.write(data[:end + 1])
            self.lines = self.stop_after
            raise _Full
        self.target.write(data)
        self.lines += found
        return len(data)


class ResultSpool:
    """One SELECT or graph result, written once and then sent in any format.

    `limit` is the most items the response may carry; :attr:`truncated` tells
    whether the result had more. `check` is called on every write and may
    raise to abandon the query (a cancelled worker thread)."""

    def __init__(self, kind: str, limit: int, check: Callable[[], None] | None = None) -> None:
        if kind not in ("select", "graph"):
            raise ValueError(f"only SELECT and graph results are spooled, not {kind!r}")
        self.kind = kind
        self.limit = limit
        self.check = check
        self.truncated = False
        self.count = 0
        self._file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES)  # noqa: SIM115

    def __enter__(self) -> ResultSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    # -- filling ---------------------------------------------------------------

    def _header_lines(self) -> int:
        return 1 if self.kind == "select" else 0

    def fill_native(self, result: ox.QuerySolutions | ox.QueryTriples) -> None:
        """Take the engine's own result, serialised by the engine."""
        fmt = ox.QueryResultsFormat.TSV if self.kind == "select" else ox.RdfFormat.N_TRIPLES
        self._fill(lambda out: result.serialize(out, fmt))

    def fill_rows(self, variables: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        """Take SELECT rows of pyoxigraph terms (None for unbound), in `variables` order."""
        def write(out: IO[bytes]) -> None:
            out.write(("\t".join("?" + v for v in variables) + "\n").encode("utf-8"))
            for row in rows:
                out.write(("\t".join(solutions.cell(t) for t in row) + "\n").encode("utf-8"))
        self._fill(write)

    def fill_triples(self, triples: Iterable[ox.Triple]) -> None:
        """Take pyoxigraph triples."""
        self._fill(lambda out: ox.serialize(triples, out, ox.RdfFormat.N_TRIPLES))

    def _fill(self, produce: Callable[[IO[bytes]], None]) -> None:
        header = self._header_lines()
        counter = _LineCounter(self._file, header + self.limit + 1, self.check)
        try:
            produce(counter)
        except _Full:
            pass
        items = counter.lines - header
        self.truncated = items > self.limit
        self.count = min(items, self.limit)
        if self.truncated:
            self._drop_last_line()
        self._file.seek(0)

    def _drop_last_line(self) -> None:
        """Remove the one item beyond the limit, which only served to detect it."""
        f = self._file
        end = f.seek(0, io.SEEK_END)
        start = max(0, end - 64 * 1024)
        while True:
            f.seek(start)
            tail = f.read(end - start)
            cut = tail.rfind(b"\n", 0, len(tail) - 1)
            if cut >= 0 or start == 0:
                break
            start = max(0, start - 64 * 1024)
        f.truncate(start + cut + 1 if cut >= 0 else 0)

    # -- writing ---------------------------------------------------------------

    def write(self, results_format: ox.QueryResultsFormat | None, rdf_format: ox.RdfFormat | None,
              out: IO[bytes], prefixes: dict[str, str] | None = None) -> None:
        """Write the spooled result to `out` in the given format (the results
        format for SELECT, the RDF format for graphs)."""
        self._file.seek(0)
        if self.kind == "select":
            if results_format == ox.QueryResultsFormat.TSV:
                shutil.copyfileobj(self._file, out)
                return
            ox.parse_query_results(self._file, ox.QueryResultsFormat.TSV).serialize(out, results_format)
            return
        if rdf_format == ox.RdfFormat.N_TRIPLES:
            shutil.copyfileobj(self._file, out)
            return
        triples = (quad.triple for quad in ox.parse(self._file, ox.RdfFormat.N_TRIPLES))
        ox.serialize(triples, out, rdf_format, prefixes=prefixes if rdf_format in PREFIXED_RDF else None)
