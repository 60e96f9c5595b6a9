"""Errors the toolkit raises for bad input: each names what went wrong and where."""
from __future__ import annotations


class KGError(Exception):
    """Base class for every error the `kg` package raises on purpose."""


class SourceError(KGError):
    """A source file could not be read: names the file, line and column when known."""

    def __init__(self, message: str, file: str | None = None,
                 line: int | None = None, column: int | str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class QueryError(KGError):
    """A SPARQL query was rejected (syntax, parameters, limits)."""


class StoreError(KGError):
    """The store could not be opened, written or swapped."""
