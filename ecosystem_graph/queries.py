"""Named SPARQL queries: ``.rq`` files whose header comment declares them.

A header looks like this::

    # name: organizations-by-theme
    # description: Organizations linked to a theme, narrower themes included.
    # param: theme (theme, required): a theme id or label
    # columns: organization, label, city

A parameter binds the variable of its name, or another one declared with ``as ?var``:
``# param: organization (organization) as ?org: ...``. A parameter's kind says what its value names:
an entity kind (``organization``, ``theme``, ``city``, ``country``, ``place``, ``person``, ``visit``,
``meeting``, ``entity``), a ``date``, or ``text``. Entity values are resolved from an identifier or
a label (case-insensitive).
Bound parameters enter the query as a ``VALUES`` block at the start of its outer ``WHERE``, or,
where the query marks the places, in each of its placeholders ``VALUES ?var { UNDEF }``: valid
SPARQL that leaves the variable free while unbound. A placeholder inside each branch of a ``UNION``
lets the store evaluate every branch from the given value; Oxigraph joins a ``VALUES`` block at the
top with a following ``UNION`` only after evaluating the whole union (``partners``: 1.9 s -> 35 ms at
100,000 organizations).

Engines plan the same SPARQL very differently, so a query may also have *variants*: the same
question written for one engine, in ``ENGINE/NAME.rq`` beside ``NAME.rq`` (``queries/oxigraph/``).
``NAME.rq`` is the definition, written to run well on rdflib and any engine; a store runs the
variant for its engine (:data:`VARIANT_ENGINES`) when there is one. A variant takes its name, parameters
and columns from its query and must give the same rows (``tests/test_stores.py`` checks every one).

>>> theme_landscape = load_library()["theme-landscape"]
>>> sorted(theme_landscape.variants), theme_landscape.text_for("oxigraph") != theme_landscape.text
(['oxigraph'], True)
>>> theme_landscape.text_for("rdflib") == theme_landscape.text
True

>>> q = load_library()["organizations-in-city"]
>>> [p.name for p in q.params], q.columns
(['city'], ['organization', 'label', 'type'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from . import locations
from .errors import QueryError
from .kinds import PARAMETER_KINDS
from .namespaces import sparql_prologue

__all__ = ["ENTITY_KINDS", "HEADER", "NamedQuery", "PARAM", "PLACEHOLDER", "Param", "VALUE_KINDS", "VARIANT_ENGINES",
           "Variant", "bind", "get_query", "iri_term", "load_library", "parse_named_query", "query_dirs",
           "value_term", "with_prologue"]

HEADER = re.compile(r"^#\s*(name|description|param|columns|keep)\s*:\s*(.*)$")
PARAM = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)\s*\((?P<kind>[a-z-]+)(?P<req>,\s*required)?\)"
                   r"(?:\s+as\s+\?(?P<var>\w+))?\s*:?\s*(?P<help>.*)$")
#: Kinds a parameter may take: an entity's kind (:data:`~.kinds.PARAMETER_KINDS`) or a value's.
ENTITY_KINDS = tuple(PARAMETER_KINDS)
VALUE_KINDS = ("date", "text", "integer")
PLACEHOLDER = r"\bVALUES\s+[?$]{}\s*\{{\s*UNDEF\s*\}}"  # of one variable; see bind()
#: Engines a variant may be written for: the stores' ``sparql_engine`` (rdflib for ``memory``,
#: oxigraph for ``oxigraph`` and ``oxigraph:PATH``, the detected engine of a ``sparql:URL`` store).
VARIANT_ENGINES = ("rdflib", "oxigraph", "virtuoso", "generic")


@dataclass(frozen=True)
class Param:
    """A declared parameter of a named query."""

    name: str
    kind: str
    required: bool
    help: str
    var: str = ""  # the SPARQL variable it binds; its name unless declared with "as ?var"

    @property
    def variable(self) -> str:
        return self.var or self.name


@dataclass(frozen=True)
class Variant:
    """A named query written for one engine: ``ENGINE/NAME.rq`` beside ``NAME.rq``."""

    engine: str
    text: str
    path: Path


@dataclass
class NamedQuery:
    """A query of the library: its declaration, its SPARQL text and its variants by engine."""

    name: str
    description: str
    params: list[Param]
    columns: list[str]
    text: str
    path: Path
    variants: dict[str, Variant] = field(default_factory=dict)
    #: ``build``: the build answers it for every new graph (see :mod:`.answers`); else empty.
    keep: str = ""
    _param_index: dict[str, Param] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._param_index = {p.name: p for p in self.params}

    def param(self, name: str) -> Param:
        try:
            return self._param_index[name]
        except KeyError:
            known = ", ".join(self._param_index) or "none"
            raise QueryError(f"query {self.name!r} has no parameter {name!r} (parameters: {known})") from None

    def text_for(self, engine: str | None) -> str:
        """The text to run on ``engine``: its variant if it has one, else the query's own text."""
        variant = self.variants.get(engine or "")
        return variant.text if variant else self.text


