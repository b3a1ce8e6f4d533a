"""Stores: every named query gives the same rows on every store; the persistent store's layout,
locks, generations and errors; the streaming build equals the in-memory build; sampled SHACL."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from ecosystem_graph import open_graph
from ecosystem_graph.build import build_store
from ecosystem_graph.cli import main
from ecosystem_graph.errors import QueryError, QuerySyntaxError, ShapeError, StoreError
from ecosystem_graph.graph import KnowledgeGraph, result_rows
from ecosystem_graph.network import entity_graph, partner_network
from ecosystem_graph.ontology import load_ontology, relation_names, shapes_graph
from ecosystem_graph.queries import load_library
from ecosystem_graph.records import load_records
from ecosystem_graph.sampled_shapes import check_sampled
from ecosystem_graph.shapes import check_shapes
from ecosystem_graph.stores import open_store
from ecosystem_graph.stores.oxigraph import OxigraphStore
from ecosystem_graph.stores.sparql.batches import rdf_file_chunks
from ecosystem_graph.synth import write_synthetic
from ecosystem_graph.triples import ntriples_chunks, records_to_graph

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data"
LIBRARY = load_library()
STORES = ["memory", "oxigraph", "oxigraph:PATH"]
#: Queries whose row order SPARQL leaves to the engine: rows are compared as a multiset only.
ORDER_UNDEFINED = {
    "timeline": "ORDER BY ?start mixes xsd:date and xsd:gYearMonth values, which SPARQL does not order",
}


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic ecosystem (300 organizations)."""
    folder = tmp_path_factory.mktemp("synthetic") / "data"
    write_synthetic(folder, 300, seed=5)
    return folder


@pytest.fixture(scope="session")
def graphs(tmp_path_factory: pytest.TempPathFactory, synthetic: Path) -> dict[tuple[str, str], KnowledgeGraph]:
    """The seed and the synthetic ecosystem, each opened in every store."""
    opened = {}
    for name, data in (("seed", SEED), ("synthetic", synthetic)):
        base = tmp_path_factory.mktemp(f"stores-{name}")
        for store in STORES:
            spec = store.replace("PATH", str(base / "oxigraph-store"))
            opened[(name, store)] = open_graph(data, base / "build", store=spec)
    return opened


def _parameter_sets(kg: KnowledgeGraph, data: str) -> dict[str, list[dict[str, str]]]:
    """For every named query: its required parameters alone, and with every optional one too."""
    def first(sparql: str) -> str:
        return str(next(iter(kg.query(sparql)))[0])

    busiest = first("SELECT ?o WHERE { ?m eco:metOrganization ?o } GROUP BY ?o ORDER BY DESC(COUNT(?m)) ?o LIMIT 1")
    examples = {
        "organization": busiest, "entity": busiest,
        "theme": "smart-cities", "organization-type": "technology-company" if data == "synthetic" else "accelerator",
        "place": first("SELECT ?c WHERE { ?o schema:location ?c } GROUP BY ?c ORDER BY DESC(COUNT(?o)) ?c LIMIT 1"),
        "city": first("SELECT ?c WHERE { ?c a schema:City } ORDER BY ?c LIMIT 1"),
        "country": first("SELECT ?c WHERE { ?c a schema:Country } ORDER BY ?c LIMIT 1"),
        "person": first("SELECT ?p WHERE { ?m schema:attendee ?p } GROUP BY ?p ORDER BY DESC(COUNT(?m)) ?p LIMIT 1"),
        "visit": first("SELECT ?v WHERE { ?v a eco:WorkingVisit } ORDER BY ?v LIMIT 1"),
        "date": "2018-08-01", "text": "a", "integer": "1",
    }
    sets = {}
    for name, query in LIBRARY.items():
        required = {p.name: examples[p.kind] for p in query.params if p.required}
        everything = {p.name: examples[p.kind] for p in query.params}
        if "until" in everything:
            everything["until"] = "2030-01-01"
            everything["from"] = "2010-01-01"
        sets[name] = [required] + ([everything] if everything != required else [])
    return sets


