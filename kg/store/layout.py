"""The on-disk layout of a data directory, and the copy-on-write swap that makes
every write all-or-nothing.

    DATA_DIR/
      stores/<build-id>/   one Oxigraph database per build
      current -> stores/<build-id>   the store being served
      build.lock           held while a build or load runs

A writer gets a fresh store (empty, or a copy of the current one), fills it, and
only then is `current` re-pointed with an atomic rename. A writer that fails or
is killed leaves `current` untouched; readers keep what they opened.
"""
from __future__ import annotations

import fcntl
import gc
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import StoreError
from kg.store.oxigraph import OxigraphStore


def default_data_dir() -> Path:
    """``$KG_DATA_DIR``, else ``./var/kg``."""
    return Path(os.environ.get("KG_DATA_DIR", "var/kg"))


class DataDir:
    """A directory holding the built stores of one knowledge graph."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_data_dir()
        self.stores = self.path / "stores"
        self.current_link = self.path / "current"

    def current(self) -> Path | None:
        """The directory of the store being served, or None before the first build."""
        if not self.current_link.is_symlink() and not self.current_link.exists():
            return None
        target = self.current_link.resolve()
        return target if target.is_dir() else None

    def open(self, *, read_only: bool = True) -> OxigraphStore:
        current = self.current()
        if current is None:
            raise StoreError(f"no graph built in {self.path} yet: run `kg build --data-dir {self.path}`")
        return OxigraphStore(current, read_only=read_only)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the build lock; a second writer is refused with a clear error."""
        self.path.mkdir(parents=True, exist_ok=True)
        fh = open(self.path / "build.lock", "a+")
        try:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                raise StoreError(f"another build or load is running in {self.path} ({holder}); "
                                 "try again when it has finished") from None
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}")
            fh.flush()
            yield
        finally:
            fh.close()

    @contextmanager
    def staged(self, *, from_current: bool) -> Iterator[OxigraphStore]:
        """Yield a writable store; swap it in as `current` if the block succeeds.

        `from_current=True` starts from a copy of the current store (``kg load``),
        otherwise from an empty one (``kg build``)."""
        with self.lock():
            self.stores.mkdir(parents=True, exist_ok=True)
            target = self.stores / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
            current = self.current()
            store: OxigraphStore | None = None
            try:
                if from_current and current is not None:
                    OxigraphStore(current, read_only=True).backup(target)
                    store = OxigraphStore(target)
                else:
                    store = OxigraphStore(target)
                yield store
                store.flush()
                store.close()
                store = None  # release the database before `current` moves to it
            except OSError as exc:
                # The engine reports a full disk (and other I/O failures) as a bare OSError.
                _discard(store, target)
                raise StoreError(f"could not write the new store in {target}: {exc}; "
                                 "the store being served is unchanged") from exc
            except BaseException:
                _discard(store, target)
                raise
            self._point_current_at(target)
            self._collect_garbage(keep={target, current})

    def _point_current_at(self, target: Path) -> None:
        tmp = self.path / f".current-{os.getpid()}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(os.path.relpath(target, self.path), tmp)
        os.replace(tmp, self.current_link)  # atomic on POSIX
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _collect_garbage(self, keep: set[Path | None]) -> None:
        """Delete stores older than the previous one, and those of killed builds.

        The previous store is kept so that readers that opened it can finish."""
        for old in self.stores.iterdir():
            if old.is_dir() and old not in keep:
                shutil.rmtree(old, ignore_errors=True)


def _discard(store: OxigraphStore | None, target: Path) -> None:
    """Close a staged store and delete it: the engine must let go of its files
    first, or some survive the deletion."""
    if store is not None:
        store.close()
    gc.collect()
    shutil.rmtree(target, ignore_errors=True)
