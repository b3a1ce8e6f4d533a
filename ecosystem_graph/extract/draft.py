"""Turn an extraction into a draft file: records in the data/ format, each with its review block.

A draft file is YAML named ``*.draft.yaml``. Saved in a data folder, ``build`` reads it with
the other record files: records whose review ``status`` is ``accepted`` and whose ``match`` is
``new`` become part of the graph; the others are ignored. See docs/extraction.md.

>>> from ecosystem_graph.extract import extract_text
>>> from ecosystem_graph.extract.known import Known
>>> known = Known.from_data()
>>> draft = draft_records(extract_text("The cluster met Nesta and Isar Robotics GmbH in Munich.", known),
...                       known, "note")
>>> [(r["label"], r["review"]["match"]) for r in draft["organizations"]]
[('NESTA', 'nesta'), ('Isar Robotics GmbH', 'new')]
"""

from __future__ import annotations

import hashlib
import os
import stat
from bisect import bisect_right
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import EcosystemGraphError
from ..records import slug
from ..schema import DRAFT_FILES, TABLES
from .known import Known
from .model import Entity, Extraction, Fact, Mention
from .rules import RULES_FILE
from .text import file_kind

MAX_ID_LENGTH = 60  # ids stay readable in a spreadsheet column

HEADER = """\
# Draft records drafted by `ecosystem-graph extract` from {article}.
# Review every record: check its fields against the evidence sentence, then set
#   review.status: accepted   to add the record to the graph (when review.match is new), or
#   review.status: rejected   to leave it out.
# Records whose review.match names an existing id are links to the graph, never added again.
# Edit any field freely; `ecosystem-graph validate` checks the result. See docs/extraction.md.
"""


class _Ids:
    """Unique identifiers per table: never one the graph or this draft already uses."""

    def __init__(self, known: Known) -> None:
        self.known = known
        self.used: dict[str, set[str]] = {}
        self.of: dict[tuple[str, str], str] = {}
        self.graph_ids: dict[str, set[str]] = {}  # table -> the graph's ids, asked of ``known`` once

    def in_graph(self, table: str) -> set[str]:
        """The ids ``table`` of the graph uses (``Known.all_ids`` builds the set anew at each call)."""
        if table not in self.graph_ids:
            self.graph_ids[table] = self.known.all_ids(table)
        return self.graph_ids[table]

    def place(self, key: str | None) -> str | None:
        """The id of the place ``key`` names: drafted, or the graph's ("id:london")."""
        if not key:
            return None
        return self.of.get(("places", key)) or (key[3:] if key.startswith("id:") else None)

    def assign(self, table: str, key: str, name: str, match: str | None) -> str:
        if match:
            self.of[(table, key)] = match
            return match
        # Looked up in both sets, not in their union made anew per record (quadratic in a long draft).
        used, graph = self.used.setdefault(table, set()), self.in_graph(table)
        base = slug(name, MAX_ID_LENGTH) or table.rstrip("s")
        ident, n = base, 2
        while ident in used or ident in graph:
            ident, n = f"{base}-{n}", n + 1
        self.used[table].add(ident)
        self.of[(table, key)] = ident
        return ident


def _review(confidence: float, match: str | None, why: str, mentions: list[Mention]) -> dict[str, Any]:
    evidence: list[dict[str, Any]] = []
    for mention in mentions:
        item = {"start": mention.sentence.start, "end": mention.sentence.end, "sentence": mention.sentence.text}
        if item not in evidence:
            evidence.append(item)
            if len(evidence) == 3:
                break  # three sentences are shown: a name said in every sentence is not compared 10,000 times
    return {"status": "proposed", "confidence": round(confidence, 2), "match": match or "new", "why": why,
            "evidence": evidence}


