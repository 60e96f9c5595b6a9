"""Streaming a serialiser's output as a response body.

The engine's serialisers write to a file object and return when done; a WSGI
body is an iterator. A producer thread runs the serialiser into a bounded
queue of chunks and the response iterator takes them out, so memory stays at
a few chunks however large the result, and a slow client slows the producer
down instead of filling memory.

When the client goes away, or the time limit passes, the producer is told to
stop: its next write raises and the serialiser unwinds. A body cut by the time
limit ends with a short error trailer where the format has room for one, and
then the connection is dropped without the final chunk, so that clients see a
failed transfer rather than a complete-looking document.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO

from server.chunks import ChunkWriter
from server.execution import detached
from server.formats import Format

log = logging.getLogger(__name__)

QUEUE_CHUNKS = 8


class StreamCancelled(OSError):
    """Raised into the serialiser when nobody will read what it writes."""


class StreamAborted(Exception):
    """Raised out of the response body to make the server drop the connection."""


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


class _Channel:
    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(QUEUE_CHUNKS)
        self.cancelled = threading.Event()

    def put(self, item: object) -> None:
        while not self.cancelled.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise StreamCancelled("the response is no longer being read")

    def get(self, timeout: float) -> object:
        return self._queue.get(timeout=timeout)


def error_trailer(fmt: Format, message: str) -> bytes:
    if not fmt.error_trailer:
        return b""
    if fmt.error_trailer.lstrip().startswith("{"):
        text = json.dumps(message)[1:-1]
    else:
        text = message.replace("--", "-").replace("\n", " ")
    return (fmt.error_trailer % text).encode("utf-8")


def stream(produce: Callable[[IO[bytes]], None], fmt: Format, timeout: float) -> Iterator[bytes]:
    """A response body fed by `produce(out)` running in its own thread, which
    must finish within `timeout` seconds of the first chunk being asked for."""
    channel = _Channel()

    def check() -> None:
        if channel.cancelled.is_set():
            raise StreamCancelled("the response is no longer being read")

    def run() -> None:
        writer = ChunkWriter(channel.put, check)
        try:
            produce(writer)
            writer.send()
            channel.put(_END)
        except StreamCancelled:
            pass
        except BaseException as exc:  # reported to the reader, which ends the body
            if channel.cancelled.is_set():
                return
            log.exception("serialising a result failed")
            try:
                channel.put(_Failure(detached(exc)))
            except StreamCancelled:
                pass

    def body() -> Iterator[bytes]:
        threading.Thread(target=run, name="kg-stream", daemon=True).start()
        deadline = time.monotonic() + timeout
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    message = (f"time limit of {timeout:g} s (KG_QUERY_TIMEOUT) exceeded "
                               "while sending the result: it is incomplete")
                    log.warning(message)
                    yield error_trailer(fmt, message)
                    raise StreamAborted(message)
                try:
                    item = channel.get(timeout=min(remaining, 0.5))
                except queue.Empty:
                    continue
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    message = f"the result could not be completed: {item.error}"
                    yield error_trailer(fmt, message)
                    raise StreamAborted(message)
                yield item  # type: ignore[misc]
        finally:
            channel.cancelled.set()

    return body()
