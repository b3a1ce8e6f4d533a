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

>>> settings = Settings.from_env("http://127.0.0.1:8890/sparql", {"ECOSYSTEM_GRAPH_SPARQL_PASSWORD": "s3cret"})
>>> settings.graph, settings.timeout, "s3cret" in repr(settings)
('https://w3id.org/ecosystem-graph/graph/ecosystem', 60.0, False)
>>> query_form("PREFIX a: <urn:a#x> # SELECT\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
'CONSTRUCT'
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from rdflib import Graph
from rdflib.query import Result

from . import engines
from .engines import Engine
from .errors import QueryError, StoreError

ENV = "ECOSYSTEM_GRAPH_SPARQL_"
DEFAULT_GRAPH = "https://w3id.org/ecosystem-graph/graph/ecosystem"
#: The control graph's vocabulary.
EG = "https://w3id.org/ecosystem-graph/store#"
DEFAULT_TIMEOUT = 60.0
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9"
NTRIPLES = "application/n-triples"


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Where the remote store is and how to reach it (``repr`` never shows the password)."""

    query_url: str
    update_url: str | None = None
    gsp_url: str | None = None
    graph: str = DEFAULT_GRAPH
    user: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    engine: str = "auto"

    @classmethod
    def from_env(cls, query_url: str, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings for ``query_url``, the rest from ``ECOSYSTEM_GRAPH_SPARQL_*`` variables.

        >>> Settings.from_env("http://h/sparql", {"ECOSYSTEM_GRAPH_SPARQL_TIMEOUT": "2.5"}).timeout
        2.5
        >>> Settings.from_env("http://h/sparql", {"ECOSYSTEM_GRAPH_SPARQL_TIMEOUT": "soon"})
        Traceback (most recent call last):
        ...
        ecosystem_graph.errors.StoreError: ECOSYSTEM_GRAPH_SPARQL_TIMEOUT: expected seconds (a positive number), found 'soon'
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            return env.get(ENV + name) or None
        settings = cls(query_url, get("UPDATE_URL"), get("GSP_URL"), get("GRAPH") or DEFAULT_GRAPH,
                       get("USER"), get("PASSWORD"), engine=get("ENGINE") or "auto")
        timeout = get("TIMEOUT")
        return settings.but(timeout=parse_timeout(timeout, ENV + "TIMEOUT")) if timeout else settings.checked()

    def but(self, **changes: Any) -> Settings:
        """These settings with ``changes`` (``None`` values ignored), checked."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None}).checked()

    def checked(self) -> Settings:
        """Raise :class:`StoreError` for a URL or graph name that cannot work."""
        for what, url in (("query", self.query_url), ("update", self.update_url), ("Graph Store Protocol", self.gsp_url)):
            if url is not None:
                _check_url(url, what)
        if not re.fullmatch(r"[A-Za-z][\w+.-]*:[^\s<>\"{}|\\^`]+", self.graph):
            raise StoreError(f"graph name {self.graph!r}: expected an absolute IRI such as {DEFAULT_GRAPH}")
        if self.engine != "auto":
            engines.by_name(self.engine)
        if self.timeout <= 0:
            raise StoreError("the timeout must be a positive number of seconds")
        return self


def parse_timeout(text: str, where: str) -> float:
    """Seconds from ``text``, or a :class:`StoreError` naming ``where``."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise StoreError(f"{where}: expected seconds (a positive number), found {text!r}")
    return value


def _check_url(url: str, what: str) -> None:
    """Refuse URLs that are not http(s), and credentials written into a URL.

    >>> _check_url("http://dba:dba@localhost:8890/sparql", "query")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.StoreError: the query URL holds credentials; set ECOSYSTEM_GRAPH_SPARQL_USER and ECOSYSTEM_GRAPH_SPARQL_PASSWORD instead (a URL shows in shell history, process lists and logs)
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"the {what} URL {safe_url(url)!r}: expected http://HOST[:PORT]/PATH or https://...")
    if parts.username is not None or parts.password is not None:
        raise StoreError(f"the {what} URL holds credentials; set {ENV}USER and {ENV}PASSWORD instead "
                         "(a URL shows in shell history, process lists and logs)")


