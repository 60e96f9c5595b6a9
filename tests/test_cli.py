"""The `kg` command end to end, as a user runs it, including bad input that
must fail clearly and leave the store as it was."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def kg(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cli") / "kg"
    done = kg("build", "--source", "ontology", "--source", "countries", "--source", "blocs",
              "--source", "trade-sample", data_dir=d)
    assert done.returncode == 0, done.stderr
    return d


def quads(data_dir: Path) -> int:
    out = kg("stats", "--json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["total"]


def test_query_json_is_standard_sparql_results(data_dir):
    out = kg("query", "-f", "queries/bloc_members.rq", "--param", "bloc=EAEU", "--param",
             "date=2015-03-01", "--format", "json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["head"]["vars"] == ["country", "iso3", "label", "start", "end"]
    assert [b["iso3"]["value"] for b in doc["results"]["bindings"]] == ["ARM", "BLR", "KAZ", "RUS"]


def test_at_least_249_countries(data_dir):
    out = kg("query", "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rer:Country }", "--format", "csv",
             data_dir=data_dir)
    assert int(out.stdout.splitlines()[1]) >= 249


def test_stats_lists_graphs_and_classes(data_dir):
    out = kg("stats", data_dir=data_dir)
    assert "graph/countries" in out.stdout and "rer:Country" in out.stdout


def test_export_nquads_keeps_graphs(data_dir, tmp_path):
    target = tmp_path / "dump.nq"
    assert kg("export", "--format", "nquads", "-o", str(target), data_dir=data_dir).returncode == 0
    assert "/graph/blocs>" in target.read_text(encoding="utf-8")


def test_load_then_reload_replaces_the_graph(data_dir, tmp_path):
    ttl = tmp_path / "extra.ttl"
    ttl.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p 1 .\nex:b ex:p 2 .\n")
    before = quads(data_dir)
    assert kg("load", str(ttl), data_dir=data_dir).returncode == 0
    once = quads(data_dir)
    assert kg("load", str(ttl), data_dir=data_dir).returncode == 0
    assert quads(data_dir) == once > before


@pytest.mark.parametrize("name, content, message", [
    ("bad.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:p 1 .\nex:b ex:p ex:c ex:d .\n",
     r"bad\.ttl, line 3, column \d+: malformed Turtle"),
    ("bad.nt", '<http://e/a> <http://e/p> "1" .\n<http://e/a> <http://e/p> "open .\n',
     r"bad\.nt, line 2, column \d+: malformed N-Triples"),
    ("remote.jsonld", '{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://e/a", "http://e/p": 1}',
     r"remote\.jsonld: malformed JSON-LD: .*remote context"),
    ("bad.csv", "reporter_iso3,partner_iso3,year,flow,value,unit\nKGZ,KAZ,2021,export,12,USD\nKGZ,KAZ,2022,export,lots,USD\n",
     r"bad\.csv.*line 3.*value"),
    ("badcode.csv", "reporter_iso3,partner_iso3,year,flow,value,unit\nKGZ,XQZ,2021,export,12,USD\n",
     r"badcode\.csv.*line 2.*XQZ"),
    ("bad.docx", "not a known format", r"bad\.docx"),
])
def test_bad_input_fails_clearly_and_changes_nothing(data_dir, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    before = quads(data_dir)
    out = kg("load", str(path), data_dir=data_dir)
    assert out.returncode != 0
    assert out.stderr.startswith("error:")
    import re
    assert re.search(message, out.stderr), out.stderr
    assert quads(data_dir) == before


def test_malformed_query_reports_position(data_dir):
    out = kg("query", "SELECT * WHERE { ?s ?p }", data_dir=data_dir)
    assert out.returncode != 0 and "1:" in out.stderr



def test_a_failing_service_call_is_an_error_not_a_traceback(data_dir):
    """The engine reads lazily, so the failure comes while the rows are read."""
    r = kg("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", data_dir=data_dir)
    assert r.returncode != 0
    assert "query failed" in r.stderr and "Traceback" not in r.stderr

def test_extract_prints_the_contract_shape_without_touching_the_store(shared, tmp_path):
    seed = sorted((shared / "seeds").glob("*.txt"))[0]
    out = subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(seed), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {"source", "date", "countries", "blocs", "facts", "speakers", "anomalies"} <= set(doc)
    assert doc["date"] == "2024-04-17"
    trade = [f for f in doc["facts"] if f["type"] == "trade" and f["partner"] == "KAZ"]
    assert trade[0]["reporter"] == "KGZ" and trade[0]["value"] == 1.3e9 and trade[0]["year"] == 2023
    assert any(a["kind"] == "forecast-year-before-publication" for a in doc["anomalies"])
    assert not (tmp_path / "var").exists()


def test_ingest_adds_articles(data_dir, shared):
    seed = sorted((shared / "seeds").glob("*.txt"))[0]
    before = quads(data_dir)
    out = kg("ingest", str(seed), data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    assert quads(data_dir) > before
    assert "ingested 1 article(s)" in out.stderr


def test_ingest_of_a_folder_without_articles_is_an_error(data_dir, tmp_path):
    before = quads(data_dir)
    out = kg("ingest", str(tmp_path), data_dir=data_dir)
    assert out.returncode == 2 and "no articles" in out.stderr and str(tmp_path) in out.stderr
    assert quads(data_dir) == before


def test_tidy_csv_export_with_csvw_metadata(data_dir, tmp_path):
    import csv as csvmod

    target = tmp_path / "trade.csv"
    out = kg("export", "--format", "csv", "-o", str(target), data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    rows = list(csvmod.DictReader(open(target, encoding="utf-8")))
    meta = json.loads((tmp_path / "trade.csv-metadata.json").read_text())
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == list(rows[0])
    kinds = {r["kind"] for r in rows}
    assert {"official", "derived"} <= kinds
    official = [r for r in rows if r["kind"] == "official" and r["reporter"] == "KGZ"
                and r["partner"] == "KAZ" and r["flow"] == "export" and r["period"] == "2021"]
    assert len(official) == 1 and float(official[0]["value"]) > 0


def test_check_and_validate_pass_on_the_shipped_data(data_dir, tmp_path):
    import shutil as sh

    report = tmp_path / "report.ttl"
    out = kg("validate", "--report", str(report), data_dir=data_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "violation" in out.stdout and report.read_text().count("sh:ValidationReport") == 1
    if sh.which("java"):
        out = kg("check", data_dir=data_dir)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "consistent" in out.stdout


def test_serve_on_a_taken_port_says_so_before_building(tmp_path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = kg("serve", "--port", str(port), data_dir=tmp_path / "none-yet")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"cannot listen on http://127.0.0.1:{port}/" in r.stderr and "--port" in r.stderr
    assert not (tmp_path / "none-yet" / "current").exists()


def test_files_with_the_same_name_warn_and_can_be_kept_apart(data_dir, tmp_path):
    for folder, value in (("a", "from a"), ("b", "from b")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.nt").write_text(f'<http://example.org/s> <http://example.org/same> "{value}" .\n')
    assert kg("load", str(tmp_path / "a" / "same.nt"), data_dir=data_dir).returncode == 0
    replaced = kg("load", str(tmp_path / "b" / "same.nt"), data_dir=data_dir)
    assert replaced.returncode == 0
    assert "graph file/same held" in replaced.stderr and "--graph" in replaced.stderr
    kept = kg("load", "--graph", "file/same-a", str(tmp_path / "a" / "same.nt"), data_dir=data_dir)
    assert kept.returncode == 0, kept.stderr
    rows = kg("query", "--format", "csv", "SELECT ?g ?o WHERE { GRAPH ?g { ?s <http://example.org/same> ?o } } ORDER BY ?o",
              data_dir=data_dir).stdout.splitlines()
    assert rows[1:] == ["https://w3id.org/regecon/graph/file/same-a,from a",
                        "https://w3id.org/regecon/graph/file/same,from b"]
    refused = kg("load", "--graph", "derived", str(tmp_path / "a" / "same.nt"), data_dir=data_dir)
    assert refused.returncode == 2 and "graph name 'derived'" in refused.stderr


def test_extract_output_saved_beside_the_article_is_not_read_as_metadata(shared, tmp_path):
    """`kg extract a.txt --json > a.json`: the shell makes an empty a.json first,
    and a second run finds the first run's output there."""
    import shutil
    article = tmp_path / "seed.txt"
    shutil.copy(sorted((shared / "seeds").glob("*.txt"))[0], article)
    for _ in range(2):
        with open(tmp_path / "seed.json", "w") as out:
            done = subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(article), "--json"],
                                  stdout=out, stderr=subprocess.PIPE, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        result = json.loads((tmp_path / "seed.json").read_text())
        assert result["date"] == "2024-04-17" and result["facts"]