def _canonical(query_text: str, rows: list[dict[str, Any]]) -> list[tuple]:
    """Rows made comparable across engines: GROUP_CONCAT parts sorted (SPARQL leaves their order
    open), decimals compared by value (Oxigraph writes 13.0 where rdflib keeps 13.00000)."""
    concatenated = set(re.findall(r"GROUP_CONCAT\([^)]*\)\s+AS\s+\?(\w+)", query_text, re.IGNORECASE))
    # A list gathered in a sub-select may reach the result through COALESCE(?list, "").
    concatenated |= {target for source, target in re.findall(
        r"COALESCE\(\?(\w+)[^)]*\)\s+AS\s+\?(\w+)", query_text, re.IGNORECASE) if source in concatenated}

    def value(name: str, v: Any) -> Any:
        if name in concatenated and isinstance(v, str):
            return ", ".join(sorted(v.split(", ")))
        if isinstance(v, Decimal):
            return ("decimal", str(v.normalize()))
        return (type(v).__name__, str(v))
    return [tuple((k, value(k, v)) for k, v in row.items()) for row in rows]


CASES = [(data, name) for data in ("seed", "synthetic") for name in sorted(LIBRARY)]


_REFERENCE: dict[tuple, Any] = {}


def _reference(graphs, data: str, name: str) -> list[tuple[dict[str, str], list[tuple]]]:
    """The rows rdflib's memory store gives, computed once for every store compared with it."""
    if (data, name) not in _REFERENCE:
        reference = graphs[(data, "memory")]
        if (data,) not in _REFERENCE:
            _REFERENCE[(data,)] = _parameter_sets(reference, data)
        _REFERENCE[(data, name)] = [
            (params, _canonical(LIBRARY[name].text, result_rows(reference.named(name, **params))))
            for params in _REFERENCE[(data,)][name]]
    return _REFERENCE[(data, name)]


@pytest.mark.parametrize("store", STORES[1:])
@pytest.mark.parametrize("data,name", CASES)
def test_named_queries_agree_on_every_store(graphs, data: str, name: str, store: str) -> None:
    other = graphs[(data, store)]
    query = LIBRARY[name]
    for params, expected in _reference(graphs, data, name):
        found = _canonical(query.text, result_rows(other.named(name, **params)))
        assert [str(v) for v in other.named(name, **params).vars] == query.columns
        if name in ORDER_UNDEFINED:
            expected, found = sorted(expected), sorted(found)
        assert found == expected, f"{name} {params} on {store}"


VARIANTS = [(data, name, engine) for data in ("seed", "synthetic") for name in sorted(LIBRARY)
            for engine in sorted(LIBRARY[name].variants)]
ENGINE_STORES = {"oxigraph": "oxigraph:PATH", "rdflib": "memory"}


@pytest.mark.parametrize("data,name,engine", VARIANTS)
def test_every_variant_gives_the_rows_of_its_query(graphs, data: str, name: str, engine: str) -> None:
    """On its own engine, a variant answers exactly like the query it stands for, parameters and all."""
    kg = graphs[(data, ENGINE_STORES[engine])]
    query = LIBRARY[name]
    plain = dataclasses.replace(query, variants={})
    for params, _ in _reference(graphs, data, name):
        expected = _canonical(query.text, result_rows(kg.query(kg.bind_params(plain, params))))
        found = _canonical(query.text, result_rows(kg.named(name, **params)))
        assert kg.bind_params(query, params) != kg.bind_params(plain, params)  # the variant did run
        if name in ORDER_UNDEFINED:
            expected, found = sorted(expected), sorted(found)
        assert found == expected, f"{name} {params}: {query.variants[engine].path} differs from {query.path}"


def test_the_agreement_test_sees_something(graphs) -> None:
    # Guard against comparing empty results: the synthetic graph answers every query.
    kg = graphs[("synthetic", "oxigraph:PATH")]
    for name, sets in _parameter_sets(kg, "synthetic").items():
        assert result_rows(kg.named(name, **sets[0])), name


