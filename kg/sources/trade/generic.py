"""Reading primitives shared by every trade layout, and the mapping-driven parser.

The specific layouts (Comtrade, IMF, NSC, tidy) are fixed mappings of columns onto a
:class:`TradeRecord`; any other CSV or sheet can be read the same way once someone
writes that mapping down, either as a dict or as a JSON sidecar ``FILE.mapping.json``
beside the data file. Keeping the primitives here (text decoding, amounts, units,
flows, periods) means every layout rejects bad input with the same rules and the same
error messages.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kg.errors import SourceError
from kg.sources.trade.codes import SYSTEMS, resolve
from kg.sources.trade.records import FLOWS, TradeRecord

#: Cell contents that mean "no figure" (not zero): no record is produced for them.
MISSING = frozenset({"", "-", "\u2013", "\u2014", "..", "...", "\u2026", "n.a.", "n.a",
                     "na", "n/a", "nan", "none", "null"})

#: Spreadsheet file suffixes read with openpyxl.
SHEET_SUFFIXES = (".xlsx", ".xlsm")

_FLOW_WORDS: dict[str, str] = {
    "export": "export", "exports": "export", "x": "export", "2": "export",
    "import": "import", "imports": "import", "m": "import", "1": "import",
    "re-export": "re-export", "re-exports": "re-export", "reexport": "re-export",
    "re export": "re-export", "rx": "re-export", "3": "re-export",
    "re-import": "re-import", "re-imports": "re-import", "reimport": "re-import",
    "re import": "re-import", "rm": "re-import", "4": "re-import",
    "turnover": "turnover", "total trade": "turnover",
}

_SCALE_WORDS: tuple[tuple[re.Pattern[str], Decimal], ...] = (
    (re.compile(r"\b(billions?|bn|bln|млрд\w*)\b"), Decimal(10) ** 9),
    (re.compile(r"\b(millions?|mln|mn|mio|млн\w*)\b"), Decimal(10) ** 6),
    (re.compile(r"(\b(thousands?|thous|th|k)\b|'000|\bтыс\w*|\bмиң\b)"), Decimal(10) ** 3),
)

_CURRENCY_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\busd\b|us\s*\$|\bus\s+dollars?\b|\bu\.s\.\s*dollars?\b|\bdollars?\b"
                r"|доллар\w*\s+сша|акш\s+доллар\w*|\$)"), "USD"),
    (re.compile(r"(\beur\b|\beuros?\b|€)"), "EUR"),
    (re.compile(r"(\brub\b|рубл\w*)"), "RUB"),
    (re.compile(r"(\bkgs\b|\bsom\b|\bсом\b)"), "KGS"),
    (re.compile(r"(\bkzt\b|\btenge\b|тенге)"), "KZT"),
    (re.compile(r"(\bcny\b|\byuan\b|\brmb\b)"), "CNY"),
)


# ----------------------------------------------------------------------------- text

def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Decode a downloaded file: UTF-8 (with or without BOM) first, Latin-1 otherwise.

    Comtrade+ serves Latin-1 while most other portals serve UTF-8; Latin-1 accepts any
    byte, so it is the safe fallback once UTF-8 has failed.
    """
    if encoding:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_text(path: Path, encoding: str | None = None) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    try:
        return decode_bytes(data, encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"cannot decode as {encoding}: {exc}", file=str(path)) from None


def sniff_delimiter(line: str) -> str:
    """Pick the delimiter that splits the header line into the most fields."""
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def clean_header(header: list[str]) -> list[str]:
    """Strip names; a trailing comma on every line gives a nameless last column, which is dropped."""
    names = [name.strip().lstrip("\ufeff").strip('"') for name in header]
    while names and not names[-1]:
        names.pop()
    return names


