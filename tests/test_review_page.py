"""``serve --review``: the review page, with the server started for real on loopback.

A draft made by ``extract`` from an article written here is reviewed over plain HTTP and in Chromium:
decisions by POST with the form token (refused without it, from another origin, or without the
update token when the server has one), GETs that change nothing, the article with its mentions
marked, an accept into data that ``build`` and SPARQL then find, and a conflict that leaves data/
byte for byte. The data carries the hostile labels of tests/hostile, and a hand-written draft more.
"""

from __future__ import annotations

import http.client
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ecosystem_graph import open_graph
from ecosystem_graph.cli import main
from ecosystem_graph.extract.draft import render_draft
from ecosystem_graph.review import load_draft

from hostile import HOSTILE_DESCRIPTION, HOSTILE_ORG, make_hostile
from serving import Served, call, running_server, watched

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "review-update-token"
ARTICLE = """Sofia cluster visits Munich

From 10 to 12 March 2020 the Sofia Tech Cluster visited Munich, Germany. The delegation was led
by Maria Petrova, Director of the cluster. On the first day the team met Isar Robotics GmbH.
On 11 March the delegation met Peterborough Council and Nesta. Companies such as Magna follow the exchange.
"""
HOSTILE_LABEL = "Hand Labs <script>window.__pwned=3</script>"


def run(*args: Any) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output + str(result.exception)
    return result.stdout


def hand_draft() -> dict[str, Any]:
    """A source and an organization that takes NESTA's id: accepting it is a conflict."""
    def reviewed(**fields: Any) -> dict[str, Any]:
        sentence = f"The team met {HOSTILE_LABEL} in <b>Graz</b>."
        return {**fields, "review": {"status": "accepted", "confidence": 0.9, "match": "new", "why": "by hand",
                                     "evidence": [{"start": 0, "end": len(sentence), "sentence": sentence}]}}
    return {"draft": {"article": "hand.txt", "text_sha256": "0" * 64},
            "sources": [reviewed(id="news-hand", title="Hand-written news", kind="news-item")],
            "organizations": [reviewed(id="nesta", label=HOSTILE_LABEL, description=HOSTILE_DESCRIPTION,
                                       type=["accelerator"], source=["news-hand"])]}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/ (the seed, with hostile labels), drafts/ (munich and second, drafted from one article) and
    hand.draft.yaml (no article beside it)."""
    folder = tmp_path_factory.mktemp("review")
    shutil.copytree(ROOT / "data", folder / "data")
    make_hostile(folder / "data")
    drafts = folder / "drafts"
    drafts.mkdir()
    (drafts / "munich.txt").write_text(ARTICLE, encoding="utf-8")
    run("extract", drafts / "munich.txt", "--out", drafts / "munich.draft.yaml", "--data", folder / "data")
    shutil.copy(drafts / "munich.draft.yaml", drafts / "second.draft.yaml")
    (folder / "hand.draft.yaml").write_text(render_draft(hand_draft(), "hand.txt"), encoding="utf-8")
    return folder


def review_server(desk: Path, *args: str) -> Any:
    """``serve`` in ``desk``, its paths relative (as the messages then show them)."""
    return running_server("--data", "data", "--build-dir", "build", "--workers", "1", *args, cwd=desk)


@pytest.fixture(scope="module")
def server(desk: Path) -> Iterator[Served]:
    with review_server(desk, "--review", "drafts", "--review", "hand.draft.yaml") as served:
        yield served


@pytest.fixture(scope="module")
def guarded(desk: Path) -> Iterator[Served]:
    """The second draft only, on a server with an update token."""
    with review_server(desk, "--review", "drafts/second.draft.yaml", "--update-token", TOKEN) as served:
        yield served


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "build" not in p.relative_to(folder).parts}


def page(url: str) -> str:
    status, _, body = call("GET", url, headers={"Accept": "text/html"})
    assert status == 200, body
    return body.decode("utf-8")


def form_token(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def post(url: str, fields: dict[str, str], **headers: str) -> tuple[int, str, str]:
    """(status, Location, body) of a form POST, its redirect not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("POST", parts.path, urllib.parse.urlencode(fields),
                           {"Content-Type": "application/x-www-form-urlencoded", **headers})
        response = connection.getresponse()
        return response.status, response.getheader("Location") or "", response.read().decode("utf-8")
    finally:
        connection.close()


def status_of(desk: Path, draft: str, ref: str) -> str:
    return load_draft(desk / "drafts" / draft).find(ref).status


# -- over HTTP ---------------------------------------------------------------------------------------


