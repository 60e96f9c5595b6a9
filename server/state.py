"""What one app instance shares between requests: its settings, the store
holder, the threads that run checking passes for a store given to the app,
the worker processes that run queries on a data directory, its metrics and
its dump files."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from server.config import Settings
from server.dumps import Dumps
from server.execution import Limits, QueryRunner
from server.metrics import Metrics
from server.store_access import DataDirStoreHolder, FixedStoreHolder
from server.workers import WorkerPool


@dataclass
class ServerState:
    settings: Settings
    holder: DataDirStoreHolder | FixedStoreHolder
    runner: QueryRunner
    metrics: Metrics
    dumps: Dumps
    pool: WorkerPool | None = None

    def close(self) -> None:
        """End the worker processes (an app is not used after this)."""
        if self.pool is not None:
            self.pool.close()

    @property
    def limits(self) -> Limits:
        return Limits(timeout=self.settings.query_timeout, max_results=self.settings.max_results)


def state() -> ServerState:
    return current_app.extensions["kg"]
