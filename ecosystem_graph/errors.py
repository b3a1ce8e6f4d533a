"""Errors a user can cause, each with enough context to fix it without a traceback."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EcosystemGraphError", "QueryError", "QuerySyntaxError", "RecordError", "RecordProblem", "ShapeError",
           "StoreError"]


class EcosystemGraphError(Exception):
    """Base class of errors reported to the user as a message, never a traceback."""


@dataclass(frozen=True)
class RecordProblem:
    """One problem in one record: where it is, which field, what was expected and found."""

    file: str
    line: int | None
    field: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"field '{self.field}': " if self.field else ""
        return f"{where}: {what}expected {self.expected}, found {self.found}"


class RecordError(EcosystemGraphError):
    """The records have problems; all of them are listed, in file and line order."""

    def __init__(self, problems: list[RecordProblem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field or ""))
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the records:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class ShapeError(EcosystemGraphError):
    """The built graph does not conform to ontology/shapes.ttl."""


class QueryError(EcosystemGraphError):
    """A query could not be parsed, bound or run."""


class QuerySyntaxError(QueryError):
    """A query that does not parse, with the position the parser stopped at."""

    def __init__(self, query: str, line: int, column: int, message: str):
        self.query, self.line, self.column, self.message = query, line, column, message
        super().__init__(self._render())

    def _render(self) -> str:
        lines = self.query.splitlines() or [""]
        shown = lines[min(max(self.line, 1), len(lines)) - 1]
        return (f"malformed query at line {self.line}, column {self.column}: {self.message}\n"
                f"  {shown}\n  {' ' * (max(self.column, 1) - 1)}^")

    def shifted(self, query: str, lines: int) -> QuerySyntaxError:
        """The same error against ``query``, which lacks the first ``lines`` lines of the parsed text."""
        return QuerySyntaxError(query, self.line - lines, self.column, self.message)


class StoreError(EcosystemGraphError):
    """A store could not be opened, read or written."""