def test_without_review_there_is_no_review_page(desk: Path) -> None:
    with review_server(desk) as plain:
        for method, path in (("GET", "/review"), ("GET", "/review/munich"), ("POST", "/review/munich/decide"),
                             ("POST", "/review/munich/accept"), ("GET", "/static/review.js")):
            status, _, body = call(method, plain.url + path, b"" if method == "POST" else None)
            assert status == (200 if path.startswith("/static") else 404), (path, body)
        assert b"/review" not in call("GET", plain.url + "/")[2]


def test_the_drafts_are_listed_with_their_counts(server: Served) -> None:
    html = page(f"{server.url}/review")
    rows = re.findall(r'<a href="/review/([^"]+)">[^<]+</a></td>\s*<td>([^<]*)</td><td>(\d+)</td><td>(\d+)</td>'
                      r'<td>(\d+)</td><td>(\d+)</td>', html)
    assert {row[0]: row[1:] for row in rows} == {"munich": ("munich.txt", "16", "0", "0", "16"),
                                                  "second": ("munich.txt", "16", "0", "0", "16"),
                                                  "hand": ("hand.txt", "0", "2", "0", "2")}
    assert 'href="/review"' in page(f"{server.url}/")


def test_the_page_shows_the_article_with_every_mention_marked(server: Served) -> None:
    html = page(f"{server.url}/review/second")
    text = re.search(r'<div class="text">(.*?)</div>', html, re.S).group(1)
    assert unescape(re.sub(r"<[^>]+>", "", text)) == ARTICLE  # the whole article, as text
    marked: dict[str, set[str]] = {}
    for kind, words in re.findall(r'<a class="mention k-(\w+) s-proposed" href="#r-\d+" title="[^"]*">([^<]+)</a>',
                                  text):
        marked.setdefault(kind, set()).add(words)
    assert marked["organization"] == {"Sofia Tech Cluster", "Isar Robotics GmbH", "Peterborough Council", "Magna"}
    assert (marked["person"], marked["membership"], marked["visit"]) == ({"Maria Petrova"}, {"Director"},
                                                                         {"10 to 12 March 2020"})
    assert marked["meeting"] == {"Nesta"}  # NESTA's (hostile) label is not the word the article uses
    # Each record's card: evidence, confidence, candidates (NESTA's hostile label escaped), forms.
    assert "<mark>Peterborough Council</mark>" in html and "confidence 0.85" in html
    assert 'May be: <a href="/id/organization/peterborough-city-council">Peterborough City Council</a>' in html
    assert HOSTILE_ORG not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count('value="accept" data-key="a"') == 16 and html.count('<script') == 1


def test_a_draft_without_its_article_shows_its_evidence_sentences(server: Served) -> None:
    html = page(f"{server.url}/review/hand")
    assert "hand.txt is not next to the draft, or cannot be read: the evidence sentences stand in for it." in html
    assert ('The team met <a class="mention k-organization s-accepted" href="#r-1" title="organization Hand Labs '
            '&lt;script&gt;window.__pwned=3&lt;/script&gt; (accepted)">Hand Labs &lt;script&gt;') in html
    assert "<script>window" not in html and "<b>Graz" not in html


def test_decisions_need_the_form_token_and_this_server_s_origin(server: Served, desk: Path) -> None:
    url = f"{server.url}/review/second/decide"
    token = form_token(page(f"{server.url}/review/second"))
    decision = {"ref": "organizations/magna", "decision": "reject"}
    before = snapshot(desk)
    for fields, headers in (
            (decision, {}),
            ({**decision, "csrf": "not-the-token"}, {}),
            ({**decision, "csrf": token}, {"Origin": "http://evil.example"}),
            ({**decision, "csrf": token}, {"Origin": "null"}),
            ({**decision, "csrf": token}, {"Sec-Fetch-Site": "cross-site"})):
        status, _, body = post(url, fields, **headers)
        assert status == 403 and "review" in body, (fields, headers, body)
    assert call("GET", url + "?" + urllib.parse.urlencode({**decision, "csrf": token}))[0] == 405
    assert snapshot(desk) == before
    origin = server.url  # as a browser sends it
    status, location, _ = post(url, {**decision, "csrf": token}, Origin=origin, **{"Sec-Fetch-Site": "same-origin"})
    assert status == 303 and location.startswith("/review/second?notice=")
    assert status_of(desk, "second.draft.yaml", "magna") == "rejected"
    assert "organizations/magna: rejected" in page(server.url + location)
    # Not a browser (no Origin): the form token is enough without an update token.
    status, location, _ = post(url, {"csrf": token, "ref": "magna", "decision": "propose"})
    assert status == 303 and status_of(desk, "second.draft.yaml", "magna") == "proposed"


