"""Options shared by the commands that read the graph."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..files import write_atomically
from ..graph import AUTO_STORE, KnowledgeGraph, open_graph

__all__ = ["echo_output", "graph_options", "load_graph"]


def graph_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--data``, ``--build-dir`` and ``--store``: which graph a command reads."""
    options = [
        click.option("--data", "data_dir", type=click.Path(path_type=Path), envvar="ECOSYSTEM_GRAPH_DATA",
                     help="Data folder of records (default: ./data, else the seed data)."),
        click.option("--build-dir", type=click.Path(path_type=Path), default=Path("build"),
                     envvar="ECOSYSTEM_GRAPH_BUILD", show_default=True,
                     help="Where the built graph is; rebuilt when older than the data."),
        click.option("--store", envvar="ECOSYSTEM_GRAPH_STORE", default=None,
                     help="Store to read from: auto (default: the Oxigraph store the build keeps in "
                          "--build-dir for data of more than 2,000 records, else memory), memory (rdflib, "
                          "reads the build's Turtle), oxigraph (in memory), oxigraph:PATH (persistent; built "
                          "into when stale, --build-dir unused) or sparql:URL (a remote SPARQL 1.1 store, "
                          "see docs/remote.md)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def load_graph(data_dir: Path | None, build_dir: Path, store: str | None) -> KnowledgeGraph:
    """Open the graph the shared options name, building it first when needed; says on stderr when
    the default chose the build's own store, since answers then come from Oxigraph, not rdflib."""
    kg = open_graph(data_dir, build_dir, store=store)
    if (store or AUTO_STORE) == AUTO_STORE and kg.store.persistent:
        click.echo(f"reading {kg.store.spec}, the store the build keeps for large graphs "
                   "(--store memory reads its Turtle instead)", err=True)
    return kg


def echo_output(text: str, out: Path | None) -> None:
    """Print ``text``, or write it to ``out`` (atomically) when given."""
    if out is None:
        click.echo(text, nl=False)
        return
    write_atomically(out.parent if str(out.parent) else Path("."), {out.name: text.encode("utf-8")})
    click.echo(f"wrote {out}", err=True)
