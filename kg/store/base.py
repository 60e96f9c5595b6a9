"""The store protocol every backend implements, and the result type it returns.

Backends speak quads and SPARQL; they never know where data came from. Terms at
this boundary are rdflib terms, so callers need not care which engine answers.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Protocol, runtime_checkable

from rdflib.term import Identifier, Node, URIRef, Variable

Triple = tuple[Node, Node, Node]


@dataclass
class QueryResult:
    """The answer to a query: rows for SELECT, a boolean for ASK, triples otherwise.

    `rows` is an iterator, consumed once, so a large result is never held in memory.
    """

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: Iterator[dict[str, Identifier | None]] | None = None
    boolean: bool | None = None
    triples: Iterator[Triple] | None = None
    #: Serialise in a standard format without materialising rows (backend-specific).
    native: Any = None

    def __iter__(self):
        if self.kind == "select":
            return iter(self.rows or ())
        if self.kind == "graph":
            return iter(self.triples or ())
        return iter([self.boolean])


@runtime_checkable
class Store(Protocol):
    """What the toolkit needs from an RDF store. Implemented by the embedded
    Oxigraph store; a remote SPARQL 1.1 store implements the same methods."""

    def query(self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None,
              default_graphs: Iterable[str] | None = None,
              named_graphs: Iterable[str] | None = None,
              union_default_graph: bool = True) -> QueryResult:
        """Run a SPARQL query. The default graph is the union of all named graphs
        unless `default_graphs` is given; `bindings` pre-bind variables safely."""

    def select_lexical(self, sparql: str, bindings: Mapping[str, Identifier] | None = None
                       ) -> Iterator[tuple[str | None, ...]]:
        """SELECT rows as tuples of lexical values, in the query's variable order
        (a fast path for bulk reads)."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Make `graph` hold exactly `triples`; returns how many were written."""

    def drop_graph(self, graph: URIRef) -> None:
        """Remove a named graph and everything in it."""

    def remove_subjects(self, graph: URIRef, subjects: Iterable[URIRef]) -> None:
        """Remove every triple of `graph` whose subject is one of `subjects`."""

    def objects(self, graph: URIRef, subject: URIRef, predicate: URIRef) -> list[Identifier]:
        """Objects of (subject, predicate, ?) in `graph`."""

    def graphs(self) -> list[URIRef]:
        """The named graphs in the store."""

    def count(self, graph: URIRef | None = None) -> int:
        """Quads in one graph, or in the whole store."""

    def dump(self, out: IO[bytes], fmt: str) -> None:
        """Write the whole dataset (all named graphs) as N-Quads or TriG, or the
        union as a graph format (Turtle, N-Triples, RDF/XML)."""

    def close(self) -> None:
        """Release the store (files, connections)."""


def row_value(row: Mapping[str, Identifier | None], name: str) -> Any:
    """A row cell as a Python value (int, Decimal, date, str) or None."""
    term = row.get(name)
    if term is None:
        return None
    return term.toPython() if hasattr(term, "toPython") else str(term)


__all__ = ["Store", "QueryResult", "Triple", "Variable", "row_value"]
