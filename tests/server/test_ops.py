"""Health checks, Prometheus metrics and the dataset dump."""
from __future__ import annotations

import gzip
import threading
import time

import pyoxigraph as ox
import requests
from prometheus_client.parser import text_string_to_metric_families
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, VOID

from kg.namespace import GRAPH
from tests.server.conftest import serve
from tests.server.live import TIMEOUT


def _get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=TIMEOUT, **kwargs)


def _samples(base: str) -> dict[str, list]:
    r = _get(base + "/metrics")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    out: dict[str, list] = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append(sample)
    return out


def test_healthz_says_what_is_served(base):
    for path in ("/healthz", "/health"):
        body = _get(base + path).json()
        assert body["status"] == "ok" and body["triples"] > 1000 and body["build"]


def test_healthz_is_503_without_a_build(tmp_path):
    with serve(tmp_path / "empty") as server:
        r = _get(server.url + "/healthz")
        assert r.status_code == 503 and r.json()["status"] == "unavailable"
        assert r.headers["Retry-After"]


def test_metrics_count_requests_errors_latency_and_timeouts(data_dir):
    with serve(data_dir, KG_QUERY_TIMEOUT=1) as server:
        base = server.url
        for _ in range(3):
            assert _get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200
        assert _get(base + "/sparql", params={"query": "SELECT WHERE"}).status_code == 400
        slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert _get(base + "/sparql", params={"query": slow}).status_code == 503
        time.sleep(0.5)  # latency is observed when the server closes a response, after sending it
        samples = _samples(base)

    def value(name: str, **labels) -> float:
        return sum(s.value for s in samples.get(name, [])
                   if all(s.labels.get(k) == v for k, v in labels.items()))
    assert value("kg_http_requests_total", endpoint="sparql.endpoint", status="200") == 3
    assert value("kg_http_requests_total", endpoint="sparql.endpoint", status="400") == 1
    assert value("kg_http_errors_total", endpoint="sparql.endpoint", status="503") == 1
    assert value("kg_query_timeouts_total") == 1
    assert value("kg_http_request_duration_seconds_count", endpoint="sparql.endpoint") >= 4
    assert value("kg_query_workers", state="limit") >= 1


def test_dump_is_gzip_nquads_of_every_graph(base):
    r = _get(base + "/dumps/regecon.nq.gz")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/gzip"
    assert "regecon.nq.gz" in r.headers["Content-Disposition"]
    quads = list(ox.parse(gzip.decompress(r.content), ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert str(GRAPH["countries"]) in graphs and str(GRAPH["meta"]) in graphs
    count = _get(base + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"},
                 headers={"Accept": "application/sparql-results+json"}).json()
    assert len(quads) == int(count["results"]["bindings"][0]["n"]["value"])
    again = _get(base + "/dumps/regecon.nq.gz", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    part = _get(base + "/dumps/regecon.nq.gz", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == r.content[:10]


def test_concurrent_first_downloads_get_the_same_dump(data_dir, tmp_path):
    with serve(data_dir) as server:
        bodies: list[bytes] = []

        def fetch() -> None:
            bodies.append(_get(server.url + "/dumps/regecon.nq.gz").content)
        threads = [threading.Thread(target=fetch) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(bodies) == 4 and len(set(bodies)) == 1
    assert [p.name for p in (data_dir.path / "dumps").iterdir() if p.name.startswith(".partial")] == []


def test_void_links_the_dump(base):
    g = Graph().parse(data=_get(base + "/.well-known/void", headers={"Accept": "text/turtle"}).text,
                      format="turtle")
    dump = URIRef(base + "/dumps/regecon.nq.gz")
    assert (None, VOID.dataDump, dump) in g
    assert (dump, DCAT.downloadURL, dump) in g
    assert (dump, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/application/n-quads")) in g


def test_dump_from_a_relative_data_directory(data_dir, monkeypatch):
    """`kg serve` defaults to the relative `var/kg`; the dump must still be found."""
    monkeypatch.chdir(data_dir.path.parent)
    with serve(data_dir.path.name) as server:
        r = _get(server.url + "/dumps/regecon.nq.gz")
    assert r.status_code == 200 and gzip.decompress(r.content)
