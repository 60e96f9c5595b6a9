"""Checks on the curated bloc data: data/blocs.csv and data/memberships.csv."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pycountry
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
REFDATA = Path(__file__).resolve().parents[3] / "shared" / "refdata"

BLOC_COLUMNS = ["short", "name", "aliases", "kind", "founded", "wikidata", "dbpedia", "source"]
MEMBERSHIP_COLUMNS = ["bloc", "member", "role", "start", "end", "source", "note"]
KINDS = {"economic-union", "customs-union", "free-trade-area", "political-economic-organisation"}
ROLES = {"member", "observer", "candidate"}
REQUIRED_BLOCS = {
    "EAEU", "CIS", "SCO", "EU", "ASEAN", "Mercosur", "GCC", "ECOWAS",
    "USMCA", "AfCFTA", "BRICS", "Union State",
}
URL_RE = re.compile(r"^https?://\S+$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")

# FirmaPanel short names -> our short names, and the statuses that count as current membership.
FIRMAPANEL_BLOCS = {"AfCFTA": "AfCFTA", "ASEAN": "ASEAN", "EU": "EU", "GCC": "GCC",
                    "MERCOSUR": "Mercosur", "USMCA": "USMCA"}
FIRMAPANEL_CURRENT = {"member", "party"}


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Read a CSV file whose leading lines may be '#' comments."""
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    reader = csv.DictReader(lines)
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def parse_date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@pytest.fixture(scope="module")
def blocs() -> list[dict[str, str]]:
    columns, rows = read_rows(DATA / "blocs.csv")
    assert columns == BLOC_COLUMNS
    return rows


@pytest.fixture(scope="module")
def memberships() -> list[dict[str, str]]:
    columns, rows = read_rows(DATA / "memberships.csv")
    assert columns == MEMBERSHIP_COLUMNS
    return rows


def members_on(memberships, bloc: str, day: date, role: str = "member") -> set[str]:
    found = set()
    for row in memberships:
        if row["bloc"] != bloc or row["role"] != role:
            continue
        start, end = parse_date(row["start"]), parse_date(row["end"])
        if (start is None or start <= day) and (end is None or day <= end):
            found.add(row["member"])
    return found


def test_every_column_filled_where_required(blocs, memberships):
    for row in blocs:
        for col in BLOC_COLUMNS:
            assert row[col] is not None, (row, col)
        for col in ("short", "name", "kind", "dbpedia", "source"):
            assert row[col].strip(), (row["short"], col)
    for row in memberships:
        for col in MEMBERSHIP_COLUMNS:
            assert row[col] is not None, (row, col)
        for col in ("bloc", "member", "role", "source"):
            assert row[col].strip(), (row, col)


def test_bloc_fields(blocs):
    shorts = [row["short"] for row in blocs]
    assert len(shorts) == len(set(shorts)), "duplicate short names"
    assert REQUIRED_BLOCS <= set(shorts)
    for row in blocs:
        assert row["kind"] in KINDS, row["short"]
        if row["wikidata"]:
            assert QID_RE.match(row["wikidata"]), row["short"]
        if row["founded"]:
            parse_date(row["founded"])
        assert " " not in row["dbpedia"], row["short"]
        for alias in filter(None, row["aliases"].split("|")):
            assert alias == alias.strip(), (row["short"], alias)


def test_every_row_has_source_urls(blocs, memberships):
    for row in list(blocs) + list(memberships):
        parts = row["source"].split("|")
        assert parts and all(URL_RE.match(p) for p in parts), row


def test_member_codes_are_iso_alpha3(memberships):
    for row in memberships:
        assert pycountry.countries.get(alpha_3=row["member"]) is not None, row["member"]


def test_roles_and_dates(memberships):
    for row in memberships:
        assert row["role"] in ROLES, row
        start, end = parse_date(row["start"]), parse_date(row["end"])
        if start and end:
            assert start <= end, row


def test_memberships_refer_to_known_blocs(blocs, memberships):
    shorts = {row["short"] for row in blocs}
    assert {row["bloc"] for row in memberships} <= shorts


