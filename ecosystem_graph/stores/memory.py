"""``memory``: rdflib's in-memory graph, loaded from the build folder's Turtle.

>>> store = MemoryStore()
>>> store.load_file(Path(__file__).resolve().parents[2] / "ontology" / "ecosystem.ttl")
>>> store.query("ASK { ?s ?p ?o }").askAnswer
True
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.sparql.sparql import Query as PreparedQuery
from rdflib.query import Result
from rdflib.term import Node

from ..errors import QueryError, QuerySyntaxError
from .base import Store

__all__ = ["MemoryStore", "run_rdflib_query"]


class MemoryStore(Store):
    """rdflib's in-memory graph: simple and fine for small ecosystems."""

    sparql_engine = "rdflib"
    forkable = True  # the graph is plain Python objects: a forked child has its own copy

    def __init__(self, argument: str = "") -> None:
        self.spec = "memory"
        self._graph = Graph()

    def load_file(self, path: Path) -> None:
        graph = Graph()
        graph.parse(path, format="turtle")
        self._graph = graph

    def query(self, sparql: str | PreparedQuery) -> Result:
        return run_rdflib_query(self._graph, sparql)

    def update(self, sparql: str) -> None:
        self._graph.update(sparql)

    def match(self, subject: Node | None, predicate: Node | None,
              obj: Node | None) -> Iterator[tuple[Node, Node, Node]]:
        """The graph's triples matching a pattern.

        >>> from rdflib import URIRef
        >>> store = MemoryStore()
        >>> store.load_file(Path(__file__).resolve().parents[2] / "ontology" / "ecosystem.ttl")
        >>> ontology = URIRef("https://w3id.org/ecosystem-graph/ontology")
        >>> [str(o) for _, _, o in store.match(ontology, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), None)]
        ['0.1.0']
        """
        return self._graph.triples((subject, predicate, obj))

    def graph(self) -> Graph:
        return self._graph


def run_rdflib_query(graph: Graph, sparql: str | PreparedQuery) -> Result:
    """Parse and run ``sparql`` (text, or a query rdflib prepared already) on an rdflib graph,
    turning parse errors into :class:`QueryError`."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    prepared = sparql
    if isinstance(sparql, str):
        try:
            prepared = prepareQuery(sparql)
        except ParseException as exc:
            raise QuerySyntaxError(sparql, exc.lineno, exc.col, exc.msg) from None
        except Exception as exc:  # rdflib reports unknown prefixes and the like as plain exceptions
            raise QueryError(f"malformed query: {exc}") from None
    try:
        return graph.query(prepared)
    except QueryError:
        raise
    except Exception as exc:  # evaluation errors (bad function arguments...) are the query's fault
        raise QueryError(f"the query failed: {exc}") from None
