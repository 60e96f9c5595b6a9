"""The JSON API, the dataset description, health and the query page."""
from __future__ import annotations

import csv
import io
import re

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

from kg.namespace import GRAPH, bloc
from tests.server.live import TIMEOUT


def _get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=TIMEOUT, **kwargs)


def test_catalog_list(base):
    r = _get(base + "/api/queries")
    assert r.status_code == 200
    queries = {q["name"]: q for q in r.json()["queries"]}
    members = queries["bloc_members"]
    assert members["title"]
    assert members["returns"] == ["country", "iso3", "label", "start", "end"]
    params = {p["name"]: p for p in members["params"]}
    assert params["bloc"]["type"] == "bloc" and params["bloc"]["required"] is True
    assert params["date"]["type"] == "date" and params["date"]["default"] == "today"


def test_run_bloc_members(base):
    r = _get(base + "/api/queries/bloc_members", params={"bloc": "EAEU", "date": "2015-03-01"})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    data = r.json()
    assert data["head"]["vars"] == ["country", "iso3", "label", "start", "end"]
    assert [b["iso3"]["value"] for b in data["results"]["bindings"]] == ["ARM", "BLR", "KAZ", "RUS"]


def test_run_bloc_members_as_csv(base):
    r = _get(base + "/api/queries/bloc_members", params={"bloc": "EAEU", "date": "2015-03-01"},
             headers={"Accept": "text/csv"})
    assert r.headers["Content-Type"].startswith("text/csv")
    assert [row["iso3"] for row in csv.DictReader(io.StringIO(r.text))] == ["ARM", "BLR", "KAZ", "RUS"]


def test_catalog_errors_are_json(base):
    missing = _get(base + "/api/queries/bloc_members", params={"date": "2015-03-01"})
    assert missing.status_code == 400
    assert "bloc" in missing.json()["error"]["message"]
    bad_date = _get(base + "/api/queries/bloc_members", params={"bloc": "EAEU", "date": "March"})
    assert bad_date.status_code == 400
    assert "YYYY-MM-DD" in bad_date.json()["error"]["message"]
    unknown = _get(base + "/api/queries/bloc_members", params={"bloc": "EAEU", "colour": "red"})
    assert unknown.status_code == 400
    assert _get(base + "/api/queries/no_such_query").status_code == 404


def test_entity_api(base):
    r = _get(base + "/api/entity", params={"iri": str(bloc("EAEU"))})
    assert r.status_code == 200
    data = r.json()
    assert data["label"] == "Eurasian Economic Union"
    assert data["page"].endswith("/id/bloc/EAEU")
    assert data["codes"]["short name"] == "EAEU"
    assert _get(base + "/api/entity", params={"iri": "https://example.org/none"}).status_code == 404
    assert _get(base + "/api/entity", params={"iri": "not an iri"}).status_code == 400


def test_void(base):
    for path in ("/void", "/.well-known/void"):
        r = _get(base + path, headers={"Accept": "text/turtle"})
        assert r.status_code == 200
        g = Graph().parse(data=r.text, format="turtle")
        dataset = next(s for s in g.subjects(VOID.sparqlEndpoint, None))
        assert (dataset, RDF.type, VOID.Dataset) in g
        assert (dataset, VOID.sparqlEndpoint, URIRef(base + "/sparql")) in g
        assert int(g.value(dataset, VOID.triples)) > 1000
        assert g.value(dataset, DCTERMS.license) is not None
        subsets = set(g.objects(dataset, VOID.subset))
        assert GRAPH["blocs"] in subsets
        assert int(g.value(GRAPH["blocs"], VOID.triples)) > 100
    as_jsonld = _get(base + "/void", headers={"Accept": "application/ld+json"})
    assert (None, VOID.sparqlEndpoint, None) in Graph().parse(data=as_jsonld.content, format="json-ld")


def test_health(base):
    r = _get(base + "/health")
    assert r.status_code == 200
    data = r.json()
    assert data["status"] == "ok" and data["triples"] > 0 and data["build"]


def test_query_page_works_offline(base):
    r = _get(base + "/", headers={"Accept": "text/html"})
    assert r.status_code == 200
    html = r.text
    assert "<textarea" in html and "ui.js" in html
    # Everything the page loads comes from this server.
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/") or url.startswith("#"), url
    assert _get(base + "/static/ui.js").status_code == 200
    assert _get(base + "/static/style.css").status_code == 200


def test_unknown_route_is_404(base):
    assert _get(base + "/nope", headers={"Accept": "application/json"}).status_code == 404
