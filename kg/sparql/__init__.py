"""SPARQL the toolkit runs itself (derived statistics, provenance, stats),
kept as `.rq` files beside this module. The prefix header is shared."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kg.namespace import PREFIXES

HERE = Path(__file__).parent


def prefix_header() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@lru_cache(maxsize=None)
def load(name: str) -> str:
    """The text of `kg/sparql/<name>.rq`, with the standard prefixes declared."""
    return prefix_header() + (HERE / f"{name}.rq").read_text(encoding="utf-8")
