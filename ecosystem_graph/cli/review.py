"""The ``review`` and ``accept`` commands: a draft of ``extract`` turned into records without editing YAML."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import EcosystemGraphError, RecordError
from ..locations import default_data_dir
from ..records import Records
from ..review import (
    Draft,
    RecordView,
    ReviewError,
    accept_above,
    accept_draft,
    apply_decision,
    list_records,
    load_data,
    load_draft,
    save_draft,
    view_record,
)

DATA_OPTION = click.option("--data", "data_dir", type=click.Path(path_type=Path), envvar="ECOSYSTEM_GRAPH_DATA",
                           help="Data folder the draft's records are linked to and merged into "
                                "(default: ./data, else the seed data).")

KEYS = ("[a]ccept  [r]eject  [e]dit FIELD=VALUE  [l]ink N|ID  [u]ndo (back to proposed)  [s]kip  "
        "[b]ack  [q]uit")


@click.command()
@click.argument("draft_path", metavar="DRAFT", type=click.Path(path_type=Path))
@DATA_OPTION
@click.option("--list", "show_list", is_flag=True, help="Print one line per record (status, confidence, match, "
                                                         "label, evidence) and exit.")
@click.option("--accept-all-above", type=click.FloatRange(0, 1), metavar="CONFIDENCE",
              help="Accept every record still proposed whose confidence is at least CONFIDENCE.")
@click.option("--accept", "accepts", multiple=True, metavar="REF", help="Accept this record: its id, or TABLE/ID "
                                                                          "(repeatable).")
@click.option("--reject", "rejects", multiple=True, metavar="REF", help="Reject this record (repeatable).")
@click.option("--link", "links", multiple=True, metavar="REF=ID",
              help="The record REF is the existing entity ID: nothing is added for it, and references to it "
                   "name ID (repeatable).")
@click.option("--edit", "edits", multiple=True, metavar="REF:FIELD=VALUE",
              help="Set a field of a record; several values separated by '|', none to remove it (repeatable).")
@click.option("--all", "every", is_flag=True, help="Go through every record, not only those still proposed.")
def review(draft_path: Path, data_dir: Path | None, show_list: bool, accept_all_above: float | None,
           accepts: tuple[str, ...], rejects: tuple[str, ...], links: tuple[str, ...], edits: tuple[str, ...],
           every: bool) -> None:
    """Review DRAFT record by record: accept, reject, edit, or link it to an existing entity.

    Without options, each record still proposed is shown with its fields, the sentence it was read
    from (the name marked), its confidence and the existing entities it may be; a key decides it, and
    the draft is saved after every decision. The options decide without asking, for scripts; then
    run 'ecosystem-graph accept DRAFT'.
    """
    draft = load_draft(draft_path)
    data = _data(data_dir or default_data_dir(), draft)
    decided = bool(accept_all_above is not None or accepts or rejects or links or edits)
    if decided:
        _decide(draft, data, accept_all_above, accepts, rejects, links, edits)
    if show_list:
        for view in list_records(draft):
            click.echo(_line(view))
    if decided or show_list:
        click.echo(_counts(draft))
        return
    _loop(draft, data, every)


def _data(data_dir: Path, draft: Draft) -> Records | None:
    """The records the draft is reviewed against; without them (a broken data folder) no candidates."""
    try:
        return load_data(data_dir, draft)
    except RecordError as exc:
        click.echo(f"note: no candidates from {data_dir}, whose records have problems "
                   f"(see 'ecosystem-graph validate'): {str(exc).splitlines()[0]}", err=True)
        return None


def _decide(draft: Draft, data: Records | None, threshold: float | None, accepts: tuple[str, ...],
            rejects: tuple[str, ...], links: tuple[str, ...], edits: tuple[str, ...]) -> None:
    """The decisions of the options, in this order: the threshold first, so that a record named
    explicitly gets what its option says; the draft is saved once, after all have applied."""
    changed = []
    if threshold is not None:
        changed += [f"accepted {r.ref} ({r.confidence:.2f})" for r in accept_above(draft, threshold)]
    for ref in accepts:
        apply_decision(draft, ref, "accept")
        changed.append(f"accepted {draft.find(ref).ref}")
    for ref in rejects:
        apply_decision(draft, ref, "reject")
        changed.append(f"rejected {draft.find(ref).ref}")
    for item in links:
        ref, sep, target = item.partition("=")
        if not sep or not ref.strip() or not target.strip():
            raise click.BadParameter(f"expected REF=ID, found {item!r}", param_hint="--link")
        apply_decision(draft, ref.strip(), "link", target.strip(), data)
        changed.append(f"linked {draft.find(ref.strip()).ref} to {target.strip()}")
    for item in edits:
        ref, sep, change = item.partition(":")
        if not sep or "=" not in change:
            raise click.BadParameter(f"expected REF:FIELD=VALUE, found {item!r}", param_hint="--edit")
        record = draft.find(ref.strip())
        problems = apply_decision(draft, record.ref, "edit", change)
        changed.append(f"edited {record.ref}: {_safe(change)}")
        for problem in problems:
            click.echo(f"warning: {_safe(problem)}", err=True)
    save_draft(draft)
    for line in changed:
        click.echo(line)


def _loop(draft: Draft, data: Records | None, every: bool) -> None:
    records = [r for r in draft.records() if every or r.status == "proposed"]
    if not records:
        click.echo(f"nothing to review in {draft.path}: no record is still proposed (--all shows every record)")
        click.echo(_counts(draft))
        return
    click.echo(f"{draft.path}: {len(records)} record{'s' if len(records) != 1 else ''} to review. {KEYS}")
    position, shown = 0, -1
    while position < len(records):
        record = records[position]
        view = view_record(draft, record, data)
        if shown != position:  # shown again only when it changed or another was shown
            click.echo("")
            click.echo(_show(view, position + 1, len(records)))
            shown = position
        try:
            answer = click.prompt(">", default="", show_default=False, prompt_suffix=" ").strip()
        except click.Abort:  # end of input (Ctrl-D): every decision is saved already
            click.echo("")
            break
        key, _, argument = answer.partition(" ")
        key = key.lower()
        if key in ("q", "quit"):
            break
        if key in ("s", "skip"):
            position += 1
        elif key in ("b", "back"):
            position = max(position - 1, 0)
        elif key in ("a", "accept", "r", "reject", "u", "undo"):
            apply_decision(draft, record.ref, {"a": "accept", "r": "reject", "u": "propose"}[key[0]])
            save_draft(draft)
            position += 1
        elif key in ("e", "edit"):
            change = argument or click.prompt("FIELD=VALUE", default="", show_default=False)
            if _try(_edit, draft, record.ref, change):
                save_draft(draft)
                shown = -1
        elif key in ("l", "link"):
            target = argument or click.prompt("candidate number, existing id, or 'new'", default="",
                                              show_default=False)
            target = _candidate(view, target.strip())
            if target and _try(apply_decision, draft, record.ref, "link", target, data):
                save_draft(draft)
                position += 1
        else:
            click.echo(f"  keys: {KEYS}")
    click.echo(f"saved {draft.path}. {_counts(draft)}")
    click.echo(f"next: ecosystem-graph accept {draft.path} (--dry-run to see what it adds first)")


def _try(action: Callable[..., Any], *args: Any) -> bool:
    """Run a decision; a mistake (an unknown field or id) is shown and the record asked again."""
    try:
        action(*args)
    except ReviewError as exc:
        click.echo(f"  {_safe(str(exc))}")
        return False
    return True


def _edit(draft: Draft, ref: str, change: str) -> None:
    for problem in apply_decision(draft, ref, "edit", change):
        click.echo(f"  check: {_safe(problem)}")


def _candidate(view: RecordView, answer: str) -> str:
    """The id a link answer names: a candidate's number, or the id itself."""
    if answer.isdigit():
        number = int(answer)
        if not 1 <= number <= len(view.candidates):
            click.echo(f"  no candidate {number}: {len(view.candidates)} shown")
            return ""
        return view.candidates[number - 1].id
    return answer


