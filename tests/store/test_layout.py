"""Atomic builds: a failed or killed write leaves the served store as it was."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from rdflib import Literal, URIRef

from kg.errors import StoreError
from kg.store.layout import DataDir

G = URIRef("http://example.org/g")
P = URIRef("http://example.org/p")


def _write(directory: DataDir, n: int, *, from_current: bool = False):
    with directory.staged(from_current=from_current) as store:
        store.replace_graph(G, [(URIRef(f"http://example.org/s{i}"), P, Literal(i)) for i in range(n)])


def test_swap_points_current_at_the_new_store(tmp_path):
    d = DataDir(tmp_path)
    assert d.current() is None
    _write(d, 3)
    first = d.current()
    _write(d, 5)
    assert d.current() != first
    assert d.open().count() == 5


def test_a_failing_write_leaves_the_previous_store(tmp_path):
    d = DataDir(tmp_path)
    _write(d, 3)
    before = d.current()
    with pytest.raises(RuntimeError):
        with d.staged(from_current=True) as store:
            store.replace_graph(G, [])
            raise RuntimeError("boom")
    assert d.current() == before
    assert d.open().count() == 3
    assert len(list(d.stores.iterdir())) == 1  # the staged copy was removed


def test_a_second_writer_is_refused(tmp_path):
    d = DataDir(tmp_path)
    with d.lock():
        with pytest.raises(StoreError, match="another build"):
            with d.lock():
                pass


def test_old_stores_are_collected_but_the_previous_is_kept(tmp_path):
    d = DataDir(tmp_path)
    for n in range(4):
        _write(d, n + 1)
    assert len(list(d.stores.iterdir())) == 2


SLOW_WRITER = """
import sys, time
from rdflib import Literal, URIRef
from kg.store.layout import DataDir
d = DataDir(sys.argv[1])
def triples():
    for i in range(10**7):
        if i == 1000:
            print("writing", flush=True)
        yield URIRef(f"http://example.org/k{i}"), URIRef("http://example.org/p"), Literal(i)
with d.staged(from_current=True) as store:
    store.replace_graph(URIRef("http://example.org/g"), triples())
"""


@pytest.mark.parametrize("run", range(3))
def test_kill_9_during_a_write_leaves_the_previous_store(tmp_path, run):
    d = DataDir(tmp_path)
    _write(d, 7)
    before = d.current()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(tmp_path)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.05 * run)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert d.current() == before
    assert d.open().count() == 7
    _write(d, 2, from_current=True)  # the lock was released with the process
    assert d.open().count() == 2
