"""Parameters are bound as data: hostile values cannot change the query."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from kg.errors import QueryError
from kg.sparql.binding import inject_values

HOSTILE = [
    'x" } DROP ALL { "',
    "x' } ; DELETE WHERE { ?s ?p ?o } #",
    'line\nbreak """ \\',
    "<http://evil/> } UNION { ?a ?b ?c",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_literals_stay_literals(value):
    query = "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = ?v) }"
    bound = inject_values(query, {"v": Literal(value)})
    parsed = prepareQuery(bound)  # still one well-formed SELECT
    assert parsed.algebra.name == "SelectQuery"
    assert bound.count("VALUES") == 1


def test_block_goes_into_the_where_group_not_the_template():
    q = 'PREFIX a: <http://x/#where>\n# { WHERE\nCONSTRUCT { ?s ?p "WHERE {" } WHERE { ?s ?p ?o }'
    bound = inject_values(q, {"s": URIRef("http://a/b")})
    assert bound.endswith("WHERE { VALUES ?s { <http://a/b> }  ?s ?p ?o }")


def test_select_without_where_keyword_and_where_variable():
    bound = inject_values("SELECT ?where { ?where ?p ?o }", {"where": URIRef("http://a")})
    assert bound.startswith("SELECT ?where { VALUES ?where { <http://a> }")


def test_hostile_datatype_iris_are_refused():
    with pytest.raises(QueryError):
        inject_values("SELECT * { ?s ?p ?o }", {"o": Literal("x", datatype=URIRef("http://a> } } UNION {"))})


def test_bad_variable_names_and_no_group_are_refused():
    with pytest.raises(QueryError):
        inject_values("SELECT * { ?s ?p ?o }", {"s) } DROP": URIRef("http://a")})
    with pytest.raises(QueryError):
        inject_values("DESCRIBE <http://a>", {"s": URIRef("http://a")})


def test_dataset_clauses_are_recognised():
    from kg.sparql.binding import declares_dataset

    assert declares_dataset("SELECT * FROM <http://g> WHERE { ?s ?p ?o }")
    assert declares_dataset("select * from named <http://g> { graph ?g { ?s ?p ?o } }")
    assert not declares_dataset('SELECT ?from WHERE { ?s ?p "FROM" # FROM\n }')
