"""Partner tables of the National Statistical Committee of the Kyrgyz Republic (stat.gov.kg).

Tables 4.03.00.18 (exports of goods by country) and 4.03.00.20 (imports) are
trilingual workbooks: a title in Kyrgyz, Russian and English, a unit line
("(thousand US dollars)"), a row of years, then one row per partner with labels in
three columns. The English label is the one resolved; the "Total" row becomes the world
partner ``WLD``. Group rows are kept only for the blocs the graph models (EU, CIS,
EAEU); continents, the SCO and "Undefined country" are skipped.

A year heading with a footnote marker ("2023 1") is read as that year, and the footnote
text at the foot of the table ("1 Preliminary data") becomes each figure's note.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.errors import SourceError
from kg.sources.trade.codes import WORLD, normalise_name, resolve
from kg.sources.trade.generic import (
    cell_text, column_label, header_period, parse_amount, parse_unit, scale_value, sheet_rows,
)
from kg.sources.trade.records import TradeRecord

REPORTER = "KGZ"
PUBLISHER = "National Statistical Committee of the Kyrgyz Republic"
#: NSC publishes these tables in thousand US dollars; used when the sheet does not say.
DEFAULT_SCALE = Decimal(1000)

_TOTAL_LABELS = frozenset({"total", "всего", "бардыгы", "итого"})
# Rows that are neither a country nor a bloc total: goods recorded only as of EU
# origin (the EU bloc total is its own row), the UN as a consignor.
_SKIP_LABELS = frozenset({normalise_name(x) for x in ("European Union (EU)", "UN", "Undefined country")})
_TABLE_FLOWS = {"4.03.00.18": "export", "4.03.00.20": "import"}


def title_mentions_nsc(texts: list[str]) -> bool:
    """True when a sheet's title cells look like an NSC partner table."""
    joined = " ".join(texts).casefold()
    return bool(re.search(r"\b4\.03\.00\.\d+", joined)) or (
        "geographic distribution" in joined and "goods" in joined) or (
        "географическое распределение" in joined)


def _flow(texts: list[str], path: Path, line: int) -> str:
    joined = " ".join(texts).casefold()
    has_export = "export" in joined or "экспорт" in joined
    has_import = "import" in joined or "импорт" in joined
    if has_export != has_import:
        return "export" if has_export else "import"
    for table, flow in _TABLE_FLOWS.items():
        if table in joined:
            return flow
    name = path.name.casefold()
    for table, flow in _TABLE_FLOWS.items():
        if table in name:
            return flow
    if ("export" in name or "экспорт" in name) != ("import" in name or "импорт" in name):
        return "export" if ("export" in name or "экспорт" in name) else "import"
    raise SourceError("cannot tell exports from imports from the title or the file name",
                      file=str(path), line=line)


def _footnote_note(text: str) -> str:
    folded = text.casefold()
    if "reliminar" in folded or "предварит" in folded or "алдын ала" in folded:
        return "preliminary"
    return text


def parse(path: Path, *, on_unknown: str = "error") -> Iterator[TradeRecord]:
    """Yield KGZ's exports or imports by partner and year from an NSC workbook.

    `on_unknown="skip"` skips partner labels that cannot be resolved instead of failing
    (use it for a newer vintage with a spelling this module does not know yet).
    """
    path = Path(path)
    file = str(path)
    if on_unknown not in ("error", "skip"):
        raise SourceError("on_unknown must be 'error' or 'skip'", file=file)
    found = False
    for title, row_iter in sheet_rows(path):
        rows = list(row_iter)
        header_index = None
        for index, (_n, values) in enumerate(rows):
            if sum(1 for v in values if (p := header_period(v)) is not None and p[0] == "year") >= 3:
                header_index = index
                break
        if header_index is None:
            continue
        found = True
        yield from _parse_sheet(path, title, rows, header_index, on_unknown)
    if not found:
        raise SourceError("no sheet has a row of years", file=file)


