"""Point lookups answered in the server process, without a trip to a worker.

A worker is what lets the server stop a query at its time limit, but the trip costs more than a
point lookup itself: on 2 cores, with 16 clients each opening a new connection per request, the
server process spent 0.13 ms of CPU per lookup with the workers' replies faked and 0.31 ms with
real workers, which spent 0.24-0.39 ms more between them (waking a process twice per request, and
the pickling and scheduling around it), against 0.06 ms for the lookup run in-process.

So a query whose cost is bounded by its shape is answered here: a ``SELECT`` of one triple pattern
whose subject is an IRI, its other terms variables or IRIs, with no ``FROM``, ``FILTER``,
``DISTINCT``, ``ORDER BY`` or ``OFFSET`` (``LIMIT`` may be given): "what is said about <this>".
Its triples come lazily from the store's index in memory (:meth:`~ecosystem_graph.stores.Store.match`:
the ``memory`` and ``oxigraph`` stores; on disk, the workers read faster, on every core), and
at most :data:`LOOKUP_ROWS` of them are read: a lookup that finds more goes to a worker like any
other query, so what runs here cannot run long, and the time limit, the row cap and the workers'
kill switch bound everything else as before. Nothing here can call out: a pattern match reads the
store only. Any query this module does not take, or a request it cannot answer (a media type not
offered, a relative IRI), goes to a worker, which answers or refuses it as before.

The shape is read once per *template* (:func:`~.guard.template`: the query with its IRIs and
strings replaced), like the guard's verdict: each IRI of the template is numbered, the numbered
template parsed, checked by the guard and translated by rdflib, and the plan records which
IRI of a request fills which place of the pattern. A request is then only matched against
regular expressions, never parsed. Only a short template that a regular expression finds simple
(no parentheses, no nested group) is parsed here at all: the guard parses everything else in the
workers, where a parse made slow on purpose is stopped by the time limit.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import URIRef, Variable
from rdflib.term import Node

from ..errors import QueryError
from ..queries import with_prologue
from ..stores import Store
from .formats import negotiate, select_bytes
from .guard import clean_tree, decode_escapes, iri_tokens, template
from .workers import Job, Reply, result_reply

__all__ = ["LOOKUP_ROWS", "LookupPlan", "answer_lookup", "lookup_plan"]

#: Triples a lookup answered in the server process may find at most; one that finds more goes to a worker.
LOOKUP_ROWS = 256

#: A place of the pattern: a variable's name, or (the number of an IRI of the query, text after it):
#: a prefixed name is its prefix's IRI followed by its local name.
Slot = str | tuple[int, str]

#: What a template must look like before it is parsed here, in the server process, where nothing stops
#: a slow parse: short, prologue, SELECT of variables, one group without parentheses or nested
#: groups (no expression, no subquery), LIMIT; rdflib's parser reads such a text in a millisecond.
_LOOKUP_SHAPE = re.compile(r"\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*<urn:x>\s*)*SELECT\s+(?:[?$]\w+\s*)+"
                           r"(?:WHERE\s*)?\{[^{}()]*\}\s*(?:LIMIT\s+\d+\s*)?", re.IGNORECASE)
_LOOKUP_TEXT = 2048
_NUMBERED = re.compile(r"urn:x:(\d+):(.*)", re.DOTALL)
#: An absolute IRI (a relative one would depend on the query's BASE).
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class LookupPlan:
    """How to answer every query of one template: its triple pattern's places, the variables it
    selects, and its LIMIT."""

    pattern: tuple[Slot, Slot, Slot]
    variables: tuple[str, ...]
    limit: int | None

    def bind(self, iris: list[str]) -> tuple[URIRef | None, ...] | None:
        """The pattern with a query's IRIs in place (``None`` for a variable); ``None`` when an IRI
        it uses is relative."""
        terms: list[URIRef | None] = []
        for slot in self.pattern:
            if isinstance(slot, str):
                terms.append(None)
                continue
            iri = iris[slot[0]]
            if not _ABSOLUTE.match(iri):
                return None
            terms.append(URIRef(iri + slot[1]))
        return tuple(terms)

    def rows(self, triples: list[tuple[Node, Node, Node]]) -> list[tuple[Node | None, ...]]:
        """The selected variables' values in each matched triple."""
        places = [self.pattern.index(name) for name in self.variables]
        return [tuple(triple[place] for place in places) for triple in triples]


