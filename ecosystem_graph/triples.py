"""Turn checked records into RDF triples, following docs/data-model.md.

>>> from pathlib import Path
>>> from .records import load_records
>>> g = records_to_graph(load_records(Path(__file__).resolve().parents[1] / "data"))
>>> from rdflib import URIRef
>>> (URIRef("https://w3id.org/ecosystem-graph/id/organization/nesta"), RDF.type, ORG.Organization) in g
True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as _rdf
from rdflib.term import Node

from . import namespaces as _ns
from .namespaces import DEFAULT_BASE_IRI, bind_prefixes
from .records import Record, Records, slug

__all__ = ["EMITTERS", "EVENT_STATUS", "GraphBuilder", "NTriplesSink", "PARTICIPATION_ROLES", "PARTNERSHIP_STATUS",
           "PROJECT_STATUS", "SAME_AS_SCHEMES", "SOURCE_TYPES",
           "StreamLiteral", "emitted_count", "nt_term", "ntriples_chunks", "partial_date_literal", "records_to_graph",
           "relation_property"]


class _Terms:
    """An rdflib namespace whose terms, once looked up, are plain attributes.

    rdflib resolves ``SCHEMA.location`` anew on every access, which costs more than making the
    triple; the emitters below name a handful of terms millions of times at scale.
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term: URIRef = getattr(self._namespace, name)
        self.__dict__[name] = term
        return term

    def __getitem__(self, name: str) -> URIRef:
        term: URIRef = self._namespace[name]
        return term

    def __str__(self) -> str:
        return str(self._namespace)


DCAT = _Terms(_rdf.DCAT)
DCT = _Terms(_ns.DCT)
ECO = _Terms(_ns.ECO)
FOAF = _Terms(_rdf.FOAF)
FRAPO = _Terms(_ns.FRAPO)
GEO = _Terms(_ns.GEO)
GEONAMES = _Terms(_ns.GEONAMES)
ORG = _Terms(_rdf.ORG)
OWL = _Terms(_rdf.OWL)
PROV = _Terms(_rdf.PROV)
RDF = _Terms(_rdf.RDF)
RDFS = _Terms(_rdf.RDFS)
SCHEMA = _Terms(_ns.SCHEMA)
SKOS = _Terms(_rdf.SKOS)
TIME = _Terms(_rdf.TIME)
XSD = _Terms(_rdf.XSD)

EVENT_STATUS = {
    "scheduled": SCHEMA.EventScheduled,
    "cancelled": SCHEMA.EventCancelled,
    "postponed": SCHEMA.EventPostponed,
    "rescheduled": SCHEMA.EventRescheduled,
    "moved-online": SCHEMA.EventMovedOnline,
}
PARTNERSHIP_STATUS = {
    "possible": ECO.Possible,
    "under-discussion": ECO.UnderDiscussion,
    "agreed": ECO.Agreed,
    "active": ECO.Active,
    "ended": ECO.Ended,
}
PROJECT_STATUS = {name: ECO[name.capitalize()] for name in ("signed", "ongoing", "closed", "terminated",
                                                             "suspended", "cancelled")}
INITIATIVE_KINDS = {"programme": ECO.FundingProgramme, "initiative": ECO.PolicyInitiative, "label": ECO.Label,
                    "document": ECO.Agreement}
PARTICIPATION_ROLES = {"coordinator": ECO.Coordinator, "participant": ECO.Participant, "partner": ECO.Partner,
                       "third-party": ECO.ThirdParty, "associated-partner": ECO.AssociatedPartner,
                       "international-partner": ECO.InternationalPartner}
#: Identifier schemes that name the same thing in another data set (owl:sameAs to its IRI).
SAME_AS_SCHEMES = {"ror": "https://ror.org/", "wikidata": "http://www.wikidata.org/entity/"}
SOURCE_TYPES = {"news-item": SCHEMA.NewsArticle, "dataset": SCHEMA.Dataset,
                "report": SCHEMA.Report, "web-page": SCHEMA.WebPage}


