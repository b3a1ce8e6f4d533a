"""Results of network analytics, and the entity graph they start from, kept per graph generation.

A persistent store's graph changes only when a build makes a new generation, and the analytics of
a large graph are slow (on CORDIS, 16-21 s to read the entity graph out of the store, 8 s to
project the partner network from it, seconds more for each algorithm). So their rows are written
once, as JSON, into the generation's own folder (``analytics/``), and read from there by the next
command that asks the same question of the same generation with the same code; the entity graph
is kept there too, pickled (58 MB and 1.2 s to read on CORDIS), for every command that draws or
analyses it. The key holds the question (command and options) and a digest of the code that
makes the answer, so that a changed algorithm never reads an older one's result. Stores without
generations (the memory store) compute every time.

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> calls = []
>>> compute = lambda: calls.append(1) or [{"id": "a", "degree": 2}]
>>> kept_rows(folder, "centrality", {"network": "partners"}, compute)
[{'id': 'a', 'degree': 2}]
>>> kept_rows(folder, "centrality", {"network": "partners"}, compute), len(calls)
([{'id': 'a', 'degree': 2}], 1)
"""

from __future__ import annotations

import glob
import hashlib
import json
import pickle
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

import networkx as nx

from .files import write_atomically

#: A networkx graph of any class: the entity graph (MultiDiGraph), the partner map (Graph).
GraphT = TypeVar("GraphT", bound=nx.Graph)

__all__ = ["ANALYTICS_DIR", "kept_graph", "kept_json", "kept_rows"]

ANALYTICS_DIR = "analytics"
Rows = list[dict[str, Any]]


#: The modules whose code makes every kept answer; a caller names the others its answer depends on.
CODE = ("analytics.py", "network.py", "kept.py")


@cache
def _code_digest(modules: tuple[str, ...]) -> str:
    """A digest of the modules whose code makes an answer: another version never reads it."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in modules:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _path(generation: Path, what: str, options: dict[str, Any], suffix: str,
          code: tuple[str, ...] = ()) -> tuple[Path, str]:
    """Where the answer to ``what`` with ``options`` is kept, and the key written beside it. The
    name starts with the code's digest, so that answers of other code versions can be found."""
    digest = _code_digest(CODE + code)
    key = json.dumps({"what": what, "options": options, "code": digest}, sort_keys=True)
    name = f"{what}-{digest[:8]}-{hashlib.sha256(key.encode()).hexdigest()[:16]}{suffix}"
    return generation / ANALYTICS_DIR / name, key


def _keep(path: Path, content: bytes) -> None:
    """Write ``path``, and remove the answers to the same question that other code versions kept
    (a kept entity graph is ~60 MB on CORDIS: each upgrade would otherwise leave one more)."""
    what, digest, _ = path.name.rsplit("-", 2)
    try:
        write_atomically(path.parent, {path.name: content})
        for other in path.parent.glob(f"{glob.escape(what)}-*{path.suffix}"):
            if re.fullmatch(rf"{re.escape(what)}-(?!{digest})[0-9a-f]{{8}}-[0-9a-f]{{16}}", other.stem):
                other.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full store keeps nothing; the answer is still right


def kept_rows(generation: Path | None, what: str, options: dict[str, Any], compute: Callable[[], Rows]) -> Rows:
    """The rows ``compute`` gives for question ``what`` with ``options``, kept in ``generation``'s
    folder (see the module); computed every time when ``generation`` is ``None``. A kept file
    that cannot be read is computed and written again; a folder that takes no files keeps none."""
    rows: Rows = kept_json(generation, what, options, compute)
    return rows


def kept_json(generation: Path | None, what: str, options: dict[str, Any], compute: Callable[[], Any],
              code: tuple[str, ...] = ()) -> Any:
    """:func:`kept_rows` for any JSON value; ``code`` names the package's further modules the
    value depends on (each call returns a value of its own, parsed anew).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> kept_json(folder, "page", {}, lambda: {"nodes": [1, 2]}, code=("layout.py",))
    {'nodes': [1, 2]}
    >>> kept_json(folder, "page", {}, lambda: {}, code=("layout.py",)), kept_json(folder, "page", {}, lambda: {})
    ({'nodes': [1, 2]}, {})
    """
    if generation is None:
        return compute()
    path, key = _path(generation, what, options, ".json", code)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("key") == key:
            return kept["value"]
    except (OSError, ValueError, KeyError, AttributeError):
        pass  # none kept yet, or damaged: made again
    value = compute()
    _keep(path, json.dumps({"key": key, "value": value}, ensure_ascii=False).encode("utf-8"))
    return value


def kept_graph(generation: Path | None, what: str, options: dict[str, Any],
               compute: Callable[[], GraphT]) -> GraphT:
    """:func:`kept_rows` for a networkx graph, pickled: each call returns a graph of its own.

    The pickle is read only from the generation's own folder, which only the store's owner
    writes (as the graph itself); a damaged or foreign file is computed again.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> first = kept_graph(folder, "entities", {}, lambda: nx.MultiDiGraph([("a", "b")]))
    >>> again = kept_graph(folder, "entities", {}, lambda: nx.MultiDiGraph())
    >>> list(again.edges()), again is first
    ([('a', 'b')], False)
    """
    if generation is None:
        return compute()
    path, key = _path(generation, what, options, ".pickle")
    try:
        kept_key, graph = pickle.loads(path.read_bytes())
        if kept_key == key and isinstance(graph, nx.Graph):
            return cast(GraphT, graph)
    except (OSError, pickle.UnpicklingError, ValueError, TypeError, EOFError, AttributeError, ImportError):
        pass  # none kept yet, or damaged: made again
    graph = compute()
    _keep(path, pickle.dumps((key, graph), protocol=pickle.HIGHEST_PROTOCOL))
    return graph
