"""A browsable static site of the graph: plain HTML pages that work offline from the file system.

``build_site(kg, out_dir)`` writes:

- ``index.html``: counts by type with links, the visits, the theme taxonomy, the cities, the sources;
- ``view.html``: the interactive view of the whole ecosystem (:mod:`ecosystem_graph.views`), which
  also opens on an entity's neighbourhood (``view.html#focus=organization/nesta``) or on a theme or
  visit (``view.html#show=theme/smart-cities``);
- ``KIND/index.html``: every entity of one type;
- ``KIND/ID.html``: one page per entity: its description, facts (inferred ones marked), links out
  and in, sources and a picture of its ego network (an SVG whose nodes link to their pages). Theme
  pages draw the theme view and list who works on it; visit pages draw the visit view and list its
  meetings in order; city pages list what is located there;
- ``sources.html``: the sources the facts come from.

Entity pages need no script at all; their Content-Security-Policy forbids scripts and every request.
All text from the data is escaped.

>>> import tempfile
>>> kg = open_graph()
>>> out = Path(tempfile.mkdtemp())
>>> result = build_site(kg, out)
>>> (out / "organization" / "nesta.html").exists(), result.pages > 70
(True, True)
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from markupsafe import Markup, escape

from .files import write_atomically
from .forked import can_fork, in_two_processes
from .graph import KnowledgeGraph, open_graph  # noqa: F401  (open_graph: doctests)
from .kinds import BY_NAME
from .layout import layout, radial_layout
from .partner_map import alternative_labels, place_and_type
from .progress import Progress
from .resource_pages import RDF_FORMS, ResourcePages, local_name
from .results import select_rows
from .views import (
    KIND_STYLES,
    View,
    centrality_scores,
    darker,
    inherited_date,
    inlinable,
    label_box,
    render_html,
    script_hash,
    script_json,
    template_environment,
    theme_view,
    visit_view,
)

#: The columns of a kind's list page: (title, row key, sorted as a number).
LIST_COLUMNS: dict[str, list[dict[str, Any]]] = {
    kind: [{"title": title, "key": key, "number": number} for title, key, number in columns]
    for kind, columns in {
        "organization": [("Name", "label", False), ("Type", "type", False), ("City", "city", False),
                         ("Country", "country", False), ("Themes", "themes", True), ("Links", "links", True)],
        "other": [("Name", "label", False), ("Dates", "dates", False), ("Description", "description", False),
                  ("Links", "links", True)],
    }.items()}

#: Static pages run no script and fetch nothing (list and search pages: only their own script).
STATIC_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; "
              "base-uri 'none'; form-action 'none'")
#: A page's picture draws at most this many nodes (the most central ones, always the entity itself).
SVG_MAX_NODES = 60
#: The site's interactive view of the whole ecosystem draws at most this many entities, the most
#: central: drawing all 52,720 of CORDIS took 1.7 GB more than writing every page.
WHOLE_VIEW_NODES = 5_000
#: Pages of non-entity IRIs asked of the store together (see ResourcePages.prefetch).
RESOURCE_BATCH = 1_000

_KIND_ORDER = list(KIND_STYLES)
_SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"
_SUPER_EVENT = "https://schema.org/superEvent"
_ORGANIZER, _ABOUT = "https://schema.org/organizer", "https://schema.org/about"
_MET = "https://w3id.org/ecosystem-graph/ontology#metOrganization"
_KNOWS_ABOUT = "https://schema.org/knowsAbout"
_REPORT_ORDER = "report order: "


@dataclass
class SiteResult:
    """What :func:`build_site` wrote: the index page and the number of pages."""

    index: Path
    pages: int


def build_site(kg: KnowledgeGraph, out_dir: str | Path, G: nx.MultiDiGraph | None = None,
               limit: int | None = None, progress: Progress | None = None) -> SiteResult:
    """Write the static site of ``kg`` into ``out_dir``; see the module doc.

    Pages are written as they are rendered, a few hundred at a time, each file atomically, so
    memory stays that of the graph and ``progress`` moves. ``limit`` writes the pages of only the
    ``limit`` most central entities (with the index pages, and none for the IRIs that are not
    entities; links to the others are plain text).

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> build_site(open_graph(), out).index.name
    'index.html'
    >>> build_site(open_graph(), out, limit=5).pages
    13
    """
    if progress:
        progress.phase("reading the graph")
    site = Site(kg, G, limit=limit)
    out = Path(out_dir)
    if progress:
        progress.phase("writing pages", site.page_count(), "pages")
    if site.page_count() < PARALLEL_MIN_PAGES or not (can_fork() and kg.store.forkable):
        written = _write_pages(out, site.pages(), progress.update if progress else None)
    else:
        written = _write_in_two_processes(site, out, progress)
    if progress:
        progress.update(written)
        progress.close()
    return SiteResult(out / "index.html", written)


#: Sites of this many pages or more are written by two processes, each rendering every other page
#: (rendering is Python, one core each): forking costs ~0.1 s.
PARALLEL_MIN_PAGES = 2_000


def _write_in_two_processes(site: Site, out: Path, progress: Progress | None) -> int:
    """Write the site's pages, half of them from a forked child; how many were written."""
    def second_half(report: Callable[[int], None]) -> int:
        site.kg.store.in_forked_child()
        return _write_pages(out, site.pages(1, 2), report)

    mine, theirs = in_two_processes(lambda report: _write_pages(out, site.pages(0, 2), report), second_half,
                                    progress.update if progress else None)
    return mine + theirs


