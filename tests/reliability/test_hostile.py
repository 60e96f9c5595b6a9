"""Hostile input against a real `kg serve`: injection through catalog
parameters, markup in the data, requests that would make the server call out
or read files, path traversal, oversized and pathological queries, and
updates without the right token. The endpoint refuses each with a 4xx (or
answers it as harmless data), never with a 500, and goes on serving."""
from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest

from kg.namespace import BASE
from kg.store.oxigraph import OxigraphStore
from server import create_app
from server.query_text import skeleton
from tests.reliability.conftest import copy_build, load_bench
from tests.server.live import LiveServer

TOKEN = "reliability-token-0123456789"
JSON = {"Accept": "application/sparql-results+json"}
HOSTILE_IRI = BASE + "id/test/hostile"
SCRIPT = "<script>alert(1)</script>"
HOSTILE_TURTLE = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{HOSTILE_IRI}> rdfs:label "{SCRIPT}<img src=x onerror=alert(2)>"@en ;
    skos:altLabel "\\"></script><svg onload=alert(3)>" ;
    rdfs:comment "<iframe src=javascript:alert(4)></iframe>" ;
    rdfs:seeAlso <javascript:alert(5)> .
"""
#: What a leaked file would show: /etc/passwd, and a source file of the project.
LEAKS = (b"root:x:0:0", b"root:*:", b"def main() -> None", b"import click")


@pytest.fixture(scope="module")
def hostile_dir(small_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kg-hostile")
    data_dir = copy_build(small_build, root / "data")
    turtle = root / "hostile.ttl"
    turtle.write_text(HOSTILE_TURTLE, encoding="utf-8")
    done = load_bench.run_kg("load", "--data-dir", str(data_dir), str(turtle))
    assert done.returncode == 0, done.stderr
    return data_dir


@pytest.fixture(scope="module")
def server(hostile_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """`kg serve` with an update token, a 2 s query limit and three workers."""
    log = tmp_path_factory.mktemp("kg-hostile-log") / "serve.log"
    env = {"KG_UPDATE_TOKEN": TOKEN, "KG_QUERY_TIMEOUT": "2", "KG_QUERY_WORKERS": "3"}
    with load_bench.KgServer(hostile_dir, env=env, log=log) as running:
        yield running


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """An app on a writable store with an update token: the one place where
    updates are applied, so where LOAD and SERVICE in updates matter most."""
    store = OxigraphStore(tmp_path_factory.mktemp("kg-writable") / "store")
    app = create_app(store=store, config={"KG_UPDATE_TOKEN": TOKEN})
    with LiveServer(app) as live:
        yield live


class Listener:
    """A TCP port on 127.0.0.1 that records whether anything connected to it:
    the target a server-side request forgery would reach."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


def get(url: str, path: str, params: dict | None = None, headers: dict | None = None
        ) -> tuple[int, dict[str, str], bytes]:
    return load_bench.request(url, "GET", path + ("?" + urlencode(params) if params else ""), headers=headers)


def post(url: str, path: str, body: bytes, content_type: str, headers: dict | None = None
         ) -> tuple[int, dict[str, str], bytes]:
    return load_bench.request(url, "POST", path, body=body,
                              headers={"Content-Type": content_type, **(headers or {})})


def assert_serving(url: str) -> None:
    status, _, body = get(url, "/sparql", {"query": 'ASK { ?b rer:shortName "EAEU" }'}, JSON)
    assert status == 200 and json.loads(body)["boolean"] is True


# ----------------------------------------------------------------------------- injection

