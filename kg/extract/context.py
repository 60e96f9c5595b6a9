"""State carried from one sentence to the next while reading an article, and the
sentence-level helpers every rule module shares (which places are parties, which
are blocs "as a group", which words surround a token)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.extract.gazetteer import Gazetteer
from kg.extract.pipeline import Place, Sentence
from kg.extract.speakers import SpeakerTracker

#: Nouns that turn a bloc into its member states: "EAEU nations", "member states of the EAEU".
GROUP_NOUNS = frozenset({"nations", "countries", "states", "members", "member-states",
                         "economies", "participants", "partners", "member"})

#: Phrases standing for the two countries last discussed.
PAIR_REFERENCES = (("the", "two", "countries"), ("the", "two", "nations"),
                   ("the", "two", "states"), ("the", "two", "sides"), ("both", "countries"),
                   ("both", "nations"), ("both", "sides"), ("the", "countries"),
                   ("the", "two", "neighbours"), ("the", "two", "neighbors"))
_PAIR_FIRST_WORDS = frozenset(p[0] for p in PAIR_REFERENCES)


@dataclass
class ArticleContext:
    """What earlier sentences established: speakers, the last bloc, the last countries."""

    published: dt.date | None
    gazetteer: Gazetteer
    speakers: SpeakerTracker = field(default_factory=SpeakerTracker)
    recent_countries: list[str] = field(default_factory=list)
    last_bloc: str | None = None
    mentioned: set[str] = field(default_factory=set)
    #: The last trade figure's (reporter, partner, year, period) and its paragraph,
    #: for a sentence that goes on without naming them ("Exports amounted to ...").
    last_trade: tuple[str, str, int | None, str | None] | None = None
    last_trade_paragraph: int | None = None

    def remember_trade(self, reporter: str, partner: str, year: int | None, period: str | None,
                       paragraph: int) -> None:
        self.last_trade, self.last_trade_paragraph = (reporter, partner, year, period), paragraph

    def trade_in(self, paragraph: int) -> tuple[str, str, int | None, str | None] | None:
        """The last trade figure's keys, if it was in `paragraph`."""
        return self.last_trade if self.last_trade_paragraph == paragraph else None
    #: Countries and blocs named so far, with their paragraph: (code, kind, paragraph).
    recent_parties: list[tuple[str, str, int]] = field(default_factory=list)

    def parties_in(self, paragraph: int) -> list[str]:
        """The distinct countries and blocs named earlier in `paragraph`, latest first."""
        seen: list[str] = []
        for code, _, where in reversed(self.recent_parties):
            if where == paragraph and code not in seen:
                seen.append(code)
        return seen

    def pair(self) -> list[str] | None:
        """The two distinct countries mentioned most recently, for "the two countries"."""
        seen: list[str] = []
        for code in reversed(self.recent_countries):
            if code not in seen:
                seen.append(code)
            if len(seen) == 2:
                return sorted(seen)
        return None

    def resolve_references(self, sentence: Sentence) -> None:
        """Give "the Union" / "the bloc" the code of the bloc named last, or drop them."""
        resolved: list[Place] = []
        for place in sentence.places:
            if place.kind == "bloc-ref":
                code = self._bloc_for(place.text)
                if code is None:
                    continue
                place.code, place.kind = code, "bloc"
            resolved.append(place)
            if place.kind == "bloc":
                self.last_bloc = place.code
        sentence.places = resolved

    def _bloc_for(self, text: str) -> str | None:
        if self.last_bloc is None:
            return None
        if text.lower().endswith("union"):
            name = self.gazetteer.bloc_names.get(self.last_bloc, self.last_bloc)
            if "union" not in name.lower() and "union" not in self.last_bloc.lower():
                return None
        return self.last_bloc

    def remember(self, sentence: Sentence, excluded: list[tuple[int, int]]) -> None:
        """Record the sentence's places for later anaphora and for the article's mention lists."""
        for place in sentence.places:
            if place.code is None:
                continue
            self.mentioned.add(place.code)
            if place.kind == "country" and not inside(place, excluded):
                self.recent_countries.append(place.code)
            if place.kind in ("country", "bloc") and not inside(place, excluded):
                self.recent_parties.append((place.code, place.kind, sentence.paragraph))
        del self.recent_countries[:-20]
        del self.recent_parties[:-40]


def inside(place: Place, ranges: list[tuple[int, int]]) -> bool:
    """Whether a place lies within any of the token ranges."""
    return any(a <= place.start and place.end <= b for a, b in ranges)


def word(doc: Doc, i: int) -> str:
    """Lower-cased token text, or "" outside the document."""
    return doc[i].lower_ if 0 <= i < len(doc) else ""


def bloc_group(doc: Doc, place: Place) -> tuple[int, int] | None:
    """The token range of "EAEU nations" / "member states of the EAEU" around a bloc, or None."""
    if place.kind != "bloc":
        return None
    j = place.end
    if word(doc, j) in {"'s", "’s", "'", "’"}:
        j += 1
    if word(doc, j) == "member" and word(doc, j + 1) in GROUP_NOUNS:
        return place.start, j + 2
    if word(doc, j) in GROUP_NOUNS:
        return place.start, j + 1
    i = place.start - 1
    if word(doc, i) == "the":
        i -= 1
    if word(doc, i) == "of" and word(doc, i - 1) in GROUP_NOUNS:
        start = i - 1
        if word(doc, start - 1) == "member":
            start -= 1
        return start, place.end
    return None


def pair_references(sentence: Sentence) -> list[tuple[int, int]]:
    """Token ranges of "the two countries", "both sides" and similar in the sentence."""
    doc = sentence.span.doc
    found: list[tuple[int, int]] = []
    for i in range(sentence.span.start, sentence.span.end):
        if doc[i].lower_ not in _PAIR_FIRST_WORDS:
            continue
        for phrase in PAIR_REFERENCES:
            n = len(phrase)
            if i + n <= sentence.span.end and all(word(doc, i + k) == phrase[k] for k in range(n)):
                if word(doc, i + n) == "of":
                    continue
                found.append((i, i + n))
                break
    return found
