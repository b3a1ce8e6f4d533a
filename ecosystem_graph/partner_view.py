"""The partner map as one self-contained, offline HTML page, drawn with WebGL (sigma.js).

:func:`partner_map_data` turns a partner map (:func:`ecosystem_graph.partner_map.partner_map`) into
the JSON the page draws: nodes in columns (labels, alternative labels, facets, activity dates,
metrics, positions), links with their reasons, and, at real size, communities with their names.
:func:`render_partner_map` embeds it with the page's script and sigma.js, graphology and
ForceAtlas2 (bundled from npm into ``assets/``, see ``vendor/``). The page colours, sizes and filters
by any facet, keeps its state in the address, searches labels and alternative labels, expands
neighbourhoods, reruns the layout on what is visible and exports PNG, SVG and CSV.

One renderer draws every size: sigma.js draws 100,000 nodes on the GPU where vis-network's canvas
stalls, and the same page then behaves the same at seed size and at real size.

As in :mod:`ecosystem_graph.views`, nothing is fetched (a Content-Security-Policy forbids it), and
text from the data reaches the page as escaped JSON and is shown with ``textContent`` only.

>>> from ecosystem_graph.partner_map import partner_map
>>> kg = open_graph()
>>> html = render_partner_map(partner_map(kg), "Partners")
>>> html.startswith("<!DOCTYPE html>") and "https://cdn" not in html
True
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from markupsafe import Markup
from rdflib import URIRef

from . import analytics
from .files import write_atomically
from .graph import (
    KnowledgeGraph,
    open_graph,  # noqa: F401  (doctests)
)
from .kept import kept_graph, kept_json
from .kinds import NODE_KINDS
from .layout import grouped_layout, layout
from .partner_map import REASONS, community_labels, ego_nodes, partner_map
from .views import CSP, ViewError, inlinable, label_box, script_hash, script_json, template_environment

__all__ = ["EDGE_LIMIT", "GROUP_ABOVE", "COLLAPSE_ABOVE", "MAX_GROUPS", "PartnerView", "TEXT_LIMIT", "partner_map_data",
           "partner_map_drawing", "render_partner_map", "select_partner_view", "write_partner_map"]

#: The modules whose code makes a kept drawing (besides those of :mod:`.kept`).
DRAWING_CODE = ("partner_map.py", "partner_view.py", "layout.py")
#: From this many nodes on, the map is grouped into communities (each in its own region, named).
GROUP_ABOVE = 300
#: Above this many nodes the communities start collapsed, one node each, and expand on click.
COLLAPSE_ABOVE = 20_000
#: At most this many named communities; smaller ones share one region ("smaller groups").
MAX_GROUPS = 60
#: Up to this many links each carries its text (what links the two); above, its reasons only.
TEXT_LIMIT = 20_000
#: The page carries at most this many links: above, the strongest of each node first (the map's
#: backbone); degrees and the other metrics still count them all. Without a GPU the first frame's
#: links dominate the time to ready: 20,000 organizations were ready in 2.5-3.3 s with 100,000
#: links, 1.8-2.0 s with 60,000 (CORDIS: 3.1-3.3 s and 2.3 s).
EDGE_LIMIT = 60_000
#: Betweenness (KADABRA above 2,000 nodes) is a size metric up to this many nodes...
BETWEENNESS_MAX = 50_000
#: ...estimated within this (a node's size needs no more): on CORDIS 1.5 s instead of 5.4 s at the
#: analytics' 0.002, with a largest error of 0.0014 (bench/RESULTS.md, "Betweenness at real size").
SIZE_EPSILON = 0.005
#: Communities are found with this Louvain resolution: on the real CORDIS network it gives 46
#: groups of 20 or more organizations where 1.0 gives 19 and one of 4,635.
RESOLUTION = 2.0


@dataclass
class PartnerView:
    """A partner map with what the page shows first: a title, a focus, a first state."""

    graph: nx.Graph
    title: str
    subtitle: str = ""
    focus: str | None = None
    shown: set[str] | None = None
    preset: dict[str, Any] = field(default_factory=dict)
    #: Where the drawing is kept (the store's generation folder) and the map options it depends on.
    generation: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def html(self, **options: Any) -> str:
        """The page (see :func:`render_partner_map`); a ``preset`` adds to the view's own."""
        preset = {**self.preset, **options.pop("preset", {})}
        drawn: dict[str, Any] = {name: options.pop(name) for name in ("grouped", "seed", "edge_limit")
                                 if name in options}
        drawing = kept_json(self.generation, "partner-map-drawing", {**self.options, **drawn},
                            lambda: partner_map_drawing(self.graph, **drawn), code=DRAWING_CODE)
        return render_partner_map(self.graph, self.title, self.subtitle, focus=self.focus, shown=self.shown,
                                  preset=preset, drawing=drawing, **options)

    def write(self, out: str | Path, **options: Any) -> Path:
        """Write the page to ``out`` atomically; returns the path."""
        return _write_page(Path(out), self.html(**options))


