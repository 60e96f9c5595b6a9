"""UN Comtrade downloads: the classic (legacy) CSV and the Comtrade+ CSV, or either as xlsx.

Both carry one figure per row with numeric area codes beside ISO-like codes. The
numeric code is read first because it is always filled (the ISO column is blank for
some residual areas, and says ``W00`` rather than ``WLD`` for the world in Comtrade+);
the ISO column is the fallback for a numeric code we do not know.

Rows that break a total down further (a second partner, a mode of transport, a customs
procedure) are skipped: a :class:`TradeRecord` has no place for those dimensions, and
keeping them would put several figures under one reporter/partner/flow/period.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kg.errors import SourceError
from kg.sources.trade.codes import resolve
from kg.sources.trade.generic import (
    SHEET_SUFFIXES, CsvTable, cell_text, clean_header, parse_amount, sheet_rows,
)
from kg.sources.trade.records import TradeRecord

CITATION = "UN Comtrade Database, United Nations Statistics Division"

#: Columns whose presence identifies each variant (see ``detect``).
CLASSIC_MARKERS = ("Trade Value (US$)", "Reporter Code", "Partner Code", "Trade Flow")
PLUS_MARKERS = ("primaryValue", "reporterCode", "partnerCode", "flowCode")

_CLASSIC_FLOWS = {"import": "import", "export": "export", "re-import": "re-import",
                  "re-export": "re-export"}
_PLUS_FLOWS = {"M": "import", "X": "export", "RM": "re-import", "RX": "re-export"}
# Comtrade+ flows that split the plain ones (domestic/foreign, processing, transit):
# valid in Comtrade, but not the goods totals the graph records.
_PLUS_SUBFLOWS = frozenset({"DX", "FM", "MIP", "XIP", "MOP", "XOP", "MIF", "XIF", "MTP",
                            "XTP", "MG", "XG", "CONT", "RXIP", "RMOP"})

_TOTAL_CUSTOMS = {"", "C00"}
_TOTAL_MOT = {"", "0"}
_TOTAL_PARTNER2 = {"", "0"}


def _variant(header: list[str]) -> str | None:
    if all(name in header for name in CLASSIC_MARKERS):
        return "comtrade-classic"
    if all(name in header for name in PLUS_MARKERS):
        return "comtrade-plus"
    return None


def header_variant(header: list[str]) -> str | None:
    """``comtrade-classic``, ``comtrade-plus`` or ``None`` for a header row."""
    return _variant(clean_header(list(header)))


def _rows(path: Path) -> tuple[str, int, Iterator[tuple[int, Mapping[str, Any]]]]:
    """(variant, header line, rows) for a CSV or the first matching sheet of a workbook."""
    if path.suffix.lower() in SHEET_SUFFIXES:
        for _title, rows in sheet_rows(path):
            for number, values in rows:
                if not any(cell_text(v) for v in values):
                    continue
                header = clean_header([cell_text(v) for v in values])
                variant = _variant(header)
                if variant is None:
                    break
                def body(rows=rows, header=header) -> Iterator[tuple[int, Mapping[str, Any]]]:
                    for n, vals in rows:
                        if any(cell_text(v) for v in vals):
                            yield n, dict(zip(header, vals))
                return variant, number, body()
        raise SourceError("no sheet has a Comtrade header row", file=str(path))
    table = CsvTable(path)
    variant = _variant(table.header)
    if variant is None:
        missing = [m for m in CLASSIC_MARKERS if m not in table.header]
        raise SourceError("not a Comtrade header", file=str(path), line=table.header_line,
                          column=missing[0] if missing else None)
    return variant, table.header_line, table.rows()


def parse(path: Path, *, expect: str | None = None) -> Iterator[TradeRecord]:
    """Yield one record per Comtrade row holding a goods total for a reporter/partner pair.

    `expect` names the variant the caller asked for; a file of the other variant is
    then an error rather than being read anyway.
    """
    path = Path(path)
    variant, header_line, rows = _rows(path)
    if expect is not None and variant != expect:
        raise SourceError(f"file is {variant}, not {expect}", file=str(path), line=header_line)
    if variant == "comtrade-classic":
        yield from _parse_classic(path, rows)
    else:
        yield from _parse_plus(path, rows)


def _area(row: Mapping[str, Any], code_col: str, iso_col: str, file: str, line: int) -> str | None:
    """Resolve an area from its numeric code, falling back to its ISO column."""
    code = cell_text(row.get(code_col))
    iso = cell_text(row.get(iso_col))
    if code:
        try:
            return resolve(code, "comtrade", file=file, line=line, column=code_col)
        except SourceError:
            if not iso:
                raise
    if not iso:
        raise SourceError("no area code", file=file, line=line, column=code_col)
    return resolve(iso, "iso3", file=file, line=line, column=iso_col)


def _product(code: str) -> str:
    """``TOTAL`` in any case is the all-commodities total; other codes are kept as given."""
    return "TOTAL" if not code or code.upper() == "TOTAL" else code


def _period_classic(row: Mapping[str, Any], file: str, line: int) -> str:
    text = cell_text(row.get("Period")) or cell_text(row.get("Year"))
    if len(text) == 4 and text.isdigit():
        return text
    if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12:
        return f"{text[:4]}-{text[4:]}"
    raise SourceError(f"not a Comtrade period: {text!r}", file=file, line=line, column="Period")


def _parse_classic(path: Path, rows: Iterator[tuple[int, Mapping[str, Any]]]) -> Iterator[TradeRecord]:
    file = str(path)
    for line, row in rows:
        if cell_text(row.get("2nd Partner Code")) not in _TOTAL_PARTNER2:
            continue
        if cell_text(row.get("Mode of Transport Code")) not in _TOTAL_MOT:
            continue
        if cell_text(row.get("Customs Proc. Code")) not in _TOTAL_CUSTOMS:
            continue
        value = parse_amount(row.get("Trade Value (US$)"), file=file, line=line,
                             column="Trade Value (US$)")
        if value is None:
            continue
        flow_text = cell_text(row.get("Trade Flow"))
        flow = _CLASSIC_FLOWS.get(flow_text.casefold())
        if flow is None:
            raise SourceError(f"unknown trade flow {flow_text!r}", file=file, line=line, column="Trade Flow")
        reporter = _area(row, "Reporter Code", "Reporter ISO", file, line)
        partner = _area(row, "Partner Code", "Partner ISO", file, line)
        if reporter is None or partner is None:
            continue
        period = _period_classic(row, file, line)
        product = cell_text(row.get("Commodity Code")) or "TOTAL"
        extra = {
            "layout": "comtrade-classic",
            "source_file": path.name,
            "classification": cell_text(row.get("Classification")),
            "reporter_code": cell_text(row.get("Reporter Code")),
            "partner_code": cell_text(row.get("Partner Code")),
            "flag": cell_text(row.get("Flag")),
        }
        yield TradeRecord(reporter=reporter, partner=partner, flow=flow, period=period,
                          value=value, currency="USD", product=_product(product),
                          line=line, citation=CITATION, extra=extra)


def _period_plus(row: Mapping[str, Any], file: str, line: int) -> str:
    freq = cell_text(row.get("freqCode")).upper()
    year = cell_text(row.get("refYear"))
    month = cell_text(row.get("refMonth"))
    period = cell_text(row.get("period"))
    if freq == "M":
        if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
            return f"{int(year):04d}-{int(month):02d}"
        if len(period) == 6 and period.isdigit():
            return f"{period[:4]}-{period[4:]}"
        raise SourceError(f"not a monthly Comtrade period: {period or month!r}", file=file, line=line,
                          column="refMonth")
    if year.isdigit() and len(year) == 4:
        return year
    if len(period) == 4 and period.isdigit():
        return period
    raise SourceError(f"not a Comtrade year: {year!r}", file=file, line=line, column="refYear")


def _parse_plus(path: Path, rows: Iterator[tuple[int, Mapping[str, Any]]]) -> Iterator[TradeRecord]:
    file = str(path)
    for line, row in rows:
        if cell_text(row.get("partner2Code")) not in _TOTAL_PARTNER2:
            continue
        if cell_text(row.get("motCode")) not in _TOTAL_MOT:
            continue
        if cell_text(row.get("customsCode")).upper() not in _TOTAL_CUSTOMS:
            continue
        flow_code = cell_text(row.get("flowCode")).upper()
        if flow_code in _PLUS_SUBFLOWS:
            continue
        flow = _PLUS_FLOWS.get(flow_code)
        if flow is None:
            raise SourceError(f"unknown trade flow {flow_code!r}", file=file, line=line, column="flowCode")
        value = parse_amount(row.get("primaryValue"), file=file, line=line, column="primaryValue")
        if value is None:
            continue
        reporter = _area(row, "reporterCode", "reporterISO", file, line)
        partner = _area(row, "partnerCode", "partnerISO", file, line)
        if reporter is None or partner is None:
            continue
        period = _period_plus(row, file, line)
        product = cell_text(row.get("cmdCode")) or "TOTAL"
        extra = {
            "layout": "comtrade-plus",
            "source_file": path.name,
            "classification": cell_text(row.get("classificationCode")),
            "reporter_code": cell_text(row.get("reporterCode")),
            "partner_code": cell_text(row.get("partnerCode")),
            "partner_iso": cell_text(row.get("partnerISO")),
            "is_reported": cell_text(row.get("isReported")),
            "is_aggregate": cell_text(row.get("isAggregate")),
        }
        for key in ("cifvalue", "fobvalue"):
            text = cell_text(row.get(key))
            if text:
                extra[key] = text
        yield TradeRecord(reporter=reporter, partner=partner, flow=flow, period=period,
                          value=value, currency="USD", product=_product(product),
                          line=line, citation=CITATION, extra=extra)
