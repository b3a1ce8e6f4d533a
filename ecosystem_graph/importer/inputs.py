"""Reading an import's input files into rows of text: CSV, TSV, JSON, YAML and Excel, ``.gz`` or not.

Every cell is text, as a spreadsheet shows it (numbers from JSON and Excel are written without a
trailing ``.0``), so that a mapping's rules see one kind of value whatever the file's format.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "orgs.csv").write_text("pic;name\\n1;ACME\\n", encoding="utf-8")
>>> read_input(folder, InputSpec("orgs", "orgs.csv", "csv")).rows
[{'pic': '1', 'name': 'ACME'}]
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from ..errors import EcosystemGraphError
from .spec import InputSpec

__all__ = ["InputError", "InputTable", "read_input"]

#: Largest input file read (uncompressed for .gz files count as read): a mistake, not a data set.
MAX_INPUT_BYTES = 2 * 1024**3


class InputError(EcosystemGraphError):
    """An input file is missing, unreadable or not in the format its mapping says."""


@dataclass
class InputTable:
    """The rows of one input, with an index per column set for joins (built on first use)."""

    name: str
    path: Path
    columns: list[str]
    rows: list[dict[str, str]]
    _indexes: dict[tuple[str, ...], dict[tuple[str, ...], list[dict[str, str]]]] = field(default_factory=dict)

    def lookup(self, columns: tuple[str, ...], values: tuple[str, ...]) -> list[dict[str, str]]:
        """The rows whose ``columns`` hold ``values`` (trimmed, case as written)."""
        index = self._indexes.get(columns)
        if index is None:
            index = {}
            for row in self.rows:
                index.setdefault(tuple(row.get(c, "").strip() for c in columns), []).append(row)
            self._indexes[columns] = index
        return index.get(values, [])


def read_input(folder: Path, spec: InputSpec) -> InputTable:
    """Read the input ``spec`` names, relative to ``folder`` (or ``folder`` itself when it is the file)."""
    path = folder if folder.is_file() else folder / spec.path
    if not path.is_file():
        raise InputError(f"{path}: input '{spec.name}' not found (expected a file at inputs.{spec.name}.path)")
    try:
        columns, rows = _READERS[spec.format](path, spec)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read input '{spec.name}' as {spec.format}: {exc}") from None
    return InputTable(spec.name, path, columns, rows)


def _open_text(path: Path, encoding: str) -> IO[str]:
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise ValueError(f"larger than {MAX_INPUT_BYTES // 1024**3} GB")
    if path.suffix.lower() == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, newline="")
    return path.open(encoding=encoding, newline="")


def _read_csv(path: Path, spec: InputSpec) -> tuple[list[str], list[dict[str, str]]]:
    with _open_text(path, spec.encoding) as stream:
        delimiter = spec.delimiter or ("\t" if spec.format == "tsv" else _sniff(stream))
        reader = csv.reader(stream, delimiter=delimiter)
        header = [h.strip() for h in next(reader, [])]
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # blank lines, as spreadsheets leave them
            rows.append(dict(zip(header, (c.strip() for c in cells), strict=False)))
    return header, rows


def _sniff(stream: IO[str]) -> str:
    """The delimiter of a CSV file: the one of , ; and tab its first line uses most."""
    first = stream.readline()
    stream.seek(0)
    return max(",;\t", key=first.count)


def _read_json(path: Path, spec: InputSpec) -> tuple[list[str], list[dict[str, str]]]:
    with _open_text(path, spec.encoding) as stream:
        data = json.load(stream)
    return _rows_of(data, spec)


def _read_yaml(path: Path, spec: InputSpec) -> tuple[list[str], list[dict[str, str]]]:
    with _open_text(path, spec.encoding) as stream:
        data = yaml.safe_load(stream)
    return _rows_of(data, spec)


def _rows_of(data: Any, spec: InputSpec) -> tuple[list[str], list[dict[str, str]]]:
    if spec.records:
        data = data.get(spec.records) if isinstance(data, dict) else None
    if spec.columns and isinstance(data, dict):
        # {ERC: [H2020-EU.1.1.]} read as rows (key, value), one per value.
        key, value = spec.columns
        pairs = [(k, v) for k, values in data.items() for v in (values if isinstance(values, list) else [values])]
        return [key, value], [{key: _cell(k), value: _cell(v)} for k, v in pairs]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("expected a list of objects" + (f" under '{spec.records}'" if spec.records else "")
                         + " (or 'columns' for a mapping of keys to values)")
    header: dict[str, None] = {}
    for item in data:
        header.update(dict.fromkeys(str(k) for k in item))
    return list(header), [{str(k): _cell(v) for k, v in item.items()} for item in data]


def _read_xlsx(path: Path, spec: InputSpec) -> tuple[list[str], list[dict[str, str]]]:
    import openpyxl  # only for Excel inputs

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[spec.sheet] if spec.sheet else book.worksheets[0]
        cells: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header = [_cell(h) for h in next(cells, ())]
        rows = [dict(zip(header, (_cell(c) for c in row), strict=False)) for row in cells
                if any(c not in (None, "") for c in row)]
    except KeyError:
        raise ValueError(f"no sheet named {spec.sheet!r} (sheets: {', '.join(book.sheetnames)})") from None
    finally:
        book.close()
    return header, rows


def _cell(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO dates, nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_READERS = {"csv": _read_csv, "tsv": _read_csv, "json": _read_json, "yaml": _read_yaml, "xlsx": _read_xlsx}
