"""Faults around the endpoint: a build killed at any point, a disk that fills
up, two builds at once, and query workers killed under load. In each case the
previous store keeps serving, intact, and clients lose at most what was in
flight."""
from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kg.store.layout import DataDir
from tests.reliability.conftest import LONG, copy_build, load_bench

#: Seed of the kill delays; set KG_RELIABILITY_SEED to explore other points.
SEED = int(os.environ.get("KG_RELIABILITY_SEED", "20261130"))
KILL_RUNS = 60 if LONG else 20
WAIT = 30.0  # seconds: the bound on every wait in this module

COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def _build_args(data_dir: Path) -> list[str]:
    args = [*load_bench.kg_command(), "build", "--data-dir", str(data_dir)]
    for source in load_bench.SMALL_SOURCES:
        args += ["--source", source]
    return args


def _popen(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=load_bench.REPO, env=load_bench.kg_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _direct_counts(data_dir: Path) -> dict[str, int]:
    """Triples per named graph, read from the current store opened read-only
    in this process: what any new reader of the data directory would see."""
    store = DataDir(data_dir).open()
    try:
        counts = {str(g): store.count(g) for g in store.graphs()}
        counts["*"] = store.count()
        return counts
    finally:
        store.close()


def _served_counts(url: str) -> tuple[str, dict[str, int]]:
    """The served build and its triples per named graph, through the endpoint."""
    status, headers, body = load_bench.request(
        url, "GET", "/sparql?" + _query(COUNT_BY_GRAPH), headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body[:300]
    rows = json.loads(body)["results"]["bindings"]
    return headers["x-kg-build"], {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def _query(text: str) -> str:
    return urlencode({"query": text})


def _wait_for_lock(data_dir: Path, process: subprocess.Popen) -> bool:
    """Wait until `process` holds the build lock (it writes its pid there once
    it has it); False if it ended first."""
    lock = data_dir / "build.lock"
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if lock.read_text().strip() == f"pid {process.pid}":
                return True
        except OSError:
            pass
        time.sleep(0.002)
    raise AssertionError("the build did not take the lock in time")


def _served_build_becomes(url: str, build: str) -> bool:
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        if _served_counts(url)[0] == build:
            return True
        time.sleep(0.1)
    return False


def _write_phase(data_dir: Path, process: subprocess.Popen, previous: str | None, kill_after: float | None
                 ) -> tuple[str, float | None]:
    """Follow a running build: wait for it to take the lock, then until
    `kill_after` seconds have passed (SIGKILL it then) or it has swapped its
    store in. Returns where it was when killed or done ("writing", "swapped",
    or "failed" if it ended without a swap) and, if it swapped, how long after
    the lock."""
    if not _wait_for_lock(data_dir, process):
        return ("swapped" if load_bench.current_build(data_dir) != previous else "failed"), None
    locked = time.monotonic()
    deadline = locked + WAIT * 4
    while time.monotonic() < deadline:
        if load_bench.current_build(data_dir) != previous:
            return "swapped", time.monotonic() - locked
        if kill_after is not None and time.monotonic() - locked >= kill_after:
            process.send_signal(signal.SIGKILL)
            return "writing", None
        if process.poll() is not None:
            return ("swapped" if load_bench.current_build(data_dir) != previous else "failed"), None
        time.sleep(0.002)
    raise AssertionError("the build neither swapped nor ended in time")


def test_kill_9_during_build_leaves_the_previous_store(own_build: Path, server_factory) -> None:
    """`kill -9` of `kg build` at random points of its write phase (between
    taking the lock and swapping the new store in), at least 20 times, plus a
    few in its start-up and after its swap: after each, the store behind
    `current` opens and holds exactly the triples it held before, and the
    running server answers with the same counts."""
    server = server_factory(own_build, KG_STORE_CHECK_INTERVAL="0.2")
    before = _direct_counts(own_build)
    build, served = _served_counts(server.url)
    assert served == {g: n for g, n in before.items() if g != "*"}

    # Uninterrupted builds: how long the write phase takes on this machine now.
    phases: list[float] = []
    for _ in range(2):
        previous = load_bench.current_build(own_build)
        process = _popen(_build_args(own_build))
        where, phase = _write_phase(own_build, process, previous, None)
        assert process.wait(timeout=WAIT * 4) == 0, process.stderr.read() if process.stderr else ""
        assert where == "swapped" and phase is not None
        phases.append(phase)
    assert _direct_counts(own_build) == before, "a complete rebuild changed the counts"

    rng = random.Random(SEED)
    outcomes = {"start-up": 0, "writing": 0, "swapped": 0}
    delays: list[float] = []
    runs = 0
    # The machine is noisy: go on until KILL_RUNS kills have hit the write phase.
    while outcomes["writing"] < KILL_RUNS and runs < 3 * KILL_RUNS:
        runs += 1
        previous = load_bench.current_build(own_build)
        process = _popen(_build_args(own_build))
        if rng.random() < 0.1:  # early: in the start-up, or just after taking the lock
            time.sleep(rng.uniform(0.0, 0.3))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=WAIT)
            if load_bench.current_build(own_build) != previous:
                where = "swapped"
            else:
                locked = (own_build / "build.lock").read_text().strip() == f"pid {process.pid}"
                where = "writing" if locked else "start-up"
        else:
            expected = statistics.median(phases[-5:])
            delay = rng.uniform(0.0, 1.05) * expected
            delays.append(round(delay, 3))
            where, phase = _write_phase(own_build, process, previous, delay)
            if phase is not None:
                phases.append(phase)
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=WAIT)
        assert where != "failed", process.stderr.read() if process.stderr else ""
        current = load_bench.current_build(own_build)
        assert current is not None and (own_build / "current").resolve().is_dir()
        if where != "swapped":
            assert current == previous, f"a build killed while {where} was swapped in"
        outcomes[where] += 1
        assert _direct_counts(own_build) == before, f"the store changed after a kill ({where})"
        assert _served_build_becomes(server.url, current), "the server does not serve the current build"
        assert _served_counts(server.url)[1] == served
        assert server.health()["status"] == "ok"
    print(f"{runs} runs, write phase about {statistics.median(phases):.2f} s; kills: {outcomes}; "
          f"delays {delays}")
    assert outcomes["writing"] >= KILL_RUNS, outcomes

    # The lock is free again and the stores of killed builds go at the next build.
    assert subprocess.run(_build_args(own_build), cwd=load_bench.REPO, env=load_bench.kg_env(),
                          capture_output=True, timeout=WAIT * 4).returncode == 0
    assert len(list((own_build / "stores").iterdir())) <= 2
    assert _direct_counts(own_build) == before


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    """A 64 MiB tmpfs, where the system lets us mount one (root in a sandbox)."""
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)],
                              capture_output=True, text=True, timeout=WAIT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True, timeout=WAIT).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=WAIT)


