"""What differs between SPARQL engines, in one place; the rest of the remote store speaks only the
standard protocols (SPARQL 1.1 Query, Update and the Graph Store Protocol).

An :class:`Engine` says where an engine's update and Graph Store Protocol endpoints usually are
next to its query endpoint, how large one request may be, how to run a large update without
filling the engine's transaction log, and how the engine says that it cut a result short.
``GENERIC`` assumes nothing beyond the standards; ``VIRTUOSO`` knows OpenLink Virtuoso's quirks.

>>> detect("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu").name
'virtuoso'
>>> detect("Apache Jena Fuseki (5.1.0)").name, detect(None).name
('generic', 'generic')
>>> VIRTUOSO.default_endpoints("http://127.0.0.1:8890/sparql", authenticated=True)
('http://127.0.0.1:8890/sparql-auth', 'http://127.0.0.1:8890/sparql-graph-crud-auth')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.query import Result

from ...errors import StoreError

__all__ = ["ENGINES", "Engine", "GENERIC", "VIRTUOSO", "boolean_variables", "by_name", "detect"]


@dataclass(frozen=True)
class Engine:
    """The quirks of one kind of SPARQL engine."""

    name: str
    #: Triples per SPARQL ``INSERT DATA`` request, when there is no Graph Store Protocol endpoint.
    insert_batch: int = 10_000
    #: Bytes of N-Triples per Graph Store Protocol ``POST``.
    post_batch_bytes: int = 8 << 20
    #: Put before an update that drops or clears a large graph.
    bulk_update_prefix: str = ""

    def default_endpoints(self, query_url: str, authenticated: bool) -> tuple[str | None, str | None]:
        """The update URL and Graph Store Protocol URL to use when none is given.

        SPARQL 1.1 lets one endpoint take queries and updates; where the Graph Store Protocol is
        cannot be guessed for an unknown engine, so it is left unset (updates carry the data then).

        >>> GENERIC.default_endpoints("http://localhost:3030/ds", authenticated=False)
        ('http://localhost:3030/ds', None)
        """
        return query_url, None

    def truncated_at(self, headers: Mapping[str, str]) -> int | None:
        """The row limit the engine applied to a response, if it says it may have cut it short."""
        return None

    def fix_result(self, query: str, result: Result) -> Result:
        """Undo what the engine changes in a result against the standard (nothing, by default)."""
        return result

    def explain(self, status: int, text: str) -> str:
        """The gist of an error response body, one line, for a message to the user.

        >>> GENERIC.explain(400, "Parse error:\\n line 1 ...")
        'Parse error:'
        """
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        return (lines[0] if lines else f"HTTP status {status}")[:300]


class _Virtuoso(Engine):
    """OpenLink Virtuoso (7.x), as in Debian's ``virtuoso-opensource``.

    * Its public endpoint ``/sparql`` refuses updates; ``/sparql-auth`` takes them from a user with
      the ``SPARQL_UPDATE`` role, with HTTP digest authentication. Its Graph Store Protocol
      endpoints are ``/sparql-graph-crud`` (read) and ``/sparql-graph-crud-auth`` (write).
    * One update runs as one transaction whose log must fit in memory: dropping a graph of a million
      triples that way can fail, so large drops run with ``DEFINE sql:log-enable 3`` (row by row,
      no transaction log), which is only safe for graphs that no reader uses any more.
    * ``INSERT DATA`` is compiled to SQL whose size is bounded, so update batches stay small.
    * It has no boolean values of its own: ``true``, ``BOUND(?x)``, ``EXISTS {...}`` and comparisons
      come back as the integers 1 and 0, and stored booleans as ``"1"^^xsd:boolean``. Result
      variables that the query computes with a boolean expression are turned back into booleans
      (see :func:`boolean_variables`), stored ones into their canonical ``true``/``false``.
    * It answers an ASK query asked for SPARQL JSON results with a SELECT result of one variable,
      ``__ASK_RETVAL``, bound to 1 when true and to nothing when false.
    * Every result, Graph Store Protocol reads included, is cut at ``ResultSetMaxRows`` of
      ``virtuoso.ini`` (10,000 in Debian's default), and the response then carries
      ``X-SPARQL-MaxRows``; a cut result is an error here, never a silently short answer.
    """

    def default_endpoints(self, query_url: str, authenticated: bool) -> tuple[str | None, str | None]:
        parts = urlsplit(query_url)
        suffix = "-auth" if authenticated else ""
        base = parts.path.rstrip("/")
        if not base.endswith("/sparql"):
            return query_url, None
        root = base[: -len("/sparql")]

        def at(path: str) -> str:
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        return at(f"{root}/sparql{suffix}"), at(f"{root}/sparql-graph-crud{suffix}")

    def truncated_at(self, headers: Mapping[str, str]) -> int | None:
        """Virtuoso's row limit, sent when a result reached it.

        >>> VIRTUOSO.truncated_at({"X-SPARQL-MaxRows": "10000"}), VIRTUOSO.truncated_at({})
        (10000, None)
        """
        value = headers.get("X-SPARQL-MaxRows") or headers.get("x-sparql-maxrows")
        return int(value) if value and value.strip().isdigit() else None

    def fix_result(self, query: str, result: Result) -> Result:
        """Booleans where the query computes them (Virtuoso sends 1 and 0).

        >>> result = Result("SELECT")
        >>> result.vars = [__import__("rdflib").Variable("b")]
        >>> result.bindings = [{result.vars[0]: Literal(1)}]
        >>> [row.b for row in VIRTUOSO.fix_result("SELECT (1 = 1 AS ?b) WHERE {}", result)]
        [rdflib.term.Literal('true', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#boolean'))]
        """
        if result.type == "SELECT" and [str(v) for v in result.vars or []] == ["__ASK_RETVAL"]:
            assert result.vars is not None
            return _ask(bool(result.bindings) and str(result.bindings[0].get(result.vars[0])) == "1")
        if result.type != "SELECT" or not result.bindings:
            return result
        computed = boolean_variables(query)
        for row in result.bindings:
            for variable, value in list(row.items()):
                if isinstance(value, Literal) and value.datatype in (XSD.integer, XSD.boolean) \
                        and (str(variable) in computed or value.datatype == XSD.boolean) and str(value) in ("0", "1"):
                    # rdflib types the rows of bindings as read-only Mappings; the parsers make dicts
                    row[variable] = Literal(str(value) == "1")  # type: ignore[index]
        return result

    def explain(self, status: int, text: str) -> str:
        """Virtuoso's first line (``Virtuoso 37000 Error SP030: ...``) without the echoed query.

        >>> VIRTUOSO.explain(500, "Virtuoso 42000 Error SR186:SECURITY: No permission to execute procedure "
        ...                       "DB.DBA.SPARQL_INSERT_DICT_CONTENT with user ID 107\\n\\nSPARQL query:\\nINSERT ...")
        'the user lacks the SPARQL_UPDATE role (Virtuoso: No permission to execute procedure
        DB.DBA.SPARQL_INSERT_DICT_CONTENT with user ID 107)'
        """
        head = super().explain(status, text.split("SPARQL query:")[0])
        if "SR186" in head:
            return ("the user lacks the SPARQL_UPDATE role (Virtuoso: "
                    + head.split("SECURITY:", 1)[-1].strip() + ")")
        return head


GENERIC = Engine("generic")
VIRTUOSO = _Virtuoso("virtuoso", insert_batch=1_000, post_batch_bytes=4 << 20,
                     bulk_update_prefix="DEFINE sql:log-enable 3\n")
ENGINES = {engine.name: engine for engine in (GENERIC, VIRTUOSO)}


def detect(server_header: str | None) -> Engine:
    """The engine a response's ``Server`` header names (``GENERIC`` for any other or none)."""
    if server_header and server_header.lower().startswith("virtuoso"):
        return VIRTUOSO
    return GENERIC


def by_name(name: str) -> Engine:
    """The engine called ``name``.

    >>> by_name("virtuoso") is VIRTUOSO
    True
    >>> by_name("blazegraph")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.StoreError: unknown SPARQL engine 'blazegraph'; expected auto, generic or virtuoso
    """
    if name not in ENGINES:
        raise StoreError(f"unknown SPARQL engine {name!r}; expected auto, {' or '.join(sorted(ENGINES))}")
    return ENGINES[name]


def _ask(answer: bool) -> Result:
    result = Result("ASK")
    result.askAnswer = answer
    return result


_BOOLEAN_CALLS = ("BOUND", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC", "REGEX", "CONTAINS", "STRSTARTS",
                  "STRENDS", "LANGMATCHES", "SAMETERM", "EXISTS", "NOT")
_HIDDEN = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\''  # long strings
                     r'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''  # short strings
                     r'|<[^<>\s]*>|#[^\n]*')  # IRIs, comments


def boolean_variables(query: str) -> set[str]:
    """The variables ``query`` binds with ``(EXPRESSION AS ?v)`` where the expression is boolean in
    standard SPARQL: ``true``/``false``, a comparison, ``&&``, ``||``, ``!``, ``IN``, ``EXISTS`` or a
    boolean function at its top level.

    >>> sorted(boolean_variables('SELECT (COUNT(?x) AS ?n) (?a = "(" AS ?same) WHERE { '
    ...     'BIND (BOUND(?d) AS ?known) BIND (IF(?a < 1, 2, 3) AS ?size) BIND (true AS ?t) '
    ...     'BIND (EXISTS { ?s ?p ?o } AS ?e) BIND (?x NOT IN (1, 2) AS ?out) }'))
    ['e', 'known', 'out', 'same', 't']
    """
    text = _HIDDEN.sub(lambda m: "_" * len(m.group(0)), query)
    found = set()
    for match in re.finditer(r"\bAS\s+\?(\w+)\s*\)", text, re.IGNORECASE):
        start = _opening(text, match.start())
        if start is not None and _is_boolean(text[start + 1: match.start()]):
            found.add(match.group(1))
    return found


def _opening(text: str, end: int) -> int | None:
    """The position of the ``(`` that the ``AS`` at ``end`` closes."""
    depth = 0
    for index in range(end - 1, -1, -1):
        char = text[index]
        if char in ")}":
            depth += 1
        elif char in "({":
            if depth == 0:
                return index if char == "(" else None
            depth -= 1
    return None


def _is_boolean(expression: str) -> bool:
    """Whether ``expression`` (strings and IRIs blanked) yields a boolean at its top level."""
    top, depth = [], 0
    for char in expression:
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        elif depth == 0:
            top.append(char)
    flat = "".join(top)
    if re.search(r"(!=|<=|>=|&&|\|\||[=<>!])|\b(NOT\s+)?IN\b", flat, re.IGNORECASE):
        return True
    words = expression.strip().split("(")[0].split()
    head = words[0].upper() if words else ""
    return head in ("TRUE", "FALSE") or (head in _BOOLEAN_CALLS and expression.strip().endswith((")", "}")))
