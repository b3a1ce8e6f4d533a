"""The shape of an ecosystem's network: the distributions that decide what network analytics cost.

Centrality, communities and brokers run on the organization-organization projection (two
organizations are linked when they share a project), so their cost is set by how many
partners a project has, how many projects an organization is in, and how many partners that
gives it. This module measures those, plus where organizations are (country, city) and how
many themes a project has, on two kinds of input:

- :func:`measure_cordis`: the raw EU CORDIS Horizon 2020 files (``stacked_dump.csv``,
  ``h2020.csv.gz``, ``programme_parts.csv.gz``; data (c) European Commission, CORDIS,
  CC BY 4.0), joined by PIC as their README describes;
- :func:`measure_records`: a folder of records (``projects.csv`` + ``participations.csv``;
  for older synthetic output without them, ``partnerships.csv``).

Both go through :func:`measure`, which takes plain tables:

>>> shape = measure({"p1": ["a", "b", "c"], "p2": ["a", "d"], "p3": ["e"]},
...                 countries={"a": "BE", "b": "BE", "c": "FR", "d": "DE", "e": "BE"},
...                 cities={"a": "Gent", "b": "Gent", "c": "Lyon"},
...                 themes={"p1": 2, "p2": 1, "p3": 1})
>>> shape.consortium.maximum, shape.consortium.median, shape.edges, shape.degree.maximum
(3, 2, 4, 3)
>>> shape.countries[0], round(shape.top_cities_share, 2)
(('BE', 0.6), 1.0)
>>> for line in format_side_by_side({"toy": shape}).splitlines()[:3]:
...     print(line)
| measure | toy |
|---|---|
| organizations (in a project) | 5 |
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CORDIS_DIR", "QUANTILES", "SIZE_BUCKETS", "Distribution", "Shape", "buckets", "distribution",
           "binned", "format_side_by_side", "histogram", "measure", "measure_cordis", "measure_records", "projection"]

#: Where the CORDIS Horizon 2020 files are kept on the project's machines (see their README.md).
CORDIS_DIR = Path("/work/shared/real-data/cordis-h2020")
#: The quantiles a :class:`Distribution` reports.
QUANTILES = (0.25, 0.5, 0.75, 0.9, 0.99)
#: Consortium size buckets: (label, smallest, largest).
SIZE_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("1", 1, 1), ("2", 2, 2), ("3-5", 3, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21-50", 21, 50),
    ("51-100", 51, 100), (">100", 101, 10**12))
# CORDIS writes two countries with codes other than ISO 3166.
_CORDIS_COUNTRIES = {"UK": "GB", "EL": "GR"}


@dataclass(frozen=True)
class Distribution:
    """Count, mean, quantiles (nearest rank, :data:`QUANTILES`) and maximum of whole numbers.

    >>> distribution([1, 1, 2, 10])
    Distribution(count=4, mean=3.5, quantiles=(1, 2, 2, 10, 10), maximum=10)
    >>> distribution([]).median
    0
    """

    count: int
    mean: float
    quantiles: tuple[int, ...]
    maximum: int

    @property
    def median(self) -> int:
        return self.quantiles[QUANTILES.index(0.5)]


@dataclass(frozen=True)
class Shape:
    """What :func:`measure` found (see the module's description)."""

    organizations: int
    projects: int
    participations: int
    consortium: Distribution
    consortium_buckets: dict[str, int]
    projects_per_organization: Distribution
    degree: Distribution
    edges: int
    countries: tuple[tuple[str, float], ...]
    cities: int
    top_cities_share: float
    themes_per_project: Distribution
    themes_histogram: dict[int, int]


def distribution(values: Iterable[int]) -> Distribution:
    """The :class:`Distribution` of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return Distribution(0, 0.0, tuple(0 for _ in QUANTILES), 0)
    last = len(ordered) - 1
    quantiles = tuple(ordered[round(q * last)] for q in QUANTILES)
    return Distribution(len(ordered), round(sum(ordered) / len(ordered), 2), quantiles, ordered[-1])


def buckets(sizes: Iterable[int]) -> dict[str, int]:
    """How many of ``sizes`` fall in each of :data:`SIZE_BUCKETS`.

    >>> buckets([1, 1, 4, 160])
    {'1': 2, '2': 0, '3-5': 1, '6-10': 0, '11-20': 0, '21-50': 0, '51-100': 0, '>100': 1}
    """
    counts = dict.fromkeys((label for label, _, _ in SIZE_BUCKETS), 0)
    for size in sizes:
        label = next(label for label, low, high in SIZE_BUCKETS if low <= size <= high)
        counts[label] += 1
    return counts


def histogram(values: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """``(value, how many times)`` pairs, smallest value first: the form synth keeps tables in.

    >>> histogram([3, 1, 3])
    ((1, 1), (3, 2))
    """
    return tuple(sorted(Counter(values).items()))


def binned(values: Iterable[int], exact_up_to: int = 30) -> tuple[tuple[int, int, int], ...]:
    """``(low, high, how many)`` rows: one per value up to ``exact_up_to``, then bins doubling in width.

    The compact form in which synth keeps a measured heavy-tailed distribution (the last bin
    ends at the largest value).

    >>> binned([1, 1, 2, 5, 9, 40], exact_up_to=2)
    ((1, 1, 2), (2, 2, 1), (3, 5, 1), (6, 11, 1), (24, 40, 1))
    """
    counts = Counter(values)
    rows = [(v, v, counts[v]) for v in range(1, exact_up_to + 1) if counts[v]]
    low = exact_up_to + 1
    while any(v >= low for v in counts):
        high = min(2 * low - 1, max(counts))
        n = sum(c for v, c in counts.items() if low <= v <= high)
        if n:
            rows.append((low, high, n))
        low = high + 1
    return tuple(rows)


def projection(members: Mapping[str, Sequence[str]]) -> tuple[dict[str, int], int]:
    """Each organization's number of distinct partners, and the number of edges, of the projection.

    >>> projection({"p1": ["a", "b", "c"], "p2": ["a", "b"]})
    ({'a': 2, 'b': 2, 'c': 2}, 3)
    """
    index: dict[str, int] = {}
    for orgs in members.values():
        for org in orgs:
            index.setdefault(org, len(index))
    partners: list[set[int]] = [set() for _ in index]
    for orgs in members.values():
        ids = [index[o] for o in dict.fromkeys(orgs)]
        if len(ids) > 1:
            for i in ids:
                partners[i].update(ids)
    degrees = {org: len(partners[i]) - (1 if partners[i] else 0) for org, i in index.items()}
    return degrees, sum(degrees.values()) // 2


def measure(members: Mapping[str, Sequence[str]], countries: Mapping[str, str], cities: Mapping[str, str],
            themes: Mapping[str, int]) -> Shape:
    """The :class:`Shape` of projects ``members`` (project -> its organizations).

    Organizations are those in at least one project; ``countries`` and ``cities`` map them to
    their place (missing: unknown), ``themes`` maps projects to their number of themes (missing: 0).
    Cities are told apart with their country, so two Valencias are two cities.
    """
    per_org = Counter(org for orgs in members.values() for org in dict.fromkeys(orgs))
    degrees, edges = projection(members)
    in_country = Counter(countries[o] for o in per_org if countries.get(o))
    in_city = Counter((countries.get(o, ""), cities[o]) for o in per_org if cities.get(o))
    sizes = [len(dict.fromkeys(orgs)) for orgs in members.values()]
    theme_counts = [themes.get(p, 0) for p in members]
    located = sum(in_city.values())
    return Shape(
        organizations=len(per_org), projects=len(members), participations=sum(sizes),
        consortium=distribution(sizes), consortium_buckets=buckets(sizes),
        projects_per_organization=distribution(per_org.values()), degree=distribution(degrees.values()),
        edges=edges,
        countries=tuple((c, round(n / len(per_org), 4)) for c, n in in_country.most_common(10)),
        cities=len(in_city),
        top_cities_share=round(sum(n for _, n in in_city.most_common(10)) / located, 4) if located else 0.0,
        themes_per_project=distribution(theme_counts), themes_histogram=dict(histogram(theme_counts)))


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _country_names() -> dict[str, str]:
    from .geo import countries_by_id

    return {c["iso"]: c["name"] for c in countries_by_id().values()}


def measure_cordis(folder: str | Path = CORDIS_DIR) -> Shape:
    """Measure CORDIS Horizon 2020: participations joined by PIC to the named organizations.

    Themes per project are its programme parts (ERC, MSCA, SC1, ...); countries are named as
    GeoNames names them; cities are CORDIS's city names, upper-cased.
    """
    folder = Path(folder)
    organizations = _rows((folder / "stacked_dump.csv").read_text(encoding="utf-8"))
    names = _country_names()
    countries, cities = {}, {}
    for org in organizations:
        code = _CORDIS_COUNTRIES.get(org["country"], org["country"])
        countries[org["orgId"]] = names.get(code, code)
        if org["city"].strip():
            cities[org["orgId"]] = " ".join(org["city"].upper().split())
    members: dict[str, list[str]] = {}
    for row in _rows(gzip.decompress((folder / "h2020.csv.gz").read_bytes()).decode("utf-8")):
        if row["pic"] in countries:
            members.setdefault(row["rcn"], []).append(row["pic"])
    parts = Counter(row["rcn"] for row in
                    _rows(gzip.decompress((folder / "programme_parts.csv.gz").read_bytes()).decode("utf-8")))
    return measure(members, countries, cities, {p: parts.get(p, 0) for p in members})


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / name
    return _rows(path.read_text(encoding="utf-8-sig")) if path.exists() else []


def measure_records(folder: str | Path, partnerships: bool | None = None) -> Shape:
    """Measure a folder of records: projects and their participations, or partnerships.

    ``partnerships`` ``None`` measures ``partnerships.csv`` only when the folder has no
    ``participations.csv`` (older synthetic output); ``True`` or ``False`` forces it.
    Countries and cities are the labels of the organizations' places in ``places.csv``.
    """
    folder = Path(folder)
    participations = _read(folder, "participations.csv")
    if partnerships is None:
        partnerships = not participations
    members: dict[str, list[str]] = {}
    themes: dict[str, int] = {}
    if partnerships:
        for row in _read(folder, "partnerships.csv"):
            members[row["id"]] = [p for p in row["partners"].split("|") if p]
            themes[row["id"]] = len([t for t in row.get("themes", "").split("|") if t])
    else:
        for row in _read(folder, "projects.csv"):
            members[row["id"]] = []
            themes[row["id"]] = len([t for t in row.get("themes", "").split("|") if t])
        for row in participations:
            members.setdefault(row["project"], []).append(row["organization"])
    places = {row["id"]: row["label"] for row in _read(folder, "places.csv")}
    countries, cities = {}, {}
    for org in _read(folder, "organizations.csv"):
        countries[org["id"]] = places.get(org.get("country", ""), org.get("country", ""))
        if org.get("city"):
            cities[org["id"]] = places.get(org["city"], org["city"])
    return measure({p: orgs for p, orgs in members.items() if orgs}, countries, cities, themes)


def _cell(value: object) -> str:
    if isinstance(value, Distribution):
        quantiles = " / ".join(str(q) for q in value.quantiles)
        return f"mean {value.mean:g}; p25/50/75/90/99 {quantiles}; max {value.maximum:,}"
    if isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _lines(shape: Shape) -> list[tuple[str, str]]:
    total = shape.projects or 1
    lines = [("organizations (in a project)", _cell(shape.organizations)), ("projects", _cell(shape.projects)),
             ("participations", _cell(shape.participations)), ("consortium size", _cell(shape.consortium))]
    lines += [(f"consortia of {label}", f"{n:,} ({n / total:.1%})") for label, n in shape.consortium_buckets.items()]
    lines += [("projects per organization", _cell(shape.projects_per_organization)),
              ("partners per organization (projection degree)", _cell(shape.degree)),
              ("edges of the organization projection", _cell(shape.edges))]
    lines += [(f"country {rank}", f"{name} {share:.1%}") for rank, (name, share) in enumerate(shape.countries, 1)]
    lines += [("top 10 countries' share", _cell(round(sum(s for _, s in shape.countries), 4))),
              ("cities", _cell(shape.cities)), ("top 10 cities' share of located organizations",
                                                _cell(shape.top_cities_share)),
              ("themes per project", _cell(shape.themes_per_project))]
    lines += [(f"projects with {k} themes", f"{n:,} ({n / total:.1%})") for k, n in shape.themes_histogram.items()]
    return lines


def format_side_by_side(shapes: Mapping[str, Shape]) -> str:
    """A Markdown table: one row per measure, one column per named shape."""
    columns = [dict(_lines(shape)) for shape in shapes.values()]
    names = list(dict.fromkeys(name for column in columns for name in column))
    out = ["| measure | " + " | ".join(shapes) + " |", "|---" * (len(shapes) + 1) + "|"]
    out += ["| " + name + " | " + " | ".join(column.get(name, "") for column in columns) + " |" for name in names]
    return "\n".join(out)


def _tables(folder: Path = CORDIS_DIR) -> None:  # pragma: no cover - prints what synth keeps
    """Print the CORDIS tables kept in :mod:`.synth` (``python -m ecosystem_graph.shape``)."""
    organizations = _rows((folder / "stacked_dump.csv").read_text(encoding="utf-8"))
    named = {o["orgId"]: o for o in organizations}
    members: dict[str, list[str]] = {}
    roles: Counter[str] = Counter()
    contributions: dict[str, list[int]] = {}
    starts: Counter[str] = Counter()
    durations: list[int] = []
    for row in _rows(gzip.decompress((folder / "h2020.csv.gz").read_bytes()).decode("utf-8")):
        if row["pic"] in named:
            first = row["rcn"] not in members
            members.setdefault(row["rcn"], []).append(row["pic"])
            roles[row["role"]] += 1
            money = row["contribution"]
            contributions.setdefault(row["role"], []).append(int(float(money)) if money not in ("", "NA") else 0)
            if first and row["duration"].isdigit():
                starts[row["start_year"]] += 1
                durations.append(int(row["duration"]))
    per_org = Counter(p for orgs in members.values() for p in orgs)
    print("CONSORTIUM_SIZES =", binned((len(o) for o in members.values()), exact_up_to=50))
    print("PROJECTS_PER_ORGANIZATION =", binned(per_org.values()))
    print("COUNTRIES =", tuple(Counter(_CORDIS_COUNTRIES.get(named[p]["country"], named[p]["country"])
                                       for p in per_org).most_common(40)), "of", len(per_org))
    print("ROLES =", roles.most_common())
    for role, values in contributions.items():
        values.sort()
        print("FUNDING", role, tuple(values[round(q * (len(values) - 1))] for q in
                                     (0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999)))
    print("START_YEARS =", sorted(starts.items()))
    durations.sort()
    print("DURATIONS =", tuple(durations[round(q * (len(durations) - 1))] for q in
                               (0, 0.1, 0.25, 0.5, 0.75, 0.9, 1)))


if __name__ == "__main__":  # pragma: no cover - prints the tables synth keeps
    _tables()