def safe_url(url: str) -> str:
    """``url`` without any credentials or query string, fit for a message.

    >>> safe_url("https://u:p@example.org:8890/sparql?key=x")
    'https://example.org:8890/sparql'
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def query_form(sparql: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the kind of result ``sparql`` asks for.

    >>> query_form('PREFIX x: <urn:x> BASE <http://b/> # a comment\\n ask { ?s ?p "#" }')
    'ASK'
    """
    text = re.sub(r'<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*',
                  lambda m: " " if m.group(0).startswith("#") else "<>", sparql)
    text = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<>|BASE\s*<>)\s*)*", "", text)
    match = re.match(r"(?i)(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", text)
    return match.group(1).upper() if match else "SELECT"


# -- HTTP --------------------------------------------------------------------------------------


class _ChallengeAuth(httpx.Auth):
    """Basic or digest authentication, whichever the server's challenge asks for.

    Virtuoso wants digest, Fuseki and GraphDB usually basic. The scheme is learnt from the first
    challenge; after it, requests carry credentials from the start (digest reusing the server's
    nonce), so a batch of data is sent once, not once without and once with credentials.
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if self._scheme is not None:
            yield from self._scheme.auth_flow(request)
            return
        response = yield request
        challenge = response.headers.get("www-authenticate", "").strip().lower()
        if response.status_code != 401 or not challenge:
            return
        self._scheme = self._digest if challenge.startswith("digest") else self._basic
        yield from self._scheme.auth_flow(request)


class Remote:
    """One SPARQL service: its endpoints, an HTTP connection pool, and errors made readable."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        auth = _ChallengeAuth(settings.user, settings.password or "") if settings.user else None
        self.client = httpx.Client(auth=auth, timeout=settings.timeout, follow_redirects=True,
                                   headers={"User-Agent": "ecosystem-graph"})
        self._engine: Engine | None = None if settings.engine == "auto" else engines.by_name(settings.engine)

    def close(self) -> None:
        self.client.close()

    @property
    def engine(self) -> Engine:
        """The engine behind the query endpoint, from its ``Server`` header unless configured."""
        if self._engine is None:
            self.request("GET", self.settings.query_url, "read from", params={"query": "ASK { }"},
                          headers={"Accept": RESULTS_JSON})
        assert self._engine is not None
        return self._engine

    def endpoints(self) -> tuple[str, str | None]:
        """The update URL and the Graph Store Protocol URL (``None``: load with ``INSERT DATA``)."""
        update, gsp = self.engine.default_endpoints(self.settings.query_url, bool(self.settings.user))
        return self.settings.update_url or update or self.settings.query_url, self.settings.gsp_url or gsp

    def request(self, method: str, url: str, action: str, **kwargs: Any) -> httpx.Response:
        """Send one request; any failure becomes a one-line :class:`StoreError` or :class:`QueryError`."""
        where = safe_url(url)
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise StoreError(f"the SPARQL service at {where} did not answer within {self.settings.timeout:g} s "
                             f"(set {ENV}TIMEOUT or --timeout to wait longer)") from None
        except httpx.ConnectError as exc:
            raise StoreError(f"cannot reach the SPARQL service at {where}: {_reason(exc)}") from None
        except httpx.HTTPError as exc:
            raise StoreError(f"the SPARQL service at {where} failed: {_reason(exc)}") from None
        if self._engine is None:
            self._engine = detect_engine(response)
        if response.status_code >= 400:
            raise self._error(response, where, action)
        return response

    def _error(self, response: httpx.Response, where: str, action: str) -> Exception:
        status = response.status_code
        user = self.settings.user
        if status == 401:
            if not user:
                return StoreError(f"the SPARQL service at {where} needs credentials to {action} it: set "
                                  f"{ENV}USER and {ENV}PASSWORD")
            if not self.settings.password:
                return StoreError(f"the SPARQL service at {where} needs a password for user {user!r}: set "
                                  f"{ENV}PASSWORD (or give push --password-file)")
            return StoreError(f"the SPARQL service at {where} refused the credentials of user {user!r}")
        detail = self.engine.explain(status, response.text)
        if status in (403, 500) and not user and "SPARQL_UPDATE role" in detail:
            return StoreError(f"the SPARQL service at {where} needs credentials to {action} it: set "
                              f"{ENV}USER and {ENV}PASSWORD")
        if status == 403:
            return StoreError(f"the SPARQL service at {where} does not let "
                              f"{repr(user) if user else 'anonymous users'} {action} it: {detail}")
        if status in (400, 422) and action == "query":
            return QueryError(f"the SPARQL service refused the query: {detail}")
        if "SPARQL_UPDATE role" in detail:
            return StoreError(f"the SPARQL service at {where} does not let {repr(user) if user else 'anonymous users'} "
                              f"{action} it: {detail}")
        return StoreError(f"the SPARQL service at {where} could not {action} it (HTTP {status}): {detail}")

    # the protocols

    def query(self, sparql: str, default_graph: str | None) -> Result:
        """Run a query (SPARQL 1.1 Protocol, POST form) on ``default_graph`` as the default graph."""
        form = query_form(sparql)
        data = {"query": sparql}
        if default_graph:
            data["default-graph-uri"] = default_graph
        accept = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_JSON
        response = self.request("POST", self.settings.query_url, "query", data=data, headers={"Accept": accept})
        self._refuse_cut(response)
        if form in ("CONSTRUCT", "DESCRIBE"):
            result = Result(form)
            result.graph = parse_graph(response)
            return result
        try:
            result = Result.parse(source=_Body(response.content), format="json")
        except Exception as exc:  # a body that is not SPARQL JSON results: a proxy, a wrong URL...
            raise StoreError(f"{safe_url(self.settings.query_url)} did not answer with SPARQL results "
                             f"({response.headers.get('content-type', 'no content type')}): {exc}") from None
        return self.engine.fix_result(sparql, result)

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update request."""
        url, _ = self.endpoints()
        self.request("POST", url, "update", data={"update": sparql})

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples to ``graph`` with a Graph Store Protocol POST."""
        _, gsp = self.endpoints()
        assert gsp is not None
        self.request("POST", gsp, "update", params={"graph": graph}, content=ntriples,
                     headers={"Content-Type": NTRIPLES})

    def get_graph(self, graph: str) -> Graph:
        """The whole of ``graph``: a Graph Store Protocol GET, else a CONSTRUCT query."""
        _, gsp = self.endpoints()
        if gsp is None:
            return self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graph).graph
        response = self.request("GET", gsp, "read from", params={"graph": graph}, headers={"Accept": GRAPH_TYPES})
        self._refuse_cut(response)
        return parse_graph(response)

    def _refuse_cut(self, response: httpx.Response) -> None:
        limit = self.engine.truncated_at(response.headers)
        if limit is not None:
            raise StoreError(f"the SPARQL service at {safe_url(self.settings.query_url)} cut the result at its "
                             f"limit of {limit:,} rows; raise it (Virtuoso: ResultSetMaxRows in [SPARQL] of "
                             "virtuoso.ini) or ask for less")