def select_partner_view(kg: KnowledgeGraph, *, focus: str | None = None, depth: int = 1, theme: str | None = None,
                        people: bool = False, theme_links: int = 0, weighting: str = "shared",
                        max_consortium: int | None = None) -> PartnerView:
    """The partner map the command line names: the whole map, or the ego map of ``focus``.

    ``focus`` names an organization or a person (by identifier or label): the page opens on it and
    the partners ``depth`` links away, and can expand from there. A city, country, organization
    type or theme as ``focus`` (or ``theme``) opens the whole map filtered by it instead.

    >>> kg = open_graph()
    >>> view = select_partner_view(kg, focus="Cluster Sofia Knowledge City")
    >>> view.title, len(view.shown) - 1 >= 8
    ('Partners of Cluster Sofia Knowledge City', True)
    >>> select_partner_view(kg, theme="IoT").preset
    {'theme': ['Internet of Things']}
    """
    from .network import entity_graph

    options: dict[str, Any] = {"people": people, "theme_links": theme_links, "weighting": weighting,
                               "max_consortium": max_consortium}
    # kept per graph generation on persistent stores, as the entity graph is: the next view of the
    # same graph reads it back instead of deriving it again
    generation = kg.store.generation_folder()
    M = kept_graph(generation, "partner-map", options, lambda: partner_map(entity_graph(kg), **options))
    def view(title: str, subtitle: str = "", **shown: Any) -> PartnerView:
        return PartnerView(M, title, subtitle, generation=generation, options=options, **shown)

    if not (focus or theme):
        return view("Partner map")
    iri = str(kg.resolve("theme" if theme else "entity", theme or focus or "", "theme" if theme else "focus"))
    kind, label = ((M.nodes[iri].get("kind"), str(M.nodes[iri].get("label") or iri)) if iri in M
                   else _kind_and_label(kg, iri))
    facet = {"city": "city", "country": "country", "organization-type": "type", "theme": "theme"}.get(kind or "")
    if facet:
        return view(f"Partner map: {label}", preset={facet: [label]})
    if iri not in M:
        raise ViewError(f"{focus!r} is a {kind or 'resource'}: the partner map draws organizations"
                        f"{' and people' if people else ' (and people with --people)'}; "
                        "use --mode entities to draw any entity")
    shown = ego_nodes(M, iri, depth)
    links = sum(1 for _ in M.subgraph(shown).edges())
    return view(f"Partners of {label}",
                f"{len(shown) - 1:,} partners within {depth} link{'s' if depth != 1 else ''}, {links:,} links; "
                f"{len(M):,} on the whole map", focus=iri, shown=shown)


def _kind_and_label(kg: KnowledgeGraph, iri: str) -> tuple[str | None, str]:
    """The kind and the label of an entity that is no node of the map (a city, a theme...), asked
    of the store: reading the entity graph for them would cost a large graph's whole read."""
    term = URIRef(iri).n3()
    rows = list(kg.text_rows(f"SELECT ?class ?label WHERE {{ {term} a ?class "
                             f"OPTIONAL {{ {term} rdfs:label ?label }} }}"))
    classes = {row[0] for row in rows}
    kind = next((k.name for k in NODE_KINDS if k.cls in classes), None)
    return kind, next((str(row[1]) for row in rows if row[1]), iri)


