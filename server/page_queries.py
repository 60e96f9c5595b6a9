"""The SPARQL the server's own pages run, kept in `server/queries/*.rq`.

Values from requests are never pasted into these texts: they are bound with
the store's `bindings`, as a VALUES block of escaped terms (`kg.sparql.syntax`).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib.term import Identifier

from kg.store.base import QueryResult, Store

QUERIES = Path(__file__).parent / "queries"


@lru_cache(maxsize=None)
def text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def run(store: Store, name: str, **bindings: Identifier) -> QueryResult:
    return store.query(text(name), bindings=bindings or None)


def rows(store: Store, name: str, **bindings: Identifier) -> list[dict]:
    """A page query's rows; pages show bounded amounts, so holding them is fine."""
    return list(run(store, name, **bindings).rows or ())