def _write_pages(out: Path, pages: Iterable[tuple[str, str]], progress: Callable[[int], None] | None) -> int:
    """Write ``pages`` (path, HTML) under ``out``, a batch at a time; how many were written."""
    batch: dict[str, dict[str, bytes]] = defaultdict(dict)
    written = 0
    for relative, html in pages:
        folder, _, name = relative.rpartition("/")
        batch[folder][name] = html.encode("utf-8")
        written += 1
        if written % _BATCH == 0:
            _flush(out, batch)
            if progress:
                progress(written)
    _flush(out, batch)
    return written


#: The pages at the site's root.
_TOP_PAGES = ("sources.html", "search.html", "view.html", "index.html")
#: Pages rendered before they are written out together.
_BATCH = 500


def _flush(out: Path, batch: dict[str, dict[str, bytes]]) -> None:
    for folder, content in sorted(batch.items()):
        write_atomically(out / folder if folder else out, content, sync=False)
    batch.clear()


class Site:
    """The pages of one graph, each rendered on demand: the static site writes them all, the server
    (:mod:`ecosystem_graph.server`) one per request. Pages link to each other by relative paths.

    >>> site = Site(open_graph())
    >>> "Nesta" in site.page("organization/nesta.html"), site.page("organization/nobody.html")
    (True, None)
    """

    def __init__(self, kg: KnowledgeGraph, G: nx.MultiDiGraph | None = None, limit: int | None = None,
                 rdf_root: str | None = None) -> None:
        from .network import entity_graph

        self.kg = kg
        self.rdf_root = rdf_root
        self.G = G = G if G is not None else entity_graph(kg)
        self.scores, self.score_name = centrality_scores(G)
        self.paths = page_paths(G)
        if limit is not None and limit < len(self.paths):
            kept = sorted(G, key=lambda n: (-self.scores.get(n, 0.0), str(n)))[:limit]
            self.paths = {node: self.paths[node] for node in kept}
        self.resources = ResourcePages(kg, self.paths, exclude=G, labels=dict(G.nodes(data="label")),
                                       pages=limit is None)
        self.nodes_by_path = {path: node for node, path in self.paths.items()}
        self.resources_by_path = {path: iri for iri, path in self.resources.paths().items()}
        shown = list(self.paths)
        if len(shown) > WHOLE_VIEW_NODES:
            shown = sorted(shown, key=lambda n: (-self.scores.get(n, 0.0), str(n)))[:WHOLE_VIEW_NODES]
        self.in_whole_view = set(shown)
        self.title = _site_title(kg)
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        for node in self.paths:
            self.by_kind[G.nodes[node].get("kind") or "other"].append(node)
        for members in self.by_kind.values():
            members.sort(key=lambda n: _sort_key(G, n))
        self.kinds = sorted(self.by_kind, key=lambda k: (_KIND_ORDER.index(k) if k in _KIND_ORDER else 99, k))
        self.sources = _sources(kg, self.resources)
        self.source_pages = {s["title"]: s["page"] for s in self.sources if s["page"]}
        self.selections: dict[str, View] = {}
        for node in G:
            kind = G.nodes[node].get("kind")
            if kind == "theme":
                self.selections[_key(G, node)] = theme_view(G, node)
            elif kind == "visit":
                self.selections[_key(G, node)] = visit_view(G, node)

    def page_count(self) -> int:
        """How many pages :meth:`pages` gives."""
        return len(self.paths) + len(self.resources_by_path) + len(self.kinds) + 4

    def pages(self, share: int = 0, shares: int = 1) -> Iterator[tuple[str, str]]:
        """Every page of the site as (path relative to the site's root, HTML); with ``shares``, the
        ``share``-th of that many parts, made of every ``shares``-th page (resource pages by the
        batch they are asked for together), for processes writing one part each.

        >>> site = Site(open_graph())
        >>> halves = [dict(site.pages(0, 2)), dict(site.pages(1, 2))]
        >>> halves[0].keys().isdisjoint(halves[1]) and {**halves[0], **halves[1]} == dict(site.pages())
        True
        """
        for index, (node, path) in enumerate(self.paths.items()):
            if index % shares == share:
                yield path, self.entity_page(node)
        resources = list(self.resources_by_path.items())
        for index, start in enumerate(range(0, len(resources), RESOURCE_BATCH)):
            if index % shares == share:
                batch = resources[start:start + RESOURCE_BATCH]
                self.resources.prefetch(iri for _, iri in batch)
                for path, iri in batch:
                    yield path, self.resource_page(iri) or ""
        last = [f"{kind}/index.html" for kind in self.kinds] + list(_TOP_PAGES)
        for index, path in enumerate(last):
            if index % shares == share:
                yield path, self.page(path) or ""

    def page(self, relative: str) -> str | None:
        """The page at ``relative`` (``index.html``, ``KIND/index.html``, ``KIND/ID.html``...), or ``None``."""
        if relative in self.nodes_by_path:
            return self.entity_page(self.nodes_by_path[relative])
        if relative in self.resources_by_path:
            return self.resource_page(self.resources_by_path[relative])
        kind, _, name = relative.rpartition("/")
        if name == "index.html" and kind in self.by_kind:
            return self.kind_page(kind)
        if relative == "index.html":
            return _index_page(self.G, self.kg, self.title, self.kinds, self.by_kind, self.paths, self.sources)
        if relative == "search.html":
            return self.search_page()
        if relative == "sources.html":
            return _render("site_sources.html", depth=0, site_title=self.title, csp=STATIC_CSP,
                           title="Sources", sources=self.sources)
        if relative == "view.html":
            shown = self.in_whole_view
            drawn = self.G if len(shown) == len(self.G) else self.G.subgraph(shown)
            note = f" (the {len(shown):,} most central of {len(self.G):,})" if len(shown) < len(self.G) else ""
            whole = View(drawn, f"{self.title}: the whole ecosystem", f"{drawn.number_of_nodes():,} entities"
                         f"{note}, {drawn.number_of_edges():,} links", scores=self.scores,
                         score_name=self.score_name)
            return render_html(whole, pages=self.paths, back_link=("index.html", "← Index"),
                               selections=self.selections)
        return None

    def entity_page(self, node: str) -> str:
        """The page of one entity (a node of the entity graph, named by its IRI)."""
        return _entity_page(self.G, node, self.paths, self.scores, self.score_name, self.source_pages,
                            self.title, self.selections, node in self.in_whole_view,
                            statements=self._statements(node), alternates=self._alternates(node))

    def resource_page(self, iri: str) -> str | None:
        """The page of an IRI the graph mints that is not an entity (a statement, a membership, a
        source, the dataset...), or ``None`` when the graph says nothing about it."""
        context = self.resources.context(iri)
        if context is None:
            return None
        return _render("site_resource.html", depth=1, site_title=self.title, csp=STATIC_CSP,
                       alternates=self._alternates(iri), **context)

    def _statements(self, node: str) -> list[dict[str, str]]:
        """The statement records about ``node``'s facts (why an inferred fact holds), linked to their pages."""
        sparql = (f"SELECT ?st ?p ?o WHERE {{ ?st rdf:subject <{node}> ; rdf:predicate ?p ; rdf:object ?o }} "
                  "ORDER BY ?p ?o ?st")
        found = []
        for statement, predicate, value in self.kg.text_rows(sparql):
            path = self.resources.path(str(statement))
            if path:
                edge = self.G.get_edge_data(node, value, key=predicate) if value in self.G else None
                shown = self.G.nodes[value]["label"] if value in self.G else value
                relation = edge["relation"] if edge else local_name(str(predicate))
                found.append({"text": f"{relation}: {shown}", "href": f"../{path}"})
        return found

    def _alternates(self, iri: str) -> list[dict[str, str]]:
        """``<link rel="alternate">`` targets of a page: the IRI's RDF forms, where the server gives them."""
        if self.rdf_root is None or not iri.startswith(self.kg.base_iri):
            return []
        local = self.rdf_root + iri[len(self.kg.base_iri):]
        return [{"type": media_type, "href": f"{local}?format={name}"} for name, media_type in RDF_FORMS]

    def kind_page(self, kind: str) -> str:
        """The list of every entity of one kind: a table that sorts, filters and pages in the browser
        (:data:`LIST_COLUMNS`; the whole table without scripts)."""
        members = self.by_kind[kind]
        return _render("site_list.html", depth=1, site_title=self.title, csp=script_csp("site_table.js"),
                       title=_kind_plural(self.G, kind, members), kind_label=_kind_label(self.G, members[0]),
                       columns=LIST_COLUMNS.get(kind, LIST_COLUMNS["other"]),
                       rows=[_row(self.G, n, self.paths) for n in members], script=Markup(_script("site_table.js")))

    def search_page(self) -> str:
        """Search over every entity's name and other names: an index embedded in the page, offline."""
        entries = []
        for node in self.paths:
            data = self.G.nodes[node]
            place = place_and_type(self.G, node) if data.get("kind") == "organization" else {}
            where = ", ".join(x for x in (place.get("city"), place.get("country")) if x)
            entries.append([str(data.get("label") or node), alternative_labels(self.G, node),
                            _kind_label(self.G, node), self.paths[node], where])
        return _render("site_search.html", depth=0, site_title=self.title, csp=script_csp("site_search.js"),
                       title="Search", index_json=Markup(script_json(entries)),
                       script=Markup(_script("site_search.js")))


