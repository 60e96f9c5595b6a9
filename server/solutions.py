"""Turning rows the server already holds into an engine result object, so that
every SELECT answer - whole, cut at the row limit, or projected by the catalog
- goes through the engine's own streaming serialisers.

pyoxigraph cannot build a `QuerySolutions` from Python values, but it parses
one lazily from a stream; the rows are fed to it as SPARQL TSV, one line at a
time, so nothing is held beyond the line being read.

The query worker processes use this module too, so it loads only the engine:
rdflib and the toolkit are imported where rdflib terms are converted.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from rdflib.term import Identifier


class _LineReader(io.RawIOBase):
    """A readable binary stream over a generator of byte lines."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        super().__init__()
        self._lines = lines
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            try:
                self._pending = next(self._lines)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _cell(term) -> str:
    # str() of a pyoxigraph term is its N-Triples form, which SPARQL TSV uses.
    return "" if term is None else str(term)


def from_rows(variables: Sequence[str], rows: Iterable[Sequence[object]]) -> ox.QuerySolutions:
    """A lazily parsed `QuerySolutions` over rows of pyoxigraph terms (or None)."""
    def lines() -> Iterator[bytes]:
        yield ("\t".join("?" + v for v in variables) + "\n").encode("utf-8")
        for row in rows:
            yield ("\t".join(_cell(t) for t in row) + "\n").encode("utf-8")
    return ox.parse_query_results(_LineReader(lines()), ox.QueryResultsFormat.TSV)


def ox_row(row: dict[str, Identifier | None], variables: Sequence[str]) -> list[object]:
    """An rdflib-valued row (as `kg` returns them) as pyoxigraph terms."""
    from kg.store.terms import to_ox

    return [None if row.get(v) is None else to_ox(row[v]) for v in variables]


def native_rows(solutions: ox.QuerySolutions, variables: Sequence[str]) -> Iterator[list[object]]:
    """The engine's solutions as rows in the order of `variables`; a variable
    the query does not have is unbound in every row."""
    known = {v.value for v in solutions.variables}
    for solution in solutions:
        yield [solution[v] if v in known else None for v in variables]
