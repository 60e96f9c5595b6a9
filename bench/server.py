"""Server benchmark: `kg serve` against pyoxigraph in-process, Oxigraph's own
HTTP server and rdflib-endpoint, on the same generated data, in one run.

    python bench/server.py [--triples 900000] [--seconds 2] [--output FILE]

The script generates synthetic trade data (bench/generate.py), builds a data
directory from it as bench/run.py does, then:

- starts `kg serve` and `oxigraph serve-read-only --union-default-graph` on the
  build, and opens the same build read-only in this process;
- gets every catalog query (except those using SERVICE) bound as text from
  `kg serve` (`/api/queries/NAME.rq?...`), so that every engine runs the same
  SPARQL; `kg serve` itself answers them through `/api/queries/NAME?...`;
- adds small lookups, aggregations over many observations and a 100k-row SELECT;
- measures each engine x query with 1 and 16 concurrent clients (a thread and a
  `requests.Session` each, SPARQL JSON, whole body read): median and p99
  latency and requests per second;
- samples the memory (RSS) of the `kg serve` process tree, and of the Oxigraph
  server for reference, while a 1M-row SELECT streams through it;
- serves a smaller build with rdflib-endpoint (rdflib loads N-Quads at some
  10-20k triples/s, too slowly for the main data), compared with pyoxigraph
  in-process on that same smaller build, with a per-request timeout.

It prints Markdown tables and a summary against the targets. All servers listen
on 127.0.0.1 only and are stopped at the end, also on errors and Ctrl-C; the
temporary directory is deleted unless --work-dir is given.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TRIPLES_PER_ROW = 12  # as bench/run.py: about 12 source triples per generated trade row
JSON = "application/sparql-results+json"
CLIENT_LEVELS = (1, 16)
REF_INPROC = "pyoxigraph in-process"
REF_OXIGRAPH = "Oxigraph server"
KG = "kg serve"
RDFLIB = "rdflib-endpoint"
#: A year that every generated size covers (the generator fills years from 1995 on).
YEAR = "1997"
#: Parameters of the catalog queries; a query not listed here runs without any.
CATALOG_PARAMS: dict[str, dict[str, str]] = {
    "agreements_between": {"a": "KAZ", "b": "RUS"},
    "bilateral_trade": {"reporter": "KAZ", "partner": "WLD"},
    "bloc_members": {"bloc": "EAEU", "date": "2015-03-01"},
    "country_memberships": {"country": "KAZ"},
    "intra_bloc_trade": {"bloc": "EAEU"},
    "partner_share": {"reporter": "KAZ", "partner": "WLD", "year": YEAR},
    "top_partners": {"country": "KAZ", "year": YEAR, "limit": "10"},
}
KAZ = "<https://w3id.org/regecon/id/country/KAZ>"
#: Raw queries: (name, group, body without PREFIX lines).
RAW_QUERIES: list[tuple[str, str, str]] = [
    ("label_lookup", "lookup", f"SELECT ?label WHERE {{ {KAZ} rdfs:label ?label }}"),
    ("memberships_of_KAZ", "lookup",
     f"SELECT ?bloc ?role ?start ?end WHERE {{ ?m a rer:Membership ; org:member {KAZ} ; "
     "org:organization ?bloc ; org:role ?role . OPTIONAL { ?m rer:startDate ?start } "
     "OPTIONAL { ?m rer:endDate ?end } } ORDER BY ?bloc"),
    ("observations_by_flow", "aggregation",
     "SELECT ?flow (COUNT(?obs) AS ?n) WHERE { ?obs rer:flow ?flow } GROUP BY ?flow ORDER BY ?flow"),
    ("KAZ_totals_by_year", "aggregation",
     f"SELECT ?year (SUM(?v) AS ?total) WHERE {{ ?obs rer:reporter {KAZ} ; rer:year ?year ; "
     "rer:value ?v } GROUP BY ?year ORDER BY ?year"),
    ("totals_by_reporter_in_year", "aggregation",
     f"SELECT ?reporter (SUM(?v) AS ?total) WHERE {{ ?obs rer:year {YEAR} ; rer:reporter ?reporter ; "
     "rer:value ?v } GROUP BY ?reporter ORDER BY ?reporter"),
    ("observations_100k", "100k rows",
     "SELECT ?obs ?value WHERE { ?obs rer:value ?value } LIMIT 100000"),
]
STREAM_ROWS = 1_000_000
STREAM_QUERY = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {STREAM_ROWS}"


def log(message: str) -> None:
    """Progress goes to stderr; the report goes to stdout."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def prefix_header() -> str:
    """PREFIX lines for the project's prefixes, so raw queries run anywhere."""
    from kg.namespace import PREFIXES

    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