def _show(view: RecordView, number: int, total: int) -> str:
    """One record as the loop shows it."""
    match = "new" if view.match == "new" else f"= {view.match}"
    lines = [click.style(f"[{number}/{total}] {view.kind} {_safe(view.key)}", bold=True)
             + f"  ({match}, confidence {view.confidence:.2f}, {view.status})"]
    for name, value in view.fields.items():
        if name == "id":
            continue  # in the heading
        values = value if isinstance(value, list) else [value]
        text = " | ".join(_safe(str(v)) for v in values if v is not None)  # a link's unknown type: [null]
        lines.append(f"  {name}: {text}")
    if view.why:
        lines.append(f"  why: {_safe(view.why)}")
    for evidence in view.evidence:
        marked = _safe(" ".join(evidence.marked("\ue000", "\ue001").split()))
        shown = re.sub("\ue000([^\ue001]*)\ue001",
                       lambda m: click.style(f"»{m.group(1)}«", bold=True, underline=True), marked)
        lines.append(f"  evidence: {shown}")
    if view.candidates:
        lines.append("  candidates:")
        for i, candidate in enumerate(view.candidates, 1):
            lines.append(f"    {i}. {_safe(candidate.id)} ({_safe(candidate.label)}), {candidate.score:g}: "
                         f"{candidate.why}")
    return "\n".join(lines)


