"""Reading names: the runs of capitalized words of each sentence, cut, joined and classified as
organizations, people, places or events, with why and how sure."""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from .. import geo
from .known import Known, Place, gazetteer_place, is_region, us_state_codes
from .model import Entity, Mention
from .rules import Rules
from .text import Sentence

_CONNECTORS = frozenset({"of", "for", "and", "&", "+", "de", "du", "des", "la", "le", "für", "der", "von", "van",
                         "den", "the", "di", "del", "y", "i", "na", "za", "und", "et", "degli", "della",
                         "delle", "dei", "dello", "do", "dos", "da"})
#: Particles of family names: "Willem van den Berg", "Laura De Santis", "Anouk de Jong".
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "del", "della", "di", "da", "dos", "du", "le", "la",
                        "ten", "ter", "zu", "al", "bin"})
#: Words for "of" that open the complement of an organization word ("Ministry of", "Ministerium für").
_OF = frozenset({"of", "for", "für", "de", "del", "di", "della", "des", "du", "do", "da", "dello"})
#: The same with an article, after which a unit's name gives way to its organization's ("the DG of
#: Institutional Relations of the Regional Government").
_OF_THE = ("of the", "del", "della", "dello", "de la", "des", "der", "du", "dell'", "dell’", "di", "de")
#: Endings of abstract nouns: "Participation of X", "Präsentation von X" name X.
_ABSTRACT_ENDINGS = ("tion", "sion", "ment", "ance", "ence", "ship", "ción", "zione", "ung")
#: Endings of common nouns and adjectives no family name has: "Maritime Surveillance", "Marine
#: Renewable Energy", "Überlagerungen von Wirkungen" are no people.
_NOUN_ENDINGS = ("tion", "sion", "ity", "ness", "able", "ible", "ogy", "ergy", "ism", "ance", "ungen")
#: Connectors that join two names as often as they join the words of one ("Slovenia and Italy").
_AND = ("and", "und", "et", "y", "&")
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "der", "die", "das", "des", "dem", "den", "ein", "eine",
                          "le", "la", "les", "l", "un", "une", "du"})
_ARTICLES = frozenset({"the", "la", "le", "l", "die", "der", "des", "den"})
_TOKEN = re.compile(r"(?:[dlDLjJnNsScC]|[Qq]u)['’](?=[^\W\d_])"  # French elision: "d'Aderly", "l'INSA"
                    r"|[A-Z][A-Z0-9]+/[A-Z][A-Z0-9]+\b"  # "VDI/VDE": two acronyms with a slash are one
                    r"|[^\W_][\w'’\-]*(?:\.(?:com|io|ai|net|org|eu|co)\b)?|&|\S")
_POSSESSIVE = re.compile(r"['’]s?$")
_GENDERED_PLURAL = re.compile(r"[a-zäöüß]Innen$")
# Work package, work group, deliverable, month, task, version: the letters of a project's planning.
_DOCUMENT_CODE = re.compile(r"(?:WP|WG|[DMTV])\d{1,3}(?:\.\d{1,2})?|[A-Z]2[A-Z]")
#: How far before a name its cue words are looked for ("such as", "CEO of", "said"), in characters. The
#: longest cue phrase read there is under 100 characters (a role, "of", an organization's name of up to
#: 60 characters, a comma); the window keeps a long sentence from being searched from its start once per
#: name (issue 13: that made extraction quadratic). Only a cue phrase stretched past the window, by
#: hundreds of spaces or a word of hundreds of letters, is no longer read.
HEAD_WINDOW = 400
#: The most words one name can have. Longer runs of capitalized words (a hostile text of nothing else)
#: are cut into names of this many words, so that the rules applied to each name stay bounded; no name
#: of a real article comes near it.
MAX_NAME_WORDS = 40
_WORD_BEFORE = re.compile(r"[\w.'’&-]+")
_COMMA_OR_SPACE = re.compile(r"[\s,]*")
_COMMA = re.compile(r"\s*,\s*")
#: Between two names in brackets of one list: "water (Catalan Water Partnership), railway (Railgrup)".
_BRACKETED_TOGETHER = re.compile(r"\)\s*[,;]\s*(?:and\s+)?[^()A-Z.;:]{1,50}\(")
_APPOSITION = re.compile(r",\s+the\s+")
#: What joins a name to the organization named before it: "Siemens and Bosch", "X (XY), and the Y".
_TOGETHER = re.compile(r"(?:\s*\([^()]{1,25}\))?(?:\s*,\s*|\s*,?\s+(?:and|und|et|or)\s+)"
                       r"(?:(?:of|from|at|with)\s+)?(?:the\s+)?")
#: The same in the Romance languages, whose "a", "presso", "en" place a name ("si terrà a Matera").
_LOCATIVE_HEAD_FIRST = re.compile(r"(?i)\b(?:a|ad|presso|en|em|desde|hasta|dans|vers|di|de|da|à|ciudad|città|ville)$")
#: Words before a place's name that make a doubtful name a place: "in Martin", "the city of Julia".
_LOCATIVE = re.compile(r"(?i)(?:\b(?:in|to|from|near|of|at|via|nach|aus|bei|von|à|en|de|au|city|town|capital"
                       r"|visits?|visited|visiting)"
                       r"|\bcity of"
                       r"|\b(?:19|20)\d\d)$")  # "on Friday, April 7, 2017, Montreal": the place after a date


@dataclass
class _Chunk:
    """A run of capitalized words (and the small words joining them) in a sentence."""

    start: int
    end: int
    words: list[str]
    sentence: Sentence
    initial: bool  # at the start of its sentence

    @property
    def text(self) -> str:
        return self.sentence.text[self.start - self.sentence.start:self.end - self.sentence.start]


def article_language(text: str, rules: Rules) -> str | None:
    """The language of ``text`` whose commonest words (``language_words``) it uses most.

    >>> from ecosystem_graph.extract.rules import load_rules
    >>> article_language("La delegación visitó el parque y los centros de la región.", load_rules())
    'es'
    """
    counts = Counter(word for word in re.findall(r"[^\W\d_]+", text[:5000].lower()))
    scores = {language: sum(counts[w] for w in words) for language, words in rules.language_words.items()}
    best = max(scores, key=lambda language: scores[language], default=None)
    return best if best is not None and scores[best] > 0 else None


#: Prepositions that end a kind word's phrase: after "program at", a name is where it takes place.
_PREPOSITIONS = "at|in|to|with|from|by|for|on|into|within|under|after|before|during|a|en|à|bei|mit|zu|con|por|para"


class NameReaderPatterns:
    """The reader's patterns made of cue words, compiled once per article rather than once per name."""

    def __init__(self, rules: Rules) -> None:
        roles = "|".join(map(re.escape, rules.role_words))
        kinds = "|".join(map(re.escape, rules.lowercase_kind_words))
        verbs = "|".join(map(re.escape, rules.organization_verbs))
        # "the COSME programme", "(COSME) programme", "GreenDigital, a project funded by"
        self.kind_after = re.compile(rf"[\"”)]?(?:\s*\([^()]{{1,20}}\))?(?:\s+\d+(?:\.\d+)*)?"
                                     rf"(?:\s*,\s*(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}|\s+)({kinds})\b")
        # "il progetto comunitario X", "the memorandum of X"; not "program at X".
        self.kind_before = re.compile(rf"\b({kinds})\s+(?:(?!(?:{_PREPOSITIONS})\s)[a-zà-ÿ]+\s+)?[\"“«]?\s*$")
        # "the Director General of the DG X, Name", "il presidente della Provincia di X, Name": a role,
        # its organization (commas allowed: "Ministerio de Industria, Energía y Turismo"), then the name.
        self.role_of_before = re.compile(rf"(?<!\w)(?:{roles})(?:\s+[A-Z][a-z]+)?\s+(?:of|at|de|del|de la|della|"
                                         rf"dello|del|di|du|des|d['’]|der|des|von|bei)\s*[^.;()]{{2,120}},\s*$", re.I)
        # "il consigliere del ", "l'assessore regionale alla ": a role and the word before its organization
        self.role_of_start = re.compile(rf"(?<!\w)(?:{roles})(?:\s+[a-zà-ÿ]+){{0,3}}?\s+"
                                        rf"(?:of(?:\s+the)?|at|del|della|dello|"
                                        rf"dell['’]|di|de|de la|du|des|d['’]|der|al|alla|allo|ai|agli)\s*$", re.I)
        self.role_org_before = re.compile(rf"(?<!\w)(?:{roles})\s+(?:of|at|from|bei|der|de|du|chez)\s+(?:the\s+)?$",
                                          re.I)
        self.staff_after = re.compile(
            rf"['’]s?\s+(?:[a-z-]+\s+)?(?:{roles}|team|board|staff|office|headquarters|campus|researchers)\b", re.I)
        self.person_verb = re.compile(r",?\s*(?:" + "|".join(map(re.escape, rules.person_verbs)) + r")\b")
        self.organization_verb = re.compile(rf",?\s+(?:{verbs})\b")
        self.met_before = re.compile(r"\b(?:" + "|".join(map(re.escape, rules.met_before)) + r")$")


