"""What an entity's HTML page shows, gathered with the queries in
`server/queries/`: its statements grouped by property, codes, links to the same
thing elsewhere, and by kind of entity its memberships, members, trade
partners and the claims that concern it."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from kg.namespace import RER
from kg.store.base import Store
from server import chart, page_queries, schema_org
from server.links import Value

LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name, RER.shortName)
CODE_PROPERTIES = (RER.iso3166Alpha3, RER.iso3166Alpha2, RER.iso3166Numeric, RER.m49Code,
                   RER.shortName, SKOS.notation)
SAME_AS_PROPERTIES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
SITES = {"wikidata.org": "Wikidata", "dbpedia.org": "DBpedia", "geonames.org": "GeoNames",
         "wikipedia.org": "Wikipedia"}
FIRST = (RDF.type, SKOS.prefLabel, RDFS.label)
INCOMING_SHOWN = 200
PARTNERS_SHOWN = 10


@dataclass
class PropertyGroup:
    predicate: Value
    values: list[Value]


@dataclass
class Spell:
    """A membership spell, seen from the country (`other` is the bloc) or from
    the bloc (`other` is the country)."""

    other: Value
    code: str | None
    role: str | None
    start: str | None
    end: str | None

    @property
    def current(self) -> bool:
        return self.end is None or self.end >= dt.date.today().isoformat()


@dataclass
class ClaimView:
    claim: Value
    type: str | None
    quote: str | None
    speaker: Value | None
    document: Value | None
    date: str | None
    #: Quality flags on the claim: (kind, detail), what the text states that cannot be right.
    flags: list[tuple[str, str]] = field(default_factory=list)
    #: Trade figures the claim states, each beside the official figures for the same keys.
    figures: list[StatedFigure] = field(default_factory=list)


@dataclass
class StatedFigure:
    """A figure as a text states it, and what the statistics say (one per data set)."""

    claimed: str
    official: list[tuple[str, str, Value]] = field(default_factory=list)  # (amount, difference, data set)


@dataclass
class EntityPage:
    iri: URIRef
    label: str
    types: list[Value]
    properties: list[PropertyGroup]
    codes: list[tuple[str, str]] = field(default_factory=list)
    same_as: list[tuple[str, Value]] = field(default_factory=list)
    memberships: list[Spell] = field(default_factory=list)
    members: list[Spell] = field(default_factory=list)
    partners: chart.BarChart | None = None
    claims: list[ClaimView] = field(default_factory=list)
    quote: str | None = None
    incoming: list[tuple[Value, Value]] = field(default_factory=list)
    incoming_more: bool = False
    schema: dict = field(default_factory=dict)

    def has_type(self, cls: URIRef) -> bool:
        return any(t.term == cls for t in self.types)


def _text(term) -> str | None:
    return None if term is None else str(term)


def _pick(values: list[Value]) -> str | None:
    """An English or untagged literal if there is one, else any."""
    literals = [v for v in values if isinstance(v.term, Literal)]
    for v in literals:
        if v.lang in (None, "en") or (v.lang or "").startswith("en-"):
            return str(v.term)
    return str(literals[0].term) if literals else None


def _site(iri: str) -> str:
    host = urlsplit(iri).hostname or iri
    return next((name for domain, name in SITES.items() if host == domain or host.endswith("." + domain)), host)


def _properties(store: Store, iri: URIRef, root: str) -> dict[URIRef, PropertyGroup]:
    groups: dict[URIRef, PropertyGroup] = {}
    for row in page_queries.rows(store, "entity_properties", entity=iri):
        p = URIRef(str(row["p"]))
        group = groups.setdefault(p, PropertyGroup(Value(p, _text(row.get("pLabel")), root), []))
        group.values.append(Value(row["o"], _text(row.get("oLabel")), root))
    for group in groups.values():
        group.values.sort(key=lambda v: (v.kind, v.text.lower()))
    return groups


def _ordered(groups: dict[URIRef, PropertyGroup]) -> list[PropertyGroup]:
    def key(item: tuple[URIRef, PropertyGroup]):
        p, group = item
        return (FIRST.index(p) if p in FIRST else len(FIRST), group.predicate.text.lower())
    return [g for _, g in sorted(groups.items(), key=key)]


def _label(iri: URIRef, groups: dict[URIRef, PropertyGroup]) -> str:
    for p in LABEL_PROPERTIES:
        if p in groups:
            text = _pick(groups[p].values)
            if text:
                return text
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _spells(rows: list[dict], other: str, other_label: str, code: str, root: str) -> list[Spell]:
    seen: dict[str, Spell] = {}
    for row in rows:
        key = str(row["membership"])
        if key in seen:
            continue
        seen[key] = Spell(Value(row[other], _text(row.get(other_label)), root), _text(row.get(code)),
                          _text(row.get("role")), _text(row.get("start")), _text(row.get("end")))
    return list(seen.values())


def _partners(rows: list[dict], label: str, root: str) -> chart.BarChart | None:
    """Turnover with the top partner countries in the latest year, from the
    area's own reports if it has any, else from what its partners reported."""
    if not rows:
        return None
    perspective = "reported" if any(str(r["perspective"]) == "reported" for r in rows) else "mirror"
    rows = [r for r in rows if str(r["perspective"]) == perspective]
    year = max(int(r["year"].toPython()) for r in rows)
    rows = [r for r in rows if int(r["year"].toPython()) == year]
    # Several sources may publish the same figure: keep the largest per partner and flow.
    flows: dict[URIRef, dict[str, Decimal]] = defaultdict(dict)
    labels: dict[URIRef, str | None] = {}
    currencies: Counter[str] = Counter()
    for r in rows:
        other, flow, value = r["other"], str(r["flow"]), Decimal(str(r["value"]))
        flows[other][flow] = max(value, flows[other].get(flow, value))
        labels[other] = labels.get(other) or _text(r.get("otherLabel"))
        currencies[str(r["currency"])] += 1
    totals = []
    for other, by_flow in flows.items():
        if "turnover" in by_flow:
            total = by_flow["turnover"]
        elif "export" in by_flow or "import" in by_flow:
            total = by_flow.get("export", Decimal(0)) + by_flow.get("import", Decimal(0))
        else:
            continue
        totals.append((other, float(total)))
    if not totals:
        return None
    totals.sort(key=lambda item: (-item[1], str(item[0])))
    currency = currencies.most_common(1)[0][0]
    items = []
    for other, total in totals[:PARTNERS_SHOWN]:
        value = Value(other, labels.get(other), root)
        items.append((value.text, value.href, total, chart.human_amount(total, currency)))
    source = f"as reported by {label}" if perspective == "reported" else "as reported by the partners"
    return chart.bar_chart(items, f"Trade turnover with partner countries in {year}, {source}")


