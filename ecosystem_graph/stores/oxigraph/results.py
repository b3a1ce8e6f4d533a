"""Oxigraph's query results as rdflib ``Result`` objects, converted as they are read, so that
callers cannot tell the stores apart."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result, ResultRow

from ...errors import QueryError, QuerySyntaxError, StoreError

__all__ = ["LazyResult", "Terms", "run_query", "solutions", "to_rdflib", "to_result"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Terms:
    """Converts Oxigraph terms to rdflib terms, each distinct term once while it is remembered: by a
    result, or (``limit``) up to that many terms, forgotten all at once when full."""

    def __init__(self, limit: int | None = None) -> None:
        self.seen: dict[Any, Any] = {}
        self.limit = limit

    def __call__(self, term: Any) -> Any:
        if term is None:
            return None
        found = self.seen.get(term)
        if found is None:
            if self.limit is not None and len(self.seen) >= self.limit:
                self.seen.clear()
            found = self.seen[term] = to_rdflib(term)
        return found


def to_rdflib(term: Any) -> Any:
    """The rdflib term for an Oxigraph term (plain strings become plain literals, as in rdflib).

    >>> to_rdflib(ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))).toPython()
    7
    >>> to_rdflib(ox.Literal("a")), to_rdflib(ox.NamedNode("urn:x"))
    (rdflib.term.Literal('a'), rdflib.term.URIRef('urn:x'))
    """
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if kind is ox.BlankNode:
        return BNode(term.value)
    if kind is ox.Triple:
        raise QueryError("the query returned an RDF-star triple term, which this project does not use")
    raise QueryError(f"unexpected term in a query result: {term!r}")


def to_result(native: Any) -> Result:
    """An rdflib ``Result`` holding what an Oxigraph query returned (SELECT, ASK, CONSTRUCT, DESCRIBE).

    A SELECT result is a :class:`LazyResult`: rows are converted as they are read.

    >>> result = to_result(ox.Store().query("SELECT ?x WHERE { VALUES ?x { 1 'a' } }"))
    >>> [str(v) for v in result.vars], [row.x.toPython() for row in result]
    (['x'], [1, 'a'])
    """
    if isinstance(native, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(native)
        return result
    if isinstance(native, ox.QueryTriples):
        convert = Terms()
        result = Result("CONSTRUCT")
        graph = Graph()
        for triple in native:
            graph.add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))
        result.graph = graph
        return result
    return LazyResult(native)


class LazyResult(Result):
    """A SELECT result that converts Oxigraph's rows to rdflib terms only when they are read.

    It behaves like rdflib's own (rows by index or name, ``vars``, ``bindings``, ``len``,
    ``serialize``); rows read once are kept, so it can be iterated again. Converting 100,000
    rows up front cost seconds that a caller reading only the first rows never needed.

    >>> result = LazyResult(ox.Store().query("SELECT ?x ?y WHERE { VALUES (?x ?y) { (1 UNDEF) ('a' 'b') } }"))
    >>> row = next(iter(result))
    >>> row.x.toPython(), row["y"], row[0] == row.x
    (1, None, True)
    >>> len(result), [str(r.x) for r in result], result.bindings[1][Variable("y")]
    (2, ['1', 'a'], rdflib.term.Literal('b'))
    """

    def __init__(self, native: Any) -> None:
        super().__init__("SELECT")
        self.vars = [Variable(v.value) for v in native.variables]
        self._labels = {str(v): i for i, v in enumerate(self.vars)}
        self._native: Iterator[Any] | None = iter(native)
        self._rows: list[ResultRow] = []
        self._convert = Terms()

    def __iter__(self) -> Iterator[Any]:
        yield from self._rows
        while self._native is not None:
            row = self._next_row()
            if row is not None:
                yield row

    def _next_row(self) -> ResultRow | None:
        """Convert one more native row (``None`` when it binds nothing, or at the end)."""
        assert self._native is not None
        try:
            solution = next(self._native)
        except StopIteration:
            self._native = None
            return None
        values = tuple(map(self._convert, solution))
        if all(v is None for v in values):  # rdflib shows no row for an empty binding
            return None
        # Made like rdflib's ResultRow, with one label index shared by every row.
        row = tuple.__new__(ResultRow, values)
        row.labels = self._labels
        self._rows.append(row)
        return row

    def _read_all(self) -> list[ResultRow]:
        while self._native is not None:
            self._next_row()
        return self._rows

    @property  # type: ignore[override]
    def bindings(self) -> list[dict[Variable, Any]]:
        variables = self.vars or []
        return [{v: t for v, t in zip(variables, row) if t is not None} for row in self._read_all()]

    @bindings.setter
    def bindings(self, value: Any) -> None:
        raise AttributeError("a LazyResult's rows come from its query")

    def __len__(self) -> int:
        return len(self._read_all())


def solutions(native: ox.Store, sparql: str) -> ox.QuerySolutions:
    """The rows of a SELECT query on ``native``, as Oxigraph gives them (which pyoxigraph types as
    the result of any query: solutions, a boolean or triples).

    >>> [row[0].value for row in solutions(ox.Store(), "SELECT ?x WHERE { VALUES ?x { 1 } }")]
    ['1']
    """
    found = native.query(sparql)
    assert isinstance(found, ox.QuerySolutions)
    return found


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def run_query(native: ox.Store, sparql: str) -> Any:
    """Run ``sparql`` on an Oxigraph store, with its errors as :class:`QueryError`.

    >>> run_query(ox.Store(), "SELECT ?x WHERE {\\n ?x }")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.QuerySyntaxError: malformed query at line 2, column ...: ...
    """
    try:
        return native.query(sparql)
    except SyntaxError as exc:
        match = _POSITION.match(str(exc))
        if match:
            raise QuerySyntaxError(sparql, int(match.group(1)), int(match.group(2)), match.group(3)) from None
        raise QueryError(f"malformed query: {exc}") from None
    except OSError as exc:
        raise StoreError(f"cannot read the store: {exc}") from None
    except Exception as exc:  # evaluation errors are the query's fault
        raise QueryError(f"the query failed: {exc}") from None