INJECTIONS = [
    '" } ; DROP ALL ; #',
    "EAEU> } UNION { ?country ?p ?o } #",
    "EAEU\" . ?m ?p ?o } #",
    "'; DROP ALL",
    "} ; DROP ALL",
    "}}}{{{",
    "EAEU\n} UNION { ?s ?p ?o }\n#",
    "EAEU\r\nFILTER(true)",
    "EAEU\\u003E } #",
    "\"\"\" ) } #",
    "EAEU%3E%20%7D",
    "\x00\x01\x7f",
    "Ω≈ç√∫ 🙂 ‮",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_catalog_parameters_are_bound_as_data(server, value: str) -> None:
    """A hostile `bloc` is one IRI that names no bloc: no rows at all (an
    injected pattern would add rows), no 500; the bound query text has the
    structure of the query bound with a harmless value; and the server is fine."""
    status, _, body = get(server.url, "/api/queries/bloc_members", {"bloc": value, "date": "2015-03-01"})
    assert status in (200, 400), body[:300]
    if status == 200:
        assert json.loads(body)["results"]["bindings"] == []
    status, _, text = get(server.url, "/api/queries/bloc_members.rq", {"bloc": value, "date": "2015-03-01"})
    assert status in (200, 400), text[:300]
    if status == 200:
        _, _, harmless = get(server.url, "/api/queries/bloc_members.rq", {"bloc": "EAEU", "date": "2015-03-01"})
        assert skeleton(text.decode()) == skeleton(harmless.decode())
        ox.Store().query(text.decode())  # it still parses as one query
    assert_serving(server.url)


@pytest.mark.parametrize(("query", "params"), [
    ("bloc_members", {"bloc": "EAEU", "date": '2015-03-01" } UNION { ?s ?p ?o } #'}),
    ("bloc_members", {"bloc": "EAEU", "date": "2015-03-01\n}"}),
    ("country_memberships", {"country": "KAZ\" } #"}),
    ("top_partners", {"country": "KGZ", "year": "2021 } #", "limit": "5"}),
    ("top_partners", {"country": "KGZ", "year": "2021", "limit": "5 ; DROP ALL"}),
    ("top_partners", {"country": "KGZ", "year": "2021", "limit": "99999999999999999999999"}),
    ("top_partners", {"country": "KGZ", "year": "99999999999999999999999", "limit": "5"}),
    ("bilateral_trade", {"reporter": "KGZ", "partner": "RUS> } UNION { ?s ?p ?o } #"}),
    ("bilateral_trade", {"reporter": "KGZ", "partner": "RUS", "product": "TOTAL> } #"}),
    ("claims", {"source": "http://x/> } UNION { ?s ?p ?o } #"}),
    ("claims", {"source": "javascript:alert(1)"}),
    ("intra_bloc_trade", {"bloc": "EAEU", "flow": "export\" } #"}),
    ("bloc_members", {"bloc": "EAEU", "date": "2015-03-01", "format": "csv\r\nX-Injected: 1"}),
])
def test_every_parameter_type_refuses_or_binds(server, query: str, params: dict) -> None:
    """Each parameter type either refuses a hostile value (400 naming the
    parameter) or binds it as one term that matches nothing."""
    status, headers, body = get(server.url, f"/api/queries/{query}", params)
    assert status in (200, 400), body[:300]
    assert "x-injected" not in headers
    if status == 400:
        assert json.loads(body)["error"]["message"]
    elif headers["content-type"].startswith("application/sparql-results+json"):
        assert json.loads(body)["results"]["bindings"] == []


# ----------------------------------------------------------------------------- markup in the data

def test_markup_in_labels_is_escaped_on_the_entity_page(server) -> None:
    """The raw HTML carries the hostile label as text (escaped), never as
    markup; the embedded JSON-LD cannot close its script element; the
    `javascript:` IRI is not a link; the page has the strict CSP."""
    status, headers, body = get(server.url, "/id/test/hostile", headers={"Accept": "text/html"})
    assert status == 200
    html = body.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for raw in ("<script>alert(1)", "<img src=x onerror", "<svg onload", "<iframe src=javascript"):
        assert raw not in html
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.I)
    # Every script element ends where the page meant it to: no markup inside,
    # and the JSON-LD still carries the label, as data.
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I)
    assert scripts
    for attributes, content in scripts:
        assert "<" not in content, content[:200]
        if "ld+json" in attributes:
            assert json.loads(content)["name"] == SCRIPT + "<img src=x onerror=alert(2)>"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_markup_in_results_stays_data(server) -> None:
    """The same label through SPARQL (JSON, CSV, XML) is plain data in a
    non-HTML type, so a browser cannot render it as a page."""
    query = f"SELECT ?l WHERE {{ <{HOSTILE_IRI}> rdfs:label ?l }}"
    for accept in ("application/sparql-results+json", "text/csv", "application/sparql-results+xml"):
        status, headers, body = get(server.url, "/sparql", {"query": query}, {"Accept": accept})
        assert status == 200
        assert not headers["content-type"].startswith("text/html")
        assert headers["x-content-type-options"] == "nosniff"
    status, _, body = get(server.url, "/sparql", {"query": query}, {"Accept": "application/sparql-results+xml"})
    assert b"<script>" not in body and b"&lt;script&gt;" in body


