"""A trade-statistics file (any layout `kg.sources.trade` knows) as a source."""
from __future__ import annotations

from itertools import chain
from pathlib import Path

from kg import __version__
from kg.namespace import slug
from kg.sources.base import SourceGraph
from kg.sources.trade import detect, parse
from kg.sources.trade.rdf import dataset_triples, observation_triples


def load(path: Path, name: str | None = None, layout: str | None = None,
         citation: str | None = None) -> SourceGraph:
    layout = layout or detect(path)
    name = name or f"trade/{slug(path.stem)}"
    title = f"Trade statistics from {path.name} ({layout})"
    records = parse(path, layout=layout)
    return SourceGraph(
        name=name,
        title=title,
        triples=chain(dataset_triples(name, title, citation), observation_triples(name, records)),
        loader=f"kg.sources.tradefile {__version__} ({layout})",
        files=[path],
    )
