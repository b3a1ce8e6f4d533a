"""Commands of the core: build, validate, stats, query (``queries`` is in :mod:`.library`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..answers import paged
from ..build import FORMATS, FULL_SHACL_LIMIT, SHACL_MODES, STORE_DIR, build_store
from ..build import build as build_graph
from ..build import validate as check_graph
from ..errors import QueryError
from ..locations import default_data_dir
from ..progress import Progress
from ..results import ALL_FORMATS, format_result, rows_to_csv, rows_to_table
from ..stores import open_store
from .common import echo_output, graph_options, load_graph

__all__ = ["BASE_IRI_OPTION", "DATA_ARGUMENT", "build", "query", "stats", "validate"]

DATA_ARGUMENT = click.argument("data_dir", required=False, type=click.Path(path_type=Path))
BASE_IRI_OPTION = click.option("--base-iri", help="Base of entity IRIs (default: base_iri of project.yaml).")


@click.command()
@DATA_ARGUMENT
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Folder to write the graph to.")
@click.option("--format", "formats", multiple=True, type=click.Choice(list(FORMATS)),
              help="Also write this format (repeatable); Turtle is always written.")
@BASE_IRI_OPTION
@click.option("--store", envvar="ECOSYSTEM_GRAPH_STORE", default=None,
              help="Build into this store: oxigraph:PATH or sparql:URL (persistent; no files are written to --out). "
                   "memory and oxigraph read the files of --out, so for them the build writes files.")
@click.option("--shacl", type=click.Choice(SHACL_MODES), default="auto", show_default=True,
              help="Check every entity against the shapes (full), a sample plus the graph-wide rules on the "
                   f"whole graph (sample), or full up to {FULL_SHACL_LIMIT:,} triples (auto).")
def build(data_dir: Path | None, out_dir: Path, formats: tuple[str, ...], base_iri: str | None,
          store: str | None, shacl: str) -> None:
    """Check the records of DATA_DIR (default data/) and build the graph into --out (or --store).

    Above 2,000 records the build streams into an Oxigraph store kept in --out (OUT/store), checks it
    there and writes the files from the same stream; commands that read the graph then use that store.
    """
    data = data_dir or default_data_dir()
    target = open_store(store) if store else None
    progress = Progress(None, "building")
    if target is not None and target.persistent:
        if formats:
            raise click.UsageError(f"--format writes files; a build into {target.spec} writes the store only "
                                   "(export from it with 'ecosystem-graph query' CONSTRUCT, or build files "
                                   "without --store)")
        stored = build_store(data, target, base_iri, shacl=shacl, progress=progress)
        click.echo(f"built {stored.triples:,} triples from {stored.records:,} records in {data} into "
                   f"{stored.store} ({stored.generation}) in {stored.seconds:.1f} s; {stored.describe_checks()}")
        return
    result = build_graph(data, out_dir, ("ttl", *formats), base_iri, shacl=shacl, progress=progress)
    kept = f" and the store {out_dir / STORE_DIR} that commands read" if result.stored else ""
    click.echo(f"built {result.triples:,} triples from {result.records:,} records in {data}: "
               + ", ".join(str(p) for p in result.files) + f"{kept}; {result.describe_checks()}")


@click.command()
@DATA_ARGUMENT
@BASE_IRI_OPTION
@click.option("--shacl", type=click.Choice(SHACL_MODES), default="auto", show_default=True,
              help="As for build: every entity (full), a sample plus the graph-wide rules (sample), or auto.")
def validate(data_dir: Path | None, base_iri: str | None, shacl: str) -> None:
    """Check the records of DATA_DIR and the shapes of their graph, writing nothing."""
    data = data_dir or default_data_dir()
    result = check_graph(data, base_iri, shacl, progress=Progress(None, "checking"))
    click.echo(f"{data}: {result.records} records are valid; their graph has {result.triples:,} triples; "
               f"{result.describe_checks()}")


@click.command()
@graph_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def stats(data_dir: Path | None, build_dir: Path, store: str | None, fmt: str) -> None:
    """Count the graph's entities by type."""
    rows = [list(row) for row in load_graph(data_dir, build_dir, store).stats()]
    header = ["class", "label", "count"]
    if fmt == "json":
        click.echo(json.dumps([dict(zip(header, row)) for row in rows], indent=2))
    elif fmt == "csv":
        click.echo(rows_to_csv(header, rows), nl=False)
    else:
        click.echo(rows_to_table(header, rows), nl=False)


@click.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(path_type=Path), help="Read the query from a file.")
@click.option("--name", help="Run a named query (see 'ecosystem-graph queries').")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A named query's parameter: an id, a label or a value (repeatable).")
@click.option("--format", "fmt", type=click.Choice(ALL_FORMATS), default="table", show_default=True,
              help="table, csv, tsv, json or xml for SELECT/ASK; turtle, jsonld, nt or xml for CONSTRUCT/DESCRIBE.")
@click.option("-o", "--out", type=click.Path(path_type=Path), help="Write to this file instead of printing.")
@click.option("--limit", type=click.IntRange(0), default=None, help="Only this many rows (a page).")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True,
              help="Skip this many rows first (the next page: --offset LIMIT, 2*LIMIT...).")
@graph_options
def query(sparql: str | None, query_file: Path | None, name: str | None, params: tuple[str, ...], fmt: str,
          out: Path | None, limit: int | None, offset: int, data_dir: Path | None, build_dir: Path,
          store: str | None) -> None:
    """Run SPARQL given inline, from a file (-f) or by name (--name) with --param KEY=VALUE.

    --limit and --offset page the rows. On the build's own store (and any oxigraph:PATH), a named
    query without parameters is answered from its answer kept for the current graph.
    """
    given = [x for x in (sparql, query_file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a SPARQL text, -f FILE or --name NAME")
    bindings = _parse_params(params)
    if bindings and not name:
        raise click.UsageError("--param only applies to a named query (--name)")
    kg = load_graph(data_dir, build_dir, store)
    if name:
        result = kg.page(name, limit, offset, bindings)
    else:
        if query_file:
            text = query_file.read_text(encoding="utf-8")
        else:
            assert sparql  # exactly one of the three is given
            text = sparql
        try:
            result = kg.query(paged(text, limit, offset))
        except QueryError as exc:
            where = f"{query_file}: " if query_file else ""
            raise QueryError(f"{where}{exc}") from None
    echo_output(format_result(result, fmt, kg.compact, kg.base_iri), out)


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    bindings = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, found {item!r}", param_hint="--param")
        bindings[key.strip()] = value.strip()
    return bindings
