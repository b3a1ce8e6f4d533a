"""Projections of the RDF graph to networkx graphs, for analytics and network views.

The *entity graph* is the graph itself with literals folded into node attributes: one node per
entity, one edge per triple between two entities. The other projections are derived from it in
Python, so they never disagree with it:

- :func:`partner_network`: organization -- organization, weighted by what they share;
- :func:`organization_theme_graph`: organization -- theme, bipartite;
- :func:`contact_graph`: person -- organization, from meetings attended and memberships.

Every function takes a :class:`~ecosystem_graph.graph.KnowledgeGraph` or an entity graph already
built from one (building it reads the whole graph once; reuse it when projecting several times).

>>> kg = open_graph()
>>> G = entity_graph(kg)
>>> G.nodes[kg.base_iri + "organization/nesta"]["kind"]
'organization'
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import chain
from typing import Any, TypeAlias

import networkx as nx
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS

from .errors import QueryError
from .graph import KnowledgeGraph, open_graph  # noqa: F401  (open_graph: doctests)
from .kept import kept_graph
from .kinds import NODE_KINDS
from .namespaces import ECO, SCHEMA
from .stores import TextTriple

__all__ = ["Source", "WEIGHTINGS", "contact_graph", "entities_of", "entity_graph", "organization_theme_graph",
           "partner_network"]

# Edges left out: the type is the node's kind, sources are the `sources` attribute, and
# skos:narrower / schema:subEvent are the materialised inverses of skos:broader / schema:superEvent.
_SKIPPED_EDGES = {str(RDF.type), str(SKOS.narrower), str(SCHEMA.subEvent)}

# Properties that are node attributes of their own, or bookkeeping, rather than `facts`.
_NOT_FACTS = {str(p) for p in (RDF.type, RDFS.label, DCTERMS.identifier, DCTERMS.description,
                               SCHEMA.startDate, SCHEMA.endDate, PROV.wasDerivedFrom, SKOS.prefLabel,
                               FOAF.name, SKOS.inScheme, SKOS.topConceptOf, SKOS.hasTopConcept,
                               OWL.sameAs, ORG.memberDuring)}

# Fact names that read better than the ontology label of the property.
_FACT_NAMES = {str(ORG.classification): "type"}

_MEMBER_OF = str(ORG.memberOf)
_DERIVED_FROM = str(PROV.wasDerivedFrom)
_LOCATION = str(SCHEMA.location)  # (a namespace attribute costs ~4 µs: once here, not once per fact)

#: How :func:`partner_network` weighs a link: 1 per thing shared, or 1/(n-1) per group of n.
WEIGHTINGS = ("shared", "consortium")

#: What the projections take: the graph itself, or an entity graph already made from it.
Source: TypeAlias = KnowledgeGraph | nx.MultiDiGraph


def entity_graph(kg: KnowledgeGraph, include_sources: bool = False) -> nx.MultiDiGraph:
    """Every entity as a typed node and every triple between two entities as a labelled edge.

    Node key: the entity IRI. Node attributes: ``label``, ``id``, ``kind`` (a name of :data:`~.kinds.NODE_KINDS`),
    ``kind_label``, ``iri``, ``description``, ``date`` and ``end_date`` (ISO text or ""), ``sources``
    (titles), ``facts`` and ``inferred`` (lists of "property: value" text). Edge key: the predicate IRI;
    edge attributes ``relation`` (label of the property), ``predicate`` and ``inferred``; a person's
    "member of" edge also has ``role``. Memberships, roles, the data set and rdf:Statement nodes are
    not nodes; sources are nodes, with "was derived from" edges, only with ``include_sources``.
    A property given several values shows the smallest (an English or untagged label first), so
    the graph is the same whatever order a store returns its triples in.

    The triples are read once, as plain text (:func:`~ecosystem_graph.stores.text_triples`): from
    the memory store's index, and from Oxigraph without rdflib terms (at 100,000 organizations on
    ``oxigraph:PATH``, 22 s and 1.1 GB where parsing a dump into rdflib first took 126 s and 4.6 GB),
    and from the build's own Turtle for the store a build keeps beside it, while that file is the one
    written with the store's generation (:class:`~ecosystem_graph.stores.oxigraph.Snapshot`).
    Two SPARQL queries, read the same way, give the inferred statements and the memberships.

    >>> kg = open_graph()
    >>> G = entity_graph(kg)
    >>> nesta = G.nodes[kg.base_iri + "organization/nesta"]
    >>> nesta["label"], nesta["kind_label"], "city: London" in nesta["inferred"]
    ('NESTA', 'Organization', True)
    >>> sorted({d["relation"] for _, _, d in G.in_edges(nesta["iri"], data=True)})
    ['met organization']

    A persistent store keeps the graph per generation (:func:`~ecosystem_graph.kept.kept_graph`):
    the next command on the same graph reads it back in a second instead of reading the store.
    """
    return kept_graph(kg.store.generation_folder(), "entities", {"include_sources": include_sources},
                      lambda: _read_entity_graph(kg, include_sources))


def _read_entity_graph(kg: KnowledgeGraph, include_sources: bool) -> nx.MultiDiGraph:
    first = list(kg.store.text_triples(_FIRST))
    labels, titles = _texts(first, _LABEL), _texts(first, _TITLE)
    nodes = _nodes(first, labels, include_sources)
    roles = _roles(kg)
    inferred = set(kg.text_rows(
        """SELECT ?s ?p ?o WHERE { ?st eco:inferred true ; a rdf:Statement ;
             rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }"""))

    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    predicates: dict[str, str] = {}
    relations: dict[str, str] = {}
    texts: dict[str, str] = {}
    statements = chain((t for t in first if t[1] != _TYPE), kg.store.text_triples(exclude=_FIRST))
    for s, p, o, language in statements:
        node = nodes.get(s)
        if node is None:
            continue
        if p in _ATTRIBUTES:
            node[_ATTRIBUTES[p]] = _smallest(node[_ATTRIBUTES[p]], o)
        elif p == _DERIVED_FROM:
            node["sources"].append(titles.get(o) or labels.get(o, o))
        if p not in _NOT_FACTS:
            fact = _fact(p, o, nodes, labels)
            fact = texts.setdefault(fact, fact)  # "type: ...", "city: ...": the same for many nodes
            node["facts"].append(fact)
            if (s, p, o) in inferred:
                node["inferred"].append(fact)
        if language is None and o in nodes and p not in _SKIPPED_EDGES:
            # One copy of each text however many edges hold it (the nodes' own IRIs, each predicate and
            # relation; the facts above likewise): the CORDIS graph read back from its kept pickle
            # took 202 MB, now 138 MB.
            predicate = predicates.setdefault(p, p)
            relation = relations.setdefault(predicate, labels.get(p) or _local_name(p))
            data = {"relation": relation, "predicate": predicate, "inferred": (s, p, o) in inferred}
            if p == _MEMBER_OF:
                data["role"] = roles.get((s, o), "")
            edges.append((node["iri"], nodes[o]["iri"], predicate, data))

    _add_roles(nodes, roles)
    for node in nodes.values():
        for name in ("sources", "facts", "inferred"):
            node[name] = sorted(set(node[name]))

    G = nx.MultiDiGraph()
    G.add_nodes_from(sorted(nodes.items()))
    G.add_edges_from(sorted(edges, key=lambda e: (e[0], e[2], e[1])))
    return G


_TYPE, _IDENTIFIER, _LABEL, _TITLE = str(RDF.type), str(DCTERMS.identifier), str(RDFS.label), str(DCTERMS.title)
#: What makes the nodes (classes, identifiers) and names things (labels, titles): read first.
_FIRST = (_TYPE, _IDENTIFIER, _LABEL, _TITLE)

# Literal properties that are node attributes of their own (besides the identifier, ``id``).
_ATTRIBUTES = {str(DCTERMS.description): "description", str(SCHEMA.startDate): "date",
               str(SCHEMA.endDate): "end_date"}


def _smallest(current: str, value: str) -> str:
    """The smaller of two values, an empty one only when both are."""
    return min(current, value) if current and value else current or value


def _nodes(first: list[TextTriple], labels: dict[str, str], include_sources: bool) -> dict[str, dict[str, Any]]:
    """IRI -> attributes of every entity: an identifier and a class of one of :data:`~.kinds.NODE_KINDS`."""
    order = {kind.cls: i for i, kind in enumerate(NODE_KINDS)}
    rank: dict[str, int] = {}
    identifiers: dict[str, str] = {}
    for s, p, o, _ in first:
        if p == _TYPE and o in order:
            rank[s] = min(order[o], rank.get(s, order[o]))  # an event that is also a source stays an event
        elif p == _IDENTIFIER:
            identifiers[s] = _smallest(identifiers.get(s, ""), o)
    nodes = {}
    for iri, number in rank.items():
        kind = NODE_KINDS[number]
        if iri in identifiers and (include_sources or kind.name != "source"):
            nodes[iri] = {"label": labels.get(iri) or identifiers[iri], "id": identifiers[iri], "kind": kind.name,
                          "kind_label": kind.label, "iri": iri, "description": "", "date": "",
                          "end_date": "", "sources": [], "facts": [], "inferred": []}
    return nodes


def _texts(triples: Iterable[TextTriple], predicate: str) -> dict[str, str]:
    """IRI -> its ``predicate`` text (rdfs:label, dct:title); English or untagged text first."""
    best: dict[str, tuple[bool, str]] = {}
    for s, p, o, language in triples:
        if p == predicate:
            choice = (language not in (None, "", "en"), o)
            if s not in best or choice < best[s]:
                best[s] = choice
    return {s: text for s, (_, text) in best.items()}


def _roles(kg: KnowledgeGraph) -> dict[tuple[str, str], str]:
    """(person, organization) -> the role's label, from the memberships (the largest, if several)."""
    found = kg.text_rows(
        """SELECT ?person ?org ?role WHERE { ?m a org:Membership ; org:member ?person ; org:organization ?org .
             OPTIONAL { ?m org:role/rdfs:label ?role } }""")
    # ?person and ?org are bound in every row; only the role is optional
    rows = sorted((person, organization, role or "") for person, organization, role in found
                  if person is not None and organization is not None)
    return {(person, organization): role for person, organization, role in rows}


