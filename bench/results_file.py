"""What every benchmark of ``bench/`` shares: its section of ``bench/RESULTS.md`` and the machine.

The benchmarks run as scripts (``python bench/bench_store.py``), so this folder is on ``sys.path``
and they import this module by its plain name.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


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


def peak_mb() -> float:
    """This process's peak resident set (MB). Not ``ru_maxrss`` first: Linux keeps that across
    ``exec``, so a worker forked from a large parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spawn(script: str, kind: str, job: dict[str, Any], job_file: Path,
          env: dict[str, str] | None = None, timeout: float | None = None) -> dict[str, Any]:
    """Run worker ``kind`` of benchmark ``script`` on ``job`` in a process of its own (so its time
    and memory are its own) and return what it printed last, as JSON; ``{"timed_out": True}`` when it
    ran past ``timeout`` seconds (a hard limit, for work that swallows :func:`time_limit`'s alarm)."""
    job_file.write_text(json.dumps(job))
    try:
        done = subprocess.run([sys.executable, script, "--worker", kind, str(job_file)], capture_output=True,
                              text=True, cwd=Path(script).resolve().parents[1], env={**os.environ, **(env or {})},
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timed_out": True}
    if done.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class TimeLimit(Exception):
    """A worker's step ran past its time limit (see :func:`time_limit`)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeLimit` in the block once ``seconds`` have passed (pure-Python work only:
    the alarm is handled between bytecodes, which is where rdflib and networkx spend their time)."""
    def expire(signum: int, frame: Any) -> None:
        raise TimeLimit()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(max(1, int(seconds)))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_worker(worker: list[str] | None, workers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]]) -> bool:
    """In a worker process (``--worker KIND JOB``), run it and print its result; say whether it was one."""
    if not worker:
        return False
    kind, job = worker
    print(json.dumps(workers[kind](json.loads(Path(job).read_text()))))
    return True


def cpu_model() -> str:
    """The processor's model name from ``/proc/cpuinfo``, or ``""`` where there is none."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return ""


def named_query_texts(spec: str, engine: str | None = None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Every named query's full text for ``engine`` (default: the store's own; see
    ``NamedQuery.text_for``), with its required parameters bound to busy, realistic entities of
    the graph in store ``spec``, and the parameters chosen."""
    from ecosystem_graph.graph import open_graph
    from ecosystem_graph.queries import with_prologue

    kg = open_graph(store=spec, rebuild=False)

    def first(sparql: str) -> str:
        return str(next(iter(kg.query(sparql)))[0])
    busiest = first("SELECT ?o WHERE { ?m eco:metOrganization ?o } GROUP BY ?o ORDER BY DESC(COUNT(?m)) ?o LIMIT 1")
    examples = {"organization": busiest, "entity": busiest, "theme": "smart-cities",
                "organization-type": "accelerator", "date": "2018-01-01", "text": "a", "integer": "1",
                "place": first("SELECT ?c WHERE { ?o schema:location ?c } GROUP BY ?c "
                               "ORDER BY DESC(COUNT(?o)) ?c LIMIT 1")}
    texts, params = {}, {}
    for name, query in kg.library().items():
        chosen = {p.name: examples.get(p.kind, busiest) for p in query.params if p.required}
        params[name] = chosen
        texts[name] = with_prologue(kg.bind_params(query, chosen, engine), kg.base_iri)
    kg.store.close()
    return texts, params


@contextmanager
def checkout(revision: str, root: Path) -> Iterator[Path]:
    """The repository at ``root`` as it was at ``revision``, in a temporary worktree (removed after)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), revision], cwd=root, check=True,
                       capture_output=True)
        try:
            yield folder
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=root, capture_output=True)


def timed_command(arguments: Sequence[str], code: Path, timeout: float) -> float | None:
    """Seconds ``python -m ecosystem_graph ARGUMENTS`` took with the package at ``code`` (``None``:
    stopped at ``timeout``); a failing command stops the benchmark with its error."""
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "ecosystem_graph", *arguments], capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, "PYTHONPATH": str(code)}, cwd=code)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed with the code at {code}:\n{done.stderr}")
    return time.perf_counter() - started


def command_peak_mb(arguments: Sequence[str], code: Path, timeout: float) -> float | None:
    """The peak memory (MB) of ``python -m ecosystem_graph ARGUMENTS`` with the package at ``code``,
    from ``/usr/bin/time``: that of its largest process (a helper process it forks counts on its own)."""
    try:
        done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "ecosystem_graph", *arguments],
                              capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "PYTHONPATH": str(code)}, cwd=code)
    except subprocess.TimeoutExpired:
        return None
    return int(done.stderr.strip().splitlines()[-1]) / 1024
