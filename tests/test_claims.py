"""The seed article ingested into the graph: claims with quotes, speaker and
article, the flawed forecast flagged (not fixed), and claimed figures beside
official statistics."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kg.api import KnowledgeGraph
from kg.build import build, load
from kg.store.layout import DataDir


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, shared) -> KnowledgeGraph:
    d = DataDir(tmp_path_factory.mktemp("seeded") / "kg")
    build(d)
    load(d, sorted((shared / "seeds").glob("*.txt")))
    graph = KnowledgeGraph.open(d.path)
    yield graph
    graph.close()


def test_claims_keep_quote_speaker_and_article(seeded):
    rows = seeded.run("claims")
    seed_rows = [r for r in rows if r["date"] is not None and r["date"].isoformat() == "2024-04-17"]
    assert seed_rows
    assert any(r["speaker"] == "Dzhamin Akimaliyev" for r in seed_rows)
    assert any("15.6 billion US dollars" in r["quote"] for r in seed_rows)


def test_the_2003_forecast_is_kept_as_stated_and_flagged(seeded):
    rows = seeded.query("""
        SELECT ?year ?kind WHERE {
          ?claim rer:states ?f . ?f a rer:Forecast ; rer:year ?year ; rer:value ?v .
          ?flag rer:flags ?claim ; rer:flagKind ?kind .
        }""")
    assert {"year": 2003, "kind": "forecast-year-before-publication"} in rows


def test_forecasts_are_never_observations(seeded):
    assert seeded.query("ASK { ?x a rer:Forecast , rer:TradeFlow }") is False


def test_claimed_figure_beside_the_official_one(seeded):
    rows = seeded.run("claims_vs_official", reporter="KGZ")
    world = [r for r in rows if r["partner"] == "WLD" and r["year"] == 2023]
    assert world and world[0]["claimed"] == Decimal("15600000000")
    assert world[0]["official"] is not None
    # The official figure is close to, but not the same as, the claim.
    assert abs(world[0]["official"] - world[0]["claimed"]) / world[0]["claimed"] < Decimal("0.1")


def test_reingesting_replaces_the_article_graph(shared, tmp_path):
    d = DataDir(tmp_path / "kg")
    build(d, only=["ontology", "countries", "blocs"])
    seed = sorted((shared / "seeds").glob("*.txt"))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?c a rer:Claim }"
    load(d, seed)
    once = KnowledgeGraph.open(d.path).query(count)[0]["n"]
    load(d, seed)
    assert once > 0
    assert KnowledgeGraph.open(d.path).query(count)[0]["n"] == once


def test_each_claimed_figure_links_every_official_figure_with_its_keys(seeded):
    """The build-time links are exactly what a join over all observations finds."""
    keys = "rer:reporter ?r ; rer:partner ?p ; rer:flow ?f ; rer:refPeriod ?t ; rer:product ?x ; rer:currency ?c"
    linked = seeded.query("SELECT ?fig ?obs WHERE { ?fig rer:officialFigure ?obs }")
    joined = seeded.query(f"""
        SELECT ?fig ?obs WHERE {{
          ?fig a rer:ReportedFigure ; {keys} .
          ?obs a rer:TradeFlow ; qb:dataSet ?ds ; {keys} .
          FILTER NOT EXISTS {{ ?obs a rer:ReportedFigure }}
        }}""")
    as_set = {(r["fig"], r["obs"]) for r in linked}
    assert as_set and as_set == {(r["fig"], r["obs"]) for r in joined}
    # Derived figures count as official: a claimed turnover meets the sum of
    # exports and imports where the statistics report no turnover.
    assert seeded.query("""ASK { ?fig rer:officialFigure ?obs . ?obs a rer:DerivedFigure ;
                                 rer:flow rer:flow-turnover }""")


def test_no_triple_is_in_two_graphs_after_loading_more_trade_files(shared, tmp_path):
    """Oxigraph's union default graph repeats a solution once per graph holding
    the triple, so shared declarations (product codes) are made once."""
    d = DataDir(tmp_path / "kg")
    build(d)
    load(d, [shared / "refdata" / "trade_sample_kgz_rus.csv"] + sorted((shared / "seeds").glob("*.txt")))
    graph = KnowledgeGraph.open(d.path)
    shared_triples = graph.query("""SELECT (COUNT(*) AS ?n) WHERE {
        GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } FILTER (STR(?g1) < STR(?g2)) }""")
    assert shared_triples[0]["n"] == 0
    rows = graph.run("bilateral_trade", reporter="KGZ", partner="RUS")
    assert rows and len(rows) == len({tuple(sorted(r.items())) for r in rows})
    assert graph.query('SELECT ?label WHERE { ?p skos:notation "TOTAL" ; rdfs:label ?label }') == [
        {"label": "All goods"}]


def test_an_agreement_named_in_the_seed_is_matched_to_the_curated_treaty(seeded):
    """The article announces the Kazakhstan-Kyrgyzstan treaty two days before its
    signing: the build links the two, and the catalog lists the treaty once."""
    rows = seeded.run("agreements_between", a="KAZ", b="KGZ")
    bilateral = [r for r in rows if "allied" in r["name"].lower()]
    assert [r["basis"] for r in bilateral] == ["curated"]
    assert seeded.query("""ASK { ?named rer:matchesAgreement ?treaty .
                                 ?treaty skos:notation ?id ; rer:party ?kaz, ?kgz .
                                 ?kaz skos:notation "KAZ" . ?kgz skos:notation "KGZ" }""")
    # One named only in a text is listed as such.
    named = [r for r in seeded.run("agreements_between", a="RUS", b="CHN") if r["basis"] == "named in a text"]
    assert named and all(r["status"] == "planned" for r in named)
