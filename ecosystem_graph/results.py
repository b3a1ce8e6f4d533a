"""Write query results as an aligned table, CSV, TSV, SPARQL JSON/XML, Turtle or JSON-LD.

>>> from rdflib import Graph
>>> r = Graph().query('SELECT ?x WHERE { VALUES ?x { "a" "b" } }')
>>> print(format_result(r, "table"), end="")
x
-
a
b
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import cast
from xml.etree import ElementTree

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result, ResultRow

from .errors import QueryError
from .namespaces import bind_prefixes

__all__ = ["ALL_FORMATS", "GRAPH_FORMATS", "TABULAR_FORMATS", "format_result", "json_results", "rows_to_csv",
           "rows_to_table", "select_rows", "tsv_text", "xml_results"]

TABULAR_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = {"turtle": "turtle", "ttl": "turtle", "jsonld": "json-ld", "json-ld": "json-ld",
                 "nt": "nt", "xml": "xml"}
ALL_FORMATS = tuple(dict.fromkeys((*TABULAR_FORMATS, *GRAPH_FORMATS)))


def select_rows(result: Result) -> Iterator[ResultRow]:
    """The rows of a SELECT result, typed as what they are: iterating it is unchanged.

    rdflib types the items of any result as ``triple | bool | ResultRow`` (what a CONSTRUCT, an ASK
    and a SELECT give); a SELECT's are :class:`~rdflib.query.ResultRow` tuples, whose terms rdflib
    types as ``Identifier`` though an unbound variable's is ``None``.

    >>> [tuple(row) for row in select_rows(Graph().query("SELECT ?x ?y WHERE { VALUES ?x { 1 } }"))]
    [(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), None)]
    """
    return cast(Iterator[ResultRow], iter(result))


def format_result(result: Result, fmt: str = "table",
                  compact: Callable[[object], str] | None = None, base_iri: str | None = None) -> str:
    """Render ``result`` in ``fmt``; ``compact`` shortens IRIs in tables.

    SELECT and ASK results take ``table``, ``csv``, ``tsv``, ``json`` or ``xml``;
    CONSTRUCT and DESCRIBE results take ``turtle`` (also ``table``), ``jsonld``, ``nt`` or ``xml``.
    """
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return _format_graph(result.graph, fmt, base_iri)
    if fmt == "xml":
        return xml_results(result).decode("utf-8")
    if fmt in ("csv", "json"):
        serialized = result.serialize(format=fmt)
        assert serialized is not None  # None only when written to a destination
        return serialized.decode("utf-8")
    if fmt == "tsv":
        return tsv_text(result)
    if fmt == "table":
        return _table(result, compact or str)
    raise QueryError(f"format {fmt!r} does not suit a {result.type} query; "
                     f"expected one of {', '.join(TABULAR_FORMATS)}")


def json_results(variables: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """SPARQL Query Results JSON of SELECT ``rows`` (values of ``variables``, ``None`` where unbound):
    the bytes rdflib's writer makes (without orjson), written from the rows directly. rdflib's makes
    a binding object per row and a dict per term through a plugin; a point lookup's answer took
    50 us that way, a third of its time.

    >>> result = Graph().query("SELECT ?s ?n WHERE { BIND (<urn:a> AS ?s) BIND ('0'@en AS ?n) }")
    >>> print(json_results(result.vars or [], select_rows(result)).decode())
    {"results": {"bindings": [{"s": {"type": "uri", "value": "urn:a"}, "n": {"type": "literal", "value": "0", \
"xml:lang": "en"}}]}, "head": {"vars": ["s", "n"]}}
    """
    names = [str(v) for v in variables]
    bindings = [{name: _json_term(term) for name, term in zip(names, row) if term is not None} for row in rows]
    return json.dumps({"results": {"bindings": bindings}, "head": {"vars": names}},
                      allow_nan=False, ensure_ascii=False).encode("utf-8")


def _json_term(term: object) -> dict[str, str]:
    """A term as SPARQL JSON results write it, its keys in rdflib's order."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, Literal):
        written = {"type": "literal", "value": str(term)}
        if term.datatype is not None:
            written["datatype"] = str(term.datatype)
        if term.language is not None:
            written["xml:lang"] = term.language
        return written
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    raise QueryError(f"unexpected term in a query result: {term!r}")