class CsvTable:
    """A CSV file read with its physical line numbers, so errors can point at them."""

    def __init__(self, path: Path, *, encoding: str | None = None, delimiter: str | None = None,
                 skip_rows: int = 0) -> None:
        self.path = Path(path)
        text = read_text(self.path, encoding)
        self._lines = io.StringIO(text, newline="")
        for _ in range(skip_rows):
            self._lines.readline()
        # Comment lines ("# source: ...") above the header document curated files.
        while self._peek_first_line().startswith("#"):
            self._lines.readline()
            skip_rows += 1
        self.header_line = skip_rows + 1
        first = self._peek_first_line()
        self.delimiter = delimiter or sniff_delimiter(first)
        self._reader = csv.reader(self._lines, delimiter=self.delimiter)
        self._base = skip_rows
        try:
            raw = next(self._reader)
        except StopIteration:
            raise SourceError("file is empty", file=str(self.path), line=self.header_line) from None
        self.header = clean_header(raw)
        self._last = self._base + self._reader.line_num

    def _peek_first_line(self) -> str:
        pos = self._lines.tell()
        line = self._lines.readline()
        self._lines.seek(pos)
        return line

    def require(self, *names: str) -> None:
        for name in names:
            if name not in self.header:
                raise SourceError(f"missing column {name!r}", file=str(self.path),
                                  line=self.header_line, column=name)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (first physical line of the record, column -> text); blank lines are skipped."""
        width = len(self.header)
        for raw in self._reader:
            start = self._last + 1
            self._last = self._base + self._reader.line_num
            if not any(cell.strip() for cell in raw):
                continue
            extra = raw[width:]
            if any(cell.strip() for cell in extra):
                raise SourceError(f"row has {len(raw)} fields, header has {width}",
                                  file=str(self.path), line=start)
            cells = raw[:width] + [""] * (width - len(raw))
            yield start, dict(zip(self.header, cells))


SheetRows = Iterator[tuple[int, list[Any]]]


def sheet_rows(path: Path, sheet: str | int | None = None) -> Iterator[tuple[str, SheetRows]]:
    """Yield (sheet title, rows) for the chosen sheet or every sheet; rows carry 1-based row numbers."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(Path(path), data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken zip/xml
        raise SourceError(f"cannot open workbook: {exc}", file=str(path)) from None
    if sheet is None:
        sheets = list(book.worksheets)
    elif isinstance(sheet, int):
        sheets = [book.worksheets[sheet]]
    else:
        if sheet not in book.sheetnames:
            raise SourceError(f"no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)})",
                              file=str(path))
        sheets = [book[sheet]]
    for ws in sheets:
        def rows(ws=ws) -> SheetRows:
            for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                yield number, list(values)
        yield ws.title, rows()