def test_with_an_update_token_decisions_need_it_too(guarded: Served, desk: Path) -> None:
    url = f"{guarded.url}/review/second/decide"
    html = page(f"{guarded.url}/review/second")
    assert 'action="/review/unlock"' in html
    fields = {"csrf": form_token(html), "ref": "people/maria-petrova", "decision": "accept"}
    for extra, headers in (({}, {}), ({"token": "wrong"}, {}), ({}, {"Authorization": "Bearer wrong"})):
        status, _, body = post(url, {**fields, **extra}, **headers)
        assert status == 403 and "update token" in body
    assert status_of(desk, "second.draft.yaml", "maria-petrova") == "proposed"
    assert post(url, fields, Authorization=f"Bearer {TOKEN}")[0] == 303
    assert status_of(desk, "second.draft.yaml", "maria-petrova") == "accepted"
    assert post(url, {**fields, "decision": "propose", "token": TOKEN})[0] == 303
    assert status_of(desk, "second.draft.yaml", "maria-petrova") == "proposed"
    # The unlock form gives a cookie that stands for the token (same-site requests to /review only).
    connection = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(guarded.url).port, timeout=60)
    connection.request("POST", "/review/unlock", urllib.parse.urlencode({"csrf": fields["csrf"], "token": TOKEN}),
                       {"Content-Type": "application/x-www-form-urlencoded"})
    cookie = connection.getresponse().getheader("Set-Cookie")
    connection.close()
    assert cookie.startswith("review-unlock=") and TOKEN not in cookie
    assert {"httponly", "samesite=strict", "path=/review"} <= {p.strip().lower() for p in cookie.split(";")}
    assert post(url, fields, Cookie=cookie.split(";")[0])[0] == 303
    assert status_of(desk, "second.draft.yaml", "maria-petrova") == "accepted"


def test_a_get_never_changes_anything(server: Served, desk: Path) -> None:
    before = snapshot(desk)
    html = page(f"{server.url}/review/second")
    token = form_token(html)
    for path in ("/review", "/review/second", "/review/hand", "/review/unlock", "/review/nothing",
                 "/review/second?notice=x", "/static/review.js",
                 f"/review/second/decide?csrf={token}&ref=magna&decision=reject",
                 f"/review/second/accept?csrf={token}", f"/review/hand/accept?csrf={token}"):
        status, headers, _ = call("GET", server.url + path, headers={"Origin": server.url})
        assert status in (200, 404, 405), path
        if path.startswith("/review"):  # no page of another site may read them (the form token)
            assert "access-control-allow-origin" not in headers, path
    assert snapshot(desk) == before
    assert call("GET", f"{server.url}/sparql?query=ASK%7B%7D", headers={"Origin": "http://elsewhere.example"}
                )[1]["access-control-allow-origin"] == "*"


def test_a_conflict_shows_its_message_and_changes_nothing(server: Served, desk: Path) -> None:
    before = snapshot(desk)
    token = form_token(page(f"{server.url}/review/hand"))
    for dry_run in ({"dry_run": "1"}, {}):
        status, location, _ = post(f"{server.url}/review/hand/accept", {"csrf": token, **dry_run})
        assert status == 303 and location.endswith("#accept")
        html = page(server.url + location)
        row = re.search(r"<tr><td>hand\.draft\.yaml:(\d+)</td><td>organizations/nesta</td><td>id</td>"
                        r"<td>([^<]*)</td><td>([^<]*)</td></tr>", html)
        assert row, html
        assert unescape(row.group(2)) == ("an id that data/organizations.csv:7 does not use already for "
                                          f"{HOSTILE_ORG!r}")
        assert unescape(row.group(3)).startswith(f"'nesta' for {HOSTILE_LABEL!r}: give the record another id")
        assert "1 conflict, nothing was written" in html and "Nothing was written." in html
        assert snapshot(desk) == before


