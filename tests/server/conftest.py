"""Fixtures: a small graph built once per session into a temporary data
directory, and real servers on it."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import build
from kg.store.layout import DataDir
from server import create_app
from tests.server.live import LiveServer

SOURCES = ["ontology", "countries", "blocs", "trade-sample"]


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    directory = DataDir(tmp_path_factory.mktemp("kg") / "data")
    build(directory, only=SOURCES)
    return directory


@pytest.fixture(scope="session")
def live(data_dir: DataDir) -> Iterator[LiveServer]:
    with LiveServer(create_app(data_dir=data_dir)) as server:
        yield server


@pytest.fixture(scope="session")
def base(live: LiveServer) -> str:
    return live.url


def serve(data_dir: DataDir | Path, **config) -> LiveServer:
    """Another server on the same (or another) data directory with its own settings."""
    return LiveServer(create_app(data_dir=data_dir, config=config))
