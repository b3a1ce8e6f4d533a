"""A first mapping for a spreadsheet that has none, written out for a person to check and edit.

The columns are matched to the fields of a record table by their names (and common synonyms:
"Organisation", "Town", "Website"...); city and country columns become geocoding rules, type and
theme columns references that create the types and themes they name, and every other column is
kept as an ``x_`` field, so nothing in the file is dropped.

>>> guess_mapping(["Organisation", "Town", "Country", "Website", "Sector", "Contact person"], [],
...               "partners.csv")["tables"]["organizations"]["fields"]["city"]
{'geocode': {'city': 'Town', 'country': 'Country'}}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..records import slug
from .spec import format_of

__all__ = ["SYNONYMS", "guess_mapping", "mapping_text"]

#: Column names (folded: lowercase, words separated by one space) read as each field.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "label": ("label", "name", "organisation", "organization", "organisation name", "organization name", "company",
              "company name", "legal name", "institution", "partner", "partner name"),
    "alt_labels": ("alt labels", "short name", "shortname", "acronym", "abbreviation", "alias", "also known as"),
    "type": ("type", "category", "kind", "sector", "organisation type", "organization type", "activity type",
             "legal form"),
    "city": ("city", "town", "municipality", "locality", "place"),
    "country": ("country", "nation", "country code", "country name"),
    "homepage": ("homepage", "website", "web", "web site", "url", "site", "www"),
    "description": ("description", "about", "profile", "summary"),
    "themes": ("themes", "theme", "topics", "topic", "tags", "keywords", "fields", "areas"),
    "street": ("street", "address", "street address"),
    "postal_code": ("postal code", "postcode", "post code", "zip", "zip code"),
}
#: Identifier columns and the scheme their values are written under (``pic:999854661``).
IDENTIFIER_COLUMNS = {"pic": "pic", "vat": "vat", "vat number": "vat", "ror": "ror", "ror id": "ror",
                      "wikidata": "wikidata", "qid": "wikidata", "wikidata id": "wikidata"}
_LIST_SEPARATORS = (";", "|", ",")


def _folded(column: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", column.casefold()))


def guess_mapping(columns: list[str], rows: list[dict[str, str]], file_name: str) -> dict[str, Any]:
    """A mapping (as data) that imports the columns of ``file_name`` as organizations."""
    fields: dict[str, Any] = {}
    keep: dict[str, str] = {}
    identifiers: list[str] = []
    by_field = {synonym: name for name, synonyms in SYNONYMS.items() for synonym in synonyms}
    for column in columns:
        folded = _folded(column)
        name = by_field.get(folded)
        if folded in IDENTIFIER_COLUMNS:
            identifiers.append(f"{IDENTIFIER_COLUMNS[folded]}:{{{column}}}")
        elif name is not None and name not in fields:
            fields[name] = column
        elif column.strip():
            keep[slug(column).replace("-", "_") or "column"] = column
    if "city" in fields and "country" not in fields:
        keep[slug(fields["city"]).replace("-", "_")] = fields.pop("city")  # no country to find it in
    _refine(fields, rows)
    table: dict[str, Any] = {"from": "rows"}
    if identifiers:
        table["key"] = {"template": identifiers[0]}
        fields["identifiers"] = {"template": identifiers[0]} if len(identifiers) == 1 else \
            {"first": [{"template": t} for t in identifiers]}
    table["fields"] = fields
    if keep:
        table["keep"] = keep
    stem = Path(file_name).name.split(".")[0]
    return {
        "source": {"id": slug(stem) or "import", "title": f"Imported from {Path(file_name).name}", "kind": "dataset"},
        "inputs": {"rows": {"path": Path(file_name).name, "format": format_of(file_name) or "csv"}},
        "tables": {"organizations": table},
    }


def _refine(fields: dict[str, Any], rows: list[dict[str, str]]) -> None:
    """Turn plain columns into the rules their fields need: geocoding, created types, lists."""
    if "type" not in fields:
        fields["type"] = {"value": "organization", "ref": "organization-types", "create": True}
    else:
        fields["type"] = {"column": fields["type"], "ref": "organization-types", "create": True}
    for name in ("themes", "alt_labels"):
        if name in fields:
            separator = _separator([row.get(fields[name], "") for row in rows])
            fields[name] = {"column": fields[name], **({"split": separator} if separator else {}),
                            **({"ref": "themes", "create": True} if name == "themes" else {})}
    if "city" in fields and "country" in fields:
        fields["city"] = {"geocode": {"city": fields["city"], "country": fields["country"]}}
    if "country" in fields:
        fields["country"] = {"country": fields["country"]}


def _separator(values: list[str]) -> str | None:
    """The list separator the values use, if any (``;`` before ``|`` before ``,``)."""
    for separator in _LIST_SEPARATORS:
        if sum(separator in v for v in values) >= max(1, len(values) // 10):
            return separator
    return None


def mapping_text(mapping: dict[str, Any], source: str) -> str:
    """The mapping as YAML, with a header saying where it came from and what to check."""
    head = (f"# A first mapping for {source}, guessed from its column names by `ecosystem-graph import`.\n"
            "# Check it, edit it (docs/import.md lists every rule) and run the import again with --mapping;\n"
            "# records keep their ids across runs. Columns it could not place are kept as x_ fields.\n")
    return head + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True, width=100)

