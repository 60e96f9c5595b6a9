"""The catalog of named queries in `queries/`: each `.rq` file starts with a
header of `# key: value` lines (title, description, params, returns), and its
parameters are converted to typed RDF terms and bound as data (a VALUES block,
see `kg.sparql.binding`), never pasted into the query text.

Header syntax::

    # title: Members of a bloc on a date
    # description: Countries that were full members of the bloc on the date.
    # param: bloc (bloc, required): bloc short name, e.g. EAEU
    # param: date (date, default today): YYYY-MM-DD
    # param: product as productConcept (product, default TOTAL): bound to ?productConcept
    # returns: country iso3 label start end

A parameter of type ``limit`` caps the number of rows instead of binding a variable.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from kg.areas import AGGREGATE_CODES, area_iri, is_country
from kg.errors import QueryError
from kg.namespace import XSD, bloc, country, flow, product
from kg.sources.base import ROOT
from kg.sources.trade.records import FLOWS
from kg.store.base import QueryResult

QUERIES_DIR = ROOT / "queries"

_PARAM = re.compile(r"^(?P<name>\w+)(?:\s+as\s+(?P<var>\w+))?\s*\((?P<type>\w+)(?:,\s*(?P<req>required)|,\s*default\s+(?P<default>[^)]+))?\)\s*:?\s*(?P<doc>.*)$")


def _date(value: str) -> Literal:
    if value == "today":
        value = dt.date.today().isoformat()
    try:
        return Literal(dt.date.fromisoformat(value).isoformat(), datatype=XSD.date)
    except ValueError:
        raise QueryError(f"not a YYYY-MM-DD date: {value!r}") from None


def _integer(value: str) -> Literal:
    try:
        return Literal(int(value))
    except ValueError:
        raise QueryError(f"not an integer: {value!r}") from None


def _country(value: str) -> URIRef:
    if not is_country(value):
        raise QueryError(f"unknown country code {value!r}: give an ISO 3166-1 alpha-3 code such as KAZ")
    return country(value)


def _bloc(value: str) -> URIRef:
    from kg.sources.blocs import short_names

    known = short_names()
    short = known.get(value.strip().casefold())
    if short is None:
        raise QueryError(f"unknown bloc {value!r}: give a short name, one of {', '.join(known.values())}")
    return bloc(short)


def _area(value: str) -> URIRef:
    """A country (ISO alpha-3), an aggregate (WLD, ...) or a curated bloc."""
    value = value.strip()
    if value.upper() in AGGREGATE_CODES or is_country(value):
        return area_iri(value.upper())
    try:
        return _bloc(value)
    except QueryError:
        raise QueryError(f"unknown area {value!r}: give an ISO 3166-1 alpha-3 code such as KAZ, "
                         f"{', '.join(sorted(AGGREGATE_CODES))}, or a bloc short name such as EAEU") from None


def _flow(value: str) -> URIRef:
    code = value.strip().lower()
    if code not in FLOWS:
        raise QueryError(f"unknown flow {value!r}: give one of {', '.join(FLOWS)}")
    return flow(code)


def _iri(value: str) -> URIRef:
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
        raise QueryError(f"not an absolute IRI: {value!r}")
    return URIRef(value)


#: Parameter type -> converter from the text a user gives to an RDF term.
PARAM_TYPES = {
    "string": lambda v: Literal(v),
    "date": _date,
    "year": _integer,
    "integer": _integer,
    "country": _country,
    "bloc": _bloc,
    "area": _area,
    "flow": _flow,
    "product": lambda v: product(v.strip()),
    "iri": _iri,
    "limit": _integer,
}


@dataclass
class Param:
    name: str
    type: str
    required: bool = False
    default: str | None = None
    doc: str = ""
    #: The query variable the value is bound to (the parameter name unless `as VAR`).
    variable: str = ""

    def __post_init__(self) -> None:
        self.variable = self.variable or self.name

    def convert(self, value: str) -> Identifier:
        try:
            return PARAM_TYPES[self.type](value)
        except QueryError as exc:
            raise QueryError(f"parameter {self.name}: {exc}") from None


@dataclass
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    #: The SPARQL, header comments included, as read when the catalog was parsed.
    text: str = ""

    def bind(self, values: Mapping[str, str]) -> tuple[dict[str, Identifier], int | None]:
        """Typed bindings for the given parameter values, and the row limit if any."""
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise QueryError(f"{self.name}: unknown parameter(s) {', '.join(unknown)}; "
                             f"expected {', '.join(sorted(known)) or 'none'}")
        bindings: dict[str, Identifier] = {}
        limit = None
        for p in self.params:
            raw = values.get(p.name)
            if raw is None or raw == "":
                if p.required:
                    raise QueryError(f"{self.name}: missing required parameter {p.name} ({p.doc})")
                raw = p.default
            if raw is None:
                continue
            term = p.convert(raw)
            if p.type == "limit":
                limit = int(term)
                if limit < 0:
                    raise QueryError(f"parameter {p.name}: must not be negative")
                if limit > sys.maxsize:
                    raise QueryError(f"parameter {p.name}: must be at most {sys.maxsize}")
            else:
                bindings[p.variable] = term
        return bindings, limit

    def project(self, result: QueryResult, limit: int | None = None) -> QueryResult:
        """Keep the declared result columns, in order, and apply the row limit."""
        if result.kind != "select" or not self.returns:
            return result
        rows = ({k: row.get(k) for k in self.returns} for row in result.rows or ())
        if limit is not None:
            rows = islice(rows, limit)
        return QueryResult(kind="select", variables=list(self.returns), rows=rows)

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "params": [{"name": p.name, "type": p.type, "required": p.required,
                            "default": p.default, "description": p.doc} for p in self.params],
                "returns": self.returns}


def parse_header(path: Path) -> NamedQuery:
    title, description, params, returns = path.stem, [], [], []
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, _, value = line.lstrip("# ").partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description.append(value)
        elif key == "param":
            m = _PARAM.match(value)
            if not m or m["type"] not in PARAM_TYPES:
                raise QueryError(f"{path}: bad param line {value!r}; expected "
                                 f"'name (type[, required|, default X]): doc' with type in {', '.join(PARAM_TYPES)}")
            params.append(Param(m["name"], m["type"], bool(m["req"]),
                                m["default"].strip() if m["default"] else None, m["doc"].strip(),
                                m["var"] or ""))
        elif key == "returns":
            returns = [v.lstrip("?") for v in value.split()]
    return NamedQuery(path.stem, path, title, " ".join(description), params, returns, text)


#: directory -> (the files' names, sizes and modification times, the parsed catalog).
_PARSED: dict[Path, tuple[tuple, dict[str, NamedQuery]]] = {}


def catalog(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query, by name (the file name without `.rq`).

    Parsed once and reused while no file in `directory` changes (the server
    asks on every request; an edited or added query is picked up at once)."""
    paths = sorted(directory.glob("*.rq"))
    stamp = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    parsed = _PARSED.get(directory)
    if parsed is None or parsed[0] != stamp:
        parsed = _PARSED[directory] = (stamp, {p.stem: parse_header(p) for p in paths})
    return dict(parsed[1])


def get(name_or_path: str) -> NamedQuery:
    """A query by catalog name (`bloc_members`) or by path (`queries/bloc_members.rq`)."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.exists():
        return parse_header(path)
    queries = catalog()
    name = path.stem if path.suffix == ".rq" else name_or_path
    if name not in queries:
        raise QueryError(f"no named query {name_or_path!r}; the catalog has: {', '.join(queries)}")
    return queries[name]