def _add_roles(nodes: dict[str, dict[str, Any]], roles: dict[tuple[str, str], str]) -> None:
    """A fact "role: R" on each person, "role: R at O" for a person of several organizations."""
    memberships = Counter(person for person, _ in roles)
    for (person, organization), role in roles.items():
        if person in nodes and role:
            where = f" at {nodes[organization]['label']}" if memberships[person] > 1 and organization in nodes else ""
            nodes[person]["facts"].append(f"role: {role}{where}")


def _fact(predicate: str, value: str, nodes: dict[str, dict[str, Any]], labels: dict[str, str]) -> str:
    """"property: value" with labels, e.g. "type: Business accelerator" or "city: London"."""
    target = nodes.get(value)
    if predicate == _LOCATION and target and target["kind"] in ("city", "country"):
        name = target["kind"]  # "city: London" says more than "location: London"
    else:
        name = _FACT_NAMES.get(predicate) or labels.get(predicate) or _local_name(predicate)
    shown = target["label"] if target else labels.get(value, value)
    return f"{name}: {shown}"


def _local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# -- projections ---------------------------------------------------------------------------------

def entities_of(source: Source) -> nx.MultiDiGraph:
    """The entity graph of ``source``: built from a KnowledgeGraph, or ``source`` itself.

    >>> G = entity_graph(open_graph())
    >>> entities_of(G) is G
    True
    """
    return source if isinstance(source, nx.MultiDiGraph) else entity_graph(source)


