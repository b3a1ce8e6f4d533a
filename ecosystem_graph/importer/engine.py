"""Rows of the inputs -> the rows of record files, following a mapping.

Tables are made in the order the mapping lists them; a reference reads the records made before it
by this import (by their source key, id or label) or those already in the data folder (by id or
label, alternative labels included). Rows that share a key are one record: single-valued fields
take the first value found, lists gather every value (a project made from its participation rows).

Nothing here writes: :mod:`.merge` compares the result with the data folder and writes it.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..records import ID_PATTERN, LIST_SEPARATOR, slug
from ..schema import TABLES_BY_NAME, Field, Table
from .existing import ExistingData, fold
from .inputs import InputTable, read_input
from .places import Geocoder
from .spec import MappingSpec, TableSpec, ValueSpec

__all__ = ["CANDIDATE_SCORE", "ImportProblem", "Importer", "Made", "TableResult"]


@dataclass(frozen=True)
class ImportProblem:
    """One problem with one input row: its kind (for the summary), the rule, the row, what was wrong."""

    kind: str
    where: str
    row: str
    message: str

    def __str__(self) -> str:
        return f"{self.row}: {self.where}: {self.message}"


@dataclass
class TableResult:
    """The rows one table gets from the import, keyed by record key, in the order first made."""

    table: Table
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    owned: set[str] = field(default_factory=set)  # the fields the import writes
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_examples: dict[str, str] = field(default_factory=dict)
    matched: dict[str, str] = field(default_factory=dict)  # source key -> id of an analyst's record


@dataclass
class Made:
    """Everything an import makes, before it is compared with the data folder."""

    tables: dict[str, TableResult]
    geocoder: Geocoder
    problems: list[ImportProblem]
    inputs: dict[str, InputTable]
    candidates: list[tuple[str, str, str, float]]  # (table, new id, existing id, score)


class _Skip(Exception):
    """The row is left out (a reference with ``unresolved: skip-row`` found nothing)."""


class Importer:
    """Runs a mapping over the inputs under ``source`` against the data folder's ``existing`` records."""

    def __init__(self, mapping: MappingSpec, source: Path, existing: ExistingData):
        self.mapping = mapping
        self.source = source
        self.existing = existing
        self.src = mapping.source_id
        self.inputs: dict[str, InputTable] = {}
        self.results: dict[str, TableResult] = {}
        self.problems: list[ImportProblem] = []
        self.geocoder = Geocoder(existing.tables["places"], self.src)
        self._by_key: dict[str, dict[str, str]] = {}  # table -> source key -> id
        self._labels: dict[str, dict[str, str]] = {}  # table -> folded label -> id (made here)
        self._identifiers: dict[str, dict[str, str]] = {}  # table -> identifier -> id of an analyst's record

    def run(self) -> Made:
        self.inputs = {name: read_input(self.source, spec) for name, spec in self.mapping.inputs.items()}
        self._check_columns()
        for spec in self.mapping.tables:
            self._make_table(spec)
        self._add_source_record()
        self._add_places()
        return Made(self.results, self.geocoder, self.problems, self.inputs, self._candidates())

    # -- tables and rows ---------------------------------------------------------------------------

    def _check_columns(self) -> None:
        from .spec import MappingError

        missing = []
        for spec in self.mapping.tables:
            have = set(self.inputs[spec.input].columns)
            rules = [*spec.fields.values(), *spec.keep.values(), *(r for r in (spec.key, spec.id) if r)]
            for rule in rules:
                for column in sorted(rule.columns() - have):
                    missing.append(f"{rule.where}: expected a column of input '{spec.input}' "
                                   f"({_listed(self.inputs[spec.input].columns)}), found {column!r}")
        if missing:
            raise MappingError(str(self.mapping.path or "mapping"), missing)

    def _result(self, table: Table) -> TableResult:
        return self.results.setdefault(table.name, TableResult(table))

    def _make_table(self, spec: TableSpec) -> None:
        result = self._result(spec.table)
        result.owned |= {*spec.fields, *spec.keep, "x_import", *(("id",) if "id" in spec.table.names else ()),
                         *(("source",) if "source" in spec.table.names and "source" not in spec.fields else ())}
        data = self.inputs[spec.input]
        for number, row in enumerate(data.rows, start=2):
            where = f"{data.path.name} row {number}"
            try:
                self._make_row(spec, result, row, where)
            except _Skip as skip:
                reason = str(skip)
                result.skipped[reason] += 1
                result.skipped_examples.setdefault(reason, where)

    def _make_row(self, spec: TableSpec, result: TableResult, row: dict[str, str], where: str) -> None:
        values = {name: self._values(rule, row, spec.input, where, spec.table.field(name))
                  for name, rule in spec.fields.items()}
        values.update({name: self._values(rule, row, spec.input, where, None) for name, rule in spec.keep.items()})
        source_key = self._source_key(spec, row, values, where)
        if source_key is None:
            return
        if "source" in spec.table.names and "source" not in spec.fields:
            values["source"] = [self.src]
        if "id" in spec.table.names:
            ident = self._by_key.setdefault(spec.table.name, {}).get(source_key)
            if ident is None:
                ident = self._new_id(spec, result, row, values, source_key, where)
                if ident is None:
                    return
            values["id"] = [ident]
        self._store(result, values, source_key)

    def _source_key(self, spec: TableSpec, row: dict[str, str], values: dict[str, list[str]],
                    where: str) -> str | None:
        if spec.key is not None:
            found = self._values(spec.key, row, spec.input, where, None)
        elif "id" in spec.table.names:
            found = self._values(spec.id, row, spec.input, where, None) if spec.id else values.get("label", [])
        else:
            found = ["--".join((values.get(k) or [""])[0] for k in spec.table.key)]
        if not found or not found[0]:
            self._problem("empty key", spec.where + (".key" if spec.key else ".id"), where,
                          "expected a value identifying the row, found nothing")
            return None
        return found[0]

    def _new_id(self, spec: TableSpec, result: TableResult, row: dict[str, str], values: dict[str, list[str]],
                source_key: str, where: str) -> str | None:
        owned = self.existing.tables[spec.table.name].by_import.get(f"{self.src}:{source_key}")
        if owned is not None:
            return self._remember(spec.table, source_key, owned["id"])  # the id it had: ids are stable
        matched = self._match_identifier(spec.table, values.get("identifiers", []))
        if matched is not None:
            result.matched[source_key] = matched
            self._remember(spec.table, source_key, matched)
            raise _Skip("already in the data folder (same identifier): referred to, left as it is")
        wanted = self._values(spec.id, row, spec.input, where, None) if spec.id else values.get("label", [])
        text = wanted[0] if wanted else ""
        base = slug(text, 60) if spec.slug_ids else text
        if not base or not ID_PATTERN.match(base):
            self._problem("bad id", spec.where + ".id", where,
                          f"expected an id (lowercase letters, digits and single hyphens), found {text!r}")
            return None
        return self._remember(spec.table, source_key, self._free_id(spec.table, base, source_key))

    def _free_id(self, table: Table, base: str, source_key: str) -> str:
        # Another record with the same slug (two "Universidad de ..." with one short name) gets -2, -3...
        taken = self.results[table.name].rows
        existing = self.existing.tables[table.name].by_id
        ident, n = base, 1
        while ident in taken or (ident in existing and existing[ident].get("x_import") != f"{self.src}:{source_key}"):
            n += 1
            ident = f"{base}-{n}"
        return ident

    def _remember(self, table: Table, source_key: str, ident: str) -> str:
        self._by_key.setdefault(table.name, {})[source_key] = ident
        return ident

    def _match_identifier(self, table: Table, identifiers: list[str]) -> str | None:
        if not identifiers:
            return None
        index = self._identifiers.get(table.name)
        if index is None:
            index = {}
            for old in self.existing.tables[table.name].rows:
                if not old.get("x_import") and old.get("identifiers"):
                    index.update(dict.fromkeys(old["identifiers"].split(LIST_SEPARATOR), old["id"]))
            self._identifiers[table.name] = index
        return next((index[i] for i in identifiers if i in index), None)

    def _store(self, result: TableResult, values: dict[str, list[str]], source_key: str) -> None:
        key = (values["id"][0] if "id" in values else
               "--".join((values.get(k) or [""])[0] for k in result.table.key))
        row = result.rows.get(key)
        if row is None:
            result.rows[key] = row = {"x_import": f"{self.src}:{source_key}"}
            if "label" in values and values["label"]:
                self._labels.setdefault(result.table.name, {}).setdefault(fold(values["label"][0]), key)
        for name, found in values.items():
            many = not name.startswith("x_") and result.table.field(name).many
            if many:
                old = row.get(name, "").split(LIST_SEPARATOR) if row.get(name) else []
                row[name] = LIST_SEPARATOR.join(dict.fromkeys([*old, *(v.replace(LIST_SEPARATOR, "/") for v in found)]))
            elif found and not row.get(name):
                row[name] = found[0]

    # -- values -----------------------------------------------------------------------------------

    def _values(self, rule: ValueSpec | None, row: dict[str, str], input_name: str, where: str,
                target: Field | None) -> list[str]:
        if rule is None:
            return []
        rows = self._joined(rule, row, input_name) if rule.via else [row]
        found: list[str] = []
        for each in rows:
            found.extend(self._origin(rule, each, input_name, where))
        found = [v for v in (self._transform(rule, v, where, target) for v in self._split(rule, found)) if v]
        if rule.ref:
            found = self._references(rule, found, where)
        return list(dict.fromkeys(found))

    def _joined(self, rule: ValueSpec, row: dict[str, str], input_name: str) -> list[dict[str, str]]:
        rows = [row]
        for join in rule.via:
            their = tuple(t for t, _ in join.match)
            rows = [hit for r in rows for hit in self.inputs[join.input].lookup(
                their, tuple(r.get(ours, "").strip() for _, ours in join.match))]
        return rows

    def _origin(self, rule: ValueSpec, row: dict[str, str], input_name: str, where: str) -> list[str]:
        if rule.column is not None:
            return [row.get(rule.column, "")]
        if rule.template is not None:
            return [_fill(rule.template, row)]
        if rule.value is not None:
            return [rule.value]
        if rule.first:
            for part in rule.first:
                got = self._values(part, row, input_name, where, None)
                if got:
                    return got
            return []
        if rule.geocode is not None:
            city, country = (self._values(part, row, input_name, where, None) for part in rule.geocode)
            place = self.geocoder.city(city[0] if city else "", country[0] if country else "")
            return [place] if place else []
        assert rule.country is not None
        country = self._values(rule.country, row, input_name, where, None)
        place = self.geocoder.country(country[0]) if country else None
        return [place] if place else []

    @staticmethod
    def _split(rule: ValueSpec, values: list[str]) -> Iterator[str]:
        for value in values:
            if rule.split:
                yield from (part.strip() for part in value.split(rule.split))
            else:
                yield value.strip()

    def _transform(self, rule: ValueSpec, value: str, where: str, target: Field | None) -> str:
        if not value:
            return ""
        if rule.map:
            mapped = rule.map.get(value, rule.map.get(value.casefold()))
            if mapped is not None:
                value = mapped
            elif rule.unmapped == "blank":
                return ""
            elif rule.unmapped == "error":
                self._problem("value not in the map", rule.where + ".map", where,
                              f"expected one of {_listed(list(rule.map))}, found {value!r}")
                return ""
        if rule.case:
            value = {"title": _title, "lower": str.lower, "upper": str.upper}[rule.case](value)
        if rule.date_format:
            try:
                value = datetime.strptime(value, rule.date_format).date().isoformat()
            except ValueError:
                self._problem("not a date", rule.where + ".date_format", where,
                              f"expected a date like {rule.date_format!r}, found {value!r}")
                return ""
        return value

    def _references(self, rule: ValueSpec, values: list[str], where: str) -> list[str]:
        assert rule.ref is not None
        found = []
        for value in values:
            ident = self._resolve(rule.ref, value) or (self._create(rule.ref, value) if rule.create else None)
            if ident is not None:
                found.append(ident)
            elif rule.unresolved == "skip-row":
                raise _Skip(f"{rule.where}: no {rule.ref} record for the value")
            elif rule.unresolved == "error":
                self._problem(f"no such {rule.ref} record", rule.where, where,
                              f"expected the key, id or label of a record of {rule.ref}, found {value!r}")
        return found

    def _resolve(self, table: str, value: str) -> str | None:
        made = self._by_key.get(table, {}).get(value)
        if made is not None:
            return made
        if table in self.results and value in self.results[table].rows:
            return value
        existing = self.existing.tables.get(table)
        if existing is not None and value in existing.by_id:
            return value
        folded = fold(value)
        label = self._labels.get(table, {}).get(folded)
        if label is not None:
            return label
        candidates = existing.by_label.get(folded, []) if existing is not None else []
        return candidates[0] if len(set(candidates)) == 1 else None

    def _create(self, table_name: str, value: str) -> str:
        table = TABLES_BY_NAME[table_name]
        result = self._result(table)
        result.owned |= {"id", "label", "x_import"} | ({"source"} if "source" in table.names else set())
        values = {"label": [value]}
        if "source" in table.names:
            values["source"] = [self.src]
        ident = self._free_id(table, slug(value, 60) or "unnamed", value)
        self._remember(table, value, ident)
        values["id"] = [ident]
        self._store(result, values, value)
        return ident

    # -- the source record, places and candidates ---------------------------------------------------

    def _add_source_record(self) -> None:
        result = self._result(TABLES_BY_NAME["sources"])
        row = {k: v for k, v in self.mapping.source.items() if k in result.table.names}
        result.owned |= {*row, "x_import"}
        result.rows[row["id"]] = {**row, "x_import": f"{self.src}:source"}

    def _add_places(self) -> None:
        if not self.geocoder.rows:
            return
        result = self._result(TABLES_BY_NAME["places"])
        result.owned |= {"id", "label", "alt_labels", "kind", "country", "geonames_id", "latitude", "longitude",
                         "source", "x_import"}
        for ident, row in self.geocoder.rows.items():
            result.rows.setdefault(ident, row)

    def _candidates(self) -> list[tuple[str, str, str, float]]:
        """Imported organizations whose name is close to one an analyst keeps: for review, never merged."""
        from rapidfuzz import fuzz, process

        result = self.results.get("organizations")
        existing = self.existing.tables["organizations"]
        theirs = {row["id"]: fold(row.get("label", "")) for row in existing.rows if not row.get("x_import")}
        if result is None or not theirs:
            return []
        found = []
        for ident, row in result.rows.items():
            hit = process.extractOne(fold(row.get("label", "")), theirs, scorer=fuzz.token_sort_ratio,
                                     score_cutoff=CANDIDATE_SCORE)
            if hit is not None:
                found.append(("organizations", ident, hit[2], round(hit[1], 1)))
        return found

    def _problem(self, kind: str, rule: str, row: str, message: str) -> None:
        self.problems.append(ImportProblem(kind, rule, row, message))


#: The least name similarity (rapidfuzz token_sort_ratio, 0-100) that makes an imported organization
#: a candidate duplicate of one already in the data folder.
CANDIDATE_SCORE = 90.0


def _fill(template: str, row: dict[str, str]) -> str:
    """``template`` with ``{column}`` replaced by the row's values; nothing when they are all empty
    (``pic:{orgId}`` gives no identifier for a row without one, as an RML template gives no term).

    >>> _fill("pic:{pic}", {"pic": "123"}), _fill("pic:{pic}", {"pic": ""})
    ('pic:123', '')
    """
    parts, filled = [], False
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        if name:
            value = row.get(name, "").strip()
            filled = filled or bool(value)
            parts.append(value)
    return "".join(parts) if filled or "{" not in template else ""


def _title(text: str) -> str:
    """Title case for names written in capitals, leaving mixed-case text as written."""
    return string.capwords(text) if text.isupper() or text.islower() else text


def _listed(items: list[str], limit: int = 12) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")

