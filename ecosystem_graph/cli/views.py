"""Commands of the views: ``ecosystem-graph view`` (one HTML file) and ``ecosystem-graph site``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from .. import views
from ..graph import KnowledgeGraph
from .analysis import partner_options
from .common import graph_options, load_graph

__all__ = ["site", "view"]


@click.command()
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The HTML file to write.")
@click.option("--mode", type=click.Choice(["partners", "entities"]), default=None,
              help="partners (default): organizations as nodes, linked by meetings, partnerships, projects, "
                   "events; cities, countries, types and themes as colours and filters. entities: every RDF "
                   "entity as a node (the default with --visit and --query).")
@click.option("--focus", metavar="ENTITY", help="Draw the ego network of this entity (an id or a label); on the "
              "partner map a city, country, type or theme opens the map filtered by it.")
@click.option("--depth", type=click.IntRange(0, 10), default=1, show_default=True,
              help="With --focus: how many links away from the entity to go.")
@click.option("--theme", metavar="THEME", help="Draw a theme: its narrower themes and what is about them.")
@click.option("--visit", metavar="VISIT", help="Draw a working visit: its meetings and what they link to.")
@click.option("--query", "query_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              metavar="FILE.rq", help="Draw the graph a CONSTRUCT (or DESCRIBE) query in FILE.rq returns.")
@click.option("--title", help="Title of the page (default: says what the view shows).")
@click.option("--max-nodes", type=click.IntRange(1), default=views.MAX_NODES, show_default=True,
              help="Entities mode: above this many entities, draw communities collapsed into nodes that expand "
                   "on click.")
@click.option("--people", is_flag=True, help="Partner map: people are nodes too, linked to their organizations "
              "and to the organizations they met.")
@click.option("--theme-links", type=click.IntRange(0), default=0, metavar="N",
              help="Partner map: also link organizations with N or more themes in common (0: no such links).")
@click.option("--map", "geographic", is_flag=True,
              help="Partner map: open on its geographic map (organizations at their cities, on an offline basemap).")
@click.option("--collapsed/--expanded", default=None,
              help="Partner map: open with communities collapsed, one node each (default: above 20,000 nodes).")
@partner_options
@graph_options
def view(out: Path, mode: str | None, focus: str | None, depth: int, theme: str | None, visit: str | None,
         query_file: Path | None, title: str | None, max_nodes: int, people: bool, theme_links: int,
         geographic: bool, collapsed: bool | None, weighting: str, max_consortium: int | None, data_dir: Path | None,
         build_dir: Path, store: str | None) -> None:
    """Write an interactive view of the graph to one self-contained HTML file.

    By default the partner map: organizations linked by what they share, coloured, sized and
    filtered by their facets (WebGL, to 100,000 organizations). With --mode entities, the RDF
    entities themselves. With no option, the whole ecosystem; or the ego network of an entity
    (--focus, --depth), a theme (--theme), a working visit (--visit, entities mode) or the result
    of a CONSTRUCT query (--query, entities mode). Entities are named by identifier or label. The
    page works offline and fetches nothing.
    """
    chosen = [name for name, value in (("--focus", focus), ("--theme", theme), ("--visit", visit),
                                       ("--query", query_file)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"give at most one of --focus, --theme, --visit and --query, not {' and '.join(chosen)}")
    if depth != 1 and not focus:
        raise click.UsageError("--depth only applies to --focus")
    mode = mode or ("entities" if visit or query_file else "partners")
    if mode == "partners" and (visit or query_file):
        raise click.UsageError("--visit and --query draw entities: use them with --mode entities")
    if mode == "entities" and (geographic or people or theme_links or collapsed is not None):
        raise click.UsageError("--map, --people, --theme-links and --collapsed/--expanded are for the partner map")
    kg = load_graph(data_dir, build_dir, store)
    if mode == "partners":
        _partner_view(kg, out, focus, depth, theme, title, people, theme_links, geographic, collapsed, weighting,
                      max_consortium)
        return
    selected = views.select_view(kg, focus=focus, depth=depth, theme=theme, visit=visit, query=query_file)
    if title:
        selected.title = title
    views.write_view(selected, out, max_nodes=max_nodes)
    graph = selected.graph
    click.echo(f"wrote {out}: {selected.title} ({graph.number_of_nodes():,} entities, "
               f"{graph.number_of_edges():,} links)", err=True)


def _partner_view(kg: KnowledgeGraph, out: Path, focus: str | None, depth: int, theme: str | None, title: str | None,
                  people: bool, theme_links: int, geographic: bool, collapsed: bool | None, weighting: str,
                  max_consortium: int | None) -> None:
    from ..partner_view import select_partner_view

    selected = select_partner_view(kg, focus=focus, depth=depth, theme=theme, people=people,
                                   theme_links=theme_links, weighting=weighting, max_consortium=max_consortium)
    M = selected.graph
    for key, what in (("groups_left_out", f"groups of more than {max_consortium} organizations"),
                      ("themes_left_out", "themes too common to link organizations")):
        if M.graph.get(key):
            click.echo(f"left out the links of {M.graph[key]:,} {what}", err=True)
    if title:
        selected.title = title
    selected.write(out, collapsed=collapsed, preset={"tab": "map"} if geographic else {})
    # An ego view counts what it opens on (the page can expand from there); the whole map, all of it.
    drawn = M.subgraph(selected.shown) if selected.shown is not None else M
    kinds = Counter(kind for _, kind in drawn.nodes(data="kind"))
    people_text = f", {kinds['person']:,} people" if kinds["person"] else ""
    click.echo(f"wrote {out}: {selected.title} ({kinds['organization']:,} organizations{people_text}, "
               f"{drawn.number_of_edges():,} links; partner map)", err=True)


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="The folder to write the site to.")
@click.option("--limit", type=click.IntRange(1), default=None, metavar="N",
              help="Write the pages of only the N most central entities (and the index pages; no page for "
                   "statements, memberships and other IRIs that are not entities).")
@graph_options
def site(out_dir: Path, limit: int | None, data_dir: Path | None, build_dir: Path, store: str | None) -> None:
    """Write a browsable static site: an index, a page per entity and per other IRI the graph mints.

    Every page works offline from the file system and fetches nothing. Pages are written as they are
    rendered, with a progress bar on a terminal.
    """
    from ..progress import Progress
    from ..site import build_site

    kg = load_graph(data_dir, build_dir, store)
    result = build_site(kg, out_dir, limit=limit, progress=Progress(None, "site"))
    click.echo(f"wrote {result.pages:,} pages to {out_dir}; open {result.index}", err=True)
