"""The W3C SPARQL 1.1 Protocol tests (the `protocol` manifest of the
w3c/rdf-tests suite) and the Service Description tests, against the real
server over HTTP. Each test is named after the W3C test it follows and
checks what that test checks; some check a little more, so that a server
ignoring the protocol's dataset could not pass by luck.

The query tests run twice: against a data directory (queries in worker
processes) and against a store given to the app (queries on worker threads).
The update tests need an update token and a writable store. The W3C requests
go to ``/sparql/`` on a host of their own; here they go to this server's
``/sparql``.
"""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, RDF, XSD

from kg.namespace import SD
from kg.store.layout import DataDir
from kg.store.oxigraph import OxigraphStore
from server import create_app
from tests.server.live import TIMEOUT, LiveServer

DATA = Namespace("http://kasei.us/2009/09/sparql/data/")
DATA0, DATA1, DATA2, DATA3 = (str(DATA[f"data{n}.rdf"]) for n in range(4))
TOKEN = "w3c-protocol-tests"

BOOLEAN_TYPES = ("application/sparql-results+xml", "application/sparql-results+json")
TABULAR_TYPES = BOOLEAN_TYPES + ("text/csv", "text/tab-separated-values")
RDF_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json")

QUERY_DIRECT = {"Content-Type": "application/sparql-query"}
UPDATE_DIRECT = {"Content-Type": "application/sparql-update"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _fill(store: OxigraphStore) -> None:
    """Graphs data1..data3 of the suite: each names itself a foaf:Document."""
    for iri in (DATA1, DATA2, DATA3):
        store.add_triples(URIRef(iri), [(URIRef(iri), RDF.type, FOAF.Document)])


@pytest.fixture(scope="module")
def on_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = DataDir(tmp_path_factory.mktemp("w3c") / "data")
    with directory.staged(from_current=False) as store:
        _fill(store)
    with LiveServer(create_app(data_dir=directory)) as server:
        yield server


@pytest.fixture(scope="module")
def on_store() -> Iterator[LiveServer]:
    store = OxigraphStore()
    _fill(store)
    with LiveServer(create_app(store=store)) as server:
        yield server


@pytest.fixture(params=["data-dir", "store"])
def endpoint(request: pytest.FixtureRequest) -> str:
    server = request.getfixturevalue("on_data_dir" if request.param == "data-dir" else "on_store")
    return server.url + "/sparql"


@pytest.fixture(scope="module")
def updatable() -> Iterator[LiveServer]:
    with LiveServer(create_app(store=OxigraphStore(), config={"KG_UPDATE_TOKEN": TOKEN})) as server:
        yield server


@pytest.fixture
def update_endpoint(updatable: LiveServer) -> str:
    return updatable.url + "/sparql"


def _auth(headers: dict[str, str] | None = None) -> dict[str, str]:
    return {**(headers or {}), "Authorization": f"Bearer {TOKEN}"}


def _ok(response: requests.Response) -> None:
    assert 200 <= response.status_code < 400, (response.status_code, response.text)


def _client_error(response: requests.Response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)


def _media_type(response: requests.Response) -> str:
    return response.headers["Content-Type"].split(";")[0].strip()


def _boolean(response: requests.Response) -> bool:
    """The answer of a boolean result in either standard format."""
    _ok(response)
    kind = _media_type(response)
    assert kind in BOOLEAN_TYPES, kind
    if kind.endswith("json"):
        return json.loads(response.content)["boolean"]
    node = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return node.text.strip() == "true"


def _rows(response: requests.Response) -> list[dict[str, str]]:
    """The rows of a tabular result, as text, in any of the four formats."""
    _ok(response)
    kind = _media_type(response)
    assert kind in TABULAR_TYPES, kind
    if kind.endswith("json"):
        data = json.loads(response.content)
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]
    if kind.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        return [{b.get("name"): "".join(b.itertext()) for b in result.iter(ns + "binding")}
                for result in ET.fromstring(response.content).iter(ns + "result")]
    if kind == "text/csv":
        return list(csv.DictReader(io.StringIO(response.text)))
    lines = response.text.splitlines()
    names = [n.lstrip("?") for n in lines[0].split("\t")]
    return [dict(zip(names, line.split("\t"))) for line in lines[1:]]


