"""SHACL at scale: the shapes on a sample of entities, the graph-wide rules on the whole graph.

pySHACL needs minutes to hours for a graph of a million triples, so a large build into a store
checks the graph in two parts, and says so:

1. **Per-entity shapes** (every shape of ``ontology/shapes.ttl`` with a target) on a sample:
   for each target (class, subjects of, objects of), up to ``per_target`` focus nodes spread
   evenly over all of them. Each sampled node is checked with everything the shapes look at:
   its own triples and the types of the nodes it links to (every path in the shapes is a single
   forward property, so that is enough for its results to be exact). Results about nodes
   outside the sample are dropped, being based on partial descriptions.
2. **Graph-wide rules** (the SPARQL constraints on the ontology node: memberships mirrored,
   periods ordered, taxonomies acyclic and mirrored, meeting dates, participation shortcuts, inferred
   statements) run
   as SPARQL on the whole graph in the store, so they hold for every node.

Record checks (``records.py``) always run on every record, whatever the size.

>>> from ecosystem_graph.stores.oxigraph import OxigraphStore
>>> from ecosystem_graph.build import build
>>> from ecosystem_graph.ontology import shapes_graph
>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> _ = build(Path(__file__).resolve().parents[1] / "data", out)
>>> store = OxigraphStore()
>>> store.load_file(out / "ecosystem.ttl")
>>> violations, report = check_sampled(store, shapes_graph(), per_target=5)
>>> violations, report["shacl"]["mode"], report["shacl"]["graph_wide_rules"]
([], 'sample', 8)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path  # noqa: F401  (the doctests)
from typing import Any

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Identifier

from .ontology import ONTOLOGY, load_ontology
from .records import Records
from .results import select_rows
from .shapes import Violation, record_location, short_term, violation
from .stores import Store

__all__ = ["TargetCollector", "check_sampled", "spread"]


def _graph_wide(shapes: Graph) -> set[Identifier]:
    # Every term of a parsed graph is an Identifier (an IRI or a blank node here); rdflib types them as Node.
    return {s for s in shapes.subjects(SH.targetNode, ONTOLOGY) if isinstance(s, Identifier)}


def _targets(shapes: Graph, skip: set[Identifier]) -> list[tuple[str, URIRef]]:
    found: set[tuple[str, URIRef]] = set()
    for kind, predicate in (("class", SH.targetClass), ("subjects-of", SH.targetSubjectsOf),
                            ("objects-of", SH.targetObjectsOf), ("node", SH.targetNode)):
        for shape, target in shapes.subject_objects(predicate):
            if shape not in skip and isinstance(target, URIRef):
                found.add((kind, target))
    return sorted(found)


def _target_query(kind: str, target: URIRef) -> str:
    return {
        "class": f"SELECT DISTINCT ?n WHERE {{ ?n rdf:type/rdfs:subClassOf* <{target}> }}",
        "subjects-of": f"SELECT DISTINCT ?n WHERE {{ ?n <{target}> ?o }}",
        "objects-of": f"SELECT DISTINCT ?n WHERE {{ ?s <{target}> ?n }}",
        "node": f"SELECT ?n WHERE {{ VALUES ?n {{ <{target}> }} ?n ?p ?o }} LIMIT 1",
    }[kind]


_PROLOGUE = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


def _query(store: Store, text: str) -> Any:
    return store.query(_PROLOGUE + text)


def _iris(store: Store, text: str) -> list[str]:
    """The sorted IRIs in the first column of a SELECT (targets reach hundreds of thousands of
    nodes: :meth:`~ecosystem_graph.stores.Store.iris` reads them as text where the store can)."""
    found = store.iris(_PROLOGUE + text)
    return sorted(found)


_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"


class TargetCollector:
    """The nodes every target of the shapes selects, gathered from the triples on their way to a store.

    Listing them afterwards with SPARQL read 830,000 IRIs back out of the store at 100,000
    organizations (~9 s of a build); a build sees every triple go by anyway. Hand :attr:`watch` to
    the :class:`~.triples.NTriplesSink` of every triple loaded: a store loaded with exactly those
    triples holds exactly these nodes, so :meth:`populations` gives the lists :func:`check_sampled`
    would otherwise query (``rdf:type/rdfs:subClassOf*`` for class targets, IRIs only, sorted).

    >>> from ecosystem_graph.ontology import shapes_graph
    >>> from ecosystem_graph.triples import NTriplesSink
    >>> collector = TargetCollector(shapes_graph())
    >>> sink = NTriplesSink(collector.watch)
    >>> meeting = URIRef("https://w3id.org/ecosystem-graph/ontology#Meeting")
    >>> sink.add((meeting, RDFS.subClassOf, URIRef("https://schema.org/Event")))
    >>> sink.add((URIRef("urn:m"), RDF.type, meeting))
    >>> collector.populations()[("class", URIRef("https://schema.org/Event"))]
    ['urn:m']
    """

    def __init__(self, shapes: Graph) -> None:
        self.targets = _targets(shapes, _graph_wide(shapes))
        self._names: dict[str, str] = {}  # one copy of each node's text, however many sets hold it
        self._subjects: dict[str, set[str]] = {}
        self._objects: dict[str, set[str]] = {}
        self._by_object: dict[str, dict[str, set[str]]] = {_TYPE: {}, _SUBCLASS: {}}
        predicates = {_TYPE, _SUBCLASS}
        for kind, target in self.targets:
            if kind in ("subjects-of", "objects-of"):
                predicate = f"<{target}>"
                predicates.add(predicate)
                (self._subjects if kind == "subjects-of" else self._objects)[predicate] = set()
        #: Predicate (N-Triples text) -> what to do with each triple's subject and object.
        self.watch = {p: self._watcher(p) for p in sorted(predicates)}

    def _watcher(self, predicate: str) -> Callable[[str, str], None]:
        subjects = self._subjects.get(predicate)
        objects = self._objects.get(predicate)
        by_object = self._by_object.get(predicate)
        name = self._names.setdefault

        def seen(s: str, o: str) -> None:
            if subjects is not None and s[0] == "<":
                subjects.add(name(s, s))
            if objects is not None and o[0] == "<":
                objects.add(name(o, o))
            if by_object is not None:  # blank nodes kept too: a subclass chain may pass through one
                found = by_object.get(o)
                if found is None:
                    found = by_object[o] = set()
                found.add(name(s, s))
        return seen

    def seen(self) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, dict[str, set[str]]]]:
        """What this collector noted, for another collector's :meth:`absorb` (in another process)."""
        return self._subjects, self._objects, self._by_object

    def absorb(self, seen: tuple[dict[str, set[str]], dict[str, set[str]], dict[str, dict[str, set[str]]]]) -> None:
        """Add what another collector of the same shapes noted (from :meth:`seen`): the triples it
        saw count as seen here too."""
        subjects, objects, by_object = seen
        for mine, theirs in ((self._subjects, subjects), (self._objects, objects)):
            for predicate, nodes in theirs.items():
                mine[predicate] |= nodes
        for predicate, groups in by_object.items():
            for node, nodes in groups.items():
                self._by_object[predicate].setdefault(node, set()).update(nodes)

    def _instances(self, cls: str) -> set[str]:
        """Every node typed ``cls`` or one of its subclasses (rdf:type/rdfs:subClassOf*)."""
        classes, stack = {cls}, [cls]
        subclasses = self._by_object[_SUBCLASS]
        while stack:
            for sub in subclasses.get(stack.pop(), ()):
                if sub not in classes:
                    classes.add(sub)
                    stack.append(sub)
        types = self._by_object[_TYPE]
        return set().union(*(types.get(c, set()) for c in classes))

    def populations(self) -> dict[tuple[str, URIRef], list[str]]:
        """(kind, target) -> the sorted IRIs it selects, for every class, subjects-of and objects-of target."""
        found = {}
        for kind, target in self.targets:
            predicate = f"<{target}>"
            if kind == "class":
                nodes: set[str] = self._instances(predicate)
            elif kind == "subjects-of":
                nodes = self._subjects[predicate]
            elif kind == "objects-of":
                nodes = self._objects[predicate]
            else:
                continue  # sh:targetNode: asked of the store (one cheap query)
            found[(kind, target)] = sorted(n[1:-1] for n in nodes if n[0] == "<")
        return found


