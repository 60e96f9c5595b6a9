"""Derived statistics, computed at build time into the `derived` named graph.

Aggregations over millions of observations are what make a SPARQL store slow,
so the catalog reads figures computed here once per build: turnover where
exports and imports are both reported, bloc totals and intra-bloc trade per
year (a country counts only in years it was a member), partner shares, and
mirror pairs. Every figure links (PROV) to the observations it came from.
The Harmonized System codes the observations use are declared here, once
each, rather than by every source that uses them (all goods is in the
ontology). Each figure stated in a text is linked to the official figures with the same
keys (`rer:officialFigure`), so that claims and statistics are read side by
side without a join over every observation at query time.

One pass over the observations, aggregated in Python, so that the same code
works on every store backend.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import unquote

from rdflib import Literal, URIRef

from kg import sparql
from kg.literals import decimal_literal
from kg.namespace import DERIVED_GRAPH, QB, RDF, RDFS, RER, SKOS, aggregate, entity, flow, graph_for, product
from kg.sources.trade.rdf import period_literal, plain_literal, year_literal
from kg.store.base import Store, Triple

DERIVED_DATASET = entity("dataset", "derived")
EXPORT, IMPORT, TURNOVER = flow("export"), flow("import"), flow("turnover")
WORLD = aggregate("WLD")
TOTAL = product("TOTAL")


@dataclass(frozen=True, slots=True)
class Obs:
    iri: URIRef
    dataset: URIRef
    reporter: URIRef
    partner: URIRef
    flow: URIRef
    period: str
    year: int
    product: URIRef
    value: Decimal
    currency: str


def _observations(store: Store) -> Iterator[Obs]:
    iri = _interning()
    rows = store.select_lexical(sparql.load("observations"),
                                {"tradeGraphs": Literal(str(graph_for("trade/")))})
    for obs, ds, rep, par, fl, period, prod, value, cur in rows:
        yield Obs(URIRef(obs), iri(ds), iri(rep), iri(par), iri(fl), period, int(period[:4]),
                  iri(prod), Decimal(value), cur)


def _interning():
    """IRIs that repeat on every row (areas, flows, products) are made once."""
    cache: dict[str, URIRef] = {}

    def iri(text: str) -> URIRef:
        term = cache.get(text)
        if term is None:
            term = cache[text] = URIRef(text)
        return term
    return iri


def _memberships(store: Store) -> dict[URIRef, list[tuple[URIRef, int, int]]]:
    """member country -> [(bloc, first year, last year)] of full membership."""
    spells: dict[URIRef, list[tuple[URIRef, int, int]]] = defaultdict(list)
    for row in store.query(sparql.load("memberships")):
        start = row["start"].toPython().year if row["start"] is not None else 1
        end = row["end"].toPython().year if row["end"] is not None else 9999
        spells[row["member"]].append((row["bloc"], start, end))
    return spells


def _members_by_year(spells) -> dict[tuple[URIRef, int], int]:
    """(bloc, year) -> how many countries were full members at some time that year."""
    counts: dict[tuple[URIRef, int], int] = defaultdict(int)
    for spell_list in spells.values():
        years = {(b, y) for b, start, end in spell_list for y in range(max(start, 1900), min(end, 2100) + 1)}
        for key in years:
            counts[key] += 1
    return counts


def _blocs_in(spells, country: URIRef, year: int) -> set[URIRef]:
    return {b for b, start, end in spells.get(country, ()) if start <= year <= end}


def _reported(store: Store) -> dict[tuple, list[URIRef]]:
    """(reporter, partner, flow, period, product, currency) -> the figures
    stated in texts with those keys."""
    iri = _interning()
    figures: dict[tuple, list[URIRef]] = defaultdict(list)
    for fig, rep, par, fl, period, prod, cur in store.select_lexical(sparql.load("reported_figures")):
        figures[(iri(rep), iri(par), iri(fl), period, iri(prod), cur)].append(URIRef(fig))
    return figures


def compute(store: Store) -> Iterator[Triple]:
    """Yield the triples of the derived graph."""
    spells = _memberships(store)
    reported = _reported(store)
    # One observation per (reporter, partner, flow, period, product, currency):
    # when several data sets report the same key, the first data set (by IRI) wins,
    # so that no figure is counted twice. Claims are set beside every data set's.
    chosen: dict[tuple, Obs] = {}
    official: dict[tuple, list[Obs]] = defaultdict(list)
    for obs in _observations(store):
        key = (obs.reporter, obs.partner, obs.flow, obs.period, obs.product, obs.currency)
        if key not in chosen or str(obs.dataset) < str(chosen[key].dataset):
            chosen[key] = obs
        if key in reported:
            official[key].append(obs)

    yield DERIVED_DATASET, RDF.type, QB.DataSet
    yield DERIVED_DATASET, QB.structure, RER.tradeStructure
    yield DERIVED_DATASET, RDFS.label, Literal("Figures derived at build time", lang="en")

    turnovers: dict[tuple, Obs] = {}
    blocs: dict[tuple, Obs] = {}
    yield from _turnover(chosen, turnovers)
    yield from _bloc_figures(chosen, spells, blocs)
    for key, figure in (*turnovers.items(), *blocs.items()):
        if key in reported:
            official[key].append(figure)
    chosen.update(turnovers)
    yield from _shares(chosen)
    yield from _mirrors(chosen)
    yield from _products({key[4] for key in chosen})
    for key, figures in reported.items():
        for fig in figures:
            for obs in official.get(key, ()):
                yield fig, RER.officialFigure, obs.iri
    yield from _matched_agreements(store)


def _figure(iri: URIRef, reporter: URIRef, partner: URIRef, flow_: URIRef, period: str,
            product: URIRef, value: Decimal, currency: str, sources: list[Obs]) -> Iterator[Triple]:
    yield iri, RDF.type, QB.Observation
    yield iri, RDF.type, RER.TradeFlow
    yield iri, RDF.type, RER.DerivedFigure
    yield iri, QB.dataSet, DERIVED_DATASET
    yield iri, RER.reporter, reporter
    yield iri, RER.partner, partner
    yield iri, RER.flow, flow_
    yield iri, RER.refPeriod, period_literal(period)
    yield iri, RER.year, year_literal(int(period[:4]))
    yield iri, RER.product, product
    yield iri, RER.value, decimal_literal(value)
    yield iri, RER.currency, plain_literal(currency)
    yield iri, RER.contributors, year_literal(len(sources))
    for src in sources:
        yield iri, RER.derivedFromObservation, src.iri


def _tail(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _turnover(chosen: dict[tuple, Obs], out: dict[tuple, Obs]) -> Iterator[Triple]:
    """Exports + imports where both are reported and turnover is not; the new
    figures are collected in `out` so that shares can be computed from them."""
    for (rep, par, fl, period, prod, cur), exp in chosen.items():
        if fl != EXPORT:
            continue
        imp = chosen.get((rep, par, IMPORT, period, prod, cur))
        if imp is None or (rep, par, TURNOVER, period, prod, cur) in chosen:
            continue
        iri = entity("derived", "turnover", _tail(rep), _tail(par), period, _tail(prod), cur)
        value = exp.value + imp.value
        out[(rep, par, TURNOVER, period, prod, cur)] = Obs(
            iri, DERIVED_DATASET, rep, par, TURNOVER, period, exp.year, prod, value, cur)
        yield from _figure(iri, rep, par, TURNOVER, period, prod, value, cur, [exp, imp])


def _bloc_figures(chosen: dict[tuple, Obs], spells, out: dict[tuple, Obs]) -> Iterator[Triple]:
    """Intra-bloc trade (bloc/bloc) and bloc trade with the world (bloc/WLD),
    per year, flow and currency, from members' annual figures, which are also
    collected in `out`."""
    sums: dict[tuple, list[Obs]] = defaultdict(list)
    for (rep, par, fl, period, prod, cur), obs in chosen.items():
        if len(period) != 4 or fl not in (EXPORT, IMPORT):
            continue
        year = obs.year
        rep_blocs = _blocs_in(spells, rep, year)
        if not rep_blocs:
            continue
        if par == WORLD:
            for b in rep_blocs:
                sums[(b, WORLD, fl, period, prod, cur)].append(obs)
        elif par != rep:
            for b in rep_blocs & _blocs_in(spells, par, year):
                sums[(b, b, fl, period, prod, cur)].append(obs)
    members = _members_by_year(spells)
    for (b, par, fl, period, prod, cur), parts in sums.items():
        kind = "intra" if par == b else "world"
        iri = entity("derived", kind, _tail(b), _tail(fl), period, _tail(prod), cur)
        value = sum(o.value for o in parts)
        year = parts[0].year
        out[(b, par, fl, period, prod, cur)] = Obs(iri, DERIVED_DATASET, b, par, fl, period, year,
                                                   prod, value, cur)
        yield from _figure(iri, b, par, fl, period, prod, value, cur, parts)
        # A total is only as complete as its reporters: say how many members reported.
        yield iri, RER.reportingMembers, year_literal(len({o.reporter for o in parts}))
        yield iri, RER.memberCount, year_literal(members.get((b, year), 0))
        yield iri, RDFS.label, Literal(
            f"{'Intra-bloc' if kind == 'intra' else 'World'} {_tail(fl)} of {_tail(b)} members, {period}",
            lang="en")


def _shares(chosen: dict[tuple, Obs]) -> Iterator[Triple]:
    for (rep, par, fl, period, prod, cur), obs in chosen.items():
        if par == WORLD:
            continue
        total = chosen.get((rep, WORLD, fl, period, prod, cur))
        if total is None or total.value == 0:
            continue
        share = (obs.value / total.value * 100).quantize(Decimal("0.0001"))
        iri = entity("derived", "share", _tail(rep), _tail(par), _tail(fl), period, _tail(prod))
        yield iri, RDF.type, RER.PartnerShare
        yield iri, RER.reporter, rep
        yield iri, RER.partner, par
        yield iri, RER.flow, fl
        yield iri, RER.refPeriod, period_literal(period)
        yield iri, RER.year, year_literal(obs.year)
        yield iri, RER.product, prod
        yield iri, RER.sharePct, decimal_literal(share)
        yield iri, RER.derivedFromObservation, obs.iri
        yield iri, RER.derivedFromObservation, total.iri


def _mirrors(chosen: dict[tuple, Obs]) -> Iterator[Triple]:
    for (rep, par, fl, period, prod, cur), exp in chosen.items():
        if fl != EXPORT or par == WORLD:
            continue
        imp = chosen.get((par, rep, IMPORT, period, prod, cur))
        if imp is None:
            continue
        iri = entity("derived", "mirror", _tail(rep), _tail(par), period, _tail(prod), cur)
        yield iri, RDF.type, RER.MirrorPair
        yield iri, RER.reporter, rep
        yield iri, RER.partner, par
        yield iri, RER.refPeriod, period_literal(period)
        yield iri, RER.year, year_literal(exp.year)
        yield iri, RER.exportObservation, exp.iri
        yield iri, RER.importObservation, imp.iri
        if exp.value:
            yield iri, RER.mirrorRatio, decimal_literal((imp.value / exp.value).quantize(Decimal("0.0001")))


def _products(used: set[URIRef]) -> Iterator[Triple]:
    """The product codes in use, as concepts; all goods is in the ontology."""
    for iri in sorted(used - {TOTAL}):
        code = unquote(_tail(iri))
        yield iri, RDF.type, SKOS.Concept
        yield iri, SKOS.inScheme, RER.Products
        yield iri, SKOS.notation, Literal(code)
        yield iri, RDFS.label, Literal(f"HS {code}", lang="en")


#: How far from a text's date the signing of an agreement it names may be for
#: the two to be taken as one (texts announce signings and report them after).
AGREEMENT_WINDOW = dt.timedelta(days=366)


def _matched_agreements(store: Store) -> Iterator[Triple]:
    """Link an agreement named in a text to the curated agreement with the same
    parties signed (or in force) within a year of the text, where exactly one is."""
    stated: dict[URIRef, tuple[set[URIRef], dt.date | None]] = {}
    for row in store.query(sparql.load("stated_agreements")):
        parties, published = stated.setdefault(row["agreement"], (set(), _as_date(row["published"])))
        parties.add(row["party"])
    if not stated:
        return
    curated: dict[URIRef, tuple[set[URIRef], list[dt.date]]] = {}
    for row in store.query(sparql.load("curated_agreements")):
        parties, dates = curated.setdefault(row["agreement"], (set(), []))
        parties.add(row["party"])
        dates.extend(d for d in (_as_date(row["signed"]), _as_date(row["inForce"])) if d and d not in dates)
    for agreement, (parties, published) in stated.items():
        if agreement in curated:
            continue
        matches = [c for c, (c_parties, dates) in curated.items() if c_parties == parties
                   and (published is None or any(abs(d - published) <= AGREEMENT_WINDOW for d in dates))]
        if len(matches) == 1:
            yield agreement, RER.matchesAgreement, matches[0]


def _as_date(term) -> dt.date | None:
    value = term.toPython() if term is not None else None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def rebuild(store: Store) -> int:
    """Recompute the derived graph in place; returns the triples written."""
    # compute() reads every observation before it yields its first triple, so
    # streaming into the store while it runs is safe.
    return store.replace_graph(DERIVED_GRAPH, compute(store))