# --------------------------------------------------------------------------- data

#: Sources of the default graph that go in with the generated trade data (which
#: takes the place of the trade sample).
DEFAULT_SOURCES = ["ontology", "countries", "blocs", "agreements", "articles"]


def build_data_dir(csv_path: Path, directory: Path, dump: Path | None) -> None:
    """Build `directory` as `kg build` builds the default graph, with the
    generated CSV in place of the trade sample (derived figures and inferences
    included); optionally dump it as N-Quads."""
    from functools import partial

    from kg.build import write_all
    from kg.sources import default_sources, tradefile
    from kg.store.layout import DataDir

    data_dir = DataDir(directory)
    sources = default_sources(only=DEFAULT_SOURCES) + [partial(tradefile.load, csv_path, name="trade/bench")]
    with data_dir.staged(from_current=False) as store:
        write_all(store, sources)
    if dump is not None:
        import pyoxigraph as ox

        ox.Store.read_only(str(data_dir.current())).dump(str(dump), ox.RdfFormat.N_QUADS)


def prepare_data(work: Path, name: str, triples: int, dump: bool) -> Path:
    """Generate and build (in a child process) a data directory of about
    `triples` source triples under `work`; reuse it if it is already there."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    directory = work / name
    nquads = directory.with_suffix(".nq")
    if (directory / "current").exists() and (nquads.exists() or not dump):
        log(f"reusing {directory}")
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    csv_path = work / f"{name}.csv"
    rows = generate(csv_path, max(1, triples // TRIPLES_PER_ROW))
    log(f"building {name}: {rows:,} generated rows")
    started = time.perf_counter()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--internal-build", str(csv_path), str(directory)]
    if dump:
        cmd.append(str(nquads))
    subprocess.run(cmd, check=True)
    log(f"built {name} in {time.perf_counter() - started:.0f} s")
    return directory


def current_store(directory: Path) -> Path:
    """What the data directory's `current` link points at."""
    from kg.store.layout import DataDir

    path = DataDir(directory).current()
    if path is None:
        raise SystemExit(f"no build in {directory}")
    return path


# --------------------------------------------------------------------------- processes

