"""``sparql:URL``: the graph in a remote triple store (Virtuoso, Fuseki, GraphDB, Oxigraph server...).

The store speaks the standard protocols only: SPARQL 1.1 Query to read, SPARQL 1.1 Update and the
Graph Store Protocol to write; what one engine does differently lives in :mod:`.engines`.

**Generations and the current pointer.** The graph named ``G`` (``--graph``, default
``DEFAULT_GRAPH``) is a small *control graph*; the ecosystem itself lives in generation graphs
``G/gen-STAMP-ID``. The control graph says which generation is current::

    GRAPH <G> { <G> eg:current <G/gen-B> ; eg:previous <G/gen-A> ; eg:generation <G/gen-A>, <G/gen-B> .
                <G/gen-B> eg:manifest "{...json...}" }

A push registers a new generation, loads it in batches (Graph Store Protocol ``POST`` of
N-Triples where there is such an endpoint, else ``INSERT DATA``), checks that the store holds
exactly the distinct triples sent, runs the build's checks on it, and only then moves
``eg:current`` to it with one SPARQL Update request, which the protocol makes atomic. That request
is a compare-and-swap: it only applies when ``eg:current`` is still what the push saw when it
started, so of two concurrent pushes one wins and the other reports it. Readers read the pointer
once and then query that generation alone (the protocol's ``default-graph-uri``), so they never
see half a graph; the previous generation is kept until the next push, so a reader that opened
it just before a swap can finish. A push that fails or is killed leaves the current graph as it
was; its half-loaded generation is removed by the next push.

Credentials come from ``ECOSYSTEM_GRAPH_SPARQL_USER`` and ``ECOSYSTEM_GRAPH_SPARQL_PASSWORD`` (or
the ``push`` command's ``--user`` and ``--password-file``), never from a URL or an argument, and
never appear in a message.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.query import Result

from ...errors import StoreError
from ...results import select_rows
from ..base import Check, NTriplesFiles, PersistentStore
from .batches import Batches, rdf_file_chunks
from .client import EG, Settings, SparqlClient, safe_url

__all__ = ["Generation", "SparqlStore"]


@dataclass(frozen=True)
class Generation:
    """One loaded graph in the remote store: its IRI and the manifest it was pushed with."""

    iri: str
    manifest: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


class SparqlStore(PersistentStore):
    """A graph kept in a remote SPARQL 1.1 store (see the module's documentation for the design)."""

    remote = True

    def __init__(self, argument: str = "", settings: Settings | None = None,
                 pinned: Generation | None = None) -> None:
        if settings is None:
            if not argument:
                raise StoreError("store sparql: needs the query endpoint's URL, e.g. sparql:http://localhost:8890/sparql")
            settings = Settings.from_env(argument)
        self.settings = settings
        self.spec = f"sparql:{safe_url(settings.query_url)}"
        self._client: SparqlClient | None = None
        self._pinned = pinned
        self._fixed = pinned is not None  # a view of one generation (a build's check) never moves

    def configure(self, **changes: Any) -> SparqlStore:
        """Change settings (``None`` values are ignored), e.g. from the ``push`` command's options."""
        self.close()
        self.settings = self.settings.but(**changes)
        self.spec = f"sparql:{safe_url(self.settings.query_url)}"
        return self

    @property
    def client(self) -> SparqlClient:
        if self._client is None:
            self._client = SparqlClient(self.settings)
        return self._client

    @property
    def graph_iri(self) -> str:
        return self.settings.graph

    @property
    def sparql_engine(self) -> str:  # type: ignore[override]  # read-only: known from the remote's answers
        """The remote engine's name (``virtuoso``, ``generic``), from its answers unless configured."""
        return self.client.engine.name

    # the control graph

    def control(self) -> dict[str, Any]:
        """What the control graph says: ``current`` and ``previous`` (IRIs or ``None``),
        ``generations`` (every registered one) and the current ``manifest``."""
        g = _iri(self.graph_iri)
        rows = self.client.query(f"""
            SELECT ?p ?o ?m WHERE {{ GRAPH {g} {{
              {g} ?p ?o . FILTER (?p IN (<{EG}current>, <{EG}previous>, <{EG}generation>))
              OPTIONAL {{ FILTER (?p = <{EG}current>) ?o <{EG}manifest> ?m }} }} }}""", None)
        found: dict[str, Any] = {"current": None, "previous": None, "generations": set(), "manifest": None}
        for row in select_rows(rows):
            key = str(row[0])[len(EG):]
            if key == "generation":
                found["generations"].add(str(row[1]))
            else:
                found[key] = str(row[1])
            if key == "current" and row[2] is not None:
                found["manifest"] = _manifest(str(row[2]))
        return found

    def current(self) -> Generation | None:
        """The generation this store reads: pinned at the first read until :meth:`close`."""
        if self._pinned is None:
            found = self.control()
            if found["current"] is not None:
                self._pinned = Generation(found["current"], found["manifest"])
        return self._pinned

    def open(self) -> None:
        self.open_current()

    def open_current(self) -> Generation:
        """The generation this store reads (pinned until :meth:`close`), or a clear error when none."""
        found = self.current()
        if found is None:
            raise StoreError(f"store {self.spec} holds no graph {self.graph_iri} yet; push one "
                             f"(ecosystem-graph push build --store {self.spec}) or build into it "
                             f"(ecosystem-graph build DATA --store {self.spec})")
        return found

    # reading

    def query(self, sparql: str) -> Result:
        generation = self.open_current()
        result = self.client.query(sparql, generation.iri)
        if not self._fixed and _is_empty(result):
            self._check_still_there(generation)
        return result

    def _check_still_there(self, generation: Generation) -> None:
        """An empty answer from a generation that two later pushes have removed would be a lie."""
        found = self.control()
        if generation.iri not in (found["current"], found["previous"]):
            self._pinned = None
            raise StoreError(f"store {self.spec}: the graph this reader had open ({generation.name}) has been "
                             "replaced twice and removed since; open the store again to read the current one")

    def count(self) -> int:
        """How many triples the generation being read holds."""
        return _count(self.client, self.open_current().iri)

    def graph(self) -> Graph:
        """The whole graph as an rdflib graph (large for big graphs: prefer queries)."""
        return self.client.get_graph(self.open_current().iri)

    def manifest(self) -> dict[str, Any] | None:
        """What the current graph was built or pushed from (``None`` before the first push)."""
        if self._pinned is not None:
            return self._pinned.manifest
        manifest: dict[str, Any] | None = self.control()["manifest"]
        return manifest

    def close(self) -> None:
        """Forget the generation being read (the next query reads the current one) and disconnect."""
        if not self._fixed:
            self._pinned = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def load_file(self, path: Any) -> None:
        """Replace the remote graph with an RDF file (its format from its suffix)."""
        self.replace(rdf_file_chunks(Path(path)), {"loaded_from": str(Path(path).resolve())})

    # writing

    def replace(self, chunks: Iterable[bytes] | NTriplesFiles, manifest: dict[str, Any],
                check: Check | None = None,
                progress: Callable[[int], None] | None = None) -> str:
        """Load N-Triples ``chunks`` into a new generation, check it, then make it current atomically.

        ``check`` sees the new generation as a store of its own and may refuse it by raising;
        what it returns is added to the manifest. Returns the new generation's name. On any
        failure the new generation is dropped (best effort) and the current one stays current.
        """
        self.close()
        client = self.client
        before = self.control()
        self._drop(before["generations"] - {before["current"], before["previous"]})  # leftovers of killed pushes
        new = Generation(f"{self.graph_iri.rstrip('/#')}/gen-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
                         f"-{uuid.uuid4().hex[:8]}")
        g = _iri(self.graph_iri)
        client.update(f"INSERT DATA {{ GRAPH {g} {{ {g} <{EG}generation> {_iri(new.iri)} }} }}")
        try:
            triples = self._load(new.iri, chunks.chunks() if isinstance(chunks, NTriplesFiles) else chunks, progress)
            view = SparqlStore(settings=self.settings, pinned=new)
            view._client = client
            manifest = {**manifest, "generation": new.name, "graph": new.iri, "triples": triples}
            if check is not None:
                manifest.update(check(view) or {})
            self._swap(before["current"], new.iri, manifest)
        except BaseException:
            self._forget(new.iri)
            raise
        # The old previous generation is read by no one who opened the store after the last push.
        self._drop({before["previous"]} - {None, new.iri, before["current"]})
        self.close()
        return new.name

    def _load(self, graph: str, chunks: Iterable[bytes], progress: Callable[[int], None] | None) -> int:
        client = self.client
        _, gsp = client.endpoints()
        engine = client.engine
        batches = Batches(chunks, 10**9 if gsp else engine.insert_batch, engine.post_batch_bytes if gsp else None)
        for batch in batches:
            if gsp:
                client.post_graph(graph, batch)
            else:
                client.update(_insert(graph, batch))
            if progress:
                progress(batches.sent)
        expected, found = batches.distinct(), _count(client, graph)
        if found != expected:
            raise StoreError(f"store {self.spec}: the new graph holds {found:,} triples where {expected:,} distinct "
                             "triples were sent; it was not made current (the store may have merged or dropped "
                             "some values)")
        return found

    def _swap(self, old: str | None, new: str, manifest: dict[str, Any]) -> None:
        """Point ``eg:current`` at ``new`` in one update, only if it still points at ``old`` and ``new`` is
        still registered (a concurrent push may have removed it as a leftover).

        The pattern starts with the registration triple: Virtuoso finds no solution for a group
        made of only FILTER and OPTIONAL parts, which standard SPARQL would match once."""
        g, n = _iri(self.graph_iri), _iri(new)
        text = json.dumps(manifest, sort_keys=True)
        expect = (f"{g} <{EG}current> {_iri(old)} ." if old else
                  f"FILTER NOT EXISTS {{ {g} <{EG}current> ?any }}")
        self.client.update(f"""
            DELETE {{ GRAPH {g} {{ {g} <{EG}current> ?current ; <{EG}previous> ?previous }} }}
            INSERT {{ GRAPH {g} {{ {g} <{EG}current> {n} . {g} <{EG}previous> ?current .
                                  {n} <{EG}manifest> {_literal(text)} }} }}
            WHERE {{ GRAPH {g} {{ {g} <{EG}generation> {n} . {expect} OPTIONAL {{ {g} <{EG}current> ?current }}
                                OPTIONAL {{ {g} <{EG}previous> ?previous }} }} }}""")
        if self.control()["current"] != new:
            raise StoreError(f"store {self.spec}: another push replaced the graph while this one was loading; "
                             "this one was discarded (push again to make it current)")

    def _forget(self, generation: str) -> None:
        """Drop a generation that never became current; errors are swallowed (the next push retries)."""
        try:
            self._drop({generation})
        except Exception:  # the cause of the failure matters more than the cleanup's
            pass

    def _drop(self, generations: Iterable[str | None]) -> None:
        client = self.client
        g = _iri(self.graph_iri)
        for generation in sorted(x for x in generations if x):
            client.update(f"{client.engine.bulk_update_prefix}DROP SILENT GRAPH {_iri(generation)}")
            client.update(f"DELETE DATA {{ GRAPH {g} {{ {g} <{EG}generation> {_iri(generation)} }} }} ;\n"
                          f"DELETE WHERE {{ GRAPH {g} {{ {_iri(generation)} ?p ?o }} }}")


def _insert(graph: str, batch: bytes) -> str:
    """The SPARQL Update adding N-Triples ``batch`` to ``graph``.

    ``INSERT DATA`` normally; a batch with blank nodes (the last one, see :class:`Batches`) is a
    template of ``INSERT ... WHERE {}`` instead, standard too: Virtuoso refuses blank nodes in
    ``INSERT DATA``.

    >>> _insert("urn:g", b'<urn:a> <urn:p> _:b .\\n').split("{")[0]
    'INSERT '
    """
    body = batch.decode("utf-8")
    if b"_:" in batch:
        return f"INSERT {{ GRAPH {_iri(graph)} {{\n{body}}} }} WHERE {{}}"
    return f"INSERT DATA {{ GRAPH {_iri(graph)} {{\n{body}}} }}"


def _count(client: SparqlClient, graph: str) -> int:
    rows = list(select_rows(client.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}",
                                         None)))
    return int(rows[0][0]) if rows else 0


def _is_empty(result: Result) -> bool:
    if result.type == "ASK":
        return not result.askAnswer
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return len(result.graph) == 0
    return not result.bindings


def _iri(value: str | None) -> str:
    """``<value>``, refusing characters that would break out of an IRI.

    >>> _iri("urn:x")
    '<urn:x>'
    """
    if value is None or re.search(r'[\s<>"{}|\\^`]', value):
        raise StoreError(f"not a usable IRI: {value!r}")
    return f"<{value}>"


def _literal(text: str) -> str:
    """A SPARQL string literal holding ``text``.

    >>> print(_literal('a "b"\\nc'))
    "a \\"b\\"\\nc"
    """
    return json.dumps(text, ensure_ascii=True)


def _manifest(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