def test_no_overlapping_spells(memberships):
    spells = defaultdict(list)
    for row in memberships:
        spells[(row["bloc"], row["member"], row["role"])].append(
            (parse_date(row["start"]) or date.min, parse_date(row["end"]) or date.max))
    for key, ranges in spells.items():
        ranges.sort()
        for (_, end_a), (start_b, _) in zip(ranges, ranges[1:]):
            assert end_a < start_b, key


def test_every_required_bloc_has_members(memberships):
    today = date.today()
    for bloc in REQUIRED_BLOCS:
        assert members_on(memberships, bloc, today), bloc


def test_qids_agree_with_shared_refdata(blocs):
    path = REFDATA / "bloc_qids.csv"
    if not path.exists():
        pytest.skip(f"{path} not available")
    _, ref_rows = read_rows(path)
    ref = {row["short"]: row["wikidata"] for row in ref_rows}
    ours = {row["short"]: row["wikidata"] for row in blocs}
    compared = 0
    for short, qid in ref.items():
        if short in ours:
            assert ours[short] == qid, short
            compared += 1
    assert compared >= 6


def test_eaeu_membership(memberships):
    assert members_on(memberships, "EAEU", date(2015, 3, 1)) == {"ARM", "BLR", "KAZ", "RUS"}
    assert members_on(memberships, "EAEU", date.today()) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert members_on(memberships, "EAEU", date(2015, 1, 1)) == {"BLR", "KAZ", "RUS"}


def test_uk_left_eu(memberships):
    assert "GBR" in members_on(memberships, "EU", date(2019, 1, 1))
    assert "GBR" in members_on(memberships, "EU", date(2020, 1, 31))
    assert "GBR" not in members_on(memberships, "EU", date(2021, 1, 1))
    assert len(members_on(memberships, "EU", date.today())) == 27
    assert len(members_on(memberships, "EU", date(2019, 1, 1))) == 28


def test_georgia_left_cis(memberships):
    assert "GEO" in members_on(memberships, "CIS", date(2005, 1, 1))
    assert "GEO" not in members_on(memberships, "CIS", date(2010, 1, 1))


def test_sco_and_brics_enlargements(memberships):
    sco = members_on(memberships, "SCO", date.today())
    assert sco == {"BLR", "CHN", "IND", "IRN", "KAZ", "KGZ", "PAK", "RUS", "TJK", "UZB"}
    assert members_on(memberships, "SCO", date(2017, 6, 8)) == {"CHN", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
    brics = members_on(memberships, "BRICS", date.today())
    assert {"EGY", "ETH", "IRN", "ARE", "IDN"} <= brics
    assert "IDN" not in members_on(memberships, "BRICS", date(2024, 12, 31))


def test_ecowas_withdrawals(memberships):
    before = members_on(memberships, "ECOWAS", date(2024, 6, 1))
    after = members_on(memberships, "ECOWAS", date(2025, 2, 1))
    assert {"BFA", "MLI", "NER"} <= before
    assert not {"BFA", "MLI", "NER", "MRT"} & after
    assert "MRT" in members_on(memberships, "ECOWAS", date(1999, 1, 1))


def test_mercosur_suspensions(memberships):
    assert "VEN" in members_on(memberships, "Mercosur", date(2014, 1, 1))
    assert "VEN" not in members_on(memberships, "Mercosur", date.today())
    assert "BOL" in members_on(memberships, "Mercosur", date.today())
    assert "PRY" not in members_on(memberships, "Mercosur", date(2013, 1, 1))


def test_current_members_agree_with_firmapanel(memberships):
    path = REFDATA / "firmapanel_trade-groups.json"
    if not path.exists():
        pytest.skip(f"{path} not available")
    data = json.loads(path.read_text(encoding="utf-8"))
    as_of = date.fromisoformat(data["as_of_date"])
    compared = 0
    for record in data["records"]:
        bloc = FIRMAPANEL_BLOCS.get(record.get("short_name"))
        if bloc is None:
            continue
        expected = {
            pycountry.countries.get(alpha_2=m["id"]).alpha_3
            for m in record["members"]
            if m["type"] == "country" and m["status"] in FIRMAPANEL_CURRENT
        }
        assert members_on(memberships, bloc, as_of) == expected, bloc
        compared += 1
    assert compared == len(FIRMAPANEL_BLOCS)
