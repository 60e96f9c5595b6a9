"""What a loader hands to the build: the triples of one named graph and the
facts needed to describe where they came from. Loaders never touch a store."""
from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from kg.errors import SourceError
from kg.namespace import graph_for
from kg.store.base import Triple

#: Repository root: curated data, ontology and queries live beside the package.
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@dataclass
class SourceGraph:
    """One source, ready to be written into its own named graph.

    `triples` may be a generator: it is consumed once, while writing."""

    name: str
    title: str
    triples: Iterable[Triple]
    loader: str
    files: list[Path] = field(default_factory=list)
    licence: str | None = None
    source_url: str | None = None

    @property
    def graph(self) -> URIRef:
        return graph_for(self.name)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_csv(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a curated CSV with their physical line numbers.

    Lines starting with ``#`` before the header carry the file's citations and
    are skipped. A missing column is an error naming the file."""
    try:
        fh = open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", file=str(path)) from exc
    with fh:
        lines = enumerate(fh, start=1)
        header_line = 0
        pending: list[tuple[int, str]] = []
        for number, line in lines:
            if line.startswith("#") or not line.strip():
                continue
            header_line = number
            pending.append((number, line))
            break
        if not header_line:
            raise SourceError("empty file: no header row", file=str(path))

        def physical() -> Iterator[str]:
            yield from (line for _, line in pending)
            for _, line in lines:
                yield line

        reader = csv.DictReader(physical())
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise SourceError(f"missing column(s) {', '.join(missing)}", file=str(path), line=header_line)
        for row in reader:
            # DictReader counts physical lines read so far, header included.
            yield header_line + reader.line_num - 1, {k: (v or "").strip() for k, v in row.items() if k}
