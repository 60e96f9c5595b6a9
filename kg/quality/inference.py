"""Materialising the OWL 2 RL consequences that queries need, into the
`inferred` named graph.

Queries ask "which areas are in Central Asia?" or "every trade area" without
spelling out the ontology's hierarchy, so a few OWL 2 RL rule families are
applied once, after a build, and their results stored beside the data:

========================  ==========================================================
family                    OWL 2 RL rules
========================  ==========================================================
``subclass``              cax-sco, cax-eqc1/2 (with scm-sco, scm-eqc: transitive)
``subproperty``           prp-spo1, prp-eqp1/2 (with scm-spo, scm-eqp: transitive)
``inverse``               prp-inv1, prp-inv2
``symmetric``             prp-symp
``transitive``            prp-trp (rer:withinRegion: country -> sub-region ->
                          region -> world, from rer:inRegion ⊑ rer:withinRegion)
========================  ==========================================================

The rules run to a fixpoint across families (an inverse of a sub-property of a
transitive property is handled). The schema is read from every graph but the
inferred one, so a vocabulary loaded with ``kg load`` takes part too; only
named classes and properties count (class expressions belong to other rule
families). Only triples that no other graph already holds are written, so a
query over the union of graphs sees each fact once.

What is deliberately left out, and why:

* owl:sameAs smushing (eq-*): countries are ``owl:sameAs`` their Wikidata and
  DBpedia items, and copying every statement to those IRIs would double the
  graph without answering any query the canonical IRI does not;
* rdfs:domain / rdfs:range typing (prp-dom, prp-rng): the loaders type every
  node explicitly, and HermiT (`kg check`) is where domain and range are
  checked;
* a bloc member's membership in groupings of the bloc: the graph has no
  relation between a bloc and a larger grouping, and bloc membership is an
  n-ary rer:Membership qualified by role and dates, which OWL 2 RL cannot
  reduce to a plain property without making observers and former members
  members (``kg query -f bloc_members`` answers it with the dates).

The algorithm works on sets in Python: the schema is small, and the instance
data each rule reads is fetched once per class or property. Two backends feed
it: the embedded Oxigraph store is read and written through pyoxigraph's quad
iterators (its own terms end to end, no SPARQL parsing or conversion per row),
and a re-run only removes stale triples and adds new ones, because removing
quads is Oxigraph's slowest operation; any other :class:`kg.store.base.Store`
is read with SELECTs (parameters bound by the store) and written with
``replace_graph``. Python sets rather than one SPARQL UPDATE per family,
because Oxigraph evaluates the joins with rdfs:subClassOf+ paths such updates
need orders of magnitude more slowly, and writes transactionally.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.namespace import INFERRED_GRAPH, OWL, RDF, RDFS
from kg.quality import queries
from kg.store.base import Store

Term = Hashable
Pair = tuple[Any, Any]

_BATCH = 50_000
#: The properties of the axioms the rule families read (besides rdf:type).
_AXIOM_PROPERTIES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty,
                     OWL.inverseOf)


@dataclass
class Schema:
    """The axioms of the implemented rule families, closed transitively.

    Terms are rdflib terms here; the engine converts them to its own."""

    superclasses: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    superproperties: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    inverses: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    symmetric: set[URIRef] = field(default_factory=set)
    transitive: set[URIRef] = field(default_factory=set)

    @classmethod
    def from_axioms(cls, axioms: Iterable[tuple[Identifier, Identifier, Identifier]]) -> "Schema":
        sub_class: dict[URIRef, set[URIRef]] = defaultdict(set)
        sub_prop: dict[URIRef, set[URIRef]] = defaultdict(set)
        inverses: dict[URIRef, set[URIRef]] = defaultdict(set)
        symmetric: set[URIRef] = set()
        transitive: set[URIRef] = set()
        for s, p, o in axioms:
            if p == RDFS.subClassOf:
                sub_class[s].add(o)
            elif p == OWL.equivalentClass:
                sub_class[s].add(o)
                sub_class[o].add(s)
            elif p == RDFS.subPropertyOf:
                sub_prop[s].add(o)
            elif p == OWL.equivalentProperty:
                sub_prop[s].add(o)
                sub_prop[o].add(s)
            elif p == OWL.inverseOf:
                inverses[s].add(o)
                inverses[o].add(s)
            elif p == RDF.type and o == OWL.SymmetricProperty:
                symmetric.add(s)
            elif p == RDF.type and o == OWL.TransitiveProperty:
                transitive.add(s)
        return cls(superclasses=_strict_closure(sub_class), superproperties=_strict_closure(sub_prop),
                   inverses=dict(inverses), symmetric=symmetric, transitive=transitive)

    def properties(self) -> set[URIRef]:
        """Every property a rule reads or writes."""
        props = set(self.symmetric) | set(self.transitive)
        for p, qs in self.superproperties.items():
            props.add(p)
            props |= qs
        for p, qs in self.inverses.items():
            props.add(p)
            props |= qs
        props.discard(RDF.type)
        return props


def _strict_closure(direct: dict[URIRef, set[URIRef]]) -> dict[URIRef, set[URIRef]]:
    """node -> every node reachable through one or more edges, itself excluded
    (an equivalence is a cycle, and a node is not its own strict super)."""
    out: dict[URIRef, set[URIRef]] = {}
    for start in direct:
        seen: set[URIRef] = set()
        todo = list(direct[start])
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            todo.extend(direct.get(node, ()))
        seen.discard(start)
        if seen:
            out[start] = seen
    return out


# ---------------------------------------------------------------- backends

class _Backend(Protocol):
    def schema(self) -> Schema: ...
    def term(self, node: Identifier) -> Term: ...
    def is_literal(self, node: Term) -> bool: ...
    def instances(self, cls: Term) -> Iterable[Term]: ...
    def pairs(self, prop: Term) -> Iterable[Pair]: ...
    def write(self, triples: Iterable[tuple[Term, Term, Term]]) -> int: ...


class _GenericBackend:
    """Any Store: SELECTs over every graph but the inferred one, parameters
    bound by the store, results written with ``replace_graph``."""

    _INSTANCES = "SELECT ?s ?class WHERE { ?s a ?class }"
    _PAIRS = "SELECT ?s ?o ?property WHERE { ?s ?property ?o }"

    def __init__(self, store: Store, graphs: list[URIRef]) -> None:
        self.store = store
        self.graphs = [str(g) for g in graphs]

    def schema(self) -> Schema:
        """The axioms, read with the backend's own two queries rather than
        ``schema_axioms.rq``, which Virtuoso 7.2 cannot compile (a BIND in a
        UNION branch: "sparp_gp_deprecate(): equiv replaces filter")."""
        def axioms() -> Iterator[tuple[Identifier, Identifier, Identifier]]:
            for p in _AXIOM_PROPERTIES:
                yield from ((s, p, o) for s, o in self.pairs(p)
                            if isinstance(s, URIRef) and isinstance(o, URIRef))
            for cls in (OWL.SymmetricProperty, OWL.TransitiveProperty):
                yield from ((s, RDF.type, cls) for s in self.instances(cls) if isinstance(s, URIRef))
        return Schema.from_axioms(axioms())

    def term(self, node: Identifier) -> Term:
        return node

    def is_literal(self, node: Term) -> bool:
        return isinstance(node, Literal)

    def instances(self, cls: Term) -> Iterator[Term]:
        result = self.store.query(self._INSTANCES, bindings={"class": cls}, default_graphs=self.graphs)
        return (row["s"] for row in result)

    def pairs(self, prop: Term) -> Iterator[Pair]:
        result = self.store.query(self._PAIRS, bindings={"property": prop}, default_graphs=self.graphs)
        return ((row["s"], row["o"]) for row in result)

    def write(self, triples: Iterable[tuple[Term, Term, Term]]) -> int:
        return self.store.replace_graph(INFERRED_GRAPH, triples)


class _OxigraphBackend:
    """The embedded store, read and written quad by quad through pyoxigraph:
    the terms stay pyoxigraph's own from reading to writing."""

    def __init__(self, store: Any, graphs: list[URIRef]) -> None:
        import pyoxigraph as ox

        from kg.store.terms import named_node, to_ox
        self._ox = ox
        self._to_ox = to_ox
        self.store = store
        self.graphs = graphs
        self.native = store.native
        self.graph = named_node(str(INFERRED_GRAPH))

    def schema(self) -> Schema:
        return _schema(self.store, self.graphs)

    def term(self, node: Identifier) -> Term:
        return self._to_ox(node)

    def is_literal(self, node: Term) -> bool:
        return isinstance(node, self._ox.Literal)

    def _quads(self, s, p, o) -> Iterator[Any]:
        graph = self.graph
        quads = self.native.quads_for_pattern(s, p, o)
        if not self.native.contains_named_graph(graph):
            return quads
        return (q for q in quads if q.graph_name != graph)

    def instances(self, cls: Term) -> Iterator[Term]:
        return (q.subject for q in self._quads(None, self._to_ox(RDF.type), cls))

    def pairs(self, prop: Term) -> Iterator[Pair]:
        return ((q.subject, q.object) for q in self._quads(None, prop, None))

    def write(self, triples: Iterable[tuple[Term, Term, Term]]) -> int:
        """Make the inferred graph hold `triples`, touching only what changed.

        Removing quads is the slowest thing Oxigraph does (several times
        slower than adding them), so a re-run compares the new closure with
        the graph's current content and removes only stale triples and adds
        only new ones: re-running after a small load costs a read of the
        graph, not a rewrite of it."""
        ox, graph, native = self._ox, self.graph, self.native
        new = set(triples)
        old: set[tuple[Term, Term, Term]] = set()
        if native.contains_named_graph(graph):
            old = {(q.subject, q.predicate, q.object)
                   for q in native.quads_for_pattern(None, None, None, graph)}
        stale = old - new
        if stale and len(stale) > len(old) // 2:
            native.remove_graph(graph)
            fresh = new
        else:
            for s, p, o in stale:
                native.remove(ox.Quad(s, p, o, graph))
            fresh = new - old
        it = iter(fresh)
        while batch := list(islice(it, _BATCH)):
            native.bulk_extend(ox.Quad(s, p, o, graph) for s, p, o in batch)
        native.add_graph(graph)
        return len(new)


