"""``accept``: the accepted records of a reviewed draft merged into the record files of a data folder.

Each accepted record whose ``review.match`` is ``new`` is added to the file of its table (a row
appended to a CSV file, whose other rows and columns stay as they were; an item added to its list
in a YAML file, whose comments stay), naming the article's ``sources`` record as its source. A record
linked to an existing entity (``match`` an id) adds nothing: wherever the draft refers to it, the
existing id is written instead. Rejected and unreviewed records are left out.

Nothing is written when anything conflicts: a key the data folder already uses for a different
record, a field that contradicts the record already there, a reference to a rejected, unreviewed or
unknown record. Then the folder as it would be is checked as ``validate`` checks records, in a
scratch copy, and only if it passes are the files renamed into place. Merged records are marked in
the draft (their ``match`` becomes their own id), so that a second ``accept`` adds nothing and a draft
kept in the data folder no longer adds them to the build.

>>> import shutil, tempfile
>>> from ecosystem_graph.locations import default_data_dir
>>> data = Path(tempfile.mkdtemp()) / "data"
>>> _ = shutil.copytree(default_data_dir(), data)
>>> draft = data.parent / "a.draft.yaml"
>>> _ = draft.write_text('''organizations:
... - id: isar-labs
...   label: Isar Labs
...   type: [accelerator]
...   source: [kcs-news-uk-2018]
...   review: {status: accepted, match: new}
... ''')
>>> print(accept_draft(draft, data).summary())
accepted a.draft.yaml into .../data:
  organizations.csv: 1 added (isar-labs)
>>> (data / "organizations.csv").read_text().splitlines()[-1]
'isar-labs,Isar Labs,,accelerator,,,,,kcs-news-uk-2018,,'
>>> print(accept_draft(draft, data).summary())
accepted a.draft.yaml into .../data:
  organizations.csv: 1 already there (isar-labs)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import EcosystemGraphError
from ..files import Content
from ..records import Record, Records, load_records, parse_record, scalar_text, write_checked
from ..schema import DRAFT_FILES, TABLES, Field, Table
from .draft import NAME_FIELDS, Draft, DraftRecord, load_draft, save_draft

__all__ = ["AcceptConflict", "AcceptResult", "Conflict", "TableOutcome", "accept_draft", "csv_with_rows",
           "yaml_with_items"]


@dataclass(frozen=True)
class Conflict:
    """Why one record of a draft cannot be merged: its field, what was expected and what was found."""

    record: str  # table/key
    line: int | None
    field: str | None
    expected: str
    found: str

    def describe(self, draft: str) -> str:
        """One line naming the draft, the record, the field, expected and found.

        >>> print(Conflict("organizations/x", 12, "label", "'X'", "'Y'").describe("a.draft.yaml"))
        a.draft.yaml:12: organizations/x: field 'label': expected 'X', found 'Y'
        """
        where = draft if self.line is None else f"{draft}:{self.line}"
        what = f"field '{self.field}': " if self.field else ""
        return f"{where}: {self.record}: {what}expected {self.expected}, found {self.found}"


class AcceptConflict(EcosystemGraphError):
    """The draft cannot be merged into the data folder as it is; nothing was written."""

    def __init__(self, draft: Path, data_dir: Path, conflicts: list[Conflict]):
        self.draft, self.data_dir = draft, data_dir
        self.conflicts = sorted(conflicts, key=lambda c: (c.line or 0, c.record, c.field or ""))
        count = len(self.conflicts)
        super().__init__(f"cannot accept {draft} into {data_dir}: {count} conflict{'s' if count != 1 else ''}, "
                         "nothing was written:\n" + "\n".join(f"  {c.describe(str(draft))}" for c in self.conflicts))


@dataclass
class TableOutcome:
    """What accepting a draft does to one table: keys added, linked (key, existing id), already
    there, and left out (key, why)."""

    table: Table
    added: list[str] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.table.file.partition("#")[0]

    def describe(self) -> str:
        """One line: the file and the counts, each with the keys.

        >>> from ecosystem_graph.schema import TABLES_BY_NAME
        >>> TableOutcome(TABLES_BY_NAME["visits"], ["v"], [("x", "y")], [], [("z", "rejected")]).describe()
        'visits.yaml (visits): 1 added (v); 1 linked (x -> y); 1 left out (z: rejected)'
        """
        parts = []
        for what, keys in (("added", self.added), ("linked", [k if k == t else f"{k} -> {t}" for k, t in self.linked]),
                           ("already there", self.present), ("left out", [f"{k}: {why}" for k, why in self.skipped])):
            if keys:
                parts.append(f"{len(keys)} {what} ({', '.join(keys)})")
        name = self.file if "#" not in self.table.file else f"{self.file} ({self.table.name})"
        return f"{name}: {'; '.join(parts)}"


@dataclass
class AcceptResult:
    """What :func:`accept_draft` did (or, with ``dry_run``, would do), table by table."""

    draft: Path
    data_dir: Path
    tables: list[TableOutcome]
    written: list[str]
    dry_run: bool = False

    @property
    def added(self) -> int:
        return sum(len(t.added) for t in self.tables)

    def summary(self) -> str:
        """The report ``ecosystem-graph accept`` prints.

        >>> print(AcceptResult(Path("a.draft.yaml"), Path("data"), [], [], dry_run=True).summary())
        would accept a.draft.yaml into data (dry run: nothing written):
          nothing to add
        """
        head = (f"would accept {self.draft.name} into {self.data_dir} (dry run: nothing written):" if self.dry_run
                else f"accepted {self.draft.name} into {self.data_dir}:")
        lines = [f"  {t.describe()}" for t in self.tables if t.added or t.linked or t.present or t.skipped]
        return "\n".join([head, *(lines or ["  nothing to add"])])


def accept_draft(draft: Draft | str | Path, data_dir: str | Path, dry_run: bool = False) -> AcceptResult:
    """Merge the accepted records of ``draft`` into the record files of ``data_dir`` (see the module's
    description); with ``dry_run``, check everything and write nothing. Raises :class:`AcceptConflict`
    naming every conflicting record and field, or :class:`~ecosystem_graph.errors.RecordError` when the
    merged folder would not pass ``validate``'s record checks; either way nothing is written.

    >>> import tempfile
    >>> from ecosystem_graph.locations import default_data_dir
    >>> draft = Draft(Path(tempfile.mkdtemp()) / "a.draft.yaml", {"organizations": [
    ...     {"id": "nesta-2", "label": "Nesta", "review": {"status": "accepted", "match": "nesta"}},
    ...     {"id": "acme", "label": "Acme", "type": ["agency"], "source": ["kcs-news-uk-2018"],
    ...      "review": {"status": "proposed", "match": "new"}}]})
    >>> result = accept_draft(draft, default_data_dir(), dry_run=True)
    >>> result.tables[0].linked, result.tables[0].skipped, result.added, result.written
    ([('nesta-2', 'nesta')], [('acme', 'not reviewed')], 0, [])
    """
    draft = draft if isinstance(draft, Draft) else load_draft(draft)
    data_dir = Path(data_dir)
    from ..ontology import load_ontology, relation_names

    relations = relation_names(load_ontology())
    data = load_records(data_dir, relations, skip_drafts=[draft.path])
    plan = _Plan(draft, data)
    plan.run()
    if plan.conflicts:
        raise AcceptConflict(draft.path, data_dir, plan.conflicts)
    files: dict[str, Content] = {name: text.encode("utf-8") for name, text in plan.files(data_dir).items()}
    inside = draft.path.resolve().parent == data_dir.resolve() and draft.path.match(DRAFT_FILES)
    before = plan.mark()  # merged records name their own ids in review.match
    try:
        if inside and plan.merged:
            from ..extract.draft import render_draft

            files[draft.path.name] = render_draft(draft.document, draft.article, draft.header or None).encode("utf-8")
        if files:
            write_checked(data_dir, files, relations, write=not dry_run)
        if not dry_run and not inside and plan.merged:
            save_draft(draft)
    except BaseException:
        plan.unmark(before)
        raise
    if dry_run:
        plan.unmark(before)
    return AcceptResult(draft.path, data_dir, [t for t in plan.outcomes.values()], [] if dry_run else sorted(files),
                        dry_run)


class _Plan:
    """The records of one draft sorted into added, linked, already there and left out, with conflicts."""

    def __init__(self, draft: Draft, data: Records) -> None:
        self.draft, self.data = draft, data
        self.records = draft.records()
        self.by_key: dict[tuple[str, str], DraftRecord] = {}
        for record in self.records:
            self.by_key.setdefault((record.table.name, record.key), record)
        self.outcomes = {t.name: TableOutcome(t) for t in TABLES}
        self.conflicts: list[Conflict] = []
        self.adding: list[tuple[DraftRecord, dict[str, Any], Record]] = []  # draft record, values, parsed
        self.merged: list[tuple[DraftRecord, str]] = []  # records to mark, with their key in the data

    def conflict(self, record: DraftRecord, name: str | None, expected: str, found: str) -> None:
        found_once = Conflict(record.ref, record.line, name, expected, found)
        if found_once not in self.conflicts:  # a bad link is met again through each reference to it
            self.conflicts.append(found_once)

    def run(self) -> None:
        keys: dict[tuple[str, str], DraftRecord] = {}
        for record in self.records:
            outcome = self.outcomes[record.table.name]
            if record.status == "rejected":
                outcome.skipped.append((record.key, "rejected"))
            elif record.match != "new":
                target = self.target(record)
                if target is not None:
                    if target == record.key and self.data.index.get(record.table.name, {}).get(target):
                        outcome.present.append(record.key)
                    else:
                        outcome.linked.append((record.key, target))
            elif record.status != "accepted":
                outcome.skipped.append((record.key, "not reviewed"))
            else:
                self.add(record, outcome, keys)
        self.outcomes = {name: o for name, o in self.outcomes.items()
                         if o.added or o.linked or o.present or o.skipped}

    def target(self, record: DraftRecord, seen: frozenset[str] = frozenset()) -> str | None:
        """The existing id a linked record stands for (following links to other drafted records)."""
        table, match = record.table.name, record.match
        if match in self.data.index.get(table, {}):
            return match
        other = self.by_key.get((table, match))
        if other is not None and other is not record and match not in seen:
            if other.status == "accepted" and other.match == "new":
                return match
            if other.match != "new" and other.status != "rejected":
                return self.target(other, seen | {match})
        self.conflict(record, "review.match", f"'new' or an id of {record.table.file.partition('#')[0]}",
                      f"{match!r}, which the data folder does not have"
                      + (" (nor an accepted record of the draft)" if other is None or other is record else
                         f" (the draft's record of that id is {other.status})"))
        return None

    def add(self, record: DraftRecord, outcome: TableOutcome, keys: dict[tuple[str, str], DraftRecord]) -> None:
        table = record.table
        values = record.fields()
        source = self.draft.source
        if source and "source" in table.names and source not in _listed(values.get("source")):
            values["source"] = [*_listed(values.get("source")), source]
        for spec in table.fields:
            if spec.kind == "ref" and values.get(spec.name) not in (None, "", []):
                values[spec.name] = self.rewrite(record, spec, values[spec.name])
        parsed, problems = parse_record(table, values, self.draft.path.name, record.line or 0)
        for problem in problems:
            self.conflict(record, problem.field, problem.expected, problem.found)
        if problems:
            return
        key = parsed.key
        earlier = keys.get((table.name, key))
        if earlier is not None:
            self.conflict(record, "/".join(table.key), "a key no other accepted record of the draft has",
                          f"{key!r}, also the key of {earlier.ref} (line {earlier.line})")
            return
        keys[(table.name, key)] = record
        existing = self.data.index.get(table.name, {}).get(key)
        if existing is None:
            outcome.added.append(key)
            self.adding.append((record, values, parsed))
            self.merged.append((record, key))
        elif self.compare(record, existing, parsed):
            outcome.present.append(key)
            self.merged.append((record, key))

    def rewrite(self, record: DraftRecord, spec: Field, value: Any) -> Any:
        """``value`` of the reference field ``spec`` with drafted ids replaced by the ids they stand for."""
        many = isinstance(value, list)
        found = [self.resolve(record, spec, str(v)) for v in (value if many else [value])]
        return found if many else found[0]

    def resolve(self, record: DraftRecord, spec: Field, ident: str) -> str:
        drafted = next((r for t in spec.ref if (r := self.by_key.get((t, ident))) is not None), None)
        where = " or ".join(t for t in spec.ref)
        if drafted is not None and drafted.status == "rejected":
            self.conflict(record, spec.name, f"a record of {where} accepted or linked in the draft, or in the data",
                          f"{ident!r}, rejected in the draft (line {drafted.line}): accept or link it, or "
                          f"reject {record.ref} too")
        elif drafted is not None and drafted.match != "new":
            return self.target(drafted) or ident
        elif drafted is not None and drafted.status != "accepted":
            self.conflict(record, spec.name, f"a record of {where} accepted or linked in the draft, or in the data",
                          f"{ident!r}, not reviewed yet in the draft (line {drafted.line}): accept, link or "
                          "reject it")
        elif drafted is None and self.data.find(spec.ref, ident) is None:
            self.conflict(record, spec.name, f"an id of {where} in the draft or the data",
                          f"{ident!r}, which neither has")
        return ident

    def compare(self, record: DraftRecord, existing: Record, parsed: Record) -> bool:
        """Whether ``parsed`` is the record already there (a conflict is reported when it is not)."""
        where = f"{existing.file}:{existing.line}"
        names = [n for n in NAME_FIELDS if n in record.table.names][:1]
        for name in names:
            if existing.get(name) != parsed.get(name):
                self.conflict(record, "/".join(record.table.key),
                              f"an id that {where} does not use already for {existing.get(name)!r}",
                              f"{parsed.key!r} for {parsed.get(name)!r}: give the record another id "
                              f"(edit id=NEW), or link it to {parsed.key} if it is that one")
                return False
        same = True
        for spec in record.table.fields:
            ours, theirs = parsed.get(spec.name), existing.get(spec.name)
            if ours != theirs:
                same = False
                self.conflict(record, spec.name, f"{_shown(theirs)}, as {where} has it", _shown(ours))
        return same

    def files(self, data_dir: Path) -> dict[str, str]:
        """The new text of each record file the added records go to."""
        by_file: dict[str, list[tuple[Table, dict[str, Any]]]] = {}
        for record, values, parsed in self.adding:
            if "#" in record.table.file:  # YAML: dates as dates (written unquoted, as a person writes them)
                values = {k: parsed.values[k] if isinstance(parsed.values.get(k), date) else v
                          for k, v in values.items()}
            by_file.setdefault(record.table.file.partition("#")[0], []).append((record.table, values))
        texts: dict[str, str] = {}
        for name, items in by_file.items():
            path = data_dir / name
            text = path.read_bytes().decode("utf-8-sig") if path.exists() else ""
            if "#" in items[0][0].file:
                for table in dict.fromkeys(t for t, _ in items):
                    text = yaml_with_items(text, table.file.partition("#")[2], [v for t, v in items if t is table])
            else:
                text = csv_with_rows(path, items[0][0], [v for _, v in items])
            texts[name] = text
        return texts

    def mark(self) -> list[tuple[dict[str, Any], Any]]:
        before = [(r.review, r.review.get("match")) for r, _ in self.merged]
        for record, key in self.merged:
            record.review["match"] = key
        return before

    @staticmethod
    def unmark(before: list[tuple[dict[str, Any], Any]]) -> None:
        for review, match in before:
            review["match"] = match


def _listed(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list) else [value]


def _shown(value: Any) -> str:
    return repr(scalar_text(value)) if value not in (None, []) else "no value"


# -- writing into the record files -----------------------------------------------------------------


def csv_with_rows(path: Path, table: Table, rows: Iterable[dict[str, Any]]) -> str:
    """The text of the CSV file ``path`` of ``table`` with ``rows`` (record values) added at its end.

    The rows already there keep their bytes (quoting, line ends, a spreadsheet's byte order mark) when
    the file's columns hold every value of the new rows; otherwise the missing columns are added as an
    import adds them, after the file's own (:func:`~ecosystem_graph.importer.merge.csv_text`). A file
    that does not exist yet gets the table's required columns and those the rows use, in schema order.

    >>> import tempfile
    >>> from ecosystem_graph.schema import TABLES_BY_NAME
    >>> path = Path(tempfile.mkdtemp()) / "people.csv"
    >>> _ = path.write_bytes(b'id,name,source\\r\\n"a","A",s\\r\\n')
    >>> csv_with_rows(path, TABLES_BY_NAME["people"], [{"id": "b", "name": "=B, Jr.", "source": ["s"]}])
    'id,name,source\\r\\n"a","A",s\\r\\nb,"=B, Jr.",s\\r\\n'
    >>> row = {"id": "c", "name": "C", "given_name": "C", "source": "s"}
    >>> print(csv_with_rows(path, TABLES_BY_NAME["people"], [row]))
    id,name,source,given_name
    a,A,s,
    c,C,s,C
    <BLANKLINE>
    """
    from ..importer.existing import CsvTable, read_csv_table
    from ..importer.merge import csv_text

    cells = [{name: scalar_text(value) for name, value in row.items() if name in table.names or name.startswith("x_")}
             for row in rows]
    used = {name for row in cells for name, text in row.items() if text}
    if not path.exists():
        header = [f.name for f in table.fields if f.required or f.name in used]
        return csv_text(CsvTable(table, header, []), cells)
    old = read_csv_table(path, table)
    if not used <= set(old.header):
        return csv_text(old, old.rows + cells)
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    newline = "\r\n" if first.endswith("\r") else "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    for row in cells:
        writer.writerow([row.get(name, "") for name in old.header])
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    return bom + text + ("" if not text or text.endswith("\n") else newline) + out.getvalue()


class _Dumper(yaml.SafeDumper):
    """Records as data/visits.yaml writes them: a key per line, lists of values in brackets
    (``cities: [munich]``), every value written out (no anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_representer(dict, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data,
                                                                            flow_style=False))
_Dumper.add_representer(list, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=not any(isinstance(v, (dict, list)) for v in data)))


