"""The mapping file: what an import reads, and how its rows become records.

A mapping is YAML with three parts (``docs/import.md`` is the guide):

* ``source``: the record of ``sources.csv`` every imported record cites (the data set itself);
* ``inputs``: named tables read from files under the import's SOURCE folder (CSV, TSV, JSON,
  YAML, Excel; ``.gz`` read as is);
* ``tables``: one entry per record table to write, saying which input its rows come from, what
  identifies a row across imports (``key``), how ids are made and how each field is computed.

Every problem of the mapping is reported with its place in the file (``tables.organizations.
fields.type: ...``) before any data is read.

>>> spec = parse_mapping({
...     "source": {"id": "demo", "title": "Demo", "kind": "dataset"},
...     "inputs": {"orgs": {"path": "orgs.csv"}},
...     "tables": {"organizations": {"from": "orgs", "key": "pic",
...                                  "fields": {"label": "name", "type": {"value": "company"}}}}})
>>> spec.tables[0].table.name, spec.tables[0].fields["label"].column
('organizations', 'name')
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import EcosystemGraphError
from ..schema import TABLES_BY_NAME, Table

__all__ = ["CASES", "INPUT_FORMATS", "InputSpec", "Join", "MappingError", "MappingSpec", "TableSpec", "ValueSpec",
           "load_mapping", "parse_mapping"]

INPUT_FORMATS = ("csv", "tsv", "json", "yaml", "xlsx")
CASES = ("title", "lower", "upper")
#: What a value that a ``map`` does not list becomes: kept as it is, left empty, or a problem.
UNMAPPED = ("keep", "blank", "error")
#: What happens to a row whose reference finds no record: a problem, or the row is skipped
#: (and counted in the report), or the field is left empty.
UNRESOLVED = ("error", "skip-row", "blank")


class MappingError(EcosystemGraphError):
    """The mapping file is not one the importer can follow; every problem is listed."""

    def __init__(self, where: str, problems: list[str]):
        self.problems = problems
        head = f"{where}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the mapping:"
        super().__init__("\n".join([head, *(f"  {p}" for p in problems)]))


@dataclass(frozen=True)
class InputSpec:
    """A table read from a file: its name in the mapping, path (relative to SOURCE) and format."""

    name: str
    path: str
    format: str
    delimiter: str | None = None
    encoding: str = "utf-8-sig"
    sheet: str | None = None  # Excel: the sheet's name (default the first)
    records: str | None = None  # JSON/YAML: the key holding the list of rows (default the top level)
    columns: tuple[str, str] | None = None  # YAML mapping of key -> values, read as rows of two columns


@dataclass(frozen=True)
class Join:
    """Follow a row to the rows of another input whose ``match`` columns equal this row's."""

    input: str
    match: tuple[tuple[str, str], ...]  # (their column, our column)


@dataclass(frozen=True)
class ValueSpec:
    """How one field's value is computed from a row. Exactly one of ``column``, ``template``,
    ``value``, ``first``, ``geocode`` or ``country`` says where it comes from; the rest transform."""

    column: str | None = None
    template: str | None = None
    value: str | None = None
    first: tuple[ValueSpec, ...] = ()
    geocode: tuple[ValueSpec, ValueSpec] | None = None  # (city, country)
    country: ValueSpec | None = None
    via: tuple[Join, ...] = ()
    split: str | None = None
    map: dict[str, str] = field(default_factory=dict)
    unmapped: str = "keep"
    case: str | None = None
    date_format: str | None = None
    ref: str | None = None
    create: bool = False
    unresolved: str = "error"
    where: str = ""  # its place in the mapping file, for messages

    def columns(self) -> set[str]:
        """Every column of the row this value reads (not those of joined inputs)."""
        if self.via:
            return {ours for _, ours in self.via[0].match}
        found: set[str] = set()
        if self.column:
            found.add(self.column)
        if self.template:
            found |= {name for _, name, _, _ in string.Formatter().parse(self.template) if name}
        for part in (*self.first, *(self.geocode or ()), *((self.country,) if self.country else ())):
            found |= part.columns()
        return found


