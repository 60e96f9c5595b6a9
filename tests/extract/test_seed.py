"""The seed article: every expected fact comes from the general rules."""
from __future__ import annotations

import pytest

from kg.extract import EXTRACTOR_VERSION, METHOD, extract, read_article
from tests.extract.helpers import money_facts, of_type


@pytest.fixture(scope="module")
def seed(seed_path, gazetteer):
    article = read_article(seed_path)
    return article, extract(article, gazetteer)


def test_contract_shape(seed):
    article, result = seed
    assert list(result) == ["source", "date", "countries", "blocs", "facts", "speakers",
                            "anomalies", "publisher"]
    assert result["date"] == "2024-04-17"
    assert result["source"] == str(article.path)
    assert result["countries"] == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert result["blocs"] == ["EAEU"]
    assert EXTRACTOR_VERSION and METHOD


def test_total_trade(seed):
    _, result = seed
    trade = [f for f in of_type(result, "trade") if f["partner"] == "WLD"]
    assert len(trade) == 1
    fact = trade[0]
    assert (fact["reporter"], fact["flow"], fact["year"], fact["value"], fact["currency"]) == \
        ("KGZ", "turnover", 2023, 15_600_000_000, "USD")
    assert "share_pct" not in fact


def test_partner_share(seed):
    _, result = seed
    fact = next(f for f in of_type(result, "trade") if f["partner"] == "KAZ")
    assert (fact["reporter"], fact["flow"], fact["year"], fact["value"], fact["currency"],
            fact["share_pct"]) == ("KGZ", "turnover", 2023, 1_300_000_000, "USD", 8.3)


def test_intra_bloc_forecast_keeps_stated_year(seed):
    _, result = seed
    fact = next(f for f in of_type(result, "forecast") if f["reporter"] == "EAEU")
    assert fact["partner"] == "EAEU"
    assert fact["year"] == 2003
    assert fact["value"] == 100_000_000_000 and fact["currency"] == "USD"
    assert fact["flow"] == "turnover"


def test_potential_is_a_forecast_without_year(seed):
    _, result = seed
    fact = next(f for f in of_type(result, "forecast") if f["reporter"] != "EAEU")
    assert {fact["reporter"], fact["partner"]} == {"KAZ", "KGZ"}
    assert fact["year"] is None
    assert fact["value"] == 5_000_000_000 and fact["currency"] == "USD"
    assert fact["speaker"] == "Dzhamin Akimaliyev"


def test_no_forecast_is_typed_trade(seed):
    _, result = seed
    assert len(money_facts(result)) == 4
    assert all(f["type"] == "trade" for f in money_facts(result)
               if f["value"] in (15_600_000_000, 1_300_000_000))


def test_agreement_planned(seed):
    _, result = seed
    agreements = of_type(result, "agreement")
    assert len(agreements) == 1
    fact = agreements[0]
    assert fact["parties"] == ["KAZ", "KGZ"]
    assert fact["status"] == "planned"
    assert fact["name"].startswith("agreement on deepening and widening")
    assert "allied relations" in fact["name"]


def test_memberships(seed):
    _, result = seed
    members = {(f["member"], f["bloc"]) for f in of_type(result, "membership")}
    assert members == {(c, "EAEU") for c in ("ARM", "BLR", "KAZ", "KGZ", "RUS")}


def test_speaker(seed):
    _, result = seed
    assert result["speakers"] == [{
        "name": "Dzhamin Akimaliyev",
        "role": "academician of the National Academy of Sciences of Kyrgyzstan"}]


def test_anomalies(seed):
    _, result = seed
    kinds = [a["kind"] for a in result["anomalies"]]
    assert kinds == ["forecast-year-before-publication"]
    assert "2003" in result["anomalies"][0]["quote"]
    assert "share-mismatch" not in kinds


def test_quotes_are_exact_sentences(seed):
    article, result = seed
    for fact in result["facts"]:
        assert article.text[fact["start"]:fact["end"]] == fact["quote"]
        assert fact["quote"] == fact["quote"].strip()
        assert "speaker" in fact


def test_the_publisher_named_in_the_text_is_found(seed_path, gazetteer):
    from kg.extract import extract, read_article

    assert extract(read_article(seed_path), gazetteer)["publisher"] == "Kazinform News Agency"
