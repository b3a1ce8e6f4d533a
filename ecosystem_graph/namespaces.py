"""Vocabularies the graph uses, and the prefixes every output declares."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

__all__ = ["DCT", "DEFAULT_BASE_IRI", "ECO", "FRAPO", "GEO", "GEONAMES", "PREFIXES", "SCHEMA", "bind_prefixes",
           "sparql_prologue"]

ECO = Namespace("https://w3id.org/ecosystem-graph/ontology#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
GEONAMES = Namespace("https://sws.geonames.org/")
FRAPO = Namespace("http://purl.org/cerif/frapo/")
DCT = DCTERMS

DEFAULT_BASE_IRI = "https://w3id.org/ecosystem-graph/id/"

#: Prefix -> namespace, in the order they are declared in outputs and queries.
PREFIXES: dict[str, str] = {
    "eco": str(ECO),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dct": str(DCTERMS),
    "time": str(TIME),
    "geo": str(GEO),
    "dcat": str(DCAT),
    "frapo": str(FRAPO),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def bind_prefixes(graph: Graph, base_iri: str | None = None) -> Graph:
    """Bind the project's prefixes (and ``id:`` for the base IRI) on ``graph``.

    >>> g = bind_prefixes(Graph(), "https://example.org/id/")
    >>> str(dict(g.namespaces())["eco"]) == str(ECO)
    True
    """
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    if base_iri:
        graph.bind("id", base_iri, override=True, replace=True)
    return graph


def sparql_prologue(base_iri: str | None = None) -> str:
    """PREFIX declarations for every project prefix, for queries that omit them.

    >>> "PREFIX eco: <https://w3id.org/ecosystem-graph/ontology#>" in sparql_prologue()
    True
    """
    prefixes = dict(PREFIXES)
    if base_iri:
        prefixes["id"] = base_iri
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())
