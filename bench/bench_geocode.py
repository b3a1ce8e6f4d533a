"""Benchmark of the gazetteer on real data: every CORDIS H2020 organization's city and country.

Run from the repository root::

    python bench/bench_geocode.py                      # the shared copy of the CORDIS organizations
    python bench/bench_geocode.py PATH.csv --sample 50  # another file; print 50 random rewritten matches

The file is ``stacked_dump.csv`` of the CORDIS H2020 organizations (16,592 rows; European
Commission, CORDIS, CC BY 4.0); its ``city`` and ``country`` columns are geocoded with
:func:`ecosystem_graph.gazetteer.find_city` (CORDIS writes UK for GB and EL for GR).

Printed: the share of organizations placed in a city by each method, the time of the first
look-up (the gazetteer loads) and of the rest, the process's peak resident memory
(``resource.getrusage``), and the most frequent city strings not placed. ``--sample N`` also
prints N random normalized and fuzzy matches, to check by eye.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem_graph.gazetteer import find_city, geocode_report  # noqa: E402

CORDIS = Path("/work/shared/real-data/cordis-h2020/stacked_dump.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=CORDIS)
    parser.add_argument("--sample", type=int, default=0, help="print this many random normalized/fuzzy matches")
    parser.add_argument("--unplaced", type=int, default=30, help="print this many most frequent unplaced strings")
    args = parser.parse_args()

    with args.path.open(encoding="utf-8", newline="") as f:
        pairs = [(row["city"], row["country"]) for row in csv.DictReader(f)]

    started = time.perf_counter()
    find_city("Paris", "FR")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    report = geocode_report(pairs)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{report.total:,} organizations in {args.path.name}")
    for method in ("exact", "alternate", "normalized", "fuzzy"):
        count = report.by_method.get(method, 0)
        print(f"  {method:<10} {count:>6,}  {count / report.total:6.1%}")
    unplaced = report.total - report.placed
    print(f"  {'placed':<10} {report.placed:>6,}  {report.share_placed:6.1%}")
    print(f"  {'unplaced':<10} {unplaced:>6,}  {unplaced / report.total:6.1%}")
    print(f"time: first look-up (loads the gazetteer) {loaded:.2f} s; {report.total:,} look-ups {elapsed:.2f} s")
    print(f"peak resident memory: {peak_mb:.0f} MB")
    print(f"\n{min(args.unplaced, len(report.unplaced))} most frequent unplaced (city, country) of "
          f"{len(report.unplaced):,} distinct:")
    for (city, country), count in report.unplaced[:args.unplaced]:
        print(f"  {count:>4}  {city!r} ({country})")

    if args.sample:
        rewritten = Counter()
        for city, country in set(pairs):
            match = find_city(city, country)
            if match is not None and match.method in ("normalized", "fuzzy"):
                rewritten[(city, country, match.method, match.name, match.score)] += 1
        chosen = random.Random(15).sample(sorted(rewritten), min(args.sample, len(rewritten)))
        print(f"\n{len(chosen)} random normalized/fuzzy matches of {len(rewritten):,} distinct:")
        for city, country, method, name, score in sorted(chosen, key=lambda c: (c[2], c[1], c[0])):
            print(f"  {method:<10} {score:5.1f}  {city!r} ({country}) -> {name}")


if __name__ == "__main__":
    main()