def test_stats_and_query_helpers_agree(graphs) -> None:
    for data in ("seed", "synthetic"):
        memory, oxigraph = graphs[(data, "memory")], graphs[(data, "oxigraph:PATH")]
        assert memory.stats() == oxigraph.stats()
        assert memory.resolve("organization", "nesta" if data == "seed" else memory.rows("organizations")[0]["label"]) \
            == oxigraph.resolve("organization", "nesta" if data == "seed" else memory.rows("organizations")[0]["label"])
        assert len(memory.rdflib_graph()) == len(oxigraph.rdflib_graph())


def test_ask_construct_and_errors_through_oxigraph(graphs) -> None:
    kg = graphs[("seed", "oxigraph:PATH")]
    assert kg.query("ASK { ?s a org:Organization }").askAnswer is True
    built = kg.query("CONSTRUCT { ?o a org:Organization } WHERE { ?o a org:Organization }").graph
    assert len(built) == 11 and (URIRef(kg.base_iri + "organization/nesta"), None, None) in built
    with pytest.raises(QuerySyntaxError) as caught:
        kg.query("SELECT ?x WHERE {\n  ?x a }")
    assert caught.value.line == 2  # the position in the user's text, not in the text with prefixes
    with pytest.raises(QueryError, match="names several"):
        kg.resolve("entity", "UOS")



def test_oxigraph_results_behave_like_rdflib_results(graphs) -> None:
    """The lazily converted result answers like rdflib's: read twice, by name and index, len, serialize."""
    sparql = "SELECT ?o ?label WHERE { ?o a org:Organization ; rdfs:label ?label } ORDER BY ?label"
    memory, oxigraph = graphs[("seed", "memory")].query(sparql), graphs[("seed", "oxigraph:PATH")].query(sparql)
    first = next(iter(oxigraph))  # one row read, the rest not yet converted
    assert first.label == first["label"] == first[1] and first.asdict()["o"] == first.o
    assert len(oxigraph) == len(memory) == 11 and list(oxigraph) == list(memory)
    assert oxigraph.vars == memory.vars and oxigraph.bindings == memory.bindings
    assert oxigraph.serialize(format="csv") == memory.serialize(format="csv")


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_serialized_results_agree_between_native_and_rdflib(graphs, fmt: str) -> None:
    import json

    from ecosystem_graph.queries import with_prologue

    sparql = with_prologue("SELECT ?o ?n WHERE { ?o a org:Organization ; rdfs:label ?n } ORDER BY ?o")
    native = graphs[("seed", "oxigraph:PATH")].store.query_serialized(sparql, fmt)
    fallback = graphs[("seed", "memory")].store.query_serialized(sparql, fmt)
    if fmt == "json":
        assert json.loads(native)["results"] == json.loads(fallback)["results"]
    else:  # the writers differ in spacing and quoting; the rows must not
        assert native.count(b"organization/") == fallback.count(b"organization/") == 11
    with pytest.raises(QueryError, match="does not suit"):
        graphs[("seed", "oxigraph:PATH")].store.query_serialized(sparql, "turtle")


@pytest.mark.parametrize("store", STORES[1:])
@pytest.mark.parametrize("data", ["seed", "synthetic"])
def test_text_triples_and_rows_agree_with_rdflib(graphs, data: str, store: str) -> None:
    reference, other = graphs[(data, "memory")], graphs[(data, store)]
    triples = set(other.store.text_triples())
    assert triples == set(reference.store.text_triples())
    assert {language for *_, language in triples} >= {None, "", "en"}
    sparql = "SELECT ?m ?role ?none WHERE { ?m org:role/rdfs:label ?role OPTIONAL { ?m eco:none ?none } }"
    rows = sorted(other.text_rows(sparql))
    assert rows == sorted(reference.text_rows(sparql)) and rows[0][1] and rows[0][2] is None
    with pytest.raises(QuerySyntaxError, match="line 1"):
        other.text_rows("SELECT ?x WHERE { ?x ")


