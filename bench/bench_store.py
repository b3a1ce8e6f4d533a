"""Benchmark: this project's persistent Oxigraph store against plain rdflib, on synthetic ecosystems.

    python bench/bench_store.py --sizes 10000 100000

For each size it writes a synthetic ecosystem (``ecosystem-graph synth``), builds it from the
records into a persistent store (timed), exports that graph as N-Triples, then measures each side
in its own fresh subprocess, so that peak memory (the process's maximum resident set) is per side:

- plain rdflib: ``Graph().parse(file.nt)``, then ``g.query(text)`` for every named query;
- this project: loading the same file into a new ``oxigraph:PATH`` store (atomic, bulk loader),
  and, in another process, opening the store and running every named query through
  ``KnowledgeGraph.query`` (results converted to rdflib ``Result`` objects, fully read);
  the Oxigraph engine alone (native results, fully read) is shown too.

Each side runs the named query's text for its engine, with its parameters already bound (the
entity look-up is done once beforehand): plain rdflib the query's own text (``queries/NAME.rq``,
written for rdflib, what this project's ``memory`` store runs), the Oxigraph sides its Oxigraph
variant where it has one (``queries/oxigraph/NAME.rq``), which rdflib would run far slower. Latency is the median of ``--repeat`` runs, every row
read; rdflib repeats only while a run takes under ``--slow`` seconds and gives up on a query
after ``--timeout`` seconds. Results go to ``bench/out/`` (raw JSON) and to the
"## Stores and scale" section of ``bench/RESULTS.md``.
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

from results_file import TimeLimit, cpu_model, named_query_texts, peak_mb, run_worker, spawn, time_limit, write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SECTION = "## Stores and scale"
GOALS = {"load": 10.0, "query_ratio": 20.0, "query_ms": 200.0, "memory": 0.4, "build_s": 60.0}


# -- workers (each runs in its own process) -----------------------------------------------------


def _time_queries(run: Any, queries: dict[str, str], repeat: int, slow: float, timeout: float) -> dict[str, Any]:
    timings: dict[str, Any] = {}
    for name, text in queries.items():
        runs, rows = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                with time_limit(timeout):
                    rows = run(text)
            except TimeLimit:
                runs = None
                break
            runs.append(time.perf_counter() - started)
            if runs[-1] > slow:
                break
        timings[name] = {"runs": runs, "rows": rows, "median_ms": None if runs is None
                         else statistics.median(runs) * 1000}
    return timings


def worker_build(job: dict[str, Any]) -> dict[str, Any]:
    from ecosystem_graph.build import build_store

    shutil.rmtree(job["store"], ignore_errors=True)
    started = time.perf_counter()
    result = build_store(job["data"], f"oxigraph:{job['store']}")
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "triples": result.triples,
            "records": result.records, "checks": result.describe_checks()}


def worker_rdflib(job: dict[str, Any]) -> dict[str, Any]:
    from rdflib import Graph

    started = time.perf_counter()
    graph = Graph()
    graph.parse(job["nt"], format="nt")
    load = time.perf_counter() - started

    def run(text: str) -> int:
        return sum(1 for _ in graph.query(text))
    timings = _time_queries(run, job["rdflib_queries"], job["repeat"], job["slow"], job["timeout"])
    return {"load_s": load, "triples": len(graph), "queries": timings, "peak_mb": peak_mb()}


def worker_load(job: dict[str, Any]) -> dict[str, Any]:
    from ecosystem_graph.stores import open_store

    shutil.rmtree(job["store"], ignore_errors=True)
    started = time.perf_counter()
    open_store(f"oxigraph:{job['store']}").load_file(Path(job["nt"]))
    return {"load_s": time.perf_counter() - started, "peak_mb": peak_mb()}


def worker_project(job: dict[str, Any]) -> dict[str, Any]:
    from ecosystem_graph.graph import open_graph

    started = time.perf_counter()
    kg = open_graph(store=f"oxigraph:{job['store']}", rebuild=False)
    opened = time.perf_counter() - started

    def api(text: str) -> int:
        return sum(1 for _ in kg.store.query(text))

    def engine(text: str) -> int:
        return sum(1 for _ in kg.store.native().query(text))
    return {"open_s": opened,
            "queries": _time_queries(api, job["queries"], job["repeat"], job["slow"], job["timeout"]),
            "engine": _time_queries(engine, job["queries"], job["repeat"], job["slow"], job["timeout"]),
            "peak_mb": peak_mb()}


def worker_memory(job: dict[str, Any]) -> dict[str, Any]:
    from ecosystem_graph.stores import open_store

    store = open_store("oxigraph")  # Oxigraph in memory, loaded from the file like rdflib
    started = time.perf_counter()
    store.load_file(Path(job["nt"]))
    load = time.perf_counter() - started

    def api(text: str) -> int:
        return sum(1 for _ in store.query(text))
    return {"load_s": load, "queries": _time_queries(api, job["queries"], job["repeat"], job["slow"], job["timeout"]),
            "peak_mb": peak_mb()}


WORKERS = {"build": worker_build, "rdflib": worker_rdflib, "load": worker_load, "project": worker_project,
           "memory": worker_memory}


def _spawn(kind: str, job: dict[str, Any], out: Path) -> dict[str, Any]:
    return spawn(__file__, kind, job, out / f"job-{kind}.json")


# -- the parent ---------------------------------------------------------------------------------


def _machine() -> dict[str, Any]:
    cpu = cpu_model()
    import pyoxigraph
    import rdflib

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory, 1), "python": platform.python_version(),
            "rdflib": rdflib.__version__, "pyoxigraph": pyoxigraph.__version__, "os": platform.platform()}


def run_size(size: int, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    from ecosystem_graph.synth import write_synthetic

    folder = out / f"n{size}"
    folder.mkdir(parents=True, exist_ok=True)
    data, store, loaded, nt = folder / "data", folder / "store", folder / "loaded-store", folder / "graph.nt"
    print(f"[{size:,}] synthetic records ...", flush=True)
    started = time.perf_counter()
    summary = write_synthetic(data, size, args.seed)
    synth_s = time.perf_counter() - started
    print(f"[{size:,}] build from records into a store ...", flush=True)
    build = _spawn("build", {"data": str(data), "store": str(store)}, folder)
    print(f"[{size:,}] {build['triples']:,} triples in {build['seconds']:.1f} s; exporting N-Triples ...", flush=True)
    import pyoxigraph as ox

    from ecosystem_graph.stores import open_store
    reader = open_store(f"oxigraph:{store}")
    reader.native().dump(str(nt), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    reader.close()
    texts, params = named_query_texts(f"oxigraph:{store}")
    rdflib_texts, _ = named_query_texts(f"oxigraph:{store}", "rdflib")
    job = {"nt": str(nt), "store": str(store), "triples": build["triples"], "queries": texts,
           "rdflib_queries": rdflib_texts, "repeat": args.repeat, "slow": args.slow, "timeout": args.timeout}
    print(f"[{size:,}] this project: loading the file into a new store ...", flush=True)
    load = _spawn("load", {**job, "store": str(loaded)}, folder)
    print(f"[{size:,}] this project: queries ...", flush=True)
    project = _spawn("project", job, folder)
    print(f"[{size:,}] this project, Oxigraph in memory: load and queries ...", flush=True)
    memory = _spawn("memory", job, folder)
    plain, plain_measured = _earlier_rdflib(args, out, folder, size, job) if args.reuse_rdflib else (None, None)
    if plain is None:
        print(f"[{size:,}] plain rdflib: parse and queries (slow) ...", flush=True)
        plain, plain_measured = _spawn("rdflib", job, folder), time.strftime("%Y-%m-%d %H:%M")
    else:
        print(f"[{size:,}] plain rdflib: reusing the run of {plain_measured} (same data, same query texts)", flush=True)
    shutil.rmtree(loaded, ignore_errors=True)
    return {"size": size, "seed": args.seed, "records": summary.records, "synth_s": synth_s, "build": build,
            "load": load, "project": project, "memory": memory, "rdflib": plain, "rdflib_measured": plain_measured,
            "params": params, "nt_mb": nt.stat().st_size / 2**20, "triples": build["triples"],
            "timeout": args.timeout}


def _earlier_rdflib(args: argparse.Namespace, out: Path, folder: Path, size: int,
                    job: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """rdflib's side from an earlier run on the very same input, if there is one (it takes the longest;
    nothing of this project's code runs in it)."""
    try:
        earlier = json.loads((out / f"results-{size}.json").read_text())
        earlier_job = json.loads((folder / "job-rdflib.json").read_text())
    except (OSError, ValueError):
        return None, None
    same = (earlier.get("seed") == args.seed and earlier_job.get("rdflib_queries") == job["rdflib_queries"]
            and earlier.get("triples") == job["triples"]  # (the file's bytes vary: blank node labels are new per load)
            and earlier_job.get("repeat") == job["repeat"] and earlier_job.get("timeout") == job["timeout"])
    return (earlier["rdflib"], earlier.get("rdflib_measured")) if same else (None, None)