def page_paths(G: nx.MultiDiGraph) -> dict[str, str]:
    """The page of every node, relative to the site's root: ``KIND/ID.html``, unique and safe.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", kind="organization", id="nesta")
    >>> G.add_node("b", kind="organization", id="../x y")
    >>> page_paths(G)
    {'a': 'organization/nesta.html', 'b': 'organization/x-y.html'}
    """
    taken: set[str] = set()
    paths = {}
    for node, data in G.nodes(data=True):
        kind = re.sub(r"[^a-z0-9-]+", "-", str(data.get("kind") or "other").lower()).strip("-") or "other"
        ident = re.sub(r"[^A-Za-z0-9._-]+", "-", str(data.get("id") or node)).strip("-.") or "entity"
        path, number = f"{kind}/{ident}.html", 1
        while path in taken or ident == "index":
            number += 1
            ident = f"{ident}-{number}"
            path = f"{kind}/{ident}.html"
        taken.add(path)
        paths[node] = path
    return paths


# -- pages -----------------------------------------------------------------------------------------

def _entity_page(G: nx.MultiDiGraph, node: str, paths: dict[str, str], scores: dict[str, float],
                 score_name: str, source_pages: dict[str, str], site_title: str,
                 selections: dict[str, View], in_view: bool = True, statements: list[dict[str, str]] | None = None,
                 alternates: list[dict[str, str]] | None = None) -> str:
    data = G.nodes[node]
    kind = data.get("kind") or "other"
    key = _key(G, node)
    inferred = set(data.get("inferred") or [])
    out_links = [{"relation": d.get("relation", ""), "other": _ref(G, v, paths, "../"), "inferred": d.get("inferred")}
                 for _, v, d in sorted(G.out_edges(node, data=True), key=lambda e: (e[2].get("relation", ""),
                                                                                   _sort_key(G, e[1])))]
    in_links = [{"relation": d.get("relation", ""), "other": _ref(G, u, paths, "../"), "inferred": d.get("inferred")}
                for u, _, d in sorted(G.in_edges(node, data=True), key=lambda e: (e[2].get("relation", ""),
                                                                                 _sort_key(G, e[0])))]
    selection = selections.get(key)
    if selection is not None:
        picture_view, picture_size = View(selection.graph, selection.title), selection.graph.number_of_nodes()
        explore = f"../view.html#show={key}"
        picture_title = selection.title
    else:
        picture_view, picture_size = _ego_picture(G, node, scores)
        explore = f"../view.html#focus={key}" if in_view else ""
        picture_title = f"Ego network of {data.get('label')}"
    picture_view.scores, picture_view.score_name = scores, score_name
    extra = _extra_sections(G, node, kind, paths, selection)
    return _render(
        "site_entity.html", depth=1, site_title=site_title, csp=STATIC_CSP,
        title=str(data.get("label") or node), kind=kind, kind_label=str(data.get("kind_label") or kind),
        kind_list="index.html", style=KIND_STYLES.get(kind, KIND_STYLES["other"]),
        dates=_dates(data), description=str(data.get("description") or ""), iri=str(data.get("iri") or node),
        ident=str(data.get("id") or ""),
        facts=[{"text": f, "inferred": f in inferred} for f in data.get("facts") or []],
        out_links=out_links, in_links=in_links,
        sources=[{"title": s, "href": f"../{source_pages[s]}" if s in source_pages else ""}
                 for s in data.get("sources") or []],
        statements=statements or [], alternates=alternates or [],
        picture=svg_picture(picture_view, paths, "../", highlight=node, total=picture_size,
                            radial=selection is None),
        picture_title=picture_title, picture_size=picture_size,
        explore=explore, extra=extra,
        score=f"{score_name} centrality {scores.get(node, 0.0):.3g}" if score_name else "")


