"""Doctests run in a temporary folder, so the examples that build a graph leave no files behind."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _doctests_in_a_temporary_folder(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> None:
    if isinstance(request.node, pytest.DoctestItem):
        monkeypatch.chdir(tmp_path)
