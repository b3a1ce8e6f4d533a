"""The ``ecosystem-graph`` command: a thin layer over the Python API.

Each module here defines the commands of one stage, and :data:`COMMANDS` lists them all;
errors a user can cause are shown as a message and exit status 1, never as a traceback.

A command's module is imported only when that command runs: the modules import the heavy
stacks (networkx, pandas, pyvis, the server), and ``--help`` or a named query should not wait
for them.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NamedTuple

import click

from ..errors import EcosystemGraphError

__all__ = ["COMMANDS", "LazyCommand", "load_command", "main", "stand_in"]


class LazyCommand(NamedTuple):
    """Where a command is defined, and the short help ``--help`` lists for it."""

    target: str  # "module:attribute", the module relative to this package
    short_help: str  # the first sentence of the command's docstring; tests/test_cli.py checks it


#: Every command. ``--help`` lists them from here, importing none of their modules.
COMMANDS: dict[str, LazyCommand] = {
    "accept": LazyCommand("review:accept", "Merge the accepted records of DRAFT into the record files of --data, "
                                           "with their source."),
    "analyze": LazyCommand("analysis:analyze", "Network analytics: centrality, communities, brokers, paths, "
                                               "suggested partners, export."),
    "build": LazyCommand("core:build", "Check the records of DATA_DIR (default data/) and build the graph "
                                       "into --out (or --store)."),
    "extract": LazyCommand("extract:extract", "Draft records from ARTICLE (plain text, Markdown or HTML) into "
                                              "--out for review."),
    "import": LazyCommand("importing:import_", "Import SOURCE (a folder of inputs, or one CSV/TSV/JSON/Excel "
                                               "file) into the records of --out."),
    "push": LazyCommand("remote:push", "Push a built graph (SOURCE: a build folder, default build/, or an RDF "
                                       "file) into --store."),
    "queries": LazyCommand("library:queries", "List the named queries with their description and parameters."),
    "query": LazyCommand("core:query", "Run SPARQL given inline, from a file (-f) or by name (--name) with "
                                       "--param KEY=VALUE."),
    "review": LazyCommand("review:review", "Review DRAFT record by record: accept, reject, edit, or link it to an "
                                           "existing entity."),
    "serve": LazyCommand("serve:serve", "Serve the graph: SPARQL 1.1 Protocol at /sparql, entity pages at "
                                        "/id/..., named queries at /queries."),
    "site": LazyCommand("views:site", "Write a browsable static site: an index, a page per entity and per "
                                      "other IRI the graph mints."),
    "stats": LazyCommand("core:stats", "Count the graph's entities by type."),
    "synth": LazyCommand("scale:synth", "Write the records of a made-up ecosystem (real cities and taxonomy), "
                                        "valid for 'build'."),
    "validate": LazyCommand("core:validate", "Check the records of DATA_DIR and the shapes of their graph, "
                                             "writing nothing."),
    "view": LazyCommand("views:view", "Write an interactive view of the graph to one self-contained HTML file."),
}


def load_command(name: str) -> click.Command:
    """Import the command ``name`` of :data:`COMMANDS` from its module."""
    module, attribute = COMMANDS[name].target.split(":")
    command = getattr(importlib.import_module(f".{module}", __name__), attribute)
    if not isinstance(command, click.Command) or command.name != name:
        raise TypeError(f"{COMMANDS[name].target} is not the click command {name!r}")
    return command


def stand_in(name: str) -> click.Command:
    """A command holding only the short help of ``name``: what ``--help`` lists before it is loaded."""
    return click.Command(name, help=COMMANDS[name].short_help)


class _Main(click.Group):
    """The top-level group: commands loaded on first use, errors shown as messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.add_command(load_command(cmd_name))
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click's, but a command not loaded yet is listed with the short help of :data:`COMMANDS`."""
        listed = [(name, self.commands.get(name) or stand_in(name)) for name in self.list_commands(ctx)]
        limit = formatter.width - 6 - max(len(name) for name, _ in listed)  # click's own layout
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in listed])

    def invoke(self, ctx: click.Context) -> Any:
        _show_notes()
        try:
            return super().invoke(ctx)
        except EcosystemGraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as exc:
            click.echo(f"error: {exc.strerror}: {exc.filename}", err=True)
            sys.exit(1)


def _show_notes() -> None:
    """Print the library's notes (a name read as a near match) on stderr, as ``note: ...`` lines."""
    import logging

    logger = logging.getLogger("ecosystem_graph.lookup")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("note: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ecosystem-graph")
def main() -> None:
    """Build, check, query and explore the knowledge graph of an innovation ecosystem."""