def answer_lookup(store: Store, base_iri: str, job: Job) -> Reply | None:
    """The reply to ``job`` when it is a point lookup this store matches in-process; else ``None``
    (the job then goes to a worker).

    >>> from ecosystem_graph.graph import open_graph
    >>> kg = open_graph()
    >>> query = "SELECT ?name WHERE { <https://w3id.org/ecosystem-graph/id/organization/kc-sofia> rdfs:label ?name }"
    >>> answer_lookup(kg.store, kg.base_iri, Job(query, fmt="csv")).body
    b'name\\r\\nCluster Sofia Knowledge City\\r\\n'
    >>> print(answer_lookup(kg.store, kg.base_iri, Job("SELECT * WHERE { ?s ?p ?o }")))
    None
    """
    full = with_prologue(job.text, base_iri)
    try:
        decoded = decode_escapes(full)
        media_type = negotiate("SELECT", job.accept, job.fmt)
    except QueryError:  # the worker reports it
        return None
    shape = template(decoded)
    plan = lookup_plan(shape) if len(shape) <= _LOOKUP_TEXT and _LOOKUP_SHAPE.fullmatch(shape) else None
    pattern = plan.bind(iri_tokens(decoded)) if plan is not None else None
    if plan is None or pattern is None:
        return None
    found = store.match(*pattern)
    if found is None:
        return None
    wanted = LOOKUP_ROWS + 1 if plan.limit is None else min(plan.limit, LOOKUP_ROWS + 1)
    triples = list(itertools.islice(found, wanted))
    if len(triples) > LOOKUP_ROWS:
        return None
    variables = [Variable(name) for name in plan.variables]
    body, truncated = select_bytes(variables, plan.rows(triples), media_type, job.row_cap)
    return result_reply(body, media_type, truncated, job.row_cap)


@lru_cache(maxsize=4096)
def lookup_plan(shape: str) -> LookupPlan | None:
    """The plan of a template that is a point lookup, else ``None``.

    >>> lookup_plan(template("PREFIX a: <http://a/> SELECT ?o WHERE { <urn:s> a:p ?o } LIMIT 5"))
    LookupPlan(pattern=((1, ''), (0, 'p'), 'o'), variables=('o',), limit=5)
    >>> [lookup_plan(template(text)) for text in ("SELECT ?o WHERE { ?s ?p ?o }",
    ...     "SELECT DISTINCT ?o WHERE { <urn:s> ?p ?o }", "SELECT ?o WHERE { <urn:s> ?p ?o } OFFSET 1",
    ...     "SELECT ?o WHERE { <urn:s> ?o ?o }", "SELECT ?o WHERE { <urn:s> <urn:p> 'text' }")]
    [None, None, None, None, None]
    """
    numbers = itertools.count()
    numbered = re.sub(r"<urn:x>", lambda _: f"<urn:x:{next(numbers)}:>", shape)
    try:
        from rdflib.plugins.sparql.algebra import translateQuery

        tree = clean_tree(numbered)
        algebra = translateQuery(tree).algebra
    except Exception:  # a template that does not parse, is refused or does not translate: not a lookup
        return None
    # SELECT * is left to the engine: the order of its variables is the engine's own.
    if algebra.name != "SelectQuery" or algebra.get("datasetClause") or "projection" not in tree[1]:
        return None
    return _projected_pattern(algebra.p)


def _projected_pattern(node: Any) -> LookupPlan | None:
    """The plan of ``Slice(Project(BGP(one triple)))`` (Slice: a LIMIT without OFFSET, optional)."""
    limit = None
    if node.name == "Slice":
        if node.start or node.length is None:
            return None
        node, limit = node.p, node.length
    if node.name != "Project" or node.p.name != "BGP" or len(node.p.triples) != 1:
        return None
    pattern = tuple(_slot(term) for term in node.p.triples[0])
    names = [slot for slot in pattern if isinstance(slot, str)]
    variables = tuple(str(variable) for variable in node.PV)
    # A variable twice (in the pattern, or selected twice, which Oxigraph refuses) is left to the engine.
    if None in pattern or isinstance(pattern[0], str) or len(set(names)) < len(names) \
            or len(set(variables)) < len(variables) or not set(variables) <= set(names):
        return None
    return LookupPlan(pattern, variables, limit)  # type: ignore[arg-type]  # no None left in pattern


def _slot(term: Any) -> Slot | None:
    """A place of the pattern: a variable, or one of the query's IRIs (``None``: a literal, a blank node)."""
    if isinstance(term, Variable):
        return str(term)
    found = _NUMBERED.fullmatch(str(term)) if isinstance(term, URIRef) else None
    return (int(found.group(1)), found.group(2)) if found else None
