"""Interactive views of the ecosystem: one self-contained, offline HTML file per view.

A *view* is a subgraph of the entity graph (:func:`ecosystem_graph.network.entity_graph`) with a
title: the whole ecosystem, the ego network of an entity, a theme, a visit, or the result of a
CONSTRUCT query. :func:`render_html` draws it with vis-network (the copy that ships with pyvis,
embedded in the page): colour and shape by type, size by centrality, labelled edges, tooltips with
the key facts and the source, a legend that filters by type, a date range, search by label, and a
click that focuses a node's neighbourhood.

The page fetches nothing: every script and style is inline and a Content-Security-Policy forbids
any request. All text from the data is untrusted; it reaches the page as JSON (with ``<``, ``>``
and ``&`` escaped) and is shown with ``textContent`` or drawn on the canvas, never parsed as HTML.

Positions are computed in Python (:mod:`ecosystem_graph.layout`) and the browser's physics is off,
so large views draw at once. Above ``max_nodes`` entities, communities are drawn collapsed into
single nodes that expand on click.

>>> kg = open_graph()
>>> view = select_view(kg, focus="NESTA", depth=1)
>>> view.title
'Ego network of NESTA'
>>> html = render_html(view)
>>> html.startswith("<!DOCTYPE html>") and "https://" not in html.split("<script")[0]
True
"""

from __future__ import annotations

import calendar
import json
import math
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from markupsafe import Markup

from .errors import EcosystemGraphError, QueryError
from .files import write_atomically
from .graph import KnowledgeGraph, open_graph  # noqa: F401  (open_graph: doctests)
from .kinds import NODE_KINDS, OTHER
from .layout import layout
from .results import select_rows

if TYPE_CHECKING:
    import jinja2

__all__ = ["BETWEENNESS_LIMIT", "CHAR_WIDTH", "CSP", "EDGE_LABEL_LIMIT", "KIND_STYLES", "LABEL_CHARS", "LABEL_WIDTH",
           "LINE_HEIGHT", "MAX_NODES", "View", "ViewError", "centrality_scores", "construct_view", "darker",
           "ego_view", "inherited_dates", "inlinable", "label_box", "pad_date", "page_csp", "render_html",
           "script_hash", "script_json",
           "select_view", "template_environment", "theme_view", "view_data", "visit_view", "whole_view", "write_view"]

#: Above this many entities a view draws communities collapsed into nodes that expand on click.
MAX_NODES = 20_000
#: Up to this many nodes sizes come from betweenness (exact); above, from degree.
BETWEENNESS_LIMIT = 500
#: Above this many edges, edges carry no drawn label (the tooltip still names the relation).
EDGE_LABEL_LIMIT = 5_000
#: Node labels wrap at this width (pixels) and are cut after this many characters on the canvas.
LABEL_WIDTH = 180
LABEL_CHARS = 90
CHAR_WIDTH = 8.3
LINE_HEIGHT = 19

#: Nothing may be fetched: scripts and styles are inline, images only data: URIs. Scripts run only
#: when their hash is listed (:func:`page_csp`): not even an injected inline script or handler would.
CSP = ("default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
       "font-src data:; connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
       "worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'")

#: Node kind -> (fill colour, vis-network shape), from the kinds table (:mod:`.kinds`).
KIND_STYLES: dict[str, tuple[str, str]] = {k.name: (k.color, k.shape) for k in (*NODE_KINDS, OTHER)}

_SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"
_SUPER_EVENT = "https://schema.org/superEvent"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


class ViewError(EcosystemGraphError):
    """A view cannot be made as asked (an entity that views do not draw, a bad option)."""


@dataclass
class View:
    """A graph to draw with its title; ``focus`` is a node to select when the page opens."""

    graph: nx.MultiDiGraph
    title: str
    subtitle: str = ""
    focus: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    score_name: str = ""


# -- selecting what to draw -------------------------------------------------------------------------

