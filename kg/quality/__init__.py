"""Quality of the graph: HermiT consistency checks, OWL 2 RL inference into the
`inferred` graph, and SHACL validation with SPARQL quality rules."""
