"""Build benchmark: `kg build` of synthetic trade data against pyoxigraph's bare
bulk load of the same triples, and catalog queries against the raw aggregations
they replace, measured in the same run. Each measurement runs in a fresh
process so that peak memory (max RSS) is its own.

    python bench/run.py --triples 1000000 [--triples 10000000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRIPLES_PER_ROW = 12

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, csv_path, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
out = {}
if mode == "build":
    from functools import partial
    from kg.build import write_all
    from kg.sources import blocs, countries, tradefile
    from kg.store.layout import DataDir
    d = DataDir(work / "kg")
    t = time.perf_counter()
    with d.staged(from_current=False) as store:
        counts = write_all(store, [countries.load, blocs.load,
                                   partial(tradefile.load, csv_path, name="trade/bench")])
    out["seconds"] = time.perf_counter() - t
    out["triples"] = sum(counts.values())
elif mode == "ntriples":
    import pyoxigraph as ox
    from kg.sources import blocs, countries, tradefile
    from kg.store.terms import to_ox
    sources = [countries.load(), blocs.load(), tradefile.load(csv_path, name="trade/bench")]
    with open(work / "bench.nt", "wb") as fh:
        ox.serialize((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for src in sources for s, p, o in src.triples),
                     fh, ox.RdfFormat.N_TRIPLES)
elif mode == "bulk":
    import pyoxigraph as ox
    t = time.perf_counter()
    store = ox.Store(str(work / "bare"))
    store.bulk_load(path=str(work / "bench.nt"), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    out["seconds"] = time.perf_counter() - t
    out["triples"] = len(store)
elif mode == "queries":
    from kg.api import KnowledgeGraph
    from kg.catalog import get
    from kg.namespace import bloc, country
    from rdflib import Literal
    kg = KnowledgeGraph.open(work / "kg")
    raw_intra = open(sys.argv[4]).read()
    raw_top = open(sys.argv[5]).read()
    def median(fn, n=7):
        times = []
        for _ in range(n):
            t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
        times.sort(); return times[len(times) // 2]
    out["intra_catalog"] = median(lambda: kg.run("intra_bloc_trade", bloc="EAEU"))
    out["intra_raw"] = median(lambda: list(kg.execute(raw_intra, {"bloc": bloc("EAEU")}).rows), 3)
    out["top_catalog"] = median(lambda: kg.run("top_partners", country="KAZ", year="2020", limit="10"))
    out["top_raw"] = median(lambda: list(kg.execute(raw_top, {"country": country("KAZ"), "year": Literal(2020)}).rows), 3)
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(triples: int, repeat: int) -> list[tuple]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path = work / "bench.csv"
        rows = generate(csv_path, triples // TRIPLES_PER_ROW)
        child("ntriples", str(csv_path), str(work))
        builds, bulks = [], []
        for i in range(repeat):
            for d in ("kg", "bare"):
                subprocess.run(["rm", "-rf", str(work / d)])
            builds.append(child("build", str(csv_path), str(work)))
            bulks.append(child("bulk", str(csv_path), str(work)))
        q = child("queries", str(csv_path), str(work), str(HERE / "raw_intra_bloc.rq"),
                  str(HERE / "raw_top_partners.rq"))
    b_tps = statistics.median(b["triples"] / b["seconds"] for b in builds)
    k_tps = statistics.median(b["triples"] / b["seconds"] for b in bulks)
    b_mem = statistics.median(b["max_rss_mb"] for b in builds)
    k_mem = statistics.median(b["max_rss_mb"] for b in bulks)
    label = f"{builds[0]['triples']:,} triples ({rows:,} rows)"
    return [
        (label, "kg build (incl. derived)", f"{b_tps:,.0f} triples/s", f"{b_mem:,.0f} MB", f"{b_tps / k_tps:.2f}x of bulk"),
        (label, "pyoxigraph bulk_load", f"{k_tps:,.0f} triples/s", f"{k_mem:,.0f} MB", "1.00x"),
        (label, "intra_bloc_trade (catalog)", f"{q['intra_catalog'] * 1000:.1f} ms", "", f"{q['intra_raw'] / q['intra_catalog']:.0f}x faster"),
        (label, "intra-bloc raw aggregation", f"{q['intra_raw'] * 1000:.1f} ms", "", "1x"),
        (label, "top_partners (catalog)", f"{q['top_catalog'] * 1000:.1f} ms", "", f"{q['top_raw'] / q['top_catalog']:.0f}x faster"),
        (label, "top partners raw aggregation", f"{q['top_raw'] * 1000:.1f} ms", "", "1x"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, action="append", help="target size (repeatable)")
    ap.add_argument("--repeat", type=int, default=3, help="build runs per size (median reported)")
    args = ap.parse_args()
    table = [("dataset", "measure", "median", "peak RSS", "ratio")]
    for n in args.triples or [1_000_000]:
        table += run(n, args.repeat)
    widths = [max(len(r[i]) for r in table) for i in range(5)]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