@pytest.mark.parametrize("store", STORES[1:])
@pytest.mark.parametrize("data", ["seed", "synthetic"])
def test_entity_graphs_and_partner_networks_are_the_same_on_every_store(graphs, data: str, store: str) -> None:
    reference, other = graphs[(data, "memory")], graphs[(data, store)]
    for include_sources in (False, True):
        G, H = entity_graph(reference, include_sources), entity_graph(other, include_sources)
        assert list(H.nodes(data=True)) == list(G.nodes(data=True))
        assert [list(d) for _, d in H.nodes(data=True)] == [list(d) for _, d in G.nodes(data=True)]
        assert list(H.edges(keys=True, data=True)) == list(G.edges(keys=True, data=True))
    P, Q = partner_network(G), partner_network(H)
    assert list(Q.nodes(data=True)) == list(P.nodes(data=True))
    assert list(Q.edges(data=True)) == list(P.edges(data=True))
    # What is compared holds every kind of attribute: facts, inferred facts, sources, roles, links.
    nodes = [d for _, d in G.nodes(data=True)]
    assert all(any(d[name] for d in nodes) for name in ("facts", "inferred", "sources", "description", "date"))
    assert any(d.get("role") for *_, d in G.edges(data=True)) and P.number_of_edges() > 5

# -- the persistent store: layout, readers, generations, errors ---------------------------------


def test_build_writes_a_generation_and_readers_reopen_without_a_build(tmp_path: Path) -> None:
    path = tmp_path / "store"
    result = build_store(SEED, f"oxigraph:{path}")
    assert result.generation == "gen-0001" and os.readlink(path / "current") == "gen-0001"
    assert (path / "gen-0001" / "manifest.json").exists() and result.shacl["mode"] == "full"
    kg = open_graph(store=f"oxigraph:{path}")  # no data folder given: the store knows where it came from
    assert kg.store.generation == "gen-0001"
    assert [r["label"] for r in kg.rows("organizations-in-city", city="Peterborough")] == \
        ["Opportunity Peterborough", "Peterborough City Council"]


