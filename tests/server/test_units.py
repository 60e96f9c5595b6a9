"""The server's building blocks, without HTTP: query inspection, SERVICE
policy, negotiation, the row bridge and the streaming body."""
from __future__ import annotations

import io
import json
import time

import pyoxigraph as ox
import pytest
from werkzeug.datastructures import MIMEAccept

from server import negotiation, service_policy, streaming
from server.chunks import CHUNK_SIZE
from server.formats import GRAPH_FORMATS, RESULT_FORMATS, by_name
from server.query_text import QueryFacts
from server.spool import ResultSpool


@pytest.mark.parametrize("query,service,dataset", [
    ("SELECT * { ?s ?p ?o }", False, False),
    ("PREFIX ex: <http://x/#FROM>\n# SERVICE\nCONSTRUCT WHERE { ?s ex:SERVICE 'SERVICE' }", False, False),
    (r"ASK { \u0053ERVICE <x:y> {} }", True, False),
    ("select ?x from <http://g/> { ?x ?p ?o FILTER(?x<?y) }", False, True),
    ("SELECT ?service ?from { ?service ?p ?from }", False, False),
    ('SELECT ?x { BIND("""FROM\nSERVICE""" AS ?x) }', False, False),
])
def test_query_facts(query, service, dataset):
    facts = QueryFacts(query)
    assert (facts.mentions_service, facts.has_dataset_clause) == (service, dataset)


def test_service_policy():
    allowed = frozenset({"https://query.wikidata.org/sparql"})
    service_policy.check("SELECT * { ?s ?p ?o }", allowed)
    service_policy.check("PREFIX w: <https://query.wikidata.org/> SELECT * { SERVICE w:sparql { ?s ?p ?o } }", allowed)
    service_policy.check("BASE <https://query.wikidata.org/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }", allowed)
    for refused in ("SELECT * { SERVICE <http://evil/> { ?s ?p ?o } }",
                    "SELECT * { SERVICE ?x { ?s ?p ?o } }",
                    "SELECT * { { SELECT ?s { SERVICE SILENT <http://e/> { ?s ?p ?o } } } }",
                    "SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o  }"):
        with pytest.raises(service_policy.ServiceRefused):
            service_policy.check(refused, allowed)


def test_negotiation():
    accept = MIMEAccept([("text/csv", 1), ("application/json", 0.5)])
    assert negotiation.choose(RESULT_FORMATS, accept).name == "csv"
    assert negotiation.choose(RESULT_FORMATS, MIMEAccept()).name == "json"
    assert negotiation.choose(GRAPH_FORMATS, MIMEAccept([("*/*", 1)])).name == "turtle"
    assert negotiation.choose(GRAPH_FORMATS, MIMEAccept([("application/json", 1)])).name == "jsonld"
    assert negotiation.choose(GRAPH_FORMATS, MIMEAccept(), "xml").name == "rdfxml"
    assert negotiation.choose(RESULT_FORMATS, MIMEAccept(), "xml").name == "xml"
    with pytest.raises(negotiation.NotAcceptable):
        negotiation.choose(RESULT_FORMATS, MIMEAccept([("image/png", 1)]))
    with pytest.raises(negotiation.NotAcceptable):
        negotiation.choose(RESULT_FORMATS, MIMEAccept(), "turtle")
    with pytest.raises(negotiation.UnknownFormat):
        negotiation.choose(RESULT_FORMATS, MIMEAccept(), "excel")
    browser = MIMEAccept([("text/html", 1), ("application/xml", 0.9), ("*/*", 0.8)])
    assert negotiation.prefers_html(browser, GRAPH_FORMATS)
    assert not negotiation.prefers_html(MIMEAccept([("*/*", 1)]), GRAPH_FORMATS)


def test_rows_bridge_keeps_terms_intact():
    rows = [[ox.Literal('tab\there\n"quoted"'), None, ox.NamedNode("http://e/a%2Fb")],
            [ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
             ox.Literal("hi", language="en"), ox.BlankNode("b0")]]
    out = io.BytesIO()
    with ResultSpool("select", 10) as spooled:
        spooled.fill_rows(["a", "b", "c"], iter(rows))
        spooled.write(ox.QueryResultsFormat.JSON, None, out)
    data = json.loads(out.getvalue())
    first, second = data["results"]["bindings"]
    assert first["a"]["value"] == 'tab\there\n"quoted"' and "b" not in first
    assert first["c"] == {"type": "uri", "value": "http://e/a%2Fb"}
    assert second["b"] == {"type": "literal", "value": "hi", "xml:lang": "en"}
    assert second["c"]["type"] == "bnode"


def test_stream_delivers_everything_in_chunks():
    def produce(out):
        for i in range(2000):
            out.write(b"x" * 100)
    body = b"".join(streaming.stream(produce, by_name(RESULT_FORMATS, "json"), timeout=10))
    assert body == b"x" * 200_000


