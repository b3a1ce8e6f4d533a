"""Analytics on the seed graph, and the ``analyze`` command end to end."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from ecosystem_graph.analytics import (
    BETWEENNESS_EPSILON,
    BETWEENNESS_EXACT_LIMIT,
    LOUVAIN_NETWORKX_LIMIT,
    betweenness,
    brokers,
    centrality,
    communities,
    eigenvector_centrality,
    find_node,
    shortest_path,
    suggest_partners,
)
from ecosystem_graph.cli import main
from ecosystem_graph.errors import QueryError
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.namespaces import ECO
from ecosystem_graph.network import entity_graph, partner_network

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def G(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return entity_graph(kg)


@pytest.fixture(scope="module")
def P(G) -> nx.Graph:
    return partner_network(G)


def org(kg: KnowledgeGraph, ident: str) -> str:
    return f"{kg.base_iri}organization/{ident}"


# -- centrality, communities, brokers ------------------------------------------------------------

def test_the_cluster_is_the_most_central_partner(P) -> None:
    rows = centrality(P)
    assert rows[0]["id"] == "kc-sofia"
    top = rows[0]
    assert top["degree"] == 8
    assert all(top[m] >= r[m] for r in rows for m in ("degree_centrality", "betweenness"))
    assert {r["id"] for r in rows} >= {"nesta", "mayor-of-london"}


def test_eigenvector_centrality_does_not_crash_on_awkward_graphs() -> None:
    assert centrality(nx.Graph()) == []
    assert centrality(nx.empty_graph(3))[0]["eigenvector"] == 0.0
    two_parts = nx.Graph([(1, 2), (3, 4), (4, 5)])
    scores = eigenvector_centrality(two_parts)
    assert scores[4] > scores[3] > 0 and scores[1] > 0
    bipartite = nx.complete_bipartite_graph(2, 3)  # power iteration oscillates without care
    assert len(centrality(bipartite)) == 5


def _components(count: int, size: int) -> nx.Graph:
    """``count`` scale-free components of ``size`` nodes, named by text as entity IRIs are."""
    return nx.union_all(nx.relabel_nodes(nx.barabasi_albert_graph(size, 2, seed=i), lambda j, i=i: f"c{i}-{j}")
                        for i in range(count))


def test_eigenvector_centrality_is_networkx_power_iteration_per_component() -> None:
    G = nx.union(_components(3, 60), nx.relabel_nodes(nx.complete_bipartite_graph(2, 3), str))
    for u, v in G.edges:
        G.edges[u, v]["weight"] = 1 + len(u + v) % 3
    G.add_node("alone")
    scores = eigenvector_centrality(G)
    for part in nx.connected_components(G):
        if len(part) > 1:
            expected = nx.eigenvector_centrality(G.subgraph(part), max_iter=1000, weight="weight")
            assert all(abs(scores[n] - expected[n] * len(part) / len(G)) < 1e-12 for n in part)
    assert scores["alone"] == 0.0


@pytest.mark.slow
def test_betweenness_above_the_limit_keeps_its_stated_bound_and_exact_on_request() -> None:
    G = nx.union(nx.barabasi_albert_graph(2500, 3, seed=1), _components(30, 20), rename=("ba-", ""))
    G.add_nodes_from(f"alone-{i}" for i in range(100))
    assert len(G) > BETWEENNESS_EXACT_LIMIT
    exact, estimate = nx.betweenness_centrality(G), betweenness(G)
    assert max(abs(estimate[n] - exact[n]) for n in G) <= BETWEENNESS_EPSILON
    assert max(exact.values()) > 20 * BETWEENNESS_EPSILON  # the bound is small beside what it bounds
    assert all(estimate[f"alone-{i}"] == 0.0 for i in range(100))
    computed = betweenness(G, epsilon=0)
    assert all(abs(computed[n] - exact[n]) < 1e-12 for n in G)


def test_estimated_betweenness_is_the_same_in_every_process() -> None:
    """Sets and dicts of strings change order with each process's hash seed; the estimate must not."""
    code = ("import json, networkx as nx; from ecosystem_graph.analytics import betweenness; "
            "G = nx.union_all(nx.relabel_nodes(nx.barabasi_albert_graph(700, 2, seed=i), lambda j, i=i: f'c{i}-{j}') "
            "for i in range(3)); print(json.dumps(betweenness(G), sort_keys=True))")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert runs[0] == runs[1] and json.loads(runs[0])["c0-0"] > 0


