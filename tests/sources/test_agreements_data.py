"""Consistency checks for the curated table of trade and economic agreements, ``data/agreements.csv``."""
import csv
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pycountry
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
PATH = DATA / "agreements.csv"

COLUMNS = [
    "id",
    "name",
    "kind",
    "parties",
    "date_signed",
    "date_in_force",
    "status",
    "date_terminated",
    "source",
    "note",
]
KINDS = {
    "free-trade",
    "customs-union",
    "economic-union",
    "economic-partnership",
    "cooperation",
    "founding-treaty",
}
STATUSES = {"planned", "negotiating", "signed", "in force", "terminated"}
BLOCS = {
    "EAEU",
    "CIS",
    "SCO",
    "EU",
    "ASEAN",
    "Mercosur",
    "GCC",
    "ECOWAS",
    "USMCA",
    "AfCFTA",
    "BRICS",
    "Union State",
}
# Statuses are stated as of this day.
AS_OF = date(2026, 11, 30)
DATE_COLUMNS = ("date_signed", "date_in_force", "date_terminated")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def split(value):
    return [v.strip() for v in value.split("|") if v.strip()]


def read_lines():
    with open(PATH, encoding="utf-8", newline="") as f:
        return f.readlines()


@pytest.fixture(scope="module")
def header_and_rows():
    lines = [line for line in read_lines() if not line.startswith("#")]
    reader = csv.DictReader(lines)
    return reader.fieldnames, list(reader)


@pytest.fixture(scope="module")
def rows(header_and_rows):
    return header_and_rows[1]


@pytest.fixture(scope="module")
def by_id(rows):
    return {r["id"]: r for r in rows}


def parse_date(value):
    assert ISO_DATE.match(value), f"not YYYY-MM-DD: {value!r}"
    return date.fromisoformat(value)


def test_leading_comments():
    lines = read_lines()
    assert lines[0].startswith("# "), "the file starts with a description in comment lines"
    for line in lines:
        if not line.startswith("#"):
            break
        assert line.startswith("# ") or line.rstrip("\n") == "#", line


def test_columns(header_and_rows):
    header, rows = header_and_rows
    assert header == COLUMNS
    assert rows, "the table has rows"
    for r in rows:
        assert None not in r, f"{r.get('id')}: more cells than columns"
        assert all(r[c] is not None for c in COLUMNS), f"{r.get('id')}: fewer cells than columns"


def test_ids_unique_slugs(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for i in ids:
        assert SLUG.match(i), f"not a lowercase slug: {i!r}"


def test_names_present(rows):
    for r in rows:
        assert r["name"].strip() == r["name"] and r["name"], r["id"]


def test_kind(rows):
    for r in rows:
        assert r["kind"] in KINDS, f"{r['id']}: {r['kind']!r}"


def test_parties(rows):
    for r in rows:
        parties = split(r["parties"])
        assert parties, f"{r['id']}: no parties"
        assert len(parties) == len(set(parties)), f"{r['id']}: repeated party"
        for p in parties:
            if p in BLOCS:
                continue
            assert re.fullmatch(r"[A-Z]{3}", p), f"{r['id']}: {p!r} is neither a bloc nor an alpha-3 code"
            assert pycountry.countries.get(alpha_3=p) is not None, f"{r['id']}: unknown ISO code {p!r}"


def test_blocs_known_to_bloc_table(rows):
    path = DATA / "blocs.csv"
    if not path.exists():
        pytest.skip("data/blocs.csv not available")
    with open(path, encoding="utf-8", newline="") as f:
        shorts = {b["short"] for b in csv.DictReader(line for line in f if not line.startswith("#"))}
    used = {p for r in rows for p in split(r["parties"]) if p in BLOCS}
    assert used <= shorts, sorted(used - shorts)


def test_dates_parse_and_order(rows):
    for r in rows:
        d = {c: parse_date(r[c]) for c in DATE_COLUMNS if r[c]}
        for c, v in d.items():
            assert date(1900, 1, 1) <= v <= AS_OF, f"{r['id']}: {c} {v} outside the covered period"
        if "date_signed" in d and "date_in_force" in d:
            assert d["date_signed"] <= d["date_in_force"], r["id"]
        if "date_in_force" in d and "date_terminated" in d:
            assert d["date_in_force"] <= d["date_terminated"], r["id"]
        if "date_signed" in d and "date_terminated" in d:
            assert d["date_signed"] <= d["date_terminated"], r["id"]


def test_status(rows):
    for r in rows:
        status = r["status"]
        assert status in STATUSES, f"{r['id']}: {status!r}"
        if status == "in force":
            assert r["date_in_force"], f"{r['id']}: in force without date_in_force"
        if status == "terminated":
            assert r["date_terminated"], f"{r['id']}: terminated without date_terminated"
        else:
            assert not r["date_terminated"], f"{r['id']}: date_terminated but status {status!r}"
        if status in ("planned", "negotiating"):
            assert not r["date_signed"] and not r["date_in_force"], r["id"]
        if status == "signed":
            assert r["date_signed"] and not r["date_in_force"], r["id"]


def test_sources(rows):
    for r in rows:
        urls = split(r["source"])
        assert urls, f"{r['id']}: no source"
        for u in urls:
            parsed = urlparse(u)
            assert parsed.scheme in ("http", "https") and parsed.netloc, f"{r['id']}: not a URL: {u!r}"
            assert not re.search(r"\s", u), f"{r['id']}: whitespace in URL {u!r}"


def test_eaeu_treaty(by_id):
    r = by_id["eaeu-treaty"]
    assert r["name"] == "Treaty on the Eurasian Economic Union"
    assert r["kind"] == "founding-treaty"
    assert split(r["parties"]) == ["BLR", "KAZ", "RUS"]
    assert r["date_signed"] == "2014-05-29"
    assert r["date_in_force"] == "2015-01-01"
    assert r["status"] == "in force"


def test_required_agreements_present(by_id):
    for i in (
        "eaeu-armenia-accession",
        "eaeu-kyrgyzstan-accession",
        "eaeu-vietnam-fta",
        "eaeu-serbia-fta",
        "eaeu-singapore-fta",
        "eaeu-iran-interim-fta",
        "eaeu-iran-fta",
        "cis-fta-treaty",
        "usmca",
        "afcfta-agreement",
        "asean-atiga",
        "rcep",
        "eu-kazakhstan-epca",
    ):
        assert i in by_id, i
    assert any("Mercosur" in split(r["parties"]) and "EU" in split(r["parties"]) for r in by_id.values())


def test_accessions_follow_founding_treaty(by_id):
    founded = date.fromisoformat(by_id["eaeu-treaty"]["date_in_force"])
    for i in ("eaeu-armenia-accession", "eaeu-kyrgyzstan-accession"):
        assert date.fromisoformat(by_id[i]["date_in_force"]) >= founded, i
