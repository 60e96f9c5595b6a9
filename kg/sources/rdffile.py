"""Any RDF file (Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads, TriG, N3) as a source.

Files are read with the store engine's own parsers (pyoxigraph): they are
strict where the store is (IRIs, language tags), fast, and say where a file
is wrong by line and column. The whole file is read before anything is
written, so a bad file changes nothing. The graphs of an N-Quads or TriG file
are merged into the source's one named graph.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.errors import SourceError
from kg.namespace import slug
from kg.sources.base import SourceGraph
from kg.store.base import Triple
from kg.store.terms import from_ox

#: File suffix -> the engine's parser.
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES, ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD, ".json-ld": ox.RdfFormat.JSON_LD,
    ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG, ".n3": ox.RdfFormat.N3,
}


def load(path: Path, name: str | None = None) -> SourceGraph:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(f"unknown RDF format {path.suffix!r}; known: {', '.join(sorted(FORMATS))}",
                          file=str(path))
    return SourceGraph(
        name=name or f"file/{slug(path.stem)}",
        title=f"RDF file {path.name}",
        triples=_read(path, fmt),
        loader=f"kg.sources.rdffile {__version__}",
        files=[path],
    )


def _read(path: Path, fmt: ox.RdfFormat) -> list[Triple]:
    """Every triple of the file, or a SourceError naming where it is wrong."""
    try:
        quads = list(ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise SourceError(f"malformed {fmt.name}: {_message(exc)}", file=str(path), line=exc.lineno,
                          column=exc.offset) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", file=str(path)) from exc
    except ValueError as exc:  # e.g. a JSON-LD context the parser will not fetch
        raise SourceError(f"malformed {fmt.name}: {exc}", file=str(path)) from exc
    triples: list[Triple] = []
    for quad in quads:
        if fmt == ox.RdfFormat.N3 and not isinstance(quad.graph_name, ox.DefaultGraph):
            raise SourceError("an N3 formula (a graph inside a statement), which RDF cannot store",
                              file=str(path))
        try:
            triples.append((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
        except TypeError:
            raise SourceError(f"a term the store cannot hold in {quad}", file=str(path)) from None
    return triples


def _message(exc: SyntaxError) -> str:
    """The parser's explanation, without the position it repeats (given apart)."""
    text = str(exc.msg if exc.msg else exc)
    return text.split(": ", 1)[1] if text.startswith("Parser error") and ": " in text else text
