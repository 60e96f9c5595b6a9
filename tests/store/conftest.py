"""Real SPARQL servers for the remote store tests: an Oxigraph server (from the
`oxigraph` PyPI package) and, where `virtuoso-t` is installed, Virtuoso.

Servers listen on free ports of 127.0.0.1 only; every wait is bounded and
every process started here is stopped by its own id."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import virtuoso_ini

START_TIMEOUT = 30.0
VIRTUOSO_START_TIMEOUT = 90.0
#: Bound on one `kg` command run by a test (a build of the default graph takes seconds).
KG_TIMEOUT = 600.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The `oxigraph` CLI of the test virtualenv, else one on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    return shutil.which("oxigraph")


def _answers(url: str, timeout: float = 2.0) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(f"{url}?{query}", headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_answering(url: str, proc: subprocess.Popen, deadline: float, log: Path) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        if _answers(url):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer in time: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


class OxigraphServer:
    """``oxigraph serve`` on a data directory; can be killed and restarted on
    the same port and directory to test failures."""

    def __init__(self, binary: str, location: Path) -> None:
        self.binary = binary
        self.location = location
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = location.parent / f"{location.name}.log"

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self) -> "OxigraphServer":
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=subprocess.STDOUT)
        _wait_until_answering(self.query_url, self.proc, time.monotonic() + START_TIMEOUT, self.log)
        return self

    def kill(self) -> None:
        """SIGKILL: no flush, no goodbye, as in a crash."""
        _stop(self.proc, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.proc)


class VirtuosoServer:
    """``virtuoso-t +foreground`` with a minimal ini in a scratch directory.

    ``DefaultIsolation = 8`` (serializable) is what makes a replace_graph
    invisible to readers until it is whole; at Virtuoso's default (read
    committed) a query running during the MOVE can see part of each version.
    ``TransactionAfterImageLimit`` is raised from its 50 MB, which the MOVE
    over a graph of some hundred thousand triples outgrows (see
    :mod:`kg.store.virtuoso_ini`)."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.sql_port = free_port()
        self.http_port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = directory / "stdout.log"

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self) -> "VirtuosoServer":
        self.directory.mkdir(parents=True, exist_ok=True)
        ini = self.directory / "virtuoso.ini"
        ini.write_text(virtuoso_ini.render(self.directory, self.sql_port, self.http_port))
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([self.binary, "-c", str(ini), "+foreground"],
                                         cwd=self.directory, stdout=log, stderr=subprocess.STDOUT)
        _wait_until_answering(self.query_url, self.proc, time.monotonic() + VIRTUOSO_START_TIMEOUT, self.log)
        return self

    def stop(self) -> None:
        _stop(self.proc, timeout=30)


@pytest.fixture(autouse=True)
def quick_write_announcements(monkeypatch):
    """Writers wait `announce_wait` seconds once per write session so that
    readers stop using the engine's own union; shorter here, for readers and
    writers alike (the `kg` processes the tests start keep the defaults)."""
    from kg.store.remote import RemoteStore

    monkeypatch.setattr(RemoteStore, "native_union_for", 0.2)
    monkeypatch.setattr(RemoteStore, "announce_wait", 0.3)


@pytest.fixture(scope="session")
def oxigraph_bin() -> str:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return binary


@pytest.fixture(scope="session")
def oxigraph_server(oxigraph_bin, tmp_path_factory) -> Iterator[OxigraphServer]:
    """One Oxigraph server for the whole session; tests empty it before use."""
    server = OxigraphServer(oxigraph_bin, tmp_path_factory.mktemp("oxigraph") / "db").start()
    yield server
    server.stop()


@pytest.fixture
def fresh_oxigraph(oxigraph_bin, tmp_path) -> Iterator[OxigraphServer]:
    """A server of the test's own, for tests that kill it."""
    server = OxigraphServer(oxigraph_bin, tmp_path / "db").start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> Iterator[VirtuosoServer]:
    binary = os.environ.get("KG_VIRTUOSO_BIN") or shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")
    server = VirtuosoServer(binary, tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def embedded_build():
    """The default graph built once into an in-memory embedded store, which
    remote builds are compared with: (store, counts per graph)."""
    from kg.build import write_all
    from kg.sources import default_sources
    from kg.store import OxigraphStore

    store = OxigraphStore()
    counts = write_all(store, default_sources())
    return store, counts


def kg_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the `kg` command line as a user would, in its own process."""
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          timeout=KG_TIMEOUT, env={**os.environ, **(env or {})})


class KgServe:
    """``kg serve --store URL`` in a process of its own on a free local port."""

    def __init__(self, store_url: str, env: dict[str, str] | None = None, threads: int = 4) -> None:
        self.store_url = store_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.threads = threads
        self.proc: subprocess.Popen | None = None
        self.log: Path | None = None

    def start(self, log: Path) -> "KgServe":
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kg.cli", "serve", "--store", self.store_url, "--host", "127.0.0.1",
                 "--port", str(self.port), "--threads", str(self.threads)],
                env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with {self.proc.returncode}: "
                                   f"{log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"kg serve did not answer in time: {log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        _stop(self.proc, signal.SIGINT, timeout=15)


def empty_remote(store) -> None:
    """Drop every graph of a remote store that is not the engine's own."""
    from rdflib import URIRef

    store.collect_staging()
    for g in store._all_graphs():
        if store._is_published(g):
            store.drop_graph(URIRef(g))


#: Catalog queries with parameters, one or more per local catalog query.
CATALOG_SAMPLES: list[tuple[str, dict[str, str]]] = [
    ("agreements_between", {"a": "KAZ", "b": "RUS"}),
    ("agreements_between", {"a": "EAEU", "b": "VNM"}),
    ("bilateral_trade", {"reporter": "KGZ", "partner": "KAZ"}),
    ("bilateral_trade", {"reporter": "KGZ", "partner": "WLD"}),
    ("bloc_members", {"bloc": "EAEU"}),
    ("bloc_members", {"bloc": "EAEU", "date": "2016-06-01"}),
    ("bloc_members", {"bloc": "CIS", "date": "2021-01-01"}),
    ("claims", {}),
    ("claims_vs_official", {}),
    ("claims_vs_official", {"reporter": "KAZ"}),
    ("country_memberships", {"country": "KGZ"}),
    ("intra_bloc_trade", {"bloc": "EAEU"}),
    ("intra_bloc_trade", {"bloc": "EAEU", "flow": "import"}),
    ("partner_share", {"reporter": "KGZ", "partner": "KAZ", "year": "2021"}),
    ("partner_share", {"reporter": "RUS", "partner": "ARM", "year": "2021"}),
    ("top_partners", {"country": "KGZ", "year": "2021"}),
    ("top_partners", {"country": "RUS", "year": "2021", "limit": "3"}),
]


def sample_id(name: str, params: dict[str, str]) -> str:
    return f"{name}-{'-'.join(params.values()) or 'all'}"


def canonical_rows(rows: list[dict]) -> list[tuple]:
    """Rows as comparable tuples; numbers compare by value (an engine may write
    12.50 as 12.5), everything else by its exact term."""
    from rdflib import Literal, Namespace

    xsd = Namespace("http://www.w3.org/2001/XMLSchema#")

    def cell(term):
        if isinstance(term, Literal) and term.datatype in (xsd.decimal, xsd.integer, xsd.double, xsd.float):
            return ("number", str(term.datatype), term.toPython())
        return ("term", term.n3() if term is not None else None)
    return [tuple((k, cell(v)) for k, v in sorted(row.items())) for row in rows]