def _consortia() -> nx.MultiDiGraph:
    """Five organizations: o0 and o1 in a project of two, all five in a project of five."""
    G = nx.MultiDiGraph()
    G.add_nodes_from((f"o{i}", {"kind": "organization", "label": f"O{i}", "id": f"o{i}"}) for i in range(5))
    G.add_nodes_from((p, {"kind": "project", "label": p, "id": p}) for p in ("pair", "five"))
    G.add_edges_from((f"o{i}", "pair", str(ECO.participatesIn)) for i in range(2))
    G.add_edges_from((f"o{i}", "five", str(ECO.participatesIn)) for i in range(5))
    return G


def test_consortium_weighting_gives_each_member_one_unit_per_project() -> None:
    shared, spread = partner_network(_consortia()), partner_network(_consortia(), weighting="consortium")
    assert shared.edges["o0", "o1"]["weight"] == 2 and shared.edges["o2", "o3"]["weight"] == 1
    assert spread.edges["o0", "o1"]["weight"] == 1 + 1 / 4 and spread.edges["o2", "o3"]["weight"] == 1 / 4
    assert sum(w for _, _, w in spread.edges("o4", data="weight")) == 1
    with pytest.raises(QueryError, match="unknown weighting 'size'"):
        partner_network(_consortia(), weighting="size")


def test_max_consortium_leaves_out_the_links_of_larger_groups() -> None:
    P = partner_network(_consortia(), max_consortium=4)
    assert sorted(P.edges(data="weight")) == [("o0", "o1", 1)] and P.graph["groups_left_out"] == 1
    assert len(P) == 5  # the organizations stay, unlinked


def test_communities_are_deterministic_and_keep_partners_together(P, kg) -> None:
    parts = communities(P, seed=7)
    assert parts == communities(P, seed=7)
    assert sorted(n for part in parts for n in part) == sorted(P)
    pair = {org(kg, "opportunity-peterborough"), org(kg, "peterborough-city-council")}
    assert any(pair <= part for part in parts)


def test_communities_above_the_limit_find_planted_groups_and_keep_to_the_seed() -> None:
    G = nx.relabel_nodes(nx.planted_partition_graph(30, 80, 0.2, 0.002, seed=3), lambda n: f"org-{n}")
    nx.set_edge_attributes(G, 1, "weight")
    assert len(G) > LOUVAIN_NETWORKX_LIMIT
    parts = communities(G, seed=1)
    assert parts == communities(G, seed=1) and sorted(n for part in parts for n in part) == sorted(G)
    planted = [{f"org-{n}" for n in range(b * 80, (b + 1) * 80)} for b in range(30)]
    assert all(any(block <= part for part in parts) for block in planted)  # no planted group is split
    assert len(parts) >= 25  # and few merged (Louvain's resolution limit may join a pair)
    networkx_parts = nx.community.louvain_communities(G, seed=1)
    assert nx.community.modularity(G, parts) >= nx.community.modularity(G, networkx_parts) - 0.01


def test_brokers_bridge_communities_and_the_cluster_bridges_most(P) -> None:
    rows = brokers(P)
    assert rows[0]["id"] == "kc-sofia"
    assert all(r["communities_reached"] >= 2 and 0 < r["participation"] < 1 for r in rows)
    leaves = {"nesta", "the-bakery", "mayor-of-london"}
    assert not leaves & {r["id"] for r in rows}  # one tie reaches one community


# -- paths ---------------------------------------------------------------------------------------

def test_path_between_future_cities_catapult_and_nesta_goes_through_the_cluster(P, kg) -> None:
    steps = shortest_path(P, org(kg, "future-cities-catapult"), org(kg, "nesta"))
    assert [(s["from"], s["to"]) for s in steps] == [("Future Cities Catapult", "Cluster Sofia Knowledge City"),
                                                     ("Cluster Sofia Knowledge City", "NESTA")]
    assert "meeting: Meeting with Future Cities Catapult" in steps[0]["relation"]
    assert steps[1]["relation"] == "meeting: Meeting with NESTA"