class NameReader:
    """Reads the names of each sentence and keeps one entity per name key."""

    def __init__(self, text: str, known: Known) -> None:
        self.text, self.known, self.rules = text, known, known.rules
        self.found: dict[tuple[str, str], Entity] = {}
        self.aliases: dict[str, str] = {}  # acronym in brackets -> key of the name before it
        self.role_before: dict[int, str] = {}  # start of a person's name -> role written before it
        self.last_org: tuple[int, Entity | None] = (-1, None)  # end of the last organization named
        self.written: dict[int, Sentence] = {}  # start -> the sentence as the article writes it
        dotted = (re.escape(f) for f in self.rules.legal_forms if "." in f or " " in f or "/" in f)  # "A/S"
        self.legal_form = re.compile(r",?\s+(" + "|".join(dotted)
                                     + r")(?!\w)")
        # Indexes of what was found, kept as it is found: a name is compared with earlier names through
        # them, never by looking through every name found so far (issue 13: that was quadratic).
        self.by_key: dict[str, list[Entity]] = {}         # name key -> entities of any kind
        self.by_family_name: dict[str, list[Entity]] = {}  # last word of a person's label -> people
        self.place_labels: set[str] = set()               # labels of places (they never change)
        self.country_codes: Counter[str] = Counter()      # ISO codes of the countries found
        self.best: dict[int, float] = {}                  # id of an entity -> its mentions' best confidence
        self.theme_labels = {label.lower() for _, labels in known.themes for label in labels}
        self.patterns = NameReaderPatterns(self.rules)
        # Organization words that end German compounds ("Handelskammer"), in the cues' order.
        self.compound_cues = [(cue, type_id) for cue, type_id in known.type_cues.items()
                              if len(cue) >= 6 and " " not in cue]
        self.compound_endings = tuple(cue for cue, _ in self.compound_cues)
        self.kind_phrases = [phrase for phrase in self.rules.name_kinds if " " in phrase]
        self.lowercase_words = frozenset(re.findall(r"\b[a-zà-ÿ]+\b", text))
        self.language = article_language(text, self.rules)
        self.head_first = self.language in self.rules.head_first_languages
        self.region_names: list[str] = []  # regions and areas named: an acronym of their initials is theirs
        self.dropped: set[str] = set()  # keys of names found to be no organization, person or place
        self.programmes: set[str] = set()  # keys of names written before "-funded": programmes
        self.unread_people: dict[str, _Chunk] = {}  # family name -> a person-shaped name no rule read
        self.unread_names: list[_Chunk] = []  # every person-shaped name no rule read, in the text's order
        self.end_of_text = len(text.rstrip())

    def entities(self, kind: str) -> list[Entity]:
        return [e for (k, _), e in self.found.items() if k == kind]

    def read_sentence(self, sentence: Sentence) -> None:
        # Names are read in the text with headlines calmed; mentions keep the sentence as written.
        self.written[sentence.start] = sentence
        calm = Sentence(sentence.start, sentence.end, self.text[sentence.start:sentence.end])
        if sentence.text.lstrip(" *#>-").lower().startswith(self.rules.boilerplate_starts):
            # "Share this: Facebook Twitter", "Tags: ...": page furniture names no one; but text from a PDF
            # may glue the next sentence to it ("All rights reserved The information ..."), read blanked.
            glued = self._glued_sentence(calm)
            if glued is None:
                return
            calm = Sentence(calm.start, calm.end, " " * glued + calm.text[glued:])
        for chunk in self._refined(_chunks(calm, self.rules.legal_suffixes,
                                           lambda word: self._type_in([word, word]) is not None, self.legal_form,
                                           self.rules.cue_connectors)):
            self._classify(chunk)

    def _glued_sentence(self, sentence: Sentence) -> int | None:
        """Where (in ``sentence.text``) a sentence glued without a full stop to it starts: a lowercase word, then a
        capitalized word that opens sentences (``not_names``: "The", "This"), then a lowercase word."""
        for match in re.finditer(r"[a-z]\s+([A-Z][a-z]*)\s+[a-z]", sentence.text):
            if match.group(1) in self.rules.not_names:
                return match.start(1)
        return None

    # Chunking refinements: names never start with a sentence's "The" or a month, roles are cut off.
    def _refined(self, chunks: list[_Chunk]) -> list[_Chunk]:
        result: list[_Chunk] = []
        for chunk in map(self._before_capitals, self._join_enumerations(chunks)):
            for trimmed in self._of_its_organization(self._known_of_place(self._split_role(self._trim(chunk)))):
                self._read_parts(trimmed, result)
        return result

    def _before_capitals(self, chunk: _Chunk) -> _Chunk:
        """'Oliver Ziegler CLUSTER MANAGEMENT EXCELLENCE IN THE DANUBE REGION Pan-European Snapshot of ...':
        a title in capitals glued to a name (text from a PDF's title page) ends the name; the title and
        its subtitle after it are dropped."""
        words = chunk.words
        start = next((i for i in range(1, len(words) - 1) if _loud(words[i]) and _loud(words[i + 1])), None)
        if start is None:
            return chunk
        return _Chunk(chunk.start, self._end_of(chunk, chunk.start, words[:start]), words[:start], chunk.sentence,
                      chunk.initial)

    def _read_parts(self, trimmed: _Chunk | None, result: list[_Chunk]) -> None:
        """Append to ``result`` the names of ``trimmed``: a role's person, "X of Y", "X and Y" apart."""
        for cut in self._role_organization_person(trimmed):
            for joined in self._split_person_of(cut):
                for part in self._split_and(joined):
                    if part is not None and part.words:
                        result.append(part)

    def _of_its_organization(self, chunk: _Chunk | None) -> list[_Chunk | None]:
        """'Innovación y Competitividad del Gobierno Vasco', 'DG of Institutional Relations of the Regional
        Government of X': a portfolio or a unit (``unit_words``), then "of the" and an organization with
        its own organization word, is that organization."""
        if chunk is None:
            return [None]
        text = " ".join(chunk.words)
        abstract = len(chunk.words) > 3 and chunk.words[1] in ("of", "von") and \
            chunk.words[0].lower().endswith(_ABSTRACT_ENDINGS) and self._type_in(chunk.words[:1]) is None
        for joint in (*_OF_THE, *(("of", "von") if abstract else ())):
            at = text.rfind(f" {joint} ")
            if at < 0:
                continue
            left, right = text[:at].split(), text[at + len(joint) + 2:].split()
            if gazetteer_place(f"{left[-1]} {joint} {right[0]}", self.rules):
                continue  # "the Rio de Janeiro Municipality": "de" inside a place's name
            unit = left[0].lower() in self.rules.unit_words or self._type_in(left) is None
            if unit and len(right) >= 2 and self._type_in(right) is not None and _legal_key(left[-1]) not in \
                    self.rules.legal_suffixes:
                start = self._after(chunk, chunk.start, *left, *joint.replace("’", "'").split("'")[0].split())
                start = self.text.index(right[0], start)
                return [self._named_unit(chunk, left), _Chunk(start, chunk.end, right, chunk.sentence, False)]
        return [chunk]

    def _named_unit(self, chunk: _Chunk, left: list[str]) -> _Chunk | None:
        """'DG Enterprise and Industry' of the European Commission: a directorate-general named before its
        organization is named too; "the DG of Institutional Relations" of a government is a portfolio."""
        if left[0].lower() not in self.rules.named_units or len(left) < 2 or left[1].lower() in _OF:
            return None
        return _Chunk(chunk.start, self._end_of(chunk, chunk.start, left), left, chunk.sentence, chunk.initial)

    def _known_of_place(self, chunk: _Chunk | None) -> _Chunk | None:
        """'Clust-ER Health of Emilia-Romagna' after 'Clust-ER Health': the name read before, and where it is."""
        if chunk is None or "of" not in chunk.words[1:-1]:
            return chunk
        i = chunk.words.index("of", 1)
        left, right = chunk.words[:i], " ".join(chunk.words[i + 1:])
        alone = " ".join(left)
        if all(w.lower() in self.known.type_cues for w in left) or " ".join(chunk.words[:i + 1]).lower() in \
                self.known.type_cues:
            return chunk  # "University of Ljubljana", "City of Helsinki": an organization word and its place
        named = self.known.key(alone) in self.by_key or re.search(rf"\b{re.escape(alone)}\b(?!\s+of\b)", self.text)
        if named and (is_region(right, self.rules) or gazetteer_place(right, self.rules)):
            return _Chunk(chunk.start, self._end_of(chunk, chunk.start, left), left, chunk.sentence, chunk.initial)
        return chunk

    def _role_organization_person(self, chunk: _Chunk | None) -> list[_Chunk | None]:
        """'il consigliere del Lombardia Aerospace Cluster Massimo Maronati', 'l'assessore alla Formazione
        Vincenzo Viti': after a role and its "of", an organization (or a portfolio) and then the person
        are one run of capitals; the last two words are the person."""
        role = self.patterns.role_of_start.search(self._head(chunk)) if chunk is not None else None
        if chunk is None or role is None or len(chunk.words) < 3 or not _person_shaped(chunk.words[-2:]) or \
                self._has_cue(chunk.words[-2:]):
            return [chunk]
        left, right = chunk.words[:-2], chunk.words[-2:]
        going_on = re.match(r"\s*(?:of|for|de|di|del)\b", self.text[chunk.end:])  # the name goes on: no person
        if len(left) == 1 and self._type_in(left) or any(w.lower() in _CONNECTORS for w in right) or going_on:
            return [chunk]
        person_start = self.text.index(right[0], self._end_of(chunk, chunk.start, left))
        self.role_before[person_start] = f"{role.group(0).strip()} {' '.join(left)}"
        head = _Chunk(chunk.start, self._end_of(chunk, chunk.start, left), left, chunk.sentence, chunk.initial)
        return [head if self._type_in(left) else None, _Chunk(person_start, chunk.end, right, chunk.sentence, False)]

    def _join_enumerations(self, chunks: list[_Chunk]) -> list[_Chunk]:
        """'Ministry of Education, Youth and Sports', 'Chamber of Commerce, Industry and Crafts': an
        organization word's "of" phrase may go on as a list of single words ending in "W and W"."""
        result: list[_Chunk] = []
        i = 0
        while i < len(chunks):
            head, j = chunks[i], i + 1
            if self._enumerable(head):
                while j < len(chunks) and len(chunks[j].words) == 1 and self._enumerated(chunks[j - 1], chunks[j]):
                    j += 1
                last = chunks[j] if j < len(chunks) else None
                if last is not None and len(last.words) >= 3 and last.words[1] in _AND and \
                        self._enumerated(chunks[j - 1], last):
                    result.append(_Chunk(head.start, last.end, [w for c in chunks[i:j + 1] for w in c.words],
                                         head.sentence, head.initial))
                    i = j + 1
                    continue
            result.append(head)
            i += 1
        return result

    def _enumerable(self, chunk: _Chunk) -> bool:
        """A name ending 'of Word' whose words hold an organization word: 'Ministry of Education'."""
        words = chunk.words
        at = next((i for i in (len(words) - 2, len(words) - 3) if i > 0 and words[i] in _OF), None)
        return len(words) >= 3 and at is not None and self._type_in(words[:at]) is not None

    def _enumerated(self, previous: _Chunk, chunk: _Chunk) -> bool:
        """Whether ``chunk`` goes on the list after ``previous``: a comma between, and only words in
        title case that are no large place nor organization word. (Two companies named in one word,
        "the Ministry of Economy, Siemens and Bosch", still pass: a known limit, see docs/extraction.md.)"""
        words = [w for w in chunk.words if w not in _AND]
        # The list's last word may be an acronym or a region: "Entrepreneurship and SMEs",
        # "Arbeit und Tourismus Baden-Württemberg".
        return _COMMA.fullmatch(self.text, previous.end, chunk.start) is not None and \
            all((_titlecase(w) or (i == len(words) - 1 and w.rstrip("s").isupper())) and
                not self._clear_place(w) and self._type_in([w]) is None for i, w in enumerate(words))

    def _trim(self, chunk: _Chunk) -> _Chunk | None:
        words = list(chunk.words)
        start = chunk.start
        initial = chunk.initial
        while words and (words[0] in self.rules.not_names or words[0].lower() in _CONNECTORS or
                         document_code(words[0]) or self._byline_word(words[0]) or
                         (len(words[0]) == 1 and self.text[start + 1:start + 2] in "'’")):  # "L'AEB": an article
            # "met The Bakery": a capital "The" inside a sentence is part of the name.
            if words[0] == "The" and len(words) > 1 and not initial:
                break
            start = self._after(chunk, start, words.pop(0))
            start += self.text[start:start + 1] in "'’"  # and the apostrophe of an elided article
            initial = False
        if self._leading_noun(words):
            start = self._after(chunk, start, words.pop(0), words.pop(0))
            initial = False
        while words and words[-1].lower() in _CONNECTORS:
            words.pop()
        if len(words) > 3 and words[-2].lower() in _OF and self._type_in(words[-1:]) and self._type_in(words[:-2]):
            del words[-2:]  # "Regione Lombardia del Cluster": "the cluster's" is no part of the name
        if words and re.fullmatch(r"[^\W\d_][\w'’]*-(?:funded|financed|backed|supported|sponsored)", words[0]):
            self.programmes.add(self.known.key(words[0].rsplit("-", 1)[0]))  # "COSME-funded": COSME funds
            start = self._after(chunk, start, words.pop(0))
            initial = False
        if not words or all(w.lower() in self.rules.dates.months for w in words):
            return None
        end = self._end_of(chunk, start, words)
        return _Chunk(start, end, words, chunk.sentence, chunk.initial and start == chunk.start)

    def _byline_word(self, word: str) -> bool:
        """'AUTHORS', 'Autor': a word opening a byline (not a particle such as "Di", "Von")."""
        return len(word) > 4 and word.lower() in self.rules.byline_words

    def _leading_noun(self, words: list[str]) -> bool:
        """'CEO of Eurix Srl', 'Vertreter der Stadt Graz': a role or a noun before the name proper."""
        if len(words) < 3 or words[1].lower() not in _CONNECTORS or words[1].lower() in _AND:
            return False
        head = words[0].lower()
        if head in self.known.type_cues:
            return False
        # "CEO of Eurix Srl", "Direktor der Štajerska Technology Park"; but "Port of Rotterdam Authority".
        return head in self.rules.role_words and (self._type_in(words[2:]) is not None or len(words) == 3 or
                                                  _legal_key(words[-1]) in self.rules.legal_suffixes)

    def _split_role(self, chunk: _Chunk | None) -> _Chunk | None:
        """'Marketing and PR Expert Deyan Pushkarov': the role is kept aside, the name is the chunk."""
        if chunk is None:
            return None
        lowered = [w.lower() for w in chunk.words]
        for i in range(len(lowered) - 2, -1, -1):
            rest = chunk.words[i + 1:]
            if lowered[i] in self.rules.role_words and _person_shaped(rest) and not self._has_cue(rest):
                start = self._after(chunk, chunk.start, *chunk.words[:i + 1])
                self.role_before[start] = " ".join(chunk.words[:i + 1])
                return _Chunk(start, chunk.end, rest, chunk.sentence, False)
        return chunk

    def _split_person_of(self, chunk: _Chunk | None) -> list[_Chunk | None]:
        """'Maria Rossi of Fondazione Bruno Kessler', 'the Demo Day of Chalmers Ventures AB': a person's
        name or an event's, then "of" and an organization with an organization word or legal form, is
        two names ("Royal Institute of Technology" is one)."""
        if chunk is None or len(chunk.words) < 4 or "of" not in chunk.words[2:4]:
            return [chunk]
        i = chunk.words.index("of", 2)
        left, right = chunk.words[:i], chunk.words[i + 1:]
        person = _person_shaped(left) and not self._has_cue(left) and not any(self._clear_place(w) for w in left)
        event = left[-1].lower() in self.rules.event_cues
        if not (person or event) or not (self._type_in(right) or _legal_key(right[-1]) in self.rules.legal_suffixes):
            return [chunk]
        right_start = self._after(chunk, chunk.start, *chunk.words[:i + 1])
        return [_Chunk(chunk.start, self._end_of(chunk, chunk.start, left), left, chunk.sentence, chunk.initial),
                _Chunk(right_start, chunk.end, right, chunk.sentence, False)]

    def _split_and(self, chunk: _Chunk | None) -> list[_Chunk | None]:
        """'Slovenia and Italy' is two names; 'Institute of Science and Technology' is one."""
        joints = [i for i, w in enumerate(chunk.words) if w in _AND[:4]] if chunk is not None else []
        if chunk is None or not joints or self.known.match("organizations", chunk.text):
            return [chunk]
        i = joints[0]
        left, right = chunk.words[:i], chunk.words[i + 1:]
        if not left or not right:
            return [chunk]
        if self._has_cue(chunk.words) and not self._two_names(left, right):
            return [chunk]
        left_end = self._end_of(chunk, chunk.start, left)
        right_start = self._after(chunk, chunk.start, *chunk.words[:i + 1])
        return [_Chunk(chunk.start, left_end, left, chunk.sentence, chunk.initial),
                *self._split_and(_Chunk(right_start, chunk.end, right, chunk.sentence, False))]

    def _two_names(self, left: list[str], right: list[str]) -> bool:
        """Whether 'LEFT and RIGHT' joins two names ("Erste Group and A1 Telekom Austria", "Invest
        Lithuania and Enterprise Lithuania"), not one ("Institute of Information and Communication")."""
        if self._type_in(left[-1:]) or _legal_key(left[-1]) in self.rules.legal_suffixes:
            return True  # "Skeleton Technologies and Nortal": the first name ends with its head word
        if len(right) == 1 and _acronym_word(right[0]) and right[0] not in self.rules.not_acronyms and \
                not self._is_theme(right[0]):
            return True  # "VTT Technical Research Centre of Finland and SINTEF": an acronym names its own
        if len(right) < 2 and not self._has_cue(right):
            return False
        if len(right) == 2 and _acronym_word(right[0]) and self._type_in(right[1:]):
            return True  # "Aerospace Valley and SAFE Cluster": an acronym and its organization word name one
        return bool(self._clear_place(left[-1]) or self.known.key(" ".join(left)) in self.by_key
                    or self.known.key(" ".join(right)) in self.by_key)

    def _after(self, chunk: _Chunk, start: int, *words: str) -> int:
        """The offset after ``words`` read from ``start`` in the chunk's sentence."""
        position = start
        for word in words:
            position = self.text.index(word, position) + len(word)
        match = _COMMA_OR_SPACE.match(self.text, position)
        return match.end() if match else position

    def _end_of(self, chunk: _Chunk, start: int, words: list[str]) -> int:
        position = start
        for word in words:
            position = self.text.index(word, position) + len(word)
        return position

    def _has_cue(self, words: list[str]) -> bool:
        return self._type_in(words) is not None or any(w.lower() in self.rules.event_cues for w in words[1:])

    def _type_in(self, words: list[str]) -> tuple[str, str] | None:
        """(cue, type) of the organization cue among ``words``, the last one winning."""
        lowered = [w.lower() for w in words]
        for size in (3, 2, 1):
            for i in range(len(lowered) - size, -1, -1):
                phrase = " ".join(lowered[i:i + size])
                if phrase in self.known.type_cues:
                    return phrase, self.known.type_cues[phrase]
        # German compounds end with their organization word: "Handelskammer", "Fraunhofer-Institut"
        # (in a name of several words: a lone "Familienunternehmen" is a common noun).
        for word in reversed(lowered if len(lowered) > 1 else []):
            if not word.endswith(self.compound_endings):
                continue  # no organization word ends it: the common case, tested at C speed
            for cue, type_id in self.compound_cues:
                if word.endswith(cue) and len(word) - len(cue) >= 4:  # "Biotechnologies": "bio" is a prefix
                    return cue, type_id
        return None

    # Classification.
    def _classify(self, chunk: _Chunk) -> None:
        name = chunk.text
        for table in ("organizations", "people", "places", "events", "projects", "initiatives"):
            ident = self.known.match(table, name) or (
                self._known_short_form(chunk) if table == "organizations" else None)
            if ident is not None:
                entity = self._add(table, chunk, f"known {table[:-1] if table != 'people' else 'person'} {ident}",
                                   0.95, match=ident)
                if table == "places" and "place" not in entity.attrs:
                    self._set_place(entity, self.known.place(ident))
                return
        if self._seen(chunk):
            return
        if self._is_theme(name) or len(name) < 2 or (len(name) == 2 and not name.isupper()) or \
                self.known.match("products", name) or \
                self.text[chunk.end:chunk.end + 1] in ("™", "®"):
            return  # a theme or a product, not an entity of its own
        if self._cut_off(chunk):
            self._person(chunk)  # a person's name cut by the excerpt is kept as far as it goes
            return
        if self._demonym(chunk) or \
                (len(chunk.words) == 1 and name in self.rules.not_acronyms and not self._country(name)):
            return  # cut by the excerpt's end, an adjective ("Greek"), "EU"
        alias = self.aliases.get(name)
        if alias is not None:
            entity = self.found[("organizations", alias)]
            self._note(entity, self._mention(chunk, f"short name of {entity.label}", 0.85))
            return
        if self._region(chunk) or self._generic(chunk) or self._listed_as("other", chunk) or \
                self._initials_of_another(chunk):
            self._drop(chunk)  # a region, a kind of organizations, a sector: and so is its acronym
            return
        for rule in (self._byline, self._place, self._legal, self._named_kind, self._event, self._listed_organization,
                     self._titled_person, self._cued_organization, self._person, self._acronym, self._described,
                     self._with_place, self._weak_person, self._met, self._family_name_of_unread):
            if rule(chunk):
                return
        if self._person_like(chunk.words):
            self.unread_people.setdefault(chunk.words[-1], chunk)  # a later "Rossi said" may tell
            self.unread_names.append(chunk)

    def _family_name_of_unread(self, chunk: _Chunk) -> bool:
        """'Maria Rossi opened the day. ... Rossi explained': a family name alone, after a name no rule
        read, makes both mentions a person's."""
        first = self.unread_people.pop(chunk.text, None) if len(chunk.words) == 1 else None
        if first is None or chunk.initial and chunk.words[0] in self.rules.not_names:
            return False
        person = self._add("people", first, "named again by the family name alone", 0.75)
        self._note(person, self._mention(chunk, f"named again: {person.label}", 0.75))
        return True

    def _known_short_form(self, chunk: _Chunk) -> str | None:
        """The graph's one organization that a two-word name is a part of ("Knowledge City")."""
        if len(chunk.words) != 2 or not all(_titlecase(w) or w.isupper() for w in chunk.words) or \
                " ".join(chunk.words).lower() in self.known.type_cues:
            return None  # "City Council" is a kind's words, not a short form of "Peterborough City Council"
        found = {ident for (table, ident), label in self.known.labels.items() if table == "organizations"
                 and label and len(label.split()) > 2 and _short_form(chunk.words, label.split())}
        return found.pop() if len(found) == 1 else None

    def _seen(self, chunk: _Chunk) -> bool:
        """A name the article used before, or a person's family name alone ("Petrova" after "Mariya
        Petrova"): another mention of the same entity."""
        key = self.known.key(chunk.text)
        same = self.by_key.get(key, [])
        if not same and len(chunk.words) == 1:
            same = self.by_family_name.get(chunk.text, [])
        if not same and _person_shaped(chunk.words):
            # "Alfons Calderón" after "A. Calderón": the given name the initial stood for.
            same = [p for p in self.by_family_name.get(chunk.words[-1], [])
                    if _initial(p.label.split()[0]) and p.label.split()[0][0] == chunk.words[0][0]]
        if key in self.dropped:
            return True  # "ClusterFY countries" said what the name is: its other mentions are not organizations
        if len(same) != 1:
            return False
        if same[0].kind == "organizations" and self._confidence(same[0]) < 0.7 and self._became_person(chunk, same[0]):
            return True
        self._note(same[0], self._mention(chunk, f"named again: {same[0].label}", self._confidence(same[0])))
        if same[0].kind == "organizations":
            self._acronym_alias(chunk, same[0])  # a title names it, the body adds "(ACRONYM)"
        return True

    def _became_person(self, chunk: _Chunk, org: Entity) -> bool:
        """Person or organization is decided over all mentions: a name read as an organization on weak
        evidence ("met Lucia Seel") that another mention gives a role ("Lucia Seel, project manager")
        is a person, with the earlier mentions."""
        reason = self._person_reason(chunk)
        if reason is None:
            return False
        del self.found[("organizations", org.key)]
        self.by_key[org.key].remove(org)
        person = self._add("people", chunk, *reason)
        person.mentions[:0] = org.mentions
        return True

    def _generic(self, chunk: _Chunk) -> bool:
        """'Cluster', 'Smart Cluster Partners': organization words alone name no one; nor does a project,
        nor a headline in capitals ("WORK MEETINGS IN THE UNITED KINGDOM")."""
        lowered = [w.lower() for w in chunk.words]
        if all(w in self.known.type_cues or w in self.rules.event_cues or w in self.rules.name_kinds for w in lowered) \
                or " ".join(lowered) in self.known.type_cues:
            return True  # "Cluster", "Programm", "City Council": a kind's word, no one's name
        long_words = [w for w in chunk.words if len(w) > 3]
        if len(chunk.words) > 2 and long_words and all(w.isupper() for w in long_words):
            return True
        return self._kind_of_organizations(chunk) or self._counted(chunk) or self._modifier(chunk) or \
            self._body(lowered)

    def _body(self, lowered: list[str]) -> bool:
        """'Steering Committee', 'Monitoring Division': a body named by its task alone (``body_purposes``
        then ``body_words``) is a part of whoever runs it, not an organization's name."""
        return len(lowered) > 1 and lowered[-1] in self.rules.body_words and \
            all(w in self.rules.body_purposes for w in lowered[:-1])

    def _kind_of_organizations(self, chunk: _Chunk) -> bool:
        """'National Cluster Associations', 'European SMEs', 'BICs', 'the Catalan Cluster': a plural of
        organization words, or an adjective and one organization word, names a kind, not one of them."""
        words = chunk.words
        last = words[-1]
        plural = _plural(last) and (self._type_in([_singular(last)]) is not None or last[:-1].isupper())
        describing = all(w.lower() in self.rules.generic_adjectives or w in self.rules.demonyms or
                         self._type_in([w]) is not None or self._demonym_word(w) for w in words[:-1])
        if plural and describing:
            return True
        cue = self._type_in([last])
        return len(words) == 2 and (words[0] in self.rules.demonyms or self._demonym_word(words[0])) and \
            cue is not None and cue[1] in ("cluster-organization", "technology-company")

    def _counted(self, chunk: _Chunk) -> bool:
        """'six National Cluster Association representatives', '20 Clusters': a number before a name
        that is or ends in a plural counts things of a kind."""
        before = self._words_before(chunk, 1)
        if not before or not (before[0].isdigit() or before[0].lower() in self.rules.count_words):
            return False
        return _plural(chunk.words[-1]) or re.match(r"\s+[a-zà-ÿ]+s\b", self.text[chunk.end:chunk.end + 30]) is not None

    def _modifier(self, chunk: _Chunk) -> bool:
        """'the Agricultural Machinery clusters', 'MedTech/BioTech clusters', 'BILAT USA 4.0 partners':
        capitals before a plural of organizations name a sector or a project."""
        after = re.match(r"(?:/[\w-]+)?(?:\s+\d+(?:\.\d+)*)?\s+([a-zà-ÿ-]+)", self.text[chunk.end:chunk.end + 40])
        if after is None or not _plural(after.group(1)):
            return False
        noun = after.group(1)
        return noun in self.rules.list_nouns.get("organization", frozenset()) or \
            self._type_in([_singular(noun)]) is not None

    def _listed_as(self, kind: str, chunk: _Chunk) -> bool:
        """Whether ``chunk`` is in a list announced by a noun of ``kind`` (see ``list_nouns``): "three
        hotels (A, B, C)", "European Regions, such as A and B", "i settori ITC, Design"."""
        nouns = self.rules.list_nouns.get(kind, frozenset())
        head = self._head(chunk)
        for match in reversed(list(_LIST_OPENER.finditer(head))):
            if match.group(1).lower() in nouns:
                return _NAMES_ONLY.fullmatch(head, match.end()) is not None
        return False

    def _listed_organization(self, chunk: _Chunk) -> bool:
        if _person_shaped(chunk.words) or not self._listed_as("organization", chunk):
            return False
        self._org(chunk, "listed after a noun of organizations", 0.55, None)
        return True

    def _region(self, chunk: _Chunk) -> bool:
        """A region, province, state or wider area ("Catalonia", "Latin America", "Western Greece",
        "Ljubljana Urban Region"); but "the Emilia-Romagna Region" that acts is its government."""
        words = chunk.words
        if is_region(chunk.text, self.rules) and not self._country(chunk.text):
            self.region_names.append(chunk.text)
            return True
        if re.match(r"\s+(?:" + "|".join(map(re.escape, self.rules.region_heads)) + r")\b", self.text[chunk.end:]):
            return True  # "the CELAC region", "ClusterFY countries": a group of places
        if len(words) > 1 and words[0] in self.rules.region_words and gazetteer_place(" ".join(words[1:]), self.rules) \
                and not self._country(chunk.text):
            return True
        if len(words) < 2 or words[-1].lower() not in self.rules.region_heads or not all(
                self._clear_place(w) or is_region(w, self.rules) or w.lower() in self.rules.generic_adjectives
                or w in self.rules.demonyms or self._demonym_word(w) for w in words[:-1]):
            return False  # "Stockholm Business Region" is an agency
        if re.search(r"(?<![Ii]n )\bthe\s+$", self._head(chunk)):
            self._org(chunk, "a region named as an institution", 0.7, "agency")
        return True

    def _country(self, name: str) -> bool:
        place = gazetteer_place(name, self.rules)
        return place is not None and place.kind == "country"

    def _drop(self, chunk: _Chunk) -> None:
        """Remember that ``chunk`` names no organization, nor does the acronym in brackets after it."""
        self.dropped.add(self.known.key(chunk.text))
        self._drop_short_form(chunk)

    def _drop_short_form(self, chunk: _Chunk) -> None:
        """'European Clusters Excellence Initiative (ECEI)': the acronym of what is no organization is none."""
        short = re.match(r"\s*\(([A-Z][\w&-]{1,12})\)", self.text[chunk.end:chunk.end + 16])
        if short:
            self.dropped.add(self.known.key(short.group(1)))

    def _initials_of_another(self, chunk: _Chunk) -> bool:
        """'CLM' after 'Castilla-La Mancha', 'EC' after 'European Commission': an acronym made of the initials
        of a region named before (then no organization) or of an organization (then its short form)."""
        word = chunk.words[0]
        if len(chunk.words) != 1 or not re.fullmatch(r"[A-Z]{2,6}", word):
            return False
        if any(_initials(name) == word for name in self.region_names):
            return True
        same = [o for o in self.entities("organizations") if len(o.label.split()) > 1 and _initials(o.label) == word]
        if len(same) == 1:
            self._note(same[0], self._mention(chunk, f"initials of {same[0].label}", self._confidence(same[0])))
            same[0].attrs.setdefault("alt_labels", set()).add(word)
            self.aliases[word] = same[0].key
            return False
        return False

    def _cut_off(self, chunk: _Chunk) -> bool:
        """A name at the very end of a text that stops mid-sentence may be cut ("in Chi")."""
        return chunk.end >= self.end_of_text and self.text[self.end_of_text - 1:self.end_of_text] not in ".!?\"”)"

    def _byline(self, chunk: _Chunk) -> bool:
        """'Submitted by Jane Roe on 8 May 2019', 'verfasst von Lena Wollbeck': the author of a byline."""
        head = self._head(chunk).strip().lower()
        if head not in self.rules.byline_words:
            return False
        words = [w for w in chunk.words]
        if not 2 <= len(words) <= 4 or not all(_titlecase(w) or (w.isupper() and len(w) > 2) for w in words) or \
                not _titlecase(words[0]) or self._has_cue(words):
            return False
        self._add("people", chunk, f"byline {head!r}", 0.9)
        return True

    def _named_kind(self, chunk: _Chunk) -> bool:
        """A project, event or initiative (programme, label, document) named by a word of ``name_kinds``."""
        kind = self._kind_of(chunk)
        if kind is None:
            return False
        table = {"project": "projects", "event": "events"}.get(kind, "initiatives")
        entity = self._add(table, chunk, f"{kind} by its words", 0.75)
        if table != "projects":  # a partnership's acronym may name it as an actor ("EACP")
            self._drop_short_form(chunk)
        if table == "initiatives":
            entity.attrs.setdefault("kind", kind)
        return True

    def _kind_of(self, chunk: _Chunk) -> str | None:
        """What ``name_kinds`` says the name is: by its last word, by a lowercase word right after or
        before it ("the COSME programme", "il progetto X"), or by its first word ("Memorandum of
        Understanding"), unless an organization word ends an English name."""
        kinds, words = self.rules.name_kinds, [w.lower() for w in chunk.words]
        if self.known.key(chunk.text) in self.programmes:
            return "programme"
        after = self.patterns.kind_after.match(self.text, chunk.end)
        before = self.patterns.kind_before.search(self.text[max(chunk.sentence.start, chunk.start - 40):chunk.start])
        for word in (words[-1], after.group(1) if after else None, before.group(1) if before else None):
            if word in kinds:
                return kinds[word]
        ending = next((p for p in self.kind_phrases if " ".join(words).endswith(" " + p)), None)
        if ending:
            return kinds[ending]  # "European Cluster Manager of the Year" is an award
        # "European Strategic Cluster Partnership for Going International": the head before "for".
        head = next((i for i, w in enumerate(words) if w in ("of", "for")), 0)
        if head > 1 and words[head - 1] in kinds and not self.head_first and self._type_in(chunk.words[-1:]) is None:
            return kinds[words[head - 1]]
        # In English a name's head comes last: its first word says what it is only before "of", "for"
        # ("Memorandum of Understanding", "Mission for Growth"; but "Visit Finland" is an agency).
        if len(words) > 1 and words[0] in kinds and (self.head_first or words[1] in _CONNECTORS and
                                                     self._type_in(chunk.words[-1:]) is None):
            return kinds[words[0]]
        return None

    def _place(self, chunk: _Chunk) -> bool:
        name = chunk.text
        if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", name) and self.text[chunk.end:chunk.end + 1] == ".":
            name += "."  # "U.S.": the last initial's dot ends the name
        place = gazetteer_place(name, self.rules, self._countries())
        if place is None:
            return False
        # A small town's name or a city's other name is often an ordinary word or a given name
        # ("Martin", "Julia"): it is a place only after a word that introduces one.
        if place.kind == "city" and "(" not in self.text[max(0, chunk.start - 2):chunk.start] and \
                self._listed_as("organization", chunk):
            return False  # "multinationals such as Mazda, Toyota and General Motors": a firm named after its city
        locative = _LOCATIVE_HEAD_FIRST if self.head_first else _LOCATIVE
        if (place.by_alternate_name or place.kind == "city" and place.population < 100000) and \
                not re.search(locative, " ".join(self._words_before(chunk, 3))):
            return False
        known = self.known.places_by_geonames.get(place.geonames_id)
        # One place however written ("U.S." and "USA", "UK" and "United Kingdom"): keyed by GeoNames.
        entity = self._add("places", chunk, f"{place.kind} of the gazetteer (GeoNames {place.geonames_id})",
                           _place_confidence(place), match=known, label=place.name,
                           key=None if known else f"geonames:{place.geonames_id}")
        self._set_place(entity, place)
        return True

    def _set_place(self, entity: Entity, place: Place) -> None:
        """Say which place ``entity`` is, keeping the index of the countries found."""
        previous = entity.attrs.get("place")
        if previous is not None and previous.kind == "country":
            self.country_codes[previous.country] -= 1
        entity.attrs["place"] = place
        if place.kind == "country":
            self.country_codes[place.country] += 1

    def _countries(self) -> list[str]:
        """ISO codes of the countries found (a city's name prefers a city of one of them)."""
        return [code for code, count in self.country_codes.items() if count > 0]

    def _event(self, chunk: _Chunk) -> bool:
        # "London Tech Week", "Smart City Forum Ljubljana"; but "Forum Virium Helsinki" is named, not an event.
        cues = [w for w in chunk.words[1:] if w.lower() in self.rules.event_cues]
        if not cues:
            return False
        self._add("events", chunk, f"event word {cues[-1]!r}", 0.8)
        return True

    def _legal(self, chunk: _Chunk) -> bool:
        suffix = chunk.words[-1]
        if len(chunk.words) < 2 or suffix.lower().replace(".", "") not in self.rules.legal_suffixes:
            return False
        cue = self._type_in(chunk.words[:-1])
        self._org(chunk, f"legal form {suffix!r}", 0.85, cue[1] if cue else None)  # glued lists end in one too
        return True

    def _titled_person(self, chunk: _Chunk) -> bool:
        before = self._words_before(chunk, 1)
        if not before or before[-1] not in self.rules.person_titles or self._type_in(chunk.words[-1:]):
            return False  # "Prof. Dr. Assen Zlatarov University" is a university
        if len(chunk.words) > 2 and self._clear_place(chunk.words[-1]) and _person_shaped(chunk.words[:-1]):
            chunk = _Chunk(chunk.start, self._end_of(chunk, chunk.start, chunk.words[:-1]), chunk.words[:-1],
                           chunk.sentence, chunk.initial)  # "Dr. Oliver Ziegler Berlin, March 2018": where he wrote
        self._add("people", chunk, f"title {before[-1]!r} before the name", 0.85)  # "Ing. Aigner" may be a firm
        return True

    def _cued_organization(self, chunk: _Chunk) -> bool:
        cue = self._type_in(chunk.words)
        # A lone "Cluster" or "Gruppe" (German nouns are capitalized) is a word, not a name.
        if cue is None or (len(chunk.words) == 1 and (chunk.initial or chunk.words[0].lower() == cue[0])) or \
                self._topic_phrase(chunk.words, cue[0]):
            return False
        self._org(chunk, f"organization word {cue[0]!r} in the name", 0.85, cue[1])
        return True

    def _topic_phrase(self, words: list[str], cue: str) -> bool:
        """'Analysis of Cluster Policy Instruments', 'Cluster Mapping', 'Cluster Managers': in English an
        organization word that neither ends the name nor opens its "of" phrase, before an abstract noun,
        a gerund, "policy" or a role that ends it, is a topic's modifier; but "Agency for Regional
        Development" is an agency."""
        lowered = [w.lower() for w in words]
        head = cue.split()[-1]
        at = max((i for i, w in enumerate(lowered) if w == head), default=len(lowered) - 1)
        last = lowered[-1]
        topic = len(last) > 5 and (last.rstrip("s").endswith(_ABSTRACT_ENDINGS + _NOUN_ENDINGS) or last.endswith("ing"))
        return not self.head_first and at < len(lowered) - 1 and lowered[at + 1] not in _OF and \
            (topic or last in ("policy", "policies") or last.rstrip("s") in self.rules.role_words)

    def _person_like(self, words: list[str]) -> bool:
        """Shaped like a person's name (:func:`_person_shaped`) and holding no role, kind or
        nationality word: "Director General", "General Assembly", "European Affairs" are not people."""
        lowered = [w.lower() for w in words]
        return _person_shaped(words) and lowered[0] not in _ARTICLES and \
            not any(len(w) > 5 and w.endswith(_NOUN_ENDINGS) for w in lowered[1:]) and \
            not any(w in self.rules.role_words or w in self.rules.name_kinds for w in lowered) and \
            not (words[0] in self.rules.demonyms or
                 (words[0].endswith(("an", "ish", "ese")) and self._demonym_word(words[0])))

    def _person(self, chunk: _Chunk) -> bool:
        reason = self._person_reason(chunk)
        return bool(reason and self._add("people", chunk, *reason))

    def _person_reason(self, chunk: _Chunk) -> tuple[str, float] | None:
        """Why ``chunk`` is a person's name, and how sure: a role before or after it, "said", "who"."""
        if not self._person_like(chunk.words):
            return None
        if chunk.start not in self.role_before:
            role = self._lowercase_role_before(chunk)
            if role:
                self.role_before[chunk.start] = role
        if chunk.start in self.role_before:
            return f"role {self.role_before[chunk.start]!r} before the name", 0.85
        head = self._head(chunk)
        if re.search(r"\b(?:said|says|according to|sagte|a déclaré)\s*$", head):
            return "quoted as saying", 0.8
        # "the Mayor of Gdynia, Wojciech Szczurek": the role and its organization, then the name.
        if self.patterns.role_of_before.search(head):
            return "role written before the name", 0.8
        after = self.text[chunk.end:chunk.end + 60].lower()
        # "Anna Schmidt, who presented", "Lukas Weber and Anna Schmidt, who": only people are "who".
        if re.match(r"(?:\s+and\s+[^\W\d_][\w-]*\s+[^\W\d_][\w-]*)?\s*,?\s+who\b", after):
            return "'who' after the name", 0.8
        written = re.match(r"\s*(?:,|\(|–|-)\s*(?:the\s+|our\s+|a\s+|its\s+)?([\w\s&'’-]+)", after)
        if written and any(w in self.rules.role_words for w in written.group(1).split()[:5]):
            return "role after the name", 0.85
        if written and after.startswith(",") and written.group(1).split()[:1] and \
                written.group(1).split()[0] in self.rules.unit_words:
            return "a unit of an organization after the name", 0.8  # "Anna Kępa, Department for Strategy"
        return None

    def _weak_person(self, chunk: _Chunk) -> bool:
        """A two- or three-word name with weaker signs of a person: a family name's ending, a verb."""
        if not self._person_like(chunk.words):
            return False
        after = self.text[chunk.end:chunk.end + 60].lower()
        if chunk.words[-1].lower().endswith(self.rules.surname_endings):
            return bool(self._add("people", chunk, "family name ending", 0.7))
        if any(self._clear_place(w) for w in chunk.words):
            return False  # "Opportunity Peterborough presented": an organization named after its city
        if self.patterns.person_verb.match(after):
            return bool(self._add("people", chunk, "a person's verb after the name", 0.75))
        # "Marine Renewable Energy": a given name the article also writes in lowercase is a word there.
        if chunk.words[0] in self.rules.given_names and not self._has_cue(chunk.words) and \
                chunk.words[0].lower() not in self.lowercase_words:
            return bool(self._add("people", chunk, "a given name opens it", 0.7))
        followed = self.text[chunk.end:chunk.end + 80]
        organization = re.match(r",?\s+(?:of|from|at|dell['’]|della|dello|del|de|di|du|des|d['’]|von|der)\s*(?:the\s+)?"
                                r"([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)", followed)
        # "Peter Franke from Kiel University": a place's name may open the organization's
        if len(chunk.words) <= 4 and organization and (self._type_in(organization.group(1).split()) or (
                not self._clear_place(organization.group(1).split()[0]) and
                not is_region(organization.group(1).split()[0], self.rules))):
            return bool(self._add("people", chunk, "a name followed by its organization", 0.6))
        return False

    def _lowercase_role_before(self, chunk: _Chunk) -> str | None:
        """'deputy mayor Janez Koželj': the lowercase role words right before a name."""
        words = self._words_before(chunk, 3)
        if not words or words[-1].lower() not in self.rules.role_words or not words[-1].islower():
            return None
        role = [words.pop()]
        while words and words[-1].islower() and words[-1] not in _CONNECTORS and len(words[-1]) > 3:
            role.insert(0, words.pop())
        return " ".join(role)

    def _acronym(self, chunk: _Chunk) -> bool:
        word = chunk.words[0]
        if len(chunk.words) != 1 or not re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", word) or \
                word in self.rules.not_acronyms:
            return False
        if len(word) == 2 and re.match(r"\s*\d", self.text[chunk.end:chunk.end + 3]):
            return True  # "WP 4", "WG 2": a numbered part of a project, no organization
        # "Philadelphia, PA": a state's code, no organization; but not "OK" in "OK!Thess", a name
        # the sentence's words were cut at.
        glued = re.match(r"[^\s,.;:)\]]", self.text[chunk.end:chunk.end + 1] or " ")
        if word in us_state_codes() and not glued and not self._org_context(chunk):
            return True
        if self._short_for_no_organization(chunk):
            return True
        self._org(chunk, "name in capitals", 0.65, None)
        return True

    def _short_for_no_organization(self, chunk: _Chunk) -> bool:
        """'Common Resource Centers (CRC)', '(Business Innovation Centers – BIC)': an acronym right after
        a name read as no organization is that name's short form, no organization either."""
        long = re.search(r"((?:[A-Z][\w-]*\s+){0,6}[A-Z][\w-]*)\s*(?:\(|[–-])\s*$", self._head(chunk))
        return long is not None and _initials(long.group(1))[:1] == chunk.words[0][:1] and \
            self.known.key(long.group(1)) not in self.by_key

    def _described(self, chunk: _Chunk) -> bool:
        """'X, a business accelerator', 'X is a technology company', 'the accelerator X'."""
        cue = self._described_type(chunk)
        if cue is None:
            if any(is_camel(w) or _alphanumeric(w) for w in chunk.words):
                self._org(chunk, "name written in mixed case", 0.6, None)
                return True
            return False
        self._org(chunk, f"described as {cue[0]!r}", 0.7, cue[1])
        return True

    def _described_type(self, chunk: _Chunk) -> tuple[str, str] | None:
        after = self.text[chunk.end:chunk.end + 120]
        match = re.match(r"(?:\s*,|\s*\(|\s+(?:is|was|are|ist|est|–|-))\s*"
                         r"(?:(?:an?|the|one of the|its|der|die|das|ein|eine|le|la|un|une)\s+|l['’])?"
                         r"([^,.;()]{0,80})", after)
        # "X, a business accelerator"; but "Anna Kępa, Department for Strategy" and "Helmut Kergel,
        # Michael Nerger, Cluster Excellence" name another after the comma, no description.
        lead = match.group(0)[:match.start(1) - match.start(0)] if match else ""
        if match and not (lead.strip() == "," and match.group(1)[:1].isupper() and
                          not re.match(r"[\w-]+['’]s\b", match.group(1))):  # "Vinnova, Sweden's agency"
            cue = self._type_in(match.group(1).split()[:6])
            if cue:
                return cue
        head = re.match(r"\s+((?:[a-zà-ÿ][\w-]*\s*){1,3})", after)
        # "the Zaragoza Activa incubator", "the Polo Meccatronica technology park"; a single word so
        # placed is a modifier ("the Piedmont cluster").
        cue = self._type_in(head.group(1).split()) if head else None
        if head and cue and (len(chunk.words) > 1 or is_camel(chunk.words[0]) or chunk.words[0].isupper()) and \
                not self._only_place_and_topic(chunk) and head.group(1).lower().split()[0] == cue[0].split()[0]:
            return cue
        # "the regional development agency (Aragón Exterior)"
        bracketed = re.search(r"([\w-]+)\s*\($", self.text[max(0, chunk.start - 40):chunk.start])
        if bracketed and bracketed.group(1).islower() and self._type_in([bracketed.group(1)]):
            return self._type_in([bracketed.group(1)])
        # "the Bulgarian software company Scalefocus", "l'entreprise Infodis SAS"
        before = self._words_before(chunk, 5)
        if before and before[-1].islower() and any(w.lower() in _DETERMINERS for w in before[:-1]):
            return self._type_in(before[-1:])
        return None

    def _with_place(self, chunk: _Chunk) -> bool:
        """'Opportunity Peterborough', 'Invest Sofia': a place and other words name an organization."""
        if len(chunk.words) < 2 or chunk.initial and len(chunk.words) < 2:
            return False
        if not any(self._clear_place(w) for w in chunk.words) or self._only_place_and_topic(chunk):
            return False
        self._org(chunk, "a place's name with other words", 0.6, None)
        return True

    def _only_place_and_topic(self, chunk: _Chunk) -> bool:
        """'Plovdiv IT': a place and a theme's label or a common abbreviation do not make a name."""
        return all(self._clear_place(w) or self._is_theme(w) or w in self.rules.not_acronyms for w in chunk.words)

    def _clear_place(self, word: str) -> bool:
        """Whether ``word`` is a place the article names, or a large city's own name."""
        if word in self.place_labels:
            return True
        place = gazetteer_place(word, self.rules)
        return place is not None and not place.by_alternate_name and place.population >= 100000

    def _met(self, chunk: _Chunk) -> bool:
        """'met Siemens', 'companies such as Siemens and BMW': a name where organizations are named."""
        before = " ".join(self._words_before(chunk, 3)).lower()
        if self._demonym(chunk):
            return False
        after = self.text[chunk.end:chunk.end + 30]
        if re.match(r"['’]s?\s+[a-z]", after):  # "met Aragon's regional agency": Aragon is not what was met
            reason = self._org_context(chunk)
            return bool(reason and self._org(chunk, reason, 0.55, None))
        if self.patterns.organization_verb.match(after) and not _person_shaped(chunk.words):
            self._org(chunk, "a name doing what organizations do", 0.55, None)  # "Navibulgar hosted a lunch"
            return True
        if chunk.initial or self._common_noun(chunk):
            return False
        if self.patterns.met_before.search(before):
            self._org(chunk, "name after a meeting word", 0.55, None)
            return True
        listed = self._listed(chunk) or self._org_context(chunk)
        if listed:
            self._org(chunk, listed, 0.55, None)
            return True
        return False

    def _org_context(self, chunk: _Chunk) -> str | None:
        """'president of AIT', 'Nortal's director': a name whose people hold roles is an organization."""
        head = self._head(chunk)
        # One word after "CEO of" is a company; more ("Head of International Affairs") a department.
        if len(chunk.words) == 1 and self.patterns.role_org_before.search(head):
            return "a role's organization"
        if self.patterns.staff_after.match(self.text[chunk.end:chunk.end + 40]):
            return "a name whose team or staff is named"
        # "met the team of Grand Garage", "experts from Sirris": people of an organization.
        if re.search(r"\b(?:team|teams|staff|management|representatives|experts|researchers|engineers|employees)"
                     r"\s+(?:of|from|at)\s+(?:the\s+)?$", head, re.I):
            return "a name whose team or staff is named"
        # "the Region Västra Götaland team": a team named after its organization.
        if re.search(r"\bthe\s+$", head, re.I) and \
                re.match(r"\s+(?:team|staff|management)\b", self.text[chunk.end:chunk.end + 20]):
            return "a name whose team or staff is named"
        return None

    def _listed(self, chunk: _Chunk) -> str | None:
        """Why ``chunk`` is in a list of organizations: after 'such as', or coordinated with one."""
        head = self._head(chunk)
        if _EXAMPLES_BEFORE.search(head):
            return "name in a list of examples"
        # "speakers from Cisco", "Mikko Laine from Business Finland"; but "firms from Transylvania"
        if re.search(r"(?:\b(?:speakers|experts|representatives|guests|participants|delegates|colleagues|researchers|"
                     r"engineers|founders|visitors|members|officials|team)|[A-Z][\w-]+)\s+from\s+$", head):
            return "name in a list of examples"
        if re.search(r";\s*(?:and\s+)?$", head) and self.last_org[1] is not None and \
                self.last_org[0] >= chunk.sentence.start:
            return "name in a list of organizations"
        if re.search(r"(?:companies|firms|members|partners|organi[sz]ations|startups|start-ups|institutions|"
                     r"clients|customers|unternehmen|entreprises)\s*:\s*$", head, re.I):
            return "name in a list of organizations"
        end, previous = self.last_org
        # "Siemens and Bosch", "researchers of TNO and of Deltares", "X (XY), and the Y"
        if previous is not None and (_TOGETHER.fullmatch(self.text, end, chunk.start) or
                                     _BRACKETED_TOGETHER.fullmatch(self.text, end, chunk.start)):
            return f"named together with {previous.label}"
        return None

    def _demonym(self, chunk: _Chunk) -> bool:
        """'Austrian clients': a single word that is a country's name changed into an adjective."""
        return len(chunk.words) == 1 and (chunk.words[0] in self.rules.demonyms or self._demonym_word(chunk.words[0]))

    @staticmethod
    def _demonym_word(word: str) -> bool:
        """'Austrian', 'Latvian', 'Ukrainian': a country's name changed into an adjective."""
        return word.isalpha() and re.search(r"(?:an|ish|ese|ic|ch|ek|i)$", word) is not None and any(
            word[:4].casefold() == name[:4].casefold() and word.casefold() != name.casefold()
            for name in _country_names())

    def _head(self, chunk: _Chunk) -> str:
        """The text of the chunk's sentence before it, at most ``HEAD_WINDOW`` characters of it."""
        return self.text[max(chunk.sentence.start, chunk.start - HEAD_WINDOW):chunk.start]

    def _words_before(self, chunk: _Chunk, count: int) -> list[str]:
        """The last ``count`` words (``count`` > 0) before ``chunk`` in its sentence. Read in a window
        widened until it holds one word more (the first may be cut), not from the sentence's start."""
        width = 64
        while True:
            low = max(chunk.sentence.start, chunk.start - width)
            words = _WORD_BEFORE.findall(self.text, low, chunk.start)
            if low == chunk.sentence.start or len(words) > count:
                return words[-count:]
            width *= 4

    def _common_noun(self, chunk: _Chunk) -> bool:
        """In German every noun is capitalized: one word alone ("Mobilität") needs more than a place in
        a list or after a preposition to be a name."""
        word = chunk.words[0]
        return self.language == "de" and len(chunk.words) == 1 and _titlecase(word) and "-" not in word

    def _is_theme(self, name: str) -> bool:
        return name.lower() in self.theme_labels

    # Recording.
    def _org(self, chunk: _Chunk, why: str, confidence: float, type_id: str | None) -> Entity:
        appositive = self._apposition(chunk)
        if appositive is not None:
            self._note(appositive, self._mention(chunk, f"another name of {appositive.label}", confidence))
            appositive.attrs.setdefault("alt_labels", set()).add(_clean_label(chunk.text))
            return appositive
        entity = self._add("organizations", chunk, why, confidence)
        self.last_org = (chunk.end, entity)
        described = self._described_type(chunk) if type_id is None else None
        guess = type_id or (described[1] if described else None)
        if guess and (not entity.attrs.get("type") or entity.attrs.get("type_guessed")):
            entity.attrs.update(type=guess, type_guessed=False)
        entity.attrs.setdefault("type", self.rules.default_organization_type)
        entity.attrs.setdefault("type_guessed", True)
        self._acronym_alias(chunk, entity)
        return entity

    def _apposition(self, chunk: _Chunk) -> Entity | None:
        """'WKO, the Austrian Economic Chamber,': the second name is the first one's; so is a name in
        brackets right after an acronym: "l'EBN (European Business Network)"."""
        end, entity = self.last_org
        if entity is not None and entity.label.isupper() and re.fullmatch(r"\s*\(", self.text[end:chunk.start]) and \
                self.text[chunk.end:chunk.end + 1] == ")" and _initials(chunk.text).startswith(entity.label[0]):
            return entity
        # Only a short name is explained so ("WKO, the ..."); "X B.V., the University of Y" is a list.
        if entity is None or len(entity.label.split()) > 1 or not _APPOSITION.fullmatch(self.text, end, chunk.start):
            return None
        return entity if re.match(r"\s*[,(]", self.text[chunk.end:chunk.end + 2]) else None

    def _acronym_alias(self, chunk: _Chunk, entity: Entity) -> None:
        # "(BASSCOM)", "(Tehnopol)", "(TU/e)": a short name in brackets after the full one, or after its
        # city ("Czech Technical University in Prague (CTU)"). A place's other name does not stop it:
        # many acronyms are some city's code ("KTU", "IPA").
        match = re.match(r"(?:\s+in\s+[A-Z][\w-]+)?\s*\(([A-Z][\w&/.-]{1,20}(?: [A-Z][\w&/.-]{1,12})?)\)",
                         self.text[chunk.end:chunk.end + 60])
        place = gazetteer_place(match.group(1), self.rules) if match else None
        if match and (place is None or place.by_alternate_name and place.kind == "city"):
            short = match.group(1)
            # The tokenizer cuts "TU/e" at the slash: its first part is read as the same name.
            first = re.match(r"[\w&-]+", short)  # a word, as short starts with a capital letter
            for alias in {short, first.group(0) if first else short}:
                self.aliases[alias] = entity.key
            entity.attrs.setdefault("alt_labels", set()).add(short)

    def _mention(self, chunk: _Chunk, why: str, confidence: float) -> Mention:
        return Mention(chunk.start, chunk.end, chunk.text, self.written[chunk.sentence.start], why, confidence)

    def _add(self, kind: str, chunk: _Chunk, why: str, confidence: float, match: str | None = None,
             key: str | None = None, label: str | None = None) -> Entity:
        key = key or (f"id:{match}" if match else self.known.key(chunk.text))
        entity = self.found.get((kind, key))
        if entity is None:
            shown = self.known.labels.get((kind, match)) if match else None
            entity = self.found[(kind, key)] = Entity(kind, shown or label or _clean_label(chunk.text), key, match)
            self._index(entity)
        elif not match and len(chunk.words) > len(entity.label.split()) and kind != "places":
            self._relabel(entity, _clean_label(chunk.text))
        if not match and kind != "places" and _clean_label(chunk.text) != entity.label:
            entity.attrs.setdefault("alt_labels", set()).add(_clean_label(chunk.text))
        self._note(entity, self._mention(chunk, why, confidence))
        return entity

    def _index(self, entity: Entity) -> None:
        """Enter a new entity in the indexes of what was found."""
        self.by_key.setdefault(entity.key, []).append(entity)
        if entity.kind == "places":
            self.place_labels.add(entity.label)
        elif entity.kind == "people":
            for word in _family_names(entity.label):
                self.by_family_name.setdefault(word, []).append(entity)

    def _relabel(self, entity: Entity, label: str) -> None:
        """Give ``entity`` a longer label read later, keeping the family name index."""
        if entity.kind == "people":
            for word in _family_names(entity.label):
                namesakes = self.by_family_name[word]
                del namesakes[next(i for i, other in enumerate(namesakes) if other is entity)]
            for word in _family_names(label):
                self.by_family_name.setdefault(word, []).append(entity)
        entity.label = label

    def _note(self, entity: Entity, mention: Mention) -> None:
        """Add a mention to ``entity``, keeping its best confidence (``Entity.confidence`` would look
        through all its mentions again each time it is named again)."""
        entity.mentions.append(mention)
        self.best[id(entity)] = max(self.best.get(id(entity), mention.confidence), mention.confidence)

    def _confidence(self, entity: Entity) -> float:
        """``entity.confidence`` as the reader keeps it: the best of its mentions so far."""
        return self.best.get(id(entity), 0.5)

    def people_listed_together(self) -> None:
        """'Helmut Kergel, Dr. Gerd Meier, Michael Nerger', 'Markéta Kubičková and Veronika Eretová': a
        name shaped like a person's that no rule read, in one list with a person, is a person too."""
        spans = sorted((m.start, m.end) for e in self.entities("people") for m in e.mentions)
        starts = [start for start, _ in spans]
        pending = [c for c in self.unread_names if self.known.key(c.text) not in self.by_key]
        while pending:
            found = [c for c in pending if self._next_to_person(c, spans, starts)]
            for chunk in found:
                self._add("people", chunk, "listed together with a person", 0.75)
                insort(spans, (chunk.start, chunk.end))
                starts = [start for start, _ in spans]
            pending = [c for c in pending if c not in found] if found else []

    def _next_to_person(self, chunk: _Chunk, spans: list[tuple[int, int]], starts: list[int]) -> bool:
        """Whether only a comma or an "and" (and a title) stands between ``chunk`` and a person's name."""
        at = bisect_left(starts, chunk.start)
        after = spans[at][0] if at < len(spans) else None
        before = spans[at - 1][1] if at > 0 else None
        return (after is not None and self._list_joint(self.text[chunk.end:after])) or \
            (before is not None and self._list_joint(self.text[before:chunk.start]))

    def _list_joint(self, between: str) -> bool:
        words = between.replace(",", " , ").split()
        joints = [w for w in words if w == "," or w in _AND or w in ("e", "y")]
        return len(joints) == 1 and all(w in joints or w in self.rules.person_titles for w in words)

    def drop_headline_only(self) -> None:
        """A headline in capitals, read in title case, turns common nouns into names ("Czech
        Partners"): an organization, person or event named only in such headlines is dropped, since
        the article's body names again whom the headline is about."""
        calmed = {start for start, sentence in self.written.items()
                  if sentence.text != self.text[sentence.start:sentence.end]}
        for (kind, key), entity in list(self.found.items()):
            if kind != "places" and all(m.sentence.start in calmed for m in entity.mentions):
                del self.found[(kind, key)]

    def merge_people_into_organizations(self) -> None:
        """'Torino Wireless' read as a person beside 'Fondazione Torino Wireless': a person's name that is
        the end of an organization's name, without a byline or a known match, is that organization."""
        names = _LongerNames(self.entities("organizations"))
        for person in self.entities("people"):
            words = person.label.split()
            longer = [o for o in names.of(person, words) if o.label.split()[-len(words):] == words]
            if len(longer) == 1 and person.match is None and self._confidence(person) < 0.9:
                longer[0].mentions.extend(person.mentions)
                longer[0].attrs.setdefault("alt_labels", set()).add(person.label)
                del self.found[("people", person.key)]

    def merge_short_forms(self) -> None:
        """'Collider' after 'Collider Accelerator', 'Knowledge City' beside 'Cluster Sofia Knowledge City':
        one organization, the short form an alternative label."""
        orgs = self.entities("organizations")
        names = _LongerNames(orgs)
        for short in list(orgs):
            words = short.label.split()
            if short.match or len(words) > 3:
                continue
            # "BQB" named before "Bureau du Québec à Barcelone (BQB)" defines it: one organization.
            defined = self.found.get(("organizations", self.aliases.get(short.label, "")))
            longer = [defined] if defined is not None and defined is not short else names.of(short, words)
            if len(longer) == 1:
                longer[0].mentions.extend(short.mentions)
                longer[0].attrs.setdefault("alt_labels", set()).add(short.label)
                del self.found[("organizations", short.key)]


