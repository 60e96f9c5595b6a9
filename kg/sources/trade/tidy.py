"""The project's own tidy trade CSV: one figure per row, codes already ISO alpha-3.

Columns: ``reporter_iso3, partner_iso3, year, flow, value, unit, value_usd, source,
source_file, note``, optionally ``period`` (``YYYY-MM`` for monthly rows), ``product``,
``currency`` and ``citation``. This is the layout hand-curated extracts are written in
(``trade_sample_kgz_rus.csv`` is one), so it keeps both the figure as published
(`value` in `unit`) and the figure in dollars (`value_usd`).

When ``value_usd`` is filled it is used as is (it was computed once, by whoever
derived the row, from the published figure); otherwise ``value`` is multiplied out by
the scale named in ``unit``.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.errors import SourceError
from kg.sources.trade.codes import resolve
from kg.sources.trade.generic import (
    CsvTable, normalise_flow, parse_amount, parse_period, parse_unit, scale_value,
)
from kg.sources.trade.records import TradeRecord

REQUIRED = ("reporter_iso3", "partner_iso3", "flow")
#: Header names that identify the layout (see ``detect``).
MARKERS = ("reporter_iso3", "partner_iso3", "flow")


def is_tidy_header(header: list[str]) -> bool:
    return all(name in header for name in MARKERS) and (
        "year" in header or "period" in header) and ("value" in header or "value_usd" in header)


def parse(path: Path) -> Iterator[TradeRecord]:
    """Yield one record per row that carries a figure."""
    path = Path(path)
    file = str(path)
    table = CsvTable(path)
    table.require(*REQUIRED)
    if "year" not in table.header and "period" not in table.header:
        table.require("year")
    if "value" not in table.header and "value_usd" not in table.header:
        table.require("value_usd")
    has = set(table.header)
    for line, row in table.rows():
        usd = parse_amount(row.get("value_usd"), file=file, line=line, column="value_usd") \
            if "value_usd" in has else None
        raw = parse_amount(row.get("value"), file=file, line=line, column="value") \
            if "value" in has else None
        unit_text = row.get("unit", "").strip()
        if usd is not None:
            value, currency = usd, "USD"
        elif raw is not None:
            unit = parse_unit(unit_text) if unit_text else None
            if unit_text and unit is None:
                raise SourceError(f"cannot read unit {unit_text!r}", file=file, line=line, column="unit")
            scale = unit[0] if unit else 1
            currency = (row.get("currency", "").strip() or (unit[1] if unit else None) or "USD").upper()
            value = scale_value(raw, scale)
        else:
            continue
        period_text = row.get("period", "").strip()
        if period_text:
            period = parse_period(period_text, file=file, line=line, column="period")
        else:
            period = parse_period(row.get("year", "").strip(), file=file, line=line, column="year")
        if period is None:
            continue
        reporter = resolve(row["reporter_iso3"], "iso3", file=file, line=line, column="reporter_iso3")
        partner = resolve(row["partner_iso3"], "iso3", file=file, line=line, column="partner_iso3")
        if reporter is None or partner is None:
            continue
        flow = normalise_flow(row["flow"], file=file, line=line, column="flow")
        citation = row.get("citation", "").strip() or row.get("source", "").strip() or None
        extra = {"layout": "tidy", "source_file": row.get("source_file", "").strip() or path.name}
        if raw is not None:
            extra["published_value"] = str(raw)
        if unit_text:
            extra["unit"] = unit_text
        yield TradeRecord(
            reporter=reporter, partner=partner, flow=flow, period=period, value=value,
            currency=currency, product=row.get("product", "").strip() or "TOTAL", line=line,
            note=row.get("note", "").strip() or None, citation=citation, extra=extra,
        )