@dataclass(frozen=True)
class TableSpec:
    """How the records of one table are made: from which input, keyed and identified how."""

    table: Table
    input: str
    key: ValueSpec | None
    id: ValueSpec | None
    slug_ids: bool
    fields: dict[str, ValueSpec]
    keep: dict[str, ValueSpec]
    where: str


@dataclass(frozen=True)
class MappingSpec:
    """A whole mapping: the source record, the inputs and the tables, in the order written."""

    source: dict[str, str]
    inputs: dict[str, InputSpec]
    tables: tuple[TableSpec, ...]
    path: Path | None = None

    @property
    def source_id(self) -> str:
        return self.source["id"]


def load_mapping(path: str | Path) -> MappingSpec:
    """Read and check a mapping file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(str(path), [f"cannot read the mapping: {exc.strerror or exc}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise MappingError(str(path), [f"{line}not YAML: {getattr(exc, 'problem', exc)}"]) from None
    spec = parse_mapping(data, str(path))
    return MappingSpec(spec.source, spec.inputs, spec.tables, path)


def parse_mapping(data: Any, where: str = "mapping") -> MappingSpec:
    """Check a mapping already read from YAML and turn it into a :class:`MappingSpec`."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise MappingError(where, ["expected a mapping with 'source', 'inputs' and 'tables'"])
    reader.unknown(data, "", {"source", "inputs", "tables"})
    source = reader.source(data.get("source"))
    inputs = reader.inputs(data.get("inputs"))
    tables = reader.tables(data.get("tables"), inputs)
    if reader.problems:
        raise MappingError(where, reader.problems)
    return MappingSpec(source, inputs, tables)


#: Value-spec keys that say where a value comes from; exactly one per spec.
_ORIGINS = ("column", "template", "value", "first", "geocode", "country")
_MODIFIERS = ("via", "split", "map", "unmapped", "case", "date_format", "ref", "create", "unresolved")
_SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".yaml": "yaml", ".yml": "yaml",
                   ".xlsx": "xlsx", ".xlsm": "xlsx"}


