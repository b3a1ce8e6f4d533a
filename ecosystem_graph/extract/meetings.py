"""Who met whom, where, when and in what order: the visit and its meetings in an extraction.

A sentence holding a meeting word ("met", "visited", "hosted") names the organizations met, in
the order the article reports them; the visitor is the graph's home organization when the
article names it, else the organization named before the first visit word.

>>> from ecosystem_graph.extract import extract_text
>>> from ecosystem_graph.extract.known import Known
>>> found = extract_text("From 3 to 5 May 2021 Cluster Plovdiv Tech Network visited Munich. "
...                      "The team met the Munich Digital Hub. Later that day they met "
...                      "Isar Robotics GmbH.", Known.from_data(empty=True))
>>> [(m.attrs["order"], m.mention.text, m.attrs.get("same_day_as")) for m in found.meetings]
[(1, 'Munich Digital Hub', None), (2, 'Isar Robotics GmbH', 1)]
>>> found.visit.value, found.visit.attrs["cities"]
('2021-05-03/2021-05-05', ['geonames:2867714'])
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from .known import Known
from .model import Entity, Extraction, Fact, Mention
from .names import HEAD_WINDOW
from .text import Sentence


def find_meetings(result: Extraction, known: Known) -> None:
    """Fill ``result.home``, ``result.visit`` and ``result.meetings``."""
    index = _Index(result, known)
    _organization_cities(result)
    visitor = _visitor(result, known, index)
    result.home = visitor.key if visitor else None
    result.visit = _visit(result, visitor, known, index)
    _meetings(result, visitor, known, index)
    if result.visit is not None:
        cities = result.visit.attrs["cities"]
        listed = set(cities)
        for meeting in result.meetings:
            city = meeting.attrs.get("city")
            if city and meeting.attrs.get("city_from") == "sentence" and city not in listed:
                cities.append(city)
                listed.add(city)


def has_word(text: str, words: tuple[str, ...]) -> re.Match[str] | None:
    """The first of ``words`` in ``text``, matched whole and in any case."""
    if not words:
        return None
    return _words_pattern(words).search(text)


@lru_cache(maxsize=64)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """The pattern of :func:`has_word`, made once per list of words rather than once per sentence."""
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)


class _Index:
    """What the meeting rules ask of each sentence, found once per article: the mentions and dates
    of a sentence, and whether it holds some cue words. Asking the whole extraction for each
    sentence again was quadratic in the article's length (issue 13)."""

    def __init__(self, result: Extraction, known: Known) -> None:
        self.result = result
        self.head_window = HEAD_WINDOW
        self.mentions: dict[str, dict[int, list[tuple[Mention, Entity]]]] = {}  # kind -> sentence start -> ...
        self.dates: dict[int, list[Fact]] = {}
        for date in result.dates:
            self.dates.setdefault(date.mention.sentence.start, []).append(date)
        self.words: dict[tuple[int, tuple[str, ...]], bool] = {}
        self.cues: dict[int, _CueSpans] = {}
        rules = known.rules
        self.not_met = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, rules.not_met_before)) +
                                  r")\s+(?:the\s+)?(?:[a-z][\w-]*\s*,\s*)?$", re.I)
        self.affiliation = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, rules.role_words)) +
                                      r")\s+(?:of|at|from|der|des|de|du|bei|von)\s+(?:the\s+)?$", re.I)
        # "MASIT hosts a delegation": the sentence names the visit's host, not a meeting.
        self.host = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, rules.host_words)) +
                               r")\s+(?:[\w'’-]+\s+){0,2}?(?:" + "|".join(map(re.escape, rules.visit_cues)) +
                               r")(?!\w)", re.I)
        self.leader = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, rules.leader_words)) +
                                 r")\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,4}$")
        self.coordinated = _coordinated(known)

    def mentions_in(self, kind: str, sentence_start: int) -> list[tuple[Mention, Entity]]:
        """The mentions of entities of ``kind`` named in the article in the sentence, in text order."""
        if kind not in self.mentions:
            by_sentence: dict[int, list[tuple[Mention, Entity]]] = {}
            for entity in getattr(self.result, kind):
                if entity.mentioned:
                    for mention in entity.mentions:
                        by_sentence.setdefault(mention.sentence.start, []).append((mention, entity))
            for found in by_sentence.values():
                found.sort(key=lambda pair: pair[0].start)
            self.mentions[kind] = by_sentence
        return self.mentions[kind].get(sentence_start, [])

    def has(self, sentence: Sentence, words: tuple[str, ...]) -> bool:
        """Whether ``sentence`` holds one of ``words`` (:func:`has_word`), read once per sentence."""
        key = (sentence.start, words)
        if key not in self.words:
            self.words[key] = has_word(sentence.text, words) is not None
        return self.words[key]

    def window(self, start: int, end: int) -> str:
        """The text from ``start`` to ``end``, its last ``extract.HEAD_WINDOW`` characters (see there)."""
        return self.result.article.text[max(start, end - self.head_window):end]

    def cue_between(self, sentence: Sentence, start: int, end: int, words: tuple[str, ...]) -> bool:
        """``has_word(text[start:end], words)`` for a span of ``sentence``, from its cue words found once."""
        if sentence.start not in self.cues:
            self.cues[sentence.start] = _CueSpans(sentence, words)
        return self.cues[sentence.start].between(self.result.article.text, start, end)