def relation_property(name: str) -> URIRef:
    """The ontology property a kebab-case relation name of relations.csv stands for.

    >>> relation_property("promotes-work-of")
    rdflib.term.URIRef('https://w3id.org/ecosystem-graph/ontology#promotesWorkOf')
    """
    head, *rest = name.split("-")
    return ECO[head + "".join(part.capitalize() for part in rest)]


def partial_date_literal(text: str) -> Literal:
    """A literal typed xsd:gYear, xsd:gYearMonth or xsd:date after the text's precision.

    >>> partial_date_literal("2018-09").datatype == XSD.gYearMonth
    True
    """
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date)
    return Literal(text, datatype=datatype)


class GraphBuilder:
    """Adds the triples of records to a graph, marking inferred ones as such.

    ``graph`` is any object with an rdflib-style ``add((s, p, o))``: by default a new rdflib
    graph, or an :class:`NTriplesSink` to stream the triples out instead of holding them.
    """

    def __init__(self, records: Records, base_iri: str | None = None, graph: Any = None):
        self.records = records
        self.base = base_iri or records.project.get("base_iri") or DEFAULT_BASE_IRI
        self.graph = bind_prefixes(Graph(), self.base) if graph is None else graph
        #: Makes the literals of the triples: rdflib's Literal, or a cheaper stand-in for a sink.
        self.lit: Callable[..., Node] = getattr(graph, "literal_factory", Literal)
        self._iris: dict[tuple[str, str], URIRef] = {}
        self._role_labels: dict[str, str] = {}
        self._role_owners: dict[str, Record] | None = None

    def iri(self, kind: str, key: str) -> URIRef:
        cached = self._iris.get((kind, key))
        if cached is None:
            cached = URIRef(f"{self.base}{kind}/{key}")
            if len(self._iris) < 200_000:  # sources, themes, places... are named again and again
                self._iris[(kind, key)] = cached
        return cached

    def role(self, text: str) -> tuple[URIRef, str, str]:
        """The role IRI for a role's text, its identifier, and its label: the first spelling met in the records.

        "Chairman" and "chairman" are one role (one IRI from the slug, one label; the other
        spelling becomes an alternative label); a text with no Latin letters gets a digest.
        """
        key = slug(text) or "role-" + hashlib.sha1(text.encode()).hexdigest()[:10]
        return self.iri("role", key), key, self._role_labels.setdefault(key, text)

    def states_role(self, membership: Record, key: str) -> bool:
        """Whether ``membership`` is the first (in the records' order) to name role ``key``: the
        role's own triples go out with that one only, so that a stream of triples states them once
        (a graph merges repeats, a file would keep them) and two slices of a run agree on where."""
        return self._learn_roles().setdefault(key, membership) is membership

    def ref(self, table: str, key: str) -> URIRef:
        """The IRI of the record ``key``, looked up in ``table`` (or the first table holding it)."""
        target = self.records.find(table.split("|"), key)
        kind = target.table.iri_kind if target else table
        return self.iri(kind, key)

    def subject(self, record: Record) -> URIRef:
        return self.iri(record.table.iri_kind, record.key)

    def add(self, record: Record, name: str | None, s: Node, p: URIRef, o: Node) -> None:
        """Add one triple made from ``record``'s field ``name``; mark it when that field is inferred."""
        self.graph.add((s, p, o))
        if name and record.is_inferred(name):
            self._mark_inferred(record, s, p, o, record.get("inference_note"))

    def _mark_inferred(self, record: Record, s: Node, p: URIRef, o: Node, note: str | None) -> None:
        digest = hashlib.sha1(f"{s.n3()} {p.n3()} {o.n3()}".encode()).hexdigest()[:16]
        statement = self.iri("statement", digest)
        g = self.graph
        g.add((statement, RDF.type, RDF.Statement))
        g.add((statement, RDF.subject, s))
        g.add((statement, RDF.predicate, p))
        g.add((statement, RDF.object, o))
        g.add((statement, ECO.inferred, self.lit(True)))
        for source in record.get("source", []):
            g.add((statement, PROV.wasDerivedFrom, self.iri("source", source)))
        if note:
            g.add((statement, SKOS.note, self.lit(note)))

    def literal(self, record: Record, name: str, s: Node, p: URIRef, datatype: URIRef | None = None) -> None:
        value = record.get(name)
        if value is None:
            return
        if isinstance(value, date):
            value, datatype = value.isoformat(), XSD.date
        self.add(record, name, s, p, self.lit(value, datatype=datatype))

    def links(self, record: Record, name: str, s: Node, p: URIRef, table: str) -> None:
        value = record.get(name)
        for key in value if isinstance(value, list) else ([value] if value else []):
            self.add(record, name, s, p, self.ref(table, key))

    def common(self, record: Record, *types: URIRef, label: str | None = None) -> URIRef:
        """Type, label, identifier, alternative labels and sources: what every entity has."""
        s = self.subject(record)
        for rdf_type in types:
            self.graph.add((s, RDF.type, rdf_type))
        self.graph.add((s, RDFS.label, self.lit(label or record.get("label") or record.get("name"))))
        self.graph.add((s, DCT.identifier, self.lit(record.key)))
        for alt in record.get("alt_labels", []):
            self.graph.add((s, SKOS.altLabel, self.lit(alt)))
        for source in record.get("source", []):
            self.graph.add((s, PROV.wasDerivedFrom, self.iri("source", source)))
        self.literal(record, "description", s, DCT.description)
        self.identifiers(record, s)
        return s

    def identifiers(self, record: Record, s: URIRef) -> None:
        """``schema:identifier "scheme:value"`` for each identifier; the same thing elsewhere
        (ROR, Wikidata) as ``owl:sameAs``, a VAT number also as ``schema:vatID``."""
        for text in record.get("identifiers", []):
            self.graph.add((s, SCHEMA.identifier, self.lit(text)))
            scheme, value = text.split(":", 1)
            if scheme in SAME_AS_SCHEMES:
                self.graph.add((s, OWL.sameAs, URIRef(SAME_AS_SCHEMES[scheme] + value)))
            elif scheme == "vat":
                self.graph.add((s, SCHEMA.vatID, self.lit(value)))

    def build(self) -> Graph:
        for _ in self.emit_records():
            pass
        return self.graph

    def emit_records(self, start: int = 0, stop: int | None = None) -> Iterator[Record]:
        """Add every record's triples, yielding each record once its triples are added.

        The data set's own triples (from ``project.yaml``) are added after the last record.
        ``start`` and ``stop`` take a slice of the records (in the order of the whole run): two
        slices made apart give together the triples of the whole run, in its order.
        """
        if start:
            self._learn_roles()
        emitted = ((emit, record) for table, emit in EMITTERS.items() for record in self.records.all(table))
        for emit, record in islice(emitted, start, stop):
            emit(self, record)
            yield record
        if stop is None or stop >= emitted_count(self.records):
            self._dataset()

    def _learn_roles(self) -> dict[str, Record]:
        """Each role's first spelling and first membership in the records, as a run from the first
        record meets them (a slice of a run that starts later learns them first); made once."""
        if self._role_owners is None:
            self._role_owners = {}
            for record in self.records.all("memberships"):
                self._role_owners.setdefault(self.role(record.get("role"))[1], record)
        return self._role_owners

    def _dataset(self) -> None:
        project = self.records.project
        s = self.iri("dataset", "this")
        g = self.graph
        g.add((s, RDF.type, DCAT.Dataset))
        title = project.get("title") or "Ecosystem graph"
        g.add((s, RDFS.label, self.lit(title)))
        g.add((s, DCT.title, self.lit(title)))
        g.add((s, DCT.identifier, self.lit("this")))
        if project.get("description"):
            g.add((s, DCT.description, self.lit(project["description"])))
        if project.get("home_organization"):
            g.add((s, ECO.homeOrganization, self.iri("organization", project["home_organization"])))