def _graph(response: requests.Response) -> Graph:
    _ok(response)
    kind = _media_type(response)
    assert kind in RDF_TYPES, kind
    fmt = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt",
           "application/ld+json": "json-ld"}[kind]
    return Graph().parse(data=response.content, format=fmt)


def _ask(endpoint: str, query: str, **params) -> bool:
    return _boolean(requests.post(endpoint, params=params, data=query.encode(), headers=QUERY_DIRECT,
                                  timeout=TIMEOUT))


BOTH_TYPED = f"ASK {{ <{DATA1}> a ?type . <{DATA2}> a ?type . }}"
BOTH_NAMED = f"ASK {{ GRAPH ?g1 {{ <{DATA1}> a ?type }} GRAPH ?g2 {{ <{DATA2}> a ?type }} }}"


# -- queries ----------------------------------------------------------------

def test_query_get(endpoint):
    """A query sent as the `query` parameter of a GET is answered."""
    r = requests.get(endpoint, params={"query": "ASK {}", "default-graph-uri": DATA0}, timeout=TIMEOUT)
    assert _boolean(r) is True


def test_query_post_form(endpoint):
    """A query sent in a URL-encoded form body is answered, with the dataset
    given in the request's URL."""
    r = requests.post(endpoint, params={"default-graph-uri": DATA0}, data="query=ASK%20%7B%7D",
                      headers=FORM, timeout=TIMEOUT)
    assert _boolean(r) is True


def test_query_post_direct(endpoint):
    """A query sent as the whole body with the application/sparql-query type is answered."""
    r = requests.post(endpoint, data=b"ASK {}", headers=QUERY_DIRECT, timeout=TIMEOUT)
    assert _boolean(r) is True


def test_query_dataset_default_graphs_get(endpoint):
    """Two default-graph-uri parameters of a GET make the default graph the
    merge of both graphs."""
    r = requests.get(endpoint, timeout=TIMEOUT,
                     params={"query": BOTH_TYPED, "default-graph-uri": [DATA1, DATA2]})
    assert _boolean(r) is True
    r = requests.get(endpoint, timeout=TIMEOUT, params={"query": BOTH_TYPED, "default-graph-uri": [DATA1]})
    assert _boolean(r) is False


def test_query_dataset_default_graphs_post(endpoint):
    """The same, with the query in the body and the graphs in the URL."""
    assert _ask(endpoint, BOTH_TYPED, **{"default-graph-uri": [DATA1, DATA2]}) is True
    assert _ask(endpoint, BOTH_TYPED, **{"default-graph-uri": [DATA3]}) is False


def test_query_dataset_named_graphs_post(endpoint):
    """named-graph-uri parameters make those graphs the ones GRAPH can match."""
    assert _ask(endpoint, BOTH_NAMED, **{"named-graph-uri": [DATA1, DATA2]}) is True
    assert _ask(endpoint, BOTH_NAMED, **{"named-graph-uri": [DATA1, DATA3]}) is False


def test_query_dataset_named_graphs_get(endpoint):
    """The same, for a GET."""
    r = requests.get(endpoint, timeout=TIMEOUT,
                     params={"query": BOTH_NAMED, "named-graph-uri": [DATA1, DATA2]})
    assert _boolean(r) is True


def test_query_dataset_full(endpoint):
    """Default and named graphs given together: the default graph is data3,
    GRAPH sees data1 and data2."""
    query = f"""ASK {{
  <{DATA3}> a ?type
  GRAPH ?g1 {{ <{DATA1}> a ?type }}
  GRAPH ?g2 {{ <{DATA2}> a ?type }}
}}"""
    assert _ask(endpoint, query, **{"default-graph-uri": [DATA3], "named-graph-uri": [DATA1, DATA2]}) is True
    assert _ask(endpoint, f"ASK {{ <{DATA1}> a ?type }}",
                **{"default-graph-uri": [DATA3], "named-graph-uri": [DATA1, DATA2]}) is False


