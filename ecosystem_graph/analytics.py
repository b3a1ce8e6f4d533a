"""Network analytics on the projections of :mod:`ecosystem_graph.network`.

Centrality, communities, brokers, shortest paths with the relation of each step, and suggested
partners with the reason for each suggestion. Functions take a networkx graph whose nodes carry the
attributes of :func:`~ecosystem_graph.network.entity_graph` (``label``, ``id``, ``kind``) and return
rows: lists of plain dicts, ready for a table, CSV or JSON.

>>> kg = open_graph()
>>> P = partner_network(kg)
>>> centrality(P)[0]["label"]
'Cluster Sofia Knowledge City'
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx
import numpy as np

from .errors import QueryError
from .graph import KnowledgeGraph, open_graph  # noqa: F401  (open_graph: doctests)
from .network import entities_of, organization_theme_graph, partner_network

__all__ = ["BETWEENNESS_DELTA", "BETWEENNESS_EPSILON", "BETWEENNESS_EXACT_LIMIT", "BETWEENNESS_NETWORKX_WORK",
           "LOUVAIN_NETWORKX_LIMIT", "Row",
           "SUGGESTION_METHODS", "betweenness", "brokers", "centrality", "communities", "community_names",
           "community_rows", "eigenvector_centrality", "find_node", "shortest_path", "simple_graph", "suggest_partners"]

Row = dict[str, Any]

#: Above this many nodes betweenness is estimated (see :func:`betweenness`): exact betweenness
#: costs O(nodes x edges), minutes on a graph of tens of thousands of entities.
BETWEENNESS_EXACT_LIMIT = 2000
#: Up to this much work (nodes x links) exact betweenness runs in networkx, above in networkit
#: (C++): 2,000 organizations with 45,000 links took 30 s in networkx, under a second in networkit.
BETWEENNESS_NETWORKX_WORK = 2_000_000
#: Above this many nodes communities come from networkit's Louvain (see :func:`communities`).
LOUVAIN_NETWORKX_LIMIT = 2000
#: The estimate's bound: every node within this of its exact betweenness...
BETWEENNESS_EPSILON = 0.002
#: ...except with at most this probability (for the bound to fail at any node).
BETWEENNESS_DELTA = 0.1

SUGGESTION_METHODS = ("adamic-adar", "jaccard")


def simple_graph(G: nx.Graph) -> nx.Graph:
    """``G`` as a simple undirected graph; parallel and opposite edges merge and add their weights.

    Centralities and communities are about who is connected, not in which direction a property
    points, and an entity graph may link two nodes by several properties.

    >>> M = nx.MultiDiGraph([("a", "b", "x"), ("b", "a", "y"), ("b", "c", "x")])
    >>> sorted(simple_graph(M).edges(data="weight"))
    [('a', 'b', 2), ('b', 'c', 1)]
    """
    if not G.is_directed() and not G.is_multigraph():
        return G
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    for u, v, w in G.edges(data="weight", default=1):
        if u == v:
            continue
        H.add_edge(u, v, weight=H.edges[u, v]["weight"] + w if H.has_edge(u, v) else w)
    return H


def _describe(G: nx.Graph, node: str) -> Row:
    data = G.nodes[node]
    return {"id": data.get("id", node), "label": data.get("label", node), "kind": data.get("kind", "")}


# -- centrality ----------------------------------------------------------------------------------

def centrality(G: nx.Graph, weight: str | None = "weight", epsilon: float = BETWEENNESS_EPSILON) -> list[Row]:
    """Degree, betweenness and eigenvector centrality of every node, most central first.

    ``degree`` is the number of neighbours, ``degree_centrality`` that count over ``n - 1``.
    Betweenness ignores weights (networkx reads them as distances, ours are strengths) and is
    estimated within ``epsilon`` above :data:`BETWEENNESS_EXACT_LIMIT` nodes (see :func:`betweenness`).
    Eigenvector centrality uses ``weight`` and is computed per connected component (on a
    disconnected graph the power iteration is unstable), each component's values scaled by its
    share of the nodes; isolated nodes score 0. Rows are sorted by degree, betweenness, eigenvector.

    >>> kg = open_graph()
    >>> top = centrality(partner_network(kg))[0]
    >>> top["id"], top["degree"]
    ('kc-sofia', 8)
    >>> centrality(nx.Graph()), centrality(nx.path_graph(1))[0]["eigenvector"]
    ([], 0.0)
    """
    H = simple_graph(G)
    if len(H) == 0:
        return []
    degree = nx.degree_centrality(H) if len(H) > 1 else {n: 0.0 for n in H}
    between = betweenness(H, epsilon)
    eigen = eigenvector_centrality(H, weight)
    rows = [{**_describe(H, n), "iri": n, "degree": H.degree(n), "degree_centrality": round(degree[n], 4),
             "betweenness": round(between[n], 4), "eigenvector": round(eigen[n], 4)} for n in H]
    rows.sort(key=lambda r: (-r["degree_centrality"], -r["betweenness"], -r["eigenvector"], r["label"]))
    return rows


def betweenness(G: nx.Graph, epsilon: float = BETWEENNESS_EPSILON,
                delta: float = BETWEENNESS_DELTA) -> dict[str, float]:
    """Betweenness centrality of a simple graph, unweighted and normalized as networkx does it.

    Exact up to :data:`BETWEENNESS_EXACT_LIMIT` nodes, and at any size with ``epsilon=0`` (Brandes's
    algorithm: networkx's up to :data:`BETWEENNESS_NETWORKX_WORK`, networkit's above; they agree to
    1e-16). Above the limit it is estimated with KADABRA (Borassi and Natale, "KADABRA
    is an ADaptive Algorithm for Betweenness via Random Approximation", ESA 2016; networkit's
    implementation), which samples shortest paths until every node's estimate is within
    ``epsilon`` of its exact value with probability at least ``1 - delta``. On the real CORDIS
    partner network (16,592 organizations, 419,913 links) that took 5.4 s where exact betweenness
    took 103 s, and the largest error over all nodes was 0.0007 (``bench/bench_betweenness.py``).
    One thread, seeded: the same graph gives the same scores every run.

    >>> scores = betweenness(nx.path_graph(["a", "b", "c"]))
    >>> scores["b"], scores["a"]
    (1.0, 0.0)
    """
    if len(G) <= BETWEENNESS_EXACT_LIMIT and len(G) * G.number_of_edges() <= BETWEENNESS_NETWORKX_WORK:
        exact: dict[str, float] = nx.betweenness_centrality(G)
        return exact
    import networkit as nk

    native, nodes = _networkit_graph(G)
    if epsilon <= 0 or len(G) <= BETWEENNESS_EXACT_LIMIT:
        exact_run = nk.centrality.Betweenness(native, normalized=True).run()  # on every core
        return dict(zip(nodes, exact_run.scores()))
    with _seeded_single_thread(0):
        estimate = nk.centrality.KadabraBetweenness(native, epsilon, delta).run()
    # networkit doubles its estimate on undirected graphs; networkx's normalization does not
    return {node: score / 2 for node, score in zip(nodes, estimate.scores())}


@contextmanager
def _seeded_single_thread(seed: int) -> Iterator[None]:
    """networkit on one thread with ``seed``: its threads interleave differently on every run, so
    only one thread makes a seed give the same result every time. The thread count is restored."""
    import networkit as nk

    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    nk.engineering.setSeed(seed, False)
    try:
        yield
    finally:
        nk.setNumberOfThreads(threads)


def _networkit_graph(G: nx.Graph, weight: str | None = None) -> tuple[Any, list[str]]:
    """``G`` as a networkit graph (weighted by ``weight`` when given), and its nodes by number."""
    import networkit as nk  # its import takes a second: only for graphs that need it

    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    native = nk.Graph(len(nodes), weighted=weight is not None)
    ends = np.array([(index[u], index[v]) for u, v in G.edges()], dtype=np.uint64).reshape(-1, 2)
    if weight is None:
        native.addEdges((ends[:, 0], ends[:, 1]))
    else:
        strengths = np.array([w for _, _, w in G.edges(data=weight, default=1)], dtype=float)
        native.addEdges((strengths, (ends[:, 0], ends[:, 1])))
    return native, nodes


def eigenvector_centrality(G: nx.Graph, weight: str | None = "weight", max_iter: int = 1000,
                           tol: float = 1e-6) -> dict[str, float]:
    """Eigenvector centrality that works on any graph: per component, scaled by component size.

    Each component of two or more nodes runs the power iteration of
    ``nx.eigenvector_centrality`` (``x <- (A + I) x``, normalized, from a uniform start, until the
    change is under ``nodes x tol``), all components at once on numpy arrays: networkx's loop took
    15 s on the 100,000-organization partner network (1,476 components, the largest 23,036 nodes).
    A component that does not converge gets networkx's numpy solver when scipy is installed, else
    its weighted degrees. Isolated nodes score 0.

    >>> G = nx.Graph([("a", "b"), ("c", "d"), ("d", "e")])
    >>> G.add_node("f")
    >>> scores = eigenvector_centrality(G)
    >>> scores["d"] > scores["a"] > scores["f"] == 0.0
    True
    >>> star = nx.star_graph(4)
    >>> all(abs(scores - nx.eigenvector_centrality(star)[n]) < 1e-9
    ...     for n, scores in eigenvector_centrality(star).items())
    True
    """
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    component = np.zeros(len(nodes), dtype=np.int64)
    parts = [part for part in nx.connected_components(G) if len(part) > 1]
    for number, part in enumerate(parts, start=1):  # 0: isolated nodes
        component[[index[node] for node in part]] = number
    size = np.bincount(component, minlength=len(parts) + 1).astype(float)
    source, target, strength = _arcs(G, index, weight)
    x = np.where(component > 0, 1 / size[component], 0.0)
    done = np.zeros(len(parts) + 1, dtype=bool)
    done[0] = True
    for _ in range(max_iter):
        last = x
        x = last + np.bincount(target, weights=last[source] * strength, minlength=len(nodes))
        norm = np.sqrt(np.bincount(component, weights=x * x, minlength=len(parts) + 1))
        x = np.where(done[component], last, x / np.where(norm > 0, norm, 1)[component])
        change = np.bincount(component, weights=np.abs(x - last), minlength=len(parts) + 1)
        done |= change < size * tol
        if done.all():
            break
    scores = dict(zip(nodes, (np.abs(x) * size[component] / len(nodes)).tolist()))  # isolated: x is 0
    for part_number in np.flatnonzero(~done):
        scores.update(_unconverged(G.subgraph(parts[part_number - 1]), weight, len(nodes)))
    return scores


def _arcs(G: nx.Graph, index: dict[str, int], weight: str | None) -> tuple[Any, Any, Any]:
    """Node numbers and weights of every arc ``n -> neighbour`` of ``G``'s adjacency, as arrays."""
    source, target, strength = [], [], []
    for node, neighbours in G.adjacency():
        for neighbour, data in neighbours.items():
            source.append(index[node])
            target.append(index[neighbour])
            strength.append(data.get(weight, 1) if weight else 1)
    return (np.array(source, dtype=np.int64), np.array(target, dtype=np.int64),
            np.array(strength, dtype=float))


