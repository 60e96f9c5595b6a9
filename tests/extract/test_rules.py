"""Relations read from sentences: trade, forecasts, targets, agreements, memberships,
speakers and anomalies."""
from __future__ import annotations

import pytest

from tests.extract.helpers import money_facts, of_type


def one(result: dict) -> dict:
    facts = money_facts(result)
    assert len(facts) == 1, facts
    return facts[0]


def key(fact: dict) -> tuple:
    return (fact["type"], fact["reporter"], fact["partner"], fact["flow"], fact["year"],
            fact["value"], fact["currency"])


def test_total_and_share_shape(run):
    result = run("In 2022 Tajikistan's foreign trade turnover made 7.4 billion US dollars "
                 "of which 1.1 billion US dollars or 14.9% fell on Russia.")
    total, part = money_facts(result)
    assert key(total) == ("trade", "TJK", "WLD", "turnover", 2022, 7_400_000_000, "USD")
    assert key(part) == ("trade", "TJK", "RUS", "turnover", 2022, 1_100_000_000, "USD")
    assert part["share_pct"] == 14.9
    assert result["anomalies"] == []


def test_trade_between(run):
    fact = one(run("Trade between Kazakhstan and Uzbekistan reached $4.5bn in 2022."))
    assert key(fact) == ("trade", "KAZ", "UZB", "turnover", 2022, 4_500_000_000, "USD")


def test_exports_from_to_with_growth(run):
    fact = one(run("Exports from Russia to China grew by 12% to 7.4 trillion rubles in 2023."))
    assert key(fact) == ("trade", "RUS", "CHN", "export", 2023, 7_400_000_000_000, "RUB")
    assert fact["change_pct"] == 12.0
    assert "share_pct" not in fact


def test_imports_reporter_is_importer(run):
    fact = one(run("Russia's imports from China amounted to $110bn in 2023."))
    assert key(fact)[:4] == ("trade", "RUS", "CHN", "import")
    fact = one(run("Imports from China to Kazakhstan amounted to $15bn in 2023."))
    assert key(fact)[:4] == ("trade", "KAZ", "CHN", "import")


@pytest.mark.parametrize("text, expected", [
    ("Kazakhstan exported goods worth 3 billion US dollars to Kyrgyzstan in 2023.", ("KAZ", "KGZ", "export")),
    ("Kyrgyzstan imported 500 million US dollars worth of fuel from Russia in 2023.", ("KGZ", "RUS", "import")),
    ("Uzbekistan traded goods worth 1.2 billion US dollars with Turkmenistan in 2023.", ("UZB", "TKM", "turnover")),
    ("Kazakhstan's exports reached 80 billion US dollars in 2023, according to Russia.", ("KAZ", "WLD", "export")),
])
def test_a_partner_named_after_the_amount(run, text, expected):
    assert key(one(run(text)))[1:4] == expected


def test_an_undated_text_keeps_stated_years_and_leaves_relative_ones_open(run):
    result = run("Kazakhstan's exports to China reached 30 billion US dollars in 2023. Last year, "
                 "Kazakhstan's imports from China amounted to 15 billion US dollars. A forecast "
                 "expects trade to reach 50 billion US dollars in 2003.", date=None)
    stated, relative = money_facts(result)[:2]
    assert key(stated)[:5] == ("trade", "KAZ", "CHN", "export", 2023)
    assert key(relative)[:5] == ("trade", "KAZ", "CHN", "import", None)
    assert result["date"] is None and result["anomalies"] == []


def test_export_and_import_in_one_sentence(run):
    result = run("Kazakhstan's exports to China amounted to $5bn in 2023, while imports "
                 "from China were $3.1bn.")
    assert [key(f)[:4] for f in money_facts(result)] == [
        ("trade", "KAZ", "CHN", "export"), ("trade", "KAZ", "CHN", "import")]
    assert [f["year"] for f in money_facts(result)] == [2023, 2023]


