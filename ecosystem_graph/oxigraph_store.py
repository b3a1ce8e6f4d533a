"""Oxigraph stores: ``oxigraph`` (in memory) and ``oxigraph:PATH`` (persistent, embedded, on disk).

A persistent store is a folder of *generations*, each a complete Oxigraph database::

    PATH/store.json          marks the folder as a store
    PATH/current -> gen-0007 the generation readers open (a symbolic link)
    PATH/gen-0007/oxigraph/  the Oxigraph (RocksDB) database
    PATH/gen-0007/manifest.json   what it was built from, how it was checked
    PATH/gen-0007/readers.lock    readers hold a shared lock on it while they read
    PATH/writer.lock         the build holds it: one build at a time

A build loads a new generation with Oxigraph's bulk loader, checks it, writes its manifest,
flushes every file to disk, and only then points ``current`` at it with one atomic rename. A
build killed at any moment therefore leaves ``current`` on the complete old generation (or, past
the rename, the complete new one); the half-loaded generation is removed by the next build.
Readers open ``current`` read-only and never block a build, nor a build them. An old
generation is deleted once no reader holds it.

Query results come back as rdflib ``Result`` objects (a SELECT's rows converted as they are read), so
callers cannot tell the stores apart; :meth:`OxigraphStore.query_serialized` writes them with
Oxigraph's own serializers instead.

>>> store = OxigraphStore()
>>> store.load_file(__import__("pathlib").Path(__file__).resolve().parents[1] / "ontology" / "ecosystem.ttl")
>>> store.query("ASK { ?s ?p ?o }").askAnswer
True
>>> row = next(iter(store.query("SELECT (COUNT(*) AS ?n) (STR('x') AS ?s) WHERE { ?a ?b ?c }")))
>>> int(row.n) > 100, row.s
(True, rdflib.term.Literal('x'))
"""

from __future__ import annotations

import errno
import fcntl
import gc
import json
import mmap
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result, ResultRow

from .errors import QueryError, QuerySyntaxError, StoreError
from .stores import TextTriple

STORE_FILE = "store.json"
CURRENT = "current"
WRITER_LOCK = "writer.lock"
READERS_LOCK = "readers.lock"
DATABASE = "oxigraph"
MANIFEST = "manifest.json"
GENERATION = re.compile(r"^gen-(\d{4,})$")
STORE_FORMAT = 1
#: Test-only: ``PHASE:TRIPLES:FLAG`` makes a build pause (see :func:`_pause_for_tests`).
PAUSE_VARIABLE = "ECOSYSTEM_GRAPH_TEST_PAUSE"

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
            ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML}
_RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
_GRAPH_RESULT_FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE}
#: Byte ranges of a file, read one after the other by one load call.
Ranges = list[tuple[int, int]]
#: Formats with one statement per line, which a file can be cut into parts of.
_LINE_FORMATS = {ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS}
#: Line-based files this large or larger load in parts, concurrently (and ranges of a file smaller
#: than this are not worth a load call of their own). Measured on 2 cores, one call against two parts
#: into a new on-disk store (medians of 7): 256 kB 0.02 s either way, 1 MB 0.052 s against 0.045 s,
#: 4 MB 0.20 s against 0.12 s, 8 MB 0.39 s against 0.22 s; below ~1 MB the threads cost what they save.
SPLIT_MIN_BYTES = 1 << 20
#: How many parts: one per core, two at most. On 2 cores, 3 and 4 parts (one run each) loaded 100,000
#: organizations in 12.9 and 11.7 s against 12.1 s for two: no gain beyond this shared machine's noise.
SPLIT_PARTS = min(2, os.cpu_count() or 1)
_BLANK = re.compile(rb"_:")
_READ_BYTES = 1 << 24


# -- results -----------------------------------------------------------------------------------


class _Terms:
    """Converts Oxigraph terms to rdflib terms, each distinct term once per result."""

    def __init__(self) -> None:
        self.seen: dict[Any, Any] = {}

    def __call__(self, term: Any) -> Any:
        if term is None:
            return None
        found = self.seen.get(term)
        if found is None:
            found = self.seen[term] = to_rdflib(term)
        return found


