"""Consistency checks for the curated country data in ``data/``.

Countries themselves (names and ISO 3166 codes) come from pycountry; the files checked
here add the UN M49 geography, the names used in texts and the links to other datasets.
"""
import csv
import re
from collections import defaultdict
from pathlib import Path

import pycountry
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
REFDATA = Path(__file__).resolve().parents[3] / "shared" / "refdata"

LEVELS = ("world", "region", "sub-region", "intermediate-region")

# Countries and areas of pycountry that have no row in m49_countries.csv. None at present:
# Taiwan (ISO 3166 numeric 158) is not in the UNSD M49 list itself; its row follows the
# datasets/country-codes table, which places it in Eastern Asia (030).
NOT_IN_M49: set[str] = set()


def read_rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines))


def split(value):
    return [v.strip() for v in value.split("|") if v.strip()]


@pytest.fixture(scope="module")
def areas():
    return {r["code"]: r for r in read_rows("m49_areas.csv")}


@pytest.fixture(scope="module")
def m49_countries():
    return {r["iso3"]: r for r in read_rows("m49_countries.csv")}


@pytest.fixture(scope="module")
def countries():
    return {r["iso3"]: r for r in read_rows("countries.csv")}


@pytest.fixture(scope="module")
def links():
    return {r["iso3"]: r for r in read_rows("country_links.csv")}


@pytest.fixture(scope="module")
def reference():
    path = REFDATA / "country-codes.csv"
    if not path.exists():
        pytest.skip(f"reference table not available: {path}")
    with open(path, encoding="utf-8", newline="") as f:
        return {
            r["ISO3166-1-Alpha-3"].strip(): r
            for r in csv.DictReader(f)
            if r["ISO3166-1-Alpha-3"].strip()
        }


PYCOUNTRY_ISO3 = {c.alpha_3 for c in pycountry.countries}


@pytest.mark.parametrize(
    "name", ["m49_countries.csv", "countries.csv", "country_links.csv"]
)
def test_iso3_codes_valid_and_unique(name):
    rows = read_rows(name)
    codes = [r["iso3"] for r in rows]
    assert len(codes) == len(set(codes)), f"duplicate iso3 in {name}"
    unknown = [c for c in codes if pycountry.countries.get(alpha_3=c) is None]
    assert not unknown, f"{name}: not ISO 3166 alpha-3 codes: {unknown}"


def test_every_country_has_names(countries):
    assert set(countries) == PYCOUNTRY_ISO3
    assert all(r["common_name"].strip() for r in countries.values())


def test_every_country_has_m49(m49_countries):
    assert set(m49_countries) == PYCOUNTRY_ISO3 - NOT_IN_M49


def test_m49_code_equals_iso_numeric(m49_countries):
    for iso3, row in m49_countries.items():
        assert re.fullmatch(r"\d{3}", row["m49"]), row
        assert row["m49"] == pycountry.countries.get(alpha_3=iso3).numeric, iso3


def test_area_hierarchy(areas):
    assert areas["001"]["level"] == "world" and areas["001"]["parent"] == ""
    for code, row in areas.items():
        assert re.fullmatch(r"\d{3}", code)
        assert row["name"].strip()
        assert row["level"] in LEVELS
        if code == "001":
            continue
        parent = areas[row["parent"]]
        assert LEVELS.index(parent["level"]) == LEVELS.index(row["level"]) - 1, code
    for code in ("002", "015", "202", "011", "143", "151", "419"):
        assert code in areas
    assert areas["011"]["level"] == "intermediate-region"
    assert areas["011"]["parent"] == "202"
    assert areas["143"]["name"] == "Central Asia"


def ancestors(areas, code):
    chain = []
    seen = set()
    while code:
        assert code not in seen, f"cycle at {code}"
        seen.add(code)
        chain.append(code)
        code = areas[code]["parent"]
    return chain


