"""The Oxigraph store: ``oxigraph`` (in memory) and ``oxigraph:PATH`` (persistent, on disk)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.query import Result
from rdflib.term import Node

from ...answers import ANSWERS_DIR, ASKED_DIR, ASKED_LIMIT, Answers, Page
from ...errors import QueryError, StoreError
from ..base import Check, NTriplesFiles, PersistentStore, TextTriple, decimal_text
from .generations import NativeCheck, StoreFolder
from .results import LazyResult, Terms, run_query, solutions, to_result

__all__ = ["OxigraphStore", "Snapshot"]

_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
            ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML}
_RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
_GRAPH_RESULT_FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE}


_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


@dataclass(frozen=True)
class Snapshot:
    """A file a build wrote from the same triples as one generation of its store (its Turtle or
    N-Triples beside the store), as it was when written: reading every triple from it takes a
    third of reading them out of the store (CORDIS, 1.6 million triples: 2.4 s against 7.1 s, every
    term of a store's result being one more RocksDB lookup).
    """

    generation: str
    path: Path
    size: int
    mtime_ns: int

    def open(self) -> int | None:
        """A descriptor of the file while it is still the one the build wrote (a later build replaces
        it by renaming, an edit changes its size or time), else ``None``."""
        try:
            handle = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None
        found = os.fstat(handle)
        if (found.st_size, found.st_mtime_ns) != (self.size, self.mtime_ns):
            os.close(handle)
            return None
        return handle


#: Database handles a forked child inherited from its parent (see :meth:`OxigraphStore.in_forked_child`).
_INHERITED: list[ox.Store] = []


class OxigraphStore(PersistentStore):
    """Oxigraph behind the :class:`~ecosystem_graph.stores.Store` interface.

    ``OxigraphStore()`` is a fresh in-memory store, loaded like ``memory`` from the build
    folder; ``OxigraphStore("PATH")`` is the persistent store in folder ``PATH``.
    """

    sparql_engine = "oxigraph"
    forkable = True

    def __init__(self, argument: str = "", native: ox.Store | None = None) -> None:
        self.persistent = bool(argument)
        self.spec = f"oxigraph:{argument}" if argument else "oxigraph"
        self.folder = StoreFolder(Path(argument).expanduser()) if argument else None
        self._native = native if native is not None else (None if argument else ox.Store())
        self._reader_lock: int | None = None
        self.generation: str | None = None
        self._pinned: str | None = None  # the generation to open instead of the current one
        # The server's point lookups read the same predicates and entities again and again; an rdflib
        # literal takes ~8 us to make (rdflib casts its value), a third of a lookup's conversions.
        self._match_terms = Terms(limit=1 << 14)
        #: Set by :func:`~ecosystem_graph.graph.open_graph` for the store a build keeps beside its files.
        self.snapshot: Snapshot | None = None

    # reading

    def open(self) -> None:
        self.native()

    def native(self) -> ox.Store:
        """The Oxigraph store queries run on (the current generation, opened read-only, when persistent)."""
        if self._native is None:
            assert self.folder is not None
            self._native, self._reader_lock, self.generation = self.folder.open_reader(self._pinned)
        return self._native

    def in_forked_child(self) -> None:
        """A persistent store opens its own reader of the parent's generation; the parent's database
        handle is kept, never dropped here (dropping it would close the parent's database from this
        process, whose helper threads it does not have); a child ends without finalizing it."""
        if self.folder is None or self._native is None:
            return  # an in-memory store is the child's own copy
        _INHERITED.append(self._native)
        self._pinned = self.generation
        self._native = None
        self._reader_lock = None  # the inherited descriptor shares the parent's lock; left open

    def query(self, sparql: str) -> Result:
        return to_result(run_query(self.native(), sparql))

    def query_serialized(self, sparql: str, fmt: str) -> bytes:
        """The query's results written by Oxigraph itself, with no rdflib terms made on the way.

        ``fmt``: ``json``, ``xml``, ``csv`` or ``tsv`` (SPARQL results) for SELECT and ASK;
        ``nt`` or ``turtle`` for CONSTRUCT and DESCRIBE.

        >>> OxigraphStore().query_serialized("SELECT ?x WHERE { VALUES ?x { 1 } }", "csv").split()
        [b'x', b'1']
        """
        native = run_query(self.native(), sparql)
        chosen: ox.RdfFormat | ox.QueryResultsFormat | None
        if isinstance(native, ox.QueryTriples):
            chosen = _GRAPH_RESULT_FORMATS.get(fmt)
            kinds = ", ".join(_GRAPH_RESULT_FORMATS)
        else:
            chosen = _RESULT_FORMATS.get(fmt)
            kinds = ", ".join(_RESULT_FORMATS)
        if chosen is None:
            raise QueryError(f"format {fmt!r} does not suit this query's results; expected one of {kinds}")
        serialized: bytes = native.serialize(format=chosen)
        return serialized

    def match(self, subject: Node | None, predicate: Node | None,
              obj: Node | None) -> Iterator[tuple[Node, Node, Node]] | None:
        """The default graph's triples matching a pattern of IRIs, converted as they are read
        (``None`` for a pattern with another kind of term, or an IRI Oxigraph refuses, so that
        a query holding one is refused as Oxigraph refuses it).

        ``None`` too for a store on disk: there each term read is a RocksDB lookup (140 us for a
        point lookup's 15 triples at 10,000 organizations), which the server's workers do on every
        core at once; in the server process alone, lookups went from 1,363 to 931 a second.

        >>> store = OxigraphStore()
        >>> store.native().update("INSERT DATA { <urn:a> <urn:p> <urn:b>, 'c' . <urn:b> <urn:p> 'd' }")
        >>> sorted(str(o) for _, _, o in store.match(URIRef("urn:a"), None, None))
        ['c', 'urn:b']
        >>> print(store.match(URIRef("http://[bad"), None, None))
        None
        """
        if self.persistent or not all(term is None or type(term) is URIRef for term in (subject, predicate, obj)):
            return None
        try:
            s, p, o = (None if term is None else ox.NamedNode(str(term)) for term in (subject, predicate, obj))
        except ValueError:
            return None
        convert = self._match_terms
        return ((convert(q.subject), convert(q.predicate), convert(q.object))
                for q in self.native().quads_for_pattern(s, p, o, ox.DefaultGraph()))

    def count(self) -> int:
        """The number of triples in the store."""
        row = next(iter(run_query(self.native(), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
        return int(row[0].value)

    def graph(self) -> Graph:
        """The whole graph as an rdflib graph (slow and large for big graphs: prefer queries)."""
        from ...namespaces import bind_prefixes

        data = self.native().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        assert data is not None  # None only when given an output to write to
        graph = bind_prefixes(Graph())
        graph.parse(data=data.decode("utf-8"), format="nt")
        return graph

    def text_triples(self, predicates: Iterable[str] | None = None,
                     exclude: Collection[str] = ()) -> Iterator[TextTriple]:
        """:func:`~ecosystem_graph.stores.text_triples`, one predicate at a time, so that no
        predicate is read back from the store once per triple: each term read from disk is a
        RocksDB lookup. At 100,000 organizations, the 1.8 million triples take ~11 s this way;
        ``quads_for_pattern`` per predicate takes 20-30% longer, parsing a dump into rdflib 86 s.
        With a :attr:`snapshot` of the generation open (the build's own file), that file is read instead.

        >>> store = OxigraphStore()
        >>> store.native().update("INSERT DATA { <urn:a> <urn:p> <urn:b>, 'c'@en . _:x <urn:p> 'd' }")
        >>> sorted(store.text_triples())
        [('urn:a', 'urn:p', 'c', 'en'), ('urn:a', 'urn:p', 'urn:b', None)]
        """
        native = self.native()
        snapshot = self.snapshot if self.snapshot and self.snapshot.generation == self.generation else None
        handle = snapshot.open() if snapshot else None
        if snapshot and handle is not None:
            try:  # read through the descriptor: the file checked is the file read
                yield from _file_text_triples(f"/dev/fd/{handle}", _FORMATS[snapshot.path.suffix], predicates, exclude)
            finally:
                os.close(handle)
            return
        if predicates is None:
            predicates = [row[0].value for row in solutions(native, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }")]
        for predicate in predicates:
            if predicate in exclude:
                continue
            for subject, value in solutions(native, f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}"):
                found = _text_triple(subject, predicate, value)
                if found is not None:
                    yield found

    def text_rows(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """:func:`~ecosystem_graph.stores.text_rows`: each term's text straight from Oxigraph.

        >>> list(OxigraphStore().text_rows("SELECT ?x ?y WHERE { VALUES ?x { <urn:a> 'b' } }"))
        [('urn:a', None), ('b', None)]
        """
        solutions = run_query(self.native(), sparql)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        return (tuple(None if term is None else term.value for term in row) for row in solutions)

    def iris(self, sparql: str) -> list[str]:
        """The IRIs of a SELECT's first column read as text, with no rdflib terms made: targets of the
        shapes reach hundreds of thousands of nodes."""
        return [row[0].value for row in run_query(self.native(), sparql) if type(row[0]) is ox.NamedNode]

    def update(self, sparql: str) -> None:
        if self.persistent:
            raise StoreError(f"store {self.spec} is written by builds only; it takes no SPARQL updates")
        self.native().update(sparql)

    def generation_folder(self) -> Path | None:
        if self.folder is None:
            return None
        self.native()  # opens (and holds) the current generation
        return self.folder.root / str(self.generation)

    def kept_answer(self, sparql: str, limit: int | None = None, offset: int = 0,
                    asked: bool = False) -> Result | None:
        generation = self.generation_folder()
        if generation is None:
            return None
        native = self.native()
        folder = generation / ANSWERS_DIR
        answers = Answers(folder / ASKED_DIR, ASKED_LIMIT) if asked else Answers(folder)
        found = answers.read(sparql)
        if found is None:
            ran = run_query(native, sparql)
            if not isinstance(ran, ox.QuerySolutions):
                return None
            answers.write(sparql, ran)
            found = answers.read(sparql)
            if found is None:  # the generation's folder takes no files: run it as it comes
                return None
        return LazyResult(Page(found, limit, offset))

    def manifest(self) -> dict[str, Any] | None:
        """What the current generation was built from (``None`` when nothing was built yet)."""
        if self.folder is None:
            return None
        return self.folder.manifest()

    def close(self) -> None:
        """Let go of the generation being read (a later query opens the current one again)."""
        self._native = None
        if self._reader_lock is not None:
            os.close(self._reader_lock)
            self._reader_lock = None
        gc.collect()

    def __del__(self) -> None:
        lock = getattr(self, "_reader_lock", None)
        if lock is not None:
            try:
                os.close(lock)
            except OSError:
                pass

    # writing

    def load_file(self, path: Path) -> None:
        """Replace the store's graph with the RDF file at ``path`` (its format from the suffix)."""
        path = Path(path)
        fmt = _FORMATS.get(path.suffix)
        if fmt is None:
            raise StoreError(f"{path}: expected an RDF file ending in {', '.join(_FORMATS)}")
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        if not self.persistent:
            native = ox.Store()
            try:
                # One call: loaded in two parts at once, the in-memory store took as long (100,000
                # organizations: 9.8, 10.1 s in one call; 9.7, 10.3 s in two parts).
                native.bulk_load(path=str(path), format=fmt)
            except SyntaxError as exc:
                raise StoreError(f"{path}: not valid RDF: {exc}") from None
            self._native = native
            return

        if self.folder is None:
            raise StoreError("only a persistent store (oxigraph:PATH) keeps generations")
        # Oxigraph reads the file itself: no Python reader in its parsing loop.
        self.folder.write_generation((path,), {"loaded_from": str(path.resolve())}, None, fmt, None)
        self.close()

    def spool_folder(self) -> Path | None:
        parent = self.folder.root.parent if self.folder is not None else None
        return parent if parent is not None and parent.is_dir() else None

    def replace(self, chunks: Iterable[bytes] | NTriplesFiles, manifest: dict[str, Any], check: Check | None = None,
                progress: Callable[[int], None] | None = None) -> str:
        """Atomically replace the persistent store's graph with the RDF streamed in ``chunks``.

        ``check`` may inspect (and veto, by raising) the new graph before it becomes current;
        what it returns is added to ``manifest``. Returns the new generation's name.
        """
        if self.folder is None:
            raise StoreError("only a persistent store (oxigraph:PATH) keeps generations")
        source = chunks.paths if isinstance(chunks, NTriplesFiles) else chunks  # files: read by Oxigraph
        name = self.folder.write_generation(source, manifest, check and _on_view(check), ox.RdfFormat.N_TRIPLES,
                                            progress)
        self.close()
        return name


def _file_text_triples(path: str, fmt: ox.RdfFormat, predicates: Iterable[str] | None,
                       exclude: Collection[str]) -> Iterator[TextTriple]:
    """:meth:`OxigraphStore.text_triples` read from an RDF file of the same triples, as the store
    gives them (decimals in the canonical form it keeps)."""
    wanted = None if predicates is None else set(predicates)
    for triple in ox.parse(path=path, format=fmt):
        predicate = triple.predicate.value
        if predicate in exclude or (wanted is not None and predicate not in wanted):
            continue
        found = _text_triple(triple.subject, predicate, triple.object)
        if found is not None:
            yield found


def _text_triple(subject: Any, predicate: str, value: Any) -> TextTriple | None:
    """A triple of Oxigraph terms as :data:`TextTriple` text, decimals in the canonical form the store
    keeps; ``None`` for a blank node's (see :meth:`~ecosystem_graph.stores.Store.text_triples`)."""
    if type(subject) is not ox.NamedNode:
        return None
    if type(value) is ox.NamedNode:
        return subject.value, predicate, value.value, None
    if type(value) is ox.Literal:
        text = decimal_text(value.value) if value.datatype == _DECIMAL else value.value
        return subject.value, predicate, text, value.language or ""
    return None


def _on_view(check: Check) -> NativeCheck:
    """``check`` run on a store over the new generation's database, closed once it returns."""
    def run(native: ox.Store) -> dict[str, Any] | None:
        view = OxigraphStore(native=native)
        try:
            return check(view)
        finally:
            view.close()
    return run
