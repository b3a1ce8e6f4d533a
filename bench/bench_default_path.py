"""Benchmark: the default path (no --store given) at real size, against what it did before.

    python bench/bench_default_path.py --cordis --sizes 20000 100000 --write

For the real CORDIS Horizon 2020 example (imported with its mapping, as ``make demo-cordis`` does)
and for synthetic ecosystems of ``--sizes`` organizations, each side in its own process (its time
and peak memory are its own):

- *build*: ``ecosystem-graph build DATA --out DIR`` as it is now (above 2,000 records: streamed
  into ``DIR/store``, shapes on a sample plus the graph-wide rules, files written by Oxigraph from
  the same stream) beside the rdflib path every build took before (one rdflib graph, pySHACL on
  every entity, rdflib's serializers), which gives up after ``--timeout`` seconds;
- *validate*: the same two paths, writing nothing;
- *reading*: what a user waits for each named query, run as its own command would: a fresh
  process opens the graph with the default settings (now the build's store) and runs the query,
  every row read; beside it the ``memory`` store, which parses the build's Turtle first (what
  every reading command did before). Parameters are bound to the busiest organization, the most
  used theme and the country with most organizations.

Raw results go to ``bench/out/default-path.json``; ``--write`` replaces the "## Default path at
real size" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from results_file import TimeLimit, cpu_model, peak_mb, run_worker, spawn, time_limit, write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "default-path"
SECTION = "## Default path at real size"
GOALS = {"build_s": 15.0, "query_s": 2.0, "page_ms": 200.0}
#: Rows in the first page measured.
PAGE = 50


# -- workers (each in its own process) -------------------------------------------------------------


def _build(job: dict[str, Any]) -> dict[str, Any]:
    from ecosystem_graph.build import build, validate

    started = time.perf_counter()
    try:
        with time_limit(job["timeout"]):
            if job["validate"]:
                result = validate(job["data"], shacl="auto" if job["via_store"] else "full")
            else:
                result = build(job["data"], job["out"], via_store=job["via_store"])
    except TimeLimit:
        return {"seconds": None, "peak_mb": peak_mb()}
    return {"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "triples": result.triples,
            "records": result.records, "checks": result.describe_checks()}


def _read(job: dict[str, Any]) -> dict[str, Any]:
    """Open the graph once, then run each query of ``job["queries"]`` (name -> parameters)."""
    from ecosystem_graph.errors import QueryError
    from ecosystem_graph.graph import open_graph

    started = time.perf_counter()
    kg = open_graph(job["data"], job["out"], store=job["store"], rebuild=False)
    opened = time.perf_counter() - started
    answers = {}
    for name, params in job["queries"].items():
        rows, seconds = 0, None
        try:
            with time_limit(job["timeout"]):
                began = time.perf_counter()
                rows = len(list(kg.page(name, job.get("limit"), 0, params)))
                seconds = time.perf_counter() - began
        except (TimeLimit, QueryError):  # the memory store reports the alarm as a failed query
            if time.perf_counter() - began < job["timeout"] - 1:
                raise
        answers[name] = {"query": seconds, "rows": rows}
    return {"open": opened, "answers": answers, "store": kg.store.spec, "peak_mb": peak_mb()}


def _parameters(job: dict[str, Any]) -> dict[str, Any]:
    """Busy, realistic parameter values for every named query's required parameters."""
    from ecosystem_graph.graph import open_graph

    kg = open_graph(job["data"], job["out"], rebuild=False)

    def first(sparql: str) -> str:
        return next((str(row[0]) for row in kg.text_rows(sparql)), "")
    examples = {
        "organization": first("SELECT ?o WHERE { { ?m eco:metOrganization ?o } UNION { ?p eco:participant ?o } } "
                              "GROUP BY ?o ORDER BY DESC(COUNT(*)) ?o LIMIT 1"),
        "theme": first("SELECT ?t WHERE { { ?s schema:about ?t } UNION { ?s schema:knowsAbout ?t } } "
                       "GROUP BY ?t ORDER BY DESC(COUNT(*)) ?t LIMIT 1"),
        "place": first("SELECT ?c WHERE { ?o a org:Organization ; schema:location/schema:containedInPlace ?c } "
                       "GROUP BY ?c ORDER BY DESC(COUNT(?o)) ?c LIMIT 1"),
        "city": first("SELECT ?c WHERE { ?o a org:Organization ; schema:location ?c } "
                      "GROUP BY ?c ORDER BY DESC(COUNT(?o)) ?c LIMIT 1"),
        "date": "2018-01-01", "integer": "1", "text": "a"}
    examples["entity"] = examples["organization"]
    params = {}
    for name, query in kg.library().items():
        params[name] = {p.name: examples.get(p.name, examples.get(p.kind, examples["organization"]))
                        for p in query.params if p.required}
    return {"params": params}


