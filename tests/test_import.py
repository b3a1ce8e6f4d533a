"""`ecosystem-graph import`: mappings, guessed mappings, re-imports that keep hand edits, clear errors."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem_graph.cli import main
from ecosystem_graph.importer import MappingError, run_import
from ecosystem_graph.importer.report import ImportProblems
from ecosystem_graph.records import load_records

ROOT = Path(__file__).resolve().parents[1]

PARTNERS = """Organisation,Sector,Town,Country,Website,Themes,Contact person
Acme Robotics,Company,München,DE,https://acme.example,robotics; IoT,Anna Berg
Blue Harbour Lab,Research,Lyon,France,,IoT,
Cedar Cluster,Cluster,Praha,CZ,,smart cities,Jan Novak
"""


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture()
def partners(tmp_path: Path) -> Path:
    path = tmp_path / "partners.csv"
    path.write_text(PARTNERS, encoding="utf-8")
    return path


def test_guessed_mapping_imports_a_partner_list(partners: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _cli("import", str(partners), "--out", "data")
    assert code == 0, out
    mapping = (tmp_path / "partners.mapping.yaml").read_text()
    assert "geocode" in mapping and "contact_person" in mapping  # written for editing, nothing dropped
    records = load_records(tmp_path / "data")
    acme = records.get("organizations", "acme-robotics")
    assert acme.get("homepage") == "https://acme.example"
    assert records.get("places", acme.get("city")).get("geonames_id") == 2867714  # München, Bavaria
    assert records.get("places", records.get("organizations", "cedar-cluster").get("city")).get("label") == "Prague"
    assert sorted(r.key for r in records.all("themes")) == ["iot", "robotics", "smart-cities"]
    assert records.get("organizations", "blue-harbour-lab").get("type") == ["research"]
    assert _rows(tmp_path / "data", "organizations.csv")[0]["x_contact_person"] == "Anna Berg"


def test_reimport_updates_in_place_and_keeps_hand_edits(partners: Path, tmp_path: Path) -> None:
    mapping, data = tmp_path / "m.yaml", tmp_path / "data"
    from ecosystem_graph.importer.guess import guess_mapping, mapping_text
    from ecosystem_graph.importer.inputs import read_input
    from ecosystem_graph.importer.spec import InputSpec

    table = read_input(partners, InputSpec("rows", partners.name, "csv"))
    mapping.write_text(mapping_text(guess_mapping(table.columns, table.rows, partners.name), partners.name))
    first = run_import(partners, mapping, data)
    assert len(first.tables["organizations"].added) == 3
    # An analyst describes one organization (a field the mapping does not own) and adds their own.
    rows = _rows(data, "organizations.csv")
    rows[0]["description"] = "Met at the Munich fair."
    rows.append({**rows[1], "id": "my-own", "label": "My Own Partner", "x_import": ""})
    _write(data / "organizations.csv", rows)
    # The source changes: one label fixed, one organization gone.
    partners.write_text(PARTNERS.replace("Blue Harbour Lab", "Blue Harbor Lab").replace(
        "Cedar Cluster,Cluster,Praha,CZ,,smart cities,Jan Novak\n", ""))
    second = run_import(partners, mapping, data)
    organizations = second.tables["organizations"]
    assert (organizations.added, organizations.removed, organizations.unchanged) == (
        ["blue-harbor-lab"], ["blue-harbour-lab", "cedar-cluster"], 1)
    after = {r["id"]: r for r in _rows(data, "organizations.csv")}
    assert after["acme-robotics"]["description"] == "Met at the Munich fair."
    assert "my-own" in after and "cedar-cluster" not in after
    load_records(data)


def test_reimport_with_a_key_keeps_ids_when_names_change(tmp_path: Path) -> None:
    source, data = tmp_path / "orgs.csv", tmp_path / "data"
    source.write_text("pic,name,country\n1,Acme,FR\n2,Beta,DE\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("""
source: {id: list, title: A list, kind: dataset}
inputs: {orgs: orgs.csv}
tables:
  organizations:
    from: orgs
    key: pic
    id: {slug: name}
    fields: {label: name, type: {value: company, ref: organization-types, create: true}, country: {country: country}}
""")
    run_import(source, mapping, data)
    source.write_text("pic,name,country\n1,Acme Renamed,FR\n2,Beta,DE\n")
    report = run_import(source, mapping, data)
    assert report.tables["organizations"].changed == ["acme"]
    assert {r["id"]: r["label"] for r in _rows(data, "organizations.csv")}["acme"] == "Acme Renamed"


def test_mapping_problems_name_their_place(tmp_path: Path, partners: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("""
source: {id: list, title: A list, kind: dataset}
inputs: {rows: partners.csv}
tables:
  organizations:
    from: rows
    fields: {label: Organisation, colour: Sector, type: {column: Sector, ref: themes}}
  visits: {from: rows}
