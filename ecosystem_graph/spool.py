"""A build's triples written to N-Triples files first, for the store to load them from there.

Oxigraph loads a file in parts, one per core (:func:`.stores.oxigraph.bulk.bulk_load_file`);
a stream fed to it as Python makes the triples is parsed on one core while Python holds the
other. On CORDIS (1.6 million triples, 2 cores) making the triples took 3.2 s and loading their
file 4.5-5.2 s, against 11.9 s for the two as one stream. On large builds a forked child makes the
second half of the triples while this process makes the first (the records are seen by the child
as they are, not pickled): two files, which the store loads side by side
(:func:`.stores.oxigraph.bulk.bulk_load_files`).

>>> import tempfile
>>> from ecosystem_graph.build import _load
>>> loaded = _load(Path(__file__).resolve().parents[1] / "data", None)
>>> spooled = spool_triples(loaded.records, b"", loaded.base_iri, Path(tempfile.mkdtemp()), None, None)
>>> [path.name for path in spooled.paths]
['ontology.nt', 'data-1.nt']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .forked import can_fork, in_two_processes
from .stores.base import NTriplesFiles
from .triples import emitted_count, ntriples_chunks

if TYPE_CHECKING:
    from .progress import Progress
    from .records import Records
    from .sampled_shapes import TargetCollector

__all__ = ["PARALLEL_MIN_RECORDS", "spool_folder", "spool_triples"]

#: Builds of this many records or more make their triples in two processes. Forking a process that
#: holds the records and gathering back what its half of the triples showed the shapes' check cost
#: more than they save below this.
PARALLEL_MIN_RECORDS = 50_000


@contextmanager
def spool_folder(parent: Path | None = None) -> Iterator[Path]:
    """A new folder for a build's spool in ``parent`` (default: the system's temporary folder),
    removed afterwards. Spool folders in ``parent`` left by builds that were killed (their process
    is gone) are removed first: a killed build at 100,000 organizations leaves 2.4 GB.

    >>> import tempfile
    >>> parent = Path(tempfile.mkdtemp())
    >>> (parent / ".spool.999999999.x").mkdir()  # no process has that number
    >>> with spool_folder(parent) as folder:
    ...     [p.name for p in parent.iterdir()] == [folder.name]
    True
    """
    if parent is not None:
        for leftover in parent.glob(f"{_PREFIX}*"):
            pid = leftover.name[len(_PREFIX):].partition(".")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(leftover, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{_PREFIX}{os.getpid()}.", dir=parent) as folder:
        yield Path(folder)


_PREFIX = ".spool."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def spool_triples(records: Records, ontology: bytes, base_iri: str, folder: Path,
                  targets: TargetCollector | None, progress: Progress | None) -> NTriplesFiles:
    """Write the ``ontology``'s N-Triples and the triples of ``records`` to files in ``folder``.

    ``targets`` sees every data triple (made here or in the child); ``progress`` counts records.
    """
    first, second = folder / "data-1.nt", folder / "data-2.nt"
    (folder / "ontology.nt").write_bytes(ontology)
    total = emitted_count(records)
    if progress:
        progress.phase("making triples", total, "records")
    if total < PARALLEL_MIN_RECORDS or not can_fork():
        _write(records, base_iri, first, 0, None, targets, progress.update if progress else None)
        return NTriplesFiles((folder / "ontology.nt", first))
    half = total // 2

    def second_half(report: Callable[[int], None]) -> object:
        _write(records, base_iri, second, half, None, targets, report)
        return targets.seen() if targets else None

    _, seen = in_two_processes(lambda report: _write(records, base_iri, first, 0, half, targets, report),
                               second_half, progress.update if progress else None)
    if targets is not None:
        targets.absorb(seen)  # type: ignore[arg-type]
    return NTriplesFiles((folder / "ontology.nt", first, second))


def _write(records: Records, base_iri: str, path: Path, start: int, stop: int | None,
           targets: TargetCollector | None, progress: Callable[[int], None] | None) -> None:
    with open(path, "wb") as out:
        for chunk in ntriples_chunks(records, base_iri, progress=progress, watch=targets.watch if targets else None,
                                     start=start, stop=stop):
            out.write(chunk)
