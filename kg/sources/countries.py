"""Countries (every ISO 3166-1 entry, from pycountry), their common names and
aliases, UN M49 regions, links to open-data graphs, and trade aggregates."""
from __future__ import annotations

from collections.abc import Iterator

import pycountry
from rdflib import Literal, URIRef

from kg import __version__
from kg.errors import SourceError
from kg.namespace import (DBR, GEONAMES, OWL, RDF, RDFS, RER, SKOS, WD, aggregate, country,
                          region)
from kg.sources.base import DATA, SourceGraph, read_csv
from kg.store.base import Triple

#: Statistical aggregates used as trade counterparts (codes of the extraction contract).
AGGREGATES = {
    "WLD": "World",
    "ROW": "Rest of the world",
    "CAS": "Central Asia (the five Central Asian states)",
    "AFR": "Africa",
}

FILES = {
    "countries": DATA / "countries.csv",
    "m49_areas": DATA / "m49_areas.csv",
    "m49_countries": DATA / "m49_countries.csv",
    "links": DATA / "country_links.csv",
}


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def load() -> SourceGraph:
    for path in FILES.values():
        if not path.exists():
            raise SourceError("curated data file is missing", file=str(path))
    return SourceGraph(
        name="countries",
        title="Countries (ISO 3166-1), UN M49 regions and links",
        triples=_triples(),
        loader=f"kg.sources.countries {__version__}",
        files=list(FILES.values()),
        licence="https://creativecommons.org/licenses/by/4.0/",
        source_url="https://www.iso.org/iso-3166-country-codes.html",
    )


def _triples() -> Iterator[Triple]:
    en = "en"
    names = {row["iso3"]: (line, row) for line, row in
             read_csv(FILES["countries"], ["iso3", "common_name", "aliases", "demonyms", "capital"])}
    areas = {row["iso3"]: row for _, row in read_csv(FILES["m49_countries"], ["iso3", "m49", "area"])}
    links = {row["iso3"]: row for _, row in
             read_csv(FILES["links"], ["iso3", "wikidata", "geonames", "dbpedia"])}

    for code, (line, row) in names.items():
        if pycountry.countries.get(alpha_3=code) is None:
            raise SourceError(f"unknown ISO 3166-1 alpha-3 code {code!r}",
                              file=str(FILES["countries"]), line=line, column="iso3")

    for c in pycountry.countries:
        node = country(c.alpha_3)
        _, extra = names.get(c.alpha_3, (0, {}))
        common = extra.get("common_name") or getattr(c, "common_name", None) or c.name
        yield node, RDF.type, RER.Country
        yield node, RDFS.label, Literal(common, lang=en)
        yield node, SKOS.prefLabel, Literal(common, lang=en)
        yield node, RER.commonName, Literal(common, lang=en)
        yield node, SKOS.notation, Literal(c.alpha_3)
        yield node, RER.iso3166Alpha2, Literal(c.alpha_2)
        yield node, RER.iso3166Alpha3, Literal(c.alpha_3)
        yield node, RER.iso3166Numeric, Literal(c.numeric)
        formal = {c.name, getattr(c, "official_name", c.name)} - {common}
        for name in sorted(formal):
            yield node, SKOS.altLabel, Literal(name, lang=en)
        for alias in _split(extra.get("aliases", "")):
            yield node, SKOS.altLabel, Literal(alias, lang=en)
        for demonym in _split(extra.get("demonyms", "")):
            yield node, RER.demonym, Literal(demonym, lang=en)
        if extra.get("capital"):
            yield node, RER.capital, Literal(extra["capital"], lang=en)
        area = areas.get(c.alpha_3)
        if area:
            yield node, RER.m49Code, Literal(area["m49"].zfill(3))
            if area["area"]:
                yield node, RER.inRegion, region(area["area"])
        link = links.get(c.alpha_3)
        if link:
            if link["wikidata"]:
                yield node, OWL.sameAs, WD[link["wikidata"]]
            if link["dbpedia"]:
                yield node, OWL.sameAs, DBR[link["dbpedia"]]
            if link["geonames"]:
                # A GeoNames feature is the territory, not the state: a close match only.
                yield node, SKOS.exactMatch, URIRef(f"{GEONAMES}{link['geonames']}/")

    for _, row in read_csv(FILES["m49_areas"], ["code", "name", "parent", "level"]):
        node = region(row["code"])
        yield node, RDF.type, RER.Region
        yield node, RDFS.label, Literal(row["name"], lang=en)
        yield node, SKOS.prefLabel, Literal(row["name"], lang=en)
        yield node, RER.m49Code, Literal(row["code"].zfill(3))
        yield node, SKOS.notation, Literal(row["code"].zfill(3))
        if row["parent"]:
            yield node, RER.inRegion, region(row["parent"])

    for code, label in AGGREGATES.items():
        node = aggregate(code)
        yield node, RDF.type, RER.Aggregate
        yield node, RDFS.label, Literal(label, lang=en)
        yield node, RER.shortName, Literal(code)
        yield node, SKOS.notation, Literal(code)
