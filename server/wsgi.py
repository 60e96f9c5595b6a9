"""Serving the app in production.

``kg serve`` calls :func:`run`, which serves with waitress (a pure-Python,
multi-threaded production WSGI server). Other WSGI servers load
``server.wsgi:app`` (for example ``gunicorn --threads 8 server.wsgi:app``);
that app is built on first access, from ``KG_DATA_DIR`` and the other ``KG_*``
environment variables, so importing this module costs nothing.
"""
from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.store.layout import DataDir

log = logging.getLogger(__name__)


class AddressUnavailable(KGError):
    """The server cannot listen where it was asked to."""


def check_address(host: str, port: int) -> None:
    """Fail at once, and in words, when `host:port` cannot be listened on (most
    often another server holds the port), rather than after a build and with a
    traceback from the WSGI server."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise AddressUnavailable(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
        try:
            probe.bind(address)
        except OSError as exc:
            raise AddressUnavailable(f"cannot listen on http://{host}:{port}/: {exc.strerror} (is another "
                                     "server running there?); choose another port with --port") from None


def run(directory: DataDir | str | Path | None, host: str = "127.0.0.1", port: int = 8000,
        threads: int = 8, config: dict[str, Any] | None = None, store: Any = None) -> None:
    """Serve the current build of `directory` (or the given store, such as a
    remote SPARQL store) until interrupted."""
    import waitress

    from server.app import create_app

    check_address(host, port)

    if store is not None:
        app = create_app(store=store, config=config)
        what = "the given store"
    else:
        app = create_app(data_dir=directory, config=config)
        what = str(app.extensions["kg"].holder.data_dir.path)
    settings = app.extensions["kg"].settings
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.info("serving %s on http://%s:%s/ with %d threads", what, host, port, threads)
    waitress.serve(app, host=host, port=port, threads=threads, ident="regecon-kg",
                   max_request_body_size=settings.max_body_size,
                   # A slow client makes the response thread wait (and with it the
                   # result producer) once this much output is buffered.
                   outbuf_high_watermark=4 * 1024 * 1024)


_app = None


def __getattr__(name: str):
    """``server.wsgi:app`` for other WSGI servers, created on first use."""
    global _app
    if name == "app":
        if _app is None:
            from server.app import create_app
            _app = create_app()
        return _app
    raise AttributeError(name)
