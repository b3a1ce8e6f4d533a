"""Benchmark: ``ecosystem-graph site`` on real data, against the code of an earlier revision.

    python bench/bench_site.py --data bench/out/default-path/cordis/data --before fc66df0 --write

The data folder is built once (the default path, as ``bench_default_path.py --cordis`` leaves it).
Each side then writes the whole static site in its own process, timed, with its peak memory: *now*
(this checkout) and *before* (the revision ``--before``, checked out into a temporary worktree and
run on the same build), each ``--repeat`` times, alternating. ``--write`` replaces the "## Static
site at real size" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import checkout, command_peak_mb, cpu_model, timed_command, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Static site at real size"
GOALS = {"seconds": 120.0, "peak_mb": 500.0}


def _run_site(code: Path, data: Path, build: Path, out: Path, timeout: float) -> dict[str, float | int | None]:
    """One ``site`` command run with the package at ``code``: seconds and pages written."""
    shutil.rmtree(out, ignore_errors=True)
    seconds = timed_command(_site_command(data, build, out), code, timeout)
    return {"seconds": seconds, "pages": None if seconds is None else sum(1 for _ in out.rglob("*.html"))}


def _site_command(data: Path, build: Path, out: Path) -> list[str]:
    return ["site", "--out", str(out), "--data", str(data), "--build-dir", str(build)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="The data folder (built into DATA/../build-site).")
    parser.add_argument("--before", required=True, help="The git revision to compare with.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    data = args.data.resolve()
    build = data.parent / "build-site"
    subprocess.run([sys.executable, "-m", "ecosystem_graph", "build", str(data), "--out", str(build)], check=True,
                   cwd=ROOT, capture_output=True)
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as scratch, checkout(args.before, ROOT) as before:
        sides = {"now": ROOT, f"before ({args.before})": before}
        runs: dict[str, list[dict[str, float | int | None]]] = {name: [] for name in sides}
        for _ in range(args.repeat):
            for name, code in sides.items():
                print(f"site: {name}", file=sys.stderr, flush=True)
                runs[name].append(_run_site(code, data, build, Path(scratch) / "site", args.timeout))
        site = Path(scratch) / "site"
        peaks = {}
        for name, code in sides.items():
            shutil.rmtree(site, ignore_errors=True)
            peaks[name] = command_peak_mb(_site_command(data, build, site), code, args.timeout)
    load.append(os.getloadavg()[0])
    report = _report(args, runs, peaks, load)
    print(report)
    if args.write:
        write_section(ROOT / "bench" / "RESULTS.md", report)


def _report(args: argparse.Namespace, runs: dict[str, list[dict[str, float | int | None]]],
            peaks: dict[str, float | None], load: list[float]) -> str:
    lines = [SECTION, "", f"Measured {time.strftime('%Y-%m-%d %H:%M')} with "
             f"`python bench/bench_site.py {' '.join(sys.argv[1:])}`.", "",
             f"Machine: {cpu_model()}, {os.cpu_count()} cores; {platform.platform()}; Python "
             f"{platform.python_version()}. Load average (1 min) {load[0]:.1f} at the start, {load[1]:.1f} at the end "
             "(shared with other work).", "",
             f"Data: `{args.data}`; for the CORDIS example it is real (CORDIS Horizon 2020 projects and organisations, "
             "European Commission, CC BY 4.0). Each side writes the whole site from the same build (the build's own "
             f"store) in its own process; median of {args.repeat} runs, alternating; peak memory from a further run "
             "of each side under `/usr/bin/time`.", "",
             "| side | pages | seconds (median) | runs | peak MB | goal |", "|---|---:|---:|---|---:|---|"]
    for name, measured in runs.items():
        seconds = [r["seconds"] for r in measured if r["seconds"] is not None]
        median = f"{statistics.median(seconds):,.1f}" if len(seconds) == len(measured) else f"> {args.timeout:,.0f}"
        pages = next((r["pages"] for r in measured if r["pages"]), None)
        peak = peaks[name]
        lines.append(f"| {name} | {'' if pages is None else f'{pages:,}'} | {median} | "
                     + ", ".join("timeout" if r["seconds"] is None else f"{r['seconds']:.1f}" for r in measured)
                     + f" | {'' if peak is None else f'{peak:,.0f}'} | <= {GOALS['seconds']:.0f} s, "
                       f"<= {GOALS['peak_mb']:.0f} MB |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
