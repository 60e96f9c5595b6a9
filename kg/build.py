"""Writing sources into a store: one named graph per source, its PROV-O
description in the metadata graph, then the derived statistics.

`build` and `load` work on a staged copy of the store (see
`kg.store.layout.DataDir.staged`), so a failure leaves the served store as it was.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from kg import derived
from kg.errors import SourceError
from kg.namespace import META_GRAPH, PROV
from kg.provenance import activity_for, describe, display_path
from kg.sources import SourceGraph, default_sources, sources_for_file
from kg.store.base import Store
from kg.store.layout import DataDir

Progress = Callable[[str], None]
log = logging.getLogger(__name__)
#: A source graph name a user may choose (the graph is <BASE>graph/NAME).
GRAPH_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*")


def write_source(store: Store, source: SourceGraph) -> int:
    """Replace the source's named graph and its description; returns the triples
    the graph holds (fewer than the source yielded when it repeats some)."""
    old_files = store.objects(META_GRAPH, source.graph, PROV.wasDerivedFrom)
    _warn_if_another_file(store, source, old_files)
    started = dt.datetime.now(dt.timezone.utc)
    count = store.count(source.graph) if store.replace_graph(source.graph, source.triples) else 0
    ended = dt.datetime.now(dt.timezone.utc)
    store.remove_subjects(META_GRAPH, [source.graph, activity_for(source.graph), *old_files])
    store.add_triples(META_GRAPH, describe(source, count, started, ended))
    return count


def _warn_if_another_file(store: Store, source: SourceGraph, old_files: list) -> None:
    """Two files with the same name get the same graph by default: say so when
    a load replaces what another file put there."""
    before = {str(loc) for f in old_files for loc in store.objects(META_GRAPH, f, PROV.atLocation)}
    now = {display_path(p) for p in source.files}
    if before and now and not before & now:
        log.warning("graph %s held %s; it now holds %s instead (give another graph name to keep both: "
                    "kg load --graph NAME)", source.name, ", ".join(sorted(before)), ", ".join(sorted(now)))


#: The graphs every write_all recomputes from all the others, after the sources.
REWRITTEN = ("derived", "inferred")


def write_all(store: Store, sources: Iterable[Callable[[], SourceGraph]],
              progress: Progress | None = None) -> dict[str, int]:
    """Write each source, then the derived statistics and the inferred graph."""
    from kg.quality import infer

    counts: dict[str, int] = {}
    with _writing(store):
        for make in sources:
            source = make()
            counts[source.name] = write_source(store, source)
            if progress:
                progress(f"{source.name}: {counts[source.name]} triples")
        counts["derived"] = derived.rebuild(store)
        if progress:
            progress(f"derived: {counts['derived']} triples")
        # Last, as it reads every other graph. The inferred graph is replaced like
        # the others: atomically on a remote store, within the staged copy here.
        counts["inferred"] = infer(store)
        if progress:
            progress(f"inferred: {counts['inferred']} triples")
    return counts


def _writing(store: Store) -> AbstractContextManager[object]:
    """One write session for a whole build, where the store has them (a
    remote store then tells its readers once that hidden graphs will appear,
    instead of once per graph)."""
    writing = getattr(store, "writing", None)
    return writing() if callable(writing) else nullcontext()


def build(data_dir: DataDir, *, only: Iterable[str] | None = None,
          articles: Iterable[Path] = (), progress: Progress | None = None,
          sources: list[Callable[[], SourceGraph]] | None = None) -> dict[str, int]:
    """Build the default graph (or the named sources, or the given loaders) into a
    fresh store and swap it in."""
    if sources is None:
        sources = default_sources(only=only, article_dirs=articles)
    with data_dir.staged(from_current=False) as store:
        return write_all(store, sources, progress)


def _makers(files: Iterable[Path], layout: str | None, name: str | None) -> list[Callable[[], SourceGraph]]:
    files = [Path(f) for f in files]
    if name is not None:
        if len(files) != 1:
            raise SourceError(f"a graph name ({name}) applies to one file, not {len(files)}")
        if not GRAPH_NAME.fullmatch(name) or name.split("/")[0] in ("meta", *REWRITTEN):
            raise SourceError(f"graph name {name!r}: give words of letters, digits, '-', '_' or '.' "
                              "joined by '/' (such as trade/kgz-exports), not meta, derived or inferred")
    return [m for path in files for m in sources_for_file(path, layout=layout, name=name)]


def load(data_dir: DataDir, files: Iterable[Path], *, layout: str | None = None, name: str | None = None,
         progress: Progress | None = None) -> dict[str, int]:
    """Add files to the current graph, each in its own named graph (re-loading
    replaces it); `name` names the graph of a single file."""
    makers = _makers(files, layout, name)
    with data_dir.staged(from_current=True) as store:
        return write_all(store, makers, progress)


def load_into(store: Store, files: Iterable[Path], *, layout: str | None = None, name: str | None = None,
              progress: Progress | None = None) -> dict[str, int]:
    """Add files to a store that manages its own atomicity (a remote store
    replaces each named graph in one step)."""
    makers = _makers(files, layout, name)
    return write_all(store, makers, progress)