def test_query_multiple_dataset(endpoint):
    """A dataset given both in the query (FROM) and by the protocol: the
    protocol's wins.

    The suite's request URL percent-encodes the `&` between its two
    named-graph-uri parameters, which turns them into one parameter naming a
    graph that does not exist; the test's name and answer are about two
    parameters, which is what is sent here."""
    query = (f"ASK FROM <{DATA3}> {{ GRAPH ?g1 {{ <{DATA1}> a ?type }} "
             f"GRAPH ?g2 {{ <{DATA2}> a ?type }} }}")
    assert _ask(endpoint, query, **{"named-graph-uri": [DATA1, DATA2]}) is True
    # Without the protocol's dataset, FROM alone names no graphs for GRAPH.
    assert _ask(endpoint, query) is False


def test_query_content_type_select(endpoint):
    """A SELECT result comes as SPARQL XML, JSON, CSV or TSV."""
    r = requests.post(endpoint, params={"default-graph-uri": DATA0}, data=b"SELECT (1 AS ?value) {}",
                      headers=QUERY_DIRECT, timeout=TIMEOUT)
    assert _rows(r) == [{"value": "1"}]
    for accept in TABULAR_TYPES:
        r = requests.post(endpoint, data=b"SELECT (1 AS ?value) {}", timeout=TIMEOUT,
                          headers={**QUERY_DIRECT, "Accept": accept})
        assert _media_type(r) == accept and _rows(r) == [{"value": "1"}]


def test_query_content_type_ask(endpoint):
    """An ASK result comes as SPARQL XML or JSON."""
    r = requests.post(endpoint, params={"default-graph-uri": DATA0}, data=b"ASK {}",
                      headers=QUERY_DIRECT, timeout=TIMEOUT)
    assert _boolean(r) is True
    for accept in BOOLEAN_TYPES:
        r = requests.post(endpoint, data=b"ASK {}", headers={**QUERY_DIRECT, "Accept": accept},
                          timeout=TIMEOUT)
        assert _media_type(r) == accept and _boolean(r) is True


def test_query_content_type_describe(endpoint):
    """A DESCRIBE result comes as an RDF serialisation."""
    r = requests.post(endpoint, params={"default-graph-uri": DATA0}, data=b"DESCRIBE <http://example.org/>",
                      headers=QUERY_DIRECT, timeout=TIMEOUT)
    assert len(_graph(r)) == 0
    described = requests.post(endpoint, data=f"DESCRIBE <{DATA1}>".encode(), headers=QUERY_DIRECT,
                              timeout=TIMEOUT)
    assert (URIRef(DATA1), RDF.type, FOAF.Document) in _graph(described)


def test_query_content_type_construct(endpoint):
    """A CONSTRUCT result comes as an RDF serialisation. Its relative IRIs are
    resolved against the service's base IRI, here the endpoint's own."""
    r = requests.post(endpoint, params={"default-graph-uri": DATA0}, data=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                      headers=QUERY_DIRECT, timeout=TIMEOUT)
    graph = _graph(r)
    assert len(graph) == 1
    subject, predicate, value = next(iter(graph))
    assert str(subject) == endpoint.rsplit("/", 1)[0] + "/s"
    assert value == Literal(1, datatype=XSD.integer)
    for accept in RDF_TYPES:
        r = requests.post(endpoint, data=b"CONSTRUCT { <s> <p> 1 } WHERE {}", timeout=TIMEOUT,
                          headers={**QUERY_DIRECT, "Accept": accept})
        assert _media_type(r) == accept and len(_graph(r)) == 1


def test_bad_query_method(endpoint):
    """A method other than GET and POST is refused with a 4xx."""
    r = requests.put(endpoint, params={"query": "ASK {}", "default-graph-uri": DATA0}, headers=FORM,
                     timeout=TIMEOUT)
    _client_error(r)
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_bad_multiple_queries(endpoint):
    """Two `query` parameters are refused."""
    _client_error(requests.get(endpoint, params={"query": ["ASK {}", "SELECT * {}"]}, timeout=TIMEOUT))
    _client_error(requests.post(endpoint, data={"query": ["ASK {}", "SELECT * {}"]}, timeout=TIMEOUT))


def test_bad_query_wrong_media_type(endpoint):
    """A POST body of a type other than a form or application/sparql-query is refused."""
    _client_error(requests.post(endpoint, data=b"ASK {}", headers={"Content-Type": "text/plain"},
                                timeout=TIMEOUT))


