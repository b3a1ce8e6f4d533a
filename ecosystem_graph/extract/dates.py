"""Dates and date ranges in text, in the forms news items write them, in several languages.

A date without a year ("30.07-03.08", "30 July", "in November") takes the year of the article's
dateline (a full date in its first lines), else the year written nearest before it in the text,
else one written later in its own sentence, else ``default_year``. Years inside names ("Expo 2015",
"Osaka 2025", "H2020"), in copyright lines and in file names are not read as the text's years, nor
are the dates of file names ("Screenshot 2023-04-05 150507").

>>> from ecosystem_graph.extract.rules import load_rules
>>> rules = load_rules().dates
>>> [d.value for d in find_dates("The trip (30.07-03.08) ended in 2018.", rules)]
['2018-07-30/2018-08-03']
>>> [d.value for d in find_dates("July 30 – August 3, 2018; 5. September 2019; 2020-01-02", rules)]
['2018-07-30/2018-08-03', '2019-09-05', '2020-01-02']
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

#: Dashes and slashes that join the ends of a numeric range.
_DASH = r"\s*[-–—‒]\s*"
_DAY = r"(\d{1,2})(?:st|nd|rd|th|er|\.)?"
_YEAR = r"((?:19|20)\d{2})"


@dataclass(frozen=True)
class DateRules:
    """Month names (lowercase name -> month number) and the words joining a range's ends.

    ``after_between`` words ("and") join a range only after a ``between`` word ("between 2 and 4 May").
    """

    months: dict[str, int]
    range_words: tuple[str, ...]
    between: tuple[str, ...] = ()
    after_between: tuple[str, ...] = ()
    month_words: tuple[str, ...] = ("in",)  # words before a month alone that make it a date

    @cached_property
    def patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        """(form, pattern) pairs, longest forms first so that a range is not read as two dates."""
        month = "(" + "|".join(sorted(map(re.escape, self.months), key=len, reverse=True)) + r")(?!\w)\.?"
        # A month alone is read only by a name of five letters or more ("in June" and "in may" are too
        # often no date): "in November", "a febbraio", "im Oktober".
        alone = "(" + "|".join(sorted((re.escape(m) for m in self.months if len(m) >= 5), key=len,
                                      reverse=True)) + ")"
        words = (*self.range_words, *self.after_between)
        joiner = r"(?:" + _DASH + "|" + "|".join(r"\s+" + re.escape(w) + r"\s+" for w in words) + ")"
        of = r"(?:\s+(?:of|de|del))?\s+"  # "6th of May", "21 de octubre"
        the = r"(?:the\s+)?"
        year = rf"(?:,?\s+(?:de\s+|del\s+)?{_YEAR})"  # "May 6, 2019", "21 de octubre de 2015"
        forms = {
            "iso-range": rf"\b(\d{{4}})-(\d{{2}})-(\d{{2}}){joiner}(\d{{4}})-(\d{{2}})-(\d{{2}})\b",
            "iso": r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)(?![ _]\d{4,6}\b)",  # "2018-10-17T10:00"; not a file's stamp
            "numeric-range": rf"\b(\d{{1,2}})[./](\d{{1,2}})(?:[./]{_YEAR}?)?\.?{joiner}"
                             rf"(\d{{1,2}})[./](\d{{1,2}})(?:[./]{_YEAR})?(?![\d])",
            # "17-19.10.2018", "17.-19.10.": a year or a closing dot, so that "pages 10-12.5" is no date
            "numeric-day-range": rf"\b(\d{{1,2}})\.?{joiner}(\d{{1,2}})[./](\d{{1,2}})(?:[./]{_YEAR}|\.(?!\d))",
            "numeric": rf"\b(\d{{1,2}})(?:/|\.\s?)(\d{{1,2}})(?:/|\.\s?){_YEAR}\b",  # also "22. 9. 2017"
            "numeric-dashed": rf"\b(\d{{1,2}})-(\d{{1,2}})-{_YEAR}\b",  # "21-12-2007"
            "iso-month": r"\b(\d{4})-(0[1-9]|1[0-2])\b(?![-–/]\d)",  # "2018-10"
            "day-pair": rf"\b{_DAY}\s+(?:{'|'.join(map(re.escape, self.after_between)) or 'and'})\s+"
                        rf"{_DAY}{of}{month}{year}?",
            "day-month-range": rf"\b{_DAY}(?:{of}{month})?{year}?{joiner}{the}{_DAY}{of}{month}{year}?",
            # "October/November 2023", "in October/November": months of one year
            "month-range": rf"\b{month}(?:\s*/\s*{month}(?:\s+{_YEAR})?|{joiner}{month}\s+{_YEAR})\b",
            "month-day-range": rf"\b{month}\s+{_DAY}(?:,\s*{_YEAR})?{joiner}(?:{month}\s+)?{_DAY}(?:,?\s+{_YEAR})?",
            "day-month": rf"\b{_DAY}{of}{month}{year}?",
            "day-month-dashed": rf"\b(\d{{1,2}})-{month}-{_YEAR}\b",  # "05-Noviembre-2015"
            "month-day": rf"\b{month}\s+{_DAY}(?!\d)(?:,?\s+{_YEAR})?",
            "month-comma-day": rf"\b{month},\s+(\d{{1,2}})(?:st|nd|rd|th)\s+{_YEAR}\b",  # "September, 23rd 2015"
            "month-year": rf"\b{month}(?:\s+of)?\s+{_YEAR}\b",
            # "In November, the foundation signed": a month alone after a preposition
            "month": rf"\b(?:{'|'.join(map(re.escape, self.month_words))})\s+{alone}(?![\w-]|\s+\d)",
        }
        return [(form, re.compile(text, re.IGNORECASE)) for form, text in forms.items()]


@dataclass(frozen=True)
class DateMention:
    """A date or range found at ``start:end``: ``value`` is YYYY-MM-DD, YYYY-MM, or START/END."""

    start: int
    end: int
    text: str
    value: str
    year_from_context: bool

    @property
    def first(self) -> str:
        return self.value.split("/")[0]

    @property
    def last(self) -> str:
        return self.value.split("/")[-1]


def find_dates(text: str, rules: DateRules, default_year: int | None = None) -> list[DateMention]:
    """Every date and date range in ``text``, in order; a span is read once, by its longest form."""
    years = _Years(text, rules)
    # A mark per character read as a date: whether a match overlaps one costs its length, not the
    # number of dates read before (issue 13: that was quadratic). Matches are never empty.
    taken = bytearray(len(text))
    found: list[DateMention] = []
    for form, pattern in rules.patterns:
        for match in pattern.finditer(text):
            if taken.find(1, match.start(), match.end()) != -1 or not _joined_rightly(form, text, match, rules):
                continue
            mentions = _mentions(form, match, rules, years.around(match.start(), default_year))
            if mentions is not None:  # [] for "31 June": no date, and no shorter reading of it either
                taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
                found.extend(mentions)
    found.sort(key=lambda d: d.start)
    return sorted(found + _ordinal_days(text, found, taken), key=lambda d: d.start)


#: "the morning of the 22nd": a day written alone, as an ordinal after "the".
_ORDINAL_DAY = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b")


def _ordinal_days(text: str, found: list[DateMention], taken: bytearray) -> list[DateMention]:
    """Days written alone ("on the 22nd") that fall within the range written before them, in its month.

    >>> from ecosystem_graph.extract.rules import load_rules
    >>> [d.value for d in find_dates("From 22 to 24 October 2018 we met. On the 22nd we toured Toledo.",
    ...                              load_rules().dates)]
    ['2018-10-22/2018-10-24', '2018-10-22']
    """
    days: list[DateMention] = []
    for match in _ORDINAL_DAY.finditer(text):
        if taken.find(1, match.start(), match.end()) != -1:
            continue
        before = [d for d in found if d.end <= match.start() and len(d.first) == 10]
        if not before:
            continue
        first, last = before[-1].first, before[-1].last
        day = f"{first[:8]}{int(match.group(1)):02d}"
        if first <= day <= last:
            days.append(DateMention(match.start(), match.end(), match.group(0), day, before[-1].year_from_context))
    return days


class _Years:
    """The years written in a text, by position: the year of a date written without one. Years of
    names ("Expo 2015", "H2020"), of copyright lines and of file names are left out. The dateline's
    year (of a full date in the first lines) is preferred to a year of another paragraph.

    >>> years = _Years("In 2018 and 2019.")
    >>> years.around(0, None), years.around(8, None), years.around(99, None), _Years("x").around(0, 2020)
    (2018, 2018, 2019, 2020)
    >>> from ecosystem_graph.extract.rules import load_rules
    >>> text = "Posted 8 May 2013.\\nIn 2011 it began.\\nOsaka 2025 is near. In June they met."
    >>> _Years(text, load_rules().dates).around(60, None), _Years(text).around(60, None)
    (2013, 2011)
    """

    def __init__(self, text: str, rules: DateRules | None = None) -> None:
        found = [(m.start(), int(m.group(0))) for m in _YEAR_WRITTEN.finditer(text) if _a_years_year(text, m.start())]
        self.text = text
        self.positions = [position for position, _ in found]
        self.years = [year for _, year in found]
        self.dateline = _dateline_year(text, rules) if rules is not None else None
        # Years written in a date ("September 2018"): a later one still dates the text.
        months = rules.months if rules is not None else {}
        self.dated = [(position, year) for position, year in found
                      if (word := _WORD_BEFORE.search(text, max(0, position - 15), position)) and
                      word.group(1).lower().rstrip(".") in months]

    def around(self, at: int, default: int | None) -> int | None:
        """The year written before ``at`` in its paragraph, else the dateline's, else the nearest before
        ``at``, else one written later in its sentence or in a later date, else ``default``."""
        i = bisect_left(self.positions, at)  # years before ``at`` are those before i
        paragraph = self.text.rfind("\n", 0, at) + 1
        if i > 0 and self.positions[i - 1] >= paragraph:
            return self.years[i - 1]
        if self.dateline is not None:
            return self.dateline
        if i > 0:
            return self.years[i - 1]
        end = _SENTENCE_END.search(self.text, at)
        if i < len(self.years) and (end is None or self.positions[i] < end.start()):
            return self.years[i]
        return next((year for position, year in self.dated if position > at), default)


#: A year as written: not inside a number, a word ("H2020") or a decimal.
_YEAR_WRITTEN = re.compile(r"(?<![\w,.])(?:19|20)\d{2}(?![\d]|[.,]\d)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+\.?),?\s+$")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
#: A capitalized word right before a year: "Osaka 2025", "Expo 2015" (but see _YEAR_AFTER).
_NAMED_YEAR = re.compile(r"\b([A-Z][\w-]*)\s+$")
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*$", re.I)


def _a_years_year(text: str, at: int) -> bool:
    """Whether the year at ``at`` is a year of the text, not of a name ("Expo 2015"), a copyright line
    or a file name ("IMG_2019.jpg")."""
    before = text[max(0, at - 30):at]
    line = text[text.rfind("\n", 0, at) + 1:at].lstrip().lower()
    if line.startswith(("©", "copyright", "(c)")) or re.search(r"[_/]$", before) or \
            re.match(r"\d{4}[_.-]?\w*\.(?:pdf|jpe?g|png|docx?|pptx?|xlsx?)\b", text[at:at + 30], re.I):
        return False
    if _COPYRIGHT.search(before):
        return False
    named = _NAMED_YEAR.search(before)
    return named is None or named.group(1).lower() in _YEAR_AFTER  # "In 2018", "May 2019" are the text's


#: Capitalized words after which a year is the text's own: prepositions opening a sentence, and the
#: month names the date patterns read anyway.
_YEAR_AFTER = frozenset("in since until by for from during after before of im seit bis ab en depuis desde dal nel "
                        "january february march april may june july august september october november december "
                        "jan feb mar apr jun jul aug sep sept oct nov dec".split())


def _dateline_year(text: str, rules: DateRules) -> int | None:
    """The year of the first date with a year written in the article's first lines (its dateline or
    the publication date of its byline), if there is one."""
    head = text[:400]
    written = [(match.start(), int(year)) for _, pattern in rules.patterns for match in pattern.finditer(head)
               for year in match.groups()[:8] if year and len(year) == 4 and year.isdigit()]
    return min(written)[1] if written else None


def _joined_rightly(form: str, text: str, match: re.Match[str], rules: DateRules) -> bool:
    """"between 2 and 4 May" is a range, while "on 16 and 17 September" names two days."""
    before = text[max(0, match.start() - 12):match.start()].lower().split()
    after_between = bool(before) and before[-1] in rules.between
    if form == "day-pair":
        return not after_between
    joined_by_and = bool(rules.after_between) and _and_pattern(rules.after_between).search(match.group(0)) is not None
    return after_between or not joined_by_and


@lru_cache(maxsize=16)
def _and_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """The words joining a range's ends after "between", compiled once rather than once per date."""
    return re.compile(r"\s(?:" + "|".join(map(re.escape, words)) + r")\s", re.I)