def column_label(index: int, heading: str) -> str:
    """How an error names a sheet column: its heading and its letter, e.g. ``2021 (AE)``."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(index + 1)
    return f"{heading} ({letter})" if heading else letter


def cell_text(value: Any) -> str:
    """A cell as trimmed text (numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\xa0", " ").strip()


# --------------------------------------------------------------------------- values

def parse_amount(raw: Any, *, file: str | None, line: int | None, column: str | None,
                 decimal_comma: bool = False) -> Decimal | None:
    """Read a trade value; ``None`` when the cell means "no figure".

    Negative values are rejected: a trade flow cannot be negative, and a minus sign in
    a source table means a balance or a correction, not a flow we can record.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise SourceError(f"not a number: {raw!r}", file=file, line=line, column=column)
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw:  # NaN
            return None
        # Fifteen significant digits is what a spreadsheet stores meaningfully; the
        # rest of a binary float (44721.200000000004) is arithmetic noise.
        value = Decimal(format(raw, ".15g"))
    elif isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw).replace("\xa0", " ").replace("\u202f", " ").replace("\u2009", " ").strip()
        if text.casefold() in MISSING:
            return None
        compact = text.replace(" ", "")
        if decimal_comma:
            compact = compact.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", compact):
            compact = compact.replace(",", "")
        if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", compact):
            raise SourceError(f"not a number: {text!r}", file=file, line=line, column=column)
        try:
            value = Decimal(compact)
        except InvalidOperation:
            raise SourceError(f"not a number: {text!r}", file=file, line=line, column=column) from None
    if value < 0:
        raise SourceError(f"negative trade value {raw!r}", file=file, line=line, column=column)
    return value


def scale_value(value: Decimal, scale: Decimal | int) -> Decimal:
    """Multiply out a unit such as "thousand USD".

    A scaled figure is rounded to whole currency units: a table in thousands with three
    decimals is exact to the dollar, and anything below that is float noise.
    """
    scale = Decimal(scale)
    if scale == 1:
        return value
    result = value * scale
    if scale >= 1000:
        result = result.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return result


def parse_unit(text: str) -> tuple[Decimal, str | None] | None:
    """Read "thousand US dollars", "Millions, US Dollars", "USD", "тыс. долларов США".

    Returns (scale, currency or None), or ``None`` when the text names neither.
    """
    lowered = str(text).casefold()
    scale: Decimal | None = None
    for pattern, factor in _SCALE_WORDS:
        if pattern.search(lowered):
            scale = factor
            break
    currency = None
    for pattern, code in _CURRENCY_WORDS:
        if pattern.search(lowered):
            currency = code
            break
    if scale is None and currency is None:
        return None
    return (scale if scale is not None else Decimal(1)), currency


def normalise_flow(raw: Any, mapping: Mapping[str, str] | None = None, *, file: str | None,
                   line: int | None, column: str | None) -> str:
    """Map a source's flow label onto the graph's flow codes (see ``records.FLOWS``)."""
    text = cell_text(raw)
    if mapping:
        folded = {str(key).casefold(): target for key, target in mapping.items()}
        target = mapping.get(text, folded.get(text.casefold()))
        if target is not None:
            if target not in FLOWS:
                raise SourceError(f"flow_values maps {text!r} to {target!r}, not one of {', '.join(FLOWS)}",
                                  file=file, line=line, column=column)
            return target
    flow = _FLOW_WORDS.get(text.casefold())
    if flow is None:
        raise SourceError(f"unknown trade flow {text!r}", file=file, line=line, column=column)
    return flow


_MONTH_NAMES = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_NAMED_MONTH = re.compile(r"^(?:([a-z]{3})[a-z]*\.?\s+(\d{4})|(\d{4})\s+([a-z]{3})[a-z]*\.?)$", re.I)
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.I)
_MONTH = re.compile(r"^(\d{4})\s*(?:M|-|/|\.)\s*(\d{1,2})$", re.I)


def period_parts(raw: Any) -> tuple[str, str | None] | None:
    """Classify a period label: returns (kind, period) with kind year/month/quarter.

    Quarters are recognised but given no period (``None``): the graph's periods are
    ``YYYY`` and ``YYYY-MM`` only, and a quarter fits neither.
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (_dt.datetime, _dt.date)):
        return "month", f"{raw.year:04d}-{raw.month:02d}"
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not raw.is_integer():
            return None
        year = int(raw)
        return ("year", f"{year:04d}") if 1800 <= year <= 2200 else None
    text = str(raw).strip()
    if re.fullmatch(r"\d{4}(\.0+)?", text):
        year = int(float(text))
        return ("year", f"{year:04d}") if 1800 <= year <= 2200 else None
    if re.fullmatch(r"\d{6}", text) and 1 <= int(text[4:]) <= 12:
        return "month", f"{text[:4]}-{text[4:]}"
    match = _MONTH.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return "month", f"{match.group(1)}-{int(match.group(2)):02d}"
    match = _NAMED_MONTH.match(text)
    if match:
        name = (match.group(1) or match.group(4)).casefold()
        year = match.group(2) or match.group(3)
        if name in _MONTH_NAMES:
            return "month", f"{year}-{_MONTH_NAMES[name]:02d}"
    if _QUARTER.match(text):
        return "quarter", None
    return None


# A digit marker needs a space or brackets ("2023 1", "2023 (1)"): "20231" is no heading.
_MARKED = re.compile(r"^(\d{4}(?:\s*M\d{1,2})?)(?:\s*\(\s*(\w{1,2}|\*{1,3})\s*\)|\s+(\d{1,2})"
                     r"|\s*(\*{1,3}|[a-z]|[\u00b9\u00b2\u00b3]))$", re.I)


