"""The remote store (sparql:URL) against a real Virtuoso: pushing, the atomic swap, a 10,000-organization
graph queried like the embedded store, and the errors of a server that is down, slow or refuses us."""

from __future__ import annotations

import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_stores import VIRTUOSO_ORDER, _canonical, _parameter_sets

from ecosystem_graph import open_graph
from ecosystem_graph.build import build, build_store
from ecosystem_graph.cli import main
from ecosystem_graph.errors import ShapeError, StoreError
from ecosystem_graph.graph import result_rows
from ecosystem_graph.queries import load_library
from ecosystem_graph.stores import open_store
from ecosystem_graph.stores.sparql import SparqlStore
from ecosystem_graph.stores.sparql.client import Settings
from ecosystem_graph.synth import write_synthetic

import virtuoso

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data"
LIBRARY = load_library()


@pytest.fixture(scope="module")
def server() -> virtuoso.Virtuoso:
    return virtuoso.shared()


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed-build")
    build(SEED, out, ("ttl", "nt"))
    return out


def _store(server: virtuoso.Virtuoso, graph: str, **changes: Any) -> SparqlStore:
    settings = Settings(server.url, graph=graph, user=virtuoso.USER, password=virtuoso.PASSWORD, timeout=120)
    return SparqlStore(settings=settings.but(**changes))


def _push(server: virtuoso.Virtuoso, source: Path, graph: str, *extra: str,
          password: str | None = virtuoso.PASSWORD, user: str = virtuoso.USER) -> Any:
    env = {"ECOSYSTEM_GRAPH_SPARQL_USER": user}
    if password is not None:
        env["ECOSYSTEM_GRAPH_SPARQL_PASSWORD"] = password
    return CliRunner().invoke(main, ["push", str(source), "--store", server.spec, "--graph", graph, *extra], env=env)


def _generations(store: SparqlStore) -> tuple[str | None, set[str]]:
    found = store.control()
    return found["current"], found["generations"]


def _graph_size(store: SparqlStore, graph: str) -> int:
    rows = store.client.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", None)
    return int(next(iter(rows))[0])


# -- pushing and reading -----------------------------------------------------------------------


@pytest.mark.virtuoso
def test_push_a_build_folder_then_read_it_like_any_store(server, seed_build: Path) -> None:
    graph = "urn:test:push-seed"
    result = _push(server, seed_build, graph)
    assert result.exit_code == 0, result.output
    assert re.search(r"pushed 1,\d{3} triples", result.output) and graph in result.output
    with virtuoso.remote_env(server, graph):
        kg = open_graph(store=server.spec)  # no data folder: the manifest says where it came from
        local = open_graph(SEED, seed_build, rebuild=False)
        for name, params in (("contacts", {"organization": "Opportunity Peterborough"}), ("organizations", {}),
                             ("theme-landscape", {})):
            expected = local.rows(name, **params)
            assert expected and kg.rows(name, **params) == expected, name
        assert kg.store.manifest()["pushed_from"].endswith("ecosystem.nt")
        shown = CliRunner().invoke(main, ["query", "--store", server.spec, "--name", "contacts",
                                          "--param", "organization=London & Partners"])
        assert shown.exit_code == 0 and "Deyan Pushkarov" in shown.output
        graph_copy = kg.rdflib_graph()  # the Graph Store Protocol read of the whole graph
    assert len(graph_copy) == kg.stats()[-1][2]


@pytest.mark.virtuoso
def test_build_into_the_remote_store_checks_and_swaps(server, data_copy: Path) -> None:
    graph = "urn:test:build"
    with virtuoso.remote_env(server, graph):
        first = build_store(data_copy, server.spec)
        assert first.shacl["mode"] == "full" and first.triples > 1000
        store = open_store(server.spec)
        old = store.open_current().iri
        (data_copy / "people.csv").write_text((data_copy / "people.csv").read_text(encoding="utf-8")
                                              + "new-person,New Person,,,kcs-news-uk-2018\n", encoding="utf-8")
        kg = open_graph(data_copy, store=server.spec)  # stale: rebuilt into the remote store
        assert kg.store.open_current().iri != old
        assert "New Person" in {str(row[0]) for row in kg.query("SELECT ?n WHERE { ?p a foaf:Person ; rdfs:label ?n }")}
        current, generations = _generations(store)
        assert generations == {current, old}  # the previous one is kept for readers that still hold it


