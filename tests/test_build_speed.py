"""What the faster store build relies on: target nodes gathered on the way out equal the store's,
and triples streamed through a pipe keep every error of the old in-process reader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecosystem_graph.build import build_store, ontology_ntriples
from ecosystem_graph.errors import StoreError
from ecosystem_graph.ontology import load_ontology, relation_names, shapes_graph
from ecosystem_graph.records import load_records
from ecosystem_graph.sampled_shapes import TargetCollector, _iris, _target_query, check_sampled
from ecosystem_graph.stores.oxigraph import OxigraphStore
from ecosystem_graph.synth import write_synthetic
from ecosystem_graph.triples import ntriples_chunks

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "data"
    write_synthetic(folder, 200, seed=3)
    return folder


@pytest.mark.parametrize("data", ["seed", "synthetic"])
def test_collected_targets_equal_the_stores(data: str, synthetic: Path, tmp_path: Path) -> None:
    folder = ROOT / "data" if data == "seed" else synthetic
    ontology = load_ontology()
    records = load_records(folder, relations=relation_names(ontology))
    collector = TargetCollector(shapes_graph())
    store = OxigraphStore(str(tmp_path / "store"))
    chunks = [ontology_ntriples(ontology, collector.watch), *ntriples_chunks(records, watch=collector.watch)]
    store.replace(chunks, {})
    populations = collector.populations()
    assert len(populations) == len(collector.targets) > 10
    for (kind, target), nodes in populations.items():
        assert nodes == _iris(store, _target_query(kind, target)), (kind, target)
    # The same sample, hence the same report, either way.
    assert check_sampled(store, shapes_graph(), per_target=3, populations=populations) == \
        check_sampled(store, shapes_graph(), per_target=3)


def test_an_error_making_the_triples_fails_the_build_and_keeps_the_old_graph(tmp_path: Path) -> None:
    store = OxigraphStore(str(tmp_path / "store"))
    store.replace([b"<urn:a> <urn:b> <urn:c> .\n"], {"which": "old"})

    def broken() -> Iterator[bytes]:
        yield b"<urn:x> <urn:y> <urn:z> .\n" * 1000
        yield b"<urn:x> <urn:y> "  # a cut line: the loader alone would call it bad RDF
        raise RuntimeError("the records ran out")

    with pytest.raises(RuntimeError, match="ran out"):
        store.replace(broken(), {"which": "new"})
    assert store.manifest()["which"] == "old" and store.count() == 1


def test_bad_rdf_in_the_stream_is_a_store_error_and_the_writer_stops(tmp_path: Path) -> None:
    store = OxigraphStore(str(tmp_path / "store"))

    def endless() -> Iterator[bytes]:
        yield b"<urn:x> <urn:y> nonsense .\n"
        while True:  # the loader gives up at once: the thread writing must not block for ever
            yield b"<urn:x> <urn:y> <urn:z> .\n" * 10_000

    with pytest.raises(StoreError, match="not valid RDF"):
        store.replace(endless(), {})
    assert store.manifest() is None


def test_a_store_build_checks_the_sample_of_the_collected_targets(synthetic: Path, tmp_path: Path) -> None:
    result = build_store(synthetic, f"oxigraph:{tmp_path / 'store'}", shacl="sample", sample_per_target=4)
    assert result.shacl["mode"] == "sample" and result.shacl["targets_population"] > 1000