def test_bad_query_missing_form_type(endpoint):
    """A form-encoded body without its media type is refused."""
    _client_error(requests.post(endpoint, data=b"query=ASK%20%7B%7D", timeout=TIMEOUT))


def test_bad_query_missing_direct_type(endpoint):
    """A query as the body without the application/sparql-query type is refused."""
    _client_error(requests.post(endpoint, data=b"ASK {}", timeout=TIMEOUT))


def test_bad_query_non_utf8(endpoint):
    """A direct POST must be UTF-8: a UTF-16 body (with its byte order mark) is refused."""
    r = requests.post(endpoint, data="ASK {}".encode("utf-16"), timeout=TIMEOUT,
                      headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    _client_error(r)


def test_bad_query_syntax(endpoint):
    """A query that does not parse is refused with a 4xx."""
    _client_error(requests.get(endpoint, params={"query": "ASK {"}, timeout=TIMEOUT))


# -- updates ----------------------------------------------------------------

def _update(endpoint: str, text: str, **params) -> requests.Response:
    return requests.post(endpoint, params=params, data=text.encode(), headers=_auth(UPDATE_DIRECT),
                         timeout=TIMEOUT)


def _check_then_ask(endpoint: str, update: str, params: dict, ask: str) -> bool:
    _ok(_update(endpoint, update, **params))
    return _boolean(requests.post(endpoint, data=ask.encode(), headers=QUERY_DIRECT, timeout=TIMEOUT))


LOAD_THREE = f"""PREFIX foaf: <http://xmlns.com/foaf/0.1/>
DROP ALL ;
INSERT DATA {{
    GRAPH <{DATA1}> {{ <{DATA1}> a foaf:Document }}
    GRAPH <{DATA2}> {{ <{DATA2}> a foaf:Document }}
    GRAPH <{DATA3}> {{ <{DATA3}> a foaf:Document }}
}} ;
"""


def _marked(target: str, present: tuple[str, ...], absent: tuple[str, ...]) -> str:
    """An ASK that `present` are dc:BibliographicResource in `target` and `absent` are not."""
    kind = "<http://purl.org/dc/terms/BibliographicResource>"
    yes = " ".join(f"<{iri}> a {kind} ." for iri in present)
    no = " ".join(f"FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{iri}> a {kind} }} }}" for iri in absent)
    return f"ASK {{ GRAPH <{target}> {{ {yes} }} {no} }}"


def test_update_dataset_default_graph(update_endpoint):
    """One using-graph-uri is the default graph of the update's WHERE clause."""
    target = "http://example.org/protocol-update-dataset-test/"
    update = f"""PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
CLEAR ALL ;
INSERT DATA {{ GRAPH <{DATA1}> {{ <{DATA1}> a foaf:Document }} }} ;
INSERT {{ GRAPH <{target}> {{ ?s a dc:BibliographicResource }} }}
WHERE {{ ?s a foaf:Document }}"""
    assert _check_then_ask(update_endpoint, update, {"using-graph-uri": DATA1},
                           _marked(target, (DATA1,), ())) is True


def test_update_dataset_default_graphs(update_endpoint):
    """Two using-graph-uri parameters: the WHERE clause sees both graphs merged,
    and not the third."""
    target = "http://example.org/protocol-update-dataset-graphs-test/"
    update = LOAD_THREE + f"""INSERT {{ GRAPH <{target}> {{ ?s a <http://purl.org/dc/terms/BibliographicResource> }} }}
WHERE {{ ?s a <http://xmlns.com/foaf/0.1/Document> }}"""
    assert _check_then_ask(update_endpoint, update, {"using-graph-uri": [DATA1, DATA2]},
                           _marked(target, (DATA1, DATA2), (DATA3,))) is True


def test_update_dataset_named_graphs(update_endpoint):
    """using-named-graph-uri parameters are the graphs GRAPH matches in the WHERE clause."""
    target = "http://example.org/protocol-update-dataset-named-graphs-test/"
    update = LOAD_THREE + f"""INSERT {{ GRAPH <{target}> {{ ?s a <http://purl.org/dc/terms/BibliographicResource> }} }}
WHERE {{ GRAPH ?g {{ ?s a <http://xmlns.com/foaf/0.1/Document> }} }}"""
    assert _check_then_ask(update_endpoint, update, {"using-named-graph-uri": [DATA1, DATA2]},
                           _marked(target, (DATA1, DATA2), (DATA3,))) is True


def test_update_dataset_full(update_endpoint):
    """Both: data1 is the default graph, data2 the only named graph."""
    target = "http://example.org/protocol-update-dataset-full-test/"
    update = LOAD_THREE + f"""INSERT {{ GRAPH <{target}> {{ ?s <http://example.org/in> ?in }} }}
WHERE {{
    {{ GRAPH ?g {{ ?s a <http://xmlns.com/foaf/0.1/Document> }} BIND(?g AS ?in) }}
    UNION
    {{ ?s a <http://xmlns.com/foaf/0.1/Document> . BIND("default" AS ?in) }}
}}"""
    ask = f"""ASK {{
    GRAPH <{target}> {{
        <{DATA1}> <http://example.org/in> "default" .
        <{DATA2}> <http://example.org/in> <{DATA2}> .
    }}
    FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{DATA3}> ?p ?o }} }}
    FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{DATA1}> <http://example.org/in> <{DATA1}> }} }}
}}"""
    assert _check_then_ask(update_endpoint, update,
                           {"using-graph-uri": DATA1, "using-named-graph-uri": DATA2}, ask) is True


def test_update_post_form(update_endpoint):
    """An update in a URL-encoded form body is applied."""
    r = requests.post(update_endpoint, data="update=CLEAR+ALL", headers=_auth(FORM), timeout=TIMEOUT)
    _ok(r)


def test_update_post_direct(update_endpoint):
    """An update as the whole body with the application/sparql-update type is applied."""
    _ok(_update(update_endpoint, "CLEAR ALL"))


def test_update_base_uri(update_endpoint):
    """Relative IRIs in an update are resolved against a base the service
    chooses (here the endpoint): the stored object is an absolute IRI other
    than `<test>`.

    Oxigraph, following the letter of SPARQL Update, refuses to CLEAR a graph
    it does not hold, so the graph is created first."""
    graph = "http://example.org/protocol-base-test/"
    _ok(_update(update_endpoint, f"CREATE SILENT GRAPH <{graph}>"))
    update = (f"CLEAR GRAPH <{graph}> ;\n"
              f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}")
    _ok(_update(update_endpoint, update))
    query = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> ?o }} }}"
    r = requests.post(update_endpoint, data=query.encode(), timeout=TIMEOUT,
                      headers={**QUERY_DIRECT, "Accept": "application/sparql-results+json"})
    bindings = r.json()["results"]["bindings"]
    assert len(bindings) == 1 and bindings[0]["o"]["type"] == "uri"
    assert bindings[0]["o"]["value"] != "test"
    assert bindings[0]["o"]["value"] == update_endpoint.rsplit("/", 1)[0] + "/test"


