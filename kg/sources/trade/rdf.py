"""Trade records -> RDF Data Cube observations (one qb:DataSet per source file)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from rdflib import Literal, URIRef

from kg.areas import area_iri
from kg.literals import decimal_literal
from kg.namespace import DCTERMS, QB, RDF, RDFS, RER, XSD, entity, flow, product
from kg.sources.trade.records import TradeRecord
from kg.store.base import Triple


def dataset_iri(name: str) -> URIRef:
    return entity("dataset", *name.split("/"))


@lru_cache(maxsize=4096)
def period_literal(period: str) -> Literal:
    return Literal(period, datatype=XSD.gYearMonth if len(period) == 7 else XSD.gYear)


@lru_cache(maxsize=4096)
def year_literal(year: int) -> Literal:
    return Literal(year)


@lru_cache(maxsize=256)
def plain_literal(text: str) -> Literal:
    """Short code-like literals (currencies) that repeat on every row."""
    return Literal(text)


def observation_iri(dataset: str, rec: TradeRecord) -> URIRef:
    return entity("obs", *dataset.split("/"), f"{rec.reporter}-{rec.partner}-{rec.flow}-{rec.period}-{rec.product}")


def dataset_triples(name: str, title: str, citation: str | None = None) -> Iterator[Triple]:
    ds = dataset_iri(name)
    yield ds, RDF.type, QB.DataSet
    yield ds, RDF.type, RER.Dataset
    yield ds, QB.structure, RER.tradeStructure
    yield ds, RDFS.label, Literal(title, lang="en")
    yield ds, DCTERMS.title, Literal(title, lang="en")
    if citation:
        yield ds, DCTERMS.bibliographicCitation, Literal(citation)


def observation_triples(name: str, records: Iterable[TradeRecord],
                        obs_class: URIRef = RER.TradeFlow) -> Iterator[Triple]:
    """Triples of every record; a repeated key gets a line suffix rather than a
    second value on the same observation. Product codes are declared once for
    all sources, in the derived graph (see kg.derived)."""
    ds = dataset_iri(name)
    seen: set[URIRef] = set()
    citations: set[str] = set()
    for rec in records:
        obs = observation_iri(name, rec)
        if obs in seen:
            obs = URIRef(f"{obs}-L{rec.line}")
        seen.add(obs)
        yield obs, RDF.type, QB.Observation
        yield obs, RDF.type, obs_class
        yield obs, QB.dataSet, ds
        yield obs, RER.reporter, area_iri(rec.reporter)
        yield obs, RER.partner, area_iri(rec.partner)
        yield obs, RER.flow, flow(rec.flow)
        yield obs, RER.refPeriod, period_literal(rec.period)
        yield obs, RER.year, year_literal(rec.year)
        yield obs, RER.product, product(rec.product)
        yield obs, RER.value, decimal_literal(rec.value)
        yield obs, RER.currency, plain_literal(rec.currency)
        if rec.note:
            yield obs, RER.note, Literal(rec.note)
        if rec.citation and rec.citation not in citations:
            citations.add(rec.citation)
            yield ds, DCTERMS.source, Literal(rec.citation)

