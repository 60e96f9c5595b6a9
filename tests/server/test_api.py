"""The JSON API, the dataset description, health and the query page."""
from __future__ import annotations

import csv
import io
import json
import re

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

from kg.namespace import GRAPH, PREFIXES, bloc
from server import vendor
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
    twice = _get(base + "/api/queries/bloc_members", params=[("bloc", "EAEU"), ("bloc", "ASEAN")])
    assert twice.status_code == 400 and "bloc given more than once" in twice.json()["error"]["message"]
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


def _local_only(html: str) -> None:
    """Everything the page loads comes from this server."""
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/") or url.startswith("#"), url


def test_query_page_is_yasgui_served_offline(base):
    r = _get(base + "/", headers={"Accept": "text/html"})
    assert r.status_code == 200
    html = r.text
    _local_only(html)
    assert "/static/vendor/yasgui.min.js" in html and "/static/query.js" in html
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert "style-src-elem 'self' 'unsafe-inline'" in csp
    config = json.loads(re.search(r'<script type="application/json" id="kg-query-config">(.*?)</script>',
                                  html, re.S).group(1))
    assert config["endpoint"] == "/sparql" and config["prefixes"]["rer"] == PREFIXES["rer"]
    first = config["examples"][0]["text"]
    assert first.startswith("PREFIX rer: <") and "PREFIX rdfs: <" in first
    for path in ("/static/vendor/yasgui.min.js", "/static/vendor/yasgui.min.css", "/static/query.js",
                 "/static/style.css", "/static/favicon.svg", "/static/vendor/LICENSE"):
        assert _get(base + path).status_code == 200, path
    # Other pages keep the strict policy.
    entity = _get(base + "/id/country/KAZ", headers={"Accept": "text/html"})
    assert "unsafe-inline" not in entity.headers["Content-Security-Policy"]


def test_query_page_falls_back_without_the_vendor_bundle(base, monkeypatch):
    monkeypatch.setattr(vendor, "bundle", lambda: None)
    r = _get(base + "/", headers={"Accept": "text/html"})
    assert r.status_code == 200
    html = r.text
    assert "<textarea" in html and "ui.js" in html and "yasgui" not in html
    _local_only(html)
    assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
    assert _get(base + "/static/ui.js").status_code == 200


def test_vendor_files_match_the_lock_file():
    manifest = vendor.check()
    assert manifest["package"] == "@zazuko/yasgui"
    assert "MIT" in (vendor.VENDOR / "LICENSE").read_text(encoding="utf-8")


def test_catalog_lists_query_text(base):
    queries = {q["name"]: q for q in _get(base + "/api/queries").json()["queries"]}
    members = queries["bloc_members"]
    assert members["sparql"].endswith("/api/queries/bloc_members.rq")
    assert "PREFIX org: <http://www.w3.org/ns/org#>" in members["text"]
    assert "?country rer:iso3166Alpha3 ?iso3" in members["text"]


def test_catalog_query_text_with_and_without_parameters(base):
    template = _get(base + "/api/queries/bloc_members.rq")
    assert template.status_code == 200
    assert template.headers["Content-Type"].startswith("application/sparql-query")
    assert "VALUES" not in template.text and template.text.startswith("# title:")
    bound = _get(base + "/api/queries/bloc_members.rq", params={"bloc": "EAEU", "date": "2015-03-01"})
    assert bound.status_code == 200
    assert "VALUES (?bloc ?date)" in bound.text and "/id/bloc/EAEU>" in bound.text
    # The bound text is the query the API runs: the same rows, through the endpoint.
    rows = requests.post(base + "/sparql", data={"query": bound.text}, timeout=TIMEOUT).json()
    assert sorted(b["iso3"]["value"] for b in rows["results"]["bindings"]) == ["ARM", "BLR", "KAZ", "RUS"]
    top = _get(base + "/api/queries/top_partners.rq", params={"country": "KAZ", "year": "2021", "limit": "3"})
    assert top.text.rstrip().endswith("LIMIT 3")
    missing = _get(base + "/api/queries/bloc_members.rq", params={"date": "2015-03-01"})
    assert missing.status_code == 400 and "bloc" in missing.json()["error"]["message"]
    assert _get(base + "/api/queries/no_such_query.rq").status_code == 404


def test_unknown_route_is_404(base):
    assert _get(base + "/nope", headers={"Accept": "application/json"}).status_code == 404


def test_a_catalog_query_calling_out_obeys_the_service_allowlist(base):
    """A named query with SERVICE is held to KG_SERVICE_ALLOWLIST like any
    other query: by default it is refused before the engine connects anywhere."""
    r = requests.get(base + "/api/queries/partners_with_population", timeout=TIMEOUT,
                     params={"country": "KGZ", "year": "2021"})
    assert r.status_code == 400
    message = r.json()["error"]["message"]
    assert "SERVICE <https://query.wikidata.org/sparql> is not allowed" in message
    assert "KG_SERVICE_ALLOWLIST" in message
