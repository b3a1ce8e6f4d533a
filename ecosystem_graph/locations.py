"""Where the project's own files are: the ontology, the shapes and the named queries.

They are files an analyst edits, not code. In a checkout (or an editable install) they are
the repository's ``ontology/`` and ``queries/``; an installed wheel carries copies under
``share/ecosystem-graph``; ``ECOSYSTEM_GRAPH_HOME`` points elsewhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["default_data_dir", "ontology_path", "project_home", "queries_dir", "shapes_path"]

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def project_home() -> Path:
    """The folder holding ``ontology/`` and ``queries/``.

    >>> (project_home() / "ontology" / "ecosystem.ttl").exists()
    True
    """
    candidates = [
        os.environ.get("ECOSYSTEM_GRAPH_HOME"),
        _PACKAGE_ROOT,
        Path(sys.prefix) / "share" / "ecosystem-graph",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "ontology" / "ecosystem.ttl").exists():
            return Path(candidate)
    raise FileNotFoundError(
        "cannot find the ontology/ folder; set ECOSYSTEM_GRAPH_HOME to the project's folder")


def ontology_path() -> Path:
    return project_home() / "ontology" / "ecosystem.ttl"


def shapes_path() -> Path:
    return project_home() / "ontology" / "shapes.ttl"


def queries_dir() -> Path:
    return project_home() / "queries"


def default_data_dir() -> Path:
    """``data/`` of the current folder, else the seed data shipped with the project."""
    local = Path("data")
    return local if local.is_dir() else project_home() / "data"