def _unconverged(part: nx.Graph, weight: str | None, total: int) -> dict[str, float]:
    """A component where the power iteration did not converge: numpy's solver, or weighted degrees."""
    try:  # the numpy solver needs scipy, which is optional
        values = nx.eigenvector_centrality_numpy(part, weight=weight)
    except ImportError:
        degrees = sum(d for _, d in part.degree(weight=weight)) or 1
        values = {n: d / degrees for n, d in part.degree(weight=weight)}
    return {n: abs(v) * len(part) / total for n, v in values.items()}


# -- communities and brokers ---------------------------------------------------------------------

def communities(G: nx.Graph, seed: int = 0, resolution: float = 1.0,
                weight: str | None = "weight") -> list[set[str]]:
    """Louvain communities, largest first; the same ``seed`` always gives the same partition.

    networkx's Louvain up to :data:`LOUVAIN_NETWORKX_LIMIT` nodes, networkit's (PLM) above: on the
    real CORDIS partner network (16,592 organizations, 419,913 links) 0.08 s instead of 5.1 s, for
    the same modularity (0.402 and 0.403).

    >>> kg = open_graph()
    >>> parts = communities(partner_network(kg))
    >>> any({kg.base_iri + "organization/opportunity-peterborough",
    ...      kg.base_iri + "organization/peterborough-city-council"} <= part for part in parts)
    True
    """
    H = simple_graph(G)
    if len(H) == 0:
        return []
    if len(H) > LOUVAIN_NETWORKX_LIMIT:
        parts = _louvain_networkit(H, seed, resolution, weight)
    else:
        parts = nx.community.louvain_communities(H, weight=weight, resolution=resolution, seed=seed)
    return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(p)))


