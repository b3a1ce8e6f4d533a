"""The review page of ``serve --review``: drafts of ``extract`` reviewed in a browser and accepted into data/.

Routes (only when the server was started with ``--review``):

- ``GET /review``: the drafts, with their records counted by status;
- ``GET /review/NAME``: a draft's article with every record's mentions marked, and its records by
  kind with their evidence, confidence, candidates and forms to decide them;
- ``POST /review/NAME/decide``: accept, reject, undo, edit a field of, or link one record
  (:func:`~ecosystem_graph.review.apply_decision`), then back to the page;
- ``POST /review/NAME/accept``: :func:`~ecosystem_graph.review.accept_draft` into the data folder
  (``dry_run=1`` to preview), then back to the page, which shows what was added and linked, or the
  conflicts;
- ``POST /review/unlock``: with ``--update-token``, the token once, for a cookie that stands for it.

The drafts and the data folder are the only state: every request reads them anew, so decisions made
at the terminal meanwhile are seen, and candidates come from the data as it is now. Writing requests
must carry the form token of this server start (embedded in the page), come from this server's own
pages (``Origin``, ``Sec-Fetch-Site``) and, with ``--update-token``, present that token (form field
``token``, header ``Authorization: Bearer TOKEN``, or the unlock cookie). See docs/security.md.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import RecordError
from ..kinds import KINDS
from ..records import Records, scalar_text
from ..review import (
    STATUSES,
    AcceptConflict,
    Conflict,
    Draft,
    RecordView,
    ReviewError,
    accept_draft,
    apply_decision,
    list_records,
    load_data,
    load_draft,
    review_text,
    save_draft,
    segments,
)
from ..schema import DRAFT_FILES, TABLES_BY_NAME
from .app import RequestTooLarge, ServerConfig, _error, _page, _read_body

__all__ = ["Notice", "ReviewDesk", "draft_names", "review_routes", "same_origin"]

#: The cookie that stands for the update token once it was given (``POST /review/unlock``).
UNLOCK_COOKIE = "review-unlock"
#: The outcomes kept for the pages redirected to (the oldest are forgotten first).
NOTICES_KEPT = 64
#: The decisions whose record is done with: the page goes on to the next record.
MOVING_ON = ("accept", "reject", "link")
_SUFFIX = DRAFT_FILES.removeprefix("*")  # .draft.yaml


@dataclass(frozen=True)
class Notice:
    """The outcome of a writing request, shown on the page it redirects to: ``done`` or ``problem``, its
    lines, and the conflicts of a refused accept."""

    draft: str
    kind: str
    lines: tuple[str, ...]
    conflicts: tuple[Conflict, ...] = ()
    draft_file: str = ""


@dataclass
class ReviewDesk:
    """What the review routes share: where the drafts are, the data folder they merge into, the form
    token of this server start, the update token, the outcomes to show, and a lock that makes
    writes one at a time.

    >>> desk = ReviewDesk((Path("drafts"),), Path("data"), form_token="t0ken")
    >>> request = Request({"type": "http", "method": "POST", "headers": [(b"host", b"127.0.0.1:8000")]})
    >>> desk.refusal(request, {"csrf": "t0ken"}) is None, desk.refusal(request, {"csrf": "guess"})
    (True, "the review form's token is missing or out of date: reload the review page")
    >>> ReviewDesk((), Path("data"), "secret", "t0ken").refusal(request, {"csrf": "t0ken"})
    "this server takes review decisions only with its update token (a 'token' field, ...)"
    """

    sources: tuple[Path, ...]
    data_dir: Path
    update_token: str | None = None
    form_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    notices: OrderedDict[str, Notice] = field(default_factory=OrderedDict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def unlock_value(self) -> str:
        """The cookie's value: bound to this start's form token and the update token, revealing neither."""
        return hmac.new(self.form_token.encode(), (self.update_token or "").encode(), hashlib.sha256).hexdigest()

    def drafts(self) -> dict[str, Path]:
        """The drafts under review now, by name (see :func:`draft_names`)."""
        return draft_names(self.sources)

    def unlocked(self, request: Request) -> bool:
        """Whether ``request`` may write as far as the update token goes (always, without one)."""
        return not self.update_token or _equal(request.cookies.get(UNLOCK_COOKIE), self.unlock_value)

    def refusal(self, request: Request, form: Mapping[str, str]) -> str | None:
        """Why a writing request is refused, or ``None`` when it may write."""
        if not same_origin(request.headers):
            return "a review decision must come from this server's own review page (Origin or Sec-Fetch-Site)"
        if not _equal(form.get("csrf"), self.form_token):
            return "the review form's token is missing or out of date: reload the review page"
        token = self.update_token
        if token and not (self.unlocked(request) or _equal(form.get("token"), token)
                          or _equal(request.headers.get("authorization"), f"Bearer {token}")):
            return "this server takes review decisions only with its update token (a 'token' field, the header " \
                   "'Authorization: Bearer TOKEN', or the review page's unlock form)"
        return None

    def remember(self, notice: Notice) -> str:
        """Keep ``notice`` for the page redirected to; the id that names it there."""
        ident = secrets.token_urlsafe(9)
        self.notices[ident] = notice
        while len(self.notices) > NOTICES_KEPT:
            self.notices.popitem(last=False)
        return ident


def _equal(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def same_origin(headers: Mapping[str, str]) -> bool:
    """Whether a request's headers say it comes from this server's own pages: a browser's ``Origin``
    (sent with every POST) names the ``Host`` asked, and ``Sec-Fetch-Site``, when sent, is
    ``same-origin``. A client that sends neither is no browser, and the form token decides.

    >>> same_origin({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"})
    True
    >>> same_origin({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:9000"})
    False
    >>> same_origin({"host": "127.0.0.1:8000", "origin": "null"}), same_origin({"sec-fetch-site": "same-site"})
    (False, False)
    >>> same_origin({"host": "127.0.0.1:8000"})
    True
    """
    site = headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin, host = headers.get("origin"), headers.get("host", "")
    return origin is None or origin in (f"http://{host}", f"https://{host}")


def draft_names(sources: Sequence[Path]) -> dict[str, Path]:
    """The drafts of ``sources`` (draft files, and the ``*.draft.yaml`` files of folders) by the name
    their page has: the file's name without ``.draft.yaml``; a name taken already gets ``-2``, ``-3``...

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("b.draft.yaml", "a.draft.yaml", "notes.txt"):
    ...     _ = (folder / name).write_text("")
    >>> sorted(draft_names([folder, folder / "a.draft.yaml", folder / "notes.txt"]).items())  # doctest: +ELLIPSIS
    [('a', ...a.draft.yaml')), ('b', ...b.draft.yaml')), ('notes', ...notes.txt'))]
    """
    found: dict[str, Path] = {}
    for source in sources:
        for path in sorted(source.glob(DRAFT_FILES)) if source.is_dir() else [source]:
            if not path.is_file() or path.resolve() in {p.resolve() for p in found.values()}:
                continue
            base = path.name.removesuffix(_SUFFIX) if path.name.endswith(_SUFFIX) else path.stem
            name, n = base, 2
            while name in found:
                name, n = f"{base}-{n}", n + 1
            found[name] = path
    return found


# -- what the pages show ---------------------------------------------------------------------------


def _draft_rows(drafts: Mapping[str, Path]) -> list[dict[str, Any]]:
    """A row of ``/review`` per draft: its name, file, article and records by status (or why it cannot be read)."""
    rows = []
    for name, path in drafts.items():
        row: dict[str, Any] = {"name": name, "href": _href(name), "file": str(path)}
        try:
            draft = load_draft(path)
        except ReviewError as exc:
            rows.append({**row, "problem": str(exc)})
            continue
        rows.append({**row, "article": draft.article, "counts": _counts(draft), "total": len(draft.records())})
    return rows


def _counts(draft: Draft) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for record in draft.records():
        counts[record.status] += 1
    return counts


def _href(name: str) -> str:
    return "/review/" + quote(name, safe="")


def _draft_context(name: str, path: Path, data_dir: Path) -> dict[str, Any]:
    """What ``/review/NAME`` shows: the article (else the evidence sentences) with the mentions marked,
    and the records by kind, each with what its forms need."""
    draft = load_draft(path)
    data, data_note = _fresh_data(data_dir, draft)
    views = list_records(draft, data)
    records = {v.ref: {"anchor": f"r-{i}", "kind": v.kind, "status": v.status, "label": v.label}
               for i, v in enumerate(views)}
    groups: dict[str, list[dict[str, Any]]] = {}
    for view in views:
        groups.setdefault(view.kind, []).append({**view.as_dict(), **_card(view), **records[view.ref]})
    return {"name": name, "href": _href(name), "file": str(path), "article": draft.article, "counts": _counts(draft),
            "text": review_text(draft, views), "records": records, "groups": groups, "data_note": data_note}


def _fresh_data(data_dir: Path, draft: Draft) -> tuple[Records | None, str]:
    """The data folder's records as they are now (no candidates, and why, when they cannot be read)."""
    try:
        return load_data(data_dir, draft), ""
    except RecordError as exc:
        return None, (f"no candidates: the records of {data_dir} have problems (see 'ecosystem-graph validate'): "
                      f"{str(exc).splitlines()[0]}")


def _card(view: RecordView) -> dict[str, Any]:
    """What a record's card needs beyond its view: fields as text, evidence cut at its marks, the
    fields an edit may set (with their values now), and each candidate's page on this server."""
    values = {name: scalar_text(value) for name, value in view.fields.items()}
    segment = next((kind.segment for kind in KINDS if kind.table == view.table), None)
    return {"texts": values,
            "sentences": [segments(e.sentence, [(a, b, view.ref) for a, b in e.marks]) for e in view.evidence],
            "editable": [(name, values.get(name, "")) for name in TABLES_BY_NAME[view.table].names],
            "candidates": [{**asdict(c), "href": f"/id/{segment}/{quote(c.id, safe='')}" if segment else ""}
                           for c in view.candidates]}


# -- what the writing requests do -------------------------------------------------------------------


def decide(name: str, path: Path, data_dir: Path, form: Mapping[str, str]) -> tuple[Notice, str]:
    """Apply the decision of ``form`` (``ref``, ``decision``, and ``field`` and ``value`` for an edit,
    ``id`` or ``target`` for a link) to the draft at ``path`` and save it; the notice, and the anchor
    of the record to show next.

    >>> import tempfile
    >>> from ecosystem_graph.extract.draft import render_draft
    >>> from ecosystem_graph.locations import default_data_dir
    >>> path = Path(tempfile.mkdtemp()) / "a.draft.yaml"
    >>> _ = path.write_text(render_draft({"organizations": [{"id": "nesta-2", "label": "Nesta",
    ...     "review": {"status": "proposed", "match": "new"}}]}, "a.txt"))
    >>> decide("a", path, default_data_dir(), {"ref": "nesta-2", "decision": "link", "target": "nesta"})
    (Notice(draft='a', kind='done', lines=('organizations/nesta-2: linked to nesta',), ...), 'r-0')
    >>> decide("a", path, default_data_dir(), {"ref": "nesta-2", "decision": "edit", "field": "colour"})[0].lines
    ("organizations/nesta-2: no field 'colour'; the fields of organizations are id, label, ...",)
    """
    draft = load_draft(path)
    ref, decision = form.get("ref", ""), form.get("decision", "")
    try:
        position = [r.ref for r in draft.records()].index(draft.find(ref).ref)
        value: str | dict[str, str] | None = None
        if decision == "edit":
            value = {form["field"]: form.get("value", "")} if form.get("field") else None
        elif decision == "link":
            value = form.get("id", "").strip() or form.get("target", "")
        data = _fresh_data(data_dir, draft)[0] if decision == "link" else None
        problems = apply_decision(draft, ref, decision, value, data)
    except ReviewError as exc:
        return Notice(name, "problem", (str(exc),)), ""
    save_draft(draft)
    record = draft.records()[position]
    done = {"accept": "accepted", "reject": "rejected", "propose": "back to proposed", "edit": "edited",
            "link": f"linked to {record.match}"}[decision]
    following = position + 1 if decision in MOVING_ON and position + 1 < len(draft.records()) else position
    return Notice(name, "problem" if problems else "done", (f"{record.ref}: {done}", *problems)), f"r-{following}"


def accept(name: str, path: Path, data_dir: Path, form: Mapping[str, str]) -> tuple[Notice, str]:
    """Accept the draft at ``path`` into ``data_dir`` (a dry run when ``form`` says ``dry_run``); the
    notice says what was added and linked, or lists the conflicts (then nothing was written).

    >>> import tempfile
    >>> from ecosystem_graph.extract.draft import render_draft
    >>> from ecosystem_graph.locations import default_data_dir
    >>> path = Path(tempfile.mkdtemp()) / "a.draft.yaml"
    >>> _ = path.write_text(render_draft({"organizations": [{"id": "nesta", "label": "Nesta Labs",
    ...     "type": ["accelerator"], "source": ["kcs-news-uk-2018"], "review": {"status": "accepted"}}]}, "a.txt"))
    >>> notice = accept("a", path, default_data_dir(), {"dry_run": "1"})[0]
    >>> notice.lines
    ('cannot accept .../a.draft.yaml into .../data: 1 conflict, nothing was written:',)
    >>> [(c.record, c.field) for c in notice.conflicts]
    [('organizations/nesta', 'id')]
    """
    dry_run = bool(form.get("dry_run"))
    try:
        result = accept_draft(load_draft(path), data_dir, dry_run)
    except AcceptConflict as exc:
        return Notice(name, "problem", (str(exc).splitlines()[0],), tuple(exc.conflicts), path.name), "accept"
    except (RecordError, ReviewError) as exc:
        return Notice(name, "problem", (f"cannot accept {path.name} into {data_dir}, nothing was written:",
                                        *str(exc).splitlines())), "accept"
    lines = result.summary().splitlines()
    if result.written:
        lines.append(f"wrote {', '.join(result.written)} in {data_dir}. The graph served here is not rebuilt: "
                     "run 'ecosystem-graph build' (or restart 'serve', which rebuilds a stale build) to query them.")
    elif not dry_run:
        lines.append("nothing written: every accepted record is in the data already")
    return Notice(name, "done", tuple(lines)), "accept"


# -- the routes ------------------------------------------------------------------------------------


def review_routes(config: ServerConfig) -> list[Route]:
    """The routes of the review page for the drafts and data folder of ``config``.

    >>> from ecosystem_graph.server.workers import GraphSource
    >>> config = ServerConfig(GraphSource(None, Path("build"), None), review=(Path("drafts"),))
    >>> [(route.path, sorted(route.methods)) for route in review_routes(config)][:3]
    [('/review', ['GET', 'HEAD']), ('/review/unlock', ['POST']), ('/review/{name}', ['GET', 'HEAD'])]
    """
    desk = ReviewDesk(config.review, config.review_data, config.update_token)
    cap = config.max_request_bytes
    return [Route("/review", partial(_drafts_page, desk)),
            Route("/review/unlock", partial(_unlock, desk, cap), methods=["POST"]),
            Route("/review/{name}", partial(_draft_page, desk)),
            Route("/review/{name}/decide", partial(_write, desk, cap, decide), methods=["POST"]),
            Route("/review/{name}/accept", partial(_write, desk, cap, accept), methods=["POST"])]


async def _drafts_page(desk: ReviewDesk, request: Request) -> Response:
    """``/review``: the drafts with their counts."""
    rows = await asyncio.to_thread(_draft_rows, desk.drafts())
    return _review_page("server_reviews.html", title="Drafts to review", rows=rows, data_dir=str(desk.data_dir))


async def _draft_page(desk: ReviewDesk, request: Request) -> Response:
    """``/review/NAME``: the article and the records with their forms, and the outcome redirected with."""
    name = request.path_params["name"]
    path = desk.drafts().get(name)
    if path is None:
        return _error(404, f"no draft {name!r} under review (see /review)", request)
    try:
        context = await asyncio.to_thread(_draft_context, name, path, desk.data_dir)
    except ReviewError as exc:
        return _error(422, str(exc), request)
    notice = desk.notices.get(request.query_params.get("notice", ""))
    return _review_page("server_review.html", title=f"Review {name}", csrf=desk.form_token, data_dir=str(desk.data_dir),
                 locked=not desk.unlocked(request), notice=notice if notice and notice.draft == name else None,
                 **context)


def _review_page(template: str, **context: Any) -> Response:
    """A page of the server whose forms send their origin: with the server's usual ``no-referrer``, a
    browser sends ``Origin: null`` with a form, which the origin check refuses; ``same-origin`` still
    tells other sites nothing."""
    response = _page(template, referrer="same-origin", **context)
    response.headers["Referrer-Policy"] = "same-origin"
    return response


async def _write(desk: ReviewDesk, cap: int, action: Callable[[str, Path, Path, Mapping[str, str]], tuple[Notice, str]],
                 request: Request) -> Response:
    """A decision or an accept: checked (see :meth:`ReviewDesk.refusal`), done under the lock, then
    back to the draft's page (303) with its outcome."""
    form, refused = await _checked_form(desk, cap, request)
    if refused is not None:
        return refused
    name = request.path_params["name"]
    path = desk.drafts().get(name)
    if path is None:
        return _error(404, f"no draft {name!r} under review (see /review)", request)
    async with desk.lock:
        notice, anchor = await asyncio.to_thread(action, name, path, desk.data_dir, form)
    return RedirectResponse(f"{_href(name)}?notice={desk.remember(notice)}" + (f"#{anchor}" if anchor else ""),
                            status_code=303)


async def _unlock(desk: ReviewDesk, cap: int, request: Request) -> Response:
    """``POST /review/unlock``: the update token, once, for a cookie (same-site requests to /review only)."""
    form, refused = await _checked_form(desk, cap, request)
    if refused is not None:
        return refused
    name = form.get("name", "")
    response = RedirectResponse(_href(name) if name in desk.drafts() else "/review", status_code=303)
    if desk.update_token:
        response.set_cookie(UNLOCK_COOKIE, desk.unlock_value, path="/review", httponly=True, samesite="strict")
    return response


async def _checked_form(desk: ReviewDesk, cap: int, request: Request) -> tuple[dict[str, str], Response | None]:
    """The fields of a writing request's form, or the response refusing it (400, 403, 413)."""
    media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        return {}, _error(400, "a review decision is a form (application/x-www-form-urlencoded)", request)
    try:
        body = await _read_body(request, cap)
    except RequestTooLarge as exc:
        return {}, _error(413, str(exc), request)
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    refusal = desk.refusal(request, form)
    return form, (_error(403, refusal, request) if refusal else None)
