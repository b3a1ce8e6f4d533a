"""Benchmark: ``ecosystem-graph import`` of the whole CORDIS Horizon 2020 example, against the plain
pandas converter a user would write instead.

    python bench/bench_import.py [--repeat 3]

Each side runs in its own fresh process (so that peak memory, the process's maximum resident set,
is its own), ``--repeat`` times; medians are reported.

- **import (new folder)**: ``run_import`` of ``examples/cordis-h2020/mapping.yaml`` into an empty
  folder: read five files, join them, geocode 16,592 organizations, make 31,451 projects and
  110,696 participations, check every record with the loader ``build`` uses, write atomically.
- **import (again)**: the same import into the folder the first one wrote: every record compared,
  nothing to change (what a scheduled re-import costs).
- **plain pandas**: ``read_csv`` of the three data files, a merge of participations with
  organizations on the PIC, a group-by for projects, ``to_csv`` of three tables; no geocoding, no
  checks, no stable ids, no report. It is the floor: what reading and writing the data costs.

Results go to the "## Import of CORDIS (issue 15)" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from results_file import cpu_model, peak_mb, run_worker, spawn, write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "cordis-h2020"
SECTION = "## Import of CORDIS (issue 15)"


def _import(job: dict[str, Any]) -> dict[str, Any]:
    from ecosystem_graph.importer import run_import

    started = time.perf_counter()
    report = run_import(EXAMPLE, EXAMPLE / "mapping.yaml", Path(job["out"]))
    seconds = time.perf_counter() - started
    places = report.places
    return {"seconds": seconds, "peak_mb": peak_mb(), "placed": places.placed, "rows": places.total,
            "added": {n: len(c.added) for n, c in report.tables.items()},
            "changed": sum(len(c.changed) for c in report.tables.values())}


def _plain(job: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd

    started = time.perf_counter()
    out = Path(job["out"])
    out.mkdir(parents=True, exist_ok=True)
    orgs = pd.read_csv(EXAMPLE / "stacked_dump.csv", dtype=str)
    parts = pd.read_csv(EXAMPLE / "h2020.csv.gz", dtype=str)
    programme = pd.read_csv(EXAMPLE / "programme_parts.csv.gz", dtype=str)
    orgs[["orgId", "name", "shortName", "activityType", "city", "country"]].to_csv(out / "organizations.csv",
                                                                                    index=False)
    projects = parts.groupby("rcn").first().reset_index().merge(programme, on="rcn", how="left")
    projects[["rcn", "start_date", "end_date", "total_cost", "max_contribution", "programme_part"]].to_csv(
        out / "projects.csv", index=False)
    named = parts.merge(orgs[["orgId"]], left_on="pic", right_on="orgId")
    named[["rcn", "pic", "role", "contribution"]].to_csv(out / "participations.csv", index=False)
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "participations": len(named)}


WORKERS = {"import": _import, "plain": _plain}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if run_worker(args.worker, WORKERS):
        return
    runs: dict[str, list[dict[str, Any]]] = {"new": [], "again": [], "plain": []}
    with tempfile.TemporaryDirectory() as scratch:
        job = Path(scratch) / "job.json"
        for i in range(args.repeat):
            out = Path(scratch) / f"data-{i}"
            runs["new"].append(spawn(__file__, "import", {"out": str(out)}, job))
            runs["again"].append(spawn(__file__, "import", {"out": str(out)}, job))
            runs["plain"].append(spawn(__file__, "plain", {"out": str(Path(scratch) / f"plain-{i}")}, job))
            shutil.rmtree(out)
            print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1]['seconds']:.1f} s" for k, v in runs.items()), flush=True)
    write_section(ROOT / "bench" / "RESULTS.md", _section(runs, args.repeat))
    print(_section(runs, args.repeat))


def _section(runs: dict[str, list[dict[str, Any]]], repeat: int) -> str:
    def median(side: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[side])

    first = runs["new"][0]
    plain = median("plain", "seconds")
    lines = [
        SECTION, "",
        f"`python bench/bench_import.py --repeat {repeat}` on {cpu_model() or 'this machine'} "
        f"({time.strftime('%Y-%m-%d')}); medians of {repeat} runs, each side in its own process.",
        "",
        "| side | seconds | x plain pandas | peak MB |",
        "|---|---|---|---|",
    ]
    for side, label in (("new", "import into a new folder"), ("again", "import again (nothing changes)"),
                        ("plain", "plain pandas converter (no geocoding, checks, ids)")):
        seconds = median(side, "seconds")
        lines.append(f"| {label} | {seconds:.1f} | {seconds / plain:.1f} | {median(side, 'peak_mb'):.0f} |")
    lines += [
        "",
        "Records written: " + ", ".join(f"{n} {c:,}" for n, c in first["added"].items() if c) + ".",
        f"Organizations placed in a city: {first['placed']:,} of {first['rows']:,} "
        f"({100 * first['placed'] / first['rows']:.1f}%); the second run changed {runs['again'][0]['changed']} records.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