def whole_view(G: nx.MultiDiGraph, title: str = "The whole ecosystem") -> View:
    """Every entity and every link.

    >>> G = nx.MultiDiGraph([("a", "b", "p")])
    >>> whole_view(G).graph.number_of_nodes()
    2
    """
    return View(G, title, _counts(G))


def ego_view(G: nx.MultiDiGraph, focus: str, depth: int = 1) -> View:
    """``focus`` and every entity at most ``depth`` links away from it, in either direction.

    >>> G = nx.MultiDiGraph([("a", "b", "p"), ("c", "b", "p"), ("c", "d", "p")])
    >>> sorted(ego_view(G, "a", depth=2).graph)
    ['a', 'b', 'c']
    """
    if focus not in G:
        raise ViewError(f"{focus} is not an entity that views draw")
    if depth < 0:
        raise ViewError(f"depth must be 0 or more, not {depth}")
    reach = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), focus, cutoff=depth)
    sub = G.subgraph(reach)
    label = _label(G, focus)
    title = f"Ego network of {label}" + (f" (depth {depth})" if depth != 1 else "")
    return View(sub, title, f"{_counts(G, reach)} within {depth} link{'s' if depth != 1 else ''} of {label}", focus)


def theme_view(G: nx.MultiDiGraph, theme: str) -> View:
    """A theme, its narrower themes, what is about any of them, and who makes, meets, partners or takes part in it.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("t", kind="theme", label="T")
    >>> G.add_node("n", kind="theme", label="N")
    >>> G.add_edge("n", "t", key=_SKOS_BROADER)
    'http://www.w3.org/2004/02/skos/core#broader'
    >>> G.add_node("m", kind="meeting", label="M"); G.add_edge("m", "n", key="about")
    'about'
    >>> G.add_node("o", kind="organization", label="O"); G.add_edge("m", "o", key="met")
    'met'
    >>> sorted(theme_view(G, "t").graph)
    ['m', 'n', 'o', 't']
    """
    if G.nodes.get(theme, {}).get("kind") != "theme":
        raise ViewError(f"{theme} is not a theme")
    themes = {theme}
    todo = [theme]
    while todo:  # narrower themes point to their broader one
        for narrower, _, key in G.in_edges(todo.pop(), keys=True):
            if key == _SKOS_BROADER and narrower not in themes:
                themes.add(narrower)
                todo.append(narrower)
    keep = set(themes)
    for t in themes:
        keep |= _neighbours(G, t)
    for thing in list(keep - themes):
        if G.nodes[thing].get("kind") in ("meeting", "partnership", "product", "event", "programme", "project"):
            keep |= {n for n in _neighbours(G, thing) if G.nodes[n].get("kind") == "organization"}
    sub = G.subgraph(keep)
    label = _label(G, theme)
    narrower = len(themes) - 1
    extra = f", {narrower} narrower theme{'s' if narrower != 1 else ''}" if narrower else ""
    return View(sub, f"Theme: {label}", f"{_counts(G, keep)}: what is about {label}{extra}", theme)


def visit_view(G: nx.MultiDiGraph, visit: str) -> View:
    """A working visit, what it links to, and everything its meetings link to.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("v", kind="visit", label="V")
    >>> G.add_node("m", kind="meeting", label="M"); G.add_edge("m", "v", key=_SUPER_EVENT)
    'https://schema.org/superEvent'
    >>> G.add_node("o", kind="organization", label="O"); G.add_edge("m", "o", key="met")
    'met'
    >>> sorted(visit_view(G, "v").graph)
    ['m', 'o', 'v']
    """
    if G.nodes.get(visit, {}).get("kind") != "visit":
        raise ViewError(f"{visit} is not a working visit")
    keep = {visit} | _neighbours(G, visit)
    for meeting in list(keep):
        if G.nodes[meeting].get("kind") == "meeting":
            keep |= _neighbours(G, meeting)
    sub = G.subgraph(keep)
    label = _label(G, visit)
    node = G.nodes[visit]
    when = f", {node['date']} to {node['end_date']}" if node.get("date") and node.get("end_date") else ""
    return View(sub, f"Visit: {label}", f"{_counts(G, keep)}: the visit, its meetings and what they link to{when}",
                visit)


