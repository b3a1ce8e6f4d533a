"""The command line end to end: in-process with click's runner, and as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from rdflib import Graph

from ecosystem_graph.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def run(seed_build: Path):
    """Invoke the CLI in-process on the session's seed build."""
    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, [*args[:1], *args[1:], *(_graph_args(args, seed_build))])
        return result.exit_code, result.stdout, result.stderr
    return invoke


def _graph_args(args: tuple[str, ...], seed_build: Path) -> list[str]:
    reads_graph = args and args[0] in ("query", "stats")
    return ["--data", str(ROOT / "data"), "--build-dir", str(seed_build)] if reads_graph else []


def test_done_when_blockchain_lists_universal_trustme_engine(run) -> None:
    code, out, _ = run("query", "--name", "organizations-by-theme", "--param", "theme=blockchain", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["label"] for r in rows] == ["Universal TrustMe Engine"]
    assert rows[0]["city"] == "London"


def test_done_when_peterborough_has_no_london_organization(run) -> None:
    code, out, _ = run("query", "--name", "organizations-in-city", "--param", "city=Peterborough", "--format", "csv")
    labels = [r["label"] for r in csv.DictReader(io.StringIO(out))]
    assert code == 0 and "Opportunity Peterborough" in labels
    assert not {"Future Cities Catapult", "NESTA", "London & Partners", "The Bakery"} & set(labels)


def test_done_when_contacts_of_london_and_partners(run) -> None:
    code, out, _ = run("query", "--name", "contacts", "--param", "organization=London & Partners")
    assert code == 0
    assert "Deyan Pushkarov" in out and "Adelina Hristova" in out
    assert "Marketing and PR Expert" in out and "Internal Communications Expert" in out


def test_done_when_meetings_lists_all_eight(run) -> None:
    code, out, _ = run("query", "--name", "meetings", "--format", "json")
    bindings = json.loads(out)["results"]["bindings"]
    assert code == 0 and len(bindings) == 8


def test_parameters_accept_label_or_id_in_any_case(run) -> None:
    outputs = {run("query", "--name", "contacts", "--param", f"organization={v}", "--format", "csv")[1]
               for v in ("london-and-partners", "LONDON & PARTNERS", "London and Partners")}
    assert len(outputs) == 1


def test_sparql_json_results_follow_the_w3c_format(run) -> None:
    code, out, _ = run("query", "SELECT ?o ?l WHERE { ?o a org:Organization ; rdfs:label ?l } LIMIT 2",
                       "--format", "json")
    document = json.loads(out)
    assert document["head"]["vars"] == ["o", "l"]
    assert document["results"]["bindings"][0]["o"]["type"] == "uri"


def test_sparql_xml_results_keep_literals_that_python_finds_false(run) -> None:
    # rdflib's own XML writer drops the text of 0, "" and false: a count of nothing came out empty.
    code, out, _ = run("query", 'SELECT (COUNT(?x) AS ?n) ("" AS ?e) WHERE { ?x a schema:Nothing }',
                       "--format", "xml")
    namespace = {"r": "http://www.w3.org/2005/sparql-results#"}
    bindings = ElementTree.fromstring(out).findall("r:results/r:result/r:binding", namespace)
    assert code == 0 and [(b.get("name"), b.find("r:literal", namespace).text or "") for b in bindings] == \
        [("n", "0"), ("e", "")]


def test_tsv_uses_ntriples_terms(run) -> None:
    code, out, _ = run("query", "--name", "visits", "--format", "tsv")
    header, row = out.splitlines()[:2]
    assert header.startswith("?visit\t?label\t?start")
    assert row.startswith("<https://w3id.org/ecosystem-graph/id/visit/uk-2018>\t\"Working visit")


