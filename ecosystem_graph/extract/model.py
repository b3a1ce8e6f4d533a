"""What extraction finds: mentions (where a name or fact was read), entities, facts, and the
extraction of one article; and finding the sentence an offset falls in."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from .text import Article, Sentence


@dataclass
class Mention:
    """Where a name or fact was read: the span of its words and the sentence around them."""

    start: int
    end: int
    text: str
    sentence: Sentence
    why: str
    confidence: float


@dataclass
class Entity:
    """An organization, person, place or event the article names, with every mention of it."""

    kind: str            # organizations, people, places, events, projects, initiatives
    label: str
    key: str
    match: str | None    # id of the graph's entity, None when it is new
    mentions: list[Mention] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    mentioned: bool = True  # False for a country drafted only because a city needs it

    @property
    def confidence(self) -> float:
        return max((m.confidence for m in self.mentions), default=0.5)

    @property
    def first(self) -> Mention:
        return self.mentions[0]


@dataclass
class Fact:
    """A date, theme or meeting, with the mention it was read from."""

    kind: str
    value: str
    mention: Mention
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Extraction:
    """Everything drafted from one article."""

    article: Article
    sentences: list[Sentence]
    organizations: list[Entity]
    people: list[Entity]
    places: list[Entity]
    events: list[Entity]
    dates: list[Fact]
    themes: list[Fact]
    meetings: list[Fact]
    visit: Fact | None
    home: str | None  # key of the organization whose visit the article reports
    projects: list[Entity] = field(default_factory=list)
    initiatives: list[Entity] = field(default_factory=list)  # programmes, initiatives, labels, documents
    _by_key: dict[str, tuple[list[Entity], int, dict[str, Entity]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def entity(self, kind: str, key: str) -> Entity | None:
        """The first entity of ``kind`` with ``key``. Looked up in an index (drafting asks once per
        record); the index is rebuilt when the list is another or has grown, as the lists only grow."""
        entities = getattr(self, kind)
        cached = self._by_key.get(kind)
        if cached is None or cached[0] is not entities or cached[1] != len(entities):
            index: dict[str, Entity] = {}
            for entity in entities:
                index.setdefault(entity.key, entity)
            cached = self._by_key[kind] = (entities, len(entities), index)
        return cached[2].get(key)


def sentence_at(found: list[Sentence], offset: int) -> Sentence:
    """The sentence holding ``offset`` (the last one if none does). For many look-ups, use
    :class:`SentenceIndex`: this scans the sentences."""
    for sentence in found:
        if sentence.start <= offset < sentence.end:
            return sentence
    return found[-1]


class SentenceIndex:
    """:func:`sentence_at` by bisection, for the many dates and themes of a long article: the
    sentences of :func:`sentences` are in text order and do not overlap.

    >>> from ecosystem_graph.extract.text import sentences
    >>> found = sentences("One. Two. Three.")
    >>> [SentenceIndex(found)(offset).text for offset in (0, 4, 6, 99)]
    ['One.', 'Three.', 'Two.', 'Three.']
    """

    def __init__(self, found: list[Sentence]) -> None:
        self.found = found
        self.starts = [sentence.start for sentence in found]

    def __call__(self, offset: int) -> Sentence:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.found[i].end:
            return self.found[i]
        return self.found[-1]