def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(root: int) -> list[int]:
    """Process ids below `root` (children, grandchildren...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_rss(root: int) -> int:
    """Resident memory of `root` and its descendants, in bytes (psutil if
    installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        total = 0
        for pid in [root, *descendants(root)]:
            try:
                with open(f"/proc/{pid}/status") as fh:
                    for line in fh:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
            except OSError:
                pass
        return total
    try:
        proc = psutil.Process(root)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


class Server:
    """A server subprocess in a session of its own, stopped with its whole tree."""

    def __init__(self, name: str, cmd: list[str], ready: Callable[[], bool], log_path: Path,
                 env: dict[str, str] | None = None, start_timeout: float = 300.0) -> None:
        self.name, self.cmd, self.ready, self.log_path = name, cmd, ready, log_path
        self.env, self.start_timeout = env, start_timeout
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        log(f"starting {self.name}: {' '.join(self.cmd)}")
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=self.env, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            try:
                if self.ready():
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start within {self.start_timeout:.0f} s:\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to the process group, then SIGKILL to whatever of the tree is
        left (the query workers of `kg serve` run in sessions of their own)."""
        if self.process is None:
            return
        tree = [self.process.pid, *descendants(self.process.pid)]
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if sig == signal.SIGKILL and not [p for p in tree if _alive(p)]:
                break
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass
            for pid in tree[1:]:
                if _alive(pid):
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.2)
        self.process = None


def _alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def http_ok(url: str, method: str = "GET", **kwargs: Any) -> Callable[[], bool]:
    """A readiness check: does `url` answer 200?"""
    return lambda: requests.request(method, url, timeout=5, **kwargs).status_code == 200


# --------------------------------------------------------------------------- engines

@dataclass
class Query:
    """One benchmark query: the SPARQL every engine runs, and for catalog
    queries the API path through which `kg serve` runs it."""

    name: str
    group: str
    text: str
    api: str | None = None


Call = Callable[[Query], bytes]


class InProcess:
    """pyoxigraph on the same build, in this process, results serialised to SPARQL JSON."""

    def __init__(self, name: str, path: Path) -> None:
        import pyoxigraph as ox

        self.name = name
        self.store = ox.Store.read_only(str(path))
        self.format = ox.QueryResultsFormat.JSON

    def caller(self) -> Call:
        def call(query: Query) -> bytes:
            return self.store.query(query.text, use_default_graph_as_union=True).serialize(format=self.format)
        return call


class Http:
    """A SPARQL endpoint over HTTP; `api` is the base URL of `kg serve`, whose
    catalog queries then go through its catalog API."""

    def __init__(self, name: str, endpoint: str, timeout: float, api: str | None = None) -> None:
        self.name, self.endpoint, self.timeout, self.api = name, endpoint, timeout, api
        #: Restarts the server (after a timeout that left it busy), if set.
        self.restart: Callable[[], Any] | None = None

    def caller(self) -> Call:
        session = requests.Session()
        session.headers["Accept"] = JSON

        def call(query: Query) -> bytes:
            if self.api and query.api:
                response = session.get(self.api + query.api, timeout=(5, self.timeout))
            else:
                response = session.post(self.endpoint, data=query.text.encode(), timeout=(5, self.timeout),
                                        headers={"Content-Type": "application/sparql-query; charset=utf-8"})
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
            if response.headers.get("X-KG-Result-Truncated") == "true":
                raise RuntimeError("the result was truncated (raise KG_MAX_RESULTS)")
            return response.content
        return call


# --------------------------------------------------------------------------- measuring

@dataclass
class Cell:
    """The measurements of one engine x query x number of clients."""

    engine: str
    query: Query
    clients: int
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    rows: int | None = None
    #: Why the cell has no measurements (an error, a timeout, not run).
    note: str = ""
    #: Something to know about the measurements.
    remark: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.latencies) and not self.note

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


def count_rows(body: bytes) -> int:
    """Solutions in a SPARQL JSON body (1 for a boolean)."""
    data = json.loads(body)
    return len(data["results"]["bindings"]) if "results" in data else 1


class Bench:
    """Runs cells for engines; each engine keeps one caller (session) per
    client thread across cells, as a client pool would."""

    def __init__(self, seconds: float, max_cell: float) -> None:
        self.seconds, self.max_cell = seconds, max_cell
        self.callers: dict[str, list[Call]] = {}

    def _callers(self, engine: InProcess | Http, n: int) -> list[Call]:
        pool = self.callers.setdefault(engine.name, [])
        while len(pool) < n:
            pool.append(engine.caller())
        return pool[:n]

    def warm(self, engine: InProcess | Http, query: Query, clients: int) -> None:
        """One request from each of `clients` threads at once: opens the
        connections and, for `kg serve`, starts its pool of query workers."""
        threads = [threading.Thread(target=call, args=(query,)) for call in self._callers(engine, clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def cell(self, engine: InProcess | Http, query: Query, clients: int, rows: int | None) -> Cell:
        """One untimed request (which counts the rows when `rows` is None), then
        each client repeats the query until the time budget is spent and it has
        made at least one request (three with a single client, fewer for a
        query so slow that three would exceed `max_cell`; for one slower than
        a third of it, the untimed request is the only sample)."""
        result = Cell(engine.name, query, clients)
        calls = self._callers(engine, clients)
        try:
            began = time.perf_counter()
            body = calls[0](query)
            first = time.perf_counter() - began
            result.rows = count_rows(body) if rows is None else rows
        except Exception as exc:  # noqa: BLE001 - reported in the table
            result.note = _short(exc)
            return result
        if clients == 1 and first > self.max_cell / 3:
            result.latencies, result.wall = [first], first
            result.remark = "1 sample"
            return result
        minimum = max(1, min(3, int(self.max_cell / max(first, 1e-6)))) if clients == 1 else 1
        samples: list[list[float]] = [[] for _ in range(clients)]
        errors: list[BaseException] = []
        start = threading.Barrier(clients + 1)
        deadline = [0.0]

        def client(i: int) -> None:
            start.wait()
            try:
                while len(samples[i]) < minimum or time.perf_counter() < deadline[0]:
                    if errors:
                        return
                    began = time.perf_counter()
                    calls[i](query)
                    samples[i].append(time.perf_counter() - began)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for t in threads:
            t.start()
        deadline[0] = time.perf_counter() + self.seconds
        began = time.perf_counter()
        start.wait()
        for t in threads:
            t.join()
        result.wall = time.perf_counter() - began
        result.latencies = [s for per_client in samples for s in per_client]
        if errors:
            result.note = _short(errors[0])
        return result


def _short(exc: BaseException) -> str:
    """An exception as a short table cell."""
    if isinstance(exc, requests.Timeout):
        return "timeout"
    return f"{type(exc).__name__}: {exc}".replace("\n", " ").replace("|", "/")[:120]


@dataclass
class Streamed:
    """Memory of a server's process tree while it streamed a large result."""

    engine: str
    rest: int
    peak: int
    body: int
    first_byte: float
    seconds: float
    note: str = ""


def stream_memory(name: str, root: int, endpoint: str, query: str) -> Streamed:
    """RSS of the process tree under `root` at rest, then its peak (sampled
    every 20 ms) while a large SELECT streams through in 1 MiB reads."""
    time.sleep(2.0)
    rest = statistics.median(tree_rss(root) for _ in range(5))
    peak = [rest]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(root))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    size, note, began, first = 0, "", time.perf_counter(), float("nan")
    try:
        with requests.post(endpoint, data=query.encode(), stream=True, timeout=(5, 600),
                           headers={"Content-Type": "application/sparql-query; charset=utf-8",
                                    "Accept": JSON}) as response:
            if response.status_code != 200:
                note = f"HTTP {response.status_code}"
            if response.headers.get("X-KG-Result-Truncated") == "true":
                note = "truncated"
            for chunk in response.iter_content(1 << 20):
                if not size:
                    first = time.perf_counter() - began
                size += len(chunk)
    except requests.RequestException as exc:
        note = _short(exc)
    finally:
        done.set()
        sampler.join()
    return Streamed(name, int(rest), int(peak[0]), size, first, time.perf_counter() - began, note)


