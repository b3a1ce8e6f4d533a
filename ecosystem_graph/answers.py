"""Answers of named queries kept per graph generation, and pages of answers.

A persistent store's graph changes only when a build makes a new generation, so the answer of a
named query over the whole graph (the organizations, the places, the theme landscape) is the same
until then. On such a store the answer of a named query is written once, as SPARQL JSON
results, into the generation's own folder (``answers/``), and read from there afterwards: a page of
it costs what reading that many rows from a file costs, not the query (``organizations`` at 100,000
organizations: 5.9 s to run). Queries whose header says ``# keep: build`` are answered by the build
itself, before anybody asks. Answers with parameters bound (``partners`` of one organization) go
to ``answers/asked/``, which keeps the :data:`ASKED_LIMIT` most recently read, since their number
has no bound. The answers go when their generation goes.

>>> import tempfile
>>> answers = Answers(Path(tempfile.mkdtemp()))
>>> text = "SELECT ?x WHERE { VALUES ?x { 1 2 3 } }"
>>> answers.read(text) is None
True
>>> answers.write(text, ox.Store().query(text))
>>> [row[0].value for row in Page(answers.read(text), limit=2, offset=1)]
['2', '3']
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox

__all__ = ["ANSWERS_DIR", "ASKED_DIR", "ASKED_LIMIT", "Answers", "Page", "paged"]

ANSWERS_DIR = "answers"
#: The sub-folder of answers to queries with parameters, and how many of them it keeps.
ASKED_DIR = "asked"
ASKED_LIMIT = 256


class Answers:
    """The kept answers of one generation, by query text, in ``folder``; with ``limit``, only the
    ``limit`` most recently read or written (the others are deleted as new ones are written)."""

    def __init__(self, folder: Path, limit: int | None = None) -> None:
        self.folder = folder
        self.limit = limit

    def _path(self, text: str) -> Path:
        return self.folder / f"{hashlib.sha256(text.encode('utf-8')).hexdigest()[:40]}.srj"

    def read(self, text: str) -> Any | None:
        """The kept answer to ``text`` as Oxigraph solutions, read lazily; ``None`` if none is kept
        (or it cannot be read: it is then made again)."""
        path = self._path(text)
        try:
            if not _whole(path):
                return None
            if self.limit is not None:
                os.utime(path)  # recently read: the last to go
            return ox.parse_query_results(path=str(path), format=ox.QueryResultsFormat.JSON)
        except (OSError, SyntaxError, ValueError):
            return None

    def write(self, text: str, solutions: Any) -> None:
        """Keep ``solutions`` (consumed) as the answer to ``text``; written under a temporary name and
        renamed, so readers see a whole answer or none. A folder that cannot be written keeps none."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".answer.", dir=self.folder)
        except OSError:
            return
        try:
            os.close(handle)
            solutions.serialize(temp, ox.QueryResultsFormat.JSON)
            os.replace(temp, self._path(text))
        except OSError:
            return  # a full disk keeps no answer; the query is then run as it comes
        finally:
            Path(temp).unlink(missing_ok=True)
        if self.limit is not None:
            self._forget_beyond(self.limit)

    def _forget_beyond(self, limit: int) -> None:
        """Delete all but the ``limit`` most recently used answers (another process may be deleting
        too, or reading one: a reader holds its file open, so the deletion costs it nothing)."""
        kept = []
        for path in self.folder.glob("*.srj"):
            try:
                kept.append((path.stat().st_mtime_ns, path))
            except OSError:
                continue
        kept.sort(reverse=True)
        for _, path in kept[limit:]:
            path.unlink(missing_ok=True)


def _whole(path: Path) -> bool:
    """Whether the answer file at ``path`` ends as a JSON document does. Answers are renamed into
    place once written, so only damage from outside (a truncated copy, a full disk on another
    system) makes one end early; it is parsed lazily, so the end is checked before the rows."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - 64))
        return stream.read().rstrip().endswith(b"}")


class Page:
    """Rows ``offset`` to ``offset + limit`` of Oxigraph ``solutions`` (all of them without ``limit``),
    shaped as the solutions are (``variables``, iteration), for :class:`~.stores.oxigraph.results.LazyResult`."""

    def __init__(self, solutions: Any, limit: int | None = None, offset: int = 0) -> None:
        self.variables = solutions.variables
        self._rows = islice(solutions, offset, None if limit is None else offset + limit)

    def __iter__(self) -> Iterator[Any]:
        return self._rows


_ENDS_WITH_SLICE = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*$", re.IGNORECASE)


def paged(text: str, limit: int | None, offset: int = 0) -> str:
    """``text`` with only rows ``offset`` to ``offset + limit``: a ``LIMIT``/``OFFSET`` after it, or
    around it as a sub-select when it has its own.

    >>> paged("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x", 10, 20)
    'SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\\nLIMIT 10 OFFSET 20'
    >>> paged("SELECT ?x WHERE { ?x ?p ?o } LIMIT 5", 2)
    'SELECT * WHERE {\\n{ SELECT ?x WHERE { ?x ?p ?o } LIMIT 5 }\\n}\\nLIMIT 2'
    """
    if limit is None and not offset:
        return text
    clause = " ".join(part for part in (f"LIMIT {limit}" if limit is not None else "",
                                        f"OFFSET {offset}" if offset else "") if part)
    body = "\n".join(line for line in text.rstrip().splitlines() if not line.lstrip().startswith("#"))
    if _ENDS_WITH_SLICE.search(body):
        return f"SELECT * WHERE {{\n{{ {body.strip()} }}\n}}\n{clause}"
    return f"{text.rstrip()}\n{clause}"
