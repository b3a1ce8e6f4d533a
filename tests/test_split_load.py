"""Loading an N-Triples or N-Quads file in parts, concurrently: the same graph as one load call,
blank nodes kept whole, syntax errors named by the file's own lines, the old generation kept on
failure or SIGKILL, and small or non-line-based files still loaded in one call."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from ecosystem_graph.build import build_store
from ecosystem_graph.errors import StoreError
from ecosystem_graph.stores.oxigraph import OxigraphStore
from ecosystem_graph.stores.oxigraph.bulk import PAUSE_VARIABLE, bulk_load_file
from ecosystem_graph.synth import write_synthetic

ROOT = Path(__file__).resolve().parents[1]
NT, NQ = ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS


@pytest.fixture(autouse=True)
def split_small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split files of 1 kB or more, in two parts even on one core, so that test files stay small."""
    monkeypatch.setattr("ecosystem_graph.stores.oxigraph.bulk.SPLIT_MIN_BYTES", 1000)
    monkeypatch.setattr("ecosystem_graph.stores.oxigraph.bulk.SPLIT_PARTS", 2)


class Recording:
    """An Oxigraph store that notes what each bulk-load call read: a file's path, or bytes (their size)."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.calls: list[str | int] = []

    def bulk_load(self, input: bytes | None = None, format: ox.RdfFormat | None = None,  # noqa: A002
                  path: str | None = None) -> None:
        self.calls.append(path if input is None else len(input))
        self.store.bulk_load(input=input, format=format, path=path)


def _plain(count: int, start: int = 0) -> bytes:
    return b"".join(b'<urn:s%d> <urn:p> "value %d" .\n' % (i, i) for i in range(start, start + count))


def _loaded(path: Path, fmt: ox.RdfFormat) -> Recording:
    native = Recording()
    bulk_load_file(native, path, fmt)  # type: ignore[arg-type]
    return native


def _one_call(path: Path, fmt: ox.RdfFormat) -> ox.Store:
    native = ox.Store()
    native.bulk_load(path=str(path), format=fmt)
    return native


def _blank_nodes(native: ox.Store) -> set[ox.BlankNode]:
    return {term for quad in native for term in (quad.subject, quad.object, quad.graph_name)
            if isinstance(term, ox.BlankNode)}


def _without_blank_labels(native: ox.Store) -> list[str]:
    """The quads, each blank node written ``_``: equal lists and equal blank node counts make the
    graphs equal here, where each test file names its blank nodes in distinct positions."""
    return sorted(" ".join("_" if isinstance(t, ox.BlankNode) else str(t) for t in quad) for quad in native)


def test_split_load_equals_one_call_without_blank_nodes(tmp_path: Path) -> None:
    path = tmp_path / "plain.nt"
    path.write_bytes(_plain(2000) + _plain(500))  # the repeated triples fall in both parts: kept once
    split = _loaded(path, NT)
    size = path.stat().st_size
    assert len(split.calls) == 2 and sum(split.calls) == size and min(split.calls) > size // 3  # type: ignore[arg-type]
    assert set(split.store) == set(_one_call(path, NT))
    assert len(split.store) == 2000


def test_a_blank_node_on_far_apart_lines_stays_one_node(tmp_path: Path) -> None:
    path = tmp_path / "blank.nt"
    path.write_bytes(b"_:b1 <urn:p> <urn:first> .\n" + _plain(3000)
                     + b'<urn:last> <urn:p> _:b1 .\n<urn:x> <urn:note> "not a node: _:b1" .\n' + _plain(10, 5000)
                     + b"<urn:end> <urn:p> _:b1 .")  # the last line has no newline
    split = _loaded(path, NT)
    one = _one_call(path, NT)
    assert len(split.calls) > 1
    assert len(_blank_nodes(split.store)) == len(_blank_nodes(one)) == 1
    assert _without_blank_labels(split.store) == _without_blank_labels(one)


def test_nquads_with_a_blank_graph_name_split_like_one_call(tmp_path: Path) -> None:
    lines = [b'<urn:s%d> <urn:p> "%d" <urn:g%d> .\n' % (i, i, i % 3) for i in range(2000)]
    lines[10] = b"<urn:a> <urn:p> <urn:b> _:g .\n"
    lines[1990] = b"_:n <urn:p> <urn:c> _:g .\n"
    lines[1995] = b"<urn:d> <urn:p> _:n .\n"
    path = tmp_path / "quads.nq"
    path.write_bytes(b"".join(lines))
    split = _loaded(path, NQ)
    one = _one_call(path, NQ)
    assert len(split.calls) > 1
    assert len(split.store) == len(one) == 2000
    assert len(_blank_nodes(split.store)) == len(_blank_nodes(one)) == 2
    assert _without_blank_labels(split.store) == _without_blank_labels(one)


def test_small_and_turtle_files_load_in_one_call(tmp_path: Path) -> None:
    small = tmp_path / "small.nt"
    small.write_bytes(_plain(20))
    assert small.stat().st_size < 1000
    assert _loaded(small, NT).calls == [str(small)]
    turtle = tmp_path / "big.ttl"
    turtle.write_bytes(_plain(2000))
    assert _loaded(turtle, ox.RdfFormat.TURTLE).calls == [str(turtle)]


def test_a_built_graph_dumped_and_loaded_in_parts_is_the_same_graph(tmp_path: Path) -> None:
    """The ontology's blank nodes (owl:oneOf lists, ranges) are spread over the file."""
    write_synthetic(tmp_path / "data", 100, seed=3)
    built = OxigraphStore(str(tmp_path / "built"))
    build_store(tmp_path / "data", built.spec, shacl="sample")
    dump = tmp_path / "graph.nt"
    dump.write_bytes(built.native().dump(format=NT, from_graph=ox.DefaultGraph()))
    assert dump.read_bytes().count(b"_:") > 2
    loaded = OxigraphStore(str(tmp_path / "loaded"))
    loaded.load_file(dump)
    assert loaded.count() == built.count() == built.manifest()["triples"] == loaded.manifest()["triples"]
    assert isomorphic(loaded.graph(), built.graph())


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_a_syntax_error_in_the_second_part_fails_the_load_and_keeps_the_old_generation(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_bytes(_plain(2000))
    bad.write_bytes(_plain(1500) + b'<urn:x> <urn:p> "unclosed .\n' + _plain(400, 9000))
    store = OxigraphStore(str(tmp_path / "store"))
    store.load_file(good)
    threads, fds = threading.active_count(), _open_fds()
    with pytest.raises(StoreError) as caught:
        store.load_file(bad)
    message = str(caught.value)
    assert "not valid RDF" in message and "bad.nt, line 1501)" in message and "line 1501 column" in message
    del caught  # its traceback holds the failed generation's database open
    gc.collect()
    assert threading.active_count() == threads and _open_fds() == fds
    assert store.folder is not None and store.folder.current() == "gen-0001"
    assert store.folder.generations() == ["gen-0001"]
    assert store.count() == 2000
    memory = OxigraphStore()  # loads in one call: the message names the same line the same way
    with pytest.raises(StoreError, match=r"bad\.nt: not valid RDF: .*line 1501 column .*\(bad\.nt, line 1501\)"):
        memory.load_file(bad)


@pytest.mark.parametrize("bad_line", [b"<urn:x> <urn:p> .\n", b'_:b <urn:p> "unclosed .\n'])
def test_a_syntax_error_reports_its_line_in_the_file(tmp_path: Path, bad_line: bytes) -> None:
    """In the first part, and on a line naming a blank node (loaded with the others, out of place)."""
    bad = tmp_path / "bad.nt"
    bad.write_bytes(b"_:a <urn:p> <urn:o> .\n" + _plain(2500) + bad_line + _plain(500, 3000)
                    + b"_:a <urn:p> <urn:q> .\n")
    with pytest.raises(SyntaxError) as caught:
        _loaded(bad, NT)
    assert caught.value.lineno == 2502 and caught.value.filename == str(bad)
    assert "line 2502 column" in caught.value.msg


_LOAD_IN_PARTS = """
import sys
from pathlib import Path
import ecosystem_graph.stores.oxigraph.bulk as bulk
from ecosystem_graph.stores.oxigraph import OxigraphStore
bulk.SPLIT_MIN_BYTES, bulk.SPLIT_PARTS = 1000, 2
OxigraphStore(sys.argv[1]).load_file(Path(sys.argv[2]))
"""


def test_sigkill_while_loading_in_parts_keeps_the_old_generation(tmp_path: Path) -> None:
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    old.write_bytes(_plain(100) * 20)
    new.write_bytes(_plain(300_000))
    store = OxigraphStore(str(tmp_path / "store"))
    store.load_file(old)
    flag = tmp_path / "flag"
    env = {**os.environ, PAUSE_VARIABLE: f"loading:0:{flag}"}
    process = subprocess.Popen([sys.executable, "-c", _LOAD_IN_PARTS, str(tmp_path / "store"), str(new)],
                               env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while not Path(f"{flag}.paused").exists() and time.monotonic() < deadline:
        assert process.poll() is None, "the load ended before pausing"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    reopened = OxigraphStore(str(tmp_path / "store"))
    assert reopened.folder is not None and reopened.folder.current() == "gen-0001"
    assert reopened.count() == 100
    reopened.close()
    reopened.load_file(new)  # the next load removes the half-loaded generation
    assert reopened.count() == 300_000 and reopened.folder.generations() == [reopened.folder.current()]
