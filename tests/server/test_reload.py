"""A rebuild of the data directory is picked up by a running server."""
from __future__ import annotations

import time

import requests

from kg.build import build
from kg.store.layout import DataDir
from tests.server.conftest import serve
from tests.server.live import TIMEOUT

HAS_EAEU = 'ASK { ?b rer:shortName "EAEU" }'


def _has_eaeu(url: str) -> bool:
    r = requests.get(url + "/sparql", params={"query": HAS_EAEU}, timeout=TIMEOUT)
    assert r.status_code == 200
    return r.json()["boolean"]


def test_rebuild_is_picked_up_without_restart(tmp_path):
    directory = DataDir(tmp_path / "data")
    build(directory, only=["ontology", "countries"])
    with serve(directory, KG_STORE_CHECK_INTERVAL=0.2) as server:
        first = requests.get(server.url + "/health", timeout=TIMEOUT).json()["build"]
        assert not _has_eaeu(server.url)
        assert requests.get(server.url + "/id/bloc/EAEU", timeout=TIMEOUT).status_code == 404

        build(directory, only=["ontology", "countries", "blocs"])
        deadline = time.monotonic() + TIMEOUT
        while not _has_eaeu(server.url):
            assert time.monotonic() < deadline, "the new build was not picked up"
            time.sleep(0.1)
        assert requests.get(server.url + "/health", timeout=TIMEOUT).json()["build"] != first
        assert requests.get(server.url + "/id/bloc/EAEU", timeout=TIMEOUT).status_code == 200
