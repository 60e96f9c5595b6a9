"""Whole-dataset downloads: every named graph as N-Quads, gzip-compressed.

A dump is written once per dataset version, on the first request for it, into
the data directory's ``dumps/`` folder (a temporary folder for a store given
to the app), under a name derived from the version; a rebuild gives a new
name and the old files are removed. Writing goes to a temporary file that is
renamed into place, so a reader never gets a partial dump, and one lock makes
concurrent first requests wait for a single writer.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import threading
from pathlib import Path

from server.store_access import ServedStore

#: The file name clients see, and the formats of its content.
DOWNLOAD_NAME = "regecon.nq.gz"
MEDIA_TYPE = "application/n-quads"
COMPRESS_FORMAT = "application/gzip"
SUFFIX = ".nq.gz"


class Dumps:
    """The dump files of one app."""

    def __init__(self, directory: Path | None) -> None:
        # Absolute: a relative data directory (the default `var/kg`) must not be
        # read against Flask's root path when the file is sent.
        self._directory = directory.resolve() if directory is not None else None
        self._temporary: tempfile.TemporaryDirectory | None = None
        self._lock = threading.Lock()

    def directory(self) -> Path:
        if self._directory is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="kg-dumps-")
            self._directory = Path(self._temporary.name)
        self._directory.mkdir(parents=True, exist_ok=True)
        return self._directory

    def get(self, served: ServedStore, version: str) -> Path:
        """The dump of `version`, written now if it is not there yet."""
        with self._lock:
            path = self._path(version)
            if not path.exists():
                self._write(served, path)
            for old in self.directory().glob("*" + SUFFIX):
                if old != path:
                    old.unlink(missing_ok=True)  # readers keep their open file
            return path

    def _path(self, version: str) -> Path:
        name = hashlib.sha256(version.encode("utf-8")).hexdigest()[:24]
        return self.directory() / (name + SUFFIX)

    def _write(self, served: ServedStore, path: Path) -> None:
        fd, partial = tempfile.mkstemp(prefix=".partial-", suffix=SUFFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                          compresslevel=6, mtime=0) as out:
                served.store.dump(out, "nquads")
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
