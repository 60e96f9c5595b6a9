"""The named graphs of the served store with their sizes, titles and licences,
computed once per build (from the build's metadata graph, counting only the
graphs it does not describe) and shared by the service and dataset descriptions."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from kg.namespace import META_GRAPH
from kg.store.base import Store
from server import page_queries
from server.store_access import ServedStore


@dataclass(frozen=True)
class GraphInfo:
    iri: URIRef
    triples: int
    title: str | None = None
    license: URIRef | None = None


def _inventory(store: Store) -> list[GraphInfo]:
    described: dict[URIRef, GraphInfo] = {}
    for row in page_queries.rows(store, "graph_sizes", metaGraph=META_GRAPH):
        iri = URIRef(str(row["graph"]))
        if iri not in described:
            described[iri] = GraphInfo(
                iri, int(row["triples"].toPython()),
                str(row["title"]) if row.get("title") is not None else None,
                URIRef(str(row["license"])) if row.get("license") is not None else None)
    graphs = []
    for iri in store.graphs():
        graphs.append(described.get(iri) or GraphInfo(iri, store.count(iri)))
    return graphs


def graphs(served: ServedStore) -> list[GraphInfo]:
    return served.memo("graphs", _inventory)


def total_triples(served: ServedStore) -> int:
    return sum(g.triples for g in graphs(served))


def licenses(served: ServedStore) -> list[URIRef]:
    return sorted({g.license for g in graphs(served) if g.license is not None})
