"""Runaway queries are really stopped: the worker process evaluating a query
past the time limit is killed, other queries go on meanwhile, and the pool
replaces what it lost."""
from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.server.conftest import serve
from tests.server.live import TIMEOUT, LiveServer

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = 'ASK { ?b rer:shortName "EAEU" }'
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def limited(data_dir) -> Iterator[LiveServer]:
    with serve(data_dir, KG_QUERY_TIMEOUT=2, KG_QUERY_WORKERS=3) as server:
        yield server


def _pool(server: LiveServer):
    return server.app.extensions["kg"].pool


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_slow(server: LiveServer, outcome: dict) -> threading.Thread:
    def run() -> None:
        started = time.monotonic()
        r = requests.get(server.url + "/sparql", params={"query": CARTESIAN}, headers=JSON, timeout=TIMEOUT)
        outcome.update(status=r.status_code, body=r.json(), seconds=time.monotonic() - started)
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_runaway_query_is_killed_while_others_are_served(limited):
    pool = _pool(limited)
    outcome: dict = {}
    slow = _run_slow(limited, outcome)
    assert _wait_for(lambda: len(pool.busy_pids()) == 1), "the slow query did not reach a worker"
    (pid,) = pool.busy_pids()
    time.sleep(0.3)
    assert _cpu_seconds(pid) > 0.1, "the worker is not computing"

    # Other queries are answered while the runaway one runs.
    answers: list[tuple[int, float]] = []

    def quick() -> None:
        started = time.monotonic()
        r = requests.get(limited.url + "/sparql", params={"query": QUICK}, timeout=TIMEOUT)
        answers.append((r.status_code, time.monotonic() - started))
    others = [threading.Thread(target=quick) for _ in range(4)]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(TIMEOUT)
    assert [status for status, _ in answers] == [200] * 4
    assert max(seconds for _, seconds in answers) < 2

    slow.join(TIMEOUT)
    assert outcome["status"] in (503, 504)
    assert outcome["seconds"] < 5
    assert "KG_QUERY_TIMEOUT" in outcome["body"]["error"]["message"]
    # The worker is gone (killed and reaped), so its CPU is free, and the pool goes on.
    assert _gone(pid)
    assert pid not in pool.pids()
    assert requests.get(limited.url + "/sparql", params={"query": QUICK}, timeout=TIMEOUT).json()["boolean"]
    assert _wait_for(lambda: len(pool.pids()) >= 2), "the pool did not start a fresh worker"


def test_worker_that_dies_mid_query_is_replaced(limited):
    pool = _pool(limited)
    outcome: dict = {}
    slow = _run_slow(limited, outcome)
    assert _wait_for(lambda: len(pool.busy_pids()) == 1)
    (pid,) = pool.busy_pids()
    os.kill(pid, signal.SIGKILL)
    slow.join(TIMEOUT)
    assert outcome["status"] == 500
    assert "worker stopped unexpectedly" in outcome["body"]["error"]["message"]
    assert outcome["seconds"] < 2
    assert requests.get(limited.url + "/sparql", params={"query": QUICK}, timeout=TIMEOUT).status_code == 200


def test_client_that_leaves_mid_stream_frees_its_worker(data_dir):
    everything = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
    with serve(data_dir, KG_QUERY_TIMEOUT=20, KG_QUERY_WORKERS=2, KG_MAX_RESULTS=100_000) as server:
        pool = _pool(server)
        with requests.get(server.url + "/sparql", params={"query": everything, "format": "tsv"},
                          stream=True, timeout=TIMEOUT) as r:
            assert r.status_code == 200
            next(r.iter_content(64 * 1024))
            (pid,) = pool.busy_pids()
        assert _wait_for(lambda: _gone(pid), 10), "the worker kept running after the client left"
        assert pid not in pool.pids()
