"""Every notebook runs top to bottom from a fresh kernel on the seed data, and is stored without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append(str(data.get("text/plain", "")) + str(data.get("text/html", "")) + output.get("text", ""))
    return "\n".join(parts)


def test_there_are_notebooks() -> None:
    assert {p.name for p in NOTEBOOKS} >= {"theme-landscape.ipynb", "sparql-cookbook.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"strip outputs of {path.name}"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_from_a_fresh_kernel(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    # Runs in the notebooks folder, as a person opening it would; errors raise CellExecutionError.
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = outputs_text(notebook)
    expected = {
        "sparql-cookbook": ["Deyan Pushkarov", "Universal TrustMe Engine", "London Tech Week", "Technology park"],
        "theme-landscape": ["Peterborough", "Smart cities", "image/png"],
        "partner-links": ["Cluster Sofia Knowledge City", "srcdoc"],
    }[path.stem]
    images = "image/png" if any("image/png" in o.get("data", {}) for c in notebook.cells
                                for o in c.get("outputs", [])) else ""
    for fragment in expected:
        assert fragment in text + images, f"{path.name}: {fragment!r} missing from the outputs"


@pytest.mark.browser
def test_inline_view_draws_inside_a_sandboxed_iframe(tmp_path: Path, kg) -> None:
    """What a notebook cell shows: the ego view inside an iframe's srcdoc, drawn, fetching nothing."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("no browser: Debian's chromium is not installed at /usr/bin/chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    from ecosystem_graph.notebook import iframe_html
    from ecosystem_graph.views import render_html, select_view

    view = select_view(kg, focus="NESTA", depth=1)
    page_file = tmp_path / "cell.html"
    page_file.write_text(f"<!DOCTYPE html><html><body>{iframe_html(render_html(view), 500)}</body></html>",
                         encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        requests, problems = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(page_file.as_uri())
        frame = page.frames[1]
        frame.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
        drawn = frame.evaluate("window.__view.state().drawn")
        browser.close()
    assert drawn == view.graph.number_of_nodes()
    assert problems == [] and requests == [page_file.as_uri()]
