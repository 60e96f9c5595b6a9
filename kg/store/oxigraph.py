"""The embedded, persistent store: Oxigraph through pyoxigraph (RocksDB on disk).

Writes go to a staged copy of the store and are swapped in by `kg.store.layout`,
so this class needs no transaction logic of its own.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Identifier

from kg.errors import QueryError, StoreError
from kg.namespace import PREFIXES
from kg.sparql.binding import declares_dataset, inject_values
from kg.sparql.syntax import explain
from kg.store.base import QueryResult, Triple
from kg.store.terms import from_ox, named_node, to_ox

_BATCH = 50_000

#: Dataset/graph formats the store can dump, by name.
DUMP_FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


class OxigraphStore:
    """A :class:`kg.store.base.Store` on a local Oxigraph database directory.

    `path=None` gives an in-memory store (tests, scratch work)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path else None
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store, for code that streams its results."""
        return self._store

    # -- reading ---------------------------------------------------------
    def query(self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None,
              default_graphs: Iterable[str] | None = None,
              named_graphs: Iterable[str] | None = None,
              union_default_graph: bool = True) -> QueryResult:
        kwargs: dict = {"prefixes": PREFIXES}
        if default_graphs is not None:
            kwargs["default_graph"] = [named_node(str(g)) for g in default_graphs]
        elif not declares_dataset(sparql):
            # A query's own FROM wins; otherwise the default graph is the union.
            kwargs["use_default_graph_as_union"] = union_default_graph
        if named_graphs is not None:
            kwargs["named_graphs"] = [named_node(str(g)) for g in named_graphs]
        if bindings:
            sparql = inject_values(sparql, bindings)
        try:
            result = self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {explain(str(exc), sparql)}") from exc
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"query failed: {exc}") from exc
        return _wrap(result)

    def select_lexical(self, sparql: str, bindings: Mapping[str, Identifier] | None = None
                       ) -> Iterator[tuple[str | None, ...]]:
        """SELECT rows as tuples of lexical values (IRI text, literal text), in the
        query's variable order: the fast path for bulk reads such as derived
        statistics, which need no rdflib terms."""
        result = self.query(sparql, bindings=bindings).native
        names = [v.value for v in result.variables]
        for solution in result:
            yield tuple(None if (t := solution[n]) is None else t.value for n in names)

    def graphs(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self._store.named_graphs()
                      if isinstance(g, ox.NamedNode))

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return len(self._store)
        # Counted by the engine: some 15 times faster than iterating the quads here.
        result = self._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                   default_graph=named_node(str(graph)))
        return int(next(iter(result))["n"].value)

    def dump(self, out: IO[bytes], fmt: str) -> None:
        try:
            rdf_format = DUMP_FORMATS[fmt]
        except KeyError:
            raise StoreError(f"unknown dump format {fmt!r}; choose one of {', '.join(DUMP_FORMATS)}") from None
        if rdf_format.supports_datasets:
            self._store.dump(out, rdf_format)
        else:
            # A graph format gets the union of all named graphs.
            triples = (ox.Triple(q.subject, q.predicate, q.object)
                       for q in self._store.quads_for_pattern(None, None, None))
            ox.serialize(triples, out, rdf_format)

    # -- writing ---------------------------------------------------------
    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"update failed: {exc}") from exc

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        g = named_node(str(graph))
        self._store.remove_graph(g) if self._store.contains_named_graph(g) else None
        return self.add_triples(graph, triples)

    def add_triples(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Append triples to a graph in batches (bulk path, not transactional)."""
        g = named_node(str(graph))
        written = 0
        it = iter(triples)
        while batch := list(islice(it, _BATCH)):
            quads = (ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in batch)
            # The bulk path writes whole index files: fast for big batches, but a
            # fixed cost per call that dominates small graphs (one article).
            if len(batch) < _BATCH:
                self._store.extend(quads)
            else:
                self._store.bulk_extend(quads)
            written += len(batch)
        self._store.add_graph(g)
        return written

    def bulk_load_file(self, path: str | Path, fmt: ox.RdfFormat, graph: URIRef | None = None) -> None:
        """Load an RDF file straight into the engine (its fastest path)."""
        kwargs = {"to_graph": named_node(str(graph))} if graph else {}
        self._store.bulk_load(path=str(path), format=fmt, **kwargs)

    def drop_graph(self, graph: URIRef) -> None:
        g = named_node(str(graph))
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)

    def remove_subjects(self, graph: URIRef, subjects: Iterable[URIRef]) -> None:
        g = named_node(str(graph))
        for subject in subjects:
            for quad in list(self._store.quads_for_pattern(named_node(str(subject)), None, None, g)):
                self._store.remove(quad)

    def objects(self, graph: URIRef, subject: URIRef, predicate: URIRef) -> list:
        return [from_ox(q.object) for q in self._store.quads_for_pattern(
            named_node(str(subject)), named_node(str(predicate)), None, named_node(str(graph)))]

    def backup(self, target: str | Path) -> None:
        """Copy the store to a new directory (hard links where possible)."""
        if not self.read_only:
            self._store.flush()
        self._store.backup(str(target))

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        # pyoxigraph releases the database when the object is collected.
        self._store = None  # type: ignore[assignment]


def _wrap(result) -> QueryResult:
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(result), native=result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = ({n: from_ox(sol[n]) for n in names} for sol in _failing_as_store_errors(result))
        return QueryResult(kind="select", variables=names, rows=rows, native=result)
    triples = ((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object))
               for t in _failing_as_store_errors(result))
    return QueryResult(kind="graph", triples=triples, native=result)


def _failing_as_store_errors(results: Iterable) -> Iterator:
    """The engine evaluates lazily, so a failure (such as a SERVICE endpoint
    that cannot be reached) can surface while the results are read."""
    try:
        yield from results
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"query failed: {exc}") from exc
