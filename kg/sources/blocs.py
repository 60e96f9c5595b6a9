"""Regional blocs and memberships from the curated files `data/blocs.csv` and
`data/memberships.csv` (one row per membership spell, each citing its source)."""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import pycountry
from rdflib import BNode, Literal, URIRef

from kg import __version__
from kg.errors import SourceError
from kg.literals import date_literal
from kg.namespace import (DBR, DCTERMS, ORG, OWL, RDF, RDFS, RER, SKOS, TIME, WD, bloc,
                          country, membership)
from kg.sources.base import DATA, SourceGraph, read_csv
from kg.store.base import Triple

BLOCS = DATA / "blocs.csv"
MEMBERSHIPS = DATA / "memberships.csv"

KINDS = {
    "economic-union": RER.EconomicUnion,
    "customs-union": RER.CustomsUnion,
    "free-trade-area": RER.FreeTradeArea,
    "political-economic-organisation": RER.PoliticalEconomicOrganisation,
}
ROLES = {"member": RER.MemberRole, "observer": RER.ObserverRole, "candidate": RER.CandidateRole}


def load() -> SourceGraph:
    return SourceGraph(
        name="blocs",
        title="Regional blocs and memberships (curated)",
        triples=_triples(),
        loader=f"kg.sources.blocs {__version__}",
        files=[BLOCS, MEMBERSHIPS],
        licence="https://creativecommons.org/licenses/by/4.0/",
    )


def _date(value: str, path, line: int, column: str) -> Literal | None:
    if not value:
        return None
    try:
        return date_literal(value)
    except ValueError:
        raise SourceError(f"not a YYYY-MM-DD date: {value!r}", file=str(path), line=line,
                          column=column) from None


def _sources(value: str) -> Iterator[URIRef]:
    for url in value.split("|"):
        if url.strip():
            yield URIRef(url.strip())


@lru_cache(maxsize=1)
def short_names() -> dict[str, str]:
    """The curated blocs' short names, by their case-folded form."""
    return {row["short"].casefold(): row["short"] for _, row in read_csv(BLOCS, ["short"])}


def _triples() -> Iterator[Triple]:
    known: set[str] = set()
    for line, row in read_csv(BLOCS, ["short", "name", "aliases", "kind", "founded",
                                       "wikidata", "dbpedia", "source"]):
        short = row["short"]
        if row["kind"] not in KINDS:
            raise SourceError(f"unknown bloc kind {row['kind']!r} (one of {', '.join(KINDS)})",
                              file=str(BLOCS), line=line, column="kind")
        known.add(short)
        node = bloc(short)
        yield node, RDF.type, RER.RegionalBloc
        yield node, RDFS.label, Literal(row["name"], lang="en")
        yield node, SKOS.prefLabel, Literal(row["name"], lang="en")
        yield node, RER.shortName, Literal(short)
        yield node, SKOS.notation, Literal(short)
        yield node, SKOS.altLabel, Literal(short, lang="en")
        for alias in row["aliases"].split("|"):
            if alias.strip():
                yield node, SKOS.altLabel, Literal(alias.strip())
        yield node, RER.blocKind, KINDS[row["kind"]]
        founded = _date(row["founded"], BLOCS, line, "founded")
        if founded is not None:
            yield node, RER.startDate, founded
        if row["wikidata"]:
            yield node, OWL.sameAs, WD[row["wikidata"]]
        if row["dbpedia"]:
            yield node, OWL.sameAs, DBR[row["dbpedia"]]
        for url in _sources(row["source"]):
            yield node, DCTERMS.source, url

    for line, row in read_csv(MEMBERSHIPS, ["bloc", "member", "role", "start", "end",
                                             "source", "note"]):
        if row["bloc"] not in known:
            raise SourceError(f"unknown bloc {row['bloc']!r}", file=str(MEMBERSHIPS), line=line,
                              column="bloc")
        if pycountry.countries.get(alpha_3=row["member"]) is None:
            raise SourceError(f"unknown ISO 3166-1 alpha-3 code {row['member']!r}",
                              file=str(MEMBERSHIPS), line=line, column="member")
        if row["role"] not in ROLES:
            raise SourceError(f"unknown role {row['role']!r} (one of {', '.join(ROLES)})",
                              file=str(MEMBERSHIPS), line=line, column="role")
        start = _date(row["start"], MEMBERSHIPS, line, "start")
        end = _date(row["end"], MEMBERSHIPS, line, "end")
        if start is not None and end is not None and end.toPython() < start.toPython():
            raise SourceError(f"membership ends ({row['end']}) before it starts ({row['start']})",
                              file=str(MEMBERSHIPS), line=line, column="end")
        node = membership(row["bloc"], row["member"], row["start"])
        member, org = country(row["member"]), bloc(row["bloc"])
        yield node, RDF.type, RER.Membership
        yield node, RDF.type, ORG.Membership
        yield node, ORG.member, member
        yield node, ORG.organization, org
        yield node, ORG.role, ROLES[row["role"]]
        yield node, RDFS.label, Literal(f"{row['member']} in {row['bloc']} ({row['role']})", lang="en")
        interval = BNode()
        yield node, ORG.memberDuring, interval
        yield interval, RDF.type, TIME.Interval
        for prop, edge, date in ((RER.startDate, TIME.hasBeginning, start),
                                 (RER.endDate, TIME.hasEnd, end)):
            if date is not None:
                instant = BNode()
                yield node, prop, date
                yield interval, edge, instant
                yield instant, RDF.type, TIME.Instant
                yield instant, TIME.inXSDDate, date
        for url in _sources(row["source"]):
            yield node, DCTERMS.source, url
        if row["note"]:
            yield node, SKOS.note, Literal(row["note"], lang="en")

