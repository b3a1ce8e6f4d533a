"""``review`` and ``accept``: a draft of ``extract`` turned into records of data/ without editing YAML."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ecosystem_graph import open_graph
from ecosystem_graph.cli import main
from ecosystem_graph.extract.draft import render_draft
from ecosystem_graph.records import load_records
from ecosystem_graph.review import (
    AcceptConflict,
    accept_draft,
    apply_decision,
    list_records,
    load_data,
    load_draft,
    save_draft,
)

ARTICLE = """Varna cluster visits Graz

From 4 to 6 June 2019 the Varna Marine Cluster visited Graz, Austria. The delegation was led
by Petar Ivanov, Chairman of the cluster. On the first day the team met Grazer Robotik GmbH.
On 6 June the delegation met Nesta. Companies such as Magna follow the exchange.
"""


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    error = result.stderr
    if result.exception and not isinstance(result.exception, SystemExit):
        error += f"{type(result.exception).__name__}: {result.exception}"
    return result.exit_code, result.stdout, error


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def ref_of(draft: Path, label: str) -> str:
    """The ref of the drafted record named ``label`` (ids are the extractor's to choose)."""
    found = [r.ref for r in load_draft(draft).records() if r.label == label]
    assert found, f"{label!r} not drafted"
    return found[0]


# -- the whole loop --------------------------------------------------------------------------------


def test_an_article_becomes_queryable_facts_with_their_source(tmp_path: Path, data_copy: Path) -> None:
    """extract -> review (keys, then options) -> accept -> build -> named queries and SPARQL."""
    article = tmp_path / "varna.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    draft = tmp_path / "varna.draft.yaml"
    code, out, err = run("extract", article, "--out", draft, "--data", data_copy)
    assert code == 0, err
    before = snapshot(data_copy)
    grazer, magna = ref_of(draft, "Grazer Robotik GmbH"), ref_of(draft, "Magna")

    # Interactive: a key per record in the draft's order; an edit keeps the record on screen; then quit.
    order = [r.ref for r in load_draft(draft).records()]
    keys = []
    for ref in order[:order.index(grazer) + 1]:
        keys += ["e description=Robots for shipyards", "a"] if ref == grazer else ["a"]
    code, out, err = run("review", draft, "--data", data_copy, input="\n".join([*keys, "q"]) + "\n")
    assert code == 0, err
    assert "»Grazer Robotik GmbH«" in out and "confidence" in out
    assert f"[1/{len(order)}] source" in out and "saved" in out
    reviewed = load_draft(draft)
    assert reviewed.find(grazer).status == "accepted"
    assert reviewed.find(grazer).values["description"] == "Robots for shipyards"
    assert reviewed.find(magna).status == "proposed"  # not reached before quitting

    # The options, for the rest: a threshold, and an explicit rejection that overrides it.
    code, out, err = run("review", draft, "--data", data_copy, "--accept-all-above", "0.5", "--reject", magna)
    assert code == 0, err
    assert f"rejected {magna}" in out
    code, out, err = run("review", draft, "--data", data_copy, "--list")
    assert code == 0 and out.splitlines()[-1] == "13 accepted, 1 rejected, 0 proposed"
    assert f"rejected  0.55 {magna}" in out

    # accept: a dry run writes nothing, then the merge.
    code, out, err = run("accept", draft, "--data", data_copy, "--dry-run")
    assert code == 0, err
    assert "would accept" in out and "grazer-robotik-gmbh" in out and snapshot(data_copy) == before
    code, out, err = run("accept", draft, "--data", data_copy)
    assert code == 0, err
    assert "organizations.csv: 2 added" in out and "magna: rejected" in out and "nesta" in out
    after = snapshot(data_copy)
    for name in ("organizations.csv", "meetings.csv", "visits.yaml", "sources.csv"):
        assert after[name].startswith(before[name]), f"{name}: the rows already there changed"
    assert b"Magna" not in after["organizations.csv"]
    assert after["organizations.csv"].count(b"NESTA") == 1  # linked, not added again

    # build, then the project's query API.
    code, out, err = run("build", data_copy, "--out", tmp_path / "build")
    assert code == 0, err
    kg = open_graph(data_copy, tmp_path / "build", rebuild=False)
    meetings = kg.rows("meetings", organization="Grazer Robotik GmbH")
    assert len(meetings) == 1 and meetings[0]["date"] is not None
    sources = {row["title"] for row in kg.rows("provenance", entity="grazer-robotik-gmbh")}
    assert sources == {"Varna cluster visits Graz"}
    rows = kg.query("""SELECT ?label ?description ?title ?visit WHERE {
        ?org rdfs:label "Grazer Robotik GmbH" ; dct:description ?description ; prov:wasDerivedFrom ?source .
        ?source dct:title ?title .
        ?meeting eco:metOrganization ?org ; schema:superEvent ?v ; prov:wasDerivedFrom ?source .
        ?v rdfs:label ?visit . ?org rdfs:label ?label }""")
    assert [tuple(map(str, row)) for row in rows] == [
        ("Grazer Robotik GmbH", "Robots for shipyards", "Varna cluster visits Graz", "Working visit to Graz, 2019")]


def test_end_of_input_saves_the_decisions_made(tmp_path: Path, data_copy: Path) -> None:
    article = tmp_path / "varna.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    draft = tmp_path / "varna.draft.yaml"
    assert run("extract", article, "--out", draft, "--data", data_copy)[0] == 0
    first = load_draft(draft).records()[0].ref
    code, out, err = run("review", draft, "--data", data_copy, input="a\nwhat\n")  # then the input ends
    assert code == 0, err
    assert "keys: [a]ccept" in out
    assert load_draft(draft).find(first).status == "accepted"
    code, out, _ = run("review", draft, "--data", data_copy, "--all", input="u\nq\n")  # u: back to proposed
    assert code == 0 and load_draft(draft).find(first).status == "proposed"


# -- hand-written drafts ---------------------------------------------------------------------------


def reviewed(status: str = "accepted", match: str = "new", **fields: Any) -> dict[str, Any]:
    return {**fields, "review": {"status": status, "confidence": 0.9, "match": match, "why": "written by hand",
                                 "evidence": [{"start": 0, "end": 30, "sentence": "The team met Hand Labs Ltd."}]}}


def base() -> dict[str, Any]:
    """A source, an organization and its meeting on the seed graph's visit, all accepted."""
    return {
        "draft": {"article": "hand.txt"},
        "sources": [reviewed(id="news-hand", title="Hand-written news", kind="news-item")],
        "organizations": [reviewed(id="hand-labs-ltd", label="Hand Labs Ltd", type=["accelerator"],
                                   city="london", source=["news-hand"])],
        "meetings": [reviewed(id="uk-2018-hand-labs-ltd", visit="uk-2018", order=9, organization="hand-labs-ltd",
                              date="2018-08-01", summary="The team met Hand Labs Ltd.", source=["news-hand"])],
    }


def write(path: Path, draft: dict[str, Any]) -> Path:
    path.write_text(render_draft(draft, "hand.txt"), encoding="utf-8")
    return path


def organizations(data: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((data / "organizations.csv").read_text(encoding="utf-8"))))