def test_a_reader_keeps_its_generation_until_it_closes(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "store"
    build_store(data_copy, f"oxigraph:{path}")
    reader = open_graph(data_copy, store=f"oxigraph:{path}", rebuild=False)
    before = len(reader.rows("organizations"))
    organizations = data_copy / "organizations.csv"
    organizations.write_text(organizations.read_text(encoding="utf-8")
                             + "extra-org,Extra Organization,,accelerator,london,united-kingdom,,,kcs-news-uk-2018,,\n",
                             encoding="utf-8")
    assert build_store(data_copy, f"oxigraph:{path}").generation == "gen-0002"
    assert len(reader.rows("organizations")) == before  # a consistent snapshot while reading
    assert (path / "gen-0001").exists()  # held by the reader, so not deleted
    assert len(open_graph(data_copy, store=f"oxigraph:{path}").rows("organizations")) == before + 1
    reader.store.close()
    build_store(data_copy, f"oxigraph:{path}")
    assert sorted(p.name for p in path.glob("gen-*")) == ["gen-0003"]


def test_open_graph_rebuilds_a_stale_store(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "store"
    kg = open_graph(data_copy, store=f"oxigraph:{path}")
    assert kg.store.generation == "gen-0001"
    assert open_graph(data_copy, store=f"oxigraph:{path}").store.generation == "gen-0001"  # fresh: no build
    (data_copy / "people.csv").write_text((data_copy / "people.csv").read_text(encoding="utf-8")
                                          + "new-person,New Person,,,kcs-news-uk-2018\n", encoding="utf-8")
    assert open_graph(data_copy, store=f"oxigraph:{path}").store.generation == "gen-0002"


def test_a_failed_build_leaves_the_store_as_it_was(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "store"
    build_store(data_copy, f"oxigraph:{path}")
    meetings = data_copy / "meetings.csv"
    meetings.write_text(meetings.read_text(encoding="utf-8").replace("uk-2018,5,nesta,", "uk-2018,5,nestaa,"),
                        encoding="utf-8")
    with pytest.raises(Exception, match="nestaa"):
        build_store(data_copy, f"oxigraph:{path}")
    assert os.readlink(path / "current") == "gen-0001"
    assert sorted(p.name for p in path.glob("gen-*")) == ["gen-0001"]


def test_a_build_refused_by_the_shapes_leaves_no_generation(tmp_path: Path) -> None:
    path = tmp_path / "store"
    build_store(SEED, f"oxigraph:{path}")
    store = open_store(f"oxigraph:{path}")
    good = rdf_file_chunks(SEED.parent / "ontology" / "ecosystem.ttl")

    def refuse(view: Any) -> None:
        raise ShapeError("refused")
    with pytest.raises(ShapeError):
        store.replace(good, {}, check=refuse)
    assert sorted(p.name for p in path.glob("gen-*")) == ["gen-0001"]


def test_a_locked_store_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "store"
    build_store(SEED, f"oxigraph:{path}")
    handle = os.open(path / "writer.lock", os.O_RDWR)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        with pytest.raises(StoreError, match="is locked: another build"):
            build_store(SEED, f"oxigraph:{path}")
        # Readers are not blocked by a build.
        assert open_graph(SEED, store=f"oxigraph:{path}", rebuild=False).rows("meetings")
    finally:
        os.close(handle)


def test_a_stale_store_being_built_by_another_process_is_read_as_it_is(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "store"
    build_store(data_copy, f"oxigraph:{path}")
    (data_copy / "people.csv").write_text((data_copy / "people.csv").read_text(encoding="utf-8")
                                          + "new-person,New Person,,,kcs-news-uk-2018\n", encoding="utf-8")
    handle = os.open(path / "writer.lock", os.O_RDWR)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        with pytest.warns(UserWarning, match="is locked.*reading its current graph"):
            kg = open_graph(data_copy, store=f"oxigraph:{path}")
        assert kg.store.generation == "gen-0001"
        with pytest.raises(StoreError, match="is locked"):
            open_graph(data_copy, store=f"oxigraph:{path}", rebuild=True)
    finally:
        os.close(handle)


def test_a_missing_data_folder_is_reported_for_an_empty_store(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such directory"):
        open_graph(tmp_path / "nowhere", store=f"oxigraph:{tmp_path / 'store'}")


@pytest.mark.parametrize("make,expected", [
    (lambda p: p.write_text("not a folder"), "expected a folder"),
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("x")), "expected an ecosystem-graph store"),
    (lambda p: (p.mkdir(), (p / "CURRENT").write_text("x"), (p / "OPTIONS-000001").write_text("x")),
     "looks like an Oxigraph database made by another tool"),
])
def test_a_path_that_is_not_a_store_is_reported(tmp_path: Path, make, expected: str) -> None:
    path = tmp_path / "store"
    make(path)
    with pytest.raises(StoreError, match=expected):
        build_store(SEED, f"oxigraph:{path}")
    with pytest.raises(StoreError, match=expected):
        open_store(f"oxigraph:{path}").query("ASK { ?s ?p ?o }")


def test_an_empty_or_damaged_store_is_reported(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="holds no graph yet"):
        open_store(f"oxigraph:{tmp_path}").query("ASK { ?s ?p ?o }")
    path = tmp_path / "store"
    build_store(SEED, f"oxigraph:{path}")
    shutil.rmtree(path / "gen-0001")
    with pytest.raises(StoreError, match="damaged"):
        open_store(f"oxigraph:{path}").query("ASK { ?s ?p ?o }")


def _read_only_command(folder: Path) -> list[str] | None:
    """A command prefix under which ``folder`` is read-only for real, or ``None`` when none can be had.

    Not root: removing write permission is enough. Root ignores permissions, so the folder is
    bind-mounted read-only in a private mount namespace (a read-only file system, EROFS).
    """
    if os.geteuid() != 0:
        for item in [folder, *folder.rglob("*")]:
            item.chmod(0o555 if item.is_dir() else 0o444)
        return []
    if shutil.which("unshare") is None:
        return None
    prefix = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
              'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"', str(folder)]
    probe = subprocess.run([*prefix, "touch", str(folder / "probe")], capture_output=True, text=True)
    if probe.returncode == 0 or "Read-only file system" not in probe.stderr:
        return None
    return prefix


def test_a_read_only_store_can_be_read_but_not_built(tmp_path: Path) -> None:
    path = tmp_path / "store"
    build_store(SEED, f"oxigraph:{path}")
    prefix = _read_only_command(path)
    if prefix is None:
        pytest.skip("cannot make a folder read-only here (root without mount namespaces)")
    try:
        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([*prefix, sys.executable, "-m", "ecosystem_graph", *args], capture_output=True,
                                  text=True, cwd=tmp_path)
        read = run("query", "--store", f"oxigraph:{path}", "--name", "meetings", "--format", "csv")
        assert read.returncode == 0, read.stderr
        assert read.stdout.count("\n") == 9
        written = run("build", str(SEED), "--store", f"oxigraph:{path}", "--base-iri", "https://example.org/id/")
        assert written.returncode == 1, written.stderr
        assert "error: cannot write to store" in written.stderr and "read-only" in written.stderr
        assert "Traceback" not in written.stderr
    finally:
        for item in [path, *path.rglob("*")]:
            item.chmod(0o755 if item.is_dir() else 0o644)


def test_unknown_store_kinds_are_reported() -> None:
    with pytest.raises(StoreError, match="expected one of memory, oxigraph, oxigraph:PATH"):
        open_store("postgres:x")
    assert not open_store("oxigraph").persistent and open_store("oxigraph:/nonexistent/x").persistent


# -- the command line --------------------------------------------------------------------------


def test_cli_builds_into_and_reads_from_a_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store"
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(SEED), "--store", f"oxigraph:{path}"])
    assert built.exit_code == 0, built.output
    assert "gen-0001" in built.output and "conforms to ontology/shapes.ttl" in built.output
    assert not (tmp_path / "build").exists()
    monkeypatch.setenv("ECOSYSTEM_GRAPH_STORE", f"oxigraph:{path}")
    monkeypatch.chdir(tmp_path)
    shown = runner.invoke(main, ["query", "--name", "contacts", "--param", "organization=London & Partners"])
    assert shown.exit_code == 0 and "Deyan Pushkarov" in shown.output
    stats = runner.invoke(main, ["stats", "--format", "csv"])
    assert stats.exit_code == 0 and "org:Organization,organization,11" in stats.output
    refused = runner.invoke(main, ["build", str(SEED), "--format", "nt"])
    assert refused.exit_code == 2 and "writes the store only" in refused.output


