"""Query results in the standard formats (SPARQL 1.1 JSON, XML, CSV, TSV; RDF
for graph results), and as a plain-text table or a pandas DataFrame."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier, Variable

from kg.errors import QueryError
from kg.namespace import PREFIXES, bind_prefixes
from kg.store.base import QueryResult

SELECT_FORMATS = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_FORMATS = {"turtle": "turtle", "ntriples": "nt", "nt": "nt", "jsonld": "json-ld",
                 "json-ld": "json-ld", "rdfxml": "xml", "xml": "xml", "trig": "trig"}


def to_rdflib(result: QueryResult, rows: list[dict] | None = None) -> Result:
    """An rdflib Result, for its standard serialisers."""
    if result.kind == "ask":
        r = Result("ASK")
        r.askAnswer = bool(result.boolean)
        return r
    if result.kind == "graph":
        r = Result("CONSTRUCT")
        r.graph = bind_prefixes(Graph())
        for t in result.triples or ():
            r.graph.add(t)
        return r
    r = Result("SELECT")
    r.vars = [Variable(v) for v in result.variables]
    r.bindings = [{Variable(k): v for k, v in row.items() if v is not None}
                  for row in (rows if rows is not None else result.rows or ())]
    return r


def serialize(result: QueryResult, fmt: str, rows: list[dict] | None = None) -> bytes:
    """Bytes of the result in a standard format (`json`, `xml`, `csv`, `tsv`, or an RDF format)."""
    if result.kind in ("select", "ask"):
        if fmt not in SELECT_FORMATS or (result.kind == "ask" and fmt in ("csv", "tsv")):
            allowed = ["json", "xml"] if result.kind == "ask" else list(SELECT_FORMATS)
            raise QueryError(f"format {fmt!r} does not fit a {result.kind.upper()} result; use one of {', '.join(allowed)}")
        out = to_rdflib(result, rows).serialize(format=SELECT_FORMATS[fmt])
        return out if isinstance(out, bytes) else out.encode()
    if fmt not in GRAPH_FORMATS:
        raise QueryError(f"format {fmt!r} does not fit a graph result; use one of {', '.join(GRAPH_FORMATS)}")
    graph = to_rdflib(result).graph
    return graph.serialize(format=GRAPH_FORMATS[fmt], encoding="utf-8")


def short(term: Identifier | None) -> str:
    """A readable rendering: prefixed names for IRIs, plain values for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and iri != ns:
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"
    if isinstance(term, Literal):
        return str(term)
    return f"_:{term}"


def table(variables: list[str], rows: Iterable[dict]) -> str:
    """A plain-text table, columns sized to their content."""
    cells = [[short(row.get(v)) for v in variables] for row in rows]
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(variables)]
    line = lambda values: "  ".join(x.ljust(w) for x, w in zip(values, widths)).rstrip()
    out = [line(variables), line(["-" * w for w in widths])] + [line(c) for c in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)


def python_rows(variables: list[str], rows: Iterable[dict]) -> list[dict[str, Any]]:
    """Rows as Python values (int, Decimal, date, str) for notebooks."""
    def value(term):
        if term is None:
            return None
        return term.toPython() if isinstance(term, Literal) else str(term)
    return [{v: value(row.get(v)) for v in variables} for row in rows]
