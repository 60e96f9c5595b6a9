"""Binding parameters into a query as data, the way every SPARQL 1.1 engine
understands: a ``VALUES`` block at the start of the outermost WHERE group.

Values arrive as rdflib terms and are written with their N-Triples syntax
(``term.n3()``), which escapes quotes, newlines and IRI delimiters, so a value
can never end the block or change the query. A VALUES block at the start of the
group binds the variables before the rest of the group, so FILTERs see them;
it is also what lets engines use the bound values to pick their indexes
(Oxigraph's own substitution API is many times slower at that).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import QueryError

# Tokens that may contain braces or the word WHERE without meaning them.
_SKIP = re.compile("|".join([
    r"\'\'\'(?:[^\\]|\\.)*?\'\'\'",   # '''long string'''
    r'"""(?:[^\\]|\\.)*?"""',              # """long string"""
    r"'(?:[^'\\\n]|\\.)*'",               # 'string'
    r'"(?:[^"\\\n]|\\.)*"',               # "string"
    r'<[^<>"{}|^`\\\s]*>',                 # <iri>
    r"\#[^\n]*",                            # comment
]), re.DOTALL)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _code_positions(query: str):
    """Yield (index, char) for characters outside strings, IRIs and comments."""
    i = 0
    while i < len(query):
        m = _SKIP.match(query, i)
        if m:
            i = m.end()
            continue
        yield i, query[i]
        i += 1


def where_group_start(query: str) -> int:
    """Index just after the `{` that opens the outermost WHERE group."""
    depth = 0
    seen_where = False
    has_where = _has_where(query)
    for index, ch in _code_positions(query):
        if ch == "{":
            if depth == 0 and (seen_where or not has_where):
                return index + 1
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and _is_where(query, index, ch):
            seen_where = True
    raise QueryError("cannot bind parameters: the query has no WHERE group")


def _is_where(query: str, index: int, ch: str) -> bool:
    """The keyword WHERE (not a variable ?where or a prefixed name ex:where)."""
    return (ch in "wW" and _WHERE.match(query, index) is not None
            and (index == 0 or query[index - 1] not in "?$:_"))


def _has_where(query: str) -> bool:
    depth = 0
    for i, ch in _code_positions(query):
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and _is_where(query, i, ch):
            return True
    return False


def _serialise(term: Identifier) -> str:
    if isinstance(term, (URIRef, Literal)):
        return term.n3()
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound as a query parameter")
    raise QueryError(f"not an RDF term: {term!r}")


def inject_values(query: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with `bindings` as a one-row VALUES block in its WHERE group."""
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise QueryError(f"not a variable name: {name!r}")
    at = where_group_start(query)
    row = " ".join(_serialise(bindings[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "
    return query[:at] + block + query[at:]


_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)


def declares_dataset(query: str) -> bool:
    """Whether the query names its own dataset with FROM / FROM NAMED (outside
    strings, IRIs and comments, before the WHERE group)."""
    depth = 0
    for i, ch in _code_positions(query):
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and ch in "fF" and _FROM.match(query, i) and (i == 0 or query[i - 1] not in "?$:_"):
            return True
    return False
