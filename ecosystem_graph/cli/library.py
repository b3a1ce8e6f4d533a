"""The ``queries`` command: the named queries with their parameters.

Kept out of :mod:`.core`, whose imports load the build stack (records, triples, shapes), so
that listing the queries imports only the query library.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..locations import default_data_dir
from ..queries import load_library

__all__ = ["queries"]


@click.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), envvar="ECOSYSTEM_GRAPH_DATA",
              help="Also list the queries in DATA/queries/.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def queries(data_dir: Path | None, fmt: str) -> None:
    """List the named queries with their description and parameters."""
    data = data_dir or default_data_dir()
    library = load_library([data / "queries"] if (data / "queries").is_dir() else [])
    if fmt == "json":
        click.echo(json.dumps([{"name": q.name, "description": q.description, "columns": q.columns,
                                "parameters": [{"name": p.name, "kind": p.kind, "required": p.required,
                                                "help": p.help} for p in q.params],
                                "variants": sorted(q.variants)}
                               for q in library.values()], indent=2))
        return
    for q in library.values():
        click.echo(click.style(q.name, bold=True) + f"  -> {', '.join(q.columns)}")
        click.echo(f"    {q.description}")
        for p in q.params:
            need = "required" if p.required else "optional"
            click.echo(f"    --param {p.name}=...  ({p.kind}, {need}) {p.help}")
        if q.variants:  # the same question planned for one engine (queries.Variant)
            click.echo("    variants: " + ", ".join(f"{e}/{v.path.name}" for e, v in sorted(q.variants.items())))
