"""The cue words of the extractor, read from ``extraction.yaml`` of a data folder.

>>> rules = load_rules()
>>> rules.organization_cues["accelerator"], "gmbh" in rules.legal_suffixes
('accelerator', True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import EcosystemGraphError
from ..locations import project_home
from .dates import DateRules

RULES_FILE = "extraction.yaml"
GIVEN_NAMES_FILE = "given-names.txt"


class RulesError(EcosystemGraphError):
    """``extraction.yaml`` is missing a list or holds the wrong kind of value."""


@dataclass(frozen=True)
class Rules:
    """Cue words, lowercased unless their case matters (names, acronyms, titles)."""

    path: Path
    organization_cues: dict[str, str]
    default_organization_type: str
    legal_suffixes: frozenset[str]
    legal_forms: tuple[str, ...]  # as written, longest first: "S.p.A.", "d.o.o."
    event_cues: frozenset[str]
    attendance_nouns: tuple[str, ...]
    lower_bound_words: tuple[str, ...]
    person_titles: frozenset[str]
    role_words: frozenset[str]
    person_verbs: tuple[str, ...]
    organization_verbs: tuple[str, ...]
    surname_endings: tuple[str, ...]
    meeting_cues: tuple[str, ...]
    host_verbs: tuple[str, ...]
    visit_cues: tuple[str, ...]
    not_met_before: tuple[str, ...]
    host_words: tuple[str, ...]
    leader_words: tuple[str, ...]
    first_day_words: tuple[str, ...]
    last_day_words: tuple[str, ...]
    same_day_words: tuple[str, ...]
    not_names: frozenset[str]
    not_acronyms: frozenset[str]
    country_aliases: dict[str, str]
    alternate_name_population: int
    not_cities: frozenset[str]
    region_words: frozenset[str]
    demonyms: frozenset[str]
    lowercase_kind_words: tuple[str, ...]
    count_words: frozenset[str]
    headline_small_words: frozenset[str]
    line_joining_words: frozenset[str]
    boilerplate_starts: tuple[str, ...]
    cue_connectors: dict[str, frozenset[str]]  # word -> the words it may follow (empty: any organization word)
    name_kinds: dict[str, str]  # word -> project, event, programme, initiative, label or document
    language_words: dict[str, frozenset[str]]  # language code -> its commonest words
    head_first_languages: frozenset[str]
    generic_adjectives: frozenset[str]
    list_nouns: dict[str, frozenset[str]]  # "organization" or "other" -> nouns announcing a list
    byline_words: tuple[str, ...]
    unit_words: frozenset[str]
    named_units: frozenset[str]
    body_purposes: frozenset[str]
    body_words: frozenset[str]
    given_names: frozenset[str]  # from given-names.txt beside the rules, empty when there is none
    wider_areas: frozenset[str]
    regions: frozenset[str]
    region_heads: frozenset[str]
    met_before: tuple[str, ...]
    dates: DateRules


def rules_path(data_dir: Path | None = None) -> Path:
    """``extraction.yaml`` of ``data_dir`` if it has one, else the project's."""
    if data_dir is not None and (Path(data_dir) / RULES_FILE).is_file():
        return Path(data_dir) / RULES_FILE
    return project_home() / "data" / RULES_FILE


def load_rules(data_dir: Path | None = None) -> Rules:
    """The rules of ``data_dir`` (see :func:`rules_path`), read again when its files change."""
    path = rules_path(data_dir)
    return _load(path, file_stamps([path, path.parent / GIVEN_NAMES_FILE]))


