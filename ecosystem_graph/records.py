"""Read the record files of a data directory and check them, reporting every problem at once.

>>> from pathlib import Path
>>> records = load_records(Path(__file__).resolve().parents[1] / "data")
>>> records.get("organizations", "nesta").values["label"]
'NESTA'
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from .errors import RecordError, RecordProblem
from .files import Content, write_atomically
from .geo import check_place
from .schema import DRAFT_FILES, DRAFT_INFO_KEYS, PROJECT_FIELDS, REVIEW_FIELDS, TABLES, TABLES_BY_NAME, Field, Table

__all__ = ["EXTRA_PREFIX", "IDENTIFIER_PATTERN", "ID_PATTERN", "LIST_SEPARATOR", "MAX_YAML_DEPTH", "PARTIAL_DATE",
           "BoundedConstruction", "Record", "Records", "describe_field", "load_records", "parse_record", "scalar_text",
           "slug", "write_checked"]

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: An identifier of another register: a scheme (pic, vat, ror, wikidata...) and a value without spaces.
IDENTIFIER_PATTERN = re.compile(r"^[a-z][a-z0-9-]*:[^\s|<>\"{}\\^`]+$")
#: Columns (CSV) and keys (YAML) whose name starts with this are kept for people and ignored by the
#: build: an import's extra fields, an analyst's own notes.
EXTRA_PREFIX = "x_"
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
LIST_SEPARATOR = "|"


def slug(text: str, max_length: int | None = None) -> str:
    """An identifier made of ``text``: ASCII lowercase words joined by hyphens ("" if none).

    Accents are dropped, ``&`` reads "and", symbols vanish. Record ids (``synth``, ``extract``)
    and role IRIs are made with it, so one name gives one identifier everywhere.

    >>> slug("London & Partners"), slug("Živa d.o.o."), slug("TrustMe™"), slug("São Paulo")
    ('london-and-partners', 'ziva-d-o-o', 'trustme', 'sao-paulo')
    """
    letters = "".join(c for c in text.replace("&", " and ") if not unicodedata.category(c).startswith("S"))
    ascii_text = unicodedata.normalize("NFKD", letters).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:max_length].strip("-")


@dataclass
class Record:
    """One row of a CSV file or one item of a YAML list, with its parsed values."""

    table: Table
    values: dict[str, Any]
    file: str
    line: int

    @property
    def key(self) -> str:
        # Computed once: records are looked up by key hundreds of thousands of times at scale.
        cached = self.__dict__.get("_key")
        if cached is None:
            keys = self.table.key
            cached = str(self.values.get(keys[0], "")) if len(keys) == 1 else \
                "--".join(str(self.values.get(k, "")) for k in keys)
            self.__dict__["_key"] = cached
        return cached

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value in (None, "", []) else value

    def is_inferred(self, name: str) -> bool:
        return name in (self.values.get("inferred") or [])


@dataclass
class Records:
    """Every record of a data directory, indexed by table and key."""

    data_dir: Path
    project: dict[str, Any]
    tables: dict[str, list[Record]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.index: dict[str, dict[str, Record]] = {}
        # Tables whose file could not be read at all: references to them are not checked,
        # so one bad file gives one problem rather than one per reference.
        self.unreadable: set[str] = set()

    def add(self, record: Record) -> None:
        self.tables.setdefault(record.table.name, []).append(record)
        self.index.setdefault(record.table.name, {}).setdefault(record.key, record)

    def get(self, table: str, key: str) -> Record:
        return self.index[table][key]

    def find(self, tables: Iterable[str], key: str) -> Record | None:
        for name in tables:
            found = self.index.get(name, {}).get(key)
            if found is not None:
                return found
        return None

    def all(self, table: str) -> list[Record]:
        return self.tables.get(table, [])


class _Problems:
    """Collects problems; records stay usable so that later checks still run."""

    def __init__(self) -> None:
        self.items: list[RecordProblem] = []

    def add(self, file: str, line: int | None, name: str | None, expected: str, found: str) -> None:
        if len(found) > 2 * _FOUND_SHOWN:  # a safety net for any check that quotes a value whole
            found = f"{found[:_FOUND_SHOWN]}... ({len(found):,} characters)"
        self.items.append(RecordProblem(file, line, name, expected, found))


#: How much of a wrong value a problem repeats: enough to recognise it, not a whole pasted file.
_FOUND_SHOWN = 120


def _quoted(text: str) -> str:
    """``text`` as a problem quotes it: in quotes, cut to its start when long."""
    if len(text) <= _FOUND_SHOWN:
        return repr(text)
    return f"{text[:_FOUND_SHOWN - 20]!r}... ({len(text):,} characters)"


def load_records(data_dir: str | Path, relations: Iterable[str] | None = None,
                 skip_drafts: Iterable[str | Path] = ()) -> Records:
    """Read and check every record file under ``data_dir``.

    ``relations`` are the relation names ``relations.csv`` may use (from the ontology);
    ``None`` skips that check. ``skip_drafts`` are draft files of ``data_dir`` not to read (the
    draft ``accept`` merges is read as the records it adds instead). Raises :class:`RecordError`
    listing every problem found.
    """
    data_dir = Path(data_dir)
    problems = _Problems()
    if not data_dir.is_dir():
        problems.add(str(data_dir), None, None, "a data directory", "no such directory")
        raise RecordError(problems.items)
    project = _load_project(data_dir, problems)
    records = Records(data_dir, project)
    yaml_cache: dict[str, Any] = {}
    for table in TABLES:
        rows = _read_table(data_dir, table, problems, records, yaml_cache)
        if rows is None:
            records.unreadable.add(table.name)
        for record in rows or []:
            records.add(record)
    for record in _read_drafts(data_dir, problems, records, {Path(p).resolve() for p in skip_drafts}):
        records.add(record)
    _check(records, problems, relations)
    if problems.items:
        raise RecordError(problems.items)
    return records


def write_checked(folder: Path, files: dict[str, Content], relations: Iterable[str] | None = None,
                  write: bool = True) -> None:
    """Write ``files`` (name -> content) into the data folder ``folder``, all or nothing: the folder
    as it would be is checked first (every record, in a scratch copy), then every file is renamed
    into place (unless ``write`` is false: a dry run). Raises :class:`RecordError` (nothing written)
    when the records would not load, its problems named as the files will be.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "sources.csv").write_text("id,title,kind\\ns,S,dataset\\n")
    >>> write_checked(folder, {"organizations.csv": b"id,label,type,source\\nx,X,nope,s\\n"})
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.RecordError: 1 problem in the records:
      .../organizations.csv:2: field 'type': expected an id from organization-types.csv, found 'nope', ...
    >>> (folder / "organizations.csv").exists()
    False
    """
    with tempfile.TemporaryDirectory(prefix="ecosystem-graph-check-") as scratch:
        copy = Path(scratch) / "data"
        if folder.is_dir():
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".*"))
        write_atomically(copy, files)
        try:
            load_records(copy, relations)
        except RecordError as exc:  # named as the files will be, not as the scratch copy is
            names = {str(copy): str(folder), _display(copy): _display(folder)}
            raise RecordError([replace(p, file=_renamed(p.file, names)) for p in exc.problems]) from None
    if write:
        write_atomically(folder, files)


def _renamed(file: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        if file.startswith(old):
            return new + file[len(old):]
    return file


# -- reading files ---------------------------------------------------------------------------


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _file_kind(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (a FIFO would block a reader for ever), else ``None``."""
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def _read_text(path: Path, problems: _Problems) -> str | None:
    kind = _file_kind(path)
    if kind is not None:
        problems.add(_display(path), None, None, "a regular file", kind)
        return None
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex().upper()
        problems.add(_display(path), line, None, "UTF-8 text (save the file as UTF-8)",
                     f"byte 0x{bad} at offset {exc.start}")
        return None


