"""Check a SPARQL request before any store sees it: nothing may make the server call out.

Oxigraph runs ``SERVICE`` calls by itself, with no switch to turn them off; rdflib fetches
``SERVICE`` endpoints, ``LOAD`` sources, ``FROM`` graphs and remote JSON-LD contexts. So every
query is parsed with rdflib's SPARQL parser first and its parse tree searched for ``SERVICE``,
``LOAD``, and ``FROM``/``FROM NAMED``/``USING`` graphs the store does not hold; any of them refuses
the request with :class:`Refused`. A query that does not parse gets the parser's message and
position (:class:`~ecosystem_graph.errors.QuerySyntaxError`).

The check must read the query as the engine will. SPARQL 1.1 (section 19.2) decodes codepoint
escapes (``\\u0022``) in the whole text before parsing, and rdflib does; Oxigraph decodes them only
inside strings. An escape that stands for a character that opens or closes a string, an IRI or a
comment (a quote, ``<``, ``>``, ``#``, a line break, a backslash) would make the two readings
different queries (``# \\u000A SERVICE ...`` is a comment to one and a SERVICE call to the other),
so such escapes are refused; every other escape leaves both readings the same, and the guard
checks the decoded text. For the ``rdflib`` engine the guard's own parse is what runs
(:attr:`Checked.prepared`): the tree checked is the tree evaluated, parsed once.

Queries that differ only in their IRIs and strings (the same lookup about another entity) have the
same parse tree shape, so for other engines a clean verdict is cached per *template*: the decoded
text with every IRI and string replaced by a fixed one and comments dropped. A template that is not
clean (or does not parse) is never a shortcut: the request itself is then parsed, and refused or
reported from its own text.

>>> check_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
ecosystem_graph.server.guard.Refused: SERVICE <http://127.0.0.1:9/sparql> is refused: this endpoint makes no request
on a query's behalf
>>> check_query("SELECT * WHERE { ?s ?p ?o # \\\\u000A SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c }\\n}")
Traceback (most recent call last):
...
ecosystem_graph.errors.QuerySyntaxError: malformed query at line 1, column 29: the escape \\u000A stands for a line
break, which would end a comment: write the character itself (or a string escape such as \\n inside a string)
  SELECT * WHERE { ?s ?p ?o # \\u000A SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c }
                              ^
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import QueryError, QuerySyntaxError

__all__ = ["Checked", "Refused", "check_query", "check_update", "clean_tree", "decode_escapes", "iri_tokens",
           "template"]

#: The query forms, by the name of rdflib's parse-tree node.
_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
          "DescribeQuery": "DESCRIBE"}

# The tokens whose content does not change a query's parse tree shape: IRIs, strings, comments.
# Long strings first, so that '''...''' is not read as '' followed by '...
_TOKENS = re.compile(r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""|\'\'\'(?:(?:\'|\'\')?(?:[^\'\\]|\\.))*\'\'\''
                     r'|"(?:\\.|[^"\\\n\r])*"|\'(?:\\.|[^\'\\\n\r])*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n\r]*')

#: A codepoint escape as SPARQL 1.1 and rdflib find it (rdflib's own pattern, so both decode alike).
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: What an escape may not stand for, and why: each opens or closes a token in one reading only.
_STRUCTURAL = {'"': "a quote, which would open or close a string", "'": "a quote, which would open or close a string",
               "<": "'<', which would open an IRI", ">": "'>', which would close an IRI",
               "#": "'#', which would open a comment", "\\": "a backslash, which would start another escape",
               "\n": "a line break, which would end a comment", "\r": "a line break, which would end a comment"}


class Refused(QueryError):
    """A request this endpoint will not run (HTTP 403): it would make a request elsewhere."""


@dataclass(frozen=True)
class Checked:
    """A query that passed the guard: its form, and rdflib's prepared query when one was asked for."""

    form: str
    prepared: Any = None


def check_query(text: str, local_graphs: frozenset[str] = frozenset(), engine: str | None = None) -> Checked:
    """Check query ``text``; its form (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``) once clean.

    ``FROM`` and ``FROM NAMED`` may name only graphs in ``local_graphs``. For ``engine="rdflib"``
    the result carries the prepared query to evaluate (cached by text).

    >>> check_query("ASK FROM <https://example.org/g> { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    ecosystem_graph.server.guard.Refused: FROM <https://example.org/g> is refused: the store holds no such graph,
    and this endpoint fetches nothing
    >>> check_query("ASK FROM <urn:g> { ?s ?p ?o }", frozenset({"urn:g"})).form
    'ASK'
    >>> check_query("ASK { ?s ?p 'caf\\\\u00e9' }", engine="rdflib").prepared is not None
    True
    """
    if engine == "rdflib":
        return (_prepared_cached if len(text) <= _CACHED_TEXT else _prepared)(text, local_graphs)
    decoded = decode_escapes(text)
    shape = template(decoded)
    form = _clean_template_form(shape) if len(shape) <= _CACHED_TEXT else None
    if form is not None:
        return Checked(form)
    tree = clean_tree(decoded, local_graphs)
    return Checked(_FORMS.get(tree[1].name, "SELECT"))


