"""Any RDF file (Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads, TriG) as a source."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef

from kg import __version__
from kg.errors import SourceError
from kg.namespace import slug
from kg.sources.base import SourceGraph
from kg.store.base import Triple
from kg.store.terms import to_ox

#: File suffix -> rdflib parser name.
FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt",
    ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".jsonld": "json-ld", ".json-ld": "json-ld",
    ".nq": "nquads", ".trig": "trig", ".n3": "n3",
}


def load(path: Path, name: str | None = None) -> SourceGraph:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(f"unknown RDF format {path.suffix!r}; known: {', '.join(sorted(FORMATS))}",
                          file=str(path))
    graph: Graph = Dataset(default_union=True) if fmt in ("nquads", "trig") else Graph()
    try:
        graph.parse(path, format=fmt)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", file=str(path)) from exc
    except Exception as exc:  # rdflib's parsers also fail with IndexError, AssertionError, SAX errors...
        line = getattr(exc, "lines", None)
        raise SourceError(f"malformed {fmt}: {_message(exc)}", file=str(path),
                          line=line + 1 if isinstance(line, int) else None) from exc
    return SourceGraph(
        name=name or f"file/{slug(path.stem)}",
        title=f"RDF file {path.name}",
        triples=_storable(graph.triples((None, None, None)), path),
        loader=f"kg.sources.rdffile {__version__}",
        files=[path],
    )


def _storable(triples: Iterable[Triple], path: Path) -> Iterator[Triple]:
    """The triples, each checked against the store's term rules as it passes:
    rdflib's parsers accept some IRIs (with spaces or control characters),
    language tags, literal subjects and N3 formulae that the store refuses,
    which must fail as bad input."""
    for s, p, o in triples:
        problem = None
        if not isinstance(s, (URIRef, BNode)) or not isinstance(p, URIRef) or \
                not isinstance(o, (URIRef, BNode, Literal)):
            problem = "a literal or a formula where RDF allows only an IRI or a blank node"
        else:
            try:
                for term in (s, p, o):
                    to_ox(term)
            except ValueError as exc:
                problem = f"a term the store cannot hold ({exc})"
        if problem:
            bad = " ".join(repr(str(term))[:120] for term in (s, p, o))
            raise SourceError(f"{problem} in the triple {bad}", file=str(path))
        yield s, p, o


def _message(exc: Exception) -> str:
    """The parser's own explanation, without the echo of the input."""
    text = str(exc)
    for line in text.splitlines():
        if line.startswith("Bad syntax"):
            return line.split(" at ^")[0]
    return " ".join(text.split())[:300]
