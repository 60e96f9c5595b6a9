"""Serving the app in production.

``kg serve`` calls :func:`run`, which serves with waitress (a pure-Python,
multi-threaded production WSGI server). Other WSGI servers load
``server.wsgi:app`` (for example ``gunicorn --threads 8 server.wsgi:app``);
that app is built on first access, from ``KG_DATA_DIR`` and the other ``KG_*``
environment variables, so importing this module costs nothing.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kg.store.layout import DataDir

log = logging.getLogger(__name__)


def run(directory: DataDir | str | Path | None, host: str = "127.0.0.1", port: int = 8000,
        threads: int = 8, config: dict[str, Any] | None = None, store: Any = None) -> None:
    """Serve the current build of `directory` (or the given store, such as a
    remote SPARQL store) until interrupted."""
    import waitress

    from server.app import create_app

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
