"""Records -> checked graph -> files under ``build/``, written atomically.

Two paths lead there, chosen by size. Up to :data:`STORE_RECORDS_LIMIT` records the graph is made
in rdflib, checked against every shape and written by rdflib's serializers. Larger data folders
take the streaming path of :func:`build_store`: the triples are written to N-Triples files
(:mod:`.spool`, by two processes on large builds), loaded into an Oxigraph store kept in the build
folder (``build/store``) and checked there (every record; the shapes on a sample plus the
graph-wide rules, or all with ``shacl="full"``), while a second process writes the files from the
same N-Triples with Oxigraph's serializers. Reading commands then query that store instead of parsing
the Turtle again (:func:`~ecosystem_graph.graph.open_graph`). Either way the same inputs give the
same bytes.

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> result = build(Path(__file__).resolve().parents[1] / "data", out)
>>> sorted(p.name for p in result.files)
['ecosystem.ttl']
>>> is_stale(Path(__file__).resolve().parents[1] / "data", out)
False
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from . import locations
from .errors import EcosystemGraphError, ShapeError
from .files import Content, Staged, flush_to_disk, write_atomically
from .forked import in_two_processes
from .namespaces import DEFAULT_BASE_IRI, bind_prefixes
from .ontology import load_ontology, relation_names, shapes_graph
from .records import Records, load_records
from .shapes import Violation, check_shapes
from .spool import spool_folder, spool_triples
from .stores.base import NTriplesFiles
from .triples import NTriplesSink, records_to_graph

__all__ = ["BuildResult", "CompiledGraph", "FORMATS", "FULL_SHACL_LIMIT", "GRAPH_FILE", "MANIFEST_FILE",
           "SHACL_MODES", "STORE_DIR", "STORE_RECORDS_LIMIT", "StoreBuildResult", "build", "build_store",
           "compile_graph", "fingerprint", "input_files", "is_stale", "ontology_ntriples", "read_manifest",
           "serialize", "shape_error", "store_is_stale", "validate"]

if TYPE_CHECKING:
    from .progress import Progress
    from .stores import PersistentStore, Store

GRAPH_FILE = "ecosystem.ttl"
MANIFEST_FILE = "manifest.json"
#: The build folder's Oxigraph store, made by builds of more than STORE_RECORDS_LIMIT records.
STORE_DIR = "store"
#: Above this many records a build streams into ``build/store`` and writes its files from there:
#: rdflib's graph, full pySHACL and serializer took 155 s for 20,000 synthetic organizations
#: (~60,000 records) where the streaming path takes a tenth; below it both take about a second.
STORE_RECORDS_LIMIT = 2_000
#: --format name -> (rdflib serializer, file suffix)
FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", ".ttl"),
    "jsonld": ("json-ld", ".jsonld"),
    "nt": ("nt", ".nt"),
    "trig": ("trig", ".trig"),
}


@dataclass
class CompiledGraph:
    """The graph of a data directory: its records, data triples and the ontology."""

    records: Records
    data: Graph
    ontology: Graph
    base_iri: str
    violations: list[Violation] = field(default_factory=list)

    @property
    def merged(self) -> Graph:
        graph = bind_prefixes(Graph(), self.base_iri)
        for triple in self.ontology:
            graph.add(triple)
        for triple in self.data:
            graph.add(triple)
        return graph


@dataclass
class BuildResult:
    """What :func:`build` wrote; ``compiled`` on the rdflib path, ``stored`` on the store path."""

    out_dir: Path
    files: list[Path]
    triples: int
    records: int
    compiled: CompiledGraph | None = None
    stored: StoreBuildResult | None = None

    def describe_checks(self) -> str:
        """What was checked, in one sentence (see :meth:`StoreBuildResult.describe_checks`)."""
        if self.stored is not None:
            return self.stored.describe_checks()
        return "every record checked; the whole graph conforms to ontology/shapes.ttl"


@dataclass
class _Loaded:
    """Checked records with the ontology and the base IRI their graph is made under."""

    data_dir: Path
    records: Records
    ontology: Graph
    base_iri: str

    @property
    def size(self) -> int:
        return sum(len(rows) for rows in self.records.tables.values())


def _load(data_dir: str | Path, base_iri: str | None) -> _Loaded:
    """Read and check the records of ``data_dir`` (raises :class:`RecordError`)."""
    ontology = load_ontology()
    records = load_records(data_dir, relations=relation_names(ontology))
    return _Loaded(Path(data_dir), records, ontology,
                   base_iri or records.project.get("base_iri") or DEFAULT_BASE_IRI)


def compile_graph(data_dir: str | Path, base_iri: str | None = None) -> CompiledGraph:
    """Read, check and convert the records of ``data_dir``, then check the graph's shapes.

    Raises :class:`RecordError` for bad records and :class:`ShapeError` when the graph
    does not conform to ``ontology/shapes.ttl``.
    """
    return _compile(_load(data_dir, base_iri))


def _compile(loaded: _Loaded) -> CompiledGraph:
    compiled = CompiledGraph(loaded.records, records_to_graph(loaded.records, loaded.base_iri), loaded.ontology,
                             loaded.base_iri)
    compiled.violations = check_shapes(compiled.merged, shapes_graph(), loaded.records, loaded.base_iri)
    if compiled.violations:
        raise shape_error(compiled.violations)
    return compiled


def shape_error(violations: Sequence[Violation], note: str = "") -> ShapeError:
    """The error listing ``violations``, one per line.

    >>> print(shape_error([Violation("organization/x", "organizations.csv:2", "rdfs:label", "needs a label", "",
    ...                              "Violation")]))
    the built graph breaks 1 shape constraint (ontology/shapes.ttl):
      organizations.csv:2 organization/x: rdfs:label: needs a label
    """
    count = len(violations)
    return ShapeError("\n".join([f"the built graph breaks {count} shape constraint"
                                 f"{'s' if count != 1 else ''} (ontology/shapes.ttl){note}:",
                                 *(f"  {v}" for v in violations)]))


def build(data_dir: str | Path, out_dir: str | Path = "build", formats: Sequence[str] = ("ttl",),
          base_iri: str | None = None, shacl: str = "auto", via_store: bool | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Build the graph of ``data_dir`` into ``out_dir``: ``ecosystem.ttl`` plus other formats.

    ``via_store`` chooses the path (default: the store path above :data:`STORE_RECORDS_LIMIT`
    records or with ``shacl="sample"``); ``shacl`` is as in :func:`build_store`. Nothing in
    ``out_dir`` changes unless the whole build succeeds.
    """
    _check_modes(formats, shacl)
    started = time.monotonic()
    names = list(dict.fromkeys(("ttl", *formats)))
    with _records_kept_out_of_gc():
        if progress:
            progress.phase("checking records")
        loaded = _load(data_dir, base_iri)
        if via_store is None:
            via_store = _takes_store_path(loaded, shacl)
        if via_store:
            return _build_files_via_store(loaded, Path(out_dir), names, shacl, progress, started)
        if shacl == "sample":
            raise EcosystemGraphError("shacl='sample' needs the store path (via_store)")
        return _build_files(loaded, Path(out_dir), names)