def _chunks(sentence: Sentence, legal_suffixes: frozenset[str], is_cue: Callable[[str], bool],
            legal_form: re.Pattern[str] | None = None,
            cue_connectors: Mapping[str, frozenset[str]] | None = None) -> list[_Chunk]:
    """Runs of capitalized words of ``sentence``, a legal form after a name kept with it;
    "of the" and the ``cue_connectors`` join words only after an organization word (``is_cue``)."""
    tokens = [(m.start() + sentence.start, _POSSESSIVE.sub("", m.group(0)) if "'" in m.group(0) or "’" in m.group(0)
               else m.group(0)) for m in _TOKEN.finditer(sentence.text)]
    chunks: list[_Chunk] = []
    # Tokens before the first word are punctuation: a name starting at or before it opens its sentence.
    first_word = next((k for k, (_, w) in enumerate(tokens) if re.match(r"\w", w)), len(tokens))
    i = 0
    while i < len(tokens):
        if not _name_word(tokens[i][1]):
            i += 1
            continue
        j, legal = _run_end(tokens, i, sentence, legal_suffixes, is_cue, legal_form, cue_connectors or {})
        words = _with_initials([w for _, w in tokens[i:j]])
        end = tokens[j - 1][0] + len(tokens[j - 1][1])
        if legal:  # "Biotronic Hellas S.A.": a legal form written with dots or spaces
            words.append(legal.group(1))
            end = sentence.start + legal.end()
            while j < len(tokens) and tokens[j][0] < end:
                j += 1
        chunks.append(_Chunk(tokens[i][0], end, words, sentence, i <= first_word))
        i = j
    return chunks


