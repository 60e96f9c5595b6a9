"""The readers of untrusted files return normally or fail with a KGError that
says what is wrong: a short Hypothesis run of each target of
``bench/fuzz.py`` (run it for minutes by hand), and the inputs it found that
used to fail otherwise."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.build import write_source
from kg.errors import SourceError
from kg.sources import rdffile
from kg.store.oxigraph import OxigraphStore
from tests.reliability.conftest import LONG, REPO, bench_module, load_bench

pytest.importorskip("hypothesis")
fuzz = bench_module("fuzz")  # first: it points Hypothesis's cache at bench/out
from hypothesis.database import InMemoryExampleDatabase  # noqa: E402

#: rdflib's parsers warn about their own deprecated classes on every example.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
#: Seconds per target: about 25 s in all by default.
SECONDS = float(os.environ.get("KG_FUZZ_SECONDS", "60" if LONG else "8"))


@pytest.mark.parametrize("name", sorted(fuzz.TARGETS))
def test_fuzz_target(name: str) -> None:
    fuzz.quiet()
    outcome = fuzz.run_target(fuzz.TARGETS[name], seconds=SECONDS, database=InMemoryExampleDatabase(),
                              batch=50)
    print(f"{name}: {outcome.examples} examples in {outcome.seconds} s")
    assert outcome.failure is None, "\n\n".join(
        f"{d['error']}\nat {d['where']}\nfrom {d['in_project']}\n{d['input']}" for d in outcome.details)
    assert outcome.examples >= 20


#: Files that the RDF loader once let through as IndexError, AssertionError,
#: SAXParseException (parsing), or ValueError and TypeError (writing to the store).
BAD_RDF = {
    "truncated.ttl": b'@prefix x: <http://x/> .\nx:s x:p "',
    "truncated-path.ttl": b"@prefix x: <http://x/> .\nx:s x:p x:o ;\n x:q",
    "unterminated.ttl": b'<http://x/s> <http://x/p> "abc\n',
    "not-xml.rdf": b'?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
    "nul-iri.ttl": b"@prefix x: <\x00ttp://x/> .\nx:s x:p x:o .\n",
    "space-iri.ttl": b"<http://x/a b> <http://x/p> <http://x/o> .\n",
    "bad-language.ttl": b'<http://x/s> <http://x/p> "x"@en- .\n',
    "bad-json.jsonld": b'{"@context": {"x": "http://x/"}, "@id": ',
    "literal-subject.ttl": b'@prefix x: <http://x/> .\n"share"@en x:p x:o .\n',
    "formula.n3": b"@prefix x: <http://x/> .\n{ x:a x:b x:c } x:p x:o .\n",
}


@pytest.mark.parametrize("name", sorted(BAD_RDF))
def test_bad_rdf_files_fail_as_source_errors(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BAD_RDF[name])
    try:
        write_source(OxigraphStore(), rdffile.load(path))
    except SourceError as exc:
        assert str(path) in str(exc) and str(exc).strip()


def test_kg_load_of_a_bad_file_is_one_error_line(own_build: Path, tmp_path: Path) -> None:
    """`kg load` of such a file: exit status 2, an `error:` line naming the
    file, no traceback, and the store unchanged."""
    before = load_bench.current_build(own_build)
    for name in ("truncated.ttl", "space-iri.ttl"):
        path = tmp_path / name
        path.write_bytes(BAD_RDF[name])
        done = load_bench.run_kg("load", "--data-dir", str(own_build), str(path))
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert f"error: {path}" in done.stderr
        assert load_bench.current_build(own_build) == before


def test_fuzz_command_runs(tmp_path: Path) -> None:
    """The documented command, for a few examples of each target."""
    out = tmp_path / "fuzz.json"
    assert fuzz.main(["--examples", "20", "--db", str(tmp_path / "db"), "--json", str(out)]) == 0
    assert out.exists() and REPO.exists()