def test_country_areas_reach_world(areas, m49_countries):
    for iso3, row in m49_countries.items():
        if not row["area"]:
            assert iso3 == "ATA", iso3
            continue
        assert row["area"] in areas, iso3
        assert ancestors(areas, row["area"])[-1] == "001", iso3
        assert areas[row["area"]]["level"] != "world", iso3
    assert m49_countries["KGZ"]["area"] == "143"
    assert m49_countries["RUS"]["area"] == "151"


def _code(value):
    value = (value or "").strip()
    return "%03d" % int(value) if value else ""


def test_m49_agrees_with_reference(areas, m49_countries, reference):
    for iso3, ref in reference.items():
        row = m49_countries[iso3]
        assert row["m49"] == _code(ref["M49"]), iso3
        region, sub, inter = (
            _code(ref["Region Code"]),
            _code(ref["Sub-region Code"]),
            _code(ref["Intermediate Region Code"]),
        )
        assert row["area"] == (inter or sub or region), iso3
        chain = ancestors(areas, row["area"]) if row["area"] else []
        for code in (region, sub, inter):
            if code:
                assert code in chain, (iso3, code)
    for ref in reference.values():
        for col, level in (
            ("Region Code", "region"),
            ("Sub-region Code", "sub-region"),
            ("Intermediate Region Code", "intermediate-region"),
        ):
            code = _code(ref[col])
            if code:
                assert areas[code]["level"] == level, code
                assert areas[code]["name"] == ref[col.replace("Code", "Name")].strip()


def test_links_format(links):
    for iso3, row in links.items():
        assert re.fullmatch(r"Q\d+", row["wikidata"]), iso3
        assert re.fullmatch(r"\d+", row["geonames"]), iso3
        assert row["dbpedia"] == "" or " " not in row["dbpedia"], iso3
    qids = [r["wikidata"] for r in links.values()]
    assert len(qids) == len(set(qids))
    gids = [r["geonames"] for r in links.values()]
    assert len(gids) == len(set(gids))


def test_links_agree_with_reference(links, reference):
    for iso3, ref in reference.items():
        url = ref["wikidata_id"].strip()
        if url:
            assert links[iso3]["wikidata"] == url.rstrip("/").rsplit("/", 1)[-1], iso3
        if ref["Geoname ID"].strip():
            assert links[iso3]["geonames"] == ref["Geoname ID"].strip(), iso3


def test_dbpedia_titles(links):
    assert links["GEO"]["dbpedia"] == "Georgia_(country)"
    assert links["KAZ"]["dbpedia"] == "Kazakhstan"
    assert links["IRL"]["dbpedia"] == "Republic_of_Ireland"
    assert links["CIV"]["dbpedia"] == "Ivory_Coast"
    titles = [r["dbpedia"] for r in links.values() if r["dbpedia"]]
    assert len(titles) == len(set(titles))


def test_aliases_and_demonyms_unambiguous(countries):
    owners = defaultdict(set)
    for iso3, row in countries.items():
        for term in split(row["aliases"]) + split(row["demonyms"]):
            owners[term.casefold()].add(iso3)
    clashes = {t: sorted(o) for t, o in owners.items() if len(o) > 1}
    assert not clashes

    # an alias never names another country
    names = defaultdict(set)
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if n:
                names[n.casefold()].add(c.alpha_3)
    for iso3, row in countries.items():
        names[row["common_name"].casefold()].add(iso3)
    for iso3, row in countries.items():
        for alias in split(row["aliases"]):
            assert names.get(alias.casefold(), {iso3}) == {iso3}, (iso3, alias)


def test_key_names(countries):
    assert "Kyrgyz" in split(countries["KGZ"]["demonyms"])
    assert "Kazakh" in split(countries["KAZ"]["demonyms"])
    assert countries["RUS"]["common_name"] == "Russia"
    assert countries["TUR"]["common_name"] == "Turkey"
    assert "Türkiye" in split(countries["TUR"]["aliases"])
    assert "Kyrgyz Republic" in split(countries["KGZ"]["aliases"])
    assert countries["KGZ"]["capital"] == "Bishkek"