def _line(view: RecordView) -> str:
    """One record in ``--list``."""
    sentence = " ".join(view.evidence[0].marked("»", "«").split()) if view.evidence else ""
    match = "new" if view.match == "new" else f"= {view.match}"
    return _safe(f"{view.status:<9} {view.confidence:4.2f} {view.ref:<50} {match:<20} {view.label}"
                 + (f"  | {sentence[:100]}" if sentence else ""))


def _counts(draft: Draft) -> str:
    counts = {status: 0 for status in ("accepted", "rejected", "proposed")}
    for record in draft.records():
        counts[record.status] = counts.get(record.status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in counts.items())


#: What a terminal would act on: control characters (escape sequences included) but line breaks and tabs.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: str) -> str:
    """``text`` with control characters shown as escapes, so that a label cannot drive the terminal.

    >>> _safe("Evil\\x1b[2J Corp")
    'Evil\\\\x1b[2J Corp'
    """
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@click.command()
@click.argument("draft_path", metavar="DRAFT", type=click.Path(path_type=Path))
@click.option("--data", "data_dir", type=click.Path(path_type=Path), envvar="ECOSYSTEM_GRAPH_DATA",
              help="Data folder to merge into (default: ./data).")
@click.option("--dry-run", is_flag=True, help="Check everything and say what would be added; write nothing.")
def accept(draft_path: Path, data_dir: Path | None, dry_run: bool) -> None:
    """Merge the accepted records of DRAFT into the record files of --data, with their source.

    Records linked to existing entities add nothing and references to them name the existing ids;
    rejected and unreviewed records are left out. A conflict with the data (an id in use by another
    record, a contradicting field, a reference to a rejected or unknown record) stops it with the
    draft's line, and nothing is written; so does a merged folder that 'validate' would refuse.
    """
    data = data_dir or Path("data")
    if not data.is_dir():  # never the seed data an installed package carries, as reading commands fall back to
        raise click.UsageError(f"{data} is not a folder: give --data DIR, the data folder to merge into")
    try:
        result = accept_draft(draft_path, data, dry_run)
    except RecordError as exc:
        raise EcosystemGraphError(f"cannot accept {draft_path} into {data}, nothing was written: {exc}") from None
    click.echo(_safe(result.summary()))
    if result.written:
        click.echo(f"wrote {', '.join(result.written)} in {data}; the merged records of {draft_path.name} now "
                   "name their ids in review.match, so accepting it again adds nothing")
    elif not dry_run:
        click.echo("nothing written: every accepted record is in the data already")
