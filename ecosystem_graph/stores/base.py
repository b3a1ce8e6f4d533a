"""The contract every store keeps: what the rest of the package may ask of a store.

A store kind subclasses :class:`Store` (or :class:`PersistentStore` when it keeps the graph
itself) and overrides what it can do better than the defaults; callers only ever call these
methods and read these attributes, so that a store is never probed for what it is.

>>> from ecosystem_graph.stores import open_store
>>> store = open_store("memory")
>>> store.persistent, store.remote, store.sparql_engine
(False, False, 'rdflib')
>>> list(store.text_rows("SELECT ?x ?y WHERE { VALUES ?x { <urn:a> 'b' } }"))
[('urn:a', None), ('b', None)]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from ..errors import QueryError, StoreError
from ..results import select_rows

__all__ = ["Check", "NTriplesFiles", "PersistentStore", "Store", "TextTriple", "decimal_text", "graph_text_triples"]

#: A triple as plain text: subject IRI, predicate IRI, object (an IRI or a literal's lexical form),
#: and the object's language: ``None`` for an IRI, else the literal's language tag or "".
TextTriple = tuple[str, str, str, str | None]

#: What checks a new graph before a persistent store makes it current: it sees the new graph as a
#: store of its own, may refuse it by raising, and what it returns is added to the manifest.
Check = Callable[[Any], dict[str, Any] | None]


class Store(ABC):
    """A graph that answers SPARQL. Subclasses implement the three abstract methods; the others
    have defaults that go through rdflib, which a store overrides when it can do better."""

    #: How the store was named: ``memory``, ``oxigraph:PATH``...
    spec: str
    #: The engine that runs its queries, as :data:`~ecosystem_graph.queries.VARIANT_ENGINES` names it:
    #: a named query runs its variant for this engine when it has one.
    sparql_engine: str = "rdflib"
    #: Whether the store keeps its graph itself (a build writes into it; readers need no build folder).
    persistent: bool = False
    #: Whether the store lives on another server (queries leave the machine).
    remote: ClassVar[bool] = False
    #: Whether a child process forked from the one using the store may query it too, after
    #: :meth:`in_forked_child` (a site written by two processes); stores that cannot say no.
    forkable: ClassVar[bool] = False

    def in_forked_child(self) -> None:  # noqa: B027 (a hook: most stores have nothing to let go of)
        """Called first in a forked child: let go of what the parent opened, without closing it (the
        parent still reads it), so that the child's queries open their own, on the same graph."""

    @abstractmethod
    def load_file(self, path: Path) -> None:
        """Replace the store's graph with the RDF file at ``path``."""

    @abstractmethod
    def query(self, sparql: str) -> Result:
        """Run a SPARQL query; raise :class:`~ecosystem_graph.errors.QueryError` for a malformed one."""

    @abstractmethod
    def graph(self) -> Graph:
        """The whole graph as an rdflib graph (for analytics and views; large for big graphs)."""

    def update(self, sparql: str) -> None:
        """Apply a SPARQL update to the graph; only in-memory stores take them."""
        raise StoreError(f"store {self.spec} takes no SPARQL updates")

    def count(self) -> int:
        """The number of triples in the graph."""
        return len(self.graph())

    def open(self) -> None:
        """Open the current graph now, with a clear :class:`StoreError` when there is none (a
        persistent store then holds that graph until :meth:`close`)."""
        return None  # nothing to open by default: a store that holds something overrides this

    def close(self) -> None:
        """Let go of what the store holds open; a later query opens it again."""
        return None  # nothing held by default

    def match(self, subject: Node | None, predicate: Node | None,
              obj: Node | None) -> Iterator[tuple[Node, Node, Node]] | None:
        """The default graph's triples matching a pattern (``None`` matches any term), read lazily from
        an index; ``None`` when the store cannot match in this process (the server's point lookups
        then go to a worker). Embedded stores override it.
        """
        return None

    def manifest(self) -> dict[str, Any] | None:
        """What the graph was built from (data folder, input fingerprints, checks), when the store keeps it."""
        return None

    def generation_folder(self) -> Path | None:
        """The folder of the graph generation being read, where results computed from it may be kept
        until the next build; ``None`` when this store has no generations."""
        return None

    def kept_answer(self, sparql: str, limit: int | None = None, offset: int = 0,
                    asked: bool = False) -> Result | None:
        """Rows ``offset`` to ``offset + limit`` of the SELECT ``sparql``'s answer kept for the current
        graph (made and kept now if it was not), or ``None`` when this store keeps no answers
        (see :mod:`ecosystem_graph.answers`). ``asked``: a query with parameters bound, whose
        answers are kept in a bounded folder."""
        return None

    def query_serialized(self, sparql: str, fmt: str) -> bytes:
        """``sparql``'s results serialized in ``fmt``: ``json``, ``xml``, ``csv``, ``tsv`` for SELECT
        and ASK; ``nt``, ``turtle`` for CONSTRUCT and DESCRIBE.

        >>> from ecosystem_graph.stores import open_store
        >>> open_store("memory").query_serialized("SELECT ?x WHERE { VALUES ?x { 1 } }", "csv").split()
        [b'x', b'1']
        """
        result = self.query(sparql)
        graph_result = result.type in ("CONSTRUCT", "DESCRIBE")
        allowed = ("nt", "turtle") if graph_result else ("json", "xml", "csv", "tsv")
        if fmt not in allowed:
            raise QueryError(f"format {fmt!r} does not suit this query's results; expected one of {', '.join(allowed)}")
        if graph_result:
            assert result.graph is not None
            return result.graph.serialize(format=fmt, encoding="utf-8")
        if fmt in ("tsv", "xml"):
            from ..results import format_result

            return format_result(result, fmt).encode()
        serialized = result.serialize(format=fmt)
        assert serialized is not None
        return serialized

    def text_triples(self, predicates: Iterable[str] | None = None,
                     exclude: Collection[str] = ()) -> Iterator[TextTriple]:
        """The triples of ``predicates`` (default: every predicate) but those of ``exclude``, as
        :data:`TextTriple` text, in no particular order (and possibly a triple more than once: the
        build's own file, which the store it keeps reads instead, repeats what records state twice);
        only triples of an IRI's (blank nodes' names mean nothing outside the store), decimals in
        canonical form (Oxigraph keeps no other: the build writes 15.00000), so that every store
        gives the same triples.

        >>> from ecosystem_graph.stores import open_store
        >>> store = open_store("memory")
        >>> store.load_file(Path(__file__).resolve().parents[2] / "ontology" / "ecosystem.ttl")
        >>> sorted(store.text_triples(["http://www.w3.org/2002/07/owl#versionInfo"]))  # doctest: +ELLIPSIS
        [('https://w3id.org/ecosystem-graph/ontology', 'http://www.w3.org/2002/07/owl#versionInfo', '...', '')]
        """
        return graph_text_triples(self.graph(), predicates, exclude)

    def text_rows(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """The rows of a SELECT query as plain text (an IRI, a literal's lexical form, a blank node's
        name; ``None`` when unbound). The query runs before the first row is read, so a bad one
        raises here."""
        result = self.query(sparql)
        return (tuple(None if term is None else str(term) for term in row) for row in select_rows(result))

    def iris(self, sparql: str) -> list[str]:
        """The IRIs in the first column of a SELECT (literals and blank nodes left out), as text.

        >>> from ecosystem_graph.stores import open_store
        >>> open_store("memory").iris("SELECT ?x WHERE { VALUES ?x { <urn:a> 'b' } }")
        ['urn:a']
        """
        return [str(row[0]) for row in select_rows(self.query(sparql)) if isinstance(row[0], URIRef)]


class PersistentStore(Store):
    """A store that can keep the graph itself: ``build`` writes into it, readers need no build folder.

    :meth:`replace` swaps in a new graph atomically: readers see the whole old graph or the whole
    new one, also when the writer is killed half way.
    """

    persistent = True

    @abstractmethod
    def manifest(self) -> dict[str, Any] | None:
        """What the current graph was built from, or ``None`` when nothing was built yet."""

    def spool_folder(self) -> Path | None:
        """Where a build writes the files it loads into this store from: the same disk as the store
        if it has one here, else ``None`` (the system's temporary folder)."""
        return None

    @abstractmethod
    def replace(self, chunks: Iterable[bytes] | NTriplesFiles, manifest: dict[str, Any], check: Check | None = None,
                progress: Callable[[int], None] | None = None) -> str:
        """Load N-Triples ``chunks`` (or files) as the new graph, run ``check`` on it, then make it
        current; the new generation's name. ``progress`` is told how many triples are loaded so far."""


@dataclass(frozen=True)
class NTriplesFiles:
    """A graph written to N-Triples files already (a build's spool), in order: a store that reads
    files loads them itself, any other takes their :meth:`chunks`.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "g.nt"
    >>> _ = path.write_bytes(b"<urn:a> <urn:p> <urn:b> .\\n<urn:a> <urn:p> <urn:c> .\\n")
    >>> list(NTriplesFiles((path,)).chunks(size=30))
    [b'<urn:a> <urn:p> <urn:b> .\\n', b'<urn:a> <urn:p> <urn:c> .\\n']
    """

    paths: tuple[Path, ...]

    def chunks(self, size: int = 1 << 24) -> Iterator[bytes]:
        """The files' bytes in whole lines, about ``size`` bytes at a time."""
        for path in self.paths:
            with open(path, "rb") as stream:
                rest = b""
                while block := stream.read(size):
                    cut = block.rfind(b"\n") + 1
                    if cut:
                        yield rest + block[:cut]
                        rest = block[cut:]
                    else:
                        rest += block
                if rest:
                    yield rest


def graph_text_triples(graph: Graph, predicates: Iterable[str] | None = None,
                       exclude: Collection[str] = ()) -> Iterator[TextTriple]:
    """:meth:`Store.text_triples` read from an rdflib graph's index."""
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