@pytest.mark.virtuoso
def test_ten_thousand_organizations_answer_every_named_query_like_oxigraph(server, tmp_path_factory) -> None:
    data = tmp_path_factory.mktemp("synth10k") / "data"
    write_synthetic(data, 10_000, seed=11)
    reference = open_graph(data, store=f"oxigraph:{tmp_path_factory.mktemp('oxigraph10k') / 'store'}")
    dump = data.parent / "graph.nt"
    reference.store.native().dump(str(dump), format=__import__("pyoxigraph").RdfFormat.N_TRIPLES,
                                  from_graph=__import__("pyoxigraph").DefaultGraph())
    graph = "urn:test:synthetic-10k"
    pushed = _push(server, dump, graph)
    assert pushed.exit_code == 0, pushed.output
    with virtuoso.remote_env(server, graph):
        remote = open_graph(store=server.spec)
    assert remote.stats() == reference.stats()
    compared = 0
    for name, query in LIBRARY.items():
        for params in _parameter_sets(reference, "synthetic")[name]:
            expected = _canonical(query.text, result_rows(reference.named(name, **params)))
            found = _canonical(query.text, result_rows(remote.named(name, **params)))
            if name in VIRTUOSO_ORDER:
                expected, found = sorted(expected), sorted(found)
            assert found == expected, f"{name} {params}"
            compared += len(found)
    assert compared > 20_000


# -- the atomic swap ---------------------------------------------------------------------------