def to_rdflib(term: Any) -> Any:
    """The rdflib term for an Oxigraph term (plain strings become plain literals, as in rdflib).

    >>> to_rdflib(ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))).toPython()
    7
    >>> to_rdflib(ox.Literal("a")), to_rdflib(ox.NamedNode("urn:x"))
    (rdflib.term.Literal('a'), rdflib.term.URIRef('urn:x'))
    """
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if kind is ox.BlankNode:
        return BNode(term.value)
    if kind is ox.Triple:
        raise QueryError("the query returned an RDF-star triple term, which this project does not use")
    raise QueryError(f"unexpected term in a query result: {term!r}")


def to_result(native: Any) -> Result:
    """An rdflib ``Result`` holding what an Oxigraph query returned (SELECT, ASK, CONSTRUCT, DESCRIBE).

    A SELECT result is a :class:`LazyResult`: rows are converted as they are read.

    >>> result = to_result(ox.Store().query("SELECT ?x WHERE { VALUES ?x { 1 'a' } }"))
    >>> [str(v) for v in result.vars], [row.x.toPython() for row in result]
    (['x'], [1, 'a'])
    """
    if isinstance(native, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(native)
        return result
    if isinstance(native, ox.QueryTriples):
        convert = _Terms()
        result = Result("CONSTRUCT")
        graph = Graph()
        for triple in native:
            graph.add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))
        result.graph = graph
        return result
    return LazyResult(native)


class LazyResult(Result):
    """A SELECT result that converts Oxigraph's rows to rdflib terms only when they are read.

    It behaves like rdflib's own (rows by index or name, ``vars``, ``bindings``, ``len``,
    ``serialize``); rows read once are kept, so it can be iterated again. Converting 100,000
    rows up front cost seconds that a caller reading only the first rows never needed.

    >>> result = LazyResult(ox.Store().query("SELECT ?x ?y WHERE { VALUES (?x ?y) { (1 UNDEF) ('a' 'b') } }"))
    >>> row = next(iter(result))
    >>> row.x.toPython(), row["y"], row[0] == row.x
    (1, None, True)
    >>> len(result), [str(r.x) for r in result], result.bindings[1][Variable("y")]
    (2, ['1', 'a'], rdflib.term.Literal('b'))
    """

    def __init__(self, native: Any) -> None:
        super().__init__("SELECT")
        self.vars = [Variable(v.value) for v in native.variables]
        self._labels = {str(v): i for i, v in enumerate(self.vars)}
        self._native: Iterator[Any] | None = iter(native)
        self._rows: list[ResultRow] = []
        self._convert = _Terms()

    def __iter__(self) -> Iterator[Any]:
        yield from self._rows
        while self._native is not None:
            row = self._next_row()
            if row is not None:
                yield row

    def _next_row(self) -> ResultRow | None:
        """Convert one more native row (``None`` when it binds nothing, or at the end)."""
        assert self._native is not None
        try:
            solution = next(self._native)
        except StopIteration:
            self._native = None
            return None
        values = tuple(map(self._convert, solution))
        if all(v is None for v in values):  # rdflib shows no row for an empty binding
            return None
        # Made like rdflib's ResultRow, with one label index shared by every row.
        row = tuple.__new__(ResultRow, values)
        row.labels = self._labels
        self._rows.append(row)
        return row

    def _read_all(self) -> list[ResultRow]:
        while self._native is not None:
            self._next_row()
        return self._rows

    @property  # type: ignore[override]
    def bindings(self) -> list[dict[Variable, Any]]:
        variables = self.vars or []
        return [{v: t for v, t in zip(variables, row) if t is not None} for row in self._read_all()]

    @bindings.setter
    def bindings(self, value: Any) -> None:
        raise AttributeError("a LazyResult's rows come from its query")

    def __len__(self) -> int:
        return len(self._read_all())


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def run_query(native: ox.Store, sparql: str) -> Any:
    """Run ``sparql`` on an Oxigraph store, with its errors as :class:`QueryError`.

    >>> run_query(ox.Store(), "SELECT ?x WHERE {\\n ?x }")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.QuerySyntaxError: malformed query at line 2, column ...: ...
    """
    try:
        return native.query(sparql)
    except SyntaxError as exc:
        match = _POSITION.match(str(exc))
        if match:
            raise QuerySyntaxError(sparql, int(match.group(1)), int(match.group(2)), match.group(3)) from None
        raise QueryError(f"malformed query: {exc}") from None
    except OSError as exc:
        raise StoreError(f"cannot read the store: {exc}") from None
    except Exception as exc:  # evaluation errors are the query's fault
        raise QueryError(f"the query failed: {exc}") from None


