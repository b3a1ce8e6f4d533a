"""Worker processes that check and run SPARQL requests, each killed when it runs past the time limit.

Neither pyoxigraph nor rdflib can stop a running query from another thread, so each query runs in
one of a few worker processes, each with the graph open. When a query runs past its time limit the
worker is killed (SIGKILL), the client answered at once, and a new worker started in the background;
the others go on answering meanwhile. The guard (:mod:`.guard`) and the serialization also run in
the workers: they use both cores, and a request that makes the parser itself slow is stopped too.

Updates (only with an update token) are applied to every worker's copy of the graph, and replayed
into the workers started later, so all of them answer alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import multiprocessing
import os
import re
import signal
import sys
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape as html_unescape
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import EcosystemGraphError, QueryError, QuerySyntaxError
from ..stores import is_remote_spec
from .guard import template

__all__ = ["GraphSource", "Job", "LONG_QUERY", "LONG_QUERY_NICENESS", "PAGES_NICENESS", "PAGE_TIME_LIMIT",
           "Preempted", "Reply", "Worker", "WorkerGone", "WorkerPool", "answer", "page_policy",
           "result_reply"]


#: Seconds after which a query counts as long, and the niceness its worker then runs at.
LONG_QUERY = 0.25
LONG_QUERY_NICENESS = 15
#: The page worker's niceness: HTML pages, drawn in Python, come after SPARQL answers.
PAGES_NICENESS = 10
#: Seconds a page may take at least, whatever the query time limit: a hub's picture takes a while.
PAGE_TIME_LIMIT = 30.0


@dataclass(frozen=True)
class GraphSource:
    """How a worker opens the graph: the same options the command line takes."""

    data_dir: Path | None
    build_dir: Path
    store: str | None
    local_graphs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Job:
    """One request: a query to run and answer in a media type, an update to apply, or a page to draw."""

    text: str
    accept: str | None = None
    fmt: str | None = None
    row_cap: int = 10_000
    update: bool = False
    page: bool = False  # text is a site page path (``KIND/ID.html``) or an entity IRI: answer its HTML


@dataclass
class Reply:
    """What to answer: HTTP status, media type, body and extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


# -- inside a worker ---------------------------------------------------------------------------