def construct_view(kg: KnowledgeGraph, sparql: str, G: nx.MultiDiGraph | None = None,
                   name: str = "CONSTRUCT query") -> View:
    """The graph a CONSTRUCT (or DESCRIBE) query returns: resources as nodes, links as edges.

    Resources that are entities keep their kind, facts and sources; other resources are drawn as
    kind ``other``. Literal values become facts of their subject.

    >>> kg = open_graph()
    >>> view = construct_view(kg, "CONSTRUCT { ?m eco:metOrganization ?o } WHERE { ?m eco:metOrganization ?o }")
    >>> view.graph.number_of_nodes(), view.graph.number_of_edges()
    (16, 8)
    >>> construct_view(kg, "SELECT * WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.QueryError: CONSTRUCT query: a view needs a CONSTRUCT or DESCRIBE query, not a SELECT query
    """
    from rdflib import BNode, Literal

    try:
        result = kg.query(sparql)
    except QueryError as exc:
        raise QueryError(f"{name}: {exc}") from None
    if result.type not in ("CONSTRUCT", "DESCRIBE"):
        raise QueryError(f"{name}: a view needs a CONSTRUCT or DESCRIBE query, not a {result.type} query")
    if G is None:
        from .network import entity_graph

        G = entity_graph(kg)
    assert result.graph is not None
    triples = list(result.graph)
    names = _rdf_labels(kg, {str(p) for _, p, _ in triples}
                        | {str(o) for _, _, o in triples if not isinstance(o, (Literal, BNode))})
    names.update({str(s): str(o) for s, p, o in triples if str(p) == _RDFS_LABEL and isinstance(o, Literal)})
    V = nx.MultiDiGraph()

    def add(term: Any) -> str:
        key = f"_:{term}" if isinstance(term, BNode) else str(term)
        if key not in V:
            if key in G:
                V.add_node(key, **{**G.nodes[key], "facts": list(G.nodes[key].get("facts", []))})
            else:
                V.add_node(key, label=names.get(key) or kg.compact(term), id="", kind="other",
                           kind_label=OTHER.label, iri=key, description="", date="",
                           end_date="", sources=[], facts=[], inferred=[])
        return key

    for s, p, o in sorted(triples):
        subject = add(s)
        relation = names.get(str(p)) or _local_name(str(p))
        if isinstance(o, Literal):
            if str(p) == _RDFS_LABEL:
                continue
            fact = f"{relation}: {o}"
            if fact not in V.nodes[subject]["facts"]:
                V.nodes[subject]["facts"].append(fact)
            continue
        target = add(o)
        known = G.get_edge_data(subject, target, key=str(p)) if subject in G and target in G else None
        V.add_edge(subject, target, key=str(p), relation=relation, predicate=str(p),
                   inferred=bool(known and known.get("inferred")))
    return View(V, f"Result of {name}", f"{_counts(V)} from {len(triples)} triples")


