"""Which media type answers a request, and the bytes of a query result in it.

SELECT and ASK results come as SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE results as
Turtle, N-Triples, JSON-LD or RDF/XML. A ``format`` parameter wins over the ``Accept`` header.

>>> negotiate("SELECT", "text/csv;q=0.5, application/sparql-results+xml")
'application/sparql-results+xml'
>>> negotiate("CONSTRUCT", "*/*", "jsonld")
'application/ld+json'
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache

from rdflib import Graph, Variable
from rdflib.query import Result
from rdflib.term import Identifier, Node

from ..errors import QueryError
from ..namespaces import bind_prefixes
from ..results import json_results, select_rows, tsv_text, xml_results

__all__ = ["ALIASES", "FORMAT_NAMES", "GRAPH_TYPES", "NotAcceptable", "RESULT_TYPES", "best_match", "graph_bytes",
           "negotiate", "select_bytes", "serialize_result"]

#: Media types of SELECT and ASK results, the first the default.
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values")
#: Media types of CONSTRUCT and DESCRIBE results, the first the default.
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
#: Other names clients use for the same types.
ALIASES = {"application/json": "application/sparql-results+json", "application/xml": "application/sparql-results+xml",
           "text/xml": "application/sparql-results+xml", "application/x-turtle": "text/turtle",
           "text/plain": "application/n-triples", "application/json+ld": "application/ld+json"}
#: Values of the ``format`` parameter.
FORMAT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                "ttl": "text/turtle", "nt": "application/n-triples", "ntriples": "application/n-triples",
                "jsonld": "application/ld+json", "json-ld": "application/ld+json",
                "rdfxml": "application/rdf+xml", "rdf": "application/rdf+xml"}
_GRAPH_XML = {"xml": "application/rdf+xml", "json": "application/ld+json"}
_RDFLIB_GRAPH = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                 "application/rdf+xml": "xml"}


class NotAcceptable(QueryError):
    """No media type the client accepts suits the result (HTTP 406)."""


def negotiate(form: str, accept: str | None, fmt: str | None = None) -> str:
    """The media type to answer a ``form`` query with, from a ``format`` name or an Accept header.

    >>> negotiate("ASK", "text/html")
    Traceback (most recent call last):
    ...
    ecosystem_graph.server.formats.NotAcceptable: no acceptable media type for an ASK result (Accept: text/html);
    this endpoint offers application/sparql-results+json, application/sparql-results+xml, text/csv,
    text/tab-separated-values
    """
    offered = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    if fmt:
        name = fmt.strip().lower()
        wanted = (_GRAPH_XML.get(name) if offered is GRAPH_TYPES else None) or FORMAT_NAMES.get(name) or name
        wanted = ALIASES.get(wanted, wanted)
        if wanted not in offered:
            raise NotAcceptable(f"format {fmt!r} does not suit a {form} result; expected one of "
                                + ", ".join(n for n, t in FORMAT_NAMES.items() if t in offered))
        return wanted
    chosen = best_match(accept, offered)
    if chosen is None:
        raise NotAcceptable(f"no acceptable media type for a{'n' if form == 'ASK' else ''} {form} result "
                            f"(Accept: {accept}); this endpoint offers {', '.join(offered)}")
    return chosen


@lru_cache(maxsize=256)  # clients send the same few Accept headers; ranking one took ~10 us a request
def best_match(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered type the Accept header ranks highest (ties: the order offered), or ``None``.

    >>> best_match("text/*;q=0.9, application/n-triples", GRAPH_TYPES)
    'application/n-triples'
    >>> best_match(None, RESULT_TYPES)
    'application/sparql-results+json'
    """
    if not accept or not accept.strip():
        return offered[0]
    ranked: list[tuple[float, int, int, str]] = []
    for order, media_type in enumerate(offered):
        quality, specificity = _quality(accept, media_type)
        if quality > 0:
            ranked.append((quality, specificity, -order, media_type))
    return max(ranked)[3] if ranked else None


def _quality(accept: str, media_type: str) -> tuple[float, int]:
    """The q-value the most specific matching Accept range gives ``media_type``, and that specificity."""
    kind = media_type.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        pattern = ALIASES.get(fields[0].lower(), fields[0].lower())
        specificity = 2 if pattern == media_type else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
        if specificity < 0 or specificity < best[0]:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        best = (specificity, quality)
    return best[1], best[0]


def serialize_result(result: Result, media_type: str, row_cap: int, base_iri: str | None = None) -> tuple[bytes, bool]:
    """The bytes of ``result`` in ``media_type``, at most ``row_cap`` rows (or triples), and whether it was cut.

    This is the one place results become bytes, so a store's native serializer can replace it.

    >>> from rdflib import Graph
    >>> result = Graph().query('SELECT ?x WHERE { VALUES ?x { "a" "b" "c" } }')
    >>> serialize_result(result, "text/tab-separated-values", 2)
    (b'?x\\n"a"\\n"b"\\n', True)
    """
    truncated = False
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        assert graph is not None
        if len(graph) > row_cap:
            kept = Graph()
            for number, triple in enumerate(graph):
                if number >= row_cap:
                    break
                kept.add(triple)
            graph, truncated = kept, True
        return graph_bytes(graph, media_type, base_iri), truncated
    if result.type == "SELECT":
        rows = list(itertools.islice(select_rows(result), row_cap + 1))  # one more tells whether rows were cut
        return select_bytes(list(result.vars or []), rows, media_type, row_cap)
    return _result_bytes(result, media_type), truncated


def select_bytes(variables: list[Variable], rows: Sequence[Sequence[Node | None]], media_type: str,
                 row_cap: int) -> tuple[bytes, bool]:
    """The bytes of SELECT ``rows`` (values of ``variables``, ``None`` where unbound) in ``media_type``,
    at most ``row_cap`` of them, and whether rows were left out."""
    truncated, rows = len(rows) > row_cap, rows[:row_cap]
    if media_type == "application/sparql-results+json":
        return json_results(variables, rows), truncated
    capped = Result("SELECT")  # a copy: stores may hand out results whose rows cannot be replaced
    capped.vars = variables
    # rdflib's own engine leaves unbound variables as None, which its XML writer cannot write.
    capped.bindings = [{v: t for v, t in zip(variables, row) if isinstance(t, Identifier)} for row in rows]
    return _result_bytes(capped, media_type), truncated


def _result_bytes(result: Result, media_type: str) -> bytes:
    """A SELECT or ASK result in a media type other than JSON for SELECT."""
    if media_type == "text/tab-separated-values":
        return tsv_text(result).encode("utf-8")
    if media_type == "application/sparql-results+xml":
        return xml_results(result)
    if result.type == "ASK" and media_type == "text/csv":
        return f"_askResult\r\n{'true' if result.askAnswer else 'false'}\r\n".encode()
    name = {"application/sparql-results+json": "json", "text/csv": "csv"}[media_type]
    serialized = result.serialize(format=name)
    assert serialized is not None  # None only when written to a destination
    return serialized


def graph_bytes(graph: Graph, media_type: str, base_iri: str | None) -> bytes:
    bind_prefixes(graph, base_iri)
    if media_type == "application/ld+json":
        context = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
        return graph.serialize(format="json-ld", context=context, indent=2).encode("utf-8")
    return graph.serialize(format=_RDFLIB_GRAPH[media_type], encoding="utf-8")
