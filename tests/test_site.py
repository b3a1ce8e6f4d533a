"""The static site: its pages, that every link resolves, what entity pages say, and escaping.

Its pages are opened in a real browser in test_browser.py.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import networkx as nx
import pytest
from click.testing import CliRunner

from ecosystem_graph import open_graph
from ecosystem_graph.cli import main
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.network import entity_graph
from ecosystem_graph.site import STATIC_CSP, build_site, page_paths, script_csp

from hostile import HOSTILE_DESCRIPTION, HOSTILE_ORG, HOSTILE_THEME, make_hostile

ROOT = Path(__file__).resolve().parents[1]
# The same hostile text as test_views.py (test modules cannot import each other here).
class Page(HTMLParser):
    """Links, element ids, scripts and the policy of one page."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts = 0
        self.csp = ""
        self.text: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if "href" in attrs:
            self.links.append(attrs["href"] or "")
        if "id" in attrs:
            self.ids.add(attrs["id"] or "")
        if tag == "script":
            self.scripts += 1
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs.get("content") or ""

    def handle_data(self, data) -> None:
        self.text.append(data)

    def targets(self) -> set[Path]:
        """The files the page's local links lead to."""
        return {(self.path.parent / unquote(urlsplit(link).path)).resolve()
                for link in self.links if not urlsplit(link).scheme and urlsplit(link).path}


@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(kg, out)
    return out


