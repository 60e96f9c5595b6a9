"""Load test of the public endpoint: N concurrent clients for T seconds against a
real ``kg serve`` subprocess on 127.0.0.1, with a mix of catalog queries, entity
pages and SPARQL requests (GET and POST, JSON and CSV). It reports throughput,
p50/p99 latency and every failed or wrong answer, and exits non-zero if there
was any.

    python bench/load.py                          # 32 clients, 60 s, on a fresh small build
    python bench/load.py --clients 8 --duration 10 --swap
    python bench/load.py --data-dir var/kg --clients 32 --duration 60 --json bench/out/load.json

``--swap`` runs the same load while the data directory is rewritten three times
in the middle (``kg load`` of a marker graph, a full ``kg build``, another
``kg load``). Each build carries a different marker (a version literal and a
number of items stamped with it, or none for the plain build). The mix then
also asks for the marker, which tells which build answered, and checks that

- no request fails while builds are swapped in;
- one response never mixes two builds: the marker's version and its items
  agree, and the ``X-KG-Build`` header names the build whose marker the body
  shows;
- every other answer has the same number of rows on every build, since every
  build holds the same sources.

``--swap`` needs a data directory it may rewrite: without ``--data-dir`` it
builds a small graph into a temporary one. The module is also imported by the
tests in ``tests/reliability``.
"""
from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
#: The small graph the tests and this benchmark build: fast (a few seconds) yet
#: with countries, blocs, memberships and trade figures for every kind of page.
SMALL_SOURCES = ("ontology", "countries", "blocs", "trade-sample")
#: Seconds any single request, start-up or shutdown may take before it counts as failed.
REQUEST_TIMEOUT = 30.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0

BASE = os.environ.get("KG_BASE_IRI", "https://w3id.org/regecon/")
MARKER = BASE + "id/reliability/marker"
VERSION = BASE + "id/reliability/version"
ITEMS = BASE + "id/reliability/items"
BUILD_HEADER = "X-KG-Build"
MARKER_QUERY = (f"SELECT ?s ?v ?n WHERE {{ ?s <{VERSION}> ?v . "
                f"OPTIONAL {{ ?s <{ITEMS}> ?n }} }}")
_PAGE_VERSION = re.compile(r"reliability-version-([A-Za-z0-9]+)")


# ----------------------------------------------------------------------------- the kg command

def kg_command() -> list[str]:
    """The ``kg`` console script beside this interpreter, else the same CLI as a module."""
    script = shutil.which("kg", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "kg.cli"]


def kg_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


