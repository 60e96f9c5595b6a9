"""Conversion between rdflib terms (the toolkit's public currency) and
pyoxigraph terms (the embedded engine's). Named nodes are cached because the
same IRIs (predicates, classes, codes) repeat on every row of a bulk load."""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@lru_cache(maxsize=200_000)
def named_node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_converted: dict = {}


def to_ox(term: Identifier):
    """rdflib term -> pyoxigraph term (IRIs and short literals are cached:
    codes, years and predicates repeat on every row of a bulk load)."""
    cached = _converted.get(term)
    if cached is not None:
        return cached
    converted = _convert(term)
    if isinstance(term, URIRef) or (isinstance(term, Literal) and len(term) < 16):
        if len(_converted) > 500_000:
            _converted.clear()
        _converted[term] = converted
    return converted


def _convert(term: Identifier):
    if isinstance(term, URIRef):
        return named_node(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=named_node(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term) -> Identifier | None:
    """pyoxigraph term -> rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"unsupported term: {term!r}")