@pytest.fixture(scope="module")
def G(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return entity_graph(kg)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_site_has_an_index_a_view_and_a_page_per_entity(site: Path, G, kg: KnowledgeGraph) -> None:
    assert (site / "index.html").exists() and (site / "view.html").exists() and (site / "sources.html").exists()
    for path in page_paths(G).values():
        assert (site / path).exists(), path
    kinds = {d["kind"] for _, d in G.nodes(data=True)}
    assert {p.parent.name for p in site.glob("*/index.html")} == kinds
    minted = {iri for (iri,) in kg.text_rows(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{kg.base_iri}")) }}')}
    others = minted - set(G)  # statements, memberships, roles, sources, the dataset: a page each too
    assert len(others) == 39 and (site / "dataset" / "this.html").exists()
    assert len(pages(site)) == G.number_of_nodes() + len(others) + len(kinds) + 4  # index, view, sources, search


def test_every_local_link_resolves_to_a_page_and_every_fragment_to_an_element(site: Path) -> None:
    assert_links_resolve(site)


def test_a_limited_site_has_the_most_central_pages_and_no_broken_link(kg: KnowledgeGraph, G,
                                                                       tmp_path: Path) -> None:
    result = build_site(kg, tmp_path, limit=10)
    entity_pages = [p for p in pages(tmp_path) if p.name != "index.html" and p.parent != tmp_path]
    assert len(entity_pages) == 10
    assert result.pages == len(pages(tmp_path))
    # The cluster, the hub of the seed, is among the ten; a page of a leaf is not written.
    assert (tmp_path / "organization" / "kc-sofia.html").exists()
    assert not (tmp_path / "person" / "adelina-hristova.html").exists()
    assert_links_resolve(tmp_path)


def assert_links_resolve(site: Path) -> None:
    parsed = {p.resolve(): Page(p) for p in pages(site)}
    for page in parsed.values():
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme or parts.scheme in ("http", "https"), (page.path, link)
            if parts.scheme:
                continue
            target = (page.path.parent / unquote(parts.path)).resolve() if parts.path else page.path.resolve()
            assert target in parsed, (page.path, link)
            fragment = unquote(parts.fragment)
            if fragment and not fragment.startswith(("focus=", "show=")):
                assert fragment in parsed[target].ids, (page.path, link)


def test_index_counts_entities_by_type_and_lists_visits_themes_cities(site: Path, G) -> None:
    index = Page(site / "index.html")
    text = " ".join(index.text)
    assert "75 entities and 161 links" in text
    assert re.search(r"Organizations\s+11", text) and re.search(r"Themes\s+26", text)
    assert {"organization/index.html", "view.html", "visit/uk-2018.html", "theme/smart-contracts.html",
            "city/peterborough.html", "sources.html#kcs-news-uk-2018"} <= set(index.links)


def test_entity_page_shows_facts_links_in_and_out_sources_and_its_ego_view(site: Path) -> None:
    page = Page(site / "organization" / "nesta.html")
    text = " ".join(page.text)
    assert "Foundation for research and promotion of innovation" in text
    assert "city: London" in text and "inferred" in text
    neighbours = {"../city/london.html", "../organization-type/foundation.html", "../meeting/uk-2018-nesta.html"}
    assert neighbours <= set(page.links)
    # the ego picture links to them too (SVG <a href>), and the page leads to the interactive view
    svg = (site / "organization" / "nesta.html").read_text(encoding="utf-8").split("<svg class=\"picture\"")[1]
    assert all(f'href="{n}"' in svg for n in neighbours)
    assert "../view.html#focus=organization/nesta" in page.links
    assert "../source/kcs-news-uk-2018.html" in page.links


def test_organization_page_says_whom_it_met_when_and_about_what(site: Path) -> None:
    html = (site / "organization" / "kc-sofia.html").read_text(encoding="utf-8")
    table = html.split("Meetings: whom it met, when, about what")[1].split("</table>")[0]
    met = set(re.findall(r'href="\.\./organization/([a-z-]+)\.html"', table))
    assert met == {"future-cities-catapult", "collider-accelerator", "the-bakery", "london-and-partners", "nesta",
                   "opportunity-peterborough", "living-planit", "universal-trustme-engine"}
    assert "2018-07-30 to 2018-08-03 (its visit)" in table and "2018-08-03" in table
    assert "../theme/blockchain.html" in table  # what the meeting with Universal TrustMe Engine was about
    nesta = (site / "organization" / "nesta.html").read_text(encoding="utf-8")
    row = nesta.split("Meetings: whom it met, when, about what")[1].split("</table>")[0]
    assert "../organization/kc-sofia.html" in row and "../theme/smart-cities.html" in row


def test_visit_page_lists_meetings_in_report_order(site: Path) -> None:
    html = (site / "visit" / "uk-2018.html").read_text(encoding="utf-8")
    table = html.split("Meetings, in the order of the report")[1].split("</table>")[0]
    order = [m.group(1) for m in re.finditer(r'href="\.\./meeting/(uk-2018-[a-z-]+)\.html"', table)]
    meetings = list(dict.fromkeys(order))
    assert meetings == ["uk-2018-future-cities-catapult", "uk-2018-collider-accelerator", "uk-2018-the-bakery",
                            "uk-2018-london-and-partners", "uk-2018-nesta", "uk-2018-opportunity-peterborough",
                            "uk-2018-living-planit", "uk-2018-universal-trustme-engine"]
    assert "../view.html#show=visit/uk-2018" in Page(site / "visit" / "uk-2018.html").links
    assert "2018-08-03" in html and "not stated" in html


def test_theme_and_city_pages_list_related_entities(site: Path) -> None:
    theme = Page(site / "theme" / "smart-cities.html")
    assert {"../theme/internet-of-things.html", "../organization/living-planit.html"} <= set(theme.links)
    assert "Narrower themes" in theme.text
    city = Page(site / "city" / "peterborough.html")
    assert {"../organization/opportunity-peterborough.html", "../organization/peterborough-city-council.html",
            "../meeting/uk-2018-opportunity-peterborough.html"} <= set(city.links)
    assert "Organizations located here" in city.text


def test_static_pages_run_no_script_and_forbid_requests(site: Path) -> None:
    """Entity pages run no script; list pages and search run only their own (allowed by its hash)."""
    for path in pages(site):
        page = Page(path)
        if path.name == "view.html":
            assert page.scripts == 3 and "default-src 'none'" in page.csp
        elif path.name in ("index.html", "search.html") and path.parent != site or path.name == "search.html":
            assert page.scripts == (2 if path.name == "search.html" else 1), path
            assert page.csp == script_csp("site_search.js" if path.name == "search.html" else "site_table.js"), path
        else:
            assert page.scripts == 0, path
            assert page.csp == STATIC_CSP, path
        assert "<link" not in path.read_text(encoding="utf-8")


def test_hostile_text_is_escaped_on_every_page(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    make_hostile(tmp_path / "data")
    kg = open_graph(tmp_path / "data", tmp_path / "build")
    out = tmp_path / "site"
    build_site(kg, out)
    seen = 0
    for path in pages(out):
        html = path.read_text(encoding="utf-8")
        for text in (HOSTILE_ORG, HOSTILE_THEME, "<svg onload", "<script>window"):
            assert text not in html, (path, text)
        seen += "&lt;img src=x onerror=alert(1)&gt;" in html
    assert seen >= 5  # the organization's page, its meeting, the city, the type, the index lists
    page = Page(out / "organization" / "nesta.html")
    assert HOSTILE_ORG in page.text and HOSTILE_DESCRIPTION in page.text


def test_page_paths_are_unique_and_safe() -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", kind="theme", id="x")
    G.add_node("b", kind="theme", id="x")
    G.add_node("c", kind="../../etc", id="index")
    G.add_node("d", kind="organization", id="")
    paths = page_paths(G)
    assert len(set(paths.values())) == 4
    assert all(re.fullmatch(r"[a-z0-9-]+/[A-Za-z0-9._-]+\.html", p) for p in paths.values()), paths
    assert paths["c"] != "etc/index.html"


def test_site_command(seed_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", "--out", str(out), "--data", str(ROOT / "data"),
                                       "--build-dir", str(seed_build)])
    assert result.exit_code == 0, result.output
    assert f"open {out / 'index.html'}" in result.output
    assert (out / "organization" / "kc-sofia.html").exists()


def test_a_large_whole_view_draws_the_most_central_and_pages_outside_it_do_not_link_in(
        kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ecosystem_graph.site as site_module

    monkeypatch.setattr(site_module, "WHOLE_VIEW_NODES", 10)
    build_site(kg, tmp_path)
    view = (tmp_path / "view.html").read_text(encoding="utf-8")
    assert "the 10 most central of" in view
    assert 'href="../view.html#focus=organization/kc-sofia"' in (tmp_path / "organization" / "kc-sofia.html").read_text()
    assert "view.html#focus=" not in (tmp_path / "person" / "adelina-hristova.html").read_text()
    assert_links_resolve(tmp_path)


def test_two_processes_write_the_same_site_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large site is written by two processes, the second reading its own handle on the store's
    generation: the files are those one process writes."""
    import ecosystem_graph.site as site_module
    from ecosystem_graph.build import build
    from ecosystem_graph.forked import can_fork
    from ecosystem_graph.synth import write_synthetic

    if not can_fork():
        pytest.skip("needs fork and a second core")
    write_synthetic(tmp_path / "data", 150, seed=4)
    build(tmp_path / "data", tmp_path / "build", via_store=True, shacl="sample")
    written = {}
    for name, minimum in (("one", 10**9), ("two", 1)):
        monkeypatch.setattr(site_module, "PARALLEL_MIN_PAGES", minimum)
        kg = open_graph(tmp_path / "data", tmp_path / "build")
        assert kg.store.spec.startswith("oxigraph:")
        written[name] = build_site(kg, tmp_path / name).pages
        kg.store.close()
    files = {name: {p.relative_to(tmp_path / name): p.read_bytes() for p in (tmp_path / name).rglob("*.html")}
             for name in written}
    assert written["one"] == written["two"] == len(files["one"]) > 500
    assert files["one"] == files["two"]
