"""Commands of the analytics: ``ecosystem-graph analyze centrality|communities|brokers|path|suggest|export``."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import click
import networkx as nx

from .. import analytics
from .. import network as networks
from ..errors import QueryError
from ..files import write_atomically
from ..graph import KnowledgeGraph
from ..kept import kept_rows
from ..results import rows_to_csv, rows_to_table
from .common import echo_output, graph_options, load_graph

__all__ = ["EPSILON_OPTION", "FORMAT_OPTION", "NETWORKS", "OUT_OPTION", "SEED_OPTION", "TABLE_LIST_ITEMS",
           "TOP_OPTION", "analyze", "brokers", "centrality", "communities", "export", "export_bytes",
           "partner_options", "path", "suggest"]

#: --network choices -> the projection, and the kind of entity named on its nodes.
NETWORKS: dict[str, tuple[Callable[[nx.MultiDiGraph], nx.Graph], str]] = {
    "partners": (networks.partner_network, "organization"),
    "entities": (lambda G: G, "entity"),
    "themes": (networks.organization_theme_graph, "entity"),
    "contacts": (networks.contact_graph, "entity"),
}


def _network_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--network", type=click.Choice(list(NETWORKS)), default=default, show_default=True,
                        help="partners: organization-organization; entities: the whole graph; "
                             "themes: organization-theme; contacts: person-organization.")


FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                             show_default=True)
OUT_OPTION = click.option("-o", "--out", type=click.Path(path_type=Path),
                          help="Write to this file instead of printing.")
TOP_OPTION = click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
                          help="Show this many rows (0: all).")
TABLE_LIST_ITEMS = 5

SEED_OPTION = click.option("--seed", type=int, default=0, show_default=True,
                           help="Seed of the Louvain community detection (same seed, same communities).")


def partner_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--weighting and --max-consortium: how the partner network weighs links of groups and caps them."""
    command = click.option(
        "--max-consortium", type=click.IntRange(min=2), default=None,
        help="Partners network: a group (a project's consortium, a meeting, a partnership) of more than "
             "this many organizations links none of them.")(command)
    return click.option(
        "--weighting", type=click.Choice(networks.WEIGHTINGS), default="shared", show_default=True,
        help="Partners network: shared adds 1 per thing two organizations share; consortium adds 1/(n-1) "
             "per group of n, so a member of a large consortium is not tied strongly to each partner.")(command)


EPSILON_OPTION = click.option(
    "--epsilon", type=click.FloatRange(min=0, max=1), default=analytics.BETWEENNESS_EPSILON, show_default=True,
    help=f"Betweenness of networks above {analytics.BETWEENNESS_EXACT_LIMIT:,} nodes: estimated within this of "
         f"the exact value for every node (probability {1 - analytics.BETWEENNESS_DELTA:g}); 0 computes it exactly.")


def _project(kg: KnowledgeGraph, name: str, include_sources: bool = False, weighting: str = "shared",
             max_consortium: int | None = None) -> nx.Graph:
    G = networks.entity_graph(kg, include_sources=include_sources)
    if name != "partners":
        return NETWORKS[name][0](G)
    P = networks.partner_network(G, weighting, max_consortium)
    if P.graph["groups_left_out"]:
        click.echo(f"left out the links of {P.graph['groups_left_out']:,} groups of more than "
                   f"{max_consortium} organizations", err=True)
    return P


def _key(network: str, weighting: str, max_consortium: int | None, **more: Any) -> dict[str, Any]:
    """The options that make a kept answer: the partner options count only on the partner network."""
    partner = {"weighting": weighting, "max_consortium": max_consortium} if network == "partners" else {}
    return {"network": network, **partner, **more}


def _projector(kg: KnowledgeGraph, network: str, weighting: str, max_consortium: int | None) -> Callable[[], nx.Graph]:
    """The network, projected on the first call only: a command that needs it twice projects it once."""
    return cache(lambda: _project(kg, network, weighting=weighting, max_consortium=max_consortium))


def _centrality_rows(kg: KnowledgeGraph, network: str, weighting: str, max_consortium: int | None,
                     epsilon: float, project: Callable[[], nx.Graph]) -> list[dict[str, Any]]:
    """Centrality rows, kept per generation (brokers read their betweenness too); says when estimated."""
    rows = kept_rows(kg.store.generation_folder(), "centrality",
                     _key(network, weighting, max_consortium, epsilon=epsilon),
                     lambda: analytics.centrality(project(), epsilon=epsilon))
    if len(rows) > analytics.BETWEENNESS_EXACT_LIMIT and epsilon > 0:
        click.echo(f"betweenness estimated (KADABRA): within {epsilon:g} of the exact value for every node, "
                   f"with probability {1 - analytics.BETWEENNESS_DELTA:g} (--epsilon 0: exact)", err=True)
    return rows


