"""Check a SPARQL request before any store sees it: nothing may make the server call out.

Oxigraph runs ``SERVICE`` calls by itself, with no switch to turn them off; rdflib fetches
``SERVICE`` endpoints, ``LOAD`` sources, ``FROM`` graphs and remote JSON-LD contexts. So every
query is parsed with rdflib's SPARQL parser first and its parse tree searched for ``SERVICE``,
``LOAD``, and ``FROM``/``FROM NAMED``/``USING`` graphs the store does not hold; any of them refuses
the request with :class:`Refused`. A query that does not parse gets the parser's message and
position (:class:`~ecosystem_graph.errors.QuerySyntaxError`).

rdflib's parser takes about 10 ms for a short query, more than the query itself. Queries that
differ only in their IRIs and strings (the same lookup about another entity) have the same parse
tree shape, so a clean verdict is cached per *template*: the text with every IRI and string
replaced by a fixed one and comments dropped. A template that is not clean (or does not parse)
is never a shortcut: the request itself is then parsed, and refused or reported from its own text.

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
'SELECT'
>>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
ecosystem_graph.server.guard.Refused: SERVICE <http://127.0.0.1:9/sparql> is refused: this endpoint makes no request on a query's behalf
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..errors import QueryError, QuerySyntaxError

#: The query forms, by the name of rdflib's parse-tree node.
_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
          "DescribeQuery": "DESCRIBE"}

# The tokens whose content does not change a query's parse tree shape: IRIs, strings, comments.
# Long strings first, so that '''...''' is not read as '' followed by '...
_TOKENS = re.compile(r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""|\'\'\'(?:(?:\'|\'\')?(?:[^\'\\]|\\.))*\'\'\''
                     r'|"(?:\\.|[^"\\\n\r])*"|\'(?:\\.|[^\'\\\n\r])*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n\r]*')


class Refused(QueryError):
    """A request this endpoint will not run (HTTP 403): it would make a request elsewhere."""


def check_query(text: str, local_graphs: frozenset[str] = frozenset()) -> str:
    """The form of query ``text`` (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``), once checked.

    ``FROM`` and ``FROM NAMED`` may name only graphs in ``local_graphs``.

    >>> check_query("ASK FROM <https://example.org/g> { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    ecosystem_graph.server.guard.Refused: FROM <https://example.org/g> is refused: the store holds no such graph, and this endpoint fetches nothing
    >>> check_query("ASK FROM <urn:g> { ?s ?p ?o }", frozenset({"urn:g"}))
    'ASK'
    """
    form = _clean_template_form(template(text))
    if form is not None:
        return form
    tree = _parse(text, update=False)
    _refuse_outbound(tree, local_graphs)
    return _FORMS.get(tree[1].name, "SELECT")


def check_update(text: str, local_graphs: frozenset[str] = frozenset()) -> None:
    """Check a SPARQL update: ``LOAD``, ``SERVICE`` and remote ``USING`` graphs are refused.

    >>> check_update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    >>> check_update("LOAD <http://127.0.0.1:9/data.ttl>")
    Traceback (most recent call last):
    ...
    ecosystem_graph.server.guard.Refused: LOAD <http://127.0.0.1:9/data.ttl> is refused: this endpoint fetches nothing
    """
    _refuse_outbound(_parse(text, update=True), local_graphs)


def template(text: str) -> str:
    """``text`` with every IRI replaced by ``<urn:x>``, every string by ``""`` and comments dropped.

    >>> template("SELECT * WHERE { <http://a/b#c> ?p 'x y' } # note")
    'SELECT * WHERE { <urn:x> ?p "" } '
    """
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        return "<urn:x>" if token[0] == "<" else "" if token[0] == "#" else '""'

    return _TOKENS.sub(replace, text)


@lru_cache(maxsize=4096)
def _clean_template_form(template_text: str) -> str | None:
    """The form of a template that parses and asks for nothing outbound, else ``None``."""
    try:
        tree = _parse(template_text, update=False)
        _refuse_outbound(tree, frozenset())
    except QueryError:
        return None
    return _FORMS.get(tree[1].name, "SELECT")


def _parse(text: str, update: bool) -> Any:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseUpdate(text) if update else parseQuery(text)
    except ParseException as exc:
        raise QuerySyntaxError(text, exc.lineno, exc.col, exc.msg) from None
    except Exception as exc:  # rdflib reports some problems (bad escapes...) as plain exceptions
        raise QueryError(f"malformed {'update' if update else 'query'}: {exc}") from None


def _refuse_outbound(tree: Any, local_graphs: frozenset[str]) -> None:
    """Raise :class:`Refused` at the first part of the parse tree that would fetch something."""
    for node in _nodes(tree):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise Refused(f"SERVICE {_show(node['term'])} is refused: "
                          "this endpoint makes no request on a query's behalf")
        if name == "Load":
            raise Refused(f"LOAD {_show(node['iri'])} is refused: this endpoint fetches nothing")
        if name in ("DatasetClause", "UsingClause"):
            named = "named" in node  # CompValue.get answers False, not None, for a missing part
            iri = node["named"] if named else node["default"]
            if str(iri) not in local_graphs:
                keyword = ("FROM" if name == "DatasetClause" else "USING") + (" NAMED" if named else "")
                raise Refused(f"{keyword} {_show(iri)} is refused: the store holds no such graph, "
                              "and this endpoint fetches nothing")


def _nodes(tree: Any) -> Iterator[Any]:
    """Every node of an rdflib parse tree, depth first (parse trees are shallow enough to recurse)."""
    yield tree
    if isinstance(tree, dict):  # rdflib's CompValue is a dict of its parts
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list) or type(tree).__name__ == "ParseResults":
        for value in tree:
            yield from _nodes(value)


def _show(term: Any) -> str:
    """A term as written in SPARQL: an IRI or a variable, or a prefixed name as parsed.

    >>> from rdflib.plugins.sparql.parser import parseQuery
    >>> tree = parseQuery("PREFIX r: <http://x/> SELECT * { SERVICE r:s { ?a ?b ?c } }")
    >>> [_show(n["term"]) for n in _nodes(tree) if getattr(n, "name", "") == "ServiceGraphPattern"]
    ['r:s']
    """
    from rdflib.term import Identifier

    if isinstance(term, Identifier):
        return term.n3()
    if getattr(term, "name", None) == "pname":
        return f"{term.get('prefix') or ''}:{term.get('localname') or ''}"
    return str(term)
