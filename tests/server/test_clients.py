"""Standard SPARQL clients against the running server: SPARQLWrapper and
rdflib's SPARQLStore."""
from __future__ import annotations

import socket

import pytest
from rdflib import Graph, Literal
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, SPARQLWrapper, TURTLE, XML

from kg.namespace import country
from tests.server.live import TIMEOUT

MEMBERS = """SELECT ?iso3 WHERE {
  ?m org:organization ?bloc ; org:member ?c ; org:role rer:MemberRole .
  ?bloc rer:shortName "EAEU" .
  ?c rer:iso3166Alpha3 ?iso3 .
} ORDER BY ?iso3"""


def _wrapper(base: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(base + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setTimeout(TIMEOUT)
    return sparql


def test_sparqlwrapper_select_json(base):
    data = _wrapper(base, MEMBERS, JSON).queryAndConvert()
    codes = [b["iso3"]["value"] for b in data["results"]["bindings"]]
    assert {"ARM", "BLR", "KAZ", "KGZ", "RUS"} <= set(codes)


def test_sparqlwrapper_select_xml_and_csv(base):
    doc = _wrapper(base, MEMBERS, XML).queryAndConvert()
    values = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert "KAZ" in values
    text = _wrapper(base, MEMBERS, CSV).queryAndConvert()
    assert b"KAZ" in text and text.splitlines()[0] == b"iso3"


def test_sparqlwrapper_post_and_ask(base):
    sparql = _wrapper(base, 'ASK { ?c rer:iso3166Alpha3 "KAZ" }', JSON)
    sparql.setMethod(POST)
    assert sparql.queryAndConvert()["boolean"] is True


def test_sparqlwrapper_construct_turtle(base):
    query = 'CONSTRUCT { ?c ?p ?o } WHERE { ?c rer:iso3166Alpha3 "KAZ" ; ?p ?o }'
    data = _wrapper(base, query, TURTLE).queryAndConvert()
    g = Graph().parse(data=data, format="turtle")
    assert (country("KAZ"), None, Literal("KAZ")) in g


@pytest.fixture
def socket_timeout():
    """rdflib's SPARQLStore has no timeout of its own: bound it at the socket."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(TIMEOUT)
    yield
    socket.setdefaulttimeout(previous)


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(base, socket_timeout, method):
    store = SPARQLStore(base + "/sparql", method=method)
    graph = Graph(store=store)
    rows = list(graph.query(MEMBERS))
    assert {"ARM", "BLR", "KAZ", "RUS"} <= {str(row.iso3) for row in rows}
    assert graph.query('ASK { ?c rer:iso3166Alpha3 "KAZ" }').askAnswer is True
