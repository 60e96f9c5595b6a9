"""The application factory. It lives in its own module (re-exported by the
package) so that ``server.app`` and ``server.wsgi`` import the same way whether
``server`` is loaded as a regular package or as a namespace portion."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from kg.store.base import Store
from kg.store.layout import DataDir
from kg.store.oxigraph import OxigraphStore
from server import config as config_module
from server import caching, errors, headers
from server.dumps import Dumps
from server.execution import QueryRunner
from server.metrics import Metrics
from server.state import ServerState
from server.store_access import DataDirStoreHolder, FixedStoreHolder
from server.workers import WorkerPool, WorkerThread


def create_app(data_dir: str | Path | DataDir | None = None, store: Store | None = None,
               config: Mapping[str, Any] | None = None) -> Flask:
    """An app serving `store` if given (never reloaded), else the current build
    of `data_dir` (default ``KG_DATA_DIR`` or ``./var/kg``), picking up new builds.

    `config` overrides ``KG_*`` environment variables and may hold Flask settings.
    An app on a data directory runs its queries in worker processes, and an
    app on an Oxigraph store on worker threads; call
    ``app.extensions["kg"].close()`` to end them before the process exits
    (they also end at exit, and when the server process dies)."""
    app = Flask(__name__)
    overrides = dict(config or {})
    values = config_module.resolve(overrides)
    settings = config_module.settings_from(values)
    app.config.update({k: v for k, v in overrides.items() if k not in values})
    app.config.update(values)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_size
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_body_size
    app.json.sort_keys = False  # keep the catalog's and results' own order

    pool: WorkerPool | None = None
    if store is not None:
        holder: DataDirStoreHolder | FixedStoreHolder = FixedStoreHolder(store)
        if isinstance(store, OxigraphStore):
            # No other process can open this store: its workers are threads.
            native = store.native
            pool = WorkerPool(settings.query_workers, lambda: WorkerThread(native))
    else:
        directory = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir or settings.data_dir or None)
        holder = DataDirStoreHolder(directory, settings.store_check_interval)
        # Queries on a build run in worker processes that can be killed.
        pool = WorkerPool(settings.query_workers)
        pool.warm_up()
    runner = QueryRunner(settings.query_workers)
    dump_dir = holder.data_dir.path / "dumps" if isinstance(holder, DataDirStoreHolder) else None
    metrics = Metrics(pool)
    app.extensions["kg"] = ServerState(settings, holder, runner, metrics, Dumps(dump_dir), pool)

    from server.views import api, linked_data, ops, sparql, ui, void
    for module in (sparql, linked_data, ui, api, void, ops):
        app.register_blueprint(module.bp)
    from server.views import openapi
    app.register_blueprint(openapi.bp)
    metrics.register(app)
    errors.register(app)
    headers.register(app)
    caching.register(app)
    return app

