"""The named query library: every query declares itself and returns the columns it declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosystem_graph.errors import QueryError
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.queries import bind, load_library

LIBRARY = load_library()
EXAMPLES = {"theme": "smart-cities", "city": "london", "place": "united-kingdom", "organization": "nesta", "entity": "nesta",
            "type": "accelerator"}


def test_required_queries_exist() -> None:
    assert {"organizations-by-theme", "organizations-in-city", "meetings", "partners", "contacts",
            "theme-landscape", "provenance"} <= set(LIBRARY)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_each_query_returns_its_declared_columns(kg: KnowledgeGraph, name: str) -> None:
    query = LIBRARY[name]
    assert query.description and query.columns
    params = {p.name: EXAMPLES[p.name] for p in query.params if p.required}
    result = kg.named(name, **params)
    assert [str(v) for v in result.vars] == query.columns
    assert len(result) > 0


def test_narrower_themes_are_included(kg: KnowledgeGraph) -> None:
    smart_cities = {r["label"] for r in kg.rows("organizations-by-theme", theme="Smart cities")}
    iot_only = {r["label"] for r in kg.rows("organizations-by-theme", theme="Internet of Things")}
    assert iot_only == {"Future Cities Catapult"}
    assert {"Living PlanIT", "Future Cities Catapult"} <= smart_cities


def test_theme_landscape_rolls_up_narrower_themes(kg: KnowledgeGraph) -> None:
    counts = {r["label"]: r["organizations"] for r in kg.rows("theme-landscape")}
    assert counts["Blockchain"] >= counts["Smart contracts"] == 1
    assert counts["Smart cities"] >= counts["Internet of Things"]


def test_meetings_filtered_by_organization_and_dates(kg: KnowledgeGraph) -> None:
    assert [r["organization"] for r in kg.rows("meetings", organization="nesta")] == ["NESTA"]
    # Only the two meetings dated 3 August are known to be after 2 August... and undated ones may be.
    late = kg.rows("meetings", **{"from": "2018-08-03"})
    assert {r["organization"] for r in late if r["date"]} == {"Living PlanIT", "Universal TrustMe Engine"}
    assert kg.rows("meetings", until="2018-07-29") == []


def test_provenance_marks_inferred_statements(kg: KnowledgeGraph) -> None:
    rows = {r["statement"]: r["inferred"] for r in kg.rows("provenance", entity="NESTA")}
    assert rows["location: London"] is True
    assert rows["label: NESTA"] is False


def test_ambiguous_label_asks_for_an_id(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="names several"):
        kg.resolve("entity", "UOS")  # the theme's and the product's alternative label


def test_bind_ignores_where_inside_strings_and_comments() -> None:
    text = '# WHERE { not here\nSELECT ?x WHERE { ?x rdfs:label "WHERE {" }'
    bound = bind(text, {"x": kg_literal()})
    assert bound.index("VALUES") > bound.index("SELECT ?x WHERE {")


def test_bind_fills_every_placeholder_and_adds_no_top_level_block() -> None:
    text = ('SELECT ?x WHERE { { VALUES ?org { UNDEF } ?x ?p ?org } UNION { VALUES ?org {UNDEF} ?org ?p ?x }\n'
            '  # VALUES ?org { UNDEF } in a comment stays\n  FILTER (?x != "VALUES ?org { UNDEF }") }')
    bound = bind(text, {"org": kg_literal()})
    assert bound.count('VALUES ?org { "a" }') == 2
    assert "# VALUES ?org { UNDEF } in a comment" in bound and '"VALUES ?org { UNDEF }"' in bound
    assert not bound.startswith('SELECT ?x WHERE { VALUES')


def test_unbound_placeholder_leaves_the_variable_free(kg: KnowledgeGraph) -> None:
    """An unbound placeholder is UNDEF: the query answers as if the parameter were absent."""
    text = "SELECT ?org WHERE { VALUES ?org { UNDEF } ?org a org:Organization }"
    free = {row[0] for row in kg.query(text)}
    nesta = kg.resolve("organization", "nesta")
    assert nesta in free and len(free) > 10
    assert [row[0] for row in kg.query(bind(text, {"org": nesta}))] == [nesta]


def _query_file(folder: Path, name: str, body: str = "SELECT ?x WHERE { ?x a org:Organization }") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.rq"
    path.write_text(f"# name: {name}\n# columns: x\n{body}\n", encoding="utf-8")
    return path


def test_a_store_runs_the_variant_for_its_engine(tmp_path: Path) -> None:
    _query_file(tmp_path, "listing")
    (tmp_path / "oxigraph").mkdir()
    (tmp_path / "oxigraph" / "listing.rq").write_text("SELECT ?x WHERE { { SELECT ?x WHERE { ?x a org:Organization } } }")
    query = load_library([tmp_path])["listing"]
    assert sorted(query.variants) == ["oxigraph"] and query.variants["oxigraph"].path.parent.name == "oxigraph"
    assert "SELECT ?x WHERE { {" in query.text_for("oxigraph")
    assert query.text_for("rdflib") == query.text_for(None) == query.text


def test_a_query_that_replaces_another_leaves_the_others_variants_behind(tmp_path: Path) -> None:
    builtin = LIBRARY["theme-landscape"]
    assert "oxigraph" in builtin.variants
    _query_file(tmp_path, "theme-landscape")
    mine = load_library([tmp_path])["theme-landscape"]
    assert mine.variants == {} and mine.text_for("oxigraph") == mine.text


def test_a_variant_needs_its_query_and_an_engine_folder(tmp_path: Path) -> None:
    _query_file(tmp_path / "oxigraph", "orphan")
    with pytest.raises(QueryError, match=r"orphan.rq: a variant of query 'orphan', expected .*orphan.rq beside"):
        load_library([tmp_path])
    (tmp_path / "oxigraph" / "orphan.rq").unlink()
    _query_file(tmp_path, "orphan")
    _query_file(tmp_path / "oxigraf", "orphan")
    with pytest.raises(QueryError, match=r"folder named for an engine \(rdflib, oxigraph, virtuoso, generic\), "
                                          r"found folder 'oxigraf'"):
        load_library([tmp_path])


def kg_literal():
    from rdflib import Literal

    return Literal("a")
