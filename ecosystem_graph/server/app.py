"""The web application: the SPARQL 1.1 Protocol at ``/sparql``, linked-data pages, named queries.

Routes:

- ``/sparql``: queries by GET, by POST form or as ``application/sparql-query``; updates (only with
  the update token) by POST form or as ``application/sparql-update``. With no query, the SPARQL 1.1
  Service Description (or, for a browser, the query editor).
- ``/id/PATH``: the entity ``BASE + PATH``: its HTML page for a browser, Turtle, N-Triples, JSON-LD or
  RDF/XML by content negotiation, answered directly (no 303), with ``Vary: Accept``. The pages of
  the static site (``/id/index.html``, ``/id/KIND/index.html``...) are served there too.
- ``/queries``: the named queries with a form for their parameters; ``/queries/NAME``: a result.
- ``/query``: the SPARQL editor, YASGUI (vendored in the package and served from here: the page loads
  nothing else, and completes prefixes, classes and properties from the project's own vocabulary).
- ``/review``: with ``serve --review`` only, the review page of drafts of ``extract`` (see :mod:`.review`).
- ``/``: a page linking all of these.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import EcosystemGraphError, QueryError
from ..graph import KnowledgeGraph
from ..namespaces import PREFIXES
from ..ontology import vocabulary_terms
from ..queries import iri_term
from ..resource_pages import RDF_FORMS
from .formats import GRAPH_TYPES, best_match, negotiate
from .headers import PublicCors, SecurityHeaders
from .lookups import answer_lookup
from .workers import GraphSource, Job, Reply, WorkerPool

#: Pages of the server run only its own script files, and talk only to it (the page's meta element).
PAGE_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src data:; script-src 'self'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'")
#: The same as a header, which may also forbid framing (a meta element may not).
SERVER_CSP = PAGE_CSP + "; frame-ancestors 'none'"
_PACKAGE = Path(__file__).resolve().parent.parent
#: The files under /static/: the editor's and the review page's scripts and the vendored YASGUI (see vendor/build.sh).
_STATIC_FILES = {"editor.js": (_PACKAGE / "templates" / "editor.js", "text/javascript; charset=utf-8"),
                 "review.js": (_PACKAGE / "templates" / "review.js", "text/javascript; charset=utf-8"),
                 "yasgui.min.js": (_PACKAGE / "assets" / "yasgui.min.js", "text/javascript; charset=utf-8"),
                 "yasgui.min.css": (_PACKAGE / "assets" / "yasgui.min.css", "text/css; charset=utf-8"),
                 "yasgui.LICENSES.txt": (_PACKAGE / "assets" / "yasgui.LICENSES.txt", "text/plain; charset=utf-8")}


@dataclass
class ServerConfig:
    """What ``ecosystem-graph serve`` was asked for."""

    source: GraphSource
    workers: int = 3
    time_limit: float = 10.0
    row_cap: int = 10_000
    max_request_bytes: int = 1 << 20
    update_token: str | None = None
    allowed_hosts: tuple[str, ...] = ("*",)  # the Host names answered (see headers.allowed_hosts)
    review: tuple[Path, ...] = ()  # drafts and folders of drafts for the review page (none: no page)
    review_data: Path = Path("data")  # the data folder the review page accepts drafts into


class Server:
    """The state the routes share: the worker pool and the graph that named-query parameters resolve in."""

    def __init__(self, config: ServerConfig, kg: KnowledgeGraph) -> None:
        self.config, self.kg = config, kg
        self.pool = WorkerPool(config.source, config.workers, config.time_limit)
        # Updates reach the workers' graphs, not this process's: with them, every query goes to a worker.
        self.lookups = config.update_token is None

    async def run(self, job: Job) -> Reply:
        """Answer ``job``: here when it is a point lookup (see :mod:`.lookups`), else in a worker."""
        reply = answer_lookup(self.kg.store, self.kg.base_iri, job) if self.lookups else None
        return reply if reply is not None else await self.pool.run(job)


def create_app(config: ServerConfig, kg: KnowledgeGraph) -> Starlette:
    """The Starlette application serving ``kg`` with ``config``; start ``app.state.server.pool`` before serving.

    >>> from ecosystem_graph.graph import open_graph
    >>> app = create_app(ServerConfig(GraphSource(None, Path("build"), None)), open_graph())
    >>> [route.path for route in app.routes]
    ['/', '/sparql', '/id/{path:path}', '/queries', '/queries/{name}', '/query', '/static/{name}']
    >>> app = create_app(ServerConfig(GraphSource(None, Path("build"), None), review=(Path("drafts"),)), open_graph())
    >>> [route.path for route in app.routes if route.path.startswith("/review")]
    ['/review', '/review/unlock', '/review/{name}', '/review/{name}/decide', '/review/{name}/accept']
    """
    server = Server(config, kg)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.pool.attach(asyncio.get_running_loop())
        yield
        server.pool.stop()

    routes = [
        Route("/", partial(_home, server)),
        Route("/sparql", partial(_sparql, server), methods=["GET", "POST"]),
        Route("/id/{path:path}", partial(_entity, server)),
        Route("/queries", partial(_queries_page, server)),
        Route("/queries/{name}", partial(_named_query, server)),
        Route("/query", partial(_editor, server)),
        Route("/static/{name}", _static_file),
    ]
    if config.review:
        from .review import review_routes

        routes += review_routes(config)
    middleware = [Middleware(SecurityHeaders, hosts=config.allowed_hosts),
                  Middleware(PublicCors, private="/review")]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: _not_found, 405: _not_found})
    app.state.server = server
    return app


# -- the SPARQL protocol -----------------------------------------------------------------------

async def _sparql(server: Server, request: Request) -> Response:
    """``/sparql``: run a query or an update, or describe the service."""
    cap = server.config.max_request_bytes
    if len(request.url.query) > cap:
        return _error(414, f"the request's URL is longer than the limit of {cap} bytes; POST the query")
    params = parse_qs(request.url.query, keep_blank_values=True)
    body = b""
    if request.method == "POST":
        try:
            body = await _read_body(request, cap)
        except RequestTooLarge as exc:
            return _error(413, str(exc))
    try:
        query, update = protocol_operation(request.method, request.headers.get("content-type"), params, body)
    except QueryError as exc:
        return _error(400, str(exc))
    if update is not None:
        return await _run_update(server, request, update)
    if query is None:
        return _service_description(server, request)
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        return _error(403, "default-graph-uri and named-graph-uri are refused: the store holds one "
                           "default graph, and this endpoint fetches nothing")
    fmt = (params.get("format") or (None,))[0]
    reply = await server.run(Job(query, request.headers.get("accept"), fmt, server.config.row_cap))
    reply.headers["Vary"] = "Accept"
    return _response(reply)


class RequestTooLarge(EcosystemGraphError):
    """A request body over the size limit (HTTP 413)."""


async def _read_body(request: Request, cap: int) -> bytes:
    """The request body, refused as soon as it passes ``cap`` bytes (it is never held whole)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise RequestTooLarge(f"the request body ({declared} bytes) is over the limit of {cap} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise RequestTooLarge(f"the request body is over the limit of {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def protocol_operation(method: str, content_type: str | None, params: dict[str, list[str]],
                       body: bytes) -> tuple[str | None, str | None]:
    """(query, update) of a SPARQL protocol request; both ``None`` asks for the service description.

    >>> protocol_operation("POST", "application/sparql-query", {}, b"ASK {}")
    ('ASK {}', None)
    >>> protocol_operation("POST", "application/x-www-form-urlencoded", {}, b"update=CLEAR+ALL")
    (None, 'CLEAR ALL')
    >>> protocol_operation("GET", None, {"query": ["ASK {}", "ASK {}"]}, b"")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.QueryError: give one query parameter, not 2
    """
    media = (content_type or "").split(";")[0].strip().lower()
    fields = dict(params)
    if method == "POST":
        if media == "application/sparql-query":
            return _decode(body), None
        if media == "application/sparql-update":
            return None, _decode(body)
        if media != "application/x-www-form-urlencoded":
            raise QueryError(f"POST a query as application/x-www-form-urlencoded or application/sparql-query "
                             f"(or an update as application/sparql-update), not {media or 'no content type'}")
        fields = parse_qs(_decode(body), keep_blank_values=True)
    queries, updates = fields.get("query", []), fields.get("update", [])
    if method == "GET" and updates:
        raise QueryError("an update must be POSTed")
    for name, values in (("query", queries), ("update", updates)):
        if len(values) > 1:
            raise QueryError(f"give one {name} parameter, not {len(values)}")
    if queries and updates:
        raise QueryError("give a query or an update, not both")
    return (queries[0] if queries else None), (updates[0] if updates else None)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the request is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


async def _run_update(server: Server, request: Request, update: str) -> Response:
    """Apply an update when the request presents the configured token; refuse it otherwise."""
    token = server.config.update_token
    if not token:
        return _error(403, "this endpoint is read-only: SPARQL updates are refused "
                           "(start it with --update-token to accept them from who holds the token)")
    presented = request.headers.get("authorization", "")
    if not hmac.compare_digest(presented.encode(), f"Bearer {token}".encode()):
        return _error(403, "an update needs the header 'Authorization: Bearer TOKEN' with the server's token")
    reply = await server.pool.update(update)
    return _response(reply)


def _service_description(server: Server, request: Request) -> Response:
    """The SPARQL 1.1 Service Description of ``/sparql`` (a browser gets the query editor instead)."""
    accept = request.headers.get("accept")
    if best_match(accept, ("text/html", *GRAPH_TYPES)) == "text/html" and accept and "text/html" in accept:
        return RedirectResponse("/query", status_code=303)
    from .description import describe_service

    try:
        media_type = negotiate("DESCRIBE", accept, (parse_qs(request.url.query).get("format") or (None,))[0])
    except QueryError as exc:
        return _error(406, str(exc))
    body = describe_service(_endpoint_url(request), media_type, server.config, server.kg.base_iri)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


def _endpoint_url(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


# -- linked data -------------------------------------------------------------------------------

async def _entity(server: Server, request: Request) -> Response:
    """``/id/PATH``: the entity ``BASE + PATH`` as HTML or RDF, or a page of the static site."""
    path = request.path_params["path"]
    if path.endswith(".html") or path == "":
        return _page_reply(_from_page_worker(await server.pool.page(path or "index.html")), request)
    try:  # the path is a client's text: it becomes one checked IRI term, never query text
        iri = iri_term(server.kg.base_iri + path, "the entity's address").n3()[1:-1]
    except QueryError as exc:
        return _error(400, str(exc), request)
    accept = request.headers.get("accept")
    offered = ("text/html", *GRAPH_TYPES)
    fmt = (parse_qs(request.url.query).get("format") or (None,))[0]
    media_type = best_match(accept, offered) if not fmt else None
    if media_type == "text/html":
        reply = _from_page_worker(await server.pool.page(iri))
        reply.headers.update({"Vary": "Accept", "Link": _alternates(path)})
        return _page_reply(reply, request)
    if media_type is None and not fmt:
        return _error(406, f"entities come as {', '.join(offered)}; none is acceptable (Accept: {accept})")
    iri_n3 = f"<{iri}>"
    query = (f"CONSTRUCT {{ {iri_n3} ?p ?o . ?s ?q {iri_n3} }} WHERE {{ {{ {iri_n3} ?p ?o }} "
             f"UNION {{ ?s ?q {iri_n3} }} }}")
    reply = await server.run(Job(query, media_type, fmt, server.config.row_cap))
    if reply.status == 200 and _is_empty_graph(reply):
        return _error(404, f"nothing is said about <{iri}> in this graph")
    reply.headers.update({"Vary": "Accept", "Link": _alternates(path)})
    return _response(reply)


def _from_page_worker(reply: Reply) -> Reply:
    """A page as the browser gets it (the page carries its own Content-Security-Policy)."""
    reply.headers.update(_PAGE_HEADERS)
    return reply


def _is_empty_graph(reply: Reply) -> bool:
    """Whether a CONSTRUCT reply holds no triple (every syntax has at most prefixes and brackets then)."""
    from rdflib import Graph

    if len(reply.body) > 4096:
        return False
    media_type = reply.media_type.split(";")[0]
    graph = Graph().parse(data=reply.body.decode("utf-8"), format={
        "text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
        "application/rdf+xml": "xml"}[media_type])
    return len(graph) == 0


def _alternates(path: str) -> str:
    """The ``Link`` header naming an entity's other representations."""
    return ", ".join(f'</id/{path}?format={name}>; rel="alternate"; type="{media_type}"'
                     for name, media_type in RDF_FORMS)


# -- named queries and the editor --------------------------------------------------------------

async def _queries_page(server: Server, request: Request) -> Response:
    """``/queries``: every named query with a form for its parameters."""
    library = await asyncio.to_thread(server.kg.library)
    return _page("server_queries.html", title="Named queries",
                 queries=sorted(library.values(), key=lambda q: q.name),
                 editor={q.name: _editor_link(q.name, q.text) for q in library.values()})


async def _named_query(server: Server, request: Request) -> Response:
    """``/queries/NAME?PARAM=...``: the named query's result as an HTML table or in a result format."""
    name = request.path_params["name"]
    library = await asyncio.to_thread(server.kg.library)
    if name not in library:
        return _error(404, f"no named query {name!r} (see /queries)", request)
    query = library[name]
    values = {k: v for k, v in request.query_params.items() if k != "format"}
    try:
        text = await asyncio.to_thread(server.kg.bind_params, query, values)
    except QueryError as exc:
        return _error(400, str(exc), request)
    fmt = request.query_params.get("format")
    wants_html = fmt == "html" or (not fmt and best_match(request.headers.get("accept"),
                                                          ("text/html", "application/sparql-results+json",
                                                           "application/sparql-results+xml", "text/csv",
                                                           "text/tab-separated-values")) == "text/html")
    if not wants_html:
        return _response(await server.run(Job(text, request.headers.get("accept"), fmt, server.config.row_cap)))
    reply = await server.run(Job(text, None, "json", server.config.row_cap))
    if reply.status != 200:
        return _response(reply)
    table = json.loads(reply.body)
    return _page("server_result.html", title=name, query=query, values=values, sparql=text,
                 head=table["head"].get("vars", []), rows=_cells(table, server.kg.base_iri),
                 truncated=bool(reply.headers), links=_format_links(request), editor=_editor_link(name, text))


def _editor_link(name: str, text: str) -> str:
    """The SPARQL editor with ``text`` in a new tab named ``name`` (YASGUI reads its address)."""
    return "/query?" + urlencode({"query": text, "tabTitle": name})


def _cells(table: dict[str, Any], base_iri: str) -> list[list[dict[str, str]]]:
    """Result rows as cells of text and, for the graph's own entities, a link to their page."""
    rows = []
    for binding in table["results"]["bindings"]:
        row = []
        for name in table["head"].get("vars", []):
            term = binding.get(name)
            value = term["value"] if term else ""
            local = term and term["type"] == "uri" and value.startswith(base_iri)
            href = "/id/" + value[len(base_iri):] if local else ""
            row.append({"text": value, "href": href})
        rows.append(row)
    return rows


def _format_links(request: Request) -> list[dict[str, str]]:
    """Links to the same result in every other format."""
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    return [{"name": name.upper(), "href": f"{request.url.path}?{urlencode(params | {'format': name})}"}
            for name in ("csv", "tsv", "json", "xml")]


_EXAMPLE = ("SELECT ?organization ?label WHERE {\n  ?organization a org:Organization ; rdfs:label ?label .\n}"
            "\nORDER BY ?label\nLIMIT 20\n")


async def _editor(server: Server, request: Request) -> Response:
    """``/query``: YASGUI, set up to query ``/sparql`` only, with the project's prefixes, the
    ontology's classes and properties for completion, and the named queries to open."""
    library = await asyncio.to_thread(server.kg.library)
    classes, properties = await asyncio.to_thread(vocabulary_terms)
    config = {"endpoint": "/sparql", "base": server.kg.base_iri, "example": _EXAMPLE,
              "prefixes": {**PREFIXES, "id": server.kg.base_iri},
              "classes": classes, "properties": properties,
              "queries": [{"name": q.name, "description": q.description, "text": q.text}
                          for q in sorted(library.values(), key=lambda q: q.name)]}
    return _page("server_editor.html", title="SPARQL query", config=config,
                 row_cap=server.config.row_cap, time_limit=server.config.time_limit)


async def _home(server: Server, request: Request) -> Response:
    """``/``: what this server offers."""
    return _page("server_home.html", title="SPARQL endpoint and linked data",
                 base_iri=server.kg.base_iri, config=server.config)


async def _static_file(request: Request) -> Response:
    """The server's own scripts and styles, from the package (nothing is fetched from elsewhere)."""
    name = request.path_params["name"]
    if name not in _STATIC_FILES:
        return _error(404, f"no file /static/{name}", request)
    path, media_type = _STATIC_FILES[name]
    return Response(path.read_bytes(), media_type=media_type,
                    headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff"})


# -- helpers -----------------------------------------------------------------------------------

def _page(template: str, **context: Any) -> Response:
    """One of the server's own pages, with its Content-Security-Policy also as a header."""
    return _html(_render(template, **context), {"Content-Security-Policy": SERVER_CSP})


def _render(template: str, **context: Any) -> str:
    from ..views import template_environment

    context.setdefault("root", "/id/")
    context.setdefault("site_title", "ecosystem-graph")
    context.setdefault("csp", PAGE_CSP)
    return template_environment().get_template(template).render(context)


_PAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _html(html: str, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    return Response(html, status_code=status, media_type="text/html; charset=utf-8",
                    headers={**_PAGE_HEADERS, **(headers or {})})


def _page_reply(reply: Reply, request: Request) -> Response:
    """A page worker's reply; its client errors become the HTML error page for a browser (a 503
    while the pages are being prepared keeps its Retry-After)."""
    if 400 <= reply.status < 500:
        return _error(reply.status, reply.body.decode("utf-8", "replace").strip(), request)
    return _response(reply)


def _response(reply: Reply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=reply.headers)


def _error(status: int, message: str, request: Request | None = None) -> Response:
    """An error reply: plain text for clients, an HTML page with the navigation for a browser (one
    that asks for HTML first), so that a person who followed a bad link has a way on."""
    if request is not None and _wants_html(request):
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        return _html(_render("server_error.html", title=f"{status} {phrase}", message=message),
                     {"Content-Security-Policy": SERVER_CSP}, status)
    return _response(Reply.error(status, message))


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept") or ""
    return "text/html" in accept and best_match(accept, ("text/html", "text/plain", *GRAPH_TYPES)) == "text/html"


async def _not_found(request: Request, exc: Exception) -> Response:
    """Starlette's 404 and 405 for addresses and methods no route has."""
    status = getattr(exc, "status_code", 404)
    return _error(status, f"there is no page at {request.url.path}" if status == 404
                  else f"{request.method} is not allowed at {request.url.path}", request)


__all__ = ["SERVER_CSP", "ServerConfig", "create_app", "negotiate", "protocol_operation"]