class _CueSpans:
    """The spans of one sentence's cue words, found once, answering whether a stretch of the sentence
    holds one as :func:`has_word` on that stretch would, without searching the stretch again."""

    def __init__(self, sentence: Sentence, words: tuple[str, ...]) -> None:
        self.words = words
        self.pattern = _words_pattern(words) if words else None
        self.spans = [(sentence.start + m.start(), sentence.start + m.end())
                      for m in self.pattern.finditer(sentence.text)] if self.pattern else []
        self.starts = [start for start, _ in self.spans]
        self.longest = max(map(len, words), default=0) + 1  # a cue and the character after it

    def between(self, text: str, start: int, end: int) -> bool:
        if self.pattern is None or start >= end:
            return False
        i = bisect_left(self.starts, start)
        crossing = i > 0 and self.spans[i - 1][1] > start
        if i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] <= end and not crossing:
                return True  # a cue found in the sentence lies in the stretch: it is one there too
        elif not crossing:
            # No cue of the sentence starts in the stretch. Cut out of the sentence, a stretch also
            # holds a cue glued to the text before it (at its start) or after it (at its end).
            head = text[start:min(end, start + self.longest)]
            return self.pattern.match(head) is not None or \
                self.pattern.search(text, max(start + 1, end - self.longest), end) is not None
        return has_word(text[start:end], self.words) is not None  # a cue runs across its ends: read it


def _organization_cities(result: Extraction) -> None:
    """An organization's city: one in its name, or 'X in/from/based in Y' in its sentences."""
    cities = {e.label.casefold(): e for e in result.places if e.attrs["place"].kind == "city"}
    for org in result.organizations:
        in_name = [cities[w.casefold()] for w in re.findall(r"[\w-]+", org.label) if w.casefold() in cities]
        if in_name:
            org.attrs.update(city=in_name[0].key, city_from="its name")
            continue
        for mention in org.mentions:
            after = result.article.text[mention.end:mention.end + 40]
            match = re.match(r"\s*(?:,\s*)?(?:(?:which is\s+)?based in|in|from|headquartered in|aus|de|à)\s+"
                             r"(?:the city of\s+)?([\w-]+)", after)
            if match and match.group(1).casefold() in cities:
                org.attrs.update(city=cities[match.group(1).casefold()].key, city_from="sentence")
                break


