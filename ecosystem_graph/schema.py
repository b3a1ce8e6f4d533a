"""What each record file holds: its fields, their kinds, and which are required.

The tables here are the single description of the data format: the loader checks
records against them, ``docs/records.md`` documents them, and ``synth`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .kinds import SEGMENTS

__all__ = ["DRAFTS_NOTE", "DRAFT_FILES", "DRAFT_INFO_KEYS", "INITIATIVE_KINDS", "Field", "LIMITS_NOTE",
           "LIST_SEPARATOR_NOTE", "ORG_REF", "PARTICIPATION_ROLES", "PROJECT_FIELDS", "PROJECT_STATUSES",
           "REVIEW_FIELDS", "TABLES", "TABLES_BY_NAME", "Table"]


@dataclass(frozen=True)
class Field:
    """One column of a CSV file, or one key of a YAML record.

    ``kind`` is one of ``text``, ``id``, ``date`` (YYYY-MM-DD), ``partial-date``
    (YYYY, YYYY-MM or YYYY-MM-DD), ``int``, ``decimal``, ``url``, ``enum``,
    ``ref`` (an id of the tables in ``ref``), ``fields`` (names of this table's fields) or
    ``identifier`` (``scheme:value``, such as ``pic:999984059`` or ``wikidata:Q312``).
    """

    name: str
    kind: str = "text"
    required: bool = False
    many: bool = False
    ref: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    place_kind: str | None = None  # for refs to places: "city" or "country"
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    """A kind of record: where it is stored and what fields it has.

    ``file`` is a CSV file name, or ``name.yaml#key`` for a list under ``key`` in a
    YAML file. ``key`` is the identifying field, or a tuple of fields joined with
    ``--`` for tables without an ``id`` column. Its entities' IRI path segment, label and class
    are its kind's (:mod:`.kinds`).
    """

    name: str
    file: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ("id",)
    required_file: bool = False
    description: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def iri_kind(self) -> str:
        """The path segment of its entities' IRIs (``org-type`` for organization types)."""
        return SEGMENTS[self.name]


def _ident() -> Field:
    return Field("id", "id", required=True)


def _label() -> Field:
    return Field("label", required=True)


def _alt() -> Field:
    return Field("alt_labels", many=True)


def _source() -> Field:
    return Field("source", "ref", required=True, many=True, ref=("sources",))


def _themes() -> Field:
    return Field("themes", "ref", many=True, ref=("themes",))


def _identifiers() -> Field:
    return Field("identifiers", "identifier", many=True)


def _inferred() -> tuple[Field, Field]:
    return Field("inferred", "fields", many=True), Field("inference_note")


ORG_REF = ("organizations",)
#: Where a project stands (CORDIS writes them SIGNED, CLOSED, TERMINATED...).
PROJECT_STATUSES = ("signed", "ongoing", "closed", "terminated", "suspended", "cancelled")
#: What an initiative is: a funding programme or fund, a policy initiative, a label or award, a document.
INITIATIVE_KINDS = ("programme", "initiative", "label", "document")
#: What an organization is in a project (CORDIS's roles, lowercased and hyphenated).
PARTICIPATION_ROLES = ("coordinator", "participant", "partner", "third-party", "associated-partner",
                       "international-partner")

TABLES: tuple[Table, ...] = (
    Table("sources", "sources.csv", (
        _ident(), Field("title", required=True),
        Field("kind", "enum", required=True,
              choices=("news-item", "dataset", "report", "web-page", "interview", "other")),
        Field("publisher", "ref", ref=ORG_REF), Field("url", "url"),
        Field("published", "partial-date"), Field("language"), Field("note"), _identifiers(),
    ), required_file=True, description="Documents the facts come from."),
    Table("places", "places.csv", (
        _ident(), _label(), Field("kind", "enum", required=True, choices=("city", "country")),
        Field("country", "ref", ref=("places",), place_kind="country"),
        Field("geonames_id", "int", minimum=1),
        Field("latitude", "decimal", minimum=-90, maximum=90),
        Field("longitude", "decimal", minimum=-180, maximum=180),
        _alt(), _source(), _identifiers(),
    ), description="Cities and countries, with GeoNames identifiers and coordinates (both, or neither when "
                   "they are not known)."),
    Table("organization-types", "organization-types.csv", (
        _ident(), _label(), _alt(),
        Field("broader", "ref", many=True, ref=("organization-types",)), Field("definition"), _identifiers(),
    ), description="The organization type taxonomy (a SKOS concept scheme)."),
    Table("themes", "themes.csv", (
        _ident(), _label(), _alt(), Field("broader", "ref", many=True, ref=("themes",)),
        Field("definition"), Field("source", "ref", many=True, ref=("sources",)), _identifiers(),
    ), description="The theme taxonomy (a SKOS concept scheme)."),
    Table("organizations", "organizations.csv", (
        _ident(), _label(), _alt(),
        Field("type", "ref", required=True, many=True, ref=("organization-types",)),
        Field("city", "ref", ref=("places",), place_kind="city"),
        Field("country", "ref", ref=("places",), place_kind="country"),
        Field("description"), Field("homepage", "url"), _source(), *_inferred(),
        _themes(), _identifiers(), Field("street"), Field("postal_code"),
    ), required_file=True, description="Organizations of the ecosystem."),
    Table("people", "people.csv", (
        _ident(), Field("name", required=True), Field("given_name"), Field("family_name"),
        _source(), _identifiers(),
    ), description="People, usually the home organization's contacts."),
    Table("memberships", "memberships.csv", (
        Field("person", "ref", required=True, ref=("people",)),
        Field("organization", "ref", required=True, ref=ORG_REF),
        Field("role", required=True), Field("start", "date"), Field("end", "date"), _source(),
    ), key=("person", "organization"), description="Who works for which organization, in which role."),
    Table("programmes", "visits.yaml#programmes", (
        _ident(), _label(), Field("organizer", "ref", ref=ORG_REF),
        Field("goals", many=True), _themes(),
        Field("countries", "ref", many=True, ref=("places",), place_kind="country"),
        Field("target_types", "ref", many=True, ref=("organization-types",)),
        Field("description"), _source(), _identifiers(),
    ), description="Programmes of visits and their goals."),
    Table("visits", "visits.yaml#visits", (
        _ident(), _label(), Field("programme", "ref", ref=("programmes",)),
        Field("organizer", "ref", required=True, ref=ORG_REF),
        Field("start", "date", required=True), Field("end", "date", required=True),
        Field("cities", "ref", required=True, many=True, ref=("places",), place_kind="city"),
        Field("participants", "ref", many=True, ref=("people",)),
        Field("description"), _source(), *_inferred(), _identifiers(),
    ), description="Working visits: dates, cities, participants."),
    Table("meetings", "meetings.csv", (
        _ident(), Field("visit", "ref", required=True, ref=("visits",)),
        Field("order", "int", required=True, minimum=1),
        Field("organization", "ref", required=True, ref=ORG_REF), Field("label"),
        Field("date", "date"), Field("same_day_as", "ref", ref=("meetings",)),
        Field("city", "ref", ref=("places",), place_kind="city"), _themes(),
        Field("presented", "ref", many=True, ref=("products", "events")),
        Field("summary"), Field("assessment"), Field("outcome"),
        Field("participants", "ref", many=True, ref=("people",)), _source(), *_inferred(), _identifiers(),
    ), description="Meetings of a visit, in the order the source reports them."),
    Table("events", "events.csv", (
        _ident(), _label(), Field("kind", "enum", required=True, choices=("event", "follow-up")),
        Field("start", "partial-date"), Field("end", "partial-date"),
        Field("location", "ref", ref=("places",)),
        Field("organizer", "ref", many=True, ref=ORG_REF), _themes(),
        Field("concerns", "ref", many=True, ref=("visits", "meetings")),
        Field("status", "enum",
              choices=("scheduled", "cancelled", "postponed", "rescheduled", "moved-online")),
        Field("attendees_at_least", "int", minimum=0), Field("description"), _source(), _identifiers(),
    ), description="Events: fairs, conferences, follow-ups."),
    Table("partnerships", "partnerships.csv", (
        _ident(), _label(), Field("partners", "ref", required=True, many=True, ref=ORG_REF),
        Field("status", "enum", required=True,
              choices=("possible", "under-discussion", "agreed", "active", "ended")),
        _themes(), Field("discussed_at", "ref", many=True, ref=("meetings",)),
        Field("description"), _source(), *_inferred(), _identifiers(),
    ), description="Partnerships, possible or real, and their status."),
    Table("products", "products.csv", (
        _ident(), _label(), _alt(), Field("maker", "ref", required=True, ref=ORG_REF), _themes(),
        Field("description"), _source(), _identifiers(),
    ), description="Products of organizations."),
    Table("projects", "projects.csv", (
        _ident(), _label(), Field("acronym"), Field("title"), _alt(), Field("programme"), Field("call"),
        Field("start", "date"), Field("end", "date"),
        Field("status", "enum", choices=PROJECT_STATUSES),
        Field("budget", "decimal", minimum=0), Field("funding", "decimal", minimum=0), _themes(),
        _identifiers(), Field("homepage", "url"), Field("description"), _source(),
    ), description="Funded projects (research and innovation actions, grants): programme, call, dates, "
                   "status, budget and the funder's contribution, in euros."),
    Table("initiatives", "initiatives.csv", (
        _ident(), _label(), _alt(), Field("kind", "enum", required=True, choices=INITIATIVE_KINDS),
        Field("organizer", "ref", many=True, ref=ORG_REF), _themes(), Field("homepage", "url"),
        Field("description"), _source(), _identifiers(),
    ), description="What sources name that is neither an organization, a project nor an event: funding "
                   "programmes and funds (COSME, Horizon 2020), initiatives, labels and awards, agreements "
                   "and other documents (a memorandum of understanding)."),
    Table("participations", "participations.csv", (
        Field("project", "ref", required=True, ref=("projects",)),
        Field("organization", "ref", required=True, ref=ORG_REF),
        Field("role", "enum", required=True, choices=PARTICIPATION_ROLES),
        Field("funding", "decimal", minimum=0), Field("start", "date"), Field("end", "date"), _source(),
    ), key=("project", "organization"),
        description="Which organization takes part in which project, in which role, with what funding (euros)."),
    Table("relations", "relations.csv", (
        Field("subject", "ref", required=True, ref=ORG_REF),
        Field("relation", "id", required=True),
        Field("object", "ref", required=True, ref=ORG_REF), _source(), *_inferred(),
    ), key=("subject", "relation", "object"),
        description="Other relations between organizations, named by ontology properties."),
)

LIST_SEPARATOR_NOTE = (
    "Fields that take several values separate them with `|` in CSV files (`smart-cities|blockchain`) "
    "and are lists in YAML. A record's `inferred` field names those of its fields whose values are "
    "inferred rather than stated by the source, and `inference_note` says why. Identifiers are "
    "lowercase letters, digits and single hyphens; they become the last part of the entity's IRI. "
    "Columns (and YAML keys) whose name starts with `x_` are kept for people and ignored by the build: "
    "an import's extra fields (see docs/import.md), an analyst's own notes.")

LIMITS_NOTE = (
    "What every record file must hold, so that the graph can be written as Turtle and queried with "
    "SPARQL (each refusal names file, line and field): record files are regular files (a named pipe, "
    "a directory or a device in their place is refused, never read); YAML files use no aliases "
    "(`*name`) and at most 32 levels of nesting, and their dates and numbers are read as the text "
    "written; no value holds a control character other than tab and line breaks; an http(s) address "
    "holds no space, tab, line break or any of `<` `>` `\"` `{` `}` `|` `\\` `^` and the backtick; "
    "whole numbers have at most 18 digits (they fit the 64-bit integers of SPARQL engines) and decimals "
    "are finite (`nan`, `inf` refused). "
    "A wrong value longer than 120 characters is quoted by its start and its length.")

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

#: Keys of data/project.yaml.
PROJECT_FIELDS: tuple[Field, ...] = (
    Field("title", required=True), Field("description"), Field("base_iri", "url"),
    Field("home_organization", "ref", ref=ORG_REF),
)

#: Draft files: records drafted by ``ecosystem-graph extract``, read alongside the record files.
DRAFT_FILES = "*.draft.yaml"
#: Top-level keys of a draft file that hold notes for the reviewer, not records.
DRAFT_INFO_KEYS = ("draft", "mentioned_dates", "mentioned_themes")
#: Keys of the ``review`` block every record of a draft file carries.
REVIEW_FIELDS: tuple[Field, ...] = (
    Field("status", "enum", required=True, choices=("proposed", "accepted", "rejected")),
    Field("match", required=True),
    Field("confidence", "decimal", minimum=0, maximum=1),
    Field("why"),
    Field("evidence"),
)
DRAFTS_NOTE = (
    "A draft file (`*.draft.yaml` in the data folder, written by `ecosystem-graph extract`) holds lists of "
    "records named after the tables above (`organizations:`, `meetings:`...), each record with the fields of "
    "its table and a `review` block. Only records whose review `status` is `accepted` and whose `match` is "
    "`new` are read; `match` names the existing record a drafted one is the same as. The keys "
    + ", ".join(f"`{k}`" for k in DRAFT_INFO_KEYS) + " hold notes for the reviewer and are not read. "
    "`evidence` lists the sentences (`start`, `end` offsets into the article's text, `sentence`) the record "
    "was drafted from.")