def _mentions(form: str, match: re.Match[str], rules: DateRules, context: int | None) -> list[DateMention] | None:
    """The date (or the two dates of "16 and 17 September") ``match`` writes: ``[]`` when it is no
    valid date, ``None`` when its year is unknown."""
    groups = [g for g in match.groups()]
    try:
        parts = _READERS[form](groups, rules)
        if form == "day-pair" and parts[1][2] == (parts[0][2] or 0) + 1:  # "11 and 12 November": a range
            values, spans = [_value(parts, context)], [(match.start(), match.end())]
        elif form == "day-pair":  # two days of one month apart: each its own date
            values = [_value([part], context) for part in parts]
            first_end = match.start() + len(re.match(r"\S+", match.group(0)).group(0))  # type: ignore[union-attr]
            spans = [(match.start(), first_end), (match.start(2), match.end())]
        else:
            values, spans = [_value(parts, context)], [(match.start(), match.end())]
    except (ValueError, KeyError):
        return []
    if all(value is None for value in values):
        return None
    explicit = any(part[0] is not None for part in parts)
    text = match.string
    return [DateMention(start, end, text[start:end], value, not explicit)
            for (start, end), value in zip(spans, values) if value is not None]


#: A date as read: (year or None, month, day or None).
_Part = tuple[int | None, int, int | None]