def _fill(mount_point: Path, leave: int) -> Path:
    """Take all but `leave` bytes of the file system."""
    stats = os.statvfs(mount_point)
    filler = mount_point / "filler"
    size = stats.f_bavail * stats.f_frsize - leave
    with open(filler, "wb") as fh:
        os.posix_fallocate(fh.fileno(), 0, max(size, 0))
    return filler


def test_full_disk_fails_clearly_and_keeps_the_store(small_build: Path, small_tmpfs: Path, tmp_path: Path,
                                                     server_factory) -> None:
    """A build and a load that do not fit on the data directory's disk end with
    one clear error and exit status 2; the previous store is intact, still
    served, and nothing of the failed attempts is left behind."""
    data_dir = copy_build(small_build, small_tmpfs / "data")
    server = server_factory(data_dir)
    before = _direct_counts(data_dir)
    build, served = _served_counts(server.url)
    stores = sorted(p.name for p in (data_dir / "stores").iterdir())
    filler = _fill(small_tmpfs, leave=512 * 1024)

    big = tmp_path / "big.ttl"
    big.write_text("\n".join(f"<http://example.org/s{i}> <http://example.org/p> \"value {i}\" ."
                             for i in range(30_000)), encoding="utf-8")
    for args in (_build_args(data_dir), [*load_bench.kg_command(), "load", "--data-dir", str(data_dir), str(big)]):
        done = subprocess.run(args, cwd=load_bench.REPO, env=load_bench.kg_env(), capture_output=True,
                              text=True, timeout=WAIT * 4)
        assert done.returncode == 2, done.stderr[-3000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        assert "error: could not write the new store" in done.stderr
        assert "No space left on device" in done.stderr
        assert "the store being served is unchanged" in done.stderr
        assert sorted(p.name for p in (data_dir / "stores").iterdir()) == stores
        assert load_bench.current_build(data_dir) == build
        assert _direct_counts(data_dir) == before
        assert _served_counts(server.url) == (build, served)

    # With room again, the next build goes through.
    filler.unlink()
    assert subprocess.run(_build_args(data_dir), cwd=load_bench.REPO, env=load_bench.kg_env(),
                          capture_output=True, timeout=WAIT * 4).returncode == 0
    assert load_bench.current_build(data_dir) != build
    assert _direct_counts(data_dir) == before


def test_second_build_while_one_runs_is_refused(own_build: Path, tmp_path: Path) -> None:
    """While a `kg load` holds the data directory, a `kg build` and a second
    `kg load` are refused at once with a message naming the running one; the
    first one finishes normally."""
    big = tmp_path / "big.ttl"
    big.write_text("\n".join(f"<http://example.org/s{i}> <http://example.org/p> \"value {i}\" ."
                             for i in range(100_000)), encoding="utf-8")
    small = tmp_path / "small.ttl"
    small.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    before = load_bench.current_build(own_build)
    first = _popen([*load_bench.kg_command(), "load", "--data-dir", str(own_build), str(big)])
    try:
        assert _wait_for_lock(own_build, first), "the first writer ended before the test could race it"
        for args in (_build_args(own_build),
                     [*load_bench.kg_command(), "load", "--data-dir", str(own_build), str(small)]):
            started = time.monotonic()
            done = subprocess.run(args, cwd=load_bench.REPO, env=load_bench.kg_env(), capture_output=True,
                                  text=True, timeout=WAIT)
            assert first.poll() is None, "the first writer finished before the second was refused"
            assert done.returncode == 2, done.stderr
            assert "Traceback" not in done.stderr
            assert f"another build or load is running in {own_build} (pid {first.pid})" in done.stderr
            assert time.monotonic() - started < WAIT
            assert load_bench.current_build(own_build) == before
        assert first.wait(timeout=WAIT * 4) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=WAIT)
    assert load_bench.current_build(own_build) != before
    assert _direct_counts(own_build)["*"] > 100_000


