"""Building: what the metadata graph says about each source graph."""
from __future__ import annotations


def test_each_graph_records_the_triples_it_holds(kg):
    """void:triples is what the store holds, not what the source yielded (a
    source may state a triple twice; the graph keeps it once)."""
    recorded = {row["g"]: row["n"] for row in kg.query(
        "SELECT ?g ?n WHERE { GRAPH <https://w3id.org/regecon/graph/meta> { ?g void:triples ?n } }")}
    held = {row["g"]: row["n"] for row in kg.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    sources = {g: n for g, n in recorded.items() if g in held}
    assert len(sources) >= 5
    assert sources == {g: held[g] for g in sources}
