"""A function run in a forked child process, for the second core of a build.

A build holds its records (millions of small Python objects) in memory; a child made by ``fork``
sees them as they are, with nothing pickled on the way in, and only its result comes back. A
build uses one to make half of its triples while the parent makes the other half, and one to write
its files while the parent loads and checks the store.

>>> if can_fork():
...     assert Forked(lambda: 6 * 7).result() == 42
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from .errors import EcosystemGraphError

__all__ = ["Forked", "SharedCount", "can_fork", "in_two_processes"]

T = TypeVar("T")
U = TypeVar("U")
#: Work given a function to report how many items it has done so far.
Counted = Callable[[Callable[[int], None]], T]
_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    """Whether a second process helps: ``fork`` exists here and there is a second core."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) >= 2


class Forked(Generic[T]):
    """``function()`` running in a child process from now on; :meth:`result` waits for what it returns."""

    def __init__(self, function: Callable[[], T]) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(function, send), name="ecosystem-graph-helper",
                                        daemon=True)
        self._process.start()
        send.close()  # the child holds the only writing end: a child that dies gives EOF, not a hang

    def result(self, waiting: Callable[[], None] | None = None) -> T:
        """What the function returned, or what it raised, raised here; ``waiting`` is called every
        0.1 s meanwhile (to draw progress)."""
        try:
            while not self._receive.poll(0.1):
                if waiting is not None:
                    waiting()
            outcome, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise EcosystemGraphError(f"a helper process of this command ended with exit code "
                                      f"{self._process.exitcode} before finishing its work") from None
        finally:
            self._receive.close()
        self._process.join()
        if outcome == "raised":
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop the child, if it still runs (the caller removes what it wrote)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receive.close()


class SharedCount:
    """A count a child process sets and its parent reads (how far the child got), in shared memory;
    made before the child is forked.

    >>> count = SharedCount(); count.set(3); count.value
    3
    """

    def __init__(self) -> None:
        self._shared = multiprocessing.get_context("fork").RawValue("q", 0)

    def set(self, value: int) -> None:
        self._shared.value = value

    @property
    def value(self) -> int:
        return int(self._shared.value)


def in_two_processes(here: Counted[T], there: Counted[U],
                     progress: Callable[[int], None] | None = None) -> tuple[T, U]:
    """Run ``there`` in a forked child while ``here`` runs in this process (one after the other where
    :func:`can_fork` says no); both results. Each is given a function to report its count of items
    done; ``progress`` is told their sum. If either fails, the child is stopped and the error raised here.

    >>> in_two_processes(lambda report: "here", lambda report: "there")
    ('here', 'there')
    """
    if not can_fork():
        return _one_after_the_other(here, there, progress)
    theirs = SharedCount()
    helper = Forked(lambda: there(theirs.set))
    mine = 0

    def report(done: int = -1) -> None:
        nonlocal mine
        mine = done if done >= 0 else mine
        if progress:
            progress(mine + theirs.value)

    try:
        result = here(report)
        return result, helper.result(waiting=report)
    except BaseException:
        helper.cancel()
        raise


def _one_after_the_other(here: Counted[T], there: Counted[U],
                         progress: Callable[[int], None] | None) -> tuple[T, U]:
    first = 0  # here's last count: there's counts follow it

    def report_here(count: int) -> None:
        nonlocal first
        first = count
        if progress:
            progress(count)

    result = here(report_here)
    return result, there(lambda count: progress(first + count) if progress else None)


def _run(function: Callable[[], Any], send: Connection) -> None:
    _die_with_parent()
    try:
        outcome: tuple[str, Any] = ("returned", function())
    except BaseException as exc:  # handed to the parent, which raises it
        outcome = ("raised", exc)
    try:
        send.send(outcome)
    except Exception as exc:  # an exception that cannot be pickled: its text still reaches the parent
        send.send(("raised", EcosystemGraphError(f"{type(outcome[1]).__name__}: {outcome[1]} ({exc})")))
    send.close()


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this child when the parent dies (a killed build leaves no
    helper writing on); elsewhere the parent's exit still ends it (a daemon process)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
