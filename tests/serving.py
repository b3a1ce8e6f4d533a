"""Start ``ecosystem-graph serve`` as a real process on a free loopback port, for the server tests."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


class Listener:
    """A TCP listener on loopback that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def call(method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body) of one HTTP request; error statuses too."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def ask(url: str, query: str, accept: str = "application/sparql-results+json", **headers: str) \
        -> tuple[int, dict[str, str], bytes]:
    body = urllib.parse.urlencode({"query": query}).encode()
    return call("POST", f"{url}/sparql", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                 "Accept": accept, **headers})


def get_page(url: str, accept: str = "text/html") -> tuple[int, dict[str, str], bytes]:
    """A page of the page worker, waiting while it prepares the pages (503 with Retry-After)."""
    deadline = time.monotonic() + 120
    while True:
        answer = call("GET", url, headers={"Accept": accept})
        if answer[0] != 503 or "retry-after" not in answer[1] or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def count_rows(url: str, query: str) -> int:
    status, _, body = ask(url, query)
    assert status == 200, body
    return len(json.loads(body)["results"]["bindings"])


def watched(page: Any) -> tuple[list[str], list[str]]:
    """The addresses a Playwright ``page`` requests and the problems it reports (console errors,
    uncaught errors, dialogs, which are dismissed), each list filled as they come."""
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return requests, problems