def partner_map_data(M: nx.Graph, *, focus: str | None = None, shown: set[str] | None = None,
                     pages: Mapping[str, str] | None = None, grouped: bool | None = None,
                     collapsed: bool | None = None, seed: int = 7, edge_limit: int = EDGE_LIMIT,
                     drawing: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON the page draws (see the module's description).

    ``focus`` is selected when the page opens; ``shown`` limits what is drawn at first (an ego
    view; the page can expand from it). ``grouped`` and ``collapsed`` default to the size rules
    :data:`GROUP_ABOVE` and :data:`COLLAPSE_ABOVE`. Above ``edge_limit`` links, the page gets the
    backbone: the links that are among the strongest of either end (:func:`_backbone`).
    ``drawing`` is :func:`partner_map_drawing`'s answer for the same graph and options, when it
    was kept: the slow part (communities, layout, metrics, backbone) is then not made again.

    >>> M = nx.Graph()
    >>> M.add_node("a", label="A", kind="organization", city="Sofia", themes=["IoT"])
    >>> M.add_node("b", label="B", kind="organization", country="Bulgaria")
    >>> M.add_edge("a", "b", reasons={"met": 1}, weight=1, span=("2018-07-30", "2018-08-03"))
    >>> data = partner_map_data(M)
    >>> data["nodes"]["l"], data["facets"]["city"], data["nodes"]["city"]
    (['A', 'B'], ['Sofia'], [0, -1])
    >>> data["edges"]["r"], data["edges"]["from"], data["edges"]["to"]
    ([1], [20180730], [20180803])
    """
    payload = drawing if drawing is not None else partner_map_drawing(M, grouped=grouped, seed=seed,
                                                                      edge_limit=edge_limit)
    index = {node: i for i, node in enumerate(M)}
    payload["focus"] = index.get(focus) if focus is not None else None
    payload["shown"] = sorted(index[n] for n in shown) if shown is not None else None
    payload["collapsed"] = bool(payload.get("groups")) and (len(M) > COLLAPSE_ABOVE if collapsed is None else collapsed)
    if pages:
        payload["nodes"]["p"] = {str(index[n]): page for n, page in pages.items() if n in index}
    return payload


def partner_map_drawing(M: nx.Graph, *, grouped: bool | None = None, seed: int = 7,
                        edge_limit: int = EDGE_LIMIT) -> dict[str, Any]:
    """The part of :func:`partner_map_data` that depends on the graph alone: nodes with their
    places, facets and metrics, the links the page carries, the communities. It is what takes
    time on a large map, and what a persistent store keeps per graph generation (JSON).

    >>> drawing = partner_map_drawing(nx.Graph([("a", "b")]))
    >>> sorted(drawing["nodes"]["m"]), drawing["allEdges"]
    (['betweenness', 'degree'], 1)
    """
    nodes = list(M)
    index = {node: i for i, node in enumerate(nodes)}
    grouped = len(nodes) >= GROUP_ABOVE if grouped is None else grouped
    metrics = _metrics(M, nodes)
    groups, rest = _groups(M, seed) if grouped else ([], False)
    pos: Mapping[Any, tuple[float, float]]
    if groups:
        pos, discs = grouped_layout(M, groups, seed=seed)
    else:
        pos, discs = _small_layout(M, nodes, metrics["degree"], seed), []
    facets = {name: _facet(M, nodes, name) for name in ("type", "country", "city", "theme")}
    payload: dict[str, Any] = {
        "reasons": list(REASONS),
        "statuses": sorted({s for *_, status in M.edges(data="status") for s in status or ()}),
        "facets": {name: values for name, (values, _) in facets.items()},
        "facetAlt": {name: {str(i): alt[v] for i, v in enumerate(values) if v in alt}
                     for name, (values, _) in facets.items()
                     for alt in [M.graph.get("facet_alt_labels", {})]},
        "nodes": {
            "k": [str(M.nodes[n].get("key") or n) for n in nodes],
            "l": [str(M.nodes[n].get("label") or n) for n in nodes],
            "a": {str(i): M.nodes[n]["alt"] for i, n in enumerate(nodes) if M.nodes[n].get("alt")},
            "person": [i for i, n in enumerate(nodes) if M.nodes[n].get("kind") == "person"],
            "x": [round(pos[n][0], 1) for n in nodes],
            "y": [round(-pos[n][1], 1) for n in nodes],  # sigma's y axis points up
            **{name: column for name, (_, column) in facets.items()},
            "act": [[_day(d) for span in M.nodes[n].get("activity", ()) for d in span] for n in nodes],
            # where the geographic map puts a node: its city's coordinates, else its country's
            "lat": [_round(M.nodes[n].get("coordinates"), 0) for n in nodes],
            "lon": [_round(M.nodes[n].get("coordinates"), 1) for n in nodes],
            "m": metrics,
        },
        "edges": _edges(M, index, _backbone(M, index, edge_limit)),
        "allEdges": M.number_of_edges(),
    }
    if len(nodes) <= TEXT_LIMIT:
        payload["nodes"]["d"] = {str(i): M.nodes[n]["description"][:600] for i, n in enumerate(nodes)
                                 if M.nodes[n].get("description")}
    if groups:
        payload["nodes"]["g"] = _membership(groups, index, len(nodes))
        named = community_labels(M, groups)
        if rest:
            named[-1]["label"] = f"{len(groups[-1]):,} in small groups or unlinked"
        payload["groups"] = [{**name, "x": round(x, 1), "y": round(-y, 1), "r": round(r, 1)}
                             for name, (x, y, r) in zip(named, discs)]
        payload["groupEdges"] = _group_edges(M, groups)
    return payload


def render_partner_map(M: nx.Graph, title: str, subtitle: str = "", *, preset: Mapping[str, Any] | None = None,
                       back_link: tuple[str, str] | None = None, **options: Any) -> str:
    """The partner map as one self-contained HTML page; ``options`` go to :func:`partner_map_data`.

    ``preset`` is the page's first state, as its address would give it (e.g. ``{"theme": ["IoT"],
    "color": "city"}``): the address still wins when it says otherwise.

    >>> M = nx.Graph()
    >>> M.add_node("x", label="</script><img src=x onerror=alert(1)>", kind="organization")
    >>> html = render_partner_map(M, "<b>t</b>")
    >>> "<img src=x" in html, "&lt;b&gt;t&lt;/b&gt;" in html
    (False, True)
    """
    payload = partner_map_data(M, **options)
    payload["preset"] = dict(preset or {})
    payload["title"] = title
    count = Counter(M.nodes[n].get("kind") for n in M)
    placed = any(M.nodes[n].get("coordinates") for n in M)
    context = {
        "basemap_json": Markup(_asset("basemap_json")) if placed else "",
        "csp": CSP.format(scripts=" ".join(script_hash(_asset(name)) for name in ("bundle_js", "page_js"))),
        "title": title, "subtitle": subtitle or _subtitle(M, count),
        "back_link": back_link[0] if back_link else "", "back_text": back_link[1] if back_link else "",
        "data_json": Markup(script_json(payload)),
        "bundle_js": Markup(_asset("bundle_js")), "page_js": Markup(_asset("page_js")),
        "page_css": Markup(_asset("page_css")),
    }
    return template_environment().get_template("partner_map.html").render(context)


def write_partner_map(M: nx.Graph, title: str, out: str | Path, **options: Any) -> Path:
    """Render the partner map and write it to ``out`` atomically; returns the path.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "map.html"
    >>> write_partner_map(nx.Graph([("a", "b")]), "t", out).stat().st_size > 100_000
    True
    """
    return _write_page(Path(out), render_partner_map(M, title, **options))


def _write_page(out: Path, page: str) -> Path:
    write_atomically(out.parent if str(out.parent) else Path("."), {out.name: page.encode("utf-8")})
    return out


# -- the payload's parts ----------------------------------------------------------------------------

def _subtitle(M: nx.Graph, count: Counter[Any]) -> str:
    people = f", {count['person']:,} people" if count["person"] else ""
    return f"{count['organization']:,} organizations{people}, {M.number_of_edges():,} links"


def _facet(M: nx.Graph, nodes: list[str], name: str) -> tuple[list[str], list[Any]]:
    """A facet's values (most frequent first) and each node's value index (-1: none), or list of them."""
    many = name == "theme"
    attribute = "themes" if many else name
    counts: Counter[str] = Counter()
    for n in nodes:
        value = M.nodes[n].get(attribute)
        counts.update(value or ()) if many else counts.update([value] if value else [])
    values = [v for v, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    where = {v: i for i, v in enumerate(values)}
    if many:
        return values, [sorted(where[v] for v in M.nodes[n].get(attribute) or ()) for n in nodes]
    return values, [where.get(M.nodes[n].get(attribute) or "", -1) for n in nodes]


def _round(coordinates: tuple[float, float] | None, axis: int) -> float | None:
    return round(coordinates[axis], 4) if coordinates else None


def _day(value: str) -> int:
    """YYYY-MM-DD as the integer YYYYMMDD, which the page compares."""
    return int(value[:10].replace("-", ""))


def _metrics(M: nx.Graph, nodes: list[str]) -> dict[str, list[float]]:
    """What a node's size can show: links, betweenness (up to :data:`BETWEENNESS_MAX`), meetings, projects."""
    found: dict[str, list[float]] = {"degree": [float(M.degree(n)) for n in nodes]}
    if len(nodes) <= BETWEENNESS_MAX and M.number_of_edges():
        scores = analytics.betweenness(analytics.simple_graph(M), epsilon=SIZE_EPSILON)
        found["betweenness"] = [float(f"{scores.get(n, 0.0):.3g}") for n in nodes]
    for name in ("meetings", "projects"):
        values = [float(M.nodes[n].get(name, 0)) for n in nodes]
        if any(values):
            found[name] = values
    return found


