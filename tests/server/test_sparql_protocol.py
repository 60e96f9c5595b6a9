"""The SPARQL 1.1 Protocol, query side, against the running server with requests."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.namespace import GRAPH, SD, country
from tests.server.conftest import serve
from tests.server.live import TIMEOUT

BLOCS = "SELECT ?bloc ?short WHERE { ?bloc a rer:RegionalBloc ; rer:shortName ?short } ORDER BY ?short"
JSON_RESULTS = "application/sparql-results+json"


def _shorts(response: requests.Response) -> list[str]:
    return [b["short"]["value"] for b in response.json()["results"]["bindings"]]


def test_get_select_json(base):
    r = requests.get(base + "/sparql", params={"query": BLOCS}, timeout=TIMEOUT)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(JSON_RESULTS)
    assert r.json()["head"]["vars"] == ["bloc", "short"]
    assert "EAEU" in _shorts(r)
    assert "X-KG-Result-Truncated" not in r.headers


def test_post_form_and_post_body_give_the_same_answer(base):
    get = requests.get(base + "/sparql", params={"query": BLOCS}, timeout=TIMEOUT)
    form = requests.post(base + "/sparql", data={"query": BLOCS}, timeout=TIMEOUT)
    body = requests.post(base + "/sparql", data=BLOCS.encode(), timeout=TIMEOUT,
                         headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == body.status_code == 200
    assert _shorts(get) == _shorts(form) == _shorts(body)


def test_result_formats_by_accept(base):
    def ask(accept: str) -> requests.Response:
        r = requests.get(base + "/sparql", params={"query": BLOCS}, headers={"Accept": accept}, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        assert "Accept" in r.headers["Vary"]
        return r

    xml = ask("application/sparql-results+xml")
    root = ET.fromstring(xml.content)
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["bloc", "short"]

    rows = list(csv.DictReader(io.StringIO(ask("text/csv").text)))
    assert "EAEU" in [row["short"] for row in rows]
    assert ask("text/csv").headers["Content-Type"].startswith("text/csv")

    tsv = ask("text/tab-separated-values").text.splitlines()
    assert tsv[0] == "?bloc\t?short"
    assert any(line.endswith('\t"EAEU"') for line in tsv)


def test_format_parameter_wins_over_accept(base):
    r = requests.get(base + "/sparql", params={"query": BLOCS, "format": "csv"},
                     headers={"Accept": JSON_RESULTS}, timeout=TIMEOUT)
    assert r.headers["Content-Type"].startswith("text/csv")


def test_ask(base):
    r = requests.get(base + "/sparql", params={"query": "ASK { ?b rer:shortName \"EAEU\" }"}, timeout=TIMEOUT)
    assert r.json() == {"head": {}, "boolean": True}


def test_construct_turtle_and_other_rdf_formats(base):
    query = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c rer:iso3166Alpha3 \"KAZ\" ; rdfs:label ?l }"
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")):
        r = requests.get(base + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith(accept)
        g = Graph().parse(data=r.content, format=fmt)
        assert (country("KAZ"), None, None) in g


def test_dataset_from_protocol_parameters(base):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a rer:RegionalBloc }"
    only_countries = requests.get(base + "/sparql", timeout=TIMEOUT, params={
        "query": query, "default-graph-uri": str(GRAPH["countries"])}).json()
    only_blocs = requests.get(base + "/sparql", timeout=TIMEOUT, params={
        "query": query, "default-graph-uri": str(GRAPH["blocs"])}).json()
    assert only_countries["results"]["bindings"][0]["n"]["value"] == "0"
    assert int(only_blocs["results"]["bindings"][0]["n"]["value"]) > 5

    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = requests.get(base + "/sparql", timeout=TIMEOUT, params={
        "query": named, "named-graph-uri": [str(GRAPH["blocs"]), str(GRAPH["ontology"])]})
    assert sorted(b["g"]["value"] for b in r.json()["results"]["bindings"]) == [
        str(GRAPH["blocs"]), str(GRAPH["ontology"])]


def test_from_clause_replaces_the_union_default_graph(base):
    query = (f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH['countries']}> "
             "WHERE { ?s a rer:RegionalBloc }")
    r = requests.get(base + "/sparql", params={"query": query}, timeout=TIMEOUT)
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_malformed_query_is_400_with_position(base):
    bad = "SELECT ?s\nWHERE { ?s ?p }"
    text = requests.get(base + "/sparql", params={"query": bad}, headers={"Accept": "text/plain"}, timeout=TIMEOUT)
    assert text.status_code == 400
    assert "2:" in text.text and "^" in text.text

    as_json = requests.post(base + "/sparql", data={"query": bad}, headers={"Accept": JSON_RESULTS}, timeout=TIMEOUT)
    assert as_json.status_code == 400
    error = as_json.json()["error"]
    assert error["line"] == 2 and error["column"] >= 1
    assert "syntax" in error["message"].lower()


def test_unmeetable_accept_is_406_listing_types(base):
    r = requests.get(base + "/sparql", params={"query": BLOCS}, headers={"Accept": "image/png"}, timeout=TIMEOUT)
    assert r.status_code == 406
    assert "Accept" in r.headers["Vary"]
    assert "application/sparql-results+json" in r.text and "text/csv" in r.text
    graph = requests.get(base + "/sparql", params={"query": "CONSTRUCT WHERE { ?s a rer:RegionalBloc }"},
                         headers={"Accept": "text/csv"}, timeout=TIMEOUT)
    assert graph.status_code == 406
    assert "text/turtle" in graph.text


def test_unsupported_post_type_and_missing_query(base):
    r = requests.post(base + "/sparql", data=b"{}", headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
    assert r.status_code == 415
    r = requests.post(base + "/sparql", data={"format": "json"}, timeout=TIMEOUT)
    assert r.status_code == 400


def test_service_description(base):
    r = requests.get(base + "/sparql", headers={"Accept": "text/turtle"}, timeout=TIMEOUT)
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    service = next(g.subjects(RDF.type, SD.Service))
    assert (service, SD.endpoint, URIRef(base + "/sparql")) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    formats = set(g.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats
    names = set(g.objects(None, SD.name))
    assert GRAPH["blocs"] in names and GRAPH["countries"] in names
    assert "X-KG-Result-Truncated" in " ".join(str(o) for o in g.objects(service, None))

    for accept, fmt in (("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")):
        r = requests.get(base + "/sparql", headers={"Accept": accept}, timeout=TIMEOUT)
        assert (None, RDF.type, SD.Service) in Graph().parse(data=r.content, format=fmt)


def test_browsers_asking_the_endpoint_go_to_the_query_page(base):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = requests.get(base + "/sparql", headers={"Accept": accept}, allow_redirects=False, timeout=TIMEOUT)
    assert r.status_code == 303
    assert r.headers["Location"].endswith("/")


def test_cors(base):
    r = requests.get(base + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"},
                     timeout=TIMEOUT)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-KG-Result-Truncated" in r.headers["Access-Control-Expose-Headers"]
    pre = requests.options(base + "/sparql", timeout=TIMEOUT, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code in (200, 204)
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()


def test_updates_are_refused_by_default(base):
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
    for kwargs in ({"data": update.encode(), "headers": {"Content-Type": "application/sparql-update"}},
                   {"data": {"update": update}}):
        r = requests.post(base + "/sparql", timeout=TIMEOUT, **kwargs)
        assert r.status_code == 403
        assert "read-only" in r.text
    assert requests.get(base + "/sparql", params={"update": update}, timeout=TIMEOUT).status_code == 400
    still = requests.get(base + "/sparql", params={"query": "ASK { <http://example.org/a> ?p ?o }"}, timeout=TIMEOUT)
    assert still.json()["boolean"] is False


def test_service_is_refused(base):
    for query in ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
                  "SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }",
                  "SELECT * WHERE { ?s ?p ?o . FILTER EXISTS { SERVICE SILENT <http://evil.example/> { ?s ?p ?o } } }",
                  r"SELECT * WHERE { \u0053ERVICE <http://evil.example/> { ?s ?p ?o } }"):
        r = requests.get(base + "/sparql", params={"query": query}, headers={"Accept": JSON_RESULTS}, timeout=TIMEOUT)
        assert r.status_code == 400, query
        assert "SERVICE" in r.json()["error"]["message"]
    harmless = requests.get(base + "/sparql", timeout=TIMEOUT, params={
        "query": 'SELECT ?x WHERE { BIND("SERVICE <http://evil.example/>" AS ?x) } # SERVICE'})
    assert harmless.status_code == 200


def test_allowlisted_service_passes_the_check(data_dir):
    # The endpoint is allowed, so the query reaches the engine, which refuses to call port 9.
    with serve(data_dir, KG_SERVICE_ALLOWLIST="http://127.0.0.1:9/sparql") as server:
        r = requests.get(server.url + "/sparql", headers={"Accept": JSON_RESULTS}, timeout=TIMEOUT,
                         params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
        assert r.status_code == 500
        assert r.json()["error"]["message"].startswith("query failed")
        description = requests.get(server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=TIMEOUT)
        g = Graph().parse(data=description.text, format="turtle")
        assert (None, SD.feature, SD.BasicFederatedQuery) in g


def test_overlong_query_is_413(data_dir):
    with serve(data_dir, KG_MAX_QUERY_LENGTH=200) as server:
        long_query = "SELECT * WHERE { ?s ?p ?o } " + "#" * 300
        r = requests.get(server.url + "/sparql", params={"query": long_query}, timeout=TIMEOUT)
        assert r.status_code == 413
        assert "KG_MAX_QUERY_LENGTH" in r.text
        body = requests.post(server.url + "/sparql", data=long_query.encode() * 20, timeout=TIMEOUT,
                             headers={"Content-Type": "application/sparql-query"})
        assert body.status_code == 413
        ok = requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=TIMEOUT)
        assert json.loads(ok.text)["boolean"] is True
