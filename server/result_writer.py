"""Writing a query result of the toolkit's store interface with the engine's
serialisers: ASK answers directly, SELECT and graph results through a
:class:`~server.spool.ResultSpool`, which sizes them in one evaluation."""
from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import IO

import pyoxigraph as ox

from kg.namespace import OUTPUT_PREFIXES
from kg.store.base import QueryResult
from kg.store.terms import to_ox
from server import solutions
from server.formats import PREFIXED_RDF, Format
from server.spool import ResultSpool



def write_boolean(result: QueryResult, fmt: Format, out: IO[bytes]) -> None:
    """Serialise an ASK answer into `out`."""
    _boolean(result).serialize(out, fmt.results)


def spool(result: QueryResult, limit: int, check: Callable[[], None] | None = None) -> ResultSpool:
    """A SELECT or graph result, evaluated once into a spool holding at most `limit` items."""
    spooled = ResultSpool(result.kind, limit, check)
    try:
        if result.native is not None:
            spooled.fill_native(result.native)
        elif result.kind == "select":
            variables = list(result.variables)
            spooled.fill_rows(variables, (solutions.ox_row(row, variables) for row in result.rows or ()))
        else:
            spooled.fill_triples(triples(result))
    except BaseException:
        spooled.close()
        raise
    return spooled


def write_triples(triples, fmt: Format, out: IO[bytes] | None = None) -> bytes | None:
    """Serialise pyoxigraph triples; returns bytes when `out` is None."""
    prefixes = OUTPUT_PREFIXES if fmt.rdf in PREFIXED_RDF else None
    return ox.serialize(triples, out, fmt.rdf, prefixes=prefixes)


def _boolean(result: QueryResult):
    if result.native is not None:
        return result.native
    text = '{"head":{},"boolean":%s}' % ("true" if result.boolean else "false")
    return ox.parse_query_results(text, ox.QueryResultsFormat.JSON)


def triples(result: QueryResult, limit: int | None = None):
    """A graph result's triples as pyoxigraph terms, cut at `limit` if given."""
    if result.native is not None:
        found = iter(result.native)
    else:
        found = (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result.triples or ())
    return islice(found, limit) if limit is not None else found
