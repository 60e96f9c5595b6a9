"""Agreements from the curated file `data/agreements.csv`, each row citing its source."""
from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef

from kg import __version__
from kg.areas import area_iri, is_country
from kg.errors import SourceError
from kg.literals import date_literal
from kg.namespace import DCTERMS, RDF, RDFS, RER, SKOS, entity, slug
from kg.sources.base import DATA, SourceGraph, read_csv
from kg.store.base import Triple

AGREEMENTS = DATA / "agreements.csv"
COLUMNS = ["id", "name", "kind", "parties", "date_signed", "date_in_force", "status",
           "date_terminated", "source", "note"]

STATUSES = {
    "planned": RER.StatusPlanned, "negotiating": RER.StatusNegotiating, "signed": RER.StatusSigned,
    "in force": RER.StatusInForce, "terminated": RER.StatusTerminated,
}


def agreement_iri(key: str) -> URIRef:
    return entity("agreement", slug(key))


def agreement_kind(kind: str) -> URIRef:
    return entity("agreement-kind", slug(kind))


def load() -> SourceGraph:
    return SourceGraph(
        name="agreements",
        title="Trade and economic agreements (curated)",
        triples=_triples(),
        loader=f"kg.sources.agreements {__version__}",
        files=[AGREEMENTS],
        licence="https://creativecommons.org/licenses/by/4.0/",
    )


def _triples() -> Iterator[Triple]:
    kinds: set[str] = set()
    for line, row in read_csv(AGREEMENTS, COLUMNS):
        def date(column: str) -> Literal | None:
            try:
                return date_literal(row[column]) if row[column] else None
            except ValueError:
                raise SourceError(f"not a YYYY-MM-DD date: {row[column]!r}", file=str(AGREEMENTS),
                                  line=line, column=column) from None

        if row["status"] not in STATUSES:
            raise SourceError(f"unknown status {row['status']!r} (one of {', '.join(STATUSES)})",
                              file=str(AGREEMENTS), line=line, column="status")
        node = agreement_iri(row["id"])
        parties = [p.strip() for p in row["parties"].split("|") if p.strip()]
        yield node, RDF.type, RER.Agreement
        yield node, RDF.type, RER.BilateralAgreement if len(parties) == 2 else RER.PlurilateralAgreement
        yield node, RDFS.label, Literal(row["name"], lang="en")
        yield node, SKOS.notation, Literal(row["id"])
        yield node, RER.agreementStatus, STATUSES[row["status"]]
        for party in parties:
            yield node, RER.party, area_iri(party.upper() if is_country(party) else party)
        for column, prop in (("date_signed", RER.dateSigned), ("date_in_force", RER.dateInForce),
                             ("date_terminated", RER.endDate)):
            value = date(column)
            if value is not None:
                yield node, prop, value
        if row["kind"]:
            kind = agreement_kind(row["kind"])
            yield node, RER.agreementKind, kind
            if row["kind"] not in kinds:
                kinds.add(row["kind"])
                yield kind, RDF.type, SKOS.Concept
                yield kind, RDFS.label, Literal(row["kind"].replace("-", " "), lang="en")
                yield kind, SKOS.notation, Literal(row["kind"])
        for url in row["source"].split("|"):
            if url.strip():
                yield node, DCTERMS.source, URIRef(url.strip())
        if row["note"]:
            yield node, SKOS.note, Literal(row["note"], lang="en")