def _run_end(tokens: list[tuple[int, str]], i: int, sentence: Sentence, legal_suffixes: frozenset[str],
             is_cue: Callable[[str], bool], legal_form: re.Pattern[str] | None,
             cue_connectors: Mapping[str, frozenset[str]]) -> tuple[int, re.Match[str] | None]:
    """Where the name starting at token ``i`` ends, and the legal form written after it, if any."""
    text = sentence.text

    def possessive(token: tuple[int, str]) -> bool:
        after = token[0] - sentence.start + len(token[1])
        return text[after:after + 1] in ("'", "’") and text[after + 1:after + 2] in ("s", " ", "")

    j = i + 1
    while j < len(tokens) and j - i < MAX_NAME_WORDS:
        end = tokens[j - 1][0] + len(tokens[j - 1][1]) - sentence.start
        legal = legal_form.match(sentence.text, end) if legal_form else None
        if legal:
            return j, legal
        word = tokens[j][1]
        if possessive(tokens[j - 1]) and not (tokens[j - 1][1].isupper() and is_cue(word)):
            # "Imperial College London's White City campus", "the European Commission's Directorate-General":
            # the name ends at the possessive; but an acronym's may open one ("KID's Cluster").
            break
        if j - 1 > i and tokens[j - 1][1][:1].isupper() and _legal_key(tokens[j - 1][1]) in legal_suffixes and \
                _legal_key(word) not in legal_suffixes and word != "&":
            break  # "VDI/VDE Innovation + Technik GmbH Steinplatz 1": a legal form ends the name
        if word == "." and _initials_so_far(tokens, i, j) and j + 1 < len(tokens) and _name_word(tokens[j + 1][1]) \
                and tokens[j][0] == tokens[j - 1][0] + 1:
            j += 2  # "J. René", "A. Simon de Blas": a person's initials open the name
        elif _name_word(word) or (word.lower().replace(".", "") in legal_suffixes and
                                  (word[0].isupper() or "." in word)):
            # a legal form in lowercase only when dotted ("e.V.", "d.o.o."): "Orvik Robotics as a partner"
            j += 1
        elif word.isalpha() and word.islower() and word not in _CONNECTORS and word not in _DETERMINERS and \
                j + 1 < len(tokens) and tokens[j + 1][1].lower() in legal_suffixes and tokens[j + 1][1][0].isupper():
            j += 2  # "2D fab AB": a lowercase word before a legal form is part of the company's name
        elif (word.lower() in _CONNECTORS or _cue_joins(word, [w for _, w in tokens[i:j]], is_cue, cue_connectors)) \
                and j + 1 < len(tokens) and _name_word(tokens[j + 1][1]):
            j += 2
        elif word in _PARTICLES and j + 1 < len(tokens) and _titlecase(tokens[j + 1][1]) and \
                _person_shaped([w for _, w in tokens[i:j]]):
            j += 2  # "Gerd Meier zu Köcker": a particle inside a person's name
        elif word in _PARTICLES and j + 2 < len(tokens) and tokens[j + 1][1] in _PARTICLES and \
                _name_word(tokens[j + 2][1]):
            j += 3  # "van den Berg"
        elif word.lower() in _CONNECTORS - set(_AND) and j + 2 < len(tokens) and \
                tokens[j + 1][1].lower() in _ARTICLES and _name_word(tokens[j + 2][1]) and \
                any(is_cue(w) for _, w in tokens[i:j]):
            j += 3  # "Cluster for ... of the Black Sea Region", but not "Cristina Popa of the ..."
        else:
            break
    return j, None


