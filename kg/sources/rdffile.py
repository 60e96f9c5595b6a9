"""Any RDF file (Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads, TriG) as a source."""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.exceptions import ParserError

from kg import __version__
from kg.errors import SourceError
from kg.namespace import slug
from kg.sources.base import SourceGraph

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
    except (ParserError, SyntaxError, ValueError) as exc:
        line = getattr(exc, "lines", None)
        raise SourceError(f"malformed {fmt}: {_message(exc)}", file=str(path),
                          line=line + 1 if isinstance(line, int) else None) from exc
    return SourceGraph(
        name=name or f"file/{slug(path.stem)}",
        title=f"RDF file {path.name}",
        triples=((s, p, o) for s, p, o in graph.triples((None, None, None))),
        loader=f"kg.sources.rdffile {__version__}",
        files=[path],
    )


def _message(exc: Exception) -> str:
    """The parser's own explanation, without the echo of the input."""
    text = str(exc)
    for line in text.splitlines():
        if line.startswith("Bad syntax"):
            return line.split(" at ^")[0]
    return " ".join(text.split())[:300]