def _claims(rows: list[dict], root: str) -> list[ClaimView]:
    seen: dict[str, ClaimView] = {}
    for row in rows:
        key = str(row["claim"])
        if key in seen:
            _add_flag(seen[key], row)
            continue
        seen[key] = ClaimView(
            Value(row["claim"], None, root), _text(row.get("type")), _text(row.get("quote")),
            Value(row["speaker"], _text(row.get("speakerLabel")), root) if row.get("speaker") is not None else None,
            Value(row["document"], _text(row.get("documentTitle")), root) if row.get("document") is not None else None,
            _text(row.get("date")))
        _add_flag(seen[key], row)
        _add_figure(seen[key], row, root)
    return list(seen.values())


def _add_figure(view: ClaimView, row: dict, root: str) -> None:
    """Keep the claimed figure and its official counterparts, once each, however
    many rows the flags multiplied them into."""
    if row.get("figure") is None or row.get("claimed") is None:
        return
    currency = _text(row.get("currency")) or ""
    claimed = Decimal(str(row["claimed"]))
    figure = next((f for f in view.figures if f.claimed == chart.human_amount(float(claimed), currency)), None)
    if figure is None:
        figure = StatedFigure(chart.human_amount(float(claimed), currency))
        view.figures.append(figure)
    if row.get("official") is None:
        return
    official = Decimal(str(row["official"]))
    difference = f"{(claimed - official) / official * 100:+.1f}%" if official else ""
    entry = (chart.human_amount(float(official), currency), difference,
             Value(row["officialSource"], _text(row.get("officialSourceLabel")), root))
    if entry not in figure.official:
        figure.official.append(entry)


def _add_flag(view: ClaimView, row: dict) -> None:
    if row.get("flagKind") is not None:
        flag = (str(row["flagKind"]), _text(row.get("flagDetail")) or "")
        if flag not in view.flags:
            view.flags.append(flag)


def load(store: Store, iri: URIRef, root: str, page_url: str) -> EntityPage:
    groups = _properties(store, iri, root)
    label = _label(iri, groups)
    types = groups[RDF.type].values if RDF.type in groups else []
    page = EntityPage(iri, label, types, _ordered(groups))
    page.codes = [(groups[p].predicate.text, str(v.term)) for p in CODE_PROPERTIES if p in groups
                  for v in groups[p].values if isinstance(v.term, Literal)]
    page.same_as = [(_site(str(v.term)), v) for p in SAME_AS_PROPERTIES if p in groups
                    for v in groups[p].values if v.href]
    if RER.quote in groups:
        page.quote = _pick(groups[RER.quote].values)

    if page.has_type(RER.Country):
        page.memberships = _spells(page_queries.rows(store, "country_memberships", entity=iri),
                                   "bloc", "blocLabel", "short", root)
    if page.has_type(RER.RegionalBloc):
        page.members = _spells(page_queries.rows(store, "bloc_members", entity=iri),
                               "country", "countryLabel", "iso3", root)
    if page.has_type(RER.Country) or page.has_type(RER.RegionalBloc):
        page.partners = _partners(page_queries.rows(store, "trade_partners", entity=iri), label, root)
    page.claims = _claims(page_queries.rows(store, "entity_claims", entity=iri), root)

    incoming = page_queries.rows(store, "entity_incoming", entity=iri)
    page.incoming_more = len(incoming) > INCOMING_SHOWN
    page.incoming = sorted(((Value(r["s"], _text(r.get("sLabel")), root),
                             Value(URIRef(str(r["p"])), _text(r.get("pLabel")), root))
                            for r in incoming[:INCOMING_SHOWN]),
                           key=lambda pair: (pair[1].text.lower(), pair[0].text.lower()))

    alternate = [str(v.term) for v in groups.get(SKOS.altLabel, PropertyGroup(Value(SKOS.altLabel), [])).values
                 if str(v.term) != label]
    page.schema = schema_org.describe(
        str(iri), page_url, label, [t.term for t in types],
        alternate_names=sorted(set(alternate)),
        same_as=[str(v.term) for _, v in page.same_as],
        identifiers=list(dict.fromkeys(code for _, code in page.codes)),
        member_of=[(str(s.other.term), s.other.text) for s in page.memberships
                   if s.current and (s.role or "member") == "member"],
        members=[(str(s.other.term), s.other.text) for s in page.members
                 if s.current and (s.role or "member") == "member"],
        text=page.quote)
    return page