WORKERS = {"build": _build, "read": _read, "parameters": _parameters}


# -- the runs ------------------------------------------------------------------------------------


def _data_sets(args: argparse.Namespace) -> list[tuple[str, Path, bool]]:
    """(name, data folder, real?) for every data set asked for, written when missing."""
    from ecosystem_graph.synth import write_synthetic

    sets = []
    if args.cordis:
        data = OUT / "cordis" / "data"
        if not (data / "organizations.csv").exists():
            from ecosystem_graph.importer import run_import

            run_import(ROOT / "examples" / "cordis-h2020", ROOT / "examples" / "cordis-h2020" / "mapping.yaml",
                          data)
        sets.append(("CORDIS Horizon 2020 (real)", data, True))
    for size in args.sizes:
        data = OUT / f"synthetic-{size}" / "data"
        if not (data / "organizations.csv").exists():
            write_synthetic(data, size)
        sets.append((f"synthetic, {size:,} organizations", data, False))
    return sets


def _measure(name: str, data: Path, args: argparse.Namespace) -> dict[str, Any]:
    here = data.parent
    job = here / "job.json"
    result: dict[str, Any] = {"name": name}
    for side, via_store in (("now", True), ("before", False)):
        for task in ("build", "validate"):
            timeout = args.timeout if side == "before" else 3600
            print(f"{name}: {task} ({side})", file=sys.stderr, flush=True)
            measured = spawn(__file__, "build", {
                "data": str(data), "out": str(here / f"build-{side}"), "via_store": via_store,
                "validate": task == "validate", "timeout": timeout}, job, timeout=timeout + 30)
            # pySHACL swallows the alarm of time_limit: past the hard limit the process is stopped.
            result[f"{task}_{side}"] = ({"seconds": None, "peak_mb": None} if measured.get("timed_out")
                                        else measured)
    params = spawn(__file__, "parameters", {"data": str(data), "out": str(here / "build-now")}, job)["params"]
    result["params"] = params
    result["queries"] = {}
    out = str(here / "build-now")
    # The default path as a user meets it: one fresh process per command (median of --repeat).
    for query, bound in sorted(params.items()):
        ask = {"data": str(data), "out": out, "store": None, "queries": {query: bound}, "timeout": args.timeout}
        runs = [spawn(__file__, "read", ask, job) for _ in range(args.repeat)]
        answers = [r["answers"][query] for r in runs]
        first_page = spawn(__file__, "read", {**ask, "limit": PAGE}, job)["answers"][query]["query"]
        later = [a["query"] for a in answers[1:]]
        result["queries"][query] = {"now": {
            "open": statistics.median(r["open"] for r in runs), "first": answers[0]["query"],
            "query": None if None in later else statistics.median(later), "page": first_page,
            "rows": answers[0]["rows"], "store": runs[0]["store"], "peak_mb": max(r["peak_mb"] for r in runs)}}
        print(f"{name}: {query}: {runs[0]['open'] + (answers[0]['query'] or 0):.2f} s now", file=sys.stderr)
    # The memory store parses the Turtle once here (every command parsed it before), then each query
    # gets --query-timeout seconds: rdflib takes minutes over some of them at this size.
    print(f"{name}: the memory store", file=sys.stderr, flush=True)
    memory = spawn(__file__, "read", {"data": str(data), "out": out, "store": "memory", "queries": params,
                                      "timeout": args.query_timeout}, job)
    for query, answer in memory["answers"].items():
        result["queries"][query]["memory"] = {"open": memory["open"], **answer, "peak_mb": memory["peak_mb"]}
    return result


# -- the report ----------------------------------------------------------------------------------


def _s(value: float | None, timeout: float) -> str:
    return f"> {timeout:,.0f}" if value is None else f"{value:,.2f}" if value < 10 else f"{value:,.1f}"


def _ratio(before: float | None, now: float | None, timeout: float) -> str:
    if now is None:
        return ""
    return f"> {timeout / now:,.1f}x" if before is None else f"{before / now:,.1f}x"