def header_period(raw: Any) -> tuple[str, str | None, str | None] | None:
    """Read a column heading as a period: (kind, period, footnote marker) or ``None``.

    Statistical tables flag a provisional column with a marker glued to the year
    ("2023 1", "2023*", "2023e"); the marker is returned so the caller can look up the
    footnote it refers to.
    """
    parts = period_parts(raw)
    if parts is not None:
        return parts[0], parts[1], None
    if not isinstance(raw, str):
        return None
    match = _MARKED.match(raw.replace("\xa0", " ").strip())
    if not match:
        return None
    parts = period_parts(match.group(1).replace(" ", ""))
    if parts is None:
        return None
    marker = match.group(2) or match.group(3) or match.group(4)
    # A superscript "¹" refers to the footnote written "1".
    return parts[0], parts[1], unicodedata.normalize("NFKC", marker)


def parse_period(raw: Any, *, file: str | None, line: int | None, column: str | None) -> str | None:
    """A record's period as ``YYYY`` or ``YYYY-MM``; ``None`` for a quarter (skipped)."""
    parts = period_parts(raw)
    if parts is None:
        raise SourceError(f"not a year or month: {cell_text(raw)!r}", file=file, line=line, column=column)
    return parts[1]


# --------------------------------------------------------------------------- mapping

MAPPING_KEYS = frozenset({
    "reporter", "partner", "flow", "year", "period", "value", "scale", "unit", "currency",
    "flow_values", "code_system", "delimiter", "encoding", "skip_rows", "product", "note",
    "citation", "sheet", "decimal",
})