# -- one emitter per record table ------------------------------------------------------------


def _concept(b: GraphBuilder, r: Record, rdf_type: URIRef, scheme: URIRef) -> None:
    s = b.common(r, SKOS.Concept, rdf_type)
    b.graph.add((s, SKOS.prefLabel, b.lit(r.get("label"))))
    b.graph.add((s, SKOS.inScheme, scheme))
    b.literal(r, "definition", s, SKOS.definition)
    broader = r.get("broader", [])
    for key in broader:
        parent = b.iri(r.table.iri_kind, key)
        b.graph.add((s, SKOS.broader, parent))
        b.graph.add((parent, SKOS.narrower, s))
    if not broader:
        b.graph.add((s, SKOS.topConceptOf, scheme))
        b.graph.add((scheme, SKOS.hasTopConcept, s))


def _source(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, PROV.Entity, label=r.get("title"))
    if r.get("kind") in SOURCE_TYPES:
        b.graph.add((s, RDF.type, SOURCE_TYPES[r.get("kind")]))
    b.literal(r, "title", s, DCT.title)
    b.links(r, "publisher", s, DCT.publisher, "organizations")
    if r.get("url"):
        b.graph.add((s, SCHEMA.url, URIRef(r.get("url"))))
    if r.get("published"):
        b.graph.add((s, DCT.issued, partial_date_literal(r.get("published"))))
    b.literal(r, "language", s, DCT.language)
    b.literal(r, "note", s, SKOS.note)


