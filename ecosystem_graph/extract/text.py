"""Read an article (plain text, Markdown or HTML) as plain text, and split it into sentences.

Offsets of drafted facts index the plain text returned here. For plain text it is the file
itself; for Markdown the markup is blanked out with spaces, so offsets also index the file;
for HTML it is the text content of the page, one block element per line.

>>> article = article_from_text("Hello <b>world</b>. Bye.", "html")
>>> article.text
'Hello world. Bye.'
>>> [s.text for s in sentences(article.text)]
['Hello world.', 'Bye.']
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import EcosystemGraphError

#: Elements whose text is never article text.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form",
                      "button", "iframe", "object"})
#: Elements that end a line of text: a heading or paragraph never runs into the next one.
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
                     "th", "table", "section", "article", "header", "blockquote", "pre", "hr", "dd", "dt",
                     "figcaption", "main", "aside"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source",
                   "track", "wbr"})


#: The largest article read by default, in bytes: a long news article is some 50 KB; extraction
#: takes a few seconds per 100 KB of the most hostile text, so this bounds a run to minutes at most.
DEFAULT_MAX_SIZE = 2_000_000


class ArticleError(EcosystemGraphError):
    """The article cannot be read: missing, not a regular file, too large, not UTF-8, or without text."""


@dataclass(frozen=True)
class Article:
    """An article's plain text, its title if it has one, and the format it was read from."""

    text: str
    title: str | None
    format: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of the plain text and where it is: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


def read_article(path: Path, fmt: str | None = None, *, max_size: int | None = DEFAULT_MAX_SIZE) -> Article:
    """Read the article at ``path``; ``fmt`` (text, markdown, html) defaults to the file's suffix.

    Only a regular file is read (a FIFO or a device would block or never end), and only up to
    ``max_size`` bytes (``None``: no limit): a larger file is refused, not cut.
    Raises :class:`ArticleError` with a message a user can act on.

    >>> read_article(Path("no-such-article.txt"))
    Traceback (most recent call last):
    ...
    ecosystem_graph.extract.text.ArticleError: cannot read no-such-article.txt: no such file
    >>> _ = Path("big.txt").write_text("Sofia. " * 10)
    >>> read_article(Path("big.txt"), max_size=50)
    Traceback (most recent call last):
    ...
    ecosystem_graph.extract.text.ArticleError: cannot read big.txt: it is 70 bytes, over the size limit of 50 bytes; ...
    """
    raw = _read_bytes(path, max_size)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ArticleError(f"{path}:{line}: expected UTF-8 text (save the article as UTF-8), found byte "
                           f"0x{raw[exc.start:exc.start + 1].hex().upper()} at offset {exc.start}") from None
    article = article_from_text(content, fmt or guess_format(path, content))
    if not article.text.strip():
        raise ArticleError(f"{path}: expected an article, found no text")
    return article


