"""Typed literals written the same way by every loader."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rdflib import Literal

from kg.namespace import XSD


def decimal_literal(value: Decimal | int | float | str) -> Literal:
    """An xsd:decimal in canonical lexical form (never exponent notation)."""
    d = Decimal(str(value))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return Literal(text, datatype=XSD.decimal)


def date_literal(value: dt.date | str) -> Literal:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return Literal(value.isoformat(), datatype=XSD.date)