def sidecar_path(path: Path) -> Path:
    """Where the mapping for `path` lives: ``FILE.mapping.json`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".mapping.json")


def load_mapping(path: Path) -> dict[str, Any] | None:
    """The sidecar mapping for `path`, or ``None`` when there is none."""
    side = sidecar_path(path)
    if not side.exists():
        return None
    try:
        mapping = json.loads(side.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceError(f"mapping is not valid JSON: {exc.msg}", file=str(side), line=exc.lineno) from None
    if not isinstance(mapping, dict):
        raise SourceError("mapping must be a JSON object", file=str(side))
    return mapping


def _check_mapping(mapping: Mapping[str, Any], where: str) -> None:
    unknown = set(mapping) - MAPPING_KEYS
    if unknown:
        raise SourceError(f"unknown mapping keys: {', '.join(sorted(unknown))}", file=where)
    for key in ("reporter", "partner", "flow", "value"):
        if key not in mapping:
            raise SourceError(f"mapping needs {key!r}", file=where)
    if "year" not in mapping and "period" not in mapping:
        raise SourceError("mapping needs 'year' or 'period'", file=where)
    if mapping.get("code_system", "auto") not in SYSTEMS:
        raise SourceError(f"code_system must be one of {', '.join(SYSTEMS)}", file=where)
    for key in ("reporter", "partner", "flow", "year", "period", "value", "product", "note"):
        spec = mapping.get(key)
        if spec is None:
            continue
        if isinstance(spec, dict):
            if set(spec) != {"const"}:
                raise SourceError(f"mapping {key!r} must be a column name or {{\"const\": ...}}", file=where)
        elif not isinstance(spec, str):
            raise SourceError(f"mapping {key!r} must be a column name or {{\"const\": ...}}", file=where)


class _Getter:
    """Read one mapped field from a row: a named column, or a constant."""

    def __init__(self, spec: Any) -> None:
        self.const = spec["const"] if isinstance(spec, dict) else None
        self.column = None if isinstance(spec, dict) else spec

    def __call__(self, row: Mapping[str, Any]) -> Any:
        return self.const if self.column is None else row.get(self.column)


def _mapping_scale(mapping: Mapping[str, Any], where: str) -> tuple[Decimal, str]:
    scale = Decimal(str(mapping.get("scale", 1)))
    currency = mapping.get("currency")
    if "unit" in mapping:
        unit = parse_unit(mapping["unit"])
        if unit is None:
            raise SourceError(f"cannot read unit {mapping['unit']!r}", file=where)
        if "scale" not in mapping:
            scale = unit[0]
        currency = currency or unit[1]
    if scale <= 0:
        raise SourceError("scale must be positive", file=where)
    return scale, currency or "USD"


def parse_generic(path: Path, mapping: Mapping[str, Any] | None = None) -> Iterator[TradeRecord]:
    """Parse any CSV (or sheet) whose columns a mapping names; see docs/trade-formats.md."""
    path = Path(path)
    where = str(path)
    if mapping is None:
        mapping = load_mapping(path)
        where = str(sidecar_path(path))
        if mapping is None:
            raise SourceError(f"no mapping given and no {sidecar_path(path).name} beside the file",
                              file=str(path))
    _check_mapping(mapping, where)
    scale, currency = _mapping_scale(mapping, where)
    system = mapping.get("code_system", "auto")
    flow_values = mapping.get("flow_values") or {}
    decimal_comma = mapping.get("decimal", ".") == ","
    getters = {key: _Getter(mapping[key]) for key in
               ("reporter", "partner", "flow", "year", "period", "value", "product", "note")
               if key in mapping}
    citation = mapping.get("citation")
    file = str(path)

    def columns_needed() -> list[str]:
        return [g.column for g in getters.values() if g.column is not None]

    if path.suffix.lower() in SHEET_SUFFIXES:
        rows = _sheet_dict_rows(path, mapping.get("sheet"), int(mapping.get("skip_rows", 0)),
                                columns_needed())
    else:
        table = CsvTable(path, encoding=mapping.get("encoding"), delimiter=mapping.get("delimiter"),
                         skip_rows=int(mapping.get("skip_rows", 0)))
        table.require(*columns_needed())
        rows = table.rows()

    time_key = "period" if "period" in getters else "year"
    for line, row in rows:
        def col(key: str) -> str | None:
            return getters[key].column
        value = parse_amount(getters["value"](row), file=file, line=line, column=col("value"),
                             decimal_comma=decimal_comma)
        if value is None:
            continue
        period = parse_period(getters[time_key](row), file=file, line=line, column=col(time_key))
        if period is None:
            continue
        # A constant is written by the mapping's author, in any system ("KAZ").
        reporter = resolve(cell_text(getters["reporter"](row)),
                           system if col("reporter") else "auto", file=file, line=line,
                           column=col("reporter"))
        partner = resolve(cell_text(getters["partner"](row)),
                          system if col("partner") else "auto", file=file, line=line,
                          column=col("partner"))
        if reporter is None or partner is None:
            continue
        flow = normalise_flow(getters["flow"](row), flow_values, file=file, line=line, column=col("flow"))
        product = cell_text(getters["product"](row)) if "product" in getters else ""
        note = cell_text(getters["note"](row)) if "note" in getters else ""
        yield TradeRecord(
            reporter=reporter, partner=partner, flow=flow, period=period,
            value=scale_value(value, scale), currency=currency,
            product=product or "TOTAL", line=line, note=note or None, citation=citation,
            extra={"layout": "generic", "source_file": path.name},
        )


def _sheet_dict_rows(path: Path, sheet: str | int | None, skip_rows: int,
                     needed: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for _title, rows in sheet_rows(path, sheet if sheet is not None else 0):
        header: list[str] | None = None
        header_line = 0
        for number, values in rows:
            if number <= skip_rows:
                continue
            if header is None:
                if not any(cell_text(v) for v in values):
                    continue
                header = clean_header([cell_text(v) for v in values])
                header_line = number
                for name in needed:
                    if name not in header:
                        raise SourceError(f"missing column {name!r}", file=str(path),
                                          line=header_line, column=name)
                continue
            if not any(cell_text(v) for v in values):
                continue
            yield number, dict(zip(header, values))