def _report(results: list[dict[str, Any]], args: argparse.Namespace, load: tuple[float, float],
            started: str) -> str:
    command = "python bench/bench_default_path.py " + " ".join(sys.argv[1:])
    lines = [SECTION, "", f"Measured {started} with `{command}`.", "",
             f"Machine: {cpu_model()}, {os.cpu_count()} cores; {platform.platform()}; Python "
             f"{platform.python_version()}. Load average (1 min) {load[0]:.1f} at the start and {load[1]:.1f} at the "
             "end (the machine was shared with other work).", "",
             "Each side in its own process; seconds are wall time, peak memory the process's maximum resident set. "
             "*Now* is the default path (`build DATA --out DIR`, then reading commands with no `--store`); "
             "*before* is the rdflib path every build took until now (one rdflib graph, pySHACL on every entity, "
             f"rdflib's serializers) and the `memory` store (parses the build's Turtle on every command); "
             f"'> {args.timeout:,.0f}' is a side stopped at the time limit. Data: the CORDIS Horizon 2020 "
             "projects and organisations (European Commission, CC BY 4.0), imported with "
             "`examples/cordis-h2020/mapping.yaml`, is real; the synthetic ecosystems are not.", ""]
    for result in results:
        now = result["build_now"]
        lines += [f"### {result['name']}: {now['triples']:,} triples from {now['records']:,} records", "",
                  "| step | now (s) | before (s) | ratio | peak MB now | peak MB before | goal |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for task in ("build", "validate"):
            a, b = result[f"{task}_now"], result[f"{task}_before"]
            peak_b = "" if b["peak_mb"] is None else f"{b['peak_mb']:,.0f}"
            lines.append(f"| {task} | {_s(a['seconds'], 0)} | {_s(b['seconds'], args.timeout)} | "
                         f"{_ratio(b['seconds'], a['seconds'], args.timeout)} | {a['peak_mb']:,.0f} | "
                         f"{peak_b} | <= {GOALS['build_s']:.0f} s |")
        lines += ["", f"Checks now: {now['checks']}.", "",
                  f"Reading: each named query as one command would run it, in a fresh process. *Open* is opening "
                  "the graph (median); *first ask* is the query's time in the first process after the build (a "
                  "query without parameters is then answered and its answer kept for this graph, unless the build "
                  f"kept it already); *later* is the median of the next {args.repeat - 1} processes; *first page* "
                  f"is the first {PAGE} rows in another process. The memory store parsed the Turtle once and then "
                  f"ran every query, each given up after {args.query_timeout:,.0f} s (its ratio is then a lower "
                  "bound, '> N x'). Ratio: the memory store's parse + query over open + later.", "",
                  "| named query | rows | open (s) | first ask (s) | later (s) | first page (ms) | memory store: "
                  f"parse + query (s) | ratio | open + later <= {GOALS['query_s']:.0f} s | first page <= "
                  f"{GOALS['page_ms']:.0f} ms |", "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
        for query, sides in result["queries"].items():
            a, b = sides["now"], sides["memory"]
            total_a = a["open"] + a["query"] if a["query"] is not None else None
            total_b = b["open"] + b["query"] if b["query"] is not None else None
            met = "met" if total_a is not None and total_a <= GOALS["query_s"] else "not met"
            page = a["page"] * 1000 if a["page"] is not None else None
            page_met = "met" if page is not None and page <= GOALS["page_ms"] else "not met"
            bound = b["open"] + args.query_timeout
            lines.append(f"| {query} | {a['rows']:,} | {_s(a['open'], 0)} | {_s(a['first'], args.timeout)} | "
                         f"{_s(a['query'], args.timeout)} | {_s(page, args.timeout)} | "
                         f"{_s(b['open'], 0)} + {_s(b['query'], args.query_timeout)} | "
                         f"{_ratio(total_b, total_a, bound)} | {met} | {page_met} |")
        lines += ["", "Parameters: " + "; ".join(f"{q}: " + ", ".join(f"{k}={v.rsplit('/', 1)[-1]}"
                                                                        for k, v in p.items())
                                                 for q, p in sorted(result["params"].items()) if p) + ".", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cordis", action="store_true", help="Measure the real CORDIS example.")
    parser.add_argument("--sizes", type=int, nargs="*", default=[], help="Synthetic ecosystems of these sizes.")
    parser.add_argument("--timeout", type=float, default=600.0, help="Seconds before a 'before' side gives up.")
    parser.add_argument("--query-timeout", type=float, default=60.0,
                        help="Seconds each query gets on the memory store before it is given up.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each reading command on the default path.")
    parser.add_argument("--write", action="store_true", help="Replace the section in bench/RESULTS.md.")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if run_worker(args.worker, WORKERS):
        return
    OUT.mkdir(parents=True, exist_ok=True)
    started, load_start = time.strftime("%Y-%m-%d %H:%M"), os.getloadavg()[0]
    results = [_measure(name, data, args) for name, data, _ in _data_sets(args)]
    (ROOT / "bench" / "out" / "default-path.json").write_text(json.dumps(results, indent=2))
    report = _report(results, args, (load_start, os.getloadavg()[0]), started)
    print(report)
    if args.write:
        write_section(ROOT / "bench" / "RESULTS.md", report)


if __name__ == "__main__":
    main()
