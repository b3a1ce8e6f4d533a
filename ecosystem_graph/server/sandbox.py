"""Make outbound requests impossible in a worker process, whatever a query asks for.

The guard (:mod:`.guard`) refuses ``SERVICE``, ``LOAD`` and remote ``FROM`` before a store sees a
query; this module is the second wall, for the day the guard and an engine read a query
differently. A worker of an embedded store (``memory``, ``oxigraph``, ``oxigraph:PATH``) needs no
network at all, so it:

- moves into a network namespace of its own (Linux ``unshare``; as root directly, otherwise inside a
  user namespace that maps the worker's own user), where no address outside the process is
  reachable: this stops Oxigraph's own HTTP client, which has no switch to turn it off;
- refuses Python socket connections (an audit hook), which stops rdflib's ``SERVICE`` and remote
  JSON-LD contexts where namespaces are not allowed;
- replaces rdflib's ``SERVICE`` evaluation and ``LOAD`` with ones that refuse.

A worker of a remote store (``sparql:URL``) must reach that store, so it gets only the last two
where they apply (they concern rdflib, which a remote store does not run queries on).
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from typing import TYPE_CHECKING, Any

from .guard import Refused

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import QueryContext

__all__ = ["isolate_network", "refuse_python_sockets", "refuse_rdflib_outbound"]

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


def isolate_network() -> str | None:
    """Move this process into an empty network namespace; ``None`` on success, else why not.

    Call it while the process has one thread (a new user namespace requires that).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError) as exc:
        return f"no unshare() here ({exc})"
    if unshare(_CLONE_NEWNET) == 0:
        return None
    uid, gid = os.getuid(), os.getgid()
    if unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return f"unshare: {os.strerror(ctypes.get_errno() or errno.EPERM)}"
    try:  # keep the worker's own user and group inside, so that it reads its files as before
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w", encoding="ascii") as stream:
                stream.write(text)
    except OSError as exc:
        return f"cannot map the user in a new namespace: {exc.strerror}"
    return None


def refuse_python_sockets() -> None:
    """Refuse every socket connection and name lookup Python code of this process starts."""
    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
            raise PermissionError(f"this worker makes no network requests ({event} refused)")

    sys.addaudithook(hook)


def refuse_rdflib_outbound() -> None:
    """Make rdflib refuse ``SERVICE`` and ``LOAD`` while evaluating, and never fetch ``FROM`` graphs."""
    import rdflib.plugins.sparql
    import rdflib.plugins.sparql.update

    def no_service(ctx: Any, part: Any) -> Any:
        if part.name == "ServiceGraphPattern":
            raise Refused("SERVICE is refused: this endpoint makes no request on a query's behalf")
        raise NotImplementedError  # rdflib's own evaluation takes every other part

    def no_load(ctx: QueryContext, u: CompValue) -> None:  # the signature of rdflib's evalLoad
        raise Refused("LOAD is refused: this endpoint fetches nothing")

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    rdflib.plugins.sparql.CUSTOM_EVALS["ecosystem-graph-no-service"] = no_service
    rdflib.plugins.sparql.update.evalLoad = no_load