def test_intra_bloc(run):
    fact = one(run("The total trade turnover of EAEU nations reached $90bn in 2023."))
    assert (fact["reporter"], fact["partner"]) == ("EAEU", "EAEU")
    fact = one(run("Mutual trade of the member states of the EAEU was $85bn in 2022."))
    assert (fact["reporter"], fact["partner"]) == ("EAEU", "EAEU")
    fact = one(run("The EEU held a summit. The Union's member states traded goods worth "
                   "$90bn among themselves in 2023."))
    assert (fact["reporter"], fact["partner"]) == ("EAEU", "EAEU")
    fact = one(run("Intra-African trade could reach $200bn by 2030."))
    assert (fact["type"], fact["reporter"], fact["partner"]) == ("forecast", "AFR", "AFR")


def test_extra_bloc_and_aggregates(run):
    fact = one(run("The EAEU's trade with third countries reached $700bn in 2023."))
    assert (fact["reporter"], fact["partner"]) == ("EAEU", "ROW")
    fact = one(run("Central Asia's trade with China reached $89bn in 2023."))
    assert (fact["reporter"], fact["partner"]) == ("CAS", "CHN")


def test_accounted_for_part_of_imports(run):
    fact = one(run("China accounted for $3bn of Kyrgyzstan's imports in 2023."))
    assert key(fact) == ("trade", "KGZ", "CHN", "import", 2023, 3_000_000_000, "USD")


def test_two_years_two_figures(run):
    result = run("Trade between India and Russia rose from $13bn in 2021 to $65bn in 2023.")
    assert [(f["year"], f["value"]) for f in money_facts(result)] == \
        [(2021, 13_000_000_000), (2023, 65_000_000_000)]
    assert all((f["reporter"], f["partner"]) == ("IND", "RUS") for f in money_facts(result))


@pytest.mark.parametrize("text, kind, year", [
    ("Trade between Kazakhstan and Kyrgyzstan is expected to surpass $3bn in 2026.",
     "forecast", 2026),
    ("Trade between Kazakhstan and Kyrgyzstan may reach $3bn.", "forecast", None),
    ("Trade between Kazakhstan and Kyrgyzstan could reach $3bn by 2027.", "forecast", 2027),
    ("Kazakhstan and Kyrgyzstan have the potential of $3bn in trade.", "forecast", None),
    ("Analysts forecast trade between Kazakhstan and Kyrgyzstan at $3bn in 2026.",
     "forecast", 2026),
    ("Trade between Kazakhstan and Kyrgyzstan is projected to hit $3bn in 2026.",
     "forecast", 2026),
    ("Kazakhstan and Kyrgyzstan aim to raise trade to $10bn by 2030.", "target", 2030),
    ("Kazakhstan and Kyrgyzstan set a target of $10bn in trade by 2030.", "target", 2030),
    ("Kazakhstan and Kyrgyzstan plan to bring trade to $10bn.", "target", None),
    ("Kazakhstan and Kyrgyzstan agreed to bring trade turnover to $10bn by 2030.",
     "target", 2030),
])
def test_forecasts_and_targets_are_never_trade(run, text, kind, year):
    fact = one(run(text))
    assert fact["type"] == kind
    assert fact["year"] == year
    assert {fact["reporter"], fact["partner"]} == {"KAZ", "KGZ"}


def test_figure_and_forecast_in_one_sentence(run):
    result = run("In 2023, Russia's trade with India reached $65bn and is expected to reach "
                 "$100bn by 2030.")
    assert [(f["type"], f["year"]) for f in money_facts(result)] == \
        [("trade", 2023), ("forecast", 2030)]


@pytest.mark.parametrize("year", [1999, 2003, 2010, 2023, 2031, 2045])
def test_stated_year_is_never_changed(run, year):
    fact = one(run(f"Trade between Kazakhstan and Kyrgyzstan is expected to reach $3bn in "
                   f"{year}."))
    assert fact["year"] == year


def test_no_year_is_invented(run):
    fact = one(run("Trade between Kazakhstan and Kyrgyzstan reached $3bn."))
    assert fact["year"] is None


def test_not_trade(run):
    assert money_facts(run("Chinese investment in Kazakhstan reached $5bn in 2023.")) == []
    assert money_facts(run("The loan of $300 million to Kyrgyzstan was approved in 2023.")) == []
    assert money_facts(run("Kazakhstan's GDP was $260bn in 2023.")) == []


def test_anaphora_two_countries(run):
    result = run("Kazakhstan and Uzbekistan held talks. Trade between the two countries "
                 "reached $4bn in 2023.")
    fact = one(result)
    assert {fact["reporter"], fact["partner"]} == {"KAZ", "UZB"}