@pytest.mark.virtuoso
def test_readers_never_see_half_a_graph_while_pushes_swap(server, seed_build: Path, tmp_path: Path) -> None:
    graph = "urn:test:swap"
    small = tmp_path / "small.nt"
    lines = (seed_build / "ecosystem.nt").read_bytes().splitlines(keepends=True)
    small.write_bytes(b"".join(lines[: len(lines) // 2]))
    sizes = {len(set(lines)), len(set(lines[: len(lines) // 2]))}
    assert _push(server, seed_build, graph).exit_code == 0
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            reader = _store(server, graph)
            seen.append(reader.count())
            reader.close()
    thread = threading.Thread(target=read)
    thread.start()
    try:
        for source in (small, seed_build, small, seed_build):
            result = _push(server, source, graph)
            assert result.exit_code == 0, result.output
    finally:
        done.set()
        thread.join()
    assert len(seen) > 5 and set(seen) <= sizes, set(seen) - sizes


@pytest.mark.virtuoso
def test_a_failing_push_leaves_the_current_graph_and_no_leftover(server, seed_build: Path) -> None:
    graph = "urn:test:fail"
    assert _push(server, seed_build, graph).exit_code == 0
    store = _store(server, graph)
    before = _generations(store)

    def broken() -> Any:
        yield (seed_build / "ecosystem.nt").read_bytes()[:5000].rsplit(b"\n", 1)[0] + b"\n"
        raise OSError("the disk went away")
    with pytest.raises(OSError, match="disk went away"):
        store.replace(broken(), {})
    assert _generations(store) == before

    def refuse(view: Any) -> None:
        assert view.count() > 0  # the check sees the new graph, loaded in full
        raise ShapeError("refused")
    with pytest.raises(ShapeError):
        store.replace([(seed_build / "ecosystem.nt").read_bytes()], {}, check=refuse)
    assert _generations(store) == before
    assert store.query("ASK { ?s a <http://www.w3.org/ns/org#Organization> }").askAnswer is True
    assert store.query("ASK { ?s a <urn:nothing> }").askAnswer is False


@pytest.mark.virtuoso
def test_a_push_killed_half_way_leaves_the_previous_graph_current(server, seed_build: Path, tmp_path: Path) -> None:
    graph = "urn:test:kill"
    assert _push(server, seed_build, graph).exit_code == 0
    store = _store(server, graph)
    before_current, _ = _generations(store)
    # A graph big enough to take a while: the seed's triples, renamed 300 times.
    text = (seed_build / "ecosystem.nt").read_text(encoding="utf-8")
    big = tmp_path / "big.nt"
    with big.open("w", encoding="utf-8") as out:
        for copy in range(300):
            out.write(text.replace("/id/", f"/id/c{copy}/"))
    env = {**os.environ, "ECOSYSTEM_GRAPH_SPARQL_USER": virtuoso.USER,
           "ECOSYSTEM_GRAPH_SPARQL_PASSWORD": virtuoso.PASSWORD}
    child = subprocess.Popen([sys.executable, "-m", "ecosystem_graph", "push", str(big), "--store", server.spec,
                              "--graph", graph], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        loading = None
        while time.monotonic() < deadline and loading is None:
            current, generations = _generations(store)
            partial = generations - {current}
            loading = next((g for g in partial if _graph_size(store, g) > 0), None) if current == before_current \
                else None
            time.sleep(0.05)
        assert loading is not None, "the push did not start loading in time"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    current, generations = _generations(store)
    assert current == before_current and 0 < _graph_size(store, loading) < 480_000
    with virtuoso.remote_env(server, graph):
        assert open_graph(store=server.spec).rows("meetings")  # readers go on with the old graph
    # Virtuoso finishes writing the batch it was receiving when the client died; a push that starts
    # before that lands removes what is there, and the late batch would stay behind, in a graph no
    # generation names (see the closing note of issue 14). Wait for it, as an operator would.
    _wait_until_settled(store, loading)
    assert _push(server, seed_build, graph).exit_code == 0
    assert _graph_size(store, loading) == 0 and loading not in _generations(store)[1]  # the leftover is gone


def _wait_until_settled(store: SparqlStore, graph: str, quiet: float = 1.5, limit: float = 60) -> None:
    """Until the size of ``graph`` has not changed for ``quiet`` seconds (at most ``limit``)."""
    size, since, deadline = _graph_size(store, graph), time.monotonic(), time.monotonic() + limit
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.2)
        now = _graph_size(store, graph)
        if now != size:
            size, since = now, time.monotonic()


@pytest.mark.virtuoso
def test_two_concurrent_pushes_one_wins(server, seed_build: Path) -> None:
    graph = "urn:test:race"
    store, rival = _store(server, graph), _store(server, graph)
    nt = (seed_build / "ecosystem.nt").read_bytes()
    store.replace([nt], {})

    def push_meanwhile(view: Any) -> None:
        rival.replace([nt], {"by": "rival"})
    with pytest.raises(StoreError, match="another push replaced the graph"):
        store.replace([nt], {"by": "loser"}, check=push_meanwhile)
    assert store.manifest()["by"] == "rival"


@pytest.mark.virtuoso
def test_a_reader_keeps_its_generation_and_is_told_when_it_is_gone(server, seed_build: Path) -> None:
    graph = "urn:test:reader"
    assert _push(server, seed_build, graph).exit_code == 0
    reader = _store(server, graph)
    ask = "ASK { ?s a <http://www.w3.org/ns/org#Organization> }"
    assert reader.query(ask).askAnswer
    assert _push(server, seed_build, graph).exit_code == 0
    assert reader.query(ask).askAnswer  # the previous generation is still there
    assert _push(server, seed_build, graph).exit_code == 0
    with pytest.raises(StoreError, match="replaced twice and removed"):
        reader.query(ask)
    assert reader.query(ask).askAnswer  # and it then reads the current one


# -- errors ------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


def _assert_clean_failure(result: Any, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


@pytest.mark.virtuoso
def test_a_server_that_is_down_is_reported(seed_build: Path) -> None:
    spec = f"sparql:http://127.0.0.1:{_closed_port()}/sparql"
    pushed = CliRunner().invoke(main, ["push", str(seed_build), "--store", spec])
    _assert_clean_failure(pushed, "cannot reach the SPARQL service", "connection refused")
    queried = CliRunner().invoke(main, ["query", "--store", spec, "--name", "meetings"])
    _assert_clean_failure(queried, "cannot reach the SPARQL service")


@pytest.mark.virtuoso
def test_a_server_that_never_answers_times_out(seed_build: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])  # and never answer
            except OSError:
                pass
    thread = threading.Thread(target=accept)
    thread.start()
    try:
        started = time.monotonic()
        result = CliRunner().invoke(main, ["push", str(seed_build), "--timeout", "1", "--store",
                                           f"sparql:http://127.0.0.1:{listener.getsockname()[1]}/sparql"])
        _assert_clean_failure(result, "did not answer within 1 s")
        assert time.monotonic() - started < 10
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


@pytest.mark.virtuoso
def test_wrong_or_missing_credentials_leave_the_graph_as_it_was(server, seed_build: Path) -> None:
    graph = "urn:test:credentials"
    assert _push(server, seed_build, graph).exit_code == 0
    store = _store(server, graph)
    before = _generations(store)
    wrong = _push(server, seed_build, graph, password="not-the-password")
    _assert_clean_failure(wrong, f"refused the credentials of user '{virtuoso.USER}'")
    assert "not-the-password" not in wrong.output
    missing = _push(server, seed_build, graph, password=None)
    _assert_clean_failure(missing, "needs a password")
    reader = _push(server, seed_build, graph, user=virtuoso.READER, password=virtuoso.READER_PASSWORD)
    _assert_clean_failure(reader, "lacks the SPARQL_UPDATE role")
    anonymous = CliRunner().invoke(main, ["push", str(seed_build), "--store", server.spec, "--graph", graph],
                                   env={"ECOSYSTEM_GRAPH_SPARQL_USER": "", "ECOSYSTEM_GRAPH_SPARQL_PASSWORD": ""})
    _assert_clean_failure(anonymous, "needs credentials", "ECOSYSTEM_GRAPH_SPARQL_USER")
    assert _generations(store) == before


def test_credentials_are_never_taken_from_a_url_or_shown(tmp_path: Path, seed_build: Path) -> None:
    result = CliRunner().invoke(main, ["push", str(seed_build), "--store", "sparql:http://dba:hunter2@127.0.0.1:1/sparql"])
    _assert_clean_failure(result, "holds credentials")
    assert "hunter2" not in result.output
    assert "hunter2" not in repr(Settings("http://h/sparql", user="u", password="hunter2"))


@pytest.mark.virtuoso
def test_a_result_cut_by_the_server_is_an_error_not_a_short_answer() -> None:
    class Cut(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            body = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "a"}}]}}'
            self.send_response(200)
            self.send_header("X-SPARQL-MaxRows", "1")
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def version_string(self) -> str:
            return "Virtuoso/07.20.3229 (Linux)"

        def log_message(self, *args: Any) -> None:
            pass
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Cut)
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    try:
        remote = SparqlStore(settings=Settings(f"http://127.0.0.1:{httpd.server_port}/sparql")).client
        with pytest.raises(StoreError, match="cut the result at its limit of 1 rows.*ResultSetMaxRows"):
            remote.query("SELECT ?x WHERE { ?x ?p ?o }", None)
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()


@pytest.mark.parametrize("args,expected", [
    (["nowhere"], "no such file or folder"),
    (["README.md"], "expected an RDF file"),
])
def test_bad_sources_are_reported(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(main, ["push", *[str(ROOT / a) if a != "nowhere" else a for a in args],
                                       "--store", "sparql:http://127.0.0.1:1/sparql"])
    _assert_clean_failure(result, expected)


def test_push_into_an_embedded_store_too(tmp_path: Path, seed_build: Path) -> None:
    path = tmp_path / "store"
    result = CliRunner().invoke(main, ["push", str(seed_build), "--store", f"oxigraph:{path}"])
    assert result.exit_code == 0, result.output
    assert open_graph(store=f"oxigraph:{path}").rows("meetings")
    refused = CliRunner().invoke(main, ["push", str(seed_build), "--store", f"oxigraph:{path}", "--graph", "urn:x"])
    assert refused.exit_code == 2 and "apply to a remote store" in refused.output


@pytest.mark.virtuoso
@pytest.mark.parametrize("gsp", [False, True])
def test_the_standard_protocols_alone_are_enough(server, seed_build: Path, gsp: bool) -> None:
    # Virtuoso taken as an unknown engine: no defaults guessed, no quirks; the endpoints are given.
    graph = f"urn:test:generic-{gsp}"
    root = server.url.removesuffix("/sparql")
    extra = ["--engine", "generic", "--update-url", f"{root}/sparql-auth"]
    if gsp:
        extra += ["--gsp-url", f"{root}/sparql-graph-crud-auth"]
    result = _push(server, seed_build, graph, *extra)
    assert result.exit_code == 0, result.output
    store = _store(server, graph, engine="generic")
    assert store.count() == len(set((seed_build / "ecosystem.nt").read_bytes().splitlines()))