def validate(data_dir: str | Path, base_iri: str | None = None, shacl: str = "auto",
             progress: Progress | None = None) -> BuildResult:
    """Check ``data_dir`` as :func:`build` would, writing nothing (on the store path the graph goes
    into an in-memory Oxigraph store). Raises as :func:`build` does.

    >>> result = validate(Path(__file__).resolve().parents[1] / "data")
    >>> result.records > 50, result.files
    (True, [])
    """
    _check_modes((), shacl)
    started = time.monotonic()
    with _records_kept_out_of_gc():
        loaded = _load(data_dir, base_iri)
        if not _takes_store_path(loaded, shacl):
            compiled = _compile(loaded)
            return BuildResult(Path(), [], len(compiled.merged), loaded.size, compiled=compiled)
        stored = _validate_in_memory(loaded, shacl, progress, started)
    if progress:
        progress.close()
    return BuildResult(Path(), [], stored.triples, loaded.size, stored=stored)


def _check_modes(formats: Sequence[str], shacl: str) -> None:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise EcosystemGraphError(f"unknown format {unknown[0]!r}; expected one of {', '.join(FORMATS)}")
    if shacl not in SHACL_MODES:
        raise EcosystemGraphError(f"unknown SHACL mode {shacl!r}; expected one of {', '.join(SHACL_MODES)}")