def draft_records(result: Extraction, known: Known, source_id: str, source: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    """The draft of ``result`` as a mapping of table name -> records (with ``review`` blocks)."""
    ids = _Ids(known)
    by_sentence = _BySentence(result)
    src = [source_id]
    draft: dict[str, Any] = {}
    if source is not None:
        first = result.sentences[0] if result.sentences else None
        draft["sources"] = [{"id": source_id, **source,
                             "review": {"status": "proposed", "confidence": 1.0, "match": "new",
                                        "why": "the article itself",
                                        "evidence": [{"start": first.start, "end": first.end,
                                                      "sentence": first.text}] if first else []}}]
    draft["places"] = [_place(e, ids, src) for e in _countries_first(result.places)]
    draft["organizations"] = [_organization(e, ids, result, src) for e in result.organizations]
    draft["people"] = [_person(e, ids, src) for e in result.people]
    draft["memberships"] = [m for e in result.people if (m := _membership(e, ids, known, src))]
    draft["events"] = [_event(e, ids, by_sentence, src) for e in result.events]
    draft["projects"] = [_named(e, "projects", ids, src) for e in result.projects]
    draft["initiatives"] = [_named(e, "initiatives", ids, src) for e in result.initiatives]
    visit = _visit_record(result, ids, known, src)
    if visit is not None:
        draft["visits"] = [visit]
        # The graph's meetings by visit and organization (ids: text), the first of each kept.
        existing = {(r.get("visit"), r.get("organization")): r.key
                    for r in reversed(known.records.all("meetings") if known.records else [])
                    if isinstance(r.get("visit"), str) and isinstance(r.get("organization"), str)}
        draft["meetings"] = [_meeting(m, result, ids, existing, visit["id"], src, by_sentence) for m in result.meetings]
    draft["mentioned_dates"] = [_info(d) for d in result.dates]
    draft["mentioned_themes"] = [_info(t) for t in result.themes]
    return {k: v for k, v in draft.items() if v}


def _countries_first(places: list[Entity]) -> list[Entity]:
    return sorted(places, key=lambda e: e.attrs["place"].kind != "country")


def _info(fact: Fact) -> dict[str, Any]:
    return {"value": fact.value, "text": fact.mention.text, "start": fact.mention.start, "end": fact.mention.end,
            "confidence": fact.mention.confidence, "why": fact.mention.why,
            "sentence": fact.mention.sentence.text}


def _place(entity: Entity, ids: _Ids, src: list[str]) -> dict[str, Any]:
    place = entity.attrs["place"]
    ident = ids.assign("places", entity.key, entity.label, entity.match)
    record: dict[str, Any] = {"id": ident, "label": entity.label, "kind": place.kind}
    if place.kind == "city":
        record["country"] = ids.place(entity.attrs.get("country_key"))
    why = entity.first.why
    if place.kind == "country" and not entity.match:
        why += "; coordinates are those of its capital (the offline gazetteer has none for countries)"
    record.update(geonames_id=place.geonames_id, latitude=place.latitude, longitude=place.longitude,
                  source=src + ["geonames"] if "geonames" in ids.in_graph("sources") else src)
    record["review"] = _review(entity.confidence, entity.match, why, entity.mentions)
    return record


def _organization(entity: Entity, ids: _Ids, result: Extraction, src: list[str]) -> dict[str, Any]:
    ident = ids.assign("organizations", entity.key, entity.label, entity.match)
    record: dict[str, Any] = {"id": ident, "label": entity.label}
    alts = sorted(a for a in entity.attrs.get("alt_labels", set()) if a != entity.label)
    if alts:
        record["alt_labels"] = alts
    record["type"] = [entity.attrs.get("type")]
    city = entity.attrs.get("city")
    if city and ids.place(city):
        record["city"] = ids.place(city)
        city_entity = result.entity("places", city)
        if city_entity is not None:
            record["country"] = ids.place(city_entity.attrs.get("country_key"))
    record["source"] = src
    if city and entity.attrs.get("city_from") == "its name":
        record.update(inferred=["city"], inference_note="The city is read from the organization's name.")
    why = "; ".join(dict.fromkeys(m.why for m in entity.mentions))
    if entity.attrs.get("type_guessed"):
        why += "; type not stated: check it"
    record["review"] = _review(entity.confidence, entity.match, why, entity.mentions)
    return record


def _person(entity: Entity, ids: _Ids, src: list[str]) -> dict[str, Any]:
    ident = ids.assign("people", entity.key, entity.label, entity.match)
    words = entity.label.split()
    record: dict[str, Any] = {"id": ident, "name": entity.label, "given_name": words[0],
                              "family_name": " ".join(words[1:]), "source": src}
    record["review"] = _review(entity.confidence, entity.match, entity.first.why, entity.mentions)
    return record


def _membership(entity: Entity, ids: _Ids, known: Known, src: list[str]) -> dict[str, Any] | None:
    org, role = entity.attrs.get("organization"), entity.attrs.get("role")
    if not org or not role:
        return None
    role = _role_as_known(role, known)
    person_id, org_id = ids.of[("people", entity.key)], ids.of[("organizations", org)]
    existing = known.records.index.get("memberships", {}).get(f"{person_id}--{org_id}") if known.records else None
    record: dict[str, Any] = {"person": person_id, "organization": org_id, "role": role, "source": src}
    record["review"] = _review(min(entity.confidence, 0.8), f"{person_id}--{org_id}" if existing else None,
                               f"role {role!r} written next to the name", entity.mentions[:1])
    return record


def _role_as_known(role: str, known: Known) -> str:
    """A role written as the graph writes it: roles become entities named after their text, so
    "chairman" and "Chairman" must not be two spellings of one role.

    >>> _role_as_known("marketing and PR expert", Known.from_data())
    'Marketing and PR Expert'
    """
    for record in known.records.all("memberships") if known.records else []:
        if slug(record.get("role")) == slug(role):
            return str(record.get("role"))
    return role[:1].upper() + role[1:]


def _event(entity: Entity, ids: _Ids, by_sentence: _BySentence, src: list[str]) -> dict[str, Any]:
    ident = ids.assign("events", entity.key, entity.label, entity.match)
    record: dict[str, Any] = {"id": ident, "label": entity.label, "kind": "event"}
    sentence = entity.first.sentence
    dates = by_sentence.dates.get(sentence.start, [])
    if dates:
        record["start"], record["end"] = dates[0].value.split("/")[0], dates[0].value.split("/")[-1]
    cities = by_sentence.cities.get(sentence.start, [])
    if cities:
        record["location"] = ids.place(cities[0].key)
    if "attendees_at_least" in entity.attrs:
        record["attendees_at_least"] = entity.attrs["attendees_at_least"]
    record["description"] = sentence.text
    record["source"] = src
    record["review"] = _review(entity.confidence, entity.match, entity.first.why, entity.mentions)
    return record


def _named(entity: Entity, table: str, ids: _Ids, src: list[str]) -> dict[str, Any]:
    """A project or an initiative (a programme, initiative, label or document) the article names:
    its label, other names and, for an initiative, its kind.

    >>> from ecosystem_graph.extract import extract_text
    >>> known = Known.from_data(empty=True)
    >>> found = extract_text("The trip was funded by the Orvik programme.", known)
    >>> {k: v for k, v in _named(found.initiatives[0], "initiatives", _Ids(known), ["a"]).items() if k != "review"}
    {'id': 'orvik', 'label': 'Orvik', 'kind': 'programme', 'source': ['a']}
    """
    ident = ids.assign(table, entity.key, entity.label, entity.match)
    record: dict[str, Any] = {"id": ident, "label": entity.label}
    alts = sorted(a for a in entity.attrs.get("alt_labels", set()) if a != entity.label)
    if alts:
        record["alt_labels"] = alts
    if table == "initiatives":
        record["kind"] = entity.attrs.get("kind", "initiative")
    record["source"] = src
    why = "; ".join(dict.fromkeys(m.why for m in entity.mentions))
    record["review"] = _review(entity.confidence, entity.match, why, entity.mentions)
    return record


def _visit_record(result: Extraction, ids: _Ids, known: Known, src: list[str]) -> dict[str, Any] | None:
    visit = result.visit
    if visit is None or not visit.attrs["cities"]:
        return None
    organizer = ids.of[("organizations", visit.attrs["organizer"])]
    start, end = visit.value.split("/")
    match = _existing_visit(known, organizer, start)
    cities = [ids.place(c) for c in visit.attrs["cities"]]
    labels = [ids.known.labels.get(("places", c[3:])) or result.entity("places", c).label  # type: ignore[union-attr]
              for c in visit.attrs["cities"]]
    ident = match or ids.assign("visits", f"visit:{start}", f"visit-{'-'.join(labels[:2])}-{start[:4]}", None)
    participants = [ids.of[("people", p.key)] for p in result.people
                    if p.attrs.get("organization") == visit.attrs["organizer"]]
    record: dict[str, Any] = {"id": ident, "label": f"Working visit to {', '.join(labels)}, {start[:4]}",
                              "organizer": organizer, "start": start, "end": end, "cities": cities}
    if participants:
        record["participants"] = participants
    record["source"] = src
    record["review"] = _review(visit.mention.confidence, match, f"dates {visit.mention.text!r} of the visit",
                               [visit.mention])
    return record


def _existing_visit(known: Known, organizer: str, start: str) -> str | None:
    for record in known.records.all("visits") if known.records else []:
        if record.get("organizer") == organizer and str(record.get("start")) == start:
            return record.key
    return None


def _meeting(meeting: Fact, result: Extraction, ids: _Ids, meetings: dict[tuple[str, str], str], visit: str,
             src: list[str], by_sentence: _BySentence) -> dict[str, Any]:
    org = ids.of[("organizations", meeting.value)]
    existing = meetings.get((visit, org))
    record: dict[str, Any] = {"id": existing or f"{visit}-{org}"[:80].strip("-"), "visit": visit,
                              "order": meeting.attrs["order"], "organization": org}
    if meeting.attrs.get("date"):
        record["date"] = meeting.attrs["date"]
    same = meeting.attrs.get("same_day_as")
    if same:
        previous = result.meetings[same - 1]
        record["same_day_as"] = f"{visit}-{ids.of[('organizations', previous.value)]}"[:80].strip("-")
    if ids.place(meeting.attrs.get("city")):
        record["city"] = ids.place(meeting.attrs["city"])
    themes = _themes_between(result, meeting, by_sentence)
    if themes:
        record["themes"] = themes
    record["summary"] = meeting.mention.sentence.text
    record["source"] = src
    if record.get("city") and meeting.attrs.get("city_from") != "sentence":
        record.update(inferred=["city"], inference_note=f"The meeting is placed in the city of the "
                                                        f"{meeting.attrs['city_from']}; the sentence names none.")
    record["review"] = _review(meeting.mention.confidence * 0.9, existing,
                               f"meeting word in the sentence naming {meeting.mention.text!r}", [meeting.mention])
    return record


def _themes_between(result: Extraction, meeting: Fact, by_sentence: _BySentence) -> list[str]:
    """Themes named from this meeting's sentence up to the next meeting's."""
    starts = by_sentence.meeting_sentences
    later = bisect_right(starts, meeting.mention.start)
    end = starts[later] if later < len(starts) else len(result.article.text)
    low = bisect_right(by_sentence.theme_starts, meeting.mention.sentence.start - 1)
    high = bisect_right(by_sentence.theme_starts, end - 1)
    return list(dict.fromkeys(t.value for t in by_sentence.themes[low:high]))


class _BySentence:
    """The dates and cities of each sentence and the themes and meetings in text order, found once
    per draft: asked of the whole extraction per event or meeting, they made drafting quadratic."""

    def __init__(self, result: Extraction) -> None:
        self.dates: dict[int, list[Fact]] = {}
        for fact in result.dates:
            self.dates.setdefault(fact.mention.sentence.start, []).append(fact)
        self.cities: dict[int, list[Entity]] = {}  # each city once per sentence, in the order of the places
        for place in result.places:
            if place.attrs["place"].kind == "city":
                for start in dict.fromkeys(m.sentence.start for m in place.mentions):
                    self.cities.setdefault(start, []).append(place)
        self.themes = sorted(result.themes, key=lambda t: t.mention.start)
        self.theme_starts = [t.mention.start for t in self.themes]
        self.meeting_sentences = sorted(m.mention.sentence.start for m in result.meetings)


def about(result: Extraction, article: str, known: Known) -> dict[str, Any]:
    """The ``draft`` block: which article and text the offsets index, and which rules read it.

    >>> from ecosystem_graph.extract import extract_text
    >>> known = Known.from_data(empty=True)
    >>> about(extract_text("Hello.", known), "a.txt", known)["characters"]
    6
    """
    text = result.article.text
    return {"article": article, "format": result.article.format, "characters": len(text),
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "drafted": date.today().isoformat(),
            "rules": str(known.rules.path)}


class _Dumper(yaml.SafeDumper):
    """Writes every value out: no YAML anchors (&id001) for lists that records share."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_draft(draft: dict[str, Any], article: str, header: str | None = None) -> str:
    """The draft as YAML text with the reviewer's instructions on top (or ``header``, the comment
    lines a reviewed draft already has: ``review`` saves the draft with them).

    >>> print(render_draft({"organizations": []}, "a.txt").splitlines()[-1])
    organizations: []
    >>> render_draft({"organizations": []}, "a.txt", "# mine\\n")
    '# mine\\norganizations: []\\n'
    """
    body = yaml.dump(draft, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    return (HEADER.format(article=article) if header is None else header) + body


def source_fields(title: str | None, fallback: str, url: str | None, published: str | None) -> dict[str, Any]:
    """The fields of the article's own ``sources`` record.

    >>> source_fields(None, "uk-visit", None, "2018-09")["title"]
    'uk-visit'
    """
    fields: dict[str, Any] = {"title": title or fallback, "kind": "news-item"}
    if url:
        fields["url"] = url
    if published:
        fields["published"] = published
    fields["note"] = f"Drafted by ecosystem-graph extract on {date.today().isoformat()}."
    return fields


# -- where a draft may be written ----------------------------------------------------------------

#: Files of a data folder that hold records or settings: a draft never replaces one unless asked to.
RECORD_FILES = frozenset({table.file.partition("#")[0] for table in TABLES} | {"project.yaml", RULES_FILE})


class DraftTargetError(EcosystemGraphError):
    """The path a draft is to be written to is not one it may replace."""


def check_draft_target(out: Path, article: Path, data_dir: Path, force: bool = False,
                       overwrite_records: bool = False) -> None:
    """Refuse to write a draft to ``out`` unless it is a new path or a regular file that may be
    replaced: never a folder, device, FIFO, socket or symbolic link (the draft is renamed into place,
    which would replace a device file such as ``/dev/null`` when run as root), never the article
    itself; a record or settings file (``RECORD_FILES``, or any file of ``data_dir`` but a
    ``*.draft.yaml``) only with ``overwrite_records`` (which implies ``force``); any other existing
    file only with ``force``.

    >>> Path("data").mkdir(); _ = Path("data/organizations.csv").write_text("id,label")
    >>> check_draft_target(Path("data/organizations.csv"), Path("a.txt"), Path("data"), force=True)
    Traceback (most recent call last):
    ...
    ecosystem_graph.extract.draft.DraftTargetError: --out data/organizations.csv is a record or settings file ...
    """
    try:
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        return  # a new file: nothing is replaced
    except OSError as exc:
        raise DraftTargetError(f"--out {out}: cannot check it: {(exc.strerror or str(exc)).lower()}") from None
    if stat.S_ISLNK(mode):
        raise DraftTargetError(f"--out {out} is a symbolic link (to {os.readlink(out)}): give the path of a "
                               "regular file or a new one (--force does not follow or replace links)")
    if stat.S_ISDIR(mode):
        raise DraftTargetError(f"--out {out} is a folder: give the draft's file name, e.g. {out / 'NAME.draft.yaml'}")
    if not stat.S_ISREG(mode):
        raise DraftTargetError(f"--out {out} is {file_kind(mode)}, not a regular file: a draft is written only "
                               "to a regular file or a new path (--force does not change this)")
    if _same_file(out, article):
        raise DraftTargetError(f"--out {out} is the article itself: write the draft to another file")
    record = _record_file(out, data_dir)
    if record and not overwrite_records:
        raise DraftTargetError(f"--out {out} is {record}: a draft would replace it. Write drafts to "
                               f"NAME.draft.yaml, or give --overwrite-records if you mean to replace it")
    if not force and not overwrite_records:
        raise DraftTargetError(f"{out} exists (perhaps already reviewed); give --force to replace it")


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths are one file (also through hard links or other spellings of the path)."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return one.resolve() == other.resolve()


def _record_file(out: Path, data_dir: Path) -> str | None:
    """What ``out`` is, if it is a file of records or settings, else ``None``."""
    if out.name in RECORD_FILES:
        return "a record or settings file of a data folder"
    data = data_dir.resolve()
    target = out.resolve()
    if target.is_relative_to(data) and not target.match(DRAFT_FILES):
        return f"a file of the data folder {data_dir} and not a draft ({DRAFT_FILES})"
    return None