def _louvain_networkit(G: nx.Graph, seed: int, resolution: float, weight: str | None) -> list[set[str]]:
    """Louvain in networkit (PLM without refinement), on one thread so that a seed fixes the result."""
    import networkit as nk

    native, nodes = _networkit_graph(G, weight)
    with _seeded_single_thread(seed):
        partition = nk.community.PLM(native, refine=False, gamma=resolution).run().getPartition()
    parts: dict[int, set[str]] = {}
    for node, part in zip(nodes, partition.getVector()):
        parts.setdefault(part, set()).add(node)
    return list(parts.values())


def community_names(G: nx.Graph, parts: list[set[str]]) -> list[str]:
    """A name for each community: the label of its member with the most neighbours.

    >>> G = nx.Graph([("a", "b"), ("a", "c")])
    >>> community_names(G, [{"a", "b", "c"}])
    ['a']
    """
    names = []
    for part in parts:
        hub = max(sorted(part), key=lambda n: G.degree(n))
        names.append(str(G.nodes[hub].get("label", hub)))
    return names


def community_rows(G: nx.Graph, parts: list[set[str]]) -> list[Row]:
    """One row per node: its community (1 = largest), the community's size and name.

    >>> G = nx.Graph([("a", "b")])
    >>> community_rows(G, [{"a", "b"}])[0]["community"]
    1
    """
    H = simple_graph(G)
    names = community_names(H, parts)
    rows = []
    for number, (part, name) in enumerate(zip(parts, names), start=1):
        members = sorted(part, key=lambda n: (-H.degree(n), str(H.nodes[n].get("label", n))))
        rows += [{"community": number, "name": name, "size": len(part), **_describe(H, n), "iri": n}
                 for n in members]
    return rows