# --------------------------------------------------------------------------- queries

def catalog_params(store: Any) -> dict[str, dict[str, str]]:
    """CATALOG_PARAMS, with partner_share's partner set to one that KAZ has a
    share for in YEAR in the generated data (the generator picks partners at random)."""
    params = {name: dict(values) for name, values in CATALOG_PARAMS.items()}
    query = (prefix_header() + f"SELECT ?iso WHERE {{ ?s a rer:PartnerShare ; rer:reporter {KAZ} ; "
             f"rer:year {YEAR} ; rer:partner ?p . ?p rer:iso3166Alpha3 ?iso }} ORDER BY ?iso LIMIT 1")
    for solution in store.query(query, use_default_graph_as_union=True):
        params["partner_share"]["partner"] = solution["iso"].value
    return params


def catalog_queries(base: str, all_params: dict[str, dict[str, str]]) -> tuple[list[Query], list[str]]:
    """The catalog's queries, bound by `kg serve` as text; those using SERVICE
    (or with required parameters the script has no values for) are skipped."""
    skipped = []
    queries = []
    for entry in requests.get(f"{base}/api/queries", timeout=30).json()["queries"]:
        name = entry["name"]
        if "SERVICE" in entry["text"].upper():
            skipped.append(f"{name} (uses SERVICE)")
            continue
        params = all_params.get(name, {})
        missing = [p["name"] for p in entry["params"] if p.get("required") and p["name"] not in params]
        if missing:
            skipped.append(f"{name} (no values for {', '.join(missing)})")
            continue
        query_string = "&".join(f"{k}={v}" for k, v in params.items())
        suffix = f"?{query_string}" if query_string else ""
        text = requests.get(f"{base}/api/queries/{name}.rq{suffix}", timeout=30)
        text.raise_for_status()
        queries.append(Query(name, "catalog", text.text, f"/api/queries/{name}{suffix}"))
    return queries, skipped