def test_cli_reports_a_locked_store_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "store"
    build_store(SEED, f"oxigraph:{path}")
    handle = os.open(path / "writer.lock", os.O_RDWR)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        result = CliRunner().invoke(main, ["build", str(SEED), "--store", f"oxigraph:{path}"])
    finally:
        os.close(handle)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: store {path} is locked") and "Traceback" not in result.output


# -- the streaming build and the sampled shape check -------------------------------------------


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_streamed_triples_equal_the_rdflib_build(which: str, synthetic: Path) -> None:
    records = load_records(SEED if which == "seed" else synthetic, relation_names(load_ontology()))
    streamed = Graph().parse(data=b"".join(ntriples_chunks(records, batch=500)).decode(), format="nt")
    assert set(streamed) == set(records_to_graph(records))


def _broken_store() -> OxigraphStore:
    store = OxigraphStore()
    store.load_file(_seed_turtle())
    store.native().update("""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX schema: <https://schema.org/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        INSERT DATA {
          <https://w3id.org/ecosystem-graph/id/organization/nesta> rdfs:label "Second label" .
          <https://w3id.org/ecosystem-graph/id/meeting/uk-2018-nesta> schema:startDate "2019-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .
          <https://w3id.org/ecosystem-graph/id/theme/blockchain> skos:broader <https://w3id.org/ecosystem-graph/id/theme/smart-contracts> .
          <https://w3id.org/ecosystem-graph/id/product/trustme> schema:about <https://w3id.org/ecosystem-graph/id/organization/nesta> .
        }""")
    return store


