"""Sources: each loader turns one kind of input into a :class:`SourceGraph`.

The registry below is the default build; `sources_for_file` picks a loader for
a file given on the command line by its suffix and content.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from kg.errors import SourceError
from kg.sources.base import DATA, SourceGraph

SourceFactory = Callable[[], SourceGraph]

TRADE_SAMPLE = DATA / "trade_sample.csv"
TRADE_SUFFIXES = (".csv", ".xlsx", ".tsv")


def _ontology() -> list[SourceFactory]:
    from kg.sources import ontology
    return [ontology.load]


def _countries() -> list[SourceFactory]:
    from kg.sources import countries
    return [countries.load]


def _blocs() -> list[SourceFactory]:
    from kg.sources import blocs
    return [blocs.load]


def _agreements() -> list[SourceFactory]:
    from kg.sources import agreements
    return [agreements.load]


def _trade_sample() -> list[SourceFactory]:
    from kg.sources import tradefile
    return [partial(tradefile.load, TRADE_SAMPLE, name="trade/sample")]


def _articles() -> list[SourceFactory]:
    from kg.sources import articles
    return [partial(articles.load, p) for p in articles.article_files(articles.SAMPLE_DIR)]


def _registry() -> dict[str, Callable[[], list[SourceFactory]]]:
    """Default sources by name, in build order; each imports its loader when used."""
    return {"ontology": _ontology, "countries": _countries, "blocs": _blocs,
            "agreements": _agreements, "trade-sample": _trade_sample, "articles": _articles}


def source_names() -> list[str]:
    return list(_registry())


def default_sources(only: Iterable[str] | None = None,
                    article_dirs: Iterable[Path] = ()) -> list[SourceFactory]:
    """Loaders of the default graph (or of the named sources), plus article folders."""
    registry = _registry()
    names = list(only) if only else list(registry)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise SourceError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(registry)}")
    factories = [f for n in names for f in registry[n]()]
    for folder in article_dirs:
        factories += sources_for_file(Path(folder))
    return factories


def sources_for_file(path: Path, layout: str | None = None, name: str | None = None) -> list[SourceFactory]:
    """The loader for a file (or every article in a folder), chosen by suffix.
    `name` names the source graph of an RDF file or trade table instead of its
    file name (articles are named by their content)."""
    from kg.sources import articles, rdffile, tradefile

    if name is not None and (path.is_dir() or path.suffix.lower() in articles.ARTICLE_SUFFIXES):
        raise SourceError("a graph name applies to RDF files and trade tables; articles are named by "
                          "their content", file=str(path))
    if path.is_dir():
        found = list(articles.article_files(path))
        if not found:
            raise SourceError(f"no articles ({', '.join(articles.ARTICLE_SUFFIXES)}) in this folder", file=str(path))
        return [partial(articles.load, p) for p in found]
    if not path.exists():
        raise SourceError("no such file", file=str(path))
    suffix = path.suffix.lower()
    if suffix in rdffile.FORMATS:
        return [partial(rdffile.load, path, name=name)]
    if suffix in TRADE_SUFFIXES:
        return [partial(tradefile.load, path, name=name, layout=layout)]
    if suffix in articles.ARTICLE_SUFFIXES:
        return [partial(articles.load, path)]
    raise SourceError(f"cannot tell what kind of source {suffix!r} is; expected RDF "
                      f"({', '.join(sorted(rdffile.FORMATS))}), trade tables "
                      f"({', '.join(TRADE_SUFFIXES)}) or articles ({', '.join(articles.ARTICLE_SUFFIXES)})",
                      file=str(path))


__all__ = ["SourceGraph", "SourceFactory", "default_sources", "sources_for_file", "source_names"]