def _worker_main(conn: Connection, source: GraphSource, updates: list[str], pages: bool = False) -> None:
    """A worker's life: open the graph, replay the updates, then answer jobs until told to stop.

    The page worker (``pages``) draws HTML pages instead of running queries; it prepares them (the
    entity graph, a while on a large graph) in a thread when first asked, answering 503 until ready.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    from ..graph import open_graph
    from .sandbox import isolate_network, refuse_python_sockets, refuse_rdflib_outbound

    # Defence in depth: whatever the guard lets through, this process cannot call out. Isolated
    # first, while the process has one thread; a remote store's worker must reach its store.
    isolation = "the store is remote"
    if not is_remote_spec(source.store):
        isolation = isolate_network() or "isolated"
        refuse_python_sockets()
    refuse_rdflib_outbound()
    try:
        kg = open_graph(source.data_dir, source.build_dir, store=source.store, rebuild=False)
        for text in updates:
            _apply_update(kg, text)
    except EcosystemGraphError as exc:
        conn.send(("failed", str(exc)))
        return
    if pages:  # pages wait for queries: preparing them must not slow the endpoint down
        os.nice(PAGES_NICENESS)
        importlib.import_module("ecosystem_graph.site")  # imported now, not on the first page's time
    else:  # rdflib builds its parser on first use (a second or so): not on a client's time
        from .guard import check_query

        check_query("ASK {}")
    conn.send(("ready", isolation))
    drawer = _Pages(kg) if pages else None
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        if drawer is not None:
            conn.send(drawer.answer(job))
        else:
            conn.send(answer(kg, job, source.local_graphs))


class _Pages:
    """The site's pages in the page worker, prepared in a thread on the first request for one (and
    again after an update), so that a server only asked SPARQL spends nothing on them."""

    def __init__(self, kg: Any) -> None:
        self.kg = kg
        self.site: Any = None
        self._preparing: threading.Thread | None = None

    def _prepare(self) -> None:
        from ..site import Site

        def build() -> None:
            self.site = Site(self.kg, rdf_root="/id/")

        self.site = None
        self._preparing = threading.Thread(target=build, daemon=True)
        self._preparing.start()

    def answer(self, job: Job) -> Reply:
        """Apply an update, or draw the page ``job.text`` names (503 while the pages are prepared)."""
        if job.update:
            try:
                _apply_update(self.kg, job.text)
            except QueryError as exc:
                return Reply.error(400, str(exc))
            if self._preparing is not None:
                self._prepare()
            return Reply(204, "text/plain", b"")
        if self._preparing is None:
            self._prepare()
            assert self._preparing is not None
            self._preparing.join(0.5)  # a small graph is ready at once
        site = self.site
        if site is None:
            reply = Reply.error(503, "the pages are being prepared; try again in a few seconds")
            reply.headers["Retry-After"] = "5"
            return reply
        html = site.page(job.text) if job.text.endswith(".html") else (
            site.entity_page(job.text) if job.text in site.G else site.resource_page(job.text))
        if html is None:
            return Reply.error(404, f"no page for {job.text}")
        return Reply(200, "text/html; charset=utf-8", html.encode("utf-8"),
                     {"Content-Security-Policy": page_policy(html)})


_META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')


def page_policy(html: str) -> str:
    """A page's own Content-Security-Policy (its meta element), as a header that also forbids
    framing, which a meta element cannot.

    >>> page_policy('<head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;">')
    "default-src 'none'; frame-ancestors 'none'"
    """
    found = _META_POLICY.search(html, 0, 4096)
    own = html_unescape(found.group(1)) + "; " if found else "default-src 'none'; "
    return own + "frame-ancestors 'none'"


def answer(kg: Any, job: Job, local_graphs: frozenset[str] = frozenset()) -> Reply:
    """Check and run one job on ``kg``; every error a client can cause becomes a 4xx reply.

    >>> from ecosystem_graph.graph import open_graph
    >>> reply = answer(open_graph(), Job("ASK { ?s a org:Organization }", fmt="csv"))
    >>> reply.status, reply.media_type, reply.body
    (200, 'text/csv; charset=utf-8', b'_askResult\\r\\ntrue\\r\\n')
    >>> answer(open_graph(), Job("SELECT ?x WHERE {")).status
    400
    """
    from ..queries import with_prologue
    from .formats import NotAcceptable, negotiate, serialize_result
    from .guard import Refused, check_query, check_update

    full = with_prologue(job.text, kg.base_iri)
    shift = full.count("\n") - job.text.count("\n")
    try:
        if job.update:
            check_update(full, local_graphs)
            _apply_update(kg, full)
            return Reply(204, "text/plain", b"")
        checked = check_query(full, local_graphs, kg.store.sparql_engine)
        media_type = negotiate(checked.form, job.accept, job.fmt)
        result = kg.store.query(checked.prepared if checked.prepared is not None else full)
        body, truncated = serialize_result(result, media_type, job.row_cap, kg.base_iri)
    except QuerySyntaxError as exc:
        return Reply.error(400, str(exc.shifted(job.text, shift)))
    except Refused as exc:
        return Reply.error(403, str(exc))
    except NotAcceptable as exc:
        return Reply.error(406, str(exc))
    except QueryError as exc:
        return Reply.error(400, str(exc))
    except EcosystemGraphError as exc:
        return Reply.error(500, str(exc))
    except Exception as exc:  # rdflib evaluates lazily and reports a query's own faults as plain exceptions
        return Reply.error(400, f"the query failed: {exc}")
    return result_reply(body, media_type, truncated, job.row_cap)


def result_reply(body: bytes, media_type: str, truncated: bool, row_cap: int) -> Reply:
    """The 200 reply carrying a serialized result, saying when it was cut at ``row_cap`` rows."""
    headers = {"X-Result-Truncated": f"true; at most {row_cap} rows"} if truncated else {}
    text_type = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    return Reply(200, media_type + ("; charset=utf-8" if text_type else ""), body, headers)


def _apply_update(kg: Any, text: str) -> None:
    """Apply a SPARQL update to the worker's in-memory graph (rdflib or Oxigraph)."""
    store = kg.store
    try:
        store.update(text)
    except SyntaxError as exc:
        raise QueryError(f"malformed update: {exc}") from None
    except Exception as exc:  # an update that fails while running is the client's to fix
        raise QueryError(f"the update failed: {exc}") from None


# -- in the server -----------------------------------------------------------------------------

class WorkerGone(EcosystemGraphError):
    """A worker died or overran its time limit (and was killed)."""


