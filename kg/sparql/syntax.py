"""SPARQL text as the toolkit handles it before an engine sees it: a tokenizer
that knows strings, IRIs and comments; the shape of a query (form, declared
prefixes, FROM, where its WHERE group opens); the standard prefix header; and
binding parameters as a ``VALUES`` block of safely serialised terms.

Binding as data is what every SPARQL 1.1 engine understands, and a VALUES block
at the start of the WHERE group binds the variables before the rest of the
group, so FILTERs see them and engines can use them to pick indexes (Oxigraph's
own substitution API is many times slower at that). Values are rdflib terms,
checked and written in their SPARQL syntax, then tokenized again: a value can
never end the block or change the query.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import QueryError
from kg.namespace import PREFIXES


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              | '(?:[^'\\\r\n]|\\.)*'
              | "(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][0-9A-Za-z_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>(?:[0-9A-Za-z_\-.:%\u00B7\u00C0-\uFFFF]|\\.)+)
  | (?P<unterminated>["'].*)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)

_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_IRI_OK = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^<>"{}|^`\\\x00-\x20]*\Z')
_LANG_OK = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\Z")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    """Split SPARQL into tokens, whitespace and comments included, so that a
    brace inside a string, an IRI or a comment is never taken for structure.

    ``<`` starts an IRI only when a valid IRI reference follows; otherwise it is
    the less-than operator. Either way the characters skipped hold no braces."""
    tokens = []
    for m in _TOKEN.finditer(text):
        tokens.append(Token(m.lastgroup or "punct", m.group(), m.start()))
    return tokens


def _significant(tokens: Iterable[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("ws", "comment")]


@dataclass(frozen=True)
class QueryShape:
    """What the store needs to know about a query's text before sending it."""

    form: str | None          # SELECT, CONSTRUCT, ASK, DESCRIBE or None (not a query)
    prefixes: frozenset[str]  # prefixes the query declares
    has_dataset: bool         # FROM / FROM NAMED in the query
    where_open: int | None    # index (in the token list) of the WHERE group's "{"
    tokens: tuple[Token, ...]


#: Texts up to this long have their shape memoised: the catalog's and the
#: pages' queries, analysed on every request, while arbitrary long queries
#: from users are not kept.
MEMO_LENGTH = 8192


def shape(text: str) -> QueryShape:
    """The form, declared prefixes, dataset clause and WHERE group of `text`."""
    return _memo_shape(text) if len(text) <= MEMO_LENGTH else _shape(text)


@lru_cache(maxsize=128)
def _memo_shape(text: str) -> QueryShape:
    return _shape(text)


def _shape(text: str) -> QueryShape:
    tokens = tokenize(text)
    sig = _significant(tokens)
    prefixes: set[str] = set()
    j = 0
    while j < len(sig):
        if sig[j].is_word("BASE"):
            j += 2
        elif sig[j].is_word("PREFIX"):
            if j + 1 < len(sig):
                prefixes.add(sig[j + 1].text.split(":", 1)[0])
            j += 3
        else:
            break
    if j >= len(sig) or not sig[j].is_word(*_FORMS):
        return QueryShape(None, frozenset(prefixes), False, None, tuple(tokens))
    form = sig[j].text.upper()
    j += 1
    if form == "CONSTRUCT" and j < len(sig) and sig[j].text == "{":
        j = _after_group(sig, j)
    has_dataset = False
    where_open = None
    parens = 0
    while j < len(sig):
        tok = sig[j]
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.is_word("FROM") and parens == 0:
            has_dataset = True
        elif tok.text == "{" and parens == 0:
            where_open = tokens.index(tok)
            break
        j += 1
    return QueryShape(form, frozenset(prefixes), has_dataset, where_open, tuple(tokens))


def _after_group(sig: list[Token], j: int) -> int:
    """Index just past the group that opens at sig[j]."""
    depth = 0
    while j < len(sig):
        if sig[j].text == "{":
            depth += 1
        elif sig[j].text == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return j


def prefix_header(declared: Iterable[str]) -> str:
    """One line of PREFIX declarations for the standard prefixes not in `declared`.

    It is a single line so that the server's line numbers in error messages
    still match the user's text."""
    declared = set(declared)
    return "".join(f"PREFIX {p}: <{iri}> " for p, iri in PREFIXES.items() if p not in declared)


