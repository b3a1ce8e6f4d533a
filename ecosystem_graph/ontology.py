"""The ontology and its shapes (``ontology/ecosystem.ttl`` and ``ontology/shapes.ttl``), as graphs.

>>> relation_names(load_ontology())
['promotes-work-of']
>>> len(shapes_graph()) > 100
True
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from . import locations
from .namespaces import ECO

__all__ = ["ONTOLOGY", "load_ontology", "relation_names", "shapes_graph", "vocabulary_terms"]

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


_CLASS_TYPES = (OWL.Class, RDFS.Class)
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@lru_cache(maxsize=1)
def vocabulary_terms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The classes and the properties a query of this graph uses, sorted: those the ontology
    declares, those it reuses (superclasses, domains, ranges, superproperties) and those its
    shapes name. The SPARQL editor completes from them instead of asking a remote vocabulary
    service.

    >>> classes, properties = vocabulary_terms()
    >>> "http://www.w3.org/ns/org#Organization" in classes, "http://xmlns.com/foaf/0.1/name" in properties
    (True, True)
    """
    ontology, shapes = load_ontology(), shapes_graph()
    classes = {s for kind in _CLASS_TYPES for s in ontology.subjects(RDF.type, kind)}
    classes |= {o for p in (RDFS.subClassOf, RDFS.domain, RDFS.range) for o in ontology.objects(None, p)}
    classes |= {o for p in (SH.targetClass, SH["class"]) for o in shapes.objects(None, p)}
    properties = {s for kind in _PROPERTY_TYPES for s in ontology.subjects(RDF.type, kind)}
    properties |= set(ontology.objects(None, RDFS.subPropertyOf)) | set(shapes.objects(None, SH.path))
    datatypes = {RDFS.Literal} | {o for o in classes if str(o).startswith(str(XSD))}  # ranges, not classes
    return (tuple(sorted(str(c) for c in classes - datatypes if isinstance(c, URIRef))),
            tuple(sorted(str(p) for p in properties if isinstance(p, URIRef))))
