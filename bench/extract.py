"""Extraction benchmark: articles per second on one core, and `kg ingest` of
the same articles into a store, over article-length texts assembled from the
project's own sample articles (with varied figures and years).

    python bench/extract.py --articles 1000
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from kg.extract import default_gazetteer, extract
from kg.extract.article import Article, read_article
from kg.sources.base import DATA


def corpus(n: int, seed: int = 7) -> list[Article]:
    """`n` articles, each a shuffle of sample-article paragraphs with new numbers."""
    rng = random.Random(seed)
    paragraphs = [p for path in sorted((DATA / "articles").glob("*.txt"))
                  for p in read_article(path).text.split("\n\n") if p.strip()]
    articles = []
    for i in range(n):
        body = "\n\n".join(rng.sample(paragraphs, min(6, len(paragraphs))))
        body = re.sub(r"\d+(?:\.\d+)?(?= (?:billion|million))",
                      lambda m: f"{rng.uniform(0.5, 90):.1f}", body)
        date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        articles.append(Article.from_text(body, date.isoformat()))
    return articles


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    args = ap.parse_args()
    articles = corpus(args.articles)
    gazetteer = default_gazetteer()
    extract(articles[0], gazetteer)  # warm up the pipeline
    started = time.perf_counter()
    facts = sum(len(extract(a, gazetteer)["facts"]) for a in articles)
    seconds = time.perf_counter() - started
    chars = statistics.median(len(a.text) for a in articles)

    from kg.build import build, load
    from kg.store.layout import DataDir

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i, a in enumerate(articles):
            (folder / f"a{i:05d}.txt").write_text(f"Date: {a.date.isoformat()}\n\n{a.text}", encoding="utf-8")
        directory = DataDir(Path(tmp) / "kg")
        build(directory, only=["ontology", "countries", "blocs"])
        t = time.perf_counter()
        load(directory, [folder])
        ingest = time.perf_counter() - t
    print(f"{'measure':32}  value")
    print(f"{'articles (median chars)':32}  {len(articles)} ({chars:.0f})")
    print(f"{'facts extracted':32}  {facts}")
    print(f"{'extract, articles/s (1 core)':32}  {len(articles) / seconds:,.1f}")
    print(f"{'kg ingest, articles/s':32}  {len(articles) / ingest:,.1f}")


if __name__ == "__main__":
    main()