def changed(draft: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``draft`` with each value at a path ("meetings/0/date") set; an index one past the end appends."""
    for path, value in changes.items():
        *steps, last = [int(p) if p.isdigit() else p for p in path.split("/")]
        place: Any = draft
        for step in steps:
            place = place[step]
        if isinstance(place, list) and last == len(place):
            place.append(value)
        else:
            place[last] = value
    return draft


ORG, MEETING, SOURCE = "organizations/0", "meetings/0", "sources/0"
#: Each refusal: how the draft is broken, the record, the field, and words of expected and found.
CONFLICTS = {
    "id of another record": ({f"{ORG}/id": "nesta", f"{MEETING}/organization": "nesta"}, "organizations/nesta",
                             "field 'id'", "does not use already for 'NESTA'", "'nesta' for 'Hand Labs Ltd'"),
    "contradicting field": ({f"{ORG}/id": "nesta", f"{ORG}/label": "NESTA", f"{MEETING}/organization": "nesta"},
                            "organizations/nesta", "field 'type'",
                            "expected 'foundation', as data/organizations.csv:7 has it", "found 'accelerator'"),
    "rejected reference": ({f"{ORG}/review/status": "rejected"}, "meetings/uk-2018-hand-labs-ltd",
                           "field 'organization'", "accepted or linked in the draft",
                           "'hand-labs-ltd', rejected in the draft"),
    "unreviewed reference": ({f"{ORG}/review/status": "proposed"}, "meetings/uk-2018-hand-labs-ltd",
                             "field 'organization'", "accepted or linked", "not reviewed yet"),
    "unknown reference": ({f"{MEETING}/organization": "hand-labs"}, "meetings/uk-2018-hand-labs-ltd",
                          "field 'organization'", "an id of organizations in the draft or the data",
                          "'hand-labs', which neither has"),
    "rejected source": ({f"{SOURCE}/review/status": "rejected"}, "organizations/hand-labs-ltd", "field 'source'",
                        "accepted or linked", "'news-hand', rejected in the draft"),
    "link to nothing": ({f"{ORG}/review/match": "hand-labs"}, "organizations/hand-labs-ltd", "field 'review.match'",
                        "'new' or an id of organizations.csv", "'hand-labs', which the data folder does not have"),
    "key twice": ({"organizations/1": reviewed(id="hand-labs-ltd", label="Hand Labs", type=["accelerator"],
                                               source=["news-hand"])},
                  "organizations/hand-labs-ltd", "field 'id'", "a key no other accepted record of the draft has",
                  "also the key of organizations/hand-labs-ltd"),
    "bad value": ({f"{MEETING}/date": "1 August 2018"}, "meetings/uk-2018-hand-labs-ltd", "field 'date'",
                  "a date as YYYY-MM-DD", "'1 August 2018'"),
}


@pytest.mark.parametrize("case", sorted(CONFLICTS))
def test_a_conflict_is_refused_and_changes_nothing(case: str, tmp_path: Path, data_copy: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    changes, record, name, expected, found = CONFLICTS[case]
    path = write(tmp_path / "hand.draft.yaml", changed(base(), changes))
    before, drafted = snapshot(data_copy), path.read_bytes()
    monkeypatch.chdir(tmp_path)
    code, out, err = run("accept", path, "--data", "data")
    assert code == 1, out
    assert "Traceback" not in err and err.startswith(f"error: cannot accept {path} into data")
    line = next(x for x in err.splitlines() if record in x and name in x)
    assert line.strip().startswith(f"{path}:") and expected in line and found in line, line
    assert len(set(err.splitlines())) == len(err.splitlines())  # each conflict once
    assert snapshot(data_copy) == before and path.read_bytes() == drafted


def test_records_that_validate_would_refuse_change_nothing(tmp_path: Path, data_copy: Path) -> None:
    """Checks across records (a meeting outside its visit's dates) run on the merged folder first."""
    draft = base()
    draft["meetings"][0]["date"] = "2019-01-01"
    path = write(tmp_path / "hand.draft.yaml", draft)
    before = snapshot(data_copy)
    code, _, err = run("accept", path, "--data", data_copy)
    assert code == 1 and "Traceback" not in err
    assert "nothing was written" in err and "meetings.csv" in err and "a date within visit uk-2018" in err
    assert snapshot(data_copy) == before


def test_the_api_names_the_conflicts(tmp_path: Path, data_copy: Path) -> None:
    draft = changed(base(), {f"{ORG}/review/status": "rejected"})
    with pytest.raises(AcceptConflict) as caught:
        accept_draft(write(tmp_path / "hand.draft.yaml", draft), data_copy)
    [conflict] = caught.value.conflicts
    assert (conflict.record, conflict.field) == ("meetings/uk-2018-hand-labs-ltd", "organization")


def test_linking_to_an_existing_entity_adds_nothing_and_rewrites_references(tmp_path: Path, data_copy: Path) -> None:
    draft = base()
    draft["organizations"][0].update(id="nesta-innovation-foundation", label="Nesta Innovation Foundation")
    draft["organizations"][0]["review"]["status"] = "proposed"
    draft["meetings"][0]["organization"] = "nesta-innovation-foundation"
    draft["people"] = [reviewed(id="jo-bloggs", name="Jo Bloggs", source=["news-hand"])]
    draft["memberships"] = [reviewed(person="jo-bloggs", organization="nesta-innovation-foundation", role="CEO",
                                     source=["news-hand"])]
    path = write(tmp_path / "hand.draft.yaml", draft)
    views = {v.ref: v for v in list_records(load_draft(path), load_data(data_copy))}
    assert [c.id for c in views["organizations/nesta-innovation-foundation"].candidates][:1] == ["nesta"]
    count = len(organizations(data_copy))
    code, out, err = run("review", path, "--data", data_copy, "--link", "nesta-innovation-foundation=nesta")
    assert code == 0, err
    code, out, err = run("accept", path, "--data", data_copy)
    assert code == 0, err
    assert "1 linked (nesta-innovation-foundation -> nesta)" in out
    assert len(organizations(data_copy)) == count
    records = load_records(data_copy)
    assert records.get("meetings", "uk-2018-hand-labs-ltd").values["organization"] == "nesta"
    assert records.get("memberships", "jo-bloggs--nesta").values["role"] == "CEO"
    assert "nesta-innovation-foundation" not in (data_copy / "meetings.csv").read_text(encoding="utf-8")


def test_a_second_accept_adds_nothing_and_keeps_the_ids(tmp_path: Path, data_copy: Path) -> None:
    path = write(tmp_path / "hand.draft.yaml", base())
    assert run("accept", path, "--data", data_copy)[0] == 0
    once, drafted = snapshot(data_copy), path.read_bytes()
    assert load_draft(path).find("hand-labs-ltd").match == "hand-labs-ltd"  # marked as merged
    code, out, err = run("accept", path, "--data", data_copy)
    assert code == 0, err
    assert "nothing written" in out and "already there (hand-labs-ltd)" in out
    assert snapshot(data_copy) == once and path.read_bytes() == drafted
    # A copy of the draft without the marks is recognised too: every record is already there.
    assert accept_draft(write(tmp_path / "again.draft.yaml", base()), data_copy).added == 0
    assert snapshot(data_copy) == once


def test_a_draft_kept_in_the_data_folder_is_accepted_in_place(tmp_path: Path, data_copy: Path) -> None:
    """The draft's merged records stop counting as new records, so the build sees each record once."""
    path = write(data_copy / "hand.draft.yaml", base())
    code, out, err = run("accept", path, "--data", data_copy)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("wrote hand.draft.yaml, meetings.csv, organizations.csv, sources.csv")
    assert b"match: hand-labs-ltd" in path.read_bytes()
    code, _, err = run("validate", data_copy)
    assert code == 0, err
    assert [r["id"] for r in organizations(data_copy)].count("hand-labs-ltd") == 1


def test_a_column_the_file_lacks_is_added(tmp_path: Path, data_copy: Path) -> None:
    draft = base()
    draft["organizations"][0]["themes"] = ["smart-cities"]
    code, _, err = run("accept", write(tmp_path / "hand.draft.yaml", draft), "--data", data_copy)
    assert code == 0, err
    header = (data_copy / "organizations.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",inferred,inference_note,themes")
    assert load_records(data_copy).get("organizations", "hand-labs-ltd").values["themes"] == ["smart-cities"]


HOSTILE = ['=HYPERLINK("http://evil.example/","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
           "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "-2+3, \"quoted\"\nnext line"]


def test_hostile_labels_are_stored_and_queried_as_plain_data(tmp_path: Path, data_copy: Path) -> None:
    draft = base()
    draft["organizations"] = [reviewed(id=f"hostile-{i}", label=label, description=label, type=["accelerator"],
                                       source=["news-hand"]) for i, label in enumerate(HOSTILE)]
    draft["meetings"][0]["organization"] = "hostile-3"
    code, out, err = run("accept", write(tmp_path / "hand.draft.yaml", draft), "--data", data_copy)
    assert code == 0, err
    rows = {r["id"]: r for r in organizations(data_copy)}
    assert [rows[f"hostile-{i}"]["label"] for i in range(len(HOSTILE))] == HOSTILE
    assert [load_records(data_copy).get("organizations", f"hostile-{i}").values["description"]
            for i in range(len(HOSTILE))] == HOSTILE
    assert run("build", data_copy, "--out", tmp_path / "build")[0] == 0
    kg = open_graph(data_copy, tmp_path / "build", rebuild=False)
    labels = {str(row[0]) for row in kg.query('SELECT ?l WHERE { ?o dct:identifier ?id ; rdfs:label ?l '
                                              'FILTER STRSTARTS(?id, "hostile-") }')}
    assert labels == set(HOSTILE)


def test_a_label_cannot_drive_the_terminal(tmp_path: Path, data_copy: Path) -> None:
    draft = base()
    draft["organizations"][0]["label"] = "Evil\x1b[2J\x1b]0;owned\x07 Corp"
    path = write(tmp_path / "hand.draft.yaml", draft)
    code, out, _ = run("review", path, "--data", data_copy, "--list")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "Evil\\x1b[2J" in out
    code, out, _ = run("review", path, "--data", data_copy, "--all", input="q\n")
    assert code == 0 and "\x1b" not in out
    code, _, err = run("accept", path, "--data", data_copy)  # the records refuse control characters
    assert code == 1 and "field 'label': expected text without control characters" in err


# -- review's own mistakes -------------------------------------------------------------------------


def test_review_mistakes_are_messages(tmp_path: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "hand.draft.yaml", base())
    drafted = path.read_bytes()
    for args, words in ((["--accept", "hand-labs"], "no record 'hand-labs' in the draft (did you mean "
                                                    "organizations/hand-labs-ltd"),
                        (["--link", "hand-labs-ltd=nesta-uk"], "no organizations record 'nesta-uk'"),
                        (["--edit", "hand-labs-ltd:colour=red"], "no field 'colour'")):
        code, _, err = run("review", path, "--data", data_copy, *args)
        assert code == 1 and words in err and "Traceback" not in err, err
        assert path.read_bytes() == drafted  # nothing saved when an option fails
    code, _, err = run("review", path, "--link", "hand-labs-ltd")
    assert code == 2 and "expected REF=ID" in err
    code, _, err = run("review", tmp_path / "missing.draft.yaml")
    assert code == 1 and "no such file" in err
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # no data/ here: accept never falls back to the seed data
    code, _, err = run("accept", path)
    assert code == 2 and "give --data DIR" in err
    (tmp_path / "bad.draft.yaml").write_text("organizations:\n- id: x\n", encoding="utf-8")
    code, _, err = run("accept", tmp_path / "bad.draft.yaml", "--data", data_copy)
    assert code == 1 and "bad.draft.yaml:2: organizations: expected a review block" in err


def test_an_edit_reports_what_the_record_then_lacks(tmp_path: Path, data_copy: Path) -> None:
    path = write(tmp_path / "hand.draft.yaml", base())
    code, out, err = run("review", path, "--edit", "hand-labs-ltd:type=", "--edit", "hand-labs-ltd:id=hand-labs")
    assert code == 0
    assert "warning: hand.draft.yaml:" in err and "field 'type'" in err
    draft = load_draft(path)
    assert draft.find("uk-2018-hand-labs-ltd").values["organization"] == "hand-labs"  # the new id, everywhere
    apply_decision(draft, "hand-labs", "edit", {"type": "accelerator|agency"})
    save_draft(draft)
    assert load_draft(path).find("hand-labs").values["type"] == ["accelerator", "agency"]


def test_an_unchanged_draft_saves_byte_for_byte(tmp_path: Path, data_copy: Path) -> None:
    article = tmp_path / "varna.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    draft = tmp_path / "varna.draft.yaml"
    assert run("extract", article, "--out", draft, "--data", data_copy)[0] == 0
    written = draft.read_bytes()
    save_draft(load_draft(draft))
    assert draft.read_bytes() == written
