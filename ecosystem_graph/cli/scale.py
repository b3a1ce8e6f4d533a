"""Commands for scale: ``ecosystem-graph synth`` writes a synthetic ecosystem of any size."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..synth import write_synthetic

__all__ = ["synth"]


@click.command()
@click.option("--organizations", "-n", type=click.IntRange(min=2), required=True,
              help="How many organizations (100,000 give one to two million triples).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files, byte for byte.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder to write the records to: new, empty, or an earlier synthetic ecosystem.")
@click.option("--projects/--no-projects", default=True, show_default=True,
              help="Add projects and participations shaped like EU CORDIS Horizon 2020 (consortia of up to "
              "about 160 organizations, a few organizations in hundreds of projects).")
def synth(organizations: int, seed: int, out_dir: Path, projects: bool) -> None:
    """Write the records of a made-up ecosystem (real cities and taxonomy), valid for 'build'."""
    started = time.monotonic()
    summary = write_synthetic(out_dir, organizations, seed, projects)
    counts = ", ".join(f"{n:,} {name}" for name, n in summary.counts.items() if n)
    click.echo(f"wrote {summary.records:,} synthetic records to {out_dir} in {time.monotonic() - started:.1f} s: "
               f"{counts}")
