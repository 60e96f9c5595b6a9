"""The serialisations the server speaks, with the media types it answers to,
the short names accepted in a `format` parameter, and the engine formats that
write them. SELECT/ASK results and RDF graphs have separate tables because the
same short name means different things for each (`xml`, `json`)."""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    name: str
    #: The Content-Type sent with this format.
    content_type: str
    #: Media types that select this format in an Accept header, preferred first.
    media_types: tuple[str, ...]
    #: Values of the `format` parameter that select it.
    aliases: tuple[str, ...]
    #: The W3C format IRI (for service descriptions).
    iri: str
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None
    #: rdflib's name for the format, for graphs the server builds itself.
    rdflib: str | None = None
    #: Appended when a streamed body is cut short, so that a parser fails rather
    #: than accepting a partial document as whole.
    error_trailer: str = ""

    @property
    def mimetype(self) -> str:
        return self.content_type.split(";")[0]


W3 = "http://www.w3.org/ns/formats/"

RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json",
           ("application/sparql-results+json", "application/json"),
           ("json", "srj"), W3 + "SPARQL_Results_JSON", results=ox.QueryResultsFormat.JSON,
           error_trailer='\n{"error": "%s"}\n'),
    Format("xml", "application/sparql-results+xml",
           ("application/sparql-results+xml", "application/xml", "text/xml"),
           ("xml", "srx"), W3 + "SPARQL_Results_XML", results=ox.QueryResultsFormat.XML,
           error_trailer="\n<!-- error: %s -->\n<error/><error/>\n"),
    Format("csv", "text/csv; charset=utf-8", ("text/csv",), ("csv",),
           W3 + "SPARQL_Results_CSV", results=ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",),
           ("tsv",), W3 + "SPARQL_Results_TSV", results=ox.QueryResultsFormat.TSV),
)

GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle; charset=utf-8",
           ("text/turtle", "application/x-turtle", "text/n3"),
           ("turtle", "ttl", "n3"), W3 + "Turtle", rdf=ox.RdfFormat.TURTLE, rdflib="turtle",
           error_trailer="\n# error: %s\n<error> .\n"),
    Format("ntriples", "application/n-triples",
           ("application/n-triples", "text/plain"),
           ("ntriples", "nt", "n-triples"), W3 + "N-Triples", rdf=ox.RdfFormat.N_TRIPLES,
           rdflib="nt", error_trailer="\n# error: %s\n<error> .\n"),
    Format("rdfxml", "application/rdf+xml", ("application/rdf+xml", "application/xml"),
           ("rdfxml", "rdf+xml", "rdf", "xml", "owl"), W3 + "RDF_XML", rdf=ox.RdfFormat.RDF_XML,
           rdflib="xml", error_trailer="\n<!-- error: %s -->\n<error/><error/>\n"),
    Format("jsonld", "application/ld+json", ("application/ld+json", "application/json"),
           ("jsonld", "json-ld", "json"), W3 + "JSON-LD", rdf=ox.RdfFormat.JSON_LD,
           rdflib="json-ld", error_trailer='\n{"error": "%s"}\n'),
)

HTML = Format("html", "text/html; charset=utf-8", ("text/html", "application/xhtml+xml"),
              ("html",), "")


#: RDF formats whose serialiser abbreviates IRIs with prefixes.
PREFIXED_RDF = (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)


def by_name(formats: tuple[Format, ...], name: str) -> Format:
    return next(f for f in formats if f.name == name)


def for_kind(kind: str) -> tuple[Format, ...]:
    """The formats a result of this kind (select, ask, graph) can be written in."""
    return GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS


KNOWN_ALIASES = frozenset(a for f in RESULT_FORMATS + GRAPH_FORMATS for a in f.aliases)
