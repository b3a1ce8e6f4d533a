"""What a data folder already holds, read as the text of its cells: the records an import updates.

An import never parses these rows into values: it compares and rewrites text, so that a field it
does not own comes back exactly as the analyst left it.

>>> from ecosystem_graph.locations import default_data_dir
>>> data = ExistingData.read(default_data_dir())
>>> data.tables["organizations"].by_id["nesta"]["label"]
'NESTA'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..lookup import fold
from ..schema import TABLES, Table

__all__ = ["CsvTable", "ExistingData", "fold", "read_csv_table"]  # fold: names compared as look-ups compare them


@dataclass
class CsvTable:
    """The rows of one record file as text, indexed by id, by folded label and by import key."""

    table: Table
    header: list[str]
    rows: list[dict[str, str]]
    by_id: dict[str, dict[str, str]] = field(default_factory=dict)
    by_label: dict[str, list[str]] = field(default_factory=dict)
    by_import: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.index(row)

    def index(self, row: dict[str, str]) -> None:
        ident = row.get("id", "")
        if ident:
            self.by_id.setdefault(ident, row)
            for text in (row.get("label", ""), row.get("name", ""), *row.get("alt_labels", "").split("|")):
                if text.strip():
                    self.by_label.setdefault(fold(text), []).append(ident)
        if row.get("x_import"):
            self.by_import.setdefault(row["x_import"], row)

    def key(self, row: dict[str, str]) -> str:
        """A row's key as records.Record spells it (``id``, or key fields joined with ``--``)."""
        return "--".join(row.get(k, "") for k in self.table.key)


@dataclass
class ExistingData:
    """The CSV record files of a data folder (those that exist), as text."""

    folder: Path
    tables: dict[str, CsvTable]

    @classmethod
    def read(cls, folder: Path) -> ExistingData:
        tables = {}
        for table in TABLES:
            path = folder / table.file
            if ".yaml" in table.file:
                continue
            tables[table.name] = read_csv_table(path, table) if path.is_file() else CsvTable(table, [], [])
        return cls(folder, tables)


def read_csv_table(path: Path, table: Table) -> CsvTable:
    """The rows of the CSV file ``path`` of ``table``, as the text of their cells.

    >>> from ecosystem_graph.locations import default_data_dir
    >>> from ecosystem_graph.schema import TABLES_BY_NAME
    >>> people = read_csv_table(default_data_dir() / "people.csv", TABLES_BY_NAME["people"])
    >>> people.header, people.by_id["deyan-pushkarov"]["family_name"]
    (['id', 'name', 'given_name', 'family_name', 'source'], 'Pushkarov')
    """
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        rows = [{k: v or "" for k, v in row.items() if k is not None} for row in reader]
        return CsvTable(table, list(reader.fieldnames or []), rows)
