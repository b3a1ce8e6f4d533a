"""Stores hold the built graph and answer SPARQL; each kind is registered by name.

``open_store("memory")`` is rdflib's in-memory graph. Other kinds register themselves with
:func:`register_store` and are chosen with a spec ``NAME`` or ``NAME:ARGUMENT``
(``oxigraph:PATH``, ``sparql:URL``).

>>> store = open_store("memory")
>>> store.load_file(__import__("pathlib").Path(__file__).resolve().parents[1] / "ontology" / "ecosystem.ttl")
>>> store.query("ASK { ?s ?p ?o }").askAnswer
True
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from rdflib import Graph
from rdflib.query import Result

from .errors import QueryError, QuerySyntaxError, StoreError


class Store(Protocol):
    """What every store offers the rest of the package."""

    spec: str

    def load_file(self, path: Path) -> None:
        """Replace the store's graph with the Turtle file at ``path``."""

    def query(self, sparql: str) -> Result:
        """Run a SPARQL query; raise :class:`QueryError` for a malformed one."""

    def graph(self) -> Graph:
        """The whole graph as an rdflib graph (for analytics and views)."""

    def is_empty(self) -> bool:
        """Whether the store holds no triples yet."""


class MemoryStore:
    """rdflib's in-memory graph: simple and fine for small ecosystems."""

    def __init__(self, argument: str = "") -> None:
        self.spec = "memory"
        self._graph = Graph()

    def load_file(self, path: Path) -> None:
        graph = Graph()
        graph.parse(path, format="turtle")
        self._graph = graph

    def query(self, sparql: str) -> Result:
        return run_rdflib_query(self._graph, sparql)

    def graph(self) -> Graph:
        return self._graph

    def is_empty(self) -> bool:
        return len(self._graph) == 0


def run_rdflib_query(graph: Graph, sparql: str) -> Result:
    """Parse and run ``sparql`` on an rdflib graph, turning parse errors into :class:`QueryError`."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(sparql)
    except ParseException as exc:
        raise QuerySyntaxError(sparql, exc.lineno, exc.col, exc.msg) from None
    except Exception as exc:  # rdflib reports unknown prefixes and the like as plain exceptions
        raise QueryError(f"malformed query: {exc}") from None
    try:
        return graph.query(prepared)
    except Exception as exc:  # evaluation errors (bad function arguments...) are the query's fault
        raise QueryError(f"the query failed: {exc}") from None


_REGISTRY: dict[str, Callable[[str], Store]] = {"memory": MemoryStore}


def register_store(name: str, factory: Callable[[str], Store]) -> None:
    """Make a store kind available to ``open_store`` and ``--store`` under ``name``."""
    _REGISTRY[name] = factory


def store_names() -> list[str]:
    return sorted(_REGISTRY)


def open_store(spec: str) -> Store:
    """Open the store a spec names: ``memory``, or ``KIND:ARGUMENT`` for other kinds."""
    name, _, argument = spec.partition(":")
    if name not in _REGISTRY:
        raise StoreError(f"unknown store {spec!r}; expected one of "
                         + ", ".join(f"{n}" if n == "memory" else f"{n}:..." for n in store_names()))
    return _REGISTRY[name](argument)