def brokers(G: nx.Graph, parts: list[set[str]] | None = None, seed: int = 0,
            weight: str | None = "weight", between: dict[str, float] | None = None) -> list[Row]:
    """Organizations whose neighbours lie in two or more communities, best bridges first.

    A broker's ties reach beyond its own group. Its ``participation`` coefficient (Guimerà and
    Amaral) is ``1 - sum((w_c / w) ** 2)`` over the communities ``c`` of its neighbours, where
    ``w_c`` is the weight of its ties into ``c``: 0 when all ties stay in one community, near 1
    when they are spread evenly over many. Ranked by the number of communities reached, then
    betweenness (how many shortest paths run through it), then participation. Only nodes
    of kind organization count when the graph has organizations; ``parts`` default to
    :func:`communities` with ``seed``, ``between`` (node -> betweenness, e.g. from rows of
    :func:`centrality` kept earlier) to :func:`betweenness`.

    >>> kg = open_graph()
    >>> [row["label"] for row in brokers(partner_network(kg))][:1]
    ['Cluster Sofia Knowledge City']
    """
    H = simple_graph(G)
    parts = communities(H, seed=seed) if parts is None else parts
    community_of = {n: i for i, part in enumerate(parts, start=1) for n in part}
    names = community_names(H, parts)
    between = betweenness(H) if between is None else between
    organizations = [n for n in H if H.nodes[n].get("kind") == "organization"] or list(H)
    rows = []
    for node in organizations:
        ties: Counter[int] = Counter()
        for neighbour in H[node]:
            ties[community_of[neighbour]] += H.edges[node, neighbour].get(weight, 1) if weight else 1
        if len(ties) < 2:
            continue
        total = sum(ties.values())
        participation = 1 - sum((w / total) ** 2 for w in ties.values())
        reached = [names[c - 1] for c in sorted(ties)]
        rows.append({**_describe(H, node), "iri": node, "community": community_of[node],
                     "communities_reached": len(ties), "reaches": reached,
                     "participation": round(participation, 4), "betweenness": round(between[node], 4)})
    rows.sort(key=lambda r: (-r["communities_reached"], -r["betweenness"], -r["participation"], r["label"]))
    return rows


