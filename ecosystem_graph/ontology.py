"""The ontology and its shapes (``ontology/ecosystem.ttl`` and ``ontology/shapes.ttl``), as graphs.

>>> relation_names(load_ontology())
['promotes-work-of']
>>> len(shapes_graph()) > 100
True
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDFS

from . import locations
from .namespaces import ECO

__all__ = ["ONTOLOGY", "load_ontology", "relation_names", "shapes_graph"]

#: The ontology's own IRI: graph-wide shapes target it.
ONTOLOGY = URIRef("https://w3id.org/ecosystem-graph/ontology")


def load_ontology() -> Graph:
    """The ontology, with blank nodes given canonical labels so every output is reproducible."""
    parsed = Graph().parse(locations.ontology_path(), format="turtle")
    canonical = Graph()
    for triple in to_canonical_graph(parsed):
        canonical.add(triple)
    return canonical


def relation_names(ontology: Graph) -> list[str]:
    """Kebab-case names of the sub-properties of eco:organizationRelation, for relations.csv."""
    names = []
    for prop in ontology.transitive_subjects(RDFS.subPropertyOf, ECO.organizationRelation):
        local = str(prop)[len(str(ECO)):]
        if prop != ECO.organizationRelation and str(prop).startswith(str(ECO)):
            names.append("".join(f"-{c.lower()}" if c.isupper() else c for c in local))
    return sorted(names)


def shapes_graph() -> Graph:
    """The shapes of ``ontology/shapes.ttl``."""
    return Graph().parse(locations.shapes_path(), format="turtle")