def test_killed_query_workers_are_replaced_under_load(small_build: Path, server_factory) -> None:
    """Query workers killed with SIGKILL while 8 clients run queries: each kill
    costs at most the one request that worker was answering, the pool starts
    new workers, and the endpoint keeps answering."""
    server = server_factory(small_build, KG_QUERY_WORKERS="4")
    targets = [t for t in load_bench.default_mix() if t.kind != "entity"]  # pages do not use workers
    killed: list[int] = []
    rng = random.Random(SEED)

    def killer(stop: threading.Event) -> None:
        for _ in range(4):
            time.sleep(1.0)
            pids = server.worker_pids()
            if not pids:
                continue
            pid = rng.choice(pids)
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    results = load_bench.run_clients(server.url, targets, clients=8, duration=6.0, during=killer)
    numbers = load_bench.summary(results)
    print(json.dumps(numbers, indent=2), "killed", killed)
    assert len(killed) == 4
    assert numbers["errors"] <= len(killed), numbers["first_errors"]
    for failure in results.failures:
        # A 500 before the body, or a transfer cut mid-body: never a short answer that looks whole.
        assert not failure.what.startswith("bad answer"), failure
    assert numbers["ok"] >= 50
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        status, _, body = load_bench.request(server.url, "GET", "/sparql?" + _query("ASK { ?s ?p ?o }"),
                                             headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
        if server.worker_pids():
            break
        time.sleep(0.2)
    live = server.worker_pids()
    assert live and not set(live) & set(killed)
    assert all(not load_bench.alive(pid) for pid in killed)
    assert server.health()["query_workers"]["processes"] >= 1