def sparql_term(term: Identifier) -> str:
    """An RDF term as SPARQL syntax, or QueryError if it cannot be one safely.

    IRIs, language tags and datatypes are checked first; the serialisation is
    then tokenized again and must be exactly one term, so no value can close a
    block or start a new clause."""
    if isinstance(term, URIRef):
        if not _IRI_OK.match(str(term)):
            raise QueryError(f"cannot bind {str(term)!r}: not an absolute IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language and not _LANG_OK.match(term.language):
            raise QueryError(f"cannot bind a literal with language tag {term.language!r}")
        if term.datatype is not None and not _IRI_OK.match(str(term.datatype)):
            raise QueryError(f"cannot bind a literal with datatype {str(term.datatype)!r}")
        text = term.n3()
        kinds = [(t.kind, t.text) for t in _significant(tokenize(text))]
        ok = (len(kinds) == 1 and kinds[0][0] == "string") or \
             (len(kinds) == 3 and kinds[0][0] == "string" and kinds[1] == ("punct", "@")
              and kinds[2][0] == "word") or \
             (len(kinds) == 4 and kinds[0][0] == "string" and kinds[1] == kinds[2] == ("punct", "^")
              and kinds[3][0] == "iri")
        if not ok:
            raise QueryError(f"cannot bind {term!r}: it does not serialise to a single literal")
        return text
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound over SPARQL HTTP: bind an IRI or a literal")
    raise QueryError(f"cannot bind {term!r}: not an RDF term")


def bind_values(text: str, bindings: Mapping[str, Identifier], info: QueryShape | None = None) -> str:
    """The query with a ``VALUES`` block for `bindings` as the first element of
    its outermost WHERE group.

    A group holding a sub-select cannot take other elements, so the sub-select
    is wrapped in a group of its own (``{ VALUES ... { SELECT ... } }``)."""
    if not bindings:
        return text
    for name in bindings:
        if not _VARNAME.match(name):
            raise QueryError(f"cannot bind {name!r}: not a variable name")
    info = info or shape(text)
    if info.where_open is None:
        if any(t.kind == "unterminated" for t in info.tokens):
            return text  # the server will reject it, with a better message than ours
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    names = list(bindings)
    terms = [sparql_term(bindings[n]) for n in names]
    if len(names) == 1:
        clause = f" VALUES ?{names[0]} {{ {terms[0]} }} "
    else:
        clause = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }} "
    tokens = info.tokens
    open_tok = tokens[info.where_open]
    rest = _significant(tokens[info.where_open + 1:])
    if rest and rest[0].is_word("SELECT"):
        close = _matching_close(tokens, info.where_open)
        if close is None:
            return text
        return (text[:open_tok.end] + clause + "{" + text[open_tok.end:tokens[close].start]
                + "}" + text[tokens[close].start:])
    return text[:open_tok.end] + clause + text[open_tok.end:]


def _matching_close(tokens: tuple[Token, ...], open_index: int) -> int | None:
    depth = 0
    for i in range(open_index, len(tokens)):
        if tokens[i].text == "{" and tokens[i].kind == "punct":
            depth += 1
        elif tokens[i].text == "}" and tokens[i].kind == "punct":
            depth -= 1
            if depth == 0:
                return i
    return None


def declares_dataset(text: str) -> bool:
    """Whether the query names its own dataset with FROM / FROM NAMED."""
    return shape(text).has_dataset


_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_POSITION = re.compile(r"error at \d+:\d+")


def explain(message: str, text: str) -> str:
    """An engine's syntax error made plain for two common mistakes: a prefix
    nobody declared (Oxigraph lists every character it would have accepted)
    and an update sent as a query. The position ("error at L:C") is kept."""
    where = _POSITION.search(message)
    head = message[:where.end()] + ": " if where else ""
    if "Prefix not found" in message:
        undeclared = undeclared_prefixes(text)
        if undeclared:
            names = ", ".join(f"{p}:" for p in undeclared)
            return (f"{head}undefined prefix {names}; declare it (PREFIX {undeclared[0]}: <...>) or use one "
                    f"declared here: {', '.join(f'{p}:' for p in sorted(PREFIXES))}")
    sig = _significant(tokenize(text))
    j = 0
    while j < len(sig) and sig[j].is_word("BASE", "PREFIX"):
        j += 3 if sig[j].is_word("PREFIX") else 2
    if j < len(sig) and sig[j].is_word(*_UPDATE_WORDS) and "SPARQL Update" not in message:
        return (f"{head}this is a SPARQL Update ({sig[j].text.upper()}), not a query: send it as an update "
                "(POST with update=..., or with Content-Type application/sparql-update)")
    return message


def undeclared_prefixes(text: str) -> list[str]:
    """Prefixes used in prefixed names but neither declared nor predeclared."""
    info = shape(text)
    known = set(PREFIXES) | set(info.prefixes) | {"_"}
    found: list[str] = []
    for tok in info.tokens:
        if tok.kind == "word" and ":" in tok.text and not tok.text[0].isdigit():
            prefix = tok.text.split(":", 1)[0]
            if prefix not in known and prefix not in found:
                found.append(prefix)
    return found
