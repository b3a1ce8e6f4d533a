"""The kinds of things the graph holds, in one table: each kind's name, labels, record table, IRI
segment, class and style. The schema's IRI segments, the network's node kinds, the views' styles,
the site's titles and the named queries' parameter kinds are all read from here, so adding a kind
means one row here, its fields in :mod:`.schema`, its emitter in :mod:`.triples`, and its class in
the ontology and the shapes.

>>> BY_NAME["organization-type"].table, BY_NAME["organization-type"].segment
('organization-types', 'org-type')
>>> [k.name for k in KINDS if k.table == "places"]
['city', 'country']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BY_NAME", "KINDS", "NODE_KINDS", "OTHER", "PARAMETER_KINDS", "SEGMENTS", "Kind"]

_ORG = "http://www.w3.org/ns/org#"
_FOAF = "http://xmlns.com/foaf/0.1/"
_SCHEMA = "https://schema.org/"
_ECO = "https://w3id.org/ecosystem-graph/ontology#"
_PROV = "http://www.w3.org/ns/prov#"


@dataclass(frozen=True)
class Kind:
    """One kind of thing in the graph.

    ``name`` is its one spelling (in node attributes, query parameters, site folders); ``table`` the
    record table its entities come from; ``segment`` the path segment of its IRIs under the base;
    ``cls`` the class its entities are instances of (``None`` for records that are no entity of
    their own: memberships, relations); ``color`` and ``shape`` how views draw it (Tableau 10
    colours, vis-network shapes).
    """

    name: str
    label: str
    plural: str
    table: str
    segment: str
    cls: str | None = None
    color: str = "#cfcfcf"
    shape: str = "dot"

    @property
    def is_node(self) -> bool:
        """Whether its entities are nodes of the entity graph."""
        return self.cls is not None


#: Every kind, in the order legends and indexes list them; when an entity has the classes of
#: several kinds it takes the first.
KINDS: tuple[Kind, ...] = (
    Kind("organization", "Organization", "Organizations", "organizations", "organization", _ORG + "Organization",
         "#4e79a7", "dot"),
    Kind("person", "Person", "People", "people", "person", _FOAF + "Person", "#f28e2b", "triangle"),
    Kind("city", "City", "Cities", "places", "place", _SCHEMA + "City", "#59a14f", "square"),
    Kind("country", "Country", "Countries", "places", "place", _SCHEMA + "Country", "#2e6b2a", "square"),
    Kind("theme", "Theme", "Themes", "themes", "theme", _ECO + "Theme", "#b07aa1", "diamond"),
    Kind("organization-type", "Organization type", "Organization types", "organization-types", "org-type",
         _ECO + "OrganizationType", "#9c755f", "hexagon"),
    Kind("programme", "Visit programme", "Visit programmes", "programmes", "programme", _ECO + "VisitProgramme",
         "#ff9da7", "star"),
    Kind("visit", "Working visit", "Working visits", "visits", "visit", _ECO + "WorkingVisit", "#e15759", "star"),
    Kind("meeting", "Meeting", "Meetings", "meetings", "meeting", _ECO + "Meeting", "#edc948", "triangleDown"),
    Kind("event", "Event", "Events", "events", "event", _SCHEMA + "Event", "#76b7b2", "triangleDown"),
    Kind("partnership", "Partnership", "Partnerships", "partnerships", "partnership", _ECO + "Partnership",
         "#d37295", "hexagon"),
    Kind("product", "Product", "Products", "products", "product", _ECO + "Product", "#499894", "diamond"),
    Kind("project", "Project", "Projects", "projects", "project", _SCHEMA + "ResearchProject", "#86bcb6", "box"),
    Kind("initiative", "Initiative", "Initiatives", "initiatives", "initiative", _ECO + "Initiative", "#d4a6c8", "box"),
    Kind("source", "Source", "Sources", "sources", "source", _PROV + "Entity", "#bab0ac", "square"),
    Kind("membership", "Membership", "Memberships", "memberships", "membership"),
    Kind("participation", "Participation", "Participations", "participations", "participation"),
    Kind("relation", "Relation", "Relations", "relations", "relation"),
)

#: What views draw for a resource of no kind above.
OTHER = Kind("other", "Other resource", "Other resources", "", "")

BY_NAME: dict[str, Kind] = {k.name: k for k in (*KINDS, OTHER)}
#: The kinds whose entities are nodes of the entity graph.
NODE_KINDS: tuple[Kind, ...] = tuple(k for k in KINDS if k.is_node)
#: Record table -> the path segment of its entities' IRIs.
SEGMENTS: dict[str, str] = {k.table: k.segment for k in KINDS}
#: Kinds a named query's parameter may name, with the classes its value must be an instance of:
#: every node kind, ``place`` (a city or a country) and ``entity`` (anything).
PARAMETER_KINDS: dict[str, tuple[str, ...]] = {
    **{k.name: (k.cls,) for k in NODE_KINDS if k.cls},
    "place": (_SCHEMA + "City", _SCHEMA + "Country"),
    "entity": (),
}