def _ego_picture(G: nx.MultiDiGraph, node: str, scores: dict[str, float]) -> tuple[View, int]:
    """The part of ``node``'s ego network a page draws (itself and its most central neighbours, as
    :func:`svg_picture` would keep them), and the size of the whole ego network. Picking them here,
    not from a full ego view, keeps a hub's page (a country with thousands of organizations) as cheap
    as any other: counting the links of a large subgraph view cost more than drawing the picture."""
    neighbours = set(G.successors(node)) | set(G.predecessors(node))
    neighbours.discard(node)
    keep = sorted(neighbours, key=lambda n: (-scores.get(n, 0.0), str(n)))[:SVG_MAX_NODES - 1]
    return View(G.subgraph([node, *keep]), f"Ego network of {G.nodes[node].get('label') or node}"), \
        len(neighbours) + 1


def _extra_sections(G: nx.MultiDiGraph, node: str, kind: str, paths: dict[str, str],
                    selection: View | None = None) -> list[dict[str, Any]]:
    """Sections only some kinds of page have: a theme's workers, a visit's meetings, a city's residents."""
    sections: list[dict[str, Any]] = []
    if kind == "theme":
        part = selection.graph if selection is not None else theme_view(G, node).graph
        narrower = [_ref(G, u, paths, "../") for u, _, k in G.in_edges(node, keys=True) if k == _SKOS_BROADER]
        broader = [_ref(G, v, paths, "../") for _, v, k in G.out_edges(node, keys=True) if k == _SKOS_BROADER]
        if broader:
            sections.append({"title": "Broader theme", "items": sorted(broader, key=lambda r: r["label"])})
        if narrower:
            sections.append({"title": "Narrower themes", "items": sorted(narrower, key=lambda r: r["label"])})
        for wanted, title in (("organization", "Organizations on this theme or a narrower one"),
                              ("meeting", "Meetings about it"), ("product", "Products about it"),
                              ("partnership", "Partnerships about it"), ("event", "Events about it")):
            items = [_ref(G, n, paths, "../") for n in part if G.nodes[n].get("kind") == wanted]
            if items:
                sections.append({"title": title, "items": sorted(items, key=lambda r: r["label"])})
    elif kind == "visit":
        meetings = [u for u, _, k in G.in_edges(node, keys=True) if k == _SUPER_EVENT
                    and G.nodes[u].get("kind") == "meeting"]
        meetings.sort(key=lambda m: _sort_key(G, m))
        rows = []
        for m in meetings:
            met = [_ref(G, v, paths, "../") for _, v in G.out_edges(m) if G.nodes[v].get("kind") == "organization"]
            rows.append({**_ref(G, m, paths, "../"), "order": _report_order(G, m), "date": G.nodes[m].get("date", ""),
                         "met": sorted(met, key=lambda r: r["label"])})
        sections.append({"title": "Meetings, in the order of the report", "meetings": rows})
        people = [_ref(G, v, paths, "../") for _, v in G.out_edges(node) if G.nodes[v].get("kind") == "person"]
        if people:
            sections.append({"title": "Participants", "items": sorted(people, key=lambda r: r["label"])})
    elif kind == "organization":
        rows = _encounters(G, node, paths)
        if rows:
            sections.append({"title": "Meetings: whom it met, when, about what", "encounters": rows})
    elif kind in ("city", "country"):
        here = {u for u, _ in G.in_edges(node)}
        for wanted, title in (("organization", "Organizations located here"), ("meeting", "Meetings held here"),
                              ("visit", "Visits here"), ("event", "Events here"), ("city", "Cities")):
            items = [_ref(G, n, paths, "../") for n in here if G.nodes[n].get("kind") == wanted]
            if items:
                sections.append({"title": title, "items": sorted(items, key=lambda r: r["label"])})
    return sections


