"""The one place where IRIs are spelled out: the ontology, our entities, and the
standard vocabularies we reuse. Everything else imports names from here.

The base IRI is configurable with the ``KG_BASE_IRI`` environment variable (read
once, at import); the shipped ontology file is written against
:data:`DEFAULT_BASE` and re-based on load by :func:`rebase`.
"""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, FOAF, OWL, VOID, XSD
from rdflib.namespace import DCTERMS as _DCTERMS, PROV as _PROV, RDF as _RDF, RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS

class TermCache(Namespace):
    """A Namespace that makes each term once: loaders ask for the same
    predicates millions of times, and a fresh URIRef costs a validation."""

    _terms: dict[str, URIRef] = {}

    def term(self, name: str) -> URIRef:
        key = self + name
        term = TermCache._terms.get(key)
        if term is None:
            term = TermCache._terms[key] = URIRef(key)
        return term


DEFAULT_BASE = "https://w3id.org/regecon/"
BASE = os.environ.get("KG_BASE_IRI", DEFAULT_BASE)
if not BASE.endswith(("/", "#")):
    BASE += "/"

# Standard vocabularies used on hot write paths, as caching namespaces.
RDF = TermCache(str(_RDF))
RDFS = TermCache(str(_RDFS))
SKOS = TermCache(str(_SKOS))
DCTERMS = TermCache(str(_DCTERMS))
PROV = TermCache(str(_PROV))

#: Ontology terms (classes, properties, concept schemes): ``<BASE>ontology#Term``.
RER = TermCache(BASE + "ontology#")
ONTOLOGY_IRI = URIRef(BASE + "ontology")
#: Entities (countries, blocs, observations, claims, ...): ``<BASE>id/...``.
ID = Namespace(BASE + "id/")
#: Named graphs, one per source: ``<BASE>graph/<name>``.
GRAPH = Namespace(BASE + "graph/")
#: Graph holding the PROV-O description of every other graph.
META_GRAPH = GRAPH["meta"]
DERIVED_GRAPH = GRAPH["derived"]
INFERRED_GRAPH = GRAPH["inferred"]

QB = TermCache("http://purl.org/linked-data/cube#")
ORG = TermCache("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
DBR = Namespace("http://dbpedia.org/resource/")
GEONAMES = Namespace("https://sws.geonames.org/")

#: Prefixes bound in every serialisation and offered to SPARQL users.
PREFIXES: dict[str, str] = {
    "rer": str(RER), "id": str(ID), "qb": str(QB), "org": str(ORG), "prov": str(PROV),
    "skos": str(SKOS), "dcterms": str(DCTERMS), "schema": str(SCHEMA), "time": str(TIME),
    "sdmx-dimension": str(SDMX_DIM), "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTR), "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL),
    "xsd": str(XSD), "foaf": str(FOAF), "dcat": str(DCAT), "void": str(VOID),
    "wd": str(WD), "dbr": str(DBR), "gn": str(GEONAMES),
}

#: The prefixes written into Turtle and other prefixed output: all but those
#: whose local names hold "/" (the toolkit's own entities, GeoNames), which
#: would come out escaped (``id:country\/KAZ``): valid, but hard to read.
OUTPUT_PREFIXES: dict[str, str] = {k: v for k, v in PREFIXES.items() if k not in ("id", "gn")}

__all__ = [
    "BASE", "DEFAULT_BASE", "RER", "ONTOLOGY_IRI", "ID", "GRAPH", "META_GRAPH", "DERIVED_GRAPH",
    "INFERRED_GRAPH", "QB", "ORG", "SCHEMA", "TIME", "SDMX_DIM", "SDMX_MEASURE", "SDMX_ATTR",
    "SD", "SH", "WD", "DBR", "GEONAMES", "PREFIXES", "OUTPUT_PREFIXES", "RDF", "RDFS", "OWL", "XSD", "SKOS",
    "PROV", "DCTERMS", "FOAF", "DCAT", "VOID",
    "slug", "country", "bloc", "aggregate", "region", "membership", "flow", "product",
    "graph_for", "entity", "bind_prefixes", "rebase",
]


def slug(text: str) -> str:
    """A stable, readable IRI path segment: ASCII, lower case, dashes."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text or "x"


def entity(kind: str, *parts: str) -> URIRef:
    """``<BASE>id/<kind>/<part>/<part>``, each part percent-encoded."""
    return ID["/".join([kind, *(quote(p, safe="-._~") for p in parts)])]


def country(iso3: str) -> URIRef:
    return entity("country", iso3.upper())


def bloc(short: str) -> URIRef:
    return entity("bloc", short)


def aggregate(code: str) -> URIRef:
    """Trade aggregates that are neither a country nor a bloc: WLD, ROW, CAS, AFR."""
    return entity("area", code.upper())


def region(m49: str | int) -> URIRef:
    return entity("region", f"{int(m49):03d}")


def membership(bloc_short: str, iso3: str, start: str | None) -> URIRef:
    return entity("membership", bloc_short, iso3.upper(), start or "undated")


@lru_cache(maxsize=64)
def flow(code: str) -> URIRef:
    return RER["flow-" + code]


@lru_cache(maxsize=65536)
def product(code: str) -> URIRef:
    return entity("product", code)


def graph_for(source: str) -> URIRef:
    """The named graph that holds one source."""
    return GRAPH[quote(source, safe="-._~/")]


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def rebase(graph: Graph) -> Graph:
    """Rewrite IRIs written against :data:`DEFAULT_BASE` to the configured base."""
    if BASE == DEFAULT_BASE:
        return graph

    def fix(term):
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(BASE + str(term)[len(DEFAULT_BASE):])
        return term

    out = bind_prefixes(Graph())
    for s, p, o in graph:
        out.add((fix(s), fix(p), fix(o)))
    return out
