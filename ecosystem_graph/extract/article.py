"""Draft facts from a news article with transparent rules: names, cue words, a gazetteer, context.

Capitalized word sequences are the candidate names. Each is read as a known entity of the graph,
a place of the gazetteer, an event, a person or an organization by the rules of
``extraction.yaml``; dates, themes and meetings are read from the sentences around them.

>>> from ecosystem_graph.extract.known import Known
>>> found = extract_text("Cluster Sofia Knowledge City met the Collider Accelerator in London "
...                      "on 30 July 2018.", Known.from_data(empty=True))
>>> [(e.label, e.attrs.get("type")) for e in found.organizations]
[('Cluster Sofia Knowledge City', 'cluster-organization'), ('Collider Accelerator', 'accelerator')]
>>> [p.label for p in found.places if p.mentioned], [d.value for d in found.dates]
(['London'], ['2018-07-30'])
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .. import geo
from .dates import DateMention, find_dates
from .known import Known, Place, gazetteer_place
from .meetings import find_meetings
from .model import Entity, Extraction, Fact, Mention, SentenceIndex
from .names import NameReader, is_camel
from .text import Article, Sentence, article_from_text, calm_capitals, sentences, wrapped_breaks


def extract_text(text: str, known: Known, fmt: str = "text", default_year: int | None = None) -> Extraction:
    """Extract from ``text`` read as ``fmt`` (text, markdown, html)."""
    return extract_article(article_from_text(text, fmt), known, default_year)


def extract_article(article: Article, known: Known, default_year: int | None = None) -> Extraction:
    """Extract every kind of fact from ``article``, linking names to ``known`` entities."""
    # Plain text: a line break ends a sentence unless the text wraps it (copied from a PDF).
    joined = wrapped_breaks(article.text, known.rules.line_joining_words) if article.format == "text" else frozenset()
    found = sentences(article.text, lines=article.format != "markdown", joined=joined)
    reader = NameReader(calm_capitals(article.text, known.rules.headline_small_words, known.rules.not_acronyms), known)
    for sentence in found:
        reader.read_sentence(sentence)
    reader.people_listed_together()
    reader.drop_headline_only()
    reader.merge_short_forms()
    reader.merge_people_into_organizations()
    locate = SentenceIndex(found)
    dates = [Fact("date", d.value, _date_mention(d, locate), {"year_from_context": d.year_from_context})
             for d in find_dates(article.text, known.rules.dates, default_year)]
    result = Extraction(article, found, reader.entities("organizations"), reader.entities("people"),
                        reader.entities("places"), reader.entities("events"), dates, [], [], None, None,
                        reader.entities("projects"), reader.entities("initiatives"))
    names = [(m.start, m.end) for e in [*result.organizations, *result.events, *result.projects, *result.initiatives]
             for m in e.mentions]
    result.themes = _themes(article.text, locate, known, names)
    _add_countries_of_cities(result, known)
    _known_cities(result, known)
    find_meetings(result, known)
    _link_people(result, reader, known)
    _attendance(result, known)
    return result


def _date_mention(date: DateMention, locate: SentenceIndex) -> Mention:
    return Mention(date.start, date.end, date.text, locate(date.start),
                   f"date written {date.text!r}" + (", year from the text around it" if date.year_from_context
                                                    else ""), 0.75 if date.year_from_context else 0.95)


# -- places, people, events -------------------------------------------------------------------


def _add_countries_of_cities(result: Extraction, known: Known) -> None:
    """Every city needs its country: one the article does not name is drafted, marked unmentioned."""
    countries = {e.attrs["place"].country: e for e in result.places if e.attrs["place"].kind == "country"}
    for city in [e for e in result.places if e.attrs["place"].kind == "city"]:
        code = city.attrs["place"].country
        if code not in countries:
            country = _country_by_code(code, known)
            if country is None:
                continue
            entity = Entity("places", country.name, f"geonames:{country.geonames_id}", None,
                            [Mention(city.first.start, city.first.end, city.first.text, city.first.sentence,
                                     f"country of {city.label}", 0.9)], {"place": country}, mentioned=False)
            result.places.append(entity)
            countries[code] = entity
        city.attrs["country_key"] = countries[code].key
    for place in result.places:
        ident = known.places_by_geonames.get(place.attrs["place"].geonames_id)
        if ident is not None:
            place.match = ident


def _known_cities(result: Extraction, known: Known) -> None:
    """An organization of the graph is where the graph says it is."""
    for org in result.organizations:
        city = known.values.get(("organizations", org.match or ""), {}).get("city")
        if city:
            org.attrs.update(city=f"id:{city}", city_from="graph")


def _country_by_code(code: str, known: Known) -> Place | None:
    entry = geo.find_country(code)
    return gazetteer_place(entry["name"], known.rules) if entry else None


def _link_people(result: Extraction, reader: NameReader, known: Known) -> None:
    """Roles and affiliations: 'Name, Role at Org', 'Role Name', 'Org's Role Name'."""
    orgs = _OrganizationsBySentence(result)
    for person in result.people:
        mention = person.first
        role = reader.role_before.get(mention.start) or _role_after(result.article.text, mention.end, known)
        if not role:
            continue
        person.attrs["role"] = role
        org = _affiliation(result, mention, orgs)
        if org is not None:
            person.attrs["organization"] = org.key


