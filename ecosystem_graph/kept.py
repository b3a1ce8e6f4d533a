"""Results of network analytics kept per graph generation.

A persistent store's graph changes only when a build makes a new generation, and the analytics of
a large graph are slow (``analyze centrality`` on CORDIS: 26 s to project the partner network,
104 s for sampled betweenness). So their rows are written once, as JSON, into the generation's own
folder (``analytics/``), and read from there by the next command that asks the same question of
the same generation with the same code. The key holds the question (command and options) and a
digest of the analytics code, so that a changed algorithm never reads an older one's rows. Stores
without generations (the memory store) compute every time.

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

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from .files import write_atomically

__all__ = ["ANALYTICS_DIR", "kept_rows"]

ANALYTICS_DIR = "analytics"
Rows = list[dict[str, Any]]


@cache
def _code_digest() -> str:
    """A digest of the modules whose code makes the rows: another version never reads these."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("analytics.py", "network.py", "kept.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def kept_rows(generation: Path | None, what: str, options: dict[str, Any], compute: Callable[[], Rows]) -> Rows:
    """The rows ``compute`` gives for question ``what`` with ``options``, kept in ``generation``'s
    folder (see the module); computed every time when ``generation`` is ``None``. A kept file
    that cannot be read is computed and written again; a folder that takes no files keeps none."""
    if generation is None:
        return compute()
    key = json.dumps({"what": what, "options": options, "code": _code_digest()}, sort_keys=True)
    path = generation / ANALYTICS_DIR / f"{what}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("key") == key:
            rows: Rows = kept["rows"]
            return rows
    except (OSError, ValueError, KeyError, AttributeError):
        pass  # none kept yet, or damaged: made again
    rows = compute()
    try:
        text = json.dumps({"key": key, "rows": rows}, ensure_ascii=False)
        write_atomically(path.parent, {path.name: text.encode("utf-8")})
    except OSError:
        pass  # a read-only or full store keeps nothing; the rows are still right
    return rows
