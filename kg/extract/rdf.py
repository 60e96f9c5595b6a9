"""Extracted facts (the `kg extract --json` shape) -> triples in the article's
named graph: the document, a Claim per fact with its exact quote, offsets,
speaker and method, the stated figure typed by what it is (a reported
observation, a forecast, a target, an agreement, a membership), and quality
flags as data. Nothing here corrects what the text says."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef

from kg.areas import area_iri
from kg.extract import EXTRACTOR_VERSION, METHOD
from kg.literals import date_literal, decimal_literal
from kg.namespace import (DCTERMS, ORG, QB, RDF, RDFS, RER, SCHEMA, XSD, bloc, entity, flow,
                          product, slug)
from kg.sources.trade.rdf import period_literal
from kg.store.base import Triple

STATUSES = {
    "planned": RER.StatusPlanned, "negotiating": RER.StatusNegotiating, "signed": RER.StatusSigned,
    "in force": RER.StatusInForce, "in_force": RER.StatusInForce, "terminated": RER.StatusTerminated,
}
FIGURE_CLASSES = {"trade": RER.ReportedFigure, "forecast": RER.Forecast, "target": RER.Target}


def article_graph_name(article) -> str:
    return f"article/{article.id}"


def article_iri(article) -> URIRef:
    return entity("article", article.id)


def person_iri(name: str) -> URIRef:
    return entity("person", slug(name))


def article_triples(article, extraction: dict) -> Iterator[Triple]:
    doc = article_iri(article)
    yield doc, RDF.type, RER.NewsArticle
    yield doc, RDF.type, SCHEMA.NewsArticle
    yield doc, RDFS.label, Literal(article.title or (f"Article of {article.date}" if article.date
                                                      else f"Undated article {article.id}"), lang="en")
    if article.title:
        yield doc, DCTERMS.title, Literal(article.title)
    if article.date:
        yield doc, DCTERMS.date, date_literal(article.date)
    publisher = article.publisher or extraction.get("publisher")
    if publisher:
        yield doc, RER.publisher, Literal(publisher)
    if article.url:
        yield doc, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)
    if getattr(article, "language", None):
        yield doc, DCTERMS.language, Literal(article.language)
    yield doc, DCTERMS.extent, Literal(len(article.text))

    method = Literal(f"{METHOD}; version {EXTRACTOR_VERSION}")
    dataset = entity("dataset", "article", article.id)
    yield dataset, RDF.type, QB.DataSet
    yield dataset, QB.structure, RER.tradeStructure
    yield dataset, RDFS.label, Literal(f"Figures reported in {article.title or article.id}", lang="en")

    roles = {s["name"]: s.get("role") for s in extraction.get("speakers", []) if s.get("name")}
    for name, role in roles.items():
        person = person_iri(name)
        yield person, RDF.type, RER.Person
        yield person, RDFS.label, Literal(name)
        if role:
            yield person, RER.role, Literal(role, lang="en")

    claims_by_quote: dict[str, list[tuple[URIRef, str]]] = {}
    for n, fact in enumerate(extraction.get("facts", []), start=1):
        claim = entity("claim", article.id, str(n))
        claims_by_quote.setdefault(fact.get("quote", ""), []).append((claim, fact["type"]))
        yield claim, RDF.type, RER.Claim
        yield claim, RER.claimType, Literal(fact["type"])
        yield claim, RDFS.label, Literal(f"{fact['type']} claim {n} in {article.id}", lang="en")
        yield claim, RER.sourceDocument, doc
        yield claim, RER.extractionMethod, method
        if fact.get("quote"):
            yield claim, RER.quote, Literal(fact["quote"])
        for key, prop in (("start", RER.quoteStart), ("end", RER.quoteEnd)):
            if isinstance(fact.get(key), int):
                yield claim, prop, Literal(fact[key])
        if fact.get("speaker"):
            yield claim, RER.speaker, person_iri(fact["speaker"])
        stated = entity("statement", article.id, str(n))
        yield claim, RER.states, stated
        yield stated, RER.statedBy, claim
        yield from _statement(stated, fact, dataset, article)

    for n, anomaly in enumerate(extraction.get("anomalies", []), start=1):
        flag = entity("flag", article.id, str(n))
        yield flag, RDF.type, RER.QualityFlag
        yield flag, RER.flagKind, Literal(anomaly.get("kind", "unknown"))
        yield flag, RER.severity, Literal("warning")
        yield flag, RDFS.comment, Literal(anomaly.get("detail", ""), lang="en")
        if anomaly.get("quote"):
            yield flag, RER.quote, Literal(anomaly["quote"])
        for target in _flagged(claims_by_quote.get(anomaly.get("quote", ""), []), anomaly) or [doc]:
            yield flag, RER.flags, target


def _flagged(claims: list[tuple[URIRef, str]], anomaly: dict) -> list[URIRef]:
    """The claims of the anomaly's sentence it is about: its figures (a
    forecast's year, a share's amounts), not the memberships or agreements
    stated in the same sentence; forecast anomalies go to forecasts and targets."""
    kind = anomaly.get("kind", "")
    wanted = {"forecast", "target"} if ("forecast" in kind or "target" in kind) else set(FIGURE_CLASSES)
    chosen = [claim for claim, ctype in claims if ctype in wanted]
    return chosen or [claim for claim, ctype in claims if ctype in FIGURE_CLASSES] or \
        [claim for claim, _ in claims]


def _statement(node: URIRef, fact: dict, dataset: URIRef, article) -> Iterator[Triple]:
    kind = fact["type"]
    if kind in FIGURE_CLASSES:
        yield node, RDF.type, FIGURE_CLASSES[kind]
        if kind == "trade":
            yield node, RDF.type, RER.TradeFlow
            yield node, RDF.type, QB.Observation
            yield node, QB.dataSet, dataset
            yield node, RER.product, product("TOTAL")
        for key, prop in (("reporter", RER.reporter), ("partner", RER.partner)):
            if fact.get(key):
                yield node, prop, area_iri(fact[key])
        if fact.get("flow"):
            yield node, RER.flow, flow(fact["flow"])
        if isinstance(fact.get("year"), int):
            yield node, RER.year, Literal(fact["year"])
            yield node, RER.refPeriod, period_literal(str(fact["year"]))
        value = _decimal(fact.get("value"))
        if value is not None:
            yield node, RER.value, decimal_literal(value)
        if fact.get("currency"):
            yield node, RER.currency, Literal(fact["currency"])
        share = _decimal(fact.get("share_pct"))
        if share is not None:
            yield node, RER.sharePct, decimal_literal(share)
        yield node, RDFS.label, Literal(_figure_label(fact), lang="en")
    elif kind == "agreement":
        parties = [p for p in fact.get("parties", []) if p]
        key = fact.get("name") or "-".join(sorted(parties)) or "agreement"
        agreement = entity("agreement", slug("-".join(sorted(parties)) + "-" + key)[:120])
        yield node, RDF.type, RER.Agreement
        yield node, RDFS.label, Literal(fact.get("name") or "unnamed agreement", lang="en")
        yield node, RDFS.seeAlso, agreement
        yield agreement, RDF.type, RER.Agreement
        yield agreement, RDF.type, RER.BilateralAgreement if len(parties) == 2 else RER.PlurilateralAgreement
        yield agreement, RDFS.label, Literal(fact.get("name") or "unnamed agreement", lang="en")
        for party in parties:
            yield agreement, RER.party, area_iri(party)
        status = STATUSES.get(str(fact.get("status", "")).lower())
        if status is not None:
            yield agreement, RER.agreementStatus, status
        if fact.get("date") and str(fact.get("status", "")).lower() == "signed":
            try:
                yield agreement, RER.dateSigned, date_literal(fact["date"])
            except ValueError:
                pass
    elif kind == "membership":
        # A claimed membership is an org:Membership but not a curated rer:Membership:
        # it carries no dates, and must not change who counts as a member when.
        yield node, RDF.type, ORG.Membership
        if fact.get("member"):
            yield node, ORG.member, area_iri(fact["member"])
        if fact.get("bloc"):
            yield node, ORG.organization, bloc(fact["bloc"])
        yield node, ORG.role, RER.MemberRole
        yield node, RDFS.label, Literal(f"{fact.get('member')} member of {fact.get('bloc')} (as stated)", lang="en")


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _figure_label(fact: dict) -> str:
    year = fact.get("year") if fact.get("year") is not None else "no year"
    return (f"{fact['type']}: {fact.get('reporter')}-{fact.get('partner')} {fact.get('flow')} "
            f"{year}: {fact.get('value')} {fact.get('currency') or ''}").strip()