def _value(parts: list[_Part], context: int | None) -> str | None:
    """The ISO value of one date or a range, filling missing years from the end or the context."""
    year = next((p[0] for p in reversed(parts) if p[0] is not None), context)
    if year is None:
        return None
    if len(parts) == 1:
        y, m, d = parts[0]
        return _iso(y or year, m, d)
    (y1, m1, d1), (y2, m2, d2) = parts
    end_year = y2 or year
    # "30 December – 3 January 2019": the start is in the year before the end.
    start_year = y1 or (end_year - 1 if (m1, d1 or 1) > (m2, d2 or 1) else end_year)
    first, last = _iso(start_year, m1, d1), _iso(end_year, m2, d2)
    if first > last:
        return None
    return f"{first}/{last}"


def _iso(year: int, month: int, day: int | None) -> str:
    if day is None:
        if not 1 <= month <= 12:
            raise ValueError(month)
        return f"{year:04d}-{month:02d}"
    return date(year, month, day).isoformat()


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _month(name: str | None, rules: DateRules) -> int:
    return rules.months[(name or "").lower().rstrip(".")]


def _iso_range(g: list[str | None], rules: DateRules) -> list[_Part]:
    return [(_int(g[0]), int(g[1] or 0), _int(g[2])), (_int(g[3]), int(g[4] or 0), _int(g[5]))]