class _Body:
    """The file-like object rdflib's result parser reads from."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    def read(self, *_: Any) -> bytes:
        return self._content


def detect_engine(response: httpx.Response) -> Engine:
    return engines.detect(response.headers.get("server"))


def parse_graph(response: httpx.Response) -> Graph:
    """An rdflib graph from an N-Triples or Turtle response."""
    from .namespaces import bind_prefixes

    kind = response.headers.get("content-type", "").split(";")[0].strip()
    graph = bind_prefixes(Graph())
    fmt = "turtle" if kind in ("text/turtle", "application/x-turtle") else "nt"
    try:
        graph.parse(data=response.content.decode("utf-8"), format=fmt)
    except Exception as exc:
        raise StoreError(f"the SPARQL service sent a graph that does not parse as {fmt} ({kind}): {exc}") from None
    return graph


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused (is the server running, on this host and port?)"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    return text.splitlines()[0] if text else type(exc).__name__


# -- batches -----------------------------------------------------------------------------------


class Batches:
    """Cuts a stream of N-Triples chunks into request-sized batches and counts distinct triples.

    Triples with blank nodes are held back and sent together in the last batch: a blank node
    label names the same node only within one request, so splitting them would split the node.
    Distinct triples are counted by a 64-bit hash of each line (a collision could only make the
    count check fail, never pass), so memory stays small.

    >>> batches = Batches([b'<urn:a> <urn:p> "x" .\\n<urn:a> <urn:p> _:b .\\n', b'<urn:a> <urn:p> "x" .\\n'], 10)
    >>> [len(b.splitlines()) for b in batches], batches.distinct()
    ([2, 1], 2)
    """

    def __init__(self, chunks: Iterable[bytes], batch_lines: int, batch_bytes: int | None = None) -> None:
        self._chunks = chunks
        self._lines, self._bytes = batch_lines, batch_bytes
        self._hashes: list[Any] = []
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        import numpy

        pending: list[bytes] = []
        size = 0
        held: list[bytes] = []
        for chunk in self._chunks:
            lines = [line for line in chunk.splitlines() if line.strip() and not line.lstrip().startswith(b"#")]
            self._hashes.append(numpy.fromiter((hash(line.strip()) for line in lines), dtype=numpy.int64,
                                               count=len(lines)))
            for line in lines:
                if b"_:" in line:
                    held.append(line)
                    continue
                pending.append(line)
                size += len(line) + 1
                if len(pending) >= self._lines or (self._bytes and size >= self._bytes):
                    yield self._take(pending)
                    pending, size = [], 0
        if pending:
            yield self._take(pending)
        if held:
            yield self._take(held)

    def _take(self, lines: list[bytes]) -> bytes:
        self.sent += len(lines)
        return b"\n".join(lines) + b"\n"

    def distinct(self) -> int:
        """How many distinct triples went by (after iterating)."""
        import numpy

        if not self._hashes:
            return 0
        return int(numpy.unique(numpy.concatenate(self._hashes)).size)


# -- the store ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    """One loaded graph in the remote store: its IRI and the manifest it was pushed with."""

    iri: str
    manifest: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


class SparqlStore:
    """A graph kept in a remote SPARQL 1.1 store (see the module's documentation for the design)."""

    persistent = True

    def __init__(self, argument: str = "", settings: Settings | None = None,
                 pinned: Generation | None = None) -> None:
        if settings is None:
            if not argument:
                raise StoreError("store sparql: needs the query endpoint's URL, e.g. sparql:http://localhost:8890/sparql")
            settings = Settings.from_env(argument)
        self.settings = settings
        self.spec = f"sparql:{safe_url(settings.query_url)}"
        self._remote: Remote | None = None
        self._pinned = pinned
        self._fixed = pinned is not None  # a view of one generation (a build's check) never moves

    def configure(self, **changes: Any) -> SparqlStore:
        """Change settings (``None`` values are ignored), e.g. from the ``push`` command's options."""
        self.close()
        self.settings = self.settings.but(**changes)
        self.spec = f"sparql:{safe_url(self.settings.query_url)}"
        return self

    @property
    def remote(self) -> Remote:
        if self._remote is None:
            self._remote = Remote(self.settings)
        return self._remote

    @property
    def graph_iri(self) -> str:
        return self.settings.graph

    @property
    def sparql_engine(self) -> str:
        """The remote engine's name (``virtuoso``, ``generic``), from its answers unless configured."""
        return self.remote.engine.name

    # the control graph

    def control(self) -> dict[str, Any]:
        """What the control graph says: ``current`` and ``previous`` (IRIs or ``None``),
        ``generations`` (every registered one) and the current ``manifest``."""
        g = _iri(self.graph_iri)
        rows = self.remote.query(f"""
            SELECT ?p ?o ?m WHERE {{ GRAPH {g} {{
              {g} ?p ?o . FILTER (?p IN (<{EG}current>, <{EG}previous>, <{EG}generation>))
              OPTIONAL {{ FILTER (?p = <{EG}current>) ?o <{EG}manifest> ?m }} }} }}""", None)
        found: dict[str, Any] = {"current": None, "previous": None, "generations": set(), "manifest": None}
        for row in rows:
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
        result = self.remote.query(sparql, generation.iri)
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
        return _count(self.remote, self.open_current().iri)

    def graph(self) -> Graph:
        """The whole graph as an rdflib graph (large for big graphs: prefer queries)."""
        return self.remote.get_graph(self.open_current().iri)

    def is_empty(self) -> bool:
        found = self.current()
        return found is None or _count(self.remote, found.iri) == 0

    def manifest(self) -> dict[str, Any] | None:
        """What the current graph was built or pushed from (``None`` before the first push)."""
        if self._pinned is not None:
            return self._pinned.manifest
        return self.control()["manifest"]

    def close(self) -> None:
        """Forget the generation being read (the next query reads the current one) and disconnect."""
        if not self._fixed:
            self._pinned = None
        if self._remote is not None:
            self._remote.close()
            self._remote = None

    def load_file(self, path: Any) -> None:
        """Replace the remote graph with an RDF file (its format from its suffix)."""
        self.replace(rdf_file_chunks(Path(path)), {"loaded_from": str(Path(path).resolve())})

    # writing

    def replace(self, chunks: Iterable[bytes], manifest: dict[str, Any],
                check: Callable[[Any], dict[str, Any] | None] | None = None,
                progress: Callable[[int], None] | None = None) -> str:
        """Load N-Triples ``chunks`` into a new generation, check it, then make it current atomically.

        ``check`` sees the new generation as a store of its own and may refuse it by raising;
        what it returns is added to the manifest. Returns the new generation's name. On any
        failure the new generation is dropped (best effort) and the current one stays current.
        """
        self.close()
        remote = self.remote
        before = self.control()
        self._drop(before["generations"] - {before["current"], before["previous"]})  # leftovers of killed pushes
        new = Generation(f"{self.graph_iri.rstrip('/#')}/gen-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
                         f"-{uuid.uuid4().hex[:8]}")
        g = _iri(self.graph_iri)
        remote.update(f"INSERT DATA {{ GRAPH {g} {{ {g} <{EG}generation> {_iri(new.iri)} }} }}")
        try:
            triples = self._load(new.iri, chunks, progress)
            view = SparqlStore(settings=self.settings, pinned=new)
            view._remote = remote
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
        remote = self.remote
        _, gsp = remote.endpoints()
        engine = remote.engine
        batches = Batches(chunks, 10**9 if gsp else engine.insert_batch, engine.post_batch_bytes if gsp else None)
        for batch in batches:
            if gsp:
                remote.post_graph(graph, batch)
            else:
                remote.update(_insert(graph, batch))
            if progress:
                progress(batches.sent)
        expected, found = batches.distinct(), _count(remote, graph)
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
        self.remote.update(f"""
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
        remote = self.remote
        g = _iri(self.graph_iri)
        for generation in sorted(x for x in generations if x):
            remote.update(f"{remote.engine.bulk_update_prefix}DROP SILENT GRAPH {_iri(generation)}")
            remote.update(f"DELETE DATA {{ GRAPH {g} {{ {g} <{EG}generation> {_iri(generation)} }} }} ;\n"
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


def _count(remote: Remote, graph: str) -> int:
    rows = list(remote.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}", None))
    return int(rows[0][0]) if rows else 0


def _is_empty(result: Result) -> bool:
    if result.type == "ASK":
        return not result.askAnswer
    if result.type in ("CONSTRUCT", "DESCRIBE"):
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



#: File suffix -> the format pyoxigraph parses it as.
RDF_SUFFIXES = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".nq": "N_QUADS", ".trig": "TRIG", ".rdf": "RDF_XML",
                ".jsonld": "JSON_LD"}


def rdf_file_chunks(path: Path, batch: int = 50_000) -> Iterator[bytes]:
    """An RDF file's triples as N-Triples chunks of ``batch`` triples, parsed as a stream (the
    graphs of a TriG or N-Quads file are merged into one).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "g.ttl"
    >>> _ = path.write_text('<urn:a> <urn:p> "x", "y" .')
    >>> b"".join(rdf_file_chunks(path)).count(b"\\n")
    2
    """
    import pyoxigraph as ox

    name = RDF_SUFFIXES.get(path.suffix)
    if name is None:
        raise StoreError(f"{path}: expected an RDF file ending in {', '.join(RDF_SUFFIXES)}")
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    fmt = getattr(ox.RdfFormat, name)
    pending: list[Any] = []
    try:
        for item in ox.parse(path=str(path), format=fmt):
            pending.append(item.triple if isinstance(item, ox.Quad) else item)
            if len(pending) >= batch:
                yield ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES)
                pending = []
    except SyntaxError as exc:
        raise StoreError(f"{path}: not valid RDF ({exc})") from None
    if pending:
        yield ox.serialize(pending, format=ox.RdfFormat.N_TRIPLES)
