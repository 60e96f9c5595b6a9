"""Consistency of the graph under the ontology, with HermiT (through owlready2),
and the OWL 2 RL inference queries rely on (:func:`infer`, from
:mod:`kg.quality.inference`).

`check` hands HermiT the ontology and the ABox: the individuals' types from
the ontology's classes and their object and data property assertions. What is
left out, and why:

* triples about blank nodes (time intervals and instants of memberships) and
  properties the ontology does not declare (labels, SKOS, PROV of graphs):
  they carry no axiom HermiT could violate;
* literals of datatypes outside the OWL 2 datatype map (xsd:date, xsd:gYear,
  xsd:gYearMonth): HermiT cannot reason about them; the SHACL shapes check
  them instead;
* beyond `max_records` statistical records (default 20,000, by IRI), the
  rest: observations, and the partner shares and mirror pairs computed from
  them, grow with the trade data, and a tableau reasoner over millions of
  them takes hours. The culprit checks (disjoint classes, directly or
  through domain and range; two values of a functional property) then run
  over the whole graph, so a record left out of HermiT's run is still
  checked for the contradictions the ontology can express about it.

HermiT says whether the whole is consistent but not why; when it is not, the
culprits are found from the data: every individual typed with two disjoint
classes (directly or through rdfs:subClassOf), used where a domain or range
makes it an instance of a class disjoint with its type, or holding two values
of a functional data property. Instances are fetched class by class with
SPARQL and intersected in Python, which stays fast on millions of triples.
"""
from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import KGError
from kg.namespace import INFERRED_GRAPH, OWL, QB, RDF, RDFS, RER, XSD, graph_for
from kg.quality import queries
from kg.quality.inference import infer
from kg.results import short
from kg.store.base import Store

Triple = tuple[Node, Node, Node]

#: Datatypes HermiT reasons about (the OWL 2 datatype map, with the RDF 1.1 string types).
OWL2_DATATYPES = frozenset(URIRef(str(XSD) + name) for name in (
    "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN", "boolean",
    "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger",
    "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte", "double", "float", "hexBinary", "base64Binary", "anyURI",
    "dateTime", "dateTimeStamp")) | {RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, RDF.langString,
                                      OWL.real, OWL.rational}

ONTOLOGY_GRAPH = graph_for("ontology")

#: Classes whose instances grow with the trade data: statistical observations
#: and the shares and mirror pairs computed from them at build time.
RECORD_CLASSES = (QB.Observation, RER.PartnerShare, RER.MirrorPair)


class ReasonerError(KGError):
    """HermiT could not run (no Java runtime, or a Java error)."""


@dataclass(frozen=True)
class Culprit:
    """An individual that makes the graph inconsistent, and why."""

    individual: Node
    reason: str
    classes: tuple[URIRef, ...] = ()
    property: URIRef | None = None

    def __str__(self) -> str:
        return f"{self.individual}: {self.reason}"


@dataclass
class CheckReport:
    """What HermiT found: consistency, unsatisfiable classes, and (when the
    graph is inconsistent) the individuals involved."""

    consistent: bool
    unsatisfiable: list[URIRef] = field(default_factory=list)
    culprits: list[Culprit] = field(default_factory=list)
    individuals: int = 0
    triples: int = 0
    skipped_records: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable

    @property
    def exit_code(self) -> int:
        """0 when consistent with every class satisfiable, 1 otherwise."""
        return 0 if self.ok else 1

    def text(self) -> str:
        lines = [
            f"HermiT: {'consistent' if self.consistent else 'INCONSISTENT'} "
            f"({self.individuals:,} individuals, {self.triples:,} triples, {self.seconds:.1f} s)"
        ]
        if self.skipped_records:
            lines.append(f"  {self.skipped_records:,} statistical records left out of HermiT's run "
                         "(checked for disjoint classes and functional properties)")
        if self.unsatisfiable:
            lines.append(f"Unsatisfiable classes ({len(self.unsatisfiable)}):")
            lines += [f"  {short(c)}" for c in self.unsatisfiable]
        else:
            lines.append("Unsatisfiable classes: none")
        if not self.consistent:
            if self.culprits:
                lines.append(f"Culprits ({len(self.culprits)}):")
                for c in self.culprits:
                    lines.append(f"  {short(c.individual)}: {self._reason(c)}")
            else:
                lines.append("Culprits: none found by the disjointness and functional-property "
                             "checks; the contradiction needs a longer chain of axioms")
        return "\n".join(lines)

    @staticmethod
    def _reason(culprit: Culprit) -> str:
        text = culprit.reason
        for term in (*culprit.classes, culprit.property):
            if term is not None:
                text = text.replace(str(term), short(term))
        return text


