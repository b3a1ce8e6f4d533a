"""Synthetic ecosystems: deterministic, valid under the build's checks, realistically skewed, never
mixed with real records."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ecosystem_graph.cli import main
from ecosystem_graph.errors import EcosystemGraphError
from ecosystem_graph.geo import cities_by_id, countries_by_id
from ecosystem_graph.ontology import load_ontology, relation_names
from ecosystem_graph.records import load_records
from ecosystem_graph.synth import synthetic_files, write_synthetic

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    write_synthetic(out, 2000, seed=7)
    return out


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _digest(files: dict[str, str]) -> str:
    return hashlib.sha256("".join(f"{k}\n{v}" for k, v in sorted(files.items())).encode()).hexdigest()


def test_same_seed_same_bytes_other_seed_other_ecosystem() -> None:
    assert _digest(synthetic_files(400, seed=3)) == _digest(synthetic_files(400, seed=3))
    assert _digest(synthetic_files(400, seed=3)) != _digest(synthetic_files(400, seed=4))


def test_cli_writes_the_same_files_in_a_fresh_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    for name in ("one", "two"):
        done = subprocess.run([sys.executable, "-m", "ecosystem_graph", "synth", "--organizations", "300",
                               "--seed", "11", "--out", str(tmp_path / name)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "wrote" in done.stdout and "300 organizations" in done.stdout
    for path in (tmp_path / "one").iterdir():
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes(), path.name


def test_records_pass_every_check(folder: Path) -> None:
    records = load_records(folder, relations=relation_names(load_ontology()))
    assert len(records.all("organizations")) == 2000
    for table in ("people", "memberships", "visits", "meetings", "partnerships", "products", "events", "relations"):
        assert records.all(table), table
    assert any(r.get("inferred") for r in records.all("organizations"))
    assert any(not r.get("participants") for r in records.all("meetings"))  # attendees inherited, inferred


def test_taxonomies_are_the_real_ones(folder: Path) -> None:
    for name in ("themes.csv", "organization-types.csv"):
        real = [row["id"] for row in _rows(ROOT / "data", name)]
        assert [row["id"] for row in _rows(folder, name)] == real
    themes = {row["id"] for row in _rows(ROOT / "data", "themes.csv")}
    used = Counter(t for row in _rows(folder, "meetings.csv") for t in row["themes"].split("|"))
    assert set(used) <= themes


def test_cities_are_real_geonames_places_with_their_countries(folder: Path) -> None:
    places = _rows(folder, "places.csv")
    countries = {row["id"]: row for row in places if row["kind"] == "country"}
    for row in places:
        if row["kind"] == "city":
            city = cities_by_id()[int(row["geonames_id"])]
            assert (float(row["latitude"]), float(row["longitude"])) == \
                (round(city["latitude"], 5), round(city["longitude"], 5))
            country = countries_by_id()[int(countries[row["country"]]["geonames_id"])]
            assert country["iso"] == city["countrycode"]


def test_skew_cities_and_meetings_follow_heavy_tails(folder: Path) -> None:
    organizations = _rows(folder, "organizations.csv")
    by_city = Counter(row["city"] for row in organizations if row["city"])
    counts = sorted(by_city.values(), reverse=True)
    assert counts[0] >= 3 * counts[len(counts) // 2]  # big cities hold many organizations (more so at scale)
    met = Counter(row["organization"] for row in _rows(folder, "meetings.csv"))
    assert max(met.values()) >= 4 and Counter(met.values())[1] > len(met) / 3  # most met once, a few often
    meetings_per_visit = Counter(row["visit"] for row in _rows(folder, "meetings.csv"))
    assert max(meetings_per_visit.values()) >= 3 * sorted(meetings_per_visit.values())[len(meetings_per_visit) // 2]
    types = Counter(row["type"].split("|")[0] for row in organizations)
    assert types.most_common(1)[0][0] == "technology-company"


def test_the_data_says_it_is_synthetic(folder: Path) -> None:
    sources = {row["id"]: row for row in _rows(folder, "sources.csv")}
    assert "not real" in sources["synthetic"]["note"]
    assert all(row["source"] == "synthetic" for row in _rows(folder, "organizations.csv"))
    assert "Synthetic" in yaml.safe_load((folder / "project.yaml").read_text(encoding="utf-8"))["title"]


def test_never_writes_over_real_records(tmp_path: Path, data_copy: Path) -> None:
    before = {p.name: p.read_bytes() for p in data_copy.iterdir() if p.is_file()}
    result = CliRunner().invoke(main, ["synth", "-n", "50", "--out", str(data_copy)])
    assert result.exit_code == 1 and "never mixed with real ones" in result.output
    assert {p.name: p.read_bytes() for p in data_copy.iterdir() if p.is_file()} == before
    write_synthetic(tmp_path / "again", 50, seed=1)
    write_synthetic(tmp_path / "again", 60, seed=2)  # an earlier synthetic ecosystem may be replaced
    assert len(_rows(tmp_path / "again", "organizations.csv")) == 60
    with pytest.raises(EcosystemGraphError, match="at least 2"):
        synthetic_files(1)


# -- projects and participations shaped like CORDIS Horizon 2020 (issue 15) ---------------------------------


@pytest.fixture(scope="module")
def shaped() -> dict[str, str]:
    return synthetic_files(5000, seed=0)


def _table(files: dict[str, str], name: str) -> list[dict[str, str]]:
    import io

    return list(csv.DictReader(io.StringIO(files[name])))


def test_consortium_sizes_follow_cordis(shaped: dict[str, str]) -> None:
    from ecosystem_graph.shape import distribution
    from ecosystem_graph.synth import CORDIS_CONSORTIUM_SIZES

    sizes = Counter(row["project"] for row in _table(shaped, "participations.csv"))
    measured = distribution(sizes.values())
    cordis = [size for low, high, n in CORDIS_CONSORTIUM_SIZES if low == high for size in [low] * n]
    cordis_median = sorted(cordis)[len(cordis) // 2]  # the bins above 50 do not move the median
    assert measured.maximum >= 60
    assert abs(measured.median - cordis_median) <= 2
    assert 0.5 < Counter(sizes.values())[1] / len(sizes) < 0.65  # CORDIS: 57.8 % of projects have one organization


def test_a_few_organizations_are_in_hundreds_of_projects(shaped: dict[str, str]) -> None:
    per_org = Counter(row["organization"] for row in _table(shaped, "participations.csv"))
    counts = sorted(per_org.values(), reverse=True)
    assert counts[0] >= 200 and counts[len(counts) // 2] <= 3
    assert len(per_org) >= 0.95 * 5000  # (almost) every organization is in a project


def test_projects_and_participations_refer_to_existing_records(shaped: dict[str, str]) -> None:
    organizations = {row["id"] for row in _table(shaped, "organizations.csv")}
    projects = {row["id"]: row for row in _table(shaped, "projects.csv")}
    themes = {row["id"] for row in _table(shaped, "themes.csv")}
    participations = _table(shaped, "participations.csv")
    assert {row["organization"] for row in participations} <= organizations
    assert {row["project"] for row in participations} == set(projects)
    keys = [(row["project"], row["organization"]) for row in participations]
    assert len(keys) == len(set(keys))
    roles = Counter((row["project"], row["role"]) for row in participations)
    assert all(roles[(p, "coordinator")] == 1 for p in projects)
    assert {row["role"] for row in participations} == {"coordinator", "participant", "partner"}
    for row in projects.values():
        assert set(row["themes"].split("|")) <= themes and row["source"] == "synthetic"
        assert "2014-01-01" <= row["start"] <= "2020-12-31" and row["start"] <= row["end"]
        assert row["status"] in ("signed", "ongoing", "closed", "terminated")


def test_organizations_are_placed_like_cordis(shaped: dict[str, str]) -> None:
    places = {row["id"]: row for row in _table(shaped, "places.csv")}
    countries = Counter(places[row["country"]]["label"] for row in _table(shaped, "organizations.csv"))
    top = [name for name, _ in countries.most_common(5)]
    assert set(top) <= {"Germany", "Spain", "Italy", "United Kingdom", "France", "The Netherlands"}
    assert 0.6 < sum(n for _, n in countries.most_common(10)) / 5000 < 0.8  # CORDIS: 68.8 %


def test_same_seed_same_projects_and_the_rest_does_not_depend_on_them() -> None:
    one, two = synthetic_files(1500, seed=5), synthetic_files(1500, seed=5)
    assert one["projects.csv"] == two["projects.csv"] and one["participations.csv"] == two["participations.csv"]
    without = synthetic_files(1500, seed=5, projects=False)
    assert "projects.csv" not in without and "participations.csv" not in without
    assert {k: v for k, v in one.items() if k not in ("projects.csv", "participations.csv", "organizations.csv")} \
        == {k: v for k, v in without.items() if k != "organizations.csv"}


def test_projects_load_with_the_records(folder: Path) -> None:
    from ecosystem_graph.schema import TABLES_BY_NAME

    records = load_records(folder, relations=relation_names(load_ontology()))
    assert records.all("projects") and records.all("participations")
    assert TABLES_BY_NAME["projects"].names[:4] == ("id", "label", "acronym", "title")


def test_shape_measures_old_and_new_synthetic_folders(folder: Path, tmp_path: Path) -> None:
    from ecosystem_graph.shape import measure_records

    new = measure_records(folder)
    assert new.organizations >= 1900 and new.consortium.maximum > 10
    old = measure_records(folder, partnerships=True)
    assert 2 <= old.consortium.maximum <= 4  # partnerships keep their small sizes
    write_synthetic(tmp_path / "old", 300, seed=1, projects=False)
    assert measure_records(tmp_path / "old").consortium.maximum <= 4
