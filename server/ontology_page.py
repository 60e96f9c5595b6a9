"""The ontology as a readable page: its own description, then its classes,
properties and code lists, each term with its label, definition and relations,
anchored by its local name so that ``/ontology#Term`` lands on it."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS

from kg.namespace import ONTOLOGY_IRI, QB, RER, graph_for
from kg.store.base import Store
from server import page_queries
from server.links import Value

ONTOLOGY_GRAPH = graph_for("ontology")

SECTIONS: tuple[tuple[str, tuple[URIRef, ...]], ...] = (
    ("Classes", (OWL.Class,)),
    ("Object properties", (OWL.ObjectProperty,)),
    ("Datatype properties", (OWL.DatatypeProperty,)),
    ("Code lists", (SKOS.ConceptScheme,)),
    ("Codes", (SKOS.Concept,)),
    ("Data structures", (QB.DataStructureDefinition,)),
)

RELATIONS: dict[URIRef, str] = {
    RDFS.subClassOf: "subclass of", RDFS.subPropertyOf: "subproperty of", RDFS.domain: "domain",
    RDFS.range: "range", OWL.inverseOf: "inverse of", OWL.disjointWith: "disjoint with",
    SKOS.inScheme: "in scheme", QB.codeList: "code list", RDFS.seeAlso: "see also",
}


@dataclass
class Term:
    iri: URIRef
    anchor: str
    label: str | None = None
    definition: str | None = None
    types: list[Value] = field(default_factory=list)
    relations: dict[str, list[Value]] = field(default_factory=dict)


@dataclass
class OntologyPage:
    iri: URIRef
    title: str
    description: str | None
    version: str | None
    license: Value | None
    sections: list[tuple[str, list[Term]]]


def load(store: Store, root: str) -> OntologyPage:
    header: dict[URIRef, list] = {}
    for row in page_queries.rows(store, "ontology_header", ontology=ONTOLOGY_IRI, ontologyGraph=ONTOLOGY_GRAPH):
        header.setdefault(URIRef(str(row["p"])), []).append(row["o"])

    terms: dict[URIRef, Term] = {}
    for row in page_queries.rows(store, "ontology_terms", ontologyGraph=ONTOLOGY_GRAPH):
        iri = URIRef(str(row["term"]))
        term = terms.setdefault(iri, Term(iri, str(iri)[len(str(RER)):]))
        kind = Value(URIRef(str(row["type"])), None, root)
        if kind not in term.types:
            term.types.append(kind)
        term.label = term.label or (str(row["label"]) if row.get("label") is not None else None)
        term.definition = term.definition or (str(row["definition"]) if row.get("definition") is not None else None)
    for row in page_queries.rows(store, "ontology_relations", ontologyGraph=ONTOLOGY_GRAPH):
        term = terms.get(URIRef(str(row["term"])))
        if term is None:
            continue
        target = URIRef(str(row["target"]))
        label = terms[target].label if target in terms else None
        values = term.relations.setdefault(RELATIONS[URIRef(str(row["relation"]))], [])
        value = Value(target, label, root)
        if value not in values:
            values.append(value)

    order = list(RELATIONS.values())
    for term in terms.values():
        term.relations = dict(sorted(term.relations.items(), key=lambda item: order.index(item[0])))

    sections: list[tuple[str, list[Term]]] = []
    placed: set[URIRef] = set()
    for title, kinds in SECTIONS:
        members = sorted((t for t in terms.values() if t.iri not in placed
                          and any(k.term in kinds for k in t.types)),
                         key=lambda t: (t.label or t.anchor).lower())
        placed.update(t.iri for t in members)
        if members:
            sections.append((title, members))
    rest = sorted((t for t in terms.values() if t.iri not in placed), key=lambda t: t.anchor.lower())
    if rest:
        sections.append(("Other terms", rest))

    def first(p: URIRef) -> str | None:
        values = header.get(p) or []
        english = [v for v in values if getattr(v, "language", None) in (None, "en")]
        return str((english or values)[0]) if values else None

    licence = header.get(DCTERMS.license)
    return OntologyPage(ONTOLOGY_IRI, first(DCTERMS.title) or first(RDFS.label) or "Ontology",
                        first(DCTERMS.description), first(OWL.versionInfo),
                        Value(licence[0], None, root) if licence else None, sections)