def parse_named_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = HEADER.match(line)
        if match:
            meta.setdefault(match.group(1), []).append(match.group(2).strip())
    if "name" not in meta:
        raise QueryError(f"{path}: expected a '# name: ...' header line, found none")
    params = []
    for spec in meta.get("param", []):
        match = PARAM.match(spec)
        if not match or match.group("kind") not in ENTITY_KINDS + VALUE_KINDS:
            raise QueryError(f"{path}: expected '# param: NAME (KIND[, required]): help' with KIND one of "
                             f"{', '.join(ENTITY_KINDS + VALUE_KINDS)}, found {spec!r}")
        params.append(Param(match.group("name"), match.group("kind"), bool(match.group("req")),
                            match.group("help"), match.group("var") or ""))
    columns = [c.strip() for c in ",".join(meta.get("columns", [])).split(",") if c.strip()]
    keep = (meta.get("keep") or [""])[0]
    if keep not in ("", "build"):
        raise QueryError(f"{path}: expected '# keep: build' (answered by every build), found {keep!r}")
    return NamedQuery(meta["name"][0], " ".join(meta.get("description", [])), params, columns, text, path,
                      keep=keep)


def query_dirs(extra: list[Path] | None = None) -> list[Path]:
    """The built-in ``queries/`` folder, then any extra folders (a data folder's ``queries/``)."""
    return [locations.queries_dir(), *(extra or [])]


def load_library(extra: list[Path] | None = None) -> dict[str, NamedQuery]:
    """Every named query, by name; a later folder's query replaces an earlier one of the same name,
    variants included (a variant only ever stands for the query file beside it)."""
    library: dict[str, NamedQuery] = {}
    for folder in query_dirs(extra):
        beside = {path.stem: parse_named_query(path) for path in sorted(Path(folder).glob("*.rq"))}
        for path in sorted(Path(folder).glob("*/*.rq")):
            _add_variant(beside, path)
        library.update((query.name, query) for query in beside.values())
    return library


def _add_variant(queries: dict[str, NamedQuery], path: Path) -> None:
    """Attach the variant at ``path`` (``FOLDER/ENGINE/NAME.rq``) to query ``NAME`` of ``FOLDER``."""
    engine, folder = path.parent.name, path.parent.parent
    if engine not in VARIANT_ENGINES:
        raise QueryError(f"{path}: expected a variant in a folder named for an engine "
                         f"({', '.join(VARIANT_ENGINES)}), found folder {engine!r}")
    if path.stem not in queries:
        raise QueryError(f"{path}: a variant of query {path.stem!r}, expected {folder / (path.stem + '.rq')} "
                         "beside its folder, found none")
    queries[path.stem].variants[engine] = Variant(engine, path.read_text(encoding="utf-8"), path)


def get_query(name: str, extra: list[Path] | None = None) -> NamedQuery:
    library = load_library(extra)
    if name not in library:
        import difflib

        close = difflib.get_close_matches(name, list(library), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"no named query {name!r}{hint} (see 'ecosystem-graph queries')")
    return library[name]


def value_term(param: Param, value: str) -> Literal:
    """The literal for a value-kind parameter, checked."""
    if param.kind == "date":
        try:
            return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)
        except ValueError:
            raise QueryError(f"parameter {param.name!r}: expected a date as YYYY-MM-DD, found {value!r}") from None
    if param.kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise QueryError(f"parameter {param.name!r}: expected a whole number, found {value!r}")
        return Literal(int(value))
    return Literal(value)


#: An absolute IRI as SPARQL's IRIREF may hold it: a scheme, then no space, control character,
#: ``<>"{}|^`` or backslash (a backslash could start a codepoint escape, decoded before parsing).
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*")


