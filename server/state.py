"""What one app instance shares between requests: its settings, the store
holder and the pool that runs checking passes."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from server.config import Settings
from server.execution import Limits, QueryRunner
from server.store_access import DataDirStoreHolder, FixedStoreHolder


@dataclass
class ServerState:
    settings: Settings
    holder: DataDirStoreHolder | FixedStoreHolder
    runner: QueryRunner

    @property
    def limits(self) -> Limits:
        return Limits(timeout=self.settings.query_timeout, max_results=self.settings.max_results)


def state() -> ServerState:
    return current_app.extensions["kg"]
