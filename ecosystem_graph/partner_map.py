"""The partner map: organizations as nodes, the relations an analyst means as links, the rest as facets.

The entity graph (:func:`~ecosystem_graph.network.entity_graph`) draws cities, countries, types and
themes as nodes, and at real size they become hubs that hide everything else. The partner map
keeps organizations (and, on request, people) as the only nodes. Each link says why it is there:

===============  =======================================================================
``met``          a meeting: the organization met, the meeting's organizer and the visit's host
``partnership``  partners of one partnership (its status is on the link)
``project``      a project both take part in
``event``        a visit, event or visit programme they organize together
``relation``     a direct relation between the two, such as promotes the work of
``theme``        (optional) they work on at least N of the same themes
``member``       a person and their organization (with ``people=True``)
``contact``      a person and an organization met at a meeting they attended
===============  =======================================================================

Cities, countries, organization types and themes (with their broader themes, so that filtering by
*Smart cities* keeps the organizations on *Internet of Things*) become facets of the nodes; so do
the dates of each organization's activities (meetings, visits, events, partnerships, projects),
which the page's time filter uses. Communities of the partner network group the nodes at real
size, each named by the themes and cities that set it apart.

>>> kg = open_graph()
>>> M = partner_map(kg)
>>> sofia = kg.base_iri + "organization/kc-sofia"
>>> sorted(M.nodes[n]["label"] for n in M[sofia] if "met" in M.edges[sofia, n]["reasons"])[:3]
['Collider Accelerator', 'Future Cities Catapult', 'Living PlanIT']
>>> M.nodes[sofia]["city"], M.nodes[sofia]["country"]
('Sofia', 'Bulgaria')
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

import networkx as nx
from rdflib.namespace import ORG, SKOS

from .graph import open_graph  # noqa: F401  (doctests)
from .namespaces import SCHEMA
from .network import Source, contact_graph, entities_of, organization_theme_graph, partner_network
from .views import ViewError, inherited_dates, pad_date

__all__ = ["ACTIVITY_KINDS", "REASONS", "alternative_labels", "community_labels", "ego_nodes", "partner_map",
           "place_and_type"]

#: Why two nodes are linked, in the order the page lists them.
REASONS = ("met", "partnership", "project", "event", "relation", "theme", "member", "contact")
#: What makes an organization active at a date: the time filter shows it when one of these is.
ACTIVITY_KINDS = ("meeting", "visit", "event", "programme", "partnership", "project")

_REASON_OF_VIA = {"meeting": "met", "visit": "event", "event": "event", "programme": "event",
                  "partnership": "partnership", "project": "project", "relation": "relation"}
_LOCATION, _CONTAINED = str(SCHEMA.location), str(SCHEMA.containedInPlace)
_CLASSIFICATION, _BROADER = str(ORG.classification), str(SKOS.broader)
_ALT_PREFIX, _STATUS_PREFIX = "alternative label: ", "partnership status: "
#: Themes held by more organizations than this do not make "shared theme" links (they would link
#: almost everyone to everyone, and the number of pairs grows with the square).
THEME_LINK_LIMIT = 400


def partner_map(source: Source, *, people: bool = False, theme_links: int = 0, weighting: str = "shared",
                max_consortium: int | None = None) -> nx.Graph:
    """The partner map of ``source`` as an undirected graph with facets on its nodes.

    Nodes carry ``label``, ``alt`` (alternative labels), ``kind`` ("organization" or "person"),
    ``city``, ``country``, ``type`` (labels, "" when unknown), ``coordinates`` ((latitude, longitude)
    of the city, else of the country, else None), ``themes`` (labels, broader themes
    included), ``activity`` (merged (start, end) date ranges as YYYY-MM-DD) and counts of
    ``meetings`` and ``projects``. Edges carry ``reasons`` (reason -> how many, over :data:`REASONS`),
    ``weight`` (as :func:`~ecosystem_graph.network.partner_network` weighs them), ``status``
    (partnership statuses), ``span`` (first and last date of what links them, or None) and
    ``relation`` (what links them, as text). ``M.graph["facet_alt_labels"]`` maps the label of a
    city, country, type or theme to its alternative labels, for search. ``theme_links=N`` links
    organizations with N or more direct themes in common; ``people=True`` adds people, linked to
    their organizations and to the organizations they met.

    >>> M = partner_map(open_graph(), people=True)
    >>> deyan = next(n for n, label in M.nodes(data="label") if label == "Deyan Pushkarov")
    >>> sorted({reason for n in M[deyan] for reason in M.edges[deyan, n]["reasons"]})
    ['contact', 'member']
    """
    G = entities_of(source)
    # The partner network becomes the map in place: at 100,000 organizations (2.9 million links)
    # copying it into a new graph cost as much as computing it.
    M = partner_network(G, weighting=weighting, max_consortium=max_consortium)
    M.graph["facet_alt_labels"] = _facet_alt_labels(G)
    dates = _entity_dates(G)
    themes = _themes(G)
    for node, data in M.nodes(data=True):
        data.clear()
        data.update(_facets(G, node, themes.get(node, ())), kind="organization", **_activity(G, node, dates))
    for _, _, data in M.edges(data=True):
        via = data.pop("via")
        data.pop("projects", None), data.pop("shared_projects", None)
        data["reasons"] = _reasons(via)
        spans = [dates[x["iri"]] for x in via if x["iri"] in dates]
        data["span"] = (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None
        data["status"] = sorted({_status(G, x["iri"]) for x in via if x["kind"] == "partnership"} - {""})
    if theme_links:
        _add_theme_links(G, M, theme_links)
    if people:
        _add_people(G, M, dates)
    return M


def _reasons(via: list[dict[str, str]]) -> dict[str, int]:
    """How many of each reason a link's ``via`` list holds (a plain dict: a Counter per link cost
    2.5 s of 22 at 20,000 organizations, in its isinstance checks)."""
    found: dict[str, int] = {}
    for x in via:
        reason = _REASON_OF_VIA[x["kind"]]
        found[reason] = found.get(reason, 0) + 1
    return found


def ego_nodes(M: nx.Graph, focus: str, depth: int = 1) -> set[str]:
    """``focus`` and the nodes at most ``depth`` links away from it on the partner map.

    >>> kg = open_graph()
    >>> M = partner_map(kg)
    >>> len(ego_nodes(M, kg.base_iri + "organization/kc-sofia")) - 1 >= 8
    True
    """
    if focus not in M:
        raise ViewError(f"{focus} is not on the partner map (organizations and people are)")
    return set(nx.single_source_shortest_path_length(M, focus, cutoff=depth))


def alternative_labels(G: nx.MultiDiGraph, node: str) -> list[str]:
    """The alternative labels (skos:altLabel) of an entity, as the entity graph lists them in its facts.

    >>> from ecosystem_graph.network import entity_graph
    >>> kg = open_graph()
    >>> alternative_labels(entity_graph(kg), kg.base_iri + "organization/kc-sofia")
    ['Sofia Knowledge City', 'Sofia – Knowledge City']
    """
    return [fact[len(_ALT_PREFIX):] for fact in G.nodes[node].get("facts", ()) if fact.startswith(_ALT_PREFIX)]


def community_labels(M: nx.Graph, groups: list[list[str]], top: int = 2) -> list[dict[str, Any]]:
    """What sets each group of nodes apart: its most over-represented themes, and its main places.

    A theme names a group when at least a fifth of its members work on it, ranked by how much more
    common it is in the group than on the whole map (lift); cities (or countries, when most
    members have no city) by how many members are there. Each entry has ``label``, ``themes``,
    ``places`` and ``size``.

    >>> M = nx.Graph()
    >>> M.add_nodes_from([(1, {"themes": ["IoT"], "city": "Berlin", "country": "Germany"}),
    ...                   (2, {"themes": ["IoT"], "city": "Berlin", "country": "Germany"}),
    ...                   (3, {"themes": ["Food"], "city": "Rome", "country": "Italy"})])
    >>> community_labels(M, [[1, 2], [3]])[0]["label"]
    'IoT · Berlin'
    """
    total = max(len(M), 1)
    overall = Counter(t for _, themes in M.nodes(data="themes") for t in set(themes or ()))
    found = []
    for members in groups:
        n = len(members)
        counts = Counter(t for m in members for t in set(M.nodes[m].get("themes") or ()))
        lift = {t: (c / n) / (overall[t] / total) for t, c in counts.items() if c >= max(n / 5, 1)}
        themes = sorted(lift, key=lambda t: (-lift[t], -counts[t], t))[:top]
        cities = Counter(M.nodes[m].get("city") for m in members if M.nodes[m].get("city"))
        place = cities if sum(cities.values()) * 2 >= n else \
            Counter(M.nodes[m].get("country") for m in members if M.nodes[m].get("country"))
        places = [p for p, _ in sorted(place.items(), key=lambda item: (-item[1], item[0]))[:top]]
        label = " · ".join(part for part in (", ".join(themes), ", ".join(places)) if part)
        found.append({"label": label or "no common theme or place", "themes": themes, "places": places, "size": n})
    return found


# -- facets -----------------------------------------------------------------------------------------

def _facets(G: nx.MultiDiGraph, node: str, themes: Iterable[str]) -> dict[str, Any]:
    data = G.nodes[node]
    return {"label": str(data.get("label") or node), "alt": alternative_labels(G, node), **place_and_type(G, node),
            "themes": sorted(themes), "iri": node,
            "key": f"{data.get('kind')}/{data['id']}" if data.get("id") else node,
            "description": str(data.get("description") or "")}


def place_and_type(G: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """An organization's ``city``, ``country`` and ``type`` (labels, "" when unknown), and the
    ``coordinates`` (latitude, longitude) of its city, else of its country, else None.

    >>> from ecosystem_graph.network import entity_graph
    >>> kg = open_graph()
    >>> found = place_and_type(entity_graph(kg), kg.base_iri + "organization/nesta")
    >>> found["city"], found["country"], found["type"], found["coordinates"]
    ('London', 'United Kingdom', 'Foundation', (51.50853, -0.12574))
    """
    city = country = kind_type = ""
    where: tuple[float, float] | None = None
    for _, target, key in G.out_edges(node, keys=True):
        if key == _LOCATION:
            kind = G.nodes[target].get("kind")
            if kind == "city" and not city:
                within = _country(G, target)
                city, country = _label(G, target), country or (_label(G, within) if within else "")
                where = _coordinates(G, target) or where
            elif kind == "country" and not country:
                country = _label(G, target)
                where = where or _coordinates(G, target)
        elif key == _CLASSIFICATION and not kind_type:
            kind_type = _label(G, target)
    return {"city": city, "country": country, "type": kind_type, "coordinates": where}


def _facet_alt_labels(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node, kind in G.nodes(data="kind"):
        if kind in ("city", "country", "organization-type", "theme"):
            alt = alternative_labels(G, node)
            if alt:
                found.setdefault(_label(G, node), []).extend(alt)
    return found


def _country(G: nx.MultiDiGraph, city: str) -> str:
    """The country node a city is in ("" when the graph does not say)."""
    for _, target, key in G.out_edges(city, keys=True):
        if key == _CONTAINED and G.nodes[target].get("kind") == "country":
            return str(target)
    return ""


def _coordinates(G: nx.MultiDiGraph, place: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a place, from its facts (schema:latitude and schema:longitude)."""
    found = {}
    for fact in G.nodes[place].get("facts", ()):
        name, _, value = fact.partition(": ")
        if name in ("latitude", "longitude"):
            try:
                found[name] = float(value)
            except ValueError:
                return None
    return (found["latitude"], found["longitude"]) if len(found) == 2 else None


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def _themes(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Each organization's themes by label, narrower ones with every broader one above them."""
    T = organization_theme_graph(G)
    found: dict[str, set[str]] = defaultdict(set)
    for a, b in T.edges():
        organization, theme = (a, b) if T.nodes[a]["bipartite"] == 0 else (b, a)
        found[organization].add(_label(G, theme))
    return found


def _status(G: nx.MultiDiGraph, partnership: str) -> str:
    for fact in G.nodes[partnership].get("facts", ()):
        if fact.startswith(_STATUS_PREFIX):
            return str(fact[len(_STATUS_PREFIX):])
    return ""


# -- activity dates ---------------------------------------------------------------------------------

def _entity_dates(G: nx.MultiDiGraph) -> dict[str, tuple[str, str]]:
    """(first day, last day) of every dated activity; undated meetings take their visit's dates."""
    found = {}
    for node, data in G.nodes(data=True):
        if data.get("kind") in ACTIVITY_KINDS and data.get("date"):
            start = str(data["date"])
            found[node] = (pad_date(start, low=True), pad_date(str(data.get("end_date") or start), low=False))
    for node, (start, end) in inherited_dates(G).items():
        found.setdefault(node, (pad_date(start, low=True), pad_date(end, low=False)))
    return found


def _activity(G: nx.MultiDiGraph, node: str, dates: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """An organization's activity ranges (merged) and how many meetings and projects it has."""
    kinds: Counter[str] = Counter()
    spans = []
    for other in {*G.predecessors(node), *G.successors(node)}:
        kind = G.nodes[other].get("kind")
        if kind in ACTIVITY_KINDS:
            kinds[kind] += 1
            if other in dates:
                spans.append(dates[other])
    return {"activity": _merged(spans), "meetings": kinds["meeting"], "projects": kinds["project"]}


def _merged(spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Date ranges merged where they overlap or touch, in order.

    >>> _merged([("2019-01-01", "2019-06-30"), ("2018-01-01", "2018-12-31"), ("2019-03-01", "2020-01-01")])
    [('2018-01-01', '2020-01-01')]
    """
    merged: list[tuple[str, str]] = []
    for start, end in sorted(spans):
        if merged and start <= _next_day(merged[-1][1]):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _next_day(day: str) -> str:
    import datetime as dt

    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return day


# -- optional links ---------------------------------------------------------------------------------

def _add_theme_links(G: nx.MultiDiGraph, M: nx.Graph, minimum: int) -> None:
    """Link organizations with at least ``minimum`` direct themes in common (weight: how many)."""
    T = organization_theme_graph(G)
    holders: dict[str, list[str]] = defaultdict(list)
    for a, b, data in T.edges(data=True):
        if data["direct"]:
            organization, theme = (a, b) if T.nodes[a]["bipartite"] == 0 else (b, a)
            holders[theme].append(organization)
    shared: Counter[tuple[str, str]] = Counter()
    left_out = 0
    for organizations in holders.values():
        if len(organizations) > THEME_LINK_LIMIT:
            left_out += 1
            continue
        shared.update(combinations(sorted(organizations), 2))
    M.graph["themes_left_out"] = left_out
    for (a, b), count in shared.items():
        if count < minimum:
            continue
        if not M.has_edge(a, b):
            M.add_edge(a, b, reasons={}, weight=0, relation="", status=[], span=None)
        edge = M.edges[a, b]
        edge["reasons"]["theme"] = count
        edge["relation"] = "; ".join(x for x in (edge["relation"], f"{count} shared themes") if x)


def _add_people(G: nx.MultiDiGraph, M: nx.Graph, dates: dict[str, tuple[str, str]]) -> None:
    C = contact_graph(G)
    for person in (n for n, side in C.nodes(data="bipartite") if side == 0):
        M.add_node(person, **_facets(G, person, ()), kind="person", **_activity(G, person, dates))
    for a, b, data in C.edges(data=True):
        person, organization = (a, b) if C.nodes[a]["bipartite"] == 0 else (b, a)
        if organization not in M:
            continue
        reason = "member" if data["relation"] == "member of" else "contact"
        spans = [dates[x["iri"]] for x in data["via"] if x["iri"] in dates]
        role = f" ({data['role']})" if data.get("role") else ""
        met = ", ".join(x["label"] for x in data["via"])
        M.add_edge(person, organization, reasons={reason: max(data["weight"], 1)}, weight=data["weight"],
                   status=[], relation=f"member of{role}" if reason == "member" else f"met: {met}",
                   span=(min(s for s, _ in spans), max(e for _, e in spans)) if spans else None)
