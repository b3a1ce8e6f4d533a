"""Loading RDF into Oxigraph fast: chunks fed through a pipe, and large line-based files in parts
loaded at once."""

from __future__ import annotations

import mmap
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

__all__ = ["PAUSE_VARIABLE", "PipeFeeder", "Ranges", "SPLIT_MIN_BYTES", "SPLIT_PARTS", "bulk_load_file",
           "bulk_load_files", "pause_for_tests"]

#: Test-only: ``PHASE:TRIPLES:FLAG`` makes a build pause (see :func:`_pause_for_tests`).
PAUSE_VARIABLE = "ECOSYSTEM_GRAPH_TEST_PAUSE"

#: Byte ranges of a file, read one after the other by one load call.
Ranges = list[tuple[int, int]]
#: Formats with one statement per line, which a file can be cut into parts of.
_LINE_FORMATS = {ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS}
#: Line-based files this large or larger load in parts, concurrently (and ranges of a file smaller
#: than this are not worth a load call of their own). Measured on 2 cores, one call against two parts
#: into a new on-disk store (medians of 7): 256 kB 0.02 s either way, 1 MB 0.052 s against 0.045 s,
#: 4 MB 0.20 s against 0.12 s, 8 MB 0.39 s against 0.22 s; below ~1 MB the threads cost what they save.
SPLIT_MIN_BYTES = 1 << 20
#: How many parts: one per core, two at most. On 2 cores, 3 and 4 parts (one run each) loaded 100,000
#: organizations in 12.9 and 11.7 s against 12.1 s for two: no gain beyond this shared machine's noise.
SPLIT_PARTS = min(2, os.cpu_count() or 1)
_BLANK = re.compile(rb"_:")
_READ_BYTES = 1 << 24


class PipeFeeder:
    """Writes byte chunks into a pipe from a thread, for Oxigraph's bulk loader to read as a file.

    Read through a Python object, the loader takes the GIL for every read, so it waited while
    Python made the triples and Python waited while it parsed; reading a pipe it runs alongside
    the thread that makes them (the load at 100,000 organizations: ~39 s to ~28 s on 2 cores).

    >>> feeder = PipeFeeder([b"<urn:a> <urn:b> <urn:c> .\\n"])
    >>> native = ox.Store(); native.bulk_load(path=feeder.start(), format=ox.RdfFormat.N_TRIPLES)
    >>> feeder.finish(); len(native), feeder.lines
    (1, 1)
    """

    def __init__(self, chunks: Iterable[bytes], progress: Callable[[int], None] | None = None) -> None:
        self._chunks = chunks
        self._progress = progress
        self._read, self._write = os.pipe()
        self._thread = threading.Thread(target=self._run, name="ntriples-feeder", daemon=True)
        self.lines = 0
        self.error: BaseException | None = None

    def start(self) -> str:
        """Start writing; the path the loader reads."""
        self._thread.start()
        return f"/dev/fd/{self._read}"

    def _run(self) -> None:
        try:
            for chunk in self._chunks:
                self.lines += chunk.count(b"\n")
                pause_for_tests("loading", self.lines)
                if self._progress is not None:
                    self._progress(self.lines)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(self._write, view):]
        except BaseException as exc:  # re-raised by finish(), in the build's thread
            self.error = exc
        finally:
            os.close(self._write)  # the loader sees the end (a failed run's end is caught by finish())

    def finish(self) -> None:
        """Wait for the writing thread; raise what stopped it, if anything did."""
        os.close(self._read)  # a loader that gave up early leaves the writer blocked: this frees it (EPIPE)
        self._thread.join()
        if self.error is not None and not isinstance(self.error, BrokenPipeError):
            raise self.error