def test_agreement_statuses(run):
    cases = {
        "Kazakhstan and Uzbekistan signed an agreement on transit cooperation on 19 April 2024.":
            ("signed", "2024-04-19"),
        "Kazakhstan and Uzbekistan will sign an agreement on transit cooperation.":
            ("planned", None),
        "Kazakhstan and Uzbekistan are negotiating a free trade agreement.":
            ("negotiating", None),
        "The free trade agreement between Vietnam and the EAEU entered into force in 2016.":
            ("in force", "2016"),
        "The EU and Mercosur concluded negotiations on a trade agreement in December 2024.":
            ("planned", None),  # negotiations over, the signing to come
        "Kazakhstan and Uzbekistan signed a transit agreement in March 2024.":
            ("signed", "2024-03"),
    }
    for text, (status, date) in cases.items():
        facts = of_type(run(text), "agreement")
        assert len(facts) == 1, text
        assert (facts[0]["status"], facts[0]["date"]) == (status, date), text
    fact = of_type(run("The free trade agreement between Vietnam and the EAEU entered into "
                       "force in 2016."), "agreement")[0]
    assert fact["parties"] == ["EAEU", "VNM"]
    assert fact["name"] == "free trade agreement"


def test_unnamed_agreement_is_not_a_fact(run):
    assert of_type(run("Such an agreement would serve both countries."), "agreement") == []


def test_agreement_mentioned_twice_is_one_fact(run):
    result = run("Kazakhstan and Kyrgyzstan will sign an agreement on allied relations. "
                 "Officials said the signing of the agreement on allied relations will "
                 "help both countries.")
    assert len(of_type(result, "agreement")) == 1


def test_memberships(run):
    shapes = [
        "EAEU nations including Russia, Belarus and Armenia met.",
        "The member states of the EAEU, such as Russia, Belarus and Armenia, met.",
        "Russia, Belarus and Armenia are members of the EAEU.",
        "EAEU members Russia, Belarus and Armenia met.",
    ]
    for text in shapes:
        result = run(text)
        assert {(f["member"], f["bloc"]) for f in of_type(result, "membership")} == \
            {("RUS", "EAEU"), ("BLR", "EAEU"), ("ARM", "EAEU")}, text
    assert of_type(run("Uzbekistan is an observer of the EAEU."), "membership") == []
    assert of_type(run("Uzbekistan is not a member of the EAEU."), "membership") == []
    assert [(f["member"], f["bloc"]) for f in
            of_type(run("Kyrgyzstan joined the EAEU in 2015."), "membership")] == [("KGZ", "EAEU")]


def test_speakers(run):
    result = run("Trade between Kazakhstan and China reached $41bn in 2023, Kazakh Trade "
                 "Minister Arman Shakkaliyev said. He said exports to China may reach $30bn.")
    assert result["speakers"] == [{"name": "Arman Shakkaliyev",
                                   "role": "Kazakh Trade Minister"}]
    assert [f["speaker"] for f in money_facts(result)] == ["Arman Shakkaliyev"] * \
        len(money_facts(result))
    result = run("According to Dzhamin Akimaliyev, an academician of the National Academy of "
                 "Sciences of Kyrgyzstan, trade between Kyrgyzstan and Kazakhstan may grow.")
    assert result["speakers"] == [{
        "name": "Dzhamin Akimaliyev",
        "role": "academician of the National Academy of Sciences of Kyrgyzstan"}]
    result = run("\"Trade will grow,\" said Sadyr Japarov, president of Kyrgyzstan.")
    assert result["speakers"] == [{"name": "Sadyr Japarov", "role": "president of Kyrgyzstan"}]
    result = run("Kazakhstan's exports to China reached $15bn in 2023, said senior analyst "
                 "Aigerim Nurlanova.")
    assert result["speakers"] == [{"name": "Aigerim Nurlanova", "role": "senior analyst"}]
    result = run("The Minister of Trade and Integration Arman Shakkaliyev said Kazakhstan's "
                 "exports to Russia were $9bn in 2023.")
    assert result["speakers"] == [{"name": "Arman Shakkaliyev",
                                   "role": "Minister of Trade and Integration"}]
    result = run("He said trade between Russia and China reached $240bn in 2023.")
    assert result["speakers"] == [] and result["facts"][0]["speaker"] is None