def spread(items: list[Any], k: int) -> list[Any]:
    """Up to ``k`` items taken at even intervals, first and last included.

    >>> spread(list(range(10)), 3)
    [0, 4, 9]
    """
    if len(items) <= k:
        return list(items)
    if k == 1:
        return [items[0]]
    step = (len(items) - 1) / (k - 1)
    return [items[round(i * step)] for i in range(k)]


def check_sampled(store: Store, shapes: Graph, records: Records | None = None, base_iri: str = "",
                  per_target: int = 40, populations: Mapping[tuple[str, URIRef], list[str]] | None = None
                  ) -> tuple[list[Violation], dict[str, Any]]:
    """Violations of the shapes on a sample of ``store``'s graph and of the graph-wide rules on all of it.

    Returns the violations (empty when both parts pass) and a report for the build's manifest.
    ``populations`` (from a :class:`TargetCollector` that saw every triple of the store) saves
    listing each target's nodes with a query; targets it lacks are queried.
    """
    graph_wide = _graph_wide(shapes)
    rules = _graph_wide_rules(shapes, graph_wide)
    # The rules are SPARQL on the whole graph: the store runs them without the GIL, on the other
    # core, while pySHACL checks the sample (at 100,000 organizations ~5 s of a build's ~10 s check).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graph-wide-rules") as pool:
        ruled = pool.submit(_run_rules, store, shapes, rules, records, base_iri)
        violations, focus, population, sample = _check_sample(store, shapes, graph_wide, records, base_iri,
                                                               per_target, populations)
        violations.extend(ruled.result())
    report = {"shacl": {
        "mode": "sample", "focus_nodes": len(focus), "targets_population": population,
        "per_target": per_target, "sample_triples": len(sample), "graph_wide_rules": len(rules),
        "note": "per-entity shapes checked on the sampled focus nodes only; graph-wide rules on the whole "
                "graph; records checked in full"}}
    return sorted(set(violations), key=lambda v: (v.where, v.focus, v.path, v.message)), report


