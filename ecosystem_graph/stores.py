"""Stores hold the built graph and answer SPARQL; each kind is registered by name.

``open_store("memory")`` is rdflib's in-memory graph, loaded from the build folder's Turtle.
``oxigraph`` is Oxigraph in memory, loaded the same way; ``oxigraph:PATH`` is a persistent,
embedded Oxigraph store in folder ``PATH`` that a build writes into and readers open directly
(see :mod:`ecosystem_graph.oxigraph_store`). Other kinds register themselves with
:func:`register_store`, rdflib-plugin style, and are chosen with a spec ``NAME`` or
``NAME:ARGUMENT`` (``sparql:URL`` is the next one planned).

>>> store = open_store("memory")
>>> store.load_file(__import__("pathlib").Path(__file__).resolve().parents[1] / "ontology" / "ecosystem.ttl")
>>> store.query("ASK { ?s ?p ?o }").askAnswer
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from rdflib import Graph
from rdflib.query import Result

from .errors import QueryError, QuerySyntaxError, StoreError


class Store(Protocol):
    """What every store offers the rest of the package."""

    spec: str
    #: The engine that runs its queries, as named by :data:`~ecosystem_graph.queries.ENGINES`: a
    #: named query runs its variant for this engine when it has one.
    sparql_engine: str

    def load_file(self, path: Path) -> None:
        """Replace the store's graph with the Turtle file at ``path``."""

    def query(self, sparql: str) -> Result:
        """Run a SPARQL query; raise :class:`QueryError` for a malformed one."""

    def graph(self) -> Graph:
        """The whole graph as an rdflib graph (for analytics and views)."""

    def is_empty(self) -> bool:
        """Whether the store holds no triples yet."""


@runtime_checkable
class PersistentStore(Store, Protocol):
    """A store that keeps the graph itself: ``build`` writes into it, readers need no build folder.

    ``persistent`` is true. ``replace`` swaps in a new graph atomically: readers see the whole
    old graph or the whole new one, also when the writer is killed half way.
    """

    persistent: bool

    def manifest(self) -> dict[str, Any] | None:
        """What the graph was built from (data folder, input fingerprints, checks), or ``None``."""

    def replace(self, chunks: Iterable[bytes], manifest: dict[str, Any],
                check: Callable[[Any], dict[str, Any] | None] | None = None) -> str:
        """Load N-Triples ``chunks`` as the new graph, run ``check`` on it, then make it current."""

    def close(self) -> None:
        """Release what the store holds open (a later query reopens it)."""


def is_persistent(store: Store) -> bool:
    """Whether ``store`` keeps its own graph (and so is built into rather than loaded).

    >>> is_persistent(open_store("memory")), is_persistent(open_store("oxigraph"))
    (False, False)
    """
    return bool(getattr(store, "persistent", False))


class MemoryStore:
    """rdflib's in-memory graph: simple and fine for small ecosystems."""

    sparql_engine = "rdflib"

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


def query_serialized(store: Store, sparql: str, fmt: str) -> bytes:
    """``sparql``'s results serialized in ``fmt`` (``json``, ``xml``, ``csv``, ``tsv``; ``nt``,
    ``turtle`` for graphs), natively when the store can (``query_serialized``), else through rdflib.

    >>> query_serialized(open_store("memory"), "SELECT ?x WHERE { VALUES ?x { 1 } }", "csv").split()
    [b'x', b'1']
    """
    native = getattr(store, "query_serialized", None)
    if native is not None:
        return native(sparql, fmt)
    result = store.query(sparql)
    graph_result = result.type in ("CONSTRUCT", "DESCRIBE")
    allowed = ("nt", "turtle") if graph_result else ("json", "xml", "csv", "tsv")
    if fmt not in allowed:
        raise QueryError(f"format {fmt!r} does not suit this query's results; expected one of {', '.join(allowed)}")
    if graph_result:
        return result.graph.serialize(format=fmt, encoding="utf-8")  # type: ignore[union-attr]
    if fmt in ("tsv", "xml"):
        from .results import format_result

        return format_result(result, fmt).encode()
    return result.serialize(format=fmt)  # type: ignore[return-value]


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


_REGISTRY: dict[str, Callable[[str], Store] | str] = {"memory": MemoryStore}


def register_store(name: str, factory: Callable[[str], Store] | str) -> None:
    """Make a store kind available to ``open_store`` and ``--store`` under ``name``.

    ``factory`` takes the spec's argument (after ``NAME:``) and returns the store; it may be
    given as ``"package.module:Class"``, imported only when such a store is opened.

    >>> register_store("example", "ecosystem_graph.stores:MemoryStore")
    >>> open_store("example").is_empty()
    True
    >>> _ = _REGISTRY.pop("example")
    """
    _REGISTRY[name] = factory


def _factory(name: str) -> Callable[[str], Store]:
    factory = _REGISTRY[name]
    if isinstance(factory, str):
        module, _, attribute = factory.partition(":")
        try:
            factory = getattr(importlib.import_module(module), attribute)
        except ImportError as exc:
            raise StoreError(f"store kind {name!r} needs a package that is not installed ({exc.name})") from None
        _REGISTRY[name] = factory
    return factory


register_store("oxigraph", "ecosystem_graph.oxigraph_store:OxigraphStore")
register_store("sparql", "ecosystem_graph.sparql_store:SparqlStore")


def store_names() -> list[str]:
    return sorted(_REGISTRY)


def open_store(spec: str) -> Store:
    """Open the store a spec names: ``memory``, or ``KIND:ARGUMENT`` for other kinds."""
    name, _, argument = spec.partition(":")
    if name not in _REGISTRY:
        raise StoreError(f"unknown store {spec!r}; expected one of memory, oxigraph, oxigraph:PATH"
                         + "".join(f", {n}:..." for n in store_names() if n not in ("memory", "oxigraph")))
    return _factory(name)(argument)
