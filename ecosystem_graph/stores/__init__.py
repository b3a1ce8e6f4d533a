"""Stores hold the built graph and answer SPARQL; each kind is registered by name.

``open_store("memory")`` is rdflib's in-memory graph, loaded from the build folder's Turtle;
``oxigraph`` is Oxigraph in memory, loaded the same way; ``oxigraph:PATH`` is a persistent, embedded
Oxigraph store in folder ``PATH`` that a build writes into and readers open directly
(:mod:`.oxigraph`); ``sparql:URL`` is the graph in a remote SPARQL 1.1 store (:mod:`.sparql`).
A spec is ``NAME`` or ``NAME:ARGUMENT``.

Every kind keeps the contract of :class:`~.base.Store`. Other packages add kinds, as rdflib
plugins do, with an entry point in the group ``ecosystem_graph.stores`` naming a ``Store``
subclass (``mystore = "mypackage.store:MyStore"``), or with :func:`register_store`.

>>> store = open_store("memory")
>>> store.load_file(__import__("pathlib").Path(__file__).resolve().parents[2] / "ontology" / "ecosystem.ttl")
>>> store.query("ASK { ?s ?p ?o }").askAnswer
True
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from ..errors import StoreError
from .base import Check, NTriplesFiles, PersistentStore, Store, TextTriple, decimal_text
from .memory import MemoryStore

__all__ = ["ENTRY_POINT_GROUP", "Check", "MemoryStore", "NTriplesFiles", "PersistentStore", "Store", "TextTriple",
           "decimal_text", "is_remote_spec", "open_store", "register_store", "store_names"]

#: The entry-point group third-party store kinds register in.
ENTRY_POINT_GROUP = "ecosystem_graph.stores"

_REGISTRY: dict[str, type[Store] | str] = {
    "memory": MemoryStore,
    "oxigraph": "ecosystem_graph.stores.oxigraph:OxigraphStore",
    "sparql": "ecosystem_graph.stores.sparql:SparqlStore",
}
_plugins_read = False


def register_store(name: str, kind: type[Store] | str) -> None:
    """Make a store kind available to ``open_store`` and ``--store`` under ``name``.

    ``kind`` is a :class:`Store` subclass whose constructor takes the spec's argument (after
    ``NAME:``); it may be given as ``"package.module:Class"``, imported only when needed.

    >>> register_store("example", "ecosystem_graph.stores.memory:MemoryStore")
    >>> open_store("example").count()
    0
    >>> _ = _REGISTRY.pop("example")
    """
    _REGISTRY[name] = kind


def _registry() -> dict[str, type[Store] | str]:
    """The kinds, with those of installed packages' entry points (read once; built-in names win)."""
    global _plugins_read
    if not _plugins_read:
        _plugins_read = True
        for point in entry_points(group=ENTRY_POINT_GROUP):
            _REGISTRY.setdefault(point.name, point.value)
    return _REGISTRY


def _kind(name: str) -> type[Store]:
    kind = _registry()[name]
    if isinstance(kind, str):
        module, _, attribute = kind.partition(":")
        try:
            kind = getattr(importlib.import_module(module), attribute)
        except ImportError as exc:
            raise StoreError(f"store kind {name!r} needs a package that is not installed ({exc.name})") from None
        except AttributeError:
            raise StoreError(f"store kind {name!r}: {module} has no {attribute}") from None
        if not (isinstance(kind, type) and issubclass(kind, Store)):
            raise StoreError(f"store kind {name!r}: {module}:{attribute} is not a Store subclass")
        _REGISTRY[name] = kind
    return kind


def is_remote_spec(spec: str | None) -> bool:
    """Whether the store a spec names lives on another server (and so is reached over the network).

    >>> is_remote_spec("sparql:http://localhost:8890/sparql"), is_remote_spec("oxigraph:build/store")
    (True, False)
    """
    name = (spec or "").partition(":")[0]
    return name in _registry() and _kind(name).remote


def store_names() -> list[str]:
    """The names of the store kinds, built-in and registered."""
    return sorted(_registry())


def open_store(spec: str) -> Store:
    """Open the store a spec names: ``memory``, or ``KIND:ARGUMENT`` for other kinds."""
    name, _, argument = spec.partition(":")
    if name not in _registry():
        raise StoreError(f"unknown store {spec!r}; expected one of memory, oxigraph, oxigraph:PATH"
                         + "".join(f", {n}:..." for n in store_names() if n not in ("memory", "oxigraph")))
    return _kind(name)(argument)  # type: ignore[call-arg]
