"""Reviewing a draft of ``ecosystem-graph extract`` and merging it into the data folder.

:mod:`.draft` loads a draft, shows each record with its evidence and candidates, and applies the
reviewer's decisions; :mod:`.merge` accepts the reviewed draft into the record files; :mod:`.article`
cuts the draft's article at its records' mentions, for a page to mark them. The commands ``review``
and ``accept`` and the review page of ``serve --review`` are a thin layer over these functions: list
the records (:func:`list_records`), apply a decision (:func:`apply_decision`, then :func:`save_draft`),
accept (:func:`accept_draft`, ``dry_run=True`` to preview). See docs/extraction.md.
"""

from __future__ import annotations

from .article import ReviewText, Segment, article_text, review_text, segments
from .draft import (
    CANDIDATE_SCORE,
    CANDIDATE_TABLES,
    DECISIONS,
    STATUSES,
    Candidate,
    Draft,
    DraftRecord,
    Evidence,
    RecordView,
    ReviewError,
    accept_above,
    apply_decision,
    candidates,
    edit_record,
    link_record,
    list_records,
    load_data,
    load_draft,
    save_draft,
    set_status,
    view_record,
)
from .merge import AcceptConflict, AcceptResult, Conflict, TableOutcome, accept_draft

__all__ = ["CANDIDATE_SCORE", "CANDIDATE_TABLES", "DECISIONS", "STATUSES", "AcceptConflict", "AcceptResult",
           "Candidate", "Conflict", "Draft", "DraftRecord", "Evidence", "RecordView", "ReviewError", "ReviewText",
           "Segment", "TableOutcome", "accept_above", "accept_draft", "apply_decision", "article_text",
           "candidates", "edit_record", "link_record", "list_records", "load_data", "load_draft", "review_text",
           "save_draft", "segments", "set_status", "view_record"]