def test_speaker_affiliation_is_not_a_party(run):
    result = run("Signing an agreement on transit between Kazakhstan and Uzbekistan will help, "
                 "quoting professor of the University of Kyrgyzstan Asel Bekova.")
    fact = of_type(result, "agreement")[0]
    assert fact["parties"] == ["KAZ", "UZB"]
    assert result["speakers"][0]["name"] == "Asel Bekova"


def test_share_mismatch_is_flagged_not_fixed(run):
    result = run("In 2023 Kyrgyzstan's foreign trade turnover made $15.6bn, of which $2bn or "
                 "30% fell on Russia.")
    part = money_facts(result)[1]
    assert part["share_pct"] == 30.0 and part["value"] == 2_000_000_000
    assert [a["kind"] for a in result["anomalies"]] == ["share-mismatch"]


def test_share_within_half_a_point_is_fine(run):
    result = run("In 2023 Kyrgyzstan's foreign trade turnover made $15.6bn, of which $1.3bn or "
                 "8.0% fell on Kazakhstan.")
    assert result["anomalies"] == []


def test_forecast_year_before_publication(run):
    result = run("Trade between Kazakhstan and Kyrgyzstan is expected to reach $3bn in 2020.")
    assert one(result)["year"] == 2020
    assert [a["kind"] for a in result["anomalies"]] == ["forecast-year-before-publication"]


def test_conversion_off_by_orders_of_magnitude(run):
    ok = run("Uzbekistan's trade with Kazakhstan totalled 2.5 trillion tenge (about $5.4bn) in 2023.")
    assert ok["anomalies"] == [] and len(money_facts(ok)) == 1
    bad = run("Uzbekistan's trade with Kazakhstan totalled 2.5 trillion tenge (about $5.4 "
              "million) in 2023.")
    assert [a["kind"] for a in bad["anomalies"]] == ["currency-conversion-magnitude"]
    assert money_facts(bad)[0]["value"] == 2_500_000_000_000


def test_implausible_magnitude(run):
    result = run("Kyrgyzstan's foreign trade reached $150 trillion in 2023.")
    assert [a["kind"] for a in result["anomalies"]] == ["implausible-magnitude"]


@pytest.mark.parametrize("text, share", [
    ("Kazakhstan's imports from China stood at USD 15.2 billion in 2023, accounting for 27% of "
     "the country's total imports.", 27.0),
    ("Kazakhstan's trade with Russia totaled KZT 12 trillion in 2023, or 19.7% of the total.", 19.7),
])
def test_a_share_after_a_time_phrase(run, text, share):
    assert one(run(text))["share_pct"] == share


def test_each_figure_takes_its_own_clause_year(run):
    fact = one(run("The country's budget deficit for 2025 is planned at 3%, and trade turnover between "
                   "Russia and Kazakhstan amounted to $27.8bn in 2023.", date="2024-05-02"))
    assert key(fact)[1:5] == ("RUS", "KAZ", "turnover", 2023)
    first, second = money_facts(run("The trade turnover of Kazakhstan with Kyrgyzstan in 2023 was $1.3bn, "
                                    "while for 2022 it amounted to $1.1bn."))
    assert (first["year"], first["value"]) == (2023, 1_300_000_000)
    assert (second["year"], second["value"]) == (2022, 1_100_000_000)


def test_agreement_names_and_kinds(run):
    (fta,) = of_type(run("Russia and Serbia signed a free trade area agreement in 2019."), "agreement")
    assert (fta["parties"], fta["name"], fta["status"]) == (["RUS", "SRB"], "free trade area agreement", "signed")
    (water,) = of_type(run("Kazakhstan and Kyrgyzstan signed an agreement on water use in Bishkek on "
                           "5 March 2024."), "agreement")
    assert (water["name"], water["date"]) == ("agreement on water use", "2024-03-05")