def _encounters(G: nx.MultiDiGraph, node: str, paths: dict[str, str]) -> list[dict[str, Any]]:
    """The meetings an organization was part of (met at one, organized it, or hosts its visit): when,
    with whom, about what. An undated meeting shows its visit's dates, marked as such."""
    visits = [v for v, _, k in G.in_edges(node, keys=True) if k == _ORGANIZER and G.nodes[v].get("kind") == "visit"]
    meetings = {m for m, _, k in G.in_edges(node, keys=True) if k in (_MET, _ORGANIZER)
                and G.nodes[m].get("kind") == "meeting"}
    meetings |= {m for v in visits for m, _, k in G.in_edges(v, keys=True) if k == _SUPER_EVENT
                 and G.nodes[m].get("kind") == "meeting"}
    rows = []
    for m in sorted(meetings, key=lambda m: _sort_key(G, m)):
        out = [(v, k) for _, v, k in G.out_edges(m, keys=True)]
        hosts = {h for v, k in out if k == _SUPER_EVENT for _, h, k2 in G.out_edges(v, keys=True) if k2 == _ORGANIZER}
        others = ({v for v, k in out if k in (_MET, _ORGANIZER)} | hosts) - {node}
        # The meeting's own visit only: inherited_dates(G) walks the whole graph (9 ms a page on CORDIS).
        span = inherited_date(G, m)
        date = G.nodes[m].get("date") or (f"{span[0]} to {span[1]} (its visit)" if span else "")
        refs = {"with": others, "about": {t for t, k in out if k == _ABOUT}}
        rows.append({**_ref(G, m, paths, "../"), "date": date,
                     **{name: sorted((_ref(G, x, paths, "../") for x in found), key=lambda r: r["label"])
                        for name, found in refs.items()}})
    return rows


