"""A draft under review: its records with their evidence and candidates, and the decisions on them.

A draft (``*.draft.yaml``, written by ``ecosystem-graph extract``) lists records by table, each with
a ``review`` block. Here a draft is loaded, each record is shown with the sentences it was read from
(the words it names marked) and the graph's entities it may be, and a decision is applied: accept,
reject, edit fields, or link to an existing entity (``review.match`` set to its id). The draft is
saved atomically, with the comment lines it has on top.

>>> import tempfile
>>> from ecosystem_graph.locations import default_data_dir
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.draft.yaml").write_text('''# my notes
... organizations:
... - id: nesta-uk
...   label: Nesta UK
...   type: [accelerator]
...   source: [kcs-news-uk-2018]
...   review: {status: proposed, confidence: 0.7, match: new, why: capitals,
...            evidence: [{start: 0, end: 21, sentence: We met Nesta UK today.}]}
... ''')
>>> draft = load_draft(folder / "a.draft.yaml")
>>> view = list_records(draft, load_data(default_data_dir()))[0]
>>> view.ref, view.evidence[0].marked("[", "]"), [c.id for c in view.candidates]
('organizations/nesta-uk', 'We met [Nesta UK] today.', ['nesta'])
>>> _ = apply_decision(draft, "nesta-uk", "link", "nesta")
>>> _ = save_draft(draft)
>>> print((folder / "a.draft.yaml").read_text().splitlines()[0])
# my notes
>>> load_draft(folder / "a.draft.yaml").find("nesta-uk").review["match"]
'nesta'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import EcosystemGraphError
from ..files import write_atomically
from ..kinds import KINDS
from ..lookup import fold
from ..records import LIST_SEPARATOR, BoundedConstruction, Records, load_records, parse_record
from ..schema import DRAFT_INFO_KEYS, TABLES_BY_NAME, Table

__all__ = ["CANDIDATE_SCORE", "CANDIDATE_TABLES", "DECISIONS", "STATUSES", "Candidate", "Draft", "DraftRecord",
           "Evidence", "RecordView", "ReviewError", "accept_above", "apply_decision", "candidates", "edit_record",
           "link_record", "list_records", "load_data", "load_draft", "save_draft", "set_status", "view_record"]

#: The review statuses of a drafted record.
STATUSES = ("proposed", "accepted", "rejected")
#: What :func:`apply_decision` does: set a status, edit fields, or link to an existing entity.
DECISIONS = ("accept", "reject", "propose", "edit", "link")
#: The least name similarity (rapidfuzz WRatio of folded names, 0-100) of an entity offered as a candidate.
CANDIDATE_SCORE = 80.0
#: The tables whose records are offered as candidates by their names: those of named entities (a
#: visit's or a source's title says little about which one it is).
CANDIDATE_TABLES = ("organizations", "people", "places", "events", "products", "programmes", "projects")
#: The fields that name a record, in the order looked for.
NAME_FIELDS = ("label", "name", "title")


class ReviewError(EcosystemGraphError):
    """A draft that cannot be read, or a decision that cannot be applied (unknown record or field)."""


# -- the draft ------------------------------------------------------------------------------------


@dataclass
class DraftRecord:
    """One drafted record: its table, its mapping in the draft (``review`` block included: changing
    it changes the draft) and the line it starts at in the file it was read from.

    >>> record = DraftRecord(TABLES_BY_NAME["memberships"], {"person": "ann", "organization": "acme",
    ...     "role": "CEO", "review": {"status": "proposed", "match": "new", "confidence": 0.8}}, 12)
    >>> record.ref, record.kind, record.status, record.match, record.confidence, record.label
    ('memberships/ann--acme', 'membership', 'proposed', 'new', 0.8, 'ann--acme')
    >>> record.fields()
    {'person': 'ann', 'organization': 'acme', 'role': 'CEO'}
    """

    table: Table
    values: dict[str, Any]
    line: int | None = None

    @property
    def key(self) -> str:
        """Its key as a record file spells it: the id, or key fields joined with ``--`` (memberships)."""
        return "--".join(str(self.values.get(k) or "") for k in self.table.key)

    @property
    def ref(self) -> str:
        """``table/key``: how a decision names it."""
        return f"{self.table.name}/{self.key}"

    @property
    def review(self) -> dict[str, Any]:
        review = self.values.setdefault("review", {})
        assert isinstance(review, dict)  # checked by load_draft
        return review

    @property
    def status(self) -> str:
        return str(self.review.get("status") or "proposed")

    @property
    def match(self) -> str:
        """``new``, or the id of the existing entity this record is."""
        return str(self.review.get("match") or "new")

    @property
    def confidence(self) -> float:
        value = self.review.get("confidence")
        return float(value) if isinstance(value, (int, float)) else 0.0

    @property
    def label(self) -> str:
        """Its name (label, name or title), else its key."""
        for name in NAME_FIELDS:
            if self.values.get(name):
                return str(self.values[name])
        return self.key

    @property
    def kind(self) -> str:
        """What it is, in words: ``organization``, ``city``, ``meeting``..."""
        if self.table.name == "places" and self.values.get("kind") in ("city", "country"):
            return str(self.values["kind"])
        return next((k.name for k in KINDS if k.table == self.table.name), self.table.name)

    def fields(self) -> dict[str, Any]:
        """Its fields, without the review block."""
        return {k: v for k, v in self.values.items() if k != "review"}


@dataclass
class Draft:
    """A draft file's document (tables of records and the reviewer's notes), where it was read from
    and the comment lines on top of it.

    >>> draft = Draft(Path("a.draft.yaml"), {"draft": {"article": "a.txt"},
    ...     "places": [{"id": "graz", "label": "Graz", "source": ["news-a"], "review": {}}],
    ...     "organizations": [{"id": "graz", "label": "Graz Labs", "source": ["news-a"], "review": {}}]})
    >>> [r.ref for r in draft.records()], draft.article, draft.source
    (['places/graz', 'organizations/graz'], 'a.txt', 'news-a')
    >>> draft.find("organizations/graz").label
    'Graz Labs'
    >>> draft.find("graz")
    Traceback (most recent call last):
    ...
    ecosystem_graph.review.draft.ReviewError: a.draft.yaml: 'graz' names several records (places/graz, ...
    """

    path: Path
    document: dict[str, Any]
    header: str = ""
    lines: dict[int, int] = field(default_factory=dict, repr=False)  # id of a record's mapping -> line

    def records(self, table: str | None = None) -> list[DraftRecord]:
        """The drafted records, in the draft's order (of ``table`` only, when given)."""
        found = []
        for name, items in self.document.items():
            if name in DRAFT_INFO_KEYS or (table and name != table):
                continue
            found += [DraftRecord(TABLES_BY_NAME[name], item, self.lines.get(id(item))) for item in items]
        return found

    def find(self, ref: str) -> DraftRecord:
        """The record ``ref`` names: ``table/key``, or a key no other table's record has."""
        table, sep, key = ref.partition("/")
        hits = [r for r in self.records(table if sep else None) if r.key == (key if sep else ref)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise ReviewError(f"{self.path}: {ref!r} names several records ({', '.join(r.ref for r in hits)}); "
                              "give TABLE/ID")
        close = [r.ref for r in self.records() if (key if sep else ref) in r.key][:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ReviewError(f"{self.path}: no record {ref!r} in the draft{hint}")

    @property
    def article(self) -> str:
        """The article's file name, as the ``draft`` block gives it."""
        about = self.document.get("draft")
        return str(about.get("article") or self.path.name) if isinstance(about, dict) else self.path.name

    @property
    def source(self) -> str | None:
        """The id of the article's ``sources`` record: the drafted one, else the source the drafted
        records name most often (``extract --source ID``)."""
        drafted = self.records("sources")
        if drafted:
            return drafted[0].key
        counts: dict[str, int] = {}
        for record in self.records():
            for ident in _as_list(record.values.get("source")):
                counts[str(ident)] = counts.get(str(ident), 0) + 1
        return max(counts, key=lambda k: counts[k]) if counts else None


def _as_list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list) else [value]


class _DraftLoader(BoundedConstruction, yaml.SafeLoader):
    """YAML as the draft writer writes it (numbers and dates typed, so that saving keeps them), with
    the records' refusal of aliases and deep nesting, and the line of each mapping."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}


def _construct_mapping(loader: _DraftLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    loader.lines[id(mapping)] = node.start_mark.line + 1
    return mapping


_DraftLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_draft(path: str | Path) -> Draft:
    """Read the draft file ``path``; a file that is not a draft is a :class:`ReviewError` naming its line.

    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "a.draft.yaml"
    >>> _ = bad.write_text("organizations:\\n- id: x\\n  label: X\\n")
    >>> load_draft(bad)
    Traceback (most recent call last):
    ...
    ecosystem_graph.review.draft.ReviewError: .../a.draft.yaml:2: organizations: expected a review block ...
    """
    path = Path(path)
    if not path.is_file():
        raise ReviewError(f"{path}: {'no such file' if not path.exists() else 'not a regular file'}")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    loader = _DraftLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ReviewError(f"{where}: not a draft's YAML: {getattr(exc, 'problem', None) or exc}") from None
    finally:
        loader.dispose()
    draft = Draft(path, document if isinstance(document, dict) else {}, _header(text), loader.lines)
    _check(draft, document)
    return draft


def _header(text: str) -> str:
    """The comment lines on top of a draft."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def _check(draft: Draft, document: Any) -> None:
    problems = []
    if not isinstance(document, dict):
        raise ReviewError(f"{draft.path}: expected a draft (tables of records), found {type(document).__name__}")
    for name, items in document.items():
        if name in DRAFT_INFO_KEYS:
            continue
        if name not in TABLES_BY_NAME or not isinstance(items, list):
            problems.append(f"{draft.path}: {name}: expected a list of records named after a table ("
                            + ", ".join(TABLES_BY_NAME) + f") or a note ({', '.join(DRAFT_INFO_KEYS)})")
            continue
        for item in items:
            line = f"{draft.path}:{draft.lines.get(id(item), '?')}"
            review = item.get("review") if isinstance(item, dict) else None
            if not isinstance(item, dict):
                problems.append(f"{line}: {name}: expected a record (key: value lines), found {item!r}")
            elif not isinstance(review, dict):
                problems.append(f"{line}: {name}: expected a review block (status, match, confidence, why, "
                                "evidence)")
            elif review.get("status", "proposed") not in STATUSES:
                problems.append(f"{line}: review.status: expected one of {', '.join(STATUSES)}, "
                                f"found {review.get('status')!r}")
    if problems:
        raise ReviewError("\n".join(problems))


def save_draft(draft: Draft, path: str | Path | None = None) -> Path:
    """Write the draft to ``path`` (default: where it was read from) atomically: to a temporary file
    renamed into place, so that an interrupted save leaves the earlier draft whole. A symbolic link
    is written through (its target is replaced, not the link). Returns the path written.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> draft = Draft(folder / "a.draft.yaml", {"people": []}, "# notes\\n")
    >>> save_draft(draft).read_text()
    '# notes\\npeople: []\\n'
    """
    from ..extract.draft import render_draft

    target = Path(os.path.realpath(path or draft.path))
    text = render_draft(draft.document, draft.article, draft.header or None)
    write_atomically(target.parent, {target.name: text.encode("utf-8")})
    return target


# -- what a reviewer sees ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An existing entity a drafted record may be: its id, name, similarity (0-100) and why offered."""

    id: str
    label: str
    score: float
    why: str


@dataclass(frozen=True)
class Evidence:
    """A sentence a record was read from, its offsets in the article's text, and the spans (offsets
    into the sentence) of the words that name the record."""

    sentence: str
    start: int | None
    end: int | None
    marks: tuple[tuple[int, int], ...] = ()

    def marked(self, before: str, after: str) -> str:
        """The sentence with each marked span between ``before`` and ``after``.

        >>> Evidence("We met Nesta.", 0, 13, ((7, 12),)).marked("<b>", "</b>")
        'We met <b>Nesta</b>.'
        """
        out, last = [], 0
        for start, end in self.marks:
            out += [self.sentence[last:start], before, self.sentence[start:end], after]
            last = end
        return "".join(out) + self.sentence[last:]


@dataclass(frozen=True)
class RecordView:
    """What a reviewer is shown of one record (a JSON-ready shape: see :meth:`as_dict`)."""

    ref: str
    table: str
    kind: str
    key: str
    label: str
    status: str
    match: str
    confidence: float
    why: str
    fields: dict[str, Any]
    evidence: tuple[Evidence, ...]
    candidates: tuple[Candidate, ...]
    line: int | None

    def as_dict(self) -> dict[str, Any]:
        """The view as plain data (dates as text), for a web page's JSON.

        >>> RecordView("people/a", "people", "person", "a", "A", "proposed", "new", 0.9, "", {}, (), (), 3
        ...            ).as_dict()["ref"]
        'people/a'
        """
        data = asdict(self)
        data["fields"] = {k: _plain(v) for k, v in self.fields.items()}
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def load_data(data_dir: str | Path, draft: Draft | None = None) -> Records:
    """The records of the data folder ``data_dir``, without those of ``draft`` when it lies there (the
    records a draft is reviewed and merged against). Raises :class:`~ecosystem_graph.errors.RecordError`.

    >>> from ecosystem_graph.locations import default_data_dir
    >>> load_data(default_data_dir()).get("organizations", "nesta").values["label"]
    'NESTA'
    """
    return load_records(data_dir, skip_drafts=[draft.path] if draft else ())


def list_records(draft: Draft, data: Records | None = None, table: str | None = None,
                 statuses: Iterable[str] = STATUSES) -> list[RecordView]:
    """What a reviewer is shown of each record of ``draft`` (of ``table`` and ``statuses`` only, when
    given), with the candidates of ``data`` when given (see :func:`load_data`).

    >>> draft = Draft(Path("a.draft.yaml"), {"people": [{"id": "a", "name": "Ann Lee",
    ...     "review": {"status": "accepted", "match": "new", "confidence": 0.9}}]})
    >>> [(v.ref, v.label, v.status) for v in list_records(draft)]
    [('people/a', 'Ann Lee', 'accepted')]
    >>> list_records(draft, statuses=["proposed"])
    []
    """
    wanted = set(statuses)
    return [view_record(draft, record, data) for record in draft.records(table) if record.status in wanted]


def view_record(draft: Draft, record: DraftRecord | str, data: Records | None = None) -> RecordView:
    """What a reviewer is shown of one record (given as a :class:`DraftRecord` or a ref).

    >>> draft = Draft(Path("a.draft.yaml"), {"organizations": [{"id": "x", "label": "X Labs",
    ...     "review": {"status": "proposed", "match": "new", "confidence": 0.55, "why": "after 'met'",
    ...                "evidence": [{"start": 0, "end": 14, "sentence": "We met X labs."}]}}]})
    >>> view = view_record(draft, "x")
    >>> view.kind, view.confidence, view.evidence[0].marked("*", "*")
    ('organization', 0.55, 'We met *X labs*.')
    """
    if isinstance(record, str):
        record = draft.find(record)
    review = record.review
    sentences = [(item, str(item.get("sentence") or "")) for item in _as_list(review.get("evidence"))
                 if isinstance(item, dict)]
    marks: list[tuple[tuple[int, int], ...]] = [()] * len(sentences)
    for terms in _terms(draft, record):  # its names; failing them, what its why quotes
        marks = [_marks(sentence, terms) for _, sentence in sentences]
        if any(marks):
            break
    evidence = tuple(Evidence(sentence, _int(item.get("start")), _int(item.get("end")), found)
                     for (item, sentence), found in zip(sentences, marks))
    return RecordView(record.ref, record.table.name, record.kind, record.key, record.label, record.status,
                      record.match, record.confidence, str(review.get("why") or ""), record.fields(), evidence,
                      tuple(candidates(record, data)) if data is not None else (), record.line)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _terms(draft: Draft, record: DraftRecord) -> list[list[str]]:
    """The words that may name ``record`` in its sentences, most telling first: its names (and the
    names of the person and organization a membership or meeting is about), then the words its
    ``why`` quotes (a visit's dates, a role, a cue word)."""
    names = [record.label, *map(str, _as_list(record.values.get("alt_labels")))]
    for name in ("person", "organization"):
        ident = record.values.get(name)
        if isinstance(ident, str):
            names += [r.label for r in draft.records() if r.key == ident and r.table.name != record.table.name]
    quoted = [a or b for a, b in re.findall(r"'([^']+)'|\"([^\"]+)\"", str(record.review.get("why") or ""))]
    if not any(n in record.table.names for n in NAME_FIELDS):
        names += quoted  # a membership's role, a meeting's organization as written
    return [[t for t in dict.fromkeys(terms) if t.strip()] for terms in (names, quoted)]


def _marks(sentence: str, terms: list[str]) -> tuple[tuple[int, int], ...]:
    """The spans of ``terms`` in ``sentence`` (ignoring case, any white space between words), merged.

    >>> _marks("We met Werk1 Innovation\\nHub and Nesta.", ["Werk1 Innovation Hub", "NESTA", "Hub"])
    ((7, 27), (32, 37))
    """
    spans = []
    for term in terms:
        words = term.split()
        if not words:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)"
        spans += [m.span() for m in re.finditer(pattern, sentence, re.IGNORECASE)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def candidates(record: DraftRecord, data: Records, limit: int = 5) -> list[Candidate]:
    """The existing entities of ``data`` that ``record`` may be, best first: the one its ``match``
    names, those the draft offers (``review.candidates``: ids, or mappings with an ``id``), then
    those whose name (label or alternative label) is like the record's (see :data:`CANDIDATE_SCORE`;
    for the tables of :data:`CANDIDATE_TABLES`).

    >>> from ecosystem_graph.locations import default_data_dir
    >>> record = DraftRecord(TABLES_BY_NAME["organizations"], {"id": "x", "label": "Peterborough Council",
    ...                      "review": {"status": "proposed", "match": "new"}})
    >>> [(c.id, c.why) for c in candidates(record, load_data(default_data_dir()))]
    [('peterborough-city-council', 'a similar name')]
    """
    index = data.index.get(record.table.name, {})
    found: dict[str, Candidate] = {}

    def offer(ident: str, score: float, why: str) -> None:
        existing = index.get(ident)
        if existing is not None and ident not in found:
            found[ident] = Candidate(ident, _name(existing.values, ident), score, why)

    if record.match != "new":
        offer(record.match, 100.0, "the draft's match")
    for item in _as_list(record.review.get("candidates")):
        ident = item.get("id") if isinstance(item, dict) else item
        score = item.get("score", 0.0) if isinstance(item, dict) else 0.0
        if isinstance(ident, str):
            offer(ident, float(score) if isinstance(score, (int, float)) else 0.0, "offered by the draft")
    if record.table.name in CANDIDATE_TABLES and any(record.values.get(n) for n in NAME_FIELDS):
        from rapidfuzz import fuzz, process

        ids, names = _names(data, record.table.name)
        for _, score, i in process.extract(fold(record.label), names, scorer=fuzz.WRatio, limit=limit * 3,
                                           score_cutoff=CANDIDATE_SCORE):
            offer(ids[i], round(float(score), 1), "a similar name")
    return list(found.values())[:limit]


def _name(values: Mapping[str, Any], default: str) -> str:
    return next((str(values[n]) for n in NAME_FIELDS if values.get(n)), default)


def _names(data: Records, table: str) -> tuple[list[str], list[str]]:
    """The ids and folded names (labels and alternative labels) of ``table``, made once per ``data``."""
    cache: dict[str, tuple[list[str], list[str]]] = data.__dict__.setdefault("_review_names", {})
    if table not in cache:
        ids, names = [], []
        for record in data.all(table):
            for name in [_name(record.values, ""), *(record.values.get("alt_labels") or [])]:
                if name:
                    ids.append(record.key)
                    names.append(fold(name))
        cache[table] = (ids, names)
    return cache[table]


# -- decisions ----------------------------------------------------------------------------------------


def set_status(draft: Draft, ref: str, status: str) -> DraftRecord:
    """Set the review status of the record ``ref`` (``accepted``, ``rejected`` or ``proposed``).

    >>> draft = Draft(Path("a.draft.yaml"), {"people": [{"id": "a", "name": "A", "review": {"match": "new"}}]})
    >>> set_status(draft, "a", "rejected").status
    'rejected'
    """
    if status not in STATUSES:
        raise ReviewError(f"review status: expected one of {', '.join(STATUSES)}, found {status!r}")
    record = draft.find(ref)
    record.review["status"] = status
    return record


def edit_record(draft: Draft, ref: str, changes: Mapping[str, Any]) -> list[str]:
    """Change fields of the record ``ref``: each value is the field's new value (text is read as a CSV
    cell is: ``a|b`` for several values; numbers of number fields become numbers), and an empty value
    or ``None`` removes the field. A new id is also written wherever the draft refers to the old one.
    Returns the problems the record then has (its fields checked as a record file's are), for the
    reviewer to fix; the edit is kept either way.

    >>> draft = Draft(Path("a.draft.yaml"), {
    ...     "organizations": [{"id": "x", "label": "X", "type": ["agency"], "source": ["s"],
    ...                        "review": {"status": "proposed", "match": "new"}}],
    ...     "meetings": [{"id": "m", "organization": "x", "review": {"status": "proposed", "match": "new"}}]})
    >>> edit_record(draft, "x", {"id": "x-labs", "type": "accelerator|agency", "homepage": "not an address"})
    ["a.draft.yaml: field 'homepage': expected an http(s) address, found 'not an address'"]
    >>> draft.find("x-labs").values["type"], draft.find("m").values["organization"]
    (['accelerator', 'agency'], 'x-labs')
    """
    record = draft.find(ref)
    table = record.table
    for name in changes:
        if name == "review" or (name not in table.names and not str(name).startswith("x_")):
            raise ReviewError(f"{record.ref}: no field {name!r}; the fields of {table.name} are "
                              f"{', '.join(table.names)} (decide the review with accept, reject or link)")
    old_key = record.key
    for name, value in changes.items():
        spec = table.field(name) if name in table.names else None
        new = _typed(value, spec.kind if spec else "text", bool(spec and spec.many))
        if new in (None, "", []):
            record.values.pop(name, None)
        else:
            record.values[name] = new
    if record.key != old_key and table.key == ("id",) and old_key:
        _rename(draft, table.name, old_key, record.key)
    _, problems = parse_record(table, record.fields(), str(draft.path.name), record.line or 0)
    return [str(p).replace(f"{draft.path.name}:0:", f"{draft.path.name}:") for p in problems]


def _typed(value: Any, kind: str, many: bool) -> Any:
    """A value as the draft writer writes it: lists for fields of several values, numbers as numbers."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if many:
        return [p.strip() for p in text.split(LIST_SEPARATOR) if p.strip()]
    try:
        if kind == "int":
            return int(text)
        if kind == "decimal":
            return float(text)
    except ValueError:
        return text  # kept as written: the record check reports it
    return text


def _rename(draft: Draft, table: str, old: str, new: str) -> None:
    """Write ``new`` wherever a drafted record refers to the record ``old`` of ``table``."""
    for record in draft.records():
        for spec in record.table.fields:
            if spec.kind != "ref" or table not in spec.ref or spec.name not in record.values:
                continue
            value = record.values[spec.name]
            if isinstance(value, list):
                record.values[spec.name] = [new if v == old else v for v in value]
            elif value == old:
                record.values[spec.name] = new


def link_record(draft: Draft, ref: str, target: str, data: Records | None = None) -> DraftRecord:
    """Say that the record ``ref`` is the existing entity ``target`` (an id of the same table): its
    ``review.match`` becomes ``target`` and its status ``accepted``. ``accept`` then adds nothing for
    it and writes ``target`` wherever the draft refers to it. ``target`` ``new`` undoes a link. With
    ``data``, ``target`` must be one of its ids, or a new record of the draft (the same name drafted twice).

    >>> from ecosystem_graph.locations import default_data_dir
    >>> draft = Draft(Path("a.draft.yaml"), {"organizations": [{"id": "nesta-2", "label": "Nesta",
    ...     "review": {"status": "proposed", "match": "new"}}]})
    >>> link_record(draft, "nesta-2", "nesta", load_data(default_data_dir())).review
    {'status': 'accepted', 'match': 'nesta'}
    >>> link_record(draft, "nesta-2", "nesta-uk", load_data(default_data_dir()))
    Traceback (most recent call last):
    ...
    ecosystem_graph.review.draft.ReviewError: organizations/nesta-2: no organizations record 'nesta-uk' ...
    """
    record = draft.find(ref)
    target = target.strip()
    drafted = {r.key for r in draft.records(record.table.name) if r is not record and r.match == "new"}
    if target != "new" and data is not None and target not in data.index.get(record.table.name, {}) \
            and target not in drafted:
        import difflib

        close = difflib.get_close_matches(target, list(data.index.get(record.table.name, {})), n=3)
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        raise ReviewError(f"{record.ref}: no {record.table.name} record {target!r} in {data.data_dir}{hint}")
    record.review["status"] = "accepted"
    record.review["match"] = target or "new"
    return record


def accept_above(draft: Draft, threshold: float) -> list[DraftRecord]:
    """Accept every record still ``proposed`` whose confidence is at least ``threshold``; returns them.

    >>> draft = Draft(Path("a.draft.yaml"), {"people": [
    ...     {"id": "a", "name": "A", "review": {"status": "proposed", "match": "new", "confidence": 0.95}},
    ...     {"id": "b", "name": "B", "review": {"status": "proposed", "match": "new", "confidence": 0.6}}]})
    >>> [r.key for r in accept_above(draft, 0.9)]
    ['a']
    """
    chosen = [r for r in draft.records() if r.status == "proposed" and r.confidence >= threshold]
    for record in chosen:
        record.review["status"] = "accepted"
    return chosen


def apply_decision(draft: Draft, ref: str, decision: str, value: str | Mapping[str, Any] | None = None,
                   data: Records | None = None) -> list[str]:
    """Apply one of :data:`DECISIONS` to the record ``ref``: ``accept``, ``reject``, ``propose`` (undecide),
    ``edit`` (``value``: a mapping of fields, or ``field=value``), or ``link`` (``value``: an existing id,
    checked against ``data`` when given). Returns the problems an edit leaves. What a command line or a
    web page calls for a reviewer's action.

    >>> draft = Draft(Path("a.draft.yaml"), {"people": [{"id": "a", "name": "A", "source": ["s"],
    ...     "review": {"status": "proposed", "match": "new"}}]})
    >>> apply_decision(draft, "a", "edit", "family_name=Lee"), draft.find("a").values["family_name"]
    ([], 'Lee')
    >>> apply_decision(draft, "a", "discard")
    Traceback (most recent call last):
    ...
    ecosystem_graph.review.draft.ReviewError: unknown decision 'discard': expected one of accept, reject, ...
    """
    statuses = {"accept": "accepted", "reject": "rejected", "propose": "proposed"}
    if decision in statuses:
        set_status(draft, ref, statuses[decision])
        return []
    if decision == "edit":
        if isinstance(value, str):
            name, sep, text = value.partition("=")
            if not sep or not name.strip():
                raise ReviewError(f"edit: expected FIELD=VALUE, found {value!r}")
            value = {name.strip(): text}
        if not value:
            raise ReviewError("edit: give the fields to change (FIELD=VALUE)")
        return edit_record(draft, ref, value)
    if decision == "link":
        if not isinstance(value, str) or not value.strip():
            raise ReviewError("link: give the id of the existing entity")
        link_record(draft, ref, value, data)
        return []
    raise ReviewError(f"unknown decision {decision!r}: expected one of {', '.join(DECISIONS)}")
