"""The store a build keeps reads every triple from the build's own file of the same triples (its
snapshot) only while that file is the one the build wrote: the same triples, the same entity graph."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecosystem_graph.build import build
from ecosystem_graph.graph import KnowledgeGraph, open_graph
from ecosystem_graph.network import _read_entity_graph
from ecosystem_graph.synth import write_synthetic


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("snapshot")
    write_synthetic(root / "data", 120, seed=11)
    build(root / "data", root / "build", formats=("ttl",), via_store=True, shacl="sample")
    return root / "data", root / "build"


def _from_store(kg: KnowledgeGraph) -> list[tuple[str, str, str, str | None]]:
    kept, kg.store.snapshot = kg.store.snapshot, None  # type: ignore[attr-defined]
    try:
        return sorted(set(kg.store.text_triples()))
    finally:
        kg.store.snapshot = kept  # type: ignore[attr-defined]


def test_the_build_notes_its_file_and_the_store_reads_it(built: tuple[Path, Path]) -> None:
    data, out = built
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["snapshot"]["file"] == "ecosystem.ttl"
    assert manifest["snapshot"]["size"] == (out / "ecosystem.ttl").stat().st_size
    kg = open_graph(data, out, rebuild=False)
    assert kg.store.snapshot is not None  # type: ignore[attr-defined]
    # The same triples (a file may repeat one the store holds once; see the next test).
    from_file = sorted(set(kg.store.text_triples()))
    assert from_file == _from_store(kg) and len(from_file) > 5_000
    labels = "http://www.w3.org/2000/01/rdf-schema#label"
    assert sorted(set(kg.store.text_triples([labels]))) == [t for t in from_file if t[1] == labels]
    assert sorted(set(kg.store.text_triples(exclude=[labels]))) == [t for t in from_file if t[1] != labels]


def test_the_build_states_each_triple_once(built: tuple[Path, Path]) -> None:
    # A role named by several memberships was stated with each of them (7 roles, 28 repeats here).
    statements = [str(t) for t in ox.parse(path=str(built[1] / "ecosystem.ttl"), format=ox.RdfFormat.TURTLE)]
    assert len(statements) == len(set(statements)) and any("/role/" in t for t in statements)


def test_the_entity_graph_is_the_same_read_from_the_file(built: tuple[Path, Path]) -> None:
    kg = open_graph(*built, rebuild=False)
    G = _read_entity_graph(kg, include_sources=True)
    kg.store.snapshot = None  # type: ignore[attr-defined]
    H = _read_entity_graph(kg, include_sources=True)
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert sorted(G.edges(keys=True, data=True)) == sorted(H.edges(keys=True, data=True))


def test_a_file_changed_since_the_build_is_not_read(built: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = built
    changed = tmp_path / "build"
    changed.mkdir()
    (changed / "store").symlink_to(out / "store")
    (changed / "manifest.json").write_bytes((out / "manifest.json").read_bytes())
    extra = b'<https://w3id.org/ecosystem-graph/id/organization/planted> <http://www.w3.org/2000/01/rdf-schema#label> "Planted" .\n'
    (changed / "ecosystem.ttl").write_bytes((out / "ecosystem.ttl").read_bytes() + extra)
    kg = open_graph(data, changed, rebuild=False)
    assert kg.store.snapshot is not None  # type: ignore[attr-defined]
    assert not any(t[2] == "Planted" for t in kg.store.text_triples())  # read from the store instead


@pytest.mark.parametrize("note", [None, {"file": "ecosystem.ttl"}, {"file": "ecosystem.ttl", "size": "big", "mtime_ns": 1},
                                  "ecosystem.ttl"])
def test_a_manifest_without_a_usable_note_reads_the_store(built: tuple[Path, Path], tmp_path: Path, note: object) -> None:
    data, out = built
    copy = tmp_path / "build"
    copy.mkdir()
    (copy / "store").symlink_to(out / "store")
    (copy / "ecosystem.ttl").symlink_to(out / "ecosystem.ttl")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["snapshot"] = note
    (copy / "manifest.json").write_text(json.dumps(manifest))
    kg = open_graph(data, copy, rebuild=False)
    assert kg.store.snapshot is None  # type: ignore[attr-defined]
    assert sorted(set(kg.store.text_triples())) == _from_store(kg)
