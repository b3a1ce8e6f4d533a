"""``ecosystem-graph serve``: the SPARQL endpoint and linked-data pages over HTTP."""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path

import click

from ..errors import EcosystemGraphError
from .common import graph_options, load_graph

__all__ = ["serve"]


@click.command()
@graph_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; another one exposes the server to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--workers", type=click.IntRange(1, 64), default=3, show_default=True,
              help="Worker processes running queries (each holds the graph open).")
@click.option("--timeout", "time_limit", type=click.FloatRange(0.1, 3600), default=10.0, show_default=True,
              help="Seconds a query may run before its worker is stopped.")
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True,
              help="Rows (or triples) a result holds at most; the rest is cut, with an X-Result-Truncated header.")
@click.option("--max-request-size", type=click.IntRange(1024), default=1 << 20, show_default=True,
              help="Bytes a request's body or URL may hold.")
@click.option("--update-token", envvar="ECOSYSTEM_GRAPH_UPDATE_TOKEN", default=None,
              help="Accept SPARQL updates from requests with 'Authorization: Bearer TOKEN' "
                   "(in-memory stores only; refused by default).")
@click.option("--allowed-host", "allowed_host", multiple=True, metavar="NAME",
              help="A Host name requests may give (repeat for more); default: the address listened on "
                   "(and localhost on loopback). Others get 400.")
@click.option("--max-connections", type=click.IntRange(8), default=1000, show_default=True,
              help="Connections open at once; past it the oldest one still sending no request is closed.")
@click.option("--header-timeout", type=click.FloatRange(0.5, 600), default=10.0, show_default=True,
              help="Seconds a request's line and headers may take to arrive (its body: three times that).")
@click.option("--review", "review", multiple=True, metavar="DRAFT_OR_DIR",
              type=click.Path(exists=True, path_type=Path),
              help="Offer the review page at /review for this draft, or the *.draft.yaml files of this folder "
                   "(repeatable); its decisions and accepts write the drafts and the --data folder.")
def serve(data_dir: Path | None, build_dir: Path, store: str | None, host: str, port: int, workers: int,
          time_limit: float, max_rows: int, max_request_size: int, update_token: str | None,
          allowed_host: tuple[str, ...], max_connections: int, header_timeout: float,
          review: tuple[Path, ...]) -> None:
    """Serve the graph: SPARQL 1.1 Protocol at /sparql, entity pages at /id/..., named queries at /queries.

    With --review, also the review page of drafts of 'extract' at /review (see docs/server.md).
    """
    import uvicorn

    from ..server import ServerConfig, create_app
    from ..server.connections import ConnectionLimits, guarded_protocol
    from ..server.headers import allowed_hosts
    from ..server.workers import GraphSource

    if review:
        _check_review(data_dir or Path("data"), host, allowed_host, update_token)
    kg = load_graph(data_dir, build_dir, store)  # builds when stale, so the workers only open it
    if update_token and kg.store.persistent:
        raise EcosystemGraphError(f"--update-token needs an in-memory store; {kg.store.spec} is written by "
                                  "'ecosystem-graph build' only")
    listener = _listen(host, port)
    hosts = allowed_hosts(host, allowed_host)
    source = GraphSource(data_dir, build_dir, kg.store.spec, _named_graphs(kg))
    config = ServerConfig(source, workers, time_limit, max_rows, max_request_size, update_token, hosts,
                          review, data_dir or Path("data"))
    app = create_app(config, kg)
    pool = app.state.server.pool
    pool.start()
    bound_host, bound_port = listener.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    click.echo(f"serving {kg.store.spec} at http://{shown}:{bound_port}/ (SPARQL at /sparql); Ctrl-C stops",
               err=True)
    if not ipaddress.ip_address(bound_host).is_loopback:
        click.echo(f"warning: {host} is reachable from other machines", err=True)
    if hosts == ("*",):
        click.echo("warning: any Host name is answered; name this server's with --allowed-host", err=True)
    if pool.isolation != "isolated":
        click.echo(f"note: the workers are not cut off from the network ({pool.isolation}); the query "
                   "guard alone refuses SERVICE, LOAD and remote FROM", err=True)
    limits = ConnectionLimits(min(max_connections, _raise_file_limit() - 64), header_timeout=header_timeout,
                              body_timeout=3 * header_timeout)
    _quiet_repeats()
    try:
        # The standard asyncio loop, whatever else is installed: the one the tests and the bench ran on.
        uvicorn.Server(uvicorn.Config(app, loop="asyncio", http=guarded_protocol(limits), log_level="warning",
                                      access_log=False, timeout_graceful_shutdown=2)).run(sockets=[listener])
    finally:
        pool.stop()


def _check_review(data: Path, host: str, allowed_host: tuple[str, ...], update_token: str | None) -> None:
    """Refuse a review page that could not be kept to its owner: without a data folder to merge into
    (never the seed data an installed package carries), answering any Host name (a DNS-rebinding
    page could read its form token), or reachable from other machines without the update token."""
    from ..server.headers import allowed_hosts

    if not data.is_dir():
        raise click.UsageError(f"--review: {data} is not a folder: give --data DIR, the data folder drafts are "
                               "accepted into")
    try:
        hosts = allowed_hosts(host, allowed_host)
    except ValueError:
        return  # not an address: _listen says so
    if hosts == ("*",):
        raise click.UsageError("--review: name the Host names this server answers with --allowed-host NAME (a "
                               "server answering any name lets pages of other sites reach the review page)")
    if not ipaddress.ip_address(host).is_loopback and not update_token:
        raise click.UsageError(f"--review on {host}, which other machines reach, needs --update-token: "
                               "review decisions and accepts then need it")


def _raise_file_limit() -> int:
    """Raise this process's open-file limit to the most it may have; the limit now in force."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError):
        return soft
    return wanted


def _quiet_repeats() -> None:
    """Log each kind of server error once, then sums of its repeats (not one line per connection)."""
    import logging

    from ..server.connections import OncePerCause

    for name in ("uvicorn.error", "asyncio"):
        logging.getLogger(name).addFilter(OncePerCause())


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a clear error when the address is taken or not this machine's."""
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        raise EcosystemGraphError(f"--host: expected an IP address such as 127.0.0.1, found {host!r}") from None
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they are TCP,
    # and with Nagle on, a keep-alive client waits 40 ms for each answer sent in two writes.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise EcosystemGraphError(f"port {port} on {host} is in use; choose another with --port") from None
        raise EcosystemGraphError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _named_graphs(kg: object) -> frozenset[str]:
    """The named graphs the store holds: the only ones a query's FROM may name."""
    try:
        return frozenset(str(row[0]) for row in kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"))  # type: ignore[attr-defined]
    except Exception:  # rdflib's plain graph (memory) has no named graphs and says so with an Exception
        return frozenset()