def xml_results(result: Result) -> bytes:
    """SPARQL Query Results XML of a SELECT or ASK result.

    rdflib's own writer drops the text of literals that are false in Python (0, "", false), so
    this one writes every term itself.

    >>> print(xml_results(Graph().query("SELECT ?n WHERE { BIND (0 AS ?n) }")).decode())
    <?xml version="1.0" encoding="utf-8"?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="n" /></head><results><result><binding
    name="n"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">0</literal></binding></result></results></sparql>
    """
    root = ElementTree.Element("sparql", xmlns="http://www.w3.org/2005/sparql-results#")
    head = ElementTree.SubElement(root, "head")
    if result.type == "ASK":
        ElementTree.SubElement(root, "boolean").text = "true" if result.askAnswer else "false"
    else:
        names = [str(v) for v in result.vars or []]
        for name in names:
            ElementTree.SubElement(head, "variable", name=name)
        results = ElementTree.SubElement(root, "results")
        for row in result.bindings:
            element = ElementTree.SubElement(results, "result")
            for variable, term in row.items():
                if term is not None:
                    _xml_term(ElementTree.SubElement(element, "binding", name=str(variable)), term)
    body: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def _xml_term(binding: ElementTree.Element, term: object) -> None:
    if isinstance(term, URIRef):
        ElementTree.SubElement(binding, "uri").text = str(term)
    elif isinstance(term, BNode):
        ElementTree.SubElement(binding, "bnode").text = str(term)
    else:
        assert isinstance(term, Literal)
        attributes = {"datatype": str(term.datatype)} if term.datatype else {}
        if term.language:
            attributes["{http://www.w3.org/XML/1998/namespace}lang"] = term.language
        ElementTree.SubElement(binding, "literal", attributes).text = str(term)


def _format_graph(graph: Graph, fmt: str, base_iri: str | None) -> str:
    name = "turtle" if fmt == "table" else GRAPH_FORMATS.get(fmt)
    if name is None:
        raise QueryError(f"format {fmt!r} does not suit a CONSTRUCT or DESCRIBE query; "
                         f"expected one of turtle, jsonld, nt, xml")
    bind_prefixes(graph, base_iri)
    if name == "json-ld":
        context = {p: str(ns) for p, ns in graph.namespaces() if p}
        return graph.serialize(format="json-ld", context=context, indent=2)
    return graph.serialize(format=name)


def tsv_text(result: Result) -> str:
    """W3C SPARQL TSV: terms in N-Triples syntax, a header of ?-prefixed variables."""
    names = [str(v) for v in result.vars or []]
    if result.type == "ASK":
        return f"?boolean\n{'true' if result.askAnswer else 'false'}\n"
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in select_rows(result)]
    return "\n".join(lines) + "\n"


def _table(result: Result, compact: Callable[[object], str]) -> str:
    if result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    names = [str(v) for v in result.vars or []]
    return rows_to_table(names, [[_cell(t, compact) for t in row] for row in select_rows(result)])


def _cell(term: object, compact: Callable[[object], str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact(term)
    return str(term)


def rows_to_csv(header: list[str], rows: list[list[object]], delimiter: str = ",") -> str:
    """CSV (or TSV) text of plain rows, for commands whose output is not a SPARQL result."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def rows_to_table(header: list[str], rows: list[list[object]]) -> str:
    """An aligned text table of plain rows."""
    # One line per row, whatever a value holds.
    cells = [[" ".join(str("" if c is None else c).split()) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"
