"""A binary file object that hands what the engine's serialisers write to a
consumer in chunks, for the two places a serialised result is forwarded: the
query worker's pipe and the streaming response's queue. It loads nothing but
the standard library, so the worker processes can use it."""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

CHUNK_SIZE = 64 * 1024


class ChunkWriter(io.RawIOBase):
    """Collects writes and calls `deliver(chunk)` with at least CHUNK_SIZE bytes
    at a time; `check`, called on every write, may raise to stop the writer."""

    def __init__(self, deliver: Callable[[bytes], None], check: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._deliver = deliver
        self._check = check
        self._buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self._check is not None:
            self._check()
        self._buffer += data
        if len(self._buffer) >= CHUNK_SIZE:
            self.send()
        return len(data)

    def take(self) -> bytes:
        """What is buffered, removed from the writer instead of delivered."""
        chunk, self._buffer = bytes(self._buffer), bytearray()
        return chunk

    def send(self) -> None:
        """Deliver what is buffered now (at the end of a result)."""
        if self._buffer:
            chunk, self._buffer = bytes(self._buffer), bytearray()
            self._deliver(chunk)
