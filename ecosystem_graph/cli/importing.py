"""The ``import`` command: records from a data set's own files, through a mapping."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import EcosystemGraphError
from ..files import write_atomically
from ..importer import load_mapping, run_import
from ..importer.guess import guess_mapping, mapping_text
from ..importer.inputs import read_input
from ..importer.spec import InputSpec, MappingSpec, format_of, parse_mapping


@click.command(name="import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--mapping", type=click.Path(path_type=Path),
              help="The mapping file (docs/import.md). Without it SOURCE must be one file; a mapping is "
                   "guessed from its columns and written to --write-mapping for editing.")
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("data"), show_default=True,
              help="The data folder to write the records into (created if missing; updated in place).")
@click.option("--write-mapping", type=click.Path(path_type=Path),
              help="Where a guessed mapping is written (default: SOURCE's name + .mapping.yaml, here).")
@click.option("--dry-run", is_flag=True, help="Report what would be added, changed and removed; write nothing.")
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              help="Also write the whole report as JSON: every id added, changed, removed; unplaced "
                   "places; candidate duplicates.")
def import_(source: Path, mapping: Path | None, out: Path, write_mapping: Path | None, dry_run: bool,
            report_path: Path | None) -> None:
    """Import SOURCE (a folder of inputs, or one CSV/TSV/JSON/Excel file) into the records of --out."""
    if not source.exists():
        raise EcosystemGraphError(f"{source}: no such file or folder")
    spec = load_mapping(mapping) if mapping is not None else _guessed(source, write_mapping)
    report = run_import(source, spec, out, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)
    files = [c.table.file for c in report.tables.values() if c.touched]
    if dry_run:
        click.echo(f"dry run: {len(files)} files would change in {out}: {', '.join(files) or 'none'}")
    else:
        click.echo(f"wrote {len(files)} files in {out}: {', '.join(files) or 'nothing changed'}")
    if report_path is not None:
        write_atomically(report_path.parent, {report_path.name: json.dumps(report.as_json(), indent=1).encode()})
        click.echo(f"wrote the report to {report_path}")


def _guessed(source: Path, write_to: Path | None) -> MappingSpec:
    if not source.is_file() or format_of(source.name) is None:
        raise EcosystemGraphError(f"{source}: without --mapping, SOURCE must be one .csv, .tsv, .json or .xlsx file")
    table = read_input(source, InputSpec("rows", source.name, format_of(source.name) or "csv"))
    guessed = guess_mapping(table.columns, table.rows[:1000], source.name)
    target = write_to or Path(f"{source.name.split('.')[0]}.mapping.yaml")
    if target.exists():
        raise EcosystemGraphError(f"{target} exists: run with --mapping {target}, or give --write-mapping NEW.yaml")
    write_atomically(target.parent if str(target.parent) else Path("."),
                     {target.name: mapping_text(guessed, source.name).encode()})
    click.echo(f"guessed a mapping from the columns of {source.name}: {target} (check it, edit it, and run "
               f"again with --mapping {target})", err=True)
    return parse_mapping(guessed, str(target))