# ---------------------------------------------------------------- input

def _as_store(store_or_graph: Store | Graph) -> Store:
    """A store to read from: the given one, or an in-memory Oxigraph store
    holding an rdflib graph (named graphs of a Dataset kept), with the shipped
    ontology as its `graph/ontology` unless a Dataset brings that graph."""
    if not isinstance(store_or_graph, Graph):
        return store_or_graph
    from kg.store.oxigraph import OxigraphStore
    from kg.store.terms import to_ox
    import pyoxigraph as ox

    store = OxigraphStore()
    target = graph_for("input")
    if isinstance(store_or_graph, Dataset):
        quads = ((s, p, o, c.identifier if isinstance(c, Graph) else c)
                 for s, p, o, c in store_or_graph.quads((None, None, None, None)))
    else:
        quads = ((s, p, o, target) for s, p, o in store_or_graph)
    store.native.bulk_extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o),
                to_ox(g) if isinstance(g, URIRef) else to_ox(target))
        for s, p, o, g in quads)
    if ONTOLOGY_GRAPH not in store.graphs():
        from kg.sources.ontology import ontology_graph
        store.add_triples(ONTOLOGY_GRAPH, ontology_graph())
    return store


def _data_graphs(store: Store) -> list[str]:
    return [str(g) for g in store.graphs() if g != INFERRED_GRAPH]


def _ontology(store: Store) -> Graph:
    """The ontology the data was built with (its named graph), else the shipped file."""
    from kg.sources.ontology import ontology_graph

    if ONTOLOGY_GRAPH in store.graphs():
        graph = Graph()
        for t in store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                             default_graphs=[str(ONTOLOGY_GRAPH)]):
            graph.add(t)
        if len(graph):
            return graph
    return ontology_graph()