def _place(b: GraphBuilder, r: Record) -> None:
    kind = SCHEMA.City if r.get("kind") == "city" else SCHEMA.Country
    s = b.common(r, kind)
    b.links(r, "country", s, SCHEMA.containedInPlace, "places")
    if r.get("latitude") is None:
        b.graph.add((s, ECO.coordinatesUnknown, b.lit(True)))  # a place an import could not locate
    else:
        b.add(r, "latitude", s, GEO.lat, b.lit(f"{r.get('latitude'):.5f}", datatype=XSD.decimal))
        b.add(r, "longitude", s, GEO.long, b.lit(f"{r.get('longitude'):.5f}", datatype=XSD.decimal))
    if r.get("geonames_id") is not None:
        gid = str(r.get("geonames_id"))
        b.graph.add((s, ECO.geonamesId, b.lit(gid)))
        b.graph.add((s, OWL.sameAs, GEONAMES[f"{gid}/"]))


def _organization(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, ORG.Organization)
    b.links(r, "type", s, ORG.classification, "organization-types")
    if r.get("city"):
        b.links(r, "city", s, SCHEMA.location, "places")
    else:
        b.links(r, "country", s, SCHEMA.location, "places")
    if r.get("homepage"):
        b.add(r, "homepage", s, FOAF.homepage, URIRef(r.get("homepage")))
    b.links(r, "themes", s, SCHEMA.knowsAbout, "themes")
    if r.get("street") or r.get("postal_code"):
        address = URIRef(f"{s}/address")  # an IRI, not a blank node: builds stay byte-identical
        b.graph.add((s, SCHEMA.address, address))
        b.graph.add((address, RDF.type, SCHEMA.PostalAddress))
        b.literal(r, "street", address, SCHEMA.streetAddress)
        b.literal(r, "postal_code", address, SCHEMA.postalCode)


def _person(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, FOAF.Person, SCHEMA.Person)
    b.literal(r, "name", s, FOAF.name)
    b.literal(r, "given_name", s, FOAF.givenName)
    b.literal(r, "family_name", s, FOAF.familyName)