def test_bad_update_get(update_endpoint):
    """An update sent with GET is refused."""
    _client_error(requests.get(update_endpoint, params={"update": "CLEAR ALL"}, headers=_auth(),
                               timeout=TIMEOUT))


def test_bad_multiple_updates(update_endpoint):
    """Two `update` parameters are refused."""
    r = requests.post(update_endpoint, data="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", headers=_auth(FORM),
                      timeout=TIMEOUT)
    _client_error(r)


def test_bad_update_wrong_media_type(update_endpoint):
    """An update body of a type other than a form or application/sparql-update is refused."""
    r = requests.post(update_endpoint, data=b"CLEAR NAMED", headers=_auth({"Content-Type": "text/plain"}),
                      timeout=TIMEOUT)
    _client_error(r)


def test_bad_update_missing_form_type(update_endpoint):
    """A form-encoded update without its media type is refused."""
    _client_error(requests.post(update_endpoint, data=b"update=CLEAR%20NAMED", headers=_auth(), timeout=TIMEOUT))


def test_bad_update_non_utf8(update_endpoint):
    """A direct update must be UTF-8: a UTF-16 body is refused."""
    r = requests.post(update_endpoint, data="CLEAR NAMED".encode("utf-16"), timeout=TIMEOUT,
                      headers=_auth({"Content-Type": "application/sparql-update; charset=UTF-16"}))
    _client_error(r)


