"""`check`: HermiT on the ontology and the ABox, and the culprits of an inconsistency."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from kg.namespace import RDF, RER, country, graph_for
from kg.quality import check
from kg.quality.reasoning import culprits
from kg.sources.ontology import ontology_graph

from .conftest import needs_java

BOTH = URIRef("https://example.org/both-country-and-bloc")


@needs_java
def test_the_shipped_graph_is_consistent(built_dir):
    report = check(built_dir.open())
    assert report.consistent, report.text()
    assert report.unsatisfiable == []
    assert report.culprits == []
    assert report.exit_code == 0
    assert report.individuals > 400  # countries, regions, blocs, memberships, observations, claims
    assert "consistent" in report.text()


@needs_java
def test_a_country_that_is_also_a_bloc_is_named(writable):
    writable.add_triples(graph_for("test/bad"), [(BOTH, RDF.type, RER.Country),
                                                 (BOTH, RDF.type, RER.RegionalBloc)])
    report = check(writable)
    assert not report.consistent
    assert report.exit_code != 0
    named = {c.individual for c in report.culprits}
    assert named == {BOTH}, report.text()
    assert set(report.culprits[0].classes) == {RER.Country, RER.RegionalBloc}
    text = report.text()
    assert "INCONSISTENT" in text and str(BOTH) in text
    assert "rer:Country" in text and "rer:RegionalBloc" in text


@needs_java
def test_an_rdflib_graph_is_checked_against_the_shipped_ontology():
    g = Graph()
    g.add((BOTH, RDF.type, RER.Country))
    g.add((BOTH, RDF.type, RER.RegionalBloc))
    report = check(g)
    assert not report.consistent
    assert [c.individual for c in report.culprits] == [BOTH]


def test_culprits_through_subclasses_domains_ranges_and_functional_properties():
    """The SPARQL culprit checks on their own (no Java needed)."""
    g = ontology_graph()
    article_country = URIRef("https://example.org/article-and-country")
    g.add((article_country, RDF.type, RER.NewsArticle))  # a SourceDocument, disjoint with Country
    g.add((article_country, RDF.type, RER.Country))
    claim = URIRef("https://example.org/claim")
    g.add((claim, RER.speaker, country("KAZ")))  # the range makes KAZ a Person
    g.add((country("KAZ"), RDF.type, RER.Country))
    g.add((country("KGZ"), RER.iso3166Alpha3, Literal("KGZ")))
    g.add((country("KGZ"), RER.iso3166Alpha3, Literal("KGX")))
    from kg.quality.reasoning import _as_store
    found = {c.individual: c for c in culprits(_as_store(g))}
    assert set(found) == {article_country, country("KAZ"), country("KGZ")}
    assert set(found[article_country].classes) == {RER.Country, RER.SourceDocument}
    assert found[country("KAZ")].property == RER.speaker
    assert found[country("KGZ")].property == RER.iso3166Alpha3


def test_equal_values_of_a_functional_property_are_no_culprit():
    g = ontology_graph()
    g.add((country("KGZ"), RER.iso3166Numeric, Literal("417")))
    from kg.quality.reasoning import _as_store
    assert culprits(_as_store(g)) == []


@needs_java
def test_observations_beyond_the_cap_are_still_checked(writable):
    obs = URIRef("https://example.org/obs-that-is-a-forecast")
    writable.add_triples(graph_for("test/bad"), [(obs, RDF.type, RER.TradeFlow),
                                                 (obs, RDF.type, RER.Forecast)])
    report = check(writable, max_records=0)
    assert report.skipped_records > 0
    assert not report.consistent
    assert obs in {c.individual for c in report.culprits}


@pytest.mark.parametrize("name", ["functional_conflicts", "schema_axioms"])
def test_reasoner_queries_parse(name):
    from rdflib.plugins.sparql import prepareQuery

    from kg.quality import queries
    prepareQuery(queries.load(name))