def raw_queries() -> list[Query]:
    header = prefix_header()
    return [Query(name, group, header + body) for name, group, body in RAW_QUERIES]


# --------------------------------------------------------------------------- report

def fmt_ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def ratio(cell: Cell, ref: Cell | None) -> str:
    if ref is None or not ref.ok or not cell.ok:
        return "—"
    return f"{cell.median_ms / ref.median_ms:.2f}x"


def table(cells: list[Cell], refs: tuple[str, ...]) -> str:
    """A Markdown table, one line per cell, with median-latency ratios to the
    reference engines measured on the same query and number of clients."""
    index = {(c.engine, c.query.name, c.clients): c for c in cells}
    head = ["query", "group", "engine", "clients", "rows", "median ms", "p99 ms", "req/s",
            *[f"median / {r}" for r in refs], "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in cells:
        if c.ok:
            numbers = [fmt_ms(c.median_ms), fmt_ms(c.p99_ms), f"{c.rps:,.1f}"]
        else:
            numbers = [c.note or "no sample", "", ""]
        ratios = [ratio(c, index.get((r, c.query.name, c.clients))) if c.engine != r else "1.00x" if c.ok else "—"
                  for r in refs]
        rows = "" if c.rows is None else f"{c.rows:,}"
        lines.append("| " + " | ".join([c.query.name, c.query.group, c.engine, str(c.clients), rows,
                                        *numbers, *ratios, c.remark]) + " |")
    return "\n".join(lines)


def heavy(ref: Cell) -> bool:
    """A query is heavy if pyoxigraph in-process needs 50 ms or more, or its
    result has 10,000 rows or more; otherwise its result counts as small."""
    return ref.median_ms >= 50 or (ref.rows or 0) >= 10_000


def summary(cells: list[Cell], streamed: list[Streamed], flat_mb: float, stream_rows: int) -> list[str]:
    """The targets, checked query by query on medians."""
    index = {(c.engine, c.query.name, c.clients): c for c in cells}
    names = list(dict.fromkeys(c.query.name for c in cells))
    small_ok, small_miss, heavy_ok, heavy_miss, rps_ok, rps_miss, broken = [], [], [], [], [], [], []
    for name in names:
        ref, ours = index.get((REF_INPROC, name, 1)), index.get((KG, name, 1))
        if ref is None or ours is None or not ref.ok or not ours.ok:
            broken.append(name)
            continue
        if heavy(ref):
            r = ours.median_ms / ref.median_ms
            (heavy_ok if r <= 1.3 else heavy_miss).append(f"{name} {r:.2f}x")
        else:
            d = ours.median_ms - ref.median_ms
            (small_ok if d <= 3 else small_miss).append(f"{name} {d:+.1f} ms")
        oxi, ours16 = index.get((REF_OXIGRAPH, name, 16)), index.get((KG, name, 16))
        if oxi is not None and ours16 is not None and oxi.ok and ours16.ok:
            r = ours16.rps / oxi.rps
            (rps_ok if r >= 1 else rps_miss).append(f"{name} {r:.2f}x")

    def verdict(ok: list[str], miss: list[str]) -> str:
        if not ok and not miss:
            return "no query of this kind"
        met = "met" if not miss else "NOT met" if not ok else "partly met"
        return (f"**{met}** ({len(ok)}/{len(ok) + len(miss)})"
                + (f"; misses: {', '.join(miss)}" if miss else "") + (f"; met: {', '.join(ok)}" if ok else ""))

    lines = [
        f"- Small results, median of `kg serve` within in-process pyoxigraph + 3 ms (1 client): "
        f"{verdict(small_ok, small_miss)}",
        f"- Heavy queries, median of `kg serve` within 1.3x in-process pyoxigraph (1 client): "
        f"{verdict(heavy_ok, heavy_miss)}",
        f"- Requests/s of `kg serve` at 16 clients at least Oxigraph server's "
        f"(ratio kg / Oxigraph): {verdict(rps_ok, rps_miss)}",
    ]
    if broken:
        lines.append(f"- Not compared (an engine failed): {', '.join(broken)}")
    for s in streamed:
        growth = (s.peak - s.rest) / 2**20
        if s.engine == KG:
            flat = "flat" if growth <= flat_mb and not s.note else "NOT flat"
            lines.append(f"- Memory of the `kg serve` tree while streaming {stream_rows:,} rows: **{flat}** "
                         f"(target: growth <= {flat_mb:.0f} MB): {_mem(s)}")
        else:
            lines.append(f"- For reference, {s.engine}: {_mem(s)}")
    return lines


def _mem(s: Streamed) -> str:
    mb = 2**20
    text = (f"{s.rest / mb:,.0f} MB at rest, peak {s.peak / mb:,.0f} MB (+{(s.peak - s.rest) / mb:,.0f} MB) "
            f"for a {s.body / mb:,.0f} MB body; first byte after {s.first_byte:.1f} s, last after {s.seconds:.1f} s")
    return text + (f" ({s.note})" if s.note else "")


# --------------------------------------------------------------------------- the run

def server_code_time() -> str:
    """When a file of `server/` was last modified (others edit it meanwhile)."""
    import server as package

    root = Path(package.__file__).resolve().parent
    newest = max(p.stat().st_mtime for p in root.rglob("*.py"))
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(newest))