def test_path_in_the_entity_graph_names_each_relation_and_direction(G, kg) -> None:
    steps = shortest_path(G, org(kg, "future-cities-catapult"), org(kg, "nesta"))
    assert len(steps) == 2  # both are linked to one entity: a place, a theme or a type
    middle = G.nodes[steps[0]["to_iri"]]["kind"]
    assert middle in ("city", "theme", "organization-type", "organization")
    assert all(s["relation"] and s["direction"] in ("forward", "backward") for s in steps)
    assert steps[0]["direction"] == "forward"  # Future Cities Catapult -[...]-> the shared entity
    assert steps[1]["direction"] == "backward"
    assert steps[0]["text"].startswith("Future Cities Catapult -[")


def test_path_follows_edges_against_their_direction(G, kg) -> None:
    meeting = f"{kg.base_iri}meeting/uk-2018-nesta"
    steps = shortest_path(G, org(kg, "nesta"), meeting)
    assert steps == [{"step": 1, "from": "NESTA", "relation": "met organization", "direction": "backward",
                      "to": "Meeting with NESTA", "inferred": False,
                      "text": "NESTA <-[met organization]- Meeting with NESTA",
                      "from_iri": org(kg, "nesta"), "to_iri": meeting}]


def test_no_path_is_an_error_not_a_crash() -> None:
    G = nx.Graph()
    G.add_nodes_from([("a", {"label": "A"}), ("b", {"label": "B"})])
    with pytest.raises(QueryError, match="no path between 'A' and 'B'"):
        shortest_path(G, "a", "b")


def test_find_node_by_id_label_or_iri(P, kg) -> None:
    assert find_node(P, "nesta") == find_node(P, "NESTA") == find_node(P, org(kg, "nesta")) == org(kg, "nesta")
    with pytest.raises(QueryError, match="did you mean 'NESTA'"):
        find_node(P, "Nestaa")
    twins = nx.Graph()
    twins.add_nodes_from([("x:1", {"id": "a", "label": "Same"}), ("x:2", {"id": "b", "label": "Same"})])
    with pytest.raises(QueryError, match=r"'same' names several nodes \(x:1, x:2\); give an IRI"):
        find_node(twins, "same")


# -- suggestions ---------------------------------------------------------------------------------

def test_suggestions_have_reasons_and_exclude_existing_partners(G, P, kg) -> None:
    me = org(kg, "opportunity-peterborough")
    rows = suggest_partners(G, "Opportunity Peterborough", k=20)
    ids = [r["id"] for r in rows]
    assert ids and "opportunity-peterborough" not in ids
    assert not {"peterborough-city-council", "kc-sofia"} & set(ids)
    assert all(not P.has_edge(me, r["iri"]) for r in rows)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    best = rows[0]
    assert best["reason"].startswith("shares themes") and "Smart cities" in best["shared_themes"]
    assert "both had meetings with Cluster Sofia Knowledge City" in best["reason"]


def test_suggestions_for_the_cluster_name_the_common_partner(G) -> None:
    rows = suggest_partners(G, "kc-sofia", method="jaccard")
    council = next(r for r in rows if r["id"] == "peterborough-city-council")
    assert council["method"] == "jaccard" and 0 < council["score"] <= 1
    assert "Opportunity Peterborough" in council["reason"] and "Smart cities" in council["reason"]


def test_suggestions_reject_unknown_organizations_and_methods(G) -> None:
    with pytest.raises(QueryError, match="no organization"):
        suggest_partners(G, "Smart cities")  # a theme, not an organization
    with pytest.raises(QueryError, match="unknown method"):
        suggest_partners(G, "nesta", method="magic")


# -- the command line ----------------------------------------------------------------------------

@pytest.fixture()
def run(seed_build: Path):
    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, ["analyze", *args, "--data", str(ROOT / "data"),
                                           "--build-dir", str(seed_build)])
        return result.exit_code, result.stdout, result.stderr
    return invoke


