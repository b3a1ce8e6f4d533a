"""Bad records get a clear message naming file, line, field, what was expected and what was found."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosystem_graph.build import compile_graph
from ecosystem_graph.errors import RecordError
from ecosystem_graph.ontology import load_ontology, relation_names
from ecosystem_graph.records import load_records


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(RecordError) as caught:
        load_records(data_dir, relations=relation_names(load_ontology()))
    return [str(p) for p in caught.value.problems]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_seed_data_is_valid() -> None:
    records = load_records(Path(__file__).resolve().parents[1] / "data")
    assert len(records.all("meetings")) == 8


def test_missing_required_field(data_copy: Path) -> None:
    replace(data_copy / "organizations.csv", "nesta,NESTA,", "nesta,,")
    assert problems(data_copy) == [
        "data/organizations.csv:7: field 'label': expected a value, found an empty value".replace(
            "data/", f"{_shown(data_copy)}/")]


def _shown(data_copy: Path) -> str:
    return str(data_copy)


def test_malformed_date(data_copy: Path) -> None:
    replace(data_copy / "meetings.csv", ",2018-08-03,,london,urban", ",03.08.2018,,london,urban")
    [message] = problems(data_copy)
    assert message.endswith("meetings.csv:8: field 'date': expected a date as YYYY-MM-DD, found '03.08.2018'")


def test_impossible_date(data_copy: Path) -> None:
    replace(data_copy / "visits.yaml", "start: 2018-07-30", "start: 2018-02-30")
    [message] = problems(data_copy)
    assert "visits.yaml:" in message and "field 'start': expected a date as YYYY-MM-DD, found '2018-02-30'" in message


def test_reversed_date_range(data_copy: Path) -> None:
    replace(data_copy / "visits.yaml", "end: 2018-08-03", "end: 2018-07-01")
    found = problems(data_copy)
    assert any("visits.yaml:" in p and "field 'end': expected a date on or after start (2018-07-30), found '2018-07-01'"
               in p for p in found)
    # Meetings dated 3 August now fall outside the visit: reported too, in the same run.
    assert any("meetings.csv:8: field 'date': expected a date within visit uk-2018" in p for p in found)


def test_unknown_organization_with_suggestion(data_copy: Path) -> None:
    replace(data_copy / "meetings.csv", "uk-2018,5,nesta,", "uk-2018,5,nestaa,")
    [message] = problems(data_copy)
    assert message.endswith("meetings.csv:6: field 'organization': expected an id from organizations.csv, "
                            "found 'nestaa', which does not exist (did you mean 'nesta'?)")


def test_unknown_theme(data_copy: Path) -> None:
    replace(data_copy / "meetings.csv", "blockchain|smart-contracts,trustme", "blockchain|smart-contract,trustme")
    [message] = problems(data_copy)
    assert "meetings.csv:9: field 'themes': expected an id from themes.csv, found 'smart-contract', " \
           "which does not exist (did you mean 'smart-contracts'" in message


def test_duplicate_identifier(data_copy: Path) -> None:
    with (data_copy / "people.csv").open("a", encoding="utf-8") as stream:
        stream.write("deyan-pushkarov,Deyan Pushkarov,,,kcs-news-uk-2018\n")
    [message] = problems(data_copy)
    assert message.endswith("people.csv:4: field 'id': expected a unique id, found 'deyan-pushkarov', "
                            "already used at line 2")


def test_malformed_csv_row(data_copy: Path) -> None:
    with (data_copy / "people.csv").open("a", encoding="utf-8") as stream:
        stream.write("ivan-ivanov,Ivan, Ivanov,Ivan,Ivanov,kcs-news-uk-2018\n")
    [message] = problems(data_copy)
    assert message.endswith("people.csv:4: expected 5 comma-separated fields like the header "
                            "(quote a value that contains a comma), found 6 fields")


def test_unterminated_quote(data_copy: Path) -> None:
    with (data_copy / "people.csv").open("a", encoding="utf-8") as stream:
        stream.write('ivan-ivanov,"Ivan Ivanov,,,kcs-news-uk-2018\n')
    [message] = problems(data_copy)
    assert "people.csv:4:" in message and "unreadable CSV" in message


def test_wrong_encoding(data_copy: Path) -> None:
    path = data_copy / "people.csv"
    path.write_bytes(path.read_bytes() + "petar-petrov,Petăr Petrov,,,kcs-news-uk-2018\n".encode("cp1250"))
    [message] = problems(data_copy)
    assert message.endswith("people.csv:4: expected UTF-8 text (save the file as UTF-8), found byte 0xE3 at offset 187")


def test_unknown_column(data_copy: Path) -> None:
    replace(data_copy / "people.csv", "id,name,given_name", "id,name,nickname")
    [message] = problems(data_copy)
    assert "people.csv:1: expected columns among id, name, given_name, family_name, source, identifiers (or " \
           "named x_..., kept for people and ignored by the build), found unknown column 'nickname'" in message


def test_x_columns_are_kept_and_ignored(data_copy: Path) -> None:
    replace(data_copy / "people.csv", "id,name,given_name", "id,name,x_met_at,given_name")
    rows = (data_copy / "people.csv").read_text(encoding="utf-8").splitlines()
    (data_copy / "people.csv").write_text("\n".join([rows[0], *(_insert_cell(r) for r in rows[1:])]) + "\n")
    records = load_records(data_copy)
    assert "x_met_at" not in records.all("people")[0].values


def test_yaml_syntax_error(data_copy: Path) -> None:
    replace(data_copy / "visits.yaml", "    start: 2018-07-30", "    start: [2018-07-30")
    found = problems(data_copy)
    assert any("visits.yaml:" in p and "expected valid YAML" in p for p in found)


def test_unknown_relation_is_checked_against_the_ontology(data_copy: Path) -> None:
    replace(data_copy / "relations.csv", "promotes-work-of", "promotes-the-work-of")
    [message] = problems(data_copy)
    assert "relations.csv:2: field 'relation': expected a relation defined in the ontology (promotes-work-of)" in message


def test_city_where_a_country_is_expected(data_copy: Path) -> None:
    replace(data_copy / "places.csv", "sofia,Sofia,city,bulgaria", "sofia,Sofia,city,london")
    found = problems(data_copy)
    assert any("places.csv:7: field 'country': expected a country from places.csv, found 'london', a city" in p
               for p in found)


def test_coordinates_far_from_geonames(data_copy: Path) -> None:
    replace(data_copy / "places.csv", "2643743,51.50853,-0.12574", "2643743,15.50853,-0.12574")
    [message] = problems(data_copy)
    assert "places.csv:8: field 'latitude': expected the coordinates of GeoNames 2643743 (London: 51.50853, " \
           "-0.12574), found 15.50853, -0.12574" in message


def test_theme_cycle(data_copy: Path) -> None:
    replace(data_copy / "themes.csv", "smart-cities,Smart cities,smart city|smart-city projects,,",
            "smart-cities,Smart cities,smart city|smart-city projects,internet-of-things,")
    found = problems(data_copy)
    assert any("themes.csv:2: field 'broader': expected a hierarchy without cycles, "
               "found 'smart-cities' is its own broader concept" in p for p in found)


def test_inferred_must_name_fields_and_carry_a_note(data_copy: Path) -> None:
    replace(data_copy / "organizations.csv", ",kcs-news-uk-2018,city,\"The source says", ",kcs-news-uk-2018,town,\"The source says")
    found = problems(data_copy)
    assert any("field 'inferred': expected names of fields of this file whose values are inferred, found 'town'" in p
               for p in found)


def test_every_problem_is_reported_in_one_run(data_copy: Path) -> None:
    replace(data_copy / "organizations.csv", "nesta,NESTA,", "nesta,,")
    replace(data_copy / "meetings.csv", ",2018-08-03,,london,urban", ",2018-8-3,,london,urban")
    replace(data_copy / "themes.csv", "blockchain,Blockchain,blockchains|distributed ledger,information-technologies",
            "blockchain,Blockchain,blockchains|distributed ledger,information-technology")
    found = problems(data_copy)
    assert len(found) == 3
    assert [Path(p.split(":")[0]).name for p in found] == ["meetings.csv", "organizations.csv", "themes.csv"]


def test_missing_data_directory(tmp_path: Path) -> None:
    assert problems(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: expected a data directory, found no such directory"]


def test_shape_violation_names_the_record(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A graph that passes the record checks but breaks a shape is reported with the record's place."""
    from ecosystem_graph import build as build_module
    from ecosystem_graph.errors import ShapeError
    from ecosystem_graph.namespaces import FOAF

    original = build_module.records_to_graph

    def without_names(records, base):  # a build bug the shapes must catch
        graph = original(records, base)
        graph.remove((None, FOAF.name, None))
        return graph

    monkeypatch.setattr(build_module, "records_to_graph", without_names)
    with pytest.raises(ShapeError) as caught:
        compile_graph(data_copy)
    text = str(caught.value)
    assert "people.csv:2 person/deyan-pushkarov (Deyan Pushkarov): foaf:name: A person must have exactly one " \
           "name (foaf:name)" in text
    assert "people.csv:3 person/adelina-hristova (Adelina Hristova)" in text


def test_records_reference_is_in_step_with_the_schema() -> None:
    from ecosystem_graph.recordsdoc import records_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "records.md"
    assert doc.read_text(encoding="utf-8") == records_markdown(), "run: python -m ecosystem_graph.recordsdoc > docs/records.md"


def test_yaml_list_item_that_is_not_a_record(data_copy: Path) -> None:
    replace(data_copy / "visits.yaml", "visits:\n  - id: uk-2018", "visits:\n  - just a line\n  - id: uk-2018")
    [message] = problems(data_copy)
    assert "visits.yaml: field 'visits': expected a record (key: value lines), found 'just a line'" in message


def _insert_cell(row: str) -> str:
    """The CSV row with an empty third cell (rows of the seed's people.csv have no quoted commas early)."""
    first, second, rest = row.split(",", 2)
    return f"{first},{second},Munich fair,{rest}"
