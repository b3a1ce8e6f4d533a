"""What an import did, in numbers a person checks: rows read, records added, changed, removed and
skipped per table, how many organizations were placed in a city, and the problems by kind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import EcosystemGraphError, summarize
from .engine import ImportProblem, Made
from .merge import Changes, TableChanges
from .places import PlaceOutcome
from .spec import MappingSpec

__all__ = ["ImportProblems", "ImportReport"]

class ImportProblems(EcosystemGraphError):
    """Input rows the mapping cannot turn into records: counted by kind, then listed; nothing written."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__(summarize([(f"{p.kind} ({p.where})", f"{p.row}: {p.message}", str(p)) for p in problems],
                                   "problem", "in the imported rows"))


@dataclass
class ImportReport:
    """The outcome of one import."""

    source_id: str
    inputs: dict[str, int]
    problems: list[ImportProblem]
    places: PlaceOutcome
    skipped: dict[str, Counter[str]]
    skipped_examples: dict[str, dict[str, str]]
    matched: dict[str, int]
    candidates: list[tuple[str, str, str, float]]
    tables: dict[str, TableChanges] = field(default_factory=dict)

    @classmethod
    def of(cls, made: Made, spec: MappingSpec) -> ImportReport:
        return cls(spec.source_id, {name: len(t.rows) for name, t in made.inputs.items()}, made.problems,
                   made.geocoder.outcome, {n: r.skipped for n, r in made.tables.items() if r.skipped},
                   {n: r.skipped_examples for n, r in made.tables.items()},
                   {n: len(r.matched) for n, r in made.tables.items() if r.matched}, made.candidates)

    def raise_for_problems(self) -> None:
        if self.problems:
            raise ImportProblems(self.problems)

    def add_changes(self, changes: Changes) -> None:
        self.tables = {c.table.name: c for c in changes.tables}

    def lines(self) -> list[str]:
        """The report as lines of text, for the command line."""
        out = ["read " + ", ".join(f"{name} ({rows:,} rows)" for name, rows in self.inputs.items())]
        for name, c in self.tables.items():
            out.append(f"{c.table.file}: {len(c.added):,} added, {len(c.changed):,} changed, "
                       f"{len(c.removed):,} removed, {c.unchanged:,} unchanged")
            for reason, count in self.skipped.get(name, Counter()).most_common():
                out.append(f"  {count:,} rows skipped: {reason} (first: {self.skipped_examples[name][reason]})")
        out += self._place_lines()
        for table, new, old, score in self.candidates[:20]:
            out.append(f"review: {table} '{new}' may be the same as '{old}' (name similarity {score:g})")
        if len(self.candidates) > 20:
            out.append(f"review: {len(self.candidates) - 20} more candidate duplicates (see --report)")
        return out

    def _place_lines(self) -> list[str]:
        p = self.places
        if not p.total:
            return []
        out = [f"placed in a city: {p.placed:,} of {p.total:,} rows ({100 * p.placed / p.total:.1f}%); by method: "
               + ", ".join(f"{m} {n:,}" for m, n in p.methods.most_common())]
        if p.unplaced:
            top = ", ".join(f"{city} ({country}) x{n}" for (city, country), n in p.unplaced.most_common(10))
            out.append(f"  not placed ({sum(p.unplaced.values()):,} rows, {len(p.unplaced):,} texts; kept as "
                       f"places without coordinates): {top}")
        if p.unknown_countries:
            out.append("  unknown countries: " + ", ".join(f"{c!r} x{n}" for c, n in p.unknown_countries.items()))
        return out

    def as_json(self) -> dict[str, Any]:
        """The whole report, lists included, for ``--report FILE``."""
        p = self.places
        return {
            "source": self.source_id, "inputs": self.inputs,
            "tables": {n: {"file": c.table.file, "added": c.added, "changed": c.changed, "removed": c.removed,
                           "unchanged": c.unchanged} for n, c in self.tables.items()},
            "skipped": {n: dict(c) for n, c in self.skipped.items()},
            "matched_by_identifier": self.matched,
            "places": {"rows": p.total, "placed": p.placed, "methods": dict(p.methods),
                       "unplaced": [{"city": c, "country": k, "rows": n} for (c, k), n in p.unplaced.most_common()],
                       "fuzzy": [{"city": c, "country": k, "matched": m, "score": s}
                                 for (c, k), (m, s) in p.fuzzy.items()],
                       "unknown_countries": dict(p.unknown_countries)},
            "candidates": [{"table": t, "new": n, "existing": o, "score": s} for t, n, o, s in self.candidates],
        }