def _with_initials(words: list[str]) -> list[str]:
    """Words with each initial joined to its dot: ["J", ".", "René"] -> ["J.", "René"].

    >>> _with_initials(["J", ".", "René"]), _with_initials(["Sofia", "Tech"])
    (['J.', 'René'], ['Sofia', 'Tech'])
    """
    joined: list[str] = []
    for word in words:
        if word == "." and joined and len(joined[-1]) == 1:
            joined[-1] += "."
        else:
            joined.append(word)
    return joined


def _initials_so_far(tokens: list[tuple[int, str]], i: int, j: int) -> bool:
    """Whether the name's tokens ``i:j`` are initials only ("J", "J . R"), the last one before a dot."""
    letters = [w for _, w in tokens[i:j] if w != "."]
    return all(len(w) == 1 and w.isupper() for w in letters)


def _cue_joins(word: str, run: list[str], is_cue: Callable[[str], bool],
               cue_connectors: Mapping[str, frozenset[str]]) -> bool:
    """Whether ``word`` joins the name ``run`` to the next word: after the words it may follow
    ("Invest in"), or after any organization word when none are listed ("Handelskammer zu").

    >>> _cue_joins("in", ["Invest"], lambda w: False, {"in": frozenset({"invest"})})
    True
    >>> _cue_joins("in", ["Business", "Agency"], lambda w: True, {"in": frozenset({"invest"})})
    False
    """
    if word not in cue_connectors:
        return False
    heads = cue_connectors[word]
    return run[-1].lower() in heads if heads else any(is_cue(w) for w in run)


