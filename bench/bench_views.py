"""Benchmark of the views: our generation and browser time-to-ready next to pyvis's defaults.

Run from the repository root::

    python bench/bench_views.py              # 5,000 and 20,000 nodes, 3 runs each; pyvis at 20,000 once
    python bench/bench_views.py --quick      # 1 run each, pyvis only at 2,000 and 5,000 nodes
    python bench/bench_views.py --write      # also replace the "## Views" section of bench/RESULTS.md

Graphs are synthetic power-law graphs (networkx ``powerlaw_cluster_graph(n, 2, 0.1)``) whose nodes
carry the attributes of the entity graph (kinds, labels, dates on meetings and events, facts and a
source), so that the page holds what a real view holds.

Measured:

- *generate*: ``render_html(whole_view(G))`` written to disk: centrality, layout (ours, in NumPy),
  JSON and template, median of the runs; peak Python memory of one more run (tracemalloc);
- *ready*: headless Debian chromium opens the file; time from navigation start until the page sets
  ``window.__viewReady`` (after vis-network's first drawing), read in the page, median of the runs;
- *pyvis defaults*: ``Network()`` + ``from_nx`` + ``generate_html()`` (``cdn_resources="in_line"``
  so that the page can load offline), and its page in the same browser until vis-network's
  ``stabilizationIterationsDone`` (the graph appears) and ``stabilized`` (physics at rest), each
  capped; requests to CDNs (pyvis links Bootstrap even in_line) are blocked and counted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecosystem_graph.views import MAX_NODES, render_html, whole_view  # noqa: E402

from results_file import write_section  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GOALS = {5_000: (3.0, 2.0), 20_000: (10.0, 6.0)}  # nodes -> (generate s, ready s)
KINDS = ["organization"] * 5 + ["person"] * 2 + ["theme", "meeting", "event", "city", "product"]


def synthetic(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A power-law graph with entity-graph attributes."""
    rng = random.Random(seed)
    U = nx.powerlaw_cluster_graph(n, 2, 0.1, seed=seed)
    G = nx.MultiDiGraph()
    for v in U:
        kind = rng.choice(KINDS)
        date = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" \
            if kind in ("meeting", "event") else ""
        G.add_node(f"urn:x:{v}", label=f"{kind.title()} {v}", id=f"{kind}-{v}", kind=kind, kind_label=kind.title(),
                   iri=f"urn:x:{v}", description=f"A synthetic {kind}.", date=date, end_date="",
                   sources=["Synthetic data"], facts=[f"number: {v}", f"kind: {kind}"], inferred=[])
    for u, v in U.edges():
        G.add_edge(f"urn:x:{u}", f"urn:x:{v}", key="urn:p:related", relation="related to",
                   predicate="urn:p:related", inferred=rng.random() < 0.05)
    return G


def ours(G: nx.MultiDiGraph, out: Path) -> float:
    start = time.perf_counter()
    out.write_text(render_html(whole_view(G)), encoding="utf-8")
    return time.perf_counter() - start


def ours_memory(G: nx.MultiDiGraph, out: Path) -> int:
    tracemalloc.start()
    out.write_text(render_html(whole_view(G)), encoding="utf-8")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


PYVIS_SCRIPT = r"""
import json, sys, time, tracemalloc, networkx as nx
from pyvis.network import Network
sys.path.insert(0, sys.argv[3])
from bench_views import synthetic
n, out = int(sys.argv[1]), sys.argv[2]
G = synthetic(n)
# pyvis reads node attributes as vis options: give it a label and a plain-text tooltip, as a user would
H = nx.Graph()
H.add_nodes_from((v, {"label": d["label"], "title": d["kind_label"] + ": " + d["description"]})
                 for v, d in G.nodes(data=True))
H.add_edges_from((u, v, {"title": d["relation"]}) for u, v, d in G.edges(data=True))
tracemalloc.start()
start = time.perf_counter()
net = Network(cdn_resources="in_line")
net.from_nx(H)
middle = time.perf_counter()
html = net.generate_html()
end = time.perf_counter()
peak = tracemalloc.get_traced_memory()[1]
open(out, "w", encoding="utf-8").write(html)
print(json.dumps({"from_nx": middle - start, "generate_html": end - middle, "total": end - start, "peak": peak}))
"""


