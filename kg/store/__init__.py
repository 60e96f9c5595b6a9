"""Stores: the protocol, the embedded Oxigraph backend, and the on-disk layout
that makes builds atomic."""
from kg.store.base import QueryResult, Store, Triple, row_value
from kg.store.oxigraph import OxigraphStore

__all__ = ["Store", "QueryResult", "Triple", "OxigraphStore", "row_value"]
