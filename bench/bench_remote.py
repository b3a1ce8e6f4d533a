"""Benchmark: the graph in a remote Virtuoso (``sparql:URL``) next to the embedded Oxigraph store.

    python bench/bench_remote.py --organizations 100000

It writes a synthetic ecosystem, builds it into an ``oxigraph:PATH`` store, exports that graph as
N-Triples, starts Debian's Virtuoso on loopback (as the tests do, with ``--buffers`` 8 KiB pages
of cache), and then measures, each in its own subprocess so that peak memory is per side:

- *push*: ``ecosystem-graph push graph.nt`` into a new ``oxigraph:PATH`` store and into Virtuoso
  (Graph Store Protocol POSTs of N-Triples, count check, atomic swap), timed;
- *queries*: every named query, parameters bound as in ``bench/bench_store.py``, through the
  store's ``query()`` (rdflib ``Result`` objects, every row read), median of ``--repeat`` runs.

Peak memory is the client process's maximum resident set; for Virtuoso the server's own peak
(``VmHWM``) is shown too. Results go to ``bench/out/remote/`` (raw JSON) and to the
"## Remote store (Virtuoso)" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from results_file import cpu_model, named_query_texts, peak_mb, run_worker, spawn, write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # tests/virtuoso.py starts and stops the server
SECTION = "## Remote store (Virtuoso)"


def _open(job: dict[str, Any]) -> Any:
    from ecosystem_graph.stores import open_store

    return open_store(job["spec"])


def worker_push(job: dict[str, Any]) -> dict[str, Any]:
    from ecosystem_graph.stores.sparql.batches import rdf_file_chunks

    store = _open(job)
    started = time.perf_counter()
    store.replace(rdf_file_chunks(Path(job["nt"])), {"pushed_from": job["nt"]})
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": int((store.manifest() or {}).get("triples", 0)), "peak_mb": peak_mb()}


def worker_queries(job: dict[str, Any]) -> dict[str, Any]:
    store = _open(job)
    timings = {}
    for name, text in job["queries"].items():
        runs, rows = [], 0
        for _ in range(job["repeat"]):
            started = time.perf_counter()
            rows = sum(1 for _ in store.query(text))
            runs.append(time.perf_counter() - started)
        timings[name] = {"runs": runs, "rows": rows, "median_ms": statistics.median(runs) * 1000}
    return {"queries": timings, "peak_mb": peak_mb()}


WORKERS = {"push": worker_push, "queries": worker_queries}


def _spawn(kind: str, job: dict[str, Any], out: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    return spawn(__file__, kind, job, out / f"job-{kind}-{job['side']}.json", env)


def _server_peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _virtuoso_version() -> str:
    done = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True)
    match = re.search(r"Version ([\w.-]+)", done.stdout + done.stderr)
    return match.group(1) if match else "unknown"


def run(args: argparse.Namespace) -> dict[str, Any]:
    import pyoxigraph as ox

    from ecosystem_graph.build import build_store
    from ecosystem_graph.stores import open_store
    from ecosystem_graph.synth import write_synthetic

    import virtuoso

    out = args.out / f"n{args.organizations}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    data, built, pushed, nt = out / "data", out / "built-store", out / "pushed-store", out / "graph.nt"
    print(f"synthetic ecosystem of {args.organizations:,} organizations ...", flush=True)
    write_synthetic(data, args.organizations, args.seed)
    print("build into oxigraph:PATH and export N-Triples ...", flush=True)
    build_store(data, f"oxigraph:{built}")
    reader = open_store(f"oxigraph:{built}")
    reader.native().dump(str(nt), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    reader.close()
    # Each side runs the text its store runs: a named query's variant for that engine, if it has one.
    texts = {side: named_query_texts(f"oxigraph:{built}", side)[0] for side in ("oxigraph", "virtuoso")}
    print(f"starting Virtuoso ({args.buffers:,} buffers) ...", flush=True)
    server = virtuoso.start(buffers=args.buffers)
    env = {"ECOSYSTEM_GRAPH_SPARQL_USER": virtuoso.USER, "ECOSYSTEM_GRAPH_SPARQL_PASSWORD": virtuoso.PASSWORD,
           "ECOSYSTEM_GRAPH_SPARQL_TIMEOUT": "900"}
    try:
        sides = {"oxigraph": f"oxigraph:{pushed}", "virtuoso": server.spec}
        result: dict[str, Any] = {"organizations": args.organizations, "seed": args.seed, "nt_mb": nt.stat().st_size / 2**20,
                                  "push": {}, "queries": {}, "buffers": args.buffers}
        for side, spec in sides.items():
            for attempt in range(args.pushes):
                print(f"push into {side} ({attempt + 1}/{args.pushes}) ...", flush=True)
                timing = _spawn("push", {"side": side, "spec": spec, "nt": str(nt)}, out, env)
                result["push"].setdefault(side, []).append(timing)
        for side, spec in sides.items():
            print(f"queries on {side} ...", flush=True)
            result["queries"][side] = _spawn("queries", {"side": side, "spec": spec, "queries": texts[side],
                                                         "repeat": args.repeat}, out, env)
        result["virtuoso_peak_mb"] = _server_peak_mb(server.process.pid)
    finally:
        server.stop()
    shutil.rmtree(pushed, ignore_errors=True)
    return result


def _machine() -> str:
    cpu = cpu_model()
    import httpx
    import pyoxigraph

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu or platform.machine()}, {os.cpu_count()} cores, {memory:.1f} GB; {platform.platform()}; "
            f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, httpx {httpx.__version__}, "
            f"Virtuoso {_virtuoso_version()} (Debian's virtuoso-opensource)")


def report(result: dict[str, Any], command: str, started: str, loads: tuple[str, str]) -> str:
    push = {side: [t["seconds"] for t in runs] for side, runs in result["push"].items()}
    triples = result["push"]["virtuoso"][0]["triples"]
    ox_push, vt_push = statistics.median(push["oxigraph"]), statistics.median(push["virtuoso"])
    lines = [SECTION, "",
             f"Measured {started} with `{command}`.", "",
             f"Machine: {_machine()}. Load average (1 min) at start {loads[0]}, at end {loads[1]}; the machine is "
             "shared with other work, so absolute times are noisy.", "",
             f"{result['organizations']:,} organizations (seed {result['seed']}): {triples:,} triples, N-Triples "
             f"{result['nt_mb']:.0f} MB. Virtuoso ran on loopback with {result['buffers']:,} buffers (8 KiB pages), "
             "started by the script like the tests' server. *Push* is `ecosystem-graph push graph.nt` (parse, "
             "batches, count check, atomic swap; medians of "
             f"{len(push['virtuoso'])} pushes, the later ones replacing a current graph). Queries go through the "
             "store's `query()` (rdflib results, every row read), medians of "
             f"{len(next(iter(result['queries']['virtuoso']['queries'].values()))['runs'])} runs. Peak memory is the "
             "client process's maximum resident set.", "",
             "| measure | oxigraph:PATH (embedded) | sparql: Virtuoso | Virtuoso / Oxigraph |",
             "|---|---:|---:|---:|",
             f"| push the graph (s) | {ox_push:.1f} | {vt_push:.1f} | {vt_push / ox_push:.1f}x |",
             f"| push runs (s) | {', '.join(f'{s:.1f}' for s in push['oxigraph'])} | "
             f"{', '.join(f'{s:.1f}' for s in push['virtuoso'])} | |",
             f"| peak memory, push (MB, client) | {max(t['peak_mb'] for t in result['push']['oxigraph']):.0f} | "
             f"{max(t['peak_mb'] for t in result['push']['virtuoso']):.0f} | |",
             f"| peak memory, queries (MB, client) | {result['queries']['oxigraph']['peak_mb']:.0f} | "
             f"{result['queries']['virtuoso']['peak_mb']:.0f} | |",
             f"| peak memory of the Virtuoso server (MB) | | {result['virtuoso_peak_mb'] or 0:.0f} | |", "",
             "| named query | rows | oxigraph (ms) | Virtuoso (ms) | Virtuoso / Oxigraph |",
             "|---|---:|---:|---:|---:|"]
    ox_q, vt_q = result["queries"]["oxigraph"]["queries"], result["queries"]["virtuoso"]["queries"]
    for name in sorted(ox_q):
        a, b = ox_q[name], vt_q[name]
        rows = f"{a['rows']:,}" if a["rows"] == b["rows"] else f"{a['rows']:,} / {b['rows']:,} (differ)"
        lines.append(f"| {name} | {rows} | {a['median_ms']:.1f} | {b['median_ms']:.1f} | "
                     f"{_ratio(b['median_ms'], a['median_ms'])} |")
    total_a = sum(q["median_ms"] for q in ox_q.values())
    total_b = sum(q["median_ms"] for q in vt_q.values())
    lines += [f"| **all queries** | | {total_a:.0f} | {total_b:.0f} | {total_b / total_a:.1f}x |", ""]
    return "\n".join(lines) + "\n"


def _ratio(slower: float, faster: float) -> str:
    """``slower / faster`` with two significant digits.

    >>> _ratio(14.7, 362.2), _ratio(71385.6, 21734.9)
    ('0.041x', '3.3x')
    """
    return f"{slower / max(faster, 1e-6):.2g}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median)")
    parser.add_argument("--pushes", type=int, default=3, help="pushes per store (median)")
    parser.add_argument("--buffers", type=int, default=100_000, help="Virtuoso's NumberOfBuffers (8 KiB each)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "remote")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md as it is")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "JOB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if run_worker(args.worker, WORKERS):
        return
    started, load = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), f"{os.getloadavg()[0]:.1f}"
    command = "python bench/bench_remote.py " + " ".join(sys.argv[1:])
    result = run(args)
    (args.out / f"results-{args.organizations}.json").write_text(json.dumps(result, indent=2))
    text = report(result, command, started, (load, f"{os.getloadavg()[0]:.1f}"))
    if not args.no_write:
        write_section(args.results, text)
    print(text)


if __name__ == "__main__":
    main()
