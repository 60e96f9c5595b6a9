"""The endpoint under concurrent load keeps answering, and answers right, also
while builds are swapped in under it (see ``bench/load.py`` for the full run)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reliability.conftest import LONG, copy_build, load_bench, long_only

CLIENTS = 8
SECONDS = 5.0


def _report(results) -> str:
    return json.dumps(load_bench.summary(results), indent=2)


def test_steady_load_has_no_errors(small_build: Path, server_factory) -> None:
    """8 clients for 5 s over the whole mix: every answer is a 200 with the
    right body, the same number of rows every time, and from one build."""
    server = server_factory(small_build)
    results = load_bench.run_clients(server.url, load_bench.default_mix(), clients=CLIENTS,
                                     duration=SECONDS)
    numbers = load_bench.summary(results)
    print(_report(results))
    assert numbers["errors"] == 0, numbers["first_errors"]
    assert load_bench.shape_errors(results) == []
    assert numbers["ok"] >= 50, "the server answered too few requests to say anything"
    assert set(results.latencies) == {"catalog", "entity", "sparql"}
    assert len(results.builds) == 1 and None not in results.builds


def test_builds_swapped_in_under_load(tmp_path: Path, server_factory) -> None:
    """While `kg load`, `kg build` and `kg load` rewrite the data directory, no
    request fails, every answer comes from one build (the marker it shows
    matches its X-KG-Build header), and the data is the same on every build."""
    data_dir = tmp_path / "data"
    marker = tmp_path / "marker.ttl"
    log = load_bench.prepare_marked(data_dir, marker)
    server = server_factory(data_dir, KG_STORE_CHECK_INTERVAL="0.5")
    seconds = 30.0 if LONG else 8.0
    offsets = [seconds * f for f in (0.15, 0.4, 0.65)]
    during = load_bench.swapper(data_dir, marker, log, load_bench.DEFAULT_STEPS, offsets, settle=1.5)
    results = load_bench.run_clients(server.url, load_bench.default_mix() + load_bench.marker_mix(),
                                     clients=CLIENTS, duration=seconds, during=during)
    numbers = load_bench.summary(results)
    print(_report(results), log.steps)
    assert log.errors == []
    assert len(log.versions) == 4, log.steps
    assert numbers["errors"] == 0, numbers["first_errors"]
    assert load_bench.consistency_errors(results, log) == []
    assert load_bench.shape_errors(results) == []
    seen = {(o.build, o.version) for o in results.observations}
    assert len({build for build, _ in seen}) >= 3, f"too few builds were seen under load: {seen}"
    assert server.health()["build"] == load_bench.current_build(data_dir)


def test_consistency_check_catches_mixed_answers() -> None:
    """The checks above would notice a mix: two versions in one answer, a
    wrong item count, or a header naming a build with another marker."""
    def rows(*pairs: tuple[str, str | None]) -> bytes:
        bindings = []
        for version, n in pairs:
            row = {"s": {"type": "uri", "value": "x"}, "v": {"type": "literal", "value": version}}
            if n is not None:
                row["n"] = {"type": "literal", "value": n}
            bindings.append(row)
        return json.dumps({"head": {"vars": ["s", "v", "n"]}, "results": {"bindings": bindings}}).encode()

    good = rows(("reliability-version-B", "2"), ("reliability-version-B", None),
                ("reliability-version-B", None))
    assert load_bench.marker_rows_check(good).version == "B"
    with pytest.raises(load_bench.BadAnswer):
        load_bench.marker_rows_check(rows(("reliability-version-B", "1"), ("reliability-version-C", None)))
    with pytest.raises(load_bench.BadAnswer):
        load_bench.marker_rows_check(rows(("reliability-version-B", "3"), ("reliability-version-B", None)))
    with pytest.raises(load_bench.BadAnswer):
        load_bench.marker_page_check(b"reliability-version-B ... reliability-version-C")

    results = load_bench.Results()
    log = load_bench.SwapLog(versions={"b1": "A", "b2": None})
    results.observations += [load_bench.Observation("marker sparql", "b1", "A", 200),
                             load_bench.Observation("marker page", "b2", None, 404)]
    assert load_bench.consistency_errors(results, log) == []
    results.observations += [load_bench.Observation("marker sparql", "b1", "B", 200),
                             load_bench.Observation("marker page", "b1", None, 404),
                             load_bench.Observation("marker sparql", "b9", "A", 200)]
    assert len(load_bench.consistency_errors(results, log)) == 3


@long_only
def test_full_load_run(tmp_path: Path) -> None:
    """The documented command at its defaults (32 clients, 60 s, then 60 s with swaps)."""
    out = tmp_path / "load.json"
    assert load_bench.main(["--swap", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["steady"]["errors"] == 0 and report["swap"]["errors"] == 0


def test_build_copy_keeps_its_build_id(small_build: Path, tmp_path: Path) -> None:
    """The copies other tests start from are the same build (their ids match)."""
    copy = copy_build(small_build, tmp_path / "copy")
    assert load_bench.current_build(copy) == load_bench.current_build(small_build)
    assert (copy / "current").resolve().parent == (copy / "stores").resolve()
