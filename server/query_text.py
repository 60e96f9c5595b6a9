"""Cheap lexical facts about a SPARQL request text, without a full parse.

SPARQL allows ``\\uXXXX`` escapes anywhere in the text, applied before parsing,
so they are expanded first; comments, strings and IRIs are then blanked out so
that keywords inside them do not count. The results steer decisions that must
not wait for the engine: whether a query may call out (SERVICE) and whether it
names its own dataset (FROM).
"""
from __future__ import annotations

import re

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
