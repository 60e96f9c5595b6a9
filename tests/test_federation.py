"""The federated catalog query against a local stand-in for Wikidata: a real
SPARQL endpoint (this project's own server) on 127.0.0.1 holding a few
Wikidata-shaped triples. The query text is the catalog's, with only the
service IRI pointed at the stand-in."""
from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef

from kg import catalog
from kg.namespace import WD
from kg.store import OxigraphStore

WDT = "http://www.wikidata.org/prop/direct/"
WIKIDATA = "<https://query.wikidata.org/sparql>"
STAND_IN = {"KAZ": ("Q232", 20_000_000), "RUS": ("Q159", 146_000_000), "CHN": ("Q148", 1_400_000_000)}


@pytest.fixture(scope="module")
def stand_in():
    live = pytest.importorskip("tests.server.live")
    from server import create_app

    store = OxigraphStore()
    triples = []
    for iso3, (qid, population) in STAND_IN.items():
        triples += [(WD[qid], URIRef(WDT + "P298"), Literal(iso3)),
                    (WD[qid], URIRef(WDT + "P1082"), Literal(population))]
    store.replace_graph(URIRef("http://example.org/wikidata"), triples)
    with live.LiveServer(create_app(store=store)) as server:
        yield server.url + "/sparql"


def test_partners_with_population_joins_on_iso_codes(kg, stand_in):
    text = catalog.get("partners_with_population").text
    assert WIKIDATA in text
    named = catalog.get("partners_with_population")
    bindings, _ = named.bind({"country": "KGZ", "year": "2021"})
    result = kg.execute(text.replace(WIKIDATA, f"<{stand_in}>"), bindings)
    rows = list(result.rows)
    by_code = {str(r["iso3"]): r for r in rows}
    assert set(by_code) == set(STAND_IN) & {"KAZ", "RUS", "CHN"}
    assert int(by_code["KAZ"]["population"]) == STAND_IN["KAZ"][1]
    assert str(by_code["KAZ"]["item"]) == str(WD["Q232"])
    values = [Decimal(str(r["value"])) for r in rows]
    assert values == sorted(values, reverse=True)
