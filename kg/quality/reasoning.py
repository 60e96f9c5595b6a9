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
* beyond `max_observations` statistical observations (default 20,000), the
  rest: a tableau reasoner over millions of observations takes hours. The
  SPARQL culprit checks (disjoint classes, directly or through domain and
  range; two values of a functional property) then run over the whole
  graph, so an observation left out of HermiT's run is still checked for
  the contradictions the ontology can express about it.

HermiT says whether the whole is consistent but not why; when it is not, the
culprits are found with SPARQL over the data: every individual typed with two
disjoint classes (directly or through rdfs:subClassOf), used where a domain
or range makes it an instance of a class disjoint with its type, or holding
two values of a functional data property.
"""
from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from kg.errors import KGError
from kg.namespace import INFERRED_GRAPH, OWL, QB, RDF, RDFS, XSD, bind_prefixes, graph_for
from kg.quality import queries
from kg.quality.inference import infer
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
    skipped_observations: int = 0
    seconds: float = 0.0
    namespaces: NamespaceManager | None = None

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable

    @property
    def exit_code(self) -> int:
        """0 when consistent with every class satisfiable, 1 otherwise."""
        return 0 if self.ok else 1

    def _short(self, node: Node) -> str:
        if self.namespaces is not None and isinstance(node, URIRef):
            try:
                return self.namespaces.normalizeUri(node)
            except Exception:
                return f"<{node}>"
        return node.n3() if hasattr(node, "n3") else str(node)

    def text(self) -> str:
        lines = [
            f"HermiT: {'consistent' if self.consistent else 'INCONSISTENT'} "
            f"({self.individuals:,} individuals, {self.triples:,} triples, {self.seconds:.1f} s)"
        ]
        if self.skipped_observations:
            lines.append(f"  {self.skipped_observations:,} observations left out of HermiT's run "
                         "(checked with SPARQL for disjoint classes and functional properties)")
        if self.unsatisfiable:
            lines.append(f"Unsatisfiable classes ({len(self.unsatisfiable)}):")
            lines += [f"  {self._short(c)}" for c in self.unsatisfiable]
        else:
            lines.append("Unsatisfiable classes: none")
        if not self.consistent:
            if self.culprits:
                lines.append(f"Culprits ({len(self.culprits)}):")
                for c in self.culprits:
                    lines.append(f"  {self._short(c.individual)}: {self._reason(c)}")
            else:
                lines.append("Culprits: none found by the disjointness and functional-property "
                             "checks; the contradiction needs a longer chain of axioms")
        return "\n".join(lines)

    def _reason(self, culprit: Culprit) -> str:
        text = culprit.reason
        for cls in (*culprit.classes, culprit.property):
            if cls is not None:
                text = text.replace(str(cls), self._short(cls))
        return text


# ---------------------------------------------------------------- input

def _as_store(store_or_graph: Store | Graph) -> Store:
    """A store to read from: the given one, or an in-memory Oxigraph store
    holding an rdflib graph (named graphs of a Dataset kept), with the shipped
    ontology beside it when the graph does not bring its own."""
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
    if (None, RDF.type, OWL.Ontology) not in store_or_graph:
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


@dataclass
class _Vocabulary:
    classes: set[URIRef]
    object_properties: set[URIRef]
    data_properties: set[URIRef]
    observation_classes: set[URIRef]

    @classmethod
    def of(cls, ontology: Graph) -> "_Vocabulary":
        classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        for s, o in ontology.subject_objects(RDFS.subClassOf):
            classes |= {x for x in (s, o) if isinstance(x, URIRef)}
        obs = {QB.Observation}
        changed = True
        while changed:
            more = {s for s, o in ontology.subject_objects(RDFS.subClassOf)
                    if o in obs and isinstance(s, URIRef)} - obs
            obs |= more
            changed = bool(more)
        return cls(
            classes=classes,
            object_properties={p for p in ontology.subjects(RDF.type, OWL.ObjectProperty)
                               if isinstance(p, URIRef)},
            data_properties={p for p in ontology.subjects(RDF.type, OWL.DatatypeProperty)
                             if isinstance(p, URIRef)},
            observation_classes=obs,
        )


def _abox(store: Store, vocab: _Vocabulary, max_observations: int) -> tuple[list[Triple], int]:
    """The ABox HermiT gets, and how many observations were left out."""
    graphs = _data_graphs(store)
    types: list[tuple[URIRef, URIRef]] = []
    for row in store.query("SELECT ?s ?class WHERE { ?s a ?class }", default_graphs=graphs):
        s, c = row["s"], row["class"]
        if isinstance(s, URIRef) and c in vocab.classes:
            types.append((s, c))
    observations = sorted({s for s, c in types if c in vocab.observation_classes})
    skipped: set[URIRef] = set(observations[max_observations:]) if max_observations >= 0 else set()

    out: list[Triple] = [(s, RDF.type, c) for s, c in types if s not in skipped]
    query = "SELECT ?s ?o ?property WHERE { ?s ?property ?o }"
    for prop in sorted(vocab.object_properties | vocab.data_properties):
        is_object = prop in vocab.object_properties
        for row in store.query(query, bindings={"property": prop}, default_graphs=graphs):
            s, o = row["s"], row["o"]
            if not isinstance(s, URIRef) or s in skipped:
                continue
            if is_object:
                if isinstance(o, URIRef):
                    out.append((s, prop, o))
            elif isinstance(o, Literal) and _reasonable(o):
                out.append((s, prop, o))
    return out, len(skipped)


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

def culprits(store: Store) -> list[Culprit]:
    """Individuals that contradict the ontology's disjointness and functional
    property axioms, found with SPARQL over every graph but the inferred one."""
    graphs = _data_graphs(store)
    found: dict[tuple, Culprit] = {}
    for row in store.query(queries.load("disjoint_types"), default_graphs=graphs):
        x, a, b = row["x"], row["a"], row["b"]
        pair = tuple(sorted((a, b)))
        found.setdefault(("types", x, pair), Culprit(
            x, f"typed {pair[0]} and {pair[1]}, which are disjoint", classes=pair))
    for row in store.query(queries.load("disjoint_usage"), default_graphs=graphs):
        x, a, b, p = row["x"], row["a"], row["b"], row["p"]
        if ("types", x, tuple(sorted((a, b)))) in found:
            continue
        found.setdefault(("usage", x, a, b, p), Culprit(
            x, f"a {a}, but its use with {p} makes it a {b}, and the two are disjoint",
            classes=(a, b), property=p))
    for row in store.query(queries.load("functional_conflicts"), default_graphs=graphs):
        x, p, v1, v2 = row["x"], row["p"], row["v1"], row["v2"]
        if v1.eq(v2):
            continue
        found.setdefault(("functional", x, p), Culprit(
            x, f"has two values of the functional property {p}: {v1!s} and {v2!s}", property=p))
    return sorted(found.values(), key=lambda c: (str(c.individual), c.reason))


def check(store_or_graph: Store | Graph, *, max_observations: int = 20_000) -> CheckReport:
    """Check the graph against the ontology with HermiT; name the culprits of
    an inconsistency. Accepts a store or an rdflib graph (or dataset); an
    rdflib graph without the ontology is checked against the shipped one."""
    started = time.perf_counter()
    store = _as_store(store_or_graph)
    ontology = _ontology(store)
    vocab = _Vocabulary.of(ontology)
    abox, skipped = _abox(store, vocab, max_observations)
    tbox = list(ontology)
    with tempfile.TemporaryDirectory(prefix="kg-check-") as tmp:
        consistent, unsatisfiable = _hermit([*tbox, *abox], Path(tmp))
        if not consistent:
            # An inconsistent ABox hides which classes are unsatisfiable: ask
            # about the ontology alone.
            _, unsatisfiable = _hermit(tbox, Path(tmp))
    found: list[Culprit] = []
    if not consistent or skipped:
        found = culprits(store)
        if found:
            consistent = False
    individuals = len({t[0] for t in abox})
    return CheckReport(consistent=consistent, unsatisfiable=unsatisfiable, culprits=found,
                       individuals=individuals, triples=len(tbox) + len(abox),
                       skipped_observations=skipped, seconds=time.perf_counter() - started,
                       namespaces=bind_prefixes(Graph()).namespace_manager)


__all__ = ["check", "infer", "culprits", "CheckReport", "Culprit", "ReasonerError"]
