"""How RDF terms appear on pages: readable text, and a link where following it
makes sense. IRIs of this graph (entities under ``id/`` and ontology terms)
link to this server at the same path below its root, so the pages work
wherever the server runs; other IRIs link out only if they are http(s), so
data can never smuggle a ``javascript:`` link into a page."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.namespace import BASE, ID, ONTOLOGY_IRI
from kg.results import short

_LOCAL_PREFIXES = (str(ID), str(ONTOLOGY_IRI))


def local_path(iri: str, root: str = "") -> str | None:
    """The path on this server that serves `iri`, or None if it is not ours."""
    if iri.startswith(_LOCAL_PREFIXES):
        return f"{root}/{iri[len(BASE):]}"
    return None


def entity_iri(path: str) -> URIRef:
    """The IRI a local path (below the server root, no leading slash) stands for."""
    return URIRef(BASE + path)


@dataclass(frozen=True)
class Value:
    """An RDF term with what a page needs to show it."""

    term: Identifier
    label: str | None = None
    root: str = ""

    @property
    def kind(self) -> str:
        if isinstance(self.term, Literal):
            return "literal"
        if isinstance(self.term, BNode):
            return "bnode"
        return "iri"

    @property
    def text(self) -> str:
        if isinstance(self.term, Literal):
            return str(self.term)
        if self.label:
            return self.label
        if isinstance(self.term, BNode):
            return "(blank node)"
        return short(self.term)

    @property
    def iri(self) -> str | None:
        return str(self.term) if isinstance(self.term, URIRef) else None

    @property
    def href(self) -> str | None:
        if not isinstance(self.term, URIRef):
            return None
        iri = str(self.term)
        local = local_path(iri, self.root)
        if local is not None:
            return local
        return iri if iri.lower().startswith(("http://", "https://")) else None

    @property
    def is_local(self) -> bool:
        return isinstance(self.term, URIRef) and local_path(str(self.term)) is not None

    @property
    def lang(self) -> str | None:
        return self.term.language if isinstance(self.term, Literal) else None

    @property
    def datatype(self) -> str | None:
        if isinstance(self.term, Literal) and self.term.datatype is not None:
            return short(URIRef(self.term.datatype))
        return None
