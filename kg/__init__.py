"""A knowledge graph of regional economic relations."""
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported lazily so that `import kg` stays cheap for the CLI and loaders.
    if name == "KnowledgeGraph":
        from kg.api import KnowledgeGraph
        return KnowledgeGraph
    raise AttributeError(name)


__all__ = ["KnowledgeGraph", "__version__"]
