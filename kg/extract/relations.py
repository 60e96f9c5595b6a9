"""Memberships ("EAEU nations including Russia, Belarus ...") and agreements
("signing an agreement on ... will", "signed a free trade agreement").

Both are read from the structure around a bloc or an agreement word rather than from
any list of known agreements, so that new agreements are found as they are reported.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extract.context import (ArticleContext, bloc_group, inside, pair_references, word)
from kg.extract.pipeline import Place, Sentence

_LIST_INTRO = {"including", "incl.", "namely", ":", "—", "–", "-", "(", "like", "i.e."}
_LIST_JOINERS = {",", "and", "&", "the", "as", "well"}
_MEMBER_NOUNS = {"member", "members", "member-state", "member-states", "member state",
                 "founding", "full", "full-fledged", "fully-fledged"}
_NOT_MEMBER = {"observer", "observers", "candidate", "candidates", "not", "never", "no",
               "applicant", "applied", "apply", "partner", "dialogue"}

#: "the tenth full member", "its 10th member", "the newest member".
_ORDINAL = (r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
            r"\d+(?:st|nd|rd|th)|newest|latest|youngest")

AGREEMENT_HEADS = frozenset({"agreement", "agreements", "treaty", "accord", "memorandum",
                             "pact", "convention", "protocol", "fta", "deal", "roadmap", "road-map"})
_MODIFIERS = frozenset({
    "free", "trade", "economic", "partnership", "preferential", "cooperation", "comprehensive",
    "investment", "customs", "transit", "bilateral", "intergovernmental", "strategic",
    "framework", "interim", "free-trade", "-", "–", "and", "trade-economic", "commercial",
    "tariff", "industrial", "visa", "border", "allied", "integration", "multilateral",
    "trilateral", "new", "landmark", "historic", "area", "zone", "association",
})
_LEFT_STOP = frozenset({"the", "a", "an", "this", "that", "such", "signing", "sign", "signed",
                        "its", "their", "our", "his", "her", "new", "of"})
_RIGHT_STOP = frozenset({
    "between", "among", "with", "will", "would", "could", "can", "may", "might", "should",
    "shall", "must", "is", "are", "was", "were", "has", "have", "had", "be", "been", "soon",
    "that", "which", "who", "when", "signed", "by", "last", "next", "at", "within", "during",
    "after", "before", "to", "as", "while", "because", "since", "if", "until", "later",
    "earlier", "yesterday", "today", "now", "here", "there", "entered", "came", "took",
})
_CALENDAR = frozenset({"January", "February", "March", "April", "May", "June", "July", "August",
                       "September", "October", "November", "December", "Monday", "Tuesday",
                       "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Jan", "Feb",
                       "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
                       "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.",
                       "Nov.", "Dec."})
_FORCE = re.compile(r"\b(?:entered|enters|came|comes|come|went) into (?:force|effect)\b|"
                    r"\bin (?:force|effect) since\b|"
                    r"\b(?:is|are|has been|have been|remains?) in (?:force|effect)\b|"
                    r"\btook effect\b")
_FUTURE_FORCE = re.compile(r"\b(?:will|would|to|shall|should|could|may) (?:enter|come|take|go)"
                           r" (?:into )?(?:force|effect)\b")
_PLANNED_SIGNED = re.compile(r"\b(?:will|to|would|could|shall|should|may|must) be (?:signed|"
                             r"concluded|ratified)\b|\b(?:yet to be|not yet|expected to be) "
                             r"(?:signed|concluded)\b")
_TALKS_DONE = re.compile(r"\b(?:concluded|completed|finali[sz]ed|wrapped up) (?:the )?"
                        r"(?:negotiations|talks)\b")
_SIGNED = re.compile(r"\b(?:signed|inked|concluded|ratified|sealed)\b")
_NEGOTIATING = re.compile(r"\bnegotiat\w*|\btalks\b|\bdiscussing\b|\bdrafting\b|"
                          r"\bround of\b|\bworking on\b")
_PLANNED = re.compile(r"\bsign(?:ing)?\b|\bconclude\b|\bconclusion of\b|\bplan(?:s|ned)?\b|"
                      r"\bintend\w*\b|\bpropos\w+\b|\bupcoming\b|\bforthcoming\b|\bfuture\b|"
                      r"\bprepar\w+\b|\bdraft\b")


def memberships(sentence: Sentence, ctx: ArticleContext,
                excluded: list[tuple[int, int]]) -> tuple[list[dict], list[tuple[int, int]]]:
    """Membership facts in the sentence, and the token ranges of the member lists.

    Members listed after a bloc ("EAEU nations including Russia, ...") describe the bloc,
    so the trade rules must not take them as reporter or partner: hence the ranges.
    """
    doc = sentence.span.doc
    facts: list[dict] = []
    ranges: list[tuple[int, int]] = []
    places = [p for p in sentence.places if not inside(p, excluded)]
    by_start = {p.start: p for p in places}

    def enumerate_from(i: int) -> tuple[list[Place], int]:
        members: list[Place] = []
        end = i
        while i < sentence.span.end:
            if i in by_start and by_start[i].kind == "country":
                members.append(by_start[i])
                i = by_start[i].end
                end = i
                continue
            if word(doc, i) in _LIST_JOINERS:
                i += 1
                continue
            break
        return members, end

    def emit(members: list[Place], bloc: str, lo: int, hi: int) -> None:
        if len(members) == 0:
            return
        ranges.append((lo, hi))
        for member in members:
            facts.append({"type": "membership", "member": member.code, "bloc": bloc})

    previous: tuple[list[Place], int] | None = None  # the members just given, and where their bloc ended
    for place in places:
        if place.kind != "bloc":
            continue
        if previous is not None and place.start > previous[1] and \
                all(word(doc, k) in {"and", ",", "the", "&"} for k in range(previous[1], place.start)):
            emit(previous[0], place.code, place.start, place.end)  # "a member of the CIS and the SCO"
            previous = (previous[0], place.end)
            continue
        group = bloc_group(doc, place)
        if group is not None:
            i = group[1]
            if word(doc, i) == ",":
                i += 1
            intro = word(doc, i)
            direct = word(doc, group[1] - 1) in {"member", "members"} and \
                i in by_start and by_start[i].kind == "country"
            if intro == "such" and word(doc, i + 1) == "as":
                i += 2
            elif intro in _LIST_INTRO:
                i += 1
            elif not direct:
                i = -1
            if i >= 0:
                members, end = enumerate_from(i)
                if members and not any(word(doc, k) in _NOT_MEMBER for k in range(group[0], i)):
                    emit(members, place.code, i, end)
                    continue
        # "Armenia and Belarus are members of the EAEU", "Kyrgyzstan joined the EAEU"
        k = place.start - 1
        if word(doc, k) == "the":
            k -= 1
        lead: list[str] = []
        if word(doc, k) in {"joined", "form", "formed", "founded", "co-founded"}:
            verb_at = k  # "Kyrgyzstan joined the EAEU", "Belarus and Russia form the Union State"
        elif word(doc, k) in {"a", "an"} and word(doc, k - 1) == "," and \
                word(doc, place.end) in {"member", "member-state", "member-states"}:
            verb_at = k - 1  # "Kazakhstan, an EAEU member state, ..."
        elif word(doc, k) == "of":
            j = k - 1
            while j > sentence.span.start and (word(doc, j) in _MEMBER_NOUNS or
                                               word(doc, j) in {"a", "an", "the", "states",
                                                                "state", "countries"} or
                                               re.fullmatch(_ORDINAL, word(doc, j))):
                lead.append(word(doc, j))
                j -= 1
            if not any(w in {"member", "members", "member-state", "member-states"} for w in lead):
                continue
            verb_at = j
            # "... are members of", "..., a member of" (an apposition), "..., which is a member of"
            if word(doc, verb_at) not in {"is", "are", "was", "were", "became", "become",
                                          "becomes", "remain", "remains", "as", ","}:
                continue
        else:
            continue
        if any(word(doc, j) in _NOT_MEMBER for j in range(max(sentence.span.start, verb_at - 2),
                                                           place.start)):
            continue
        members = []
        j = verb_at - 1
        apposition = word(doc, verb_at) == "," or word(doc, j) in {"which", "that"}
        if word(doc, verb_at) != ",":
            while word(doc, j) in {"which", "that", ","} and j > sentence.span.start:
                j -= 1
        while j >= sentence.span.start:
            hit = next((p for p in places if p.end == j + 1 and p.kind == "country"), None)
            if hit is not None:
                members.insert(0, hit)
                j = hit.start - 1
                continue
            if word(doc, j) in _LIST_JOINERS:
                j -= 1
                continue
            break
        pair = ctx.pair()
        if not members and pair and _words_before(doc, verb_at, 2) in (["both", "countries"],
                                                                        ["two", "countries"]):
            # "Both countries are founding members of Mercosur": the two named last.
            members = [Place(code, "country", "reference", verb_at, verb_at, code) for code in pair]
            emit(members, place.code, place.start, place.end)
        elif members and apposition:
            # The country is the sentence's subject: only the aside about it is set apart.
            emit(members, place.code, verb_at, place.end)
        elif members:
            emit(members, place.code, members[0].start, members[-1].end)
        if members:
            previous = (members, place.end)
    return facts, ranges


def _words_before(doc, i: int, n: int) -> list[str]:
    return [word(doc, k) for k in range(i - n, i)]


@dataclass
class AgreementMention:
    name: str
    key: str
    start: int
    end: int


def _agreement_names(sentence: Sentence) -> list[AgreementMention]:
    doc = sentence.span.doc
    lo, hi = sentence.span.start, sentence.span.end
    places = {i for p in sentence.places for i in range(p.start, p.end)}
    pairs = pair_references(sentence)
    mentions: list[AgreementMention] = []
    for i in range(lo, hi):
        low = doc[i].lower_
        if low not in AGREEMENT_HEADS:
            continue
        if low == "deal" and word(doc, i - 1) in {"great", "good"}:
            continue
        start = i
        while start - 1 >= lo:
            prev = doc[start - 1]
            if prev.lower_ in _LEFT_STOP or start - 1 == lo and prev.lower_ not in _MODIFIERS \
                    and (start - 1) not in places:
                break
            if prev.lower_ in _MODIFIERS or (start - 1) in places or \
                    (prev.text[:1].isupper() and prev.is_alpha):
                start -= 1
                continue
            if prev.lower_ in {"in", "of", "on", "and", "for"} and start - 2 >= lo and \
                    doc[start - 2].text[:1].isupper() and doc[start].text[:1].isupper():
                start -= 1  # "Trade in Goods Agreement": a small word inside a capitalised name
                continue
            break
        while start < i and doc[start].lower_ in {"-", "–", "and"}:
            start += 1
        end = i + 1
        if word(doc, end) in {"on", "of", "for", "in"} and end + 1 < hi and \
                not doc[end + 1].text[:1].isdigit() and doc[end + 1].text not in _CALENDAR:
            j = end + 1
            while j < hi and j - end < 16:
                token = doc[j]
                if token.is_punct and token.text not in {"-", "–"} or token.lower_ in _RIGHT_STOP:
                    break
                if token.lower_ == "and" and j + 1 < hi and doc[j + 1].lower_ in {"a", "an", "the"}:
                    break  # "a memorandum on X and an agreement on Y": two agreements
                if any(a == j for a, _ in pairs) or re.match(r"^\d{4}$", token.text):
                    break
                if token.lower_ in {"in", "on", "at"} and j > end + 1 and j + 1 < hi and (
                        j + 1 in places or doc[j + 1].text in _CALENDAR or doc[j + 1].text[:1].isdigit()):
                    break  # where or when it was signed, not its name
                j += 1
            # A name does not end on a small word ("... cooperation for 2024-2026").
            while j > end + 1 and doc[j - 1].lower_ in {"for", "in", "on", "of", "at", "by", "from", "and",
                                                         "the"}:
                j -= 1
            if j > end + 1:
                end = j
        if start == i and end == i + 1:
            continue
        name = doc[start:end].text
        key = " ".join(w for w in re.findall(r"\w+", name.lower())
                       if w not in {"of", "the", "a", "an"})
        mentions.append(AgreementMention(name, key, start, end))
    return mentions


def _status(text: str) -> str | None:
    low = text.lower()
    if _FORCE.search(low) and not _FUTURE_FORCE.search(low):
        return "in force"
    if _PLANNED_SIGNED.search(low):
        return "planned"
    if _TALKS_DONE.search(low):
        return "planned"  # negotiations over: signing is what comes next
    if _SIGNED.search(low):
        return "signed"
    if _NEGOTIATING.search(low):
        return "negotiating"
    if _FUTURE_FORCE.search(low):
        return "signed"
    if _PLANNED.search(low) or re.search(r"\bwill\b|\bwould\b", low):
        return "planned"
    return None


def _date(sentence: Sentence, ctx: ArticleContext, status: str) -> str | None:
    if status not in {"signed", "in force"}:
        return None
    for when in sentence.whens:
        if when.month and when.day:
            try:
                return dt.date(when.year, when.month, when.day).isoformat()
            except (TypeError, ValueError):
                continue
    for when in sentence.whens:
        if when.month and when.year:
            return f"{when.year:04d}-{when.month:02d}"
    low = sentence.text.lower()
    if ctx.published is not None and re.search(r"\btoday\b", low):
        return ctx.published.isoformat()
    if ctx.published is not None and re.search(r"\byesterday\b", low):
        return (ctx.published - dt.timedelta(days=1)).isoformat()
    for when in sentence.whens:
        if not when.relative and when.period is None and when.prep in {"in", "on", "since"}:
            return f"{when.year:04d}"
    return None


def agreements(sentence: Sentence, ctx: ArticleContext,
               excluded: list[tuple[int, int]]) -> list[dict]:
    """Named agreements with parties and status; unnamed "the agreement" refers back and is skipped."""
    doc: Doc = sentence.span.doc
    found = _agreement_names(sentence)
    if not found:
        return []
    status = _status(sentence.text)
    if status is None:
        return []
    facts: list[dict] = []
    for mention in found:
        usable = [p for p in sentence.places
                  if p.code and p.kind in {"country", "bloc"} and not inside(p, excluded)
                  and not (p.role == "capital" and word(doc, p.start - 1) in {"in", "at"})]
        outside = [p for p in usable if not (mention.start <= p.start < mention.end)]
        parties: list[str] = []
        if pair_references(sentence):
            parties = ctx.pair() or []
        if not parties:
            chosen = outside or [p for p in usable if mention.start <= p.start < mention.end]
            parties = sorted({p.code for p in chosen})
        if not parties and not sentence.places and len(ctx.parties_in(sentence.paragraph)) == 2:
            # "The leaders signed a memorandum on ...": the two the paragraph is about.
            parties = sorted(ctx.parties_in(sentence.paragraph))
        if not parties:
            continue
        facts.append({"type": "agreement", "parties": parties, "name": mention.name,
                      "status": status, "date": _date(sentence, ctx, status),
                      "_key": mention.key})
    return facts
