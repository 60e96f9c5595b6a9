"""A real waitress server running an app in a background thread, on a free
port of 127.0.0.1, for tests that talk HTTP with real clients."""
from __future__ import annotations

import threading
import time

import requests
import waitress
from flask import Flask
from waitress import wasyncore

TIMEOUT = 10  # seconds, for every request a test makes


class LiveServer:
    def __init__(self, app: Flask, threads: int = 4) -> None:
        self.app = app
        # The output buffer limit is the one `kg serve` uses (see server.wsgi.run).
        self._server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads,
                                              ident="regecon-kg-test",
                                              outbuf_high_watermark=4 * 1024 * 1024)
        self.url = f"http://127.0.0.1:{self._server.effective_port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="live-server", daemon=True)

    def _loop(self) -> None:
        # One poll at a time, so that stop() is noticed within a tenth of a second.
        while not self._stop.is_set():
            self._server.asyncore.loop(timeout=0.1, map=self._server._map, count=1)
        self._server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._server._map)

    def start(self) -> "LiveServer":
        self._thread.start()
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/health", timeout=2)
                return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"the test server at {self.url} did not start")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=TIMEOUT)
        self.app.extensions["kg"].close()

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