def _run_rules(store: Store, shapes: Graph, rules: list[tuple[str, str]], records: Records | None,
               base_iri: str) -> list[Violation]:
    return [v for message, select in rules for v in _run_rule(store, shapes, message, select, records, base_iri)]


def _check_sample(store: Store, shapes: Graph, graph_wide: set[Identifier], records: Records | None, base_iri: str,
                  per_target: int, populations: Mapping[tuple[str, URIRef], list[str]] | None
                  ) -> tuple[list[Violation], set[URIRef], int, Graph]:
    """The per-entity shapes on the sample: violations, focus nodes, their population, the sample graph."""
    focus: set[URIRef] = set()
    population = 0
    for kind, target in _targets(shapes, graph_wide):
        known = populations.get((kind, target)) if populations is not None else None
        nodes = known if known is not None else _iris(store, _target_query(kind, target))
        population += len(nodes)
        focus.update(URIRef(n) for n in spread(nodes, per_target))
    sample = _describe(store, sorted(focus))
    local_shapes = Graph()
    for triple in shapes:
        if triple[0] not in graph_wide:
            local_shapes.add(triple)
    # focus_nodes makes pySHACL validate only the sample (the linked nodes are there for their types).
    conforms, results, _ = pyshacl.validate(sample, shacl_graph=local_shapes, inference="none",
                                            advanced=True, allow_warnings=True, focus_nodes=sorted(focus))
    violations = [] if conforms else [
        violation(sample, results, r, records, base_iri) for r in results.subjects(SH.resultSeverity, None)
        if results.value(r, SH.focusNode) in focus]
    return violations, focus, population, sample


def _describe(store: Store, nodes: list[URIRef], batch: int = 300) -> Graph:
    """The ontology-free description of ``nodes``: their triples and the types of what they link to."""
    sample = load_ontology()
    for start in range(0, len(nodes), batch):
        values = " ".join(n.n3() for n in nodes[start:start + batch])
        result = _query(store, f"""CONSTRUCT {{ ?n ?p ?o . ?o rdf:type ?t . }} WHERE {{
            VALUES ?n {{ {values} }} ?n ?p ?o . OPTIONAL {{ ?o rdf:type ?t }} }}""")
        for triple in result.graph:
            sample.add(triple)
    return sample


def _graph_wide_rules(shapes: Graph, graph_wide: set[Identifier]) -> list[tuple[str, str]]:
    rules = []
    for shape in sorted(graph_wide):
        for constraint in shapes.objects(shape, SH.sparql):
            select = shapes.value(constraint, SH.select)
            if select is None:
                continue
            prologue = ""
            for holder in shapes.objects(constraint, SH.prefixes):
                for declaration in shapes.objects(holder, SH.declare):
                    prefix = shapes.value(declaration, SH.prefix)
                    namespace = shapes.value(declaration, SH.namespace)
                    prologue += f"PREFIX {prefix}: <{namespace}>\n"
            message = str(shapes.value(constraint, SH.message) or "does not conform")
            rules.append((message, prologue + str(select).replace("$this", "?this")))
    return sorted(rules)


def _run_rule(store: Store, shapes: Graph, message: str, select: str, records: Records | None,
              base_iri: str) -> list[Violation]:
    found = []
    for row in select_rows(store.query(select)):
        value = row.value if "value" in row.labels else None
        path = row.path if "path" in row.labels else None
        label = None
        if isinstance(value, URIRef):
            labels = list(select_rows(store.query(f"SELECT ?l WHERE {{ {value.n3()} <{RDFS.label}> ?l }} LIMIT 1")))
            label = labels[0][0] if labels else None
        shown = short_term(shapes, value, base_iri) if isinstance(value, URIRef) else str(value or "")
        found.append(Violation(
            focus=f"{shown} ({label})" if label else shown,
            where=record_location(value, records, base_iri),
            path=shapes.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else "(node)",
            message=message.replace("{?value}", str(value)).replace("{$value}", str(value)),  # as pySHACL
            value=shown, severity="Violation"))
    return found