def _short_form(short: list[str], long: list[str]) -> bool:
    """Whether ``short`` names ``long``: its first word ("Collider"), its acronym at the end ("MASIT"),
    or two of its words in a row ("Knowledge City")."""
    first = long[1] if long[0] == "The" else long[0]
    if len(short) == 1:
        return short[0] == first or (short[0].isupper() and long[-1] == short[0])
    return any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _in_order(short: list[str], long: list[str]) -> bool:
    """Whether the words of ``short`` are words of ``long`` in the same order.

    >>> _in_order(["Parque", "de", "Bizkaia"], "Parque Científico y Tecnológico de Bizkaia".split())
    True
    """
    rest = iter(long)
    return all(word in rest for word in short)


class _LongerNames:
    """The organizations a short name may be the short form of (see :func:`_short_form`), found by
    the words they start or end with or hold in a row, not by comparing each name with every other
    (issue 13: that was quadratic in the number of names).

    >>> orgs = [Entity("organizations", label, label, None) for label in
    ...         ("Collider Accelerator", "Cluster Sofia Knowledge City", "The Bakery Ltd", "Knowledge City")]
    >>> names = _LongerNames(orgs)
    >>> [[o.label for o in names.of(short, short.label.split())] for short in orgs]
    [[], [], [], ['Cluster Sofia Knowledge City']]
    >>> [o.label for o in names.of(Entity("organizations", "Bakery", "b", None), ["Bakery"])]
    ['The Bakery Ltd']
    """

    def __init__(self, orgs: list[Entity]) -> None:
        self.orgs = orgs
        self.by_first: dict[str, list[Entity]] = {}  # names of two words or more, by first word ("The" aside)
        self.by_last: dict[str, list[Entity]] = {}   # the same, by last word
        self.by_pair: dict[tuple[str, str], list[Entity]] = {}  # names of three words or more, by two in a row
        self.by_ends: dict[tuple[str, str], list[Entity]] = {}  # names of four words or more, by first and last
        for org in orgs:
            long = org.label.split()
            if len(long) < 2:
                continue
            self.by_first.setdefault(long[1] if long[0] == "The" else long[0], []).append(org)
            self.by_last.setdefault(long[-1], []).append(org)
            if len(long) > 3:
                self.by_ends.setdefault((long[0], long[-1]), []).append(org)
            if len(long) > 2:
                for pair in dict.fromkeys(zip(long, long[1:], strict=False)):
                    self.by_pair.setdefault(pair, []).append(org)

    def of(self, short: Entity, words: list[str]) -> list[Entity]:
        """The organizations with more words than ``words``, the words of ``short``'s label, that it
        names, each once (in no particular order: whether there is just one is what counts)."""
        if len(words) == 1:
            found = [*self.by_first.get(words[0], []), *(self.by_last.get(words[0], []) if words[0].isupper() else [])]
            found = [o for o in found if len(o.label.split()) > 1]
        elif len(words) == 2:
            found = self.by_pair.get((words[0], words[1]), [])
        elif len(words) == 3:  # "Parque de Bizkaia": the first and last words of a longer name, in order
            found = [o for o in self.by_ends.get((words[0], words[-1]), []) if _in_order(words, o.label.split())]
        else:  # no words: every longer name holds them; never so for a name read in an article
            found = [o for o in self.orgs if len(o.label.split()) > len(words) and _short_form(words, o.label.split())]
        return list({id(o): o for o in found if o is not short}.values())


