"""The server against hostile clients (issue 13): calls out on a query's behalf, text pasted into
queries, connections held open, missing headers, heavy queries crowding out light ones.

Every server here is a real ``ecosystem-graph serve`` process on loopback, on the memory store
(rdflib) and on Oxigraph, whose readings of a query's escapes differ.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from serving import Listener, Served, ask, call, count_rows, get_page, running_server

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT = 4.0
HEADER_TIMEOUT = 1.0


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp(f"security-{request.param}")
    shutil.copytree(ROOT / "data", folder / "data")
    with running_server("--data", str(folder / "data"), "--build-dir", str(folder / "build"),
                        "--store", request.param, "--workers", "3", "--timeout", str(TIME_LIMIT),
                        "--header-timeout", str(HEADER_TIMEOUT), "--max-connections", "200",
                        cwd=folder) as server:
        yield server


@pytest.fixture()
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


# -- no request on a query's behalf, whatever its escapes say -----------------------------------

#: Queries that hide a SERVICE call from a reading that ignores codepoint escapes: each becomes a
#: real SERVICE call once the escapes are decoded (SPARQL 1.1 section 19.2, rdflib), or the reverse.
ESCAPED = {
    "line break ending a comment": "SELECT * WHERE {{\n ?s ?p ?o . # \\u000A SERVICE <{target}> {{ ?a ?b ?c }}\n}} LIMIT 1",
    "carriage return ending a comment": "SELECT * WHERE {{\n ?s ?p ?o . # \\u000D SERVICE <{target}> {{ ?a ?b ?c }}\n}}",
    "long escape ending a comment": "SELECT * WHERE {{\n ?s ?p ?o . # \\U0000000A SERVICE <{target}> {{ ?a ?b ?c }}\n}}",
    "escaped backslash before the escape": "SELECT * WHERE {{\n ?s ?p ?o . # \\\\u000A SERVICE <{target}> {{ ?a ?b ?c }}\n}}",
    "double quote closing a string": 'SELECT * WHERE {{ ?s ?p "\\u0022 . SERVICE <{target}> {{ ?a ?b ?c }} }} #" }}',
    "single quote closing a string": "SELECT * WHERE {{ ?s ?p '\\u0027 . SERVICE <{target}> {{ ?a ?b ?c }} }} #' }}",
    "angle bracket closing an IRI": "SELECT * WHERE {{ ?s ?p <urn:a\\u003E . SERVICE <{target}> {{ ?a ?b ?c }} }} #> }}",
    "hash opening a comment": "SELECT * WHERE {{ ?s ?p ?o }} \\u0023 SERVICE <{target}> {{ ?a ?b ?c }}",
    "backslash escaping a quote": 'SELECT * WHERE {{ ?s ?p "\\u005C" . SERVICE <{target}> {{ ?a ?b ?c }} }} #" }}',
    "keyword spelt with escapes": "SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?a ?b ?c }} }}",
}


def _by_get(url: str, query: str) -> int:
    return call("GET", f"{url}/sparql?" + urllib.parse.urlencode({"query": query}))[0]


def _by_form(url: str, query: str) -> int:
    return ask(url, query)[0]


def _by_body(url: str, query: str) -> int:
    return call("POST", f"{url}/sparql", query.encode(), {"Content-Type": "application/sparql-query"})[0]


@pytest.mark.parametrize("send", [_by_get, _by_form, _by_body], ids=["GET", "POST form", "POST body"])
def test_escapes_cannot_smuggle_a_service_call_past_the_guard(served: Served, listener: Listener, send) -> None:
    target = f"http://127.0.0.1:{listener.port}/x"
    for name, query in ESCAPED.items():
        status = send(served.url, query.format(target=target))
        assert status in (400, 403), name
    time.sleep(0.3)
    assert listener.connections == 0
    assert count_rows(served.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 2") == 2


def test_an_escape_that_changes_no_token_still_works(served: Served) -> None:
    status, _, body = ask(served.url, "SELECT ?l WHERE { ?o rdfs:label ?l FILTER(?l = 'NEST\\u0041') }")
    assert status == 200, body
    assert [row["l"]["value"] for row in json.loads(body)["results"]["bindings"]] == ["NESTA"]


def test_an_escape_error_says_where_and_what_to_write_instead(served: Served) -> None:
    status, _, body = ask(served.url, "SELECT * WHERE {\n  ?s ?p '\\u0027' }")
    text = body.decode()
    assert status == 400 and "line 2" in text and "\\u0027" in text and "write the character itself" in text


# -- client text becomes terms, never query text ----------------------------------------------

INJECTED_PATH = "organization/nesta%3E%20%3Fp%20%3Fo%20%7D%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23"


def test_an_entity_path_cannot_rewrite_its_query(served: Served, listener: Listener) -> None:
    status, headers, body = call("GET", f"{served.url}/id/{INJECTED_PATH}", headers={"Accept": "text/turtle"})
    assert status == 400 and b"expected an IRI" in body
    smuggled = urllib.parse.quote(f"nesta> ?p ?o }} SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} #")
    assert call("GET", f"{served.url}/id/organization/{smuggled}", headers={"Accept": "text/turtle"})[0] == 400
    assert call("GET", f"{served.url}/id/organization/a%5Cu003E", headers={"Accept": "text/turtle"})[0] == 400
    status, _, body = call("GET", f"{served.url}/id/organization/nesta", headers={"Accept": "application/n-triples"})
    assert status == 200
    subjects_or_objects = {line.split(" ")[0] for line in body.decode().splitlines()} | {
        line.rsplit(" ", 2)[0].split(" ", 2)[-1] for line in body.decode().splitlines()}
    assert "<https://w3id.org/ecosystem-graph/id/organization/nesta>" in subjects_or_objects
    assert all("organization/nesta>" in line for line in body.decode().splitlines())
    time.sleep(0.3)
    assert listener.connections == 0


@pytest.mark.parametrize("value", ["http://x/a> ?p ?o } #", "urn:a b", "https://x/{a}", "http://x/a\\u003E"])
def test_an_iri_parameter_that_is_no_iri_is_400_with_a_message(served: Served, value: str) -> None:
    url = f"{served.url}/queries/contacts?" + urllib.parse.urlencode({"organization": value, "format": "csv"})
    status, headers, body = call("GET", url)
    assert status == 400 and b"expected an IRI" in body and b"Traceback" not in body
    assert headers["x-content-type-options"] == "nosniff"


def test_a_label_parameter_cannot_break_out_of_its_string(served: Served, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/x"
    for value in (f'x" }} SERVICE <{target}> {{ ?a ?b ?c }} #', f"x\\u0022 }} SERVICE <{target}> {{ ?a ?b ?c }} #",
                  f"x\\\\u0022 }} SERVICE <{target}> {{ ?a ?b ?c }} #"):
        url = f"{served.url}/queries/contacts?" + urllib.parse.urlencode({"organization": value, "format": "csv"})
        assert call("GET", url)[0] == 400
    time.sleep(0.3)
    assert listener.connections == 0


def test_the_cli_reports_a_malformed_iri_parameter_without_a_traceback(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    done = subprocess.run([sys.executable, "-m", "ecosystem_graph", "query", "--data", "data", "--build-dir", "build",
                           "--name", "contacts", "--param", "organization=http://x/a> ?p ?o } #"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "expected an IRI" in done.stderr and "Traceback" not in done.stderr


# -- outbound requests impossible in a worker, even past the guard ----------------------------

def _in_a_fresh_process(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)


def _call_out(target: str, first: str) -> str:
    """Run ``first`` (sandbox steps), then try three ways of calling ``target``; what happened to each."""
    done = _in_a_fresh_process(f"""
