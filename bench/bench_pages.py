"""Benchmark: the first page of each named query with parameters, now against an earlier revision.

    python bench/bench_pages.py --data DATA --build-dir BUILD --before ce4207e \\
        --param theme=msca --param place=germany --param organization=centre-... --label "CORDIS" --write

The graph is the build's own store (the default path, built beforehand). Both sides run in one
process on the same store, alternating: *before* is the revision's query text (and its Oxigraph
variant), *now* this checkout's. For each query: the first 50 rows run live (median of
``--repeat``), the whole answer, and, now only, the first page asked again once the answer is kept
(see ``ecosystem_graph.answers``). ``--write`` replaces this data set's part of the
"## Named queries with parameters: first pages" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecosystem_graph.answers import ANSWERS_DIR, ASKED_DIR, paged
from ecosystem_graph.graph import KnowledgeGraph, open_graph
from ecosystem_graph.queries import NamedQuery, Variant, get_query

from results_file import cpu_model, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Named queries with parameters: first pages"
GOAL_MS = 200.0


def _old_query(query: NamedQuery, revision: str) -> NamedQuery:
    """``query`` with the text and variants it had at ``revision``."""
    def show(path: str) -> str | None:
        done = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else None

    text = show(f"queries/{query.name}.rq") or query.text
    variant = show(f"queries/oxigraph/{query.name}.rq")
    variants = {"oxigraph": Variant("oxigraph", variant, Path("oxigraph"))} if variant else {}
    return dataclasses.replace(query, text=text, variants=variants)


def _ms(run: Callable[[], Any]) -> tuple[int, float]:
    started = time.perf_counter()
    rows = len(list(run()))
    return rows, (time.perf_counter() - started) * 1000


def measure(kg: KnowledgeGraph, name: str, params: dict[str, str], revision: str, repeat: int) -> dict[str, Any]:
    now_query = get_query(name)
    texts = {"before": kg.bind_params(_old_query(now_query, revision), params), "now": kg.bind_params(now_query, params)}
    row: dict[str, Any] = {"name": name, "params": params}
    for _ in range(repeat):  # alternating, so that both sides see the same caches
        for side, text in texts.items():
            row.setdefault(f"{side}_first", []).append(_ms(lambda text=text: kg.query(paged(text, 50)))[1])
    for side, text in texts.items():
        row[f"{side}_rows"], row[f"{side}_whole"] = _ms(lambda text=text: kg.query(text))
        row[f"{side}_first"] = statistics.median(row[f"{side}_first"])
    kg.page(name, 50, 0, params)  # keeps the answer
    row["kept"] = _ms(lambda: kg.page(name, 50, 0, params))[1]
    return row


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| named query | parameters | rows before / now | first page before (ms) | first page now (ms) "
             "| ratio | whole now (ms) | asked again (ms) | first page <= 200 ms |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        met = "met" if r["now_first"] <= GOAL_MS else ("met when asked again" if r["kept"] <= GOAL_MS else "not met")
        lines.append(f"| {r['name']} | {params} | {r['before_rows']:,} / {r['now_rows']:,} | {r['before_first']:,.0f} "
                     f"| {r['now_first']:,.0f} | {r['before_first'] / r['now_first']:.1f}x | {r['now_whole']:,.0f} "
                     f"| {r['kept']:.1f} | {met} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--before", required=True, help="The git revision to compare with.")
    parser.add_argument("--param", action="append", default=[], help="theme=, place=, organization= values.")
    parser.add_argument("--label", required=True, help="What the data set is, for the table's title.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    values = dict(p.split("=", 1) for p in args.param)
    cases = {"organizations-by-theme": ["theme"], "organizations-by-theme-and-place": ["theme", "place"],
             "partners": ["organization"]}
    kg = open_graph(args.data, build_dir=args.build_dir, rebuild=False)
    generation = kg.store.generation_folder()
    assert generation is not None, "bench_pages measures the build's own store"
    shutil.rmtree(generation / ANSWERS_DIR / ASKED_DIR, ignore_errors=True)  # nothing kept from earlier runs
    rows = [measure(kg, name, {k: values[k] for k in keys}, args.before, args.repeat) for name, keys in cases.items()]
    text = (f"### {args.label}\n\nMeasured {time.strftime('%Y-%m-%d %H:%M')} with `python bench/bench_pages.py "
            f"--data {args.data} --build-dir {args.build_dir} --before {args.before} "
            + " ".join(f"--param {p}" for p in args.param) + f" --label \"{args.label}\" --write`; {cpu_model()}.\n\n"
            + table(rows) + "\n")
    print(text)
    if args.write:
        _write_part(ROOT / "bench" / "RESULTS.md", args.label, text)


def _write_part(path: Path, label: str, part: str) -> None:
    """Replace this data set's ``### label`` part of the section, keeping the other data sets'."""
    current = path.read_text(encoding="utf-8")
    start = current.find(SECTION + "\n")
    body = current[start + len(SECTION) + 1:].split("\n## ", 1)[0] if start >= 0 else ""
    parts = re.split(r"^### ", body, flags=re.MULTILINE)[1:]  # the first is the section's introduction
    kept = ["### " + p.strip("\n") for p in parts if not p.startswith(label + "\n")]
    intro = ("Each side runs in one process on the build's own store, alternating; *before* is the earlier "
             "revision's query text (and Oxigraph variant), *now* this checkout's. *Asked again*: the same "
             "question once its answer is kept for the graph's generation.")
    write_section(path, "\n\n".join([SECTION, intro, *kept, part.strip("\n")]) + "\n")


if __name__ == "__main__":
    main()