def select_view(kg: KnowledgeGraph, focus: str | None = None, depth: int = 1, theme: str | None = None,
                visit: str | None = None, query: str | Path | None = None,
                G: nx.MultiDiGraph | None = None) -> View:
    """The view the command line names: at most one of ``focus``, ``theme``, ``visit``, ``query``.

    Entities are named by identifier or label, as in the named queries; ``query`` is the path of a
    file holding a CONSTRUCT query. Sizes come from centrality in the whole entity graph.

    >>> kg = open_graph()
    >>> select_view(kg, theme="smart cities").title
    'Theme: Smart cities'
    >>> select_view(kg, visit="uk-2018").graph.number_of_nodes() > 10
    True
    >>> select_view(kg, focus="Atlantis")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.QueryError: parameter 'focus': no entity has the id or label 'Atlantis'
    """
    chosen = [name for name, value in (("focus", focus), ("theme", theme), ("visit", visit), ("query", query))
              if value not in (None, "")]
    if len(chosen) > 1:
        raise ViewError(f"choose one of focus, theme, visit and query, not {' and '.join(chosen)}")
    from .network import entity_graph

    G = G if G is not None else entity_graph(kg)
    if query not in (None, ""):
        path = Path(query)
        view = construct_view(kg, path.read_text(encoding="utf-8"), G, name=path.name)
        scores, name = centrality_scores(view.graph)
    else:
        scores, name = centrality_scores(G)
        if focus:
            view = ego_view(G, _entity(kg, G, "entity", focus, "focus"), depth)
        elif theme:
            view = theme_view(G, _entity(kg, G, "theme", theme, "theme"))
        elif visit:
            view = visit_view(G, _entity(kg, G, "visit", visit, "visit"))
        else:
            view = whole_view(G)
    view.scores, view.score_name = scores, name
    return view


def _entity(kg: KnowledgeGraph, G: nx.MultiDiGraph, kind: str, value: str, option: str) -> str:
    term = kg.resolve(kind, value, option)
    iri = str(term)
    if iri not in G:
        raise ViewError(f"{option} {value!r} is {kg.compact(term)}, which views do not draw "
                        f"(they draw {', '.join(sorted({k for _, k in G.nodes(data='kind') if k}))})")
    return iri


def _neighbours(G: nx.MultiDiGraph, node: str) -> set[str]:
    return set(G.successors(node)) | set(G.predecessors(node))


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def _counts(G: nx.MultiDiGraph, within: Collection[str] | None = None) -> str:
    """"N entities, M links" of ``G``, or of its part on the nodes ``within``: counted on ``G``'s own
    adjacency, many times faster than counting the links of a subgraph view of a hub's neighbourhood.

    >>> _counts(nx.MultiDiGraph([("a", "b"), ("b", "c"), ("a", "b")]), {"a", "b"})
    '2 entities, 2 links'
    """
    if within is None:
        n, m = G.number_of_nodes(), G.number_of_edges()
    else:
        n = len(within)
        m = sum(len(keys) for u in within for v, keys in G.adj[u].items() if v in within)
    return f"{n:,} entit{'y' if n == 1 else 'ies'}, {m:,} link{'' if m == 1 else 's'}"


def _local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _rdf_labels(kg: KnowledgeGraph, iris: set[str]) -> dict[str, str]:
    """rdfs:label of each IRI that has one in the graph (properties, classes, entities)."""
    wanted = [i for i in iris if i.startswith(("http://", "https://", "urn:")) and ">" not in i and " " not in i]
    if not wanted:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(wanted))
    found: dict[str, str] = {}
    sparql = f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label ?label }}"
    for s, label in select_rows(kg.query(sparql)):
        found.setdefault(str(s), str(label))
    return found


# -- centrality ---------------------------------------------------------------------------------------

def centrality_scores(G: nx.Graph) -> tuple[dict[str, float], str]:
    """A centrality score per node, for sizes, and the name of the measure.

    Betweenness (exact) up to :data:`BETWEENNESS_LIMIT` nodes, degree above it (betweenness
    costs nodes x edges). Direction and parallel edges are ignored.

    >>> scores, name = centrality_scores(nx.MultiDiGraph([("a", "b", "p"), ("b", "c", "p")]))
    >>> name, scores["b"] > scores["a"]
    ('betweenness', True)
    """
    n = G.number_of_nodes()
    if n == 0:
        return {}, "degree"
    if n <= BETWEENNESS_LIMIT:
        from .analytics import simple_graph

        between = nx.betweenness_centrality(simple_graph(G))
        if max(between.values()) > 0:
            return between, "betweenness"
    directed = G.is_directed()
    degree = {node: len(set(G.successors(node)) | set(G.predecessors(node))) - (node in G[node])
              if directed else len(set(G[node]) - {node}) for node in G}
    top = max(n - 1, 1)
    return {node: d / top for node, d in degree.items()}, "degree"


