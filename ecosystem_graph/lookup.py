"""Finding the entity a person means by a name: an id, a label, an alternative label, an acronym
inside a long official name, or a near miss, with "did you mean" when it is not clear.

The steps, cheapest first:

1. the text as written (and in upper, lower and title case) equals an identifier, a label or an
   alternative label: index look-ups in the store, fast at any size;
2. the same, ignoring case and accents ("Universitat Wien" for "Universität Wien");
3. an acronym that is a word of exactly one label ("TNO" in "NEDERLANDSE ORGANISATIE VOOR
   TOEGEPAST NATUURWETENSCHAPPELIJK ONDERZOEK TNO");
4. a near miss: a typo (rapidfuzz ratio of the folded names of at least 90) clearly ahead of the
   next one; a part of a longer name ("London" for "London & Partners") is offered, not taken.

Steps 3 and 4 resolve with a note saying what the text was read as; otherwise the error lists the
closest names. Steps 2-4 read the names of the wanted kind once per graph (one query) and keep them.

>>> from .graph import open_graph
>>> kg = open_graph()
>>> found = find_entity(kg, "organization", "Sofia Knowledge City")
>>> found.entity.rsplit("/", 1)[-1], found.note is None
('kc-sofia', True)
>>> find_entity(kg, "organization", "Opportunity Peterboro").note
"'Opportunity Peterboro' read as 'Opportunity Peterborough' (opportunity-peterborough)"
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from .errors import QueryError
from .kinds import NODE_KINDS, PARAMETER_KINDS

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = ["FUZZY_MARGIN", "FUZZY_SCORE", "STOP_WORDS", "SUGGESTION_SCORE", "Found", "Names", "find_entity", "fold"]

#: The least similarity (rapidfuzz ratio, 0-100) of a near miss that resolves on its own, and how far
#: ahead of the next entity it must be; otherwise names from SUGGESTION_SCORE (WRatio, which also
#: scores parts of longer names) are offered instead.
FUZZY_SCORE, FUZZY_MARGIN, SUGGESTION_SCORE = 90.0, 4.0, 60.0


@dataclass(frozen=True)
class Found:
    """The entity a name resolved to, and what to tell the person when it was not an exact match."""

    entity: URIRef
    note: str | None = None


@dataclass
class Names:
    """The names of the entities of one kind: (entity, id, name) rows, with their folded forms."""

    rows: list[tuple[str, str, str]]

    def __post_init__(self) -> None:
        self.folded = [fold(name) for _, _, name in self.rows]

    def labels(self) -> dict[str, str]:
        """Each entity's first name (its label: labels are read before alternative labels)."""
        found: dict[str, str] = {}
        for entity, _, name in self.rows:
            found.setdefault(entity, name)
        return found


#: Words names differ by without naming anything else ("The Netherlands", "Politecnico di Milano").
STOP_WORDS = frozenset("the of and for de di da del della der des du la le les van von y et und".split())


def fold(text: str) -> str:
    """Text as names are compared: case, accents, punctuation and linking words set aside.

    >>> fold("Universität  Wien"), fold("LONDON & PARTNERS"), fold("Politecnico di Milano")
    ('universitat wien', 'london partners', 'politecnico milano')
    """
    plain = unicodedata.normalize("NFKD", text.replace("&", " and ").casefold())
    words = re.findall(r"[a-z0-9]+", plain.encode("ascii", "ignore").decode())
    return " ".join(w for w in words if w not in STOP_WORDS) or " ".join(words)


def find_entity(kg: KnowledgeGraph, kind: str, value: str, name: str | None = None) -> Found:
    """The entity of ``kind`` that ``value`` names (see the module's steps), or a :class:`QueryError`."""
    what = name or kind
    exact = _exact(kg, kind, value)
    if len(exact) == 1:
        return Found(URIRef(exact[0][0]))
    if len(exact) > 1:
        raise QueryError(f"parameter {what!r}: {value!r} names several {kind}s "
                         f"({', '.join(sorted(i for _, i in exact))}); give an id")
    names = _names(kg, kind)
    return (_folded(names, value, kind, what) or _acronym(names, value) or _fuzzy(names, value, kind, what))


def _type_filter(kind: str, forgiving: bool = False) -> str:
    """The pattern that keeps entities of ``kind``; when ``forgiving``, "any entity" means any node
    kind (not the participations and statements whose labels repeat the names of organizations)."""
    wanted = PARAMETER_KINDS.get(kind, ())
    if not wanted and forgiving:
        wanted = tuple(k.cls for k in NODE_KINDS if k.cls)
    classes = " ".join(f"<{c}>" for c in wanted)
    return f"VALUES ?class {{ {classes} }} ?entity a ?class ." if classes else ""