def test_cli_centrality_as_table_csv_and_json(run) -> None:
    code, out, _ = run("centrality", "--top", "3")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["id", "label", "kind"]
    assert out.splitlines()[2].startswith("kc-sofia")
    assert len(out.splitlines()) == 2 + 3
    code, out, _ = run("centrality", "--format", "csv", "--network", "themes")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {"betweenness", "eigenvector"} <= set(rows[0])
    assert "theme" in {r["kind"] for r in rows}
    code, out, _ = run("centrality", "--format", "json", "--network", "contacts", "--top", "0")
    assert code == 0 and len(json.loads(out)) == 13


def test_cli_communities_and_brokers(run) -> None:
    code, out, _ = run("communities", "--format", "json", "--seed", "3")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 11 and rows[0]["community"] == 1
    code, out, _ = run("brokers", "--format", "csv")
    assert code == 0 and list(csv.DictReader(io.StringIO(out)))[0]["label"] == "Cluster Sofia Knowledge City"
    # The seed's groups are all pairs: weighting by consortium size and a cap of 2 change nothing.
    code, again, err = run("brokers", "--format", "csv", "--weighting", "consortium", "--max-consortium", "2")
    assert code == 0 and again == out and "left out" not in err
    code, _, err = run("centrality", "--max-consortium", "1")
    assert code == 2 and "--max-consortium" in err


def test_cli_path_names_relations(run) -> None:
    code, out, _ = run("path", "Future Cities Catapult", "NESTA", "--network", "partners", "--format", "json")
    steps = json.loads(out)
    assert code == 0 and [s["to"] for s in steps] == ["Cluster Sofia Knowledge City", "NESTA"]
    code, out, _ = run("path", "future-cities-catapult", "nesta")
    assert code == 0 and "relation" in out.splitlines()[0] and "NESTA" in out


def test_cli_suggest_prints_reasons(run) -> None:
    code, out, _ = run("suggest", "--organization", "Opportunity Peterborough", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and 0 < len(rows) <= 5
    assert all(r["reason"] for r in rows)
    assert "Peterborough City Council" not in out


@pytest.mark.parametrize("args, message", [
    (("path", "Atlantis", "NESTA"), "no entity has the id or label 'Atlantis'"),
    (("suggest", "--organization", "Nesta Foundation"), "did you mean 'NESTA'"),
    (("path", "London", "NESTA", "--network", "partners"), "no organization has the id or label 'London'"),
])
def test_cli_unknown_entity_exits_1_with_a_message(run, args, message) -> None:
    code, out, err = run(*args)
    assert code == 1
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("fmt, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
@pytest.mark.parametrize("network", ["partners", "entities"])
def test_cli_export_round_trips_through_networkx(run, tmp_path, kg, fmt, read, network) -> None:
    out = tmp_path / "out" / f"net.{fmt}"
    code, _, err = run("export", "--network", network, "--format", fmt, "--out", str(out))
    assert code == 0 and f"wrote {out}" in err
    back = read(out)
    expected = partner_network(kg) if network == "partners" else entity_graph(kg)
    assert set(back) == set(expected)
    assert back.number_of_edges() == expected.number_of_edges()
    nesta = back.nodes[org(kg, "nesta")]
    assert nesta["label"] == "NESTA" and nesta["identifier"] == "nesta"
    assert nesta["inferred"] == "city: London"  # lists become "; "-joined text
    assert not [p for p in out.parent.iterdir() if p.name != out.name]  # no temporary file left


def test_cli_runs_as_a_real_subprocess(seed_build: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ecosystem_graph", "analyze", "centrality", "--top", "1",
                           "--format", "json", "--data", str(ROOT / "data"), "--build-dir", str(seed_build)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["label"] == "Cluster Sofia Knowledge City"
    failed = subprocess.run([sys.executable, "-m", "ecosystem_graph", "analyze", "path", "Atlantis", "nesta",
                             "--data", str(ROOT / "data"), "--build-dir", str(seed_build)],
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and failed.stderr.startswith("error: ") and "Traceback" not in failed.stderr
