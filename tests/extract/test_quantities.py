"""Amounts, percentages and dates as written in news text."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kg.extract.pipeline import build_pipeline
from kg.extract.quantities import as_number, currency_of, parse_number

PUBLISHED = dt.date(2024, 4, 17)


@pytest.fixture(scope="module")
def analyse(gazetteer):
    pipeline = build_pipeline(gazetteer)
    return lambda text, date=PUBLISHED: pipeline.analyse(text, date)


def amounts(analyse, text):
    return [(as_number(m.value), m.currency) for s in analyse(text) for m in s.money]


@pytest.mark.parametrize("text, value, currency", [
    ("15.6 billion US dollars", 15_600_000_000, "USD"),
    ("$1.3bn", 1_300_000_000, "USD"),
    ("US$1.3 billion", 1_300_000_000, "USD"),
    ("US $2 billion", 2_000_000_000, "USD"),
    ("USD 5 bln", 5_000_000_000, "USD"),
    ("5 billion USD", 5_000_000_000, "USD"),
    ("$5-billion", 5_000_000_000, "USD"),
    ("$ 250 million", 250_000_000, "USD"),
    ("five billion dollars", 5_000_000_000, "USD"),
    ("300 million euros", 300_000_000, "EUR"),
    ("€300m", 300_000_000, "EUR"),
    ("€1.5bn", 1_500_000_000, "EUR"),
    ("£2bn", 2_000_000_000, "GBP"),
    ("1.2 trillion tenge", 1_200_000_000_000, "KZT"),
    ("KZT 1.2 trillion", 1_200_000_000_000, "KZT"),
    ("7.4 trillion rubles", 7_400_000_000_000, "RUB"),
    ("7.4 trillion roubles", 7_400_000_000_000, "RUB"),
    ("1.7 trillion yuan", 1_700_000_000_000, "CNY"),
    ("200 bln yuan", 200_000_000_000, "CNY"),
    ("RMB 20 billion", 20_000_000_000, "CNY"),
    ("45 billion Kyrgyz soms", 45_000_000_000, "KGS"),
    ("3 trillion Uzbek soums", 3_000_000_000_000, "UZS"),
    ("5 billion Hong Kong dollars", 5_000_000_000, "HKD"),
    ("2 billion Belarusian rubles", 2_000_000_000, "BYN"),
    ("2,5 млрд руб", 2_500_000_000, "RUB"),
    ("15,6 mlrd US dollars", 15_600_000_000, "USD"),
    ("$1,317 million", 1_317_000_000, "USD"),
    ("1,317,000 dollars", 1_317_000, "USD"),
])
def test_money_forms(analyse, text, value, currency):
    assert amounts(analyse, f"Trade was {text} in 2023.") == [(value, currency)]


def test_not_money(analyse):
    assert amounts(analyse, "In 2023 some 300 million people and 12 pesos changed hands.") == []


def test_us_dollars_are_not_a_mention_of_the_usa(run):
    result = run("Kazakhstan's trade reached 5 billion US dollars in 2023.")
    assert result["countries"] == ["KAZ"]


def test_parse_number():
    assert parse_number("2,5") == Decimal("2.5")
    assert parse_number("1,317") == Decimal("1317")
    assert parse_number("1.317,5") == Decimal("1317.5")
    assert parse_number("1 317") == Decimal("1317")
    assert parse_number("abc") is None
    assert currency_of(["US", "dollars"]) == "USD"
    assert currency_of(["pesos"]) is None
    assert currency_of(["Argentine", "pesos"]) == "ARS"


def test_percentages(analyse):
    sentence = analyse("Exports grew 8.3% and 12 percent, 4 per cent, by 3 percentage points.")[0]
    assert [(p.value, p.points) for p in sentence.percents] == \
        [(8.3, False), (12.0, False), (4.0, False), (3.0, True)]


@pytest.mark.parametrize("text, year, period", [
    ("last year", 2023, None),
    ("the previous year", 2023, None),
    ("this year", 2024, None),
    ("the current year", 2024, None),
    ("next year", 2025, None),
    ("in the first quarter", 2024, "Q1"),
    ("in the fourth quarter", 2023, "Q4"),
    ("in the first quarter of 2022", 2022, "Q1"),
    ("in the second quarter of last year", 2023, "Q2"),
    ("in Q1 2023", 2023, "Q1"),
    ("in the first half", 2024, "H1"),
    ("in January-March", 2024, "M01-M03"),
    ("in November", 2023, "M11"),
    ("in 2019", 2019, None),
])
def test_dates_resolved_against_publication(analyse, text, year, period):
    whens = analyse(f"Trade reached $1bn {text}.")[0].whens
    assert [(w.year, w.period) for w in whens] == [(year, period)]


def test_relative_year_in_a_fact(run):
    result = run("Trade between Russia and China grew to $240bn last year.", "2024-02-01")
    assert result["facts"][0]["year"] == 2023
    result = run("Trade between Russia and China may reach $300bn next year.", "2024-02-01")
    assert result["facts"][0]["year"] == 2025
    result = run("Kazakhstan's exports to China were $5bn in the first quarter.", "2024-05-01")
    fact = result["facts"][0]
    assert (fact["year"], fact["period"]) == (2024, "Q1")


def test_full_dates(analyse):
    whens = analyse("The deal was signed on 19 April 2024 and on March 3, 2023.")[0].whens
    assert [(w.year, w.month, w.day) for w in whens] == [(2024, 4, 19), (2023, 3, 3)]
