"""Bounds on what a client can hold open: connections, and the time a request may take to arrive.

uvicorn bounds nothing until a request's headers are complete, so a client that opens connections
and sends a byte now and then (slowloris) holds a file handle each for as long as it likes; at some
thousands the server runs out of them. The protocol here (uvicorn's httptools protocol, extended):

- a request's line and headers must arrive within ``header_timeout`` seconds of its first byte
  (or of the connection's start), its body within ``body_timeout`` seconds of its headers; past
  that the client gets ``408`` and the connection is closed;
- at most ``max_connections`` connections are open, and at most ``per_client`` from one address:
  a new connection past either closes the oldest one (of that address, for the second) still
  waiting for its request, or is itself answered ``503`` when none waits. So connections that
  send nothing give way to new ones, also when an attacker and a user share an address.

A running query is bounded by the server's time limit instead (:mod:`.workers`).
:class:`OncePerCause` keeps the log readable under attack: a message is logged once, then its
repeats are counted and summed up at most once a minute.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["ConnectionLimits", "OncePerCause", "guarded_protocol"]

_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s")
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: %d\r\n"
         b"retry-after: 5\r\nconnection: close\r\n\r\n%s")


@dataclass(frozen=True)
class ConnectionLimits:
    """How many connections, and how long a request may take to arrive."""

    max_connections: int = 1000
    per_client: int = 64
    header_timeout: float = 10.0
    body_timeout: float = 30.0


def guarded_protocol(limits: ConnectionLimits) -> type[HttpToolsProtocol]:
    """uvicorn's HTTP protocol class with ``limits`` enforced; pass it as ``uvicorn.Config(http=...)``."""
    return type("GuardedHttpProtocol", (_Guarded,), {"limits": limits, "opened": {}})


class _Guarded(HttpToolsProtocol):
    """One connection. ``opened`` (per server, by :func:`guarded_protocol`) maps each open
    connection to the time its current wait for a request began, or ``None`` while it is served."""

    limits: ConnectionLimits
    opened: dict[_Guarded, float | None]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        host = self.client[0] if self.client else ""
        same_client = [other for other in self.opened if other.client and other.client[0] == host]
        if len(same_client) >= self.limits.per_client and not _evict_oldest_waiting(same_client):
            self._refuse(_BUSY, f"a client may hold {self.limits.per_client} connections at most")
            return
        if len(self.opened) >= self.limits.max_connections and not _evict_oldest_waiting(list(self.opened)):
            self._refuse(_BUSY, f"the server holds {self.limits.max_connections} connections already")
            return
        self.opened[self] = time.monotonic()
        self._arm(self.limits.header_timeout, "the request's headers")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.opened.pop(self, None)
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # the next request on a kept-alive connection
            self.opened[self] = time.monotonic()
            self._arm(self.limits.header_timeout, "the request's headers")

    def on_headers_complete(self) -> None:
        self._disarm()
        self.opened[self] = None
        super().on_headers_complete()
        self._arm(self.limits.body_timeout, "the request's body")

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float, what: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire, seconds, what)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, seconds: float, what: str) -> None:
        self._deadline = None
        self._refuse(_TIMEOUT, f"{what} did not arrive within {seconds:g} s")

    def _refuse(self, response: bytes, reason: str) -> None:
        """Answer (when no response has started) and close the connection."""
        self.logger.warning(f"closing a connection: {reason}")
        if not self.transport.is_closing() and (self.cycle is None or not self.cycle.response_started):
            message = (reason + "\n").encode()
            self.transport.write(response % (len(message), message))
        self.opened.pop(self, None)
        self.transport.close()



def _evict_oldest_waiting(connections: list[_Guarded]) -> bool:
    """Close the one of ``connections`` that has waited longest for its request; whether there was one."""
    waiting = [(since, conn) for conn in connections if (since := conn.opened.get(conn)) is not None]
    if not waiting:
        return False
    _, oldest = min(waiting, key=lambda pair: pair[0])
    oldest._disarm()
    oldest._refuse(_BUSY, "the server is at a connection limit, and this connection sent no request")
    return True


class OncePerCause(logging.Filter):
    """Let a log message through the first time; count its repeats and report them once a minute."""

    def __init__(self, period: float = 60.0) -> None:
        super().__init__()
        self.period = period
        self.repeats: Counter[str] = Counter()
        self.last: dict[str, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        cause = f"{record.name}:{record.msg}"
        now = time.monotonic()
        if cause not in self.last:
            self.last[cause] = now
            return True
        self.repeats[cause] += 1
        if now - self.last[cause] < self.period:
            return False
        record.msg = f"{record.msg} (and {self.repeats.pop(cause)} more like it in the last {self.period:g} s)"
        record.exc_info = record.exc_text = None  # the first one carried the traceback
        self.last[cause] = now
        return True
