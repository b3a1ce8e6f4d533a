"""An import's rows against the data folder: what is added, changed and removed, then written.

Rows are matched by record key (ids are stable across imports: a record keeps the id it was given
the first time its source key was seen). The import owns the fields its mapping computes, and the
rows it made before (their ``x_import`` column names the mapping's source); everything else in the
folder stays as the analyst left it: other fields of imported rows, other rows, other files.

The files are checked as a whole (``load_records``) in a scratch copy of the folder before any of
them replaces its earlier version, and then all are renamed into place together.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..files import Content, write_atomically
from ..records import write_checked
from ..schema import Table
from .engine import TableResult
from .existing import CsvTable, ExistingData

__all__ = ["Changes", "TableChanges", "compare", "csv_text", "write_changes"]


@dataclass
class TableChanges:
    """What an import does to one record file."""

    table: Table
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    text: str | None = None  # the file's new text when anything changed

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class Changes:
    """What an import does to the data folder, file by file."""

    folder: Path
    tables: list[TableChanges]

    def files(self) -> dict[str, bytes]:
        return {c.table.file: c.text.encode("utf-8") for c in self.tables if c.touched and c.text is not None}


def compare(existing: ExistingData, results: dict[str, TableResult], source_id: str) -> Changes:
    """The changes that writing ``results`` into ``existing`` makes, with each file's new text."""
    return Changes(existing.folder, [_compare_table(existing.tables[name], result, source_id)
                                     for name, result in results.items()])


def _compare_table(old: CsvTable, result: TableResult, source_id: str) -> TableChanges:
    changes = TableChanges(old.table)
    mine = f"{source_id}:"
    made = result.rows
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for row in old.rows:
        key = old.key(row)
        new = made.get(key)
        if new is None:
            if row.get("x_import", "").startswith(mine):
                changes.removed.append(key)  # made by an earlier run of this import, gone from the source
            else:
                rows.append(row)
            continue
        seen.add(key)
        merged = {**row, **{name: new.get(name, "") for name in result.owned}}
        if merged != row:
            changes.changed.append(key)
        else:
            changes.unchanged += 1
        rows.append(merged)
    for key, new in made.items():
        if key not in seen:
            changes.added.append(key)
            rows.append({name: new.get(name, "") for name in result.owned})
    if changes.touched:
        changes.text = csv_text(old, rows)
    return changes


def csv_text(old: CsvTable, rows: list[dict[str, str]]) -> str:
    """The file's text: its columns as they were (an analyst's order is kept), then the table's
    other columns in use in schema order, then new ``x_`` columns.

    >>> from ecosystem_graph.schema import TABLES_BY_NAME
    >>> old = CsvTable(TABLES_BY_NAME["people"], ["id", "name", "source"], [])
    >>> print(csv_text(old, [{"id": "a", "name": "A", "family_name": "Z", "source": "s"}]), end="")
    id,name,source,family_name
    a,A,s,Z
    """
    used = {name for row in rows for name, value in row.items() if value}
    required = {f.name for f in old.table.fields if f.required}
    header = list(old.header)
    header += [f.name for f in old.table.fields if f.name not in header and (f.name in used or f.name in required)]
    header += sorted({name for row in rows for name in row if name.startswith("x_")} - set(header))
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_changes(changes: Changes, check: bool = True) -> None:
    """Check the folder as it would be (all its records, in a scratch copy), then write the files.

    Raises :class:`~ecosystem_graph.errors.RecordError` (nothing written) when the records would not load.
    """
    files: dict[str, Content] = dict(changes.files())
    if not files:
        return
    if check:
        write_checked(changes.folder, files)
    else:
        write_atomically(changes.folder, files)
