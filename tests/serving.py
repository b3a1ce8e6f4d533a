"""Start ``ecosystem-graph serve`` as a real process on a free loopback port, for the server tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

_SERVING = re.compile(r"serving \S+ at (http://127\.0\.0\.1:\d+)/")


@dataclass
class Served:
    """A running server: its base URL and what it has written to stderr so far."""

    url: str
    log: list[str] = field(default_factory=list)


@contextmanager
def running_server(*args: str, cwd: Path | None = None, timeout: float = 120) -> Iterator[Served]:
    """``ecosystem-graph serve ARGS --port 0`` until the block ends."""
    command = [sys.executable, "-m", "ecosystem_graph", "serve", "--host", "127.0.0.1", "--port", "0", *args]
    process = subprocess.Popen(command, cwd=cwd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               start_new_session=True)
    try:
        served = _wait_for_url(process, timeout)
        # Keep reading its stderr, so that it never blocks on a full pipe and tests can look at it.
        threading.Thread(target=lambda: served.log.extend(iter(process.stderr.readline, "")), daemon=True).start()
        yield served
    finally:
        stop(process)


def _wait_for_url(process: subprocess.Popen, timeout: float) -> Served:
    deadline = time.monotonic() + timeout
    assert process.stderr is not None
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            raise RuntimeError(f"the server stopped: {''.join(seen)}")
        seen.append(line)
        match = _SERVING.search(line)
        if match:
            return Served(match.group(1), seen)
    raise RuntimeError(f"the server did not start in {timeout} s: {''.join(seen)}")


def stop(process: subprocess.Popen) -> None:
    """Stop the server like Ctrl-C does, then for good if it lingers (its workers are in its session)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    if process.stderr is not None:
        process.stderr.close()
