"""Hostile record files (issue 13): each is refused in bounded time with the file, line and field
named, and never becomes a graph that Turtle or SPARQL cannot hold.

The whole inputs are in tests/hostile/; the rest are one-cell changes to a copy of the seed data.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecosystem_graph.errors import RecordError
from ecosystem_graph.ontology import load_ontology, relation_names
from ecosystem_graph.records import MAX_YAML_DEPTH, load_records

HOSTILE = Path(__file__).resolve().parent / "hostile"
FUTURE_CITIES_HOMEPAGE = "smart cities.,,kcs-news-uk-2018"


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(RecordError) as caught:
        load_records(data_dir, relations=relation_names(load_ontology()))
    return [str(p) for p in caught.value.problems]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_hostile(data_copy: Path, name: str) -> None:
    with (data_copy / "visits.yaml").open("a", encoding="utf-8") as out:
        out.write((HOSTILE / name).read_text(encoding="utf-8"))


def cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecosystem_graph", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


# -- YAML that expands or nests without bound --------------------------------------------------

def test_an_alias_bomb_is_refused_at_the_alias(data_copy: Path) -> None:
    seed_lines = (data_copy / "visits.yaml").read_text(encoding="utf-8").count("\n")
    append_hostile(data_copy, "yaml-alias-bomb.yaml")
    [message] = problems(data_copy)
    # The first alias (*a0) is on the 5th line of the fragment appended after the seed's lines.
    assert message.endswith(f"visits.yaml:{seed_lines + 5}: expected values written out, without YAML "
                            "aliases (*name), found the alias *a0")


def test_a_single_alias_is_refused_too(data_copy: Path) -> None:
    # Six levels of a bomb once built "successfully" with 4.7 million goals: no alias is taken at all.
    replace(data_copy / "visits.yaml", "    goals:\n", "    goals: &g\n")
    replace(data_copy / "visits.yaml", "    themes: [organizational", "    also: *g\n    themes: [organizational")
    [message] = problems(data_copy)
    assert "found the alias *g" in message


def test_an_alias_bomb_exits_with_a_message_in_bounded_time(data_copy: Path) -> None:
    append_hostile(data_copy, "yaml-alias-bomb.yaml")
    done = cli("validate", str(data_copy), cwd=data_copy.parent, timeout=60)
    assert done.returncode != 0
    assert "without YAML aliases" in done.stderr and "Traceback" not in done.stderr


def test_nesting_past_the_bound_is_a_problem_not_a_recursion_error(data_copy: Path) -> None:
    append_hostile(data_copy, "yaml-deep-nesting.yaml")
    [message] = problems(data_copy)
    assert f"expected at most {MAX_YAML_DEPTH} levels of nesting, found deeper nesting" in message
    assert "visits.yaml:" in message


def test_nesting_past_libyaml_s_own_limit_is_a_syntax_problem(data_copy: Path) -> None:
    (data_copy / "visits.yaml").write_text("deep: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    found = problems(data_copy)
    assert any("visits.yaml:1: expected valid YAML" in p for p in found), found


# -- values Turtle and SPARQL cannot hold -----------------------------------------------------

@pytest.mark.parametrize("url", ["https://example.org/a\nb", "https://example.org/a\tb",
                                 "https://example.org/a\x01b", "https://example.org/a b"])
def test_an_address_with_a_line_break_tab_or_control_is_refused(data_copy: Path, url: str) -> None:
    replace(data_copy / "organizations.csv", FUTURE_CITIES_HOMEPAGE,
            f'smart cities.,"{url}",kcs-news-uk-2018')
    [message] = problems(data_copy)
    assert "organizations.csv:3: field 'homepage': expected " in message
    assert ("an http(s) address" in message) != ("text without control characters" in message)


def test_a_refused_address_never_reaches_the_turtle(data_copy: Path, tmp_path: Path) -> None:
    replace(data_copy / "organizations.csv", FUTURE_CITIES_HOMEPAGE,
            'smart cities.,"https://example.org/a\nb",kcs-news-uk-2018')
    done = cli("build", str(data_copy), "--out", str(tmp_path / "build"), cwd=tmp_path)
    assert done.returncode != 0 and "field 'homepage'" in done.stderr
    assert not (tmp_path / "build" / "graph.ttl").exists()


@pytest.mark.parametrize("table, old, new, field", [
    ("organizations.csv", "Organization supporting cities'", "Organization\x01 supporting cities'", "description"),
    ("organizations.csv", "kc-sofia,Cluster Sofia Knowledge City,", "kc-sofia,Cluster Sofia\x00 Knowledge City,",
     "label"),
])
def test_a_control_character_in_text_is_refused_with_its_position(data_copy: Path, table: str, old: str,
                                                                   new: str, field: str) -> None:
    replace(data_copy / table, old, new)
    found = problems(data_copy)
    assert any(f"field '{field}': expected text without control characters, found U+000" in p for p in found), found


def test_a_control_character_escaped_in_yaml_is_refused(data_copy: Path) -> None:
    replace(data_copy / "visits.yaml", "label: Working visits of", 'label: "Working\\x07 visits of"\n    x_:')
    found = problems(data_copy)
    assert any("field 'label': expected text without control characters, found U+0007 at character 8" in p
               for p in found), found


def test_line_breaks_and_tabs_in_a_description_are_text(data_copy: Path) -> None:
    replace(data_copy / "organizations.csv", ",Organization supporting cities' transformation into smart cities.,",
            ',"Organization\tsupporting\ncities\' transformation into smart cities.",')
    [catapult] = [o for o in load_records(data_copy).all("organizations") if o.key == "future-cities-catapult"]
    assert catapult.get("description").startswith("Organization\tsupporting\ncities'")


@pytest.mark.parametrize("value", ["1" * 19, "1" * 4000, "1" * 5000])
def test_a_number_past_64_bits_is_refused_and_quoted_short(data_copy: Path, value: str) -> None:
    replace(data_copy / "events.csv", ",55000,", f",{value},")
    [message] = problems(data_copy)
    assert "field 'attendees_at_least': expected a whole number" in message
    assert len(message) < 400
    assert f"({len(value):,} characters)" in message if len(value) > 200 else repr(value) in message


def test_the_largest_64_bit_count_is_taken(data_copy: Path) -> None:
    replace(data_copy / "events.csv", ",55000,", ",999999999999999999,")
    [event] = [e for e in load_records(data_copy).all("events") if e.key == "london-tech-week"]
    assert event.get("attendees_at_least") == 999_999_999_999_999_999


@pytest.mark.parametrize("value", ["nan", "inf", "-infinity", "1e400", "5_1"])
def test_a_coordinate_must_be_a_finite_decimal(data_copy: Path, value: str) -> None:
    text = (data_copy / "places.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    latitude = header.split(",").index("latitude")
    cells = first.split(",")
    replace(data_copy / "places.csv", first, ",".join([*cells[:latitude], value, *cells[latitude + 1:]]))
    found = problems(data_copy)
    assert any("places.csv:2: field 'latitude': expected" in p and repr(value) in p for p in found), found


def test_yaml_numbers_are_checked_as_written(data_copy: Path) -> None:
    # YAML would read 0x10 as 16 and 1_0 as 10; a record file means what the cell says.
    replace(data_copy / "visits.yaml", "label: Working visits of", "order: 0x10\n    label: Working visits of")
    found = problems(data_copy)
    assert any("'order'" in p for p in found), found


# -- files that are not files -------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("name", ["meetings.csv", "visits.yaml", "project.yaml", "review.draft.yaml"])
def test_a_named_pipe_in_place_of_a_record_file_is_refused_at_once(data_copy: Path, name: str) -> None:
    (data_copy / name).unlink(missing_ok=True)
    os.mkfifo(data_copy / name)
    done = cli("validate", str(data_copy), cwd=data_copy.parent, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert f"{name}: expected a regular file, found a named pipe (FIFO)" in done.stderr


def test_a_directory_in_place_of_a_record_file_is_refused(data_copy: Path) -> None:
    (data_copy / "organizations.csv").unlink()
    (data_copy / "organizations.csv").mkdir()
    found = problems(data_copy)
    assert any(p.endswith("organizations.csv: expected a regular file, found a directory") for p in found), found
