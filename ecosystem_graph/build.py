"""Records -> checked graph -> files under ``build/``, written atomically.

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

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDFS

from . import resources
from .errors import EcosystemGraphError, ShapeError
from .namespaces import DEFAULT_BASE_IRI, ECO, bind_prefixes
from .records import Records, load_records
from .shapes import Violation, check_shapes
from .triples import records_to_graph

GRAPH_FILE = "ecosystem.ttl"
MANIFEST_FILE = "manifest.json"
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
    out_dir: Path
    files: list[Path]
    triples: int
    compiled: CompiledGraph


def load_ontology() -> Graph:
    """The ontology, with blank nodes given canonical labels so every output is reproducible."""
    parsed = Graph().parse(resources.ontology_path(), format="turtle")
    canonical = Graph()
    for triple in to_canonical_graph(parsed):
        canonical.add(triple)
    return canonical


def relation_names(ontology: Graph) -> list[str]:
    """Kebab-case names of the sub-properties of eco:organizationRelation, for relations.csv."""
    names = []
    for prop in ontology.transitive_subjects(RDFS.subPropertyOf, ECO.organizationRelation):
        local = str(prop)[len(str(ECO)):]
        if prop != ECO.organizationRelation and str(prop).startswith(str(ECO)):
            names.append("".join(f"-{c.lower()}" if c.isupper() else c for c in local))
    return sorted(names)


def compile_graph(data_dir: str | Path, base_iri: str | None = None) -> CompiledGraph:
    """Read, check and convert the records of ``data_dir``, then check the graph's shapes.

    Raises :class:`RecordError` for bad records and :class:`ShapeError` when the graph
    does not conform to ``ontology/shapes.ttl``.
    """
    ontology = load_ontology()
    records = load_records(data_dir, relations=relation_names(ontology))
    base = base_iri or records.project.get("base_iri") or DEFAULT_BASE_IRI
    compiled = CompiledGraph(records, records_to_graph(records, base), ontology, base)
    shapes = Graph().parse(resources.shapes_path(), format="turtle")
    compiled.violations = check_shapes(compiled.merged, shapes, records, base)
    if compiled.violations:
        count = len(compiled.violations)
        raise ShapeError("\n".join([f"the built graph breaks {count} shape constraint"
                                    f"{'s' if count != 1 else ''} (ontology/shapes.ttl):",
                                    *(f"  {v}" for v in compiled.violations)]))
    return compiled


def build(data_dir: str | Path, out_dir: str | Path = "build", formats: Sequence[str] = ("ttl",),
          base_iri: str | None = None) -> BuildResult:
    """Build the graph of ``data_dir`` into ``out_dir``: ``ecosystem.ttl`` plus other formats.

    Nothing in ``out_dir`` changes unless the whole build succeeds.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise EcosystemGraphError(f"unknown format {unknown[0]!r}; expected one of {', '.join(FORMATS)}")
    compiled = compile_graph(data_dir, base_iri)
    merged = compiled.merged
    out = Path(out_dir)
    contents = {name: serialize(merged, name, compiled) for name in dict.fromkeys(("ttl", *formats))}
    files = [out / f"ecosystem{FORMATS[name][1]}" for name in contents]
    manifest = _manifest(compiled, Path(data_dir), merged, [f.name for f in files])
    write_atomically(out, {**{f.name: contents[n] for f, n in zip(files, contents)},
                           MANIFEST_FILE: json.dumps(manifest, indent=2, sort_keys=True).encode()})
    return BuildResult(out, files, len(merged), compiled)


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


def write_atomically(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary name first, then rename them all into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            staged.append((name, Path(temp)))
        for name, temp in staged:
            os.replace(temp, out_dir / name)
    finally:
        for _, temp in staged:
            temp.unlink(missing_ok=True)


# -- freshness -------------------------------------------------------------------------------


def input_files(data_dir: Path) -> list[Path]:
    """Every file a build reads: the record files, the ontology and the shapes."""
    data = [p for p in sorted(data_dir.glob("*")) if p.suffix in (".csv", ".yaml", ".yml")]
    return [*data, resources.ontology_path(), resources.shapes_path()]


def _fingerprint(paths: Iterable[Path]) -> dict[str, str]:
    return {str(p.resolve()): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _manifest(compiled: CompiledGraph, data_dir: Path, merged: Graph, files: list[str]) -> dict:
    return {
        "data_dir": str(data_dir.resolve()),
        "base_iri": compiled.base_iri,
        "inputs": _fingerprint(input_files(data_dir)),
        "outputs": files,
        "triples": len(merged),
    }


def read_manifest(out_dir: str | Path) -> dict | None:
    try:
        return json.loads((Path(out_dir) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_stale(data_dir: str | Path, out_dir: str | Path, base_iri: str | None = None) -> bool:
    """Whether ``out_dir`` lacks a graph built from the current files of ``data_dir``."""
    manifest = read_manifest(out_dir)
    if manifest is None or not (Path(out_dir) / GRAPH_FILE).exists():
        return True
    if manifest.get("data_dir") != str(Path(data_dir).resolve()):
        return True
    if base_iri and manifest.get("base_iri") != base_iri:
        return True
    return manifest.get("inputs") != _fingerprint(input_files(Path(data_dir)))
