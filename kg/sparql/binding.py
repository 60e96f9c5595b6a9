"""Binding query parameters as data (a ``VALUES`` block of safely serialised
terms at the start of the outermost WHERE group); see `kg.sparql.syntax`."""
from __future__ import annotations

from collections.abc import Mapping

from rdflib.term import Identifier

from kg.sparql.syntax import bind_values, declares_dataset

__all__ = ["inject_values", "declares_dataset"]


def inject_values(query: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with `bindings` bound as a one-row VALUES block."""
    return bind_values(query, bindings)
