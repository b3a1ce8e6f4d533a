"""The seed's views and site in a real browser: headless Debian chromium driven by Playwright.

Each page must load from the file system with no console error and no request other than the
page itself, draw as many nodes as its graph has, and let one search, filter by type and date,
focus a neighbourhood and follow links. Hostile labels must show as text and run nothing.
Screenshots of every view are kept in tests/artifacts/ (look at them).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

from ecosystem_graph import open_graph
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.network import entity_graph
from ecosystem_graph.site import build_site
from ecosystem_graph.views import View, render_html, select_view, whole_view, write_view

from hostile import HOSTILE_DESCRIPTION, HOSTILE_ORG, HOSTILE_THEME, make_hostile

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"


@dataclass
class Opened:
    """A page with every request it made and every problem it reported."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def state(self) -> dict:
        return self.page.evaluate("window.__view.state()")

    def node(self, key: str) -> int:
        found = self.page.evaluate("key => window.__view.idOf(key)", key)
        assert found is not None, key
        return found

    def assert_clean(self) -> None:
        """No console error or warning, no dialog, and no request but the page itself."""
        assert self.problems == []
        assert [r for r in self.requests if r.split("#")[0] != self.url.split("#")[0]] == []

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def open_page(browser, path: Path, fragment: str = "", view: bool = True) -> Opened:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    opened = Opened(page, path.resolve().as_uri() + fragment)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda message: opened.problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning", "assert") else None)
    page.on("pageerror", lambda error: opened.problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (opened.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(opened.url)
    if view:
        # not wait_for_function: Playwright evaluates its text with eval, which the page's policy forbids
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
    return opened


def wait_until(opened: Opened, function: str, arg: object = None, timeout: float = 5.0) -> None:
    """Poll ``function(arg)`` in the page until it is true (evaluate runs despite the page's policy)."""
    deadline = time.monotonic() + timeout
    while not opened.page.evaluate(function, arg):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {function}"
        opened.page.wait_for_timeout(50)


def click_node(opened: Opened, node: int) -> None:
    """Click a node where it is drawn on the canvas."""
    page = opened.page
    spot = page.evaluate("""id => { const n = window.__view.network;
        const p = n.canvasToDOM(n.getPosition(id)); const box = document.getElementById('network').getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y}; }""", node)
    page.mouse.click(spot["x"], spot["y"])


def page_data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="view-data">(.*?)</script>', html, re.S).group(1))


# -- the seed's views -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def G(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return entity_graph(kg)


@pytest.fixture(scope="module")
def seed_views(kg: KnowledgeGraph, G, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, View]]:
    out = tmp_path_factory.mktemp("views")
    query = out / "meetings.rq"
    query.write_text("CONSTRUCT { ?m eco:metOrganization ?o ; schema:about ?t . ?o schema:location ?c }\n"
                     "WHERE { ?m eco:metOrganization ?o ; schema:about ?t . ?o schema:location ?c }",
                     encoding="utf-8")
    chosen = {"whole": {}, "ego": {"focus": "London & Partners", "depth": 2}, "theme": {"theme": "smart cities"},
              "visit": {"visit": "uk-2018"}, "construct": {"query": query}}
    views = {}
    for name, options in chosen.items():
        view = select_view(kg, G=G, **options)
        views[name] = (write_view(view, out / f"{name}.html"), view)
    return views


@pytest.mark.parametrize("name", ["whole", "ego", "theme", "visit", "construct"])
def test_view_loads_offline_cleanly_and_draws_every_node(browser, seed_views, name) -> None:
    path, view = seed_views[name]
    opened = open_page(browser, path)
    state = opened.state()
    assert state["total"] == state["drawn"] == view.graph.number_of_nodes() > 3
    assert state["edgesDrawn"] == view.graph.number_of_edges()
    assert opened.page.locator("h1").inner_text() == view.title
    legend = opened.page.locator(".legend .kind-label").all_inner_texts()
    assert len(legend) == len({d["kind"] for _, d in view.graph.nodes(data=True)})
    opened.screenshot(f"view-{name}")
    opened.assert_clean()


def test_search_finds_a_node_and_focuses_its_neighbourhood(browser, seed_views, G) -> None:
    opened = open_page(browser, seed_views["whole"][0])
    page = opened.page
    page.fill("#search", "nest")
    results = page.locator("#search-results .result")
    assert results.count() == 2  # NESTA and the meeting with it
    assert results.first.inner_text().startswith("NESTA")
    results.first.click()
    nesta = opened.node("organization/nesta")
    state = opened.state()
    assert state["focus"] == nesta and state["selected"] == [nesta]
    assert state["drawn"] == 4  # NESTA, London, Foundation and the meeting with NESTA
    assert "Foundation for research and promotion of innovation" in page.locator("#details").inner_text()
    assert "Work meetings of Cluster Sofia Knowledge City" in page.locator("#details").inner_text()
    opened.screenshot("view-whole-search-nesta")
    page.click("#show-all")
    assert opened.state()["drawn"] == G.number_of_nodes()
    page.fill("#search", "zzz-nothing")
    assert page.locator("#search-results").inner_text() == "No label matches."
    opened.assert_clean()


def test_type_filter_hides_the_nodes_of_a_type(browser, seed_views, G) -> None:
    opened = open_page(browser, seed_views["whole"][0])
    page = opened.page
    themes = sum(1 for _, kind in G.nodes(data="kind") if kind == "theme")
    box = page.locator(".legend label", has_text="Theme").locator("input")
    box.uncheck()
    assert opened.state()["drawn"] == G.number_of_nodes() - themes
    theme = opened.node("theme/smart-cities")
    assert page.evaluate("id => window.__view.nodes.get(id).hidden", theme) is True
    assert page.evaluate("id => window.__view.nodes.get(id).hidden", opened.node("organization/nesta")) is False
    opened.screenshot("view-whole-without-themes")
    box.check()
    assert opened.state()["drawn"] == G.number_of_nodes()
    opened.assert_clean()


def test_date_range_filters_meetings_visits_and_events(browser, seed_views, G) -> None:
    opened = open_page(browser, seed_views["whole"][0])
    page = opened.page
    total = G.number_of_nodes()
    page.fill("#date-from", "2018-09-01")
    page.dispatch_event("#date-from", "change")
    # the visit and its eight meetings (undated ones take the visit's dates) end before September
    assert opened.state()["drawn"] == total - 9
    assert page.evaluate("id => window.__view.nodes.get(id).hidden", opened.node("event/uk-2018-follow-up")) is False
    assert page.evaluate("id => window.__view.nodes.get(id).hidden", opened.node("event/london-tech-week")) is False
    page.fill("#date-from", "2018-08-03")
    page.fill("#date-to", "2018-08-31")
    page.dispatch_event("#date-to", "change")
    assert opened.state()["drawn"] == total - 1  # only the September follow-up is out of range
    page.click("#date-clear")
    assert opened.state()["drawn"] == total
    opened.assert_clean()


def test_click_focuses_a_nodes_neighbourhood_and_hover_shows_facts(browser, seed_views, G, kg) -> None:
    opened = open_page(browser, seed_views["whole"][0])
    page = opened.page
    london = opened.node("city/london")
    click_node(opened, london)
    iri = kg.base_iri + "place/london"
    neighbours = set(G.successors(iri)) | set(G.predecessors(iri))
    state = opened.state()
    assert state["focus"] == london and state["drawn"] == len(neighbours) + 1
    assert page.locator("#details .tip-title").inner_text() == "London"
    links = page.locator("#details .links li")
    assert links.count() == G.in_degree(iri) + G.out_degree(iri)
    opened.screenshot("view-whole-focus-london")
    # following a link in the details panel focuses the neighbour
    page.locator("#details .links").get_by_role("button", name="NESTA", exact=True).click()
    assert opened.state()["focus"] == opened.node("organization/nesta")
    # hovering a node shows its facts and source, as text
    nesta = opened.node("organization/nesta")
    spot = page.evaluate("""id => { const n = window.__view.network; const p = n.canvasToDOM(n.getPosition(id));
        const b = document.getElementById('network').getBoundingClientRect(); return {x: b.left + p.x, y: b.top + p.y}; }""",
                         nesta)
    page.mouse.move(spot["x"] + 1, spot["y"] + 1)
    page.wait_for_selector("#tooltip:not([hidden])", timeout=5_000)
    tip = page.locator("#tooltip").inner_text()
    assert "NESTA" in tip and "city: London" in tip and "Inferred" in tip and "Source" in tip
    opened.screenshot("view-whole-tooltip-nesta")
    opened.assert_clean()


# -- the static site ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph, G, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(kg, out, G)
    return out


@pytest.mark.parametrize("page_path", ["index.html", "organization/nesta.html", "theme/smart-cities.html",
                                       "visit/uk-2018.html", "city/london.html", "sources.html"])
def test_site_pages_load_offline_without_scripts(browser, site, page_path) -> None:
    opened = open_page(browser, site / page_path, view=False)
    assert opened.page.locator("h1").count() == 1
    assert opened.page.evaluate("document.scripts.length") == 0
    opened.screenshot("site-" + page_path.replace("/", "-").removesuffix(".html"))
    opened.assert_clean()


def test_list_page_sorts_filters_and_pages_its_table(browser, site) -> None:
    opened = open_page(browser, site / "organization" / "index.html", view=False)
    page = opened.page
    headers = page.locator("table.sortable th").all_inner_texts()
    assert headers == ["Name", "Type", "City", "Country", "Themes", "Links"]
    page.fill(".table-bar input", "peterborough")
    assert page.evaluate("() => document.body.dataset.rows") == "2"
    page.fill(".table-bar input", "")
    page.locator("th button", has_text="Links").click()
    page.locator("th button", has_text="Links").click()  # most links first
    assert page.locator("table.sortable tbody tr").first.inner_text().startswith("Cluster Sofia Knowledge City")
    opened.screenshot("site-organizations-table")
    opened.assert_clean()


def test_search_page_finds_alternative_names_offline(browser, site) -> None:
    opened = open_page(browser, site / "search.html", "#q=IoT", view=False)
    page = opened.page
    assert page.locator("#hits li").first.inner_text().startswith("Internet of Things")
    page.fill("#q", "Sofia – Knowledge")
    hit = page.locator("#hits li a").first
    assert hit.inner_text() == "Cluster Sofia Knowledge City"
    opened.assert_clean()
    hit.click()
    assert page.url.endswith("organization/kc-sofia.html")


def test_entity_page_links_to_its_neighbours(browser, site) -> None:
    opened = open_page(browser, site / "organization" / "nesta.html", view=False)
    page = opened.page
    out_links = page.locator("table.links-out a").all_inner_texts()
    in_links = page.locator("table.links-in a").all_inner_texts()
    assert sorted(out_links) == ["Foundation", "London"] and in_links == ["Meeting with NESTA"]
    page.locator("table.links-out a", has_text="London").click()
    page.wait_for_load_state()
    assert page.url.endswith("/city/london.html")
    assert page.locator("h1").inner_text() == "London"
    assert "NESTA" in page.locator("table.links-in").inner_text()
    # the ego picture's nodes are links too
    page.locator('svg.picture a[href="../organization/nesta.html"]').click()
    page.wait_for_load_state()
    assert page.url.endswith("/organization/nesta.html")
    assert opened.problems == []
    assert all(r.startswith("file://") and "/site" in r for r in opened.requests)


def test_site_view_opens_on_an_entity_or_a_visit_and_links_to_pages(browser, site, G, kg) -> None:
    opened = open_page(browser, site / "view.html", "#focus=organization/nesta")
    assert opened.state()["drawn"] == 4
    assert opened.page.locator("#details .page-link").get_attribute("href") == "organization/nesta.html"
    opened.assert_clean()
    visit = open_page(browser, site / "view.html", "#show=visit/uk-2018")
    expected = select_view(kg, visit="uk-2018", G=G).graph.number_of_nodes()
    assert visit.state()["drawn"] == expected
    visit.screenshot("site-view-visit")
    visit.page.locator("#details .page-link").click()
    visit.page.wait_for_load_state()
    assert visit.page.url.endswith("/visit/uk-2018.html")
    assert visit.problems == []


# -- hostile text ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, Path]:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "data", root / "data")
    make_hostile(root / "data")
    return open_graph(root / "data", root / "build"), root


def assert_nothing_ran(opened: Opened) -> None:
    page = opened.page
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img, [onerror], [onload]').length") == 0
    opened.assert_clean()


def test_hostile_labels_show_as_text_and_run_no_script(browser, hostile) -> None:
    kg, root = hostile
    path = write_view(select_view(kg, focus="nesta", depth=2), root / "ego.html")
    opened = open_page(browser, path)
    page = opened.page
    assert page.locator("h1").inner_text() == f"Ego network of {HOSTILE_ORG} (depth 2)"
    page.fill("#search", "<img")
    results = page.locator("#search-results .result")
    assert results.first.inner_text().startswith(HOSTILE_ORG)
    results.first.click()
    details = page.locator("#details").inner_text()
    assert HOSTILE_ORG in details and HOSTILE_DESCRIPTION in details
    opened.screenshot("view-hostile-ego")
    assert_nothing_ran(opened)
    whole = open_page(browser, write_view(select_view(kg), root / "whole.html"))
    whole.page.fill("#search", "svg onload")
    assert whole.page.locator("#search-results .result").first.inner_text().startswith(HOSTILE_THEME)
    assert_nothing_ran(whole)


def test_hostile_labels_on_site_pages_run_no_script(browser, hostile) -> None:
    kg, root = hostile
    build_site(kg, root / "site")
    for page_path in ("organization/nesta.html", "theme/blockchain.html", "index.html", "city/london.html"):
        opened = open_page(browser, root / "site" / page_path, view=False)
        text = opened.page.locator("main").inner_text()
        assert HOSTILE_ORG in text or HOSTILE_THEME in text, page_path
        assert_nothing_ran(opened)
        if page_path == "organization/nesta.html":
            opened.screenshot("site-hostile-nesta")


# -- size: lazy labels and collapsed communities ----------------------------------------------------

def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    U = nx.barabasi_albert_graph(n, 2, seed=seed)
    kinds = ["organization", "person", "theme", "meeting", "event"]
    G = nx.MultiDiGraph()
    for v in U:
        kind = kinds[v % len(kinds)]
        G.add_node(f"n{v}", label=f"{kind} {v}", id=f"n{v}", kind=kind, kind_label=kind.title(), iri=f"urn:n{v}",
                   description="", date="", end_date="", sources=[], facts=[], inferred=[])
    G.add_edges_from((f"n{u}", f"n{v}", "urn:p", {"relation": "linked to", "predicate": "urn:p", "inferred": False})
                     for u, v in U.edges())
    return G


def test_large_view_draws_every_node_and_labels_them_when_zoomed_in(browser, tmp_path) -> None:
    G = synthetic(5000)
    path = tmp_path / "large.html"
    path.write_text(render_html(whole_view(G)), encoding="utf-8")
    opened = open_page(browser, path)
    assert opened.state()["drawn"] == 5000
    hub = opened.node("organization/n0")
    assert opened.page.evaluate("id => window.__view.nodes.get(id).label", hub) is None
    opened.screenshot("view-synthetic-5000")
    opened.page.fill("#search", "organization 0")
    opened.page.locator("#search-results .result").first.click()
    wait_until(opened, "id => window.__view.nodes.get(id).label === 'organization 0'", hub)
    opened.screenshot("view-synthetic-5000-focus")
    opened.assert_clean()


def test_above_max_nodes_communities_are_drawn_collapsed_and_expand_on_click(browser, tmp_path) -> None:
    G = synthetic(3000)
    path = tmp_path / "aggregated.html"
    path.write_text(render_html(whole_view(G), max_nodes=1000), encoding="utf-8")
    groups = page_data(path)["groups"]
    opened = open_page(browser, path)
    state = opened.state()
    assert state["drawn"] == state["groups"] == len(groups)
    opened.screenshot("view-synthetic-aggregated")
    spot = opened.page.evaluate("""() => { const n = window.__view.network; const p = n.canvasToDOM(n.getPosition('g0'));
        const b = document.getElementById('network').getBoundingClientRect(); return {x: b.left + p.x, y: b.top + p.y}; }""")
    opened.page.mouse.click(spot["x"], spot["y"])
    state = opened.state()
    assert state["expanded"] == 1
    assert state["drawn"] == len(groups) - 1 + len(groups[0]["members"])
    opened.screenshot("view-synthetic-aggregated-expanded")
    opened.assert_clean()
