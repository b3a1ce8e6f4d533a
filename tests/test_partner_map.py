"""The partner map: derived links with their reasons, facets, the page's payload, and the command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from ecosystem_graph.cli import main
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.partner_map import community_labels, ego_nodes, partner_map
from ecosystem_graph.partner_view import partner_map_data, render_partner_map, select_partner_view
from ecosystem_graph.synth import write_synthetic

from hostile import HOSTILE_ORG, make_hostile

ROOT = Path(__file__).resolve().parents[1]
MET_BY_SOFIA = ["Collider Accelerator", "Future Cities Catapult", "Living PlanIT", "London & Partners", "NESTA",
                "Opportunity Peterborough", "The Bakery", "Universal TrustMe Engine"]


@pytest.fixture(scope="module")
def M(kg: KnowledgeGraph) -> nx.Graph:
    return partner_map(kg)


def node(kg: KnowledgeGraph, key: str) -> str:
    return kg.base_iri + key


def labels(M: nx.Graph, nodes) -> list[str]:
    return sorted(M.nodes[n]["label"] for n in nodes)


def payload(html: str) -> dict:
    return json.loads(re.search(r'id="map-data">(.*?)</script>', html, re.S).group(1))


def test_only_organizations_are_nodes_and_places_types_themes_are_facets(M, kg) -> None:
    assert {kind for _, kind in M.nodes(data="kind")} == {"organization"}
    nesta = M.nodes[node(kg, "organization/nesta")]
    assert (nesta["city"], nesta["country"], nesta["type"]) == ("London", "United Kingdom", "Foundation")
    assert nesta["alt"] == ["Nesta"]
    # a narrower theme brings its broader ones: Future Cities Catapult works on IoT, so on smart cities
    catapult = M.nodes[node(kg, "organization/future-cities-catapult")]
    assert {"Internet of Things", "Smart cities"} <= set(catapult["themes"])


def test_the_cluster_met_eight_organizations_and_each_link_says_why(M, kg) -> None:
    sofia = node(kg, "organization/kc-sofia")
    met = [n for n in M[sofia] if M.edges[sofia, n]["reasons"].get("met")]
    assert labels(M, met) == MET_BY_SOFIA
    assert labels(M, ego_nodes(M, sofia)) == sorted([*MET_BY_SOFIA, "Cluster Sofia Knowledge City"])
    catapult = M.edges[sofia, node(kg, "organization/future-cities-catapult")]
    assert dict(catapult["reasons"]) == {"met": 1, "partnership": 1}
    assert catapult["status"] == ["possible"]
    assert catapult["span"] == ("2018-07-30", "2018-08-03")  # the meeting is dated by its visit
    council = M.edges[node(kg, "organization/opportunity-peterborough"), node(kg, "organization/peterborough-city-council")]
    assert (dict(council["reasons"]), council["span"]) == ({"partnership": 1}, None)


def test_activity_dates_come_from_meetings_visits_and_events(M, kg) -> None:
    assert M.nodes[node(kg, "organization/kc-sofia")]["activity"] == [("2018-07-30", "2018-08-03"),
                                                                      ("2018-09-01", "2018-09-30")]
    assert M.nodes[node(kg, "organization/mayor-of-london")]["activity"] == []


def test_people_and_theme_links_are_options(kg) -> None:
    with_people = partner_map(kg, people=True)
    deyan = node(kg, "person/deyan-pushkarov")
    assert with_people.edges[deyan, node(kg, "organization/kc-sofia")]["reasons"].get("member") == 1
    assert with_people.edges[deyan, node(kg, "organization/nesta")]["reasons"].get("contact") == 1
    themed = partner_map(kg, theme_links=2)
    shared = themed.edges[node(kg, "organization/opportunity-peterborough"), node(kg, "organization/peterborough-city-council")]
    assert shared["reasons"].get("theme", 0) >= 2 and "shared themes" in shared["relation"]
    assert themed.number_of_edges() > partner_map(kg).number_of_edges()


def test_communities_are_named_by_the_themes_and_places_that_set_them_apart() -> None:
    M = nx.Graph()
    M.add_nodes_from((i, {"themes": ["Blockchain", "ICT"], "city": "Berlin"}) for i in range(5))
    M.add_nodes_from((i, {"themes": ["Food", "ICT"], "city": "Rome"}) for i in range(5, 10))
    named = community_labels(M, [list(range(5)), list(range(5, 10))])
    assert [g["label"] for g in named] == ["Blockchain, ICT · Berlin", "Food, ICT · Rome"]


def test_payload_carries_facets_dates_metrics_and_reasons(M, kg) -> None:
    data = partner_map_data(M)
    nodes = data["nodes"]
    sofia = nodes["k"].index("organization/kc-sofia")
    assert data["facets"]["city"][nodes["city"][sofia]] == "Sofia"
    assert nodes["act"][sofia] == [20180730, 20180803, 20180901, 20180930]
    assert nodes["m"]["degree"][sofia] == 8 and nodes["m"]["betweenness"][sofia] > 0.5
    assert data["facetAlt"]["theme"][str(data["facets"]["theme"].index("Internet of Things"))] == ["IoT"]
    assert "groups" not in data  # 11 organizations: no communities to group by
    assert len(data["edges"]["s"]) == data["allEdges"] == M.number_of_edges()


def test_large_maps_carry_a_backbone_and_named_communities(tmp_path) -> None:
    from ecosystem_graph import open_graph

    write_synthetic(tmp_path / "data", 600, seed=3)
    M = partner_map(open_graph(tmp_path / "data", tmp_path / "build"))
    data = partner_map_data(M, edge_limit=1000)
    assert len(data["edges"]["s"]) == 1000 < data["allEdges"] == M.number_of_edges()
    linked = {i for pair in zip(data["edges"]["s"], data["edges"]["t"]) for i in pair}
    degree = data["nodes"]["m"]["degree"]
    assert all(i in linked for i, d in enumerate(degree) if d)  # every linked node keeps a link
    assert 3 <= len(data["groups"]) <= 60
    assert all(g["label"] and g["size"] for g in data["groups"])
    assert sorted(set(data["nodes"]["g"])) == list(range(len(data["groups"])))


def hostile_graph(root: Path) -> KnowledgeGraph:
    import shutil

    from ecosystem_graph import open_graph

    shutil.copytree(ROOT / "data", root / "data")
    make_hostile(root / "data")
    return open_graph(root / "data", root / "build")


def test_hostile_labels_reach_the_page_only_as_escaped_json(tmp_path) -> None:
    kg = hostile_graph(tmp_path)
    html = render_partner_map(partner_map(kg), HOSTILE_ORG)
    head, _, rest = html.partition('<script type="application/json"')
    assert HOSTILE_ORG not in html and "<img" not in rest.split("</script>")[0]
    assert HOSTILE_ORG in json.dumps(payload(html), ensure_ascii=False)


def test_focus_on_a_place_or_theme_opens_the_map_filtered_by_it(kg) -> None:
    assert select_partner_view(kg, focus="London").preset == {"city": ["London"]}
    assert select_partner_view(kg, focus="UK").preset == {"country": ["United Kingdom"]}
    assert select_partner_view(kg, theme="smart city").preset == {"theme": ["Smart cities"]}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_view_draws_the_partner_map_by_default_and_entities_on_request(tmp_path) -> None:
    result = run("view", "--data", str(ROOT / "data"), "--build-dir", str(tmp_path / "b"), "--out", str(tmp_path / "m.html"))
    assert result.exit_code == 0, result.output
    assert "11 organizations, 10 links; partner map" in result.output
    result = run("view", "--data", str(ROOT / "data"), "--build-dir", str(tmp_path / "b"), "--focus",
                 "Cluster Sofia Knowledge City", "--out", str(tmp_path / "ego.html"))
    assert "(9 organizations, 8 links; partner map)" in result.output  # the ego view's own counts
    assert payload((tmp_path / "m.html").read_text(encoding="utf-8"))["nodes"]["l"]
    result = run("view", "--data", str(ROOT / "data"), "--build-dir", str(tmp_path / "b"), "--mode", "entities",
                 "--out", str(tmp_path / "e.html"))
    assert result.exit_code == 0 and 'id="view-data"' in (tmp_path / "e.html").read_text(encoding="utf-8")


def test_view_of_an_entity_the_map_does_not_draw_says_what_to_do(tmp_path) -> None:
    out = tmp_path / "m.html"
    result = run("view", "--data", str(ROOT / "data"), "--build-dir", str(tmp_path / "b"), "--focus", "uk-2018",
                 "--out", str(out))
    assert result.exit_code != 0 and "--mode entities" in result.output and not out.exists()
    result = run("view", "--data", str(ROOT / "data"), "--build-dir", str(tmp_path / "b"), "--visit", "uk-2018",
                 "--mode", "partners", "--out", str(out))
    assert result.exit_code == 2 and "--mode entities" in result.output
