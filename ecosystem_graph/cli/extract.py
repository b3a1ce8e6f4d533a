"""The ``extract`` command: draft records from a news article for an analyst to review."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import click

from ..errors import EcosystemGraphError
from ..extract import extract_article
from ..extract.draft import DraftTargetError, about, check_draft_target, draft_records, render_draft, source_fields
from ..extract.known import Known
from ..extract.text import DEFAULT_MAX_SIZE, read_article
from ..files import write_atomically
from ..locations import default_data_dir
from ..records import slug


@click.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path),
              help="Draft file to write. Save it as NAME.draft.yaml in the data folder: build reads it there.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), envvar="ECOSYSTEM_GRAPH_DATA",
              help="Data folder whose entities names are linked to (default: ./data, else the seed data).")
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "markdown", "html"]), default="auto",
              show_default=True, help="How to read ARTICLE; auto goes by its suffix, then its first characters.")
@click.option("--source", "source_id", help="Id of the existing sources.csv record the article is; "
                                            "without it a sources record is drafted for the article.")
@click.option("--url", help="The article's address, for its drafted sources record.")
@click.option("--published", help="The article's date, YYYY[-MM[-DD]]; its year completes dates written "
                                  "without one when the text gives none.")
@click.option("--force", is_flag=True, help="Replace --out if it exists (a reviewed draft is otherwise kept).")
@click.option("--overwrite-records", is_flag=True,
              help="Allow --out to replace a record or settings file (organizations.csv, visits.yaml...) or "
                   "another file of the data folder that is not a *.draft.yaml. Implies --force.")
@click.option("--max-size", type=click.IntRange(min=1), default=DEFAULT_MAX_SIZE, show_default=True,
              metavar="BYTES", help="Refuse an ARTICLE larger than this many bytes.")
@click.option("--text", "show_text", is_flag=True,
              help="Print the article's plain text, which the evidence offsets index, instead of drafting.")
def extract(article: Path, out: Path | None, data_dir: Path | None, fmt: str, source_id: str | None,
            url: str | None, published: str | None, force: bool, overwrite_records: bool, max_size: int,
            show_text: bool) -> None:
    """Draft records from ARTICLE (plain text, Markdown or HTML) into --out for review."""
    if show_text:
        click.echo(read_article(article, None if fmt == "auto" else fmt, max_size=max_size).text)
        return
    if out is None:
        raise click.UsageError("give --out FILE (or --text to print the article's text)")
    data = data_dir or default_data_dir()
    _check_out(out, article, data, force, overwrite_records)
    if published and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", published):
        raise click.BadParameter(f"expected YYYY, YYYY-MM or YYYY-MM-DD, found {published!r}",
                                 param_hint="--published")
    known = Known.from_data(data)
    if source_id and source_id not in known.all_ids("sources"):
        raise EcosystemGraphError(f"--source {source_id!r}: no such id in {data}/sources.csv")
    text = read_article(article, None if fmt == "auto" else fmt, max_size=max_size)
    result = extract_article(text, known, int(published[:4]) if published else None)
    source = None if source_id else source_fields(text.title, article.stem, url, published)
    ident = source_id or _new_source_id(known, text.title or article.stem)
    draft = {"draft": about(result, article.name, known), **draft_records(result, known, ident, source)}
    _check_out(out, article, data, force, overwrite_records)  # again: the path may have changed meanwhile
    write_atomically(out.parent if str(out.parent) else Path("."),
                     {out.name: render_draft(draft, article.name).encode("utf-8")})
    click.echo(_summary(draft, out))
    if not out.name.endswith(".draft.yaml"):
        click.echo(f"note: build reads drafts named *.draft.yaml in the data folder; rename {out.name} "
                   "when you move it there", err=True)


def _check_out(out: Path, article: Path, data: Path, force: bool, overwrite_records: bool) -> None:
    """``check_draft_target``, its refusal shown as a usage error."""
    try:
        check_draft_target(out, article, data, force, overwrite_records)
    except DraftTargetError as exc:
        raise click.UsageError(str(exc)) from None


def _new_source_id(known: Known, title: str) -> str:
    base = "news-" + ("-".join(slug(title).split("-")[:6]) or "article")
    taken, ident, n = known.all_ids("sources"), base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def _summary(draft: dict[str, Any], out: Path) -> str:
    parts = []
    for table, records in draft.items():
        if table == "draft":
            continue
        if table.startswith("mentioned_"):
            parts.append(f"{len(records)} {table.removeprefix('mentioned_')}")
            continue
        matches = Counter("new" if r["review"]["match"] == "new" else "known" for r in records)
        parts.append(f"{len(records)} {table} ({matches['new']} new)")
    return (f"drafted {', '.join(parts)} into {out}\n"
            "review it (docs/extraction.md): set review.status to accepted or rejected, then build")
