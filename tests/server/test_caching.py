"""ETags from the dataset's version: a repeated GET with If-None-Match is
answered 304 without running anything, and a new build changes every tag."""
from __future__ import annotations

import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.build import build
from kg.store.layout import DataDir
from tests.server.conftest import SOURCES, serve
from tests.server.live import TIMEOUT

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a rer:Country }"


def _get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=TIMEOUT, **kwargs)


def _metric(base: str, name: str) -> float:
    total = 0.0
    for line in _get(base + "/metrics").text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_query_answers_carry_a_weak_etag_and_304_on_match(base):
    first = _get(base + "/sparql", params={"query": QUERY}, headers={"Accept": "application/sparql-results+json"})
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache"
    before = _metric(base, 'kg_http_requests_total{endpoint="sparql.endpoint",method="GET",status="304"}')
    again = _get(base + "/sparql", params={"query": QUERY},
                 headers={"Accept": "application/sparql-results+json", "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == tag
    assert "X-KG-Build" in again.headers and again.headers["Access-Control-Allow-Origin"] == "*"
    after = _metric(base, 'kg_http_requests_total{endpoint="sparql.endpoint",method="GET",status="304"}')
    assert after == before + 1


def test_the_tag_depends_on_the_query_and_the_format(base):
    def tag(query: str, accept: str) -> str:
        return _get(base + "/sparql", params={"query": query}, headers={"Accept": accept}).headers["ETag"]
    json_tag = tag(QUERY, "application/sparql-results+json")
    assert tag(QUERY, "text/csv") != json_tag
    assert tag(QUERY + " LIMIT 1", "application/sparql-results+json") != json_tag
    assert tag(QUERY, "application/sparql-results+json") == json_tag
    stale = _get(base + "/sparql", params={"query": QUERY},
                 headers={"Accept": "text/csv", "If-None-Match": json_tag})
    assert stale.status_code == 200 and stale.text.startswith("n")


def test_pages_catalog_and_descriptions_are_conditional(base):
    for path, accept in [("/id/country/KAZ", "text/html"), ("/id/country/KAZ", "text/turtle"),
                         ("/api/queries/bloc_members?bloc=EAEU", "application/json"),
                         ("/.well-known/void", "text/turtle"), ("/sparql", "text/turtle")]:
        first = _get(base + path, headers={"Accept": accept})
        assert first.status_code == 200, path
        again = _get(base + path, headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path


def test_errors_and_posts_carry_no_etag(base):
    assert "ETag" not in _get(base + "/id/country/XXX").headers
    assert "ETag" not in _get(base + "/sparql", params={"query": "SELECT WHERE"}).headers
    posted = requests.post(base + "/sparql", data={"query": QUERY}, timeout=TIMEOUT)
    assert posted.status_code == 200 and "ETag" not in posted.headers
    assert "ETag" not in _get(base + "/metrics").headers


def test_sparqlwrapper_is_unaffected(base):
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(QUERY)
    client.setReturnFormat(JSON)
    assert int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"]) > 200


def test_a_rebuild_changes_every_tag(tmp_path):
    directory = DataDir(tmp_path / "data")
    build(directory, only=SOURCES)
    with serve(directory, KG_STORE_CHECK_INTERVAL=0.0) as server:
        first = _get(server.url + "/id/country/KAZ", headers={"Accept": "text/turtle"})
        build(directory, only=SOURCES)
        again = _get(server.url + "/id/country/KAZ",
                     headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 200
        assert again.headers["ETag"] != first.headers["ETag"]
        assert again.headers["X-KG-Build"] != first.headers["X-KG-Build"]
