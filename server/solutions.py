"""SELECT rows as lists of pyoxigraph terms, the shape in which
:mod:`server.spool` writes them as SPARQL TSV lines: from the engine's
solutions, from rows of rdflib terms, and one term as a TSV cell.

The query worker processes use this module too, so it loads only the engine:
rdflib and the toolkit are imported where rdflib terms are converted.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from rdflib.term import Identifier


def cell(term: object) -> str:
    """A term as a SPARQL TSV cell: str() of a pyoxigraph term is its N-Triples
    form, which TSV uses; an unbound value is an empty cell."""
    return "" if term is None else str(term)


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
