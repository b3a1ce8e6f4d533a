"""Commands of the views: ``ecosystem-graph view`` (one HTML file) and ``ecosystem-graph site``."""

from __future__ import annotations

from pathlib import Path

import click

from .. import views
from .common import graph_options, load_graph

__all__ = ["site", "view"]


@click.command()
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The HTML file to write.")
@click.option("--focus", metavar="ENTITY", help="Draw the ego network of this entity (an id or a label).")
@click.option("--depth", type=click.IntRange(0, 10), default=1, show_default=True,
              help="With --focus: how many links away from the entity to go.")
@click.option("--theme", metavar="THEME", help="Draw a theme: its narrower themes and what is about them.")
@click.option("--visit", metavar="VISIT", help="Draw a working visit: its meetings and what they link to.")
@click.option("--query", "query_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              metavar="FILE.rq", help="Draw the graph a CONSTRUCT (or DESCRIBE) query in FILE.rq returns.")
@click.option("--title", help="Title of the page (default: says what the view shows).")
@click.option("--max-nodes", type=click.IntRange(1), default=views.MAX_NODES, show_default=True,
              help="Above this many entities, draw communities collapsed into nodes that expand on click.")
@graph_options
def view(out: Path, focus: str | None, depth: int, theme: str | None, visit: str | None,
         query_file: Path | None, title: str | None, max_nodes: int, data_dir: Path | None,
         build_dir: Path, store: str | None) -> None:
    """Write an interactive view of the graph to one self-contained HTML file.

    With no option, the whole ecosystem; or the ego network of an entity (--focus, --depth), a
    theme (--theme), a working visit (--visit) or the result of a CONSTRUCT query (--query).
    Entities are named by identifier or label. The page works offline and fetches nothing.
    """
    chosen = [name for name, value in (("--focus", focus), ("--theme", theme), ("--visit", visit),
                                       ("--query", query_file)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"give at most one of --focus, --theme, --visit and --query, not {' and '.join(chosen)}")
    if depth != 1 and not focus:
        raise click.UsageError("--depth only applies to --focus")
    kg = load_graph(data_dir, build_dir, store)
    selected = views.select_view(kg, focus=focus, depth=depth, theme=theme, visit=visit, query=query_file)
    if title:
        selected.title = title
    views.write_view(selected, out, max_nodes=max_nodes)
    graph = selected.graph
    click.echo(f"wrote {out}: {selected.title} ({graph.number_of_nodes():,} entities, "
               f"{graph.number_of_edges():,} links)", err=True)


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