# ----------------------------------------------------------------------------- calling out, reading files

def _service_queries(port: int) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://[fe80::1]/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        f"PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERV\\u0049CE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?a ?b ?c }} }} }}",
        f"ASK {{ {{ SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
    ]


def test_service_calls_are_refused(server, listener: Listener) -> None:
    """SERVICE to this host, a link-local address, a file, through a prefix,
    a base, an escape, a variable or a subquery: 400, and nothing connects."""
    for text in _service_queries(listener.port):
        for method in ("GET", "POST"):
            if method == "GET":
                status, _, body = get(server.url, "/sparql", {"query": text}, JSON)
            else:
                status, _, body = post(server.url, "/sparql", text.encode(), "application/sparql-query", JSON)
            assert status == 400, (text, status, body[:300])
            assert "SERVICE" in json.loads(body)["error"]["message"]
    time.sleep(0.3)
    assert listener.connections == 0


def test_files_are_not_read_through_queries(server) -> None:
    """`FROM <file:...>` names a graph, it does not read the file; `LOAD` is
    not a query."""
    status, _, body = get(server.url, "/sparql", {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"},
                          JSON)
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    for text in ("LOAD <file:///etc/passwd>", "LOAD <http://169.254.169.254/> INTO GRAPH <urn:x>"):
        status, _, body = get(server.url, "/sparql", {"query": text}, JSON)
        assert status == 400
        assert not any(leak in body for leak in LEAKS)


def _updates(port: int) -> list[str]:
    return [
        "LOAD <file:///etc/passwd>",
        "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:leak>",
        f"LOAD <http://127.0.0.1:{port}/data.ttl>",
        "LOAD <http://169.254.169.254/latest/meta-data/>",
        "CLEAR ALL ; load <file:///etc/passwd>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }",
        f"PREFIX a: <http://ok/> INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; "
        f"PREFIX a: <http://127.0.0.1:{port}/> INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE a:x {{ ?s ?p ?o }} }}",
    ]


def test_updates_that_fetch_are_refused_even_with_the_token(server, writable, listener: Listener) -> None:
    """With the right token, on a data directory and on a writable store:
    LOAD (of a file, this host or a link-local address) gets 403, and SERVICE
    in an update gets 400; nothing connects and nothing is written."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for url in (server.url, writable.url):
        for text in _updates(listener.port):
            for how in ("direct", "form"):
                if how == "direct":
                    status, _, body = post(url, "/sparql", text.encode(), "application/sparql-update", auth)
                else:
                    status, _, body = post(url, "/sparql", urlencode({"update": text}).encode(),
                                           "application/x-www-form-urlencoded", auth)
                assert status in (400, 403), (url, text, status, body[:300])
                assert not any(leak in body for leak in LEAKS)
    time.sleep(0.3)
    assert listener.connections == 0
    status, _, body = get(writable.url, "/sparql", {"query": "ASK { ?s ?p ?o }"}, JSON)
    assert status == 200 and json.loads(body)["boolean"] is False
    # The token does work for a harmless update there, so the refusals above are the policy's.
    status, _, _ = post(writable.url, "/sparql", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                        "application/sparql-update", auth)
    assert status == 204


def test_updates_need_the_right_token(server, small_build: Path, server_factory) -> None:
    """No token 401, a wrong one (or another scheme) 403/401; a server without
    a token refuses every update with 403."""
    update = b"INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    cases = [({}, 401), ({"Authorization": "Bearer"}, 401), ({"Authorization": f"Basic {TOKEN}"}, 401),
             ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": f"Bearer {TOKEN}x"}, 403),
             ({"Authorization": f"Bearer {TOKEN[:-1]}"}, 403)]
    for headers, expected in cases:
        status, _, _ = post(server.url, "/sparql", update, "application/sparql-update", headers)
        assert status == expected, headers
    status, _, _ = post(server.url, f"/sparql?access_token={TOKEN}", update, "application/sparql-update")
    assert status == 401
    status, _, _ = post(server.url, "/sparql", update, "application/sparql-update",
                        {"Authorization": f"Bearer {TOKEN}"})
    assert status == 501  # a data directory is never written through the endpoint
    no_token = server_factory(small_build)
    status, _, _ = post(no_token.url, "/sparql", update, "application/sparql-update",
                        {"Authorization": f"Bearer {TOKEN}"})
    assert status == 403


# ----------------------------------------------------------------------------- path traversal

TRAVERSALS = [
    "/static/../kg/cli.py", "/static/%2e%2e/kg/cli.py", "/static/..%2fkg%2fcli.py",
    "/static/%2e%2e%2f%2e%2e%2fkg%2fcli.py", "/static/vendor/../../../kg/cli.py",
    "/static/....//kg/cli.py", "/static/..\\kg\\cli.py", "/static/%252e%252e/kg/cli.py",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/..%00/kg/cli.py",
    "/id/../../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd", "/id/..%2f..%2fetc%2fpasswd",
    "/id/country/..%2f..%2f..%2fetc%2fpasswd.ttl", "/id/country/KAZ/../../../../etc/passwd",
    "/ontology.ttl/../../etc/passwd", "/ontology/..%2f..%2fkg%2fcli.py", "/void/../../etc/passwd",
    "/api/queries/..%2f..%2fkg%2fcli", "/api/queries/..%2fbloc_members.rq",
    "/api/queries/%2e%2e%2f%2e%2e%2fetc%2fpasswd.rq",
]


def _raw_get(url: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET with the path sent byte for byte as given (no client normalisation)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=load_bench.REQUEST_TIMEOUT)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_finds_nothing(server, path: str) -> None:
    """404 or 400 (or a redirect to a path under /static that is itself a
    404), and never the content of a file outside what the server publishes."""
    status, headers, body = _raw_get(server.url, path)
    assert not any(leak in body for leak in LEAKS)
    if status in (301, 302, 307, 308):
        location = headers["location"].removeprefix(server.url)
        assert location.startswith("/static/"), location
        status, headers, body = _raw_get(server.url, quote(location, safe="/%"))
        assert not any(leak in body for leak in LEAKS)
    assert status in (400, 404), (status, body[:200])


# ----------------------------------------------------------------------------- size, depth, time

def _send_large(url: str, path: str, body: bytes, content_type: str) -> int:
    """POST a body the server may refuse before reading it all: the status it
    answers, even if it closes the connection while the body is still sent."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=load_bench.REQUEST_TIMEOUT) as sock:
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        try:
            sock.sendall(head + body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    assert match, answer[:200]
    return int(match.group(1))


def test_ten_megabyte_queries_are_refused(server) -> None:
    """A 10 MB query as a body (direct or form) gets 413; in the URL, the
    request line is refused as too large (431/414/413); a query just over
    KG_MAX_QUERY_LENGTH gets 413 from the endpoint itself."""
    text = b"ASK { ?s ?p ?o } #" + b"x" * (10 * 1024 * 1024)
    assert _send_large(server.url, "/sparql", text, "application/sparql-query") == 413
    assert _send_large(server.url, "/sparql", b"query=" + text, "application/x-www-form-urlencoded") == 413
    assert _send_large(server.url, "/sparql?query=" + "x" * (10 * 1024 * 1024), b"", "text/plain") in (413, 414, 431)
    just_over = "ASK { ?s ?p ?o } #" + "x" * 100_000
    status, _, body = post(server.url, "/sparql", just_over.encode(), "application/sparql-query", JSON)
    assert status == 413 and "KG_MAX_QUERY_LENGTH" in json.loads(body)["error"]["message"]
    assert_serving(server.url)


NESTED = {
    "10 000 nested groups": "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
    "10 000 nested parentheses": "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    "10 000 negations": "SELECT * WHERE { FILTER(" + "!" * 10_000 + "true) }",
    "10 000 ORs": "SELECT * WHERE { FILTER(" + " || ".join(["true"] * 10_000) + ") }",
    "5 000 UNIONs": "SELECT * WHERE { " + " UNION ".join(["{}"] * 5_000) + " }",
    "5 000 OPTIONALs": "SELECT * WHERE { " + "OPTIONAL { " * 5_000 + "}" * 5_000 + " }",
    "unbalanced 10 000": "SELECT * WHERE " + "{" * 10_000,
    "nested with SERVICE": "SELECT * WHERE " + "{" * 10_000 + " SERVICE <http://x/> {} " + "}" * 10_000,
}


@pytest.mark.parametrize("name", list(NESTED))
def test_deeply_nested_queries_get_a_clean_answer(server, name: str) -> None:
    """Deep nesting is answered (it is valid SPARQL), refused (400/413) or
    cut by the time limit (503), but never crashes a worker into a 500, and
    the endpoint answers the next query."""
    status, _, body = post(server.url, "/sparql", NESTED[name].encode(), "application/sparql-query", JSON)
    assert status in (200, 400, 413, 503), (status, body[:300])
    assert_serving(server.url)


CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_cartesian_product_times_out_without_hurting_others(server) -> None:
    """A cartesian product gets 503 once the 2 s limit passes; simple queries
    sent meanwhile are answered, each well within the limit."""
    outcome: dict = {}

    def slow() -> None:
        started = time.monotonic()
        status, _, body = post(server.url, "/sparql", CARTESIAN.encode(), "application/sparql-query", JSON)
        outcome.update(status=status, body=body, seconds=time.monotonic() - started)

    thread = threading.Thread(target=slow)
    thread.start()
    quick: list[tuple[int, float]] = []
    while thread.is_alive() and len(quick) < 200:
        started = time.monotonic()
        status, _, _ = get(server.url, "/sparql", {"query": 'ASK { ?b rer:shortName "EAEU" }'}, JSON)
        quick.append((status, time.monotonic() - started))
        time.sleep(0.1)
    thread.join(timeout=load_bench.REQUEST_TIMEOUT)
    assert outcome["status"] == 503, outcome
    assert "KG_QUERY_TIMEOUT" in json.loads(outcome["body"])["error"]["message"]
    assert outcome["seconds"] < 10
    assert len(quick) >= 5 and all(status == 200 for status, _ in quick), quick
    assert max(seconds for _, seconds in quick) < 2.0, quick
    assert_serving(server.url)


EMBEDDED_NESTING = """
import json, sys
import requests
from kg.store.oxigraph import OxigraphStore
from server import create_app
from tests.server.live import LiveServer

queries = json.loads(sys.stdin.read())
with LiveServer(create_app(store=OxigraphStore())) as live:
    for text in queries:
        r = requests.post(live.url + "/sparql", data=text.encode(), timeout=60,
                          headers={"Content-Type": "application/sparql-query"})
        print(r.status_code, flush=True)
    print(requests.get(live.url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code)
"""


def test_deep_nesting_on_a_given_store_does_not_end_the_server() -> None:
    """On a store given to `create_app` the queries run on threads of the
    server itself, where a stack overflow would end the whole process; it runs
    in a subprocess here so that such a crash fails this test only."""
    queries = [NESTED["10 000 nested groups"], NESTED["10 000 ORs"], NESTED["unbalanced 10 000"]]
    done = subprocess.run([sys.executable, "-c", EMBEDDED_NESTING], input=json.dumps(queries), text=True,
                          capture_output=True, timeout=180, cwd=load_bench.REPO, env=load_bench.kg_env())
    assert done.returncode == 0, f"the server process ended with {done.returncode}: {done.stderr[-1000:]}"
    statuses = [int(line) for line in done.stdout.split()]
    assert len(statuses) == len(queries) + 1 and statuses[-1] == 200, done.stdout
    assert all(status in (200, 400, 413, 503) for status in statuses), statuses
