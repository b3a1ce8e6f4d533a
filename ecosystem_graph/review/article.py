"""The article a draft was read from, cut into pieces that say which records each piece names.

A review page shows the article with every record's mentions marked. The draft names its article
by file name only, and its evidence gives each sentence's offsets in the article's plain text, so
the article is looked for next to the draft (under that name, never another path the draft could
name) and shown only when its text is the one drafted from (the draft's ``text_sha256``). Otherwise
the evidence sentences stand in for it, one after another.

>>> draft = Draft(Path("a.draft.yaml"), {"organizations": [{"id": "x", "label": "X Labs",
...     "review": {"status": "proposed", "evidence": [{"start": 4, "end": 18, "sentence": "We met X Labs."}]}}]})
>>> text = review_text(draft, list_records(draft))
>>> text.whole, [(s.text, s.refs) for s in text.segments]
(False, [('We met ', ()), ('X Labs', ('organizations/x',)), ('.', ())])
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .draft import Draft, RecordView, list_records

__all__ = ["ReviewText", "Segment", "article_text", "review_text", "segments"]

#: What stands between two evidence sentences when the article itself cannot be shown.
SENTENCE_GAP = "\n\n"


@dataclass(frozen=True)
class Segment:
    """A piece of text and the refs of the records whose mentions it is part of (none: plain text)."""

    text: str
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewText:
    """What a review page shows of the article: its pieces, whether they are the whole article or its
    evidence sentences only, and, for the sentences, why the article is not shown."""

    segments: tuple[Segment, ...]
    whole: bool
    note: str = ""


def article_text(draft: Draft, max_size: int | None = None) -> tuple[str | None, str]:
    """The plain text of the draft's article and ``""``, or ``None`` and why it is not available: the
    file named by the draft's ``draft.article`` next to the draft (its name only), read as ``extract``
    read it, whose text has the draft's ``text_sha256``.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("We met X Labs.")
    >>> about = {"article": "../../a.txt", "format": "text",
    ...          "text_sha256": hashlib.sha256(b"We met X Labs.").hexdigest()}
    >>> article_text(Draft(folder / "a.draft.yaml", {"draft": about}))
    ('We met X Labs.', '')
    >>> article_text(Draft(folder / "a.draft.yaml", {"draft": {**about, "text_sha256": "0" * 64}}))[1]
    'a.txt next to the draft is not the text it was drafted from (it changed since)'
    """
    from ..extract.text import DEFAULT_MAX_SIZE, ArticleError, read_article

    about = draft.document.get("draft")
    expected = about.get("text_sha256") if isinstance(about, dict) else None
    if not isinstance(about, dict) or not about.get("article") or not isinstance(expected, str):
        return None, "the draft does not say which article text it was drafted from"
    path = draft.path.parent / Path(str(about["article"])).name
    fmt = about.get("format") if about.get("format") in ("text", "markdown", "html") else None
    try:
        text = read_article(path, fmt, max_size=max_size or DEFAULT_MAX_SIZE).text
    except ArticleError:
        return None, f"{path.name} is not next to the draft, or cannot be read"
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != expected:
        return None, f"{path.name} next to the draft is not the text it was drafted from (it changed since)"
    return text, ""


def review_text(draft: Draft, views: Sequence[RecordView] | None = None) -> ReviewText:
    """The draft's article (else its evidence sentences) cut at every mention of the records of
    ``views`` (default: every record of the draft).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Title\\n\\nWe met X Labs.")
    >>> draft = Draft(folder / "a.draft.yaml", {"draft": {"article": "a.txt",
    ...     "text_sha256": hashlib.sha256(b"Title\\n\\nWe met X Labs.").hexdigest()},
    ...     "organizations": [{"id": "x", "label": "X Labs", "review": {"status": "proposed",
    ...                        "evidence": [{"start": 7, "end": 21, "sentence": "We met X Labs."}]}}]})
    >>> text = review_text(draft)
    >>> text.whole, [s.text for s in text.segments]
    (True, ['Title\\n\\nWe met ', 'X Labs', '.'])
    """
    views = list_records(draft) if views is None else views
    text, note = article_text(draft)
    if text is not None:
        mentions = [(e.start + a, e.start + b, v.ref) for v in views for e in v.evidence
                    if e.start is not None and text[e.start:e.end] == e.sentence for a, b in e.marks]
        return ReviewText(tuple(segments(text, mentions)), True)
    placed: dict[str, int] = {}  # each sentence once, in the article's order, where it starts in the joined text
    at = 0
    for sentence, _ in sorted({e.sentence: e.start for v in views for e in v.evidence}.items(),
                              key=lambda item: (item[1] is None, item[1] or 0)):
        placed[sentence] = at
        at += len(sentence) + len(SENTENCE_GAP)
    mentions = [(placed[e.sentence] + a, placed[e.sentence] + b, v.ref) for v in views for e in v.evidence
                for a, b in e.marks]
    return ReviewText(tuple(segments(SENTENCE_GAP.join(placed), mentions)), False, note)


def segments(text: str, mentions: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """``text`` cut at every start and end of ``mentions`` (start, end, ref); each piece with the refs of
    the mentions that cover it, the narrowest first (a name's own record before a sentence's), then in
    the order the mentions came.

    >>> [(s.text, s.refs) for s in segments("Ann met Bob.", [(0, 12, "m/1"), (0, 3, "p/ann"), (8, 11, "p/bob")])]
    [('Ann', ('p/ann', 'm/1')), (' met ', ('m/1',)), ('Bob', ('p/bob', 'm/1')), ('.', ('m/1',))]
    """
    spans = [(start, end, ref) for start, end, ref in mentions if 0 <= start < end <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    by_start = sorted(range(len(spans)), key=lambda i: spans[i][0])
    active: list[int] = []  # the mentions covering the piece, by their place in ``mentions``
    pieces, taken = [], 0
    for start, end in zip(cuts, cuts[1:]):
        while taken < len(by_start) and spans[by_start[taken]][0] <= start:
            active.append(by_start[taken])
            taken += 1
        active = sorted((i for i in active if spans[i][1] > start), key=lambda i: (spans[i][1] - spans[i][0], i))
        pieces.append(Segment(text[start:end], tuple(dict.fromkeys(spans[i][2] for i in active))))
    return pieces