def _read_table(data_dir: Path, table: Table, problems: _Problems, records: Records,
                yaml_cache: dict[str, Any]) -> list[Record] | None:
    """The records of one table; ``None`` when its file cannot be read at all."""
    file_name, _, yaml_key = table.file.partition("#")
    path = data_dir / file_name
    if not path.exists():
        if table.required_file:
            problems.add(_display(path), None, None, f"a file of {table.description.lower()}",
                         "no such file")
            return None
        return []
    if path not in records.files:
        records.files.append(path)
    if yaml_key:
        return _read_yaml_table(path, table, yaml_key, problems, yaml_cache)
    return _read_csv_table(path, table, problems)


def _read_csv_table(path: Path, table: Table, problems: _Problems) -> list[Record] | None:
    text = _read_text(path, problems)
    if text is None:
        return None
    shown = _display(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        problems.add(shown, 1, None, "a CSV header row", f"unreadable CSV ({exc})")
        return None
    if not _check_header(shown, table, header, problems):
        return None
    # One scan of the whole file decides whether cells need the per-value check (rarely: it costs at scale).
    controls = _CONTROL.search(text) is not None
    return list(_csv_records(reader, shown, table, header, problems, controls))


def _csv_records(reader: Any, shown: str, table: Table, header: list[str],
                 problems: _Problems, controls: bool) -> Iterator[Record]:
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(shown, start, None, "a well-formed CSV row", f"unreadable CSV ({exc})")
            return
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.add(shown, start, None,
                         f"{len(header)} comma-separated fields like the header "
                         "(quote a value that contains a comma)", f"{len(row)} fields")
            continue
        raw = dict(zip(header, row))
        yield Record(table, _parse_values(shown, start, table, raw, problems, controls), shown, start)


def _check_header(shown: str, table: Table, header: list[str], problems: _Problems) -> bool:
    known = set(table.names)
    ok = True
    unknown = [h for h in header if h not in known and not h.startswith(EXTRA_PREFIX)]
    if unknown:
        problems.add(shown, 1, None, f"columns among {', '.join(table.names)} (or named {EXTRA_PREFIX}..., "
                     "kept for people and ignored by the build)",
                     f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}")
        ok = False
    missing = [f.name for f in table.fields if f.required and f.name not in header]
    if missing:
        problems.add(shown, 1, None, f"required column{'s' if len(missing) > 1 else ''} "
                     f"{', '.join(missing)}", "a header without them")
        ok = False
    if len(set(header)) != len(header):
        problems.add(shown, 1, None, "each column once", "a repeated column name")
        ok = False
    return ok


#: Deepest nesting a record file may use: records are a few levels deep, and deeper input would
#: exhaust the recursive constructor (about 250 levels) with a RecursionError.
MAX_YAML_DEPTH = 32


class _RefusedYaml(yaml.constructor.ConstructorError):
    """A document the record files refuse although it is valid YAML (aliases, deep nesting)."""


class BoundedConstruction:
    """Construction that refuses aliases and bounds depth.

    An alias makes the constructor reach a node it has built already; refusing it there stops the
    "billion laughs" expansion before it starts, whatever the parser (libyaml or pure Python).
    """

    _depth = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:  # type: ignore[attr-defined]
            raise _RefusedYaml(None, None, "values written out, without YAML aliases (*name)", node.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _RefusedYaml(None, None, f"at most {MAX_YAML_DEPTH} levels of nesting", node.start_mark)
            return super().construct_object(node, deep)  # type: ignore[misc]
        finally:
            self._depth -= 1


class _LineLoader(BoundedConstruction, yaml.SafeLoader):
    """A YAML loader that remembers the line of each mapping, for error messages.

    It reads dates and numbers as the text written, so that a wrong value is reported like one in a
    CSV file (and a 5,000-digit number reaches the record checks instead of failing inside int()).
    """


_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_LineLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] not in _AS_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

if getattr(yaml, "__with_libyaml__", False):
    class _FastLineLoader(BoundedConstruction, yaml.CSafeLoader):
        """The same loader on libyaml's parser: ten times faster on a large visits.yaml."""

    _FastLineLoader.yaml_implicit_resolvers = _LineLoader.yaml_implicit_resolvers
    _FastLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _LOADERS: tuple[type, ...] = (_FastLineLoader, _LineLoader)
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_LineLoader,)