def _variants(engine: str) -> list[str]:
    """The named queries with a variant for ``engine``."""
    from ecosystem_graph.queries import load_library

    return [name for name, query in sorted(load_library().items()) if engine in query.variants]


def _ms(value: float | None) -> str:
    return "timeout" if value is None else f"{value:,.1f}"


def _ratio(slow: float | None, fast: float | None, timeout: float) -> str:
    """``slow / fast``; when the slow side timed out, the lower bound the timeout proves."""
    if not fast:
        return "n/a"
    if slow is None:
        return f"> {timeout / fast:,.1f}x"
    return f"{slow / fast:,.1f}x"


def _verdict(rdflib_ms: float | None, ms: float | None, timeout_ms: float) -> str:
    # A query rdflib did not finish meets the ratio only if the timeout alone proves it.
    ratio_ok = bool(ms and (rdflib_ms or timeout_ms) / ms >= GOALS["query_ratio"])
    fast_ok = ms is not None and ms <= GOALS["query_ms"]
    return "both" if ratio_ok and fast_ok else "ratio" if ratio_ok else "latency" if fast_ok else "neither"


def report(results: list[dict[str, Any]], machine: dict[str, Any], command: str, started: str,
           loads: tuple[str, str]) -> str:
    lines = [SECTION, "",
             f"Measured {started} with `{command}` (one run of about "
             f"{sum(r.get('wall_s', 0) for r in results) / 60:.0f} minutes).", "",
             f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB; {machine['os']}; "
             f"Python {machine['python']}, rdflib {machine['rdflib']}, pyoxigraph {machine['pyoxigraph']}. "
             f"Load average (1 min) at start {loads[0]}, at end {loads[1]}: the machine was shared with other "
             "work during the run, so absolute times are noisy.", "",
             "Each side runs in its own process; peak memory is that process's maximum resident set. Three "
             "sides: **plain rdflib** (`Graph().parse()` of the N-Triples file, then `g.query()`); this "
             "project's persistent store **oxigraph:PATH** (loading = the same file into a new generation: bulk "
             "loader, fsync, atomic swap; querying = a fresh process opening the built store); and "
             "this project's **oxigraph** store in memory (`--store oxigraph`, loaded from the same file). "
             "Query times are medians with every row read, through `Store.query` (results converted to "
             "rdflib); *engine* is Oxigraph's own result objects on the on-disk store. Each side runs the text "
             "its store runs: plain rdflib the named query's own text (`queries/NAME.rq`, written for rdflib: "
             "what the `memory` store runs), the Oxigraph sides the query's Oxigraph variant where it has one "
             f"(`queries/oxigraph/`: {', '.join(_variants('oxigraph')) or 'none'}; the same rows, joined in a way "
             "rdflib would take minutes over). *Build* is `ecosystem-graph build DATA --store oxigraph:PATH` "
             "from the records.", ""]
    for r in results:
        b, p, q, load, mem = r["build"], r["rdflib"], r["project"], r["load"], r["memory"]
        limit_s = r.get("timeout", 300)
        reused = (f" Plain rdflib's side is from the run of {r['rdflib_measured']} on the identical file and "
                  "query texts (`--reuse-rdflib`).") if r.get("rdflib_measured", "") < started else ""
        lines += [f"### {r['size']:,} organizations: {b['triples']:,} triples ({r['records']:,} records, "
                  f"N-Triples {r['nt_mb']:.0f} MB)", "", f"Synthetic records written in {r['synth_s']:.0f} s.{reused}", "",
                  "| measure | plain rdflib | oxigraph:PATH | ratio | oxigraph (memory) | ratio | goal |",
                  "|---|---:|---:|---:|---:|---:|---|",
                  f"| load the graph (s) | {p['load_s']:.1f} | {load['load_s']:.1f} | "
                  f"{_ratio(p['load_s'], load['load_s'], limit_s)} | {mem['load_s']:.1f} | "
                  f"{_ratio(p['load_s'], mem['load_s'], limit_s)} "
                  f"| >= 10x faster |",
                  f"| open the built store (s) | | {q['open_s']:.2f} | | | | |",
                  f"| peak memory, querying (MB) | {p['peak_mb']:,.0f} | {q['peak_mb']:,.0f} | "
                  f"{q['peak_mb'] / p['peak_mb']:.2f}x | {mem['peak_mb']:,.0f} | {mem['peak_mb'] / p['peak_mb']:.2f}x "
                  f"| <= 0.4x |",
                  f"| peak memory, loading (MB) | {p['peak_mb']:,.0f} | {load['peak_mb']:,.0f} | "
                  f"{load['peak_mb'] / p['peak_mb']:.2f}x | (same process) | | |",
                  f"| build from records (s) | | {b['seconds']:.1f} | | | | <= 60 s |",
                  f"| peak memory, build (MB) | | {b['peak_mb']:,.0f} | | | | |", "",
                  f"Build checks: {b['checks']}.", "",
                  "| named query | rows | rdflib (ms) | oxigraph:PATH (ms) | engine (ms) | oxigraph memory (ms) "
                  "| rdflib / PATH | rdflib / memory | goals met (>= 20x and <= 200 ms): PATH, memory |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name in sorted(q["queries"]):
            pr, en, rd, me = q["queries"][name], q["engine"][name], p["queries"][name], mem["queries"][name]
            limit_ms = limit_s * 1000
            lines.append(f"| {name} | {pr['rows']:,} | {_ms(rd['median_ms'])} | {_ms(pr['median_ms'])} | "
                         f"{_ms(en['median_ms'])} | {_ms(me['median_ms'])} "
                         f"| {_ratio(rd['median_ms'], pr['median_ms'], limit_ms)} "
                         f"| {_ratio(rd['median_ms'], me['median_ms'], limit_ms)} "
                         f"| {_verdict(rd['median_ms'], pr['median_ms'], limit_ms)}, "
                         f"{_verdict(rd['median_ms'], me['median_ms'], limit_ms)} |")
        lines.append("")
        shown = "; ".join(f"{k}: " + ", ".join(f"{n}={v.rsplit('/', 1)[-1]}" for n, v in chosen.items())
                          for k, chosen in sorted(r["params"].items()) if chosen)
        lines += [f"Parameters: {shown}. A timeout is a query rdflib had not answered after {limit_s:.0f} s; "
                  "its ratio is then at least the timeout over the project's time (shown as '> N x'), and it "
                  "meets the 20x goal only if that bound does.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median)")
    parser.add_argument("--slow", type=float, default=20.0, help="stop repeating a query after a run this slow (s)")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up on a query after this long (s)")
    parser.add_argument("--reuse-rdflib", action="store_true",
                        help="take plain rdflib's side from an earlier run on identical input, if any")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "JOB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if run_worker(args.worker, WORKERS):
        return
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M")
    load_start = f"{os.getloadavg()[0]:.1f}"
    command = "python bench/bench_store.py " + " ".join(sys.argv[1:])
    results = []
    for size in args.sizes:
        began = time.perf_counter()
        result = run_size(size, args, args.out)
        result["wall_s"] = time.perf_counter() - began
        results.append(result)
        (args.out / f"results-{size}.json").write_text(json.dumps(result, indent=2))
    text = report(results, _machine(), command, started, (load_start, f"{os.getloadavg()[0]:.1f}"))
    write_section(args.results, text)
    print(text)


if __name__ == "__main__":
    main()
