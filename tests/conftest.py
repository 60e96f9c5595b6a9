"""Shared fixtures: the default graph built once per session into a temporary
data directory, with a real embedded store."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.api import KnowledgeGraph
from kg.build import build
from kg.store.layout import DataDir

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory) -> DataDir:
    directory = DataDir(tmp_path_factory.mktemp("kg") / "data")
    build(directory)
    return directory


@pytest.fixture(scope="session")
def kg(built_dir) -> KnowledgeGraph:
    graph = KnowledgeGraph.open(built_dir.path)
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared reference data not available")
    return SHARED