def _numeric(g: list[str | None], rules: DateRules) -> list[_Part]:
    day, month = int(g[0] or 0), int(g[1] or 0)
    if month > 12 >= day:  # 07/30/2018: month first
        day, month = month, day
    return [(_int(g[2]), month, day)]


def _numeric_range(g: list[str | None], rules: DateRules) -> list[_Part]:
    return [(_int(g[2]), int(g[1] or 0), int(g[0] or 0)), (_int(g[5]), int(g[4] or 0), int(g[3] or 0))]


def _day_month_range(g: list[str | None], rules: DateRules) -> list[_Part]:
    end_month = _month(g[4], rules)
    start_month = _month(g[1], rules) if g[1] else end_month
    return [(_int(g[2]), start_month, int(g[0] or 0)), (_int(g[5]), end_month, int(g[3] or 0))]


def _month_day_range(g: list[str | None], rules: DateRules) -> list[_Part]:
    start_month = _month(g[0], rules)
    end_month = _month(g[3], rules) if g[3] else start_month
    return [(_int(g[2]), start_month, int(g[1] or 0)), (_int(g[5]), end_month, int(g[4] or 0))]


_READERS: dict[str, Callable[[list[str | None], DateRules], list[_Part]]] = {
    "iso-range": _iso_range,
    "iso": lambda g, rules: [(_int(g[0]), int(g[1] or 0), _int(g[2]))],
    "numeric-range": _numeric_range,
    "numeric": _numeric,
    "numeric-dashed": _numeric,
    "iso-month": lambda g, rules: [(_int(g[0]), int(g[1] or 0), None)],
    "month": lambda g, rules: [(None, _month(g[0], rules), None)],
    "numeric-day-range": lambda g, rules: [(_int(g[3]), int(g[2] or 0), int(g[0] or 0)),
                                           (_int(g[3]), int(g[2] or 0), int(g[1] or 0))],
    "day-pair": lambda g, rules: [(_int(g[3]), _month(g[2], rules), int(g[0] or 0)),
                                  (_int(g[3]), _month(g[2], rules), int(g[1] or 0))],
    "day-month-range": _day_month_range,
    "month-day-range": _month_day_range,
    "day-month": lambda g, rules: [(_int(g[2]), _month(g[1], rules), int(g[0] or 0))],
    "day-month-dashed": lambda g, rules: [(_int(g[2]), _month(g[1], rules), int(g[0] or 0))],
    "month-comma-day": lambda g, rules: [(_int(g[2]), _month(g[0], rules), int(g[1] or 0))],
    "month-range": lambda g, rules: [(_int(g[2] or g[4]), _month(g[0], rules), None),
                                     (_int(g[2] or g[4]), _month(g[1] or g[3], rules), None)],
    "month-day": lambda g, rules: [(_int(g[2]), _month(g[0], rules), int(g[1] or 0))],
    "month-year": lambda g, rules: [(_int(g[1]), _month(g[0], rules), None)],
}