def yaml_with_items(text: str, key: str, items: list[dict[str, Any]]) -> str:
    """The YAML document ``text`` with ``items`` added at the end of its list ``key``: the text before
    and after stays as it was (comments included), the items are indented as the list's are.

    >>> print(yaml_with_items("# visits\\nvisits:\\n    - id: a  # first\\nother: 1\\n", "visits", [{"id": "b"}]))
    # visits
    visits:
        - id: a  # first
        - id: b
    other: 1
    <BLANKLINE>
    >>> print(yaml_with_items("visits: []\\n", "visits", [{"id": "b", "cities": ["x"]}]))
    visits:
      - id: b
        cities: [x]
    <BLANKLINE>
    """
    def block(values: list[Any], indent: int) -> str:
        dumped = yaml.dump(values, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                           default_flow_style=False)
        return "".join(" " * indent + line for line in dumped.splitlines(keepends=True))

    document = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    value = None
    if isinstance(document, yaml.MappingNode):
        value = next((v for k, v in document.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    if value is None:  # no such list yet: it goes at the end
        return text + ("" if not text or text.endswith("\n") else "\n") + f"{key}:\n" + block(items, 2)
    if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
        at = _end_of_line(text, _last_end(value, text))
        newline = "" if text[:at].endswith("\n") else "\n"
        return text[:at] + newline + block(items, value.start_mark.column) + text[at:]
    # An empty or flow-style list (or an empty value): written out again as a block list.
    existing = yaml.safe_load(text[value.start_mark.index:value.end_mark.index]) or []
    end = value.end_mark.index
    return text[:value.start_mark.index].rstrip(" ") + "\n" + block([*existing, *items], 2).rstrip("\n") + text[end:]


def _last_end(node: yaml.Node, text: str) -> int:
    """Where the last value written in block ``node`` ends (not where the next key starts)."""
    while True:
        if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
            node = node.value[-1][1]
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            node = node.value[-1]
        else:
            break
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _end_of_line(text: str, at: int) -> int:
    newline = text.find("\n", at)
    return len(text) if newline < 0 else newline + 1

