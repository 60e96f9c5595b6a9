"""Remote store benchmark: `kg.build.write_all` of synthetic trade data into an
Oxigraph server over SPARQL HTTP (atomic staged replace, and direct writes),
against the server's own bulk paths (the offline `oxigraph load`, and one
N-Quads POST to the Graph Store endpoint) and the embedded store, all on the
same data in the same run. Catalog query times on the server and on the
embedded store are measured too. Every write_all includes the derived graph;
the bulk paths load the source triples only.

Each measurement runs in a fresh process, so the client's peak memory (max RSS)
is its own; the server's peak memory is read from /proc (VmHWM) when it stops.

    python bench/remote.py --triples 1000000 [--triples 5000000] [--repeat 1]

Servers listen on 127.0.0.1 only; every wait is bounded.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRIPLES_PER_ROW = 12
START_TIMEOUT = 60.0

CHILD = r"""
import json, resource, sys, time
from functools import partial
from pathlib import Path
mode, csv_path, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
out = {}

def sources():
    from kg.sources import blocs, countries, tradefile
    return [countries.load, blocs.load, partial(tradefile.load, csv_path, name="trade/bench")]

if mode == "nquads":
    import pyoxigraph as ox
    from kg.store.terms import to_ox
    with open(work / "bench.nq", "wb") as fh:
        made = [make() for make in sources()]
        ox.serialize((ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(src.graph)))
                      for src in made for s, p, o in src.triples), fh, ox.RdfFormat.N_QUADS)
elif mode in ("remote", "direct", "embedded"):
    from kg.build import write_all
    if mode in ("remote", "direct"):
        from kg.store.remote import open_store
        store = open_store(sys.argv[4], timeout=3600, batch_size=int(sys.argv[5]),
                           atomic_replace=mode == "remote")
    else:
        from kg.store import OxigraphStore
        store = OxigraphStore(work / "embedded")
    t = time.perf_counter()
    counts = write_all(store, sources())
    out["seconds"] = time.perf_counter() - t
    out["triples"] = sum(counts.values())
    if mode == "embedded":
        store.flush()
elif mode == "queries":
    from kg.api import KnowledgeGraph
    from kg.store import OxigraphStore
    from kg.store.remote import open_store
    stores = {"remote": open_store(sys.argv[4], timeout=600),
              "native": open_store(sys.argv[4], timeout=600, union="native"),
              "embedded": OxigraphStore(work / "embedded", read_only=True)}
    import statistics
    def median(fn, n=7):
        fn()
        times = []
        for _ in range(n):
            t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
        return statistics.median(times)
    for name, store in stores.items():
        kg = KnowledgeGraph(store)
        out[f"{name}_intra"] = median(lambda: kg.run("intra_bloc_trade", bloc="EAEU"))
        out[f"{name}_top"] = median(lambda: kg.run("top_partners", country="KAZ", year="2020", limit="10"))
        out[f"{name}_members"] = median(lambda: kg.run("bloc_members", bloc="EAEU"))
        out[f"{name}_rows"] = len(kg.run("top_partners", country="KAZ", year="2020", limit="10"))
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(*args: str, timeout: float = 7200) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=HERE.parent)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    found = subprocess.run(["which", "oxigraph"], capture_output=True, text=True).stdout.strip()
    if not found:
        raise SystemExit("the oxigraph server is not installed: pip install oxigraph")
    return found


class Server:
    """An Oxigraph server on a fresh directory and a free local port."""

    def __init__(self, location: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location),
                                      "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit("the oxigraph server exited at start")
                time.sleep(0.1)
        self.stop()
        raise SystemExit("the oxigraph server did not start in time")

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
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        return peak


def post_nquads(url: str, path: Path) -> float:
    started = time.perf_counter()
    with open(path, "rb") as fh:
        request = urllib.request.Request(f"{url}/store", data=fh, method="POST",
                                         headers={"Content-Type": "application/n-quads",
                                                  "Content-Length": str(path.stat().st_size)})
        with urllib.request.urlopen(request, timeout=7200) as response:
            response.read()
    return time.perf_counter() - started