# -- paths ---------------------------------------------------------------------------------------

def find_node(G: nx.Graph, value: str, kind: str | None = None) -> str:
    """The node named by ``value``: its IRI, its id or its label (case ignored).

    >>> G = nx.Graph()
    >>> G.add_node("https://x/organization/nesta", id="nesta", label="NESTA", kind="organization")
    >>> find_node(G, "Nesta")
    'https://x/organization/nesta'
    >>> find_node(G, "Nestle")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.QueryError: no node has the id or label 'Nestle' (did you mean 'NESTA'?)
    """
    if value in G and (kind is None or G.nodes[value].get("kind") == kind):
        return value
    wanted = value.strip().casefold()
    candidates: list[str] = [n for n, d in G.nodes(data=True) if kind is None or d.get("kind") == kind]
    found = [n for n in candidates
             if wanted in (str(G.nodes[n].get("id", "")).casefold(), str(G.nodes[n].get("label", "")).casefold())]
    if len(found) == 1:
        return found[0]
    what = kind or "node"
    if found:
        shown = sorted(found)[:5] + ([f"{len(found) - 5} more"] if len(found) > 5 else [])
        raise QueryError(f"{value!r} names several {what}s ({', '.join(shown)}); give an IRI")
    labels = {str(G.nodes[n].get("label", n)).casefold(): str(G.nodes[n].get("label", n)) for n in candidates}
    close = [labels[x] for x in difflib.get_close_matches(wanted, sorted(labels), n=3, cutoff=0.5)]
    hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
    raise QueryError(f"no {what} has the id or label {value!r}{hint}")


def shortest_path(G: nx.Graph, a: str, b: str) -> list[Row]:
    """The steps of a shortest path from ``a`` to ``b`` (node keys), ignoring edge direction.

    Each step names the relation and its direction: ``forward`` when the property points from
    ``from`` to ``to`` (Meeting with NESTA -[met organization]-> NESTA), ``backward`` when it points
    the other way, ``undirected`` on an undirected projection. Raises QueryError without a path.

    >>> kg = open_graph()
    >>> P = partner_network(kg)
    >>> steps = shortest_path(P, kg.base_iri + "organization/future-cities-catapult",
    ...                       kg.base_iri + "organization/nesta")
    >>> [(s["from"], s["to"]) for s in steps]
    [('Future Cities Catapult', 'Cluster Sofia Knowledge City'), ('Cluster Sofia Knowledge City', 'NESTA')]
    """
    for node in (a, b):
        if node not in G:
            raise QueryError(f"{node} is not in this network")
    undirected = G.to_undirected(as_view=True) if G.is_directed() else G
    try:
        nodes = nx.shortest_path(undirected, a, b)
    except nx.NetworkXNoPath:
        raise QueryError(f"no path between {_label(G, a)!r} and {_label(G, b)!r}") from None
    return [_step(G, number, u, v) for number, (u, v) in enumerate(zip(nodes, nodes[1:]), start=1)]


def _label(G: nx.Graph, node: str) -> str:
    return str(G.nodes[node].get("label", node))


def _step(G: nx.Graph, number: int, u: str, v: str) -> Row:
    """One step u -> v: the relations of the edges between them, forward ones preferred."""
    if not G.is_directed():
        data = [G.edges[u, v]] if not G.is_multigraph() else list(G[u][v].values())
        direction = "undirected"
    elif G.has_edge(u, v):
        data = list(G[u][v].values()) if G.is_multigraph() else [G.edges[u, v]]
        direction = "forward"
    else:
        data = list(G[v][u].values()) if G.is_multigraph() else [G.edges[v, u]]
        direction = "backward"
    relations = sorted({str(d.get("relation", "linked to")) for d in data})
    arrow = {"forward": "-[{}]->", "backward": "<-[{}]-", "undirected": "-[{}]-"}[direction]
    return {"step": number, "from": _label(G, u), "relation": "; ".join(relations), "direction": direction,
            "to": _label(G, v), "inferred": all(bool(d.get("inferred", False)) for d in data),
            "text": f"{_label(G, u)} {arrow.format('; '.join(relations))} {_label(G, v)}",
            "from_iri": u, "to_iri": v}


