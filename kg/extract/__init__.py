"""Text to facts: what a news article states about trade, forecasts, targets,
agreements and bloc memberships, in the shape of the extraction contract.

The extractor knows language, not RDF or the store: :func:`extract` returns plain
dictionaries (see ``docs/extraction.md``), and ``kg.extract.rdf`` turns them into
triples. It is deterministic and uses no statistical model, so the same article
always yields the same facts.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.anomalies import check as _check_anomalies
from kg.extract.article import Article, read_article
from kg.extract.context import ArticleContext
from kg.extract.gazetteer import Gazetteer
from kg.extract.pipeline import build_pipeline
from kg.extract.relations import agreements as _agreements
from kg.extract.relations import memberships as _memberships
from kg.extract.rules import trade_facts as _trade_facts
from kg.extract.speakers import attribute as _attribute

#: Changes whenever a rule change can change the output for the same text.
EXTRACTOR_VERSION = "0.1.0"
#: How the facts were obtained, for provenance records.
METHOD = "regecon-rules: spaCy blank 'en' (sentencizer, EntityRuler gazetteer, token Matcher) + hand-written rules"

__all__ = ["Article", "EXTRACTOR_VERSION", "Gazetteer", "METHOD", "default_gazetteer",
           "extract", "extract_file", "read_article"]

_PUBLIC_ORDER = ("type", "reporter", "partner", "flow", "year", "value", "currency",
                 "share_pct", "change_pct", "period", "parties", "name", "status", "date",
                 "member", "bloc")


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The project gazetteer, read once per process."""
    return Gazetteer.default()


def _public(fact: dict, quote: dict) -> dict:
    """The fact as consumers see it: contract keys first, then quote, offsets and speaker."""
    out = {key: fact[key] for key in _PUBLIC_ORDER if key in fact}
    out.update(quote)
    return out


def extract(article: Article, gazetteer: Gazetteer | None = None) -> dict:
    """All facts of one article, with the places it mentions, its speakers and anomalies."""
    gazetteer = gazetteer or default_gazetteer()
    pipeline = build_pipeline(gazetteer)
    ctx = ArticleContext(published=article.date, gazetteer=gazetteer)
    facts: list[dict] = []
    private: list[dict] = []
    conversions: list[dict] = []
    agreements: dict[tuple[str, str], dict] = {}
    members: set[tuple[str, str]] = set()

    for sentence in pipeline.analyse(article.text, article.date):
        ctx.resolve_references(sentence)
        attribution = _attribute(sentence, ctx.speakers)
        excluded = list(attribution.excluded)
        found_members, member_ranges = _memberships(sentence, ctx, excluded)
        excluded.extend(member_ranges)
        found_trade, pairs = _trade_facts(sentence, ctx, excluded)
        found_agreements = _agreements(sentence, ctx, attribution.excluded)
        quote = {"quote": sentence.text, "start": sentence.start, "end": sentence.end,
                 "speaker": attribution.speaker}

        for fact in found_members:
            key = (fact["member"], fact["bloc"])
            if key not in members:
                members.add(key)
                facts.append(_public(fact, quote))
        for fact in found_trade:
            facts.append(_public(fact, quote))
            private.append({**fact, **quote})
        first_trade = next((f for f in found_trade if f["type"] == "trade"), None)
        if first_trade is not None:
            ctx.remember_trade(first_trade["reporter"], first_trade["partner"], first_trade["year"],
                               first_trade.get("period"), sentence.paragraph)
        for fact in found_agreements:
            key = (fact["_key"], fact["status"])
            known = agreements.get(key)
            if known is not None:
                if not known["parties"] and fact["parties"]:
                    known["parties"] = fact["parties"]
                if known.get("date") is None and fact.get("date"):
                    known["date"] = fact["date"]
                continue
            public = _public(fact, quote)
            agreements[key] = public
            facts.append(public)
        for pair in pairs:
            conversions.append({**pair, "quote": sentence.text})
        ctx.remember(sentence, attribution.excluded)

    countries = sorted(c for c in ctx.mentioned if gazetteer.kind(c) == "country")
    blocs = sorted(c for c in ctx.mentioned if gazetteer.kind(c) == "bloc")
    return {
        "source": article.source,
        "date": article.date.isoformat() if article.date else None,
        "countries": countries,
        "blocs": blocs,
        "facts": facts,
        "speakers": ctx.speakers.listing(),
        "anomalies": _check_anomalies(private, conversions, article.date),
        # Beyond the contract's keys: who published it, from metadata or the text.
        "publisher": article.publisher or publisher_in(article.text),
    }


# "Kazinform News Agency reports", "reports Reuters", "according to TASS news agency".
_PUBLISHER = re.compile(
    r"\b(?P<a>(?:[A-Z][\w'&.-]*\s){0,3}(?:News Agency|news agency|Agency|News|Times|Post|Gazette))\s+reports?\b"
    r"|\breports?\s+(?P<b>(?:[A-Z][\w'&.-]*\s){0,3}(?:News Agency|news agency|Agency)|[A-Z]{3,}(?=[.,;]))"
    r"|\baccording to (?:the )?(?P<c>(?:[A-Z][\w'&.-]*\s){1,3}(?:news agency|News Agency))")


def publisher_in(text: str) -> str | None:
    """The news agency an article names as its source ("X News Agency reports"),
    when its metadata does not say."""
    m = _PUBLISHER.search(text)
    if not m:
        return None
    name = (m.group("a") or m.group("b") or m.group("c") or "").strip()
    return name or None


def extract_file(path, gazetteer: Gazetteer | None = None) -> dict:
    """:func:`read_article` then :func:`extract`."""
    return extract(read_article(path), gazetteer)
