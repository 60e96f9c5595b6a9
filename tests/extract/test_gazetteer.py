"""The gazetteer: names, capitals as metonyms, demonyms, blocs and aggregates."""
from __future__ import annotations

from kg.extract import Article, extract
from kg.extract.gazetteer import CONTRACT_BLOCS, Gazetteer
from tests.extract.helpers import money_facts


def test_default_knows_everyday_names(gazetteer):
    for surface, code in [("Russia", "RUS"), ("Kyrgyzstan", "KGZ"), ("Viet Nam", "VNM"),
                          ("Iran", "IRN"), ("EEU", "EAEU"), ("Eurasian Economic Union", "EAEU"),
                          ("MERCOSUL", "Mercosur"), ("Central Asia", "CAS"), ("C5", "CAS"),
                          ("world", "WLD"), ("Africa", "AFR"), ("Union State", "Union State")]:
        assert gazetteer.lookup(surface) == code, surface
    assert gazetteer.kind("KAZ") == "country"
    assert gazetteer.kind("EAEU") == "bloc"
    assert gazetteer.kind("WLD") == "aggregate"
    assert set(CONTRACT_BLOCS) <= gazetteer.codes("bloc")


def test_capitals_are_metonyms(run):
    result = run("Astana and Bishkek agreed to raise trade to $3bn by 2027.")
    assert result["countries"] == ["KAZ", "KGZ"]
    fact = money_facts(result)[0]
    assert {fact["reporter"], fact["partner"]} == {"KAZ", "KGZ"}


def test_demonyms(run):
    result = run("The Kazakh-Kyrgyz border will stay open, officials said.")
    assert result["countries"] == ["KAZ", "KGZ"]
    result = run("Kazakh-Kyrgyz trade reached $1.5bn in 2023.")
    fact = money_facts(result)[0]
    assert (fact["reporter"], fact["partner"], fact["year"]) == ("KAZ", "KGZ", 2023)


def test_blocking_phrases(run):
    result = run("Latin American economies and the World Bank disagreed.")
    assert result["countries"] == []


def test_from_entries_and_ambiguity():
    gaz = Gazetteer.from_entries(
        [("KAZ", ["Kazakhstan"]), ("KGZ", ["Kyrgyzstan"]), ("XXA", ["Springfield"]),
         ("XXB", ["Springfield"])],
        [("EAEU", ["Eurasian Economic Union"])],
        capitals={"KAZ": ["Astana"]}, demonyms={"KGZ": ["Kyrgyz"]})
    assert gaz.lookup("Astana") == "KAZ"
    assert gaz.lookup("Kyrgyz") == "KGZ"
    assert gaz.lookup("EAEU") == "EAEU"
    assert gaz.lookup("Springfield") is None
    assert gaz.entry("Astana").role == "capital"
    result = extract(Article.from_text("Astana and Kyrgyz officials met in Springfield.",
                                       "2024-01-01"), gaz)
    assert result["countries"] == ["KAZ", "KGZ"]


def test_default_reads_curated_files(tmp_path):
    (tmp_path / "countries.csv").write_text(
        "# comment line\niso3,common_name,aliases,demonyms,capital\n"
        "KAZ,Kazakhstan,Qazaqstan,Kazakh|Kazakhstani,Astana\n", encoding="utf-8")
    (tmp_path / "blocs.csv").write_text(
        "# comment\nshort,name,aliases,kind,founded,wikidata,dbpedia,source\n"
        "EAEU,Eurasian Economic Union,EEU|EAEC Union,economic-union,2015-01-01,Q1,,x\n"
        "CSTO,Collective Security Treaty Organization,,other,,,,\n", encoding="utf-8")
    gaz = Gazetteer.default(tmp_path)
    assert gaz.lookup("Qazaqstan") == "KAZ"
    assert gaz.lookup("Kazakhstani") == "KAZ"
    assert gaz.lookup("EAEC Union") == "EAEU"
    assert gaz.lookup("Collective Security Treaty Organization") == "CSTO"
    assert gaz.lookup("Mercosur") == "Mercosur"  # contract spellings are always there
    assert gaz.lookup("Russian Federation") == "RUS"  # pycountry


def test_fallback_without_curated_files(tmp_path):
    gaz = Gazetteer.default(tmp_path)
    for surface, code in [("Russia", "RUS"), ("Astana", "KAZ"), ("Kazakh", "KAZ"),
                          ("Kyrgyzstan", "KGZ"), ("EAEU", "EAEU"), ("Armenia", "ARM")]:
        assert gaz.lookup(surface) == code
