"""The SPARQL 1.1 Service Description of the endpoint, answered to a GET on
/sparql without a query: what it speaks, the result formats, the dataset
(the union default graph and each named graph with its size), and, in plain
words, the limits it enforces."""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD

from kg.namespace import SD, bind_prefixes
from server import graph_inventory
from server.config import Settings
from server.formats import GRAPH_FORMATS, RESULT_FORMATS
from server.store_access import ServedStore


def accepts_updates(served: ServedStore, settings: Settings) -> bool:
    """Whether SPARQL Update can succeed here: an operator token and a store
    the app may write to."""
    return bool(settings.update_token) and served.writable


def limits_text(settings: Settings, updates: bool = False) -> str:
    """The limits in words, shared by the service and dataset descriptions."""
    kind = ("SPARQL 1.1 Query and Update endpoint (updates need the operator's bearer token)"
            if updates else "Read-only SPARQL 1.1 Query endpoint")
    return (f"{kind}. The default graph is the union of all named graphs "
            f"unless the query or the request names a dataset. Results are cut at "
            f"{settings.max_results} rows (or triples); a cut result is still a complete document "
            f"and carries the HTTP header X-KG-Result-Truncated: true. Queries must finish within "
            f"{settings.query_timeout:g} s and be at most {settings.max_query_length} characters long. "
            f"SERVICE is refused except for the endpoints the operator allows.")


def describe(endpoint: str, served: ServedStore, settings: Settings) -> Graph:
    g = bind_prefixes(Graph())
    g.bind("sd", SD)
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    updates = accepts_updates(served, settings)
    if updates:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    g.add((service, RDFS.label, Literal("Regional economic relations knowledge graph: SPARQL endpoint", lang="en")))
    g.add((service, RDFS.comment, Literal(limits_text(settings, updates), lang="en")))
    for fmt in RESULT_FORMATS + GRAPH_FORMATS:
        g.add((service, SD.resultFormat, URIRef(fmt.iri)))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        g.add((service, SD.feature, SD.BasicFederatedQuery))

    dataset = URIRef(endpoint + "#dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    g.add((default, VOID.triples, Literal(graph_inventory.total_triples(served), datatype=XSD.integer)))
    for info in graph_inventory.graphs(served):
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, info.iri))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(info.triples, datatype=XSD.integer)))
        if info.title:
            g.add((graph, DCTERMS.title, Literal(info.title)))
    return g
