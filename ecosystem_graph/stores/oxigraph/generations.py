"""The folder of a persistent Oxigraph store: its generations, the ``current`` link and the locks
(the layout is described in :mod:`ecosystem_graph.stores.oxigraph`)."""

from __future__ import annotations

import errno
import fcntl
import gc
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ...errors import StoreError
from ...files import flush_to_disk
from .bulk import PipeFeeder, bulk_load_files, pause_for_tests
from .results import solutions

__all__ = ["CURRENT", "DATABASE", "GENERATION", "MANIFEST", "NativeCheck", "READERS_LOCK", "STORE_FILE",
           "STORE_FORMAT", "StoreFolder", "WRITER_LOCK"]

STORE_FILE = "store.json"
CURRENT = "current"
WRITER_LOCK = "writer.lock"
READERS_LOCK = "readers.lock"
DATABASE = "oxigraph"
MANIFEST = "manifest.json"
GENERATION = re.compile(r"^gen-(\d{4,})$")
STORE_FORMAT = 1

#: A check of a new generation (:data:`~ecosystem_graph.stores.base.Check`) on its database, which it
#: must let go of before returning.
NativeCheck = Callable[[ox.Store], dict[str, Any] | None]


def _count(native: ox.Store) -> int:
    """The triples of the default graph."""
    return int(next(iter(solutions(native, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)


class StoreFolder:
    """The on-disk layout of a persistent store: generations, the ``current`` link and the locks."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __str__(self) -> str:
        return str(self.root)

    # what is there

    def check(self, creating: bool = False) -> None:
        """Raise :class:`StoreError` unless the folder is a store (or, when ``creating``, can become one)."""
        root = self.root
        if root.exists() and not root.is_dir():
            raise StoreError(f"store {root}: expected a folder (oxigraph:PATH names a folder), found a file")
        if not root.exists():
            if creating:
                return
            raise StoreError(f"store {root}: no such folder; build a graph into it first "
                             f"(ecosystem-graph build DATA --store oxigraph:{root})")
        marker = root / STORE_FILE
        try:
            names = sorted(p.name for p in root.iterdir())
        except PermissionError:
            raise StoreError(f"store {root}: permission denied reading the folder") from None
        if not marker.exists():
            if not names:
                if creating:
                    return
                raise StoreError(f"store {root} holds no graph yet; build one into it first "
                                 f"(ecosystem-graph build DATA --store oxigraph:{root})")
            looks_raw = "CURRENT" in names and any(n.startswith("OPTIONS-") for n in names)
            hint = (" (it looks like an Oxigraph database made by another tool; load its data into a "
                    "new store instead)") if looks_raw else ""
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise StoreError(f"store {root}: expected an ecosystem-graph store (a folder with {STORE_FILE}, "
                             f"{CURRENT} and gen-NNNN folders) or an empty folder, found {shown}{hint}")
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"store {root}: {STORE_FILE} is unreadable ({exc})") from None
        if info.get("format") != STORE_FORMAT:
            raise StoreError(f"store {root}: expected store format {STORE_FORMAT} in {STORE_FILE}, "
                             f"found {info.get('format')!r}")

    def current(self) -> str | None:
        """The name of the current generation, ``None`` before the first build."""
        try:
            target = os.readlink(self.root / CURRENT)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"store {self.root}: '{CURRENT}' is not a link to a generation ({exc.strerror})") \
                from None
        return Path(target).name

    def generations(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted((p.name for p in self.root.iterdir() if GENERATION.match(p.name)),
                      key=lambda n: int(GENERATION.match(n).group(1)))  # type: ignore[union-attr]

    def manifest(self) -> dict[str, Any] | None:
        """The current generation's manifest; ``None`` for a new (missing or empty) folder."""
        self.check(creating=True)
        name = self.current() if self.root.is_dir() else None
        if name is None:
            return None
        try:
            manifest: dict[str, Any] = json.loads((self.root / name / MANIFEST).read_text(encoding="utf-8"))
            return manifest
        except (OSError, ValueError) as exc:
            raise StoreError(f"store {self.root}: the manifest of generation {name} is unreadable ({exc})") \
                from None

    # reading

    def open_reader(self, pinned: str | None = None) -> tuple[ox.Store, int, str]:
        """Open the current generation (or the ``pinned`` one) read-only, holding a shared lock that
        keeps it from deletion."""
        self.check()
        for _ in range(20):
            name = pinned or self.current()
            if name is None:
                raise StoreError(f"store {self.root} holds no graph yet; build one into it first "
                                 f"(ecosystem-graph build DATA --store oxigraph:{self.root})")
            generation = self.root / name
            try:
                lock = os.open(generation / READERS_LOCK, os.O_RDONLY)
            except FileNotFoundError:
                if self.current() == name:
                    raise StoreError(f"store {self.root} is damaged: '{CURRENT}' points to {name}, "
                                     "which is missing or incomplete") from None
                continue  # a build replaced and removed it meanwhile: take the new one
            fcntl.flock(lock, fcntl.LOCK_SH)
            if not (generation / DATABASE).is_dir():
                os.close(lock)
                continue
            try:
                native = ox.Store.read_only(str(generation / DATABASE))
            except OSError as exc:
                os.close(lock)
                raise StoreError(f"store {self.root}: cannot open generation {name} ({exc})") from None
            return native, lock, name
        raise StoreError(f"store {self.root}: its current generation kept changing; try again")

    # writing

    def _writer_lock(self) -> int:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.root / WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _write_error(self.root, exc) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(handle)
            raise StoreError(f"store {self.root} is locked: another build (process {holder}) is writing "
                             "it; try again when it has finished") from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        return handle

    def write_generation(self, source: Iterable[bytes] | tuple[Path, ...], manifest: dict[str, Any],
                         check: NativeCheck | None, fmt: ox.RdfFormat,
                         progress: Callable[[int], None] | None) -> str:
        """Load ``source`` (byte chunks, or a tuple of files Oxigraph reads itself) as a new generation,
        check it, then make it current; the generation's name."""
        self.check(creating=True)
        lock = self._writer_lock()
        try:
            self._mark()
            self.remove_unused()
            numbers = [int(GENERATION.match(n).group(1)) for n in self.generations()]  # type: ignore[union-attr]
            name = f"gen-{max(numbers, default=0) + 1:04d}"
            generation = self.root / name
            try:
                self._load(generation, source, manifest, check, fmt, progress)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                raise
            pause_for_tests("swap")
            self._point_current(name)
            self.remove_unused()
            return name
        finally:
            os.close(lock)

    def _mark(self) -> None:
        marker = self.root / STORE_FILE
        if not marker.exists():
            try:
                _write_synced(marker, json.dumps({"format": STORE_FORMAT, "kind": "ecosystem-graph oxigraph store"},
                                                 indent=2).encode())
            except OSError as exc:
                raise _write_error(self.root, exc) from None

    def _load(self, generation: Path, source: Iterable[bytes] | tuple[Path, ...], manifest: dict[str, Any],
              check: NativeCheck | None, fmt: ox.RdfFormat, progress: Callable[[int], None] | None) -> None:
        try:
            generation.mkdir()
            (generation / READERS_LOCK).touch()
            native = ox.Store(str(generation / DATABASE))
        except OSError as exc:
            raise _write_error(self.root, exc) from None
        feeder = None
        try:
            if isinstance(source, tuple):
                bulk_load_files(native, source, fmt)
            else:
                feeder = PipeFeeder(source, progress)
                try:
                    native.bulk_load(path=feeder.start(), format=fmt)
                finally:
                    feeder.finish()  # raises what stopped the chunks: the loader saw a cut graph end there
        except BaseException as exc:
            if feeder is not None and feeder.error is not None and not isinstance(feeder.error, BrokenPipeError):
                raise feeder.error from None
            if isinstance(exc, SyntaxError):
                raise StoreError(f"store {self.root}: the graph to load is not valid RDF ({exc})") from None
            if isinstance(exc, OSError):
                raise _write_error(self.root, exc) from None
            raise
        try:
            # No optimize(): compacting the bulk loader's files took 4-7 s at 1.8 million triples
            # (a tenth of a build) and, measured again on the named queries, made no difference
            # beyond the noise of a shared machine (the bulk loader already writes sorted files).
            native.flush()
            # N-Triples puts every triple in the default graph, so the store's quads are its triples,
            # counted about twice as fast as by the COUNT query (100,000 organizations, side by side
            # on a busy machine: 0.61, 0.64 s against 1.31, 1.76 s).
            triples = len(native) if fmt == ox.RdfFormat.N_TRIPLES else _count(native)
            manifest = {**manifest, "generation": generation.name, "triples": triples}
            if check is not None:
                manifest.update(check(native) or {})  # it may raise, to refuse the graph
            del native
            gc.collect()  # closes the database before its files are synced
            _write_synced(generation / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
            _sync_tree(generation)
        except OSError as exc:
            raise _write_error(self.root, exc) from None

    def _point_current(self, name: str) -> None:
        temporary = self.root / f".{CURRENT}.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        os.symlink(name, temporary)
        os.replace(temporary, self.root / CURRENT)
        flush_to_disk(self.root)

    def remove_unused(self) -> list[str]:
        """Delete every generation but the current one that no reader holds; the names deleted."""
        current = self.current()
        removed = []
        for leftover in self.root.glob(f".{CURRENT}.*"):  # a link made by a build killed before renaming it
            leftover.unlink(missing_ok=True)
        for name in self.generations():
            if name == current:
                continue
            path = self.root / name
            try:
                handle = os.open(path / READERS_LOCK, os.O_RDONLY)
            except FileNotFoundError:
                handle = None  # never finished: nobody reads it
            try:
                if handle is not None:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(path, ignore_errors=True)
                removed.append(name)
            except BlockingIOError:
                pass  # a reader still has it open; a later build removes it
            finally:
                if handle is not None:
                    os.close(handle)
        return removed


def _write_error(root: Path, exc: OSError) -> StoreError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(f"cannot write to store {root}: {exc.strerror or exc} "
                          "(the folder or its file system is read-only)")
    if exc.errno == errno.ENOSPC:
        return StoreError(f"cannot write to store {root}: no space left on the device")
    text = str(exc)
    if "lock" in text.lower():
        return StoreError(f"store {root} is locked by another process ({text})")
    return StoreError(f"cannot write to store {root}: {text}")


def _write_synced(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    flush_to_disk(path.parent)


def _sync_tree(root: Path) -> None:
    """Flush every file and folder under ``root`` to disk."""
    for folder, _, files in os.walk(root):
        for name in files:
            flush_to_disk(Path(folder, name))
        flush_to_disk(Path(folder))