def format_of(path: str) -> str | None:
    """The input format a file name implies (``.gz`` looked through), or ``None``."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None


class _Reader:
    """Reads the parts of a mapping, collecting every problem with its place."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, expected: str, found: Any) -> None:
        self.problems.append(f"{where or 'top level'}: expected {expected}, found {_shown(found)}")

    def unknown(self, data: dict[str, Any], where: str, allowed: set[str] | tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                self.problem(f"{where}{'.' if where else ''}{key}", f"one of {', '.join(sorted(allowed))}",
                             f"unknown key {key!r}")

    def source(self, data: Any) -> dict[str, str]:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            self.problem("source", "a mapping with at least 'id' (the sources.csv record every imported "
                         "record cites), 'title' and 'kind'", data)
            return {"id": "import"}
        return {str(k): str(v) for k, v in data.items() if v is not None}

    def inputs(self, data: Any) -> dict[str, InputSpec]:
        if not isinstance(data, dict) or not data:
            self.problem("inputs", "a mapping of input names to files ({orgs: {path: orgs.csv}})", data)
            return {}
        return {str(name): spec for name, value in data.items()
                if (spec := self.input(str(name), value)) is not None}

    def input(self, name: str, data: Any) -> InputSpec | None:
        where = f"inputs.{name}"
        if isinstance(data, str):
            data = {"path": data}
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            self.problem(where, "a file path, or a mapping with 'path'", data)
            return None
        self.unknown(data, where, ("path", "format", "delimiter", "encoding", "sheet", "records", "columns"))
        fmt = data.get("format") or format_of(data["path"])
        if fmt not in INPUT_FORMATS:
            self.problem(f"{where}.format", f"one of {', '.join(INPUT_FORMATS)} (or a file name ending in "
                         ".csv, .tsv, .json, .yaml, .xlsx, optionally .gz)", fmt or data["path"])
            return None
        columns = data.get("columns")
        if columns is not None and not (isinstance(columns, list) and len(columns) == 2):
            self.problem(f"{where}.columns", "two column names for a YAML mapping's keys and values", columns)
            columns = None
        return InputSpec(name, data["path"], fmt, data.get("delimiter"), data.get("encoding", "utf-8-sig"),
                         data.get("sheet"), data.get("records"),
                         (str(columns[0]), str(columns[1])) if columns else None)

    def tables(self, data: Any, inputs: dict[str, InputSpec]) -> tuple[TableSpec, ...]:
        if not isinstance(data, dict) or not data:
            self.problem("tables", "a mapping of record tables (organizations, places, ...) to how they are made",
                         data)
            return ()
        found = []
        for name, value in data.items():
            spec = self.table(str(name), value, inputs)
            if spec is not None:
                found.append(spec)
        return tuple(found)

    def table(self, name: str, data: Any, inputs: dict[str, InputSpec]) -> TableSpec | None:
        where = f"tables.{name}"
        table = TABLES_BY_NAME.get(name)
        if table is None or table.file.endswith(("yaml", "#programmes", "#visits")) or ".yaml" in table.file:
            csv_tables = sorted(t.name for t in TABLES_BY_NAME.values() if ".yaml" not in t.file)
            self.problem(where, f"a record table kept in a CSV file: {', '.join(csv_tables)}", name)
            return None
        if not isinstance(data, dict):
            self.problem(where, "a mapping with 'from' and 'fields'", data)
            return None
        self.unknown(data, where, ("from", "key", "id", "fields", "keep"))
        if data.get("from") not in inputs:
            self.problem(f"{where}.from", f"the name of an input ({', '.join(inputs) or 'none defined'})",
                         data.get("from"))
        fields = self.fields(table, data.get("fields"), f"{where}.fields", inputs)
        keep = {(k if str(k).startswith("x_") else f"x_{k}"): spec
                for k, v in (data.get("keep") or {}).items()
                if (spec := self.value(v, f"{where}.keep.{k}", inputs)) is not None}
        key = self.value(data["key"], f"{where}.key", inputs) if "key" in data else None
        ident, slug_ids = self.ident(table, data.get("id"), f"{where}.id", inputs)
        self.required(table, fields, ident, where)
        return TableSpec(table, str(data.get("from")), key, ident, slug_ids, fields, keep, where)

    def ident(self, table: Table, data: Any, where: str, inputs: dict[str, InputSpec]
              ) -> tuple[ValueSpec | None, bool]:
        if "id" not in table.names:
            if data is not None:
                self.problem(where, f"no 'id' (table {table.name} is keyed by {', '.join(table.key)})", data)
            return None, False
        if data is None:
            return None, True  # a slug of the label
        if isinstance(data, dict) and "slug" in data:
            return self.value(data["slug"], f"{where}.slug", inputs), True
        return self.value(data, where, inputs), False

    def required(self, table: Table, fields: dict[str, ValueSpec], ident: ValueSpec | None, where: str) -> None:
        for spec in table.fields:
            if spec.required and spec.name not in fields and spec.name not in ("id", "source"):
                if spec.name == "label" and ident is not None:
                    continue
                self.problem(f"{where}.fields", f"a value for the required field '{spec.name}'", "none")

    def fields(self, table: Table, data: Any, where: str, inputs: dict[str, InputSpec]) -> dict[str, ValueSpec]:
        if not isinstance(data, dict):
            self.problem(where, "a mapping of field names to columns or value rules", data)
            return {}
        found = {}
        for name, value in data.items():
            if name not in table.names or name == "id":
                self.problem(f"{where}.{name}", f"a field of {table.name} ({', '.join(table.names)}; ids are "
                             "made by 'id')", name)
                continue
            spec = self.value(value, f"{where}.{name}", inputs)
            if spec is not None:
                found[str(name)] = self.check_field(table, str(name), spec)
        return found

    def check_field(self, table: Table, name: str, spec: ValueSpec) -> ValueSpec:
        column = table.field(name)
        if spec.ref and column.kind == "ref" and spec.ref not in column.ref:
            self.problem(f"{spec.where}.ref", f"a table field '{name}' refers to ({', '.join(column.ref)})", spec.ref)
        if (spec.geocode or spec.country) and column.ref != ("places",):
            self.problem(spec.where, f"no geocode/country rule (field '{name}' is not a place)", name)
        if spec.ref is None and column.kind == "ref" and not (spec.geocode or spec.country):
            # A reference written as a plain column reads ids (or labels) of the table it names.
            return ValueSpec(**{**spec.__dict__, "ref": column.ref[0]})
        return spec

    def value(self, data: Any, where: str, inputs: dict[str, InputSpec]) -> ValueSpec | None:
        if isinstance(data, str):
            return ValueSpec(column=data, where=where)
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return ValueSpec(value=str(data), where=where)
        if not isinstance(data, dict):
            self.problem(where, "a column name or a mapping with one of " + ", ".join(_ORIGINS), data)
            return None
        self.unknown(data, where, (*_ORIGINS, *_MODIFIERS))
        origins = [k for k in _ORIGINS if k in data]
        if len(origins) != 1:
            self.problem(where, "exactly one of " + ", ".join(_ORIGINS), ", ".join(origins) or "none")
            return None
        return self._value(data, origins[0], where, inputs)

    def _value(self, data: dict[str, Any], origin: str, where: str, inputs: dict[str, InputSpec]) -> ValueSpec | None:
        parts: dict[str, Any] = {"where": where}
        raw = data[origin]
        if origin in ("column", "template", "value"):
            parts[origin] = str(raw)
        elif origin == "first":
            items = [self.value(v, f"{where}.first[{i}]", inputs) for i, v in enumerate(raw or [])]
            parts["first"] = tuple(v for v in items if v is not None)
        elif origin == "geocode":
            if not isinstance(raw, dict) or "city" not in raw or "country" not in raw:
                self.problem(f"{where}.geocode", "a mapping with 'city' and 'country'", raw)
                return None
            city, country = (self.value(raw[k], f"{where}.geocode.{k}", inputs) for k in ("city", "country"))
            if city is None or country is None:
                return None
            parts["geocode"] = (city, country)
        else:
            parts["country"] = self.value(raw, f"{where}.country", inputs)
        self.modifiers(data, parts, where, inputs)
        return ValueSpec(**parts)

    def modifiers(self, data: dict[str, Any], parts: dict[str, Any], where: str, inputs: dict[str, InputSpec]) -> None:
        for key, allowed in (("case", CASES), ("unmapped", UNMAPPED), ("unresolved", UNRESOLVED)):
            if key in data:
                if data[key] not in allowed:
                    self.problem(f"{where}.{key}", f"one of {', '.join(allowed)}", data[key])
                else:
                    parts[key] = data[key]
        for key in ("split", "date_format", "ref"):
            if key in data:
                parts[key] = str(data[key])
        if "ref" in parts and parts["ref"] not in TABLES_BY_NAME:
            self.problem(f"{where}.ref", "the name of a record table", parts["ref"])
        if "create" in data:
            parts["create"] = bool(data["create"])
        if "map" in data:
            if isinstance(data["map"], dict):
                parts["map"] = {str(k): "" if v is None else str(v) for k, v in data["map"].items()}
            else:
                self.problem(f"{where}.map", "a mapping of values found to values written", data["map"])
        if "via" in data:
            parts["via"] = self.joins(data["via"], f"{where}.via", inputs)

    def joins(self, data: Any, where: str, inputs: dict[str, InputSpec]) -> tuple[Join, ...]:
        items = data if isinstance(data, list) else [data]
        found = []
        for i, item in enumerate(items):
            at = f"{where}[{i}]"
            if not isinstance(item, dict) or item.get("input") not in inputs or not isinstance(item.get("match"), dict):
                self.problem(at, "{input: NAME, match: {their_column: our_column}} with NAME an input", item)
                continue
            found.append(Join(item["input"], tuple((str(k), str(v)) for k, v in item["match"].items())))
        return tuple(found)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:70] + "..."
