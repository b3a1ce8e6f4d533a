"""Would a learned scorer of organization candidates help the rules? A cross-validated experiment
(issue 18), kept so that it can be run again when there are more annotated articles.

Run from the repository root::

    python bench/extract/scorer_experiment.py

The idea: the rules of ``ecosystem_graph/extract/names.py`` read a name as an organization on
evidence of unequal worth (a legal form, an organization word, a list, a verb, capitals). Instead
of weighing it by hand, turn each candidate into general features (:func:`features`: which kinds
of evidence, the name's shape, its mentions) and let a logistic regression decide keep or drop and
give the review confidence.

Data: the organization candidates of the extractor (empty graph, so no name is known in advance)
in the real *tuning* articles (``bench/extract/real/tuning``) and the self-written tuning articles
(``bench/extract/tuning``); a candidate is right when the bench's matching pairs it with a gold
organization. Held-out articles (real and self-written) are never read.

Model and protocol: L2-penalized logistic regression (Newton's method on standardized features,
numpy only, deterministic). Penalty and drop threshold are chosen by leave-one-article-out
cross-validation on the F1 of the real tuning articles; the estimate reported is nested (chosen
again without each article). Also reported: the area under the ROC curve of the out-of-article
probabilities on the real tuning candidates (0.5 is chance), and precision / recall at fixed
thresholds.

Finding (December 2026, 41 real + 22 self-written tuning articles, 421 candidates of which 382
right): the scorer does not help. Out-of-article AUC is about 0.5, and the nested estimate equals
the rules alone (organizations P 0.81 / R 0.76 on the real tuning split). The rules were tuned on
these very articles, so their candidates there are mostly right (91%) and the false ones left are
one-off (lists glued without separators, a sentence's heading); there is nothing general for a
model to learn from them, and what the held-out articles get wrong is not represented. The
scorer is therefore not part of the extractor.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_extract import Score, articles, entity_names, match_entities, real_articles  # noqa: E402

from ecosystem_graph.extract import Entity, Mention, extract_article  # noqa: E402
from ecosystem_graph.extract.known import Known, gazetteer_place  # noqa: E402
from ecosystem_graph.extract.names import article_language  # noqa: E402
from ecosystem_graph.extract.rules import Rules  # noqa: E402
from ecosystem_graph.extract.text import read_article  # noqa: E402

#: Kinds of evidence, by how the rules say why they read a mention (the start of its ``why``): one
#: feature per kind, so that the model weighs kinds of evidence, not single cue words.
EVIDENCE: dict[str, tuple[str, ...]] = {
    "ev_legal": ("legal form",),
    "ev_cue": ("organization word",),
    "ev_described": ("described as",),
    "ev_capitals": ("name in capitals",),
    "ev_mixed": ("name written in mixed case",),
    "ev_place_words": ("a place's name with other words",),
    "ev_listed": ("listed after a noun", "name in a list", "named together with"),
    "ev_context": ("name after a meeting word", "a name doing what", "a role's organization", "a name whose team"),
    "ev_region": ("a region named as an institution",),
    "ev_alias": ("short name of", "initials of", "another name of"),
}
#: Why-texts of the people rules: mentions merged in from a name first read as a person's.
_PERSON_WHY = ("role", "title", "quoted", "'who'", "family name", "a given name", "listed together with a person",
               "a person's verb", "a name followed by", "byline", "named again", "a unit of")
_CONNECTORS = frozenset({"of", "for", "and", "de", "du", "des", "la", "le", "für", "der", "von", "di", "del", "della",
                         "y", "et", "und", "&"})
FEATURES: tuple[str, ...] = (
    *EVIDENCE, "ev_person", "evidence_kinds", "rule_confidence",
    "one_word", "log_words", "acronym", "long_name", "digit", "mixed_case", "connector", "place_word",
    "generic_first", "plural_last", "type_stated", "type_cluster",
    "log_mentions", "several_sentences", "in_title", "initial_only", "bracketed", "english",
)
#: L2 penalties tried (on standardized features; the loss is summed over candidates).
PENALTIES = (0.3, 1.0, 3.0, 10.0, 30.0)
#: Thresholds tried for dropping a candidate.
THRESHOLDS = tuple(round(float(t), 2) for t in np.arange(0.2, 0.81, 0.05))


@dataclass(frozen=True)
class Context:
    """What the features of a candidate need to know of its article."""

    text: str
    rules: Rules
    language: str | None
    first_sentence_end: int
    is_place: Callable[[str], bool]


def features(entity: Entity, context: Context) -> dict[str, float]:
    """The features of an organization candidate, in ``FEATURES``: 0 or 1, counts on a log scale."""
    why = [m.why for m in entity.mentions]
    found = {name: float(any(w.startswith(starts) for w in why)) for name, starts in EVIDENCE.items()}
    found["ev_alias"] = max(found["ev_alias"], float(bool(entity.attrs.get("alt_labels"))))
    found["ev_person"] = float(any(w.startswith(_PERSON_WHY) for w in why))
    found["evidence_kinds"] = sum(found[name] for name in EVIDENCE) / 3
    found["rule_confidence"] = max((m.confidence for m in entity.mentions), default=0.5)
    found.update(_shape(entity.label, context))
    found["type_stated"] = float(not entity.attrs.get("type_guessed", True))
    found["type_cluster"] = float(entity.attrs.get("type") == "cluster-organization")
    found.update(_mentions(entity.mentions, context))
    found["english"] = float(context.language == "en")
    return found


def _shape(label: str, context: Context) -> dict[str, float]:
    """Features of the name's words."""
    words = label.split() or [""]
    rules = context.rules
    return {
        "one_word": float(len(words) == 1),
        "log_words": math.log(len(words)),
        "acronym": float(len(words) == 1 and re.fullmatch(r"[A-Z][A-Z0-9&-]+", words[0]) is not None),
        "long_name": float(len(words) > 6 or len(label) > 50),  # a glued list or a sentence taken for a name
        "digit": float(any(c.isdigit() for c in label)),
        "mixed_case": float(any(any(c.isupper() for c in w[1:]) and any(c.islower() for c in w) for w in words)),
        "connector": float(any(w.lower() in _CONNECTORS for w in words[1:-1])),
        "place_word": float(any(context.is_place(w) for w in words)),
        "generic_first": float(words[0].lower() in rules.generic_adjectives or words[0] in rules.demonyms),
        "plural_last": float(len(words[-1]) > 3 and words[-1].endswith("s") and
                             not words[-1].endswith(("ss", "us", "is")) and not words[-1].isupper()),
    }


