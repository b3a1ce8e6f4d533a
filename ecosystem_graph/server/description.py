"""The SPARQL 1.1 Service Description of the endpoint: what it offers, in RDF.

>>> from ecosystem_graph.server.app import ServerConfig
>>> from pathlib import Path
>>> from ecosystem_graph.server.workers import GraphSource
>>> config = ServerConfig(GraphSource(None, Path("build"), None))
>>> text = describe_service("http://127.0.0.1:8000/sparql", "text/turtle", config).decode()
>>> "sd:endpoint <http://127.0.0.1:8000/sparql>" in text, "sd:SPARQL11Update" in text
(True, False)
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from ..namespaces import bind_prefixes
from .formats import GRAPH_TYPES, RESULT_TYPES, graph_bytes

__all__ = ["SD", "describe_service"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: W3C's IRIs of the result formats (http://www.w3.org/ns/formats/).
_FORMAT_IRIS = {"application/sparql-results+json": "SPARQL_Results_JSON",
                "application/sparql-results+xml": "SPARQL_Results_XML", "text/csv": "SPARQL_Results_CSV",
                "text/tab-separated-values": "SPARQL_Results_TSV", "text/turtle": "Turtle",
                "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD",
                "application/rdf+xml": "RDF_XML"}


def describe_service(endpoint: str, media_type: str, config: Any, base_iri: str | None = None) -> bytes:
    """The service description of ``endpoint`` in ``media_type`` (one of the graph types)."""
    graph = bind_prefixes(Graph(), base_iri)
    graph.bind("sd", SD)
    service = URIRef(endpoint + "#service")
    dataset, default = BNode("dataset"), BNode("default")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if config.update_token:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for media in (*RESULT_TYPES, *GRAPH_TYPES):
        graph.add((service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/" + _FORMAT_IRIS[media])))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((service, DCTERMS.description, Literal(
        f"Read-only SPARQL endpoint of an ecosystem graph. No SERVICE, LOAD or remote FROM; each query stops "
        f"after {config.time_limit:g} s and returns at most {config.row_cap} rows; requests up to "
        f"{config.max_request_bytes} bytes.")))
    return graph_bytes(graph, media_type, base_iri)
