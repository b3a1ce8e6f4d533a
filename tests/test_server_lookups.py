"""Point lookups answered in the server process (server/lookups.py): the same answers as a worker's,
within the same limits, and only for queries whose cost their shape bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosystem_graph.graph import KnowledgeGraph, open_graph
from ecosystem_graph.server.lookups import LOOKUP_ROWS, answer_lookup
from ecosystem_graph.server.workers import Job, answer

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("json", "xml", "csv", "tsv")


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def kg(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return open_graph(ROOT / "data", tmp_path_factory.mktemp("lookups") / "build", store=request.param)


def _organizations(kg: KnowledgeGraph) -> list[str]:
    return [str(row[0]) for row in kg.query("SELECT ?o WHERE { ?o a org:Organization } ORDER BY ?o")]


@pytest.mark.parametrize("query", [
    "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}",
    "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o . }} LIMIT 3",
    "SELECT ?label WHERE {{ <{iri}> rdfs:label ?label }}",
    "PREFIX x: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?o WHERE {{ <{iri}> x:label ?o }} # note",
    "SELECT ?p WHERE {{ <{iri}> ?p <http://www.w3.org/ns/org#Organization> }}",
    "SELECT ?p ?o WHERE {{ <{iri}/none> ?p ?o }}",
])
def test_a_lookup_is_answered_in_the_server_process_as_a_worker_answers_it(kg: KnowledgeGraph, query: str) -> None:
    for iri in _organizations(kg)[:5]:
        for fmt in FORMATS:
            job = Job(query.format(iri=iri), fmt=fmt, row_cap=4)
            here = answer_lookup(kg.store, kg.base_iri, job)
            assert here is not None and here == answer(kg, job), (query, fmt)


def test_the_row_cap_cuts_a_lookup_and_says_so(kg: KnowledgeGraph) -> None:
    iri = _organizations(kg)[0]
    reply = answer_lookup(kg.store, kg.base_iri, Job(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", fmt="csv", row_cap=2))
    assert reply is not None and reply.body.count(b"\r\n") == 3
    assert reply.headers == {"X-Result-Truncated": "true; at most 2 rows"}


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o }",  # no subject: a scan
    "SELECT ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o }",
    "SELECT DISTINCT ?p WHERE { <{iri}> ?p ?o }",
    "SELECT ?p ?o WHERE { <{iri}> ?p ?o } ORDER BY ?o",
    "SELECT ?p ?o WHERE { <{iri}> ?p ?o } OFFSET 2",
    "SELECT ?p ?o WHERE { <{iri}> ?p ?o FILTER (?o != 1) }",
    "SELECT ?p ?o FROM <urn:g> WHERE { <{iri}> ?p ?o }",
    "SELECT ?o WHERE { <{iri}> ?o ?o }",
    "SELECT ?o ?o WHERE { <{iri}> ?p ?o }",
    "SELECT * WHERE { <{iri}> ?p ?o }",
    "SELECT ?p WHERE { <{iri}> ?p 'text' }",
    "SELECT ?p ?o ?x WHERE { <{iri}> ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { <{iri}> ?p ?o }",
    "ASK { <{iri}> ?p ?o }",
    "SELECT ?p ?o WHERE { <{iri}> ?p ?o . ?o ?q ?r }",
    "SELECT ?p ?o WHERE { SERVICE <http://127.0.0.1:9/> { <{iri}> ?p ?o } }",
    "BASE <https://w3id.org/ecosystem-graph/id/> SELECT ?p ?o WHERE { <organization/nesta> ?p ?o }",
    "SELECT ?p ?o WHERE { <{iri}> ?p ?o ",
])
def test_other_queries_go_to_a_worker(kg: KnowledgeGraph, query: str) -> None:
    job = Job(query.replace("{iri}", _organizations(kg)[0]))
    assert answer_lookup(kg.store, kg.base_iri, job) is None


def test_a_lookup_that_finds_more_than_its_bound_goes_to_a_worker(kg: KnowledgeGraph) -> None:
    ontology = "https://w3id.org/ecosystem-graph/ontology#"
    many = " ".join(f"<urn:big> <{ontology}n{number}> {number} ." for number in range(LOOKUP_ROWS + 1))
    kg.store.update(f"INSERT DATA {{ {many} }}")
    try:
        assert answer_lookup(kg.store, kg.base_iri, Job("SELECT ?p ?o WHERE { <urn:big> ?p ?o }")) is None
        limited = answer_lookup(kg.store, kg.base_iri, Job("SELECT ?p WHERE { <urn:big> ?p ?o } LIMIT 10", fmt="csv"))
        assert limited is not None and limited.body.count(b"\r\n") == 11
    finally:
        kg.store.update("DELETE WHERE { <urn:big> ?p ?o }")


def test_an_unacceptable_media_type_or_a_bad_escape_is_left_to_the_worker(kg: KnowledgeGraph) -> None:
    iri = _organizations(kg)[0]
    assert answer_lookup(kg.store, kg.base_iri, Job(f"SELECT * WHERE {{ <{iri}> ?p ?o }}", accept="text/html")) is None
    assert answer_lookup(kg.store, kg.base_iri, Job(f"SELECT * WHERE {{ <{iri}> ?p '\\u0022' }}")) is None


def test_a_query_that_could_make_the_parser_slow_is_never_parsed_in_the_server_process(kg: KnowledgeGraph) -> None:
    from ecosystem_graph.server.lookups import lookup_plan

    iri = _organizations(kg)[0]
    parsed = lookup_plan.cache_info().misses
    for query in (f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o FILTER ({'(' * 200}1{')' * 200}) }}",
                  f"SELECT ?p ?o WHERE {{ {{ <{iri}> ?p ?o }} }}",
                  f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o . {' '.join(f'?s{n} ?p ?o .' for n in range(400))} }}"):
        assert answer_lookup(kg.store, kg.base_iri, Job(query)) is None
    assert lookup_plan.cache_info().misses == parsed


def test_on_a_store_on_disk_lookups_go_to_the_workers(tmp_path: Path) -> None:
    kg = open_graph(ROOT / "data", tmp_path / "build", store=f"oxigraph:{tmp_path / 'store'}")
    iri = _organizations(kg)[0]
    assert answer_lookup(kg.store, kg.base_iri, Job(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")) is None
