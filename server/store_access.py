"""Which store a request reads.

The served store lives behind the data directory's `current` symlink, which a
build re-points atomically. The holder looks at the link at most once per
check interval, opens the new store when it moved, and hands each request one
store object that the request keeps to its end (streamed bodies included), so
a request never sees two builds. The previous store object is dropped, not
closed: requests still reading it finish on it.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app, g

from kg.errors import StoreError
from kg.namespace import META_GRAPH
from kg.store.base import Store
from kg.store.layout import DataDir
from kg.store.oxigraph import OxigraphStore
from server import page_queries

log = logging.getLogger(__name__)


class StoreUnavailable(StoreError):
    """No store can be served yet (no build in the data directory)."""


class ServedStore:
    """One opened store plus per-store memos (graph sizes, licences) that are
    worth computing once per build rather than once per request, and the
    dataset's version, which names what the store holds (for ETags)."""

    def __init__(self, store: Store, path: Path | None, writable: bool) -> None:
        self.store = store
        self.path = path
        self.writable = writable
        self.opened_at = time.time()
        self._memo: dict[str, Any] = {}
        self._memo_lock = threading.Lock()
        #: Changes made through this server (SPARQL Update, Graph Store Protocol).
        self._generation = 0
        self._probed: str | None = None
        self._probed_at = float("-inf")

    def memo(self, key: str, compute: Callable[[Store], Any]) -> Any:
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = compute(self.store)
            return self._memo[key]

    def forget(self) -> None:
        """Drop the memos, after the store was changed in place."""
        with self._memo_lock:
            self._memo.clear()
            self._generation += 1

    def version(self, probe_interval: float) -> str:
        """What the store holds, as a short string that changes when the data does.

        A build in a data directory is never changed in place, so its name is
        its version (plus changes made through this server). Any other store,
        such as a remote one that other processes write to, is probed at most
        once per `probe_interval` seconds through its metadata graph; the
        memos are dropped when the probe's answer changes."""
        if self.build_id is None:
            now = time.monotonic()
            if now - self._probed_at >= probe_interval:
                probed = _probe(self.store)
                if self._probed is not None and probed != self._probed:
                    log.info("the store's data changed: %s", probed)
                    self.forget()
                self._probed, self._probed_at = probed, now
            base = self._probed
        else:
            base = self.build_id
        return f"{base}.{self._generation}"

    @property
    def build_id(self) -> str | None:
        return self.path.name if self.path else None


def _probe(store: Store) -> str:
    rows = page_queries.rows(store, "dataset_version", metaGraph=META_GRAPH)
    row = rows[0] if rows else {}
    return f"{row.get('latest') or '-'}/{row.get('activities') or 0}"


class FixedStoreHolder:
    """A store given by the caller (tests, embedding): served as is, never reloaded."""

    def __init__(self, store: Store) -> None:
        path = getattr(store, "path", None)
        self._served = ServedStore(store, Path(path) if path else None, writable=True)

    def get(self) -> ServedStore:
        return self._served


class DataDirStoreHolder:
    """The current store of a data directory, reopened when a build swaps it."""

    def __init__(self, data_dir: DataDir, check_interval: float = 1.0) -> None:
        self.data_dir = data_dir
        self.check_interval = check_interval
        self._served: ServedStore | None = None
        self._target: str | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def _link_target(self) -> str | None:
        """Where `current` points, read without resolving the whole path: one syscall."""
        try:
            return os.readlink(self.data_dir.current_link)
        except FileNotFoundError:
            return None
        except OSError:
            # Not a symlink (a copied data directory): fall back to the resolved path.
            current = self.data_dir.current()
            return str(current) if current else None

    def get(self) -> ServedStore:
        now = time.monotonic()
        if self._served is not None and now - self._checked_at < self.check_interval:
            return self._served
        with self._lock:
            if self._served is not None and now - self._checked_at < self.check_interval:
                return self._served
            self._checked_at = now
            target = self._link_target()
            if target is not None and (self._served is None or target != self._target):
                self._open(target)
        if self._served is None:
            raise StoreUnavailable(f"no graph built in {self.data_dir.path} yet: "
                                   f"run `kg build --data-dir {self.data_dir.path}`")
        return self._served

    def _open(self, target: str) -> None:
        path = (self.data_dir.path / target).resolve()
        if not path.is_dir():
            return
        try:
            store = OxigraphStore(path, read_only=True)
        except StoreError as exc:
            # A build in the middle of its swap, or a store removed under us:
            # keep serving what we have and look again at the next check.
            log.warning("could not open %s: %s", path, exc)
            return
        if self._served is not None:
            log.info("serving the new build %s", path.name)
        self._served = ServedStore(store, path, writable=False)
        self._target = target


def served() -> ServedStore:
    """The store of this request: fetched once, then kept for the whole request."""
    if "kg_served" not in g:
        g.kg_served = current_app.extensions["kg"].holder.get()
    return g.kg_served
