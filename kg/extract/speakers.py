"""Attribution: who is quoted as saying a sentence, and in what capacity.

Claims in regional economic news are mostly someone's claims (a minister, an
academician, an agency), so every fact carries the speaker it is attributed to.
Without a statistical model, a person's name is a run of two to four capitalised
words that are neither places nor words of an organisation's name, found next to a
verb of saying or after "quoting" / "according to". "He said" and "in his opinion"
refer back to the last person named.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.extract.pipeline import Sentence

SAY_VERBS = frozenset({
    "said", "says", "say", "stated", "states", "stressed", "stresses", "noted", "notes",
    "added", "adds", "told", "tells", "explained", "explains", "emphasized", "emphasised",
    "emphasizes", "emphasises", "underlined", "underscored", "concluded", "believes",
    "believed", "thinks", "remarked", "announced", "announces", "declared", "commented",
    "observed", "highlighted", "urged", "warned", "predicted", "predicts", "expects",
    "estimated", "estimates", "forecast", "argued", "argues", "insisted", "recalled",
    "pointed", "reported", "assured", "suggested", "claimed", "confirmed",
})
INTRODUCERS = frozenset({"quoting", "according", "cited", "quoted", "citing"})
PRONOUNS = frozenset({"he", "she"})

#: Words that end a name: they belong to organisations, titles or sentence structure.
NOT_NAME = frozenset({
    "academy", "agency", "ministry", "university", "institute", "bank", "council", "committee",
    "union", "organization", "organisation", "fund", "chamber", "centre", "center", "service",
    "office", "sciences", "science", "corporation", "company", "group", "news", "national",
    "republic", "state", "government", "parliament", "assembly", "commission", "forum",
    "association", "federation", "board", "department", "agreement", "treaty", "summit",
    "the", "a", "an", "in", "on", "at", "he", "she", "it", "they", "we", "this", "that",
    "these", "those", "however", "according", "meanwhile", "also", "earlier", "today",
    "yesterday", "when", "while", "as", "such", "our", "his", "her", "their", "its",
    "mr", "mrs", "ms", "dr", "prof", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "economic", "trade", "news",
    "times", "post", "press", "daily", "reuters", "tass", "interfax",
})

#: Capitalised words that cannot be part of a role written before a name.
ROLE_STOP = frozenset({"the", "in", "on", "at", "however", "meanwhile", "also", "and", "but",
                       "when", "while", "as", "this", "that", "according", "earlier"})

#: Lower-case words that qualify a title: "trade economist", "senior official".
ROLE_MODIFIERS = frozenset({"trade", "senior", "chief", "former", "leading", "independent",
                            "local", "regional", "economic", "political", "financial", "top",
                            "acting", "foreign", "prime"})

#: Title words: in "Trade Minister Arman Shakkaliyev" they end the role and start the name.
TITLES = frozenset({
    "minister", "president", "premier", "chairman", "chairwoman", "chair", "head", "director",
    "governor", "ambassador", "academician", "professor", "economist", "analyst",
    "spokesperson", "spokesman", "spokeswoman", "secretary", "senator", "expert", "adviser",
    "advisor", "ceo", "official", "representative", "envoy", "commissioner", "mayor", "chief",
    "leader", "deputy", "vice", "member", "researcher", "mr", "mrs", "ms", "dr", "prof",
    "mr.", "mrs.", "ms.", "dr.", "prof.", "general", "rector", "founder", "partner",
})

_NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁ][a-zà-öø-ÿа-яё'’]+(?:-[A-ZÀ-ÖØ-ÞА-ЯЁa-zà-öø-ÿа-яё'’]+)*$")
_INITIAL = re.compile(r"^[A-Z]\.$")


@dataclass
class Attribution:
    """What :func:`attribute` finds in one sentence."""

    speaker: str | None = None
    role: str | None = None
    named: bool = False
    excluded: list[tuple[int, int]] = field(default_factory=list)


class SpeakerTracker:
    """Article-level memory of who has been quoted, so that "he said" can be resolved."""

    def __init__(self) -> None:
        self.speakers: dict[str, str | None] = {}
        self.last: str | None = None

    def known(self, surname: str) -> str | None:
        for name in reversed(list(self.speakers)):
            if name.split()[-1] == surname:
                return name
        return None

    def add(self, name: str, role: str | None) -> None:
        if name not in self.speakers or (role and not self.speakers[name]):
            self.speakers[name] = role
        self.last = name

    def listing(self) -> list[dict]:
        return [{"name": n, "role": r} for n, r in self.speakers.items()]


#: Lower-case particles inside names: "Qais al-Yousef", "Ursula von der Leyen".
_PARTICLES = frozenset({"al", "el", "bin", "ibn", "von", "van", "der", "de", "da", "du", "bint"})


def _is_name_token(doc: Doc, i: int, place_tokens: set[int]) -> bool:
    token = doc[i]
    if i in place_tokens:
        return False
    if token.lower_ in _PARTICLES and 0 < i < len(doc) - 1 and _NAME_TOKEN.match(doc[i - 1].text) and \
            (_NAME_TOKEN.match(doc[i + 1].text) or doc[i + 1].text == "-"):
        return True
    if token.text in {"-", "‐"} and 0 < i < len(doc) - 1 and doc[i - 1].lower_ in _PARTICLES and \
            not token.whitespace_ and _NAME_TOKEN.match(doc[i + 1].text):
        return True  # the hyphen of "al-Yousef"
    if token.text in {"-", "‐"} and 0 < i < len(doc) - 1 and not token.whitespace_ and \
            not doc[i - 1].whitespace_ and _NAME_TOKEN.match(doc[i - 1].text) and \
            _NAME_TOKEN.match(doc[i + 1].text):
        return True  # the hyphen of "Kassym-Jomart"
    if token.lower_.rstrip(".") in NOT_NAME or token.lower_ in TITLES:
        return False
    return bool(_NAME_TOKEN.match(token.text) or _INITIAL.match(token.text))


def _run_back(doc: Doc, end: int, lo: int, place_tokens: set[int]) -> tuple[int, int] | None:
    """The run of name tokens ending just before `end`."""
    i = end
    while i - 1 >= lo and _is_name_token(doc, i - 1, place_tokens) and end - (i - 1) <= 4:
        i -= 1
    if end - i >= 3 and i - 1 >= lo and doc[i - 1].lower_ in {"of", "and", "for", "on"}:
        i += 1  # "Minister of Trade and Integration Arman X": "Integration" ends the role
    return (i, end) if i < end else None


def _run_forward(doc: Doc, start: int, hi: int, place_tokens: set[int]) -> tuple[int, int] | None:
    i = start
    while i < hi and _is_name_token(doc, i, place_tokens) and i - start < 4:
        i += 1
    return (start, i) if i > start else None


def _role_before(doc: Doc, name_start: int, lo: int, places: set[int]) -> int:
    """Where a role written before a name begins: "Kazakh Trade Minister", "Minister of
    Trade and Integration", "senior official"; the name's own start when there is none."""
    start = name_start
    i = name_start - 1
    while i >= lo:
        token = doc[i]
        low = token.lower_
        if low in TITLES or i in places or (token.text[:1].isupper() and low not in ROLE_STOP):
            start = i
        elif low in ROLE_MODIFIERS and start <= i + 1 and start < name_start:
            start = i
        elif low in {"of", "and", "for"} or (low == "the" and word_at(doc, i - 1) == "of"):
            pass
        else:
            break
        i -= 1
    return start


