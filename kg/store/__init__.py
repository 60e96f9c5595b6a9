"""Stores: the protocol, the embedded Oxigraph backend, and the on-disk layout
that makes builds atomic."""
from kg.store.base import QueryResult, Store, Triple, row_value
from kg.store.oxigraph import OxigraphStore


def open_remote(url: str, **kwargs):
    """A store on a SPARQL 1.1 server (see `kg.store.remote.open_store`)."""
    from kg.store.remote import open_store
    return open_store(url, **kwargs)


__all__ = ["Store", "QueryResult", "Triple", "OxigraphStore", "open_remote", "row_value"]
