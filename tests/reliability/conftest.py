"""Fixtures for the reliability tests: the real ``kg`` command in subprocesses
(``kg build``, ``kg load``, ``kg serve`` on 127.0.0.1), on small graphs built
into temporary directories.

The load generator and the fuzz targets live in ``bench/`` so that they can be
run at full length by hand; the tests import them from there and run them
briefly. Every wait is bounded. Longer variants run only with
``KG_LONG_TESTS=1``.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
LONG = os.environ.get("KG_LONG_TESTS") == "1"

long_only = pytest.mark.skipif(not LONG, reason="long variant: set KG_LONG_TESTS=1")


def bench_module(name: str) -> ModuleType:
    """``bench/<name>.py`` as a module (``bench`` is a folder of scripts, not a package)."""
    module_name = f"kg_bench_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


load_bench = bench_module("load")


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small graph built once by ``kg build``; tests that write copy it first."""
    data_dir = tmp_path_factory.mktemp("kg-reliability") / "data"
    load_bench.build_small(data_dir)
    return data_dir


def copy_build(source: Path, target: Path) -> Path:
    """A data directory of its own, with the same build (and build id) as `source`.

    The `current` link is relative, so the copy points at its own store."""
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture
def own_build(small_build: Path, tmp_path: Path) -> Path:
    return copy_build(small_build, tmp_path / "data")


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator:
    """Start `kg serve` subprocesses that are stopped at the end of the test."""
    started: list = []

    def start(data_dir: Path, **env: str):
        log = tmp_path / f"serve-{len(started)}.log"
        server = load_bench.KgServer(data_dir, threads=8, env=env, log=log)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
