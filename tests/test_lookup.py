"""Finding the entity a person means: ids, labels, alternative labels, acronyms, typos, "did you mean"."""

from __future__ import annotations

import csv
import logging
import shutil
from pathlib import Path

import pytest

from ecosystem_graph.errors import QueryError
from ecosystem_graph.graph import KnowledgeGraph, open_graph
from ecosystem_graph.lookup import find_entity

ROOT = Path(__file__).resolve().parents[1]
TNO = "NEDERLANDSE ORGANISATIE VOOR TOEGEPAST NATUURWETENSCHAPPELIJK ONDERZOEK TNO"


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    data = shutil.copytree(ROOT / "data", tmp_path_factory.mktemp("lookup") / "data")
    with (data / "organizations.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    template = next(r for r in rows if r["id"] == "nesta")
    rows += [{**template, "id": "tno-nl", "label": TNO, "alt_labels": ""},
             {**template, "id": "universitat-wien", "label": "Universität Wien", "alt_labels": ""},
             {**template, "id": "politecnico-di-milano", "label": "Politecnico di Milano", "alt_labels": ""}]
    with (data / "organizations.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return open_graph(data, data.parent / "build", store="oxigraph")


@pytest.mark.parametrize("text, expected", [
    ("nesta", "nesta"), ("NESTA", "nesta"), ("Nesta", "nesta"),
    ("Sofia Knowledge City", "kc-sofia"),  # an alternative label
    ("UNIVERSITAT WIEN", "universitat-wien"),  # accents and case set aside
    ("Politecnico Milano", "politecnico-di-milano"),  # linking words set aside
])
def test_exact_and_folded_names(kg: KnowledgeGraph, text: str, expected: str) -> None:
    found = find_entity(kg, "organization", text)
    assert found.entity.endswith(f"/organization/{expected}") and found.note is None


def test_an_acronym_inside_one_long_official_name_is_read_with_a_note(kg: KnowledgeGraph) -> None:
    found = find_entity(kg, "organization", "TNO")
    assert found.entity.endswith("/organization/tno-nl")
    assert found.note == f"'TNO' read as '{TNO}' (tno-nl)"


def test_a_typo_is_read_with_a_note_and_logged(kg: KnowledgeGraph, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ecosystem_graph.lookup"):
        entity = kg.resolve("organization", "Oportunity Peterborough")
    assert entity.endswith("/organization/opportunity-peterborough")
    assert "'Oportunity Peterborough' read as 'Opportunity Peterborough'" in caplog.text


def test_a_part_of_a_name_is_offered_not_taken(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"no organization has the id or label 'London' \(did you mean "
                                         r"'London & Partners' \(london-and-partners\), 'Mayor of London'"):
        find_entity(kg, "organization", "London")


def test_nothing_close_says_so_without_suggestions(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError) as caught:
        find_entity(kg, "organization", "Zzyzx Qwv")
    assert str(caught.value) == "parameter 'organization': no organization has the id or label 'Zzyzx Qwv'"


def test_the_kind_is_respected(kg: KnowledgeGraph) -> None:
    assert find_entity(kg, "city", "London").entity.endswith("/place/london")
    with pytest.raises(QueryError, match="no theme has the id or label 'NESTA'"):
        find_entity(kg, "theme", "NESTA")