def _visitor(result: Extraction, known: Known, index: _Index) -> Entity | None:
    """The home organization if named; else the one right after the first visit word ("a delegation
    of X", "Work meetings of X") or before it ("X visited"); else the same around a meeting word."""
    home = next((o for o in result.organizations if known.home and o.match == known.home), None)
    if home is not None:
        return home
    # Visit words ("delegation", "trip") name the visitor before meeting words ("met") do.
    for cues in (known.rules.visit_cues, known.rules.meeting_cues):
        for sentence in result.sentences:
            cue = has_word(sentence.text, cues)
            if cue is None:
                continue
            orgs = index.mentions_in("organizations", sentence.start)
            head = sentence.text[:cue.start()]
            before = [e for m, e in orgs if m.start < sentence.start + cue.start()]
            if has_word(head, known.rules.host_words):
                if not before:
                    return None  # "we received the visit of X": the host reports, and X is whom it met
                before = []  # "MASIT hosts a delegation of AIT": the organization before a host word is the host
            after = [e for m, e in orgs if m.start > sentence.start + cue.start() and (
                _OF.fullmatch(result.article.text, sentence.start + cue.end(), m.start)
                or index.leader.search(index.window(sentence.start, m.start)))]
            if after or before:
                return (after or before)[0]
    return None


def _visit(result: Extraction, visitor: Entity | None, known: Known, index: _Index) -> Fact | None:
    """The visit: the date range of a sentence with a visit word (else the article's first range)."""
    ranges = [d for d in result.dates if "/" in d.value]
    cued = [d for d in ranges if index.has(d.mention.sentence, known.rules.visit_cues)]
    chosen = (cued or ranges or [None])[0]  # type: ignore[list-item]  # None: no range at all
    if chosen is None or visitor is None:
        return None
    home_city = visitor.attrs.get("city")
    cities: list[str] = []
    listed: set[str] = set()
    for sentence in result.sentences:
        if index.has(sentence, known.rules.visit_cues) or index.has(sentence, known.rules.meeting_cues):
            # A city named twice in one sentence is listed twice, as it always was.
            found = [e.key for _, e in index.mentions_in("places", sentence.start)
                     if e.attrs["place"].kind == "city" and e.key != home_city and e.key not in listed]
            cities += found
            listed.update(found)
    return Fact("visit", chosen.value, chosen.mention, {"organizer": visitor.key, "cities": cities})


def _meetings(result: Extraction, visitor: Entity | None, known: Known, index: _Index) -> None:
    seen: set[str] = set()
    for sentence in result.sentences:
        for mention, org in _met_in(result, sentence, visitor, known, index):
            if org.key in seen:
                continue
            seen.add(org.key)
            meeting = Fact("meeting", org.key, mention, {"order": len(result.meetings) + 1})
            _place_and_day(result, meeting, org, known, index)
            result.meetings.append(meeting)


#: What may stand between two organizations met in one sentence: "X and Y", "X, then Y", "X and by Y",
#: "X, a systems integrator, and the shipyard Y"; {cue} is a lowercase organization word after X
#: ("the INSAIT institute and the Academy").
_COORDINATED = (r"(?:\s+(?:{cue}))?\)?(?:\s*,\s*(?:an?|the|one of the|its)\s[^,;()]{{0,60}}[,;])?"
                r"\s*(?:,|;)?\s*(?:and|as well as|then|und|sowie|et|puis|&)?\s*"
                r"(?:(?:by|with|at|to|of|par|avec|chez|mit|bei|des|du|de)\s+)*"
                r"(?:(?:the|a|an|die|der|das|den|dem|le|la|les)\s+|l['’])?"
                r"(?:(?!of\b|for\b|by\b|with\b|at\b)[a-zà-ÿ][\w-]*\s+){{0,2}}")


#: What joins the visitor to the meeting word ("a delegation of the X").
_OF = re.compile(r"\s+(?:of|from|by|des|der|von|de|du)\s+(?:the\s+)?")


def _coordinated(known: Known) -> re.Pattern[str]:
    cues = "|".join(re.escape(c) for c in known.type_cues if " " not in c)
    return re.compile(_COORDINATED.format(cue=cues))


@dataclass
class _Sentence:
    """What decides, in one meeting sentence, which organizations were met."""

    start: int
    cue_at: int          # offset of the first meeting word
    host_cue: bool       # it is a host's verb ("presented"): its subject was met
    host_at: int         # offset of "X hosted a delegation": X is the visit's host, not a meeting
    not_met: re.Pattern[str]
    affiliation: re.Pattern[str]
    coordinated: re.Pattern[str]