def _index_page(G: nx.MultiDiGraph, kg: KnowledgeGraph, title: str, kinds: list[str],
                by_kind: dict[str, list[str]], paths: dict[str, str], sources: list[dict[str, str]]) -> str:
    counts = [{"label": _kind_plural(G, k, by_kind[k]), "count": len(by_kind[k]), "href": f"{k}/index.html",
               "style": KIND_STYLES.get(k, KIND_STYLES["other"])} for k in kinds]
    visits = [{**_ref(G, v, paths, ""), "dates": _dates(G.nodes[v])} for v in by_kind.get("visit", [])]
    themes = _theme_tree(G, by_kind.get("theme", []), paths)
    cities = []
    for city in by_kind.get("city", []):
        located = {u for u, _ in G.in_edges(city) if G.nodes[u].get("kind") == "organization"}
        country = [G.nodes[v]["label"] for _, v in G.out_edges(city) if G.nodes[v].get("kind") == "country"]
        cities.append({**_ref(G, city, paths, ""), "organizations": len(located), "country": ", ".join(country)})
    return _render("site_index.html", depth=0, site_title=title, csp=STATIC_CSP, title=title,
                   entities=G.number_of_nodes(), links=G.number_of_edges(), counts=counts, visits=visits,
                   themes=themes, cities=cities, sources=sources)


def _theme_tree(G: nx.MultiDiGraph, themes: list[str], paths: dict[str, str]) -> list[dict[str, Any]]:
    """Themes as nested lists, top concepts first (a theme with several broader ones shows under each)."""
    children: dict[str, list[str]] = defaultdict(list)
    has_parent = set()
    for theme in themes:
        for _, up, key in G.out_edges(theme, keys=True):
            if key == _SKOS_BROADER and up in G:
                children[up].append(theme)
                has_parent.add(theme)

    def branch(theme: str, seen: frozenset[str]) -> dict[str, Any]:
        below = sorted(children.get(theme, []), key=lambda n: _sort_key(G, n))
        return {**_ref(G, theme, paths, ""),
                "children": [branch(c, seen | {c}) for c in below if c not in seen]}

    return [branch(t, frozenset({t})) for t in themes if t not in has_parent]


# -- the picture of a page -------------------------------------------------------------------------

