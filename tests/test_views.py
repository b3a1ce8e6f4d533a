"""Views: which entities each view selects, what the HTML holds, and that it is offline and escaped.

The pages are checked in a real browser in test_browser.py; here the Python side: selection,
the data the page draws, the layout, escaping, the Content-Security-Policy and the command line.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner

from ecosystem_graph import open_graph
from ecosystem_graph.cli import main
from ecosystem_graph.errors import EcosystemGraphError, QueryError
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.layout import fast_layout, layout
from ecosystem_graph.network import entity_graph
from ecosystem_graph.views import (
    View,
    ViewError,
    page_csp,
    render_html,
    script_json,
    select_view,
    view_data,
    whole_view,
    write_view,
)

from hostile import HOSTILE_DESCRIPTION, HOSTILE_ORG, HOSTILE_THEME, make_hostile

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def G(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return entity_graph(kg)


def labels(view: View) -> set[str]:
    return {d["label"] for _, d in view.graph.nodes(data=True)}


def page_data(html: str) -> dict:
    """The JSON a page draws, read back the way the browser does."""
    found = re.search(r'<script type="application/json" id="view-data">(.*?)</script>', html, re.S)
    assert found, "the page has no view data"
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def hostile_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "data", root / "data")
    make_hostile(root / "data")
    return open_graph(root / "data", root / "build")


# -- selection ---------------------------------------------------------------------------------------

def test_whole_view_draws_every_entity_and_link(kg, G) -> None:
    view = select_view(kg, G=G)
    assert view.graph.number_of_nodes() == G.number_of_nodes() == 75
    assert view.graph.number_of_edges() == G.number_of_edges()
    assert view.score_name == "betweenness"


def test_ego_view_grows_with_depth_and_names_entities_by_id_or_label(kg, G) -> None:
    one = select_view(kg, focus="NESTA", G=G)
    assert labels(one) == {"NESTA", "London", "Foundation", "Meeting with NESTA"}
    assert one.focus == kg.base_iri + "organization/nesta"
    assert labels(select_view(kg, focus="nesta", G=G)) == labels(one)  # the id works too
    two = select_view(kg, focus="nesta", depth=2, G=G)
    assert "Working visit to the United Kingdom, 2018" in labels(two)
    assert labels(one) < labels(two)
    assert labels(select_view(kg, focus="nesta", depth=0, G=G)) == {"NESTA"}


def test_theme_view_holds_narrower_themes_and_who_works_on_them(kg, G) -> None:
    view = select_view(kg, theme="Smart cities", G=G)
    names = labels(view)
    assert {"Smart cities", "Internet of Things", "Urban operating systems"} <= names
    # met at a meeting about smart cities; maker of a product about urban operating systems
    assert {"Future Cities Catapult", "Living PlanIT", "London & Partners"} <= names
    assert "Blockchain" not in names
    kinds = {d["kind"] for _, d in view.graph.nodes(data=True)}
    assert {"theme", "meeting", "organization", "product"} <= kinds


def test_visit_view_holds_its_meetings_people_and_organizations_met(kg, G) -> None:
    view = select_view(kg, visit="uk-2018", G=G)
    nodes = view.graph.nodes
    meetings = [n for n in view.graph if nodes[n]["kind"] == "meeting"]
    assert len(meetings) == 8
    assert {"Deyan Pushkarov", "Adelina Hristova", "NESTA", "Living PlanIT", "London", "Peterborough",
            "TrustMe™"} <= labels(view)
    assert view.subtitle.endswith("2018-07-30 to 2018-08-03")


def test_construct_view_draws_resources_and_keeps_literals_as_facts(kg, G, tmp_path) -> None:
    query = tmp_path / "met.rq"
    query.write_text("CONSTRUCT { ?m eco:metOrganization ?o . ?o dct:description ?d . ?o a ?class }\n"
                     "WHERE { ?m eco:metOrganization ?o . ?o dct:description ?d . ?o a ?class }", encoding="utf-8")
    view = select_view(kg, query=query, G=G)
    graph = view.graph
    nesta = kg.base_iri + "organization/nesta"
    assert graph.nodes[nesta]["kind"] == "organization"
    assert any(f.startswith("description: Foundation") for f in graph.nodes[nesta]["facts"])
    other = [d for _, d in graph.nodes(data=True) if d["kind"] == "other"]
    assert {d["label"] for d in other} >= {"organization"}  # org:Organization, by its rdfs:label
    assert view.title == "Result of met.rq"
    assert sum(1 for *_, k in graph.edges(keys=True) if k.endswith("metOrganization")) == 8


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { ?s ?p ?o }", "a view needs a CONSTRUCT or DESCRIBE query, not a SELECT query"),
    ("ASK { ?s ?p ?o }", "not a ASK query"),
    ("CONSTRUCT { ?s ?p ?o", "bad.rq: malformed query"),
])
def test_a_query_that_is_not_a_valid_construct_is_a_user_error(kg, G, tmp_path, text, message) -> None:
    query = tmp_path / "bad.rq"
    query.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError, match=re.escape(message)):
        select_view(kg, query=query, G=G)


def test_unknown_or_wrong_kind_of_entity_is_a_user_error(kg, G) -> None:
    with pytest.raises(QueryError, match="no entity has the id or label 'Atlantis'"):
        select_view(kg, focus="Atlantis", G=G)
    with pytest.raises(QueryError, match="no theme has the id or label 'NESTA'"):
        select_view(kg, theme="NESTA", G=G)
    with pytest.raises(QueryError, match="did you mean 'Smart cities'"):
        select_view(kg, theme="Smart", G=G)
    assert "Smart cities" in select_view(kg, theme="Smart citys", G=G).title  # a typo is read, with a note
    with pytest.raises(ViewError, match="views do not draw"):
        select_view(kg, focus="Marketing and PR Expert", G=G)  # a role: not a node
    with pytest.raises(EcosystemGraphError, match="not theme and visit"):
        select_view(kg, theme="blockchain", visit="uk-2018", G=G)


# -- the page ----------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def test_page_is_self_contained_and_forbids_every_request(kg, G) -> None:
    html = render_html(select_view(kg, G=G))
    parser = _Tags()
    parser.feed(html)
    tags = parser.tags
    # the policy comes first in <head>, before any script or style
    head = [t for t, _ in tags[tags.index(("head", {})) + 1:]]
    policy = page_csp()
    assert tags[tags.index(("head", {})) + 2] == ("meta", {"http-equiv": "Content-Security-Policy",
                                                          "content": policy})
    assert head.index("meta") < head.index("style") < head.index("script")
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy and "http" not in policy
    # only the page's own scripts may run: their hashes, no 'unsafe-inline' for scripts
    script_policy = policy.split("script-src ")[1].split(";")[0]
    assert "unsafe" not in script_policy and script_policy.count("'sha256-") == 2
    for body in re.findall(r"<script>(.*?)</script>", html, re.S):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_policy
    for tag, attrs in tags:
        assert tag not in ("link", "iframe", "img", "object", "embed", "base"), tag
        assert "src" not in attrs, (tag, attrs)
        if "href" in attrs:
            assert not re.match(r"^(https?:)?//", attrs["href"] or ""), attrs
    assert "bootstrap" not in html.lower() and "cdnjs" not in html and "jsdelivr" not in html
    assert "vis-network" in html and "window.__viewReady" in html


def test_page_data_matches_the_graph(kg, G) -> None:
    view = select_view(kg, G=G)
    data = page_data(render_html(view))
    assert len(data["nodes"]) == G.number_of_nodes()
    assert len(data["edges"]) == G.number_of_edges()
    by_key = {n["k"]: n for n in data["nodes"]}
    nesta = by_key["organization/nesta"]
    assert nesta["l"] == "NESTA" and "city: London" in nesta["i"]
    assert [data["sources"][i] for i in nesta["src"]] == [
        "Work meetings of Cluster Sofia Knowledge City in the United Kingdom"]
    kinds = data["kinds"]
    assert {k["kind"] for k in kinds} == {d["kind"] for _, d in G.nodes(data=True)}
    assert len({(k["color"], k["shape"]) for k in kinds}) == len(kinds)  # colour and shape tell types apart
    # size follows centrality: the visit is a hub, a leaf theme is not
    assert by_key["visit/uk-2018"]["s"] > by_key["theme/smart-contracts"]["s"]
    # inferred attendance is drawn dashed; relations label the edges
    inferred = [e for e in data["edges"] if e[3]]
    assert inferred and "attendee" in {data["relations"][e[2]] for e in inferred}
    assert data["edgeLabels"] is True
    # undated meetings are filtered by their visit's dates
    assert by_key["meeting/uk-2018-nesta"]["rd"] == "2018-07-30"
    assert by_key["meeting/uk-2018-living-planit"]["d"] == "2018-08-03"


def test_hostile_text_is_data_never_markup(hostile_kg) -> None:
    html = render_html(select_view(hostile_kg))
    for text in (HOSTILE_ORG, HOSTILE_DESCRIPTION, HOSTILE_THEME, "</script><script>", "<svg onload"):
        assert text not in html
    parser = _Tags()
    parser.feed(html)
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "view-data"}, {}, {}]  # no element closed early
    data = page_data(html)
    labels_found = {n["l"] for n in data["nodes"]}
    assert {HOSTILE_ORG, HOSTILE_THEME, "Meeting with " + HOSTILE_ORG} <= labels_found
    assert HOSTILE_DESCRIPTION in {n.get("desc") for n in data["nodes"]}
    # the heading of an ego view is escaped text
    ego = render_html(select_view(hostile_kg, focus="nesta"))
    assert "<title>Ego network of &lt;img src=x onerror=alert(1)&gt;</title>" in ego
    assert "<h1>Ego network of &lt;img src=x onerror=alert(1)&gt;</h1>" in ego


def test_script_json_cannot_close_its_element() -> None:
    text = script_json({"a": "</script><!-- \u2028 & >"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028 & >"}


def test_write_view_writes_one_file(kg, G, tmp_path) -> None:
    out = write_view(select_view(kg, theme="blockchain", G=G), tmp_path / "sub" / "theme.html")
    assert out.exists() and [p.name for p in out.parent.iterdir()] == ["theme.html"]
    assert page_data(out.read_text(encoding="utf-8"))["title"] == "Theme: Blockchain"


# -- layout and scale ---------------------------------------------------------------------------------

def test_layout_is_deterministic_and_keeps_labels_apart(kg, G) -> None:
    view = select_view(kg, G=G)
    first, second = view_data(view), view_data(view)
    assert [(n["x"], n["y"]) for n in first["nodes"]] == [(n["x"], n["y"]) for n in second["nodes"]]
    from ecosystem_graph.views import label_box

    boxes = [(n["x"], n["y"] + label_box(n["l"], n["s"])[2], *label_box(n["l"], n["s"])[:2])
             for n in first["nodes"]]
    overlaps = 0
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1:]:
            if abs(x1 - x2) < (w1 + w2) / 2 - 1 and abs(y1 - y2) < (h1 + h2) / 2 - 1:
                overlaps += 1
    assert overlaps == 0


def test_layout_handles_components_and_empty_graphs() -> None:
    G = nx.Graph([(0, 1), (1, 2), (3, 4)])
    G.add_node(5)
    pos = layout(G)
    assert set(pos) == set(G)
    points = np.array(list(pos.values()))
    assert len({tuple(p) for p in points.round(3)}) == len(G)  # nobody on top of anybody
    assert layout(nx.Graph()) == {}


def test_fast_layout_spreads_a_power_law_graph() -> None:
    H = nx.barabasi_albert_graph(3000, 2, seed=1)
    pos = fast_layout(3000, np.array(list(H.edges())), np.random.default_rng(1))
    assert np.isfinite(pos).all()
    # nodes have room around them: nobody sits on anybody, most are about half a unit apart or more
    from ecosystem_graph.layout import _near_pairs

    a, b = _near_pairs(pos, 1.0, 10**7, np.random.default_rng(0))
    distance = np.linalg.norm(pos[a] - pos[b], axis=1)
    nearest = np.full(len(pos), np.inf)
    np.minimum.at(nearest, a, distance)
    np.minimum.at(nearest, b, distance)
    assert np.mean(nearest > 0.1) > 0.99 and np.median(nearest) > 0.35


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A power-law graph with the node attributes of the entity graph."""
    U = nx.barabasi_albert_graph(n, 2, seed=seed)
    kinds = ["organization", "person", "theme", "meeting", "event"]
    G = nx.MultiDiGraph()
    for v in U:
        kind = kinds[v % len(kinds)]
        G.add_node(f"n{v}", label=f"{kind} {v}", id=f"n{v}", kind=kind, kind_label=kind.title(), iri=f"urn:n{v}",
                   description="", date="2018-05-01" if kind == "meeting" else "", end_date="", sources=[],
                   facts=[], inferred=[])
    for u, v in U.edges():
        G.add_edge(f"n{u}", f"n{v}", key="urn:p", relation="linked to", predicate="urn:p", inferred=False)
    return G


