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
from collections.abc import Callable, Collection, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql.sparql import Query as PreparedQuery
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

    # A store may also offer ``query_serialized``, ``text_triples`` and ``text_rows``: the
    # functions of those names below use them when it does, and rdflib when it does not.


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

    def query(self, sparql: str | PreparedQuery) -> Result:
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


#: A triple as plain text: subject IRI, predicate IRI, object (an IRI or a literal's lexical form),
#: and the object's language: ``None`` for an IRI, else the literal's language tag or "".
TextTriple = tuple[str, str, str, str | None]


def text_triples(store: Store, predicates: Iterable[str] | None = None,
                 exclude: Collection[str] = ()) -> Iterator[TextTriple]:
    """The triples of ``predicates`` (default: every predicate) but those of ``exclude``, as
    :data:`TextTriple` text, in no particular order; only triples of an IRI's (blank nodes' names
    mean nothing outside the store), decimals in canonical form (Oxigraph keeps no other: the build
    writes 15.00000). Natively when the store can (``text_triples``: Oxigraph reads the terms as
    strings, never as rdflib terms), else from the store's rdflib graph, so every store gives the
    same triples.

    >>> store = open_store("memory")
    >>> store.load_file(__import__("pathlib").Path(__file__).resolve().parents[1] / "ontology" / "ecosystem.ttl")
    >>> sorted(text_triples(store, ["http://www.w3.org/2002/07/owl#versionInfo"]))  # doctest: +ELLIPSIS
    [('https://w3id.org/ecosystem-graph/ontology', 'http://www.w3.org/2002/07/owl#versionInfo', '...', '')]
    """
    native = getattr(store, "text_triples", None)
    if native is not None:
        return native(predicates, exclude)
    return graph_text_triples(store.graph(), predicates, exclude)


def graph_text_triples(graph: Graph, predicates: Iterable[str] | None = None,
                       exclude: Collection[str] = ()) -> Iterator[TextTriple]:
    """:func:`text_triples` read from an rdflib graph's index."""
    patterns = [None] if predicates is None else [URIRef(p) for p in predicates if p not in exclude]
    for pattern in patterns:
        for s, p, o in graph.triples((None, pattern, None)):
            if not isinstance(s, URIRef) or (pattern is None and str(p) in exclude):
                continue
            if isinstance(o, URIRef):
                yield str(s), str(p), str(o), None
            elif isinstance(o, Literal):
                text = decimal_text(str(o)) if o.datatype == _DECIMAL else str(o)
                yield str(s), str(p), text, o.language or ""


_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


def decimal_text(lexical: str) -> str:
    """An xsd:decimal in the canonical form Oxigraph keeps, so that every store gives the same text.

    >>> decimal_text("15.00000"), decimal_text("-0.50"), decimal_text("100.0"), decimal_text("-0.0")
    ('15', '-0.5', '100', '0')
    """
    try:
        value = Decimal(lexical).normalize() + 0  # + 0: no exponent (1E+2 is 100), and -0 is 0
    except InvalidOperation:
        return lexical
    return format(value, "f")


def text_rows(store: Store, sparql: str) -> Iterator[tuple[str | None, ...]]:
    """The rows of a SELECT query as plain text (an IRI, a literal's lexical form, a blank node's
    name; ``None`` when unbound), natively when the store can (``text_rows``), else through rdflib.
    The query runs before the first row is read, so a bad one raises here.

    >>> list(text_rows(open_store("memory"), "SELECT ?x ?y WHERE { VALUES ?x { <urn:a> 'b' } }"))
    [('urn:a', None), ('b', None)]
    """
    native = getattr(store, "text_rows", None)
    if native is not None:
        return native(sparql)
    result = store.query(sparql)
    return (tuple(None if term is None else str(term) for term in row) for row in result)


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


def is_remote_spec(spec: str | None) -> bool:
    """Whether the store a spec names lives on another server (and so is reached over the network).

    >>> is_remote_spec("sparql:http://localhost:8890/sparql"), is_remote_spec("oxigraph:build/store")
    (True, False)
    """
    return (spec or "").partition(":")[0] == "sparql"


def store_names() -> list[str]:
    return sorted(_REGISTRY)


def open_store(spec: str) -> Store:
    """Open the store a spec names: ``memory``, or ``KIND:ARGUMENT`` for other kinds."""
    name, _, argument = spec.partition(":")
    if name not in _REGISTRY:
        raise StoreError(f"unknown store {spec!r}; expected one of memory, oxigraph, oxigraph:PATH"
                         + "".join(f", {n}:..." for n in store_names() if n not in ("memory", "oxigraph")))
    return _factory(name)(argument)