def _small_layout(M: nx.Graph, nodes: list[str], degree: list[float],
                  seed: int) -> Mapping[Any, tuple[float, float]]:
    """Positions of a map small enough to make room for every label."""
    top = max(degree, default=0.0) or 1.0
    boxes: dict[Any, tuple[float, ...]] = {n: label_box(str(M.nodes[n].get("label") or n), 6 + 12 * math.sqrt(d / top))
             for n, d in zip(nodes, degree)}
    return layout(M, seed=seed, boxes=boxes)


def _groups(M: nx.Graph, seed: int) -> tuple[list[list[str]], bool]:
    """Louvain communities, largest first, at most :data:`MAX_GROUPS`, and whether the last one is
    not a community but the rest: the small ones and the unlinked nodes, sharing one region."""
    parts = [sorted(p, key=str) for p in analytics.communities(M, seed=seed, resolution=RESOLUTION)]
    least = max(5, len(M) // 1000)  # a region of its own for groups that can be seen at this size
    kept = [p for p in parts if len(p) >= least][:MAX_GROUPS - 1]
    rest = sorted((n for p in parts[len(kept):] for n in p), key=str)
    if rest:
        kept.append(rest)
    return kept, bool(rest)


def _membership(groups: list[list[str]], index: dict[str, int], n: int) -> list[int]:
    found = [-1] * n
    for g, members in enumerate(groups):
        for node in members:
            found[index[node]] = g
    return found


def _group_edges(M: nx.Graph, groups: list[list[str]], per_group: int = 6) -> list[list[float]]:
    """The strongest links between communities (summed link weights), a few per community."""
    where = {node: g for g, members in enumerate(groups) for node in members}
    weight: Counter[tuple[int, int]] = Counter()
    for u, v in M.edges():
        a, b = where[u], where[v]
        if a != b:
            weight[(min(a, b), max(a, b))] += 1
    kept: set[tuple[int, int]] = set()
    for g in range(len(groups)):
        mine = sorted((pair for pair in weight if g in pair), key=lambda p: -weight[p])[:per_group]
        kept.update(mine)
    return [[a, b, weight[(a, b)]] for a, b in sorted(kept)]


def _backbone(M: nx.Graph, index: dict[str, int], limit: int) -> list[tuple[str, str, dict[str, Any]]]:
    """At most ``limit`` links: every node's strongest first, then each node's second strongest...

    A link's rank is its place among the links of whichever end it ranks higher for (0: the
    strongest link of one of its ends); links are taken by rank, then weight. So every linked node
    keeps its strongest link, and the hubs' many weak links go first.

    >>> M = nx.star_graph(4)
    >>> nx.set_edge_attributes(M, {(0, 1): 5, (0, 2): 1, (0, 3): 1, (0, 4): 1}, "weight")
    >>> M.add_edge(1, 2, weight=1)
    >>> sorted((u, v) for u, v, _ in _backbone(M, {n: n for n in M}, 4))
    [(0, 1), (0, 2), (0, 3), (0, 4)]
    >>> sorted((u, v) for u, v, _ in _backbone(M, {n: n for n in M}, 2))
    [(0, 1), (0, 2)]
    """
    import numpy as np

    edges = list(M.edges(data=True))
    if len(edges) <= limit:
        return edges
    ends = np.array([(index[u], index[v]) for u, v, _ in edges], dtype=np.int64)
    weight = np.array([float(d.get("weight", 1)) for *_, d in edges])
    order = np.lexsort((np.arange(len(edges)), -weight))  # strongest first, then as listed
    rank = np.full(len(edges), len(edges), dtype=np.int64)
    for side in (0, 1):
        node = ends[order, side]
        by_node = np.argsort(node, kind="stable")  # within a node, still strongest first
        sorted_nodes = node[by_node]
        starts = np.searchsorted(sorted_nodes, sorted_nodes, side="left")
        place = np.empty(len(edges), dtype=np.int64)
        place[by_node] = np.arange(len(edges)) - starts
        rank[order] = np.minimum(rank[order], place)
    kept = np.lexsort((np.arange(len(edges)), -weight, rank))[:limit]
    return [edges[i] for i in sorted(kept)]


def _edges(M: nx.Graph, index: dict[str, int],
           edges: list[tuple[str, str, dict[str, Any]]]) -> dict[str, list[Any]]:
    """Links in columns: ends, reasons (bits in :data:`REASONS` order), weight, statuses, dates, text."""
    statuses = sorted({s for *_, status in M.edges(data="status") for s in status or ()})
    status_bit = {s: 1 << i for i, s in enumerate(statuses)}
    reason_bit = {r: 1 << i for i, r in enumerate(REASONS)}
    columns: dict[str, list[Any]] = {"s": [], "t": [], "r": [], "w": [], "st": [], "from": [], "to": []}
    text = len(edges) <= TEXT_LIMIT
    if text:
        columns["text"] = []
    for u, v, data in edges:
        columns["s"].append(index[u])
        columns["t"].append(index[v])
        columns["r"].append(sum(reason_bit[r] for r in data.get("reasons") or ()))
        columns["w"].append(float(f"{data.get('weight', 1):.3g}"))
        columns["st"].append(sum(status_bit[s] for s in data.get("status") or ()))
        span = data.get("span")
        columns["from"].append(_day(span[0]) if span else 0)
        columns["to"].append(_day(span[1]) if span else 0)
        if text:
            columns["text"].append(str(data.get("relation") or ""))
    return columns


# -- assets -----------------------------------------------------------------------------------------

@cache
def _asset(name: str) -> str:
    """An embedded script or style, checked not to close its element."""
    package = resources.files("ecosystem_graph")
    path = {"bundle_js": package / "assets" / "sigma-bundle.min.js",
            "page_js": package / "templates" / "partner_map.js",
            "page_css": package / "templates" / "partner_map.css",
            "basemap_json": package / "assets" / "countries-110m.json"}[name]
    # (the basemap's JSON sits in a script element too)
    return inlinable(path.read_text(encoding="utf-8"), name, "style" if name.endswith("_css") else "script")