@lru_cache(maxsize=1)
def _country_names() -> tuple[str, ...]:
    return tuple(c["name"] for c in geo.countries_by_id().values())


#: A noun, then what opens a list after it: "hotels (", "Regions, such as ", "prefectures of ", "settori ".
_LIST_OPENER = re.compile(r"\b([^\W\d_][\w-]+)(?:\s*\(|\s*:|,?\s+(?:such as|like|including|e\.g\.|namely|come|como|"
                          r"comme|wie|tales como)|\s+(?:of|de|di|del|dei|des|der)|(?=\s+[A-Z]|\s*$))\s*")
#: The words that open a list of examples, in the article's languages: "such as", "come", "wie".
_EXAMPLES_BEFORE = re.compile(r"\b(?:such as|like|including|includes|included|e\.g\.|wie|darunter|z\.\s?B\.|comme|"
                              r"notamment|par exemple|como|tales como|entre ellas|entre ellos|por ejemplo|come|"
                              r"tra cui|tra i quali|ad esempio)\s+$", re.I)
#: What may stand between a list's opening and a name of it: other names, commas, "and".
_NAMES_ONLY = re.compile(r"(?:[\s,;()–-]+|\b(?:and|und|et|y|e|the|of|de|di|d['’]|del|la|le)\b|[A-Z0-9][\w'’.&/-]*)*")


