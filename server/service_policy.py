"""Which federated (SERVICE) calls a query may make.

The engine would follow any SERVICE clause with an HTTP request from the
server, so a public endpoint must not let a query choose where to connect.
A query that mentions SERVICE is parsed with rdflib's SPARQL parser and every
SERVICE endpoint must be an IRI on ``KG_SERVICE_ALLOWLIST``; a variable
endpoint, or a query the parser cannot read, is refused.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from urllib.parse import urljoin

from pyparsing import ParseResults
from rdflib import URIRef, Variable
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.namespace import PREFIXES
from server.query_text import QueryFacts


class ServiceRefused(Exception):
    """The query calls a SERVICE that is not allowed."""


def check(text: str, allowlist: frozenset[str], facts: QueryFacts | None = None) -> None:
    """Raise :class:`ServiceRefused` unless every SERVICE endpoint is allowed."""
    facts = facts or QueryFacts(text)
    if not facts.mentions_service:
        return
    try:
        tree = parseQuery(text)
    except Exception as exc:  # the parser raises several types; any means "unverified"
        raise ServiceRefused(
            "the query mentions SERVICE but its SERVICE clauses could not be checked "
            f"({exc}); federated queries are limited to the endpoints in KG_SERVICE_ALLOWLIST") from None
    prologue, body = tree[0], tree[1]
    prefixes, base = _prologue(prologue)
    _check_services(body, allowlist, prefixes, base)


def check_update(text: str, allowlist: frozenset[str]) -> None:
    """The same rule for an update: each operation's SERVICE endpoints,
    resolved with the prefixes and base declared before it, must be allowed."""
    if not QueryFacts(text).mentions_service:
        return
    try:
        tree = parseUpdate(text)
    except Exception as exc:  # as in `check`: an update we cannot read is not verified
        raise ServiceRefused(
            "the update mentions SERVICE but its SERVICE clauses could not be checked "
            f"({exc}); federated calls are limited to the endpoints in KG_SERVICE_ALLOWLIST") from None
    prefixes, base = dict(PREFIXES), None
    # The parser gives one prologue per operation, and one more after the last `;`.
    for prologue, operation in zip(tree["prologue"], tree["request"], strict=False):
        prefixes, base = _prologue(prologue, prefixes, base)
        _check_services(operation, allowlist, prefixes, base)


def _check_services(body, allowlist: frozenset[str], prefixes: Mapping[str, str], base: str | None) -> None:
    for term in _service_terms(body):
        if isinstance(term, Variable):
            raise ServiceRefused(f"SERVICE ?{term} is not allowed: the endpoint must be a fixed IRI "
                                 "listed in KG_SERVICE_ALLOWLIST")
        iri = _resolve(term, prefixes, base)
        if iri not in allowlist:
            allowed = ", ".join(sorted(allowlist)) or "none"
            raise ServiceRefused(f"SERVICE <{iri}> is not allowed on this endpoint "
                                 f"(allowed endpoints, from KG_SERVICE_ALLOWLIST: {allowed})")


def _prologue(prologue, prefixes: Mapping[str, str] | None = None,
              base: str | None = None) -> tuple[dict[str, str], str | None]:
    prefixes = dict(PREFIXES if prefixes is None else prefixes)
    for decl in prologue:
        if getattr(decl, "name", None) == "PrefixDecl":
            prefixes[decl.get("prefix") or ""] = str(decl["iri"])
        elif getattr(decl, "name", None) == "Base":
            base = str(decl["iri"])
    return prefixes, base


def _service_terms(node) -> Iterator:
    """Every SERVICE endpoint term anywhere in the parse tree (subqueries,
    OPTIONAL, FILTER EXISTS...)."""
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            yield node["term"]
        for value in node.values():
            yield from _service_terms(value)
    elif isinstance(node, (ParseResults, list, tuple)):
        for value in node:
            yield from _service_terms(value)
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from _service_terms(value)


def _resolve(term, prefixes: Mapping[str, str], base: str | None) -> str:
    if isinstance(term, CompValue) and term.name == "pname":
        prefix = term.get("prefix") or ""
        if prefix not in prefixes:
            raise ServiceRefused(f"SERVICE uses the undeclared prefix {prefix}:")
        return prefixes[prefix] + (term.get("localname") or "")
    iri = str(term)
    if isinstance(term, URIRef) and base and ":" not in iri.split("/")[0]:
        return urljoin(base, iri)
    return iri
