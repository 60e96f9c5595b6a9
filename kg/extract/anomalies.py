"""Checks on what a text states, reported next to the facts and never used to change them.

A journalist's "2003" for "2030", a share that does not match its amounts, or a
conversion off by a factor of a thousand are worth knowing about, but the graph
records claims as made; correcting them silently would hide the error.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

#: Rough units per US dollar, for order-of-magnitude checks only (a factor of five is
#: tolerated, so the drift of any of these rates over the years does not matter).
APPROX_PER_USD: dict[str, float] = {
    "USD": 1, "EUR": 0.92, "GBP": 0.8, "CHF": 0.9, "RUB": 90, "KZT": 460, "KGS": 88,
    "UZS": 12000, "TJS": 11, "TMT": 3.5, "BYN": 3.2, "AMD": 400, "AZN": 1.7, "GEL": 2.7,
    "UAH": 38, "CNY": 7.1, "JPY": 145, "INR": 83, "BRL": 5, "ARS": 800, "ZAR": 18, "TRY": 30,
    "KRW": 1300, "VND": 24000, "IDR": 15500, "MYR": 4.6, "THB": 35, "SGD": 1.35, "AED": 3.67,
    "SAR": 3.75, "HKD": 7.8, "AUD": 1.5, "CAD": 1.35, "IRR": 42000, "UYU": 39, "PYG": 7300,
    "EGP": 30, "NGN": 900, "KES": 140, "MXN": 17, "NZD": 1.6, "TWD": 31, "CLP": 900,
    "COP": 4000, "PHP": 56,
}

#: Tolerated disagreement between a stated share and the one its amounts give.
SHARE_TOLERANCE_PP = 0.5
#: A conversion off by more than this factor (either way) is reported.
CONVERSION_FACTOR = 5.0
#: More than annual world merchandise trade, in US dollars: no single figure can exceed it.
WORLD_TRADE_CEILING_USD = 5e13


def _usd(value: Decimal | float, currency: str | None) -> float | None:
    rate = APPROX_PER_USD.get(currency or "")
    return float(value) / rate if rate else None


def check(facts: list[dict], conversions: list[dict], published: dt.date | None) -> list[dict]:
    """Anomalies for the facts of one article (facts still carry their private keys);
    an undated article is not checked against its date."""
    found: list[dict] = []

    def add(kind: str, fact_or_quote: dict | str, detail: str) -> None:
        quote = fact_or_quote if isinstance(fact_or_quote, str) else fact_or_quote.get("quote", "")
        found.append({"kind": kind, "quote": quote, "detail": detail})

    for fact in facts:
        ftype = fact.get("type")
        year = fact.get("year")
        if published is not None and isinstance(year, int):
            if ftype in {"forecast", "target"} and year < published.year:
                add("forecast-year-before-publication", fact,
                    f"{ftype} for {year} in an article published {published.isoformat()}; "
                    f"the year is reported as stated")
            if ftype == "trade" and year > published.year:
                add("trade-year-after-publication", fact,
                    f"figure stated as achieved in {year} in an article published "
                    f"{published.isoformat()}")
        parent = fact.get("_parent")
        value = fact.get("_value")
        if parent and value is not None and parent["currency"] == fact.get("currency") \
                and parent["value"]:
            computed = float(value) / float(parent["value"]) * 100
            stated = fact.get("share_pct")
            if computed > 100 + SHARE_TOLERANCE_PP:
                add("part-exceeds-total", fact,
                    f"part {as_text(value)} is larger than its total {as_text(parent['value'])}")
            elif stated is not None and abs(computed - stated) > SHARE_TOLERANCE_PP:
                add("share-mismatch", fact,
                    f"stated share {stated}% but {as_text(value)} of {as_text(parent['value'])}"
                    f" is {computed:.2f}%")
        share = fact.get("share_pct")
        if share is not None and not 0 <= share <= 100:
            add("share-out-of-range", fact, f"share of {share}% is not between 0 and 100")
        usd = _usd(value, fact.get("currency")) if value is not None else None
        if usd is not None and usd > WORLD_TRADE_CEILING_USD:
            add("implausible-magnitude", fact,
                f"{fact.get('_text')} is about {usd:.3g} US dollars, more than world trade "
                f"in a year")

    for pair in conversions:
        a = _usd(pair["base_value"], pair["base_currency"])
        b = _usd(pair["other_value"], pair["other_currency"])
        if not a or not b:
            continue
        ratio = b / a
        if abs(math.log10(ratio)) > math.log10(CONVERSION_FACTOR):
            add("currency-conversion-magnitude", pair["quote"],
                f"{pair['text']}: the two amounts differ by a factor of about {ratio:.3g} "
                f"at approximate exchange rates")
    return found


def as_text(value: Decimal | float) -> str:
    """A compact rendering of an amount for anomaly details."""
    value = float(value)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:g}"