""")
    with pytest.raises(MappingError) as caught:
        run_import(tmp_path, mapping, tmp_path / "data")
    text = str(caught.value)
    assert "tables.organizations.fields.colour: expected a field of organizations" in text
    assert "tables.organizations.fields.type.ref: expected a table field 'type' refers to" in text
    assert "tables.visits: expected a record table kept in a CSV file" in text
    assert not (tmp_path / "data").exists()


def test_missing_column_is_named_with_the_columns_there(tmp_path: Path, partners: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("""
source: {id: list, title: A list, kind: dataset}
inputs: {rows: partners.csv}
tables:
  organizations: {from: rows, fields: {label: Organization, type: {value: x, ref: organization-types, create: true}}}
""")
    with pytest.raises(MappingError, match=r"tables.organizations.fields.label: expected a column of input 'rows' "
                                           r"\(Organisation, Sector, .*\), found 'Organization'"):
        run_import(tmp_path, mapping, tmp_path / "data")


def test_row_problems_are_summarized_and_nothing_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    source = tmp_path / "orgs.csv"
    source.write_text("name,type\n" + "".join(f"Org {i},{'bogus' if i % 2 else 'ngo'}\n" for i in range(30)))
    mapping = tmp_path / "m.yaml"
    mapping.write_text("""
source: {id: list, title: A list, kind: dataset}
inputs: {orgs: orgs.csv}
tables:
  organizations: {from: orgs, fields: {label: name, type: type}}
""")
    with pytest.raises(ImportProblems) as caught:
        run_import(tmp_path, mapping, data)
    head = str(caught.value).splitlines()[:2]
    assert head[0] == "15 problems in the imported rows, of 1 kind:"
    assert head[1].startswith("  15 x no such organization-types record (tables.organizations.fields.type), "
                              "e.g. orgs.csv row 3: expected the key, id or label of a record of "
                              "organization-types, found 'bogus'")
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    code, out = _cli("import", str(tmp_path), "--mapping", str(mapping), "--out", str(data))
    assert code == 1 and "Traceback" not in out and "15 problems" in out


def test_excel_and_json_inputs(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Country", "Founded"])
    sheet.append(["Delta Works", "NL", 1998])
    book.save(tmp_path / "orgs.xlsx")
    (tmp_path / "more.json").write_text(json.dumps({"items": [{"Name": "Echo Labs", "Country": "Belgium"}]}))
    mapping = tmp_path / "m.yaml"
    mapping.write_text("""
source: {id: lists, title: Two lists, kind: dataset}
inputs:
  sheet: orgs.xlsx
  more: {path: more.json, records: items}
tables:
  organizations:
    from: sheet
    fields: {label: Name, type: {value: company, ref: organization-types, create: true}, country: {country: Country}}
    keep: {founded: Founded}
  organization-types: {from: more, key: Country, fields: {label: {value: Company}}}
""")
    report = run_import(tmp_path, mapping, tmp_path / "data")
    rows = _rows(tmp_path / "data", "organizations.csv")
    assert [(r["id"], r["x_founded"]) for r in rows] == [("delta-works", "1998")]
    places = {r["id"]: r for r in _rows(tmp_path / "data", "places.csv")}
    assert places[rows[0]["country"]]["geonames_id"] == "2750405"  # the Netherlands
    assert report.inputs == {"sheet": 1, "more": 1}


def test_same_identifier_refers_to_the_analysts_record(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    rows = _rows(data, "organizations.csv")
    nesta = next(r for r in rows if r["id"] == "nesta")
    nesta["identifiers"] = "pic:999999999"
    _write(data / "organizations.csv", rows)
    before = _rows(data, "organizations.csv")
    (tmp_path / "orgs.csv").write_text("pic,name\n999999999,NESTA LIMITED\n999999998,Nestaa\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("""
source: {id: list, title: A list, kind: dataset}
inputs: {orgs: orgs.csv}
tables:
  organizations:
    from: orgs
    key: pic
    fields: {label: name, type: {value: ngo}, identifiers: {template: "pic:{pic}"}}
""")
    report = run_import(tmp_path, mapping, data)
    assert report.matched == {"organizations": 1}
    assert report.tables["organizations"].added == ["nestaa"]
    assert ("organizations", "nestaa", "nesta", 90.9) in report.candidates  # for review, not merged
    after = _rows(data, "organizations.csv")
    assert [{k: v for k, v in row.items() if k != "x_import"} for row in after[: len(before)]] == before


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    header = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