def _seed_turtle() -> Path:
    folder = Path(__import__("tempfile").mkdtemp())
    from ecosystem_graph.build import build

    build(SEED, folder)
    return folder / "ecosystem.ttl"


def test_sampled_check_over_every_node_equals_full_shacl() -> None:
    store = _broken_store()
    base = "https://w3id.org/ecosystem-graph/id/"
    sampled, report = check_sampled(store, shapes_graph(), None, base, per_target=10**6)
    full = check_shapes(store.graph(), shapes_graph(), None, base)
    assert len(full) == 6
    def key(v: Any) -> tuple:  # the label shown of a node with two labels is either one
        return v.focus.split(" (")[0], v.path, v.message, v.value
    assert sorted(map(key, sampled)) == sorted(map(key, full))
    assert report["shacl"]["mode"] == "sample" and report["shacl"]["graph_wide_rules"] == 8


def test_a_small_sample_still_runs_every_graph_wide_rule() -> None:
    sampled, report = check_sampled(_broken_store(), shapes_graph(), None, per_target=1)
    messages = " ".join(str(v) for v in sampled)
    # The graph-wide rules see the whole graph, however small the sample.
    assert "must lie within the start and end dates" in messages and "own ancestor" in messages
    assert report["shacl"]["focus_nodes"] < report["shacl"]["targets_population"]


def test_store_build_with_sampled_shapes_says_so(tmp_path: Path, synthetic: Path) -> None:
    result = build_store(synthetic, f"oxigraph:{tmp_path / 'store'}", shacl="sample", sample_per_target=5)
    text = result.describe_checks()
    assert "sample" in text and "were not checked" in text and result.shacl["per_target"] == 5


# -- the remote store (sparql:URL): every named query on a real Virtuoso (see tests/virtuoso.py) --------

#: Queries whose row order Virtuoso sets differently from the embedded stores: rows compared as a multiset.
VIRTUOSO_ORDER = {
    "inferred-facts": "Virtuoso orders strings holding non-ASCII letters (Khuşūş) otherwise than by code point",
    "visits": "visits starting the same day are ordered by label, and Virtuoso orders non-ASCII letters "
              "otherwise than by code point",
    "places": "places are ordered by label, and Virtuoso orders non-ASCII letters (Zürich (Kreis 9) / ...) "
              "otherwise than by code point",
    **ORDER_UNDEFINED,
}
#: A Virtuoso 7.2 optimizer bug, seen with some query plans only (they depend on the statistics of the
#: whole database, so not reproducible at will): GROUP BY over a schema:containedInPlace* path with an
#: OPTIONAL org:classification/rdfs:label path returned one group of the right ones. The query now
#: groups after a sub-select, which avoided it; the symptom, exactly, is still tolerated since the bug
#: cannot be provoked to prove it gone. Any other difference fails.
VIRTUOSO_FLAKY_GROUPS = {"organizations-in-city"}
#: Another plan-dependent Virtuoso 7.2 bug: on a fresh server (this test run alone, `-k`), smart cities in
#: London lost 3 of their organizations in about half the runs, with the portable text and with a
#: Virtuoso variant of two DISTINCT sub-selects alike (2026-12-04; also at commit db88356); every full
#: run so far had the right rows. Rows lost, none changed or added, is tolerated with a warning.
VIRTUOSO_LOST_ROWS = {"organizations-by-theme-and-place"}


@pytest.fixture(scope="session")
def remote_graphs(synthetic: Path) -> dict[str, KnowledgeGraph]:
    """The seed and the synthetic ecosystem built into a real Virtuoso, each in its own named graph."""
    import virtuoso

    server = virtuoso.shared()
    opened = {}
    for name, data in (("seed", SEED), ("synthetic", synthetic)):
        with virtuoso.remote_env(server, f"urn:test:stores-{name}"):
            opened[name] = open_graph(data, store=server.spec)
    return opened