def _load_yaml(path: Path, problems: _Problems, cache: dict[str, Any]) -> Any:
    if str(path) in cache:
        return cache[str(path)]
    text = _read_text(path, problems)
    document: Any = None
    if text is not None:
        try:
            document = _parse_yaml(text)
        except _RefusedYaml as exc:
            line, found = _refusal_found(text, exc)
            problems.add(_display(path), line, None, str(exc.problem), found)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.add(_display(path), mark.line + 1 if mark else None, None, "valid YAML",
                         str(getattr(exc, "problem", None) or exc))
    cache[str(path)] = document
    return document


def _parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LOADERS[0])  # noqa: S506 - a SafeLoader subclass
    except _RefusedYaml:
        raise
    except yaml.YAMLError as first:
        # Report the error in the words of the pure-Python parser, the same in every install; its
        # recursive composer cannot take what libyaml's nesting limit (1,000) lets through.
        try:
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
        except RecursionError:
            raise first from None


def _refusal_found(text: str, exc: _RefusedYaml) -> tuple[int | None, str]:
    """The line to name for a refused document and what was found there.

    An alias is only noticed at the value it repeats, so the document's events are read again (it is
    already known to be small enough to parse) to name the alias itself.
    """
    mark = exc.problem_mark
    if "alias" not in str(exc.problem):
        return (mark.line + 1 if mark else None), "deeper nesting"
    for event in yaml.parse(text, Loader=_LOADERS[0]):
        if isinstance(event, yaml.AliasEvent):
            start = event.start_mark
            return (start.line + 1 if start else None), f"the alias *{event.anchor}"
    return (mark.line + 1 if mark else None), "an alias"  # pragma: no cover - construction saw one


