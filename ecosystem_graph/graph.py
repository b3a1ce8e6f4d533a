"""The Python API the command line, notebooks and tests share.

>>> kg = open_graph()
>>> [row["label"] for row in kg.rows("organizations-in-city", city="Peterborough")]
['Opportunity Peterborough', 'Peterborough City Council']
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.query import Result

from .answers import paged
from .build import GRAPH_FILE, build, build_store, is_stale, read_manifest, store_is_stale
from .errors import QueryError, QuerySyntaxError, StoreError
from .kinds import PARAMETER_KINDS
from .locations import default_data_dir
from .lookup import find_entity
from .namespaces import DEFAULT_BASE_IRI, bind_prefixes
from .progress import Progress
from .queries import NamedQuery, bind, get_query, iri_term, load_library, value_term, with_prologue
from .results import select_rows
from .stores import Store, open_store

__all__ = ["AUTO_STORE", "KnowledgeGraph", "open_graph", "result_rows"]

#: The default store: the build's own Oxigraph store when it keeps one, else ``memory``.
AUTO_STORE = "auto"

if TYPE_CHECKING:
    import pandas

T = TypeVar("T")

@dataclass
class KnowledgeGraph:
    """A built graph in a store, with the named queries that run on it."""

    store: Store
    base_iri: str = DEFAULT_BASE_IRI
    query_dirs: list[Path] = field(default_factory=list)

    def query(self, sparql: str) -> Result:
        """Run SPARQL text; the project's prefixes are declared for you.

        A syntax error is reported at its position in ``sparql`` itself.
        """
        return self._run(self.store.query, sparql)

    def text_rows(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """A SELECT's rows as plain text, read natively where the store can (see
        :func:`~ecosystem_graph.stores.text_rows`); for reading many rows fast.

        >>> sorted(open_graph().text_rows("SELECT ?id WHERE { ?c a schema:Country ; dct:identifier ?id }"))
        [('austria',), ('bulgaria',), ('italy',), ('slovenia',), ('united-kingdom',)]
        """
        return self._run(self.store.text_rows, sparql)

    def _run(self, run: Callable[[str], T], sparql: str) -> T:
        """``run`` on ``sparql`` with the project's prefixes; a syntax error is placed in ``sparql``."""
        full = with_prologue(sparql, self.base_iri)
        try:
            return run(full)
        except QuerySyntaxError as exc:
            raise exc.shifted(sparql, full.count("\n") - sparql.count("\n")) from None

    def named(self, name: str, **params: str) -> Result:
        """Run the named query ``name`` with parameters given as ids, labels or values."""
        return self.page(name, None, 0, params)

    def page(self, name: str, limit: int | None, offset: int = 0, params: Mapping[str, str] | None = None) -> Result:
        """Rows ``offset`` to ``offset + limit`` of the named query ``name`` (all rows with ``limit``
        ``None``), its parameters in ``params``.

        A store that keeps answers per graph generation (``oxigraph:PATH``, the build's own store)
        answers from the kept answer, made on first use (see :mod:`.answers`): later pages, and
        the same question asked again, cost what reading the rows costs.

        >>> [str(row.label) for row in open_graph().page("organizations", 2, offset=1)]
        ['Collider Accelerator', 'Future Cities Catapult']
        """
        query = get_query(name, self.query_dirs)
        text = self.bind_params(query, params or {})
        asked = any((params or {}).values())
        kept = self._run(lambda full: self.store.kept_answer(full, limit, offset, asked), text)
        if kept is not None:
            return kept
        return self.query(paged(text, limit, offset))

    def rows(self, name: str, **params: str) -> list[dict[str, Any]]:
        """A named query's result as a list of dicts of Python values (labels, dates, IRIs as text)."""
        return result_rows(self.named(name, **params))

    def dataframe(self, name: str, **params: str) -> pandas.DataFrame:
        """A named query's result as a pandas DataFrame, one column per result variable."""
        import pandas

        result = self.named(name, **params)
        return pandas.DataFrame(result_rows(result), columns=[str(v) for v in result.vars or []])

    def library(self) -> dict[str, NamedQuery]:
        return load_library(self.query_dirs)

    def bind_params(self, query: NamedQuery, params: Mapping[str, str | None], engine: str | None = None) -> str:
        """The query's text for ``engine`` (default: this store's; its variant, if it has one) with
        its parameters bound; unknown, missing or unresolvable ones raise."""
        bindings: dict[str, URIRef | Literal] = {}
        for name, value in params.items():
            if value is None or value == "":
                continue
            param = query.param(name)
            bindings[param.variable] = (self.resolve(param.kind, value, name) if param.kind in PARAMETER_KINDS
                              else value_term(param, value))
        missing = [p.name for p in query.params if p.required and p.variable not in bindings]
        if missing:
            raise QueryError(f"query {query.name!r} needs parameter {missing[0]!r} "
                             f"(--param {missing[0]}=...): {query.param(missing[0]).help}")
        return bind(query.text_for(engine or self.store.sparql_engine), bindings)

    def resolve(self, kind: str, value: str, name: str | None = None) -> URIRef:
        """The entity of ``kind`` that ``value`` names: an IRI, an identifier, a label or alternative
        label (case and accents ignored), an acronym in one label, or a clear near miss (see
        :mod:`.lookup`); the last two are logged as a note (``ecosystem_graph.lookup``, warning level)
        saying what ``value`` was read as.
        """
        if value.startswith(("http://", "https://", "urn:")):
            return iri_term(value, f"parameter {name or kind!r}")
        found = find_entity(self, kind, value, name)
        if found.note:
            logging.getLogger("ecosystem_graph.lookup").warning(found.note)
        return found.entity

    def stats(self) -> list[tuple[str, str, int]]:
        """(class, label, count) of every class with entities, largest first, then triples."""
        result = self.query("""
            SELECT ?class (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?s) AS ?count) WHERE {
              ?s a ?class . OPTIONAL { ?class rdfs:label ?l }
              FILTER (?class NOT IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                      owl:AnnotationProperty, rdf:Property, owl:Ontology, owl:NamedIndividual,
                      owl:SymmetricProperty, owl:TransitiveProperty, owl:FunctionalProperty,
                      skos:ConceptScheme))
              FILTER EXISTS { ?s dct:identifier ?id }
            } GROUP BY ?class ORDER BY DESC(?count) ?class""")
        rows = [(self.compact(row[0]), str(row[1] or ""), int(row[2])) for row in select_rows(result)]
        triples = int(next(select_rows(self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0])
        return [*rows, ("(triples)", "all statements, ontology included", triples)]

    def compact(self, term: object) -> str:
        """A short form of an IRI: ``eco:Meeting``, or ``organization/nesta`` under the base."""
        text = str(term)
        if isinstance(term, URIRef) and text.startswith(self.base_iri):
            return text[len(self.base_iri):]
        if isinstance(term, URIRef):
            return _namespace_manager().normalizeUri(term)
        return text

    def rdflib_graph(self) -> Graph:
        """The whole graph as an rdflib graph, for analytics and views."""
        return self.store.graph()


@lru_cache(maxsize=1)
def _namespace_manager() -> NamespaceManager:
    return bind_prefixes(Graph()).namespace_manager


def result_rows(result: Result) -> list[dict[str, Any]]:
    """Rows of a SELECT result as dicts of Python values; unbound variables are ``None``."""
    names = [str(v) for v in result.vars or []]
    return [{n: (None if t is None else t.toPython() if isinstance(t, Literal) else str(t))
             for n, t in zip(names, row)} for row in select_rows(result)]


def open_graph(data_dir: str | Path | None = None, build_dir: str | Path = "build",
               store: str | None = None, rebuild: bool | None = None,
               base_iri: str | None = None) -> KnowledgeGraph:
    """The graph of ``data_dir``, built into ``build_dir`` first when missing or older than the data.

    ``store`` names the store (default ``ECOSYSTEM_GRAPH_STORE``, else ``auto``); ``rebuild``
    forces (True) or forbids (False) a rebuild, default only when stale.

    ``auto`` reads the Oxigraph store a build keeps in ``build_dir`` (``build/store``, made for
    data folders of more than :data:`~ecosystem_graph.build.STORE_RECORDS_LIMIT` records), else
    the build's Turtle in rdflib's memory store; ``memory`` always reads the Turtle.

    A persistent store (``oxigraph:PATH``) holds the graph itself: ``build_dir`` is not used, the
    graph is built straight into the store when stale, and without ``data_dir`` the store is
    compared with the data folder it was last built from.
    """
    spec = store or os.environ.get("ECOSYSTEM_GRAPH_STORE") or AUTO_STORE
    opened = None if spec == AUTO_STORE else open_store(spec)
    if opened is not None and opened.persistent:
        return _open_persistent(opened, Path(data_dir) if data_dir else None, rebuild, base_iri)
    data = Path(data_dir) if data_dir else default_data_dir()
    out = Path(build_dir)
    if rebuild or (rebuild is None and is_stale(data, out, base_iri)):
        build(data, out, base_iri=base_iri, progress=Progress(None, "building"))
    manifest = read_manifest(out) or {}
    if opened is None and manifest.get("store"):
        opened = _build_store(out, manifest)
    elif opened is None:
        opened = open_store("memory")
    if not opened.persistent:
        opened.load_file(out / GRAPH_FILE)
    extra = [data / "queries"] if (data / "queries").is_dir() else []
    return KnowledgeGraph(opened, manifest.get("base_iri") or base_iri or DEFAULT_BASE_IRI, extra)


def _build_store(out: Path, manifest: dict[str, Any]) -> Store:
    """The store a build keeps in ``out``, opened, with the build's file of the same triples as its
    snapshot (read instead of the store where every triple is wanted)."""
    from .stores.oxigraph import OxigraphStore, Snapshot

    store = OxigraphStore(str(out / manifest["store"]))
    store.open()
    noted: Any = manifest.get("snapshot")
    try:
        store.snapshot = Snapshot(str(manifest["generation"]), out / Path(noted["file"]).name, int(noted["size"]),
                                  int(noted["mtime_ns"]))
    except (KeyError, TypeError, ValueError):
        pass  # no note, or one a hand changed: the store is read itself
    return store


def _open_persistent(store: Any, data_dir: Path | None, rebuild: bool | None,
                     base_iri: str | None) -> KnowledgeGraph:
    """Open a persistent store, building into it first when it is stale (and no other build is running)."""
    manifest = store.manifest()
    data = data_dir
    if data is None:
        built_from = Path(manifest["data_dir"]) if manifest and manifest.get("data_dir") else None
        data = built_from if built_from is not None else (default_data_dir() if manifest is None else None)
    wanted = data is not None and rebuild is not False and (
        rebuild or manifest is None or (data.is_dir() and store_is_stale(manifest, data, base_iri)))
    if wanted:
        assert data is not None  # wanted only with a data folder
        try:
            build_store(data, store, base_iri=base_iri)  # a missing data folder is reported here
        except StoreError as exc:
            # Another build is writing the store: read the complete graph it has now.
            if manifest is None or "is locked" not in str(exc) or rebuild:
                raise
            import warnings

            warnings.warn(f"{exc}; reading its current graph, which may be older than the data", stacklevel=3)
        manifest = store.manifest()
    # Open (and hold) the current generation now, with a clear error if there is none.
    store.open()
    extra = [data / "queries"] if data is not None and (data / "queries").is_dir() else []
    return KnowledgeGraph(store, (manifest or {}).get("base_iri") or base_iri or DEFAULT_BASE_IRI, extra)