# -- rendering ------------------------------------------------------------------------------------

def render_html(view: View, *, max_nodes: int = MAX_NODES, pages: dict[str, str] | None = None,
                back_link: tuple[str, str] | None = None, seed: int = 7,
                positions: dict[str, tuple[float, float]] | None = None,
                selections: dict[str, View] | None = None) -> str:
    """The view as one self-contained HTML page (no request leaves it).

    ``pages`` maps nodes to relative links (the static site's entity pages); ``back_link`` is
    (href, text) of a link above the title. Above ``max_nodes`` nodes communities are drawn
    collapsed. ``positions`` skips the layout. ``selections`` are views of parts of this one that
    the address can show: ``page.html#show=KEY``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("x", label="<img src=x onerror=alert(1)>", kind="organization")
    >>> html = render_html(View(G, "<b>title</b>"))
    >>> "<img src=x" in html, "&lt;b&gt;title&lt;/b&gt;" in html, "\\\\u003cimg src=x" in html
    (False, True, True)
    """
    payload = view_data(view, max_nodes=max_nodes, pages=pages, seed=seed, positions=positions,
                        selections=selections)
    kinds = payload["kinds"]
    dates = [d for n in payload["nodes"] for d in (n.get("rd") or n.get("d"), n.get("re") or n.get("e")) if d]
    examples = sorted(payload["nodes"], key=lambda n: -n["s"])[:1]
    score_note = {"betweenness": "betweenness centrality", "degree": "degree centrality"}.get(
        payload["score_name"], "centrality")
    context = {
        "csp": page_csp(),
        "title": view.title,
        "subtitle": view.subtitle,
        "kinds": [{**k, "svg": Markup(_swatch(k["shape"], k["color"], k["border"]))} for k in kinds],
        "aggregated": bool(payload.get("groups")),
        "size_note": score_note if not payload.get("groups") else f"{score_note}; communities by member count",
        "date_min": pad_date(min(dates), low=True) if dates else "",
        "date_max": pad_date(max(dates), low=False) if dates else "",
        "search_hint": examples[0]["l"][:30] if examples else "",
        "back_link": back_link[0] if back_link else "",
        "back_text": back_link[1] if back_link else "",
        "data_json": Markup(script_json(payload)),
        "vis_js": Markup(_asset("vis_js")),
        "vis_css": Markup(_asset("vis_css")),
        "page_js": Markup(_asset("page_js")),
        "page_css": Markup(_asset("page_css")),
    }
    return template_environment().get_template("view.html").render(context)


def page_csp() -> str:
    """The Content-Security-Policy of a view page: no request; only its own two scripts may run.

    >>> page_csp().startswith("default-src 'none'; script-src 'sha256-")
    True
    """
    return CSP.format(scripts=" ".join(script_hash(_asset(name)) for name in ("vis_js", "page_js")))


