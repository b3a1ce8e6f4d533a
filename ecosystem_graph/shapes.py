"""Check a built graph against ``ontology/shapes.ttl`` with pySHACL and explain what fails."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SH

from .ontology import ONTOLOGY
from .records import Records

__all__ = ["Violation", "check_shapes", "record_location", "short_term", "violation"]



@dataclass(frozen=True)
class Violation:
    """One SHACL result, already phrased for a reader."""

    focus: str
    where: str
    path: str
    message: str
    value: str
    severity: str

    def __str__(self) -> str:
        value = f" (value: {self.value})" if self.value else ""
        where = f"{self.where} " if self.where else ""
        return f"{where}{self.focus}: {self.path}: {self.message}{value}"


def check_shapes(graph: Graph, shapes: Graph, records: Records | None = None,
                 base_iri: str = "") -> list[Violation]:
    """The SHACL violations of ``graph`` (data merged with the ontology), empty when it conforms.

    The ontology travels inside ``graph`` so that shapes may test its individuals
    (partnership statuses, concept schemes); no RDFS inference is run.
    """
    import pyshacl  # 0.2 s to import: only builds check shapes, not the commands that read the graph

    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none",
                                            advanced=True, allow_warnings=True)
    if conforms:
        return []
    violations = [violation(graph, results, r, records, base_iri)
                  for r in results.subjects(SH.resultSeverity, None)]
    return sorted(violations, key=lambda v: (v.where, v.focus, v.path, v.message))


def violation(graph: Graph, results: Graph, result: URIRef, records: Records | None,
               base_iri: str) -> Violation:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    message = results.value(result, SH.resultMessage)
    severity = results.value(result, SH.resultSeverity)
    if focus == ONTOLOGY and isinstance(value, URIRef):
        focus = value  # graph-wide rules name the offending node as the value
    label = graph.value(focus, RDFS.label)
    shown = short_term(graph, focus, base_iri)
    return Violation(
        focus=f"{shown} ({label})" if label else shown,
        where=record_location(focus, records, base_iri),
        path=graph.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else "(node)",
        message=str(message or "does not conform"),
        value=short_term(graph, value, base_iri) if isinstance(value, URIRef) else str(value or ""),
        severity=str(severity).rsplit("#", 1)[-1],
    )


def short_term(graph: Graph, term: object, base_iri: str) -> str:
    """``person/deyan-pushkarov`` for an entity, ``foaf:name`` for a vocabulary term."""
    if not isinstance(term, URIRef):
        return str(term)
    if base_iri and str(term).startswith(base_iri):
        return str(term)[len(base_iri):]
    return graph.namespace_manager.normalizeUri(term)


def record_location(focus: object, records: Records | None, base_iri: str) -> str:
    """``file:line`` of the record an entity IRI was made from, when there is one."""
    text = str(focus)
    if records is None or not base_iri or not text.startswith(base_iri):
        return ""
    kind, _, key = text[len(base_iri):].partition("/")
    for rows in records.tables.values():
        if rows and rows[0].table.iri_kind == kind:
            record = records.index[rows[0].table.name].get(key)
            if record is not None:
                return f"{record.file}:{record.line}"
    return ""
