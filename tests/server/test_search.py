"""/api/search over real HTTP: ranking, codes, aliases, accents, parameters and
errors; and the index itself (folding, tie-breaking) without HTTP."""
from __future__ import annotations

import time

import pytest
import requests

from kg.build import build, load
from kg.namespace import RER, bloc, country
from kg.store.layout import DataDir
from server.search import Entity, SearchIndex, Text, Tier, fold
from tests.server.conftest import serve
from tests.server.live import TIMEOUT

KAZ, TUR, CIV = str(country("KAZ")), str(country("TUR")), str(country("CIV"))
EAEU = str(bloc("EAEU"))


def _search(base: str, **params) -> requests.Response:
    return requests.get(base + "/api/search", params=params, timeout=TIMEOUT)


def _results(base: str, q: str, **params) -> list[dict]:
    r = _search(base, q=q, **params)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["query"] == q
    return body["results"]


def _first(base: str, q: str, **params) -> dict:
    results = _results(base, q, **params)
    assert results, f"nothing found for {q!r}"
    return results[0]


@pytest.mark.parametrize("q", ["kaz", "Kaz", "kazakh", "Kazakhstan", "KAZAKHSTAN"])
def test_kazakhstan_comes_first(base, q):
    assert _first(base, q)["iri"] == KAZ


@pytest.mark.parametrize("q", ["KZ", "kz", "KAZ", "398"])
def test_codes_match_exactly(base, q):
    hit = _first(base, q)
    assert hit["iri"] == KAZ
    assert hit["match"] == "code" and hit["matched"].casefold() == q.casefold()
    assert hit["score"] == 1.0


def test_code_prefixes_are_not_suggested(base):
    """"KA" is no code's beginning worth suggesting: codes match whole."""
    assert all(h["match"] != "code" for h in _results(base, "KA", limit=100))


@pytest.mark.parametrize("q", ["eaeu", "EAEU", "Eurasian", "eurasian econ", "Eurasian Economic Union"])
def test_the_bloc_by_code_or_name(base, q):
    assert _first(base, q)["iri"] == EAEU


@pytest.mark.parametrize("q,iri", [("Qazaqstan", KAZ), ("Ivory Coast", CIV), ("Turkiye", TUR)])
def test_aliases_from_the_countries_file(base, q, iri):
    hit = _first(base, q)
    assert hit["iri"] == iri
    assert hit["match"] == "alias"


@pytest.mark.parametrize("q,iri", [
    ("Türkiye", TUR), ("TÜRKIYE", TUR), ("turkiye", TUR),
    ("cote d'ivoire", CIV), ("Côte d’Ivoire", CIV), ("COTE", CIV), ("côte", CIV),
])
def test_case_and_accents_do_not_matter(base, q, iri):
    assert _first(base, q)["iri"] == iri


def test_result_shape_and_page(base):
    hit = _first(base, "kazakhstan")
    assert set(hit) == {"iri", "label", "type", "types", "matched", "match", "page", "score"}
    assert hit["label"] == "Kazakhstan"
    assert hit["type"] == str(RER.Country)
    assert str(RER.Country) in hit["types"]
    assert hit["match"] == "label" and hit["score"] == 1.0
    assert hit["page"] == base + "/id/country/KAZ"
    assert requests.get(hit["page"], timeout=TIMEOUT).status_code == 200


def test_ranking_tiers_in_order(base):
    """Exact matches, then label prefixes, then word prefixes, then substrings:
    scores never rise down the list, and countries come before other kinds."""
    results = _results(base, "union", limit=100)
    scores = [h["score"] for h in results]
    assert scores == sorted(scores, reverse=True)
    tiers = {h["iri"]: h["score"] for h in results}
    # "Union State" is the bloc's code; "Eurasian Economic Union" has the word later on.
    assert results[0]["iri"] == str(bloc("Union State")) and tiers[str(bloc("Union State"))] == Tier.PREFIX.score
    assert tiers[EAEU] == Tier.WORD.score


def test_countries_before_other_kinds_on_equal_matches(base):
    results = _results(base, "a", limit=100)
    first_prefix = [h for h in results if h["score"] == Tier.PREFIX.score]
    kinds = [h["type"] for h in first_prefix]
    assert kinds[0] == str(RER.Country)
    countries = [h["label"] for h in first_prefix if h["type"] == str(RER.Country)]
    assert countries == sorted(countries, key=fold)


def test_limit(base):
    assert len(_results(base, "a")) == 10
    assert len(_results(base, "a", limit=3)) == 3
    assert len(_results(base, "a", limit=100)) == 100
    for bad in ("0", "101", "-1", "ten", "2.5", ""):
        r = _search(base, q="a", limit=bad)
        assert r.status_code == 400, bad
        assert "limit" in r.json()["error"]["message"]