def _membership(b: GraphBuilder, r: Record) -> None:
    person, organization = b.iri("person", r.get("person")), b.iri("organization", r.get("organization"))
    label = f"{b.records.get('people', r.get('person')).get('name')}, {r.get('role')}"
    s = b.common(r, ORG.Membership, label=label)
    role, role_id, role_label = b.role(r.get("role"))
    g = b.graph
    g.add((s, ORG.member, person))
    g.add((s, ORG.organization, organization))
    g.add((s, ORG.role, role))
    g.add((person, ORG.memberOf, organization))
    if b.states_role(r, role_id):
        g.add((role, RDF.type, ORG.Role))
        g.add((role, RDFS.label, b.lit(role_label)))
        g.add((role, SKOS.prefLabel, b.lit(role_label)))
        g.add((role, DCT.identifier, b.lit(role_id)))
    if r.get("role") != role_label:
        g.add((role, SKOS.altLabel, b.lit(r.get("role"))))
    if r.get("start") or r.get("end"):
        interval = URIRef(f"{s}/during")
        g.add((s, ORG.memberDuring, interval))
        g.add((interval, RDF.type, TIME.Interval))
        for name, link in (("start", TIME.hasBeginning), ("end", TIME.hasEnd)):
            if r.get(name):
                instant = URIRef(f"{interval}/{name}")
                g.add((interval, link, instant))
                g.add((instant, RDF.type, TIME.Instant))
                g.add((instant, TIME.inXSDDate, b.lit(r.get(name).isoformat(), datatype=XSD.date)))


def _programme(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, SCHEMA.EventSeries, ECO.VisitProgramme)
    b.links(r, "organizer", s, SCHEMA.organizer, "organizations")
    for goal in r.get("goals", []):
        b.graph.add((s, ECO.goal, b.lit(goal)))
    b.links(r, "themes", s, SCHEMA.about, "themes")
    b.links(r, "countries", s, SCHEMA.location, "places")
    b.links(r, "target_types", s, ECO.targetOrganizationType, "organization-types")


def _visit(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, ECO.WorkingVisit)
    b.literal(r, "start", s, SCHEMA.startDate)
    b.literal(r, "end", s, SCHEMA.endDate)
    b.links(r, "cities", s, SCHEMA.location, "places")
    b.links(r, "organizer", s, SCHEMA.organizer, "organizations")
    b.links(r, "participants", s, SCHEMA.attendee, "people")
    if r.get("programme"):
        programme = b.iri("programme", r.get("programme"))
        b.graph.add((s, SCHEMA.superEvent, programme))
        b.graph.add((programme, SCHEMA.subEvent, s))


def _meeting(b: GraphBuilder, r: Record) -> None:
    organization = b.records.get("organizations", r.get("organization"))
    s = b.common(r, ECO.Meeting, label=r.get("label") or f"Meeting with {organization.get('label')}")
    visit = b.iri("visit", r.get("visit"))
    b.graph.add((s, SCHEMA.superEvent, visit))
    b.graph.add((visit, SCHEMA.subEvent, s))
    b.graph.add((s, ECO.reportOrder, b.lit(r.get("order"))))
    b.links(r, "organization", s, ECO.metOrganization, "organizations")
    b.literal(r, "date", s, SCHEMA.startDate)
    b.links(r, "same_day_as", s, ECO.sameDayAs, "meetings")
    b.links(r, "city", s, SCHEMA.location, "places")
    b.links(r, "themes", s, SCHEMA.about, "themes")
    b.links(r, "presented", s, ECO.presented, "products|events")
    b.literal(r, "summary", s, DCT.description)
    b.literal(r, "assessment", s, ECO.assessment)
    b.literal(r, "outcome", s, ECO.outcome)
    if r.get("participants"):
        b.links(r, "participants", s, SCHEMA.attendee, "people")
    else:
        _inherit_attendees(b, r, s)


def _inherit_attendees(b: GraphBuilder, r: Record, meeting: URIRef) -> None:
    """Meetings without listed participants get the visit's, marked as inferred."""
    visit = b.records.get("visits", r.get("visit"))
    note = (f"Not listed for this meeting; taken from the participants of visit {visit.key}, "
            "which the source says they took part in as a whole.")
    for person in visit.get("participants", []):
        o = b.iri("person", person)
        b.graph.add((meeting, SCHEMA.attendee, o))
        b._mark_inferred(r, meeting, SCHEMA.attendee, o, note)


