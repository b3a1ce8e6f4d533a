"""The partner map in a real browser (headless Debian chromium, WebGL in software), at seed size and at
2,000 synthetic organizations: what filters, search, expansion and the address do to what is drawn,
exports, no outside request, no console error, and hostile labels that run nothing.

Counts the page reports are compared with counts computed here from the same partner map.
Screenshots are kept in tests/artifacts/ (look at them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest
from test_browser import Opened, open_page, wait_until
from test_partner_map import MET_BY_SOFIA

from ecosystem_graph import open_graph
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.partner_map import partner_map
from ecosystem_graph.partner_view import select_partner_view, write_partner_map
from ecosystem_graph.synth import write_synthetic

from hostile import HOSTILE_ORG, HOSTILE_THEME, make_hostile

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
# Chromium's software GL reports its own slow paths as console warnings: not the page's problems.
DRIVER_NOTES = "GL Driver Message"


def opened_map(browser, path: Path, fragment: str = "") -> Opened:
    opened = open_page(browser, path, fragment)
    opened.page.on("download", lambda download: None)
    return opened


def clean(opened: Opened) -> None:
    opened.problems[:] = [p for p in opened.problems if DRIVER_NOTES not in p]
    opened.assert_clean()


def shown(opened: Opened) -> tuple[int, int]:
    page = opened.page
    return int(page.evaluate("() => document.body.dataset.nodes")), int(page.evaluate("() => document.body.dataset.links"))


def set_address(opened: Opened, fragment: str) -> None:
    opened.page.evaluate("f => { location.hash = f; }", fragment)
    wait_until(opened, "f => location.hash.includes(f.split('&')[0])", fragment.lstrip("#"))
    opened.page.wait_for_timeout(100)


@pytest.fixture(scope="module")
def seed_maps(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("maps")
    return {"whole": select_partner_view(kg).write(out / "whole.html"),
            "sofia": select_partner_view(kg, focus="Cluster Sofia Knowledge City").write(out / "sofia.html"),
            "people": select_partner_view(kg, people=True).write(out / "people.html")}


@pytest.fixture(scope="module")
def M(kg: KnowledgeGraph) -> nx.Graph:
    return partner_map(kg)


def test_whole_map_draws_every_organization_offline(browser, seed_maps, M) -> None:
    opened = opened_map(browser, seed_maps["whole"])
    assert shown(opened) == (len(M), M.number_of_edges())
    assert opened.page.locator("#legend li").count() >= 5  # colour by type: one entry per type
    opened.screenshot("partner-map-seed")
    clean(opened)


def test_the_clusters_ego_map_holds_the_eight_organizations_it_met(browser, seed_maps) -> None:
    opened = opened_map(browser, seed_maps["sofia"])
    page = opened.page
    drawn = page.evaluate("""() => { const m = window.partnerMap, g = m.renderer.getGraph(), out = [];
        g.forEachNode((key, a) => { const d = m.renderer.getNodeDisplayData(key); if (d && !d.hidden) out.push(a.label); });
        return out.sort(); }""")
    assert drawn == sorted([*MET_BY_SOFIA, "Cluster Sofia Knowledge City"])
    details = page.locator("#details").inner_text()
    assert "Cluster Sofia Knowledge City" in details and "8 visible links" in details
    assert all(name in details for name in MET_BY_SOFIA)
    opened.screenshot("partner-map-seed-sofia")
    clean(opened)


def test_facets_filter_what_is_drawn_and_the_address_restores_them(browser, seed_maps, M) -> None:
    opened = opened_map(browser, seed_maps["whole"], "#color=city&size=degree&city=Peterborough")
    page = opened.page
    assert shown(opened) == (2, 1)  # Opportunity Peterborough, the city council and their partnership
    assert page.locator("#color-by").input_value() == "city"
    blockchain = sum(1 for _, themes in M.nodes(data="themes") if "Blockchain" in themes)
    set_address(opened, "#theme=Blockchain")
    assert shown(opened)[0] == blockchain == 1
    smart = sum(1 for _, themes in M.nodes(data="themes") if "Smart cities" in themes)
    set_address(opened, "#theme=Smart%20cities")  # narrower themes count: IoT, urban operating systems
    assert shown(opened)[0] == smart >= 3
    set_address(opened, "#type=Technology%20company|Foundation&links=partnership")
    assert shown(opened) == (3, 0)
    clean(opened)


def test_the_time_filter_hides_organizations_with_no_activity_in_the_range(browser, seed_maps, M) -> None:
    opened = opened_map(browser, seed_maps["whole"])
    page = opened.page
    page.fill("#date-from", "2019-01-01")
    page.dispatch_event("#date-from", "change")
    assert shown(opened) == (0, 0)  # every seed fact is of 2018
    page.fill("#date-from", "2018-09-01")
    page.dispatch_event("#date-from", "change")
    assert shown(opened) == (1, 0)  # the cluster's follow-up event in September 2018
    assert "from=2018-09-01" in page.url
    page.click("#date-clear")
    assert shown(opened) == (len(M), M.number_of_edges())
    clean(opened)


def test_search_finds_alternative_labels_and_a_theme_filters_the_map(browser, seed_maps, M) -> None:
    opened = opened_map(browser, seed_maps["whole"])
    page = opened.page
    page.fill("#search", "Sofia – Knowledge")
    first = page.locator("#suggestions li").first
    assert first.inner_text().startswith("Cluster Sofia Knowledge City")
    page.fill("#search", "IoT")
    suggestion = page.locator("#suggestions li").first
    assert suggestion.inner_text().startswith("Theme: Internet of Things (IoT)")
    suggestion.dispatch_event("mousedown")
    iot = sum(1 for _, themes in M.nodes(data="themes") if "Internet of Things" in themes)
    assert shown(opened)[0] == iot == 1 and "theme=Internet" in page.url
    clean(opened)


def test_focus_then_expand_adds_partners_and_hide_removes_one(browser, seed_maps) -> None:
    opened = opened_map(browser, seed_maps["whole"], "#focus=organization/opportunity-peterborough")
    page = opened.page
    assert shown(opened) == (3, 2)  # itself, the cluster that met it, the council it partners
    page.evaluate("() => window.partnerMap.select(window.partnerMap.find('organization/kc-sofia'), false)")
    page.get_by_role("button", name="Expand").click()
    assert shown(opened)[0] == 10  # the cluster's eight and the council
    page.get_by_role("button", name="Hide").click()
    assert shown(opened)[0] == 9 and "hide=organization%2Fkc-sofia" in page.url
    clean(opened)


def test_exports_give_png_svg_and_csv_of_what_is_visible(browser, seed_maps) -> None:
    opened = opened_map(browser, seed_maps["whole"], "#city=Peterborough")
    page = opened.page
    files = {}
    for button, name in (("#export-png", "png"), ("#export-svg", "svg"), ("#export-nodes", "nodes"),
                         ("#export-links", "links")):
        with page.expect_download() as info:
            page.click(button)
        files[name] = Path(info.value.path()).read_bytes()
    assert files["png"].startswith(b"\x89PNG") and len(files["png"]) > 5_000
    assert b"<svg" in files["svg"] and b"Opportunity Peterborough" in files["svg"]
    assert files["nodes"].decode().splitlines()[0].startswith("key,label,kind,type,city")
    assert len(files["nodes"].decode().splitlines()) == 3 and len(files["links"].decode().splitlines()) == 2
    clean(opened)


def test_the_geographic_map_places_organizations_in_their_cities(browser, seed_maps) -> None:
    opened = opened_map(browser, seed_maps["whole"], "#tab=map")
    page = opened.page
    assert page.locator("#tab-map").get_attribute("aria-selected") == "true"
    assert page.evaluate("() => document.body.dataset.places") == "3"  # London, Peterborough, Sofia
    drawn = page.evaluate("""() => { const r = window.partnerMap.renderer, g = r.getGraph(), out = [];
        g.forEachNode((key, a) => { const d = r.getNodeDisplayData(key); if (a.p !== undefined && !d.hidden) out.push(d.label); });
        return out.sort(); }""")
    assert drawn == ["London (8)", "Peterborough (2)", "Sofia (1)"]
    land = page.evaluate("""() => { const c = document.querySelector('canvas.basemap');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n / (c.width * c.height); }""")
    assert land > 0.2  # the countries are drawn under the places
    page.fill("#date-from", "2018-09-01")
    page.dispatch_event("#date-from", "change")
    assert page.evaluate("() => document.body.dataset.places") == "1"  # only Sofia is active then
    page.click("#tab-network")
    assert "tab=map" not in page.url and shown(opened) == (1, 0)
    opened.screenshot("partner-map-seed-geographic")
    clean(opened)


def test_people_are_nodes_on_request(browser, seed_maps, kg) -> None:
    M = partner_map(kg, people=True)
    opened = opened_map(browser, seed_maps["people"], "#links=member")
    assert shown(opened)[1] == sum(1 for *_, r in M.edges(data="reasons") if r.get("member"))
    clean(opened)


def test_narrow_window_keeps_the_map_and_folds_the_panel(browser, seed_maps) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 700})
    page = context.new_page()
    page.goto(seed_maps["whole"].resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
    box = page.locator("#map").bounding_box()
    assert box["width"] >= 780 and box["height"] >= 320
    page.click("#panel-toggle")
    assert page.locator("#panel").is_hidden()
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "partner-map-800px.png"))
    context.close()


def test_hostile_labels_show_as_text_and_run_nothing(browser, tmp_path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    make_hostile(tmp_path / "data")
    kg = open_graph(tmp_path / "data", tmp_path / "build")
    path = select_partner_view(kg).write(tmp_path / "hostile.html", preset={"color": "theme"})
    opened = opened_map(browser, path)
    page = opened.page
    page.fill("#search", "<img")
    page.locator("#suggestions li").first.dispatch_event("mousedown")
    assert HOSTILE_ORG in page.locator("#details").inner_text()
    page.fill("#search", "svg onload")
    assert HOSTILE_THEME in page.locator("#suggestions").inner_text()
    assert HOSTILE_THEME in page.locator("#legend").inner_text() or page.locator("#legend li").count() > 0
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => document.querySelectorAll('img, [onerror], [onload]').length") == 0
    opened.screenshot("partner-map-hostile")
    clean(opened)


# -- 2,000 organizations ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.Graph, Path]:
    root = tmp_path_factory.mktemp("large")
    write_synthetic(root / "data", 2000, seed=5)
    M = partner_map(open_graph(root / "data", root / "build"))
    return M, write_partner_map(M, "2,000 organizations", root / "map.html")


def test_2000_organizations_open_as_named_communities_that_filters_cut(browser, large) -> None:
    M, path = large
    opened = opened_map(browser, path)
    page = opened.page
    drawn = shown(opened)
    assert drawn[0] == len(M)
    names = page.locator("#group-labels .group-label")
    assert names.count() >= 5 and all(names.nth(i).inner_text().strip() for i in range(names.count()))
    opened.screenshot("partner-map-2000")
    theme, city = "Blockchain", "Berlin"
    expected = sum(1 for _, d in M.nodes(data=True) if theme in d["themes"] and d["city"] == city)
    set_address(opened, f"#theme={theme}&city={city}&from=2019-01-01&to=2019-12-31")
    active = sum(1 for _, d in M.nodes(data=True) if theme in d["themes"] and d["city"] == city
                 and any(s <= "2019-12-31" and e >= "2019-01-01" for s, e in d["activity"]))
    assert 0 < active <= expected and shown(opened)[0] == active
    opened.screenshot("partner-map-2000-blockchain-berlin-2019")
    page.click("#collapse-all")
    assert int(page.evaluate("() => document.body.dataset.groups")) >= 1
    clean(opened)


def test_while_the_camera_moves_the_last_frame_is_moved_and_redrawn_at_rest(browser, large) -> None:
    _, path = large
    opened = opened_map(browser, path)
    page = opened.page
    moving = page.evaluate("""async () => {
        const r = window.partnerMap.renderer, camera = r.getCamera(), seen = [];
        const done = camera.animate({ratio: 0.5, x: 0.6, y: 0.4}, {duration: 600});
        await new Promise(resolve => setTimeout(resolve, 300));
        seen.push(document.querySelector("canvas.sigma-nodes").style.transform);
        await done;
        await new Promise(resolve => setTimeout(resolve, 400));
        seen.push(document.querySelector("canvas.sigma-nodes").style.transform);
        return seen; }""")
    assert moving[0].startswith("matrix(") and moving[1] == ""
    clean(opened)
