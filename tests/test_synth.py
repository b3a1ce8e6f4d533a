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