def machine() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)"


def count_triples(path: Path) -> tuple[int, int]:
    """Triples (quads) in the build, and observations with a value."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(path))
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?o <https://w3id.org/regecon/ontology#value> ?v }"
    observations = int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)
    return len(store), observations


def measure_all(bench: Bench, engines: list[InProcess | Http], queries: list[Query]) -> list[Cell]:
    """Every query on every engine, engines interleaved query by query so that
    drifts of the machine's load spread over all of them. A 16-client cell is
    not run when, from the 1-client median, it would take longer than the
    bench's `max_cell` even with every CPU busy."""
    cpus = os.cpu_count() or 1
    cells: list[Cell] = []
    for query in queries:
        rows: int | None = None
        for engine in engines:
            single: Cell | None = None
            for clients in CLIENT_LEVELS:
                if single is not None and clients > 1 and not single.ok:
                    cells.append(Cell(engine.name, query, clients, note=f"not run ({single.note} at 1 client)"))
                    continue
                if (single is not None and clients > 1
                        and single.median_ms / 1000 * clients / cpus > bench.max_cell):
                    cells.append(Cell(engine.name, query, clients, rows=single.rows,
                                      note=f"not run (~{single.median_ms * clients / cpus / 1000:.0f} s)"))
                    continue
                cell = bench.cell(engine, query, clients, None if clients == 1 else single.rows)
                cells.append(cell)
                if clients == 1:
                    single = cell
                    rows = cell.rows if rows is None else rows
                log(f"{query.name:28} {engine.name:24} {clients:2} clients: "
                    + (f"median {cell.median_ms:8.1f} ms  {cell.rps:7.1f} req/s  rows {cell.rows}"
                       if cell.ok else cell.note))
                if cell.note == "timeout" and getattr(engine, "restart", None) is not None:
                    log(f"restarting {engine.name}")
                    engine.restart()
    return cells


def start_servers(args: argparse.Namespace, stack: ExitStack, work: Path, data_dir: Path,
                  store_path: Path) -> tuple[Server, str, Server, str]:
    """`kg serve` on the data directory and Oxigraph's server on its current
    build; both stopped when `stack` closes. Returns each with its URL."""
    kg_port, oxi_port = free_port(), free_port()
    env = dict(os.environ, KG_MAX_RESULTS=str(2 * STREAM_ROWS), KG_QUERY_TIMEOUT=str(args.query_timeout))
    kg_base = f"http://127.0.0.1:{kg_port}"
    kg = Server(KG, [str(BIN / "kg"), "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1",
                     "--port", str(kg_port), "--threads", str(args.kg_threads)],
                http_ok(f"{kg_base}/health"), work / "kg-serve.log", env=env)
    stack.callback(kg.stop)
    kg.start()
    oxi_url = f"http://127.0.0.1:{oxi_port}/query"
    oxi = Server(REF_OXIGRAPH, [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store_path),
                                "--bind", f"127.0.0.1:{oxi_port}", "--union-default-graph",
                                "--timeout-s", str(int(args.query_timeout))],
                 http_ok(oxi_url, "POST", data=b"ASK {}", headers={"Content-Type": "application/sparql-query",
                                                                    "Accept": JSON}),
                 work / "oxigraph.log")
    stack.callback(oxi.stop)
    oxi.start()
    return kg, kg_base, oxi, oxi_url


