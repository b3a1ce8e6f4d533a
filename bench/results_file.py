"""What every benchmark of ``bench/`` shares: its section of ``bench/RESULTS.md`` and the machine.

The benchmarks run as scripts (``python bench/bench_store.py``), so this folder is on ``sys.path``
and they import this module by its plain name.
"""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, text: str) -> None:
    """Put ``text``, which starts with its ``## Title`` line, in place of the file's section of
    that title, or append it; the other sections stay as they are.

    >>> import tempfile
    >>> results = Path(tempfile.mkdtemp()) / "RESULTS.md"
    >>> results.write_text("# Benchmarks\\n\\n## A\\nold\\n\\n## B\\nkept\\n")
    34
    >>> write_section(results, "## A\\nnew\\n"); write_section(results, "## C\\nadded")
    >>> print(results.read_text(), end="")
    # Benchmarks
    <BLANKLINE>
    ## A
    new
    <BLANKLINE>
    ## B
    kept
    <BLANKLINE>
    ## C
    added
    """
    title = text.split("\n", 1)[0]
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## (?!#)|\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(current):
        current = pattern.sub(lambda _: text.rstrip("\n") + "\n\n", current)
    else:
        current = current.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    path.write_text(current.rstrip("\n") + "\n", encoding="utf-8")


def cpu_model() -> str:
    """The processor's model name from ``/proc/cpuinfo``, or ``""`` where there is none."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return ""
