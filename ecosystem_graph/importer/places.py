"""Places made from the city and country text of imported rows, through the offline gazetteer.

A country becomes a ``places.csv`` record with its GeoNames id and coordinates; a city the same,
inside its country. A city the gazetteer cannot place is still a place (its label is the text as
written, tidied), without coordinates, and counted as unplaced in the report, so that no
organization silently loses where it is. Places already in the data folder are reused when their
GeoNames id matches.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..records import slug
from .existing import CsvTable, fold

__all__ = ["Geocoder", "PlaceOutcome"]


@dataclass
class PlaceOutcome:
    """What geocoding made of the rows so far: places by method, and the unplaced texts."""

    methods: Counter[str] = field(default_factory=Counter)
    unplaced: Counter[tuple[str, str]] = field(default_factory=Counter)
    unknown_countries: Counter[str] = field(default_factory=Counter)
    fuzzy: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)

    @property
    def placed(self) -> int:
        return sum(n for method, n in self.methods.items() if method != "unplaced")

    @property
    def total(self) -> int:
        return sum(self.methods.values())


class Geocoder:
    """Turns (city text, country text) into place ids, making the place records as it goes."""

    def __init__(self, existing: CsvTable, source_id: str):
        self.existing = existing
        self.source_id = source_id
        self.rows: dict[str, dict[str, str]] = {}  # id -> row, in the order made
        self.outcome = PlaceOutcome()
        self._by_geonames = {row.get("geonames_id", ""): row["id"] for row in existing.rows if row.get("geonames_id")}
        self._cities: dict[tuple[str, str], str | None] = {}
        self._countries: dict[str, tuple[str, str] | None] = {}
        self._methods: dict[tuple[str, str], str] = {}

    def country(self, text: str) -> str | None:
        """The place id of a country named or coded ``text``, or ``None`` when it is unknown."""
        found = self._country(text)
        return found[0] if found else None

    def city(self, city: str, country: str) -> str | None:
        """The place id of ``city`` in ``country``; counts the outcome once per call (per row)."""
        key = (" ".join(city.split()), " ".join(country.split()))
        if not key[0]:
            return None
        if key not in self._cities:
            self._cities[key] = self._city(*key)
        place = self._cities[key]
        method = self._methods.get(key, "unplaced")
        self.outcome.methods[method] += 1
        if method == "unplaced":
            self.outcome.unplaced[key] += 1
        return place

    def _country(self, text: str) -> tuple[str, str] | None:
        text = " ".join(text.split())
        if text not in self._countries:
            self._countries[text] = self._make_country(text) if text else None
            if text and self._countries[text] is None:
                self.outcome.unknown_countries[text] += 1
        return self._countries[text]

    def _make_country(self, text: str) -> tuple[str, str] | None:
        from ..gazetteer import find_country

        match = find_country(text)
        if match is None:
            return None
        ident = self._reuse(match.geonames_id) or self._new_id(slug(match.name), match.geonames_id)
        self._add(ident, match.name, "country", "", match.geonames_id, match.latitude, match.longitude)
        return ident, match.code

    def _city(self, city: str, country: str) -> str | None:
        from ..gazetteer import find_city

        found = self._country(country)
        if found is None:
            return None
        country_id, iso = found
        match = find_city(city, iso)
        written = _tidy(city)
        if match is None:
            ident = self._new_id(f"{slug(written) or 'place'}-{iso.lower()}", None)  # 'place': a name in Greek
            self._add(ident, written, "city", country_id, None, None, None)
            return ident
        self._methods[(city, country)] = match.method
        if match.method == "fuzzy":
            self.outcome.fuzzy[(city, country)] = (match.name, match.score)
        if match.country != iso:
            # An overseas town (Fort-de-France for "FR") lies in its own GeoNames country.
            country_id = self.country(match.country) or country_id
        # GeoNames names some places in their own script (Петровец): the id is made of the text read.
        name = slug(match.name) or slug(match.matched) or "place"
        ident = self._reuse(match.geonames_id) or self._new_id(f"{name}-{match.country.lower()}", match.geonames_id)
        self._add(ident, match.name, "city", country_id, match.geonames_id, match.latitude, match.longitude,
                  written if fold(written) != fold(match.name) else "")
        return ident

    def _reuse(self, geonames_id: int) -> str | None:
        return self._by_geonames.get(str(geonames_id))

    def _new_id(self, wanted: str, geonames_id: int | None) -> str:
        # The same id for the same place on every run: only a clash with another place adds a number.
        ident, n = wanted, 1
        while not self._free(ident, geonames_id):
            n += 1
            ident = f"{wanted}-{n}"
        return ident

    def _free(self, ident: str, geonames_id: int | None) -> bool:
        """Whether ``ident`` may name the place: unused, or already this very place."""
        mine = self.rows.get(ident)
        if mine is not None:
            return mine["geonames_id"] == ("" if geonames_id is None else str(geonames_id))
        return ident not in self.existing.by_id or self._owned(ident)

    def _owned(self, ident: str) -> bool:
        return self.existing.by_id[ident].get("x_import", "").startswith(self.source_id + ":")

    def _add(self, ident: str, label: str, kind: str, country: str, geonames_id: int | None,
             latitude: float | None, longitude: float | None, alt_label: str = "") -> None:
        if ident in self.rows or ident in self.existing.by_id and not self._owned(ident):
            return  # made already, or an analyst's own place: referred to, never rewritten
        if geonames_id is not None:
            self._by_geonames[str(geonames_id)] = ident
        self.rows[ident] = {
            "id": ident, "label": label, "kind": kind, "country": country, "alt_labels": alt_label,
            "geonames_id": "" if geonames_id is None else str(geonames_id),
            "latitude": "" if latitude is None else f"{latitude:.5f}",
            "longitude": "" if longitude is None else f"{longitude:.5f}",
            "source": self.source_id, "x_import": f"{self.source_id}:place:{ident}",
        }


def _tidy(text: str) -> str:
    """A city name as written in capitals, in title case ("SANKT AUGUSTIN" -> "Sankt Augustin")."""
    return text.title() if text.isupper() else text