@pytest.mark.parametrize("text, member", [
    ("Armenia, a member of the EAEU, exported brandy worth $300 million to Russia in 2023.", "ARM"),
    ("Kazakhstan, an EAEU member state, increased its exports.", "KAZ"),
    ("Belarus, which is a member of the Eurasian Economic Union, sells tractors.", "BLR"),
])
def test_memberships_stated_in_an_aside(run, text, member):
    result = run(text)
    assert [(f["member"], f["bloc"]) for f in of_type(result, "membership")] == [(member, "EAEU")]
    for fact in money_facts(result):  # the aside does not change who trades
        assert key(fact)[1:4] == ("ARM", "RUS", "export")


def test_an_observer_aside_is_no_membership(run):
    assert of_type(run("Uzbekistan, an observer state of the EAEU, traded more."), "membership") == []


def test_a_share_stated_before_the_amount(run):
    fact = one(run("Russia accounted for 21.5% of Uzbekistan's foreign trade in 2023, or $13.9 billion."))
    assert key(fact) == ("trade", "UZB", "RUS", "turnover", 2023, 13_900_000_000, "USD")
    assert fact["share_pct"] == 21.5


def test_a_sentence_that_goes_on_keeps_the_reporter(run):
    facts = money_facts(run("Kazakhstan's foreign trade turnover totaled $139.8 billion last year. "
                            "Exports amounted to $78.7 billion and imports to $61.1 billion."))
    assert [key(f)[1:6] for f in facts] == [("KAZ", "WLD", "turnover", 2023, 139_800_000_000),
                                             ("KAZ", "WLD", "export", 2023, 78_700_000_000),
                                             ("KAZ", "WLD", "import", 2023, 61_100_000_000)]


def test_a_new_paragraph_does_not_carry_the_reporter(run):
    facts = money_facts(run("Kazakhstan's foreign trade turnover totaled $139.8 billion in 2023.\n\n"
                            "Exports amounted to $78.7 billion."))
    assert len(facts) == 1


@pytest.mark.parametrize("text, speaker", [
    ("Trade with Tajikistan could double, said Kyrgyz Minister of Economy Daniyar Amangeldiev.",
     {"name": "Daniyar Amangeldiev", "role": "Kyrgyz Minister of Economy"}),
    ("Trade grew, said Laziz Kudratov, Minister of Investment, Industry and Trade of Uzbekistan.",
     {"name": "Laziz Kudratov", "role": "Minister of Investment, Industry and Trade of Uzbekistan"}),
    ("Trade grew, said Laziz Kudratov, Minister of Trade, adding that exports rose.",
     {"name": "Laziz Kudratov", "role": "Minister of Trade"}),
])
def test_speakers_after_the_verb(run, text, speaker):
    assert run(text)["speakers"] == [speaker]


@pytest.mark.parametrize("text, change", [
    ("Exports from Kazakhstan to China fell 13% in 2023 to $32.8 billion.", -13.0),
    ("Exports from Kazakhstan to China grew 8% to $32.8 billion in 2023.", 8.0),
])
def test_a_change_right_after_its_verb(run, text, change):
    fact = one(run(text))
    assert fact["change_pct"] == change and "share_pct" not in fact


@pytest.mark.parametrize("text, year, period", [
    ("Over 11 months of 2023, exports of Belarus to Russia reached $20 billion.", 2023, "M01-M11"),
    ("In the first nine months, Kazakhstan's exports to China reached $10 billion.", 2023, "M01-M09"),
])
def test_months_counted_from_january(run, text, year, period):
    fact = one(run(text, date="2024-03-10"))
    assert (fact["year"], fact["period"]) == (year, period)


def test_over_a_year_is_a_time_unless_it_follows_a_percentage(run):
    assert one(run("Trade between Kazakhstan and Russia grew over 2023 to $27.8bn."))["year"] == 2023
    fact = one(run("Trade between Kazakhstan and Russia reached $27.8bn in 2023, up 5% over 2022."))
    assert fact["year"] == 2023


@pytest.mark.parametrize("text, share, change", [
    ("Trade between Kazakhstan and Russia was $26bn in 2023, a 7% decline.", None, -7.0),
    ("Trade between Kazakhstan and China was $31bn in 2023, a 19% increase.", None, 19.0),
    ("Trade between Kazakhstan and Uzbekistan was $4bn in 2023, 8.4% less than in 2022.", None, -8.4),
    ("Kazakhstan's exports to Russia, which make up 30% of its total exports, reached $9bn in 2023.", 30.0, None),
])
def test_shares_and_changes_told_apart(run, text, share, change):
    fact = one(run(text))
    assert (fact.get("share_pct"), fact.get("change_pct")) == (share, change)