def _read_bytes(path: Path, max_size: int | None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``max_size``; else an :class:`ArticleError`."""
    _check_regular(path, os.stat, path)  # before opening: opening a FIFO waits for a writer
    try:
        # O_NONBLOCK: should the path become a FIFO after the check, opening it still returns at once.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ArticleError(f"cannot read {path}: {_reason(exc)}") from None
    with os.fdopen(handle, "rb") as stream:
        _check_regular(path, os.fstat, handle)  # what was opened is what counts
        raw = stream.read() if max_size is None else stream.read(max_size + 1)  # one byte more tells "too big"
        if max_size is not None and len(raw) > max_size:
            size = max(os.fstat(handle).st_size, len(raw))
            raise ArticleError(f"cannot read {path}: it is {size:,} bytes, over the size limit of {max_size:,} "
                               "bytes; if it is one article, raise the limit (extract --max-size BYTES, "
                               "or read_article(..., max_size=BYTES))")
    return raw


def _check_regular(path: Path, stat_of: Callable[[Any], os.stat_result], target: Any) -> None:
    """Refuse anything but a regular file (following symbolic links), saying what it is."""
    try:
        mode = stat_of(target).st_mode
    except OSError as exc:
        raise ArticleError(f"cannot read {path}: {_reason(exc)}") from None
    if stat.S_ISDIR(mode):
        raise ArticleError(f"cannot read {path}: a folder, not a file")
    if not stat.S_ISREG(mode):
        raise ArticleError(f"cannot read {path}: {file_kind(mode)}, not a regular file; save the article "
                           "to a file and give that")


def file_kind(mode: int) -> str:
    """What a file is, from its ``st_mode``, for messages.

    >>> file_kind(stat.S_IFIFO), file_kind(stat.S_IFCHR), file_kind(stat.S_IFREG)
    ('a FIFO (named pipe)', 'a character device', 'a regular file')
    """
    kinds = ((stat.S_ISREG, "a regular file"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def _reason(exc: OSError) -> str:
    """An OS error as a short reason: 'no such file', 'permission denied'."""
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return (exc.strerror or str(exc)).lower()


def guess_format(path: Path, content: str) -> str:
    """The format of an article from its suffix, else from its first characters.

    >>> guess_format(Path("a.md"), ""), guess_format(Path("a"), "<!DOCTYPE html><p>x"), guess_format(Path("a"), "x")
    ('markdown', 'html', 'text')
    """
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".txt", ".text"):
        return "text"
    return "html" if re.match(r"\s*<(!doctype|html|head|body|p|div|h1)\b", content, re.I) else "text"


def article_from_text(content: str, fmt: str) -> Article:
    """The plain text of ``content`` read as ``fmt`` (text, markdown or html)."""
    if fmt == "html":
        return _html_article(content)
    if fmt == "markdown":
        return _markdown_article(content)
    if fmt == "text":
        text = content.replace("\r\n", "\n")
        return Article(text, _headline(text), "text")
    raise ArticleError(f"unknown article format {fmt!r}: expected text, markdown or html")


#: Class or id words of page furniture whose text is not the article's.
_FURNITURE = re.compile(r"(?:^|[\s_-])(?:menu|nav|navbar|navigation|sidebar|footer|cookies?|consent|share|sharing|"
                        r"social|comments?|breadcrumbs?|related|widget|banner|newsletter|subscribe|advert|ads|"
                        r"toolbar|pagination|tags)(?:$|[\s_-])", re.I)
#: Class or id words of the container that holds the article itself.
_MAIN = re.compile(r"(?:^|[\s_-])(?:content|post|entry|article|story|main|body-text|news-item)(?:$|[\s_-])", re.I)


class _TextOfHtml(HTMLParser):
    """Collects the text of a page, and apart the text of its article (``<article>``, ``<main>`` or
    a container named like one), leaving out scripts, styles and page furniture (menus, footers,
    cookie and share boxes). Tags never reach the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.main: list[str] = []
        self.title: list[str] = []
        self.headings: list[str] = []
        self._depth: dict[str, int] = {}
        self._skip: list[tuple[str, int]] = []   # open skipped elements: (tag, its nesting depth)
        self._inside: list[tuple[str, int]] = []  # open article containers
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self._depth[tag] = self._depth.get(tag, 0) + 1
            names = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role"))
            if tag in _SKIPPED or _FURNITURE.search(names):
                self._skip.append((tag, self._depth[tag]))
            elif tag in ("article", "main") or _MAIN.search(names):
                self._inside.append((tag, self._depth[tag]))
        if tag in ("title", "h1"):
            self._in = tag
        if tag in _BLOCKS:
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        depth = self._depth.get(tag, 0)
        for stack in (self._skip, self._inside):
            if stack and stack[-1] == (tag, depth):
                stack.pop()
        if depth:
            self._depth[tag] = depth - 1
        if tag == self._in:
            self._in = None
        if tag in _BLOCKS:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title.append(data)
            return
        if self._skip:
            return
        if self._in == "h1":
            self.headings.append(data)
        self._add(data)

    def _add(self, text: str) -> None:
        self.parts.append(text)
        if self._inside:
            self.main.append(text)


def _html_article(content: str) -> Article:
    parser = _TextOfHtml()
    parser.feed(_defused_html(content))
    parser.close()
    heading = " ".join("".join(parser.headings).split())
    main = _lines("".join(parser.main))
    # The article's own container when the page has one with some text; else the whole page.
    if len(main) >= 200:
        text = main if not heading or heading in main else heading + "\n" + main
    else:
        text = _lines("".join(parser.parts))
    title = " ".join("".join(parser.title).split()) or heading or None
    return Article(text, title, "html")


def _defused_html(content: str) -> str:
    """``content`` with the ``<`` of markup that can never end written ``&lt;``, which the parser
    reads back as the same text. Python's ``html.parser`` searches to the end of the page again for
    each such ``<`` (CPython issue gh-135462, fixed in later patch releases than some we run on):
    thousands of unclosed tags or comments took minutes (issue 13); and an unknown ``<![name[``
    section stops it with an AssertionError. Well-formed pages are left as they are.

    >>> _defused_html("<p>x</p> <a <b <!-- <![x[")
    '<p>x</p> &lt;a &lt;b &lt;!-- &lt;![x['
    >>> _defused_html("<!-- c --><p>a <![foo[ b ]]></p>")
    '<!-- c --><p>a &lt;![foo[ b ]]></p>'
    """
    last_close = content.rfind(">")  # a tag, end tag, declaration or comment ends with ">"
    comment_end = _last_start(_HTML_COMMENT_END, content)
    section_ends = {"]]": _last_start(_HTML_SECTION_END, content), "]": _last_start(_HTML_CONDITION_END, content)}
    parts: list[str] = []
    done = 0
    for match in _HTML_OPENER.finditer(content):
        at = match.start()
        if at > last_close:
            endless = True
        elif match.group(0) == "<!--":
            endless = at + 4 > comment_end
        elif match.group(0).startswith("<!["):
            name = (match.group(1) or "").strip().lower()
            end = "]]" if name in _SECTIONS else "]" if name in _CONDITIONS else None
            endless = end is None or at + 3 > section_ends[end]  # an unknown section name stops the parser
        else:
            continue
        if endless:
            parts.append(content[done:at] + "&lt;")
            done = at + 1
    return "".join(parts) + content[done:]


#: What opens markup in a page, and how the parser finds where comments and marked sections end.
_HTML_OPENER = re.compile(r"<!\[([a-zA-Z][-_.a-zA-Z0-9]*\s*)?|<!--|<")
_HTML_COMMENT_END = re.compile(r"--\s*>")
_HTML_SECTION_END = re.compile(r"]\s*]\s*>")
_HTML_CONDITION_END = re.compile(r"]\s*>")
_SECTIONS = frozenset({"temp", "cdata", "ignore", "include", "rcdata"})
_CONDITIONS = frozenset({"if", "else", "endif"})


def _last_start(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of ``pattern`` starts in ``text`` (-1 if none): a construct opened
    after it cannot end (none of these patterns can match again inside its own match)."""
    last = -1
    for match in pattern.finditer(text):
        last = match.start()
    return last


def _lines(text: str) -> str:
    """Text with runs of spaces made one, one block per line, no empty lines."""
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


#: Markdown markup that regular expressions blank out with spaces, so that offsets still index the file.
_LINE_MARKS = re.compile(r"^\s{0,3}(#{1,6}\s|>\s?|[-*+]\s|\d+[.)]\s)", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`+|~~)")


def _markdown_article(content: str) -> Article:
    text = content.replace("\r\n", "\n")
    # In this order: comments, [text](url) links (their text kept), line marks, emphasis, inline tags.
    text = _blank_spans(text, _comments(text))
    text = _blank_spans(text, _links(text))
    text = _LINE_MARKS.sub(lambda m: _blank_except(m, None), text)
    text = _EMPHASIS.sub(lambda m: _blank_except(m, None), text)
    text = _blank_spans(text, _inline_tags(text))
    heading = re.search(r"^\s{0,3}#\s+(.+)$", content.replace("\r\n", "\n"), re.M)
    title = " ".join(re.sub(r"[*_`]", "", heading.group(1)).split()) if heading else None
    return Article(text, title, "markdown")


#: A span of markup: its start and end, and the part of it kept as text (empty: none).
_Span = tuple[int, int, int, int]


def _blank_spans(text: str, spans: Iterable[_Span]) -> str:
    """``text`` with each span blanked out with spaces (line breaks kept), but for its kept part."""
    parts: list[str] = []
    done = 0
    for start, end, keep_start, keep_end in spans:
        parts += [text[done:start], _BLANKED.sub(" ", text[start:keep_start]), text[keep_start:keep_end],
                  _BLANKED.sub(" ", text[keep_end:end])]
        done = end
    return "".join(parts) + text[done:]


_BLANKED = re.compile(r"[^\n]")


# Markdown markup is found by scanning rather than by regular expressions: ``<!--.*?-->``,
# ``!?\[([^\]\n]*)\]\([^)\n]*\)`` and ``<[^>\n]+>`` search to the end of the text or line again
# from each ``<`` or ``[`` that opens nothing, which made thousands of them take minutes (issue 13).
# The scanners find the same matches, leftmost first, in one pass.


def _comments(text: str) -> Iterator[_Span]:
    """The matches of ``<!--.*?-->`` (DOTALL).

    >>> list(_comments("a <!-- b --> <!--> c --> <!-- d"))
    [(2, 12, 2, 2), (13, 24, 13, 13)]
    """
    at = text.find("<!--")
    while at != -1:
        end = text.find("-->", at + 4)
        if end == -1:
            return  # no comment opened here or later is closed
        yield at, end + 3, at, at
        at = text.find("<!--", end + 3)


def _links(text: str) -> Iterator[_Span]:
    r"""The matches of ``!?\[([^\]\n]*)\]\([^)\n]*\)``, the text in brackets kept.

    >>> list(_links("a [b](c) ![d](e) [[f](g) [h]i [j](k"))
    [(2, 8, 3, 4), (9, 16, 11, 12), (17, 24, 18, 20)]
    """
    bracket_end, paren_end = _NextOf(text, "]\n"), _NextOf(text, ")\n")
    at = text.find("[")
    while at != -1:
        # A "!" just before is the link's ("![alt](src)"); it never ends a previous link, whose last is ")".
        start = at - 1 if at > 0 and text[at - 1] == "!" else at
        close = bracket_end.at(at + 1)
        if close == -1:
            return  # no "]" or line break is left: no later link either
        if text[close] == "]" and text.startswith("(", close + 1):
            end = paren_end.at(close + 2)
            if end != -1 and text[end] == ")":
                yield start, end + 1, at + 1, close
                at = text.find("[", end + 1)
                continue
        # Every "[" up to ``close`` ends its text there too, and fails the same way.
        at = text.find("[", close)
    return


def _inline_tags(text: str) -> Iterator[_Span]:
    """The matches of ``<[^>\n]+>``.

    >>> list(_inline_tags("a <b> <> <<i>x</i> <c\\n>"))
    [(2, 5, 2, 2), (9, 13, 9, 9), (14, 18, 14, 14)]
    """
    close = _NextOf(text, ">\n")
    at = text.find("<")
    while at != -1:
        end = close.at(at + 1)
        if end == -1:
            return
        if text[end] == ">" and end > at + 1:
            yield at, end + 1, at, at
            at = text.find("<", end + 1)
        elif text[end] == ">":
            at = text.find("<", at + 1)  # "<>": nothing between
        else:
            at = text.find("<", end + 1)  # a line break first: no "<" up to it closes
    return


class _NextOf:
    """Where the next of some characters is, from positions asked in increasing order: the text
    between two answers is scanned once, however many positions are asked in it."""

    def __init__(self, text: str, characters: str) -> None:
        self.text = text
        self.pattern = re.compile("[" + re.escape(characters) + "]")
        self.asked, self.found = 0, -2  # -2: nothing found yet

    def at(self, position: int) -> int:
        """The first position at or after ``position`` holding one of the characters, -1 if none."""
        if not self.asked <= position <= self.found and not (self.found == -1 and position >= self.asked):
            match = self.pattern.search(self.text, position)
            self.asked, self.found = position, match.start() if match else -1
        return self.found


def _headline(text: str) -> str | None:
    """The first line of a plain text when it reads as a title: short, not ending a sentence."""
    first = text.strip().split("\n", 1)[0].strip()
    return first if 0 < len(first) <= 150 and first[-1] not in ".!?:;," else None


def _blank_except(match: re.Match[str], group: int | None) -> str:
    """``match`` replaced by spaces of the same length, but for the text of ``group``."""
    whole = match.group(0)
    if group is None:
        return re.sub(r"[^\n]", " ", whole)
    start, end = match.start(group) - match.start(0), match.end(group) - match.start(0)
    return " " * start + whole[start:end] + " " * (len(whole) - end)


#: Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset("mr mrs ms dr prof st no nr vs etc e.g i.e inc ltd co corp jr sr dipl ing mag "
                           "approx ca bzw z.b u.a mme m ss jan feb mar apr jun jul aug sep sept oct nov dec "
                           "av bd str".split())
# A sentence's end is looked for only where a run of stops starts: from within a run it would end
# where the run does, and trying each of its stops read the rest again (quadratic on "......").
_END = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’)\]]*(?=\s)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*•#]|\d+[.)]\s))")
_END_OF_LINE = re.compile(_END.pattern + "|\n")


def calm_capitals(text: str, small_words: frozenset[str], acronyms: frozenset[str]) -> str:
    """``text`` with each line written all in capitals (a headline) in title case, small words in
    lowercase and ``acronyms`` kept: a shouted name then reads like any other. Same length, same offsets.

    >>> calm_capitals("CZECH CLUSTER IN VILNIUS: EU AND 5G\\nBody text.", frozenset({"in", "and"}), frozenset({"EU"}))
    'Czech Cluster in Vilnius: EU and 5G\\nBody text.'
    """
    def calm_word(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in acronyms or any(c.isdigit() for c in word):
            return word
        return word.lower() if word.lower() in small_words and match.start() > 0 else \
            "-".join(part.capitalize() for part in word.split("-"))

    def calm_line(match: re.Match[str]) -> str:
        line = match.group(0)
        words = re.findall(r"[^\W\d_]{2,}", line)
        # Three words or more, none in lowercase, one long: a headline, not a row of acronyms.
        if len(words) < 3 or any(c.islower() for c in line) or max(map(len, words)) < 4:
            return line
        calmed = re.sub(r"[\w'’-]+", calm_word, line)
        return calmed if len(calmed) == len(line) else line

    return re.sub(r"(?m)^.*$", calm_line, text)


def sentences(text: str, lines: bool = True, joined: frozenset[int] = frozenset()) -> list[Sentence]:
    """The sentences of ``text``, each with its character offsets.

    With ``lines`` (text from HTML, one block per line) every line break ends a sentence but
    those at the offsets ``joined`` (see :func:`wrapped_breaks`); without, only a blank line or a
    list item does, so wrapped paragraphs stay whole.

    >>> [s.text for s in sentences("Dr. Ivanova met the CEO on 30.07.2018. It went well!\\nNext")]
    ['Dr. Ivanova met the CEO on 30.07.2018.', 'It went well!', 'Next']
    >>> [s.text for s in sentences("A wrapped\\nline.\\n\\nHeading", lines=False)]
    ['A wrapped\\nline.', 'Heading']
    >>> [s.text for s in sentences("A wrapped\\nline.\\nHeading", joined=frozenset({9}))]
    ['A wrapped\\nline.', 'Heading']
    """
    found: list[Sentence] = []
    start = 0
    for match in (_END_OF_LINE if lines else _END).finditer(text):
        if match.group(0)[0] == "." and _is_abbreviation(text, match.start()):
            continue
        if match.group(0) == "\n" and match.start() in joined:
            continue
        _add_sentence(found, text, start, match.end())
        start = match.end()
    _add_sentence(found, text, start, len(text))
    return found


def wrapped_breaks(text: str, joining_words: frozenset[str] = frozenset()) -> frozenset[int]:
    """Offsets of the line breaks of a plain text that go on with the same sentence: text copied from
    a PDF or an e-mail keeps the hard line breaks of its layout ("the European Cluster Alliance will
    represent\\nthe Clusters"). A break goes on when the next line starts in lowercase, the line ends
    with one of ``joining_words`` (lowercase: "and", "of") or leaves a quotation or bracket open; when
    the text wraps its lines at a width, also one after a line near that width (a short line is a
    heading or a paragraph's end).

    >>> text = "The “Regional and\\nEconomic Summit” took place\\nin Warsaw with\\nTeam A.\\nA heading\\nBody."
    >>> sorted(wrapped_breaks(text, frozenset({"with"})))
    [17, 45, 60]
    """
    rows = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    width = _wrap_width([line for _, _, line in rows])
    joined: set[int] = set()
    for (_, end, line), (start, _, following) in zip(rows, rows[1:], strict=False):
        if start != end + 1 or not following.strip() or line.rstrip()[-1:] in ".!?:;":
            continue
        first = following.lstrip()[:1]
        last_word = line.split()[-1] if line.split() else ""
        if first.islower() or last_word in joining_words or _left_open(line) or \
                (width and first.isupper() and 0.8 * width <= len(line) <= width + 5):
            joined.add(end)
    return frozenset(joined)


def _wrap_width(lines: list[str]) -> int | None:
    """The width a text's lines are wrapped at, if they are: most lines of some length end within a
    few characters of the longest, and none is much longer (a paragraph per line is not wrapped)."""
    long = sorted(len(line) for line in lines if len(line) >= 40)
    if len(long) < 5 or long[-1] > 160:
        return None
    near = sum(1 for n in long if n >= 0.8 * long[-1])
    return long[-1] if near >= 0.6 * len(long) else None


def _left_open(line: str) -> bool:
    """Whether ``line`` opens a quotation or bracket it does not close ("„…“" is German, "“…”" English)."""
    if "„" in line:
        return line.count("„") > line.count("“")
    pairs = (("“", "”"), ("«", "»"), ("(", ")"), ("[", "]"))
    return any(line.count(opener) > line.count(closer) for opener, closer in pairs) or line.count('"') % 2 == 1


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[max(0, dot - 12):dot])
    if word is None:
        return False
    token = word.group(1).lower()
    # "Sofia K. Ivanova": a lone capital is an initial; "am 9. Mai": a German ordinal day.
    return token in _ABBREVIATIONS or (len(token) == 1 and text[dot - 1].isupper()) or \
        re.fullmatch(r"\d{1,2}", token) is not None


def _add_sentence(found: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        left = start + len(chunk) - len(chunk.lstrip())
        found.append(Sentence(left, left + len(stripped), stripped))