def test_bad_update_syntax(update_endpoint):
    """An update that does not parse is refused with a 4xx."""
    r = requests.post(update_endpoint, data="update=CLEAR%20XYZ", headers=_auth(FORM), timeout=TIMEOUT)
    _client_error(r)


def test_bad_update_dataset_conflict(update_endpoint):
    """A dataset given both by the protocol and by the update (WITH) is refused,
    and nothing is changed."""
    _ok(_update(update_endpoint, "CLEAR ALL ; INSERT DATA { GRAPH <http://example/addresses> "
                                 "{ <http://example/bill> <http://xmlns.com/foaf/0.1/givenName> 'Bill' } }"))
    update = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
WITH <http://example/addresses>
DELETE { ?person foaf:givenName 'Bill' }
INSERT { ?person foaf:givenName 'William' }
WHERE { ?person foaf:givenName 'Bill' }"""
    _client_error(_update(update_endpoint, update, **{"using-named-graph-uri": "http://example/people"}))
    still = "ASK { GRAPH <http://example/addresses> { ?p <http://xmlns.com/foaf/0.1/givenName> 'Bill' } }"
    assert _boolean(requests.post(update_endpoint, data=still.encode(), headers=QUERY_DIRECT,
                                  timeout=TIMEOUT)) is True


# -- service description ----------------------------------------------------

def _description(endpoint: str, accept: str | None = None) -> tuple[requests.Response, Graph]:
    r = requests.get(endpoint, headers={"Accept": accept} if accept else {}, timeout=TIMEOUT)
    return r, _graph(r)


def test_returns_rdf(endpoint):
    """A GET on the endpoint without a query returns RDF, in any format asked for."""
    for accept in (None, "*/*") + RDF_TYPES:
        r, graph = _description(endpoint, accept)
        if accept in RDF_TYPES:
            assert _media_type(r) == accept
        assert (None, RDF.type, SD.Service) in graph


def test_has_endpoint_triple(endpoint):
    """The description has an sd:endpoint triple whose object is the URL it
    was fetched from."""
    _, graph = _description(endpoint, "text/turtle")
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    assert (services[0], SD.endpoint, URIRef(endpoint)) in graph


def _conforms(graph: Graph, *, updates: bool) -> None:
    """The description uses the Service Description vocabulary as its schema
    says: the domains and ranges of the properties it uses, and the values
    its enumerations allow."""
    languages = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    features = {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs,
                SD.BasicFederatedQuery}
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert list(graph.objects(service, SD.endpoint)), "sd:endpoint is required"
    for endpoint in graph.objects(service, SD.endpoint):
        assert isinstance(endpoint, URIRef)
    spoken = set(graph.objects(service, SD.supportedLanguage))
    assert spoken and spoken <= languages
    assert (SD.SPARQL11Update in spoken) is updates
    assert set(graph.objects(service, SD.feature)) <= features
    for fmt in graph.objects(service, SD.resultFormat):
        assert isinstance(fmt, URIRef) and str(fmt).startswith("http://www.w3.org/ns/formats/")
    for dataset in graph.objects(service, SD.defaultDataset):
        assert (dataset, RDF.type, SD.Dataset) in graph
        defaults = list(graph.objects(dataset, SD.defaultGraph))
        assert len(defaults) <= 1
        for default in defaults:
            assert (default, RDF.type, SD.Graph) in graph
        for named in graph.objects(dataset, SD.namedGraph):
            assert (named, RDF.type, SD.NamedGraph) in graph
            names = list(graph.objects(named, SD.name))
            assert len(names) == 1 and isinstance(names[0], URIRef)
            for described in graph.objects(named, SD.graph):
                assert (described, RDF.type, SD.Graph) in graph


def test_conforms_to_schema(endpoint, update_endpoint):
    """The description follows the vocabulary's schema, and names SPARQL 1.1
    Update only where updates are accepted."""
    _, graph = _description(endpoint, "text/turtle")
    _conforms(graph, updates=False)
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert {DATA1, DATA2, DATA3} <= names
    _, updatable = _description(update_endpoint, "text/turtle")
    _conforms(updatable, updates=True)
