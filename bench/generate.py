"""Deterministic synthetic trade data in the project's tidy CSV layout.

Every (reporter, partner, year, flow) among real ISO codes gets a value from a
seeded generator, so runs are comparable. About 12 triples per row."""
from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import pycountry

FLOWS = ("export", "import")


def generate(path: Path, rows: int, seed: int = 42) -> int:
    rng = random.Random(seed)
    codes = sorted(c.alpha_3 for c in pycountry.countries)
    years = list(range(1995, 2025))
    # Partners per reporter and year, so that every reporter and year is covered
    # whatever the size; the world total is always one of them.
    per_pair = len(years) * len(codes) * len(FLOWS)
    k = max(1, min(len(codes) - 1, rows // per_pair))
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["reporter_iso3", "partner_iso3", "year", "flow", "value", "unit"])
        for year in years:
            for reporter in codes:
                partners = ["WLD"] + rng.sample([c for c in codes if c != reporter], k)
                for partner in partners:
                    for flow in FLOWS:
                        w.writerow([reporter, partner, year, flow, rng.randint(1, 10**9), "USD"])
                        written += 1
                        if written >= rows:
                            return written
    return written


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("output", type=Path)
    ap.add_argument("--rows", type=int, default=85_000)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    print(generate(args.output, args.rows, args.seed))