def _read_yaml_table(path: Path, table: Table, key: str, problems: _Problems,
                     cache: dict[str, Any]) -> list[Record] | None:
    document = _load_yaml(path, problems, cache)
    shown = _display(path)
    if document is None:
        return None
    if not isinstance(document, dict):
        if str(path) + "#" not in cache:  # say it once for the file, not once per table
            problems.add(shown, 1, None, "a mapping of lists of records", type(document).__name__)
            cache[str(path) + "#"] = True
        return None
    items = document.get(key, [])
    if not isinstance(items, list):
        problems.add(shown, document["__line__"], key, "a list of records", type(items).__name__)
        return None
    return list(_yaml_records(items, shown, table, key, problems))


def _read_drafts(data_dir: Path, problems: _Problems, records: Records, skip: set[Path]) -> Iterator[Record]:
    """The accepted new records of the draft files of ``data_dir`` (see docs/extraction.md)."""
    for path in sorted(data_dir.glob(DRAFT_FILES)):
        if skip and path.resolve() in skip:
            continue
        records.files.append(path)
        document, shown = _load_yaml(path, problems, {}), _display(path)
        if document is None:
            continue
        if not isinstance(document, dict):
            problems.add(shown, 1, None, "a mapping of lists of records", type(document).__name__)
            continue
        document.pop("__line__", None)
        for key, items in document.items():
            table = TABLES_BY_NAME.get(key)
            if key in DRAFT_INFO_KEYS:
                continue
            if table is None or not isinstance(items, list):
                problems.add(shown, None, key, "a list of records named after a table ("
                             + ", ".join(TABLES_BY_NAME) + ") or a note (" + ", ".join(DRAFT_INFO_KEYS) + ")",
                             "an unknown key" if table is None else type(items).__name__)
                continue
            yield from _yaml_records([i for i in items if _accepted(i, shown, problems)], shown, table, key,
                                     problems)


def _accepted(item: Any, shown: str, problems: _Problems) -> bool:
    """Whether a drafted record enters the graph: reviewed as accepted and not a link to an existing one."""
    if not isinstance(item, dict):
        return True  # reported by _yaml_records
    review = item.pop("review", None)
    line = item.get("__line__")
    if not isinstance(review, dict):
        problems.add(shown, line, "review", "a review block (status, match, confidence, why, evidence)",
                     "none" if review is None else type(review).__name__)
        return False
    review_line = review.pop("__line__", line)
    for spec in REVIEW_FIELDS:
        if not (spec.required or spec.kind in ("enum", "decimal")):
            continue  # notes for the reviewer: any value will do
        text = scalar_text(review.get(spec.name)).strip()
        if spec.required and not text:
            problems.add(shown, review_line, f"review.{spec.name}", describe_field(spec), "an empty value")
        elif text and spec.kind in ("enum", "decimal"):
            _parse_one(shown, review_line, replace(spec, name=f"review.{spec.name}"), text, problems)
    return review.get("status") == "accepted" and review.get("match") == "new"


def _yaml_records(items: list[Any], shown: str, table: Table, key: str,
                  problems: _Problems) -> Iterator[Record]:
    for item in items:
        if not isinstance(item, dict):
            problems.add(shown, None, key, "a record (key: value lines)", repr(item))
            continue
        line = item.pop("__line__")
        unknown = [k for k in item if k not in table.names and not str(k).startswith(EXTRA_PREFIX)]
        for name in unknown:
            problems.add(shown, line, name, f"keys among {', '.join(table.names)}", "an unknown key")
        raw = {k: scalar_text(v) for k, v in item.items() if k in table.names}
        yield Record(table, _parse_values(shown, line, table, raw, problems, True), shown, line)


