"""Every IRI the graph mints dereferences: over HTTP as HTML and as Turtle, and as a file of the static site.

The walk covers every subject under the base IRI, entities and the rest alike (statements,
memberships, roles, sources, the dataset), on the seed graph and on a synthetic graph of 2,000
organizations.
"""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from ecosystem_graph.graph import KnowledgeGraph, open_graph
from ecosystem_graph.site import Site, build_site
from ecosystem_graph.synth import write_synthetic

from serving import call, get_page, running_server

ROOT = Path(__file__).resolve().parents[1]


def minted(kg: KnowledgeGraph) -> list[str]:
    """Every subject under the graph's base IRI."""
    sparql = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{kg.base_iri}")) }}'
    return sorted(iri for (iri,) in kg.text_rows(sparql) if iri)


def walk_over_http(url: str, kg: KnowledgeGraph) -> list[str]:
    """The IRIs that do not answer 200 with HTML (naming themselves, with RDF alternates) and with
    Turtle holding triples about them."""
    def missing(iri: str) -> str | None:
        address = f"{url}/id/{iri[len(kg.base_iri):]}"
        status, headers, body = get_page(address)
        page = body.decode("utf-8")
        if status != 200 or not headers["content-type"].startswith("text/html") or html.escape(iri) not in page \
                or 'rel="alternate" type="text/turtle"' not in page:
            return f"{iri}: HTML {status}"
        status, headers, body = call("GET", address, headers={"Accept": "text/turtle"})
        triples = Graph().parse(data=body.decode("utf-8"), format="turtle") if status == 200 else Graph()
        if (URIRef(iri), None, None) not in triples:
            return f"{iri}: Turtle {status}"
        return None

    with ThreadPoolExecutor(8) as pool:
        return [problem for problem in pool.map(missing, minted(kg)) if problem]


def walk_the_site(kg: KnowledgeGraph, out: Path) -> list[str]:
    """The IRIs without a page in the static site written to ``out``."""
    build_site(kg, out)
    site = Site(kg)
    return [iri for iri in minted(kg) if not (site.resources.path(iri) and (out / site.resources.path(iri)).is_file())]


def test_every_seed_iri_has_a_page_and_turtle_over_http(seed_build: Path, kg: KnowledgeGraph) -> None:
    kinds = {iri[len(kg.base_iri):].split("/")[0] for iri in minted(kg)}
    assert {"statement", "membership", "source", "dataset", "organization"} <= kinds
    with running_server("--data", str(ROOT / "data"), "--build-dir", str(seed_build)) as served:
        assert walk_over_http(served.url, kg) == []


def test_every_seed_iri_has_a_page_in_the_static_site(kg: KnowledgeGraph, tmp_path: Path) -> None:
    assert walk_the_site(kg, tmp_path / "site") == []


def test_pages_link_facts_to_their_statements_and_sources(kg: KnowledgeGraph) -> None:
    site = Site(kg)
    nesta = site.page("organization/nesta.html") or ""
    statement = re.search(r'<a href="\.\./(statement/[^"]+)">location: London</a>', nesta)
    assert statement and '<a href="../source/kcs-news-uk-2018.html">' in nesta
    page = site.page(statement.group(1)) or ""
    assert "inferred by this project&#39;s rules" in page and '<a href="../organization/nesta.html">NESTA</a>' in page
    assert '<a href="../source/kcs-news-uk-2018.html">' in page
    dataset = site.page("dataset/this.html") or ""
    assert "organizations-by-theme" in dataset and re.search(r"Triples</th><td>[0-9,]+<", dataset)
    source = site.page("source/kcs-news-uk-2018.html") or ""
    assert re.search(r"Derived from it</th><td>\d+ resources", source)
    assert '<a href="source/kcs-news-uk-2018.html">' in (site.page("sources.html") or "")


def test_a_page_shows_hostile_text_as_text(data_copy: Path, tmp_path: Path) -> None:
    memberships = data_copy / "memberships.csv"
    text = memberships.read_text(encoding="utf-8")
    memberships.write_text(text.replace("Internal Communications Expert", "<script>alert(1)</script>"),
                           encoding="utf-8")
    site = Site(open_graph(data_copy, tmp_path / "build", rebuild=True))
    pages = {path: site.page(path) or "" for path in site.resources_by_path}
    assert not [path for path, page in pages.items() if "<script>alert" in page]
    shown = [path for path, page in pages.items() if "&lt;script&gt;alert(1)&lt;/script&gt;" in page]
    assert any(path.startswith("membership/adelina") for path in shown)
    assert any(path.startswith("role/") for path in shown)


@pytest.mark.slow
def test_every_iri_of_2000_organizations_dereferences(tmp_path: Path) -> None:
    write_synthetic(tmp_path / "data", 2000)
    kg = open_graph(tmp_path / "data", tmp_path / "build", rebuild=True)
    assert walk_the_site(kg, tmp_path / "site") == []
    with running_server("--data", str(tmp_path / "data"), "--build-dir", str(tmp_path / "build")) as served:
        assert walk_over_http(served.url, kg) == []