def _event(b: GraphBuilder, r: Record) -> None:
    types = (SCHEMA.Event, ECO.FollowUp) if r.get("kind") == "follow-up" else (SCHEMA.Event,)
    s = b.common(r, *types)
    for name, p in (("start", SCHEMA.startDate), ("end", SCHEMA.endDate)):
        if r.get(name):
            b.add(r, name, s, p, partial_date_literal(r.get(name)))
    b.links(r, "location", s, SCHEMA.location, "places")
    b.links(r, "organizer", s, SCHEMA.organizer, "organizations")
    b.links(r, "themes", s, SCHEMA.about, "themes")
    b.links(r, "concerns", s, ECO.concerns, "visits|meetings")
    if r.get("status"):
        b.graph.add((s, SCHEMA.eventStatus, EVENT_STATUS[r.get("status")]))
    b.literal(r, "attendees_at_least", s, ECO.attendeesAtLeast)


def _partnership(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, ECO.Partnership)
    b.links(r, "partners", s, ECO.partner, "organizations")
    b.add(r, "status", s, ECO.partnershipStatus, PARTNERSHIP_STATUS[r.get("status")])
    b.links(r, "themes", s, SCHEMA.about, "themes")
    b.links(r, "discussed_at", s, ECO.discussedAt, "meetings")


def _product(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, ECO.Product)
    b.links(r, "maker", s, SCHEMA.manufacturer, "organizations")
    b.links(r, "themes", s, SCHEMA.about, "themes")


def _project(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, SCHEMA.ResearchProject, FRAPO.Project)
    if r.get("acronym"):
        b.literal(r, "acronym", s, FRAPO.hasAcronym)
        b.graph.add((s, SKOS.altLabel, b.lit(r.get("acronym"))))
    b.literal(r, "title", s, DCT.title)
    b.literal(r, "programme", s, ECO.fundingProgramme)
    b.literal(r, "call", s, FRAPO.hasCallIdentifier)
    b.literal(r, "start", s, SCHEMA.startDate)
    b.literal(r, "end", s, SCHEMA.endDate)
    if r.get("status"):
        b.add(r, "status", s, ECO.projectStatus, PROJECT_STATUS[r.get("status")])
    _euros(b, r, "budget", s, ECO.budget)
    _euros(b, r, "funding", s, ECO.funderContribution)
    b.links(r, "themes", s, SCHEMA.about, "themes")
    if r.get("homepage"):
        b.add(r, "homepage", s, FOAF.homepage, URIRef(r.get("homepage")))


def _initiative(b: GraphBuilder, r: Record) -> None:
    s = b.common(r, ECO.Initiative)
    b.add(r, "kind", s, ECO.initiativeKind, INITIATIVE_KINDS[r.get("kind")])
    b.links(r, "organizer", s, SCHEMA.organizer, "organizations")
    b.links(r, "themes", s, SCHEMA.about, "themes")
    if r.get("homepage"):
        b.add(r, "homepage", s, FOAF.homepage, URIRef(r.get("homepage")))


def _euros(b: GraphBuilder, r: Record, name: str, s: URIRef, p: URIRef) -> None:
    value = r.get(name)
    if value is not None:
        b.add(r, name, s, p, b.lit(f"{value:.2f}", datatype=XSD.decimal))


def _participation(b: GraphBuilder, r: Record) -> None:
    project, organization = b.iri("project", r.get("project")), b.iri("organization", r.get("organization"))
    label = (f"{b.records.get('organizations', r.get('organization')).get('label')} in "
             f"{b.records.get('projects', r.get('project')).get('label')} ({r.get('role')})")
    s = b.common(r, ECO.Participation, label=label)
    g = b.graph
    g.add((s, ECO.participant, organization))
    g.add((s, ECO.inProject, project))
    g.add((s, ECO.participationRole, PARTICIPATION_ROLES[r.get("role")]))
    g.add((organization, ECO.participatesIn, project))  # one hop from an organization to its projects
    _euros(b, r, "funding", s, ECO.funderContribution)
    b.literal(r, "start", s, SCHEMA.startDate)
    b.literal(r, "end", s, SCHEMA.endDate)