def _exact(kg: KnowledgeGraph, kind: str, value: str) -> list[tuple[str, str]]:
    text = value.strip()
    forms = " ".join(Literal(f).n3() for f in dict.fromkeys((text, text.upper(), text.lower(), text.title())))
    # The names first, in a sub-select, and the kind checked with FILTER EXISTS: as one pattern,
    # Oxigraph started from every entity of the kind (0.3 s per parameter on CORDIS; 0.3 ms so).
    kind_check = _type_filter(kind)
    sparql = f"""SELECT DISTINCT ?entity ?id WHERE {{
        {{ SELECT DISTINCT ?entity WHERE {{ VALUES ?text {{ {forms} }}
          {{ ?entity dct:identifier ?text }} UNION {{ ?entity rdfs:label ?text }}
          UNION {{ ?entity skos:altLabel ?text }} }} }}
        {f"FILTER EXISTS {{ {kind_check} }}" if kind_check else ""}
        ?entity dct:identifier ?id }}"""
    return [(str(e), str(i)) for e, i in kg.text_rows(sparql)]


def _names(kg: KnowledgeGraph, kind: str) -> Names:
    cache: dict[str, Names] = kg.__dict__.setdefault("_lookup_names", {})
    if kind not in cache:
        labels = kg.text_rows(f"SELECT ?entity ?id ?name WHERE {{ {_type_filter(kind, True)} "
                              "?entity dct:identifier ?id ; rdfs:label ?name }")
        alts = kg.text_rows(f"SELECT ?entity ?id ?name WHERE {{ {_type_filter(kind, True)} "
                            "?entity dct:identifier ?id ; skos:altLabel ?name }")
        rows = sorted((str(e), str(i), str(n)) for e, i, n in labels)
        rows += sorted((str(e), str(i), str(n)) for e, i, n in alts)
        rows += sorted({(e, i, i) for e, i, _ in rows})  # ids are names too
        cache[kind] = Names(rows)
    return cache[kind]


def _folded(names: Names, value: str, kind: str, what: str) -> Found | None:
    wanted = fold(value)
    hits = sorted({(names.rows[i][0], names.rows[i][1]) for i, f in enumerate(names.folded) if f == wanted})
    if len(hits) > 1:
        raise QueryError(f"parameter {what!r}: {value!r} names several {kind}s "
                         f"({', '.join(i for _, i in hits)}); give an id")
    return Found(URIRef(hits[0][0])) if hits else None


def _acronym(names: Names, value: str) -> Found | None:
    word = value.strip()
    if not re.fullmatch(r"[A-Za-z0-9]{2,10}", word):
        return None
    upper = word.upper()
    hits = sorted({(e, i, n) for e, i, n in names.rows if upper in re.findall(r"[A-Z0-9]+", n) and upper != n})
    if len({e for e, _, _ in hits}) != 1:
        return None
    entity, ident, label = hits[0]
    return Found(URIRef(entity), f"{value!r} read as {names.labels()[entity]!r} ({ident})")


def _best(hits: list[tuple[str, float, int]], names: Names) -> list[tuple[str, float]]:
    """Each entity once, with its best score, best first."""
    best: dict[str, float] = {}
    for _, score, i in hits:
        entity = names.rows[i][0]
        best[entity] = max(best.get(entity, 0.0), score)
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def _fuzzy(names: Names, value: str, kind: str, what: str) -> Found:
    from rapidfuzz import fuzz, process

    wanted = fold(value)
    labels = names.labels()
    ids = {e: i for e, i, _ in names.rows}
    typos = _best(process.extract(wanted, names.folded, scorer=fuzz.ratio, limit=20, score_cutoff=FUZZY_SCORE),
                  names)
    if typos and (len(typos) == 1 or typos[1][1] <= typos[0][1] - FUZZY_MARGIN):
        entity = typos[0][0]
        return Found(URIRef(entity), f"{value!r} read as {labels[entity]!r} ({ids[entity]})")
    ranked = _best(process.extract(wanted, names.folded, scorer=fuzz.WRatio, limit=50,
                                   score_cutoff=SUGGESTION_SCORE), names)
    close = ", ".join(f"{labels[e]!r} ({ids[e]})" for e, _ in ranked[:5])
    raise QueryError(f"parameter {what!r}: no {kind} has the id or label {value!r}"
                     + (f" (did you mean {close}?)" if close else ""))
