"""Articles built to make ``extract`` slow: the two shapes of issue 13 that ran about quadratic
(an ordinary paragraph repeated, names never seen before), and a third without any sentence end.

They are made to a size in characters (ASCII, so also in bytes) and are the same for the same
size, so a benchmark or a test can compare sizes. They are generated rather than stored: the
shapes matter, not the bytes, and a 2 MB file would bloat the repository.

>>> len(repeated_news(5000)), len(distinct_names(5000)), one_sentence(5000).count(". ")
(5000, 5000, 0)
>>> distinct_names(200).split(". ")[0]
'Lokaka Lokalo Ltd met Lokami Lokane Cluster in Sofia on 1 January 2000'
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

#: An ordinary news paragraph: a visit, a delegation, meetings, a date range, places and themes.
NEWS_PARAGRAPH = (
    "From 12 to 14 March 2019 the Plovdiv Digital Cluster visited Munich, Germany. The delegation was led "
    "by Stoyan Georgiev, Chairman of the cluster. On the first day the team met Werk1 Innovation Hub in "
    "Munich. Then it met Isar Mobility GmbH. Later that day it met Nesta in London. The experts visited the "
    "Fraunhofer Institute. They met the Collider Accelerator to discuss smart cities and blockchain. On "
    "14 March the team visited Siemens in Munich and met BMW. Both sides discussed the Internet of Things.\n\n"
)

#: Syllables of the made-up names: written as digits of a number, every name is different.
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "gu")
_SUFFIXES = ("Ltd", "Cluster", "GmbH", "Accelerator", "Institute", "Agency")
_CITIES = ("Sofia", "Munich", "Porto", "Vienna", "Lyon", "Tartu")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def repeated_news(size: int) -> str:
    """``NEWS_PARAGRAPH`` repeated, cut to ``size`` characters."""
    return (NEWS_PARAGRAPH * (size // len(NEWS_PARAGRAPH) + 1))[:size]


def distinct_names(size: int) -> str:
    """Sentences naming organizations never named before ("Lokaka Lokalo Ltd met Lokami Lokane Cluster in
    Sofia on 1 January 2000."), cut to ``size`` characters."""
    parts: list[str] = []
    length = 0
    for sentence in _name_sentences():
        parts.append(sentence)
        length += len(sentence)
        if length >= size:
            break
    return "".join(parts)[:size]


def one_sentence(size: int) -> str:
    """The sentences of :func:`distinct_names` joined by commas into one sentence of ``size``
    characters: whatever is read from a name's sentence must not be read from its start each time."""
    return distinct_names(size).replace(".\n\n", ", and ").replace(". ", ", and ")[:size]


def _name_sentences() -> Iterator[str]:
    words = (_word(n) for n in count(12 * 12))  # from 144: every word has three syllables or more
    for n in count():
        first = f"{next(words)} {next(words)} {_SUFFIXES[n % 3 * 2]}"
        second = f"{next(words)} {next(words)} {_SUFFIXES[n % 3 * 2 + 1]}"
        day, month, year = n % 28 + 1, _MONTHS[n % 12], 2000 + n % 25
        ending = "\n\n" if n % 5 == 4 else " "
        yield f"{first} met {second} in {_CITIES[n % 6]} on {day} {month} {year}.{ending}"


def _word(n: int) -> str:
    """Number ``n`` written in syllables, capitalized: a name no gazetteer holds."""
    syllables = []
    while n:
        n, digit = divmod(n, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
    return "".join(reversed(syllables)).capitalize()