def rdflib_round(args: argparse.Namespace, stack: ExitStack, work: Path, small: Path,
                 queries: list[Query]) -> tuple[list[Cell], str]:
    """rdflib-endpoint and pyoxigraph in-process on the smaller build."""
    small_triples, small_obs = count_triples(current_store(small))
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    server = Server(RDFLIB, [sys.executable, str(Path(__file__).resolve()), "--internal-rdflib",
                             str(small.with_suffix(".nq")), str(port)],
                    http_ok(url, "POST", data=b"ASK {}", headers={"Content-Type": "application/sparql-query",
                                                                   "Accept": JSON}),
                    work / "rdflib.log", start_timeout=1800)
    stack.callback(server.stop)
    began = time.perf_counter()
    server.start()
    loaded = time.perf_counter() - began
    engine = Http(RDFLIB, url, args.rdflib_timeout)
    engine.restart = lambda: (server.stop(), server.start())
    cells = measure_all(Bench(args.seconds, args.max_cell), [InProcess(REF_INPROC, current_store(small)), engine],
                        queries)
    server.stop()
    note = (f"{small_triples:,} triples ({small_obs:,} observations with a value), which rdflib loaded "
            f"from N-Quads in {loaded:.0f} s (the main build would take it several minutes). Requests to "
            f"it time out after {args.rdflib_timeout:g} s; a server that timed out is restarted and the "
            f"query's 16-client cell is not run")
    return cells, note


def run(args: argparse.Namespace, stack: ExitStack) -> str:
    """The whole benchmark; returns the Markdown report."""
    if args.work_dir:
        work = args.work_dir.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-bench-server-")))
    started = time.perf_counter()
    load_before = machine()
    big = prepare_data(work, f"main-{args.triples}", args.triples, dump=False)
    small = None if args.no_rdflib else prepare_data(work, f"small-{args.rdflib_triples}",
                                                     args.rdflib_triples, dump=True)
    store_path = current_store(big)
    triples, observations = count_triples(store_path)
    log(f"main build: {triples:,} triples, {observations:,} observations with a value")

    kg, kg_base, oxi, oxi_url = start_servers(args, stack, work, big, store_path)
    in_process = InProcess(REF_INPROC, store_path)
    catalog, skipped = catalog_queries(kg_base, catalog_params(in_process.store))
    queries = catalog + raw_queries()
    if args.only:
        queries = [q for q in queries if q.name in args.only]
    engines: list[InProcess | Http] = [
        in_process,
        Http(REF_OXIGRAPH, oxi_url, args.query_timeout),
        Http(KG, f"{kg_base}/sparql", args.query_timeout, api=kg_base),
    ]
    bench = Bench(args.seconds, args.max_cell)
    for engine in engines:
        bench.warm(engine, queries[0], max(CLIENT_LEVELS))
    cells = measure_all(bench, engines, queries)

    streamed: list[Streamed] = []
    if not args.no_stream:
        for name, server, url in ((KG, kg, f"{kg_base}/sparql"), (REF_OXIGRAPH, oxi, oxi_url)):
            log(f"streaming {STREAM_ROWS:,} rows from {name}")
            streamed.append(stream_memory(name, server.pid, url, prefix_header() + STREAM_QUERY))
            log(_mem(streamed[-1]))
    kg.stop()
    oxi.stop()

    small_cells, small_note = rdflib_round(args, stack, work, small, queries) if small else ([], "")

    out = [
        f"Command: `python bench/server.py{''.join(' ' + a for a in args.argv)}`",
        "",
        f"Data: {triples:,} triples ({observations:,} observations with a value): the default graph's "
        f"sources ({', '.join(DEFAULT_SOURCES)}) with {args.triples // TRIPLES_PER_ROW:,} rows of "
        f"`bench/generate.py` trade data in place of the trade sample, derived figures and inferences "
        f"included.",
        f"Machine: {load_before} at the start, {machine()} at the end. The machine is shared and noisy: "
        f"compare medians, and expect them to move by tens of percent between runs.",
        f"Server code: the working tree, `server/` as last modified at {server_code_time()}.",
        f"Each cell: one untimed request, then each client repeats the query for {args.seconds:g} s "
        f"(at least 3 requests with 1 client, 1 per client with 16; fewer, or no 16-client cell, where "
        f"that would take over {args.max_cell:g} s). p99 is the nearest-rank 99th percentile, which with "
        f"fewer than 100 samples is the slowest request. `kg serve` runs with `--threads {args.kg_threads}`, "
        f"`KG_MAX_RESULTS={2 * STREAM_ROWS}`, `KG_QUERY_TIMEOUT={args.query_timeout:g}` and its default "
        f"`KG_QUERY_WORKERS`; catalog queries go through `/api/queries/NAME?...`, the rest through "
        f"`/sparql`. The other engines get the text of `/api/queries/NAME.rq?...`, by POST.",
    ]
    if skipped:
        out.append(f"Skipped catalog queries: {', '.join(skipped)}.")
    out += ["", table(cells, (REF_INPROC, REF_OXIGRAPH)), "", "Targets:", "",
            *summary(cells, streamed, args.flat_mb, min(triples, STREAM_ROWS))]
    if small_cells:
        out += ["", f"rdflib-endpoint runs on a smaller build: {small_note}. It is compared with "
                    f"pyoxigraph in-process on that same build.", "", table(small_cells, (REF_INPROC,))]
    out += ["", f"Total run time: {(time.perf_counter() - started) / 60:.1f} min."]
    return "\n".join(out)