def clean_tree(decoded: str, local_graphs: frozenset[str] = frozenset()) -> Any:
    """rdflib's parse tree of a query whose escapes are decoded, once it asks for nothing outbound."""
    tree = _parse(decoded, update=False)
    _refuse_outbound(tree, local_graphs)
    return tree


#: Texts (and templates) longer than this are checked each time: the caches hold short, repeated ones.
_CACHED_TEXT = 16_384


def _prepared(text: str, local_graphs: frozenset[str]) -> Checked:
    """The checked and translated query for rdflib: the tree it evaluates is the tree checked."""
    from rdflib.plugins.sparql.algebra import translateQuery

    tree = clean_tree(decode_escapes(text), local_graphs)
    try:
        prepared = translateQuery(tree)
    except Exception as exc:  # rdflib reports unknown prefixes and the like as plain exceptions
        raise QueryError(f"malformed query: {exc}") from None
    return Checked(_FORMS.get(tree[1].name, "SELECT"), prepared)


_prepared_cached = lru_cache(maxsize=1024)(_prepared)


def check_update(text: str, local_graphs: frozenset[str] = frozenset()) -> None:
    """Check a SPARQL update: ``LOAD``, ``SERVICE`` and remote ``USING`` graphs are refused.

    >>> check_update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    >>> check_update("LOAD <http://127.0.0.1:9/data.ttl>")
    Traceback (most recent call last):
    ...
    ecosystem_graph.server.guard.Refused: LOAD <http://127.0.0.1:9/data.ttl> is refused: this endpoint fetches nothing
    """
    _refuse_outbound(_parse(decode_escapes(text), update=True), local_graphs)


def decode_escapes(text: str) -> str:
    """``text`` with its codepoint escapes decoded, as SPARQL 1.1 parsers do before parsing;
    an escape that would change where a string, IRI or comment ends is refused.

    >>> decode_escapes("SELECT * { ?s ?p 'caf\\\\u00E9' }")
    "SELECT * { ?s ?p 'café' }"
    >>> decode_escapes("ASK { ?s ?p '\\\\u0022' }")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.QuerySyntaxError: malformed query at line 1, column 14: the escape \\u0022 stands for a
    quote, which would open or close a string: write the character itself (or a string escape such as \\n inside a
    string)
      ASK { ?s ?p '\\u0022' }
                   ^
    """
    if "\\u" not in text and "\\U" not in text:
        return text

    def decode(match: re.Match[str]) -> str:
        try:
            char = chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            raise QueryError(f"the escape {match.group(0)} names no Unicode character") from None
        if char in _STRUCTURAL:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise QuerySyntaxError(text, line, column, f"the escape {match.group(0)} stands for "
                                   f"{_STRUCTURAL[char]}: write the character itself (or a string escape "
                                   "such as \\n inside a string)")
        return char

    return _ESCAPE.sub(decode, text)


def template(text: str) -> str:
    """``text`` with every IRI replaced by ``<urn:x>``, every string by ``""`` and comments dropped.

    >>> template("SELECT * WHERE { <http://a/b#c> ?p 'x y' } # note")
    'SELECT * WHERE { <urn:x> ?p "" } '
    """
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        return "<urn:x>" if token[0] == "<" else "" if token[0] == "#" else '""'

    return _TOKENS.sub(replace, text)


def iri_tokens(text: str) -> list[str]:
    """The IRIs written in ``text``, in order: the tokens :func:`template` replaces by ``<urn:x>``.

    >>> iri_tokens("PREFIX a: <http://a/> SELECT * WHERE { <urn:s> a:p '<urn:no>' } # <urn:no>")
    ['http://a/', 'urn:s']
    """
    return [token[1:-1] for token in _TOKENS.findall(text) if token[0] == "<"]


@lru_cache(maxsize=4096)
def _clean_template_form(template_text: str) -> str | None:
    """The form of a template that parses and asks for nothing outbound, else ``None``."""
    try:
        tree = clean_tree(template_text)
    except QueryError:
        return None
    return _FORMS.get(tree[1].name, "SELECT")


def _parse(decoded: str, update: bool) -> Any:
    """rdflib's parse tree of text whose escapes are decoded already (so it is not decoded twice)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import Query, UpdateUnit

    try:
        return (UpdateUnit if update else Query).parse_string(decoded, parse_all=True)
    except ParseException as exc:
        raise QuerySyntaxError(decoded, exc.lineno, exc.col, exc.msg) from None
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
