"""Syntax errors made plain, on the engine's real messages."""
from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.sparql.syntax import explain, undeclared_prefixes
from kg.store import OxigraphStore


def _error(text: str) -> str:
    with pytest.raises(QueryError) as raised:
        OxigraphStore().query(text)
    return str(raised.value)


def test_an_undeclared_prefix_is_named_at_its_position():
    message = _error("SELECT ?x WHERE { ?x a foo:Bar . ?x rer:name 'foo:not-a-name' }")
    assert "error at 1:" in message and "undefined prefix foo:;" in message
    assert "rer:" in message and "'\\u{" not in message  # no character classes


def test_an_update_sent_as_a_query_says_so():
    message = _error("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }")
    assert message.startswith("SPARQL syntax error: error at 2:")
    assert "this is a SPARQL Update (INSERT), not a query" in message


def test_other_errors_are_left_as_the_engine_gave_them():
    assert explain("error at 1:25: expected one of LATERAL, SERVICE", "SELECT * WHERE { ?s ?p }") == \
        "error at 1:25: expected one of LATERAL, SERVICE"


def test_undeclared_prefixes_skip_strings_iris_numbers_and_declared_ones():
    text = 'PREFIX my: <http://m/> SELECT * { ?s my:p "a:b" ; <http://x/y:z> 12 ; x:q _:b ; y:r ?o }'
    assert undeclared_prefixes(text) == ["x", "y"]