def test_expecting_a_doubling_is_a_forecast(run):
    assert one(run("Kazakhstan and Russia expect trade to double to $40bn by 2027."))["type"] == "forecast"
    assert one(run("Kazakhstan and Russia aim to double trade to $40bn by 2027."))["type"] == "target"


def test_a_total_keeps_the_world_as_partner(run):
    fact = one(run("Vietnam's foreign trade reached $683bn in 2023, with China its largest partner."))
    assert key(fact)[1:4] == ("VNM", "WLD", "turnover")


@pytest.mark.parametrize("text, name", [
    ("Georgia and the EU signed an association agreement in 2014.", "association agreement"),
    ("Kazakhstan and China signed a roadmap on trade cooperation on 5 March 2024.", "roadmap on trade cooperation"),
    ("India and ASEAN held talks on the ASEAN-India Trade in Goods Agreement.",
     "ASEAN-India Trade in Goods Agreement"),
])
def test_more_agreement_names(run, text, name):
    assert [a["name"] for a in of_type(run(text), "agreement")] == [name]


def test_hyphenated_names_and_ordinal_memberships(run):
    result = run("Trade with Russia grew, President Kassym-Jomart Tokayev said.")
    assert result["speakers"] == [{"name": "Kassym-Jomart Tokayev", "role": "President"}]
    members = of_type(run("Belarus became the tenth full member of the SCO."), "membership")
    assert [(m["member"], m["bloc"]) for m in members] == [("BLR", "SCO")]


def test_the_yen_sign_in_chinas_trade_is_the_yuan(run):
    assert one(run("China's exports to Mongolia reached ¥20 billion in 2023."))["currency"] == "CNY"
    assert one(run("Japan's exports to China reached ¥2 trillion in 2023."))["currency"] == "JPY"


@pytest.mark.parametrize("text, date", [
    ("Armenia and the UAE signed a free trade agreement on Dec. 6, 2024.", "2024-12-06"),
    ("Kazakhstan and Uzbekistan signed an agreement on water use on Sept. 2.", "2024-09-02"),
    ("Kazakhstan and Uzbekistan signed an agreement on water use on 5 January.", "2025-01-05"),
])
def test_agreement_days_abbreviated_or_without_a_year(run, text, date):
    (fact,) = of_type(run(text, date="2025-01-10"), "agreement")
    assert (fact["name"].endswith(("agreement", "use")), fact["date"]) == (True, date)


def test_members_of_the_union_and_blocs_that_members_form(run):
    result = run("The Eurasian Economic Union was founded in 2015. Uzbekistan, an observer, attended, "
                 "while Kazakhstan, Kyrgyzstan and Armenia are full members of the union. "
                 "Belarus and Russia form the Union State.")
    assert sorted((m["member"], m["bloc"]) for m in of_type(result, "membership")) == [
        ("ARM", "EAEU"), ("BLR", "Union State"), ("KAZ", "EAEU"), ("KGZ", "EAEU"), ("RUS", "Union State")]


def test_the_year_goes_on_with_the_reporter_in_a_paragraph(run):
    facts = money_facts(run("Mongolia's exports to China reached $9 billion in 2024. "
                            "Mongolia's imports from China stood at $4 billion.\n\n"
                            "Mongolia's imports from Russia stood at $2 billion."))
    assert [(f["flow"], f["partner"], f["year"]) for f in facts] == [
        ("export", "CHN", 2024), ("import", "CHN", 2024), ("import", "RUS", None)]


def test_goals_with_should_and_by_a_future_year_are_targets(run):
    fact = one(run("Kazakhstan and China should raise bilateral trade to $50 billion by 2030.", date="2025-03-10"))
    assert (fact["type"], fact["year"]) == ("target", 2030)
    result = run("Kazakhstan's trade with Russia will reach $40 billion by 2030.", date="2025-03-10")
    assert [f["type"] for f in money_facts(result)] != ["trade"] and result["anomalies"] == []