# -- link prediction -----------------------------------------------------------------------------

def suggest_partners(source: KnowledgeGraph | nx.MultiDiGraph, organization: str, k: int = 5,
                     method: str = "adamic-adar") -> list[Row]:
    """Organizations that ``organization`` might partner with, best first, each with its reason.

    Link prediction on a graph joining the partner network and the organization-theme graph, so
    two organizations are close when they share themes and neighbours. ``method`` is
    ``adamic-adar`` (shared neighbours weighted by ``1 / log(degree)``, so a niche theme counts more
    than a theme everyone has) or ``jaccard`` (shared over all neighbours). Existing partners
    (organizations already linked in the partner network) and the organization itself are left out,
    as are candidates with nothing in common. ``organization`` is an IRI, id or label.

    >>> kg = open_graph()
    >>> best = suggest_partners(kg, "Opportunity Peterborough", k=1)[0]
    >>> best["label"], best["reason"]  # doctest: +ELLIPSIS
    ('London & Partners', 'shares themes Marketing and advertising, Smart cities, ...; both had meetings with
    Cluster Sofia Knowledge City')
    """
    if method not in SUGGESTION_METHODS:
        raise QueryError(f"unknown method {method!r}; use one of {', '.join(SUGGESTION_METHODS)}")
    G = entities_of(source)
    P, T = partner_network(G), organization_theme_graph(G)
    me = find_node(P, organization, kind="organization")
    combined = nx.Graph()
    combined.add_nodes_from(T.nodes(data=True))
    combined.add_nodes_from(P.nodes(data=True))
    combined.add_edges_from(T.edges(data=True))
    combined.add_edges_from(P.edges(data=True))
    candidates = [n for n in P if n != me and not P.has_edge(me, n)]
    predict = nx.adamic_adar_index if method == "adamic-adar" else nx.jaccard_coefficient
    rows = []
    for _, other, score in predict(combined, [(me, n) for n in candidates]):
        if score <= 0:
            continue
        themes, contacts = _shared(combined, P, T, me, other)
        rows.append({"label": _label(P, other), "id": P.nodes[other].get("id", other), "iri": other,
                     "score": round(score, 4), "method": method, "reason": _reason(themes, contacts),
                     "shared_themes": [t for t, _ in themes], "shared_contacts": [c for c, _ in contacts]})
    rows.sort(key=lambda r: (-r["score"], r["label"]))
    return [{"rank": rank, **row} for rank, row in enumerate(rows[:k], start=1)]


def _shared(combined: nx.Graph, P: nx.Graph, T: nx.Graph, a: str,
            b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, str]]]:
    """Shared themes (label, stated by both) and shared contacts (label, how both are linked)."""
    themes, contacts = [], []
    for n in sorted(nx.common_neighbors(combined, a, b), key=lambda n: _label(combined, n)):
        if n in T and T.nodes[n].get("kind") == "theme":
            themes.append((_label(T, n), T.edges[a, n]["direct"] and T.edges[b, n]["direct"]))
        else:
            kinds = {x["kind"] for x in P.edges[a, n]["via"]} & {x["kind"] for x in P.edges[b, n]["via"]}
            verb = ("had meetings with" if "meeting" in kinds else "are partners of" if "partnership" in kinds
                    else "are linked to")
            contacts.append((_label(P, n), verb))
    themes.sort(key=lambda t: (not t[1], t[0]))  # themes both stated first, then broader ones
    return themes, contacts


def _reason(themes: list[tuple[str, bool]], contacts: list[tuple[str, str]]) -> str:
    """"shares themes Smart cities, Circular economy; both had meetings with Cluster Sofia Knowledge City"."""
    parts = []
    if themes:
        names = [name if stated else f"{name} (broader)" for name, stated in themes]
        parts.append(f"shares theme{'s' if len(names) > 1 else ''} {', '.join(names)}")
    by_verb: dict[str, list[str]] = {}
    for name, verb in contacts:
        by_verb.setdefault(verb, []).append(name)
    parts += [f"both {verb} {', '.join(names)}" for verb, names in by_verb.items()]
    return "; ".join(parts)

