"""Writing a query result in a chosen format with the engine's serialisers,
cut at the row limit when the checking pass found more rows than allowed."""
from __future__ import annotations

from itertools import islice
from typing import IO

import pyoxigraph as ox

from kg.namespace import PREFIXES
from kg.store.base import QueryResult
from kg.store.terms import to_ox
from server import solutions
from server.formats import Format

#: Formats whose serialiser abbreviates IRIs with prefixes.
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)


def write(result: QueryResult, fmt: Format, out: IO[bytes], limit: int | None) -> None:
    """Serialise `result` into `out`; `limit` (rows or triples) cuts it when given."""
    if result.kind == "ask":
        _boolean(result).serialize(out, fmt.results)
    elif result.kind == "select":
        _solutions(result, limit).serialize(out, fmt.results)
    else:
        write_triples(triples(result, limit), fmt, out)


def write_triples(triples, fmt: Format, out: IO[bytes] | None = None) -> bytes | None:
    """Serialise pyoxigraph triples; returns bytes when `out` is None."""
    prefixes = PREFIXES if fmt.rdf in _PREFIXED else None
    return ox.serialize(triples, out, fmt.rdf, prefixes=prefixes)


def _boolean(result: QueryResult):
    if result.native is not None:
        return result.native
    text = '{"head":{},"boolean":%s}' % ("true" if result.boolean else "false")
    return ox.parse_query_results(text, ox.QueryResultsFormat.JSON)


def _solutions(result: QueryResult, limit: int | None):
    variables = list(result.variables)
    if result.native is not None:
        if limit is None:
            return result.native
        rows = solutions.native_rows(result.native, variables)
    else:
        rows = (solutions.ox_row(row, variables) for row in result.rows or ())
    if limit is not None:
        rows = islice(rows, limit)
    return solutions.from_rows(variables, rows)


def triples(result: QueryResult, limit: int | None = None):
    """A graph result's triples as pyoxigraph terms, cut at `limit` if given."""
    if result.native is not None:
        found = iter(result.native)
    else:
        found = (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result.triples or ())
    return islice(found, limit) if limit is not None else found
