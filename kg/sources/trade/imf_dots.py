"""IMF Direction of Trade Statistics (DOTS): data.imf.org CSV downloads and Excel country tables.

Three layouts are read:

* the CSV "time series" layout (one row per series and attribute, one column per period),
* the CSV "panel" layout (one row per country pair and period, one column per indicator),
* the Excel country table (a title block naming the reporter, flow and unit, then a
  row of years, then one row per partner country or group).

DOTS reports exports FOB and imports CIF (FOB for a few reporters such as Canada); the
valuation is kept in ``extra["valuation"]`` because mirror flows differ by it.
Quarterly columns are skipped: the graph's periods are years and months only.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.errors import SourceError
from kg.sources.trade.codes import WORLD, is_country, resolve
from kg.sources.trade.generic import (
    CsvTable, cell_text, column_label, header_period, parse_amount, parse_unit, period_parts,
    scale_value, sheet_rows,
)
from kg.sources.trade.records import TradeRecord

CITATION = "IMF, Direction of Trade Statistics (DOTS)"

#: DOTS indicator code -> (flow, valuation). TBG_USD (trade balance) is not a flow.
INDICATORS: dict[str, tuple[str, str]] = {
    "TXG_FOB_USD": ("export", "FOB"),
    "TMG_CIF_USD": ("import", "CIF"),
    "TMG_FOB_USD": ("import", "FOB"),
}
_NOT_FLOWS = frozenset({"TBG_USD"})

WIDE_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code",
                "Counterpart Country Name", "Counterpart Country Code", "Attribute")
PANEL_COLUMNS = ("Country Name", "Country Code", "Counterpart Country Name",
                 "Counterpart Country Code", "Time Period")
_STATUS_NOTES = {"r": "revised", "e": "estimated", "p": "provisional"}
_INDICATOR_IN_NAME = re.compile(r"\(([A-Z][A-Z0-9_]+)\)\s*$")


def csv_variant(header: list[str]) -> str | None:
    """``wide`` or ``panel`` for a DOTS CSV header, else ``None``."""
    if all(name in header for name in WIDE_COLUMNS):
        return "wide"
    if all(name in header for name in PANEL_COLUMNS) and any(
            _INDICATOR_IN_NAME.search(name) for name in header):
        return "panel"
    return None


def _area(code: str, name: str, *, file: str, line: int, code_col: str, name_col: str) -> str | None:
    """IMF numeric code first; the name column for codes (aggregates) the table lacks."""
    if code:
        try:
            return resolve(code, "imf", file=file, line=line, column=code_col)
        except SourceError:
            if not name:
                raise
    return resolve(name, "name", file=file, line=line, column=name_col)


def parse_csv(path: Path) -> Iterator[TradeRecord]:
    """Yield one record per value in a DOTS CSV download (time-series or panel layout)."""
    path = Path(path)
    table = CsvTable(path)
    variant = csv_variant(table.header)
    if variant is None:
        table.require(*WIDE_COLUMNS)
        raise SourceError("not an IMF DOTS header", file=str(path), line=table.header_line)
    records = _parse_wide(path, table) if variant == "wide" else _parse_panel(path, table)
    yield from _one_import_basis(records, str(path))


def _one_import_basis(records: Iterator[TradeRecord], file: str) -> Iterator[TradeRecord]:
    """Keep one import figure per reporter/partner/period.

    For reporters that compile imports FOB (Canada, for example) DOTS publishes both the
    reported FOB series and a CIF series derived from it. The CIF figure is kept, as
    it is the basis of every other reporter's imports; the FOB figure travels in
    ``extra["fob_value"]`` so nothing is lost.
    """
    kept: dict[tuple[str, str, str, str], TradeRecord] = {}
    for record in records:
        key = (record.reporter, record.partner, record.flow, record.period)
        other = kept.get(key)
        if other is None:
            kept[key] = record
            continue
        cif, fob = (other, record) if other.extra.get("valuation") == "CIF" else (record, other)
        if cif.extra.get("valuation") != "CIF" or fob.extra.get("valuation") != "FOB":
            raise SourceError(f"two figures for {'/'.join(key)}", file=file, line=record.line)
        kept[key] = TradeRecord(
            reporter=cif.reporter, partner=cif.partner, flow=cif.flow, period=cif.period,
            value=cif.value, currency=cif.currency, product=cif.product, line=cif.line,
            note=cif.note, citation=cif.citation,
            extra={**cif.extra, "fob_value": str(fob.value), "fob_line": fob.line},
        )
    yield from kept.values()


def _period_columns(header: list[str], first: int, file: str, line: int) -> dict[str, str]:
    periods: dict[str, str] = {}
    quarters = 0
    for name in header[first:]:
        parts = period_parts(name)
        if parts is None:
            continue
        if parts[1] is None:
            quarters += 1
            continue
        periods[name] = parts[1]
    if not periods:
        reason = "only quarterly periods, which the graph does not hold" if quarters else "no period columns"
        raise SourceError(reason, file=file, line=line)
    return periods


def _parse_wide(path: Path, table: CsvTable) -> Iterator[TradeRecord]:
    file = str(path)
    first = table.header.index("Attribute") + 1
    periods = _period_columns(table.header, first, file, table.header_line)
    rows = list(table.rows())
    # Status rows ("r" = revised) annotate the Value row of the same series.
    status: dict[tuple[str, str, str, str], str] = {}
    for _line, row in rows:
        if row["Attribute"].strip() == "Status":
            key = (row["Country Code"].strip(), row["Indicator Code"].strip(),
                   row["Counterpart Country Code"].strip())
            for column in periods:
                flag = row.get(column, "").strip()
                if flag:
                    status[key + (column,)] = flag
    for line, row in rows:
        if row["Attribute"].strip() != "Value":
            continue
        indicator = row["Indicator Code"].strip()
        if indicator in _NOT_FLOWS:
            continue
        if indicator not in INDICATORS:
            raise SourceError(f"unknown DOTS indicator {indicator!r}", file=file, line=line,
                              column="Indicator Code")
        flow, valuation = INDICATORS[indicator]
        reporter = partner = None
        resolved = False
        for column, period in periods.items():
            value = parse_amount(row.get(column), file=file, line=line, column=column)
            if value is None:
                continue
            if not resolved:
                reporter = _area(row["Country Code"].strip(), row["Country Name"].strip(), file=file,
                                 line=line, code_col="Country Code", name_col="Country Name")
                partner = _area(row["Counterpart Country Code"].strip(),
                                row["Counterpart Country Name"].strip(), file=file, line=line,
                                code_col="Counterpart Country Code", name_col="Counterpart Country Name")
                resolved = True
            if not _keep(reporter, partner):
                break
            key = (row["Country Code"].strip(), indicator, row["Counterpart Country Code"].strip(), column)
            flag = status.get(key)
            extra: dict[str, Any] = {"layout": "imf-dots-csv", "source_file": path.name,
                                     "indicator": indicator, "valuation": valuation}
            if flag:
                extra["status"] = flag
            yield TradeRecord(reporter=reporter, partner=partner, flow=flow, period=period,
                              value=value, currency="USD", line=line,
                              note=_STATUS_NOTES.get(flag.casefold()) if flag else None,
                              citation=CITATION, extra=extra)


def _keep(reporter: str | None, partner: str | None) -> bool:
    """A DOTS figure is kept for a country reporter and a country or world partner."""
    return is_country(reporter) and (partner == WORLD or is_country(partner))


def _parse_panel(path: Path, table: CsvTable) -> Iterator[TradeRecord]:
    file = str(path)
    indicators: dict[str, str] = {}
    for name in table.header:
        match = _INDICATOR_IN_NAME.search(name)
        if match and match.group(1) in INDICATORS:
            indicators[name] = match.group(1)
    if not indicators:
        raise SourceError("no DOTS trade indicator column (TXG_FOB_USD, TMG_CIF_USD, TMG_FOB_USD)",
                          file=file, line=table.header_line)
    for line, row in table.rows():
        period = period_parts(row["Time Period"].strip())
        if period is None:
            raise SourceError(f"not a period: {row['Time Period']!r}", file=file, line=line,
                              column="Time Period")
        if period[1] is None:
            continue
        reporter = partner = None
        resolved = False
        for column, indicator in indicators.items():
            value = parse_amount(row.get(column), file=file, line=line, column=column)
            if value is None:
                continue
            if not resolved:
                reporter = _area(row["Country Code"].strip(), row["Country Name"].strip(), file=file,
                                 line=line, code_col="Country Code", name_col="Country Name")
                partner = _area(row["Counterpart Country Code"].strip(),
                                row["Counterpart Country Name"].strip(), file=file, line=line,
                                code_col="Counterpart Country Code", name_col="Counterpart Country Name")
                resolved = True
            if not _keep(reporter, partner):
                break
            flow, valuation = INDICATORS[indicator]
            yield TradeRecord(reporter=reporter, partner=partner, flow=flow, period=period[1],
                              value=value, currency="USD", line=line, citation=CITATION,
                              extra={"layout": "imf-dots-csv", "source_file": path.name,
                                     "indicator": indicator, "valuation": valuation})


# ----------------------------------------------------------------------------- Excel

_TITLE_HINTS = ("direction of trade", "partner countries", "dots", "counterpart")


def sheet_looks_like_dots(texts: list[str]) -> bool:
    """True when a sheet's title block reads like a DOTS country table."""
    joined = " ".join(texts).casefold()
    if any(hint in joined for hint in _TITLE_HINTS):
        return True
    return bool(re.search(r"\b(fob|cif)\b", joined)) and bool(re.search(r"export|import", joined))


