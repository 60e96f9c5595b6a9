"""Quality of the graph: consistency under the ontology (HermiT), the OWL 2 RL
consequences queries rely on (materialised into the `inferred` graph), and
validation with SHACL shapes and SPARQL quality rules.

    from kg.quality import check, infer, validate
    check(store).text()            # HermiT: consistent? unsatisfiable classes? culprits
    infer(store)                   # -> triples in graph/inferred (store must be writable)
    validate(store).exit_code      # SHACL + rules; non-zero on violations

Heavy dependencies (owlready2, pyshacl) are imported when a function runs.
"""
from __future__ import annotations

from kg.quality.inference import infer
from kg.quality.reasoning import CheckReport, Culprit, ReasonerError, check
from kg.quality.validate import Result, ValidationReport, validate

__all__ = ["check", "infer", "validate", "CheckReport", "Culprit", "ReasonerError",
           "ValidationReport", "Result"]