def _kind(G: nx.MultiDiGraph, node: str) -> str:
    kind: str = G.nodes[node].get("kind", "")
    return kind


def _targets(G: nx.MultiDiGraph, node: str, predicate: str) -> list[str]:
    """Objects of ``node``'s edges with ``predicate``, in a stable order."""
    return sorted(v for _, v, key in G.out_edges(node, keys=True) if key == predicate)


def _of_kind(G: nx.MultiDiGraph, kind: str) -> list[str]:
    return [n for n, k in G.nodes(data="kind") if k == kind]


def _ref(G: nx.MultiDiGraph, node: str, kind: str | None = None) -> dict[str, str]:
    return {"kind": kind or _kind(G, node), "iri": node, "label": G.nodes[node]["label"]}


def partner_network(kg: Source, weighting: str = "shared", max_consortium: int | None = None) -> nx.Graph:
    """Organizations linked by what they share, weighted by how much.

    Each of these adds 1 to the ``weight`` of an edge and one entry {"kind", "iri", "label"} to its
    ``via`` list: a meeting (the organization met and the organizer of the meeting's visit, plus any
    other organization met at the same meeting), a visit or event they organize together, a
    partnership they are partners of, a project they both take part in (``shared_projects`` on the
    edge counts those, ``projects`` lists them by label), and a relation between them (``kind``
    "relation", the IRI and label of the property). Organizations that only took part in the same
    visit are *not* linked: being visited on the same trip says nothing about each other. Every
    organization is a node, with the attributes of :func:`entity_graph`; ``relation`` on an edge
    summarises ``via`` as text (per kind, with a count and the first few labels when there are many).

    A project of n organizations links n(n-1)/2 pairs: the real Horizon 2020 consortia (up to 160
    partners) give 420,000 edges among 16,000 organizations, counted in one pass over the
    projects' participants. Two options are for such data:

    - ``weighting="consortium"``: a group of n organizations (a project's consortium, the
      organizations of one meeting, the partners of one partnership) adds ``1 / (n - 1)`` to the
      weight of each of its pairs instead of 1, so each group gives each member one unit of tie
      strength in all (Newman, "Scientific collaboration networks. II", Phys. Rev. E 64, 2001):
      the two partners of a bilateral project are tied more strongly than two of 160.
    - ``max_consortium=N``: a group of more than N organizations links none of them;
      ``P.graph["groups_left_out"]`` counts those groups.

    >>> kg = open_graph()
    >>> P = partner_network(kg)
    >>> sofia, nesta = kg.base_iri + "organization/kc-sofia", kg.base_iri + "organization/nesta"
    >>> P.edges[sofia, nesta]["weight"], P.edges[sofia, nesta]["relation"]
    (1, 'meeting: Meeting with NESTA')
    """
    if weighting not in WEIGHTINGS:
        raise QueryError(f"unknown weighting {weighting!r}; use one of {', '.join(WEIGHTINGS)}")
    G = entities_of(kg)
    P = nx.Graph(groups_left_out=0)
    P.add_nodes_from((n, G.nodes[n]) for n in _of_kind(G, "organization"))
    links: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    strength: defaultdict[tuple[str, str], float] = defaultdict(int)

    def link(members: Iterable[str], via: dict[str, str]) -> None:
        members = sorted(set(m for m in members if m in P))
        if max_consortium is not None and len(members) > max_consortium:
            P.graph["groups_left_out"] += 1
            return
        share: float = 1 / (len(members) - 1) if weighting == "consortium" and len(members) > 1 else 1
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                links[(a, b)].append(via)
                strength[(a, b)] += share

    organizer, met, partner = str(SCHEMA.organizer), str(ECO.metOrganization), str(ECO.partner)
    for meeting in _of_kind(G, "meeting"):
        hosts = [h for visit in _targets(G, meeting, str(SCHEMA.superEvent))
                 for h in _targets(G, visit, organizer)]
        link([*_targets(G, meeting, met), *_targets(G, meeting, organizer), *hosts], _ref(G, meeting))
    for kind in ("visit", "event", "programme"):
        for event in _of_kind(G, kind):
            link(_targets(G, event, organizer), _ref(G, event))
    for partnership in _of_kind(G, "partnership"):
        link(_targets(G, partnership, partner), _ref(G, partnership))
    for project, members in _participants(G).items():
        link(members, _ref(G, project, "project"))
    # Direct relations such as eco:promotesWorkOf (memberOf and the like only join people).
    for u, v, data in G.edges(data=True):
        if u != v and u in P and v in P:
            link([u, v], {"kind": "relation", "iri": data["predicate"], "label": data["relation"]})

    P.add_edges_from((a, b, {"weight": strength[(a, b)], "via": via, "relation": _summary(via), **_projects(via)})
                     for (a, b), via in sorted(links.items()))
    return P


