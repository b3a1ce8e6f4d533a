"""One table of kinds (ecosystem_graph/kinds.py) and everything read from it stay in step: a kind
added there is a table of the schema, has an emitter, a class in the ontology and a shape, a style
in the views and a parameter kind of the named queries."""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import SH

from ecosystem_graph.kinds import BY_NAME, KINDS, NODE_KINDS, PARAMETER_KINDS, SEGMENTS
from ecosystem_graph.queries import ENTITY_KINDS
from ecosystem_graph.schema import TABLES, TABLES_BY_NAME
from ecosystem_graph.triples import EMITTERS
from ecosystem_graph.views import KIND_STYLES

ROOT = Path(__file__).resolve().parents[1]


def test_every_table_is_a_kind_and_every_kind_a_table() -> None:
    assert {k.table for k in KINDS} == set(TABLES_BY_NAME)
    assert set(SEGMENTS) == set(TABLES_BY_NAME)
    assert [t.name for t in TABLES if t.name not in EMITTERS] == []
    assert set(EMITTERS) == set(TABLES_BY_NAME)


def test_each_kind_has_one_spelling() -> None:
    names = [k.name for k in KINDS]
    assert len(names) == len(set(names))
    assert BY_NAME["organization-type"].table == "organization-types"
    assert TABLES_BY_NAME["organization-types"].iri_kind == "org-type"  # the IRI segment, kept for stable IRIs


def test_every_node_kind_is_a_class_of_the_ontology_with_a_shape() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "ecosystem.ttl")
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    declared = set(ontology.subjects(RDF.type, OWL.Class))
    targeted = set(shapes.objects(None, SH.targetClass))
    for kind in NODE_KINDS:
        cls = URIRef(kind.cls or "")
        if str(cls).startswith("https://w3id.org/ecosystem-graph/"):
            assert cls in declared, f"{kind.name}: {cls} is not an owl:Class of the ontology"
        assert cls in targeted, f"{kind.name}: no shape targets {cls}"


def test_views_and_queries_read_the_kinds() -> None:
    assert set(KIND_STYLES) == {k.name for k in NODE_KINDS} | {"other"}
    assert set(ENTITY_KINDS) == {k.name for k in NODE_KINDS} | {"place", "entity"}
    assert set(PARAMETER_KINDS["place"]) == {BY_NAME["city"].cls, BY_NAME["country"].cls}