def _emit(rows: list[dict[str, Any]], columns: list[str], fmt: str, out: Path | None, top: int = 0) -> None:
    """Rows as a table, CSV (lists joined with "; ") or JSON (every field)."""
    rows = rows[:top] if top else rows
    if fmt == "json":
        echo_output(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", out)
        return
    plain = [[_cell(row.get(c), fmt) for c in columns] for row in rows]
    echo_output(rows_to_csv(columns, plain) if fmt == "csv" else rows_to_table(columns, plain), out)


def _cell(value: Any, fmt: str) -> Any:
    if not isinstance(value, list):
        return value
    if fmt == "table" and len(value) > TABLE_LIST_ITEMS:  # a table row stays readable; CSV keeps all
        value = [*value[:TABLE_LIST_ITEMS], f"... {len(value) - TABLE_LIST_ITEMS} more"]
    return "; ".join(map(str, value))


def _node(kg: KnowledgeGraph, G: nx.Graph, network: str, value: str, name: str) -> str:
    """The node of ``G`` that ``value`` (an id, label or IRI) names; QueryError when not in it."""
    iri = str(kg.resolve(NETWORKS[network][1], value, name))
    if iri not in G:
        raise QueryError(f"{name}: {value!r} is not a node of the {network} network (try --network entities)")
    return iri


@click.group()
def analyze() -> None:
    """Network analytics: centrality, communities, brokers, paths, suggested partners, export."""


@analyze.command()
@_network_option("partners")
@partner_options
@EPSILON_OPTION
@TOP_OPTION
@FORMAT_OPTION
@OUT_OPTION
@graph_options
def centrality(network: str, weighting: str, max_consortium: int | None, epsilon: float, top: int, fmt: str,
               out: Path | None, data_dir: Path | None, build_dir: Path, store: str | None) -> None:
    """Degree, betweenness and eigenvector centrality, most central first."""
    kg = load_graph(data_dir, build_dir, store)
    rows = _centrality_rows(kg, network, weighting, max_consortium, epsilon,
                            _projector(kg, network, weighting, max_consortium))
    _emit(rows, ["id", "label", "kind", "degree", "degree_centrality", "betweenness", "eigenvector"], fmt, out, top)


@analyze.command()
@_network_option("partners")
@partner_options
@SEED_OPTION
@click.option("--resolution", type=float, default=1.0, show_default=True,
              help="Above 1 gives more, smaller communities; below 1 fewer, larger ones.")
@click.option("--min-size", type=click.IntRange(min=1), default=1, show_default=True,
              help="Leave out communities smaller than this (2 hides the unconnected nodes).")
@FORMAT_OPTION
@OUT_OPTION
@graph_options
def communities(network: str, weighting: str, max_consortium: int | None, seed: int, resolution: float,
                min_size: int, fmt: str, out: Path | None, data_dir: Path | None, build_dir: Path,
                store: str | None) -> None:
    """Louvain communities: one row per node, communities largest first."""
    kg = load_graph(data_dir, build_dir, store)

    def compute() -> list[dict[str, Any]]:
        G = _project(kg, network, weighting=weighting, max_consortium=max_consortium)
        parts = [p for p in analytics.communities(G, seed=seed, resolution=resolution) if len(p) >= min_size]
        return analytics.community_rows(G, parts)

    rows = kept_rows(kg.store.generation_folder(), "communities",
                     _key(network, weighting, max_consortium, seed=seed, resolution=resolution, min_size=min_size),
                     compute)
    _emit(rows, ["community", "name", "size", "id", "label", "kind"], fmt, out)


@analyze.command()
@_network_option("partners")
@partner_options
@EPSILON_OPTION
@SEED_OPTION
@TOP_OPTION
@FORMAT_OPTION
@OUT_OPTION
@graph_options
def brokers(network: str, weighting: str, max_consortium: int | None, epsilon: float, seed: int, top: int,
            fmt: str, out: Path | None, data_dir: Path | None, build_dir: Path, store: str | None) -> None:
    """Organizations whose ties reach two or more communities, best bridges first."""
    kg = load_graph(data_dir, build_dir, store)
    project = _projector(kg, network, weighting, max_consortium)
    # Betweenness comes from the centrality rows, kept once per generation for both commands.
    central = _centrality_rows(kg, network, weighting, max_consortium, epsilon, project)
    between = {row["iri"]: row["betweenness"] for row in central}
    rows = kept_rows(kg.store.generation_folder(), "brokers",
                     _key(network, weighting, max_consortium, epsilon=epsilon, seed=seed),
                     lambda: analytics.brokers(project(), seed=seed, between=between))
    _emit(rows, ["id", "label", "community", "communities_reached", "reaches", "participation", "betweenness"],
          fmt, out, top)


@analyze.command()
@click.argument("source")
@click.argument("target")
@_network_option("entities")
@FORMAT_OPTION
@OUT_OPTION
@graph_options
def path(source: str, target: str, network: str, fmt: str, out: Path | None, data_dir: Path | None,
         build_dir: Path, store: str | None) -> None:
    """A shortest path from SOURCE to TARGET (ids or labels), with the relation of each step."""
    kg = load_graph(data_dir, build_dir, store)
    G = _project(kg, network)
    steps = analytics.shortest_path(G, _node(kg, G, network, source, "SOURCE"),
                                   _node(kg, G, network, target, "TARGET"))
    _emit(steps, ["step", "from", "relation", "direction", "to", "inferred"], fmt, out)


@analyze.command()
@click.option("--organization", "-O", required=True, help="The organization (id or label) to find partners for.")
@click.option("--top", "k", type=click.IntRange(min=1), default=5, show_default=True, help="How many suggestions.")
@click.option("--method", type=click.Choice(analytics.SUGGESTION_METHODS), default="adamic-adar", show_default=True,
              help="Link prediction score over shared themes and shared partners.")
@FORMAT_OPTION
@OUT_OPTION
@graph_options
def suggest(organization: str, k: int, method: str, fmt: str, out: Path | None, data_dir: Path | None,
            build_dir: Path, store: str | None) -> None:
    """Suggested partners for an organization, each with the reason it was suggested."""
    kg = load_graph(data_dir, build_dir, store)
    iri = str(kg.resolve("organization", organization, "organization"))
    rows = analytics.suggest_partners(networks.entity_graph(kg), iri, k=k, method=method)
    if not rows and fmt == "table":
        click.echo("no suggestions: no other organization shares a theme or partner with it "
                   "that is not a partner already", err=True)
    _emit(rows, ["rank", "label", "score", "method", "reason"], fmt, out)


@analyze.command()
@_network_option("partners")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf"]), default="graphml", show_default=True)
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="File to write (replaced atomically).")
@click.option("--with-sources", is_flag=True, help="Entities network: also the sources, with 'was derived from' edges.")
@partner_options
@graph_options
def export(network: str, fmt: str, out: Path, with_sources: bool, weighting: str, max_consortium: int | None,
           data_dir: Path | None, build_dir: Path, store: str | None) -> None:
    """Write a network as GraphML or GEXF, for Gephi, yEd or Cytoscape."""
    G = _project(load_graph(data_dir, build_dir, store), network, include_sources=with_sources,
                 weighting=weighting, max_consortium=max_consortium)
    content = export_bytes(G, fmt)
    write_atomically(out.parent if str(out.parent) else Path("."), {out.name: content})
    click.echo(f"wrote {out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges ({network}, {fmt})",
               err=True)


