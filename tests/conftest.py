"""Shared fixtures: the seed graph built once per session, and throw-away copies of the data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecosystem_graph import open_graph
from ecosystem_graph.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]
SEED_DATA = ROOT / "data"


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian chromium driven by Playwright, one per test module (Playwright's sync API
    runs one instance at a time)."""
    if not CHROMIUM.exists():
        pytest.skip("no browser: Debian's chromium is not installed at /usr/bin/chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder holding the seed graph, built once for the whole session."""
    out = tmp_path_factory.mktemp("seed") / "build"
    open_graph(SEED_DATA, out, rebuild=True)
    return out


@pytest.fixture(scope="session")
def kg(seed_build: Path) -> KnowledgeGraph:
    """The seed graph in the default store."""
    return open_graph(SEED_DATA, seed_build, rebuild=False)


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the seed data that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(SEED_DATA, target)
    return target


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes several seconds (measures how work grows with input); "
                                       "deselect with -m 'not slow'")
