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

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import EcosystemGraphError

#: Elements whose text is never article text.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form",
                      "button", "iframe", "object"})
#: Elements that end a line of text: a heading or paragraph never runs into the next one.
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
                     "th", "table", "section", "article", "header", "blockquote", "pre", "hr", "dd", "dt",
                     "figcaption", "main", "aside"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source",
                   "track", "wbr"})


class ArticleError(EcosystemGraphError):
    """The article cannot be read: missing, not UTF-8, or without text."""


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


def read_article(path: Path, fmt: str | None = None) -> Article:
    """Read the article at ``path``; ``fmt`` (text, markdown, html) defaults to the file's suffix.

    Raises :class:`ArticleError` with a message a user can act on.

    >>> read_article(Path("no-such-article.txt"))
    Traceback (most recent call last):
    ...
    ecosystem_graph.extract_text.ArticleError: cannot read no-such-article.txt: no such file
    """
    if not path.is_file():
        raise ArticleError(f"cannot read {path}: {'a folder, not a file' if path.is_dir() else 'no such file'}")
    raw = path.read_bytes()
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
    parser.feed(content)
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


def _lines(text: str) -> str:
    """Text with runs of spaces made one, one block per line, no empty lines."""
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


#: Markdown markup, blanked out with spaces so that offsets still index the file.
_MARKDOWN = [
    (re.compile(r"<!--.*?-->", re.S), None),
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), 1),   # [text](url): keep the text
    (re.compile(r"^\s{0,3}(#{1,6}\s|>\s?|[-*+]\s|\d+[.)]\s)", re.M), None),
    (re.compile(r"(\*\*|__|\*|`+|~~)"), None),
    (re.compile(r"<[^>\n]+>"), None),                   # inline HTML tags
]


def _markdown_article(content: str) -> Article:
    text = content.replace("\r\n", "\n")
    for pattern, keep in _MARKDOWN:
        text = pattern.sub(lambda m, k=keep: _blank_except(m, k), text)
    heading = re.search(r"^\s{0,3}#\s+(.+)$", content.replace("\r\n", "\n"), re.M)
    title = " ".join(re.sub(r"[*_`]", "", heading.group(1)).split()) if heading else None
    return Article(text, title, "markdown")


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
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*•#]|\d+[.)]\s))")
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


def sentences(text: str, lines: bool = True) -> list[Sentence]:
    """The sentences of ``text``, each with its character offsets.

    With ``lines`` (text from HTML, one block per line) every line break ends a sentence;
    without, only a blank line or a list item does, so wrapped paragraphs stay whole.

    >>> [s.text for s in sentences("Dr. Ivanova met the CEO on 30.07.2018. It went well!\\nNext")]
    ['Dr. Ivanova met the CEO on 30.07.2018.', 'It went well!', 'Next']
    >>> [s.text for s in sentences("A wrapped\\nline.\\n\\nHeading", lines=False)]
    ['A wrapped\\nline.', 'Heading']
    """
    found: list[Sentence] = []
    start = 0
    for match in (_END_OF_LINE if lines else _END).finditer(text):
        if match.group(0)[0] == "." and _is_abbreviation(text, match.start()):
            continue
        _add_sentence(found, text, start, match.end())
        start = match.end()
    _add_sentence(found, text, start, len(text))
    return found


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