# -- the store ---------------------------------------------------------------------------------


class OxigraphStore:
    """Oxigraph behind the :class:`~ecosystem_graph.stores.Store` interface.

    ``OxigraphStore()`` is a fresh in-memory store, loaded like ``memory`` from the build
    folder; ``OxigraphStore("PATH")`` is the persistent store in folder ``PATH``.
    """

    sparql_engine = "oxigraph"

    def __init__(self, argument: str = "", native: ox.Store | None = None) -> None:
        self.persistent = bool(argument)
        self.spec = f"oxigraph:{argument}" if argument else "oxigraph"
        self.folder = StoreFolder(Path(argument).expanduser()) if argument else None
        self._native = native if native is not None else (None if argument else ox.Store())
        self._reader_lock: int | None = None
        self.generation: str | None = None

    # reading

    def native(self) -> ox.Store:
        """The Oxigraph store queries run on (the current generation, opened read-only, when persistent)."""
        if self._native is None:
            assert self.folder is not None
            self._native, self._reader_lock, self.generation = self.folder.open_reader()
        return self._native

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
        if isinstance(native, ox.QueryTriples):
            chosen = _GRAPH_RESULT_FORMATS.get(fmt)
            kinds = ", ".join(_GRAPH_RESULT_FORMATS)
        else:
            chosen = _RESULT_FORMATS.get(fmt)
            kinds = ", ".join(_RESULT_FORMATS)
        if chosen is None:
            raise QueryError(f"format {fmt!r} does not suit this query's results; expected one of {kinds}")
        return native.serialize(format=chosen)

    def count(self) -> int:
        """The number of triples in the store."""
        row = next(iter(run_query(self.native(), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
        return int(row[0].value)

    def graph(self) -> Graph:
        """The whole graph as an rdflib graph (slow and large for big graphs: prefer queries)."""
        from .namespaces import bind_prefixes

        data = self.native().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        graph = bind_prefixes(Graph())
        graph.parse(data=data.decode("utf-8"), format="nt")
        return graph

    def text_triples(self, predicates: Iterable[str] | None = None,
                     exclude: Collection[str] = ()) -> Iterator[TextTriple]:
        """:func:`~ecosystem_graph.stores.text_triples`, one predicate at a time, so that no
        predicate is read back from the store once per triple: each term read from disk is a
        RocksDB lookup. At 100,000 organizations, the 1.8 million triples take ~11 s this way;
        ``quads_for_pattern`` per predicate takes 20-30% longer, parsing a dump into rdflib 86 s.

        >>> store = OxigraphStore()
        >>> store.native().update("INSERT DATA { <urn:a> <urn:p> <urn:b>, 'c'@en . _:x <urn:p> 'd' }")
        >>> sorted(store.text_triples())
        [('urn:a', 'urn:p', 'c', 'en'), ('urn:a', 'urn:p', 'urn:b', None)]
        """
        native = self.native()
        if predicates is None:
            predicates = [row[0].value for row in native.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")]
        for predicate in predicates:
            if predicate in exclude:
                continue
            for subject, value in native.query(f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}"):
                if type(subject) is not ox.NamedNode:
                    continue
                if type(value) is ox.NamedNode:
                    yield subject.value, predicate, value.value, None
                elif type(value) is ox.Literal:
                    yield subject.value, predicate, value.value, value.language or ""

    def text_rows(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """:func:`~ecosystem_graph.stores.text_rows`: each term's text straight from Oxigraph.

        >>> list(OxigraphStore().text_rows("SELECT ?x ?y WHERE { VALUES ?x { <urn:a> 'b' } }"))
        [('urn:a', None), ('b', None)]
        """
        solutions = run_query(self.native(), sparql)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        return (tuple(None if term is None else term.value for term in row) for row in solutions)

    def is_empty(self) -> bool:
        if self.persistent and self.folder is not None and self.folder.current() is None:
            return True
        return not bool(run_query(self.native(), "ASK { ?s ?p ?o }"))

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
        self.folder.write_generation(path, {"loaded_from": str(path.resolve())}, None, fmt)
        self.close()

    def replace(self, chunks: Iterable[bytes], manifest: dict[str, Any],
                check: Callable[[OxigraphStore], dict[str, Any] | None] | None = None,
                fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> str:
        """Atomically replace the persistent store's graph with the RDF streamed in ``chunks``.

        ``check`` may inspect (and veto, by raising) the new graph before it becomes current;
        what it returns is added to ``manifest``. Returns the new generation's name.
        """
        if self.folder is None:
            raise StoreError("only a persistent store (oxigraph:PATH) keeps generations")
        name = self.folder.write_generation(chunks, manifest, check, fmt)
        self.close()
        return name


class _PipeFeeder:
    """Writes byte chunks into a pipe from a thread, for Oxigraph's bulk loader to read as a file.

    Read through a Python object, the loader takes the GIL for every read, so it waited while
    Python made the triples and Python waited while it parsed; reading a pipe it runs alongside
    the thread that makes them (the load at 100,000 organizations: ~39 s to ~28 s on 2 cores).

    >>> feeder = _PipeFeeder([b"<urn:a> <urn:b> <urn:c> .\\n"])
    >>> native = ox.Store(); native.bulk_load(path=feeder.start(), format=ox.RdfFormat.N_TRIPLES)
    >>> feeder.finish(); len(native), feeder.lines
    (1, 1)
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        self._read, self._write = os.pipe()
        self._thread = threading.Thread(target=self._run, name="ntriples-feeder", daemon=True)
        self.lines = 0
        self.error: BaseException | None = None

    def start(self) -> str:
        """Start writing; the path the loader reads."""
        self._thread.start()
        return f"/dev/fd/{self._read}"

    def _run(self) -> None:
        try:
            for chunk in self._chunks:
                self.lines += chunk.count(b"\n")
                _pause_for_tests("loading", self.lines)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(self._write, view):]
        except BaseException as exc:  # re-raised by finish(), in the build's thread
            self.error = exc
        finally:
            os.close(self._write)  # the loader sees the end (a failed run's end is caught by finish())

    def finish(self) -> None:
        """Wait for the writing thread; raise what stopped it, if anything did."""
        os.close(self._read)  # a loader that gave up early leaves the writer blocked: this frees it (EPIPE)
        self._thread.join()
        if self.error is not None and not isinstance(self.error, BrokenPipeError):
            raise self.error


# -- loading a file in parts -------------------------------------------------------------------


def bulk_load_file(native: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Bulk-load the RDF file at ``path`` into ``native``: an N-Triples or N-Quads file of
    :data:`SPLIT_MIN_BYTES` or more in :data:`SPLIT_PARTS` parts at once, anything else in one call.

    Oxigraph parses each call on one core; parts loaded by concurrent calls use the others. Each
    call's bytes are read into memory and handed to Oxigraph as they are (at most the file's size
    at once; 1.33 GB peak against 1.19 GB in one call at 100,000 organizations): no slower than
    feeding each part through a pipe (load alone 11.6, 11.6 s against 12.5, 11.8 s), and no
    writer thread to stop.
    A syntax error is raised as a ``SyntaxError`` naming ``path`` and the line in it.
    """
    size = path.stat().st_size
    if fmt not in _LINE_FORMATS or size < SPLIT_MIN_BYTES or SPLIT_PARTS < 2:
        native.bulk_load(path=str(path), format=fmt)
        return
    handle = os.open(path, os.O_RDONLY)
    try:
        parts = _plan_parts(handle, size, SPLIT_PARTS)
        if parts is None:
            native.bulk_load(path=str(path), format=fmt)
            return
        # A failing part cannot stop the others (a load call cannot be interrupted): they finish,
        # then the first failing part's error is raised (the generation is discarded).
        with ThreadPoolExecutor(len(parts), thread_name_prefix="bulk-load") as pool:
            futures = [pool.submit(_load_part, native, path, handle, calls, fmt) for calls in parts]
            for future in futures:
                future.result()
    finally:
        os.close(handle)


def _plan_parts(handle: int, size: int, count: int) -> list[list[Ranges]] | None:
    """The load calls of each part, one after the other, each as the byte ranges it reads
    (``None``: load the file in one call).

    The file is cut after newlines into ``count`` spans. Oxigraph names the blank nodes of each load
    call afresh (``_:b1`` loaded by two calls is two nodes), so every line holding the bytes ``_:``
    (inside a literal or IRI too, harmlessly) is taken out of its span and all are loaded by one
    call, the first part's first. The rest of each span, cut by those lines, is loaded a range a call:
    each call reads bytes Oxigraph is given as they are, with no copy to join them; ranges smaller
    than :data:`SPLIT_MIN_BYTES` go with the blank-node lines, not worth a call of their own.
    """
    with mmap.mmap(handle, size, prot=mmap.PROT_READ) as view:
        # A cut with no newline after it finds -1: it falls on 0 and, in a set, goes.
        cuts = sorted({0, size} | {view.find(b"\n", size * i // count) + 1 for i in range(1, count)})
        if len(cuts) < 3:
            return None
        blank = _blank_node_lines(view, size)
    gathered = list(blank)
    parts: list[list[Ranges]] = []
    for start, end in zip(cuts, cuts[1:]):
        ranges = _without(start, end, [line for line in blank if start <= line[0] < end])
        gathered += [r for r in ranges if r[1] - r[0] < SPLIT_MIN_BYTES]
        parts.append([[r] for r in ranges if r[1] - r[0] >= SPLIT_MIN_BYTES])
    if gathered:
        parts[0].insert(0, sorted(gathered))
    parts = [calls for calls in parts if calls]
    return parts if len(parts) > 1 else None


def _blank_node_lines(view: mmap.mmap, size: int) -> Ranges:
    """The byte ranges of the lines that hold ``_:`` (adjacent lines merged)."""
    lines: Ranges = []
    taken = 0
    for match in _BLANK.finditer(view):  # type: ignore[call-overload]
        if match.start() < taken:
            continue  # a second ``_:`` on a line already taken
        begin = view.rfind(b"\n", 0, match.start()) + 1
        end = view.find(b"\n", match.end())
        taken = size if end < 0 else end + 1
        if lines and lines[-1][1] == begin:
            lines[-1] = (lines[-1][0], taken)
        else:
            lines.append((begin, taken))
    return lines


def _without(start: int, end: int, holes: Ranges) -> Ranges:
    """The range ``start``-``end`` less the (sorted, inner) ``holes``."""
    ranges: Ranges = []
    for begin, stop in holes:
        if begin > start:
            ranges.append((start, begin))
        start = stop
    if end > start:
        ranges.append((start, end))
    return ranges


def _load_part(native: ox.Store, path: Path, handle: int, calls: list[Ranges], fmt: ox.RdfFormat) -> None:
    """Bulk-load one part of the file, a call after the other; syntax errors in the file's own lines."""
    _pause_for_tests("loading")
    for ranges in calls:
        data = b"".join(_read(handle, start, end) for start, end in ranges)  # one range: no copy
        try:
            native.bulk_load(input=data, format=fmt)
        except SyntaxError as exc:
            raise _in_file(exc, path, handle, ranges) from None


def _read(handle: int, start: int, end: int) -> bytes:
    """The file's bytes from ``start`` to ``end`` (fewer if it shrank meanwhile, as one call would load)."""
    data = os.pread(handle, end - start, start)
    if len(data) == end - start or not data:
        return data
    return data + _read(handle, start + len(data), end)  # Linux reads at most ~2 GB a call


def _in_file(exc: SyntaxError, path: Path, handle: int, ranges: Ranges) -> SyntaxError:
    """``exc``, raised by a call reading ``ranges``, with ``path`` and the lines of the whole file."""
    line = exc.lineno or 1
    earlier = 0  # the call's lines in the ranges before
    for start, end in ranges:
        inside = _newlines(handle, start, end)
        if line - earlier <= inside or (start, end) == ranges[-1]:
            shift = _newlines(handle, 0, start) - earlier
            break
        earlier += inside
    message = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + shift}", exc.msg)
    end_line = exc.end_lineno + shift if exc.end_lineno else None
    return SyntaxError(message, (str(path), line + shift, exc.offset, None, end_line, exc.end_offset))


def _newlines(handle: int, start: int, end: int) -> int:
    """How many newlines the file holds from ``start`` to ``end`` (counted only to report an error)."""
    total = 0
    while start < end:
        piece = os.pread(handle, min(_READ_BYTES, end - start), start)
        if not piece:
            break
        total += piece.count(b"\n")
        start += len(piece)
    return total


def _pause_for_tests(phase: str, triples: int = 0) -> None:
    """Test-only: with ``ECOSYSTEM_GRAPH_TEST_PAUSE=PHASE:TRIPLES:FLAG`` a build reaching ``PHASE``
    (``loading``, after at least TRIPLES triples; or ``swap``, just before the new generation
    becomes current) writes ``FLAG.paused`` and waits until ``FLAG.resume`` exists (at most 120 s),
    so that a test can kill it there or query the store meanwhile."""
    setting = os.environ.get(PAUSE_VARIABLE)
    if not setting:
        return
    wanted, _, rest = setting.partition(":")
    count, _, flag = rest.partition(":")
    if wanted != phase or triples < int(count or 0) or not flag:
        return
    paused, resume = Path(flag + ".paused"), Path(flag + ".resume")
    if paused.exists():
        return  # pause once
    paused.write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while not resume.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


# -- the folder of generations -----------------------------------------------------------------


class StoreFolder:
    """The on-disk layout of a persistent store: generations, the ``current`` link and the locks."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __str__(self) -> str:
        return str(self.root)

    # what is there

    def check(self, creating: bool = False) -> None:
        """Raise :class:`StoreError` unless the folder is a store (or, when ``creating``, can become one)."""
        root = self.root
        if root.exists() and not root.is_dir():
            raise StoreError(f"store {root}: expected a folder (oxigraph:PATH names a folder), found a file")
        if not root.exists():
            if creating:
                return
            raise StoreError(f"store {root}: no such folder; build a graph into it first "
                             f"(ecosystem-graph build DATA --store oxigraph:{root})")
        marker = root / STORE_FILE
        try:
            names = sorted(p.name for p in root.iterdir())
        except PermissionError:
            raise StoreError(f"store {root}: permission denied reading the folder") from None
        if not marker.exists():
            if not names:
                if creating:
                    return
                raise StoreError(f"store {root} holds no graph yet; build one into it first "
                                 f"(ecosystem-graph build DATA --store oxigraph:{root})")
            looks_raw = "CURRENT" in names and any(n.startswith("OPTIONS-") for n in names)
            hint = (" (it looks like an Oxigraph database made by another tool; load its data into a "
                    "new store instead)") if looks_raw else ""
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise StoreError(f"store {root}: expected an ecosystem-graph store (a folder with {STORE_FILE}, "
                             f"{CURRENT} and gen-NNNN folders) or an empty folder, found {shown}{hint}")
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"store {root}: {STORE_FILE} is unreadable ({exc})") from None
        if info.get("format") != STORE_FORMAT:
            raise StoreError(f"store {root}: expected store format {STORE_FORMAT} in {STORE_FILE}, "
                             f"found {info.get('format')!r}")

    def current(self) -> str | None:
        """The name of the current generation, ``None`` before the first build."""
        try:
            target = os.readlink(self.root / CURRENT)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"store {self.root}: '{CURRENT}' is not a link to a generation ({exc.strerror})") \
                from None
        return Path(target).name

    def generations(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted((p.name for p in self.root.iterdir() if GENERATION.match(p.name)),
                      key=lambda n: int(GENERATION.match(n).group(1)))  # type: ignore[union-attr]

    def manifest(self) -> dict[str, Any] | None:
        """The current generation's manifest; ``None`` for a new (missing or empty) folder."""
        self.check(creating=True)
        name = self.current() if self.root.is_dir() else None
        if name is None:
            return None
        try:
            return json.loads((self.root / name / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"store {self.root}: the manifest of generation {name} is unreadable ({exc})") \
                from None

    # reading

    def open_reader(self) -> tuple[ox.Store, int, str]:
        """Open the current generation read-only, holding a shared lock that keeps it from deletion."""
        self.check()
        for _ in range(20):
            name = self.current()
            if name is None:
                raise StoreError(f"store {self.root} holds no graph yet; build one into it first "
                                 f"(ecosystem-graph build DATA --store oxigraph:{self.root})")
            generation = self.root / name
            try:
                lock = os.open(generation / READERS_LOCK, os.O_RDONLY)
            except FileNotFoundError:
                if self.current() == name:
                    raise StoreError(f"store {self.root} is damaged: '{CURRENT}' points to {name}, "
                                     "which is missing or incomplete") from None
                continue  # a build replaced and removed it meanwhile: take the new one
            fcntl.flock(lock, fcntl.LOCK_SH)
            if not (generation / DATABASE).is_dir():
                os.close(lock)
                continue
            try:
                native = ox.Store.read_only(str(generation / DATABASE))
            except OSError as exc:
                os.close(lock)
                raise StoreError(f"store {self.root}: cannot open generation {name} ({exc})") from None
            return native, lock, name
        raise StoreError(f"store {self.root}: its current generation kept changing; try again")

    # writing

    def _writer_lock(self) -> int:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.root / WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _write_error(self.root, exc) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(handle)
            raise StoreError(f"store {self.root} is locked: another build (process {holder}) is writing "
                             "it; try again when it has finished") from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        return handle

    def write_generation(self, source: Iterable[bytes] | Path, manifest: dict[str, Any],
                         check: Callable[[OxigraphStore], dict[str, Any] | None] | None, fmt: ox.RdfFormat) -> str:
        """Load ``source`` (byte chunks, or a file Oxigraph reads itself) as a new generation, check it,
        then make it current; the generation's name."""
        self.check(creating=True)
        lock = self._writer_lock()
        try:
            self._mark()
            self.remove_unused()
            numbers = [int(GENERATION.match(n).group(1)) for n in self.generations()]  # type: ignore[union-attr]
            name = f"gen-{max(numbers, default=0) + 1:04d}"
            generation = self.root / name
            try:
                self._load(generation, source, manifest, check, fmt)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                raise
            _pause_for_tests("swap")
            self._point_current(name)
            self.remove_unused()
            return name
        finally:
            os.close(lock)

    def _mark(self) -> None:
        marker = self.root / STORE_FILE
        if not marker.exists():
            try:
                _write_synced(marker, json.dumps({"format": STORE_FORMAT, "kind": "ecosystem-graph oxigraph store"},
                                                 indent=2).encode())
            except OSError as exc:
                raise _write_error(self.root, exc) from None

    def _load(self, generation: Path, source: Iterable[bytes] | Path, manifest: dict[str, Any],
              check: Callable[[OxigraphStore], dict[str, Any] | None] | None, fmt: ox.RdfFormat) -> None:
        try:
            generation.mkdir()
            (generation / READERS_LOCK).touch()
            native = ox.Store(str(generation / DATABASE))
        except OSError as exc:
            raise _write_error(self.root, exc) from None
        feeder = None if isinstance(source, Path) else _PipeFeeder(source)
        try:
            if feeder is None:
                bulk_load_file(native, source, fmt)  # type: ignore[arg-type]
            else:
                try:
                    native.bulk_load(path=feeder.start(), format=fmt)
                finally:
                    feeder.finish()  # raises what stopped the chunks: the loader saw a cut graph end there
        except BaseException as exc:
            if feeder is not None and feeder.error is not None and not isinstance(feeder.error, BrokenPipeError):
                raise feeder.error from None
            if isinstance(exc, SyntaxError):
                raise StoreError(f"store {self.root}: the graph to load is not valid RDF ({exc})") from None
            if isinstance(exc, OSError):
                raise _write_error(self.root, exc) from None
            raise
        try:
            # No optimize(): compacting the bulk loader's files took 4-7 s at 1.8 million triples
            # (a tenth of a build) and, measured again on the named queries, made no difference
            # beyond the noise of a shared machine (the bulk loader already writes sorted files).
            native.flush()
            view = OxigraphStore(native=native)
            # N-Triples puts every triple in the default graph, so the store's quads are its triples,
            # counted about twice as fast as by the COUNT query (100,000 organizations, side by side
            # on a busy machine: 0.61, 0.64 s against 1.31, 1.76 s).
            triples = len(native) if fmt == ox.RdfFormat.N_TRIPLES else view.count()
            manifest = {**manifest, "generation": generation.name, "triples": triples}
            if check is not None:
                manifest.update(check(view) or {})  # it may raise, to refuse the graph
            view.close()
            del view, native
            gc.collect()  # closes the database before its files are synced
            _write_synced(generation / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
            _sync_tree(generation)
        except OSError as exc:
            raise _write_error(self.root, exc) from None

    def _point_current(self, name: str) -> None:
        temporary = self.root / f".{CURRENT}.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        os.symlink(name, temporary)
        os.replace(temporary, self.root / CURRENT)
        _sync_dir(self.root)

    def remove_unused(self) -> list[str]:
        """Delete every generation but the current one that no reader holds; the names deleted."""
        current = self.current()
        removed = []
        for leftover in self.root.glob(f".{CURRENT}.*"):  # a link made by a build killed before renaming it
            leftover.unlink(missing_ok=True)
        for name in self.generations():
            if name == current:
                continue
            path = self.root / name
            try:
                handle = os.open(path / READERS_LOCK, os.O_RDONLY)
            except FileNotFoundError:
                handle = None  # never finished: nobody reads it
            try:
                if handle is not None:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(path, ignore_errors=True)
                removed.append(name)
            except BlockingIOError:
                pass  # a reader still has it open; a later build removes it
            finally:
                if handle is not None:
                    os.close(handle)
        return removed


def _write_error(root: Path, exc: OSError) -> StoreError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(f"cannot write to store {root}: {exc.strerror or exc} "
                          "(the folder or its file system is read-only)")
    if exc.errno == errno.ENOSPC:
        return StoreError(f"cannot write to store {root}: no space left on the device")
    text = str(exc)
    if "lock" in text.lower():
        return StoreError(f"store {root} is locked by another process ({text})")
    return StoreError(f"cannot write to store {root}: {text}")


def _write_synced(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    _sync_dir(path.parent)


def _sync_dir(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _sync_tree(root: Path) -> None:
    """Flush every file and folder under ``root`` to disk."""
    for folder, _, files in os.walk(root):
        for name in files:
            handle = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
        _sync_dir(Path(folder))