def export_bytes(G: nx.Graph, fmt: str) -> bytes:
    """``G`` as GraphML or GEXF; list attributes joined with "; " (both formats need scalars).

    The node attribute ``id`` is written as ``identifier``: GEXF takes ``id`` as the node's own
    id, and the node id must stay the IRI. Edges get a ``label`` (their relation) for Gephi.

    >>> G = nx.Graph()
    >>> G.add_edge("https://x/a", "https://x/b", via=[{"kind": "meeting", "label": "M"}], relation="met")
    >>> back = nx.read_gexf(io.BytesIO(export_bytes(G, "gexf")))
    >>> back.edges["https://x/a", "https://x/b"]["via"]
    'meeting: M'
    """
    H = G.__class__()
    H.add_nodes_from((n, {("identifier" if k == "id" else k): _scalar(v) for k, v in d.items()})
                     for n, d in G.nodes(data=True))
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, key, d in edges:
        attrs = {k: _scalar(v) for k, v in d.items()}
        attrs.setdefault("label", attrs.get("relation", ""))
        if key is None:
            H.add_edge(u, v, **attrs)
        else:
            H.add_edge(u, v, key=key, **attrs)
    buffer = io.BytesIO()
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(H, buffer)
    return buffer.getvalue()


def _scalar(value: str | int | float | bool | list[Any] | None) -> str | int | float | bool:
    if isinstance(value, list):
        return "; ".join(f"{x['kind']}: {x['label']}" if isinstance(x, dict) else str(x) for x in value)
    if value is None:
        return ""
    return value
