"""Turn the codes users and files give (ISO alpha-3, aggregates, bloc short
names) into the graph's IRIs, the same way everywhere."""
from __future__ import annotations

from functools import lru_cache

import pycountry
from rdflib import URIRef

from kg.namespace import aggregate, bloc, country

#: Aggregate codes of the extraction contract (see kg.sources.countries for labels).
AGGREGATE_CODES = frozenset({"WLD", "ROW", "CAS", "AFR"})


@lru_cache(maxsize=4096)
def area_iri(code: str) -> URIRef:
    """ISO alpha-3 -> country; WLD/ROW/CAS/AFR -> aggregate; anything else -> bloc."""
    code = code.strip()
    upper = code.upper()
    if upper in AGGREGATE_CODES:
        return aggregate(upper)
    if len(upper) == 3 and upper.isalpha() and pycountry.countries.get(alpha_3=upper):
        return country(upper)
    return bloc(code)


def is_country(code: str) -> bool:
    code = code.strip().upper()
    return len(code) == 3 and code.isalpha() and pycountry.countries.get(alpha_3=code) is not None