def iri_term(text: str, what: str = "IRI") -> URIRef:
    """``text`` as an IRI term, checked so that it can only ever be one IRI in a query.

    >>> iri_term("https://w3id.org/ecosystem-graph/id/organization/nesta").n3()
    '<https://w3id.org/ecosystem-graph/id/organization/nesta>'
    >>> iri_term("http://x/a> ?p ?o } #", "parameter 'organization'")
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.QueryError: parameter 'organization': expected an IRI (a scheme such as https:, then no
    space, control character or any of <>"{}|^`\\), found 'http://x/a> ?p ?o } #'
    """
    if not _IRI.fullmatch(text):
        shown = text if len(text) <= 80 else f"{text[:77]}..."
        raise QueryError(f"{what}: expected an IRI (a scheme such as https:, then no space, control character "
                         f"or any of <>\"{{}}|^`\\), found {shown!r}")
    return URIRef(text)


def bind(query_text: str, bindings: dict[str, URIRef | Literal]) -> str:
    """Bind each variable of ``bindings`` in its placeholders, or in a ``VALUES`` block at the start
    of the query's outer ``WHERE`` group when the query has no placeholder for it.

    >>> print(bind("SELECT ?x WHERE { ?x a ?t }", {"t": URIRef("urn:T")}))
    SELECT ?x WHERE { VALUES ?t { <urn:T> }
     ?x a ?t }
    >>> print(bind("SELECT ?x WHERE { { VALUES ?t { UNDEF } ?x a ?t } UNION { VALUES ?t { UNDEF } ?t a ?x } }",
    ...            {"t": URIRef("urn:T")}))
    SELECT ?x WHERE { { VALUES ?t { <urn:T> } ?x a ?t } UNION { VALUES ?t { <urn:T> } ?t a ?x } }
    """
    query_text, bindings = _fill_placeholders(query_text, bindings)
    if not bindings:
        return query_text
    match = re.search(r"\bWHERE\s*\{", _blank_comments_and_strings(query_text), re.IGNORECASE)
    if not match:
        raise QueryError("cannot bind parameters: the query has no WHERE { ... } group")
    values = " ".join(f"VALUES ?{name} {{ {term.n3()} }}" for name, term in bindings.items())
    return f"{query_text[: match.end()]} {values}\n{query_text[match.end():]}"


def _fill_placeholders(query_text: str, bindings: dict[str, URIRef | Literal]
                       ) -> tuple[str, dict[str, URIRef | Literal]]:
    """The text with every placeholder of a bound variable filled, and the bindings left to place."""
    searchable = _blank_comments_and_strings(query_text)
    spans = sorted((m.start(), m.end(), name) for name in bindings
                   for m in re.finditer(PLACEHOLDER.format(re.escape(name)), searchable, re.IGNORECASE))
    for start, end, name in reversed(spans):  # from the end, so earlier offsets stay valid
        query_text = f"{query_text[:start]}VALUES ?{name} {{ {bindings[name].n3()} }}{query_text[end:]}"
    filled = {name for _, _, name in spans}
    left = {name: term for name, term in bindings.items() if name not in filled}
    return query_text, left


def _blank_comments_and_strings(text: str) -> str:
    """The text with comments and string contents blanked, keeping offsets, for searching."""
    pattern = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\''  # long strings
                         r'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''  # short strings
                         r'|<[^<>\s]*>|#[^\n]*')  # IRIs, comments
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def with_prologue(query_text: str, base_iri: str | None = None) -> str:
    """Declare the project's prefixes that ``query_text`` uses, except those it declares itself.

    A prefix counts as used when its name and a colon appear anywhere in the text (a few more than
    needed do no harm); declaring all of them cost every query their parsing: with rdflib's
    grammar a point lookup parsed in 2.1 ms with the 16 declarations and 1.2 ms without.

    >>> with_prologue("SELECT * { ?s a eco:Cluster }").splitlines()[0]
    'PREFIX eco: <https://w3id.org/ecosystem-graph/ontology#>'
    >>> with_prologue("SELECT * { <urn:a> ?p ?o }")
    'SELECT * { <urn:a> ?p ?o }'
    """
    used = set(re.findall(r"(?<![\w.-])([A-Za-z][\w.-]*):", query_text))
    offered = [(name, line) for name, line in _prologue_lines(base_iri) if name in used]
    if not offered:  # most often a query of full IRIs: the server answers it once per request
        return query_text
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", _strip_comment_lines(query_text)))
    lines = [line for name, line in offered if name not in declared]
    return "\n".join(lines) + ("\n" if lines else "") + query_text


@lru_cache(maxsize=8)
def _prologue_lines(base_iri: str | None) -> tuple[tuple[str, str], ...]:
    """Each project prefix's name and its PREFIX line."""
    return tuple((line.split()[1].rstrip(":"), line) for line in sparql_prologue(base_iri).splitlines())


def _strip_comment_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