def _projects(via: list[dict[str, str]]) -> dict[str, Any]:
    """``shared_projects`` (how many) and ``projects`` (which, by label) of an edge's links."""
    projects = [x for x in via if x["kind"] == "project"]
    if len(projects) > 1:  # most edges of a real network share one project: nothing to sort
        projects.sort(key=lambda x: (x["label"], x["iri"]))
    return {"shared_projects": len(projects), "projects": projects}


def _participants(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Each project's participating organizations (the eco:participatesIn edges into it)."""
    found: dict[str, list[str]] = defaultdict(list)
    participates = str(ECO.participatesIn)
    for organization, project, key in G.edges(keys=True):
        if key == participates:
            found[project].append(organization)
    return found


#: How many labels of one kind an edge's ``relation`` text names before it only counts them.
_SHOWN = 3


def _summary(via: list[dict[str, str]]) -> str:
    """What links two organizations, as text: every link when few, a count per kind when many.

    >>> _summary([{"kind": "meeting", "label": "Meeting with NESTA"}])
    'meeting: Meeting with NESTA'
    >>> _summary([{"kind": "project", "label": f"P{i}"} for i in range(5)])
    'project x5: P0, P1, P2...'
    """
    if len(via) <= _SHOWN:
        return "; ".join(f"{x['kind']}: {x['label']}" for x in via)
    kinds: dict[str, list[str]] = defaultdict(list)
    for x in via:
        kinds[x["kind"]].append(x["label"])
    return "; ".join(f"{kind} x{len(labels)}: {', '.join(labels[:_SHOWN])}{'...' if len(labels) > _SHOWN else ''}"
                     for kind, labels in kinds.items())


def organization_theme_graph(kg: Source) -> nx.Graph:
    """Organizations and the themes they work on, as a bipartite graph.

    An organization is linked to a theme when its own record names the theme (schema:knowsAbout), or
    a meeting that met it, a product it makes, an event or visit programme it organizes, a
    partnership it is a partner of or a project it takes part in is about the theme (``direct``
    True), and also to every broader theme of those (``direct`` False), so that organizations on
    Internet of Things and on urban operating systems meet at Smart cities. The themes of a meeting
    are what the organization met presented or discussed, so they go to it, not to the visiting
    organization. ``bipartite`` is 0 on organizations and 1 on themes; ``weight`` counts the
    supporting entities, listed as {"kind", "iri", "label"} in ``via``.

    >>> kg = open_graph()
    >>> T = organization_theme_graph(kg)
    >>> trustme = kg.base_iri + "organization/universal-trustme-engine"
    >>> sorted((T.nodes[t]["label"], T.edges[trustme, t]["direct"]) for t in T[trustme])
    [('Blockchain', True), ('Information technologies', False), ('Smart contracts', True)]
    """
    G = entities_of(kg)
    T = nx.Graph()
    T.add_nodes_from((n, {**G.nodes[n], "bipartite": 0}) for n in _of_kind(G, "organization"))
    T.add_nodes_from((n, {**G.nodes[n], "bipartite": 1}) for n in _of_kind(G, "theme"))
    about, organizer = str(SCHEMA.about), str(SCHEMA.organizer)
    roles = {"meeting": str(ECO.metOrganization), "product": str(SCHEMA.manufacturer),
             "event": organizer, "programme": organizer, "partnership": str(ECO.partner)}
    found: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for kind, predicate in roles.items():
        for thing in _of_kind(G, kind):
            for organization in _targets(G, thing, predicate):
                for theme in _targets(G, thing, about):
                    found[(organization, theme)].append(_ref(G, thing))
    for project, members in _participants(G).items():
        for theme in _targets(G, project, about):
            for organization in members:
                found[(organization, theme)].append(_ref(G, project, "project"))
    for organization in _of_kind(G, "organization"):
        for theme in _targets(G, organization, str(SCHEMA.knowsAbout)):
            found[(organization, theme)].append(_ref(G, organization))
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for (organization, theme), via in found.items():
        if organization not in T or theme not in T:
            continue
        edge = edges.setdefault((organization, theme), {"direct": True, "via": []})
        edge["direct"] = True
        edge["via"].extend(x for x in via if x not in edge["via"])
        # Up the taxonomy: skos:broader edges point from narrower to broader theme.
        for ancestor in _ancestors(G, theme):
            edge = edges.setdefault((organization, ancestor), {"direct": False, "via": []})
            edge["via"].extend(x for x in via if x not in edge["via"])
    T.add_edges_from((o, t, {**data, "weight": len(data["via"]),
                             "relation": "about" if data["direct"] else "about a narrower theme"})
                     for (o, t), data in sorted(edges.items()))
    return T


def _ancestors(G: nx.MultiDiGraph, theme: str) -> list[str]:
    """Every broader theme of ``theme``, following skos:broader up the taxonomy."""
    seen: list[str] = []
    todo = [theme]
    while todo:
        for up in _targets(G, todo.pop(), str(SKOS.broader)):
            if up not in seen and up != theme:
                seen.append(up)
                todo.append(up)
    return seen


def contact_graph(kg: Source) -> nx.Graph:
    """People and the organizations they know: those met at meetings they attended, and their own.

    Edge ``relation`` is "met" (``via`` lists the meetings, ``weight`` counts them, ``inferred`` is
    True when every attendance was inferred rather than stated) or "member of" (with ``role``).
    ``bipartite`` is 0 on people and 1 on organizations.

    >>> kg = open_graph()
    >>> C = contact_graph(kg)
    >>> deyan = kg.base_iri + "person/deyan-pushkarov"
    >>> C.edges[deyan, kg.base_iri + "organization/kc-sofia"]["role"]
    'Marketing and PR Expert'
    >>> C.edges[deyan, kg.base_iri + "organization/nesta"]["relation"]
    'met'
    """
    G = entities_of(kg)
    C = nx.Graph()
    C.add_nodes_from((n, {**G.nodes[n], "bipartite": 0}) for n in _of_kind(G, "person"))
    C.add_nodes_from((n, {**G.nodes[n], "bipartite": 1}) for n in _of_kind(G, "organization"))
    attendee, met = str(SCHEMA.attendee), str(ECO.metOrganization)
    for meeting in _of_kind(G, "meeting"):
        for person in _targets(G, meeting, attendee):
            stated = not G.edges[meeting, person, attendee]["inferred"]
            for organization in _targets(G, meeting, met):
                if not C.has_edge(person, organization):
                    C.add_edge(person, organization, relation="met", via=[], weight=0, inferred=True)
                edge = C.edges[person, organization]
                edge["via"].append(_ref(G, meeting))
                edge["weight"] += 1
                edge["inferred"] = edge["inferred"] and not stated
    for person, organization, data in G.edges(data=True):
        if data["predicate"] == _MEMBER_OF and person in C and organization in C:
            # Membership says more than having met: it replaces a "met" edge.
            C.add_edge(person, organization, relation="member of", role=data.get("role", ""),
                       via=[], weight=1, inferred=data["inferred"])
    return C

