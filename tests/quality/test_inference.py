"""`infer`: sub-class types, sub-properties, inverses, symmetric and transitive
properties into the inferred graph, in agreement with owlrl on those families."""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kg.namespace import (FOAF, INFERRED_GRAPH, ORG, OWL, PROV, QB, RDF, RDFS, RER, SDMX_DIM,
                          bloc, country, graph_for, region)
from kg.quality import infer
from kg.quality.compare import infer_inferred, owlrl_inferred, owlrl_input, store_triples
from kg.sources.ontology import ontology_graph
from kg.store.oxigraph import OxigraphStore

EX = "https://example.org/"


def _inferred(store) -> Graph:
    g = Graph()
    for t in store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                         default_graphs=[str(INFERRED_GRAPH)]):
        g.add(t)
    return g


def _ask(store, sparql: str, **bindings) -> bool:
    return store.query(sparql, bindings=bindings).boolean


def test_infer_on_the_shipped_graph(writable):
    written = infer(writable)
    inferred = _inferred(writable)
    assert written == len(inferred) > 1000

    # Transitive region containment: Kazakhstan is in Central Asia, Asia and the world.
    within = set(inferred.objects(country("KAZ"), RER.withinRegion))
    assert {region(143), region(142), region(1)} <= within
    assert len(within) == 3
    # Sub-class types: a country is a trade area, a bloc an org:FormalOrganization,
    # a quoted person a prov:Person and a foaf:Person.
    assert (country("KAZ"), RDF.type, RER.TradeArea) in inferred
    assert (bloc("EAEU"), RDF.type, ORG.FormalOrganization) in inferred
    person = next(iter(writable.query("SELECT ?p WHERE { ?p a rer:Person } LIMIT 1")))["p"]
    assert (person, RDF.type, PROV.Person) in inferred
    assert (person, RDF.type, FOAF.Person) in inferred
    # Inverse properties: a party to an agreement has rer:partyTo the agreement.
    rows = list(writable.query("SELECT ?a ?c WHERE { ?a rer:party ?c } LIMIT 5"))
    assert rows
    for row in rows:
        assert (row["c"], RER.partyTo, row["a"]) in inferred
    # Sub-properties: an observation's reporter is its sdmx-dimension:refArea.
    row = next(iter(writable.query("SELECT ?o ?r WHERE { ?o a rer:TradeFlow ; rer:reporter ?r } LIMIT 1")))
    assert (row["o"], SDMX_DIM.refArea, row["r"]) in inferred


def test_explicit_types_are_not_repeated(writable):
    """Derived figures are already typed rer:TradeFlow and qb:Observation by the
    build, so the inferred graph adds neither; queries see each fact once."""
    infer(writable)
    inferred = _inferred(writable)
    derived = [row["d"] for row in writable.query("SELECT ?d WHERE { ?d a rer:DerivedFigure }")]
    assert derived
    assert _ask(writable, "ASK { ?d a qb:Observation, rer:TradeFlow }", d=derived[0])
    assert not any((d, RDF.type, QB.Observation) in inferred for d in derived)
    assert not any((d, RDF.type, RER.TradeFlow) in inferred for d in derived)
    asserted = set(store_triples(writable))
    assert not any(t in asserted for t in inferred)


def test_infer_is_idempotent_and_follows_changes(writable):
    first = infer(writable)
    assert infer(writable) == first
    figure = URIRef(EX + "derived-only")
    writable.add_triples(graph_for("test/extra"), [(figure, RDF.type, RER.DerivedFigure)])
    assert infer(writable) == first + 2  # rer:TradeFlow and qb:Observation
    inferred = _inferred(writable)
    assert (figure, RDF.type, RER.TradeFlow) in inferred
    assert (figure, RDF.type, QB.Observation) in inferred
    writable.drop_graph(graph_for("test/extra"))
    assert infer(writable) == first
    assert (figure, RDF.type, RER.TradeFlow) not in _inferred(writable)


def _small_store() -> OxigraphStore:
    """The ontology plus a little of everything, and test axioms for the
    families the ontology does not use (symmetric, equivalent class/property)."""
    store = OxigraphStore()
    store.add_triples(graph_for("ontology"), ontology_graph())
    ex = lambda name: URIRef(EX + name)  # noqa: E731
    data = [
        (ex("borders"), RDF.type, OWL.SymmetricProperty),
        (ex("neighbourOf"), RDFS.subPropertyOf, ex("borders")),
        (ex("Economy"), OWL.equivalentClass, RER.TradeArea),
        (ex("area"), OWL.equivalentProperty, RER.partner),
        (ex("containedIn"), OWL.inverseOf, ex("contains")),
        (ex("contains"), RDFS.subPropertyOf, ex("includes")),
        (country("KAZ"), RDF.type, RER.Country),
        (country("KGZ"), RDF.type, RER.Country),
        (country("KAZ"), ex("neighbourOf"), country("KGZ")),
        (country("KAZ"), RER.inRegion, region(143)),
        (region(143), RER.inRegion, region(142)),
        (region(142), RER.inRegion, region(1)),
        (region(143), ex("containedIn"), region(142)),
        (ex("agreement"), RER.party, country("KAZ")),
        (ex("agreement"), RDF.type, RER.BilateralAgreement),
        (ex("figure"), RDF.type, RER.DerivedFigure),
        (ex("figure"), RER.reporter, country("KAZ")),
        (ex("figure"), RER.value, Literal("5")),
        (ex("claim"), RER.states, ex("forecast")),
        (ex("forecast"), RDF.type, RER.Forecast),
        (ex("article"), RDF.type, RER.NewsArticle),
        (ex("article"), RER.publisher, Literal("An agency")),
    ]
    store.add_triples(graph_for("test/small"), data)
    return store


def test_infer_agrees_with_owlrl_on_the_implemented_families():
    store = _small_store()
    infer(store)
    mine = infer_inferred(store)
    reference = owlrl_inferred(owlrl_input(store_triples(store)))
    assert mine == reference
    ex = lambda name: URIRef(EX + name)  # noqa: E731
    assert (country("KGZ"), ex("borders"), country("KAZ")) in mine        # symmetric
    assert (region(142), ex("contains"), region(143)) in mine              # inverse
    assert (region(142), ex("includes"), region(143)) in mine              # inverse, then sub-property
    assert (country("KAZ"), RER.withinRegion, region(1)) in mine           # transitive
    assert (country("KAZ"), RDF.type, ex("Economy")) in mine               # equivalent class
    assert (ex("figure"), RDF.type, QB.Observation) in mine                # sub-class, transitively
    assert (ex("forecast"), RER.statedBy, ex("claim")) in mine             # inverse


def test_infer_agrees_with_owlrl_on_the_shipped_graph(built_dir, tmp_path):
    """The same on the whole default graph (owlrl takes seconds here)."""
    store_dir = tmp_path / "store"
    OxigraphStore(built_dir.current(), read_only=True).backup(store_dir)
    store = OxigraphStore(store_dir)
    infer(store)
    assert infer_inferred(store) == owlrl_inferred(owlrl_input(store_triples(store)))


class _Remote:
    """A store that is not the embedded one: `infer` takes its SPARQL path."""

    def __init__(self, inner: OxigraphStore) -> None:
        self._inner = inner

    def __getattr__(self, name):
        if name == "native":
            raise AttributeError(name)
        return getattr(self._inner, name)


def test_the_sparql_path_gives_the_same_graph():
    native, remote = _small_store(), _small_store()
    assert infer(native) == infer(_Remote(remote))
    assert infer_inferred(native) == infer_inferred(remote)
