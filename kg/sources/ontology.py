"""The ontology and SHACL shapes, loaded as a source like any other so that
queries can read term labels and definitions."""
from __future__ import annotations

from rdflib import Graph

from kg import __version__
from kg.namespace import rebase
from kg.sources.base import ROOT, SourceGraph

ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "regecon.ttl"


def ontology_graph() -> Graph:
    """The ontology as an rdflib graph, under the configured base IRI."""
    return rebase(Graph().parse(ONTOLOGY_FILE, format="turtle"))


def load() -> SourceGraph:
    return SourceGraph(
        name="ontology",
        title="Regional economic relations ontology",
        triples=iter(ontology_graph()),
        loader=f"kg.sources.ontology {__version__}",
        files=[ONTOLOGY_FILE],
        licence="https://creativecommons.org/licenses/by/4.0/",
    )
