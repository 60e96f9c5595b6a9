"""Validation: SHACL shapes (`ontology/shapes.ttl`, run by pyshacl) and SPARQL
quality rules (`kg/quality/rules/*.rq`, run by the store), reported together
as one standard SHACL validation report.

The shapes say what a well-formed record of each class looks like; the rules
catch what is well-formed but implausible or contradictory, across records: a
forecast for a year before the article that states it, a share that
disagrees with its amounts, mirror statistics far apart, a membership that
ends before it starts, a claim far from the official figure. Each rule has a
severity; violations fail validation, warnings and notes (sh:Info) do not.

How the data reaches pyshacl: pyshacl works on an in-memory rdflib graph, and
copying a store of millions of observations into one is slow and large. So
each node shape (each targets one class) is validated on its own, on the
neighbourhood of that class's instances: their triples, the types and
skos:inScheme of the nodes they point to (for sh:class and code lists), and
the ontology's rdfs:subClassOf axioms (for subclass instances). Instances are
streamed in subject order and validated in chunks of `chunk_size` focus nodes,
so memory stays bounded by the chunk, not the store. The rules run in the
store itself, over the union of all graphs.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KGError
from kg.namespace import PREFIXES, RDF, RDFS, SH, bind_prefixes, entity, rebase
from kg.quality import queries
from kg.quality.queries import Rule
from kg.results import short
from kg.sources.base import ROOT
from kg.store.base import Store

SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"

#: Severities from most to least serious, with their SHACL terms and headings.
SEVERITIES: dict[str, tuple[URIRef, str]] = {
    "violation": (SH.Violation, "Violations"),
    "warning": (SH.Warning, "Warnings"),
    "info": (SH.Info, "Notes"),
}
_BY_TERM = {term: name for name, (term, _) in SEVERITIES.items()}


def shapes_graph(path: Path = SHAPES_FILE) -> Graph:
    """The SHACL shapes, under the configured base IRI."""
    return rebase(Graph().parse(path, format="turtle"))


def rule_iri(name: str) -> URIRef:
    """The IRI a quality rule is reported under (its sh:sourceShape)."""
    return entity("rule", name)


@dataclass(frozen=True)
class Result:
    """One finding: a focus node that breaks a shape's constraint or a rule."""

    severity: str
    focus: Node
    message: str
    source: Node
    component: URIRef
    source_name: str
    path: Node | None = None
    value: Node | None = None