# ---------------------------------------------------------------- the engine

def _schema(store: Store, graphs: list[URIRef]) -> Schema:
    rows = store.query(queries.load("schema_axioms"), default_graphs=[str(g) for g in graphs])
    return Schema.from_axioms((row["s"], row["p"], row["o"]) for row in rows)


def _types(schema: Schema, backend: _Backend) -> Iterator[tuple[Term, Term]]:
    """(individual, class) for every type implied by a sub-class axiom and not
    already asserted: for each superclass D, the instances of its subclasses
    minus D's own instances, as set differences."""
    supers = {backend.term(c): {backend.term(d) for d in ds} for c, ds in schema.superclasses.items()}
    subs: dict[Term, list[Term]] = defaultdict(list)
    for c, ds in supers.items():
        for d in ds:
            subs[d].append(c)
    asserted: dict[Term, set[Term]] = {}

    def members(cls: Term) -> set[Term]:
        if cls not in asserted:
            asserted[cls] = set(backend.instances(cls))
        return asserted[cls]

    for d, classes in subs.items():
        implied: set[Term] = set()
        for c in classes:
            implied |= members(c)
        for x in implied - members(d):
            if not backend.is_literal(x):
                yield x, d


def _properties(schema: Schema, backend: _Backend) -> dict[Term, set[Pair]]:
    """Property rules to a fixpoint, semi-naively: each round applies the rules
    only to the pairs the previous round added. Returns the added pairs per
    property (never one that was asserted)."""
    term = backend.term
    props = {term(p) for p in schema.properties()}
    supers = {term(p): {term(q) for q in qs} for p, qs in schema.superproperties.items()}
    inverses = {term(p): {term(q) for q in qs} for p, qs in schema.inverses.items()}
    symmetric = {term(p) for p in schema.symmetric}
    transitive = {term(p) for p in schema.transitive}
    is_literal = backend.is_literal

    facts: dict[Term, set[Pair]] = {p: set(backend.pairs(p)) for p in props}
    added: dict[Term, set[Pair]] = {p: set() for p in props}
    forward: dict[Term, dict[Term, set[Term]]] = {p: defaultdict(set) for p in transitive}
    backward: dict[Term, dict[Term, set[Term]]] = {p: defaultdict(set) for p in transitive}

    def index(p: Term, pairs: Iterable[Pair]) -> None:
        if p in transitive:
            for s, o in pairs:
                forward[p][s].add(o)
                backward[p][o].add(s)

    for p in transitive:
        index(p, facts[p])

    delta = {p: pairs for p, pairs in facts.items() if pairs}
    while delta:
        produced: dict[Term, set[Pair]] = defaultdict(set)
        for p, pairs in delta.items():
            for q in supers.get(p, ()):
                produced[q] |= pairs
            flipped = None
            if p in inverses or p in symmetric:
                flipped = {(o, s) for s, o in pairs if not is_literal(o)}
            for q in inverses.get(p, ()):
                produced[q] |= flipped
            if p in symmetric:
                produced[p] |= flipped
            if p in transitive:
                out, into = forward[p], backward[p]
                chained = produced[p]
                for s, o in pairs:
                    for o2 in out.get(o, ()):
                        chained.add((s, o2))
                    for s0 in into.get(s, ()):
                        chained.add((s0, o))
        delta = {}
        for q, pairs in produced.items():
            fresh = pairs - facts[q]
            if fresh:
                facts[q] |= fresh
                added[q] |= fresh
                index(q, fresh)
                delta[q] = fresh
    return added


def _backend(store: Store, graphs: list[URIRef]) -> _Backend:
    from kg.store.oxigraph import OxigraphStore
    if isinstance(store, OxigraphStore):
        return _OxigraphBackend(store, graphs)
    return _GenericBackend(store, graphs)


def infer(store: Store) -> int:
    """Recompute the `inferred` named graph from every other graph; returns the
    number of triples it holds. The store must be writable (a staged copy)."""
    graphs = [g for g in store.graphs() if g != INFERRED_GRAPH]
    backend = _backend(store, graphs)
    schema = backend.schema()
    rdf_type = backend.term(RDF.type)

    def triples() -> Iterator[tuple[Term, Term, Term]]:
        for x, cls in _types(schema, backend):
            yield x, rdf_type, cls
        for p, pairs in _properties(schema, backend).items():
            for s, o in pairs:
                yield s, p, o

    return backend.write(triples())


__all__ = ["infer", "Schema"]
