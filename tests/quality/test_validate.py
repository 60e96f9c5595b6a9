"""`validate`: SHACL shapes and SPARQL quality rules, one SHACL report."""
from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef

from kg.literals import date_literal, decimal_literal
from kg import namespace as ns
from kg.namespace import (ORG, QB, RDF, RDFS, RER, SH, aggregate, bloc, country, entity, flow,
                          graph_for, product)
from kg.quality import validate
from kg.quality.queries import rules
from kg.quality.validate import rule_iri, shapes_graph

BAD = graph_for("test/bad")


@pytest.fixture(scope="module")
def shipped_report(built_dir):
    return validate(built_dir.open())


def test_the_shipped_graph_conforms(shipped_report):
    report = shipped_report
    assert report.conforms, report.text()
    assert report.violations == []
    assert report.exit_code == 0
    assert report.focus_nodes > 900
    assert report.shapes >= 15


def test_the_shipped_graph_has_no_mirror_warning_at_the_default_ratio(shipped_report):
    assert not [r for r in shipped_report.results if r.source == rule_iri("mirror-mismatch")]


def _membership(node: URIRef, start: str, end: str):
    return [
        (node, RDF.type, RER.Membership), (node, RDF.type, ORG.Membership),
        (node, ORG.member, country("KAZ")), (node, ORG.organization, bloc("EAEU")),
        (node, ORG.role, RER.MemberRole),
        (node, RER.startDate, date_literal(start)), (node, RER.endDate, date_literal(end)),
    ]


def _trade_flow(node: URIRef, value: str):
    dataset = entity("dataset", "test")
    return [
        (dataset, RDF.type, QB.DataSet),
        (node, RDF.type, RER.TradeFlow), (node, RDF.type, QB.Observation),
        (node, QB.dataSet, dataset), (node, RER.reporter, country("KAZ")),
        (node, RER.partner, country("KGZ")), (node, RER.flow, flow("export")),
        (node, RER.refPeriod, Literal("2021", datatype=ns.XSD.gYear)), (node, RER.year, Literal(2021)),
        (node, RER.product, product("TOTAL")), (node, RER.value, decimal_literal(value)),
        (node, RER.currency, Literal("USD")),
    ]


def test_bad_data_is_reported_as_violations(writable):
    backwards = entity("membership", "EAEU", "KAZ", "test-backwards")
    negative = entity("obs", "test", "negative")
    writable.add_triples(BAD, [*_membership(backwards, "2020-01-01", "2019-01-01"),
                               *_trade_flow(negative, "-5")])
    report = validate(writable)
    assert not report.conforms
    assert report.exit_code != 0
    by_focus = {(r.focus, r.source) for r in report.violations}
    assert (backwards, rule_iri("membership-dates")) in by_focus
    flow_results = [r for r in report.violations if r.focus == negative]
    assert [r.path for r in flow_results] == [RER.value]
    assert flow_results[0].component == SH.MinInclusiveConstraintComponent
    assert flow_results[0].value == decimal_literal("-5")
    text = report.text()
    assert text.index("Violations") < text.index("membership starts on 2020-01-01 but ends on 2019-01-01")
    assert "DOES NOT CONFORM" in text


def test_shape_cardinalities_datatypes_and_code_lists(writable):
    c = country("XXQ")
    membership = entity("membership", "test", "wrong-role")
    writable.add_triples(BAD, [
        (c, RDF.type, RER.Country), (c, RDFS.label, Literal("Nowhere")),
        (c, RER.iso3166Alpha3, Literal("xq")),                     # pattern
        (c, RER.iso3166Alpha2, Literal("XQ")),
        (c, RER.iso3166Numeric, Literal("999")),
        (membership, RDF.type, RER.Membership), (membership, ORG.member, c),
        (membership, ORG.organization, bloc("EAEU")),
        (membership, ORG.role, RER.StatusSigned),                  # not a membership role
        (membership, RER.startDate, Literal("2020")),              # not an xsd:date
    ])
    report = validate(writable)
    problems = {(r.focus, r.path, r.component) for r in report.violations}
    assert (c, RER.iso3166Alpha3, SH.PatternConstraintComponent) in problems
    assert (membership, ORG.role, SH.NodeConstraintComponent) in problems
    assert (membership, RER.startDate, SH.DatatypeConstraintComponent) in problems
    assert len(report.violations) == 3, report.text()


def test_small_chunks_give_the_same_results(writable):
    negative = entity("obs", "test", "negative")
    writable.add_triples(BAD, _trade_flow(negative, "-5"))
    whole = validate(writable)
    chunked = validate(writable, chunk_size=7)
    assert chunked.results == whole.results
    assert chunked.focus_nodes == whole.focus_nodes


def test_mirror_statistics_beyond_a_small_ratio_are_warnings(built_dir):
    report = validate(built_dir.open(), mirror_ratio=1.01)
    mirror = [r for r in report.warnings if r.source == rule_iri("mirror-mismatch")]
    assert mirror, report.text()
    assert all(r.path == RER.mirrorRatio for r in mirror)
    ratios = [Decimal(str(r.value)) for r in mirror]
    assert all(x > Decimal("1.01") or x * Decimal("1.01") < 1 for x in ratios)
    assert all("outside the accepted range 0.99 to 1.01" in r.message for r in mirror)
    assert report.conforms  # warnings do not fail validation
    assert report.exit_code == 0