def serve_rdflib(nquads: Path, port: int) -> None:
    """Child process: rdflib-endpoint over an rdflib Dataset (union default
    graph) loaded from `nquads`, served by uvicorn on 127.0.0.1."""
    import rdflib
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint

    began = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(nquads), format="nquads")
    print(f"loaded {len(dataset):,} quads in {time.perf_counter() - began:.1f} s", flush=True)
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=900_000,
                    help="size of the generated trade data in source triples, about 12 per row "
                         "(default 900000; the build adds derived figures, about 2.7x in all)")
    ap.add_argument("--seconds", type=float, default=1.5, help="time budget of each cell (default 1.5)")
    ap.add_argument("--max-cell", type=float, default=30.0,
                    help="fewer samples, or no 16-client cell, for queries that would make a cell "
                         "take longer than this many seconds (default 30)")
    ap.add_argument("--kg-threads", type=int, default=8, help="`kg serve --threads` (default 8, its default)")
    ap.add_argument("--query-timeout", type=float, default=300,
                    help="KG_QUERY_TIMEOUT and Oxigraph's --timeout-s (default 300)")
    ap.add_argument("--rdflib-triples", type=int, default=60_000,
                    help="size of rdflib-endpoint's smaller data, as --triples (default 60000)")
    ap.add_argument("--rdflib-timeout", type=float, default=30, help="per-request timeout for rdflib-endpoint")
    ap.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out")
    ap.add_argument("--no-stream", action="store_true", help="leave the 1M-row memory measurement out")
    ap.add_argument("--flat-mb", type=float, default=64,
                    help="growth of the kg serve tree's RSS while streaming that still counts as flat (MB)")
    ap.add_argument("--only", nargs="+", metavar="QUERY", help="run only these queries (by name)")
    ap.add_argument("--work-dir", type=Path,
                    help="keep data (and reuse builds) here instead of a temporary directory")
    ap.add_argument("--output", type=Path, help="also write the report to this file")
    ap.add_argument("--internal-build", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--internal-rdflib", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.internal_build:
        csv_path, directory, *dump = args.internal_build
        build_data_dir(Path(csv_path), Path(directory), Path(dump[0]) if dump else None)
        return
    if args.internal_rdflib:
        serve_rdflib(Path(args.internal_rdflib[0]), int(args.internal_rdflib[1]))
        return
    args.argv = argv

    def terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    with ExitStack() as stack:
        try:
            report = run(args, stack)
        except KeyboardInterrupt:
            log("interrupted: stopping the servers")
            raise SystemExit(130) from None
    print(report)
    if args.output:
        args.output.write_text(report + "\n")


if __name__ == "__main__":
    main()