class Preempted(EcosystemGraphError):
    """A query stopped because it turned out long while long queries held all the workers they may."""


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: Any, source: GraphSource, updates: list[str], pages: bool = False) -> None:
        self.pages = pages
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, source, list(updates), pages),
                                       name="ecosystem-graph-worker", daemon=True)
        self.process.start()
        child.close()
        self._reply: asyncio.Future[None] | None = None
        self._watched = False

    def wait_ready(self, timeout: float) -> None:
        """Wait until the worker has opened the graph; raise with its message if it could not."""
        if not self.conn.poll(timeout):
            self.kill()
            raise EcosystemGraphError(f"a worker did not open the graph within {timeout:.0f} s")
        try:
            state, detail = self.conn.recv()
        except EOFError:
            raise EcosystemGraphError("a worker stopped while opening the graph") from None
        if state != "ready":
            raise EcosystemGraphError(f"a worker could not open the graph: {detail}")
        self.isolation: str = detail  # "isolated", or why the worker's network is not

    async def call(self, job: Job, time_limit: float, on_long: Callable[[], bool] | None = None) -> Reply:
        """Send ``job`` and wait for its reply in the event loop; kill the worker past ``time_limit``.

        Once the job has run :data:`LONG_QUERY` seconds the worker's priority is lowered and
        ``on_long`` asked whether to stop it now (:class:`Preempted`), to be run again later.
        The loop watches the pipe itself and two timers: no thread and no task per request, which
        matters when the server process is the bottleneck.
        """
        loop = asyncio.get_running_loop()
        self._reply = ready = loop.create_future()
        if not self._watched:
            loop.add_reader(self.conn.fileno(), self._readable)
            # Some loops (uvloop) make a watched descriptor non-blocking; a large reply is read whole.
            os.set_blocking(self.conn.fileno(), True)
            self._watched = True
        def long() -> None:
            self.lower_priority()
            if on_long is not None and on_long() and not ready.done():
                ready.set_exception(Preempted())

        def time_out() -> None:
            if not ready.done():
                ready.set_exception(TimeoutError())

        timers = [loop.call_later(min(LONG_QUERY, time_limit), long), loop.call_later(time_limit, time_out)]
        try:
            self.conn.send(job)
            await ready
            reply: Reply = self.conn.recv()
            return reply
        except Preempted:
            self.kill()
            raise
        except TimeoutError:
            self.kill()
            raise WorkerGone(f"the query ran past the time limit of {time_limit:g} s and was stopped") from None
        except (EOFError, OSError):
            self.kill()
            raise WorkerGone("the worker running the query stopped") from None
        finally:
            self._reply = None
            for timer in timers:
                timer.cancel()

    def _readable(self) -> None:
        """The pipe has data (a reply, or the end of a dead worker): wake the request waiting for it."""
        if self._reply is None:  # nobody waits: a dead worker's pipe stays readable, so stop watching it
            self._unwatch()
        elif not self._reply.done():
            self._reply.set_result(None)
        # else: woken already, the reply is about to be read

    def _unwatch(self) -> None:
        if self._watched:
            self._watched = False
            try:
                asyncio.get_running_loop().remove_reader(self.conn.fileno())
            except (RuntimeError, OSError, ValueError):  # the loop is gone (shutdown) or the pipe closed
                pass

    def lower_priority(self) -> None:
        """Let the short queries of the other workers go first (on 2 cores a long query holds one).

        Only root may raise a priority again, so the worker keeps the low one afterwards.
        """
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, LONG_QUERY_NICENESS)
        except OSError:
            pass

    def kill(self) -> None:
        """Stop the worker at once (SIGKILL), wherever it is."""
        self._unwatch()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        """Ask the worker to finish, then kill it if it does not."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.kill()


class WorkerPool:
    """Query workers, one spare and one page worker; a request waits for an idle worker.

    Long queries may hold all workers but one (:attr:`long_bound`), so that short ones are always
    answered promptly. A query is *long* once it has run :data:`LONG_QUERY` seconds; queries of
    the same shape (their :func:`~.guard.template`) are then known to be long and wait in their own
    line until a long-query place is free. A query not yet known to be long that turns long while
    every long-query place is taken is stopped and put in that line, losing a quarter second of
    work rather than holding the last worker. A killed worker's place is taken at once by the
    spare, which already has the graph open; a new spare starts in the background.

    >>> import tempfile
    >>> from ecosystem_graph.graph import open_graph
    >>> build = Path(tempfile.mkdtemp())
    >>> _ = open_graph(None, build)  # the workers open what is built, they do not build
    >>> async def ask(query: str) -> tuple[int, bytes]:
    ...     pool = WorkerPool(GraphSource(None, build, "oxigraph"), size=1, time_limit=1)
    ...     pool.start()
    ...     pool.attach(asyncio.get_running_loop())
    ...     try:
    ...         reply = await pool.run(Job(query))
    ...         return reply.status, reply.body
    ...     finally:
    ...         pool.stop()
    >>> asyncio.run(ask("ASK { ?s ?p ?o }"))
    (200, b'{"head": {}, "boolean": true}')
    >>> asyncio.run(ask("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
    (503, b'the query ran past the time limit of 1 s and was stopped\\n')
    """

    def __init__(self, source: GraphSource, size: int, time_limit: float, start_timeout: float = 600) -> None:
        self.source, self.size, self.time_limit, self.start_timeout = source, size, time_limit, start_timeout
        self.long_bound = max(1, size - 1)
        # forkserver: workers start from a clean process (not a fork of the event loop's threads),
        # and with the package imported once in the server process that forks them, respawns are quick.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["ecosystem_graph.server.workers", "ecosystem_graph.graph"])
        self._threads = ThreadPoolExecutor(max_workers=size + 2, thread_name_prefix="respawn")
        self._idle: list[Worker] = []
        self._spare: Worker | None = None
        self._active = 0  # query workers idle or busy, not counting the spare
        self._waiting: deque[tuple[asyncio.Future[Worker], bool]] = deque()
        self._long_running = 0
        self._long_shapes: OrderedDict[str, None] = OrderedDict()
        self._page_idle: asyncio.Queue[Worker] | None = None
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self.updates: list[str] = []
        self.isolation = ""

    def start(self) -> None:
        """Start every worker and wait until all have the graph open (before serving)."""
        self._page_idle = asyncio.Queue()
        workers = [Worker(self._context, self.source, self.updates, pages=number == self.size)
                   for number in range(self.size + 2)]
        try:
            for worker in workers:
                worker.wait_ready(self.start_timeout)
        except EcosystemGraphError:
            for worker in workers:
                worker.kill()
            raise
        *query_workers, page_worker, self._spare = workers
        self._all.update(workers)
        self._idle, self._active = query_workers, len(query_workers)
        self._page_idle.put_nowait(page_worker)
        self.isolation = page_worker.isolation

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The event loop that serves requests: replacement workers are handed over to it."""
        self._loop = loop

    async def run(self, job: Job) -> Reply:
        """Run ``job`` on an idle worker, within the time limit; a killed worker is replaced."""
        shape = template(job.text)
        known_long = shape in self._long_shapes
        while True:
            try:
                worker = await self._acquire(known_long)
            except TimeoutError:
                reply = Reply.error(503, f"long queries held every worker they may for {self.time_limit:g} s; "
                                         "try again later")
                reply.headers["Retry-After"] = "5"
                return reply
            counted = [known_long]  # whether this job holds a long-query place

            # Called only while this pass's worker.call runs (it cancels its timers before returning),
            # so the counted it sees is this pass's.
            def turned_long() -> bool:
                self._remember_long(shape)
                if counted[0]:  # noqa: B023  (called within this pass only, see above)
                    return False
                if self._long_running >= self.long_bound:
                    return True  # preempt: run it again in the line of long queries
                self._long_running += 1
                counted[0] = True  # noqa: B023  (called within this pass only)
                return False

            try:
                reply = await worker.call(job, self.time_limit, turned_long)
            except Preempted:
                self._retire(worker)
                known_long = True
                continue
            except WorkerGone as exc:
                self._retire(worker)
                return Reply.error(503, str(exc))
            except asyncio.CancelledError:  # the request was dropped mid-query: its worker may still be busy
                self._retire(worker)
                raise
            finally:
                if counted[0]:
                    self._long_running -= 1
            self._release(worker)
            return reply

    async def _acquire(self, long: bool, timeout: float | None = -1) -> Worker:
        """An idle worker for a job (a known long one only within :attr:`long_bound`), in turn;
        waits at most ``timeout`` seconds (default the time limit; ``None``: as long as it takes)."""
        ready: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        self._waiting.append((ready, long))
        self._dispatch()
        if ready.done():
            return ready.result()
        try:
            return await asyncio.wait_for(asyncio.shield(ready), self.time_limit if timeout == -1 else timeout)
        except BaseException:  # timed out, or the request was dropped: a worker granted meanwhile goes back
            if ready.done() and not ready.cancelled():
                if long:
                    self._long_running -= 1
                self._release(ready.result())
            ready.cancel()
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._waiting.remove((ready, long))

    def _release(self, worker: Worker) -> None:
        """Give ``worker`` back, to the first waiting job that may have it."""
        self._idle.append(worker)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand idle workers to waiting jobs: in order, a long one only while a long place is free."""
        for ready, long in list(self._waiting):
            if not self._idle:
                return
            if ready.done() or (long and self._long_running >= self.long_bound):
                continue
            if long:
                self._long_running += 1
            self._waiting.remove((ready, long))
            ready.set_result(self._idle.pop())

    def _remember_long(self, shape: str) -> None:
        self._long_shapes[shape] = None
        self._long_shapes.move_to_end(shape)
        if len(self._long_shapes) > 4096:
            self._long_shapes.popitem(last=False)

    async def page(self, target: str) -> Reply:
        """The HTML page of ``target`` (a site path or an entity IRI) from the page worker."""
        assert self._page_idle is not None, "start() the pool first"
        worker = await self._page_idle.get()
        try:
            reply = await worker.call(Job(target, page=True), max(self.time_limit, PAGE_TIME_LIMIT))
        except WorkerGone as exc:
            self._retire(worker)
            return Reply.error(503, str(exc))
        except asyncio.CancelledError:
            self._retire(worker)
            raise
        self._page_idle.put_nowait(worker)
        return reply

    def _retire(self, worker: Worker, counted: bool = True) -> None:
        """Kill ``worker``; the spare takes a query worker's place at once, and another starts.
        ``counted``: whether it held a query worker's place (the spare does not)."""
        worker.kill()
        self._all.discard(worker)
        if not worker.pages and counted:
            self._active -= 1
            if self._spare is not None:
                spare, self._spare = self._spare, None
                self._active += 1
                self._release(spare)
        asyncio.get_running_loop().run_in_executor(self._threads, self._replace, worker.pages)

    async def update(self, text: str) -> Reply:
        """Apply an update to every worker, one at a time, holding all of them meanwhile."""
        assert self._page_idle is not None, "start() the pool first"
        queries = [await self._acquire(False, timeout=None) for _ in range(self._active)]
        spare, self._spare = self._spare, None  # brought up to date too, and held meanwhile
        page = await self._page_idle.get()
        held = [*queries, page, *([spare] if spare else [])]
        reply = Reply.error(503, "no worker")
        try:
            for worker in held:
                reply = await worker.call(Job(text, update=True), self.time_limit)
                if reply.status != 204:
                    break  # the first worker refuses what all would: the others are unchanged
            else:
                self.updates.append(text)
        except (WorkerGone, asyncio.CancelledError) as exc:
            for worker in held:  # each may hold the update or not: all start again from the graph
                self._retire(worker, counted=worker is not spare)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return Reply.error(503, f"{exc}; the update was undone")
        self._page_idle.put_nowait(page)
        self._spare = spare
        for worker in queries:
            self._release(worker)
        return reply

    def _replace(self, pages: bool = False) -> None:
        """Start a worker in place of a killed one (in a thread: opening the graph takes a while)."""
        try:
            worker = Worker(self._context, self.source, self.updates, pages)
            worker.wait_ready(self.start_timeout)
        except EcosystemGraphError as exc:  # the pool serves on with one worker fewer
            print(f"error: cannot replace a stopped worker: {exc}", file=sys.stderr)
            return
        with self._lock:
            self._all.add(worker)
        self._loop.call_soon_threadsafe(self._place, worker)

    def _place(self, worker: Worker) -> None:
        """Put a ready worker where one is missing: the page worker, a query worker, else the spare."""
        if worker.pages:
            assert self._page_idle is not None
            self._page_idle.put_nowait(worker)
        elif self._active < self.size:
            self._active += 1
            self._release(worker)
        elif self._spare is None:
            self._spare = worker
        else:
            worker.stop()
            self._all.discard(worker)

    def stop(self) -> None:
        for worker in list(self._all):
            worker.stop()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
