"""/openapi.json: a valid OpenAPI 3.1 document that describes every API route
and every catalog query with its parameters, and whose paths all answer."""
from __future__ import annotations

import pytest
import requests
from openapi_spec_validator import validate

from kg import catalog
from server import openapi
from tests.server.live import TIMEOUT


@pytest.fixture(scope="module")
def document(base) -> dict:
    r = requests.get(base + "/openapi.json", timeout=TIMEOUT)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def test_the_document_is_valid_openapi_3_1(document, base):
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": base}]
    assert document["info"]["title"] and document["info"]["version"]


def test_every_route_is_described(document, live):
    paths = set(document["paths"])
    for rule in openapi.documented_rules(live.app):
        assert openapi.openapi_path(rule) in paths, rule.rule
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        described = set(document["paths"][openapi.openapi_path(rule)])
        assert {m.lower() for m in methods} <= described, rule.rule
    for required in ("/sparql", "/api/queries", "/api/queries/{name}", "/api/queries/{name}.rq",
                     "/api/entity", "/api/search", "/void", "/.well-known/void", "/health", "/openapi.json"):
        assert required in paths
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_each_catalog_query_has_its_own_path_and_parameters(document):
    for named in catalog.catalog().values():
        operation = document["paths"][f"/api/queries/{named.name}"]["get"]
        assert operation["summary"] == named.title
        params = {p["name"]: p for p in operation["parameters"]}
        for param in named.params:
            described = params[param.name]
            assert described["in"] == "query"
            assert described["required"] is param.required
            assert described.get("description") == (param.doc or None)
            if param.default is not None:
                assert str(described["schema"]["default"]) == param.default
        assert "format" in params
        ok = operation["responses"]["200"]["content"]
        assert {"application/sparql-results+json", "text/csv"} <= set(ok)


def test_parameter_types(document):
    members = {p["name"]: p for p in document["paths"]["/api/queries/bloc_members"]["get"]["parameters"]}
    assert members["bloc"]["required"] is True
    assert members["date"]["schema"]["default"] == "today"
    top = {p["name"]: p for p in document["paths"]["/api/queries/top_partners"]["get"]["parameters"]}
    assert top["limit"]["schema"] == {"type": "integer", "minimum": 0, "default": 10}
    assert top["year"]["schema"]["type"] == "integer"
    intra = {p["name"]: p for p in document["paths"]["/api/queries/intra_bloc_trade"]["get"]["parameters"]}
    assert intra["flow"]["schema"]["enum"][:2] == ["export", "import"]
    countries = document["components"]["schemas"]["CountryCode"]["enum"]
    assert "KAZ" in countries and len(countries) > 200
    search = {p["name"]: p for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert search["q"]["required"] is True and search["limit"]["schema"]["maximum"] == 100
    sparql = document["paths"]["/sparql"]
    assert {"get", "post"} <= set(sparql)
    assert {"application/sparql-query", "application/x-www-form-urlencoded"} <= \
        set(sparql["post"]["requestBody"]["content"])
    assert {"400", "406", "413", "503"} <= set(sparql["get"]["responses"])
    media = set(sparql["get"]["responses"]["200"]["content"])
    assert {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
            "text/tab-separated-values", "text/turtle", "application/n-triples",
            "application/rdf+xml", "application/ld+json"} <= media


def _sample(param: dict, document: dict) -> str:
    """A value for a required parameter, from what the document itself offers."""
    if "example" in param:
        return str(param["example"])
    schema = param["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for key in ("default", "examples", "enum"):
        if key in schema:
            value = schema[key]
            return str(value[0] if isinstance(value, list) else value)
    return {"integer": "1"}.get(schema.get("type"), "x")


def test_every_documented_path_answers(document, base):
    for path, item in document["paths"].items():
        url = base + path.replace("{name}", "bloc_members")
        for method, operation in item.items():
            if method != "get":
                continue
            params = {p["name"]: _sample(p, document) for p in operation.get("parameters", [])
                      if p["in"] == "query" and p.get("required")}
            if path.endswith("{name}"):
                params = {"bloc": "EAEU"}
            with requests.get(url, params=params, timeout=TIMEOUT, stream=True) as r:
                assert r.status_code != 404, (path, r.status_code)
                assert r.status_code < 500, (path, r.status_code, r.text[:300])
                federated_refused = r.status_code == 400 and "KG_SERVICE_ALLOWLIST" in r.text
                if path.startswith("/api/") and not federated_refused:  # SERVICE is off by default
                    assert r.status_code == 200, (path, params, r.text[:300])
    r = requests.post(base + "/sparql", data={"query": "ASK {}"}, timeout=TIMEOUT)
    assert r.status_code == 200


def test_pages_link_to_the_document(base):
    r = requests.get(base + "/ontology", headers={"Accept": "text/html"}, timeout=TIMEOUT)
    assert 'href="/openapi.json"' in r.text


def test_conditional_requests_are_documented_where_they_apply(document):
    cached = document["paths"]["/api/queries/top_partners"]["get"]
    assert "304" in cached["responses"]
    assert any(p["name"] == "If-None-Match" and p["in"] == "header" for p in cached["parameters"])
    assert "ETag" in document["paths"]["/sparql"]["get"]["responses"]["200"]["headers"]
    assert "304" not in document["paths"]["/metrics"]["get"]["responses"]
    assert "304" not in document["paths"]["/sparql"]["post"]["responses"]
