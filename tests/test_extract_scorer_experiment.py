"""The learned-scorer experiment of issue 18 (bench/extract/scorer_experiment.py): its features,
its logistic regression and its measures, so that it can be run again as the gold grows."""

from __future__ import annotations

import doctest
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from ecosystem_graph.extract import Entity, Mention
from ecosystem_graph.extract.rules import load_rules
from ecosystem_graph.extract.text import Sentence

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def experiment() -> ModuleType:
    path = ROOT / "bench" / "extract" / "scorer_experiment.py"
    spec = importlib.util.spec_from_file_location("scorer_experiment", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _org(text: str, label: str, why: str, start: int = 0) -> Entity:
    sentence = Sentence(0, len(text), text)
    end = start + len(label)
    return Entity("organizations", label, label.lower(), None, [Mention(start, end, label, sentence, why, 0.85)],
                  {"type": "cluster-organization", "type_guessed": False})


def test_features_name_the_evidence_and_shape(experiment: ModuleType) -> None:
    text = "Yesterday the Orvik Robotics Cluster GmbH met us."
    context = experiment.Context(text, load_rules(), "en", len(text), lambda word: False)
    found = experiment.features(_org(text, "Orvik Robotics Cluster GmbH", "legal form 'GmbH'", 14), context)
    assert set(found) == set(experiment.FEATURES)
    assert (found["ev_legal"], found["ev_cue"], found["one_word"], found["type_cluster"]) == (1.0, 0.0, 0.0, 1.0)
    assert found["in_title"] == 1.0 and found["initial_only"] == 0.0 and found["english"] == 1.0


def test_features_of_an_acronym_in_brackets(experiment: ModuleType) -> None:
    text = "Intro. The agency (ABCD) signed."
    context = experiment.Context(text, load_rules(), "en", 6, lambda word: False)
    found = experiment.features(_org(text, "ABCD", "name in capitals", 19), context)
    assert (found["acronym"], found["bracketed"], found["in_title"], found["ev_capitals"]) == (1.0, 1.0, 0.0, 1.0)


def test_fit_separates_and_regularizes(experiment: ModuleType) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] - x[:, 1] > 0).astype(float)
    weights, _ = experiment.fit(x, y, 1.0)
    assert weights[0] > 0 > weights[1] and abs(weights[2]) < abs(weights[0]) / 3
    strong, _ = experiment.fit(x, y, 1000.0)
    assert abs(strong[0]) < abs(weights[0])  # a larger penalty shrinks the weights


def test_measures(experiment: ModuleType) -> None:
    assert experiment.f1(8, 2, 2) == pytest.approx(0.8)
    results = doctest.testmod(experiment)
    assert results.failed == 0 and results.attempted >= 2