def test_table_is_aligned_with_compact_iris(run) -> None:
    code, out, _ = run("query", "--name", "organizations-in-city", "--param", "city=Peterborough")
    lines = out.splitlines()
    assert lines[0].split() == ["organization", "label", "type"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split("  ")[0] == "organization/opportunity-peterborough"
    assert lines[0].index("label") == lines[2].index("Opportunity Peterborough")


def test_construct_as_turtle_and_jsonld(run) -> None:
    query = "CONSTRUCT { ?o rdfs:label ?l } WHERE { ?o a org:Organization ; rdfs:label ?l }"
    code, turtle, _ = run("query", query, "--format", "turtle")
    assert code == 0 and len(Graph().parse(data=turtle, format="turtle")) == 11
    code, jsonld, _ = run("query", query, "--format", "jsonld")
    assert len(Graph().parse(data=jsonld, format="json-ld")) == 11


def test_query_from_file_and_to_file(run, tmp_path: Path) -> None:
    query = tmp_path / "people.rq"
    query.write_text("SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name\n", encoding="utf-8")
    out = tmp_path / "people.csv"
    code, _, _ = run("query", "-f", str(query), "--format", "csv", "-o", str(out))
    assert code == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["name", "Adelina Hristova", "Deyan Pushkarov"]


def test_malformed_query_shows_parser_position(run, tmp_path: Path) -> None:
    query = tmp_path / "bad.rq"
    query.write_text("SELECT ?x\nWHERE {\n  ?x a eco:Meeting ;\n     rdfs:label ?l ?m .\n}\n", encoding="utf-8")
    code, _, err = run("query", "-f", str(query))
    assert code == 1
    assert f"error: {query}: malformed query at line 4, column 20" in err
    assert "rdfs:label ?l ?m ." in err and "Traceback" not in err


def test_unknown_prefix_and_unknown_named_query(run) -> None:
    code, _, err = run("query", "SELECT * WHERE { ?s foo:bar ?o }")
    assert code == 1 and "Unknown namespace prefix : foo" in err
    code, _, err = run("query", "--name", "meeting")
    assert code == 1 and "no named query 'meeting'; did you mean meetings?" in err


def test_unknown_entity_parameter(run) -> None:
    code, _, err = run("query", "--name", "partners", "--param", "organization=Nesta Foundation")
    assert code == 1 and "no organization has the id or label 'Nesta Foundation'" in err


def test_missing_and_malformed_parameters(run) -> None:
    code, _, err = run("query", "--name", "contacts")
    assert code == 1 and "needs parameter 'organization'" in err
    code, _, err = run("query", "--name", "contacts", "--param", "organization")
    assert code == 2 and "expected KEY=VALUE" in err
    code, _, err = run("query", "--name", "meetings", "--param", "from=3 Aug 2018")
    assert code == 1 and "expected a date as YYYY-MM-DD, found '3 Aug 2018'" in err


def test_queries_lists_names_descriptions_and_parameters(run) -> None:
    code, out, _ = run("queries")
    for name in ("organizations-by-theme", "organizations-in-city", "meetings", "partners", "contacts",
                 "theme-landscape", "provenance"):
        assert name in out
    assert "--param theme=...  (theme, required)" in out
    assert "    variants: oxigraph/theme-landscape.rq" in out
    code, out, _ = run("queries", "--format", "json")
    listed = {q["name"]: q for q in json.loads(out)}
    assert listed["theme-landscape"]["variants"] == ["oxigraph"] and listed["contacts"]["variants"] == []


def test_stats_counts_by_type(run) -> None:
    code, out, _ = run("stats", "--format", "json")
    counts = {row["class"]: row["count"] for row in json.loads(out)}
    assert counts["org:Organization"] == 11 and counts["eco:Meeting"] == 8 and counts["eco:Theme"] == 26


def test_validate_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", str(ROOT / "data")])
    assert result.exit_code == 0 and "records are valid" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_real_subprocess_query_and_error(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "ecosystem_graph", "query", "--data", str(ROOT / "data"),
               "--build-dir", str(tmp_path / "build")]
    done = subprocess.run([*command, "--name", "meetings", "--format", "csv"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 9  # header and eight meetings
    done = subprocess.run([*command, "SELECT ?x WHERE {"], capture_output=True, text=True)
    assert done.returncode == 1 and "malformed query at line 1" in done.stderr and "Traceback" not in done.stderr
