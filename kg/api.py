"""The Python API, for notebooks and scripts::

    from kg import KnowledgeGraph
    kg = KnowledgeGraph.open()                       # the built graph in ./var/kg
    kg.query("SELECT ?c WHERE { ?c a rer:Country }")  # -> list of dicts
    kg.run("bloc_members", bloc="EAEU", date="2015-03-01", dataframe=True)
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib.term import Identifier

from kg import catalog
from kg.results import python_rows
from kg.store.base import QueryResult, Store
from kg.store.layout import DataDir


class KnowledgeGraph:
    """A built knowledge graph: a store plus the catalog of named queries."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> "KnowledgeGraph":
        """Open the graph built in `data_dir` (default ``$KG_DATA_DIR`` or ``./var/kg``), read-only."""
        return cls(DataDir(data_dir).open(read_only=True))

    def execute(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        """Run a query and return the raw, streaming result."""
        return self.store.query(sparql, bindings=bindings)

    def query(self, sparql: str, *, dataframe: bool = False,
              bindings: Mapping[str, Identifier] | None = None) -> Any:
        """SELECT rows as dicts of Python values (or a DataFrame); ASK as a bool;
        CONSTRUCT/DESCRIBE as a list of rdflib triples."""
        return self._shape(self.execute(sparql, bindings), dataframe)

    def run(self, name: str, *, dataframe: bool = False, **params: str) -> Any:
        """Run a catalog query by name with its parameters (`bloc="EAEU"`)."""
        return self._shape(self.run_named(name, {k: str(v) for k, v in params.items()}), dataframe)

    def run_named(self, name: str, params: Mapping[str, str]) -> QueryResult:
        """A catalog query's result, with parameters bound and the row limit applied."""
        named = catalog.get(name)
        bindings, limit = named.bind(params)
        return named.project(self.store.query(named.text, bindings=bindings), limit)

    @staticmethod
    def _shape(result: QueryResult, dataframe: bool) -> Any:
        if result.kind == "ask":
            return result.boolean
        if result.kind == "graph":
            return list(result.triples or ())
        rows = list(result.rows or ())
        values = python_rows(result.variables, rows)
        if dataframe:
            import pandas as pd
            return pd.DataFrame(values, columns=result.variables)
        return values

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "KnowledgeGraph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
