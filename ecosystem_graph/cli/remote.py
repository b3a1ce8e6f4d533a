"""``ecosystem-graph push``: load an already built graph into a persistent store, most often a remote
triple store (``--store sparql:URL``), replacing its graph atomically."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from ..build import GRAPH_FILE, read_manifest
from ..errors import StoreError
from ..progress import Progress
from ..stores import PersistentStore, open_store
from ..stores.sparql import SparqlStore
from ..stores.sparql.batches import RDF_SUFFIXES, rdf_file_chunks
from ..stores.sparql.client import parse_timeout

__all__ = ["BUILD_FILES", "graph_source", "push"]

#: In a build folder, the graph file pushed: N-Triples when the build wrote it (fastest to parse).
BUILD_FILES = ("ecosystem.nt", GRAPH_FILE)


def graph_source(source: Path) -> tuple[Path, dict[str, Any]]:
    """The graph file to push for ``source`` (a file, or a build folder) and the manifest to push with it.

    A build folder's manifest goes along, so that readers of the store know what it was built from.

    >>> graph_source(Path("nowhere"))
    Traceback (most recent call last):
    ...
    ecosystem_graph.errors.StoreError: nowhere: no such file or folder; give a graph file or a build folder
    (ecosystem-graph build --out DIR)
    """
    if source.is_dir():
        found = next((source / name for name in BUILD_FILES if (source / name).is_file()), None)
        if found is None:
            raise StoreError(f"{source}: no built graph in this folder (expected {' or '.join(BUILD_FILES)}); "
                             f"build one first (ecosystem-graph build --out {source})")
        manifest = {k: v for k, v in (read_manifest(source) or {}).items() if k not in ("outputs", "triples")}
        return found, {**manifest, "pushed_from": str(found.resolve())}
    if source.is_file():
        return source, {"pushed_from": str(source.resolve())}
    raise StoreError(f"{source}: no such file or folder; give a graph file or a build folder "
                     "(ecosystem-graph build --out DIR)")


def _password(password_file: Path | None) -> str | None:
    if password_file is None:
        return None
    try:
        return password_file.read_text(encoding="utf-8").strip("\r\n")
    except OSError as exc:
        raise StoreError(f"--password-file {password_file}: {exc.strerror}") from None


@click.command()
@click.argument("source", type=click.Path(path_type=Path), default=Path("build"), required=False)
@click.option("--store", envvar="ECOSYSTEM_GRAPH_STORE", required=True,
              help="Store to push into: sparql:URL (a SPARQL endpoint's query URL) or oxigraph:PATH.")
@click.option("--graph", "graph_iri", help="Name of the graph in the remote store [env ECOSYSTEM_GRAPH_SPARQL_GRAPH; "
                                           "default https://w3id.org/ecosystem-graph/graph/ecosystem].")
@click.option("--update-url", help="SPARQL Update endpoint [env ECOSYSTEM_GRAPH_SPARQL_UPDATE_URL; default: the "
                                   "query URL, or Virtuoso's /sparql-auth].")
@click.option("--gsp-url", help="Graph Store Protocol endpoint, for bulk loading [env ECOSYSTEM_GRAPH_SPARQL_GSP_URL; "
                                "default: none, or Virtuoso's /sparql-graph-crud-auth].")
@click.option("--user", help="User name [env ECOSYSTEM_GRAPH_SPARQL_USER].")
@click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False),
              help="File holding the password [else env ECOSYSTEM_GRAPH_SPARQL_PASSWORD]; never on the command line.")
@click.option("--timeout", help="Seconds to wait for each answer [env ECOSYSTEM_GRAPH_SPARQL_TIMEOUT; default 60].")
@click.option("--engine", type=click.Choice(["auto", "generic", "virtuoso"]),
              help="The engine's quirks to allow for [env ECOSYSTEM_GRAPH_SPARQL_ENGINE; default: auto, from "
                   "its Server header].")
def push(source: Path, store: str, graph_iri: str | None, update_url: str | None, gsp_url: str | None,
         user: str | None, password_file: Path | None, timeout: str | None, engine: str | None) -> None:
    """Push a built graph (SOURCE: a build folder, default build/, or an RDF file) into --store.

    The store's graph is replaced atomically: readers see the old graph until the new one is
    complete and checked, and a push that fails leaves the old graph current.
    """
    started = time.monotonic()
    path, manifest = graph_source(source)
    if path.suffix not in RDF_SUFFIXES:
        raise StoreError(f"{path}: expected an RDF file ending in {', '.join(RDF_SUFFIXES)}")
    target = open_store(store)
    remote_options = {"graph": graph_iri, "update_url": update_url, "gsp_url": gsp_url, "user": user,
                      "password": _password(password_file), "engine": engine,
                      "timeout": parse_timeout(timeout, "--timeout") if timeout else None}
    if isinstance(target, SparqlStore):
        target.configure(**remote_options)
    elif any(v is not None for v in remote_options.values()):
        raise click.UsageError("--graph, --update-url, --gsp-url, --user, --password-file, --timeout and --engine "
                               "apply to a remote store (--store sparql:URL)")
    if not (isinstance(target, PersistentStore) and target.persistent):
        raise click.UsageError(f"store {target.spec!r} keeps no graph of its own; push into sparql:URL or "
                               "oxigraph:PATH")
    bar = Progress(None, f"pushing {path.name}", unit="triples")
    kwargs = {"progress": bar.update} if isinstance(target, SparqlStore) else {}
    name = target.replace(rdf_file_chunks(path), manifest, **kwargs)
    bar.close()
    written = target.manifest() or {}
    where = f"{target.spec} graph {target.settings.graph}" if isinstance(target, SparqlStore) else target.spec
    click.echo(f"pushed {int(written.get('triples', 0)):,} triples from {path} into {where} ({name}) "
               f"in {time.monotonic() - started:.1f} s")