def svg_picture(view: View, paths: dict[str, str], prefix: str, highlight: str | None = None,
                max_nodes: int = SVG_MAX_NODES, total: int | None = None, radial: bool = False) -> Markup:
    """A static SVG drawing of a small view; each node links to its page. Text is escaped.
    ``total`` is the size of what the view was taken from, when it is a part already; ``radial``
    draws an ego network whose neighbours barely link each other with ``highlight`` in the middle.

    >>> G = nx.MultiDiGraph([("a", "b", "p")])
    >>> G.add_node("a", label="<script>", kind="organization")
    >>> svg = svg_picture(View(G, "t"), {"a": "organization/a.html"}, "../")
    >>> "<script>" in svg, "&lt;script&gt;" in svg, 'href="../organization/a.html"' in svg
    (False, True, True)
    """
    G = view.graph
    scores = view.scores or centrality_scores(G)[0]
    nodes = list(G)
    dropped = 0
    if len(nodes) > max_nodes:
        keep = sorted(nodes, key=lambda n: (n != highlight, -scores.get(n, 0.0), str(n)))[:max_nodes]
        dropped = len(nodes) - len(keep)
        G = G.subgraph(keep)
    # A copy of the (small) part drawn: the layout and the drawing walk its links several times, and
    # each walk of a subgraph view goes through every link of its hubs in the whole graph.
    G = G.copy()
    nodes = list(G)
    if total is not None:
        dropped = total - len(nodes)
    top = max((scores.get(n, 0.0) for n in nodes), default=0.0) or 1.0
    size = {n: 7.0 + 15.0 * math.sqrt(max(scores.get(n, 0.0), 0.0) / top) for n in nodes}
    labels = {n: str(G.nodes[n].get("label") or n) for n in nodes}
    boxes = {n: label_box(labels[n][:60], size[n]) for n in nodes}
    # Radial when the neighbours barely link each other (a project and its consortium, an organization
    # and its projects): linear and clear there; between linked neighbours its chords would cross.
    around = sum(1 for u, v in G.edges() if highlight not in (u, v))
    if radial and highlight in G and around <= len(nodes) // 4:
        order = sorted(nodes, key=lambda n: (str(G.nodes[n].get("kind") or ""), labels[n].lower()))
        pos = radial_layout(order, highlight, boxes)
    else:
        pos = layout(G, seed=3, boxes=boxes, iterations=60) if nodes else {}
    lines = {n: _wrap(labels[n][:60], 22) for n in nodes}
    if not nodes:
        return Markup('<p class="note">Nothing to draw.</p>')
    xs = [pos[n][0] for n in nodes]
    ys = [pos[n][1] for n in nodes]
    pad = 70
    left, right = min(xs) - pad - 40, max(xs) + pad + 40
    top_y, bottom = min(ys) - pad, max(ys) + pad + 20 + 15 * max(len(v) for v in lines.values())
    width, height = right - left, bottom - top_y
    parts = [f'<svg class="picture" xmlns="http://www.w3.org/2000/svg" viewBox="{left:.0f} {top_y:.0f} '
             f'{width:.0f} {height:.0f}" role="img" aria-label="{escape(view.title)}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a8f94"/></marker></defs>']
    label_edges = G.number_of_edges() <= 40
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        (x1, y1), (x2, y2) = pos[u], pos[v]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        sx, sy = x1 + dx / length * size[u], y1 + dy / length * size[u]
        ex, ey = x2 - dx / length * (size[v] + 2), y2 - dy / length * (size[v] + 2)
        dash = ' stroke-dasharray="5 4"' if data.get("inferred") else ""
        relation = escape(data.get("relation", ""))
        parts.append(f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" class="edge"{dash} '
                     f'marker-end="url(#arrow)"><title>{escape(labels[u])} → {relation} → '
                     f'{escape(labels[v])}</title></line>')
        if label_edges:
            parts.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 3:.1f}" class="edge-label">'
                         f'{relation}</text>')
    for n in nodes:
        data = G.nodes[n]
        kind = data.get("kind") or "other"
        fill, shape = KIND_STYLES.get(kind, KIND_STYLES["other"])
        x, y = pos[n]
        r = size[n]
        stroke = "#000000" if n == highlight else darker(fill)
        width_attr = 3 if n == highlight else 1.5
        paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{width_attr}"'
        mark = _shape_svg(shape, x, y, r, paint)
        text = "".join(f'<tspan x="{x:.1f}" dy="{15 if i else 0}">{escape(line)}</tspan>'
                       for i, line in enumerate(lines[n]))
        weight = ' font-weight="bold"' if n == highlight else ""
        body = (f'<title>{escape(labels[n])} ({escape(data.get("kind_label") or kind)})</title>{mark}'
                f'<text x="{x:.1f}" y="{y + r + 14:.1f}" class="node-label"{weight}>{text}</text>')
        href = paths.get(n)
        if href and n != highlight:
            parts.append(f'<a href="{escape(prefix + href)}">{body}</a>')
        else:
            parts.append(f"<g>{body}</g>")
    parts.append("</svg>")
    if dropped:
        parts.append(f'<p class="note">The {len(nodes)} most central of {len(nodes) + dropped} entities are drawn; '
                     "the lists below and the interactive view show all.</p>")
    return Markup("".join(parts))


def _shape_svg(shape: str, x: float, y: float, r: float, paint: str) -> str:
    if shape == "square":
        return (f'<rect x="{x - r * 0.85:.1f}" y="{y - r * 0.85:.1f}" '
                f'width="{r * 1.7:.1f}" height="{r * 1.7:.1f}" {paint}/>')
    outlines: dict[str, list[tuple[float, float]]] = {
        "triangle": [(0, -1), (0.95, 0.75), (-0.95, 0.75)],
        "triangleDown": [(0, 1), (0.95, -0.75), (-0.95, -0.75)],
        "diamond": [(0, -1), (1, 0), (0, 1), (-1, 0)],
        "hexagon": [(math.cos(a), math.sin(a)) for a in (i * math.pi / 3 for i in range(6))],
        "star": [((1 if i % 2 == 0 else 0.45) * math.sin(i * math.pi / 5),
                  -(1 if i % 2 == 0 else 0.45) * math.cos(i * math.pi / 5)) for i in range(10)],
    }
    corners = outlines.get(shape)
    if corners:
        points = " ".join(f"{x + cx * r:.1f},{y + cy * r:.1f}" for cx, cy in corners)
        return f'<polygon points="{points}" {paint}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'