def _role_after(text: str, end: int, known: Known) -> str | None:
    match = re.match(r"\s*(?:,|\(|–|-)\s*(?:the\s+|our\s+|a\s+)?([^,.;()]{2,80})", text[end:end + 100])
    if not match:
        return None
    words = match.group(1).split()
    # The role runs up to its last role word: "Marketing and PR Expert at the Cluster" -> "Marketing and PR Expert".
    last = max((i for i, w in enumerate(words[:8]) if w.lower().strip("'’s") in known.rules.role_words), default=None)
    return " ".join(words[:last + 1]) if last is not None else None


def _affiliation(result: Extraction, mention: Mention, orgs: _OrganizationsBySentence) -> Entity | None:
    """The organization named right after the person's role, else the visitor when it sends the person."""
    text = result.article.text
    reach = len(text[mention.end:mention.end + 120])
    for start, _, org in orgs.after(mention.sentence.start, mention.end, mention.end + reach):
        if _ROLE_AT.search(text[max(mention.end, start - 25):start]):  # the 25 characters before it
            return org
    if orgs.sends_people(mention.sentence):
        # "The cluster was represented by ...": the people sent are the visitor's.
        before = orgs.first_before(mention.sentence.start, mention.start)
        return before or result.entity("organizations", result.home or "")
    return None


class _OrganizationsBySentence:
    """The organizations' mentions of each sentence, in text order, for the people of a long article:
    each person's sentence is looked up, not every mention of the article (issue 13)."""

    def __init__(self, result: Extraction) -> None:
        self.mentions: dict[int, list[tuple[int, int, Entity]]] = {}
        for org in result.organizations:
            for m in org.mentions:
                self.mentions.setdefault(m.sentence.start, []).append((m.start, m.end, org))
        for found in self.mentions.values():
            found.sort(key=lambda item: item[0])
        self.starts = {sentence: [item[0] for item in found] for sentence, found in self.mentions.items()}
        self.sending: dict[int, bool] = {}

    def after(self, sentence: int, low: int, high: int) -> list[tuple[int, int, Entity]]:
        """Mentions in ``sentence`` (its start) that start after ``low`` and before ``high``."""
        starts = self.starts.get(sentence, [])
        return self.mentions.get(sentence, [])[bisect_right(starts, low):bisect_left(starts, high)]

    def first_before(self, sentence: int, offset: int) -> Entity | None:
        """The organization of the sentence's first mention that ends by ``offset``."""
        found = self.mentions.get(sentence, [])
        for i in range(bisect_left(self.starts.get(sentence, []), offset)):  # those starting before it
            if found[i][1] <= offset:
                return found[i][2]
        return None

    def sends_people(self, sentence: Sentence) -> bool:
        """Whether ``sentence`` says someone was represented or sent ("delegation", "team", "experts")."""
        if sentence.start not in self.sending:
            self.sending[sentence.start] = re.search(r"represent|deleg|team|experts?|vertreten|représent",
                                                     sentence.text, re.I) is not None
        return self.sending[sentence.start]