def run_kg(*args: str, timeout: float = 300.0, env: Mapping[str, str] | None = None
           ) -> subprocess.CompletedProcess:
    """Run one ``kg`` command to its end (bounded by `timeout`), capturing its output."""
    return subprocess.run([*kg_command(), *args], cwd=REPO, env=kg_env(env), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def build_small(data_dir: Path, timeout: float = 300.0) -> subprocess.CompletedProcess:
    args = ["build", "--data-dir", str(data_dir)]
    for source in SMALL_SOURCES:
        args += ["--source", source]
    done = run_kg(*args, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"kg build failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


def current_build(data_dir: Path) -> str | None:
    """The build id the data directory's `current` link names (its directory name)."""
    try:
        return Path(os.readlink(Path(data_dir) / "current")).name
    except OSError:
        return None


def write_marker(path: Path, version: str, items: int) -> None:
    """A small Turtle graph that identifies one build: a marker with a version and
    `items` resources stamped with the same version."""
    lines = [f"<{MARKER}> <{VERSION}> \"reliability-version-{version}\" ;",
             f"    <{ITEMS}> {items} ."]
    lines += [f"<{MARKER}/item/{i}> <{VERSION}> \"reliability-version-{version}\" ."
              for i in range(items)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class KgServer:
    """``kg serve`` in a subprocess on a free port of 127.0.0.1.

    Settings are passed as ``KG_*`` environment variables. Stopping sends
    SIGINT (waitress exits and the server ends its query workers) and falls
    back to SIGKILL; the workers also end by themselves once the server is gone."""

    def __init__(self, data_dir: Path, *, threads: int = 8, env: Mapping[str, str] | None = None,
                 log: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.threads = threads
        self.env = dict(env or {})
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None
        self._log_file: Any = None

    def start(self) -> KgServer:
        out: Any = subprocess.DEVNULL
        if self.log is not None:
            self._log_file = open(self.log, "ab")
            out = self._log_file
        self.process = subprocess.Popen(
            [*kg_command(), "serve", "--data-dir", str(self.data_dir), "--port", str(self.port),
             "--threads", str(self.threads)],
            cwd=REPO, env=kg_env(self.env), stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited with status {self.process.returncode}")
            try:
                status, _, _ = request(self.url, "GET", "/health", timeout=2.0)
                if status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"kg serve did not answer /health within {START_TIMEOUT:g} s")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        """The server's query worker processes, from the process table."""
        return sorted(pid for pid, ppid, cmd in _processes()
                      if ppid == self.pid and "server.query_worker" in cmd)

    def health(self) -> dict:
        status, _, body = request(self.url, "GET", "/health", timeout=REQUEST_TIMEOUT)
        if status != 200:
            raise RuntimeError(f"/health answered {status}")
        return json.loads(body)

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> KgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _processes() -> Iterator[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every live process, read from /proc
    (zombies, dead but not yet reaped, are left out)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state not in ("Z", "X"):
            yield int(entry.name), int(ppid), cmd


def alive(pid: int) -> bool:
    """Whether `pid` is a live process (not gone, not a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


# ----------------------------------------------------------------------------- requests

def request(url: str, method: str, path: str, *, body: bytes | None = None,
            headers: Mapping[str, str] | None = None, timeout: float = REQUEST_TIMEOUT
            ) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection: (status, headers, body)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@dataclass(frozen=True)
class Answer:
    """What a check learnt from a good response: a shape that must not change
    from build to build (rows), and the marker version it showed, if any."""

    rows: int | None = None
    version: str | None = None
    marker: bool = False


class BadAnswer(Exception):
    """A 200 response whose body is not what the request asked for."""


def _json_rows(body: bytes) -> int:
    data = json.loads(body)
    if "boolean" in data:
        return int(bool(data["boolean"]))
    return len(data["results"]["bindings"])


def _csv_rows(body: bytes, columns: Sequence[str]) -> int:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    if not rows or rows[0] != list(columns):
        raise BadAnswer(f"CSV header {rows[0] if rows else None!r}, expected {list(columns)!r}")
    return len(rows) - 1


def json_check(body: bytes) -> Answer:
    return Answer(rows=_json_rows(body))


def csv_check(*columns: str) -> Callable[[bytes], Answer]:
    return lambda body: Answer(rows=_csv_rows(body, columns))


def contains_check(*texts: str) -> Callable[[bytes], Answer]:
    def check(body: bytes) -> Answer:
        text = body.decode("utf-8")
        for wanted in texts:
            if wanted not in text:
                raise BadAnswer(f"{wanted!r} is not in the response")
        return Answer()
    return check


def marker_rows_check(body: bytes) -> Answer:
    """The marker query's rows must show one version, and as many items as the
    marker says it has: two builds in one answer would break one or the other."""
    bindings = json.loads(body)["results"]["bindings"]
    versions = {b["v"]["value"] for b in bindings}
    if not versions:
        return Answer(version=None, marker=True)
    if len(versions) > 1:
        raise BadAnswer(f"one answer holds several marker versions: {sorted(versions)}")
    declared = [int(b["n"]["value"]) for b in bindings if "n" in b]
    if len(declared) != 1:
        raise BadAnswer(f"the answer holds {len(declared)} markers")
    items = len(bindings) - 1
    if items != declared[0]:
        raise BadAnswer(f"the marker declares {declared[0]} items, the answer has {items}")
    return Answer(version=versions.pop().removeprefix("reliability-version-"), marker=True)


def marker_page_check(body: bytes) -> Answer:
    versions = set(_PAGE_VERSION.findall(body.decode("utf-8")))
    if len(versions) != 1:
        raise BadAnswer(f"the marker page shows versions {sorted(versions)}")
    return Answer(version=versions.pop(), marker=True)


@dataclass(frozen=True)
class Target:
    """One kind of request in the mix, and how to tell a good answer."""

    name: str
    kind: str  # catalog, entity or sparql
    method: str
    path: str
    check: Callable[[bytes], Answer]
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    weight: int = 1
    #: Statuses other than 200 that are a right answer (checked against the build later).
    also_ok: frozenset[int] = frozenset()


def _get(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}" if params else path


SPARQL_JSON = {"Accept": "application/sparql-results+json"}
SPARQL_CSV = {"Accept": "text/csv"}
COUNTRIES = "SELECT ?c ?iso WHERE { ?c a rer:Country ; rer:iso3166Alpha3 ?iso } ORDER BY ?iso LIMIT 50"
MEMBERS = ('SELECT ?iso ?start WHERE { ?b rer:shortName "EAEU" . ?m org:organization ?b ; '
           'org:member ?c ; rer:startDate ?start . ?c rer:iso3166Alpha3 ?iso } ORDER BY ?iso')
FLOWS = ("SELECT ?r ?p ?year ?value WHERE { ?o a rer:TradeFlow ; rer:reporter ?r ; rer:partner ?p ; "
         "rer:year ?year ; rer:value ?value } ORDER BY ?r ?p ?year ?value LIMIT 200")
ASK_EAEU = 'ASK { ?b rer:shortName "EAEU" }'
DESCRIBE_KAZ = 'CONSTRUCT { ?c ?p ?o } WHERE { ?c rer:iso3166Alpha3 "KAZ" ; ?p ?o }'


def default_mix() -> list[Target]:
    """Catalog queries, entity pages and SPARQL requests, weighted roughly
    4 : 2.5 : 3.5, each with a check of its body."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    direct = {"Content-Type": "application/sparql-query"}
    return [
        Target("catalog bloc_members json", "catalog", "GET",
               _get("/api/queries/bloc_members", bloc="EAEU", date="2015-03-01"), json_check, weight=3),
        Target("catalog bloc_members csv", "catalog", "GET",
               _get("/api/queries/bloc_members", bloc="EAEU", date="2015-03-01", format="csv"),
               csv_check("country", "iso3", "label", "start", "end"), weight=2),
        Target("catalog country_memberships", "catalog", "GET",
               _get("/api/queries/country_memberships", country="KAZ"), json_check, weight=2),
        Target("catalog top_partners csv", "catalog", "GET",
               _get("/api/queries/top_partners", country="KGZ", year="2021", limit="5", format="csv"),
               csv_check("partner", "iso3", "value"), weight=2),
        Target("catalog bilateral_trade", "catalog", "GET",
               _get("/api/queries/bilateral_trade", reporter="KGZ", partner="RUS"), json_check),
        Target("page country KAZ", "entity", "GET", "/id/country/KAZ",
               contains_check("Kazakhstan", "</html>"), headers={"Accept": "text/html"}, weight=3),
        Target("page bloc EAEU", "entity", "GET", "/id/bloc/EAEU",
               contains_check("</html>"), headers={"Accept": "text/html"}, weight=2),
        Target("page country KGZ turtle", "entity", "GET", "/id/country/KGZ.ttl",
               contains_check("KGZ"), weight=2),
        Target("sparql GET json", "sparql", "GET", _get("/sparql", query=COUNTRIES), json_check,
               headers=SPARQL_JSON, weight=2),
        Target("sparql GET csv", "sparql", "GET", _get("/sparql", query=MEMBERS),
               csv_check("iso", "start"), headers=SPARQL_CSV, weight=2),
        Target("sparql POST form json", "sparql", "POST", "/sparql", json_check,
               body=urlencode({"query": FLOWS}).encode(), headers={**form, **SPARQL_JSON}, weight=2),
        Target("sparql POST direct csv", "sparql", "POST", "/sparql", csv_check("iso", "start"),
               body=MEMBERS.encode(), headers={**direct, **SPARQL_CSV}, weight=2),
        Target("sparql ASK", "sparql", "GET", _get("/sparql", query=ASK_EAEU), json_check,
               headers=SPARQL_JSON),
        Target("sparql CONSTRUCT turtle", "sparql", "GET", _get("/sparql", query=DESCRIBE_KAZ),
               contains_check("Kazakhstan"), headers={"Accept": "text/turtle"}),
    ]


def marker_mix() -> list[Target]:
    """The requests that tell which build answered: the marker and its items in
    one SPARQL answer, and the marker's own page (404 on a build without one)."""
    return [
        Target("marker sparql", "sparql", "GET", _get("/sparql", query=MARKER_QUERY), marker_rows_check,
               headers=SPARQL_JSON, weight=4),
        Target("marker page", "entity", "GET", "/id/reliability/marker", marker_page_check,
               headers={"Accept": "text/html"}, weight=2, also_ok=frozenset({404})),
    ]


# ----------------------------------------------------------------------------- the clients

@dataclass
class Observation:
    """One answer of a marker request: which build said it showed which version."""

    target: str
    build: str | None
    version: str | None
    status: int


@dataclass
class Failure:
    target: str
    at: float
    what: str


@dataclass
class Results:
    """Everything the clients saw; shared by the client threads under a lock."""

    started: float = 0.0
    ended: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[Failure] = field(default_factory=list)
    #: target -> row counts seen (one value expected: every build holds the same data).
    shapes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    observations: list[Observation] = field(default_factory=list)
    builds: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, target: Target, seconds: float, answer: Answer, build: str | None, status: int) -> None:
        with self.lock:
            self.latencies[target.kind].append(seconds)
            if answer.rows is not None:
                self.shapes[target.name][answer.rows] += 1
            if answer.marker:
                self.observations.append(Observation(target.name, build, answer.version, status))
            self.builds[build] += 1

    def fail(self, target: Target, what: str) -> None:
        with self.lock:
            self.failures.append(Failure(target.name, time.monotonic() - self.started, what))

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values()) + len(self.failures)


def _one(conn: http.client.HTTPConnection, target: Target) -> tuple[int, dict[str, str], bytes]:
    conn.request(target.method, target.path, body=target.body, headers=dict(target.headers))
    response = conn.getresponse()
    body = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def _client(url: str, targets: Sequence[Target], weights: Sequence[int], results: Results,
            stop: threading.Event, seed: int, require_build_header: bool) -> None:
    """One client: a keep-alive connection, requests one after the other until `stop`."""
    host, port = url.removeprefix("http://").split(":")
    rng = random.Random(seed)
    conn: http.client.HTTPConnection | None = None
    while not stop.is_set():
        target = rng.choices(targets, weights)[0]
        if conn is None:
            conn = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
        started = time.monotonic()
        try:
            status, headers, body = _one(conn, target)
        except (OSError, http.client.HTTPException) as exc:
            results.fail(target, f"{type(exc).__name__}: {exc}")
            conn.close()
            conn = None
            continue
        seconds = time.monotonic() - started
        if headers.get("connection", "").lower() == "close":
            conn.close()
            conn = None
        build = headers.get(BUILD_HEADER.lower())
        if require_build_header and not build:
            results.fail(target, f"status {status} without an {BUILD_HEADER} header")
            continue
        if status in target.also_ok:
            results.ok(target, seconds, Answer(marker=True), build, status)
            continue
        if status != 200:
            results.fail(target, f"status {status}: {body[:200]!r}")
            continue
        try:
            answer = target.check(body)
        except (BadAnswer, ValueError, KeyError, UnicodeDecodeError) as exc:
            results.fail(target, f"bad answer: {exc}")
            continue
        results.ok(target, seconds, answer, build, status)
    if conn is not None:
        conn.close()


def run_clients(url: str, targets: Sequence[Target], *, clients: int, duration: float,
                seed: int = 1, require_build_header: bool = True,
                during: Callable[[threading.Event], None] | None = None) -> Results:
    """Run `clients` client threads for `duration` seconds (longer if `during`,
    run in the calling thread, has not returned by then: the clients stop when
    both are done)."""
    results = Results()
    stop = threading.Event()
    weights = [t.weight for t in targets]
    threads = [threading.Thread(target=_client, name=f"load-client-{i}", daemon=True,
                                args=(url, targets, weights, results, stop, seed * 1000 + i,
                                      require_build_header))
               for i in range(clients)]
    results.started = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        if during is not None:
            during(stop)
        remaining = results.started + duration - time.monotonic()
        if remaining > 0:
            stop.wait(remaining)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        results.ended = time.monotonic()
    return results


# ----------------------------------------------------------------------------- swapping builds

@dataclass
class SwapStep:
    """What a writer does to the data directory: load a marker version (a
    `kg load` of the same file, so it replaces the marker graph), or rebuild
    without a marker (`kg build`)."""

    action: str  # "load" or "build"
    version: str | None = None
    items: int = 0


DEFAULT_STEPS = (SwapStep("load", "B", 7), SwapStep("build"), SwapStep("load", "C", 11))


@dataclass
class SwapLog:
    #: build id -> the marker version its data holds (None: no marker).
    versions: dict[str, str | None] = field(default_factory=dict)
    steps: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def prepare_marked(data_dir: Path, marker_file: Path, version: str = "A", items: int = 3) -> SwapLog:
    """A fresh small build of `data_dir` holding marker `version`."""
    log = SwapLog()
    build_small(data_dir)
    write_marker(marker_file, version, items)
    done = run_kg("load", "--data-dir", str(data_dir), str(marker_file))
    if done.returncode != 0:
        raise RuntimeError(f"kg load failed: {done.stderr[-2000:]}")
    log.versions[current_build(data_dir) or ""] = version
    return log


def swapper(data_dir: Path, marker_file: Path, log: SwapLog, steps: Sequence[SwapStep],
            at: Sequence[float], settle: float = 2.0) -> Callable[[threading.Event], None]:
    """A `during` callback for :func:`run_clients` that runs `steps` one after
    the other, each not before its offset in `at` (seconds from the start),
    and then waits `settle` seconds so that the last build is served a while."""
    def run(stop: threading.Event) -> None:
        started = time.monotonic()
        for step, offset in zip(steps, at, strict=True):
            wait = started + offset - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            t0 = time.monotonic()
            if step.action == "load":
                assert step.version is not None
                write_marker(marker_file, step.version, step.items)
                done = run_kg("load", "--data-dir", str(data_dir), str(marker_file))
            else:
                args = ["build", "--data-dir", str(data_dir)]
                for source in SMALL_SOURCES:
                    args += ["--source", source]
                done = run_kg(*args)
            build = current_build(data_dir)
            log.steps.append({"action": step.action, "version": step.version, "build": build,
                              "at": round(t0 - started, 2), "seconds": round(time.monotonic() - t0, 2),
                              "status": done.returncode})
            if done.returncode != 0:
                log.errors.append(f"kg {step.action} failed: {done.stderr[-1000:]}")
                return
            log.versions[build or ""] = step.version
        time.sleep(settle)
    return run


def consistency_errors(results: Results, log: SwapLog) -> list[str]:
    """Answers that disagree with the build that gave them, or that came from
    a build no writer made."""
    errors: list[str] = list(log.errors)
    for obs in results.observations:
        if obs.build not in log.versions:
            errors.append(f"{obs.target}: answered by an unknown build {obs.build!r}")
            continue
        expected = log.versions[obs.build]
        if obs.status == 404:
            if expected is not None:
                errors.append(f"{obs.target}: 404 from build {obs.build}, which holds marker {expected}")
        elif obs.version != expected:
            errors.append(f"{obs.target}: build {obs.build} holds marker {expected} "
                          f"but the answer shows {obs.version}")
    for build in results.builds:
        if build is not None and build not in log.versions:
            errors.append(f"{results.builds[build]} answers from an unknown build {build!r}")
    return errors


def shape_errors(results: Results) -> list[str]:
    """Targets whose row count changed between answers (data lost or doubled)."""
    return [f"{name}: row counts {dict(counts)}" for name, counts in results.shapes.items()
            if len(counts) > 1]


# ----------------------------------------------------------------------------- the report

def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(results: Results) -> dict[str, Any]:
    elapsed = max(results.ended - results.started, 1e-9)
    every = [s for values in results.latencies.values() for s in values]
    by_kind = {kind: {"requests": len(values), "p50_ms": round(percentile(values, 0.5) * 1000, 1),
                      "p99_ms": round(percentile(values, 0.99) * 1000, 1)}
               for kind, values in sorted(results.latencies.items())}
    return {
        "seconds": round(elapsed, 2),
        "requests": results.requests,
        "ok": len(every),
        "errors": len(results.failures),
        "throughput_rps": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(every, 0.5) * 1000, 1),
        "p99_ms": round(percentile(every, 0.99) * 1000, 1),
        "max_ms": round(max(every, default=float("nan")) * 1000, 1),
        "by_kind": by_kind,
        "builds_seen": len([b for b in results.builds if b]),
        "first_errors": [f"{f.at:.2f}s {f.target}: {f.what}" for f in results.failures[:10]],
    }


def _print(title: str, data: Mapping[str, Any]) -> None:
    print(f"\n== {title}")
    print(f"  {data['requests']} requests in {data['seconds']} s: {data['throughput_rps']} req/s, "
          f"p50 {data['p50_ms']} ms, p99 {data['p99_ms']} ms, max {data['max_ms']} ms, "
          f"errors {data['errors']}")
    for kind, numbers in data["by_kind"].items():
        print(f"  {kind:8} {numbers['requests']:7} requests  p50 {numbers['p50_ms']:7} ms  "
              f"p99 {numbers['p99_ms']:7} ms")
    for line in data["first_errors"]:
        print(f"  error: {line}")
    for line in data.get("consistency_errors", []):
        print(f"  inconsistent: {line}")
    for line in data.get("shape_errors", []):
        print(f"  shape changed: {line}")
    if "swaps" in data:
        for step in data["swaps"]:
            print(f"  swap: {step}")
        print(f"  marker answers checked: {data['marker_answers']}, builds seen: {data['builds_seen']}")


@contextmanager
def _data_dir(given: Path | None) -> Iterator[tuple[Path, bool]]:
    """The data directory to serve and whether it is a fresh one of ours."""
    if given is not None:
        yield given, False
        return
    with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
        yield Path(tmp) / "data", True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="serve this data directory "
                        "(default: a fresh small build in a temporary directory)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per phase")
    parser.add_argument("--threads", type=int, default=8, help="kg serve --threads")
    parser.add_argument("--swap", action="store_true",
                        help="after the steady phase, run a second phase while builds are swapped in")
    parser.add_argument("--no-steady", action="store_true", help="skip the steady phase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--log", type=Path, help="append the server's log to this file")
    args = parser.parse_args(argv)

    report: dict[str, Any] = {"clients": args.clients, "duration": args.duration,
                              "threads": args.threads, "cpus": os.cpu_count()}
    failed = False
    with _data_dir(args.data_dir) as (data_dir, fresh):
        marker_file = data_dir.parent / f"{data_dir.name}-reliability-marker.ttl"
        log: SwapLog | None = None
        if fresh or args.swap:
            print(f"building a small graph with marker A into {data_dir} ...", flush=True)
            log = prepare_marked(data_dir, marker_file)
        elif current_build(data_dir) is None:
            print(f"building a small graph into {data_dir} ...", flush=True)
            build_small(data_dir)
        targets = default_mix()
        with KgServer(data_dir, threads=args.threads, log=args.log) as server:
            if not args.no_steady:
                print(f"steady load: {args.clients} clients for {args.duration:g} s on {server.url}",
                      flush=True)
                results = run_clients(server.url, targets, clients=args.clients, duration=args.duration,
                                      seed=args.seed)
                steady = summary(results)
                steady["shape_errors"] = shape_errors(results)
                report["steady"] = steady
                _print("steady load", steady)
                failed |= bool(steady["errors"] or steady["shape_errors"])
            if args.swap:
                assert log is not None
                offsets = [args.duration * f for f in (0.2, 0.45, 0.7)]
                print(f"load while builds are swapped in at {', '.join(f'{o:.0f}' for o in offsets)} s: "
                      f"{args.clients} clients for {args.duration:g} s", flush=True)
                results = run_clients(server.url, targets + marker_mix(), clients=args.clients,
                                      duration=args.duration, seed=args.seed + 1,
                                      during=swapper(data_dir, marker_file, log, DEFAULT_STEPS, offsets))
                swap = summary(results)
                swap["swaps"] = log.steps
                swap["marker_answers"] = len(results.observations)
                swap["consistency_errors"] = consistency_errors(results, log)
                swap["shape_errors"] = shape_errors(results)
                report["swap"] = swap
                _print("load while builds are swapped in", swap)
                failed |= bool(swap["errors"] or swap["consistency_errors"] or swap["shape_errors"])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("\nFAILED" if failed else "\nOK: no failed or inconsistent answer")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
