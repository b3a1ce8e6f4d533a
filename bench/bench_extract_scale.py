"""Benchmark: how the time and memory of ``extract`` grow with the article's size (issue 13).

    python bench/bench_extract_scale.py                               # 50 KB to 2 MB, three shapes
    python bench/bench_extract_scale.py --sizes 100 200 --shapes repeated names
    python bench/bench_extract_scale.py --before ../old-checkout --write  # also time another checkout

The articles are the hostile shapes of ``tests/hostile/articles.py``: *repeated*, an ordinary news
paragraph repeated; *names*, sentences naming organizations never named before; *one sentence*, the
same names with no sentence end. Each shape and size runs in its own process (so that its peak
memory is its own): the gazetteer is loaded by a warm-up extraction, then ``extract_article`` runs
through the Python API (median of ``--repeat`` runs), then the draft is made and rendered as the
command does (``draft_records``, ``render_draft``, once). *Per doubling* is the time's growth for
each doubling of the size between two sizes: 2 is linear, 4 quadratic. Peak memory is the process's
maximum resident set after the runs, and its growth over the warm-up's.

``--before PATH`` times the same on the checkout at PATH (its ``ecosystem_graph`` imported first)
for sizes up to ``--before-max`` KB; a shape is not timed at larger sizes once a run of it took
longer than ``--slow`` seconds. ``--write`` replaces the "## Extraction at scale" section of
``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from results_file import TimeLimit, cpu_model, peak_mb, run_worker, spawn, time_limit, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Extraction at scale"
SHAPES = {"repeated": "repeated_news", "names": "distinct_names", "one-sentence": "one_sentence"}
DEFAULT_SIZES = (50, 100, 200, 400, 1000, 2000)  # KB of 1,000 bytes (the articles are ASCII)


# -- worker (runs in its own process) -------------------------------------------------------------


def worker_extract(job: dict[str, Any]) -> dict[str, Any]:
    """Time ``extract_article`` and the draft on one article, with the code of ``job['code']``."""
    sys.path[:0] = [job["code"], str(ROOT / "tests")]  # the code measured first, then the shapes
    from ecosystem_graph.extract import extract_article, extract_text
    from ecosystem_graph.extract.draft import about, draft_records, render_draft
    from ecosystem_graph.extract.known import Known
    from ecosystem_graph.extract.text import article_from_text

    import hostile.articles as shapes

    known = Known.from_data(ROOT / "data")
    extract_text("Warm-up: Nesta met the Sofia Tech Park in Munich on 5 May 2019.", known)  # loads the gazetteer
    base = peak_mb()
    article = article_from_text(getattr(shapes, SHAPES[job["shape"]])(job["kb"] * 1000), "text")
    times: list[float] = []
    try:
        with time_limit(job["limit"]):
            for _ in range(job["repeat"]):
                started = time.perf_counter()
                result = extract_article(article, known)
                times.append(time.perf_counter() - started)
                if times[-1] > job["slow"]:
                    break  # one slow run tells enough
            started = time.perf_counter()
            draft = {"draft": about(result, "article.txt", known),
                     **draft_records(result, known, "src", {"title": "t"})}
            render_draft(draft, "article.txt")
            draft_s: float | None = time.perf_counter() - started
    except TimeLimit:
        return {"seconds": None, "runs": times, "draft_s": None, "peak_mb": peak_mb(), "base_mb": base,
                "gave_up": job["limit"]}
    return {"seconds": statistics.median(times), "runs": times, "draft_s": draft_s, "peak_mb": peak_mb(),
            "base_mb": base, "organizations": len(result.organizations), "meetings": len(result.meetings)}


WORKERS = {"extract": worker_extract}


# -- driver -----------------------------------------------------------------------------------------


def measure(code: Path, shapes: list[str], sizes: list[int], args: argparse.Namespace) -> dict[str, list[dict]]:
    """Rows of (size, result) per shape for the checkout at ``code``, each in its own process."""
    rows: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for shape in shapes:
            rows[shape] = []
            for kb in sizes:
                job = {"code": str(code), "shape": shape, "kb": kb, "repeat": args.repeat, "slow": args.slow,
                       "limit": args.limit}
                result = spawn(__file__, "extract", job, Path(scratch) / "job.json")
                rows[shape].append({"kb": kb, **result})
                shown = "gave up" if result["seconds"] is None else f"{result['seconds']:.2f} s"
                print(f"{code.name or code}: {shape} {kb} KB: {shown}, peak {result['peak_mb']:.0f} MB", flush=True)
                if result["seconds"] is None or result["seconds"] > args.slow:
                    break  # larger sizes would only take longer
    return rows


def per_doubling(rows: list[dict]) -> list[str]:
    """The time's growth per doubling of the size from the row before: 2.0 linear, 4.0 quadratic."""
    shown = [""]
    for before, after in zip(rows, rows[1:], strict=False):
        if before["seconds"] and after["seconds"]:
            growth = (after["seconds"] / before["seconds"]) ** (1 / math.log2(after["kb"] / before["kb"]))
            shown.append(f"{growth:.1f}")
        else:
            shown.append("")
    return shown


