"""Errors a user can cause, each with enough context to fix it without a traceback."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EcosystemGraphError", "QueryError", "QuerySyntaxError", "RecordError", "RecordProblem", "ShapeError",
           "StoreError", "summarize"]


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
        if count <= SUMMARY_FROM:
            return "\n".join([head, *(f"  {p}" for p in self.problems)])
        kinds = [(f"{p.file}: {'field ' + repr(p.field) + ': ' if p.field else ''}expected {p.expected}",
                  f"line {p.line}: found {p.found}" if p.line else f"found {p.found}", str(p)) for p in self.problems]
        return head + "\n" + summarize(kinds, "problem", "in the records")


#: From how many problems a list of them starts with a count per kind.
SUMMARY_FROM = 10
#: How many examples a summary shows per kind of problem, and how many problems it lists after.
EXAMPLES = 3
LISTED = 500


def summarize(items: list[tuple[str, str, str]], noun: str, context: str) -> str:
    """A count per kind of problem with its first examples, then the problems one per line.

    ``items`` are (kind, example, full text) in the order found; the list stops after :data:`LISTED`.

    >>> print(summarize([("a", "x1", "a: x1"), ("a", "x2", "a: x2"), ("b", "y1", "b: y1")], "problem", "in the rows"))
    3 problems in the rows, of 2 kinds:
      2 x a, e.g. x1; x2
      1 x b, e.g. y1
    All of them:
      a: x1
      a: x2
      b: y1
    """
    kinds: dict[str, list[str]] = {}
    for kind, example, _ in items:
        kinds.setdefault(kind, []).append(example)
    plural = "s" if len(kinds) != 1 else ""
    lines = [f"{len(items)} {noun}{'s' if len(items) != 1 else ''} {context}, of {len(kinds)} kind{plural}:"]
    for kind, texts in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  {len(texts)} x {kind}, e.g. " + "; ".join(texts[:EXAMPLES]))
    lines.append("All of them:" if len(items) <= LISTED else f"The first {LISTED}:")
    lines += [f"  {text}" for _, _, text in items[:LISTED]]
    return "\n".join(lines)


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
