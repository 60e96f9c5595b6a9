"""`kg build/load/query/stats --store URL` against a real Oxigraph server."""
from __future__ import annotations

import json
import subprocess
import sys


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          timeout=600)


def test_build_and_query_through_the_remote_store(fresh_oxigraph, tmp_path):
    url = fresh_oxigraph.query_url
    done = kg("build", "--store", url, "--source", "ontology", "--source", "countries",
              "--source", "blocs")
    assert done.returncode == 0, done.stderr
    out = kg("query", "--store", url, "-f", "bloc_members", "--param", "bloc=EAEU",
             "--param", "date=2015-03-01", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["results"]["bindings"]
    assert [r["iso3"]["value"] for r in rows] == ["ARM", "BLR", "KAZ", "RUS"]
    ttl = tmp_path / "extra.ttl"
    ttl.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p 1 .\n")
    assert kg("load", "--store", url, str(ttl)).returncode == 0
    stats = json.loads(kg("stats", "--store", url, "--json").stdout)
    assert any(g.endswith("/graph/file/extra") for g in stats["graphs"])


def test_infer_on_a_remote_store_rebuilds_the_inferred_graph(fresh_oxigraph):
    from kg.namespace import INFERRED_GRAPH
    from kg.store.remote import open_store

    url = fresh_oxigraph.query_url
    assert kg("build", "--store", url, "--source", "ontology", "--source", "countries").returncode == 0
    store = open_store(url)
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}"
    built = set(store.query(query))
    assert built  # the build materialised it
    store.drop_graph(INFERRED_GRAPH)
    done = kg("infer", "--store", url)
    assert done.returncode == 0, done.stderr
    assert f"inferred graph: {len(built)} triples" in done.stderr
    assert set(store.query(query)) == built
    assert store.collect_staging() == []


def test_an_unreachable_store_names_the_url():
    out = kg("query", "--store", "http://127.0.0.1:9/query", "ASK { ?s ?p ?o }")
    assert out.returncode != 0
    assert "127.0.0.1:9" in out.stderr
