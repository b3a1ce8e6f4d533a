"""Talking to a remote SPARQL server: settings from the environment, and an HTTP client that
speaks SPARQL 1.1 Query, Update and the Graph Store Protocol, with what one engine does differently
left to :mod:`.engines`.

>>> settings = Settings.from_env("http://127.0.0.1:8890/sparql", {"ECOSYSTEM_GRAPH_SPARQL_PASSWORD": "s3cret"})
>>> settings.graph, settings.timeout, "s3cret" in repr(settings)
('https://w3id.org/ecosystem-graph/graph/ecosystem', 60.0, False)
>>> query_form("PREFIX a: <urn:a#x> # SELECT\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
'CONSTRUCT'
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from rdflib import Graph
from rdflib.query import Result

from ...errors import QueryError, StoreError
from . import engines
from .engines import Engine

__all__ = ["DEFAULT_GRAPH", "DEFAULT_TIMEOUT", "EG", "ENV", "GRAPH_TYPES", "NTRIPLES", "RESULTS_JSON", "Settings",
           "SparqlClient", "detect_engine", "parse_graph", "parse_timeout", "query_form", "safe_url"]

ENV = "ECOSYSTEM_GRAPH_SPARQL_"
DEFAULT_GRAPH = "https://w3id.org/ecosystem-graph/graph/ecosystem"
#: The control graph's vocabulary.
EG = "https://w3id.org/ecosystem-graph/store#"
DEFAULT_TIMEOUT = 60.0
RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9"
NTRIPLES = "application/n-triples"


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
        ecosystem_graph.errors.StoreError: ECOSYSTEM_GRAPH_SPARQL_TIMEOUT: expected seconds (a positive number),
        found 'soon'
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
        for what, url in (("query", self.query_url), ("update", self.update_url),
                          ("Graph Store Protocol", self.gsp_url)):
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
    ecosystem_graph.errors.StoreError: the query URL holds credentials; set ECOSYSTEM_GRAPH_SPARQL_USER and
    ECOSYSTEM_GRAPH_SPARQL_PASSWORD instead (a URL shows in shell history, process lists and logs)
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

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme is not None:
            yield from self._scheme.auth_flow(request)
            return
        response = yield request
        challenge = response.headers.get("www-authenticate", "").strip().lower()
        if response.status_code != 401 or not challenge:
            return
        self._scheme = self._digest if challenge.startswith("digest") else self._basic
        yield from self._scheme.auth_flow(request)


class SparqlClient:
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
            # rdflib types source as IO; its JSON results parser only calls read()
            result = Result.parse(source=_Body(response.content), format="json")  # type: ignore[arg-type]
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
            constructed = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graph).graph
            assert constructed is not None
            return constructed
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
    from ...namespaces import bind_prefixes

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