def _s(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}" if value < 10 else f"{value:.0f}"


def report(now: dict[str, list[dict]], before: dict[str, list[dict]], command: str, started: str) -> str:
    lines = [SECTION, "",
             f"Measured {started} with `{command}`. Machine: {cpu_model()}, {os.cpu_count()} cores; "
             f"{platform.platform()}; Python {platform.python_version()}.", "",
             "`extract_article` through the Python API on the hostile shapes of `tests/hostile/articles.py` "
             "(*repeated*: an ordinary news paragraph repeated; *names*: sentences naming organizations never "
             "named before; *one sentence*: the same names with no sentence end), each size in its own "
             "process after a warm-up that loads the gazetteer; seconds are medians. *Per doubling*: the "
             "time's growth per doubling of the size, 2 linear, 4 quadratic. *Draft*: `draft_records` and "
             "`render_draft`, the rest of what the command does (YAML rendering of every record dominates "
             "it). Peak memory: the process's maximum resident set, and its growth over the warm-up."
             + (" *Before*: the checkout before the fix, timed the same way where it ended in reasonable "
                "time." if before else ""), ""]
    for shape, rows in now.items():
        old = {row["kb"]: row for row in before.get(shape, [])}
        lines += [f"### {shape}", "",
                  "| size | " + ("before (s) | " if before else "") + "extract (s) | per doubling | draft (s) "
                  "| peak memory (MB) | memory growth (MB) |",
                  "|---:|" + ("---:|" if before else "") + "---:|---:|---:|---:|---:|"]
        for row, growth in zip(rows, per_doubling(rows), strict=True):
            previous = old.get(row["kb"])
            cell = ("| " + (_s(previous["seconds"]) if previous and previous["seconds"] else
                            f"gave up at {previous['gave_up']:.0f} s" if previous else "") + " ") if before else ""
            lines.append(f"| {row['kb']:,} KB {cell}| {_s(row['seconds']) or 'gave up'} | {growth} | "
                         f"{_s(row['draft_s'])} | {row['peak_mb']:,.0f} | {row['peak_mb'] - row['base_mb']:,.0f} |")
        if before:
            timed = [row for row in before.get(shape, []) if row["seconds"]]
            lines += ["", "Before, per doubling: " + (", ".join(
                f"{a['kb']}→{b['kb']} KB {g}"
                for a, b, g in zip(timed, timed[1:], per_doubling(timed)[1:], strict=False))
                or "one size only") + "."]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="KB (1,000 bytes)")
    parser.add_argument("--shapes", nargs="+", choices=list(SHAPES), default=list(SHAPES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median)")
    parser.add_argument("--slow", type=float, default=60.0, help="after a run this slow (s): no repeat, no larger size")
    parser.add_argument("--limit", type=float, default=600.0, help="give a size up after this long (s)")
    parser.add_argument("--before", type=Path, help="another checkout to time the same way")
    parser.add_argument("--before-max", type=int, default=400, help="largest size (KB) timed on --before")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "extract-scale")
    parser.add_argument("--write", action="store_true", help=f"replace the '{SECTION}' section of bench/RESULTS.md")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "JOB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if run_worker(args.worker, WORKERS):
        return
    started = time.strftime("%Y-%m-%d %H:%M")
    command = "python bench/bench_extract_scale.py " + " ".join(sys.argv[1:])
    before = measure(args.before.resolve(), args.shapes, [kb for kb in args.sizes if kb <= args.before_max],
                     args) if args.before else {}
    now = measure(ROOT, args.shapes, args.sizes, args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps({"command": command, "started": started, "now": now,
                                                       "before": before}, indent=2))
    text = report(now, before, command, started)
    print(text)
    if args.write:
        write_section(ROOT / "bench" / "RESULTS.md", text)
        print(f"wrote the '{SECTION}' section of {ROOT / 'bench' / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