def _takes_store_path(loaded: _Loaded, shacl: str) -> bool:
    return loaded.size > STORE_RECORDS_LIMIT or shacl == "sample"


def _build_files(loaded: _Loaded, out: Path, names: list[str]) -> BuildResult:
    """The rdflib path: the whole graph in memory, every shape checked, rdflib's serializers."""
    compiled = _compile(loaded)
    merged = compiled.merged
    contents: dict[str, Content] = {f"ecosystem{FORMATS[n][1]}": serialize(merged, n, compiled) for n in names}
    manifest = _manifest(loaded, list(contents), len(merged))
    contents[MANIFEST_FILE] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    write_atomically(out, contents)
    return BuildResult(out, [out / f"ecosystem{FORMATS[n][1]}" for n in names], len(merged), loaded.size,
                       compiled=compiled)


def _build_files_via_store(loaded: _Loaded, out: Path, names: list[str], shacl: str,
                           progress: Progress | None, started: float) -> BuildResult:
    """The streaming path: the triples spooled to files, loaded into ``out/store`` and checked there,
    while a second process writes the output files from the same spool."""
    from .stores.oxigraph import OxigraphStore

    files = {f"ecosystem{FORMATS[n][1]}": n for n in names}
    out.mkdir(parents=True, exist_ok=True)
    with spool_folder(out) as folder, Staged(out, [*files, MANIFEST_FILE]) as staged:
        spooled, check = _spool_and_check(loaded, shacl, progress, 40, folder)
        paths = {staged.path(f): n for f, n in files.items()}

        def load(_: object) -> StoreBuildResult:
            stored = _load_spooled(loaded, OxigraphStore(str(out / STORE_DIR)), spooled, check, progress, started)
            if progress:
                progress.phase("writing files")  # what is left: the other process's writing
            return stored

        # The writer is forked before any store is opened: it shares no database and no thread.
        stored, _ = in_two_processes(load, lambda _: _write_files(spooled, paths, loaded.base_iri))
        manifest = {**_manifest(loaded, list(files), stored.triples), "store": STORE_DIR,
                    "generation": stored.generation, "shacl": stored.shacl, **_snapshot(staged, files)}
        staged.write(MANIFEST_FILE, json.dumps(manifest, indent=2, sort_keys=True).encode())
        staged.commit()
    if progress:
        progress.close()
    stored.seconds = time.monotonic() - started
    return BuildResult(out, [out / f for f in files], stored.triples, loaded.size, stored=stored)


def _snapshot(staged: Staged, files: dict[str, str]) -> dict[str, Any]:
    """The manifest's note of the file that holds the store's triples, as written (see
    :class:`~ecosystem_graph.stores.oxigraph.Snapshot`): the N-Triples, else the Turtle, if built."""
    for name in (f"ecosystem{FORMATS[n][1]}" for n in ("nt", "ttl")):
        if name in files:
            found = staged.path(name).stat()
            return {"snapshot": {"file": name, "size": found.st_size, "mtime_ns": found.st_mtime_ns}}
    return {}


def _write_files(spooled: NTriplesFiles, paths: dict[Path, str], base_iri: str) -> None:
    """Write each of ``paths`` in its format from the spool (its first file is the ontology's)."""
    from .writers import write_graph

    ontology, *data = spooled.paths
    for path, name in paths.items():
        write_graph(ontology, data, path, name, base_iri)
        flush_to_disk(path)


def serialize(graph: Graph, name: str, compiled: CompiledGraph | None = None) -> bytes:
    """Serialize deterministically: the same graph always gives the same bytes."""
    if name == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").decode().splitlines()
        return ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode()
    if name == "jsonld":
        context = {p: str(ns) for p, ns in graph.namespaces() if p}
        document = json.loads(graph.serialize(format="json-ld", context=context, encoding="utf-8"))
        document = _sorted_json(document)
        return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    if name == "trig" and compiled is not None:
        return _trig(compiled)
    return graph.serialize(format=FORMATS[name][0], encoding="utf-8")