def test_a_claim_far_from_the_official_figure_is_a_warning(writable):
    claim, figure = entity("claim", "test", "1"), entity("statement", "test", "1")
    official = entity("obs", "test", "official")
    writable.add_triples(BAD, [
        *_trade_flow(official, "1000000000"),
        (claim, RDF.type, RER.Claim), (claim, RER.states, figure),
        (figure, RDF.type, RER.ReportedFigure), (figure, RER.reporter, country("KAZ")),
        (figure, RER.partner, country("KGZ")), (figure, RER.flow, flow("export")),
        (figure, RER.refPeriod, Literal("2021", datatype=ns.XSD.gYear)),
        (figure, RER.product, product("TOTAL")), (figure, RER.currency, Literal("USD")),
        (figure, RER.value, decimal_literal("1200000000")),
    ])
    report = validate(writable)
    found = [r for r in report.warnings if r.source == rule_iri("claim-vs-official")]
    assert [r.focus for r in found] == [claim]
    assert "off by 20%" in found[0].message
    lenient = validate(writable, claim_tolerance=0.25)
    assert not [r for r in lenient.warnings if r.source == rule_iri("claim-vs-official")]


def test_a_share_that_disagrees_with_its_amounts_is_a_warning(writable):
    doc = entity("article", "test")
    rows = []
    for n, (partner, value, share) in enumerate([(aggregate("WLD"), "15600000000", None),
                                                 (country("KAZ"), "1300000000", "12.5")]):
        claim, figure = entity("claim", "test", str(n)), entity("statement", "test", str(n))
        rows += [(claim, RDF.type, RER.Claim), (claim, RER.states, figure),
                 (claim, RER.sourceDocument, doc), (figure, RER.statedBy, claim),
                 (figure, RDF.type, RER.ReportedFigure), (figure, RER.reporter, country("KGZ")),
                 (figure, RER.partner, partner), (figure, RER.flow, flow("turnover")),
                 (figure, RER.year, Literal(2023)), (figure, RER.currency, Literal("USD")),
                 (figure, RER.value, decimal_literal(value))]
        if share:
            rows.append((figure, RER.sharePct, decimal_literal(share)))
    writable.add_triples(BAD, rows)
    found = [r for r in validate(writable).warnings if r.source == rule_iri("share-mismatch")]
    assert [r.focus for r in found] == [entity("statement", "test", "1")]
    assert "8.33%" in found[0].message


def test_the_seed_article_forecast_for_2003_is_a_warning(seeded_dir):
    report = validate(seeded_dir.open())
    assert report.conforms, report.text()
    forecast = [r for r in report.warnings if r.source == rule_iri("forecast-before-publication")]
    assert len(forecast) == 1, report.text()
    assert forecast[0].value == Literal(2003)
    assert forecast[0].path == RER.year
    assert "2003" in forecast[0].message and "2024-04-17" in forecast[0].message
    # The seed's share (1.3 of 15.6 billion is 8.33%, stated 8.3%) is within half a point.
    assert not [r for r in report.warnings if r.source == rule_iri("share-mismatch")]
    # The extractor's own flag is listed as a note.
    assert [r for r in report.by_severity("info") if r.source == rule_iri("extraction-flags")]
    assert "Warnings (1)" in report.text()


def test_the_report_is_a_standard_shacl_report(seeded_dir):
    report = validate(seeded_dir.open())
    g = Graph().parse(data=report.graph.serialize(format="turtle"), format="turtle")
    (node,) = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(node, SH.conforms) == Literal(False)  # SHACL: any result, warnings included
    results = list(g.objects(node, SH.result))
    assert len(results) == len(report.results)
    for r in results:
        assert (r, RDF.type, SH.ValidationResult) in g
        assert g.value(r, SH.focusNode) is not None
        assert g.value(r, SH.resultSeverity) in (SH.Violation, SH.Warning, SH.Info)
        assert g.value(r, SH.sourceShape) is not None
        assert g.value(r, SH.resultMessage) is not None


def test_every_rule_has_a_severity_and_parses():
    from rdflib.plugins.sparql import prepareQuery

    found = rules()
    assert {r.name for r in found} >= {"forecast-before-publication", "share-mismatch",
                                       "mirror-mismatch", "membership-dates", "claim-vs-official"}
    assert {r.name: r.severity for r in found}["membership-dates"] == "violation"
    for rule in found:
        prepareQuery(rule.text)


def test_every_instantiated_class_has_a_shape(built_dir):
    """Each class of the ontology with asserted instances is targeted by a shape,
    itself or through a superclass (rer:Forecast through rer:Statement); the
    superclass types materialised in the inferred graph are not counted."""
    from kg.sources.ontology import ontology_graph

    ontology = ontology_graph()
    targeted = set(shapes_graph().objects(None, SH.targetClass))
    store = built_dir.open()
    used = {row["c"] for row in store.query(
        "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?x a ?c } FILTER(STRSTARTS(STR(?c), STR(rer:))) "
        "FILTER(!STRENDS(STR(?g), '/graph/inferred')) }")}
    uncovered = {c for c in used
                 if not set(ontology.transitive_objects(c, RDFS.subClassOf)) & targeted}
    assert uncovered == set()
