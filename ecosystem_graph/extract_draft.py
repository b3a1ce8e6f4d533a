"""Turn an extraction into a draft file: records in the data/ format, each with its review block.

A draft file is YAML named ``*.draft.yaml``. Saved in a data folder, ``build`` reads it with
the other record files: records whose review ``status`` is ``accepted`` and whose ``match`` is
``new`` become part of the graph; the others are ignored. See docs/extraction.md.

>>> from .extract import extract_text
>>> from .extract_known import Known
>>> known = Known.from_data()
>>> draft = draft_records(extract_text("The cluster met Nesta and Isar Robotics GmbH in Munich.", known),
...                       known, "note")
>>> [(r["label"], r["review"]["match"]) for r in draft["organizations"]]
[('NESTA', 'nesta'), ('Isar Robotics GmbH', 'new')]
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import yaml

from .extract import Entity, Extraction, Fact, Mention
from .extract_known import Known
from .records import slug

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

    def place(self, key: str | None) -> str | None:
        """The id of the place ``key`` names: drafted, or the graph's ("id:london")."""
        if not key:
            return None
        return self.of.get(("places", key)) or (key[3:] if key.startswith("id:") else None)

    def assign(self, table: str, key: str, name: str, match: str | None) -> str:
        if match:
            self.of[(table, key)] = match
            return match
        taken = self.used.setdefault(table, set()) | self.known.all_ids(table)
        base = slug(name, MAX_ID_LENGTH) or table.rstrip("s")
        ident, n = base, 2
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        self.used[table].add(ident)
        self.of[(table, key)] = ident
        return ident


def _review(confidence: float, match: str | None, why: str, mentions: list[Mention]) -> dict[str, Any]:
    evidence = []
    for mention in mentions:
        item = {"start": mention.sentence.start, "end": mention.sentence.end, "sentence": mention.sentence.text}
        if item not in evidence:
            evidence.append(item)
    return {"status": "proposed", "confidence": round(confidence, 2), "match": match or "new", "why": why,
            "evidence": evidence[:3]}


def draft_records(result: Extraction, known: Known, source_id: str, source: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    """The draft of ``result`` as a mapping of table name -> records (with ``review`` blocks)."""
    ids = _Ids(known)
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
    draft["events"] = [_event(e, ids, result, src) for e in result.events]
    visit = _visit_record(result, ids, known, src)
    if visit is not None:
        draft["visits"] = [visit]
        draft["meetings"] = [_meeting(m, result, ids, known, visit["id"], src) for m in result.meetings]
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
                  source=src + ["geonames"] if "geonames" in ids.known.all_ids("sources") else src)
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
    record = {"id": ident, "name": entity.label, "given_name": words[0], "family_name": " ".join(words[1:]),
              "source": src}
    record["review"] = _review(entity.confidence, entity.match, entity.first.why, entity.mentions)
    return record


def _membership(entity: Entity, ids: _Ids, known: Known, src: list[str]) -> dict[str, Any] | None:
    org, role = entity.attrs.get("organization"), entity.attrs.get("role")
    if not org or not role:
        return None
    role = _role_as_known(role, known)
    person_id, org_id = ids.of[("people", entity.key)], ids.of[("organizations", org)]
    existing = known.records.index.get("memberships", {}).get(f"{person_id}--{org_id}") if known.records else None
    record = {"person": person_id, "organization": org_id, "role": role, "source": src}
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
            return record.get("role")
    return role[:1].upper() + role[1:]


def _event(entity: Entity, ids: _Ids, result: Extraction, src: list[str]) -> dict[str, Any]:
    ident = ids.assign("events", entity.key, entity.label, entity.match)
    record: dict[str, Any] = {"id": ident, "label": entity.label, "kind": "event"}
    sentence = entity.first.sentence
    dates = [d for d in result.dates if d.mention.sentence == sentence]
    if dates:
        record["start"], record["end"] = dates[0].value.split("/")[0], dates[0].value.split("/")[-1]
    cities = [e for e in result.places if e.attrs["place"].kind == "city"
              and any(m.sentence == sentence for m in e.mentions)]
    if cities:
        record["location"] = ids.place(cities[0].key)
    if "attendees_at_least" in entity.attrs:
        record["attendees_at_least"] = entity.attrs["attendees_at_least"]
    record["description"] = sentence.text
    record["source"] = src
    record["review"] = _review(entity.confidence, entity.match, entity.first.why, entity.mentions)
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


def _meeting(meeting: Fact, result: Extraction, ids: _Ids, known: Known, visit: str, src: list[str]
             ) -> dict[str, Any]:
    org = ids.of[("organizations", meeting.value)]
    existing = next((r.key for r in (known.records.all("meetings") if known.records else [])
                     if r.get("visit") == visit and r.get("organization") == org), None)
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
    themes = _themes_between(result, meeting)
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


def _themes_between(result: Extraction, meeting: Fact) -> list[str]:
    """Themes named from this meeting's sentence up to the next meeting's."""
    later = [m.mention.sentence.start for m in result.meetings if m.mention.sentence.start > meeting.mention.start]
    end = min(later, default=len(result.article.text))
    return list(dict.fromkeys(t.value for t in result.themes
                              if meeting.mention.sentence.start <= t.mention.start < end))


def about(result: Extraction, article: str, known: Known) -> dict[str, Any]:
    """The ``draft`` block: which article and text the offsets index, and which rules read it.

    >>> from .extract import extract_text
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


def render_draft(draft: dict[str, Any], article: str) -> str:
    """The draft as YAML text with the reviewer's instructions on top.

    >>> print(render_draft({"organizations": []}, "a.txt").splitlines()[-1])
    organizations: []
    """
    body = yaml.dump(draft, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    return HEADER.format(article=article) + body


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
