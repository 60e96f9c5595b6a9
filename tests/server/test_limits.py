"""Limits and opt-ins that need a server of their own: result truncation,
the query time limit, updates with a token, and a writable embedded store."""
from __future__ import annotations

import csv
import io

import pytest
import requests
from rdflib import Graph

from kg.store.oxigraph import OxigraphStore
from server import create_app
from tests.server.conftest import serve
from tests.server.live import TIMEOUT, LiveServer

COUNTRIES = "SELECT ?c ?iso3 WHERE { ?c rer:iso3166Alpha3 ?iso3 } ORDER BY ?iso3"
UPDATE = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"


@pytest.fixture(scope="module")
def small(data_dir):
    with serve(data_dir, KG_MAX_RESULTS=5) as server:
        yield server


def test_truncated_select_is_valid_and_flagged(small):
    r = requests.get(small.url + "/sparql", params={"query": COUNTRIES}, timeout=TIMEOUT)
    assert r.status_code == 200
    assert r.headers["X-KG-Result-Truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 5
    as_csv = requests.get(small.url + "/sparql", params={"query": COUNTRIES, "format": "csv"}, timeout=TIMEOUT)
    assert as_csv.headers["X-KG-Result-Truncated"] == "true"
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == 5


def test_result_at_the_limit_is_not_flagged(small):
    r = requests.get(small.url + "/sparql", params={"query": COUNTRIES + " LIMIT 5"}, timeout=TIMEOUT)
    assert "X-KG-Result-Truncated" not in r.headers
    assert len(r.json()["results"]["bindings"]) == 5


def test_truncated_construct_is_valid(small):
    query = "CONSTRUCT { ?c rer:iso3166Alpha3 ?iso3 } WHERE { ?c rer:iso3166Alpha3 ?iso3 }"
    r = requests.get(small.url + "/sparql", params={"query": query}, headers={"Accept": "text/turtle"},
                     timeout=TIMEOUT)
    assert r.headers["X-KG-Result-Truncated"] == "true"
    assert len(Graph().parse(data=r.text, format="turtle")) == 5


def test_catalog_results_are_cut_too(small):
    r = requests.get(small.url + "/api/queries/bloc_members", params={"bloc": "CIS", "date": "2000-01-01"},
                     timeout=TIMEOUT)
    assert r.headers["X-KG-Result-Truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 5


def test_slow_query_times_out_with_503(data_dir):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a a rer:Country . ?b a rer:Country . ?c a rer:Country }"
    with serve(data_dir, KG_QUERY_TIMEOUT=0.2) as server:
        r = requests.get(server.url + "/sparql", params={"query": slow},
                         headers={"Accept": "application/sparql-results+json"}, timeout=TIMEOUT)
        assert r.status_code == 503
        assert "KG_QUERY_TIMEOUT" in r.json()["error"]["message"]
        quick = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=TIMEOUT)
        assert quick.status_code == 200


def test_update_token_on_a_data_directory_is_501(data_dir):
    with serve(data_dir, KG_UPDATE_TOKEN="s3cret") as server:
        url = server.url + "/sparql"
        headers = {"Content-Type": "application/sparql-update"}
        missing = requests.post(url, data=UPDATE, headers=headers, timeout=TIMEOUT)
        assert missing.status_code == 401
        assert missing.headers["WWW-Authenticate"].startswith("Bearer")
        wrong = requests.post(url, data=UPDATE, headers={**headers, "Authorization": "Bearer nope"},
                              timeout=TIMEOUT)
        assert wrong.status_code == 403
        right = requests.post(url, data=UPDATE, headers={**headers, "Authorization": "Bearer s3cret"},
                              timeout=TIMEOUT)
        assert right.status_code == 501
        assert "read-only" in right.text


def test_update_with_token_on_a_writable_store():
    store = OxigraphStore()
    with LiveServer(create_app(store=store, config={"KG_UPDATE_TOKEN": "s3cret"})) as server:
        r = requests.post(server.url + "/sparql", data={"update": UPDATE},
                          headers={"Authorization": "Bearer s3cret"}, timeout=TIMEOUT)
        assert r.status_code == 204
        ask = requests.get(server.url + "/sparql", params={"query": "ASK { <http://example.org/a> ?p 1 }"},
                           timeout=TIMEOUT)
        assert ask.json()["boolean"] is True


class _OtherStore:
    """A store that is not an Oxigraph store (as a remote one would be): the
    app queries it through the toolkit's store interface, on threads."""

    def __init__(self, inner: OxigraphStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def test_other_stores_are_queried_in_process_within_the_limits(data_dir):
    store = _OtherStore(data_dir.open(read_only=True))
    app = create_app(store=store, config={"KG_QUERY_TIMEOUT": 0.3, "KG_MAX_RESULTS": 5})
    assert app.extensions["kg"].pool is None
    with LiveServer(app) as server:
        r = requests.get(server.url + "/sparql", params={"query": COUNTRIES}, timeout=TIMEOUT)
        assert r.status_code == 200 and r.headers["X-KG-Result-Truncated"] == "true"
        assert len(r.json()["results"]["bindings"]) == 5
        csv_rows = requests.get(server.url + "/api/queries/bloc_members", timeout=TIMEOUT,
                                params={"bloc": "EAEU", "date": "2015-03-01", "format": "csv"})
        assert [row["iso3"] for row in csv.DictReader(io.StringIO(csv_rows.text))] == ["ARM", "BLR", "KAZ", "RUS"]
        # Small enough that the thread, which cannot be stopped, ends soon after.
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a a rer:Country . ?b a rer:Country . ?c a rer:Country }"
        timed_out = requests.get(server.url + "/sparql", params={"query": slow}, timeout=TIMEOUT,
                                 headers={"Accept": "application/sparql-results+json"})
        assert timed_out.status_code == 503
        assert "KG_QUERY_TIMEOUT" in timed_out.json()["error"]["message"]


def test_runaway_query_on_a_given_store_stops_its_thread():
    store = OxigraphStore()
    store.update("INSERT DATA { " + " ".join(f"<http://e/s{i}> <http://e/p> {i} ." for i in range(300)) + " }")
    app = create_app(store=store, config={"KG_QUERY_TIMEOUT": 0.5, "KG_QUERY_WORKERS": 1,
                                          "KG_MAX_RESULTS": 50_000_000})
    with LiveServer(app) as server:
        slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 27 million rows, counted one by one
        r = requests.get(server.url + "/sparql", params={"query": slow}, timeout=TIMEOUT,
                         headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 503
        # The only slot is free again once the thread has seen the cancellation.
        quick = requests.get(server.url + "/sparql", params={"query": "ASK { ?s ?p 7 }"}, timeout=TIMEOUT)
        assert quick.status_code == 200 and quick.json()["boolean"] is True
