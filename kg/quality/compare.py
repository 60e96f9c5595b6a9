"""Checking `infer` against a reference OWL 2 RL reasoner (owlrl) on the same
data, restricted to the rule families `infer` implements.

owlrl computes the full OWL 2 RL closure; to compare like with like, its input
is the store's triples without the axioms that drive the families `infer`
leaves out (domain, range, disjointness, functional properties: see
:mod:`kg.quality.inference`) and without owl:sameAs links, and its output is
cut to ABox triples: types other than the RDF/RDFS/OWL built-ins, and
statements whose predicate is not a schema term. Used by the tests and by
``bench/inference.py``; owlrl is imported only when a comparison runs.
"""
from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespace import INFERRED_GRAPH, OWL, RDF, RDFS, XSD
from kg.store.base import Store
from kg.store.terms import from_ox

Triple = tuple[Node, Node, Node]

#: Predicates whose axioms drive OWL 2 RL rules outside the implemented families.
_OTHER_FAMILY_PREDICATES = frozenset({
    RDFS.domain, RDFS.range, OWL.disjointWith, OWL.propertyDisjointWith, OWL.sameAs,
    OWL.differentFrom, OWL.hasKey, OWL.propertyChainAxiom, OWL.unionOf, OWL.intersectionOf,
    OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.maxCardinality,
    OWL.maxQualifiedCardinality, OWL.complementOf, OWL.oneOf,
})
_OTHER_FAMILY_TYPES = frozenset({
    OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.AllDisjointClasses,
    OWL.AllDisjointProperties, OWL.AllDifferent, OWL.AsymmetricProperty,
    OWL.IrreflexiveProperty, OWL.Restriction,
})
_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_SCHEMA_PREDICATES = frozenset({RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range})


def store_triples(store: Store, *, inferred: bool = False) -> Iterable[Triple]:
    """The store's triples (union of graphs, without the inferred graph unless
    `inferred`), as rdflib terms."""
    native = getattr(store, "native", None)
    if native is not None:
        from kg.store.terms import named_node
        graph = named_node(str(INFERRED_GRAPH))
        for q in native.quads_for_pattern(None, None, None):
            if (q.graph_name == graph) == inferred:
                yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)
        return
    if inferred:
        yield from store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                               default_graphs=[str(INFERRED_GRAPH)])
    else:
        graphs = [str(g) for g in store.graphs() if g != INFERRED_GRAPH]
        yield from store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=graphs)


def owlrl_input(triples: Iterable[Triple]) -> Graph:
    """An rdflib graph of `triples` without the axioms of the families `infer`
    leaves out, so that owlrl does the same job."""
    graph = Graph()
    for s, p, o in triples:
        if p in _OTHER_FAMILY_PREDICATES or (p == RDF.type and o in _OTHER_FAMILY_TYPES):
            continue
        graph.add((s, p, o))
    return graph


def in_families(triple: Triple) -> bool:
    """Whether a triple is an ABox consequence of the implemented families:
    a type that is not a built-in class, or a statement whose predicate is
    not a schema term (owl:sameAs, rdfs:subClassOf, ...)."""
    s, p, o = triple
    if isinstance(s, Literal):
        return False
    if p == RDF.type:
        return isinstance(o, (URIRef, BNode)) and not str(o).startswith(_BUILTIN)
    return p not in _SCHEMA_PREDICATES and not str(p).startswith((str(OWL), str(RDF)))


def owlrl_inferred(graph: Graph) -> set[Triple]:
    """What owlrl's OWL 2 RL closure adds to `graph`, cut to the implemented
    families. `graph` is expanded in place."""
    import owlrl

    before = set(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return {t for t in graph if t not in before and in_families(t)}


def infer_inferred(store: Store) -> set[Triple]:
    """What `infer` wrote, cut the same way (it should all be in the families)."""
    return {t for t in store_triples(store, inferred=True) if in_families(t)}
