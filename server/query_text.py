"""Cheap lexical facts about a SPARQL request text, without a full parse.

SPARQL allows ``\\uXXXX`` escapes anywhere in the text, applied before parsing,
so they are expanded first; comments, strings and IRIs are then blanked out so
that keywords inside them do not count. The results steer decisions that must
not wait for the engine: whether a query may call out (SERVICE), whether it
names its own dataset (FROM), and where an update's operations take their
dataset (WHERE, WITH, USING).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_OPAQUE = re.compile(
    r'#[^\n\r]*'                                  # comment
    r'|"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'        # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    r'|"(?:[^"\\\n\r]|\\.)*"'                      # short strings
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>',                 # IRI references
    re.S,
)

_KEYWORD = re.compile(r"(?<![\w:?$.\-])(FROM|SERVICE)(?![\w:\-])", re.I)


def expand_escapes(text: str) -> str:
    def char(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:
            return m.group(0)
    return _ESCAPE.sub(char, text)


def skeleton(text: str) -> str:
    """The text with escapes expanded and comments, strings and IRIs blanked."""
    return _OPAQUE.sub(" ", expand_escapes(text))


class QueryFacts:
    """What a query says about itself, from its keywords."""

    def __init__(self, text: str) -> None:
        words = {m.group(1).lower() for m in _KEYWORD.finditer(skeleton(text))}
        self.mentions_service = "service" in words
        self.has_dataset_clause = "from" in words


#: A prefixed name's prefix (``rer:`` in ``rer:Country``), in a skeleton.
_PREFIXED = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w\-]*(?:\.[\w\-]+)*)?:(?![/])")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?:", re.I)


def declare_prefixes(text: str, prefixes: Mapping[str, str]) -> str:
    """`text` with a ``PREFIX`` line for each of `prefixes` that it uses
    without declaring, placed after its leading comments.

    The endpoint predeclares these prefixes, but a query shown to people
    should run as it stands on any SPARQL service, and an editor that checks
    syntax would flag the undeclared names."""
    bare = skeleton(text)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(bare)}
    used = {m.group(1) or "" for m in _PREFIXED.finditer(bare)}
    missing = [p for p in prefixes if p in used and p not in declared]
    if not missing:
        return text
    lines = text.splitlines(keepends=True)
    at = 0
    while at < len(lines) and (not lines[at].strip() or lines[at].lstrip().startswith("#")):
        at += 1
    block = "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in missing)
    head = "".join(lines[:at])
    if head and not head.endswith("\n"):
        head += "\n"
    return head + block + "".join(lines[at:])


_UPDATE_WORD = re.compile(r"(?<![\w:?$.\-])(WHERE|WITH|USING|DELETE|INSERT)(?![\w:\-])|[{}]", re.I)


def blank(text: str) -> str:
    """`text` with comments, strings and IRIs replaced by spaces of the same
    length, so that positions in it are positions in `text` (escapes are
    left as they are)."""
    return _OPAQUE.sub(lambda m: " " * len(m.group(0)), text)


def top_level_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, keyword) of each WHERE, WITH, USING, DELETE and INSERT
    outside braces, in upper case: the words that shape the operations of an
    update, with positions in `text`."""
    words = []
    depth = 0
    for m in _UPDATE_WORD.finditer(blank(text)):
        token = m.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            words.append((m.start(), m.end(), token.upper()))
    return words