def _relation(b: GraphBuilder, r: Record) -> None:
    b.add(r, "relation", b.iri("organization", r.get("subject")), relation_property(r.get("relation")),
          b.iri("organization", r.get("object")))


EMITTERS: dict[str, Callable[[GraphBuilder, Record], None]] = {
    "sources": _source,
    "places": _place,
    "organization-types": lambda b, r: _concept(b, r, ECO.OrganizationType, ECO.organizationTypes),
    "themes": lambda b, r: _concept(b, r, ECO.Theme, ECO.themes),
    "organizations": _organization,
    "people": _person,
    "memberships": _membership,
    "programmes": _programme,
    "visits": _visit,
    "meetings": _meeting,
    "events": _event,
    "partnerships": _partnership,
    "products": _product,
    "projects": _project,
    "initiatives": _initiative,
    "participations": _participation,
    "relations": _relation,
}


def records_to_graph(records: Records, base_iri: str | None = None) -> Graph:
    """The RDF graph of ``records`` (without the ontology), with project prefixes bound."""
    return GraphBuilder(records, base_iri).build()



# -- streaming: N-Triples lines instead of an rdflib graph -----------------------------------

_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_XSD_STRING = str(XSD.string)
_XSD_INTEGER = XSD.integer
_XSD_BOOLEAN = XSD.boolean


class StreamLiteral:
    """A literal kept as its N-Triples text: what the streaming build makes instead of an rdflib Literal.

    It costs a tenth of an rdflib ``Literal`` (which parses its value); ``n3()`` still gives
    rdflib's text, so inferred-statement identifiers are the same on both paths.

    >>> StreamLiteral(3).nt, StreamLiteral("a\\nb").n3() == Literal("a\\nb").n3()
    ('"3"^^<http://www.w3.org/2001/XMLSchema#integer>', True)
    """

    __slots__ = ("nt", "value", "datatype")

    def __init__(self, value: Any, datatype: URIRef | None = None) -> None:
        if isinstance(value, bool):
            lexical, datatype = ("true" if value else "false"), _XSD_BOOLEAN
        elif isinstance(value, int):
            lexical, datatype = str(value), _XSD_INTEGER
        elif isinstance(value, str):
            lexical = value
        else:
            literal = Literal(value, datatype=datatype)
            lexical, datatype = str(literal), literal.datatype
        self.value, self.datatype = value, datatype
        self.nt = f'"{lexical.translate(_NT_ESCAPES)}"' + (
            f"^^<{datatype}>" if datatype is not None and str(datatype) != _XSD_STRING else "")

    def n3(self) -> str:
        return Literal(self.value, datatype=self.datatype).n3()


def nt_term(term: Node | StreamLiteral) -> str:
    """``term`` in N-Triples syntax, written without rdflib's general-purpose serializer.

    >>> nt_term(URIRef("https://example.org/a")), nt_term(Literal('say "hi"\\n'))
    ('<https://example.org/a>', '"say \\\\"hi\\\\"\\\\n"')
    >>> nt_term(Literal("2018-07-30", datatype=XSD.date))
    '"2018-07-30"^^<http://www.w3.org/2001/XMLSchema#date>'
    """
    if type(term) is StreamLiteral:
        return term.nt
    if isinstance(term, URIRef):
        text = str(term)
        if _IRI_UNSAFE.search(text):
            text = _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04X}", text)
        return f"<{text}>"
    if isinstance(term, Literal):
        lexical = f'"{str(term).translate(_NT_ESCAPES)}"'
        if term.language:
            return f"{lexical}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{lexical}^^<{term.datatype}>"
        return lexical
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"cannot write {term!r} as N-Triples")