def test_the_paragraphs_reporter_with_a_partner_named_alone(run):
    facts = money_facts(run("Kazakhstan's trade with Russia reached $27 billion in 2024. "
                            "Imports from Russia rose to $17 billion."))
    assert key(facts[1])[1:5] == ("KAZ", "RUS", "import", 2024)
    share = money_facts(run("Kazakhstan's foreign trade reached $140 billion in 2024. "
                            "The EAEU accounted for 19.1% of turnover, or $26.8 billion."))[1]
    assert (key(share)[1:5], share["share_pct"]) == (("KAZ", "EAEU", "turnover", 2024), 19.1)


def test_memberships_of_two_blocs_and_of_both_countries(run):
    assert [(m["member"], m["bloc"]) for m in of_type(run("Tajikistan is a member of the CIS and the SCO."),
                                                       "membership")] == [("TJK", "CIS"), ("TJK", "SCO")]
    both = of_type(run("Brazil and Argentina signed a deal. Both countries are founding members of Mercosur."),
                   "membership")
    assert sorted((m["member"], m["bloc"]) for m in both) == [("ARG", "Mercosur"), ("BRA", "Mercosur")]


def test_the_paragraph_names_the_parties(run):
    result = run("The European Union is Kazakhstan's largest investor. Bilateral trade reached $48 billion "
                 "last year.\n\nThe Eurasian Economic Union held a summit in Minsk. Intra-union trade stood at "
                 "$90 billion in 2024.\n\nKazakh President Tokayev visited Beijing. Trade with China amounted to "
                 "$44 billion in 2024.\n\nBilateral trade reached $5 billion.", date="2025-03-10")
    assert [key(f)[1:4] for f in money_facts(result)] == [
        ("EU", "KAZ", "turnover"), ("EAEU", "EAEU", "turnover"), ("KAZ", "CHN", "turnover")]


def test_speakers_with_has_said_and_name_particles(run):
    assert run("Trade with Iran grew, Prime Minister Nikol Pashinyan has said.")["speakers"] == [
        {"name": "Nikol Pashinyan", "role": "Prime Minister"}]
    assert run("Trade with Iran grew, Omani Commerce Minister Qais al-Yousef said.")["speakers"] == [
        {"name": "Qais al-Yousef", "role": "Omani Commerce Minister"}]


def test_a_forecast_about_the_two_parties_of_the_paragraph(run):
    fact = one(run("Kazakhstan and Uzbekistan signed a free trade pact in Tashkent. The pact is expected "
                   "to lift trade to $15 billion by 2028.", date="2025-03-10"))
    assert key(fact)[:5] == ("forecast", "KAZ", "UZB", "turnover", 2028)


def test_an_amount_a_year_earlier(run):
    now, before = money_facts(run("Trade between Kazakhstan and Russia declined to $52 billion in 2024 "
                                  "from $57 billion a year earlier.", date="2025-03-10"))
    assert (now["year"], now["value"], before["year"], before["value"]) == (2024, 52e9, 2023, 57e9)


def test_agreements_about_the_paragraphs_two_parties(run):
    result = run("Kazakhstan and Azerbaijan held talks in Astana. The leaders signed a memorandum on cooperation "
                 "along the Middle Corridor and an agreement on joint development of green energy.")
    assert [(a["parties"], a["name"]) for a in of_type(result, "agreement")] == [
        (["AZE", "KAZ"], "memorandum on cooperation along the Middle Corridor"),
        (["AZE", "KAZ"], "agreement on joint development of green energy")]
    (cepa,) = of_type(run("Trade between India and the UAE crossed $100 billion in 2024. The Comprehensive "
                          "Economic Partnership Agreement, in force since May 2022, has driven the growth."),
                      "agreement")
    assert (cepa["parties"], cepa["status"], cepa["date"]) == (["ARE", "IND"], "in force", "2022-05")


def test_a_trade_balance_names_whose_trade_follows(run):
    result = run("Egypt's foreign trade deficit reached $40 billion in 2024. "
                 "Exports totaled $45 billion and imports $85 billion.", date="2025-03-10")
    assert [key(f)[1:6] for f in money_facts(result)] == [("EGY", "WLD", "export", 2024, 45e9),
                                                          ("EGY", "WLD", "import", 2024, 85e9)]