def run(triples: int, repeat: int, batch_size: int) -> list[tuple[str, ...]]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    table: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path = work / "bench.csv"
        rows = generate(csv_path, triples // TRIPLES_PER_ROW)
        child("nquads", str(csv_path), str(work))
        nq = work / "bench.nq"
        source_quads = sum(1 for _ in open(nq, "rb"))
        results: dict[str, list[dict]] = {"remote": [], "direct": [], "embedded": [], "load": [], "post": []}
        for i in range(repeat):
            subprocess.run(["rm", "-rf", str(work / "embedded")], check=True)
            results["embedded"].append(child("embedded", str(csv_path), str(work)))
            server = Server(work / f"remote{i}")
            try:
                r = child("remote", str(csv_path), str(work), f"{server.url}/query", str(batch_size))
                if i == repeat - 1:
                    q = child("queries", str(csv_path), str(work), f"{server.url}/query")
            finally:
                peak = server.stop()
            r["server_rss_mb"] = peak
            results["remote"].append(r)

            server = Server(work / f"direct{i}")
            try:
                r = child("direct", str(csv_path), str(work), f"{server.url}/query", str(batch_size))
            finally:
                peak = server.stop()
            r["server_rss_mb"] = peak
            results["direct"].append(r)

            t = time.perf_counter()
            subprocess.run([oxigraph_binary(), "load", "--location", str(work / f"load{i}"), "--file", str(nq)],
                           check=True, capture_output=True, timeout=7200)
            results["load"].append({"seconds": time.perf_counter() - t, "triples": source_quads})

            server = Server(work / f"post{i}")
            try:
                seconds = post_nquads(server.url, nq)
            finally:
                peak = server.stop()
            results["post"].append({"seconds": seconds, "triples": source_quads, "server_rss_mb": peak})

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in results[kind])

    def rate(kind: str) -> float:
        return statistics.median(r["triples"] / r["seconds"] for r in results[kind])

    post_rate = rate("post")
    label = f"{int(med('remote', 'triples')):,} triples ({rows:,} rows)"

    def mb(kind: str, key: str) -> str:
        values = [r[key] for r in results[kind] if key in r]
        return f"{statistics.median(values):,.0f} MB" if values else ""

    table += [
        (label, "write_all -> Oxigraph server (staged + MOVE)", f"{med('remote', 'seconds'):.1f} s",
         f"{rate('remote'):,.0f} /s", mb("remote", "max_rss_mb"), mb("remote", "server_rss_mb"),
         f"{rate('remote') / post_rate:.2f}x"),
        (label, "write_all -> Oxigraph server, atomic_replace=False", f"{med('direct', 'seconds'):.1f} s",
         f"{rate('direct'):,.0f} /s", mb("direct", "max_rss_mb"), mb("direct", "server_rss_mb"),
         f"{rate('direct') / post_rate:.2f}x"),
        (label, "write_all -> embedded store (incl. derived)", f"{med('embedded', 'seconds'):.1f} s",
         f"{rate('embedded'):,.0f} /s", mb("embedded", "max_rss_mb"), "",
         f"{rate('embedded') / post_rate:.2f}x"),
        (label, f"POST {source_quads:,} source quads to /store", f"{med('post', 'seconds'):.1f} s",
         f"{post_rate:,.0f} /s", "", mb("post", "server_rss_mb"), "1.00x"),
        (label, "oxigraph load (offline)", f"{med('load', 'seconds'):.1f} s", f"{rate('load'):,.0f} /s",
         "", "", f"{rate('load') / post_rate:.2f}x"),
    ]
    for key, title in (("intra", "intra_bloc_trade"), ("top", "top_partners"), ("members", "bloc_members")):
        table.append((label, f"{title}: server explicit / native union", f"{q['remote_' + key] * 1000:.1f} ms",
                      f"{q['native_' + key] * 1000:.1f} ms", "", "", ""))
        table.append((label, f"{title}: embedded", f"{q['embedded_' + key] * 1000:.1f} ms", "", "", "",
                      f"server {q['remote_' + key] / q['embedded_' + key]:.1f}x"))
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, action="append", help="target size (repeatable)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per size (median reported)")
    ap.add_argument("--batch-size", type=int, default=50_000, help="triples per Graph Store POST")
    args = ap.parse_args()
    table = [("dataset", "measure", "time", "rate", "client RSS", "server RSS", "vs POST")]
    for n in args.triples or [1_000_000]:
        table += run(n, args.repeat, args.batch_size)
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
