"""The ontology: every term documented, and consistent under HermiT."""
from __future__ import annotations

import shutil

import owlready2
import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from kg.namespace import RER
from kg.sources.ontology import ontology_graph


def test_every_term_has_a_label_and_a_definition():
    g = ontology_graph()
    terms = {s for s in g.subjects() if str(s).startswith(str(RER))}
    assert len(terms) > 60
    undocumented = [t for t in terms if (t, RDFS.label, None) not in g or (t, SKOS.definition, None) not in g]
    assert not undocumented, undocumented


def test_standard_vocabularies_are_reused():
    g = ontology_graph()
    assert (RER.TradeFlow, RDFS.subClassOf, URIRef("http://purl.org/linked-data/cube#Observation")) in g
    assert (RER.Membership, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Membership")) in g
    assert (RER.tradeStructure, RDF.type, URIRef("http://purl.org/linked-data/cube#DataStructureDefinition")) in g


def _hermit(graph: Graph, tmp_path):
    path = tmp_path / "onto.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")
def test_hermit_finds_the_ontology_consistent(tmp_path):
    world = _hermit(ontology_graph(), tmp_path)
    assert list(world.inconsistent_classes()) == []


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")
def test_hermit_rejects_a_country_that_is_also_a_bloc(tmp_path):
    g = ontology_graph()
    thing = URIRef("https://example.org/both")
    g.add((thing, RDF.type, RER.Country))
    g.add((thing, RDF.type, RER.RegionalBloc))
    g.add((thing, RDF.type, OWL.NamedIndividual))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit(g, tmp_path)
