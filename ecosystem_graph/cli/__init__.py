"""The ``ecosystem-graph`` command: a thin layer over the Python API.

Each module here adds the commands of one stage; errors a user can cause are shown as a
message and exit status 1, never as a traceback.
"""

from __future__ import annotations

import sys

import click

from ..errors import EcosystemGraphError


class _Main(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EcosystemGraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
            click.echo(f"error: {exc.strerror}: {exc.filename}", err=True)
            sys.exit(1)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ecosystem-graph")
def main() -> None:
    """Build, check, query and explore the knowledge graph of an innovation ecosystem."""


def _register() -> None:
    from . import analysis, core, extract, remote, scale, serve, views

    for command in [*core.COMMANDS, *analysis.COMMANDS, *views.COMMANDS, *scale.COMMANDS, *serve.COMMANDS,
                    *remote.COMMANDS, *extract.COMMANDS]:
        main.add_command(command)


_register()