def _reading(sentence: Sentence, known: Known, index: _Index) -> _Sentence | None:
    rules = known.rules
    cue = has_word(sentence.text, rules.meeting_cues)
    if cue is None:
        return None
    host = index.host.search(sentence.text)
    return _Sentence(
        sentence.start, sentence.start + cue.start(), has_word(cue.group(0), rules.host_verbs) is not None,
        sentence.start + host.start() if host else -1,
        # "such as X", "a partnership with the municipality, X": named, not met.
        index.not_met,
        # "Direktor der Štajerska Technology Park": where a person works, not whom the visitors met.
        index.affiliation,
        index.coordinated)


def _met_in(result: Extraction, sentence: Sentence, visitor: Entity | None, known: Known, index: _Index
            ) -> list[tuple[Mention, Entity]]:
    """The organizations a meeting sentence says were met: the subject of a host's verb, the first
    one after the meeting word, and those joined to a met one ("X and Y", "X, then Y")."""
    reading = _reading(sentence, known, index)
    if reading is None:
        return []
    text = result.article.text
    met: list[tuple[Mention, Entity]] = []
    met_ids: set[int] = set()
    last_end, skipped_end, taken_after_cue = None, None, False
    for mention, org in index.mentions_in("organizations", sentence.start):
        after_cue = mention.start > reading.cue_at
        if id(org) in met_ids:
            last_end = mention.end  # "X (XYZ) and Y": the short name joins Y as X does
            continue
        if org is visitor or (known.home and org.match == known.home):
            # "the cluster met X": the visitor can join X to the meeting word, and is not met itself.
            last_end, taken_after_cue = mention.end, taken_after_cue or after_cue
            continue
        if _named_not_met(text, reading, mention, skipped_end, index):
            skipped_end = mention.end  # "such as Siemens and BMW": neither is met
            continue
        if not after_cue and not reading.host_cue:
            continue  # before "met", "visited": the visitors
        # What lies between the last organization taken and this one, read in place, not cut out.
        start = last_end if last_end is not None else mention.start
        if not after_cue or not taken_after_cue or reading.coordinated.fullmatch(text, start, mention.start) or \
                index.cue_between(sentence, start, mention.start, known.rules.meeting_cues):
            met.append((mention, org))
            met_ids.add(id(org))
            last_end, taken_after_cue = mention.end, taken_after_cue or after_cue
    return met


def _named_not_met(text: str, reading: _Sentence, mention: Mention, skipped_end: int | None, index: _Index) -> bool:
    head = index.window(reading.start, mention.start)
    joined_to_skipped = skipped_end is not None and reading.coordinated.fullmatch(text, skipped_end, mention.start)
    return bool(reading.not_met.search(head) or reading.affiliation.search(head) or joined_to_skipped
                or mention.start < reading.host_at)


def _place_and_day(result: Extraction, meeting: Fact, org: Entity, known: Known, index: _Index) -> None:
    sentence = meeting.mention.sentence
    cities = [e.key for _, e in index.mentions_in("places", sentence.start) if e.attrs["place"].kind == "city"]
    visit_cities = result.visit.attrs["cities"] if result.visit else []
    # The city the sentence names; else the organization's; else the visit's only city.
    for city, source in ((cities[0] if cities else None, "sentence"), (org.attrs.get("city"), "organization"),
                         (visit_cities[0] if len(visit_cities) == 1 else None, "visit")):
        if city:
            meeting.attrs.update(city=city, city_from=source)
            break
    first, last = result.visit.value.split("/") if result.visit else ("0000", "9999")
    # A day of the sentence, if it falls within the visit ("published on 19 September" does not).
    days = [d.value for d in index.dates.get(sentence.start, []) if len(d.value) == 10 and first <= d.value <= last]
    if days:
        meeting.attrs["date"] = days[0]
    elif result.visit is not None and index.has(sentence, known.rules.last_day_words):
        meeting.attrs["date"] = result.visit.value.split("/")[-1]
    elif result.visit is not None and index.has(sentence, known.rules.first_day_words):
        meeting.attrs["date"] = result.visit.value.split("/")[0]
    if result.meetings and index.has(sentence, known.rules.same_day_words):
        meeting.attrs["same_day_as"] = result.meetings[-1].attrs["order"]
