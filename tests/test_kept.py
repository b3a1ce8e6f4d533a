"""Analytics kept per graph generation: a second command on the same graph reads the first's rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem_graph import analytics
from ecosystem_graph.build import build_store
from ecosystem_graph.cli import main
from ecosystem_graph.kept import ANALYTICS_DIR


@pytest.fixture()
def store(data_copy: Path, tmp_path: Path) -> str:
    spec = f"oxigraph:{tmp_path / 'store'}"
    build_store(data_copy, spec)
    return spec


def analyze(spec: str, data: Path, *args: str) -> list[dict]:
    done = CliRunner().invoke(main, ["analyze", *args, "--store", spec, "--data", str(data), "--format", "json",
                                     "--top", "0"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_a_second_command_reads_the_kept_rows_until_the_next_build(store: str, data_copy: Path, monkeypatch) -> None:
    calls = []
    real = analytics.centrality
    monkeypatch.setattr(analytics, "centrality", lambda G, **options: calls.append(1) or real(G, **options))
    first = analyze(store, data_copy, "centrality")
    assert analyze(store, data_copy, "centrality") == first and len(calls) == 1
    assert first[0]["id"] == "kc-sofia"
    assert len(analyze(store, data_copy, "centrality", "--network", "entities")) > len(first) and len(calls) == 2
    kept = list(Path(store.split(":", 1)[1]).glob(f"gen-*/{ANALYTICS_DIR}/centrality-*.json"))
    assert len(kept) == 2
    build_store(data_copy, store)  # a new generation: computed again
    assert analyze(store, data_copy, "centrality") == first and len(calls) == 3


def test_brokers_take_betweenness_from_the_kept_centrality(store: str, data_copy: Path, monkeypatch) -> None:
    calls = []
    real = analytics.betweenness
    monkeypatch.setattr(analytics, "betweenness", lambda G, *options: calls.append(1) or real(G, *options))
    central = {row["iri"]: row["betweenness"] for row in analyze(store, data_copy, "centrality")}
    rows = analyze(store, data_copy, "brokers")
    assert len(calls) == 1 and rows and all(row["betweenness"] == central[row["iri"]] for row in rows)
    analyze(store, data_copy, "brokers", "--weighting", "consortium")  # other options: computed for them
    assert len(calls) == 2


def test_a_damaged_kept_file_is_computed_again(store: str, data_copy: Path) -> None:
    first = analyze(store, data_copy, "brokers")
    for path in Path(store.split(":", 1)[1]).glob(f"gen-*/{ANALYTICS_DIR}/brokers-*.json"):
        path.write_text('{"key": ', encoding="utf-8")
    assert analyze(store, data_copy, "brokers") == first


def test_the_memory_store_keeps_nothing(seed_build: Path) -> None:
    done = CliRunner().invoke(main, ["analyze", "communities", "--store", "memory", "--build-dir", str(seed_build),
                                     "--format", "json"])
    assert done.exit_code == 0, done.output
    assert not list(seed_build.rglob(ANALYTICS_DIR))


def test_the_partner_map_is_kept_per_generation_and_options(store: str, data_copy: Path, monkeypatch) -> None:
    from ecosystem_graph import partner_view
    from ecosystem_graph.graph import open_graph
    from ecosystem_graph.partner_view import select_partner_view

    calls = []
    real = partner_view.partner_map
    monkeypatch.setattr(partner_view, "partner_map", lambda G, **options: calls.append(options) or real(G, **options))
    kg = open_graph(data_copy, store=store, rebuild=False)
    first = select_partner_view(kg).graph
    again = select_partner_view(kg, focus="Cluster Sofia Knowledge City").graph
    assert len(calls) == 1 and sorted(again.edges()) == sorted(first.edges()) and again is not first
    assert select_partner_view(kg, people=True).graph.number_of_nodes() > len(first) and len(calls) == 2
    assert len(list(Path(store.split(":", 1)[1]).glob(f"gen-*/{ANALYTICS_DIR}/partner-map-*.pickle"))) == 2


def test_the_partner_map_drawing_is_kept_and_every_view_of_it_draws_the_same(store: str, data_copy: Path,
                                                                             monkeypatch) -> None:
    from ecosystem_graph import partner_view
    from ecosystem_graph.graph import open_graph
    from ecosystem_graph.partner_view import select_partner_view

    calls = []
    real = partner_view.partner_map_drawing
    monkeypatch.setattr(partner_view, "partner_map_drawing", lambda M, **options: calls.append(1) or real(M, **options))
    kg = open_graph(data_copy, store=store, rebuild=False)
    whole = select_partner_view(kg).html()
    ego = select_partner_view(kg, focus="Cluster Sofia Knowledge City").html()
    assert len(calls) == 1  # the ego view reads the whole map's drawing back
    assert select_partner_view(kg).html() == whole and ego != whole
    monkeypatch.setattr(partner_view, "partner_map_drawing", real)
    fresh = partner_view.render_partner_map(select_partner_view(kg).graph, "Partner map")
    assert fresh == whole  # kept or made anew, the page is the same
    select_partner_view(kg).html(edge_limit=5)
    assert len(list(Path(store.split(":", 1)[1]).glob(f"gen-*/{ANALYTICS_DIR}/partner-map-drawing-*.json"))) == 2


def test_answers_of_other_code_versions_are_removed_when_a_new_one_is_kept(tmp_path: Path, monkeypatch) -> None:
    from ecosystem_graph import kept

    kept.kept_json(tmp_path, "partner-map", {}, lambda: 1)
    kept.kept_json(tmp_path, "partner-map", {"people": True}, lambda: 2)
    kept.kept_json(tmp_path, "partner-map-drawing", {}, lambda: 3)
    monkeypatch.setattr(kept, "_code_digest", lambda modules: "0" * 16)  # another version of the code
    kept.kept_json(tmp_path, "partner-map", {}, lambda: 4)
    names = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / kept.ANALYTICS_DIR).iterdir())
    # both options' answers of the old code went; another question's answer stays
    assert names[0] == "partner-map-00000000" and len(names) == 2 and names[1].startswith("partner-map-drawing-")
