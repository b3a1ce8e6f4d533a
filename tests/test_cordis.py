"""The CORDIS example end to end on a slice of the real files: import, build, query, analyse.

The slice is every project whose record control number is divisible by 25 (about 1,260 projects,
4 % of Horizon 2020) with the organizations they name; the expected answers are computed here
from the raw CSV files with the csv module alone, never from the pipeline under test.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from ecosystem_graph import analytics, network
from ecosystem_graph.graph import open_graph
from ecosystem_graph.importer import run_import

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cordis-h2020"
FRAUNHOFER = "999984059"
EVERY = 25

pytestmark = pytest.mark.slow


def _read(name: str) -> list[dict[str, str]]:
    opener = gzip.open if name.endswith(".gz") else open
    with opener(EXAMPLE / name, "rt", encoding="utf-8", newline="") as stream:  # type: ignore[operator]
        return list(csv.DictReader(stream))


def _write(path: Path, rows: list[dict[str, str]], gz: bool = False) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, list(rows[0]), lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    data = text.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)


@pytest.fixture(scope="module")
def cordis_slice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("cordis")
    source = folder / "source"
    shutil.copytree(EXAMPLE, source)
    participations = [r for r in _read("h2020.csv.gz") if int(r["rcn"]) % EVERY == 0]
    pics = {r["pic"] for r in participations}
    organizations = [r for r in _read("stacked_dump.csv") if r["orgId"] in pics]
    _write(source / "h2020.csv.gz", participations, gz=True)
    _write(source / "stacked_dump.csv", organizations)
    report = run_import(source, source / "mapping.yaml", folder / "data")
    kg = open_graph(folder / "data", folder / "build", store="oxigraph")
    return {"report": report, "kg": kg, "participations": participations, "organizations": organizations}


def test_slice_imports_every_named_participation(cordis_slice: dict[str, object]) -> None:
    report = cordis_slice["report"]
    named = {r["orgId"] for r in cordis_slice["organizations"]}  # type: ignore[attr-defined]
    expected = sum(r["pic"] in named for r in cordis_slice["participations"])  # type: ignore[attr-defined]
    assert len(report.tables["participations"].added) == expected  # type: ignore[attr-defined]
    assert report.places.placed / report.places.total >= 0.97  # type: ignore[attr-defined]


def test_fraunhofer_is_among_the_top_networkers(cordis_slice: dict[str, object]) -> None:
    kg = cordis_slice["kg"]
    partners = network.partner_network(kg)  # type: ignore[arg-type]
    top = [row["label"] for row in analytics.centrality(partners)[:5]]
    assert any("FRAUNHOFER GESELLSCHAFT" in label for label in top), top


def test_a_projects_partners_match_the_raw_files(cordis_slice: dict[str, object]) -> None:
    rows = cordis_slice["participations"]
    names = {r["orgId"]: r["name"] for r in cordis_slice["organizations"]}  # type: ignore[attr-defined]
    by_project: dict[str, set[str]] = defaultdict(set)
    for r in rows:  # type: ignore[attr-defined]
        if r["pic"] in names:
            by_project[r["rcn"]].add(r["pic"])
    shared: Counter[str] = Counter()
    for pics in by_project.values():
        if FRAUNHOFER in pics:
            shared.update(pics - {FRAUNHOFER})
    kg = cordis_slice["kg"]
    rows = kg.rows("partners", organization="Fraunhofer")  # type: ignore[attr-defined]
    got = {str(row["label"]): int(row["shared_projects"]) for row in rows}
    assert got == {names[pic]: n for pic, n in shared.items()}