class NTriplesSink:
    """Stands in for an rdflib graph: collects the triples added to it as N-Triples lines.

    >>> sink = NTriplesSink()
    >>> sink.add((URIRef("urn:a"), RDFS.label, sink.literal_factory("A")))
    >>> sink.take()
    b'<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\\n'
    >>> sink.count
    1

    ``watch`` sees the triples of chosen predicates go by, as N-Triples text:

    >>> seen = []
    >>> sink = NTriplesSink({"<urn:p>": lambda s, o: seen.append((s, o))})
    >>> sink.add((URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b"))); seen
    [('<urn:a>', '<urn:b>')]
    """

    literal_factory = StreamLiteral

    def __init__(self, watch: dict[str, Callable[[str, str], None]] | None = None) -> None:
        self.lines: list[str] = []
        self.count = 0
        self._iris: dict[str, str] = {}  # IRI -> its N-Triples text; most are written many times
        #: Predicate (as N-Triples text) -> called with the subject's and object's N-Triples text of
        #: each triple with that predicate: how a build learns about its graph without querying it.
        self.watch = watch or {}

    def add(self, triple: tuple[Any, Any, Any]) -> None:
        s, p, o = triple
        iris = self._iris
        # Keyed by the plain text: hashing rdflib terms runs Python code, hashing text does not.
        s_nt = iris.get(str(s)) if type(s) is URIRef else None
        if s_nt is None:
            s_nt = self._iri_or_term(s)
        p_nt = iris.get(str(p)) or self._iri_or_term(p)
        if type(o) is StreamLiteral:
            o_nt = o.nt
        else:
            o_nt = (iris.get(str(o)) if type(o) is URIRef else None) or self._iri_or_term(o)
        self.lines.append(f"{s_nt} {p_nt} {o_nt} .\n")
        self.count += 1
        if self.watch:
            watcher = self.watch.get(p_nt)
            if watcher is not None:
                watcher(s_nt, o_nt)

    def _iri_or_term(self, term: Any) -> str:
        text = nt_term(term)
        if type(term) is URIRef:
            if len(self._iris) >= 300_000:
                self._iris.clear()  # bounded: a cache, not a copy of the graph
            self._iris[str(term)] = text
        return text

    def take(self) -> bytes:
        """The lines collected since the last call, as UTF-8 bytes."""
        data = "".join(self.lines).encode("utf-8")
        self.lines.clear()
        return data


def emitted_count(records: Records) -> int:
    """How many records :meth:`GraphBuilder.emit_records` goes through: the end of its last slice."""
    return sum(len(records.all(table)) for table in EMITTERS)


def ntriples_chunks(records: Records, base_iri: str | None = None, batch: int = 20_000,
                    progress: Callable[[int], None] | None = None,
                    watch: dict[str, Callable[[str, str], None]] | None = None,
                    start: int = 0, stop: int | None = None) -> Iterator[bytes]:
    """The triples of ``records`` as N-Triples, in chunks of about ``batch`` triples.

    Only one chunk is held at a time, so memory stays bounded however large the ecosystem.
    The triples are those of :func:`records_to_graph` (duplicates included: a store keeps one).
    ``progress`` is called with the number of records done after each chunk; ``watch`` is
    passed to the :class:`NTriplesSink`; ``start`` and ``stop`` take a slice of the records (see
    :meth:`GraphBuilder.emit_records`).

    >>> from pathlib import Path
    >>> from .records import load_records
    >>> records = load_records(Path(__file__).resolve().parents[1] / "data")
    >>> text = b"".join(ntriples_chunks(records)).decode()
    >>> len(Graph().parse(data=text, format="nt")) == len(records_to_graph(records))
    True
    """
    sink = NTriplesSink(watch)
    builder = GraphBuilder(records, base_iri, graph=sink)
    done = 0
    for done, _ in enumerate(builder.emit_records(start, stop), 1):
        if len(sink.lines) >= batch:
            yield sink.take()
            if progress:
                progress(done)
    if sink.lines:
        yield sink.take()
    if progress:
        progress(done)
