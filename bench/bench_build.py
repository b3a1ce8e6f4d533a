"""Benchmark: ``ecosystem-graph build`` (the default path) against the code of an earlier revision.

    python bench/bench_build.py --data /tmp/cx/data --data /tmp/syn/20000/data --before 052592c --write

For each data folder, each side builds it into a fresh folder of its own (``build DATA --out DIR``,
as a new user runs it), ``--repeat`` times, alternating: *now* (this checkout) and *before* (the
revision ``--before``, checked out into a temporary worktree). Seconds are wall time; peak memory
comes from a further run of each side under ``/usr/bin/time`` (that of the largest process: a
helper process a build forks is counted on its own). ``--write`` replaces the "## Build at real
size" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from results_file import checkout, command_peak_mb, cpu_model, timed_command, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Build at real size"
#: One data folder's results: its label, its goal (seconds), each side's runs and each side's peak MB.
Row = tuple[str, "float | None", dict[str, list["float | None"]], dict[str, "float | None"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append", required=True, help="A data folder (repeatable).")
    parser.add_argument("--label", action="append", default=[], help="A name for each --data, in order.")
    parser.add_argument("--goal", type=float, action="append", default=[], help="Seconds, for each --data.")
    parser.add_argument("--before", required=True, help="The git revision to compare with.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    load = [os.getloadavg()[0]]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as scratch, checkout(args.before, ROOT) as before:
        sides = {"now": ROOT, f"before ({args.before})": before}
        for index, data in enumerate(args.data):
            out = Path(scratch) / "build"
            command = ["build", str(data.resolve()), "--out", str(out)]
            runs: dict[str, list[float | None]] = {name: [] for name in sides}
            for _ in range(args.repeat):
                for name, code in sides.items():
                    print(f"build {data}: {name}", file=sys.stderr, flush=True)
                    shutil.rmtree(out, ignore_errors=True)
                    runs[name].append(timed_command(command, code, args.timeout))
            peaks = {}
            for name, code in sides.items():
                shutil.rmtree(out, ignore_errors=True)
                peaks[name] = command_peak_mb(command, code, args.timeout)
            label = args.label[index] if index < len(args.label) else str(data)
            goal = args.goal[index] if index < len(args.goal) else None
            rows.append((label, goal, runs, peaks))
    load.append(os.getloadavg()[0])
    report = _report(args, rows, load)
    print(report)
    if args.write:
        write_section(ROOT / "bench" / "RESULTS.md", report)


def _median(runs: list[float | None]) -> float | None:
    return statistics.median(runs) if runs and None not in runs else None  # type: ignore[type-var]


def _report(args: argparse.Namespace, rows: list[Row], load: list[float]) -> str:
    lines = [SECTION, "", f"Measured {time.strftime('%Y-%m-%d %H:%M')} with "
             f"`python bench/bench_build.py {' '.join(sys.argv[1:])}`.", "",
             f"Machine: {cpu_model()}, {os.cpu_count()} cores; {platform.platform()}; Python "
             f"{platform.python_version()}. Load average (1 min) {load[0]:.1f} at the start, {load[1]:.1f} at the end "
             "(shared with other work).", "",
             f"Each side runs `ecosystem-graph build DATA --out DIR` into a fresh folder, {args.repeat} times, "
             "alternating; seconds are medians of wall time; peak memory is that of the largest process in a further "
             "run under `/usr/bin/time`.", "",
             "| data | side | seconds (median) | runs | ratio | peak MB | goal |",
             "|---|---|---:|---|---:|---:|---|"]
    for label, goal, runs, peaks in rows:
        medians = {name: _median(measured) for name, measured in runs.items()}
        now = medians["now"]
        for name, measured in runs.items():
            median = medians[name]
            ratio = f"{median / now:.2f}x" if median is not None and now else ""
            peak = peaks[name]
            met = "" if goal is None else (f"<= {goal:.0f} s: " + ("met" if median is not None and median <= goal
                                                                  else "not met"))
            lines.append(f"| {label} | {name} | {'timeout' if median is None else f'{median:.1f}'} | "
                         + ", ".join("timeout" if r is None else f"{r:.1f}" for r in measured)
                         + f" | {ratio} | {'' if peak is None else f'{peak:,.0f}'} | {met} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
