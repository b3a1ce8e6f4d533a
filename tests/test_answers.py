"""Pages of named queries, and answers kept per graph generation on persistent stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem_graph import answers, open_graph
from ecosystem_graph.answers import ANSWERS_DIR, ASKED_DIR
from ecosystem_graph.build import build_store
from ecosystem_graph.cli import main
from ecosystem_graph.errors import QueryError
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.queries import parse_named_query

ROOT = Path(__file__).resolve().parents[1]


def labels(result) -> list[str]:
    return [str(row.label) for row in result]


def answers_of(folder: Path) -> Path:
    return folder / (folder / "current").readlink().name / ANSWERS_DIR


@pytest.fixture()
def stored(data_copy: Path, tmp_path: Path) -> tuple[Path, KnowledgeGraph]:
    folder = tmp_path / "store"
    build_store(data_copy, f"oxigraph:{folder}")
    return folder, open_graph(data_copy, store=f"oxigraph:{folder}")


def test_pages_put_together_are_the_whole_answer(kg: KnowledgeGraph) -> None:
    whole = labels(kg.named("organizations"))
    pages = [labels(kg.page("organizations", 4, offset)) for offset in range(0, len(whole) + 4, 4)]
    assert [label for page in pages for label in page] == whole and len(pages[0]) == 4 and pages[-1] == []


def test_the_build_answers_the_kept_queries_and_later_pages_come_from_the_kept_answer(stored) -> None:
    folder, kg = stored
    kept = answers_of(folder)
    assert len(list(kept.glob("*.srj"))) == 2  # places and theme-landscape, marked '# keep: build'
    whole = labels(kg.named("organizations"))
    assert len(list(kept.glob("*.srj"))) == 3
    assert labels(kg.page("organizations", 3, offset=2)) == whole[2:5]
    memory = open_graph(ROOT / "data")
    assert kg.rows("theme-landscape") == memory.rows("theme-landscape")
    # Answers with parameters go to their own folder, one per question.
    london = kg.rows("organizations-in-city", city="London")
    assert len(list(kept.glob("*.srj"))) == 3 and len(list((kept / ASKED_DIR).glob("*.srj"))) == 1
    assert kg.rows("organizations-in-city", city="London") == london == memory.rows("organizations-in-city",
                                                                                       city="London")


def test_answers_with_parameters_keep_the_most_recently_used(stored, monkeypatch) -> None:
    folder, kg = stored
    monkeypatch.setattr(answers, "ASKED_LIMIT", 2)
    monkeypatch.setattr("ecosystem_graph.stores.oxigraph.store.ASKED_LIMIT", 2)
    asked = answers_of(folder) / ASKED_DIR
    kg.rows("organizations-in-city", city="London")
    first = next(asked.glob("*.srj"))
    kg.rows("organizations-in-city", city="Peterborough")
    os.utime(first, ns=(0, 0))  # made long ago...
    kg.rows("organizations-in-city", city="London")  # ...and read again now
    kg.rows("organizations-in-city", city="Sofia")
    left = set(asked.glob("*.srj"))
    assert len(left) == 2 and first in left


def test_a_new_graph_gets_new_answers(stored, data_copy: Path) -> None:
    folder, kg = stored
    before = labels(kg.named("organizations"))
    with (data_copy / "organizations.csv").open("a", encoding="utf-8") as rows:
        header = (data_copy / "organizations.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        values = {"id": "aardvark-labs", "label": "Aardvark Labs", "type": "cluster-organization", "city": "sofia",
                  "country": "bulgaria", "source": "kcs-news-uk-2018"}
        rows.write(",".join(values.get(c, "") for c in header) + "\n")
    kg.store.close()
    build_store(data_copy, f"oxigraph:{folder}")
    after = labels(open_graph(data_copy, store=f"oxigraph:{folder}").named("organizations"))
    assert "Aardvark Labs" in after and len(after) == len(before) + 1


def test_a_damaged_kept_answer_is_made_again(stored) -> None:
    folder, kg = stored
    whole = labels(kg.named("organizations"))
    for answer in answers_of(folder).glob("*.srj"):
        answer.write_text('{"head": {"vars": ["x"]}, "results": {"bindings": [', encoding="utf-8")
    kg.store.close()
    assert labels(kg.named("organizations")) == whole
    kg.named("places"), kg.named("theme-landscape")
    assert all(answer.read_bytes().rstrip().endswith(b"}") for answer in answers_of(folder).glob("*.srj"))


def test_the_cli_pages_named_queries_and_plain_sparql(seed_build: Path) -> None:
    runner = CliRunner()
    common = ["--data", str(ROOT / "data"), "--build-dir", str(seed_build), "--format", "csv"]
    named = runner.invoke(main, ["query", "--name", "organizations", "--limit", "2", "--offset", "1", *common])
    assert named.exit_code == 0, named.output
    assert named.stdout.splitlines()[1:] and len(named.stdout.splitlines()) == 3
    plain = runner.invoke(main, ["query", "SELECT ?o WHERE { ?o a org:Organization } ORDER BY ?o", "--limit", "3",
                                 *common])
    assert plain.exit_code == 0 and len(plain.stdout.splitlines()) == 4
    bad = runner.invoke(main, ["query", "--name", "organizations", "--limit", "-1", *common])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_an_unknown_keep_value_is_named_with_its_file(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("# name: q\n# keep: always\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"q\.rq: expected '# keep: build'.*'always'"):
        parse_named_query(path)