def _trig(compiled: CompiledGraph) -> bytes:
    """TriG with the ontology and the data each in a named graph, in a fixed order.

    rdflib's TriG writer orders graphs by hash, so the blocks are assembled here from
    the (deterministic) Turtle of each graph.
    """
    prologue, blocks = "", []
    for name, graph in (("data", compiled.data), ("ontology", compiled.ontology)):
        turtle = bind_prefixes(Graph(), compiled.base_iri)
        for triple in graph:
            turtle.add(triple)
        lines = turtle.serialize(format="turtle").splitlines()
        prefixes = [line for line in lines if line.startswith("@prefix")]
        prologue = "\n".join(sorted(set(prologue.splitlines()) | set(prefixes)))
        body = "\n".join(f"    {line}" if line else "" for line in lines if not line.startswith("@prefix"))
        blocks.append(f"<{compiled.base_iri}graph/{name}> {{\n{body.strip(chr(10))}\n}}\n")
    return (prologue + "\n\n" + "\n".join(blocks)).encode()


def _sorted_json(value: object) -> object:
    """JSON-LD with every unordered array sorted (``@list`` arrays keep their order)."""
    if isinstance(value, dict):
        return {k: v if k == "@list" else _sorted_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


# -- building into a persistent store ------------------------------------------------------

#: Graphs up to this many triples are checked against every shape in a store build too; larger
#: ones get the sampled check of :mod:`.sampled_shapes` (pySHACL takes ~30 s for 40,000 triples).
FULL_SHACL_LIMIT = 20_000
SHACL_MODES = ("auto", "full", "sample")


@dataclass
class StoreBuildResult:
    """What :func:`build_store` did: where, which generation, how much, how it was checked."""

    store: str
    generation: str
    triples: int
    records: int
    manifest: dict[str, Any]
    seconds: float

    @property
    def shacl(self) -> dict[str, Any]:
        shacl: dict[str, Any] = self.manifest.get("shacl", {})
        return shacl

    def describe_checks(self) -> str:
        """One sentence on what was checked, never claiming more than was.

        >>> StoreBuildResult("oxigraph:x", "gen-0001", 10, 2, {"shacl": {"mode": "full"}}, 0.1).describe_checks()
        'every record checked; the whole graph conforms to ontology/shapes.ttl'
        """
        shacl = self.shacl
        if shacl.get("mode") == "full":
            return "every record checked; the whole graph conforms to ontology/shapes.ttl"
        return (f"every record checked; ontology/shapes.ttl: the per-entity shapes hold on a sample of "
                f"{shacl.get('focus_nodes', 0):,} entities ({shacl.get('per_target')} per target, of "
                f"{shacl.get('targets_population', 0):,}), the {shacl.get('graph_wide_rules')} graph-wide rules "
                "on the whole graph; the other entities were not checked against the per-entity shapes "
                "(--shacl full checks them all, slowly)")


def ontology_ntriples(ontology: Graph, watch: dict[str, Callable[[str, str], None]] | None = None) -> bytes:
    """The ontology (canonical blank nodes included) as N-Triples (``watch``: see :class:`NTriplesSink`).

    >>> b"<https://w3id.org/ecosystem-graph/ontology#Meeting>" in ontology_ntriples(load_ontology())
    True
    """
    sink = NTriplesSink(watch)
    for triple in ontology:
        sink.add(triple)
    return sink.take()


def build_store(data_dir: str | Path, store: str | Store, base_iri: str | None = None, shacl: str = "auto",
                progress: Progress | None = None, sample_per_target: int = 40) -> StoreBuildResult:
    """Build the graph of ``data_dir`` straight into a persistent store, streaming, memory bounded.

    The records are checked in full first. Their triples then go, in chunks, to the store's bulk
    loader: no rdflib graph of the whole ecosystem is ever made. The new graph is checked against
    the shapes (``shacl``: ``full``, ``sample``, or ``auto``: full up to ``FULL_SHACL_LIMIT`` triples)
    before it replaces the old one, atomically; on any error the store keeps its old graph.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "store"
    >>> result = build_store(Path(__file__).resolve().parents[1] / "data", f"oxigraph:{folder}")
    >>> result.generation, result.shacl["mode"], result.triples > 1000
    ('gen-0001', 'full', True)
    """
    from .stores import PersistentStore, open_store

    if shacl not in SHACL_MODES:
        raise EcosystemGraphError(f"unknown SHACL mode {shacl!r}; expected one of {', '.join(SHACL_MODES)}")
    target = open_store(store) if isinstance(store, str) else store
    if not (isinstance(target, PersistentStore) and target.persistent):
        raise EcosystemGraphError(f"store {target.spec!r} keeps no graph of its own; build into files "
                                  "(ecosystem-graph build --out DIR) or into oxigraph:PATH")
    started = time.monotonic()
    with _records_kept_out_of_gc():
        if progress:
            progress.phase("checking records")
        result = _build_store(_load(data_dir, base_iri), target, shacl, progress, sample_per_target, started)
    if progress:
        progress.close()
    return result


@contextmanager
def _records_kept_out_of_gc() -> Iterator[None]:
    """Run a store build without Python's cyclic garbage collector walking the records.

    A build holds a few million small objects (records, values, cached IRIs) that live until it
    ends and form no cycles that matter; each full collection walks them all: ~1.5 s each at
    100,000 organizations, and reading the records triggered many (19 s with, 13 s without).
    Automatic collection is paused and the objects alive are frozen before the store's explicit
    collections (which close databases); both are restored afterwards, also on errors.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _build_store(loaded: _Loaded, target: PersistentStore, shacl: str, progress: Progress | None,
                 sample_per_target: int, started: float) -> StoreBuildResult:
    """:func:`build_store` on records read already; the triples are spooled beside the store."""
    with spool_folder(target.spool_folder()) as folder:
        spooled, check = _spool_and_check(loaded, shacl, progress, sample_per_target, folder)
        return _load_spooled(loaded, target, spooled, check, progress, started)


def _load_spooled(loaded: _Loaded, target: PersistentStore, spooled: NTriplesFiles,
                  check: Callable[[Any], dict[str, Any]], progress: Progress | None,
                  started: float) -> StoreBuildResult:
    """Load the spooled triples as ``target``'s new graph, ``check`` it, and keep the build-time answers."""
    if progress:
        progress.phase("loading triples")
    data = loaded.data_dir
    manifest = {"data_dir": str(data.resolve()), "base_iri": loaded.base_iri,
                "inputs": fingerprint(data) if data.is_dir() else {}, "records": loaded.size}
    generation = target.replace(spooled, manifest, check=check)
    if progress:
        progress.phase("answering the kept queries")
    _keep_answers(target, loaded)
    written = target.manifest() or {}
    return StoreBuildResult(target.spec, generation, int(written.get("triples", 0)), loaded.size, written,
                            time.monotonic() - started)


def _validate_in_memory(loaded: _Loaded, shacl: str, progress: Progress | None, started: float) -> StoreBuildResult:
    """The checks of :func:`_build_store` on an in-memory Oxigraph store, kept nowhere: loading
    it took 4.0 s against 9.4 s into an on-disk store (CORDIS, 1.6 million triples, one run each)."""
    import pyoxigraph as ox

    from .stores.oxigraph import OxigraphStore
    from .stores.oxigraph.bulk import bulk_load_files

    with spool_folder() as folder:
        spooled, check = _spool_and_check(loaded, shacl, progress, 40, folder)
        if progress:
            progress.phase("loading triples")
        native = ox.Store()
        bulk_load_files(native, spooled.paths, ox.RdfFormat.N_TRIPLES)
    report = check(OxigraphStore(native=native))
    return StoreBuildResult("memory", "", len(native), loaded.size, report, time.monotonic() - started)


def _spool_and_check(loaded: _Loaded, shacl: str, progress: Progress | None, sample_per_target: int,
                     folder: Path) -> tuple[NTriplesFiles, Callable[[Any], dict[str, Any]]]:
    """The graph's N-Triples, written to files in ``folder``, and the check of the graph they make
    once loaded: every shape, or the sampled one with the graph-wide rules."""
    from .sampled_shapes import TargetCollector, check_sampled

    records, base = loaded.records, loaded.base_iri
    shapes = shapes_graph()
    gc.freeze()  # what is alive now lives until the build ends (see _records_kept_out_of_gc)
    # The sampled check's target nodes, noted as the triples go out rather than queried back.
    targets = TargetCollector(shapes) if shacl != "full" else None
    ontology = ontology_ntriples(loaded.ontology, targets.watch if targets else None)
    spooled = spool_triples(records, ontology, base, folder, targets, progress)

    def check(view: Any) -> dict[str, Any]:
        mode = shacl if shacl != "auto" else ("full" if _at_most(view, FULL_SHACL_LIMIT) else "sample")
        if progress:
            progress.phase(f"checking shapes ({mode})")
        if mode == "full":
            violations = check_shapes(view.graph(), shapes, records, base)
            report = {"shacl": {"mode": "full"}}
        else:
            violations, report = check_sampled(view, shapes, records, base, per_target=sample_per_target,
                                               populations=targets.populations() if targets else None)
        if violations:
            raise shape_error(violations, "" if mode == "full" else ", checked on a sample")
        if progress:
            progress.phase("making it current")
        return report

    return spooled, check


def _keep_answers(store: PersistentStore, loaded: _Loaded) -> None:
    """Answer the named queries marked ``# keep: build`` (whole-graph aggregates) on the new graph, so
    that the first person to ask does not wait for them (see :mod:`.answers`)."""
    from .graph import KnowledgeGraph

    extra = [loaded.data_dir / "queries"] if (loaded.data_dir / "queries").is_dir() else []
    kg = KnowledgeGraph(store, loaded.base_iri, extra)
    for query in kg.library().values():
        if query.keep == "build" and not any(p.required for p in query.params):
            kg.named(query.name)
    store.close()


def _at_most(store: Any, limit: int) -> bool:
    """Whether ``store`` holds at most ``limit`` triples, without counting them all.

    The store's manifest counts them exactly already; counting again took ~1.5 s at 1.8 million.

    >>> from ecosystem_graph.stores.oxigraph import OxigraphStore
    >>> _at_most(OxigraphStore(), 0)
    True
    """
    found = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit + 1} }}")
    return int(next(iter(found))[0]) <= limit