def _role_goes_on(doc: Doc, end: int, hi: int) -> int:
    """Where a role that reached a comma really ends: "Minister of Investment,
    Industry and Trade of Uzbekistan" goes on while each next part is a list of
    capitalised words (joined by and, of, the, for), not a new clause."""
    while end < hi and doc[end].text == ",":
        stop = end + 1
        while stop < hi and doc[stop].text not in {",", ";", "."}:
            stop += 1
        part = doc[end + 1:stop]
        if not len(part) or not part[0].text[:1].isupper() or \
                any(not t.text[:1].isupper() and t.lower_ not in {"and", "of", "the", "for", "&"} for t in part):
            break
        end = stop
    return end


def word_at(doc: Doc, i: int) -> str:
    return doc[i].lower_ if 0 <= i < len(doc) else ""


def _clean_role(text: str) -> str | None:
    text = text.strip(" ,;:—–-")
    if " by " in f" {text} ":
        text = re.split(r"\bby\s+", text)[-1]  # "a review by economist" -> "economist"
    text = re.sub(r"^(?:an?|the)\s+", "", text, flags=re.IGNORECASE)
    return text or None


def _name_text(doc: Doc, run: tuple[int, int]) -> str:
    return doc[run[0]:run[1]].text


def attribute(sentence: Sentence, tracker: SpeakerTracker) -> Attribution:
    """Find who the sentence is attributed to, update `tracker`, and return the result.

    `excluded` lists token ranges (the speaker's name and role) whose places are
    affiliations ("of the National Academy of Sciences of Kyrgyzstan"), not parties
    to any relation in the sentence.
    """
    span: Span = sentence.span
    doc = span.doc
    places = {i for p in sentence.places for i in range(p.start, p.end)}
    lo, hi = span.start, span.end
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    result = Attribution()

    def accept(run: tuple[int, int] | None, role_span: tuple[int, int] | None,
               single_ok: bool = False) -> bool:
        if run is None:
            return False
        length = run[1] - run[0]
        name = _name_text(doc, run)
        if length == 1:
            full = tracker.known(name)
            if not (single_ok and full):
                return False
            name = full
        role = None
        if role_span and role_span[1] > role_span[0]:
            role = _clean_role(doc[role_span[0]:role_span[1]].text)
            result.excluded.append(role_span)
        result.excluded.append(run)
        result.speaker, result.role, result.named = name, role, True
        tracker.add(name, role)
        return True

    for i in range(lo, hi):
        token = doc[i]
        low = token.lower_
        # "quoting ROLE NAME", "according to NAME, ROLE", "according to ROLE NAME"
        if low in INTRODUCERS:
            start = i + 1
            if low == "according" and start < hi and doc[start].lower_ == "to":
                start += 1
            if start < hi and doc[start].lower_ in {"him", "her"}:
                if tracker.last:
                    result.speaker = tracker.last
                return result
            stop = start
            while stop < hi and doc[stop].text not in {",", ";", "(", ")"} and \
                    doc[stop].lower_ not in {"who", "as", "that", "said"}:
                stop += 1
            first = _run_forward(doc, start, stop, places)
            if first and first[1] - first[0] >= 2 and (first[1] == stop or doc[first[1]].text == ","):
                role_end = first[1]
                if first[1] < hi and doc[first[1]].text == ",":
                    role_end = first[1] + 1
                    while role_end < hi and doc[role_end].text not in {",", ";"} and \
                            doc[role_end].lower_ not in SAY_VERBS:
                        role_end += 1
                if accept(first, (first[1] + 1, role_end) if role_end > first[1] + 1 else None):
                    return result
            last = _run_back(doc, stop, start, places)
            if last and accept(last, (start, last[0]), single_ok=True):
                return result
        if low in SAY_VERBS or (low == "pointed" and i + 1 < hi and doc[i + 1].lower_ == "out"):
            # "he said", "she stressed"
            if i > lo and doc[i - 1].lower_ in PRONOUNS:
                if result.speaker is None and tracker.last:
                    result.speaker = tracker.last
                continue
            # "NAME, ROLE, said"
            if i > lo and doc[i - 1].text == ",":
                comma = i - 2
                while comma > lo and doc[comma].text != ",":
                    comma -= 1
                if comma > lo:
                    run = _run_back(doc, comma, lo, places)
                    if run and accept(run, (comma + 1, i - 1)):
                        return result
            # "ROLE NAME said", "Trade Minister NAME said", "NAME said", "NAME has said"
            verb = i
            while verb - 1 > lo and doc[verb - 1].lower_ in {"has", "had", "have", "also", "again", "reportedly"}:
                verb -= 1
            run = _run_back(doc, verb, lo, places)
            if run:
                role_start = _role_before(doc, run[0], lo, places)
                if accept(run, (role_start, run[0]) if role_start < run[0] else None,
                          single_ok=True):
                    return result
            # "said senior analyst NAME"
            j = i + 1
            while j < hi and doc[j].lower_ in TITLES | ROLE_MODIFIERS | {"a", "an", "the"}:
                j += 1
            if j > i + 1:
                run = _run_forward(doc, j, hi, places)
                if run and run[1] - run[0] >= 2 and (run[1] == hi or doc[run[1]].text in {",", "."}):
                    if accept(run, (i + 1, j)):
                        return result
            # "said ROLE NAME": "said Kyrgyz Minister of Economy Daniyar Amangeldiev"
            end = i + 1
            while end < hi and doc[end].text not in {",", ";", "."}:
                end += 1
            run = _run_back(doc, end, i + 1, places)
            if run and run[1] - run[0] >= 2 and run[0] > i + 1 and \
                    _role_before(doc, run[0], i + 1, places) == i + 1 and \
                    any(doc[k].lower_ in TITLES for k in range(i + 1, run[0])):
                if accept(run, (i + 1, run[0])):
                    return result
            # "said NAME, ROLE"
            run = _run_forward(doc, i + 1, hi, places)
            if run and (run[1] == hi or doc[run[1]].text in {",", "."}):
                role_end = run[1]
                if role_end < hi and doc[role_end].text == ",":
                    role_end += 1
                    while role_end < hi and doc[role_end].text not in {",", ";"}:
                        role_end += 1
                    role_end = _role_goes_on(doc, role_end, hi)
                if accept(run, (run[1] + 1, role_end) if role_end > run[1] + 1 else None):
                    return result
        # "in his opinion", "in her view"
        if low == "in" and i + 2 < hi and doc[i + 1].lower_ in {"his", "her"} and \
                doc[i + 2].lower_ in {"opinion", "view", "words", "estimate", "assessment"}:
            if result.speaker is None and tracker.last:
                result.speaker = tracker.last
    return result
