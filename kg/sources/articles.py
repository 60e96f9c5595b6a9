"""News articles as source documents, each in its own named graph with the
claims extracted from it."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg import __version__
from kg.extract import extract
from kg.extract.article import Article, read_article
from kg.extract.rdf import article_graph_name, article_triples
from kg.sources.base import DATA, SourceGraph

SAMPLE_DIR = DATA / "articles"
ARTICLE_SUFFIXES = (".txt", ".md")


def load(path: Path) -> SourceGraph:
    article: Article = read_article(path)
    facts = extract(article)
    files = [path] + ([path.with_suffix(".json")] if path.with_suffix(".json").exists() else [])
    return SourceGraph(
        name=article_graph_name(article),
        title=f"Article: {article.title or article.id}",
        triples=article_triples(article, facts),
        loader=f"kg.sources.articles {__version__}",
        files=files,
        source_url=article.url or None,
    )


def article_files(folder: Path) -> Iterator[Path]:
    """Article files in a folder, in a stable order (JSON sidecars are read with their text)."""
    yield from sorted(p for p in folder.iterdir() if p.suffix in ARTICLE_SUFFIXES and p.is_file())