def _closure(edges: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    """node -> every node reachable from it, itself included."""
    direct: dict[Node, set[Node]] = defaultdict(set)
    for a, b in edges:
        direct[a].add(b)
    out: dict[Node, set[Node]] = {}
    for start in list(direct):
        seen, todo = {start}, list(direct[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(direct.get(node, ()))
        out[start] = seen
    return out


@dataclass
class _Vocabulary:
    """What the ontology declares, as the check needs it."""

    classes: set[URIRef]
    object_properties: set[URIRef]
    data_properties: set[URIRef]
    record_classes: set[URIRef]
    superclasses: dict[Node, set[Node]]
    subclasses: dict[Node, set[Node]]
    subproperties: dict[Node, set[Node]]
    disjoint: set[frozenset[URIRef]]
    domains: list[tuple[URIRef, URIRef]]
    ranges: list[tuple[URIRef, URIRef]]

    @classmethod
    def of(cls, ontology: Graph) -> "_Vocabulary":
        named = lambda x: isinstance(x, URIRef)  # noqa: E731
        sub_class = [(s, o) for s, o in ontology.subject_objects(RDFS.subClassOf) if named(s) and named(o)]
        classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if named(c)}
        classes |= {x for pair in sub_class for x in pair}
        superclasses = _closure(sub_class)
        subclasses = _closure((o, s) for s, o in sub_class)
        sub_prop = [(s, o) for s, o in ontology.subject_objects(RDFS.subPropertyOf) if named(s) and named(o)]
        disjoint = {frozenset((a, b)) for a, b in ontology.subject_objects(OWL.disjointWith)
                    if named(a) and named(b) and a != b}
        for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
            for members in ontology.objects(group, OWL.members):
                listed = [m for m in Collection(ontology, members) if named(m)]
                disjoint |= {frozenset((a, b)) for a in listed for b in listed if a != b}
        return cls(
            classes=classes,
            object_properties={p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if named(p)},
            data_properties={p for p in ontology.subjects(RDF.type, OWL.DatatypeProperty) if named(p)},
            record_classes=set().union(*(subclasses.get(c, {c}) for c in RECORD_CLASSES)),
            superclasses=superclasses,
            subclasses=subclasses,
            subproperties=_closure((o, s) for s, o in sub_prop),
            disjoint=disjoint,
            domains=[(p, d) for p, d in ontology.subject_objects(RDFS.domain) if named(p) and named(d)],
            ranges=[(p, r) for p, r in ontology.subject_objects(RDFS.range) if named(p) and named(r)],
        )

    def supers(self, cls: Node) -> set[Node]:
        return self.superclasses.get(cls, {cls})

    def subs(self, cls: Node) -> set[Node]:
        return self.subclasses.get(cls, {cls})

    def disjoint_with(self, cls: Node) -> set[URIRef]:
        return {other for pair in self.disjoint if cls in pair for other in pair if other != cls}


_INSTANCES = "SELECT ?s ?class WHERE { ?s a ?class }"
_PAIRS = "SELECT ?s ?o ?property WHERE { ?s ?property ?o }"
_ABOUT = "SELECT ?p ?o ?s WHERE { ?s ?p ?o }"
_PROPERTY_SIZES = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"

#: A property with at most this many triples is read whole, so that subjects
#: without a type from the ontology are not missed; larger ones (the
#: dimensions and measures of observations) are read subject by subject.
SMALL_PROPERTY = 50_000


def _instances(store: Store, cls: Node, graphs: list[str]) -> set[Node]:
    return {row["s"] for row in store.query(_INSTANCES, bindings={"class": cls}, default_graphs=graphs)}


def _abox(store: Store, vocab: _Vocabulary, max_records: int) -> tuple[list[Triple], int]:
    """The ABox HermiT gets, and how many statistical records were left out.

    Records (observations, shares, mirror pairs) are the bulk of a graph, so
    nothing is read about the ones left out: the typed individuals kept are
    read subject by subject (an indexed lookup each), and only the properties
    small enough to read whole are scanned for subjects the ontology does not
    type."""
    graphs = _data_graphs(store)
    types: list[tuple[URIRef, URIRef]] = []
    records: set[URIRef] = set()
    for cls in sorted(vocab.classes):
        for s in _instances(store, cls, graphs):
            if isinstance(s, URIRef):
                types.append((s, cls))
                if cls in vocab.record_classes:
                    records.add(s)
    ordered = sorted(records)
    cap = max(max_records, 0)
    skipped = set(ordered[cap:])
    out: list[Triple] = [(s, RDF.type, c) for s, c in types if s not in skipped]
    declared = vocab.object_properties | vocab.data_properties

    def keep(s: Node, prop: Node, o: Node) -> None:
        if not isinstance(s, URIRef) or s in skipped:
            return
        if prop in vocab.object_properties:
            if isinstance(o, URIRef):
                out.append((s, prop, o))
        elif prop in vocab.data_properties and isinstance(o, Literal) and _reasonable(o):
            out.append((s, prop, o))

    sizes = {row["p"]: int(row["n"]) for row in store.query(_PROPERTY_SIZES, default_graphs=graphs)}
    small = sorted(p for p in declared if 0 < sizes.get(p, 0) <= SMALL_PROPERTY)
    large = {p for p in declared if sizes.get(p, 0) > SMALL_PROPERTY}
    for prop in small:
        for row in store.query(_PAIRS, bindings={"property": prop}, default_graphs=graphs):
            keep(row["s"], prop, row["o"])
    if large:
        for s in sorted({s for s, _ in types} - skipped):
            for row in store.query(_ABOUT, bindings={"s": s}, default_graphs=graphs):
                if row["p"] in large:
                    keep(s, row["p"], row["o"])
    return list(dict.fromkeys(out)), len(skipped)


def _reasonable(literal: Literal) -> bool:
    """Whether HermiT can reason about the literal's datatype."""
    return literal.language is not None or literal.datatype is None or literal.datatype in OWL2_DATATYPES


# ---------------------------------------------------------------- HermiT

def _hermit(triples: Iterable[Triple], workdir: Path) -> tuple[bool, list[URIRef]]:
    """Run HermiT; returns (consistent, unsatisfiable classes)."""
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None and not Path(owlready2.JAVA_EXE).exists():
        raise ReasonerError("HermiT needs a Java runtime: install one (e.g. `apt-get install "
                            "default-jre-headless`) or set owlready2.JAVA_EXE")
    graph = Graph()
    for t in triples:
        graph.add(t)
    path = workdir / "check.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    # owlready2 prints warnings about punned terms (a qb:DimensionProperty that
    # is also an owl:ObjectProperty) that say nothing about the data.
    quiet = contextlib.redirect_stderr(io.StringIO())
    try:
        with quiet:
            onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with onto, contextlib.redirect_stderr(io.StringIO()):
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                               ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError:
            return False, []
        except owlready2.OwlReadyJavaError as exc:
            raise ReasonerError(f"HermiT failed: {exc}") from exc
        unsatisfiable = sorted(URIRef(c.iri) for c in world.inconsistent_classes()
                               if getattr(c, "iri", None))
        return True, unsatisfiable
    finally:
        world.close()


# ---------------------------------------------------------------- culprits

def culprits(store: Store, ontology: Graph | None = None) -> list[Culprit]:
    """Individuals that contradict the ontology's disjointness and functional
    property axioms, over every graph but the inferred one.

    Instances are fetched class by class with SPARQL and intersected in
    Python: one indexed lookup per class stays fast on millions of
    observations, where a single query joining rdf:type/rdfs:subClassOf*
    paths for every disjoint pair does not."""
    vocab = _Vocabulary.of(ontology if ontology is not None else _ontology(store))
    graphs = _data_graphs(store)
    members: dict[Node, set[Node]] = {}

    def instances(cls: Node) -> set[Node]:
        """Instances of `cls` and of its subclasses."""
        if cls not in members:
            found: set[Node] = set()
            for sub in vocab.subs(cls):
                found |= _instances(store, sub, graphs)
            members[cls] = found
        return members[cls]

    found: dict[tuple, Culprit] = {}
    for pair in sorted(vocab.disjoint, key=lambda p: sorted(p)):
        a, b = sorted(pair)
        for x in instances(a) & instances(b):
            found.setdefault(("types", x, a, b), Culprit(
                x, f"typed {a} and {b}, which are disjoint", classes=(a, b)))

    for axioms, side in ((vocab.domains, "s"), (vocab.ranges, "o")):
        for prop, cls in axioms:
            clashes = {(implied, other) for implied in vocab.supers(cls)
                       for other in vocab.disjoint_with(implied)}
            if not clashes:
                continue
            for p in sorted(vocab.subproperties.get(prop, {prop})):
                used = {row[side] for row in store.query(_PAIRS, bindings={"property": p},
                                                         default_graphs=graphs)}
                for implied, other in sorted(clashes):
                    for x in used & instances(other):
                        if any(k[0] == "types" and k[1] == x for k in found):
                            continue
                        found.setdefault(("usage", x, other, implied), Culprit(
                            x, f"a {other}, but its use with {p} makes it a {implied}, "
                               "and the two are disjoint", classes=(other, implied), property=p))

    for row in store.query(queries.load("functional_conflicts"), default_graphs=graphs):
        x, p, v1, v2 = row["x"], row["p"], row["v1"], row["v2"]
        if v1.eq(v2):
            continue
        found.setdefault(("functional", x, p), Culprit(
            x, f"has two values of the functional property {p}: {v1!s} and {v2!s}", property=p))
    return sorted(found.values(), key=lambda c: (str(c.individual), c.reason))


def check(store_or_graph: Store | Graph, *, max_records: int = 20_000) -> CheckReport:
    """Check the graph against the ontology with HermiT; name the culprits of
    an inconsistency. Accepts a store or an rdflib graph: a Graph is checked
    against the shipped ontology, a Dataset against its `graph/ontology`
    named graph if it has one.
    `max_records` caps the statistical records (observations, shares, mirror
    pairs) handed to HermiT; the rest are checked for culprits only."""
    started = time.perf_counter()
    store = _as_store(store_or_graph)
    ontology = _ontology(store)
    vocab = _Vocabulary.of(ontology)
    abox, skipped = _abox(store, vocab, max_records)
    tbox = list(ontology)
    with tempfile.TemporaryDirectory(prefix="kg-check-") as tmp:
        consistent, unsatisfiable = _hermit([*tbox, *abox], Path(tmp))
        if not consistent:
            # An inconsistent ABox hides which classes are unsatisfiable: ask
            # about the ontology alone.
            _, unsatisfiable = _hermit(tbox, Path(tmp))
    found: list[Culprit] = []
    if not consistent or skipped:
        found = culprits(store, ontology)
        if found:
            consistent = False
    individuals = len({t[0] for t in abox})
    return CheckReport(consistent=consistent, unsatisfiable=unsatisfiable, culprits=found,
                       individuals=individuals, triples=len(tbox) + len(abox),
                       skipped_records=skipped, seconds=time.perf_counter() - started)


__all__ = ["check", "infer", "culprits", "CheckReport", "Culprit", "ReasonerError"]
