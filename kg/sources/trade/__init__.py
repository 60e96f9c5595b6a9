"""Trade-statistics parsers: every supported file layout read into :class:`TradeRecord` objects.

Parsers are pure: they read a file and yield records, and know nothing about RDF or
stores. :func:`detect` recognises a layout from the file's content (never from its
name alone, which researchers rename freely); :func:`parse` runs the matching parser.
A new layout is one entry in :data:`LAYOUTS` plus a clause in :func:`detect`.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from kg.errors import SourceError
from kg.sources.trade import comtrade, imf_dots, nsc_kgz, tidy
from kg.sources.trade.generic import (
    SHEET_SUFFIXES, cell_text, clean_header, decode_bytes, parse_generic, sidecar_path,
    sniff_delimiter,
)
from kg.sources.trade.records import FLOWS, TradeRecord

Parser = Callable[..., Iterator[TradeRecord]]

#: Layout name -> parser. Each parser takes the path plus its own keyword options.
LAYOUTS: dict[str, Parser] = {
    "comtrade-classic": partial(comtrade.parse, expect="comtrade-classic"),
    "comtrade-plus": partial(comtrade.parse, expect="comtrade-plus"),
    "imf-dots-csv": imf_dots.parse_csv,
    "imf-dots-xlsx": imf_dots.parse_xlsx,
    "nsc-kgz": nsc_kgz.parse,
    "tidy": tidy.parse,
    "generic": parse_generic,
}

__all__ = ["FLOWS", "LAYOUTS", "TradeRecord", "detect", "parse"]

_SNIFF_BYTES = 256 * 1024


def _unknown(path: Path, why: str) -> SourceError:
    return SourceError(f"{why}; supported layouts: {', '.join(LAYOUTS)} "
                       f"(or give a mapping / {sidecar_path(path).name} for 'generic')",
                       file=str(path))


def _csv_header(path: Path) -> list[str]:
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    text = decode_bytes(data)
    for line in io.StringIO(text, newline=""):
        if line.strip() and not line.startswith("#"):
            return clean_header(next(csv.reader([line], delimiter=sniff_delimiter(line))))
    return []


def _detect_sheet(path: Path) -> str | None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(Path(path), read_only=True, data_only=True)
    except Exception as exc:  # a broken zip or xml surfaces as many exception types
        raise SourceError(f"cannot open workbook: {exc}", file=str(path)) from None
    try:
        for ws in book.worksheets:
            texts: list[str] = []
            for values in ws.iter_rows(max_row=40, values_only=True):
                cells = [cell_text(v) for v in values]
                variant = comtrade.header_variant(cells)
                if variant:
                    return variant
                texts.extend(c for c in cells if c)
            if nsc_kgz.title_mentions_nsc(texts):
                return "nsc-kgz"
            if imf_dots.sheet_looks_like_dots(texts + [ws.title]):
                return "imf-dots-xlsx"
    finally:
        book.close()
    return None


def detect(path: Path | str) -> str:
    """Name the layout of `path` from its content; raises :class:`SourceError` if unknown."""
    path = Path(path)
    if sidecar_path(path).exists():
        return "generic"
    if not path.exists():
        raise SourceError("no such file", file=str(path))
    if path.suffix.lower() in SHEET_SUFFIXES:
        layout = _detect_sheet(path)
        if layout is None:
            raise _unknown(path, "no known layout in any sheet")
        return layout
    header = _csv_header(path)
    variant = comtrade.header_variant(header)
    if variant:
        return variant
    if imf_dots.csv_variant(header):
        return "imf-dots-csv"
    if tidy.is_tidy_header(header):
        return "tidy"
    raise _unknown(path, "header matches no known layout")


def parse(path: Path | str, layout: str | None = None,
          mapping: Mapping[str, Any] | None = None, **options: Any) -> Iterator[TradeRecord]:
    """Yield the records of `path`, read as `layout` (detected when not given).

    A `mapping` implies the ``generic`` layout. Extra keyword options go to the layout's
    parser (``on_unknown="skip"`` for nsc-kgz and imf-dots-xlsx, ``reporter=`` for
    imf-dots-xlsx).
    """
    path = Path(path)
    if mapping is not None:
        if layout not in (None, "generic"):
            raise SourceError(f"a mapping only applies to the generic layout, not {layout!r}", file=str(path))
        return parse_generic(path, mapping)
    if layout is None:
        layout = detect(path)
    if layout not in LAYOUTS:
        raise SourceError(f"unknown layout {layout!r}; supported layouts: {', '.join(LAYOUTS)}",
                          file=str(path))
    return LAYOUTS[layout](path, **options)
