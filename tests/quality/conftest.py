"""Fixtures for the quality tests: writable copies of the session's built graph
(the shared one is never modified), the graph with the seed article loaded,
and a skip when HermiT has no Java runtime."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.build import load
from kg.store.layout import DataDir
from kg.store.oxigraph import OxigraphStore

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED = SEEDS / "000_7f203286ebdacbea.txt"

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")


def copy_data_dir(source: DataDir, target: Path) -> DataDir:
    """A data directory whose current store is a copy of `source`'s."""
    copy = DataDir(target)
    copy.stores.mkdir(parents=True)
    store_dir = copy.stores / "copy"
    OxigraphStore(source.current(), read_only=True).backup(store_dir)
    os.symlink(os.path.relpath(store_dir, copy.path), copy.current_link)
    return copy


@pytest.fixture()
def writable(built_dir, tmp_path) -> OxigraphStore:
    """A writable copy of the default graph, for tests that add bad data or infer."""
    store_dir = tmp_path / "store"
    OxigraphStore(built_dir.current(), read_only=True).backup(store_dir)
    store = OxigraphStore(store_dir)
    yield store
    store.close()


@pytest.fixture(scope="session")
def seeded_dir(built_dir, tmp_path_factory) -> DataDir:
    """The default graph with the seed article loaded (`kg load` of the file)."""
    if not SEED.exists():
        pytest.skip("seed article not available in ../shared/seeds")
    directory = copy_data_dir(built_dir, tmp_path_factory.mktemp("seeded") / "data")
    load(directory, [SEED])
    return directory
