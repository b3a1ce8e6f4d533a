"""The build: deterministic outputs in every format, atomic writes, freshness, base IRI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from ecosystem_graph import build_graph, open_graph
from ecosystem_graph.build import is_stale
from ecosystem_graph.errors import RecordError

ROOT = Path(__file__).resolve().parents[1]


def build_in_subprocess(data: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    # A fresh interpreter each time, so hash randomisation and set order differ between runs.
    return subprocess.run([sys.executable, "-m", "ecosystem_graph", "build", str(data), "--out", str(out),
                           *extra], capture_output=True, text=True, cwd=ROOT)


def test_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    formats = ["--format", "jsonld", "--format", "nt", "--format", "trig"]
    for name in ("one", "two"):
        done = build_in_subprocess(ROOT / "data", tmp_path / name, *formats)
        assert done.returncode == 0, done.stderr
    for suffix in ("ttl", "jsonld", "nt", "trig"):
        first = (tmp_path / "one" / f"ecosystem.{suffix}").read_bytes()
        assert first == (tmp_path / "two" / f"ecosystem.{suffix}").read_bytes(), suffix


def test_every_format_holds_the_same_graph(tmp_path: Path) -> None:
    build_graph(ROOT / "data", tmp_path, ("ttl", "jsonld", "nt", "trig"))
    turtle = Graph().parse(tmp_path / "ecosystem.ttl")
    assert len(turtle) > 1000
    assert len(Graph().parse(tmp_path / "ecosystem.nt")) == len(turtle)
    assert len(Graph().parse(tmp_path / "ecosystem.jsonld", format="json-ld")) == len(turtle)
    dataset = Dataset().parse(tmp_path / "ecosystem.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {"https://w3id.org/ecosystem-graph/id/graph/data",
                     "https://w3id.org/ecosystem-graph/id/graph/ontology"}
    assert sum(len(g) for g in dataset.graphs()) == len(turtle)


def test_jsonld_needs_no_remote_context(tmp_path: Path) -> None:
    build_graph(ROOT / "data", tmp_path, ("jsonld",))
    document = json.loads((tmp_path / "ecosystem.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict)  # inline prefixes, nothing to fetch


def test_a_failed_build_leaves_previous_outputs_untouched(tmp_path: Path, data_copy: Path) -> None:
    out = tmp_path / "build"
    build_graph(data_copy, out, ("ttl", "nt"))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    meetings = data_copy / "meetings.csv"
    meetings.write_text(meetings.read_text(encoding="utf-8").replace("uk-2018,5,nesta,", "uk-2018,5,nestaa,"),
                        encoding="utf-8")
    with pytest.raises(RecordError):
        build_graph(data_copy, out, ("ttl", "nt"))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_cli_build_error_exits_non_zero_without_traceback(tmp_path: Path, data_copy: Path) -> None:
    out = tmp_path / "build"
    assert build_in_subprocess(data_copy, out).returncode == 0
    before = (out / "ecosystem.ttl").read_bytes()
    (data_copy / "visits.yaml").write_text("visits: [\n", encoding="utf-8")
    done = build_in_subprocess(data_copy, out)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "visits.yaml:" in done.stderr and "expected valid YAML" in done.stderr
    assert (out / "ecosystem.ttl").read_bytes() == before


def test_stale_when_data_changes_and_rebuilt_on_read(tmp_path: Path, data_copy: Path) -> None:
    out = tmp_path / "build"
    assert is_stale(data_copy, out)
    kg = open_graph(data_copy, out)
    assert not is_stale(data_copy, out)
    assert len(kg.rows("organizations-in-city", city="Peterborough")) == 2
    with (data_copy / "organizations.csv").open("a", encoding="utf-8") as stream:
        stream.write("peterborough-cathedral-trust,Peterborough Cathedral Trust,,foundation,peterborough,,,,"
                     "kcs-news-uk-2018,,\n")
    assert is_stale(data_copy, out)
    kg = open_graph(data_copy, out)
    assert len(kg.rows("organizations-in-city", city="Peterborough")) == 3


def test_the_same_ontology_read_from_another_copy_is_not_a_change(tmp_path: Path, data_copy: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Another checkout or an installed copy with the same ontology and shapes reads a build as fresh;
    a different ontology makes it stale."""
    out = tmp_path / "build"
    open_graph(data_copy, out)
    home = tmp_path / "home"
    shutil.copytree(ROOT / "ontology", home / "ontology")
    monkeypatch.setenv("ECOSYSTEM_GRAPH_HOME", str(home))
    assert not is_stale(data_copy, out)
    with (home / "ontology" / "shapes.ttl").open("a", encoding="utf-8") as stream:
        stream.write("\n# an edit\n")
    assert is_stale(data_copy, out)


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    build_graph(ROOT / "data", tmp_path, base_iri="https://example.org/eco/")
    graph = Graph().parse(tmp_path / "ecosystem.ttl")
    nesta = URIRef("https://example.org/eco/organization/nesta")
    assert (nesta, None, None) in graph
    assert not any(str(s).startswith("https://w3id.org/ecosystem-graph/id/") for s in graph.subjects())


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    done = build_in_subprocess(ROOT / "data", tmp_path, "--format", "rdfxml")
    assert done.returncode == 2 and "Invalid value for '--format'" in done.stderr


def test_stable_iris_from_record_ids(tmp_path: Path) -> None:
    build_graph(ROOT / "data", tmp_path)
    graph = Graph().parse(tmp_path / "ecosystem.ttl")
    for iri in ("organization/kc-sofia", "person/deyan-pushkarov", "place/london", "theme/blockchain",
                "visit/uk-2018", "meeting/uk-2018-nesta", "event/london-tech-week", "product/trustme"):
        assert (URIRef(f"https://w3id.org/ecosystem-graph/id/{iri}"), None, None) in graph, iri


def test_outputs_are_readable_like_any_written_file(tmp_path: Path) -> None:
    build_graph(ROOT / "data", tmp_path)
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "ecosystem.ttl").stat().st_mode & 0o777 == 0o666 & ~umask


def test_one_role_spelled_two_ways_is_one_role_with_one_label(tmp_path: Path, data_copy: Path) -> None:
    """Spreadsheets mix capitalization: the first spelling names the role, the others are alternatives."""
    memberships = data_copy / "memberships.csv"
    memberships.write_text(memberships.read_text(encoding="utf-8")
                           + "adelina-hristova,nesta,marketing and PR expert,,,kcs-news-uk-2018\n"
                           + "deyan-pushkarov,nesta,Председател,,,kcs-news-uk-2018\n", encoding="utf-8")
    build_graph(data_copy, tmp_path / "out")  # SHACL would refuse a role with two labels
    graph = Graph().parse(tmp_path / "out" / "ecosystem.ttl")
    rows = {(str(r.role).rsplit("/", 1)[1], str(r.label), str(r.alt) if r.alt else None) for r in graph.query(
        "SELECT ?role ?label ?alt WHERE { ?role a org:Role ; rdfs:label ?label OPTIONAL { ?role skos:altLabel ?alt } }",
        initNs={"org": "http://www.w3.org/ns/org#", "skos": "http://www.w3.org/2004/02/skos/core#"})}
    assert ("marketing-and-pr-expert", "Marketing and PR Expert", "marketing and PR expert") in rows
    assert [row for row in rows if row[1] == "Председател"][0][0].startswith("role-")