from ecosystem_graph.server.sandbox import isolate_network, refuse_python_sockets, refuse_rdflib_outbound
import pyoxigraph, rdflib, urllib.request
{first}
query = "SELECT * WHERE {{ SERVICE <{target}> {{ ?a ?b ?c }} }}"
for name, run in (("oxigraph", lambda: list(pyoxigraph.Store().query(query))),
                  ("rdflib", lambda: list(rdflib.Graph().query(query))),
                  ("python", lambda: urllib.request.urlopen("{target}", timeout=2))):
    try:
        run()
        print(name, "called out")
    except Exception as exc:
        print(name, "refused:", type(getattr(exc, "reason", exc)).__name__)
""")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_network_namespace_stops_even_oxigraph_calling_out(listener: Listener) -> None:
    """What a worker of an embedded store does first, then SERVICE calls no guard looked at."""
    seen = _call_out(f"http://127.0.0.1:{listener.port}/x", "print('isolation:', isolate_network())")
    if "isolation: None" not in seen:
        pytest.skip(f"this machine allows no network namespace: {seen}")
    assert "called out" not in seen
    time.sleep(0.3)
    assert listener.connections == 0


def test_without_a_namespace_rdflib_and_python_code_still_cannot_call_out(listener: Listener) -> None:
    seen = _call_out(f"http://127.0.0.1:{listener.port}/x", "refuse_python_sockets(); refuse_rdflib_outbound()")
    assert "rdflib refused: Refused" in seen and "python refused: PermissionError" in seen
    time.sleep(0.3)
    assert listener.connections == 1  # Oxigraph's own call: what the namespace (and the guard) are for


def test_the_server_says_its_workers_are_cut_off(served: Served) -> None:
    assert not any("not cut off from the network" in line for line in served.log)


# -- connections held open ---------------------------------------------------------------------

def test_half_sent_requests_are_closed_and_never_starve_the_server(served: Served) -> None:
    port = int(served.url.rsplit(":", 1)[1])
    held = []
    for _ in range(600):  # three times the connection limit, each stopping mid-headers
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(sock)
    started = time.monotonic()
    assert count_rows(served.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1") == 1
    assert time.monotonic() - started < 2.0
    time.sleep(HEADER_TIMEOUT + 1.5)
    closed = 0
    for sock in held:
        sock.setblocking(False)
        try:
            answer = sock.recv(4096)
        except BlockingIOError:  # still open, nothing said
            answer = b"open"
        except OSError:  # reset: closed too
            answer = b""
        closed += answer == b"" or answer.startswith((b"HTTP/1.1 408", b"HTTP/1.1 503"))
        sock.close()
    assert closed == len(held)
    assert len(served.log) < 20 and not any("Too many open files" in line for line in served.log)


# -- headers -----------------------------------------------------------------------------------

def test_html_pages_forbid_framing_in_a_header_and_everything_says_nosniff(served: Served) -> None:
    status, headers, _ = get_page(f"{served.url}/id/organization/nesta")
    assert status == 200 and "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    status, headers, _ = get_page(f"{served.url}/id/index.html")
    assert status == 200 and "frame-ancestors 'none'" in headers["content-security-policy"]
    for status_wanted, (status, headers, _) in ((200, ask(served.url, "ASK {}")), (400, ask(served.url, "ASK {")),
                                                (404, call("GET", f"{served.url}/queries/none"))):
        assert status == status_wanted and headers["x-content-type-options"] == "nosniff"


def test_an_unknown_host_name_is_refused_and_never_echoed(served: Served) -> None:
    status, _, body = call("GET", f"{served.url}/sparql", headers={"Host": "attacker.example", "Accept": "text/turtle"})
    assert status == 400 and b"--allowed-host" in body
    port = served.url.rsplit(":", 1)[1]
    status, _, body = call("GET", f"{served.url}/sparql", headers={"Host": f"localhost:{port}", "Accept": "text/turtle"})
    assert status == 200 and f"http://localhost:{port}/sparql".encode() in body


# -- heavy queries cannot crowd out light ones -------------------------------------------------

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.slow
def test_light_queries_are_answered_within_a_second_while_four_heavy_ones_run(served: Served) -> None:
    with ThreadPoolExecutor(4) as pool:
        heavy = [pool.submit(ask, served.url, HEAVY + f" # {n}") for n in range(4)]
        time.sleep(0.8)  # every heavy query has started, and has run long enough to count as long
        waits = []
        for n in range(6):
            started = time.monotonic()
            assert count_rows(served.url, f"SELECT ?o WHERE {{ ?o a org:Organization }} LIMIT {n + 1}") == n + 1
            waits.append(time.monotonic() - started)
            time.sleep(0.2)
        statuses = [future.result()[0] for future in heavy]
    assert max(waits) < 1.0, waits
    assert statuses == [503] * 4
    assert count_rows(served.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 3") == 3
