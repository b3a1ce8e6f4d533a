"""Oxigraph stores: ``oxigraph`` (in memory) and ``oxigraph:PATH`` (persistent, embedded, on disk).

A persistent store is a folder of *generations*, each a complete Oxigraph database::

    PATH/store.json          marks the folder as a store
    PATH/current -> gen-0007 the generation readers open (a symbolic link)
    PATH/gen-0007/oxigraph/  the Oxigraph (RocksDB) database
    PATH/gen-0007/manifest.json   what it was built from, how it was checked
    PATH/gen-0007/readers.lock    readers hold a shared lock on it while they read
    PATH/writer.lock         the build holds it: one build at a time

A build loads a new generation with Oxigraph's bulk loader, checks it, writes its manifest,
flushes every file to disk, and only then points ``current`` at it with one atomic rename. A
build killed at any moment therefore leaves ``current`` on the complete old generation (or, past
the rename, the complete new one); the half-loaded generation is removed by the next build.
Readers open ``current`` read-only and never block a build, nor a build them. An old
generation is deleted once no reader holds it.

Query results come back as rdflib ``Result`` objects (a SELECT's rows converted as they are read), so
callers cannot tell the stores apart; :meth:`OxigraphStore.query_serialized` writes them with
Oxigraph's own serializers instead.

>>> store = OxigraphStore()
>>> store.load_file(__import__("pathlib").Path(__file__).resolve().parents[3] / "ontology" / "ecosystem.ttl")
>>> store.query("ASK { ?s ?p ?o }").askAnswer
True
>>> row = next(iter(store.query("SELECT (COUNT(*) AS ?n) (STR('x') AS ?s) WHERE { ?a ?b ?c }")))
>>> int(row.n) > 100, row.s
(True, rdflib.term.Literal('x'))
"""

from .store import OxigraphStore, Snapshot

__all__ = ["OxigraphStore", "Snapshot"]