def _plural(word: str) -> bool:
    """'Clusters', 'BICs', 'Associations': a plural in English and the Romance languages."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _singular(word: str) -> str:
    """'Clusters' -> 'Clusters'[:-1]; 'Companies' -> 'Company'."""
    return word[:-3] + "y" if word.endswith("ies") else word[:-1]


def _legal_key(word: str) -> str:
    return word.lower().replace(".", "")


def _name_word(word: str) -> bool:
    """A word that may be part of a name: capitalized, camel-cased, or digits before a capital
    ("5G Lab Germany", "3D Hubs"); plain numbers and "2nd" are not.

    >>> [w for w in ("Lab", "eBay", "5G", "3D", "2019", "2nd", "the") if _name_word(w)]
    ['Lab', 'eBay', '5G', '3D']
    """
    if re.fullmatch(r"\d+[A-Z][\w-]*", word):
        return True
    return bool(word) and (word[0].isupper() or is_camel(word)) and word[0].isalpha()


def _person_shaped(words: list[str]) -> bool:
    """Two to four capitalized words, with family-name particles between them and initials before
    them: 'Willem van den Berg', 'J. René', 'Rolf-Jürgen Ahlers'.

    >>> [_person_shaped(n.split()) for n in ("Willem van den Berg", "A. Simon de Blas", "Ann-Kathrin Lenz", "J. R.")]
    [True, True, True, False]
    """
    names = [w for w in words if w not in _PARTICLES]
    given = [w for w in names if not _initial(w)]
    return 2 <= len(names) <= 4 and words[0] not in _PARTICLES and words[-1] not in _PARTICLES and \
        bool(given) and all(_titlecase(w) for w in given) and all(_initial(w) for w in names[:len(names) - len(given)])


def _place_confidence(place: Place) -> float:
    """How sure a gazetteer's place is: a country by its name nearly always; a large city by its own
    name mostly (a region may share it); a smaller city or one by another name less so.

    >>> _place_confidence(Place("Sofia", "city", 727011, "BG", None, None, 1152556))
    0.9
    """
    if place.kind == "country":
        return 0.95
    return 0.9 if place.population >= 100000 and not place.by_alternate_name else 0.8


def _initials(name: str) -> str:
    """The capitals an acronym of ``name`` would be made of: its words' and its hyphenated parts' first
    letters, small words in lowercase left out.

    >>> _initials("Castilla-La Mancha"), _initials("European Commission"), _initials("Ministry of Economy")
    ('CLM', 'EC', 'ME')
    """
    parts = re.findall(r"[^\W\d_]+", name)
    return "".join(p[0].upper() for p in parts if p[0].isupper() or p not in _CONNECTORS)


def _family_names(label: str) -> list[str]:
    """The words of a person's name that may stand for it alone: those after the given name.

    >>> _family_names("Jaime Echeverri Chavarriaga"), _family_names("A. Simon de Blas")
    (['Echeverri', 'Chavarriaga'], ['Simon', 'Blas'])
    """
    words = [w for w in label.split() if w not in _PARTICLES]
    return words[1:] if len(words) > 1 else words


def _initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _loud(word: str) -> bool:
    """A word of four or more letters in capitals: one of a title in capitals ("MANAGEMENT")."""
    return len(word) > 3 and word.isalpha() and word.isupper()


def _acronym_word(word: str) -> bool:
    """'SINTEF', 'KTU': three or more capitals, perhaps with digits.

    >>> [w for w in ("SINTEF", "KTU", "IT", "Sofia", "5G") if _acronym_word(w)]
    ['SINTEF', 'KTU']
    """
    return re.fullmatch(r"[A-Z][A-Z0-9&]{2,}", word) is not None


def _titlecase(word: str) -> bool:
    """A capital and lowercase letters; each part of a hyphenated word so ("Lejas-Krūmiņš").

    >>> [_titlecase(w) for w in ("Sofia", "Rolf-Jürgen", "SOFIA", "eBay")]
    [True, True, False, False]
    """
    parts = word.replace("'", "").replace("’", "").split("-")
    return all(part[:1].isupper() and (len(part) == 1 or part[1:].islower()) for part in parts)


def is_camel(word: str) -> bool:
    """'PlanIT', 'TrustMe', 'eBay': capitals after the first letter, not all capitals; not the German
    plural of both genders ("ClustermanagerInnen"), a common noun.

    >>> [w for w in ("PlanIT", "eBay", "Sofia", "ClustermanagerInnen") if is_camel(w)]
    ['PlanIT', 'eBay']
    """
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word) and word.isalpha() and \
        _GENDERED_PLURAL.search(word) is None


def _alphanumeric(word: str) -> bool:
    """'Outfit7', 'Lift99', 'Kiwi.com': letters with digits or a web suffix make a brand name; a
    document's code does not (:func:`document_code`)."""
    return bool(re.fullmatch(r"[^\W\d_]+\d+|[^\W\d_][\w-]*\.(?:com|io|ai|net|org|eu|co)", word)) and \
        not document_code(word)


def document_code(word: str) -> bool:
    """A work package, month, version or deliverable of a project's document ("WP3", "M24", "V1",
    "D2.1"), or a "2"-for-"to" format ("C2C", "B2B"): a label, no organization's name.

    >>> [w for w in ("WP3", "M24", "V1", "C2C", "Outfit7", "H7", "SINTEF", "5G") if document_code(w)]
    ['WP3', 'M24', 'V1', 'C2C']
    """
    return _DOCUMENT_CODE.fullmatch(word) is not None


def _clean_label(text: str) -> str:
    return " ".join(_POSSESSIVE.sub("", text).split())