# -- the CLI's refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "message"), [
    (["--data", "no-such-folder"], "--review: no-such-folder is not a folder"),
    (["--host", "0.0.0.0"], "--review: name the Host names this server answers with --allowed-host"),
    (["--host", "0.0.0.0", "--allowed-host", "graph.example.org"], "needs --update-token"),
])
def test_serve_refuses_a_review_page_it_cannot_keep_to_its_owner(desk: Path, options: list[str],
                                                                 message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(desk)
    result = CliRunner().invoke(main, ["serve", "--review", "drafts", "--data", "data", *options])
    assert result.exit_code == 2 and message in result.output, result.output


# -- in a browser ------------------------------------------------------------------------------------


@pytest.mark.browser
def test_in_a_browser_a_draft_becomes_queryable_facts(server: Served, desk: Path, browser: Any) -> None:
    """Accept one record by its key, link one to an existing entity, reject one, accept into data;
    then build and SPARQL find the new organization with its source."""
    context = browser.new_context()
    tab = context.new_page()
    requests, problems = watched(tab)
    try:
        tab.goto(f"{server.url}/review")
        tab.click("a[href='/review/munich']")
        card = lambda label: tab.locator("article.record", has=tab.locator("h3", has_text=label))  # noqa: E731
        card("Sofia cluster visits Munich").locator("button[value=accept]").click()
        tab.wait_for_selector("text=sources/news-sofia-cluster-visits-munich: accepted")
        # A mention in the article leads to its record; the key a accepts it.
        tab.locator(".article a.mention", has_text="Isar Robotics GmbH").click()
        tab.wait_for_function("() => document.activeElement.matches('article.record')")
        tab.keyboard.press("a")
        tab.wait_for_selector("text=organizations/isar-robotics-gmbh: accepted")
        # The edit form: the field's value comes with it; a new one is saved.
        isar = card("Isar Robotics GmbH")
        isar.locator("select[name=field]").select_option("description")
        isar.locator("input[name=value]").fill("Robots for <shipyards>")
        isar.locator("button", has_text="Edit field").click()
        tab.wait_for_selector("text=organizations/isar-robotics-gmbh: edited")
        assert "Robots for <shipyards>" in card("Isar Robotics GmbH").locator("table").inner_text()
        # Link to a candidate, then reject one further down: the page stays where it was.
        peterborough = card("Peterborough Council")
        peterborough.locator("select[name=target]").select_option("peterborough-city-council")
        peterborough.locator("button", has_text="Link").click()
        tab.wait_for_selector("text=linked to peterborough-city-council")
        card("Magna").evaluate("element => element.scrollIntoView({block: 'start'})")
        scrolled = tab.evaluate("window.scrollY")
        card("Magna").locator("button[value=reject]").click()
        tab.wait_for_selector("text=organizations/magna: rejected")
        tab.wait_for_load_state("load")
        assert abs(tab.evaluate("window.scrollY") - scrolled) < 250
        assert "s-rejected" in card("Magna").get_attribute("class")
        before = snapshot(desk / "data")
        tab.click("button:has-text('Accept into data')")
        tab.wait_for_selector(".notice >> text=accepted munich.draft.yaml into data:")
        notice = tab.locator(".notice").inner_text()
        assert "organizations.csv: 1 added (isar-robotics-gmbh); 1 linked (peterborough-council -> " \
               "peterborough-city-council); 1 already there (nesta); 2 left out (sofia-tech-cluster: not " \
               "reviewed, magna: rejected)" in notice
        assert "sources.csv: 1 added (news-sofia-cluster-visits-munich)" in notice
        assert "ecosystem-graph build" in notice and snapshot(desk / "data") != before
        # Candidates come from the data as it is now: the other draft's record finds the new organization.
        tab.goto(f"{server.url}/review/second")
        assert card("Isar Robotics GmbH").locator("a[href='/id/organization/isar-robotics-gmbh']").count() == 1
        # Hostile labels are text, and nothing ran.
        tab.goto(f"{server.url}/review/hand")
        assert card("Hand Labs").locator("h3").inner_text().startswith(HOSTILE_LABEL)
        assert tab.locator(".article .text").inner_text().startswith(f"The team met {HOSTILE_LABEL} in <b>Graz</b>.")
        assert tab.locator("script:not([src]), [onerror], [onload]").count() == 0
        assert tab.evaluate("window.__pwned") is None
        assert all(url.startswith(server.url) for url in requests), requests
        assert problems == []
    finally:
        context.close()
    out = desk / "built"
    run("build", desk / "data", "--out", out)
    rows = open_graph(desk / "data", out, rebuild=False).query("""SELECT ?description ?title WHERE {
        ?org rdfs:label "Isar Robotics GmbH" ; dct:description ?description ; prov:wasDerivedFrom ?source .
        ?source dct:title ?title }""")
    assert [tuple(map(str, row)) for row in rows] == [("Robots for <shipyards>", "Sofia cluster visits Munich")]
