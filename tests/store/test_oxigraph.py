"""The embedded store: named graphs, the union default graph, safe bindings, errors."""
from __future__ import annotations

import io

import pytest
from rdflib import Literal, URIRef

from kg.errors import QueryError
from kg.store import OxigraphStore

EX = "http://example.org/"
G1, G2 = URIRef(EX + "g1"), URIRef(EX + "g2")
P = URIRef(EX + "p")


@pytest.fixture(params=["memory", "disk"])
def store(request, tmp_path):
    s = OxigraphStore(None if request.param == "memory" else tmp_path / "db")
    s.replace_graph(G1, [(URIRef(EX + "a"), P, Literal(1))])
    s.replace_graph(G2, [(URIRef(EX + "b"), P, Literal(2)), (URIRef(EX + "c"), P, Literal("x'\"<>"))])
    return s


def test_default_graph_is_the_union_and_graph_picks_one(store):
    rows = list(store.query("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"))
    assert [str(r["s"]) for r in rows] == [EX + "a", EX + "b", EX + "c"]
    rows = list(store.query(f"SELECT ?s WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"))
    assert [str(r["s"]) for r in rows] == [EX + "a"]


def test_default_graphs_restrict_the_dataset(store):
    rows = list(store.query("SELECT ?s WHERE { ?s ?p ?o }", default_graphs=[str(G2)]))
    assert {str(r["s"]) for r in rows} == {EX + "b", EX + "c"}


def test_replace_graph_replaces_rather_than_appends(store):
    store.replace_graph(G1, [(URIRef(EX + "z"), P, Literal(9))])
    assert store.count(G1) == 1
    assert store.count() == 3
    assert sorted(map(str, store.graphs())) == [str(G1), str(G2)]


def test_bindings_are_terms_not_text(store):
    hostile = Literal('x\'"<> } ; DROP ALL #')
    rows = list(store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"o": hostile}))
    assert rows == []
    rows = list(store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"o": Literal("x'\"<>")}))
    assert [str(r["s"]) for r in rows] == [EX + "c"]


def test_syntax_error_names_the_position(store):
    with pytest.raises(QueryError, match=r"1:\d+"):
        store.query("SELECT * WHERE { ?s ?p }")


def test_standard_prefixes_are_predeclared(store):
    assert store.query("ASK { ?s a rer:Country }").boolean is False


def test_dump_keeps_named_graphs(store):
    out = io.BytesIO()
    store.dump(out, "nquads")
    text = out.getvalue().decode()
    assert f"<{G1}>" in text and f"<{G2}>" in text
