"""Benchmark: betweenness of a real partner network, estimated against exact, side by side.

    python bench/bench_betweenness.py --store oxigraph:PATH [--epsilons 0.005 0.002] [--write]

``PATH`` is a store built from the real CORDIS Horizon 2020 example (``examples/cordis-h2020``
imported with its mapping, then ``ecosystem-graph build``: the store is ``BUILD/store``). The
partner network is projected once; then, each in the same process, one after another:

- **exact**: networkit's Brandes betweenness (``analytics.betweenness(P, epsilon=0)``), the
  reference every error is measured against;
- **this project**: ``analytics.betweenness(P, epsilon)`` (KADABRA) for each ``--epsilons``;
- **plain networkx**: ``nx.betweenness_centrality(P, k=500, seed=0)``, the sampling a networkx
  user reaches for (and what this project did before), with no stated bound.

For each: seconds, the largest error over all nodes, the median error over nodes whose exact
betweenness is at least 0.001, and how many of the exact top 10 are in its top 10. Exact
networkx is not run: networkit's exact takes minutes on this network, networkx's is far slower.
``--write`` puts the table in the "## Betweenness at real size" section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from results_file import cpu_model, peak_mb, write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SECTION = "## Betweenness at real size"


def _compare(scores: dict[str, float], exact: dict[str, float]) -> dict[str, float]:
    errors = [abs(scores[n] - exact[n]) for n in exact]
    sizable = [abs(scores[n] - exact[n]) for n in exact if exact[n] >= 0.001]
    top = set(sorted(exact, key=exact.__getitem__, reverse=True)[:10])
    mine = set(sorted(scores, key=scores.__getitem__, reverse=True)[:10])
    return {"max_error": max(errors), "median_error": statistics.median(sizable) if sizable else 0.0,
            "top10": len(top & mine)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="oxigraph:PATH of a build of the CORDIS example")
    parser.add_argument("--epsilons", type=float, nargs="+", default=[0.005, 0.002])
    parser.add_argument("--write", action="store_true", help="write the section of bench/RESULTS.md")
    args = parser.parse_args()

    import networkx as nx

    from ecosystem_graph import analytics, network
    from ecosystem_graph.graph import open_graph

    P = analytics.simple_graph(network.partner_network(open_graph(store=args.store, rebuild=False)))
    print(f"partner network: {len(P):,} organizations, {P.number_of_edges():,} links", flush=True)
    timed: list[tuple[str, float, dict[str, float]]] = []
    for name, compute in [("exact (networkit Brandes)", lambda: analytics.betweenness(P, epsilon=0)),
                          *[(f"this project, epsilon {e:g} (KADABRA)", lambda e=e: analytics.betweenness(P, e))
                            for e in args.epsilons],
                          ("plain networkx, k=500 sources", lambda: nx.betweenness_centrality(P, k=500, seed=0))]:
        started = time.perf_counter()
        scores = compute()
        timed.append((name, time.perf_counter() - started, scores))
        print(f"  {name}: {timed[-1][1]:.1f} s", flush=True)
    exact_s, exact = timed[0][1], timed[0][2]
    lines = [SECTION, "",
             f"Measured {time.strftime('%Y-%m-%d')} with `python bench/bench_betweenness.py --store "
             f"oxigraph:BUILD/store --epsilons {' '.join(f'{e:g}' for e in args.epsilons)} --write` on the "
             f"partner network of the real CORDIS Horizon 2020 example ({len(P):,} organizations, "
             f"{P.number_of_edges():,} links; consortia of up to 160). Machine: {cpu_model()}, "
             f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {platform.platform()}. "
             "One run each, in one process (peak "
             f"{peak_mb():,.0f} MB); errors against the exact values, on networkx's normalization.", "",
             "| betweenness | seconds | exact / it | largest error, any node | median error (exact >= 0.001) "
             "| exact top 10 in its top 10 |", "|---|---:|---:|---:|---:|---:|"]
    for name, seconds, scores in timed:
        found = _compare(scores, exact)
        lines.append(f"| {name} | {seconds:.1f} | {exact_s / seconds:.1f}x | {found['max_error']:.5f} "
                     f"| {found['median_error']:.5f} | {found['top10']} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        write_section(ROOT / "bench" / "RESULTS.md", text)


if __name__ == "__main__":
    main()
