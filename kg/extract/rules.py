"""Trade figures, forecasts and targets: the amounts of money a sentence ties to places.

Each amount is read in its own stretch of the sentence (from the previous amount to
the next), because one sentence often carries several figures: a total and the share
of one partner ("..., of which W or P% fell on Y"), a figure and its forecast, an
export and an import. For each amount the rules decide, in this order:

* whether it is about trade at all (investment, loans, budgets are not);
* whether it is stated as achieved (``trade``), expected (``forecast``) or aimed at
  (``target``) from the modal and planning words before it;
* the flow (turnover, export, import) from the nearest flow word;
* reporter and partner from the prepositions around the places ("between A and B",
  "from A to B", "A's ... with B", "of which ... fell on B", "EAEU nations");
* the year, from the nearest stated or relative year, never invented;
* a share or a change in percent stated next to it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.extract.context import ArticleContext, bloc_group, inside, pair_references, word
from kg.extract.pipeline import Money, Place, Sentence, When
from kg.extract.quantities import RELATIVE_YEARS, as_number

EXPORT_WORDS = frozenset({"export", "exports", "exported", "exporting", "shipments", "shipped",
                          "supplies", "supplied", "exporter", "deliveries"})
IMPORT_WORDS = frozenset({"import", "imports", "imported", "importing", "purchases",
                          "purchased", "bought", "importer"})
TURNOVER_WORDS = frozenset({"turnover", "trade", "commerce", "sales", "sell", "sold", "selling",
                            "trading", "traded", "turnovers"})
TRADE_WORDS = EXPORT_WORDS | IMPORT_WORDS | TURNOVER_WORDS
OTHER_MONEY_WORDS = frozenset({
    "investment", "investments", "invested", "invest", "investing", "investors", "loan", "loans",
    "credit", "credits", "grant", "grants", "budget", "budgets", "cost", "costs", "costing",
    "gdp", "debt", "debts", "aid", "reserves", "capital", "financing", "funding", "fund",
    "funds", "revenue", "revenues", "profit", "profits", "price", "prices", "salary", "wages",
    "remittances", "subsidies", "spending", "surplus", "deficit", "balance", "portfolio",
    "valued", "valuation", "assets", "tax", "taxes", "fine", "fines", "tranche", "bonds",
})
FORECAST_WORDS = frozenset({
    "expected", "expect", "expects", "expecting", "forecast", "forecasts", "forecasted",
    "forecasting", "projected", "projection", "projections", "predicted", "predict", "predicts",
    "prediction", "predictions", "potential", "may", "might", "could", "can", "will", "would",
    "likely", "anticipated", "anticipate", "anticipates", "outlook", "poised", "possible",
    "possibly", "capable", "estimates",
})
TARGET_WORDS = frozenset({
    "aim", "aims", "aimed", "aiming", "target", "targets", "targeted", "targeting", "goal",
    "goals", "objective", "objectives", "plan", "plans", "planned", "planning", "intend",
    "intends", "intended", "seek", "seeks", "pledged", "pledge", "task", "tasked", "strive",
    "strives", "ambition", "commitment", "committed",
})
#: Words that make a figure the trade of the two countries named last ("bilateral trade").
PAIR_WORDS = frozenset({"bilateral", "mutual", "two-way", "neighbours", "neighbors"})
#: Forecast words that make a following "to double", "to raise" an expectation, not a goal.
EXPECT_WORDS = frozenset({"expect", "expects", "expected", "anticipate", "anticipates", "predict",
                          "predicts", "forecast", "forecasts", "projects", "foresee", "foresees"})
TARGET_VERBS = frozenset({"bring", "raise", "boost", "increase", "double", "triple", "lift",
                          "expand", "grow", "push", "take"})
PAST_VERBS = frozenset({
    "reached", "amounted", "totaled", "totalled", "stood", "made", "grew", "rose", "increased",
    "decreased", "fell", "declined", "dropped", "exceeded", "surpassed", "hit", "topped",
    "doubled", "climbed", "jumped", "slipped", "shrank", "contracted", "added", "posted",
    "recorded", "registered", "came",
})
COMPARISON_PREPS = frozenset({"than", "since", "from", "compared", "versus", "vs", "vs.",
                              "against", "over", "with"})
CONVERSION_WORDS = frozenset({"(", "or", "about", "approximately", "approx", "approx.", "around",
                              "roughly", "some", "nearly", "almost", "equivalent", "to", "i.e.",
                              ",", "equal", "≈", "~", "which", "is", "equals", "over", "ca",
                              "ca.", "circa"})
SHARE_LINKS = frozenset({"or", "(", ",", "which", "is", "i.e.", "accounting", "for", "making",
                         "up", "representing", "that", "amounting", "to", "about", "almost",
                         "nearly", "some", "-", "—", "–", "a", "share", "of", "was", "were"})
#: Verbs that a percentage directly follows as a change: "fell 13%", "grew 8%".
CHANGE_VERBS = frozenset({"fell", "rose", "grew", "increased", "decreased", "declined", "dropped",
                          "jumped", "surged", "climbed", "gained", "shrank", "slipped", "soared",
                          "plunged", "expanded", "contracted"})
#: Words that make a figure a reporter's total with the world ("foreign trade").
TOTAL_WORDS = frozenset({"foreign", "external", "total", "overall"})
#: Words right after a percentage that make it a change: "a 7% decline", "7% more".
CHANGE_NOUNS = frozenset({"increase", "rise", "growth", "gain", "jump", "decline", "decrease", "drop",
                          "fall", "less", "more", "lower", "higher", "contraction", "reduction"})
DOWN_WORDS = frozenset({"down", "fell", "decreased", "declined", "dropped", "shrank",
                        "contracted", "lower", "decline", "decrease", "drop", "fall", "slipped",
                        "less", "contraction", "reduction"})
SUB_CLAUSE_OPENERS = (("of", "which"), ("of", "this"), ("of", "that"), ("of", "them"),
                      ("of", "it"), ("including",), ("incl.",), ("with",))
SUB_CLAUSE_VERBS = (("fell", "on"), ("fell", "to"), ("accounted", "for"), ("accounting", "for"),
                    ("was", "with"), ("were", "with"), ("went", "to"), ("came", "from"),
                    ("falls", "on"), ("account", "for"), ("accounts", "for"))
INTRA_WORDS = frozenset({"intra", "mutual", "within", "among", "amongst", "internal",
                         "intra-union", "intra-bloc", "intraregional", "intra-regional"})
WINDOW = 15


@dataclass
class Group:
    """Places joined by "and"/","/"-" that play one role ("between A and B")."""

    role: str
    codes: list[str]
    start: int
    end: int
    group: bool = False
    hyphen: bool = False


@dataclass
class Figure:
    """An amount on its way to becoming a fact."""

    money: Money
    type: str = "trade"
    flow: str = "turnover"
    reporter: str | None = None
    partner: str | None = None
    explicit_partner: bool = True
    year: int | None = None
    period: str | None = None
    share_pct: float | None = None
    change_pct: float | None = None
    parent: "Figure | None" = None
    conversions: list[Money] = field(default_factory=list)
    years: list[When] = field(default_factory=list)
    cue: int | None = None
    #: Reporter and partner carried over from the previous sentence.
    continued: bool = False


def _flow_near(words: list[str]) -> str | None:
    for w in reversed(words):
        if w in EXPORT_WORDS:
            return "export"
        if w in IMPORT_WORDS:
            return "import"
        if w in TURNOVER_WORDS:
            return "turnover"
    return None


def _kind_of_claim(doc: Doc, lo: int, money: Money, hi: int) -> tuple[str, int | None]:
    """``trade``, ``forecast`` or ``target`` for an amount, and where the deciding cue is."""
    words = [word(doc, i) for i in range(lo, money.start)]
    cue: tuple[str, int] | None = None
    for k, w in enumerate(words):
        pos = lo + k
        if money.start - pos > WINDOW:
            continue
        nxt = words[k + 1] if k + 1 < len(words) else ""
        expected = cue is not None and cue[0] == "forecast" and word(doc, cue[1]) in EXPECT_WORDS
        if w in TARGET_WORDS or (w == "agreed" and nxt == "to") or \
                (w in {"should", "must", "need", "needs"} and nxt in TARGET_VERBS) or \
                (w == "to" and nxt in TARGET_VERBS and k > 0 and words[k - 1] not in PAST_VERBS
                 and words[k - 1] not in {"is", "are", "was", "were", "expected", "likely",
                                          "set", "poised", "projected", "forecast"} and not expected):
            cue = ("target", pos)  # "aim to double" is a goal; "expect trade to double" stays a forecast
        elif w in FORECAST_WORDS or (w == "set" and nxt == "to") or \
                (w == "estimated" and nxt == "to") or (w == "on" and nxt == "track"):
            if w == "may" and doc[pos].text == "May":
                continue
            cue = ("forecast", pos)
        elif w in PAST_VERBS and cue is not None and k > 0 and words[k - 1] not in \
                {"to", "will", "would", "could", "may", "might", "can", "have", "be"}:
            cue = None
    if cue is None:
        after = [word(doc, i) for i in range(money.end, min(hi, money.end + 4))]
        if len(after) >= 2 and after[0] in {"is", "are", "was", "were", "be"}:
            if after[1] in TARGET_WORDS:
                return "target", money.end
            if after[1] in FORECAST_WORDS:
                return "forecast", money.end
        return "trade", None
    return cue


def _groups(sentence: Sentence, places: list[Place], ctx: ArticleContext) -> list[Group]:
    """Places with the role their preposition gives them, coordinated places merged."""
    doc = sentence.span.doc
    items: list[tuple[int, int, list[str], Place | None]] = []
    for p in places:
        items.append((p.start, p.end, [p.code], p))
    pair = ctx.pair()
    for a, b in pair_references(sentence):
        if pair and not any(a <= p.start < b for p in places):
            items.append((a, b, list(pair), None))
    items.sort(key=lambda t: t[0])

    groups: list[Group] = []
    for start, end, codes, place in items:
        if groups:
            last = groups[-1]
            between = [word(doc, i) for i in range(last.end, start)]
            if between and all(w in {"-", "–", "—", "/"} for w in between) and len(between) == 1:
                last.codes.extend(codes)
                last.end, last.hyphen = end, True
                continue
            if between and all(w in {",", "and", "&", "the"} for w in between) and \
                    len(last.codes) < 8:
                last.codes.extend(codes)
                last.end = end
                continue
        i = start - 1
        while word(doc, i) in {"the", "two", "both"} and i > sentence.span.start:
            i -= 1
        prev = word(doc, i)
        role = {"from": "from", "to": "to", "into": "to", "with": "with", "between": "between",
                "among": "between", "on": "on", "of": "of", "by": "of", "in": "in",
                "at": "in", "for": "for"}.get(prev, "subj")
        if prev == "-" and word(doc, i - 1) == "intra":
            role = "intra"
        group = False
        if place is not None:
            if place.kind == "bloc" and bloc_group(doc, place):
                group = True
            if place.role == "capital" and role == "in":
                continue
        groups.append(Group(role, list(codes), start, end, group=group))
    for g in groups:
        after = word(doc, g.end)
        if after in {"'s", "’s", "'", "’"} and g.role in {"subj", "in", "for"}:
            g.role = "poss"
    return groups


def _participants(groups: list[Group], flow: str, words: list[str]) \
        -> tuple[str, str, str, bool] | None:
    """(reporter, partner, flow, partner_explicit) from the place groups of one stretch."""
    def first(*roles: str) -> Group | None:
        return next((g for g in groups if g.role in roles), None)

    intra = first("intra")
    if intra:
        return intra.codes[0], intra.codes[0], flow, True
    for g in groups:
        if g.hyphen and len(g.codes) == 2:
            if flow in {"export", "import"}:
                return g.codes[0], g.codes[1], flow, True
            return g.codes[0], g.codes[1], "turnover", True
    between = first("between")
    if between and len(between.codes) == 2:
        return between.codes[0], between.codes[1], flow, True
    if between and len(between.codes) == 1 and between.group:
        return between.codes[0], between.codes[0], flow, True
    src_from, dst_to = first("from"), first("to")
    if src_from and dst_to and len(src_from.codes) == 1 and len(dst_to.codes) == 1:
        if flow == "import":
            return dst_to.codes[0], src_from.codes[0], "import", True
        return src_from.codes[0], dst_to.codes[0], "export", True
    src = first("poss", "subj", "of", "in", "for")
    other = first("with", "to", "on") or (src_from if flow == "import" else None)
    if src and other and src is not other:
        if len(src.codes) != 1 or len(other.codes) != 1:
            return None
        partner_flow = flow
        if other.role == "to" and flow == "turnover":
            partner_flow = "export" if any(w in EXPORT_WORDS for w in words) else flow
        return src.codes[0], other.codes[0], partner_flow, True
    if src:
        if len(src.codes) == 2:
            return src.codes[0], src.codes[1], flow, True
        if len(src.codes) != 1:
            return None
        code = src.codes[0]
        if src.group or any(w in INTRA_WORDS for w in words):
            return code, code, flow, True
        return code, "WLD", flow, False
    if src_from and flow == "export" and len(src_from.codes) == 1:
        return src_from.codes[0], "WLD", flow, False
    return None


#: Words before "to" that make it part of a phrase, not a destination ("according to").
_NOT_DESTINATION = {"according", "compared", "due", "owing", "thanks", "close", "equal", "up"}
#: How many tokens after an amount a partner may be named ("worth of goods to Kyrgyzstan").
_PARTNER_REACH = 6


def _partner_after(sentence: Sentence, places: list[Place], money_end: int, right_hi: int,
                   ctx: ArticleContext) -> str | None:
    """The one place named with to/from/with just after an amount, if any."""
    near = [p for p in places if money_end <= p.start < min(right_hi, money_end + _PARTNER_REACH)]
    group = next((g for g in _groups(sentence, near, ctx) if g.role in ("to", "from", "with")), None)
    if group is None or len(group.codes) != 1:
        return None
    doc = sentence.span.doc
    if word(doc, group.start - 2) in _NOT_DESTINATION or \
            any(word(doc, i) in {"partner", "partners"} for i in range(group.end, group.end + 4)):
        return None
    return group.codes[0]


def _accounted_for(sentence: Sentence, places: list[Place], left: list[str], money: Money,
                   right_hi: int) -> tuple[str, str] | None:
    """"Y accounted for W of X's imports": X is the reporter, Y the partner."""
    if left[-2:] not in (["accounted", "for"], ["accounting", "for"], ["accounts", "for"],
                         ["made", "up"], ["makes", "up"]):
        return None
    doc = sentence.span.doc
    if word(doc, money.end) != "of":
        return None
    owner = next((p for p in places if money.end < p.start < right_hi and p.possessive), None)
    subject = [p for p in places if p.end <= money.start]
    if owner is None or len(subject) != 1 or subject[0].code == owner.code:
        return None
    return owner.code, subject[0].code


_SHARE_VERBS = (["accounted", "for"], ["accounting", "for"], ["accounts", "for"], ["make", "up"],
                ["made", "up"], ["makes", "up"])


def _share_first(sentence: Sentence, places: list[Place], money: Money,
                 ctx: ArticleContext) -> tuple[str, str, float] | None:
    """"Y accounted for P% of X's trade in 2023, or $W": X is the reporter, Y the
    partner, P the share. Without X, the reporter is the one the paragraph is about."""
    doc = sentence.span.doc
    for pct in sentence.percents:
        if pct.end > money.start or pct.points or word(doc, pct.end) != "of" or \
                [word(doc, pct.start - 2), word(doc, pct.start - 1)] not in _SHARE_VERBS:
            continue
        owner = next((p.code for p in places if pct.end < p.start < money.start and p.possessive), None)
        last = ctx.trade_in(sentence.paragraph)
        if owner is None and last is not None:
            owner = last[0]
        subject = [p for p in places if p.end <= pct.start]
        if owner is not None and len(subject) == 1 and subject[0].code != owner:
            return owner, subject[0].code, pct.value
    return None


def _is_sub_clause(left: list[str], right: list[str]) -> bool:
    stripped = [w for w in left if w not in {",", ";", "—", "–", "-", "("}]
    for opener in SUB_CLAUSE_OPENERS:
        if tuple(stripped[:len(opener)]) == opener:
            return True
    joined = list(right)
    for a, b in SUB_CLAUSE_VERBS:
        for k in range(len(joined) - 1):
            if joined[k] == a and joined[k + 1] == b:
                return True
    return False


def _percent_links(sentence: Sentence, figures: list[Figure]) -> None:
    """Attach each percentage to an amount as a share or as a change."""
    doc = sentence.span.doc
    # A time phrase may sit between an amount and its share ("$15bn in 2023, or 27%").
    timed = {i for w in sentence.whens for i in range(w.start, w.end)}
    timed |= {w.start - 1 for w in sentence.whens if word(doc, w.start - 1) in {"in", "for", "over", "during"}}
    for pct in sentence.percents:
        if pct.points:
            continue
        before = [word(doc, i) for i in range(max(sentence.span.start, pct.start - 5), pct.start)]
        after = word(doc, pct.end)
        if before[-2:] in _SHARE_VERBS and after == "of":
            # "exports, which make up 30% of its total, reached $9bn": a share, wherever the amount is
            target = _nearest(figures, pct.start, pct.end)
            if target is not None and target.share_pct is None:
                target.share_pct = pct.value
            continue
        if after in CHANGE_NOUNS or (before and (before[-1] in {"by", "up", "down", "+", "-"} | CHANGE_VERBS or
                                                 before[-2:] in (["increase", "of"], ["growth", "of"],
                                                                 ["rise", "of"], ["decline", "of"],
                                                                 ["decrease", "of"], ["drop", "of"],
                                                                 ["fall", "of"]))):
            # "a 7% decline", "7% less", "fell 13%", "up by 5%": a change
            target = _nearest(figures, pct.start, pct.end)
            if target is not None and target.change_pct is None:
                sign = -1 if any(w in DOWN_WORDS for w in before) or after in DOWN_WORDS else 1
                target.change_pct = sign * pct.value
            continue
        for figure in figures:
            gap = [word(doc, i) for i in range(figure.money.end, pct.start) if i not in timed]
            if 0 <= len(gap) <= 4 and figure.money.end <= pct.start and \
                    all(w in SHARE_LINKS for w in gap) and gap and \
                    any(w in {"or", "(", "accounting", "making", "representing", "share", ","}
                        for w in gap):
                figure.share_pct = pct.value
                break
            gap = [word(doc, i) for i in range(pct.end, figure.money.start)]
            if figure.money.start >= pct.end and 0 < len(gap) <= 2 and \
                    all(w in {"or", "(", ","} for w in gap):
                figure.share_pct = pct.value
                break


def _nearest(figures: list[Figure], start: int, end: int) -> Figure | None:
    best, best_gap = None, None
    for figure in figures:
        gap = start - figure.money.end if figure.money.end <= start else figure.money.start - end
        if best_gap is None or gap < best_gap:
            best, best_gap = figure, gap
    return best


def _attach_years(sentence: Sentence, figures: list[Figure]) -> None:
    """Give every usable year to the amount nearest to it; dates of days are not figure years."""
    if not figures:
        return
    doc = sentence.span.doc
    gaps: dict[tuple[int, int], dict[int, float]] = {}  # when -> figure index -> distance

    def distance(figure: Figure, when: When) -> float:
        m = figure.money
        if m.end <= when.start:
            return when.start - m.end - (0.5 if when.prep in {"by", "until", "till", "to", "for"} else 0)
        return m.start - when.end

    for when in sentence.whens:
        if when.year is None or when.day is not None or \
                when.prep in COMPARISON_PREPS and not (when.prep == "over" and _over_is_time(sentence, when)):
            continue
        gaps[(when.start, when.end)] = {k: distance(f, when) for k, f in enumerate(figures)}
        best = min(range(len(figures)), key=lambda k: gaps[(when.start, when.end)][k])
        figures[best].years.append(when)
    for figure in figures:
        if figure.type != "trade":
            cue_pos = figure.cue
            kept = []
            for when in figure.years:
                if cue_pos is not None and when.end <= cue_pos and when.prep == "in" and any(
                        word(doc, i) in PAST_VERBS for i in range(when.end, cue_pos)):
                    continue
                kept.append(when)
            figure.years = kept
    _choose_years(figures, gaps)


def _currency(figure: Figure) -> str:
    """The figure's currency; "¥" is the yen, except in China's trade with others than Japan,
    where it is the yuan."""
    money = figure.money
    parties = {figure.reporter, figure.partner}
    if money.currency == "JPY" and "¥" in money.text and "CHN" in parties and "JPN" not in parties:
        return "CNY"
    return money.currency


def _remember_balance(sentence: Sentence, ctx: ArticleContext, places: list[Place]) -> None:
    """A trade balance is no trade figure, but it names whose trade the paragraph is
    about: "Egypt's trade deficit reached $40bn in 2024. Exports totaled $45bn ..."."""
    owners = {p.code for p in places if p.possessive and p.kind == "country"}
    years = {w.year for w in sentence.whens if not w.relative and w.day is None and w.period is None}
    if len(owners) == 1:
        ctx.remember_trade(owners.pop(), "WLD", years.pop() if len(years) == 1 else None, None,
                           sentence.paragraph)


def _a_year_before(doc: Doc, end: int) -> bool:
    """Whether an amount is followed by "a year earlier", "a year ago", "the previous year"."""
    after = " ".join(word(doc, i) for i in range(end, end + 4))
    return after.startswith(("a year earlier", "a year ago", "a year before", "the previous year",
                             "the year before", "in the previous year"))


def _names_its_own_time(words: list[str]) -> bool:
    """Whether a sentence dates itself in words the rules could not place ("last
    year" in an undated text, "since January"), so no year may be carried into it."""
    pairs = set(zip(words, words[1:]))
    return bool(pairs & set(RELATIVE_YEARS)) or "since" in words


def _over_is_time(sentence: Sentence, when: When) -> bool:
    """"over the 11 months", "grew over 2023" are times; "up 5% over 2022" compares."""
    if when.period:
        return True
    before = when.start - 1  # the "over"
    return not any(before - 4 <= p.end <= before for p in sentence.percents)


def _choose_years(figures: list[Figure], gaps: dict[tuple[int, int], dict[int, float]]) -> None:
    """Each figure takes its best year: stated before relative, a year before a
    period, then the nearest ("the budget for 2025 ..., and trade ... $27.8bn in
    2023" is 2023). A year another figure had but did not take goes to the
    nearest figure left without one ("$1.3bn in 2023, while for 2022 it was $1.1bn")."""
    def rank(k: int, w: When) -> tuple:
        return (w.relative and w.period is None, w.period is not None, gaps[(w.start, w.end)][k])

    taken: set[tuple[int, int]] = set()
    for k, figure in enumerate(figures):
        if figure.years:
            chosen = min(figure.years, key=lambda w: rank(k, w))
            figure.year, figure.period = chosen.year, chosen.period
            taken.add((chosen.start, chosen.end))
    spare = [w for f in figures for w in f.years if (w.start, w.end) not in taken]
    for w in spare:
        bare = [k for k, f in enumerate(figures) if not f.years]
        if bare:
            k = min(bare, key=lambda k: abs(gaps[(w.start, w.end)][k]))
            figures[k].years.append(w)
            figures[k].year, figures[k].period = w.year, w.period


def trade_facts(sentence: Sentence, ctx: ArticleContext,
                excluded: list[tuple[int, int]]) -> tuple[list[dict], list[dict]]:
    """Trade, forecast and target facts of one sentence, plus currency pairs to check.

    The second list holds amounts restated in another currency ("$1bn (about 90 billion
    rubles)"), which are not separate facts but are checked for plausibility.
    """
    doc = sentence.span.doc
    if not sentence.money:
        return [], []
    words = sentence.words()
    if not any(w in TRADE_WORDS for w in words):
        return [], []
    places = [p for p in sentence.places if p.code and not inside(p, excluded)]

    figures: list[Figure] = []
    conversions: list[dict] = []
    for money in sentence.money:
        if figures:
            prev = figures[-1].money
            between = [word(doc, i) for i in range(prev.end, money.start)]
            if money.currency != prev.currency and between and \
                    all(w in CONVERSION_WORDS for w in between):
                figures[-1].conversions.append(money)
                conversions.append({"base": prev, "other": money})
                continue
        figures.append(Figure(money))

    lo = sentence.span.start
    results: list[Figure] = []
    for k, figure in enumerate(figures):
        money = figure.money
        left_lo = figures[k - 1].money.end if k else lo
        if k and figures[k - 1].conversions:
            left_lo = max(left_lo, figures[k - 1].conversions[-1].end)
        right_hi = figures[k + 1].money.start if k + 1 < len(figures) else sentence.span.end
        left = [word(doc, i) for i in range(left_lo, money.start)]
        right = [word(doc, i) for i in range(money.end, right_hi)]

        trade_at = max((i for i, w in enumerate(left) if w in TRADE_WORDS), default=None)
        other_at = max((i for i, w in enumerate(left) if w in OTHER_MONEY_WORDS), default=None)
        if other_at is not None and (trade_at is None or other_at > trade_at):
            if trade_at is not None and left[other_at] in {"deficit", "surplus", "balance"}:
                _remember_balance(sentence, ctx, [p for p in places if left_lo <= p.start < money.start])
            continue
        if trade_at is None and any(w in OTHER_MONEY_WORDS for w in right[:3]):
            continue

        claim, cue = _kind_of_claim(doc, left_lo, money, right_hi)
        figure.type, figure.cue = claim, cue
        figure.flow = _flow_near(left) or _flow_near(words[: money.start - lo]) or \
            _flow_near(words) or "turnover"

        parent = next((r for r in reversed(results) if r.parent is None), None)
        stretch = [p for p in places if left_lo <= p.start < money.start]
        side = "left"
        if not stretch:
            stretch = [p for p in places if money.end <= p.start < right_hi]
            side = "right"
        if parent is not None and _is_sub_clause(left, right):
            own = [p for p in stretch if p.code != parent.reporter]
            figure.parent = parent
            figure.reporter = parent.reporter
            own_flow = _flow_near(left)
            figure.flow = own_flow or parent.flow
            if claim == "trade":
                figure.type = parent.type
            if own:
                if len({p.code for p in own}) != 1:
                    continue
                figure.partner = own[0].code
            elif own_flow:
                figure.partner = parent.partner
            else:
                continue
            results.append(figure)
            continue

        share_of = _accounted_for(sentence, places, left, money, right_hi)
        if share_of is not None:
            figure.reporter, figure.partner = share_of
            figure.flow = _flow_near(right) or figure.flow
            results.append(figure)
            continue
        share_first = _share_first(sentence, places, money, ctx)
        if share_first is not None:
            figure.reporter, figure.partner, figure.share_pct = share_first
            results.append(figure)
            continue

        window = left if side == "left" else right
        resolved = _participants(_groups(sentence, stretch, ctx), figure.flow, window) \
            if stretch or pair_references(sentence) else None
        if resolved is not None and side == "left" and not resolved[3] and \
                not any(w in TOTAL_WORDS for w in left):
            # "Kazakhstan exported goods worth $3bn to Kyrgyzstan": the partner follows the amount
            # (but "foreign trade reached $683bn, with China its largest partner" is a total).
            onward = _partner_after(sentence, places, money.end, right_hi, ctx)
            if onward is not None and onward != resolved[0]:
                resolved = (resolved[0], onward, resolved[2], True)
        named = ctx.parties_in(sentence.paragraph)
        if resolved is None and not places and not results and len(named) >= 2 and \
                any(w in PAIR_WORDS for w in words):
            # "The EU is Kazakhstan's largest investor. Bilateral trade reached ...": the two named last here.
            first_code, second_code = sorted(named[:2])
            resolved = (first_code, second_code, figure.flow, True)
        if resolved is None and not places and not results and len(named) == 2 and \
                figure.type in {"forecast", "target"}:
            # "Kazakhstan and Uzbekistan signed a pact. It is expected to lift trade to $15bn by 2028."
            first_code, second_code = sorted(named)
            resolved = (first_code, second_code, figure.flow, True)
        if resolved is None and not places and not results and ctx.last_bloc and "intra" in words and \
                ctx.last_bloc in named:
            resolved = (ctx.last_bloc, ctx.last_bloc, figure.flow, True)  # "intra-union trade"
        last = ctx.trade_in(sentence.paragraph)
        if resolved is None and not results and last is None:
            groups = [g for g in _groups(sentence, stretch, ctx) if len(g.codes) == 1] if stretch else []
            if len(groups) == 1 and groups[0].role == "with":
                # "Tokayev visited Beijing. Trade with China amounted to ...": the country the paragraph is about.
                others = [c for c in named if c != groups[0].codes[0]]
                if others:
                    resolved = (others[0], groups[0].codes[0], figure.flow, True)
        if resolved is None and last is not None and places and not results:
            # "Kazakhstan's trade ... Imports from Russia rose to $5bn": the paragraph's reporter.
            groups = [g for g in _groups(sentence, stretch, ctx) if len(g.codes) == 1]
            if len(groups) == 1 and groups[0].role in {"from", "to", "with"} and groups[0].codes[0] != last[0]:
                resolved = (last[0], groups[0].codes[0], figure.flow, True)
                figure.continued = True
        if resolved is None and last is not None and not places and not results and \
                _flow_near(left) in {"export", "import"}:
            # "Kazakhstan's trade totaled $139.8bn. Exports amounted to $78.7bn ...": same reporter.
            resolved = (last[0], last[1], _flow_near(left), True)
            figure.continued = True
        if resolved is None and results:
            base = results[0]
            resolved = (base.reporter, base.partner, figure.flow, base.explicit_partner)
            if _flow_near(left) is None:
                resolved = (base.reporter, base.partner, base.flow, base.explicit_partner)
        if resolved is None:
            continue
        reporter, partner, flow, explicit = resolved
        if not explicit and results:
            base = results[0]
            if reporter in {base.reporter, base.partner} and base.explicit_partner and \
                    base.reporter != base.partner:
                partner = base.partner if reporter == base.reporter else base.reporter
                explicit = True
        if not explicit and any(p.kind == "aggregate" and p.code == "ROW" for p in stretch):
            partner = "ROW"
        figure.reporter, figure.partner, figure.flow = reporter, partner, flow
        figure.explicit_partner = explicit
        results.append(figure)

    _attach_years(sentence, results)
    for figure in results:
        if figure.type == "trade" and ctx.published is not None and figure.year is not None and \
                figure.year > ctx.published.year and \
                any(w.year == figure.year and w.prep in {"by", "until", "till"} for w in figure.years):
            figure.type = "target"  # "should raise trade to $50bn by 2030": not achieved, aimed at
        last = ctx.trade_in(sentence.paragraph)
        if figure.continued and figure.year is None and last is not None:
            figure.year, figure.period = last[2], last[3]
        if figure.year is None and figure.type == "trade":
            source = figure.parent or next((r for r in results
                                            if r.type == "trade" and r.year is not None), None)
            if source is not None:
                figure.year, figure.period = source.year, source.period
                if _a_year_before(doc, figure.money.end):
                    figure.year -= 1  # "to $52bn in 2024 from $57bn a year earlier"
        if figure.year is None and figure.type == "trade" and last is not None and not figure.years and \
                {figure.reporter, figure.partner} & {last[0], last[1]} - {"WLD"} and \
                not _names_its_own_time(words):
            # "Mongolia's exports to China reached $9bn in 2024. Its imports ... stood at $4bn."
            figure.year, figure.period = last[2], last[3]
    _percent_links(sentence, results)

    facts: list[dict] = []
    for figure in results:
        if figure.reporter is None or figure.partner is None:
            continue
        fact: dict = {"type": figure.type, "reporter": figure.reporter,
                      "partner": figure.partner, "flow": figure.flow, "year": figure.year,
                      "value": as_number(figure.money.value),
                      "currency": _currency(figure)}
        if figure.share_pct is not None:
            fact["share_pct"] = figure.share_pct
        if figure.change_pct is not None:
            fact["change_pct"] = figure.change_pct
        if figure.period:
            fact["period"] = figure.period
        if figure.parent is not None:
            fact["_parent"] = {"value": figure.parent.money.value,
                               "currency": figure.parent.money.currency}
        fact["_value"] = figure.money.value
        fact["_text"] = figure.money.text
        facts.append(fact)
    pairs = [{"base_value": c["base"].value, "base_currency": c["base"].currency,
              "other_value": c["other"].value, "other_currency": c["other"].currency,
              "text": f'{c["base"].text} / {c["other"].text}'} for c in conversions]
    return facts, pairs