@dataclass
class ValidationReport:
    """Shape and rule results together. Conforms when nothing is a violation."""

    results: list[Result] = field(default_factory=list)
    shapes: int = 0
    rules: list[Rule] = field(default_factory=list)
    focus_nodes: int = 0
    seconds: float = 0.0

    def by_severity(self, severity: str) -> list[Result]:
        return [r for r in self.results if r.severity == severity]

    @property
    def violations(self) -> list[Result]:
        return self.by_severity("violation")

    @property
    def warnings(self) -> list[Result]:
        return self.by_severity("warning")

    @property
    def conforms(self) -> bool:
        """No violations; warnings and notes do not fail validation."""
        return not self.violations

    @property
    def exit_code(self) -> int:
        """1 when there are violations, else 0 (for the command line)."""
        return 0 if self.conforms else 1

    @property
    def graph(self) -> Graph:
        """The report as a standard SHACL validation report (sh:ValidationReport
        with one sh:result per finding). Its sh:conforms follows SHACL: true
        only when there are no results at all, warnings included, whereas
        :attr:`conforms` ignores warnings and notes."""
        g = bind_prefixes(Graph())
        report = BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(not self.results)))
        for r in self.results:
            node = BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, r.focus))
            g.add((node, SH.resultSeverity, SEVERITIES[r.severity][0]))
            g.add((node, SH.sourceConstraintComponent, r.component))
            g.add((node, SH.sourceShape, r.source))
            g.add((node, SH.resultMessage, Literal(r.message)))
            if r.path is not None:
                g.add((node, SH.resultPath, r.path))
            if r.value is not None:
                g.add((node, SH.value, r.value))
        for rule in self.rules:
            iri = rule_iri(rule.name)
            g.add((iri, RDFS.label, Literal(rule.title, lang="en")))
            if rule.description:
                g.add((iri, RDFS.comment, Literal(rule.description, lang="en")))
        return g

    def text(self) -> str:
        counts = {name: len(self.by_severity(name)) for name in SEVERITIES}
        verdict = "conforms" if self.conforms else "DOES NOT CONFORM"
        lines = [
            f"Validation: {_count(counts['violation'], 'violation')}, "
            f"{_count(counts['warning'], 'warning')}, {_count(counts['info'], 'note')}: {verdict}",
            f"({self.focus_nodes:,} focus nodes against {self.shapes} shapes, "
            f"{len(self.rules)} quality rules; {self.seconds:.1f} s)",
        ]
        for name, (_, heading) in SEVERITIES.items():
            results = self.by_severity(name)
            if not results:
                continue
            lines += ["", f"{heading} ({len(results)})"]
            groups: dict[str, list[Result]] = defaultdict(list)
            for r in results:
                groups[r.source_name].append(r)
            for source, items in sorted(groups.items()):
                lines.append(f"  {source} ({len(items)})")
                for r in items:
                    where = short(r.focus)
                    if r.path is not None:
                        where += f" {short(r.path)}"
                    if r.value is not None:
                        where += f" = {short(r.value)}"
                    lines.append(f"    {where}")
                    lines.append(f"      {_shorten(r.message)}")
        return "\n".join(lines)


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _shorten(text: str) -> str:
    """IRIs in a message written with the usual prefixes, longest namespace first."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        text = text.replace(ns, f"{prefix}:")
    return text


# ---------------------------------------------------------------- SHACL

def _shape_subgraph(shapes: Graph, shape: Node) -> Graph:
    """A node shape with everything it refers to in the shapes graph (its
    property shapes, lists, and helper shapes such as code lists)."""
    out = Graph()
    todo, seen = [shape], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode) or (isinstance(o, URIRef) and (o, None, None) in shapes
                                        and p != SH.targetClass):
                todo.append(o)
    return out


def _parent_shapes(shapes: Graph) -> dict[Node, Node]:
    """Property shape -> the node shape it belongs to, for readable reports."""
    return {prop: node for node, prop in shapes.subject_objects(SH.property)}


_FOCUS = """
SELECT DISTINCT ?x ?p ?o ?class
WHERE { ?x rdf:type/rdfs:subClassOf* ?class . ?x ?p ?o }
ORDER BY ?x
"""

_CONTEXT = """
SELECT DISTINCT ?o ?p ?v ?class
WHERE {
  ?x rdf:type/rdfs:subClassOf* ?class .
  ?x ?q ?o .
  VALUES ?p { rdf:type skos:inScheme }
  ?o ?p ?v .
}
"""


def _chunks(store: Store, cls: URIRef, size: int) -> Iterator[list[tuple[Node, Node, Node]]]:
    """The triples of the instances of `cls`, a chunk of `size` subjects at a time."""
    chunk: list[tuple[Node, Node, Node]] = []
    subjects = 0
    current = None
    for row in store.query(_FOCUS, bindings={"class": cls}):
        x = row["x"]
        if x != current:
            if subjects >= size:
                yield chunk
                chunk, subjects = [], 0
            current = x
            subjects += 1
        chunk.append((x, row["p"], row["o"]))
    if chunk:
        yield chunk


def _context(store: Store, cls: URIRef) -> dict[Node, list[tuple[Node, Node]]]:
    """Types and schemes of the nodes the instances of `cls` point to."""
    context: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for row in store.query(_CONTEXT, bindings={"class": cls}):
        context[row["o"]].append((row["p"], row["v"]))
    return context


def _shacl(store: Store, shapes: Graph, chunk_size: int) -> tuple[list[Result], int, int]:
    """Results of every targeted node shape, the number of shapes and of focus nodes."""
    import pyshacl

    subclass = [(s, RDFS.subClassOf, o) for s, o in
                ((row["s"], row["o"]) for row in
                 store.query("SELECT ?s ?o WHERE { ?s rdfs:subClassOf ?o }"))]
    parents = _parent_shapes(shapes)
    results: list[Result] = []
    focus_total = 0
    targeted = sorted(set(shapes.subject_objects(SH.targetClass)), key=lambda t: str(t[0]))
    for shape, cls in targeted:
        sub = _shape_subgraph(shapes, shape)
        context = None
        for chunk in _chunks(store, cls, chunk_size):
            if context is None:
                context = _context(store, cls)
            data = Graph()
            for t in subclass:
                data.add(t)
            for s, p, o in chunk:
                data.add((s, p, o))
                for cp, cv in context.get(o, ()):
                    data.add((o, cp, cv))
            subjects = {s for s, _, _ in chunk}
            focus_total += len(subjects)
            _, report, _ = pyshacl.validate(data, shacl_graph=sub, inference="none",
                                            abort_on_first=False, meta_shacl=False,
                                            advanced=False, allow_warnings=True)
            # A node the chunk points to may itself be an instance of the
            # class (a derived figure's source observations are trade flows):
            # its type is here for sh:class, its other triples in its own
            # chunk, where it is validated; results about it here are partial.
            results += (r for r in _from_pyshacl(report, parents, shapes) if r.focus in subjects)
    return results, len(targeted), focus_total


def _from_pyshacl(report: Graph, parents: Mapping[Node, Node], shapes: Graph) -> Iterator[Result]:
    """The top-level results of a pyshacl report (nested sh:detail results,
    such as why a code-list value failed its sh:node shape, are summed up by
    the result that holds them)."""
    top = {r for v in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(v, SH.result)}
    for node in sorted(top, key=str):
        source = report.value(node, SH.sourceShape)
        shape = parents.get(source, source)
        label = shapes.value(shape, RDFS.label)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        yield Result(
            severity=_BY_TERM.get(report.value(node, SH.resultSeverity), "violation"),
            focus=report.value(node, SH.focusNode),
            message="; ".join(messages) or "constraint not met",
            source=shape,
            component=report.value(node, SH.sourceConstraintComponent),
            source_name=f"shape {_local(shape) if isinstance(shape, URIRef) else label or '(anonymous)'}",
            path=report.value(node, SH.resultPath),
            value=report.value(node, SH.value),
        )


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# ---------------------------------------------------------------- rules

def run_rule(store: Store, rule: Rule, params: Mapping[str, object]) -> Iterator[Result]:
    """The findings of one rule, its parameters bound as typed literals."""
    bindings = {}
    for param in rule.params:
        if param.name not in params:
            raise ValueError(f"rule {rule.name} needs parameter {param.name!r}")
        value = params[param.name]
        bindings[param.name] = (Literal(Decimal(str(value))) if param.type == "decimal"
                                else Literal(value))
    for row in store.query(rule.text, bindings=bindings or None):
        yield Result(
            severity=rule.severity,
            focus=row["focus"],
            message=str(row.get("message") or rule.title),
            source=rule_iri(rule.name),
            component=SH.SPARQLConstraintComponent,
            source_name=f"rule {rule.name}: {rule.title}",
            path=row.get("path"),
            value=row.get("value"),
        )


def validate(store: Store, *, mirror_ratio: float = 1.5, claim_tolerance: float = 0.05,
             share_tolerance: float = 0.5, chunk_size: int = 5_000,
             shapes: Graph | None = None, rules: Iterable[Rule] | None = None) -> ValidationReport:
    """Validate the store with the SHACL shapes and the quality rules.

    `mirror_ratio`: largest accepted importer/exporter ratio (either way) of a
    mirror pair; `claim_tolerance`: largest accepted relative difference
    between a claimed and an official figure; `share_tolerance`: largest
    accepted difference, in percentage points, between a stated share and the
    one its stated amounts give."""
    if mirror_ratio < 1:
        raise KGError(f"the mirror ratio is a limit either way and must be at least 1, got {mirror_ratio}")
    if claim_tolerance < 0 or share_tolerance < 0:
        raise KGError("tolerances cannot be negative")
    started = time.perf_counter()
    shapes = shapes if shapes is not None else shapes_graph()
    rules = list(rules) if rules is not None else list(queries.rules())
    results, n_shapes, focus = _shacl(store, shapes, chunk_size)
    params = {"mirrorRatio": mirror_ratio, "claimTolerance": claim_tolerance,
              "shareTolerance": share_tolerance}
    for rule in rules:
        results += run_rule(store, rule, params)
    order = list(SEVERITIES)
    results.sort(key=lambda r: (order.index(r.severity), r.source_name, str(r.focus), r.message))
    return ValidationReport(results=list(dict.fromkeys(results)), shapes=n_shapes, rules=rules,
                            focus_nodes=focus, seconds=time.perf_counter() - started)


__all__ = ["validate", "ValidationReport", "Result", "shapes_graph", "rule_iri", "run_rule",
           "SHAPES_FILE"]
