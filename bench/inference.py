"""Inference benchmark: `kg.quality.infer` on the embedded store against owlrl's
OWL 2 RL closure (``owlrl.DeductiveClosure(owlrl.OWLRL_Semantics)``) on an
rdflib graph of the same triples, measured in the same run, and whether both
infer the same triples for the rule families `infer` implements (sub-class,
sub-property, inverse, symmetric, transitive; see kg/quality/inference.py).

owlrl is given the same triples without owl:sameAs links and without the
axioms of the families `infer` leaves out (domain, range, disjointness,
functional properties), so that both do the same job; the timings cover the
reasoning only (owlrl's expand; infer's read, fixpoint and write), not
building the rdflib graph. "infer re-run" is a second run on unchanged data,
which only compares the closure with the inferred graph.

    python bench/inference.py --triples 100000 [--triples 1000000] [--repeat 3] [--owlrl-repeat 1]

The data is bench/generate.py's synthetic trade table (`--triples` / 12 rows
of about 12 triples) plus the ontology, the countries and the blocs, written
with kg.build.write_all; the derived graph (turnover, shares, mirror pairs)
adds about as much again, so the table reports the actual number of triples.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRIPLES_PER_ROW = 12


def _build(work: Path, triples: int):
    sys.path.insert(0, str(HERE))
    from generate import generate

    from kg.build import write_all
    from kg.sources import blocs, countries, ontology, tradefile
    from kg.store.oxigraph import OxigraphStore

    csv_path = work / "bench.csv"
    rows = generate(csv_path, max(1, triples // TRIPLES_PER_ROW))
    store = OxigraphStore(work / "store")
    write_all(store, [ontology.load, countries.load, blocs.load,
                      partial(tradefile.load, csv_path, name="trade/bench")])
    return store, rows


def run(triples: int, repeat: int, owlrl_repeat: int) -> dict:
    from kg.namespace import INFERRED_GRAPH
    from kg.quality.compare import infer_inferred, owlrl_inferred, owlrl_input, store_triples
    from kg.quality.inference import infer

    with tempfile.TemporaryDirectory() as tmp:
        store, rows = _build(Path(tmp), triples)
        infer_times = []
        for i in range(repeat):
            if i:
                store.drop_graph(INFERRED_GRAPH)  # not timed: every run starts fresh
            t = time.perf_counter()
            written = infer(store)
            infer_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        infer(store)  # nothing changed: only compares
        rerun = time.perf_counter() - t
        mine = infer_inferred(store)
        data = list(store_triples(store))
        store.close()

    owlrl_times = []
    ref: set = set()
    for _ in range(owlrl_repeat):
        graph = owlrl_input(data)
        gc.collect()
        t = time.perf_counter()
        ref = owlrl_inferred(graph)
        owlrl_times.append(time.perf_counter() - t)
        del graph
    return {
        "rows": rows, "triples": len(data), "inferred": written,
        "infer": statistics.median(infer_times), "rerun": rerun,
        "owlrl": statistics.median(owlrl_times),
        "agree": ref == mine, "only_owlrl": len(ref - mine), "only_infer": len(mine - ref),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, action="append",
                    help="approximate size of the data (repeatable; default 100000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of infer per size (median reported)")
    ap.add_argument("--owlrl-repeat", type=int, default=1,
                    help="runs of owlrl per size (median reported; it is slow)")
    args = ap.parse_args()
    table = [("data", "inferred", "infer (median)", "infer re-run", "owlrl (median)", "speed-up",
              "same triples")]
    for n in args.triples or [100_000]:
        r = run(n, args.repeat, args.owlrl_repeat)
        agree = "yes" if r["agree"] else f"NO (owlrl only {r['only_owlrl']}, infer only {r['only_infer']})"
        table.append((f"{r['triples']:,} triples ({r['rows']:,} rows)", f"{r['inferred']:,}",
                      f"{r['infer']:.2f} s", f"{r['rerun']:.2f} s", f"{r['owlrl']:.2f} s",
                      f"{r['owlrl'] / r['infer']:.0f}x", agree))
        print(f"done: {table[-1][0]}", file=sys.stderr)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))


if __name__ == "__main__":
    main()
