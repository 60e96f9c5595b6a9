"""Each default loader, through the built graph: what it writes and how its
named graph is described (PROV-O: files, checksum, time, loader, licence)."""
from __future__ import annotations

import csv
import hashlib

from kg.sources.base import DATA
from kg.sources.blocs import MEMBERSHIPS


def test_every_iso_country_with_common_and_formal_names(kg):
    assert kg.query("SELECT (COUNT(?c) AS ?n) WHERE { ?c a rer:Country }")[0]["n"] >= 249
    rus = kg.query("""SELECT ?label ?alt WHERE { ?c rer:iso3166Alpha3 "RUS" ; rdfs:label ?label ;
                      skos:altLabel ?alt }""")
    assert {r["label"] for r in rus} == {"Russia"}
    assert "Russian Federation" in {r["alt"] for r in rus}


def test_m49_regions_nest_up_to_the_world(kg):
    rows = kg.query("""SELECT ?name WHERE { ?c rer:iso3166Alpha3 "KAZ" ; rer:inRegion+ ?r .
                       ?r rdfs:label ?name }""")
    assert {"Central Asia", "Asia", "World"} <= {r["name"] for r in rows}


def test_every_membership_row_is_in_the_graph_with_its_source(kg):
    lines = [l for l in MEMBERSHIPS.read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
    rows = list(csv.DictReader(lines))
    n = kg.query("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a rer:Membership ; dcterms:source ?s }")
    assert n[0]["n"] == len(rows)


def test_trade_sample_observations_by_reporter_partner_year_flow(kg):
    rows = kg.query("""SELECT ?v WHERE { ?o a rer:TradeFlow ; qb:dataSet ?ds ;
        rer:reporter/rer:iso3166Alpha3 "KGZ" ; rer:partner/rer:iso3166Alpha3 "RUS" ;
        rer:year 2021 ; rer:flow rer:flow-export ; rer:value ?v .
        FILTER NOT EXISTS { ?o a rer:DerivedFigure } }""")
    assert len(rows) == 1 and rows[0]["v"] > 0


def test_each_graph_is_described_with_provenance(kg):
    rows = kg.query("""SELECT ?g ?loader ?checksum ?time ?licence WHERE {
        ?g a prov:Entity ; rer:loaderVersion ?loader ; prov:generatedAtTime ?time ;
           prov:wasDerivedFrom ?file . ?file rer:checksum ?checksum .
        OPTIONAL { ?g dcterms:license ?licence } }""")
    by_graph = {r["g"].rsplit("/graph/", 1)[-1]: r for r in rows}
    assert {"ontology", "countries", "blocs", "agreements", "trade/sample"} <= set(by_graph)
    expected = hashlib.sha256((DATA / "blocs.csv").read_bytes()).hexdigest()
    assert any(r["checksum"] == f"sha256:{expected}" for r in rows if r["g"].endswith("/graph/blocs"))
    assert by_graph["blocs"]["licence"]


def test_articles_are_documents_with_claims(kg):
    rows = kg.query("""SELECT ?a (COUNT(?c) AS ?n) WHERE { ?a a rer:NewsArticle ; dcterms:date ?d .
                       ?c rer:sourceDocument ?a } GROUP BY ?a""")
    assert len(rows) == len(list((DATA / "articles").glob("*.txt")))
    assert all(r["n"] > 0 for r in rows)
