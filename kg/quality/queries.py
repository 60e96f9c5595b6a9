"""SPARQL files of the quality package: the culprit and schema queries of the
reasoner (`sparql/`) and the quality rules of the validator (`rules/`).

Queries live in `.rq` files so that they can be read, tested and run by hand
(`kg query "$(cat ...)"`); each gets the toolkit's standard prefixes, so the
`rer:` prefix follows the configured base IRI. Parameters are bound as typed
RDF terms by the store, never pasted into the text. A rule file starts with a
header of ``# key: value`` lines::

    # title: Mirror statistics that disagree
    # severity: warning
    # description: ...
    # param: mirrorRatio (decimal): the largest importer/exporter ratio accepted
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.sparql import prefix_header

HERE = Path(__file__).parent
SPARQL_DIR = HERE / "sparql"
RULES_DIR = HERE / "rules"

_HEADER = re.compile(r"^#\s*(?P<key>[a-z]+)\s*:\s*(?P<value>.*)$")
_PARAM = re.compile(r"^(?P<name>\w+)\s*\((?P<type>\w+)\)\s*:?\s*(?P<doc>.*)$")

SEVERITIES = ("violation", "warning", "info")


@lru_cache(maxsize=None)
def load(name: str) -> str:
    """The text of `kg/quality/sparql/<name>.rq` with the standard prefixes declared."""
    return prefix_header() + (SPARQL_DIR / f"{name}.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class RuleParam:
    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Rule:
    """A quality rule: a SELECT whose rows (?focus, and optionally ?path,
    ?value, ?message) are problems of one severity."""

    name: str
    title: str
    severity: str
    description: str
    text: str
    params: tuple[RuleParam, ...] = field(default_factory=tuple)


def parse_rule(name: str, source: str) -> Rule:
    """A rule from the text of its file; a missing or unknown severity is an
    error, so that no rule silently changes how serious its findings are."""
    meta: dict[str, list[str]] = {}
    for line in source.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        meta.setdefault(m["key"], []).append(m["value"].strip())
    severity = (meta.get("severity") or [""])[0].lower()
    if severity not in SEVERITIES:
        raise ValueError(f"rule {name}: severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    params = []
    for spec in meta.get("param", []):
        m = _PARAM.match(spec)
        if not m:
            raise ValueError(f"rule {name}: cannot read parameter {spec!r}")
        params.append(RuleParam(m["name"], m["type"], m["doc"]))
    return Rule(name=name, title=(meta.get("title") or [name])[0], severity=severity,
                description=" ".join(meta.get("description", [])),
                text=prefix_header() + source, params=tuple(params))


@lru_cache(maxsize=None)
def rules(directory: Path = RULES_DIR) -> tuple[Rule, ...]:
    """Every rule in `directory`, by file name."""
    return tuple(parse_rule(path.stem, path.read_text(encoding="utf-8"))
                 for path in sorted(directory.glob("*.rq")))
