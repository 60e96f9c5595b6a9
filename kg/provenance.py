"""PROV-O descriptions of named graphs, kept in the metadata graph so that
"where does this triple come from?" is one query."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rdflib import Literal, URIRef

from kg import __version__
from kg.namespace import (DCTERMS, PROV, RDF, RDFS, RER, SD, VOID, XSD, entity)
from kg.sources.base import ROOT, SourceGraph, sha256
from kg.store.base import Triple

TOOLKIT = entity("software", "regecon-kg", __version__)


def activity_for(graph: URIRef) -> URIRef:
    return URIRef(f"{graph}#load")


def describe(source: SourceGraph, triples: int, started: dt.datetime,
             ended: dt.datetime) -> Iterator[Triple]:
    """Triples describing `source`'s named graph: files, checksums, time, loader, licence."""
    g = source.graph
    act = activity_for(g)
    yield g, RDF.type, PROV.Entity
    yield g, RDF.type, VOID.Dataset
    yield g, RDF.type, SD.NamedGraph
    yield g, RDFS.label, Literal(source.title, lang="en")
    yield g, DCTERMS.title, Literal(source.title, lang="en")
    yield g, RER.sourceName, Literal(source.name)
    yield g, VOID.triples, Literal(triples)
    yield g, PROV.generatedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)
    yield g, PROV.wasGeneratedBy, act
    yield g, RER.loaderVersion, Literal(source.loader)
    if source.licence:
        yield g, DCTERMS.license, URIRef(source.licence)
    if source.source_url:
        yield g, DCTERMS.source, URIRef(source.source_url)
    yield act, RDF.type, PROV.Activity
    yield act, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)
    yield act, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)
    yield act, PROV.wasAssociatedWith, TOOLKIT
    yield TOOLKIT, RDF.type, PROV.SoftwareAgent
    yield TOOLKIT, RDFS.label, Literal(f"regecon-kg {__version__}")
    for path in source.files:
        checksum = sha256(path)
        file_node = entity("file", checksum)
        yield g, PROV.wasDerivedFrom, file_node
        yield act, PROV.used, file_node
        yield file_node, RDF.type, PROV.Entity
        yield file_node, RDFS.label, Literal(path.name)
        yield file_node, RER.checksum, Literal(f"sha256:{checksum}")
        yield file_node, PROV.atLocation, Literal(display_path(path))


def display_path(path) -> str:
    """Paths inside the repository are shown relative to it, others as given."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
