"""`kg serve` starts the production server (waitress) on a built graph."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.server.live import TIMEOUT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kg_serve(data_dir):
    kg = shutil.which("kg", path=str(Path(sys.executable).parent))
    if kg is None:
        pytest.skip("the kg command is not installed")
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([kg, "serve", "--data-dir", str(data_dir.path), "--port", str(port),
                                "--threads", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read().decode()
            try:
                r = requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "kg serve did not start"
                time.sleep(0.2)
        assert r.json()["status"] == "ok"
        assert r.headers["Server"] == "regecon-kg"
        ask = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=TIMEOUT)
        assert ask.json()["boolean"] is True
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