def _wrap(text: str, width: int) -> list[str]:
    """Words in lines of about ``width`` characters, at most three lines."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 3:
        lines = lines[:3]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines or [text]


# -- helpers --------------------------------------------------------------------------------------

def _render(template: str, **context: Any) -> str:
    context.setdefault("root", "../" * context.get("depth", 0))
    return template_environment().get_template(template).render(context)


def _key(G: nx.MultiDiGraph, node: str) -> str:
    data = G.nodes[node]
    return f"{data.get('kind') or 'other'}/{data['id']}" if data.get("id") else str(node)


def _ref(G: nx.MultiDiGraph, node: str, paths: dict[str, str], prefix: str) -> dict[str, Any]:
    data = G.nodes[node]
    kind = data.get("kind") or "other"
    return {"label": str(data.get("label") or node), "href": prefix + paths[node] if node in paths else "",
            "kind": kind, "kind_label": str(data.get("kind_label") or kind),
            "style": KIND_STYLES.get(kind, KIND_STYLES["other"])}


def _row(G: nx.MultiDiGraph, node: str, paths: dict[str, str]) -> dict[str, Any]:
    """A line of a kind's list page (which sits in the kind's folder, next to the entity pages)."""
    data = G.nodes[node]
    description = str(data.get("description") or "")
    found = {**_ref(G, node, paths, ""), "href": paths[node].split("/", 1)[1], "dates": _dates(data),
             "description": description if len(description) <= 160 else description[:159] + "…",
             "links": G.degree(node)}
    if data.get("kind") == "organization":
        found.update(place_and_type(G, node))
        found["themes"] = sum(1 for _, _, k in G.out_edges(node, keys=True) if k == _KNOWS_ABOUT)
    return found


def script_csp(name: str) -> str:
    """The static pages' policy, but for the one script ``name`` of ``templates/`` (by its hash).

    >>> script_csp("site_table.js").startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    ...                                        "script-src 'sha256-")
    True
    """
    return STATIC_CSP.replace("script-src 'none'", f"script-src {script_hash(_script(name))}")


def _script(name: str) -> str:
    return inlinable((resources.files("ecosystem_graph") / "templates" / name).read_text(encoding="utf-8"), name)


def _dates(data: dict[str, Any]) -> str:
    start, end = str(data.get("date") or ""), str(data.get("end_date") or "")
    if start and end and end != start:
        return f"{start} to {end}"
    return start


def _report_order(G: nx.MultiDiGraph, node: str) -> str:
    facts: list[str] = G.nodes[node].get("facts") or []
    for fact in facts:
        if fact.startswith(_REPORT_ORDER):
            return fact[len(_REPORT_ORDER):]
    return ""


def _sort_key(G: nx.MultiDiGraph, node: str) -> tuple[Any, ...]:
    order = _report_order(G, node)
    data = G.nodes[node]
    return (int(order) if order.isdigit() else math.inf, str(data.get("date") or "9999"),
            str(data.get("label") or node).casefold())


def _kind_label(G: nx.MultiDiGraph, node: str) -> str:
    data = G.nodes[node]
    return str(data.get("kind_label") or data.get("kind") or "Other")


def _kind_plural(G: nx.MultiDiGraph, kind: str, members: list[str]) -> str:
    if kind in BY_NAME:
        return BY_NAME[kind].plural
    return (_kind_label(G, members[0]) if members else kind) + "s"


def _site_title(kg: KnowledgeGraph) -> str:
    sparql = "SELECT ?title WHERE { ?d a dcat:Dataset ; dct:title ?title } ORDER BY ?title LIMIT 1"
    for (title,) in select_rows(kg.query(sparql)):
        return str(title)
    return "Ecosystem graph"


def _sources(kg: KnowledgeGraph, resources: ResourcePages) -> list[dict[str, str]]:
    """Every source with its id, title, kind, publisher, address (http(s) only), date, language,
    note and page (relative to the site's root)."""
    rows = kg.query("""
        SELECT ?id (SAMPLE(?s) AS ?iri) (SAMPLE(?t) AS ?title) (SAMPLE(?pub) AS ?publisher) (SAMPLE(?u) AS ?url)
               (SAMPLE(?d) AS ?issued) (SAMPLE(?lang) AS ?language) (SAMPLE(?n) AS ?note)
               (GROUP_CONCAT(DISTINCT ?typeLabel; separator=", ") AS ?kinds) WHERE {
          ?s a prov:Entity ; dct:identifier ?id .
          OPTIONAL { ?s dct:title ?t }
          OPTIONAL { ?s dct:publisher/rdfs:label ?pub }
          OPTIONAL { ?s schema:url ?u }
          OPTIONAL { ?s dct:issued ?d }
          OPTIONAL { ?s dct:language ?lang }
          OPTIONAL { ?s skos:note ?n }
          OPTIONAL { ?s a ?type . ?type rdfs:label ?typeLabel FILTER (?type != prov:Entity) }
        } GROUP BY ?id ORDER BY ?id""")
    found = []
    for ident, iri, title, publisher, url, issued, language, note, kinds in select_rows(rows):
        address = str(url or "")
        found.append({"id": re.sub(r"[^A-Za-z0-9._-]+", "-", str(ident)), "title": str(title or ident),
                      "page": resources.path(str(iri)) or "",
                      "publisher": str(publisher or ""), "url": address,
                      "safe_url": address if re.match(r"^https?://[^\s\"'<>]+$", address) else "",
                      "issued": str(issued or ""), "language": str(language or ""), "note": str(note or ""),
                      "kinds": str(kinds or "")})
    return found


__all__ = ["STATIC_CSP", "Site", "SiteResult", "build_site", "page_paths", "svg_picture"]
