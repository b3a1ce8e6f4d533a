"""Pages for the IRIs the graph mints that are not entities: statements, memberships, roles, sources,
the dataset, and any other resource under the base IRI.

The entity graph (:mod:`~ecosystem_graph.network`) leaves these out of its nodes, yet a client
following a link from a SPARQL result, or from an inferred fact, lands on them. Each page shows what
the graph says about the IRI (every property by its label, IRIs linked to their own pages) and what
refers to it (at most :data:`REFERRERS_SHOWN`, with the total), and on top a summary for the kinds
that need one: a statement's fact as a sentence, whether it is stated or inferred, why, and from
which source; how much a source gave the graph; the dataset's counts and its named queries.

The site (:class:`~ecosystem_graph.site.Site`) renders what :meth:`ResourcePages.context` gives.

>>> pages = ResourcePages(open_graph(), {})
>>> statement = next(iri for iri in pages.minted() if "/statement/" in iri)
>>> [line["label"] for line in pages.context(statement)["summary"]]
['Fact', 'Standing', 'Why']
>>> pages.context(open_graph().base_iri + "statement/none") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from .graph import KnowledgeGraph, open_graph  # noqa: F401  (open_graph: doctests)
from .namespaces import ECO
from .results import select_rows

__all__ = ["RDF_FORMS", "REFERRERS_SHOWN", "ResourcePages", "local_name"]

#: The RDF forms of an IRI the server gives (``/id/PATH?format=NAME``): name and media type.
RDF_FORMS = (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
             ("rdfxml", "application/rdf+xml"))

#: How many of the resources that refer to an IRI its page lists (a source may give 100,000).
REFERRERS_SHOWN = 200

_LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name)


class ResourcePages:
    """The pages of the non-entity IRIs of one graph, rendered on demand (site and server alike).

    ``entity_paths`` maps each entity IRI to its page (``KIND/ID.html``, from
    :func:`~ecosystem_graph.site.page_paths`): links to entities go there, every other IRI under
    the base to its own page here (but those in ``exclude``: the entities), IRIs elsewhere stay
    plain text.
    """

    def __init__(self, kg: KnowledgeGraph, entity_paths: dict[str, str], exclude: Container[str] = (),
                 labels: dict[str, str] | None = None, pages: bool = True) -> None:
        self.kg = kg
        self.pages = pages  # False: no page for any non-entity IRI (site --limit), their links plain text
        self.base = kg.base_iri
        self.entity_paths = entity_paths
        self.exclude = exclude  # entities without a page of their own (site --limit) get none here either
        # Labels known already (the entity graph's) or looked up once: properties recur on every page.
        self._known: dict[Any, str | None] = {URIRef(iri): label for iri, label in (labels or {}).items()}
        self._paths: dict[str, str] | None = None
        # What prefetch() asked for a batch of pages: IRI -> (its triples, what refers to it).
        self._fetched: dict[str, tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]]] = {}

    def minted(self) -> list[str]:
        """Every subject under the base IRI that is not an entity: the IRIs these pages are for."""
        return sorted(self.paths())

    def paths(self) -> dict[str, str]:
        """IRI -> page path (``SEGMENT/NAME.html``) of every minted non-entity IRI; made once."""
        if self._paths is None and not self.pages:
            self._paths = {}
        if self._paths is None:
            sparql = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{self.base}")) }}'
            taken = set(self.entity_paths.values())
            self._paths = {}
            for (iri,) in sorted(self.kg.text_rows(sparql)):
                if iri is None or iri in self.entity_paths or iri in self.exclude:
                    continue
                path = _page_path(iri[len(self.base):])
                while path in taken:
                    path = path[:-len(".html")] + "-2.html"
                taken.add(path)
                self._paths[iri] = path
        return self._paths

    def path(self, iri: str) -> str | None:
        """The page of ``iri``, entity or not, relative to the site's root; ``None`` for IRIs elsewhere."""
        return self.entity_paths.get(iri) or self.paths().get(iri)

    def prefetch(self, iris: Iterable[str]) -> None:
        """Ask the store about the pages of ``iris`` at once, for :meth:`context` to use: two
        queries a batch instead of two a page (the site writes 127,000 such pages on CORDIS).

        >>> pages = ResourcePages(open_graph(), {})
        >>> some = pages.minted()[:50]
        >>> alone = [pages.context(iri) for iri in some]
        >>> pages.prefetch(some)
        >>> [pages.context(iri) for iri in some] == alone
        True
        """
        values = " ".join(URIRef(iri).n3() for iri in iris)
        if not values:
            return
        fetched: dict[str, tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]]] = {}
        for s, p, o in select_rows(self.kg.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")):
            fetched.setdefault(str(s), ([], []))[0].append((p, o))
        for o, s, p in select_rows(self.kg.query(f"SELECT ?o ?s ?p WHERE {{ VALUES ?o {{ {values} }} ?s ?p ?o }}")):
            if str(o) in fetched:
                fetched[str(o)][1].append((s, p))
        self._fetched = fetched

    def context(self, iri: str) -> dict[str, Any] | None:
        """What the page of ``iri`` shows (for ``site_resource.html``), or ``None`` when the graph
        says nothing about it."""
        node = URIRef(iri)
        if iri in self._fetched:
            about, referrers = self._fetched.pop(iri)
            referrers.sort(key=lambda pair: (pair[1], pair[0]))  # as ORDER BY ?p ?s
            total = len(referrers)
            del referrers[REFERRERS_SHOWN + 1:]
        else:
            about = [(p, o) for p, o in select_rows(self.kg.query(f"SELECT ?p ?o WHERE {{ {node.n3()} ?p ?o }}"))]
            if not about:
                return None
            referrers = [(s, p) for s, p in select_rows(self.kg.query(
                f"SELECT ?s ?p WHERE {{ ?s ?p {node.n3()} }} ORDER BY ?p ?s LIMIT {REFERRERS_SHOWN + 1}"))]
            total = len(referrers)
            if total > REFERRERS_SHOWN:
                total = self._count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p {node.n3()} }}")
        if not about:
            return None
        labels = self._labels({node, *(t for pair in about for t in pair), *(t for pair in referrers for t in pair)})
        types = [o for p, o in about if p == RDF.type]
        summary = self._summary(node, dict(about), set(types), labels)
        title = labels.get(node) or (" ".join(part["text"] for part in summary[0]["parts"])
                                     if RDF.Statement in types else local_name(iri))
        facts = [{"property": self._name(p, labels), "value": self._ref(o, labels)}
                 for p, o in sorted(about, key=lambda pair: (self._name(pair[0], labels), str(pair[1])))
                 if p != RDF.type]
        return dict(
            title=str(title), iri=iri, kinds=[self._name(t, labels) for t in types], facts=facts,
            summary=summary,
            referrers=[{"value": self._ref(s, labels), "property": self._name(p, labels)}
                       for s, p in referrers[:REFERRERS_SHOWN]],
            referrers_total=total)

    # -- what each kind adds ---------------------------------------------------------------------

    def _summary(self, node: URIRef, about: dict[Any, Any], types: set[Any],
                 labels: dict[Any, str]) -> list[dict[str, Any]]:
        """Lines shown above the facts: a statement's fact and standing, a source's or dataset's counts."""
        if RDF.Statement in types:
            inferred = about.get(ECO.inferred) == Literal(True)
            lines = [{"label": "Fact", "parts": [self._ref(about.get(RDF.subject), labels),
                                                 {"text": self._name(about.get(RDF.predicate), labels)},
                                                 self._ref(about.get(RDF.object), labels)]},
                     {"label": "Standing", "parts": [{"text": "inferred by this project's rules, not stated by "
                                                              "the source" if inferred else "stated by the source"}]}]
            if SKOS.note in about:
                lines.append({"label": "Why", "parts": [{"text": str(about[SKOS.note])}]})
            return lines
        if DCAT.Dataset in types:
            return self._dataset_summary()
        if PROV.Entity in types:
            count = self._count(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x prov:wasDerivedFrom {node.n3()} }}")
            return [{"label": "Derived from it", "parts": [{"text": f"{count:,} resources of this graph"}]}]
        return []

    def _dataset_summary(self) -> list[dict[str, Any]]:
        triples = self._count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        kinds = select_rows(self.kg.query(
            "SELECT ?label (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class . ?class rdfs:label ?label "
            "FILTER(STRSTARTS(STR(?class), STR(eco:)) || ?class IN (org:Organization, foaf:Person)) } "
            "GROUP BY ?label ORDER BY DESC(?n) ?label"))
        queries = sorted(self.kg.library())
        return [{"label": "Triples", "parts": [{"text": f"{triples:,}"}]},
                {"label": "Resources", "parts": [{"text": ", ".join(f"{int(n):,} {label}" for label, n in kinds)}]},
                {"label": "Named queries", "parts": [{"text": ", ".join(queries)}]},
                {"label": "Made by", "parts": [{"text": "ecosystem-graph build, from the records of its data folder; "
                                                        "every fact carries its source"}]}]

    # -- terms -----------------------------------------------------------------------------------

    def _count(self, sparql: str) -> int:
        return int(next(iter(select_rows(self.kg.query(sparql))))[0])

    def _labels(self, terms: Iterable[Any]) -> dict[Any, str]:
        """A label for each IRI among ``terms`` that has one (English or untagged first)."""
        iris = {t for t in terms if isinstance(t, URIRef)}
        unknown = sorted(t for t in iris if t not in self._known)
        if unknown:
            found: dict[Any, tuple[bool, str]] = {}
            sparql = (f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {' '.join(t.n3() for t in unknown)} }} "
                      f"?x {'|'.join(p.n3() for p in _LABELS)} ?l }}")
            for iri, label in select_rows(self.kg.query(sparql)):
                choice = (getattr(label, "language", None) not in (None, "", "en"), str(label))
                if iri not in found or choice < found[iri]:
                    found[iri] = choice
            self._known.update((iri, found[iri][1] if iri in found else None) for iri in unknown)
        return {iri: text for iri in iris if (text := self._known[iri]) is not None}

    def _name(self, term: Any, labels: dict[Any, str]) -> str:
        return labels.get(term) or local_name(str(term)) if term is not None else "?"

    def _ref(self, term: Any, labels: dict[Any, str]) -> dict[str, str]:
        """A value as the template shows it: text, and a link when it is an IRI with a page."""
        if not isinstance(term, URIRef):
            return {"text": "?" if term is None else str(term)}
        path = self.path(str(term))
        return {"text": labels.get(term) or str(term), "href": f"../{path}" if path else "", "iri": str(term)}


def _page_path(local: str) -> str:
    """``SEGMENT/NAME.html`` for the part of an IRI after the base, safe as a file name.

    >>> _page_path("statement/0055ba58"), _page_path("dataset/this"), _page_path("a/../b c")
    ('statement/0055ba58.html', 'dataset/this.html', 'a/b-c.html')
    """
    segment, _, rest = local.partition("/")
    clean = [re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-.") or "resource" for part in (segment, rest)]
    return f"{clean[0]}/{clean[1]}.html"


def local_name(iri: str) -> str:
    """The last segment of an IRI (after its last ``/`` or ``#``).

    >>> local_name("https://schema.org/location")
    'location'
    """
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