@pytest.mark.virtuoso
@pytest.mark.parametrize("data,name", CASES)
def test_named_queries_agree_on_virtuoso(graphs, remote_graphs, data: str, name: str) -> None:
    remote = remote_graphs[data]
    query = LIBRARY[name]
    for params, expected in _reference(graphs, data, name):
        result = remote.named(name, **params)
        assert [str(v) for v in result.vars] == query.columns
        found = _canonical(query.text, result_rows(result))
        if name in VIRTUOSO_ORDER:
            expected, found = sorted(expected), sorted(found)
        if name in VIRTUOSO_FLAKY_GROUPS and found != expected and len(found) == 1 and found[0] in expected:
            import warnings

            warnings.warn(f"Virtuoso's GROUP BY bug hit {name} {params}: 1 of {len(expected)} rows", stacklevel=1)
            continue
        if name in VIRTUOSO_LOST_ROWS and found != expected and found and set(found) < set(expected):
            import warnings

            warnings.warn(f"Virtuoso lost rows of {name} {params}: {len(found)} of {len(expected)}", stacklevel=1)
            continue
        assert found == expected, f"{name} {params} on Virtuoso"


@pytest.mark.virtuoso
def test_stats_and_helpers_agree_on_virtuoso(graphs, remote_graphs) -> None:
    for data in ("seed", "synthetic"):
        memory, remote = graphs[(data, "memory")], remote_graphs[data]
        assert memory.stats() == remote.stats()
        assert len(memory.rdflib_graph()) == len(remote.rdflib_graph())
    seed = remote_graphs["seed"]
    assert seed.resolve("organization", "nesta") == graphs[("seed", "memory")].resolve("organization", "nesta")
    built = seed.query("CONSTRUCT { ?o a org:Organization } WHERE { ?o a org:Organization }").graph
    assert len(built) == 11
    with pytest.raises(QueryError, match="refused the query.*syntax error"):
        seed.query("SELECT ?x WHERE {\n  ?x a }")


# -- third-party store kinds --------------------------------------------------------------------

_PLUGIN = '''
from ecosystem_graph.stores import MemoryStore


class CountingStore(MemoryStore):
    """A third-party kind: rdflib in memory, counting its queries."""

    def __init__(self, argument: str = "") -> None:
        super().__init__(argument)
        self.spec, self.queries = f"counting:{argument}", 0

    def query(self, sparql):
        self.queries += 1
        return super().query(sparql)


class NotAStore:
    def __init__(self, argument: str = "") -> None:
        pass
'''


def _installed_plugin(tmp_path: Path) -> dict[str, str]:
    """An installed distribution (a dist-info folder on the path) whose entry points name two kinds."""
    (tmp_path / "counting_store.py").write_text(_PLUGIN, encoding="utf-8")
    info = tmp_path / "counting_store-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: counting-store\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[ecosystem_graph.stores]\ncounting = counting_store:CountingStore\n"
                                           "broken = counting_store:NotAStore\n", encoding="utf-8")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}


def test_a_store_kind_of_another_package_registers_through_its_entry_point(tmp_path: Path) -> None:
    code = """
from pathlib import Path
from ecosystem_graph.graph import open_graph
from ecosystem_graph.stores import store_names
kg = open_graph(Path(r"{data}"), build_dir=Path(r"{build}"), store="counting:demo")
rows = list(kg.query("SELECT ?o WHERE {{ ?o a org:Organization }}"))
print(kg.store.spec, type(kg.store).__name__, kg.store.queries, len(rows), "counting" in store_names())
""".format(data=SEED, build=tmp_path / "build")
    done = subprocess.run([sys.executable, "-c", code], env=_installed_plugin(tmp_path), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["counting:demo", "CountingStore", "1", "11", "True"]


def test_an_entry_point_that_is_no_store_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ecosystem_graph", "query", "--store", "broken:x", "--name", "meetings",
                           "--data", str(SEED), "--build-dir", str(tmp_path / "build")],
                          env=_installed_plugin(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "store kind 'broken': counting_store:NotAStore is not a Store subclass" in done.stderr
