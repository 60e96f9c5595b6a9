"""The result spool: one evaluation sizes a result, cuts it at the limit and
writes it in any format, the same as the engine's own serialisers would."""
from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest

from server import spool as spool_module
from server.spool import ResultSpool

EX = "http://example.org/"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for i in range(50):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i:02d}"), ox.NamedNode(EX + "p"),
                          ox.Literal(f"line one\nline\ttwo \"{i}\"", language="en")))
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i:02d}"), ox.NamedNode(EX + "n"), ox.Literal(i)))
    return store


def _spooled(store: ox.Store, query: str, limit: int) -> ResultSpool:
    result = store.query(query)
    kind = "graph" if isinstance(result, ox.QueryTriples) else "select"
    spooled = ResultSpool(kind, limit)
    spooled.fill_native(result)
    return spooled


SELECT = "SELECT ?s ?label ?n WHERE { ?s <http://example.org/p> ?label ; <http://example.org/n> ?n } ORDER BY ?s"


@pytest.mark.parametrize("limit, expected, truncated", [(10, 10, True), (49, 49, True),
                                                         (50, 50, False), (1000, 50, False)])
def test_select_is_cut_at_the_limit_and_says_so(store, limit, expected, truncated):
    with _spooled(store, SELECT, limit) as spooled:
        out = io.BytesIO()
        spooled.write(ox.QueryResultsFormat.JSON, None, out)
        assert (spooled.count, spooled.truncated) == (expected, truncated)
    rows = json.loads(out.getvalue())["results"]["bindings"]
    assert len(rows) == expected
    assert [r["n"]["value"] for r in rows] == [str(i) for i in range(expected)]


@pytest.mark.parametrize("fmt", [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML,
                                 ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV])
def test_spooled_select_equals_the_engine_serialisation(store, fmt):
    direct = io.BytesIO()
    store.query(SELECT).serialize(direct, fmt)
    with _spooled(store, SELECT, 1000) as spooled:
        out = io.BytesIO()
        spooled.write(fmt, None, out)
    assert out.getvalue() == direct.getvalue()


@pytest.mark.parametrize("rdf", [ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD])
def test_graph_results_keep_their_triples(store, rdf):
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    with _spooled(store, query, 30) as spooled:
        out = io.BytesIO()
        spooled.write(None, rdf, out, {"ex": EX})
        assert spooled.truncated and spooled.count == 30
    parsed = list(ox.parse(out.getvalue(), rdf))
    assert len(parsed) == 30
    assert {q.triple for q in parsed} <= {q.triple for q in store.quads_for_pattern(None, None, None)}


def test_no_variables_and_no_rows(store):
    with _spooled(store, "SELECT * WHERE {}", 5) as spooled:
        out = io.BytesIO()
        spooled.write(ox.QueryResultsFormat.JSON, None, out)
    assert json.loads(out.getvalue())["results"]["bindings"] == [{}]
    with _spooled(store, "SELECT ?x WHERE { ?x ?y 'nothing' }", 5) as spooled:
        out = io.BytesIO()
        spooled.write(ox.QueryResultsFormat.JSON, None, out)
        assert (spooled.count, spooled.truncated) == (0, False)
    assert json.loads(out.getvalue())["results"]["bindings"] == []


def test_a_large_result_moves_to_disk_and_stops_at_the_limit(store, monkeypatch):
    monkeypatch.setattr(spool_module, "MEMORY_BYTES", 1024)
    query = "SELECT ?i WHERE { VALUES ?x { 1 2 3 4 5 6 7 8 9 10 } VALUES ?y { 1 2 3 4 5 6 7 8 9 10 } " \
            "VALUES ?z { 1 2 3 4 5 6 7 8 9 10 } BIND(?x * 100 + ?y * 10 + ?z AS ?i) }"
    with _spooled(store, query, 999) as spooled:
        assert spooled._file._rolled  # on disk, not in memory
        out = io.BytesIO()
        spooled.write(ox.QueryResultsFormat.TSV, None, out)
        assert (spooled.count, spooled.truncated) == (999, True)
    assert out.getvalue().count(b"\n") == 1000


def test_the_check_can_abandon_a_query(store):
    class Stop(Exception):
        pass

    def check():
        raise Stop

    with pytest.raises(Stop):
        ResultSpool("select", 10, check).fill_native(store.query(SELECT))
