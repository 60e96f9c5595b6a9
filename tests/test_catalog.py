"""Every catalog query, with a known answer on the shipped data (answers are
computed from the curated files, not typed in)."""
from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from kg import catalog
from kg.errors import QueryError
from kg.sources.base import DATA


def _sample() -> list[dict]:
    lines = [l for l in open(DATA / "trade_sample.csv", encoding="utf-8") if not l.startswith("#")]
    return list(csv.DictReader(lines))


SCALE = {"USD": 1, "thousand USD": 1000, "million USD": 1_000_000}


def official(reporter, partner, flow, year) -> Decimal:
    for r in _sample():
        if (r["reporter_iso3"], r["partner_iso3"], r["flow"], r["year"]) == (reporter, partner, flow, str(year)):
            return Decimal(r["value"]) * SCALE[r["unit"]]
    raise KeyError((reporter, partner, flow, year))


def test_every_query_declares_title_params_and_returns():
    queries = catalog.catalog()
    expected = {"bloc_members", "country_memberships", "bilateral_trade", "top_partners",
                "intra_bloc_trade", "partner_share", "agreements_between", "claims"}
    assert expected <= set(queries)
    for q in queries.values():
        assert q.title and q.description and q.returns, q.name


def test_bloc_members_today_and_on_a_date(kg):
    today = [r["iso3"] for r in kg.run("bloc_members", bloc="EAEU")]
    assert today == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    then = [r["iso3"] for r in kg.run("bloc_members", bloc="EAEU", date="2015-03-01")]
    assert then == ["ARM", "BLR", "KAZ", "RUS"]
    assert "GBR" in [r["iso3"] for r in kg.run("bloc_members", bloc="EU", date="2019-06-01")]
    assert "GBR" not in [r["iso3"] for r in kg.run("bloc_members", bloc="EU", date="2021-01-01")]


def test_country_memberships_include_ended_ones(kg):
    rows = kg.run("country_memberships", country="GEO")
    cis = [r for r in rows if r["short"] == "CIS"]
    assert cis and cis[0]["end"] is not None


def test_bilateral_trade_matches_the_official_figures(kg):
    rows = kg.run("bilateral_trade", reporter="KGZ", partner="KAZ")
    exports_2021 = [r for r in rows if r["year"] == 2021 and r["flow"] == "export"]
    assert [r["value"] for r in exports_2021] == [official("KGZ", "KAZ", "export", 2021)]
    turnover = [r for r in rows if r["year"] == 2021 and r["flow"] == "turnover"]
    assert turnover[0]["value"] == official("KGZ", "KAZ", "export", 2021) + official("KGZ", "KAZ", "import", 2021)
    assert {r["currency"] for r in rows} == {"USD"}


def test_top_partners_are_ranked_by_turnover(kg):
    rows = kg.run("top_partners", country="KGZ", year="2021", limit="3")
    assert len(rows) == 3
    values = [r["value"] for r in rows]
    assert values == sorted(values, reverse=True)
    assert "WLD" not in [r["iso3"] for r in rows]
    partners = {"KAZ", "RUS", "BLR", "ARM", "CHN", "UZB"}
    best = max(partners, key=lambda p: official("KGZ", p, "export", 2021) + official("KGZ", p, "import", 2021))
    assert rows[0]["iso3"] == best


def test_intra_bloc_trade_counts_members_only_in_member_years(kg):
    rows = {r["year"]: r["value"] for r in kg.run("intra_bloc_trade", bloc="EAEU")}
    members = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    expected = Decimal(0)
    for r in _sample():
        if r["year"] == "2021" and r["flow"] == "export" and r["reporter_iso3"] in members \
                and r["partner_iso3"] in members:
            expected += Decimal(r["value"]) * SCALE[r["unit"]]
    assert rows[2021] == expected


def test_intra_bloc_trade_says_how_many_members_reported(kg):
    """A bloc total from some members' reports is marked partial, not passed off
    as the bloc's trade."""
    members = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    for row in kg.run("intra_bloc_trade", bloc="EAEU"):
        reporters = {r["reporter_iso3"] for r in _sample() if r["year"] == str(row["year"])
                     and r["flow"] == "export" and r["reporter_iso3"] in members and r["partner_iso3"] in members
                     and r["reporter_iso3"] != r["partner_iso3"]}
        assert row["reporting"] == len(reporters) and row["members"] == 5


def test_partner_share(kg):
    rows = {r["flow"]: r["share"] for r in kg.run("partner_share", reporter="KGZ", partner="RUS", year="2021")}
    expected = official("KGZ", "RUS", "export", 2021) / official("KGZ", "WLD", "export", 2021) * 100
    assert abs(rows["export"] - expected) < Decimal("0.001")
    assert "turnover" in rows


def test_agreements_between(kg):
    rows = kg.run("agreements_between", a="KAZ", b="RUS")
    assert any(r["signed"] is not None and r["signed"].isoformat() == "2014-05-29" for r in rows)
    assert kg.run("agreements_between", a="EAEU", b="VNM")


def test_claims_carry_quote_and_article(kg):
    rows = kg.run("claims")
    assert rows, "the sample articles yield claims"
    assert all(r["quote"] and r["article"] for r in rows)


def test_bad_parameters_are_refused_clearly(kg):
    with pytest.raises(QueryError, match="unknown country code"):
        kg.run("country_memberships", country="XXX")
    with pytest.raises(QueryError, match="missing required parameter bloc"):
        kg.run("bloc_members")
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        kg.run("bloc_members", bloc="EAEU", date="March 2015")
    with pytest.raises(QueryError, match="unknown parameter"):
        kg.run("bloc_members", bloc="EAEU", colour="red")
    with pytest.raises(QueryError, match="parameter bloc: unknown bloc 'NOPE': give a short name, one of EAEU"):
        kg.run("bloc_members", bloc="NOPE")
    with pytest.raises(QueryError, match="unknown area 'XYZ'"):
        kg.run("claims_vs_official", reporter="XYZ")


def test_bloc_and_area_names_are_matched_without_case(kg):
    assert kg.run("bloc_members", bloc="eaeu") == kg.run("bloc_members", bloc="EAEU") != []
    assert kg.run("intra_bloc_trade", bloc="eaeu") == kg.run("intra_bloc_trade", bloc="EAEU") != []
    assert kg.run("bilateral_trade", reporter="kgz", partner="wld") == \
        kg.run("bilateral_trade", reporter="KGZ", partner="WLD") != []


def test_dataframe_on_request(kg):
    df = kg.run("bloc_members", bloc="EAEU", dataframe=True)
    assert list(df.columns) == ["country", "iso3", "label", "start", "end"]
    assert len(df) == 5