def _find_header(rows: list[tuple[int, list[Any]]]) -> int | None:
    """Index (into `rows`) of the first row that is mostly period headings."""
    for index, (_number, values) in enumerate(rows):
        filled = [v for v in values if cell_text(v)]
        periods = [v for v in filled if header_period(v) is not None]
        if periods and len(filled) - len(periods) <= 2 and len(periods) >= max(1, len(filled) // 2):
            return index
    return None


def _sheet_flow(texts: list[str], title: str, *, file: str, line: int) -> tuple[str, str | None] | None:
    """(flow, valuation) from a sheet's title block and name; ``None`` for a balance sheet."""
    joined = " ".join(texts + [title]).casefold()
    has_export = bool(re.search(r"export", joined))
    has_import = bool(re.search(r"import", joined))
    if "balance" in joined and not (has_export ^ has_import):
        return None
    valuation = "FOB" if re.search(r"\bfob\b", joined) else ("CIF" if re.search(r"\bcif\b", joined) else None)
    if has_export and not has_import:
        return "export", valuation
    if has_import and not has_export:
        return "import", valuation
    # Both words: the sheet name decides ("Exports, FOB" in a workbook titled "... Exports and Imports").
    name = title.casefold()
    if "export" in name and "import" not in name:
        return "export", valuation
    if "import" in name and "export" not in name:
        return "import", valuation
    raise SourceError("cannot tell exports from imports in the title block", file=file, line=line,
                      column=title)


def _first_unit(title: list[str], footer: list[str]) -> tuple[Decimal, str | None] | None:
    """The unit from the title block, else from a footnote that states scale and currency."""
    for text in title:
        unit = parse_unit(text)
        if unit is not None:
            return unit
    for text in footer:
        unit = parse_unit(text)
        # Footer cells include partner names ("Euro Area"), so a footnote only counts
        # when it names both a currency and a scale or the word "dollars".
        if unit is not None and unit[1] and (unit[0] != 1 or re.search(r"dollar", text, re.I)):
            return unit
    return None


def _title_reporter(texts: list[str]) -> str | None:
    for text in texts:
        candidates = [text]
        for sep in (":", " - ", " \u2013 ", "|"):
            if sep in text:
                candidates.extend(part.strip() for part in text.split(sep))
        for candidate in candidates:
            if not candidate or re.search(r"export|import|dollar|usd|million|billion|thousand|fob|cif",
                                          candidate, re.I):
                continue
            try:
                code = resolve(candidate, "name")
            except SourceError:
                continue
            if is_country(code):
                return code
    return None


def parse_xlsx(path: Path, *, reporter: str | None = None,
               on_unknown: str = "error") -> Iterator[TradeRecord]:
    """Yield records from a DOTS Excel country table (one sheet per flow, or one per workbook).

    `reporter` (ISO alpha-3) is only needed when no title line names the country.
    `on_unknown="skip"` skips partner rows whose name cannot be resolved instead of failing.
    """
    path = Path(path)
    file = str(path)
    if on_unknown not in ("error", "skip"):
        raise SourceError("on_unknown must be 'error' or 'skip'", file=file)
    found = False
    for title, row_iter in sheet_rows(path):
        rows = list(row_iter)
        header_index = _find_header(rows)
        if header_index is None:
            continue
        header_number, header_values = rows[header_index]
        texts = [cell_text(v) for _n, values in rows[:header_index] for v in values if cell_text(v)]
        if not texts and not re.search(r"export|import", title, re.I):
            continue
        flow_info = _sheet_flow(texts, title, file=file, line=header_number)
        if flow_info is None:
            continue
        flow, valuation = flow_info
        found = True
        columns: dict[int, tuple[str, str]] = {}
        quarters = 0
        for index, value in enumerate(header_values):
            parsed = header_period(value)
            if parsed is None:
                continue
            if parsed[1] is None:
                quarters += 1
                continue
            columns[index] = (parsed[1], column_label(index, cell_text(value)))
        if not columns:
            raise SourceError("only quarterly periods, which the graph does not hold" if quarters
                              else "no period columns", file=file, line=header_number)
        first_period = min(columns)
        footer = [cell_text(v) for _n, values in rows[header_index + 1:] for v in values
                  if isinstance(v, str) and cell_text(v)]
        unit = _first_unit(texts, footer)
        if unit is None:
            raise SourceError("no unit stated (such as 'Millions of US Dollars') in the title block",
                              file=file, line=header_number)
        scale, currency = unit[0], unit[1] or "USD"
        country = reporter or _title_reporter(texts)
        if country is None:
            raise SourceError("no title line names the reporting country; pass reporter=",
                              file=file, line=header_number)
        for number, values in rows[header_index + 1:]:
            # The partner name is the first cell with letters left of the figures (a
            # code column, if any, comes before it and holds digits only).
            label_at = next((i for i, c in enumerate(values[:first_period])
                             if re.search(r"[^\W\d_]", cell_text(c))), None)
            label = cell_text(values[label_at]) if label_at is not None else ""
            amounts: list[tuple[str, Decimal, str]] = []
            errors: list[SourceError] = []
            for index, (period, heading) in columns.items():
                raw = values[index] if index < len(values) else None
                try:
                    value = parse_amount(raw, file=file, line=number, column=heading)
                except SourceError as exc:
                    errors.append(exc)
                    continue
                if value is not None:
                    amounts.append((period, value, heading))
            if not amounts and not errors:
                continue  # section heading, blank row or footnote
            try:
                partner = resolve(label, "name", file=file, line=number,
                                  column=column_label(label_at, "")) if label else ""
            except SourceError:
                if not amounts or on_unknown == "skip":
                    continue  # a note spilling into the value columns, or an allowed unknown
                raise
            if errors and partner != "":
                raise errors[0]
            if partner == "":
                if amounts:
                    raise SourceError("row has values but no partner name", file=file, line=number)
                continue
            if partner is None or (partner != WORLD and not is_country(partner)):
                continue  # regional aggregates and blocs: their membership varies by vintage
            for period, value, heading in amounts:
                yield TradeRecord(reporter=country, partner=partner, flow=flow, period=period,
                                  value=scale_value(value, scale), currency=currency, line=number,
                                  citation=CITATION,
                                  extra={"layout": "imf-dots-xlsx", "source_file": path.name,
                                         "sheet": title, "valuation": valuation,
                                         "unit_scale": str(scale)})
    if not found:
        raise SourceError("no sheet with a DOTS title block and a row of years", file=file)

