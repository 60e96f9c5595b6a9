"""The VoID / DCAT description of the dataset (/void, /.well-known/void): what
the graph holds, where to query it, under which licence, and its named graphs
as subsets with their sizes, taken from the build's metadata graph."""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from kg.namespace import ID, RER, bind_prefixes, country
from server import dumps, graph_inventory
from server.config import Settings
from server.service_description import limits_text
from server.store_access import ServedStore

DEFAULT_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")


IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


def describe(document: str, endpoint: str, served: ServedStore, settings: Settings,
             dump: str | None = None) -> Graph:
    """The description; `dump` is the URL of the dataset's download."""
    g = bind_prefixes(Graph())
    dataset = URIRef(document + "#dataset")
    g.add((URIRef(document), RDF.type, VOID.DatasetDescription))
    g.add((URIRef(document), DCTERMS.title, Literal("Description of the regional economic relations knowledge graph", lang="en")))
    g.add((URIRef(document), RDFS.seeAlso, dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("Regional economic relations knowledge graph", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "Countries, regional blocs and their memberships, trade agreements, official trade statistics "
        "and claims made in news articles, with their provenance.", lang="en")))
    g.add((dataset, RDFS.comment, Literal(limits_text(settings), lang="en")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    g.add((dataset, VOID.triples, Literal(graph_inventory.total_triples(served), datatype=XSD.integer)))
    g.add((dataset, VOID.uriSpace, Literal(str(ID))))
    g.add((dataset, VOID.vocabulary, URIRef(str(RER))))
    g.add((dataset, VOID.exampleResource, country("KAZ")))
    for licence in graph_inventory.licenses(served) or [DEFAULT_LICENSE]:
        g.add((dataset, DCTERMS.license, licence))

    service = URIRef(endpoint + "#service")
    g.add((dataset, DCAT.accessService, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, URIRef(endpoint)))
    g.add((service, DCAT.endpointDescription, URIRef(endpoint)))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    distribution = BNode()
    g.add((dataset, DCAT.distribution, distribution))
    g.add((distribution, RDF.type, DCAT.Distribution))
    g.add((distribution, DCAT.accessURL, URIRef(endpoint)))
    g.add((distribution, DCAT.accessService, service))
    if dump is not None:
        g.add((dataset, VOID.dataDump, URIRef(dump)))
        download = URIRef(dump)
        g.add((dataset, DCAT.distribution, download))
        g.add((download, RDF.type, DCAT.Distribution))
        g.add((download, DCTERMS.title, Literal("The whole dataset as N-Quads (gzip)", lang="en")))
        g.add((download, DCAT.downloadURL, download))
        g.add((download, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + dumps.MEDIA_TYPE)))
        g.add((download, DCAT.compressFormat, URIRef(IANA_MEDIA_TYPES + dumps.COMPRESS_FORMAT)))

    for info in graph_inventory.graphs(served):
        g.add((dataset, VOID.subset, info.iri))
        g.add((info.iri, RDF.type, VOID.Dataset))
        g.add((info.iri, VOID.triples, Literal(info.triples, datatype=XSD.integer)))
        if info.title:
            g.add((info.iri, DCTERMS.title, Literal(info.title)))
        if info.license:
            g.add((info.iri, DCTERMS.license, info.license))
    return g
