"""A real Virtuoso for the tests: started once per test session on loopback, with a temporary
database folder, free ports and its own virtuoso.ini; stopped when the session ends.

Without ``virtuoso-t`` the tests that need it are skipped with a message, unless
``ECOSYSTEM_GRAPH_REQUIRE_VIRTUOSO=1`` (CI sets it) turns that into a failure.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "ecosystem", "test-secret-8c1f"
#: A user who may read but lacks the SPARQL_UPDATE role.
READER, READER_PASSWORD = "reader", "reader-secret-51d2"
DBA_PASSWORD = "dba"  # Virtuoso's default; this server listens on loopback only and lives for one session
STARTUP_SECONDS = 90

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
CheckpointInterval = 60
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 8
MaxClientConnections = 8
[SPARQL]
; Debian's default of 10,000 rows would cut the named queries' results on large graphs.
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Virtuoso:
    """A running ``virtuoso-t`` of ours."""

    process: subprocess.Popen
    folder: Path
    http: int
    isql: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http}/sparql"

    @property
    def spec(self) -> str:
        return f"sparql:{self.url}"

    def sql(self, statements: str) -> str:
        """Run SQL through ``isql-vt`` as dba."""
        done = subprocess.run(["isql-vt", f"127.0.0.1:{self.isql}", "dba", DBA_PASSWORD, f"exec={statements}"],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout}{done.stderr}")
        return done.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start(buffers: int = 30_000) -> Virtuoso:
    """Start Virtuoso in the foreground of a child process and wait until it answers SPARQL."""
    folder = Path(tempfile.mkdtemp(prefix="virtuoso-"))
    http, isql = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(db=folder, http=http, isql=isql, buffers=buffers,
                                                    dirty=buffers * 3 // 4))
    log = open(folder / "console.log", "wb")
    process = subprocess.Popen(["virtuoso-t", "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Virtuoso(process, folder, http, isql)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.url}?query=ASK%7B%7D", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    else:
        server.stop()
        raise RuntimeError(f"virtuoso-t did not answer within {STARTUP_SECONDS} s")
    if process.poll() is not None:
        text = (folder / "console.log").read_text(errors="replace")[-2000:]
        server.stop()
        raise RuntimeError(f"virtuoso-t exited at start:\n{text}")
    server.sql(f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); GRANT SPARQL_UPDATE TO \"{USER}\"; "
               f"DB.DBA.USER_CREATE('{READER}', '{READER_PASSWORD}'); GRANT SPARQL_SELECT TO \"{READER}\";")
    return server


_SERVER: Virtuoso | None = None


def shared() -> Virtuoso:
    """The session's server, started on first use (one for every test module), or a skip."""
    global _SERVER
    if _SERVER is None:
        if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
            message = ("virtuoso-t not found: install Debian's virtuoso-opensource to run the remote-store tests "
                       "(apt-get install virtuoso-opensource)")
            if os.environ.get("ECOSYSTEM_GRAPH_REQUIRE_VIRTUOSO") == "1":
                pytest.fail(message)
            pytest.skip(message)
        _SERVER = start()
        atexit.register(_SERVER.stop)
    return _SERVER


@contextlib.contextmanager
def remote_env(server: Virtuoso, graph: str | None = None, user: str | None = USER,
               password: str | None = PASSWORD) -> Iterator[None]:
    """``ECOSYSTEM_GRAPH_SPARQL_*`` set for ``server`` (and ``graph``) while the block runs."""
    values = {"USER": user, "PASSWORD": password, "GRAPH": graph, "TIMEOUT": "120"}
    saved = {name: os.environ.get("ECOSYSTEM_GRAPH_SPARQL_" + name) for name in values}
    try:
        for name, value in values.items():
            os.environ.pop("ECOSYSTEM_GRAPH_SPARQL_" + name, None)
            if value is not None:
                os.environ["ECOSYSTEM_GRAPH_SPARQL_" + name] = value
        yield
    finally:
        for name, value in saved.items():
            os.environ.pop("ECOSYSTEM_GRAPH_SPARQL_" + name, None)
            if value is not None:
                os.environ["ECOSYSTEM_GRAPH_SPARQL_" + name] = value