def _mentions(mentions: list[Mention], context: Context) -> dict[str, float]:
    """Features of where the name is written: how often, in the title, at sentence starts, in brackets."""
    text = context.text

    def initial(m: Mention) -> bool:
        return not re.search(r"\w", text[m.sentence.start:m.start])

    def bracketed(m: Mention) -> bool:
        return text[max(0, m.start - 1):m.start] == "(" and text[m.end:m.end + 1] == ")"

    return {
        "log_mentions": math.log1p(len(mentions)),
        "several_sentences": float(len({m.sentence.start for m in mentions}) > 1),
        "in_title": float(bool(mentions) and min(m.start for m in mentions) < context.first_sentence_end),
        "initial_only": float(bool(mentions) and all(initial(m) for m in mentions)),
        "bracketed": float(any(bracketed(m) for m in mentions)),
    }


@dataclass
class Data:
    """The candidates of every article: features, labels and which article."""

    x: np.ndarray         # candidates x FEATURES
    y: np.ndarray         # 1 when the candidate is a gold organization
    group: np.ndarray     # index of the candidate's article
    real: np.ndarray      # per article: a real article (the measure) or a self-written one
    gold: np.ndarray      # per article: how many gold organizations


def collect() -> Data:
    """Extract the tuning articles with the rules and label their organization candidates."""
    known = Known.from_data(ROOT / "data", empty=True)
    rules = known.rules

    def is_place(word: str) -> bool:
        place = gazetteer_place(word, rules)
        return place is not None and not place.by_alternate_name and place.population >= 100000

    pairs = [(a, g, True) for a, g in real_articles("tuning").pairs] + [(a, g, False) for a, g in articles("tuning")]
    rows: list[list[float]] = []
    ys, groups, real, gold_counts = [], [], [], []
    for index, (path, gold_path, is_real) in enumerate(pairs):
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8")).get("organizations") or []
        result = extract_article(read_article(path), known)
        text = result.article.text
        context = Context(text, rules, article_language(text, rules),
                          result.sentences[0].end if result.sentences else 0, is_place)
        orgs = result.organizations
        assigned = match_entities([entity_names(e) for e in orgs], gold, known.key, Score(), "")
        for org, hit in zip(orgs, assigned, strict=True):
            found = features(org, context)
            rows.append([found[name] for name in FEATURES])
            ys.append(hit is not None)
            groups.append(index)
        real.append(is_real)
        gold_counts.append(len(gold))
    return Data(np.array(rows, dtype=float).reshape(-1, len(FEATURES)), np.array(ys, dtype=float),
                np.array(groups, dtype=int), np.array(real, dtype=bool), np.array(gold_counts))


def fit(x: np.ndarray, y: np.ndarray, penalty: float) -> tuple[np.ndarray, float]:
    """Weights (on the raw features) and bias of an L2-penalized logistic regression; the features
    are standardized inside so that one penalty fits all, and the bias is not penalized.

    >>> x = np.array([[0.0], [0.0], [1.0], [1.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> weights, bias = fit(x, y, 0.1)
    >>> bool(weights[0] > 0 and bias < 0)
    True
    """
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    ridge = np.full(z.shape[1], penalty)
    ridge[0] = 1e-6
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        step = np.linalg.solve((z * (p * (1 - p))[:, None]).T @ z + np.diag(ridge), z.T @ (p - y) + ridge * w)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = w[1:] / std
    return weights, float(w[0] - (weights * mean).sum())


