"""A schema.org description of an entity, embedded in its page as JSON-LD so
that search engines and link previews understand what the page is about."""
from __future__ import annotations

from typing import Any

from rdflib import URIRef

from kg.namespace import RER

SCHEMA_TYPES: dict[URIRef, str] = {
    RER.Country: "Country",
    RER.RegionalBloc: "Organization",
    RER.Region: "Place",
    RER.Agreement: "Legislation",
    RER.NewsArticle: "NewsArticle",
    RER.Dataset: "Dataset",
    RER.Person: "Person",
    RER.Claim: "Claim",
}


def describe(iri: str, url: str, label: str, types: list[URIRef], *, alternate_names: list[str],
             same_as: list[str], identifiers: list[str], member_of: list[tuple[str, str]],
             members: list[tuple[str, str]], text: str | None = None) -> dict[str, Any]:
    kind = next((SCHEMA_TYPES[t] for t in types if t in SCHEMA_TYPES), "Thing")
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": kind, "@id": iri,
                            "name": label, "url": url}
    if alternate_names:
        data["alternateName"] = alternate_names
    if same_as:
        data["sameAs"] = same_as
    if identifiers:
        data["identifier"] = identifiers
    if member_of:
        data["memberOf"] = [{"@type": "Organization", "@id": i, "name": n} for i, n in member_of]
    if members:
        data["member"] = [{"@type": "Country", "@id": i, "name": n} for i, n in members]
    if text:
        data["text"] = text
    return data