def script_hash(text: str) -> str:
    """The Content-Security-Policy source that lets exactly this inline script run.

    >>> script_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    import base64
    import hashlib

    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def inlinable(text: str, name: str, element: str = "script") -> str:
    """``text``, checked that it cannot end the ``<script>`` or ``<style>`` element it is put in.

    >>> inlinable("x = '</SCRIPT>'", "a.js")
    Traceback (most recent call last):
    ...
    ecosystem_graph.views.ViewError: the embedded a.js contains '</script' and cannot be inlined
    """
    closing = f"</{element}"
    if closing in text.lower() or "<!--" in text:
        raise ViewError(f"the embedded {name} contains {closing!r} and cannot be inlined")
    return text


def write_view(view: View, out: str | Path, **options: Any) -> Path:
    """Render ``view`` and write it to ``out`` atomically; returns the path.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "v.html"
    >>> write_view(View(nx.MultiDiGraph([("a", "b", "p")]), "t"), out).stat().st_size > 100_000
    True
    """
    out = Path(out)
    write_atomically(out.parent if str(out.parent) else Path("."),
                     {out.name: render_html(view, **options).encode("utf-8")})
    return out


def view_data(view: View, *, max_nodes: int = MAX_NODES, pages: dict[str, str] | None = None,
              seed: int = 7, positions: dict[str, tuple[float, float]] | None = None,
              selections: dict[str, View] | None = None) -> dict[str, Any]:
    """The JSON the page draws: kinds, nodes (with positions and sizes), edges, relations, groups.

    >>> G = nx.MultiDiGraph([("a", "b", "p")])
    >>> data = view_data(View(G, "t"))
    >>> [n["k"] for n in data["nodes"]], data["edges"], data["relations"]
    (['a', 'b'], [[0, 1, 0, 0]], ['p'])
    """
    G = view.graph
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    scores, score_name = (view.scores, view.score_name) if view.scores else centrality_scores(G)
    big = len(nodes) > 2000
    aggregate = len(nodes) > max_nodes
    present = [scores.get(n, 0.0) for n in nodes]
    top = max(present, default=0.0) or 1.0
    low, span = (4.0, 22.0) if big else (9.0, 26.0)
    sizes = [round(low + span * math.sqrt(max(p, 0.0) / top), 1) for p in present]
    pos: Mapping[str, tuple[float, float]] | Mapping[Hashable, tuple[float, float]]
    if positions is None:
        boxes = None if big else {node: label_box(str(G.nodes[node].get("label") or node), sizes[i])
                                  for i, node in enumerate(nodes)}
        pos = layout(G, seed=seed, boxes=boxes)
    else:
        pos = positions

    present_kinds = {G.nodes[n].get("kind") or "other" for n in nodes}
    kind_order = [k for k in KIND_STYLES if k in present_kinds] + sorted(present_kinds - set(KIND_STYLES))
    kind_index = {k: i for i, k in enumerate(kind_order)}
    counts = {k: 0 for k in kind_order}
    kind_labels: dict[str, str] = {}
    for node in nodes:
        data = G.nodes[node]
        kind = data.get("kind") or "other"
        counts[kind] += 1
        kind_labels.setdefault(kind, str(data.get("kind_label") or (OTHER.label if kind == OTHER.name else None)
                                         or kind.replace("-", " ").capitalize()))
    kinds = []
    for kind in kind_order:
        color, shape = KIND_STYLES.get(kind, KIND_STYLES["other"])
        kinds.append({"kind": kind, "label": kind_labels[kind], "color": color, "border": darker(color),
                      "shape": shape, "count": counts[kind]})

    inherited = inherited_dates(G)
    source_index: dict[str, int] = {}
    out_nodes = []
    for i, node in enumerate(nodes):
        data = G.nodes[node]
        kind = data.get("kind") or "other"
        item: dict[str, Any] = {
            "k": f"{kind}/{data['id']}" if data.get("id") else str(node),
            "l": str(data.get("label") or node),
            "t": kind_index[kind],
            "x": round(pos[node][0], 1), "y": round(pos[node][1], 1),
            "s": sizes[i],
        }
        for short, name in (("d", "date"), ("e", "end_date"), ("desc", "description")):
            if data.get(name):
                item[short] = str(data[name])
        if node in inherited:
            item["rd"], item["re"] = inherited[node]
        for short, name in (("f", "facts"), ("i", "inferred")):
            if data.get(name):
                item[short] = [str(v) for v in data[name]]
        if data.get("sources"):  # few distinct titles, repeated on every node: an index into a table
            item["src"] = [source_index.setdefault(str(v), len(source_index)) for v in data["sources"]]
        item["c"] = float(f"{present[i]:.3g}")
        if pages and node in pages:
            item["p"] = pages[node]
        out_nodes.append(item)

    relations: list[str] = []
    relation_index: dict[str, int] = {}
    edges = []
    for u, v, key, data in G.edges(keys=True, data=True):
        relation = str(data.get("relation") or _local_name(str(key)))
        if relation not in relation_index:
            relation_index[relation] = len(relations)
            relations.append(relation)
        edges.append([index[u], index[v], relation_index[relation], 1 if data.get("inferred") else 0])

    payload: dict[str, Any] = {
        "title": view.title, "kinds": kinds, "nodes": out_nodes, "edges": edges, "relations": relations,
        "sources": list(source_index),
        "edgeLabels": len(edges) <= EDGE_LABEL_LIMIT, "score_name": score_name,
        "wrap": 0 if big else LABEL_WIDTH,
        "focus": index.get(view.focus) if view.focus is not None else None,
    }
    if selections:
        payload["selections"] = {
            key: {"title": part.title, "members": sorted(index[n] for n in part.graph if n in index),
                  "focus": index.get(part.focus) if part.focus is not None else None}
            for key, part in selections.items()}
    if aggregate:
        payload["groups"] = _groups(G, nodes, index, out_nodes, seed)
    return payload


def label_box(label: str, size: float) -> tuple[float, float, float]:
    """(width, height, downward shift of the centre) a node and its label below it take, in pixels."""
    text = label[:LABEL_CHARS]
    width = min(len(text) * CHAR_WIDTH, LABEL_WIDTH)
    lines = min(math.ceil(len(text) * CHAR_WIDTH / LABEL_WIDTH), 4) or 1
    height = 2 * size + lines * LINE_HEIGHT + 4
    return max(width, 2 * size) + 14, height + 8, (lines * LINE_HEIGHT + 4) / 2


def inherited_dates(G: nx.MultiDiGraph) -> dict[str, tuple[str, str]]:
    """Undated meetings take their visit's dates for the date filter (they happened during it)."""
    return {node: span for node in G if (span := inherited_date(G, node)) is not None}