def _parse_sheet(path: Path, sheet: str, rows: list[tuple[int, list[Any]]], header_index: int,
                 on_unknown: str) -> Iterator[TradeRecord]:
    file = str(path)
    header_number, header_values = rows[header_index]
    texts = [cell_text(v) for _n, values in rows[:header_index] for v in values if cell_text(v)]
    flow = _flow(texts, path, header_number)
    table_id = next((m.group(0) for t in texts if (m := re.search(r"\d+\.\d+\.\d+\.\d+", t))), None)
    citation = f"{PUBLISHER}, table {table_id}" if table_id else PUBLISHER
    scale, currency = DEFAULT_SCALE, "USD"
    for text in texts:
        unit = parse_unit(text)
        if unit is not None:
            scale, currency = unit[0], unit[1] or "USD"
            break

    years: dict[int, tuple[str, str | None, str]] = {}
    for index, value in enumerate(header_values):
        parsed = header_period(value)
        if parsed is not None and parsed[0] == "year":
            years[index] = (parsed[1], parsed[2], column_label(index, cell_text(value)))
    first_year = min(years)

    # Label column: the one holding "Total" (the English column in the trilingual tables).
    body = rows[header_index + 1:]
    label_col = first_year - 1
    for _n, values in body:
        hit = next((i for i in range(first_year) if cell_text(values[i]).casefold() in _TOTAL_LABELS
                    and re.fullmatch(r"[A-Za-z ]+", cell_text(values[i]))), None)
        if hit is not None:
            label_col = hit
            break

    # Footnotes: rows without figures whose text starts with a marker ("1 Preliminary
    # data"); the label column's language wins over the other two.
    footnotes: dict[str, str] = {}
    for _n, values in body:
        if any(isinstance(values[i], (int, float)) for i in years if i < len(values)):
            continue
        for i in [label_col, *range(first_year)]:
            match = re.match(r"^\s*(\d{1,2}|\*{1,3})[\s).]+(.+)$", cell_text(values[i]))
            if match:
                footnotes.setdefault(match.group(1), match.group(2).strip())

    merged: dict[tuple[str, str], TradeRecord] = {}
    for number, values in body:
        label = cell_text(values[label_col]) if label_col < len(values) else ""
        amounts: list[tuple[int, Decimal]] = []
        errors: list[SourceError] = []
        for index, (_period, _marker, heading) in years.items():
            raw = values[index] if index < len(values) else None
            try:
                value = parse_amount(raw, file=file, line=number, column=heading)
            except SourceError as exc:
                errors.append(exc)
                continue
            if value is not None:
                amounts.append((index, value))
        if not label or (not amounts and not errors):
            if amounts:
                raise SourceError("row has values but no partner label", file=file, line=number,
                                  column=column_label(label_col, ""))
            continue
        if label.casefold() in _TOTAL_LABELS:
            partner: str | None = WORLD
        elif normalise_name(label) in _SKIP_LABELS:
            continue
        else:
            try:
                partner = resolve(label, "name", file=file, line=number, column=column_label(label_col, ""))
            except SourceError:
                if on_unknown == "skip" or not amounts:
                    continue
                raise
        if errors:
            raise errors[0]
        if partner is None or partner == REPORTER:
            continue
        for index, value in amounts:
            period, marker, heading = years[index]
            note = None
            if marker is not None:
                note = _footnote_note(footnotes[marker]) if marker in footnotes else f"see footnote {marker}"
            record = TradeRecord(
                reporter=REPORTER, partner=partner, flow=flow, period=period,
                value=scale_value(value, scale), currency=currency, line=number, note=note,
                citation=citation,
                extra={"layout": "nsc-kgz", "source_file": path.name, "sheet": sheet,
                       "label": label, "unit_scale": str(scale)},
            )
            key = (partner, period)
            if key in merged:
                # Two labels for one country ("Salvador" and "El Salvador"): one figure.
                first = merged[key]
                rows_seen = first.extra.get("merged_rows", [first.line]) + [number]
                merged[key] = TradeRecord(
                    reporter=first.reporter, partner=first.partner, flow=first.flow,
                    period=first.period, value=first.value + record.value, currency=first.currency,
                    product=first.product, line=first.line, note=first.note or record.note,
                    citation=first.citation, extra={**first.extra, "merged_rows": rows_seen},
                )
            else:
                merged[key] = record
    yield from merged.values()