def test_above_max_nodes_communities_are_collapsed_and_cover_every_node() -> None:
    G = synthetic(3000)
    data = view_data(whole_view(G), max_nodes=1000)
    groups = data["groups"]
    members = sorted(m for g in groups for m in g["members"])
    assert members == list(range(3000))
    assert 10 <= len(groups) <= 250
    assert all(g["label"].endswith("more") for g in groups)
    assert len(data["nodes"]) == 3000
    assert "groups" not in view_data(whole_view(G))


# -- command line -------------------------------------------------------------------------------------

@pytest.fixture()
def run(seed_build):
    def invoke(*args: str):
        return CliRunner().invoke(main, [*args, "--data", str(ROOT / "data"), "--build-dir", str(seed_build)])
    return invoke


def test_view_command_writes_each_kind_of_view(run, tmp_path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT { ?v schema:subEvent ?m } WHERE { ?v schema:subEvent ?m }", encoding="utf-8")
    for args, title in ((), "The whole ecosystem"), (("--focus", "London & Partners", "--depth", "2"),
                                                     "Ego network of London & Partners (depth 2)"), \
            (("--theme", "blockchain"), "Theme: Blockchain"), \
            (("--visit", "Working visit to the United Kingdom, 2018"), "Visit: Working visit"), \
            (("--query", str(query)), "Result of q.rq"):
        out = tmp_path / "v.html"
        result = run("view", "--out", str(out), "--mode", "entities", *args)
        assert result.exit_code == 0, result.output
        assert page_data(out.read_text(encoding="utf-8"))["title"].startswith(title)
        assert f"wrote {out}" in result.output


@pytest.mark.parametrize("args, message", [
    (("--focus", "Atlantis"), "error: parameter 'focus': no entity has the id or label 'Atlantis'"),
    (("--visit", "nesta"), "error: parameter 'visit': no visit has the id or label 'nesta'"),
    (("--query", "SELECTQ"), "error: select.rq: a view needs a CONSTRUCT or DESCRIBE query"),
])
def test_view_command_reports_user_errors_without_traceback(run, tmp_path, args, message) -> None:
    if args[0] == "--query":
        path = tmp_path / "select.rq"
        path.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
        args = ("--query", str(path))
    result = run("view", "--out", str(tmp_path / "v.html"), *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "v.html").exists()


def test_view_command_rejects_option_clashes(run, tmp_path) -> None:
    result = run("view", "--out", str(tmp_path / "v.html"), "--theme", "blockchain", "--visit", "uk-2018")
    assert result.exit_code == 2 and "at most one of" in result.output
    result = run("view", "--out", str(tmp_path / "v.html"), "--depth", "2")
    assert result.exit_code == 2 and "--depth only applies to --focus" in result.output