def inherited_date(G: nx.MultiDiGraph, node: str) -> tuple[str, str] | None:
    """The first and last day of the visit an undated meeting ``node`` belongs to, else ``None``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("v", kind="visit", date="2018-07-30", end_date="2018-08-03")
    >>> G.add_node("m", kind="meeting")
    >>> G.add_edge("m", "v", key="https://schema.org/superEvent")
    'https://schema.org/superEvent'
    >>> inherited_date(G, "m"), inherited_date(G, "v")
    (('2018-07-30', '2018-08-03'), None)
    """
    data = G.nodes[node]
    if data.get("date") or data.get("kind") != "meeting":
        return None
    for _, parent, key in G.out_edges(node, keys=True):
        upper = G.nodes[parent]
        if key == _SUPER_EVENT and upper.get("date"):
            return str(upper["date"]), str(upper.get("end_date") or upper["date"])
    return None


def _groups(G: nx.MultiDiGraph, nodes: list[str], index: dict[str, int], out_nodes: list[dict[str, Any]],
            seed: int, target: int = 250) -> list[dict[str, Any]]:
    """Communities for an aggregated view, at most about ``target`` of them.

    Fast label propagation finds communities (densely linked entities); neighbouring ones, by
    the position of their centre in the layout, are then merged (k-d splits that balance sizes)
    so that the overview has a readable number of nodes and each expands into one region.
    """
    import heapq

    import numpy as np

    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    parts = [[index[n] for n in part] for part in nx.community.fast_label_propagation_communities(H, seed=seed)]
    xy = np.array([(n["x"], n["y"]) for n in out_nodes])
    centre = np.array([xy[part].mean(axis=0) for part in parts])
    weight = np.array([len(part) for part in parts], dtype=float)
    # Split the largest bundle of communities along its wider side, at its weighted median.
    heap = [(-weight.sum(), 0, np.arange(len(parts)))]
    counter = 1
    leaves: list[np.ndarray] = []
    while heap and len(heap) + len(leaves) < target:
        _, _, members = heapq.heappop(heap)
        if len(members) == 1:
            leaves.append(members)
            continue
        spread = np.ptp(centre[members], axis=0)
        axis = int(np.argmax(spread))
        order = members[np.argsort(centre[members, axis], kind="stable")]
        cumulative = np.cumsum(weight[order])
        cut = int(np.clip(np.searchsorted(cumulative, cumulative[-1] / 2), 1, len(order) - 1))
        for half in (order[:cut], order[cut:]):
            heapq.heappush(heap, (-weight[half].sum(), counter, half))
            counter += 1
    leaves += [members for _, _, members in heap]
    groups: list[dict[str, Any]] = []
    for bundle in sorted(leaves, key=lambda b: -weight[b].sum()):
        ids = sorted(m for p in bundle for m in parts[p])
        hub = max(ids, key=lambda m: (out_nodes[m]["s"], -m))
        groups.append({"label": f"{out_nodes[hub]['l'][:40]} and {len(ids) - 1:,} more",
                       "s": round(10 + 6 * math.log2(len(ids) + 1), 1), "members": ids})
    # Each community sits at the centre of its members, nudged so that no two overlap.
    from .layout import remove_overlaps

    where = np.array([xy[g["members"]].mean(axis=0) for g in groups])
    room = np.array([[2 * g["s"] + 30, 2 * g["s"] + 40] for g in groups], dtype=float)
    where = remove_overlaps(where, room)
    for g, (x, y) in zip(groups, where):
        g["x"], g["y"] = round(float(x), 1), round(float(y), 1)
    return groups


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and line separators escaped.

    >>> script_json({"l": "</script><b>&"})
    '{"l":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def pad_date(value: str, low: bool) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD as a full date: the first or the last day it covers.

    >>> pad_date("2018-02", low=False), pad_date("2018", low=True)
    ('2018-02-28', '2018-01-01')
    """
    parts = value.split("-")
    if len(parts) == 1:
        return f"{parts[0]}-01-01" if low else f"{parts[0]}-12-31"
    if len(parts) == 2:
        year, month = int(parts[0]), int(parts[1])
        return f"{value}-01" if low else f"{value}-{calendar.monthrange(year, month)[1]:02d}"
    return value[:10]


def darker(color: str, factor: float = 0.7) -> str:
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c * factor):02x}" for c in (red, green, blue))


def _swatch(shape: str, fill: str, border: str) -> str:
    """An SVG shape for the legend (our own constants only: no data reaches it)."""
    paint = f'fill="{fill}" stroke="{border}" stroke-width="1.5"'
    points = {
        "triangle": "10,2 18,17 2,17", "triangleDown": "2,3 18,3 10,18", "diamond": "10,1 19,10 10,19 1,10",
        "hexagon": "5,2 15,2 19,10 15,18 5,18 1,10",
        "star": "10,1 12.6,7 19,7.4 14,11.6 15.6,18 10,14.5 4.4,18 6,11.6 1,7.4 7.4,7",
    }
    if shape == "square":
        return f'<rect x="3" y="3" width="14" height="14" {paint}/>'
    if shape in points:
        return f'<polygon points="{points[shape]}" {paint}/>'
    return f'<circle cx="10" cy="10" r="8" {paint}/>'


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(loader=jinja2.FunctionLoader(_template_source), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _template_source(name: str) -> str:
    return (resources.files("ecosystem_graph") / "templates" / name).read_text(encoding="utf-8")


@cache
def _asset(name: str) -> str:
    """The text of a script or style embedded in every page, checked not to close its element."""
    if name in ("vis_js", "vis_css"):
        import pyvis

        folder = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
        text = (folder / ("vis-network.min.js" if name == "vis_js" else "vis-network.css")).read_text(encoding="utf-8")
    else:
        text = _template_source("view.js" if name == "page_js" else "view.css")
    return inlinable(text, name, "script" if name.endswith("_js") else "style")