def parse_record(table: Table, item: dict[str, Any], file: str = "", line: int = 0
                 ) -> tuple[Record, list[RecordProblem]]:
    """One record given as a mapping (a YAML item: lists, numbers, dates or text) parsed and checked
    as a record of ``table`` is in a record file, with the problems of its fields (not those across
    records: references, duplicates).

    >>> visit = {"id": "v", "label": "V", "organizer": "x", "start": "2019-03-12", "end": "2019-03-14",
    ...          "cities": ["munich"], "source": "s", "order": 1}
    >>> record, problems = parse_record(TABLES_BY_NAME["visits"], visit, "a.draft.yaml", 7)
    >>> record.values["start"], record.values["cities"]
    (datetime.date(2019, 3, 12), ['munich'])
    >>> print(*problems)
    a.draft.yaml:7: field 'order': expected keys among id, label, programme, ..., found an unknown key
    """
    problems = _Problems()
    record = next(_yaml_records([{**item, "__line__": line}], file, table, table.name, problems))
    return record, problems.items


def scalar_text(value: Any) -> str:
    """Turn what YAML parsed back into text, so CSV and YAML values are checked alike: a CSV cell's text.

    >>> scalar_text(["a", "b"]), scalar_text(None), scalar_text(date(2019, 3, 12)), scalar_text(52.5)
    ('a|b', '', '2019-03-12', '52.5')
    """
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(scalar_text(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _load_project(data_dir: Path, problems: _Problems) -> dict[str, Any]:
    path = data_dir / "project.yaml"
    if not path.exists():
        return {}
    document = _load_yaml(path, problems, {})
    if document is None:
        return {}
    shown = _display(path)
    if not isinstance(document, dict):
        problems.add(shown, 1, None, "a mapping of settings", type(document).__name__)
        return {}
    line = document.pop("__line__")
    names = [f.name for f in PROJECT_FIELDS]
    for name in document:
        if name not in names:
            problems.add(shown, line, name, f"settings among {', '.join(names)}", "an unknown key")
    project = {}
    for spec in PROJECT_FIELDS:
        text = scalar_text(document.get(spec.name)).strip()
        if spec.required and not text:
            problems.add(shown, line, spec.name, "a value", "nothing")
        project[spec.name] = _parse_one(shown, line, spec, text, problems) if text else None
    base = project.get("base_iri")
    if base and not base.endswith(("/", "#")):
        problems.add(shown, line, "base_iri", "an IRI ending with '/' or '#'", repr(base))
    return project


# -- parsing values --------------------------------------------------------------------------


#: Characters no record value may hold: C0 controls but tab and line breaks, and DEL. They cannot be
#: written in a Turtle IRI, and in a literal they are almost always a paste from a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _parse_values(shown: str, line: int, table: Table, raw: dict[str, str],
                  problems: _Problems, controls: bool = False) -> dict[str, Any]:
    """The parsed values of one record; ``controls`` asks for the control-character check."""
    values: dict[str, Any] = {}
    for name, spec, required, many, plain in _field_plan(table):
        text = raw.get(name)
        text = text.strip() if text else ""
        if controls and text and (bad := _CONTROL.search(text)):
            problems.add(shown, line, name, "text without control characters",
                         f"U+{ord(bad.group()):04X} at character {bad.start() + 1}")
            values[name] = [] if many else None
            continue
        if not text:
            if required:
                problems.add(shown, line, name, describe_field(spec), "an empty value")
            values[name] = [] if many else None
            continue
        if many:
            parts = [p.strip() for p in text.split(LIST_SEPARATOR)]
            if plain:  # text needs no parsing: skip the per-value call (hot at scale)
                values[name] = [p for p in parts if p]
            else:
                values[name] = [v for p in parts if p
                                for v in [_parse_one(shown, line, spec, p, problems)] if v is not None]
        else:
            values[name] = text if plain else _parse_one(shown, line, spec, text, problems)
    return values


_PLANS: dict[int, tuple[Table, tuple[tuple[str, Field, bool, bool, bool], ...]]] = {}


def _field_plan(table: Table) -> tuple[tuple[str, Field, bool, bool, bool], ...]:
    """(name, field, required, many, plain) of each field of ``table``, computed once per table.

    Keyed by identity: hashing a frozen table compares all its fields, which costs more than parsing.
    """
    found = _PLANS.get(id(table))
    if found is None or found[0] is not table:
        found = _PLANS[id(table)] = (table, tuple((f.name, f, f.required, f.many, f.kind in _PLAIN_KINDS)
                                                  for f in table.fields))
    return found[1]


def describe_field(spec: Field) -> str:
    descriptions = {
        "id": "an identifier (lowercase letters, digits and single hyphens)",
        "date": "a date as YYYY-MM-DD",
        "partial-date": "a date as YYYY, YYYY-MM or YYYY-MM-DD",
        "int": "a whole number",
        "decimal": "a decimal number",
        "url": "an http(s) address",
        "enum": "one of " + ", ".join(spec.choices),
        "ref": "an id from " + " or ".join(f"{TABLES_BY_NAME[t].file.split('#')[0]}" for t in spec.ref)
        if spec.ref else "an id",
        "fields": "names of fields of this file",
        "identifier": "an identifier as scheme:value (pic: nine digits, ror:03yrm5c26, wikidata:Q312, "
                      "vat:BE0123456789)",
        "text": "a value",
    }
    text = descriptions[spec.kind]
    if spec.many and spec.kind not in ("fields",):
        text += f" (several separated by '{LIST_SEPARATOR}')"
    return text


def _parse_one(shown: str, line: int, spec: Field, text: str, problems: _Problems) -> Any:
    """Parse one value of ``spec``'s kind; on failure record a problem and return ``None``."""
    try:
        value = _PARSERS[spec.kind](text, spec)
    except ValueError:
        problems.add(shown, line, spec.name, describe_field(spec), _quoted(text))
        return None
    if spec.kind in ("int", "decimal") and not (
            (spec.minimum is None or value >= spec.minimum) and (spec.maximum is None or value <= spec.maximum)):
        bounds = f"between {spec.minimum:g} and {spec.maximum:g}" if spec.maximum is not None \
            else f"at least {spec.minimum:g}"
        problems.add(shown, line, spec.name, f"a number {bounds}", _quoted(text))
        return None
    return value


def _parse_identifier(text: str, spec: Field) -> str:
    scheme = text.split(":", 1)[0]
    if not IDENTIFIER_PATTERN.match(text) or not _SCHEME_PATTERNS.get(scheme, IDENTIFIER_PATTERN).match(text):
        raise ValueError(text)
    return text


#: The form of the values of well-known schemes: ROR ids, Wikidata items, VAT numbers, EU PICs.
_SCHEME_PATTERNS = {"ror": re.compile(r"^ror:0[a-z0-9]{6}[0-9]{2}$"),
                    "wikidata": re.compile(r"^wikidata:Q[1-9][0-9]*$"),
                    "vat": re.compile(r"^vat:[A-Z]{2}[0-9A-Za-z+*.]{2,13}$"),
                    "pic": re.compile(r"^pic:[0-9]{9}$")}


def _parse_id(text: str, spec: Field) -> str:
    if not _is_id(text):
        raise ValueError(text)
    return text


@lru_cache(maxsize=1 << 18)
def _is_id(text: str) -> bool:
    """Whether ``text`` is a valid identifier; cached, as the same ids are referenced again and again."""
    return ID_PATTERN.match(text) is not None


def _parse_date(text: str, spec: Field) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return date.fromisoformat(text)


def _parse_partial_date(text: str, spec: Field) -> str:
    match = PARTIAL_DATE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = match.groups()
    if day:
        date.fromisoformat(text)
    elif month and not 1 <= int(month) <= 12:
        raise ValueError(text)
    return text


#: Addresses that certainly pass the checks below, recognised without parsing (fast at scale).
_SIMPLE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/?#-]*)?")


#: What an IRI cannot hold (RFC 3987 and the Turtle IRIREF rule): spaces, controls and these delimiters.
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`]')


def _parse_url(text: str, spec: Field) -> str:
    if _SIMPLE_URL.fullmatch(text):
        return text
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or _NOT_IN_IRI.search(text):
        raise ValueError(text)
    return text


def _parse_enum(text: str, spec: Field) -> str:
    if text not in spec.choices:
        raise ValueError(text)
    return text


#: Whole numbers must fit 64 bits: what Oxigraph and most SPARQL engines hold for xsd:integer.
_INT_DIGITS = 18


def _parse_int(text: str, spec: Field) -> int:
    # The digit bound comes before int(): Python refuses over 4,300 digits, and a huge value is a mistake.
    if not re.fullmatch(rf"[+-]?\d{{1,{_INT_DIGITS}}}", text):
        raise ValueError(text)
    return int(text)


_DECIMAL = re.compile(r"[+-]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})(?:[eE][+-]?\d{1,3})?")


def _parse_decimal(text: str, spec: Field) -> float:
    """A finite decimal number; float() alone would also take "nan", "inf" and "1_0"."""
    value = float(text) if _DECIMAL.fullmatch(text) else math.nan
    if not math.isfinite(value):
        raise ValueError(text)
    return value


#: Kinds whose value is the text itself.
_PLAIN_KINDS = frozenset({"text", "fields"})

_PARSERS = {
    "text": lambda text, spec: text,
    "fields": lambda text, spec: text,
    "ref": _parse_id,
    "id": _parse_id,
    "identifier": _parse_identifier,
    "date": _parse_date,
    "partial-date": _parse_partial_date,
    "int": _parse_int,
    "decimal": _parse_decimal,
    "url": _parse_url,
    "enum": _parse_enum,
}


# -- checks across records -------------------------------------------------------------------


def _check(records: Records, problems: _Problems, relations: Iterable[str] | None) -> None:
    _check_duplicates(records, problems)
    _check_references(records, problems)
    _check_inferred_fields(records, problems)
    _check_date_ranges(records, problems)
    _check_meetings(records, problems)
    _check_partnerships(records, problems)
    _check_cycles(records, problems, "themes")
    _check_cycles(records, problems, "organization-types")
    _check_places(records, problems)
    if relations is not None:
        _check_relations(records, problems, set(relations))
    home = records.project.get("home_organization")
    if home and home not in records.index.get("organizations", {}):
        problems.add(_display(records.data_dir / "project.yaml"), None, "home_organization",
                     "an id from organizations.csv", repr(home))


def _check_duplicates(records: Records, problems: _Problems) -> None:
    for rows in records.tables.values():
        first: dict[str, Record] = {}
        for record in rows:
            if not all(record.values.get(k) for k in record.table.key):
                continue
            if record.key in first:
                earlier = first[record.key]
                what = "a unique id" if record.table.key == ("id",) else \
                    f"a unique combination of {', '.join(record.table.key)}"
                problems.add(record.file, record.line, "/".join(record.table.key), what,
                             f"{record.key!r}, already used at line {earlier.line}")
            else:
                first[record.key] = record


def _check_references(records: Records, problems: _Problems) -> None:
    for rows in records.tables.values():
        if not rows:
            continue
        # References into an unreadable table are not checked (one problem per bad file is enough).
        specs = [spec for spec in rows[0].table.fields
                 if spec.kind == "ref" and not records.unreadable.intersection(spec.ref)]
        for spec in specs:
            name, many = spec.name, spec.many
            indexes = [records.index.get(t, {}) for t in spec.ref]
            for record in rows:
                value: Any = record.values.get(name)
                for key in value if many else (value,):
                    if key is None:
                        continue
                    if spec.place_kind is None and any(key in index for index in indexes):
                        continue  # the common case, decided without a call
                    _check_reference(records, record, spec, key, problems)


def _check_reference(records: Records, record: Record, spec: Field, key: str,
                     problems: _Problems) -> None:
    if records.unreadable.intersection(spec.ref):
        return
    target = records.find(spec.ref, key)
    if target is None:
        candidates = [k for t in spec.ref for k in records.index.get(t, {})]
        hint = _suggest(key, candidates)
        problems.add(record.file, record.line, spec.name, describe_field(spec).split(" (")[0],
                     f"{key!r}, which does not exist{hint}")
    elif spec.place_kind and target.values.get("kind") != spec.place_kind:
        problems.add(record.file, record.line, spec.name, f"a {spec.place_kind} from places.csv",
                     f"{key!r}, a {target.values.get('kind')}")


def _suggest(key: str, candidates: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.6)
    return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


def _check_inferred_fields(records: Records, problems: _Problems) -> None:
    for rows in records.tables.values():
        for record in rows:
            names = record.values.get("inferred") or []
            for name in names:
                if name not in record.table.names or name in ("inferred", "inference_note", "id", "source"):
                    problems.add(record.file, record.line, "inferred",
                                 "names of fields of this file whose values are inferred",
                                 repr(name))
                elif not record.get(name):
                    problems.add(record.file, record.line, "inferred",
                                 f"a value in '{name}', which it marks as inferred", "an empty field")
            if names and not record.get("inference_note"):
                problems.add(record.file, record.line, "inference_note",
                             "a note saying why the inferred fields are inferred", "an empty value")


def _check_date_ranges(records: Records, problems: _Problems) -> None:
    for table in ("visits", "memberships", "events", "projects", "participations"):
        for record in records.all(table):
            start, end = record.get("start"), record.get("end")
            if start and end and str(end) < str(start)[: len(str(end))]:
                problems.add(record.file, record.line, "end", f"a date on or after start ({start})",
                             repr(str(end)))


def _check_meetings(records: Records, problems: _Problems) -> None:
    orders: dict[tuple[str, int], Record] = {}
    for record in records.all("meetings"):
        visit = records.index.get("visits", {}).get(record.get("visit"))
        when = record.get("date")
        if visit and when and visit.get("start") and visit.get("end") \
                and not visit.get("start") <= when <= visit.get("end"):
            problems.add(record.file, record.line, "date",
                         f"a date within visit {visit.key} ({visit.get('start')} to {visit.get('end')})",
                         repr(when.isoformat()))
        order = record.get("order")
        if order and record.get("visit"):
            slot = (record.get("visit"), order)
            if slot in orders:
                problems.add(record.file, record.line, "order",
                             f"a position not used by another meeting of visit {slot[0]}",
                             f"{order}, already used at line {orders[slot].line}")
            orders.setdefault(slot, record)
        _check_same_day(records, record, problems)


def _check_same_day(records: Records, record: Record, problems: _Problems) -> None:
    other_key = record.get("same_day_as")
    other = records.index.get("meetings", {}).get(other_key) if other_key else None
    if other is None:
        return
    if other_key == record.key or other.get("visit") != record.get("visit"):
        problems.add(record.file, record.line, "same_day_as",
                     "another meeting of the same visit", repr(other_key))
    elif record.get("date") and other.get("date") and record.get("date") != other.get("date"):
        problems.add(record.file, record.line, "date",
                     f"the date of {other_key} ({other.get('date')}), as same_day_as says",
                     repr(record.get("date").isoformat()))


def _check_partnerships(records: Records, problems: _Problems) -> None:
    for record in records.all("partnerships"):
        partners = record.get("partners", [])
        if partners and len(set(partners)) < 2:
            problems.add(record.file, record.line, "partners", "at least two different organizations",
                         repr(LIST_SEPARATOR.join(partners)))


def _check_cycles(records: Records, problems: _Problems, table: str) -> None:
    index = records.index.get(table, {})
    for record in records.all(table):
        seen, stack = set(), list(record.get("broader", []))
        while stack:
            current = stack.pop()
            if current == record.key:
                problems.add(record.file, record.line, "broader",
                             "a hierarchy without cycles", f"{record.key!r} is its own broader concept")
                break
            if current in seen or current not in index:
                continue
            seen.add(current)
            stack.extend(index[current].get("broader", []))


def _check_places(records: Records, problems: _Problems) -> None:
    places = records.index.get("places", {})
    for record in records.all("places"):
        if record.get("kind") == "city" and not record.get("country"):
            problems.add(record.file, record.line, "country", "the id of the city's country",
                         "an empty value")
        given = [name for name in ("latitude", "longitude") if record.get(name) is not None]
        if len(given) == 1:
            missing = "longitude" if given == ["latitude"] else "latitude"
            problems.add(record.file, record.line, missing, f"a {missing} with the {given[0]} (both, or neither "
                         "when the place's coordinates are not known)", "an empty value")
        country = places.get(record.get("country") or "")
        for name, expected, found in check_place(record.values, country.values if country else None):
            problems.add(record.file, record.line, name, expected, found)


def _check_relations(records: Records, problems: _Problems, allowed: set[str]) -> None:
    for record in records.all("relations"):
        relation = record.get("relation")
        if relation and relation not in allowed:
            problems.add(record.file, record.line, "relation",
                         "a relation defined in the ontology (" + ", ".join(sorted(allowed)) + ")",
                         repr(relation) + _suggest(relation, sorted(allowed)))
