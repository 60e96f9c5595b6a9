"""The sample corpus in data/articles: each article yields the facts it was written for,
and each is marked as illustrative."""
from __future__ import annotations

import pytest

from kg.extract import extract, read_article
from tests.extract.conftest import ARTICLES
from tests.extract.helpers import of_type

SAMPLES = sorted(ARTICLES.glob("*.txt"))


def money(result: dict) -> set[tuple]:
    return {(f["type"], f["reporter"], f["partner"], f["flow"], f["year"], f["value"],
             f["currency"]) for f in result["facts"] if f["type"] in {"trade", "forecast", "target"}}


def agreements(result: dict) -> set[tuple]:
    return {(tuple(f["parties"]), f["name"], f["status"]) for f in of_type(result, "agreement")}


def members(result: dict) -> set[tuple]:
    return {(f["member"], f["bloc"]) for f in of_type(result, "membership")}


EXPECTED = {
    "sample_uzb_kaz_trade.txt": {
        "money": {("trade", "UZB", "KAZ", "turnover", 2023, 4_100_000_000, "USD"),
                  ("trade", "KAZ", "UZB", "export", 2023, 2_600_000_000, "USD"),
                  ("target", "UZB", "KAZ", "turnover", 2030, 10_000_000_000, "USD")},
        "agreements": set(), "members": set(),
        "speakers": [{"name": "Aziz Rakhimov", "role": "Deputy Minister"}],
    },
    "sample_eaeu_summit.txt": {
        "money": {("trade", "EAEU", "EAEU", "turnover", 2023, 90_000_000_000, "USD"),
                  ("forecast", "EAEU", "EAEU", "turnover", 2025, 100_000_000_000, "USD"),
                  ("forecast", "EAEU", "ROW", "turnover", 2030, 1_000_000_000_000, "USD")},
        "agreements": set(),
        "members": {(c, "EAEU") for c in ("ARM", "BLR", "KAZ", "KGZ", "RUS")},
        "speakers": [{"name": "Irina Sokolova", "role": "analyst"}],
    },
    "sample_mercosur_talks.txt": {
        "money": {("trade", "BRA", "ARG", "export", 2023, 15_000_000_000, "USD")},
        "agreements": {(("EU", "Mercosur"), "partnership agreement", "negotiating")},
        "members": {(c, "Mercosur") for c in ("ARG", "BRA", "PRY", "URY")},
        "speakers": [{"name": "Paulo Mendes", "role": "trade economist"}],
    },
    "sample_asean_target.txt": {
        "money": {("target", "ASEAN", "ASEAN", "turnover", 2030, 1_500_000_000_000, "USD"),
                  ("trade", "VNM", "THA", "export", 2023, 9_200_000_000, "USD")},
        "agreements": set(), "members": set(),
        "speakers": [{"name": "Linh Tran", "role": "senior official"}],
    },
    "sample_rus_chn_yuan.txt": {
        "money": {("trade", "RUS", "CHN", "turnover", 2023, 1_700_000_000_000, "CNY"),
                  ("trade", "RUS", "CHN", "import", 2023, 8_100_000_000_000, "RUB")},
        "agreements": {(("CHN", "RUS"), "agreement on payment infrastructure", "planned")},
        "members": set(),
        "speakers": [{"name": "Pavel Orlov", "role": "economist"}],
    },
}


def test_every_sample_has_expectations():
    assert {p.name for p in SAMPLES} == set(EXPECTED)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_is_marked_illustrative(path):
    article = read_article(path)
    assert article.publisher == "RegEcon sample corpus"
    assert article.note == "Illustrative sample text; figures are not statistics."
    assert article.language == "en" and article.title


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_facts(path, gazetteer):
    result = extract(read_article(path), gazetteer)
    expected = EXPECTED[path.name]
    assert money(result) == expected["money"]
    assert agreements(result) == expected["agreements"]
    assert members(result) == expected["members"]
    assert result["speakers"] == expected["speakers"]
    assert result["anomalies"] == []
