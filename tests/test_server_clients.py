"""Real SPARQL clients against ``ecosystem-graph serve`` agree with the command line on every named query.

The clients: SPARQLWrapper, rdflib's SPARQLStore, Comunica (node, from tests/js), and curl with
every Accept type of the protocol. The server runs as a real process on loopback, over the
in-memory store and over the persistent Oxigraph store.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.query import Result

from ecosystem_graph import open_graph
from ecosystem_graph.cli import main
from ecosystem_graph.queries import load_library, with_prologue

from serving import Served, running_server

pytestmark = pytest.mark.slow  # every client against a served graph per store

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "tests" / "js"
#: A value for every required parameter of the named queries (their own examples).
PARAMS = {"organizations-by-theme": {"theme": "blockchain"}, "organizations-in-city": {"city": "Peterborough"},
          "contacts": {"organization": "London & Partners"}, "partners": {"organization": "nesta"},
          "provenance": {"entity": "nesta"},
          "organizations-by-theme-and-place": {"theme": "smart-cities", "place": "United Kingdom"}}
#: The Accept types curl asks for, and how each answer is read back.
ACCEPT = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
          "text/csv": "csv", "text/tab-separated-values": "tsv"}

Rows = Counter[tuple[str, ...]]


@pytest.fixture(scope="module", params=["memory", "oxigraph:PATH"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, list[str]]]:
    """A server over the seed data, and the options that make the command line read the same graph."""
    folder = tmp_path_factory.mktemp("clients")
    shutil.copytree(ROOT / "data", folder / "data")
    store = request.param.replace("PATH", str(folder / "store"))
    options = ["--data", str(folder / "data"), "--build-dir", str(folder / "build"), "--store", store]
    with running_server(*options, "--workers", "2", cwd=folder) as server:
        yield server, options


def named_queries(options: list[str]) -> dict[str, str]:
    """Every named query's full text, parameters bound as the command line binds them."""
    kg = open_graph(options[1], options[3], store=options[5], rebuild=False)
    try:
        library = load_library()
        return {name: with_prologue(kg.bind_params(query, PARAMS.get(name, {})), kg.base_iri)
                for name, query in sorted(library.items())}
    finally:
        getattr(kg.store, "close", lambda: None)()


def cli_rows(options: list[str], name: str) -> Rows:
    """What ``ecosystem-graph query --name NAME --format json`` answers, as rows of values."""
    return _cli_rows(tuple(options), name).copy()


@cache
def _cli_rows(options: tuple[str, ...], name: str) -> Rows:
    args = ["query", "--name", name, "--format", "json", *options]
    for key, value in PARAMS.get(name, {}).items():
        args += ["--param", f"{key}={value}"]
    done = CliRunner().invoke(main, args, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return rows_of(Result.parse(io.StringIO(done.stdout), format="json"))


def rows_of(result: Result) -> Rows:
    """Rows as tuples of lexical values (CSV keeps no more), counted: order is the query's business."""
    names = [str(v) for v in result.vars or []]
    return Counter(tuple("" if row.get(n) is None else str(row.get(n)) for n in names)
                   for row in (r.asdict() for r in result))


def json_rows(answer: dict) -> Rows:
    """Rows of a SPARQL JSON result (or of Comunica's answers, which take the same shape)."""
    names = answer.get("vars") or answer["head"]["vars"]
    bindings = answer["rows"] if "rows" in answer else answer["results"]["bindings"]
    return Counter(tuple(row[n]["value"] if n in row else "" for n in names) for row in bindings)


def csv_rows(text: str) -> Rows:
    rows = list(csv.reader(io.StringIO(text)))
    return Counter(tuple(row) for row in rows[1:])


def test_curl_with_every_accept_type_answers_like_the_cli(served: tuple[Served, list[str]]) -> None:
    server, options = served
    for name, text in named_queries(options).items():
        expected = cli_rows(options, name)
        assert expected, f"{name}: the command line found nothing to compare with"
        for accept, fmt in ACCEPT.items():
            done = subprocess.run(["curl", "-sS", "--fail-with-body", "-H", f"Accept: {accept}",
                                   "--data-urlencode", f"query={text}", f"{server.url}/sparql"],
                                  capture_output=True, timeout=60)
            assert done.returncode == 0, (name, accept, done.stdout, done.stderr)
            body = done.stdout.decode("utf-8")
            got = csv_rows(body) if fmt == "csv" else rows_of(Result.parse(io.StringIO(body), format=fmt))
            assert got == expected, (name, accept)


def test_sparqlwrapper_answers_like_the_cli(served: tuple[Served, list[str]]) -> None:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    server, options = served
    for name, text in named_queries(options).items():
        client = SPARQLWrapper(f"{server.url}/sparql")
        client.setQuery(text)
        client.setReturnFormat(JSON)
        client.setMethod(POST)
        assert json_rows(client.queryAndConvert()) == cli_rows(options, name), name
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery("CONSTRUCT { ?o a org:Organization } WHERE { ?o a org:Organization }")
    client.setReturnFormat("turtle")
    graph = Graph().parse(data=client.queryAndConvert().decode(), format="turtle")
    assert len(graph) == len(cli_rows(options, "organizations"))


def test_rdflibs_sparqlstore_answers_like_the_cli(served: tuple[Served, list[str]]) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    server, options = served
    graph = Graph(store=SPARQLStore(f"{server.url}/sparql", returnFormat="json"))
    for name, text in named_queries(options).items():
        assert rows_of(graph.query(text)) == cli_rows(options, name), name


@pytest.mark.node
def test_comunica_answers_like_the_cli(served: tuple[Served, list[str]], tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node: install Debian's nodejs and run 'npm ci' in tests/js (.ci/run does both)")
    if not (JS / "node_modules" / "@comunica" / "query-sparql").is_dir():
        pytest.skip("Comunica is not installed: run 'npm ci' in tests/js (.ci/run does)")
    server, options = served
    queries = named_queries(options)
    listed = tmp_path / "queries.json"
    listed.write_text(json.dumps(list(queries.values())), encoding="utf-8")
    done = subprocess.run([node, str(JS / "query.mjs"), f"{server.url}/sparql", str(listed)],
                          capture_output=True, text=True, timeout=300, cwd=JS)
    assert done.returncode == 0, done.stderr
    for name, answer in zip(queries, json.loads(done.stdout)):
        assert json_rows(answer) == cli_rows(options, name), name
