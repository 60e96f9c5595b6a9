"""Remote store benchmark, for the Oxigraph server and Virtuoso in one run.

Load: `kg.build.write_all` (what `kg build --store` runs: the sources, the
derived statistics and the inferred graph, each graph replaced atomically)
of synthetic trade data plus the ontology, countries, blocs and agreements
into a fresh server, next to each engine's own loaders of the same source
quads (N-Quads written by the toolkit): the offline `oxigraph load`, and
one POST to the Graph Store endpoint, with and without a transaction, for
Oxigraph; `ld_dir` + `rdf_loader_run()` for Virtuoso. `--rebuild` also times
a second write_all over the first (every graph then has content, so it is
staged and moved). The embedded store's write_all is the reference for the
client's share of the work.

Serve latency: every local catalog query through `kg serve --store URL`
(GET /api/queries/NAME, JSON) against the same bound SPARQL text (from
/api/queries/NAME.rq) sent to the engine directly, with the engine's own
union default graph; medians over `--runs` rounds. The same queries through
the store API (`KnowledgeGraph` on a `RemoteStore`) split the difference, and
an in-process app counts the requests that reach the engine per API request.

    python bench/remote.py --triples 1000000 [--engine oxigraph --engine virtuoso]
                           [--runs 15] [--rebuild] [--no-latency] [--json bench/out/remote.json]

Each measurement runs in a fresh process, so the client's peak memory (max
RSS) is its own; a server's peak memory is read from /proc (VmHWM) when it
stops. Servers listen on 127.0.0.1 only; every wait is bounded.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TRIPLES_PER_ROW = 12
START_TIMEOUT = 90.0
STEP_TIMEOUT = 7200.0
SMALL_SOURCES = ["ontology", "countries", "blocs", "agreements"]
#: One call per local catalog query (partners_with_population calls out with SERVICE).
LATENCY_QUERIES: list[tuple[str, dict[str, str]]] = [
    ("agreements_between", {"a": "KAZ", "b": "RUS"}),
    ("bilateral_trade", {"reporter": "KGZ", "partner": "KAZ"}),
    ("bloc_members", {"bloc": "EAEU"}),
    ("claims", {}),
    ("claims_vs_official", {}),
    ("country_memberships", {"country": "KGZ"}),
    ("intra_bloc_trade", {"bloc": "EAEU"}),
    ("partner_share", {"reporter": "KGZ", "partner": "KAZ", "year": "2021"}),
    ("top_partners", {"country": "KAZ", "year": "2020", "limit": "10"}),
]

# Work done in a child process of its own: `python -c CHILD MODE ARGS...`,
# printing one JSON object as its last line.
CHILD = r"""
import json, resource, sys, time
from functools import partial
from pathlib import Path
mode, args = sys.argv[1], json.loads(sys.argv[2])
out = {}

def sources():
    from kg.sources import default_sources, tradefile
    return default_sources(only=args["small"]) + [partial(tradefile.load, Path(args["csv"]), name="trade/bench")]

def write_all(store):
    from kg.build import write_all
    marks = {}
    started = time.perf_counter()
    def progress(message):
        marks[message.split(":")[0]] = time.perf_counter() - started
    counts = write_all(store, sources(), progress)
    out["seconds"] = time.perf_counter() - started
    out["triples"] = sum(counts.values())
    out["counts"] = counts
    out["marks"] = marks

if mode == "nquads":
    import pyoxigraph as ox
    from kg.store.terms import to_ox
    made = [make() for make in sources()]
    with open(args["out"], "wb") as fh:
        ox.serialize((ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(src.graph)))
                      for src in made for s, p, o in src.triples), fh, ox.RdfFormat.N_QUADS)
def remote_store(url):
    from kg.store.remote import open_store
    options = dict(args["store"])
    if "auth" in options:
        options["auth"] = tuple(options["auth"])
    return open_store(url, timeout=3600, **options)

if mode == "remote":
    write_all(remote_store(args["url"]))
elif mode == "embedded":
    from kg.store import OxigraphStore
    store = OxigraphStore(Path(args["dir"]))
    write_all(store)
    store.flush()
