"""What every response carries, which ``Host`` names a request may give, and who may read the answers.

A pure ASGI middleware (no per-request objects beyond a header list): it answers 400 to a request
whose ``Host`` is not one the server was started for (so a page can never be fetched through a
DNS-rebinding name, and the Service Description never echoes a stranger's host name), and adds
``X-Content-Type-Options: nosniff`` to every response and a ``Content-Security-Policy`` forbidding
framing to every HTML response that lacks a policy of its own. :class:`PublicCors` lets pages of any
site read the answers (CORS), except under a private path (the review page, whose form token a
page of another site must never read).

>>> allowed_hosts("127.0.0.1")
('127.0.0.1', 'localhost')
>>> allowed_hosts("::1", ["graph.example.org"])
('graph.example.org',)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PublicCors", "SecurityHeaders", "allowed_hosts"]

#: The policy an HTML response without its own gets: nothing may frame it.
NO_FRAMING = "frame-ancestors 'none'"


def allowed_hosts(bound: str, given: Sequence[str] = ()) -> tuple[str, ...]:
    """The ``Host`` names a server bound to address ``bound`` answers to: ``given``, else the address
    itself (and ``localhost`` for a loopback one); ``("*",)`` for a wildcard address with none given."""
    if given:
        return tuple(host.lower() for host in given)
    address = ipaddress.ip_address(bound)
    if address.is_unspecified:
        return ("*",)
    return (bound, "localhost") if address.is_loopback else (bound,)


class SecurityHeaders:
    """Refuse unknown ``Host`` names; add ``nosniff`` everywhere and a framing policy to HTML."""

    def __init__(self, app: ASGIApp, hosts: Sequence[str] = ("*",)) -> None:
        self.app = app
        self.hosts = frozenset(host.lower().strip("[]") for host in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "*" not in self.hosts:
            host = _host_name(Headers(scope=scope).get("host", ""))
            if host not in self.hosts:
                await _refuse_host(host, sorted(self.hosts), send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _secured(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _host_name(header: str) -> str:
    """The name of a ``Host`` header, without its port (``[::1]:8000`` -> ``::1``).

    >>> _host_name("[::1]:8000"), _host_name("Example.org:80"), _host_name("127.0.0.1")
    ('::1', 'example.org', '127.0.0.1')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def _secured(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    names = {name.lower() for name, _ in headers}
    if b"x-content-type-options" not in names:
        headers.append((b"x-content-type-options", b"nosniff"))
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if content_type.startswith(b"text/html") and b"content-security-policy" not in names:
        headers.append((b"content-security-policy", NO_FRAMING.encode()))
    return headers


async def _refuse_host(host: str, allowed: list[str], send: Send) -> None:
    body = (f"this server does not answer for the host name {host[:100]!r}; it answers for "
            f"{', '.join(allowed)} (start it with --allowed-host NAME to add one)\n").encode()
    await send({"type": "http.response.start", "status": 400, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})


class PublicCors:
    """Let pages of any site read the answers (CORS: ``GET`` and ``POST`` with the ``Accept`` and
    ``Content-Type`` headers, no credentials), except under ``private``, which answers without any
    ``Access-Control-*`` header: a browser then lets no page of another origin read it.

    >>> import asyncio
    >>> async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    ...     await send({"type": "http.response.start", "status": 200, "headers": []})
    ...     await send({"type": "http.response.body", "body": b"hi"})
    >>> def readable_from_elsewhere(path: str) -> bytes | None:
    ...     sent: list[Message] = []
    ...     async def receive() -> Message:
    ...         return {"type": "http.request", "body": b""}
    ...     async def send(message: Message) -> None:
    ...         sent.append(message)
    ...     scope = {"type": "http", "method": "GET", "path": path, "headers": [(b"origin", b"https://b.example")]}
    ...     asyncio.run(PublicCors(hello)(scope, receive, send))
    ...     return dict(sent[0]["headers"]).get(b"access-control-allow-origin")
    >>> [readable_from_elsewhere(path) for path in ("/sparql", "/review", "/review/a", "/reviewer")]
    [b'*', None, None, b'*']
    """

    def __init__(self, app: ASGIApp, private: str = "/review") -> None:
        self.app, self.private = app, private.rstrip("/")
        self.cors = CORSMiddleware(app, allow_origins=["*"], allow_methods=["GET", "POST"],
                                   allow_headers=["Accept", "Content-Type"], max_age=3600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        inside = path == self.private or path.startswith(self.private + "/")
        await (self.app if inside else self.cors)(scope, receive, send)
