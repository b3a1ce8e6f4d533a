"""The default path at size: a build above STORE_RECORDS_LIMIT records streams into build/store,
writes its files from the same stream, and reading commands answer from that store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from ecosystem_graph import open_graph
from ecosystem_graph.build import STORE_DIR, STORE_RECORDS_LIMIT, build, validate
from ecosystem_graph.cli import main
from ecosystem_graph.errors import RecordError
from ecosystem_graph.synth import write_synthetic

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("ttl", "nt", "trig", "jsonld")


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder just above the limit (about 2,800 records)."""
    data = tmp_path_factory.mktemp("large") / "data"
    write_synthetic(data, 400, seed=3)
    return data


@pytest.fixture(scope="module")
def large_build(large: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("large-build")
    build(large, out, FORMATS)
    return out


def test_a_large_folder_is_built_through_the_kept_store(large_build: Path) -> None:
    manifest = json.loads((large_build / "manifest.json").read_text())
    assert manifest["store"] == STORE_DIR and manifest["generation"] == "gen-0001"
    assert manifest["shacl"]["mode"] == "sample"
    assert (large_build / STORE_DIR).is_dir()
    assert sorted(manifest["outputs"]) == sorted(f"ecosystem.{s}" for s in ("ttl", "nt", "trig", "jsonld"))


def test_every_file_holds_the_graph_the_rdflib_path_makes(large: Path, large_build: Path, tmp_path: Path) -> None:
    build(large, tmp_path, FORMATS, via_store=False)
    for suffix in ("ttl", "nt", "jsonld"):
        ours, theirs = (Graph().parse(d / f"ecosystem.{suffix}") for d in (large_build, tmp_path))
        assert len(ours) == len(theirs) > 20_000
        assert isomorphic(ours, theirs), suffix
    ours_ds, theirs_ds = (Dataset().parse(d / "ecosystem.trig", format="trig") for d in (large_build, tmp_path))
    for graph in theirs_ds.graphs():
        assert isomorphic(graph, ours_ds.graph(graph.identifier)), graph.identifier


def test_the_store_path_writes_the_same_bytes_in_every_run(large: Path, tmp_path: Path) -> None:
    # Fresh interpreters with other hash seeds: set and dict order must not leak into the files.
    for name, seed in (("one", "1"), ("two", "2")):
        done = subprocess.run([sys.executable, "-m", "ecosystem_graph", "build", str(large), "--out",
                               str(tmp_path / name), "--format", "nt", "--format", "trig", "--format", "jsonld"],
                              capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        assert "the store" in done.stdout and "on a sample of" in done.stdout
    for suffix in FORMATS:
        assert (tmp_path / "one" / f"ecosystem.{suffix}").read_bytes() == \
            (tmp_path / "two" / f"ecosystem.{suffix}").read_bytes(), suffix


def test_reading_commands_answer_from_the_kept_store(large: Path, large_build: Path) -> None:
    kg = open_graph(large, large_build, rebuild=False)
    assert kg.store.persistent and kg.store.spec == f"oxigraph:{large_build / STORE_DIR}"
    memory = open_graph(large, large_build, store="memory", rebuild=False)
    assert not memory.store.persistent
    ask = "SELECT (COUNT(*) AS ?n) WHERE { ?o a org:Organization }"
    assert int(next(iter(kg.query(ask)))[0]) == int(next(iter(memory.query(ask)))[0]) == 400
    organization = kg.rows("organizations")[0]["label"]
    assert kg.rows("partners", organization=organization) == memory.rows("partners", organization=organization)


def test_the_cli_says_which_store_answered(large: Path, large_build: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["stats", "--data", str(large), "--build-dir", str(large_build)])
    assert result.exit_code == 0, result.output
    assert "reading oxigraph:" in result.stderr and "(triples)" in result.stdout
    plain = runner.invoke(main, ["stats", "--data", str(large), "--build-dir", str(large_build),
                                 "--store", "memory"])
    assert plain.exit_code == 0 and "reading" not in plain.stderr
    assert plain.stdout == result.stdout


def test_a_failed_large_build_keeps_the_files_and_the_store(large: Path, large_build: Path,
                                                          tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "build"
    shutil.copytree(large, data)
    shutil.copytree(large_build, out, symlinks=True)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    rows = (data / "organizations.csv").read_text(encoding="utf-8").splitlines()
    rows[5] = rows[5].replace(",", ",,", 1)  # one cell too many: a record error
    (data / "organizations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(RecordError, match="organizations.csv"):
        build(data, out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    kg = open_graph(large, out, rebuild=False)
    assert int(next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?o a org:Organization }")))[0]) == 400


def test_validate_at_size_writes_nothing_and_says_what_it_checked(large: Path, tmp_path: Path) -> None:
    result = validate(large)
    assert result.records > STORE_RECORDS_LIMIT and result.files == [] and result.stored is not None
    assert "on a sample of" in result.describe_checks()
    full = CliRunner().invoke(main, ["validate", str(large), "--shacl", "full"])
    assert full.exit_code == 0, full.output
    assert "the whole graph conforms" in full.stdout and not list(tmp_path.iterdir())


def test_the_seed_stays_on_the_rdflib_path(tmp_path: Path) -> None:
    result = build(ROOT / "data", tmp_path)
    assert result.compiled is not None and not (tmp_path / STORE_DIR).exists()
    assert not open_graph(ROOT / "data", tmp_path, rebuild=False).store.persistent
