"""A build's triples spooled by two processes: the same files, the same check, and a failure in
the second process fails the build without touching what the last build wrote."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

import ecosystem_graph.spool as spool
from ecosystem_graph import triples
from ecosystem_graph.build import build
from ecosystem_graph.errors import EcosystemGraphError
from ecosystem_graph.forked import Forked, can_fork
from ecosystem_graph.synth import write_synthetic

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and a second core")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "data"
    write_synthetic(folder, 300, seed=5)
    return folder


def _build(data: Path, out: Path, parallel_from: int, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(spool, "PARALLEL_MIN_RECORDS", parallel_from)
    build(data, out, formats=("ttl", "nt", "trig"), via_store=True, shacl="sample")
    return json.loads((out / "manifest.json").read_text())


def test_two_processes_write_the_bytes_and_sample_of_one(synthetic: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    one = _build(synthetic, tmp_path / "one", 10**9, monkeypatch)
    two = _build(synthetic, tmp_path / "two", 1, monkeypatch)
    for name in ("ecosystem.ttl", "ecosystem.nt", "ecosystem.trig"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    # The shapes' sample is drawn from the target nodes both processes saw.
    assert one["shacl"] == two["shacl"] and one["shacl"]["focus_nodes"] > 100
    assert one["triples"] == two["triples"]
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == ["ecosystem.nt", "ecosystem.trig",
                                                                      "ecosystem.ttl", "manifest.json", "store"]


def test_a_failure_in_the_second_process_keeps_the_last_build(synthetic: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    _build(synthetic, out, 1, monkeypatch)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    relation = triples.EMITTERS["relations"]  # the last table: its records are the second half's

    def broken(builder: triples.GraphBuilder, record: object) -> None:
        if os.getpid() != parent:
            raise RuntimeError("the second half broke")
        relation(builder, record)

    parent = os.getpid()
    monkeypatch.setitem(triples.EMITTERS, "relations", broken)
    with pytest.raises(RuntimeError, match="second half broke"):
        _build(synthetic, out, 1, monkeypatch)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_without_fork_one_process_does_both_halves(synthetic: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    forked = _build(synthetic, tmp_path / "forked", 1, monkeypatch)
    import ecosystem_graph.forked

    for module in (ecosystem_graph.forked, spool):
        monkeypatch.setattr(module, "can_fork", lambda: False)
    alone = _build(synthetic, tmp_path / "alone", 1, monkeypatch)
    assert (alone["shacl"], alone["triples"]) == (forked["shacl"], forked["triples"])
    assert (tmp_path / "alone" / "ecosystem.ttl").read_bytes() == (tmp_path / "forked" / "ecosystem.ttl").read_bytes()


def test_a_helper_that_dies_is_named() -> None:
    with pytest.raises(EcosystemGraphError, match="exit code -9"):
        Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)).result()