def test_type_filter(base):
    blocs = _results(base, "eurasian", type="rer:RegionalBloc")
    assert blocs and all(str(RER.RegionalBloc) in h["types"] for h in blocs)
    assert _results(base, "eurasian", type=str(RER.RegionalBloc)) == blocs
    assert _results(base, "eurasian", type=f"<{RER.RegionalBloc}>") == blocs
    assert EAEU not in {h["iri"] for h in _results(base, "eaeu", type="rer:Country")}
    # A superclass that entities have (here by inference) filters too.
    assert _first(base, "kaz", type="rer:TradeArea")["iri"] == KAZ
    for unknown in ("rer:NoSuchClass", "nope:Country", "https://example.org/Country", "Country"):
        r = _search(base, q="kaz", type=unknown)
        assert r.status_code == 400, unknown
        assert "rer:Country" in r.json()["error"]["message"]


def test_lang(base):
    assert _first(base, "kaz", lang="ru")["label"] == "Kazakhstan"  # no Russian label: English
    assert _first(base, "kaz", lang="en-GB")["iri"] == KAZ
    for bad in ("e n", "en_US!", "x" * 20):
        assert _search(base, q="kaz", lang=bad).status_code == 400


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}])
def test_bad_queries_are_400(base, params):
    r = _search(base, **params)
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]["status"] == 400


def test_longest_query_is_answered(base):
    assert _results(base, "k" * 200) == []


@pytest.mark.parametrize("q", [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', '" } ; DROP ALL ; #',
    "kaz') || true", "\\u0022", "%00", "?q=&limit=1000",
])
def test_special_characters_are_harmless(base, q):
    r = _search(base, q=q)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.json()["query"] == q.strip()


def test_a_rebuild_gets_a_new_index(tmp_path):
    directory = DataDir(tmp_path / "data")
    build(directory, only=["ontology", "countries"])
    extra = tmp_path / "extra.ttl"
    extra.write_text(f'<{country("XKX")}> a <{RER.Country}> ; '
                     f'<http://www.w3.org/2000/01/rdf-schema#label> "Kosovo"@en .\n', encoding="utf-8")
    with serve(directory, KG_STORE_CHECK_INTERVAL=0.2) as server:
        assert _results(server.url, "kosovo") == []
        load(directory, [extra])
        deadline = time.monotonic() + TIMEOUT
        while not _results(server.url, "kosovo"):
            assert time.monotonic() < deadline, "the new build's index was not used"
            time.sleep(0.1)
        assert _first(server.url, "kosovo")["iri"] == str(country("XKX"))


# --- The index without HTTP ---------------------------------------------------------

def test_fold():
    assert fold("  Côte  d’Ivoire ") == "cote d'ivoire"
    assert fold("TÜRKİYE") == "turkiye"
    assert fold("Straße") == "strasse"
    assert fold("ЕАЭС") == "еаэс"


def _entity(iri: str, type_: str, rank: int, *texts: tuple[str, str]) -> Entity:
    return Entity(iri, type_, rank, {type_}, [Text(value, kind, "en") for value, kind in texts])


def test_index_ranking_and_ties():
    index = SearchIndex([
        _entity("x:person", "x:Person", 5, ("Georgia Smith", "label")),
        _entity("x:geo", "x:Country", 0, ("Georgia", "label"), ("GEO", "code"), ("Sakartvelo", "alias")),
        _entity("x:sg", "x:Country", 0, ("South Georgia", "label"), ("SGS", "code")),
        _entity("x:ga", "x:Region", 3, ("Georgian Bay", "label")),
        _entity("x:zz", "x:Country", 0, ("Neorgia", "label")),
    ])
    ranked = [(h.entity.iri, h.tier) for h in index.search("georgia", limit=10)]
    assert ranked == [("x:geo", Tier.EXACT), ("x:ga", Tier.PREFIX), ("x:person", Tier.PREFIX),
                      ("x:sg", Tier.WORD)]
    assert [h.entity.iri for h in index.search("eorgi")][:2] == ["x:geo", "x:zz"]  # substring, then alphabetical
    assert index.search("geo")[0].tier == Tier.EXACT and index.search("geo")[0].text.kind == "code"
    assert index.search("ge", type_iri="x:Region")[0].entity.iri == "x:ga"
    assert index.search("sakart")[0].tier == Tier.PREFIX_ALIAS
    assert index.search("") == [] and index.search("qqq") == []