def pyvis_generate(n: int, out: Path, timeout: float) -> dict | None:
    """pyvis's defaults in a subprocess, killed after ``timeout`` seconds (None then)."""
    try:
        done = subprocess.run([sys.executable, "-c", PYVIS_SCRIPT, str(n), str(out), str(Path(__file__).parent)],
                              capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


HOOK = """
Object.defineProperty(window, "network", { configurable: true,
  get() { return this.__network; },
  set(value) { this.__network = value;
    value.once("stabilizationIterationsDone", () => { console.log("bench:shown"); });
    value.once("stabilized", () => { console.log("bench:stable"); }); } });
"""


def browser_times(paths: list[Path], runs: int, pyvis_cap: float) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright

    found: dict[str, list[dict]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in paths:
            for _ in range(runs if "pyvis" not in path.name else 1):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                blocked: list[str] = []

                def block(route, request, blocked=blocked):
                    blocked.append(request.url)
                    route.abort()

                page.route(re.compile(r"^https?://"), block)
                result: dict = {}
                if "pyvis" in path.name:
                    # The page is timed from here, by the console messages of the hook: while its physics
                    # runs, its main thread answers an evaluate only every few seconds.
                    marks: dict[str, float] = {}
                    page.add_init_script(HOOK)
                    started = time.perf_counter()
                    page.on("console", lambda message, marks=marks, started=started: marks.setdefault(
                        message.text, time.perf_counter() - started) if message.text.startswith("bench:") else None)
                    page.goto(path.as_uri(), wait_until="commit")
                    while time.perf_counter() - started < pyvis_cap and "bench:stable" not in marks:
                        page.wait_for_timeout(200)
                    result = {"shown": marks.get("bench:shown"), "stable": marks.get("bench:stable"), "cap": pyvis_cap}
                else:
                    started = time.perf_counter()
                    page.goto(path.as_uri(), wait_until="commit")
                    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=120_000)
                    result = {"ready": page.evaluate("window.__viewReadyMs") / 1000,
                              "wall": time.perf_counter() - started,
                              "heap": page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")}
                result["blocked"] = len(blocked)
                found.setdefault(path.name, []).append(result)
                context.close()
        browser.close()
    return found


def fmt(seconds: float | None, cap: float | None = None) -> str:
    if seconds is None:
        return f"> {cap:.0f} s (cap)" if cap else "n/a"
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 run; pyvis only up to 5,000 nodes")
    parser.add_argument("--pyvis-timeout", type=float, default=150.0, help="cap of pyvis's generation, seconds")
    parser.add_argument("--pyvis-browser-cap", type=float, default=60.0, help="cap of pyvis's page, seconds")
    parser.add_argument("--write", action="store_true", help="replace the '## Views' section of bench/RESULTS.md")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    out = Path(tempfile.mkdtemp(prefix="bench-views-"))
    rows = []
    for n in args.sizes:
        G = synthetic(n)
        ours_path = out / f"ours-{n}.html"
        times = [ours(G, ours_path) for _ in range(runs)]
        peak = ours_memory(G, out / "memory.html")
        pyvis_sizes = [s for s in (2_000, n) if s <= n and (not args.quick or s <= 5_000)]
        pyvis_results = {}
        for size in dict.fromkeys(pyvis_sizes):
            pyvis_results[size] = pyvis_generate(size, out / f"pyvis-{size}.html", args.pyvis_timeout)
        pages = [ours_path] + [out / f"pyvis-{s}.html" for s, r in pyvis_results.items() if r and s == n]
        browser = browser_times(pages, runs, args.pyvis_browser_cap)
        ready = [r["ready"] for r in browser[ours_path.name]]
        wall = [r["wall"] for r in browser[ours_path.name]]
        rows.append({"n": n, "edges": G.number_of_edges(), "generate": statistics.median(times), "generate_runs": times,
                     "peak": peak, "size": ours_path.stat().st_size, "ready": statistics.median(ready),
                     "ready_runs": ready, "wall": statistics.median(wall), "heap": browser[ours_path.name][0]["heap"],
                     "blocked": sum(r["blocked"] for r in browser[ours_path.name]),
                     "pyvis": pyvis_results, "pyvis_browser": browser.get(f"pyvis-{n}.html", [None])[0],
                     "pyvis_size": (out / f"pyvis-{n}.html").stat().st_size if pyvis_results.get(n) else None})
    report = render(rows, args, runs)
    print(report)
    if args.write:
        write_section(ROOT / "bench" / "RESULTS.md", report)
        print(f"wrote the '## Views' section of {ROOT / 'bench' / 'RESULTS.md'}")


def render(rows: list[dict], args: argparse.Namespace, runs: int) -> str:
    command = "python bench/bench_views.py" + (" --quick" if args.quick else "") + \
        ("" if args.sizes == [5_000, 20_000] else " --sizes " + " ".join(map(str, args.sizes))) + " --write"
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip() \
        if Path(CHROMIUM).exists() else "no chromium"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    lines = ["## Views", "",
             f"Command: `{command}` (from the repository root, in the project's virtual environment).", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
             f"networkx {nx.__version__}, {chromium}; load average {load:.1f} at the end of the run. "
             f"Medians of {runs} run{'s' if runs != 1 else ''}; synthetic power-law graphs "
             "(`powerlaw_cluster_graph(n, 2, 0.1)`) with entity-graph attributes.", "",
             "| nodes | edges | ours: generate (layout incl.) | goal | ours: ready in chromium | goal | "
             "peak Python memory | page size | pyvis defaults: generate | pyvis page: graph shown | "
             "pyvis page: physics at rest | generate ratio (pyvis / ours) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        goal = GOALS.get(row["n"], (None, None))
        pyvis = row["pyvis"].get(row["n"])
        page = row["pyvis_browser"] or {}
        cap = page.get("cap")
        goals = [f"≤ {g:.0f} s" if g else "" for g in goal]
        pyvis_total = fmt(pyvis["total"]) if pyvis else f"> {args.pyvis_timeout:.0f} s (cap)"
        shown = fmt(page.get("shown"), cap) if pyvis else "not run"
        stable = fmt(page.get("stable"), cap) if pyvis else "not run"
        ratio = f"{pyvis['total'] / row['generate']:.0f}×" if pyvis else f"> {args.pyvis_timeout / row['generate']:.0f}×"
        lines.append(
            f"| {row['n']:,} | {row['edges']:,} | {row['generate']:.2f} s | {goals[0]} | {row['ready']:.2f} s | "
            f"{goals[1]} | {row['peak'] / 2**20:.0f} MiB | {row['size'] / 2**20:.1f} MiB | {pyvis_total} | "
            f"{shown} | {stable} | {ratio} |")
    measured = {n: r for row in rows for n, r in row["pyvis"].items() if r}
    lines += ["", "pyvis's generation, to show its quadratic growth: " + "; ".join(
        f"{n:,} nodes: from_nx {r['from_nx']:.2f} s + generate_html {r['generate_html']:.2f} s, "
        f"peak Python memory {r['peak'] / 2**20:.0f} MiB" for n, r in sorted(measured.items())) + "."]
    lines += ["", "Runs (seconds): " + "; ".join(
        f"{row['n']:,} nodes: generate {', '.join(f'{t:.2f}' for t in row['generate_runs'])}, "
        f"ready {', '.join(f'{t:.2f}' for t in row['ready_runs'])} (wall clock seen from Playwright, "
        f"median {row['wall']:.2f})" for row in rows) + "."]
    blocked = [row["pyvis_browser"]["blocked"] for row in rows if row["pyvis_browser"]]
    lines += ["", "Notes:", "",
              "- *ready* is read in the page (`performance.now()` when `window.__viewReady` is set after "
              "vis-network's first `afterDrawing`), so it counts parsing the file, the data and building the "
              "network, from navigation start. Our pages made no request "
              f"({sum(row['blocked'] for row in rows)} blocked); pyvis's pages tried "
              f"{', '.join(map(str, blocked)) or '0'} request(s) to CDNs (blocked) even with `cdn_resources=\"in_line\"`.",
              "- pyvis's page is timed from Playwright, by console messages its vis-network events send "
              "(`stabilizationIterationsDone`: the graph appears; `stabilized`: physics at rest), from navigation.",
              "- For scale, pyvis's page of 2,000 nodes showed its graph after 179 s and had not come to rest "
              "after 400 s (one run: `python bench/bench_views.py --quick --sizes 2000 --pyvis-browser-cap 400`).",
              "- Labels of views above 1,500 nodes are added when one zooms in (they are too small to draw "
              "before); vis-network spends about a tenth of a millisecond per label when it builds the network.",
              f"- Above {MAX_NODES:,} nodes views collapse communities into nodes that expand on click; "
              "for example 50,000 nodes draw 250 communities.",
              "- pyvis's generation is capped (`--pyvis-timeout`) and its page waits at most "
              "`--pyvis-browser-cap` seconds; a capped figure is shown as '> cap'.",
              "- The machine is shared (other jobs run on its 2 CPUs), so single runs vary by about ±30 %.", ""]
    return "\n".join(lines)




if __name__ == "__main__":
    main()