def file_stamps(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of each file of ``paths`` that exists: a cache keyed on
    them is not stale in a long-running process (``serve --review``) when the files change."""
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


@lru_cache(maxsize=8)
def _load(path: Path, stamps: tuple[tuple[str, int, int], ...]) -> Rules:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RulesError(f"{path}: cannot read the extraction rules ({exc})") from None
    if not isinstance(document, dict):
        raise RulesError(f"{path}: expected a mapping of rule lists, found {type(document).__name__}")
    get = _Getter(path, document)
    lowered = get.words
    return Rules(
        path=path,
        organization_cues={str(k).lower(): str(v) for k, v in get.mapping("organization_cues").items()},
        default_organization_type=str(get.value("default_organization_type")),
        legal_suffixes=frozenset(suffix_key(s) for s in get.words("legal_suffixes", lower=False)),
        legal_forms=tuple(sorted(get.words("legal_suffixes", lower=False), key=len, reverse=True)),
        event_cues=frozenset(lowered("event_cues")),
        attendance_nouns=tuple(lowered("attendance_nouns")),
        lower_bound_words=tuple(lowered("lower_bound_words")),
        person_titles=frozenset(get.words("person_titles", lower=False)),
        role_words=frozenset(lowered("role_words")),
        person_verbs=tuple(lowered("person_verbs")),
        organization_verbs=tuple(lowered("organization_verbs")),
        surname_endings=tuple(lowered("surname_endings")),
        meeting_cues=tuple(lowered("meeting_cues")),
        host_verbs=tuple(lowered("host_verbs")),
        visit_cues=tuple(lowered("visit_cues")),
        not_met_before=tuple(lowered("not_met_before")),
        host_words=tuple(lowered("host_words")),
        leader_words=tuple(lowered("leader_words")),
        first_day_words=tuple(lowered("first_day_words")),
        last_day_words=tuple(lowered("last_day_words")),
        same_day_words=tuple(lowered("same_day_words")),
        not_names=frozenset(get.words("not_names", lower=False)),
        not_acronyms=frozenset(get.words("not_acronyms", lower=False)),
        country_aliases={str(k): str(v).upper() for k, v in get.mapping("country_aliases").items()},
        alternate_name_population=int(get.value("alternate_name_population")),
        not_cities=frozenset(get.words("not_cities", lower=False)),
        region_words=frozenset(get.words("region_words", lower=False)),
        demonyms=frozenset(get.words("demonyms", lower=False)),
        lowercase_kind_words=tuple(lowered("lowercase_kind_words")),
        count_words=frozenset(lowered("count_words")),
        headline_small_words=frozenset(lowered("headline_small_words")),
        line_joining_words=frozenset(lowered("line_joining_words")),
        boilerplate_starts=tuple(lowered("boilerplate_starts")),
        cue_connectors={str(k): frozenset(get.listed("cue_connectors", v))
                        for k, v in get.mapping("cue_connectors").items()},
        name_kinds={str(k).lower(): str(v) for k, v in get.mapping("name_kinds").items()},
        language_words={str(k): frozenset(get.listed("language_words", v))
                        for k, v in get.mapping("language_words").items()},
        head_first_languages=frozenset(lowered("head_first_languages")),
        generic_adjectives=frozenset(lowered("generic_adjectives")),
        list_nouns={str(k): frozenset(get.listed("list_nouns", v)) for k, v in get.mapping("list_nouns").items()},
        byline_words=tuple(lowered("byline_words")),
        unit_words=frozenset(lowered("unit_words")),
        named_units=frozenset(lowered("named_units")),
        body_purposes=frozenset(lowered("body_purposes")),
        body_words=frozenset(lowered("body_words")),
        given_names=_given_names(path.parent / GIVEN_NAMES_FILE),
        wider_areas=frozenset(get.words("wider_areas", lower=False)),
        regions=frozenset(get.words("regions", lower=False)),
        region_heads=frozenset(lowered("region_heads")),
        met_before=tuple(lowered("met_before")),
        dates=DateRules({str(name).lower(): int(month) for month, names in get.mapping("months").items()
                         for name in names}, tuple(lowered("range_words")),
                        tuple(lowered("between_words")), tuple(lowered("range_after_between")),
                        tuple(lowered("month_alone_after"))),
    )


def _given_names(path: Path) -> frozenset[str]:
    """The given names of ``path``, one a line ('#' opens a comment); none when it is missing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset()
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path}: cannot read the given names ({exc})") from None
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def suffix_key(suffix: str) -> str:
    """A legal suffix as compared: lowercase, without dots or spaces ("S.p.A." -> "spa")."""
    return suffix.lower().replace(".", "").replace(" ", "")


class _Getter:
    """Reads one key of the rules, with a message naming the file and key when it is wrong."""

    def __init__(self, path: Path, document: dict[str, Any]) -> None:
        self.path, self.document = path, document

    def value(self, key: str) -> Any:
        if key not in self.document or self.document[key] in (None, ""):
            raise RulesError(f"{self.path}: expected a value for '{key}', found none")
        return self.document[key]

    def words(self, key: str, lower: bool = True) -> list[str]:
        value = self.value(key)
        if not isinstance(value, list):
            raise RulesError(f"{self.path}: expected '{key}' to be a list, found {type(value).__name__}")
        return [str(v).lower() if lower else str(v) for v in value]

    def listed(self, key: str, value: Any) -> list[str]:
        """A value of the mapping ``key`` that must be a list (none: an empty one), lowercased."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise RulesError(f"{self.path}: expected the values of '{key}' to be lists, found {type(value).__name__}")
        return [str(v).lower() for v in value]

    def mapping(self, key: str) -> dict[Any, Any]:
        value = self.value(key)
        if not isinstance(value, dict):
            raise RulesError(f"{self.path}: expected '{key}' to be a mapping, found {type(value).__name__}")
        return value
