"""ecosystem-graph: an innovation ecosystem's records as a knowledge graph.

The stages, one module each: :mod:`.records` (read and check records), :mod:`.triples`
(records to RDF), :mod:`.shapes` (SHACL), :mod:`.build` (write the graph), :mod:`.stores`
(hold it), :mod:`.queries` and :mod:`.graph` (ask it questions).

>>> import ecosystem_graph as eg
>>> kg = eg.open_graph()
>>> len(kg.rows("meetings"))
8
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import EcosystemGraphError, QueryError, RecordError, ShapeError, StoreError

if TYPE_CHECKING:  # what type checkers see; at run time these load on first use (__getattr__)
    from .build import build as build_graph
    from .build import compile_graph
    from .graph import KnowledgeGraph, open_graph, result_rows
    from .records import load_records

#: Public names loaded on first use (PEP 562) -> (module, name in it). Importing the package
#: loads none of them, so that ``ecosystem-graph --help`` and the CLI's other light commands do
#: not wait for the build stack (rdflib's SPARQL engine, the record reader, the shapes).
_LAZY: dict[str, tuple[str, str]] = {
    "KnowledgeGraph": ("graph", "KnowledgeGraph"),
    "build_graph": ("build", "build"),
    "compile_graph": ("build", "compile_graph"),
    "load_records": ("records", "load_records"),
    "open_graph": ("graph", "open_graph"),
    "result_rows": ("graph", "result_rows"),
}

__all__ = [
    "EcosystemGraphError", "KnowledgeGraph", "QueryError", "RecordError", "ShapeError", "StoreError",
    "build_graph", "compile_graph", "load_records", "open_graph", "result_rows",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Load a public name of :data:`_LAZY` from its module on first use."""
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        # AttributeError, not KeyError: ``from ecosystem_graph import build`` then imports the submodule.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value  # later look-ups find it without calling __getattr__ again
    return value


def __dir__() -> list[str]:
    """The module's names, including the public ones not loaded yet."""
    return sorted({*globals(), *__all__})