elif mode == "latency":
    import statistics, requests
    from kg.api import KnowledgeGraph
    from kg.errors import KGError
    session = requests.Session()
    store = KnowledgeGraph(remote_store(args["store_url"]))
    limit = args["limit"]  # seconds; slower answers count as failed (kg serve's own limit is 30 s)
    def timed(fn):
        t = time.perf_counter(); rows = fn(); return time.perf_counter() - t, rows
    def served(name, params):
        r = session.get(f"{args['serve']}/api/queries/{name}", params=params,
                        headers={"Accept": "application/sparql-results+json"}, timeout=limit)
        return len(r.json()["results"]["bindings"]) if r.status_code == 200 else f"HTTP {r.status_code}"
    graphs = [str(g) for g in store.store.graphs()]
    dataset = [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
    def direct(text, params):
        try:
            r = session.post(args["engine"], data=[("query", text), *params],
                             headers={"Accept": "application/sparql-results+json"}, timeout=limit)
        except requests.Timeout:
            return f"over {limit} s"
        # Virtuoso 7.2 fails to compile some texts without a dataset (SP031).
        return len(r.json()["results"]["bindings"]) if r.status_code == 200 else f"HTTP {r.status_code}"
    def api(name, params):
        try:
            return len(list(store.run_named(name, params).rows))
        except KGError as exc:
            return f"failed: {exc}"[:80]
    for name, params in args["queries"]:
        text = session.get(f"{args['serve']}/api/queries/{name}.rq", params=params, timeout=60).text
        calls = {"serve": lambda: served(name, params), "direct": lambda: direct(text, dataset),
                 "direct_union": lambda: direct(text, list(args["engine_params"].items())),
                 "api": lambda: api(name, params)}
        warm = {k: timed(fn) for k, fn in calls.items()}  # warm-up, and the row counts
        rows = {k: n for k, (_, n) in warm.items()}
        calls = {k: fn for k, fn in calls.items() if isinstance(rows[k], int)}
        times = {k: [] for k in calls}
        slow = max(seconds for seconds, _ in warm.values()) > 2  # a few rounds are enough there
        rounds = 3 if slow else args["runs"]
        for _ in range(rounds):
            for k, fn in calls.items():
                times[k].append(timed(fn)[0])
        out[name] = {"rows": rows, "rounds": rounds, **{k: statistics.median(v) for k, v in times.items()}}
elif mode == "engine_requests":
    # The app in this process, on a store that counts the requests it sends.
    from server import create_app
    store = remote_store(args["store_url"])
    sent = []
    original = store._sparql
    def counting(*a, **k):
        sent.append(a[0])  # the query text
        return original(*a, **k)
    store._sparql = counting
    app = create_app(store=store)
    client = app.test_client()
    for name, params in args["queries"]:
        client.get(f"/api/queries/{name}", query_string=params)  # warm-up (graph list)
        sent.clear()
        response = client.get(f"/api/queries/{name}", query_string=params)
        assert response.status_code == 200, response.data[:300]
        out[name] = len(sent)
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(mode: str, **args: Any) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, mode, json.dumps(args)], capture_output=True,
                          text=True, timeout=STEP_TIMEOUT, cwd=HERE.parent)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port(preferred: int | None = None) -> int:
    """`preferred` if it is free on 127.0.0.1, else any free port."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise SystemExit("no free port")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


class Process:
    """A server process whose peak memory is read before it stops."""

    proc: subprocess.Popen

    def wait_until(self, url: str, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{what} exited at start")
            if _answers(url):
                return
            time.sleep(0.1)
        self.stop()
        raise SystemExit(f"{what} did not start in time")

    def peak_rss_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self) -> float:
        peak = self.peak_rss_mb()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        return peak


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("the oxigraph server is not installed: pip install oxigraph")
    return found


class Oxigraph(Process):
    name = "oxigraph"

    def __init__(self, location: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url = f"{self.url}/query"
        self.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location),
                                      "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_until(f"{self.query_url}?query=ASK%7B%7D", "the oxigraph server")


class Virtuoso(Process):
    """virtuoso-t with the settings docs/scale.md asks for (serializable
    isolation, a raised transaction log limit) and buffers for about 4 GB."""

    name = "virtuoso"

    def __init__(self, directory: Path) -> None:
        binary = os.environ.get("KG_VIRTUOSO_BIN") or shutil.which("virtuoso-t")
        if binary is None:
            raise SystemExit("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")
        directory.mkdir(parents=True)
        self.directory = directory
        self.sql_port = free_port()
        # On 8890 the query URL is recognised as Virtuoso's, as a deployment's would be.
        self.http_port = free_port(8890)
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.query_url = f"{self.url}/sparql"
        ini = directory / "virtuoso.ini"
        from kg.store import virtuoso_ini

        ini.write_text(virtuoso_ini.render(directory, self.sql_port, self.http_port, buffers=340_000,
                                           dirty_buffers=250_000, query_mem="2G", max_rows=10_000_000))
        self.proc = subprocess.Popen([binary, "-c", str(ini), "+foreground"], cwd=directory,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_until(f"{self.query_url}?query=ASK%7B%7D", "virtuoso")

    def store_url(self) -> tuple[str, dict[str, Any], dict[str, str]]:
        """The URL `kg` is given, open_store keywords, and the environment of `kg serve`."""
        if self.http_port == 8890:
            return self.query_url, {"auth": ["dba", "dba"]}, {}
        # Elsewhere the -auth endpoint is what marks the URL as Virtuoso's.
        return (f"{self.query_url}-auth", {"auth": ["dba", "dba"]},
                {"KG_STORE_USER": "dba", "KG_STORE_PASSWORD": "dba"})

    def isql(self, sql: str) -> None:
        subprocess.run([shutil.which("isql-vt") or "isql-vt", str(self.sql_port), "dba", "dba", f"exec={sql}"],
                       check=True, capture_output=True, timeout=STEP_TIMEOUT)


class KgServe(Process):
    def __init__(self, store_url: str, env: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        port = self.url.rsplit(":", 1)[1]
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", store_url,
                                      "--port", port, "--threads", "8"], cwd=HERE.parent,
                                     env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.wait_until(f"{self.url}/health", "kg serve")


def post_nquads(url: str, path: Path, params: str = "") -> float:
    started = time.perf_counter()
    with open(path, "rb") as fh:
        request = urllib.request.Request(f"{url}/store{params}", data=fh, method="POST",
                                         headers={"Content-Type": "application/n-quads",
                                                  "Content-Length": str(path.stat().st_size)})
        with urllib.request.urlopen(request, timeout=STEP_TIMEOUT) as response:
            response.read()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------

def bench_oxigraph(work: Path, csv_path: Path, nq: Path, quads: int, opts: argparse.Namespace) -> dict:
    result: dict[str, Any] = {}
    server = Oxigraph(work / "ox-build")
    try:
        result["build"] = child("remote", url=server.query_url, csv=str(csv_path), small=SMALL_SOURCES, store={})
        if opts.rebuild:
            result["rebuild"] = child("remote", url=server.query_url, csv=str(csv_path), small=SMALL_SOURCES,
                                      store={})
        if opts.latency:
            result["latency"] = latency(server.query_url, {}, {}, server.query_url, {"union-default-graph": ""},
                                        opts)
    finally:
        peak = server.stop()
    result["build"]["server_rss_mb"] = peak
    started = time.perf_counter()
    subprocess.run([oxigraph_binary(), "load", "--location", str(work / "ox-load"), "--file", str(nq)],
                   check=True, capture_output=True, timeout=STEP_TIMEOUT)
    result["native"] = {"seconds": time.perf_counter() - started, "triples": quads}
    for key, params in (("post", ""), ("post_bulk", "?no_transaction")):
        server = Oxigraph(work / f"ox-{key}")
        try:
            result[key] = {"seconds": post_nquads(server.url, nq, params), "triples": quads}
        finally:
            peak = server.stop()
        result[key]["server_rss_mb"] = peak
    return result


def bench_virtuoso(work: Path, csv_path: Path, nq: Path, quads: int, opts: argparse.Namespace) -> dict:
    result: dict[str, Any] = {}
    server = Virtuoso(work / "vt-build")
    url, store, env = server.store_url()
    try:
        result["build"] = child("remote", url=url, csv=str(csv_path), small=SMALL_SOURCES, store=store)
        if opts.rebuild:
            result["rebuild"] = child("remote", url=url, csv=str(csv_path), small=SMALL_SOURCES, store=store)
        if opts.latency:
            result["latency"] = latency(url, store, env, server.query_url, {}, opts)
    finally:
        peak = server.stop()
    result["build"]["server_rss_mb"] = peak
    server = Virtuoso(work / "vt-load")
    try:
        shutil.copy(nq, server.directory / "bench.nq")
        started = time.perf_counter()
        server.isql(f"ld_dir('{server.directory}', 'bench.nq', 'urn:x-kg:bench');")
        server.isql("rdf_loader_run();")
        server.isql("checkpoint;")
        result["native"] = {"seconds": time.perf_counter() - started, "triples": quads}
    finally:
        peak = server.stop()
    result["native"]["server_rss_mb"] = peak
    return result


def latency(store_url: str, store: dict, env: dict, engine_url: str, engine_params: dict,
            opts: argparse.Namespace) -> dict:
    serve = KgServe(store_url, env)
    try:
        timings = child("latency", serve=serve.url, store_url=store_url, store=store, engine=engine_url,
                        engine_params=engine_params, queries=LATENCY_QUERIES, runs=opts.runs, limit=60)
    finally:
        serve.stop()
    timings["engine_requests"] = child("engine_requests", store_url=store_url, store=store,
                                       queries=LATENCY_QUERIES)
    return timings


def rate(entry: dict) -> float:
    return entry["triples"] / entry["seconds"]


def report(results: dict, label: str) -> list[str]:
    lines = [f"## {label}", ""]
    emb = results["embedded"]
    lines += ["| engine | measure | triples | time | triples/s | vs native loader | client RSS | server RSS |",
              "|---|---|---|---|---|---|---|---|"]

    def row(engine: str, what: str, entry: dict, native: dict | None) -> str:
        ratio = f"{rate(entry) / rate(native):.2f}x" if native else ""
        client = f"{entry['max_rss_mb']:,.0f} MB" if "max_rss_mb" in entry else ""
        server = f"{entry['server_rss_mb']:,.0f} MB" if "server_rss_mb" in entry else ""
        return (f"| {engine} | {what} | {entry['triples']:,} | {entry['seconds']:.1f} s | {rate(entry):,.0f} "
                f"| {ratio} | {client} | {server} |")

    for engine in ("oxigraph", "virtuoso"):
        if engine not in results:
            continue
        r = results[engine]
        native = r["native"]
        lines.append(row(engine, "write_all (`kg build --store`)", r["build"], native))
        if "rebuild" in r:
            lines.append(row(engine, "write_all again (every graph staged + MOVE)", r["rebuild"], native))
        if engine == "oxigraph":
            lines.append(row(engine, "POST N-Quads to /store", r["post"], native))
            lines.append(row(engine, "POST N-Quads to /store?no_transaction", r["post_bulk"], native))
            lines.append(row(engine, "`oxigraph load` (offline)", native, native))
        else:
            lines.append(row(engine, "ld_dir + rdf_loader_run + checkpoint", native, native))
    lines.append(row("embedded", "write_all", emb, None))
    lines += ["", "Phases of write_all, seconds from its start (source marks are when the source was written):", "",
              "| engine | " + " | ".join(emb["marks"]) + " |", "|---|" + "---|" * len(emb["marks"])]
    for engine in ("oxigraph", "virtuoso", "embedded"):
        entries = [(engine, results[engine]["build"])] if engine in results and engine != "embedded" else []
        if engine == "embedded":
            entries = [("embedded", emb)]
        if engine in results and "rebuild" in results[engine]:
            entries.append((f"{engine} again", results[engine]["rebuild"]))
        for name, entry in entries:
            lines.append(f"| {name} | " + " | ".join(f"{entry['marks'].get(k, float('nan')):.1f}"
                                                     for k in emb["marks"]) + " |")
    for engine in ("oxigraph", "virtuoso"):
        if "latency" not in results.get(engine, {}):
            continue
        lat = results[engine]["latency"]
        lines += ["", f"Catalog queries on {engine}, median of {lat['runs']} rounds (3 for queries over 2 s), "
                  "in ms. Direct: the bound text of /api/queries/NAME.rq sent to the engine with its own "
                  "union default graph, and with every published graph named:", "",
                  "| query | rows | kg serve | direct, engine union | serve / that | direct, graphs named "
                  "| serve / that | store API | engine requests per API request |",
                  "|---|---|---|---|---|---|---|---|---|"]
        ratios = []

        def ms(q: dict, key: str) -> str:
            return f"{q[key] * 1000:.1f}" if key in q else str(q["rows"][key])

        def ratio(q: dict, key: str) -> str:
            return f"{q['serve'] / q[key]:.2f}x" if "serve" in q and key in q else ""

        for name, _ in LATENCY_QUERIES:
            q = lat[name]
            if "serve" in q and "direct_union" in q:
                ratios.append(q["serve"] / q["direct_union"])
            elif "serve" in q and "direct" in q:
                ratios.append(q["serve"] / q["direct"])
            counts = {v for v in q["rows"].values() if isinstance(v, int)}
            rows = str(counts.pop()) if len(counts) == 1 else str(q["rows"])
            lines.append(f"| {name} | {rows} | {ms(q, 'serve')} | {ms(q, 'direct_union')} | {ratio(q, 'direct_union')} "
                         f"| {ms(q, 'direct')} | {ratio(q, 'direct')} | {ms(q, 'api')} "
                         f"| {lat['engine_requests'][name]} |")
        lines.append(f"| geometric mean (vs engine union where it answers) | | | | "
                     f"{statistics.geometric_mean(ratios):.2f}x | | | | |")
    return lines


def run(triples: int, opts: argparse.Namespace) -> list[str]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path = work / "bench.csv"
        rows = generate(csv_path, triples // TRIPLES_PER_ROW)
        nq = work / "bench.nq"
        child("nquads", csv=str(csv_path), small=SMALL_SOURCES, out=str(nq))
        quads = sum(1 for _ in open(nq, "rb"))
        results: dict[str, Any] = {"embedded": child("embedded", csv=str(csv_path), small=SMALL_SOURCES,
                                                     dir=str(work / "embedded"))}
        for engine in opts.engine or ["oxigraph", "virtuoso"]:
            bench = bench_oxigraph if engine == "oxigraph" else bench_virtuoso
            results[engine] = bench(work, csv_path, nq, quads, opts)
            if opts.latency:
                results[engine]["latency"]["runs"] = opts.runs
    label = f"{results['embedded']['triples']:,} triples written ({rows:,} trade rows, {quads:,} source quads)"
    if opts.json:
        opts.json.parent.mkdir(parents=True, exist_ok=True)
        opts.json.write_text(json.dumps({"label": label, **results}, indent=2))
    return report(results, label)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, action="append", help="target size of the trade data (repeatable)")
    ap.add_argument("--engine", action="append", choices=["oxigraph", "virtuoso"],
                    help="engine to measure (repeatable; default both)")
    ap.add_argument("--runs", type=int, default=15, help="rounds per query for the latency medians")
    ap.add_argument("--rebuild", action="store_true", help="also time a second write_all over the first")
    ap.add_argument("--no-latency", dest="latency", action="store_false", help="measure loading only")
    ap.add_argument("--json", type=Path, help="also write the raw measurements here")
    opts = ap.parse_args()
    for n in opts.triples or [1_000_000]:
        print("\n".join(run(n, opts)) + "\n", flush=True)


if __name__ == "__main__":
    main()