def out_of_article(data: Data, penalty: float, articles_in: np.ndarray) -> np.ndarray:
    """The probability of each candidate of ``articles_in`` by a model trained on the other articles
    of ``articles_in`` (leave one article out); NaN elsewhere."""
    result = np.full(len(data.y), np.nan)
    inside = np.isin(data.group, articles_in)
    for article in articles_in:
        test = data.group == article
        if test.any():
            weights, bias = fit(data.x[inside & ~test], data.y[inside & ~test], penalty)
            result[test] = 1 / (1 + np.exp(-(data.x[test] @ weights + bias)))
    return result


def counts(data: Data, kept: np.ndarray, articles_in: np.ndarray) -> tuple[int, int, int]:
    """Right, false and missed organizations of ``articles_in`` when only the candidates ``kept`` are."""
    inside = np.isin(data.group, articles_in)
    tp = int((kept & inside & (data.y == 1)).sum())
    return tp, int((kept & inside & (data.y == 0)).sum()), int(data.gold[articles_in].sum()) - tp


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose(data: Data, articles_in: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Penalty and threshold of the best out-of-article F1 on the real articles of ``articles_in``,
    and that penalty's out-of-article probabilities."""
    measured = articles_in[data.real[articles_in]]
    best: tuple[float, float, float, np.ndarray] | None = None
    for penalty in PENALTIES:
        held = out_of_article(data, penalty, articles_in)
        for threshold in THRESHOLDS:
            score = f1(*counts(data, np.nan_to_num(held, nan=0.0) >= threshold, measured))
            if best is None or score > best[0] + 1e-9:
                best = (score, penalty, threshold, held)
    assert best is not None
    return best[1], best[2], best[3]


def nested(data: Data) -> np.ndarray:
    """Whether each candidate of a real article is kept by a penalty, threshold and model chosen
    and trained without its article."""
    everything = np.arange(len(data.real))
    kept = np.zeros(len(data.y), dtype=bool)
    for article in everything[data.real]:
        others = everything[everything != article]
        penalty, threshold, _ = choose(data, others)
        test, train = data.group == article, np.isin(data.group, others)
        weights, bias = fit(data.x[train], data.y[train], penalty)
        kept[test] = 1 / (1 + np.exp(-(data.x[test] @ weights + bias))) >= threshold
    return kept


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve: the chance that a right candidate scores above a false one.

    >>> auc(np.array([0.9, 0.8, 0.1]), np.array([1.0, 1.0, 0.0])), auc(np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    (1.0, 0.5)
    """
    pos, neg = score[y == 1], score[y == 0]
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def line(label: str, tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"{label}: P {p:.2f} / R {r:.2f} / F1 {f1(tp, fp, fn):.2f} ({tp} right / {fp} false / {fn} missed)"


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    data = collect()
    everything = np.arange(len(data.real))
    real, written = everything[data.real], everything[~data.real]
    on_real = np.isin(data.group, real)
    print(f"{len(data.y)} candidates ({int(data.y.sum())} right) from {len(everything)} articles "
          f"({len(real)} real tuning, {len(written)} self-written tuning)")
    every = np.ones(len(data.y), dtype=bool)
    print(line("rules alone, real tuning", *counts(data, every, real)))
    print(line("rules alone, self-written tuning", *counts(data, every, written)))
    penalty, threshold, held = choose(data, everything)
    kept = held >= threshold
    print(line(f"rules + scorer, leave-one-article-out, penalty {penalty} and threshold {threshold} chosen on "
               "these same predictions, real tuning", *counts(data, kept, real)))
    print(line("  the same, self-written tuning", *counts(data, kept, written)))
    print(line("rules + scorer, nested (penalty and threshold chosen without each article), real tuning",
               *counts(data, nested(data), real)))
    print(f"out-of-article AUC on the real tuning candidates: {auc(held[on_real], data.y[on_real]):.3f} "
          f"(the rules' own confidence: {auc(data.x[on_real, FEATURES.index('rule_confidence')], data.y[on_real]):.3f})")
    sure = on_real & (held >= 0.9)
    print(f"real tuning candidates the scorer would mark >= 0.9 (out of article): {int(data.y[sure].sum())}/"
          f"{int(sure.sum())} right = {data.y[sure].mean() if sure.any() else 1.0:.3f}")
    for fixed in (0.5, 0.7, 0.8, 0.9):
        print(line(f"  drop under {fixed}, real tuning", *counts(data, held >= fixed, real)))
    weights, _ = fit(data.x, data.y, penalty)
    print("weights on all the data:", ", ".join(f"{n} {w:+.2f}" for n, w in sorted(
        zip(FEATURES, weights, strict=True), key=lambda item: -abs(item[1]))[:10]), "...")


if __name__ == "__main__":
    main()