def bulk_load_files(native: ox.Store, paths: Sequence[Path], fmt: ox.RdfFormat) -> None:
    """Bulk-load the RDF files at ``paths`` into ``native``, each in calls of its own (each call names
    its blank nodes afresh, as loading the files one after the other would): with two large files
    or more, each whole in one call, :data:`SPLIT_PARTS` calls at once; else one file after the
    other, as :func:`bulk_load_file` does.

    A large build's spool holds two data files of about the same size (:mod:`ecosystem_graph.spool`):
    loaded whole and side by side, they take both cores without reading the files into memory,
    which cutting them in parts does (2.4 GB more at 100,000 organizations).
    """
    if sum(path.stat().st_size >= SPLIT_MIN_BYTES for path in paths) < 2:
        for path in paths:
            bulk_load_file(native, path, fmt)
        return
    with ThreadPoolExecutor(SPLIT_PARTS, thread_name_prefix="bulk-load") as pool:
        for future in [pool.submit(_load_whole, native, path, fmt) for path in paths]:
            future.result()


def _load_whole(native: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    pause_for_tests("loading")
    native.bulk_load(path=str(path), format=fmt)


def bulk_load_file(native: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Bulk-load the RDF file at ``path`` into ``native``: an N-Triples or N-Quads file of
    :data:`SPLIT_MIN_BYTES` or more in :data:`SPLIT_PARTS` parts at once, anything else in one call.

    Oxigraph parses each call on one core; parts loaded by concurrent calls use the others. Each
    call's bytes are read into memory and handed to Oxigraph as they are (at most the file's size
    at once; 1.33 GB peak against 1.19 GB in one call at 100,000 organizations): no slower than
    feeding each part through a pipe (load alone 11.6, 11.6 s against 12.5, 11.8 s), and no
    writer thread to stop.
    A syntax error is raised as a ``SyntaxError`` naming ``path`` and the line in it.
    """
    size = path.stat().st_size
    if fmt not in _LINE_FORMATS or size < SPLIT_MIN_BYTES or SPLIT_PARTS < 2:
        native.bulk_load(path=str(path), format=fmt)
        return
    handle = os.open(path, os.O_RDONLY)
    try:
        parts = _plan_parts(handle, size, SPLIT_PARTS)
        if parts is None:
            native.bulk_load(path=str(path), format=fmt)
            return
        # A failing part cannot stop the others (a load call cannot be interrupted): they finish,
        # then the first failing part's error is raised (the generation is discarded).
        with ThreadPoolExecutor(len(parts), thread_name_prefix="bulk-load") as pool:
            futures = [pool.submit(_load_part, native, path, handle, calls, fmt) for calls in parts]
            for future in futures:
                future.result()
    finally:
        os.close(handle)


def _plan_parts(handle: int, size: int, count: int) -> list[list[Ranges]] | None:
    """The load calls of each part, one after the other, each as the byte ranges it reads
    (``None``: load the file in one call).

    The file is cut after newlines into ``count`` spans. Oxigraph names the blank nodes of each load
    call afresh (``_:b1`` loaded by two calls is two nodes), so every line holding the bytes ``_:``
    (inside a literal or IRI too, harmlessly) is taken out of its span and all are loaded by one
    call, the first part's first. The rest of each span, cut by those lines, is loaded a range a call:
    each call reads bytes Oxigraph is given as they are, with no copy to join them; ranges smaller
    than :data:`SPLIT_MIN_BYTES` go with the blank-node lines, not worth a call of their own.
    """
    with mmap.mmap(handle, size, prot=mmap.PROT_READ) as view:
        # A cut with no newline after it finds -1: it falls on 0 and, in a set, goes.
        cuts = sorted({0, size} | {view.find(b"\n", size * i // count) + 1 for i in range(1, count)})
        if len(cuts) < 3:
            return None
        blank = _blank_node_lines(view, size)
    gathered = list(blank)
    parts: list[list[Ranges]] = []
    for start, end in zip(cuts, cuts[1:]):
        ranges = _without(start, end, [line for line in blank if start <= line[0] < end])
        gathered += [r for r in ranges if r[1] - r[0] < SPLIT_MIN_BYTES]
        parts.append([[r] for r in ranges if r[1] - r[0] >= SPLIT_MIN_BYTES])
    if gathered:
        parts[0].insert(0, sorted(gathered))
    parts = [calls for calls in parts if calls]
    return parts if len(parts) > 1 else None


def _blank_node_lines(view: mmap.mmap, size: int) -> Ranges:
    """The byte ranges of the lines that hold ``_:`` (adjacent lines merged)."""
    lines: Ranges = []
    taken = 0
    for match in _BLANK.finditer(view):
        if match.start() < taken:
            continue  # a second ``_:`` on a line already taken
        begin = view.rfind(b"\n", 0, match.start()) + 1
        end = view.find(b"\n", match.end())
        taken = size if end < 0 else end + 1
        if lines and lines[-1][1] == begin:
            lines[-1] = (lines[-1][0], taken)
        else:
            lines.append((begin, taken))
    return lines


def _without(start: int, end: int, holes: Ranges) -> Ranges:
    """The range ``start``-``end`` less the (sorted, inner) ``holes``."""
    ranges: Ranges = []
    for begin, stop in holes:
        if begin > start:
            ranges.append((start, begin))
        start = stop
    if end > start:
        ranges.append((start, end))
    return ranges


def _load_part(native: ox.Store, path: Path, handle: int, calls: list[Ranges], fmt: ox.RdfFormat) -> None:
    """Bulk-load one part of the file, a call after the other; syntax errors in the file's own lines."""
    pause_for_tests("loading")
    for ranges in calls:
        data = b"".join(_read(handle, start, end) for start, end in ranges)  # one range: no copy
        try:
            native.bulk_load(input=data, format=fmt)
        except SyntaxError as exc:
            raise _in_file(exc, path, handle, ranges) from None


def _read(handle: int, start: int, end: int) -> bytes:
    """The file's bytes from ``start`` to ``end`` (fewer if it shrank meanwhile, as one call would load)."""
    data = os.pread(handle, end - start, start)
    if len(data) == end - start or not data:
        return data
    return data + _read(handle, start + len(data), end)  # Linux reads at most ~2 GB a call


def _in_file(exc: SyntaxError, path: Path, handle: int, ranges: Ranges) -> SyntaxError:
    """``exc``, raised by a call reading ``ranges``, with ``path`` and the lines of the whole file."""
    line = exc.lineno or 1
    earlier = 0  # the call's lines in the ranges before
    for start, end in ranges:
        inside = _newlines(handle, start, end)
        if line - earlier <= inside or (start, end) == ranges[-1]:
            shift = _newlines(handle, 0, start) - earlier
            break
        earlier += inside
    message = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + shift}", exc.msg)
    end_line = exc.end_lineno + shift if exc.end_lineno else None
    return SyntaxError(message, (str(path), line + shift, exc.offset, None, end_line, exc.end_offset))


def _newlines(handle: int, start: int, end: int) -> int:
    """How many newlines the file holds from ``start`` to ``end`` (counted only to report an error)."""
    total = 0
    while start < end:
        piece = os.pread(handle, min(_READ_BYTES, end - start), start)
        if not piece:
            break
        total += piece.count(b"\n")
        start += len(piece)
    return total


def pause_for_tests(phase: str, triples: int = 0) -> None:
    """Test-only: with ``ECOSYSTEM_GRAPH_TEST_PAUSE=PHASE:TRIPLES:FLAG`` a build reaching ``PHASE``
    (``loading``, after at least TRIPLES triples; or ``swap``, just before the new generation
    becomes current) writes ``FLAG.paused`` and waits until ``FLAG.resume`` exists (at most 120 s),
    so that a test can kill it there or query the store meanwhile."""
    setting = os.environ.get(PAUSE_VARIABLE)
    if not setting:
        return
    wanted, _, rest = setting.partition(":")
    count, _, flag = rest.partition(":")
    if wanted != phase or triples < int(count or 0) or not flag:
        return
    paused, resume = Path(flag + ".paused"), Path(flag + ".resume")
    if paused.exists():
        return  # pause once
    paused.write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while not resume.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