def test_stream_past_the_time_limit_ends_with_an_error():
    def produce(out):
        out.write(b'{"head":{"vars":[]},"results":{"bindings":[' + b" " * CHUNK_SIZE)
        time.sleep(1)
        out.write(b"]}}")
    chunks = []
    with pytest.raises(streaming.StreamAborted):
        for chunk in streaming.stream(produce, by_name(RESULT_FORMATS, "json"), timeout=0.2):
            chunks.append(chunk)
    assert b"time limit" in chunks[-1] and b'"error"' in chunks[-1]


def test_stream_stops_the_producer_when_the_reader_leaves():
    finished = []

    def produce(out):
        try:
            while True:
                out.write(b"y" * CHUNK_SIZE)
        finally:
            finished.append(True)
    body = streaming.stream(produce, by_name(GRAPH_FORMATS, "turtle"), timeout=10)
    next(body)
    body.close()
    deadline = time.monotonic() + 5
    while not finished and time.monotonic() < deadline:
        time.sleep(0.05)
    assert finished


def test_declare_prefixes_adds_what_a_query_uses():
    from kg.namespace import PREFIXES
    from server.query_text import declare_prefixes

    text = "# title: x\n\nSELECT * { ?s a rer:Country ; rdfs:label \"skos:no\" ; <http://x/owl:no> ?o } # xsd:no"
    declared = declare_prefixes(text, PREFIXES)
    assert declared.startswith("# title: x\n\nPREFIX rer: <") and "PREFIX rdfs: <" in declared
    assert "PREFIX skos:" not in declared and "PREFIX owl:" not in declared and "PREFIX xsd:" not in declared
    assert declared.endswith(text.split("\n\n", 1)[1])
    already = "PREFIX rdfs: <http://other/>\nSELECT * { ?s rdfs:label ?o }"
    assert declare_prefixes(already, PREFIXES) == already


def test_update_dataset_becomes_using_clauses():
    from server.errors import ApiError
    from server.updates import with_dataset

    update = ('INSERT DATA { <http://a> <http://b> "WHERE {" } ;\n'
              "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } # WHERE\nWHERE { ?s ?p ?o FILTER EXISTS { ?s ?p ?x } }")
    rewritten = with_dataset(update, ["http://g/1"], ["http://g/2"])
    assert rewritten.count("USING <http://g/1> USING NAMED <http://g/2> WHERE {") == 1
    assert rewritten.replace("USING <http://g/1> USING NAMED <http://g/2> ", "") == update
    assert with_dataset(update, [], []) == update
    for refused in ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                    "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }",
                    "DELETE WHERE { ?s ?p ?o }"):
        with pytest.raises(ApiError) as caught:
            with_dataset(refused, ["http://g/1"], [])
        assert caught.value.status == 400


def test_worker_answers_over_a_pipe():
    """The worker code itself, on a thread of this process: a small result in
    one message; a large one as head, chunks, end."""
    from multiprocessing import Pipe

    from server.query_worker import Worker

    store = ox.Store()
    store.update("INSERT DATA { <http://e/a> <http://e/p> 1, 2, 3 }")
    ours, theirs = Pipe()
    worker = Worker(theirs, store)
    job = {"store": "", "query": "SELECT ?o WHERE { ?s ex:p ?o } ORDER BY ?o", "base_iri": None,
           "prefixes": {"ex": "http://e/"}, "default_graphs": None, "named_graphs": None,
           "union_default_graph": False, "formats": {"select": "csv", "ask": "json", "graph": None},
           "max_results": 2, "columns": None, "limit": None}
    worker.run(job)
    tag, head, body = ours.recv()
    assert (tag, head) == ("whole", {"kind": "select", "variables": ["o"], "truncated": True})
    assert body.decode().split() == ["o", "1", "2"] and not ours.poll(0.1)

    from server.chunks import CHUNK_SIZE
    big = "".join(f'<http://e/s{i}> <http://e/p> "value number {i:08d}" . ' for i in range(CHUNK_SIZE // 8))
    store.update(f"INSERT DATA {{ {big} }}")
    worker.run({**job, "max_results": 10 ** 6})
    messages = []
    while ours.poll(1):
        messages.append(ours.recv())
        if messages[-1] == ("end",):
            break
    assert messages[0] == ("head", {"kind": "select", "variables": ["o"], "truncated": False})
    chunks = [m[1] for m in messages if m[0] == "chunk"]
    assert len(chunks) >= 2 and len(messages) == len(chunks) + 2
    assert len(b"".join(chunks).decode().splitlines()) == 1 + 3 + CHUNK_SIZE // 8
    worker.run({**job, "query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert ours.recv() == ("unacceptable", "graph")
    worker.run({**job, "query": "SELECT ?o WHERE {"})
    tag, kind, message = ours.recv()
    assert (tag, kind) == ("error", "syntax") and message.startswith("SPARQL syntax error")