def store_is_stale(manifest: dict[str, Any] | None, data_dir: str | Path, base_iri: str | None = None) -> bool:
    """Whether a store whose current graph has ``manifest`` lacks the graph of ``data_dir``'s current files.

    >>> store_is_stale(None, "data"), store_is_stale({"loaded_from": "x.ttl"}, "data")
    (True, True)
    """
    if not manifest or "inputs" not in manifest:
        return True
    if manifest.get("data_dir") != str(Path(data_dir).resolve()):
        return True
    if base_iri and manifest.get("base_iri") != base_iri:
        return True
    return manifest.get("inputs") != fingerprint(Path(data_dir))


# -- freshness -------------------------------------------------------------------------------


def input_files(data_dir: Path) -> list[Path]:
    """Every file a build reads: the record files, the ontology and the shapes."""
    data = [p for p in sorted(data_dir.glob("*")) if p.suffix in (".csv", ".yaml", ".yml")]
    return [*data, locations.ontology_path(), locations.shapes_path()]


def fingerprint(data_dir: Path) -> dict[str, str]:
    """The SHA-256 of every input of a build (:func:`input_files`), by file name: a record file by
    its own, the ontology and shapes as ``ontology/NAME``. Names rather than full paths, so that the
    same inputs read through another checkout or an installed copy do not make a store look stale.

    >>> digests = fingerprint(locations.default_data_dir())
    >>> "organizations.csv" in digests and "ontology/shapes.ttl" in digests
    True
    """
    shared = {locations.ontology_path(), locations.shapes_path()}
    return {(f"ontology/{p.name}" if p in shared else p.name): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in input_files(data_dir)}


def _manifest(loaded: _Loaded, files: list[str], triples: int) -> dict[str, Any]:
    return {
        "data_dir": str(loaded.data_dir.resolve()),
        "base_iri": loaded.base_iri,
        "inputs": fingerprint(loaded.data_dir),
        "outputs": files,
        "triples": triples,
    }


def read_manifest(out_dir: str | Path) -> dict[str, Any] | None:
    try:
        manifest: dict[str, Any] = json.loads((Path(out_dir) / MANIFEST_FILE).read_text(encoding="utf-8"))
        return manifest
    except (OSError, ValueError):
        return None


def is_stale(data_dir: str | Path, out_dir: str | Path, base_iri: str | None = None) -> bool:
    """Whether ``out_dir`` lacks a graph built from the current files of ``data_dir``."""
    if not (Path(out_dir) / GRAPH_FILE).exists():
        return True
    return store_is_stale(read_manifest(out_dir), data_dir, base_iri)