#: "Role at the ": the word before a person's organization.
_ROLE_AT = re.compile(r"\b(?:at|of|from|with|bei|von|de|du|chez)\s+(?:the\s+)?$")


def _attendance(result: Extraction, known: Known) -> None:
    """'over 55,000 attendees' in an event's sentence: at least that many attended."""
    nouns = "|".join(map(re.escape, known.rules.attendance_nouns))
    bounds = "|".join(map(re.escape, known.rules.lower_bound_words))
    pattern = re.compile(rf"(?:({bounds})\s+)?(\d{{1,3}}(?:[,. \u202f]\d{{3}})+|\d+)\s*\+?\s+"
                         rf"(?:[\w-]+\s+)?(?:{nouns})\b",
                         re.I)
    read: dict[int, re.Match[str] | None] = {}  # sentence start -> its number of attendees: read once
    for event in result.events:
        for mention in event.mentions:
            if mention.sentence.start not in read:
                read[mention.sentence.start] = pattern.search(mention.sentence.text)
            match = read[mention.sentence.start]
            if match:
                event.attrs["attendees_at_least"] = int(re.sub(r"\D", "", match.group(2)))
                break


# -- themes ----------------------------------------------------------------------------------


def _weak_label(label: str, ident: str, known: Known) -> bool:
    """A one-word label that other themes' labels contain ("innovation" in "social innovation",
    "infrastructure innovation"...) says too little to name a theme on its own."""
    if " " in label:
        return False
    pattern = re.compile(rf"(?<![\w-]){re.escape(label)}(?![\w-])", re.I)
    others = {other for other, names in known.themes if other != ident for name in names if pattern.search(name)}
    return len(others) >= 2


def _themes(text: str, locate: SentenceIndex, known: Known, names: list[tuple[int, int]]) -> list[Fact]:
    """Themes whose label or alternative label the text uses outside ``names`` (spans of names of
    organizations and events: "Cluj IT Cluster" is not about IT), first mention each."""
    labels = sorted(((label, ident) for ident, names in known.themes for label in names
                     if not _weak_label(label, ident, known)), key=lambda pair: -len(pair[0]))
    taken = _Spans(len(text))
    for start, end in names:
        taken.add(start, end)
    first: dict[str, Fact] = {}
    for label, ident in labels:
        # Labels in capitals ("IT", "IoT") match only as written; others in any case, singular or plural.
        flags = 0 if label.isupper() or is_camel(label) else re.IGNORECASE
        plural = r"(?:s|es)?" if label[-1:].isalpha() else ""
        # "smart city" is also written "smart-city".
        written = r"[\s-]+".join(map(re.escape, label.split()))
        for match in re.finditer(rf"(?<![\w-]){written}{plural}(?![\w-])", text, flags):
            if taken.overlaps(match.start(), match.end()):
                continue
            taken.add(match.start(), match.end())
            fact = first.get(ident)
            if fact is None or match.start() < fact.mention.start:
                first[ident] = Fact("theme", ident, Mention(match.start(), match.end(), match.group(0),
                                                            locate(match.start()),
                                                            f"theme label {label!r}", 0.85 if len(label) > 4 else 0.7))
    return sorted(first.values(), key=lambda f: f.mention.start)


class _Spans:
    """Spans of a text taken by names or earlier matches, as a mark per character: asking whether a
    match overlaps one costs the match's length, not the number of spans taken (issue 13). Spans
    are never empty (names and matches have a character at least), so sharing a character is
    overlapping.

    >>> spans = _Spans(10); spans.add(2, 4)
    >>> spans.overlaps(0, 2), spans.overlaps(3, 8), spans.overlaps(4, 10)
    (False, True, False)
    """

    def __init__(self, length: int) -> None:
        self.marks = bytearray(length)

    def add(self, start: int, end: int) -> None:
        end = min(end, len(self.marks))
        self.marks[start:end] = b"\x01" * max(0, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self.marks.find(1, start, end) != -1
