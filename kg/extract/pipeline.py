"""The language layer: a blank English spaCy pipeline that splits sentences and marks
places, amounts of money, percentages and dates.

No statistical model is used, so that extraction is reproducible and installs from
PyPI alone. Places come from the :class:`~kg.extract.gazetteer.Gazetteer` through an
EntityRuler; amounts, percentages and dates from token Matcher patterns whose text
is then read by :mod:`kg.extract.quantities`. The output is a list of
:class:`Sentence` objects that the relation rules work on.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kg.extract.gazetteer import Gazetteer
from kg.extract.quantities import (MONTH_COUNTS, MONTHS, NUMBER_WORDS, ORDINALS, PREFIX_CURRENCIES,
                                   QUALIFIED_CURRENCIES, RELATIVE_YEARS, SCALES,
                                   SUFFIX_CURRENCIES, currency_of, parse_number, period_year,
                                   split_suffixed)

#: Texts longer than this are analysed in paragraph-aligned chunks, which keeps memory
#: bounded and stays far below spaCy's own length limit.
CHUNK_CHARS = 100_000

_NUM = r"^\d[\d,.\u00a0\u202f]*$"
_NUM_SUFFIXED = r"(?i)^\d[\d.,]*(bn|bln|mn|mln|m|k|tn|trn|trln|b)\.?$"
_YEAR = r"^(1[89]\d\d|20\d\d)$"

_ORG_BLOC_REFS = {"union": "Union", "bloc": "bloc", "alliance": "alliance",
                  "community": "Community"}


@dataclass
class Place:
    """A country, bloc or aggregate named in a sentence (token offsets are doc-level)."""

    code: str | None
    kind: str
    role: str
    start: int
    end: int
    text: str
    possessive: bool = False


@dataclass
class Money:
    """An amount with its currency, as stated."""

    value: Decimal
    currency: str | None
    start: int
    end: int
    text: str


@dataclass
class Percent:
    """A percentage; `points` marks "percentage points", which is never a share."""

    value: float
    start: int
    end: int
    points: bool = False


@dataclass
class When:
    """A year or period: explicit ("2023"), relative ("last year") or partial ("Q1")."""

    year: int | None
    start: int
    end: int
    text: str
    relative: bool = False
    period: str | None = None
    prep: str | None = None
    month: int | None = None
    day: int | None = None


@dataclass
class Sentence:
    """One sentence with everything the rules need; `start`/`end` are body offsets."""

    span: Span
    start: int
    end: int
    text: str
    paragraph: int
    places: list[Place] = field(default_factory=list)
    money: list[Money] = field(default_factory=list)
    percents: list[Percent] = field(default_factory=list)
    whens: list[When] = field(default_factory=list)

    @property
    def tokens(self) -> list[Token]:
        return list(self.span)

    def words(self, start: int | None = None, end: int | None = None) -> list[str]:
        """Lower-cased token texts between two doc-level token offsets, clipped to the sentence."""
        lo = self.span.start if start is None else max(start, self.span.start)
        hi = self.span.end if end is None else min(end, self.span.end)
        doc = self.span.doc
        return [doc[i].lower_ for i in range(lo, hi)]


def _paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after a blank line, so headlines and list items stand alone."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and previous.text.count("\n") >= 2 and not token.is_space:
            token.is_sent_start = True
        elif "\n\n" in previous.whitespace_ and not token.is_space:
            token.is_sent_start = True
    return doc


if not Language.has_factory("regecon_paragraphs"):
    Language.component("regecon_paragraphs")(_paragraph_breaks)


def _place_patterns(gazetteer: Gazetteer) -> list[dict]:
    patterns: list[dict] = []
    label = {"country": "COUNTRY", "bloc": "BLOC", "aggregate": "AGGREGATE", "block": "BLOCK"}
    for entry in gazetteer:
        ident = f"{entry.code or ''}#{entry.role}"
        if entry.case_sensitive:
            surfaces = {entry.surface}
            if len(entry.surface) > 3 and entry.surface.upper() != entry.surface:
                surfaces.add(entry.surface.upper())
            for surface in surfaces:
                patterns.append({"label": label[entry.kind], "pattern": surface, "id": ident})
        else:
            words = re.findall(r"\w+|[^\w\s]", entry.surface)
            patterns.append({"label": label[entry.kind], "id": ident,
                             "pattern": [{"LOWER": w.lower()} for w in words]})
    return patterns


def _quantity_matcher(nlp: Language) -> Matcher:
    """Token patterns for amounts, percentages and date phrases; readings happen later."""
    matcher = Matcher(nlp.vocab)
    num = {"TEXT": {"REGEX": _NUM}}
    word_num = {"LOWER": {"IN": list(NUMBER_WORDS)}}
    suffixed = {"TEXT": {"REGEX": _NUM_SUFFIXED}}
    scale = {"LOWER": {"IN": [s for s in SCALES]}, "OP": "?"}
    scale_req = {"LOWER": {"IN": [s for s in SCALES]}}
    dot = {"ORTH": ".", "OP": "?"}
    prefix = {"LOWER": {"IN": list(PREFIX_CURRENCIES)}}
    suffix_words = sorted({*SUFFIX_CURRENCIES, "peso", "pesos", "real", "franc", "francs",
                           "guarani", "rial"})
    suffix = {"LOWER": {"IN": suffix_words}}
    qualifiers = sorted({q for q, _ in QUALIFIED_CURRENCIES if " " not in q})
    qualifier = {"LOWER": {"IN": qualifiers}}
    two_word = [[{"LOWER": a}, {"LOWER": b}] for a, b in
                (q.split() for q, _ in QUALIFIED_CURRENCIES if " " in q)]

    money = [
        [prefix, num, scale],
        [prefix, num, {"ORTH": {"IN": ["-", "–"]}}, scale_req],
        [prefix, suffixed],
        [{"LOWER": {"IN": ["us", "u.s."]}}, {"ORTH": "$"}, num, scale],
        [{"LOWER": {"IN": ["us", "u.s."]}}, {"ORTH": "$"}, suffixed],
        [num, scale, dot, suffix],
        [num, scale, qualifier, suffix],
        [suffixed, suffix],
        [suffixed, qualifier, suffix],
        [word_num, scale_req, suffix],
        [word_num, scale_req, qualifier, suffix],
    ]
    money += [[num, scale, *pair, suffix] for pair in two_word]
    matcher.add("MONEY", money, greedy="LONGEST")

    matcher.add("PERCENT", [
        [num, {"ORTH": "%"}],
        [num, {"LOWER": {"IN": ["percent", "pct", "pc"]}}],
        [num, {"LOWER": "per"}, {"LOWER": "cent"}],
        [num, {"LOWER": "percentage"}, {"LOWER": {"IN": ["point", "points"]}}],
        [num, {"LOWER": {"IN": ["pp", "p.p."]}}],
    ], greedy="LONGEST")

    matcher.add("YEAR", [[{"TEXT": {"REGEX": _YEAR}}]])
    matcher.add("RELYEAR", [[{"LOWER": a}, {"LOWER": b}] for a, b in RELATIVE_YEARS])
    ordinal = {"LOWER": {"IN": list(ORDINALS)}}
    matcher.add("QUARTER", [[ordinal, {"LOWER": "quarter"}], [{"TEXT": {"REGEX": r"^Q[1-4]$"}}]])
    matcher.add("HALF", [[{"LOWER": {"IN": ["first", "second"]}}, {"LOWER": "half"}],
                         [{"TEXT": {"REGEX": r"^H[12]$"}}]])
    months = sorted(MONTHS)
    matcher.add("MONTHS", [[{"ORTH": {"IN": months}}, {"ORTH": {"IN": ["-", "–", "—"]}},
                            {"ORTH": {"IN": months}}]], greedy="LONGEST")
    # "11 months of 2023", "the first nine months": January to the nth month.
    count = {"LOWER": {"IN": [str(n) for n in range(2, 12)] + list(MONTH_COUNTS)}}
    matcher.add("NMONTHS", [[count, {"LOWER": "months"}]])
    matcher.add("DATE", [
        [{"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"ORTH": {"IN": months}}, {"TEXT": {"REGEX": _YEAR}}],
        [{"ORTH": {"IN": months}}, {"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"ORTH": ","},
         {"TEXT": {"REGEX": _YEAR}}],
        [{"ORTH": {"IN": months}}, {"TEXT": {"REGEX": r"^\d{1,2}$"}},
         {"TEXT": {"REGEX": _YEAR}}],
        [{"TEXT": {"REGEX": r"^\d{4}-\d{2}-\d{2}$"}}],
        [{"ORTH": {"IN": months}}, {"TEXT": {"REGEX": _YEAR}}],
        [{"LOWER": "in"}, {"ORTH": {"IN": months}}],
        # "on Sept. 2", "on 5 March": a day without a year, placed by the publication date
        # (with a year too, so that the longest match keeps it)
        [{"LOWER": "on"}, {"ORTH": {"IN": months}}, {"TEXT": {"REGEX": r"^\d{1,2}$"}}],
        [{"LOWER": "on"}, {"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"ORTH": {"IN": months}}],
        [{"LOWER": "on"}, {"ORTH": {"IN": months}}, {"TEXT": {"REGEX": r"^\d{1,2}$"}},
         {"ORTH": ",", "OP": "?"}, {"TEXT": {"REGEX": _YEAR}}],
        [{"LOWER": "on"}, {"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"ORTH": {"IN": months}},
         {"TEXT": {"REGEX": _YEAR}}],
    ], greedy="LONGEST")
    return matcher


@dataclass(eq=False)
class Pipeline:
    """A spaCy pipeline bound to one gazetteer, plus the quantity matcher."""

    gazetteer: Gazetteer
    nlp: Language
    matcher: Matcher

    def analyse(self, text: str, published: dt.date | None) -> list[Sentence]:
        """Sentences of `text` with their places, amounts, percentages and dates."""
        sentences: list[Sentence] = []
        breaks = [m.end() for m in re.finditer(r"\n[ \t\r]*\n", text)]
        chunks = list(_chunks(text))
        for (offset, chunk), doc in zip(chunks, self.nlp.pipe(c for _, c in chunks)):
            ents = list(doc.ents)
            ent_starts = [e.start for e in ents]
            for sent in doc.sents:
                raw = sent.text
                stripped = raw.strip()
                if not stripped:
                    continue
                start = offset + sent.start_char + (len(raw) - len(raw.lstrip()))
                sentence = Sentence(span=sent, start=start, end=start + len(stripped),
                                    text=stripped, paragraph=bisect.bisect_right(breaks, start))
                lo = bisect.bisect_left(ent_starts, sent.start)
                hi = bisect.bisect_left(ent_starts, sent.end)
                self._annotate(sentence, published, ents[lo:hi])
                sentences.append(sentence)
        return sentences

    def _annotate(self, sentence: Sentence, published: dt.date | None, ents: list[Span]) -> None:
        span = sentence.span
        doc = span.doc
        found: dict[str, list[Span]] = {}
        for match_id, start, end in self.matcher(doc[span.start:span.end]):
            label = doc.vocab.strings[match_id]
            found.setdefault(label, []).append(doc[span.start + start: span.start + end])

        money_spans = filter_spans(found.get("MONEY", []))
        for s in money_spans:
            amount = _read_money(s)
            if amount is not None:
                sentence.money.append(amount)
        taken = [(m.start, m.end) for m in sentence.money]

        def free(s: Span) -> bool:
            return all(s.end <= a or s.start >= b for a, b in taken)

        for s in filter_spans(found.get("PERCENT", [])):
            if not free(s):
                continue
            value = parse_number(s[0].text)
            if value is None:
                continue
            points = s[-1].lower_ in {"point", "points", "pp", "p.p."}
            sentence.percents.append(Percent(float(value), s.start, s.end, points))
            taken.append((s.start, s.end))

        sentence.whens = _read_whens(doc, found, free, published)

        for ent in ents:
            # "US dollars", "Kazakh tenge": a currency name is not a mention of the country
            if ent.label_ == "BLOCK" or any(ent.start < m.end and m.start < ent.end
                                            for m in sentence.money):
                continue
            code, _, role = ent.ent_id_.partition("#")
            kind = {"COUNTRY": "country", "BLOC": "bloc", "AGGREGATE": "aggregate"}[ent.label_]
            after = doc[ent.end] if ent.end < len(doc) else None
            possessive = after is not None and after.lower_ in {"'s", "’s", "'", "’"}
            sentence.places.append(Place(code, kind, role, ent.start, ent.end, ent.text,
                                         possessive))
        sentence.places.extend(_bloc_references(span))
        sentence.places.sort(key=lambda p: p.start)
        sentence.money.sort(key=lambda m: m.start)
        sentence.percents.sort(key=lambda p: p.start)


def _bloc_references(span: Span) -> Iterator[Place]:
    """"the Union", "the bloc": placeholders the rules resolve to the bloc last named."""
    doc = span.doc
    for token in span:
        if token.i == span.start or token.ent_type_:
            continue
        key = token.lower_
        if key not in _ORG_BLOC_REFS or doc[token.i - 1].lower_ != "the":
            continue
        member_of = token.i >= 3 and doc[token.i - 2].lower_ == "of" and \
            doc[token.i - 3].lower_ in {"member", "members", "member-state", "member-states", "states"}
        if key in {"union", "community"} and token.text != _ORG_BLOC_REFS[key] and not member_of:
            continue  # "the union" is a bloc only as in "members of the union"
        if token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper():
            continue
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        possessive = after is not None and after.lower_ in {"'s", "’s"}
        yield Place(None, "bloc-ref", "reference", token.i - 1, token.i + 1,
                    doc[token.i - 1: token.i + 1].text, possessive)


def _read_money(span: Span) -> Money | None:
    """Value and currency of a matched amount; None when either cannot be read."""
    tokens = [t.text for t in span]
    number: Decimal | None = None
    scale = 1
    currency: str | None = None
    words: list[str] = []
    for i, text in enumerate(tokens):
        low = text.lower()
        if number is None:
            glued = split_suffixed(text)
            if glued:
                number, scale = parse_number(glued[0]), glued[1]
                continue
            if re.match(_NUM, text) or low in NUMBER_WORDS:
                number = parse_number(text)
                continue
            if low in PREFIX_CURRENCIES and currency is None:
                currency = PREFIX_CURRENCIES[low]
            elif low in {"us", "u.s."}:
                continue
            continue
        if low.rstrip(".") in SCALES and scale == 1 and not words:
            scale = SCALES[low.rstrip(".")]
            continue
        if text in {".", "-", "–"}:
            continue
        words.append(text)
    if words:
        currency = currency_of(words) or (None if currency is None else currency)
        if currency is None:
            return None
    if number is None or currency is None:
        return None
    if tokens[0] == "$" and span.start > 0 and span.doc[span.start - 1].lower_ in {"us", "u.s."}:
        currency = "USD"
    return Money(number * scale, currency, span.start, span.end, span.text)


def _read_whens(doc: Doc, found: dict[str, list[Span]], free: Callable[[Span], bool],
                published: dt.date | None) -> list[When]:
    """Years, relative years and periods, each resolved to a calendar year where possible
    (relative ones only when the publication date is known)."""
    whens: list[When] = []
    used: list[tuple[int, int]] = []

    def unused(s: Span) -> bool:
        return free(s) and all(s.end <= a or s.start >= b for a, b in used)

    def explicit_year_after(s: Span) -> tuple[int | None, int]:
        """A year qualifying a period: "first quarter of 2024", "Q1 2024", "of this year"."""
        doc = s.doc
        i = s.end
        if i < len(doc) and doc[i].lower_ == "of":
            i += 1
        if i < len(doc) and re.match(_YEAR, doc[i].text):
            return int(doc[i].text), i + 1
        if published is None:
            return None, s.end
        if i + 1 < len(doc) and (doc[i].lower_, doc[i + 1].lower_) in RELATIVE_YEARS:
            return published.year + RELATIVE_YEARS[(doc[i].lower_, doc[i + 1].lower_)], i + 2
        if i + 2 < len(doc) and doc[i].lower_ == "the" and \
                (doc[i + 1].lower_, doc[i + 2].lower_) in RELATIVE_YEARS:
            return published.year + RELATIVE_YEARS[(doc[i + 1].lower_, doc[i + 2].lower_)], i + 3
        return None, s.end

    for label in ("QUARTER", "HALF", "MONTHS", "NMONTHS"):
        for s in filter_spans(found.get(label, [])):
            if not unused(s):
                continue
            # `anchor`: the month that places a period named without a year (see period_year).
            if label == "QUARTER":
                n = int(s.text[1]) if s.text.startswith("Q") else ORDINALS[s[0].lower_]
                period, anchor = f"Q{n}", 3 * n - 2
            elif label == "HALF":
                n = int(s.text[1]) if s.text.startswith("H") else (1 if s[0].lower_ == "first" else 2)
                period, anchor = f"H{n}", 6 * n - 5
            elif label == "NMONTHS":
                # Placed by its last month: nine months cannot have passed by March.
                n = MONTH_COUNTS.get(s[0].lower_) or int(s[0].text)
                period, anchor = f"M01-M{n:02d}", n
            else:
                a, b = MONTHS[s[0].text], MONTHS[s[-1].text]
                period, anchor = f"M{a:02d}-M{b:02d}", a
            year, end = explicit_year_after(s)
            relative = year is None
            if year is None:
                if published is None:
                    continue
                year = period_year(anchor, published)
            whens.append(When(year, s.start, end, s.doc[s.start:end].text, relative=relative,
                              period=period))
            used.append((s.start, end))

    for s in filter_spans(found.get("DATE", [])):
        if not unused(s):
            continue
        texts = [t.text for t in s]
        if texts[0].lower() == "in":
            month = MONTHS[texts[1]]
            year, end = explicit_year_after(s[1:])
            if year is None:
                if texts[1] == "May" or end < len(s.doc) and s.doc[end].text[:1].isdigit() \
                        or published is None:
                    continue
                year = period_year(month, published)
            whens.append(When(year, s.start + 1, end, s.doc[s.start + 1:end].text,
                              relative=True, period=f"M{month:02d}", month=month, prep="in"))
            used.append((s.start, end))
            continue
        if re.match(r"^\d{4}-\d{2}-\d{2}$", texts[0]):
            try:
                day = dt.date.fromisoformat(texts[0])
            except ValueError:
                continue
            whens.append(When(day.year, s.start, s.end, s.text, month=day.month, day=day.day))
        else:
            month = next(MONTHS[t] for t in texts if t in MONTHS)
            days = [int(t) for t in texts if re.match(r"^\d{1,2}$", t)]
            stated = next((int(t) for t in texts if re.match(_YEAR, t)), None)
            if stated is None:  # "on Sept. 2": the last such day up to the publication
                if published is None or not days:
                    continue
                stated = published.year if (month, days[0]) <= (published.month, published.day) \
                    else published.year - 1
                start = s.start + 1 if texts[0].lower() == "on" else s.start
                whens.append(When(stated, start, s.end, s.doc[start:s.end].text, month=month,
                                  day=days[0], relative=True))
            else:
                start = s.start + 1 if texts[0].lower() == "on" else s.start
                whens.append(When(stated, start, s.end, s.doc[start:s.end].text, month=month,
                                  day=days[0] if days else None))
        used.append((s.start, s.end))

    for s in found.get("RELYEAR", []):
        if not unused(s) or published is None:
            continue
        key = (s[0].lower_, s[1].lower_)
        whens.append(When(published.year + RELATIVE_YEARS[key], s.start, s.end, s.text,
                          relative=True))
        used.append((s.start, s.end))

    for s in found.get("YEAR", []):
        if not unused(s):
            continue
        doc = s.doc
        if s.end < len(doc) and doc[s.end].lower_ in SCALES:
            continue
        whens.append(When(int(s.text), s.start, s.end, s.text))
        used.append((s.start, s.end))

    for when in whens:
        i = when.start - 1
        while i >= 0 and doc[i].lower_ in {"the", "of"} and when.period:
            i -= 1
        if i >= 0 and when.prep is None:
            when.prep = doc[i].lower_
    whens.sort(key=lambda w: w.start)
    return whens


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """Paragraph-aligned pieces of at most about CHUNK_CHARS characters, with their offsets."""
    if len(text) <= CHUNK_CHARS:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(start + CHUNK_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = text.rfind(". ", start, end)
                cut = cut + 1 if cut > start else -1
            if cut <= start:
                cut = text.rfind(" ", start, end)
            end = cut if cut > start else end
        yield start, text[start:end]
        start = end


@lru_cache(maxsize=8)
def build_pipeline(gazetteer: Gazetteer) -> Pipeline:
    """The pipeline for one gazetteer, built once: the EntityRuler holds every surface."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("regecon_paragraphs")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True,
                                                 "phrase_matcher_attr": "ORTH"})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_place_patterns(gazetteer))
    return Pipeline(gazetteer=gazetteer, nlp=nlp, matcher=_quantity_matcher(nlp))
