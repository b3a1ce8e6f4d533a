"""Benchmark: ``analyze`` at scale, this project against the plain rdflib + networkx a user would write.

    python bench/bench_analytics.py --sizes 10000 100000 [--cordis]

With ``--cordis`` it also runs on the real CORDIS Horizon 2020 example (``examples/cordis-h2020``,
imported with its mapping: 16,592 organizations in consortia of up to 160), listed as size 16,592.

For each size it writes a synthetic ecosystem (``ecosystem-graph synth``), builds it into a
persistent store, exports that graph as N-Triples (and Turtle, what the memory store loads), then
runs each side in its own fresh subprocess, so that peak memory (the process's maximum resident
set) is per side, and times what ``ecosystem-graph analyze centrality`` does:

- **oxigraph:PATH**: open the built store, ``network.entity_graph``, ``network.partner_network``,
  ``analytics.centrality``;
- **memory**: this project's rdflib path: load the Turtle into the ``memory`` store, then the same;
- **plain**: ``Graph().parse()`` of the N-Triples, ``rdflib_to_networkx_graph`` (rdflib's own
  bridge to networkx: every triple an edge, literals nodes too), then networkx's degree,
  betweenness (``k=500, seed=0``: networkx's own sampling) and eigenvector centrality on it. It has
  no partner network; its centrality gives up after ``--timeout`` seconds.

The oxigraph:PATH side starts each run with nothing kept in the store's generation folder (a
first command after a build), then runs the same steps again: the second reads the entity graph
the first kept there.

Times are cumulative from the start of the process: *to the entity graph* includes opening or
loading the graph. Medians of ``--repeat`` runs; a side is not repeated once a run took longer
than ``--slow`` seconds. Results go to ``bench/out/analytics/`` (raw JSON) and to the
"## Analytics at scale" section of ``bench/RESULTS.md`` (``--report`` writes it again from them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from results_file import TimeLimit, cpu_model, peak_mb, run_worker, spawn, time_limit, write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SECTION = "## Analytics at scale"
SIDES = ("project", "memory", "plain")
STEPS = ("entity_s", "partner_s", "centrality_s")
#: The size that stands for the real CORDIS H2020 example (16,592 organizations) in --sizes.
CORDIS_SIZE = 16592


# -- workers (each runs in its own process) -----------------------------------------------------


def _analyze(kg: Any, started: float) -> dict[str, Any]:
    """What ``analyze centrality`` does after opening the graph, each step timed from ``started``."""
    from ecosystem_graph import analytics, network

    G = network.entity_graph(kg)
    entity = time.perf_counter() - started
    P = network.partner_network(G)
    partner = time.perf_counter() - started
    rows = analytics.centrality(P)
    return {"entity_s": entity, "partner_s": partner, "centrality_s": time.perf_counter() - started,
            "entities": G.number_of_nodes(), "links": G.number_of_edges(), "organizations": P.number_of_nodes(),
            "partner_edges": P.number_of_edges(), "top": rows[:3], "peak_mb": peak_mb()}


def worker_project(job: dict[str, Any]) -> dict[str, Any]:
    """A first command on the generation (nothing kept yet), then the same again in this process:
    the second reads the entity graph the first kept (``kept.kept_graph``)."""
    from ecosystem_graph.graph import open_graph
    from ecosystem_graph.kept import ANALYTICS_DIR

    started = time.perf_counter()
    kg = open_graph(store=f"oxigraph:{job['store']}", rebuild=False)
    generation = kg.store.generation_folder()
    assert generation is not None
    shutil.rmtree(generation / ANALYTICS_DIR, ignore_errors=True)  # every run is a first run
    first = _analyze(kg, started)
    again = time.perf_counter()
    return {**first, "again_s": _analyze(kg, again)["centrality_s"]}


def worker_memory(job: dict[str, Any]) -> dict[str, Any]:
    from ecosystem_graph.graph import KnowledgeGraph
    from ecosystem_graph.stores import open_store

    started = time.perf_counter()
    store = open_store("memory")
    store.load_file(Path(job["ttl"]))
    load = time.perf_counter() - started
    return {**_analyze(KnowledgeGraph(store), started), "load_s": load}


def worker_plain(job: dict[str, Any]) -> dict[str, Any]:
    import networkx as nx
    from rdflib import Graph
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_graph

    started = time.perf_counter()
    graph = Graph()
    graph.parse(job["nt"], format="nt")
    load = time.perf_counter() - started
    U = rdflib_to_networkx_graph(graph)
    entity = time.perf_counter() - started
    failed = None
    try:
        with time_limit(job["timeout"]):
            nx.degree_centrality(U)
            nx.betweenness_centrality(U, k=500, seed=0)
            nx.eigenvector_centrality(U, max_iter=1000, weight="weight")
    except TimeLimit:
        failed = f"gave up after {job['timeout']:.0f} s"
    except nx.PowerIterationFailedConvergence:  # over the whole disconnected graph, as networkx warns
        failed = "eigenvector did not converge"
    centrality = None if failed and failed.startswith("gave up") else time.perf_counter() - started
    return {"load_s": load, "entity_s": entity, "partner_s": None, "centrality_s": centrality, "failed": failed,
            "triples": len(graph), "nodes": U.number_of_nodes(), "edges": U.number_of_edges(), "peak_mb": peak_mb()}


def worker_prepare(job: dict[str, Any]) -> dict[str, Any]:
    """Records, a store built from them, its graph as N-Triples and Turtle (a worker too, so that
    the parent stays small)."""
    import pyoxigraph as ox

    from ecosystem_graph.build import build_store
    from ecosystem_graph.stores import open_store
    from ecosystem_graph.synth import write_synthetic

    if job.get("cordis"):
        from ecosystem_graph.importer import run_import

        example = ROOT / "examples" / "cordis-h2020"
        run_import(example, example / "mapping.yaml", Path(job["data"]))
    else:
        write_synthetic(Path(job["data"]), job["size"], job["seed"])
    triples = build_store(Path(job["data"]), f"oxigraph:{job['store']}").triples
    reader = open_store(f"oxigraph:{job['store']}")
    for path, fmt in ((job["nt"], ox.RdfFormat.N_TRIPLES), (job["ttl"], ox.RdfFormat.TURTLE)):
        reader.native().dump(path, format=fmt, from_graph=ox.DefaultGraph())
    reader.close()
    return {"triples": triples, "nt_mb": Path(job["nt"]).stat().st_size / 2**20, "centrality_s": 0}


WORKERS = {"project": worker_project, "memory": worker_memory, "plain": worker_plain,
           "prepare": worker_prepare}


def _spawn(kind: str, job: dict[str, Any], out: Path) -> dict[str, Any]:
    load = os.getloadavg()[0]
    return {**spawn(__file__, kind, job, out / f"job-{kind}.json"), "load": [load, os.getloadavg()[0]]}


# -- the parent ---------------------------------------------------------------------------------


def _runs(kind: str, job: dict[str, Any], out: Path, repeat: int, slow: float) -> list[dict[str, Any]]:
    runs = []
    for number in range(repeat):
        print(f"    {kind} run {number + 1} ...", flush=True)
        runs.append(_spawn(kind, job, out))
        if (runs[-1]["centrality_s"] or job["timeout"]) > slow:
            break
    return runs


def run_size(size: int, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    folder = out / f"n{size}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    job = {"size": size, "seed": args.seed, "data": str(folder / "data"), "store": str(folder / "store"),
           "nt": str(folder / "graph.nt"), "ttl": str(folder / "graph.ttl"), "timeout": args.timeout,
           "cordis": size == CORDIS_SIZE}
    what = "CORDIS imported" if job["cordis"] else "synthetic records"
    print(f"[{size:,}] {what}, store build, N-Triples and Turtle ...", flush=True)
    result: dict[str, Any] = {"size": size, **_spawn("prepare", job, folder)}
    for kind in SIDES:
        print(f"[{size:,}] {kind} ...", flush=True)
        result[kind] = _runs(kind, job, folder, args.repeat, args.slow)
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if len(values) == len(runs) and values else None


def _s(value: float | None, failed: str | None = None) -> str:
    return f"{value:,.1f}" if value is not None else (failed or "-")


def _ratio(slow: float | None, fast: float | None, bound: float | None = None) -> str:
    """``slow / fast``; when the slow side gave up, the lower bound its ``bound`` (seconds) proves."""
    if fast is None:
        return ""
    if slow is None:
        return f"> {bound / fast:,.1f}x" if bound else ""
    return f"{slow / fast:,.1f}x"


def report(results: list[dict[str, Any]], command: str, started: str, timeout: float) -> str:
    import networkx
    import pyoxigraph
    import rdflib

    loads = [load for r in results for side in SIDES for run in r[side] for load in run["load"]]
    lines = [SECTION, "",
             f"Measured {started} with `{command}`. Machine: {cpu_model()}, {os.cpu_count()} cores; "
             f"{platform.platform()}; Python {platform.python_version()}, rdflib {rdflib.__version__}, "
             f"networkx {networkx.__version__}, pyoxigraph {pyoxigraph.__version__}. Load average (1 min) "
             f"{min(loads):.1f}-{max(loads):.1f} during the runs: the machine's 2 cores were shared with "
             "other work, so compare the ratios more than the seconds.", "",
             "What `ecosystem-graph analyze centrality` does, each side in its own process: "
             "**oxigraph:PATH** opens the built store and runs `network.entity_graph`, "
             "`network.partner_network` and `analytics.centrality`; **memory** is this project's rdflib "
             "path (the Turtle loaded into the `memory` store, then the same); **plain** is what a user "
             "would write: `Graph().parse()` of the N-Triples, `rdflib_to_networkx_graph` (every triple an "
             "edge, literals as nodes) and networkx's degree, betweenness (k=500, seed 0) and eigenvector "
             f"centrality, given up after {timeout:.0f} s. Times (s) are from the start of the process, "
             "medians of the runs shown; peak memory is the largest maximum resident set.", ""]
    for r in results:
        p, m, q = r["project"], r["memory"], r["plain"]
        lines += [f"### {r['size']:,} organizations: {r['triples']:,} triples (N-Triples {r['nt_mb']:.0f} MB)", "",
                  f"Entity graph: {p[0]['entities']:,} entities, {p[0]['links']:,} links; partner network: "
                  f"{p[0]['organizations']:,} organizations, {p[0]['partner_edges']:,} links. Plain's graph: "
                  f"{q[0]['nodes']:,} nodes, {q[0]['edges']:,} edges. Runs: oxigraph:PATH {len(p)}, memory "
                  f"{len(m)}, plain {len(q)}. The two sides of this project rank the same top three: "
                  f"{'yes' if p[0]['top'] == m[0]['top'] else 'NO'} "
                  f"({', '.join(row['label'] for row in p[0]['top'])}).", "",
                  "| time to | plain rdflib + networkx | memory (this project, rdflib) | oxigraph:PATH "
                  "| plain / oxigraph:PATH | memory / oxigraph:PATH |",
                  "|---|---:|---:|---:|---:|---:|"]
        failed = next((run["failed"] for run in q if run.get("failed")), None)
        gave_up = failed if failed and failed.startswith("gave up") else None
        names = {"entity_s": "the entity graph (plain: its networkx graph)", "partner_s": "the partner network",
                 "centrality_s": "centrality results"}
        for step in STEPS:
            plain, memory, project = _median(q, step), _median(m, step), _median(p, step)
            shown = _s(plain, gave_up if step == "centrality_s" else None)
            if step == "centrality_s" and failed and not gave_up:
                shown += f" ({failed})"
            lines.append(f"| {names[step]} | {shown} | {_s(memory)} | {_s(project)} "
                         f"| {_ratio(plain, project, step == 'centrality_s' and gave_up and (_median(q, 'entity_s') or 0) + timeout)} "
                         f"| {_ratio(memory, project)} |")
        peaks = [max(run["peak_mb"] for run in side) for side in (q, m, p)]
        lines += [f"| peak memory (MB) | {peaks[0]:,.0f} | {peaks[1]:,.0f} | {peaks[2]:,.0f} "
                  f"| {peaks[0] / peaks[2]:.1f}x | {peaks[1] / peaks[2]:.1f}x |", "",
                  f"Parsing alone: plain {_s(_median(q, 'load_s'))} s (N-Triples), memory {_s(_median(m, 'load_s'))} s "
                  f"(Turtle). A second command on the same generation (the entity graph kept by the first, "
                  f"`kept.kept_graph`): {_s(_median(p, 'again_s'))} s to centrality results on oxigraph:PATH. "
                  f"Every run (s, to centrality): oxigraph:PATH "
                  f"{', '.join(_s(run['centrality_s']) for run in p)}; memory "
                  f"{', '.join(_s(run['centrality_s']) for run in m)}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--cordis", action="store_true",
                        help="also run on the real CORDIS H2020 example (examples/cordis-h2020, imported)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per side (median)")
    parser.add_argument("--slow", type=float, default=120.0, help="do not repeat a side after a run this slow (s)")
    parser.add_argument("--timeout", type=float, default=300.0, help="plain's centrality gives up after this long (s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "analytics")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--report", action="store_true",
                        help="only write the section again from the raw results of the last run in --out")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "JOB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if run_worker(args.worker, WORKERS):
        return
    args.out.mkdir(parents=True, exist_ok=True)
    if args.report:
        run = json.loads((args.out / "run.json").read_text())
        results = [json.loads((args.out / f"results-{size}.json").read_text()) for size in run["sizes"]]
        text = report(results, run["command"], run["started"], run["timeout"])
    else:
        started = time.strftime("%Y-%m-%d %H:%M")
        command = "python bench/bench_analytics.py " + " ".join(sys.argv[1:])
        results = []
        if args.cordis:
            args.sizes = [*args.sizes, CORDIS_SIZE]
        for size in args.sizes:
            results.append(run_size(size, args, args.out))
            (args.out / f"results-{size}.json").write_text(json.dumps(results[-1], indent=2))
        (args.out / "run.json").write_text(json.dumps({"sizes": args.sizes, "command": command, "started": started,
                                                       "timeout": args.timeout}))
        text = report(results, command, started, args.timeout)
    write_section(args.results, text)
    print(text)


if __name__ == "__main__":
    main()
