"""Turning the text of a matched amount, percentage or date phrase into a value.

Kept apart from the spaCy matchers so that the arithmetic (decimal commas, scale
words, currency words) can be tested on plain strings.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

#: Multipliers for the scale words and abbreviations news text uses (English and Russian).
SCALES: dict[str, int] = {
    "thousand": 10**3, "thousands": 10**3, "k": 10**3, "th": 10**3, "тыс": 10**3,
    "million": 10**6, "millions": 10**6, "mln": 10**6, "mn": 10**6, "m": 10**6, "mio": 10**6,
    "млн": 10**6,
    "billion": 10**9, "billions": 10**9, "bn": 10**9, "bln": 10**9, "b": 10**9,
    "mlrd": 10**9, "milliard": 10**9, "milliards": 10**9, "млрд": 10**9,
    "trillion": 10**12, "trillions": 10**12, "tn": 10**12, "trn": 10**12, "trln": 10**12,
    "tln": 10**12, "трлн": 10**12,
}

#: Number words accepted in place of digits ("five billion dollars").
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}

#: Symbols and codes written before the number.
PREFIX_CURRENCIES: dict[str, str] = {
    "$": "USD", "us$": "USD", "u.s.$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP", "₽": "RUB", "rub": "RUB", "rur": "RUB", "₸": "KZT",
    "kzt": "KZT", "kgs": "KGS", "uzs": "UZS", "tjs": "TJS", "tmt": "TMT", "byn": "BYN",
    "amd": "AMD", "azn": "AZN", "gel": "GEL", "uah": "UAH", "cny": "CNY", "rmb": "CNY",
    "yuan": "CNY", "jpy": "JPY", "₹": "INR", "inr": "INR", "r$": "BRL", "brl": "BRL",
    "ars": "ARS", "zar": "ZAR", "try": "TRY", "₺": "TRY", "chf": "CHF", "krw": "KRW",
    "₩": "KRW", "vnd": "VND", "idr": "IDR", "myr": "MYR", "thb": "THB", "sgd": "SGD",
    "s$": "SGD", "aed": "AED", "sar": "SAR", "hkd": "HKD", "hk$": "HKD", "a$": "AUD",
    "aud": "AUD", "cad": "CAD", "c$": "CAD", "irr": "IRR", "uyu": "UYU", "pyg": "PYG",
    "egp": "EGP", "ngn": "NGN", "kes": "KES", "¥": "JPY", "rs": "INR",
}

#: Currency words written after the number; codes are accepted there too.
SUFFIX_CURRENCIES: dict[str, str] = {
    **{code.lower(): code for code in set(PREFIX_CURRENCIES.values())},
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR",
    "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB",
    "tenge": "KZT", "som": "KGS", "soms": "KGS", "soum": "UZS", "soums": "UZS", "sum": "UZS",
    "sums": "UZS", "somoni": "TJS", "manat": "AZN", "manats": "AZN", "dram": "AMD",
    "drams": "AMD", "lari": "GEL", "hryvnia": "UAH", "hryvnias": "UAH", "hryvnas": "UAH",
    "yuan": "CNY", "renminbi": "CNY", "yen": "JPY", "rupee": "INR", "rupees": "INR",
    "pound": "GBP", "pounds": "GBP", "sterling": "GBP", "reais": "BRL", "rand": "ZAR",
    "lira": "TRY", "liras": "TRY", "rupiah": "IDR", "ringgit": "MYR", "baht": "THB",
    "dong": "VND", "won": "KRW", "dirham": "AED", "dirhams": "AED", "riyal": "SAR",
    "riyals": "SAR", "naira": "NGN", "rials": "IRR", "guaranies": "PYG",
    "руб": "RUB", "рублей": "RUB", "рубля": "RUB", "долл": "USD", "долларов": "USD",
    "тенге": "KZT", "сомов": "KGS", "юаней": "CNY", "евро": "EUR",
}

#: Words before a currency word that change which currency it is.
QUALIFIED_CURRENCIES: dict[tuple[str, str], str] = {
    ("us", "dollar"): "USD", ("u.s.", "dollar"): "USD", ("american", "dollar"): "USD",
    ("hong kong", "dollar"): "HKD", ("australian", "dollar"): "AUD",
    ("canadian", "dollar"): "CAD", ("singapore", "dollar"): "SGD",
    ("new zealand", "dollar"): "NZD", ("taiwan", "dollar"): "TWD",
    ("russian", "ruble"): "RUB", ("belarusian", "ruble"): "BYN", ("belarus", "ruble"): "BYN",
    ("kazakh", "tenge"): "KZT", ("kazakhstani", "tenge"): "KZT",
    ("kyrgyz", "som"): "KGS", ("uzbek", "som"): "UZS", ("uzbek", "sum"): "UZS",
    ("tajik", "somoni"): "TJS", ("turkmen", "manat"): "TMT", ("azerbaijani", "manat"): "AZN",
    ("armenian", "dram"): "AMD", ("chinese", "yuan"): "CNY", ("japanese", "yen"): "JPY",
    ("indian", "rupee"): "INR", ("brazilian", "real"): "BRL", ("argentine", "peso"): "ARS",
    ("argentinian", "peso"): "ARS", ("uruguayan", "peso"): "UYU", ("mexican", "peso"): "MXN",
    ("chilean", "peso"): "CLP", ("colombian", "peso"): "COP", ("philippine", "peso"): "PHP",
    ("south african", "rand"): "ZAR", ("turkish", "lira"): "TRY", ("british", "pound"): "GBP",
    ("swiss", "franc"): "CHF", ("paraguayan", "guarani"): "PYG", ("iranian", "rial"): "IRR",
}

#: Currency words that name no currency without a qualifier ("pesos" alone could be many).
QUALIFIED_ONLY = {"peso": None, "pesos": None, "real": None, "franc": None, "francs": None,
                  "guarani": None, "rial": None}

_STEMS = {"dollars": "dollar", "rubles": "ruble", "roubles": "ruble", "rouble": "ruble",
          "soms": "som", "sums": "sum", "soums": "som", "soum": "som", "manats": "manat",
          "drams": "dram", "rupees": "rupee", "pounds": "pound", "pesos": "peso",
          "reais": "real", "francs": "franc", "guaranies": "guarani", "rials": "rial",
          "liras": "lira"}

_SUFFIXED = re.compile(r"^(?P<num>\d[\d.,\u00a0\u202f]*)(?P<scale>[A-Za-zА-Яа-я]+)\.?$")


def parse_number(text: str) -> Decimal | None:
    """A decimal from a number as written, reading "2,5" as 2.5 and "1,317" as 1317.

    A single comma followed by exactly three digits is a thousands separator; any other
    single comma is a decimal comma. Spaces (plain, no-break, narrow) separate thousands.
    """
    text = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    if text.lower() in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS[text.lower()])
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        head, tail = text.split(",")
        text = head + tail if len(tail) == 3 and head != "0" else head + "." + tail
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def split_suffixed(token: str) -> tuple[str, int] | None:
    """("1.3", 10**9) for "1.3bn": a number with a scale abbreviation glued on."""
    match = _SUFFIXED.match(token)
    if not match:
        return None
    scale = SCALES.get(match.group("scale").lower())
    if scale is None:
        return None
    return match.group("num"), scale


def currency_of(words: list[str]) -> str | None:
    """The ISO 4217 code named by the currency words of an amount ("US", "dollars")."""
    if not words:
        return None
    lowered = [w.lower().rstrip(".") if w not in {"U.S.", "u.s."} else "u.s." for w in words]
    head = lowered[-1]
    stem = _STEMS.get(head, head)
    if len(lowered) > 1:
        qualifier = " ".join(lowered[:-1])
        code = QUALIFIED_CURRENCIES.get((qualifier, stem))
        if code:
            return code
    if head in QUALIFIED_ONLY or stem in QUALIFIED_ONLY:
        return None
    return SUFFIX_CURRENCIES.get(head) or SUFFIX_CURRENCIES.get(stem)


def as_number(value: Decimal) -> int | float:
    """A JSON-friendly number: an int when whole (15.6 billion -> 15600000000), else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4}
MONTHS = {name: i for i, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["Sept"] = 9
MONTHS.update({f"{name[:3]}.": i for name, i in list(MONTHS.items()) if len(name) > 3})  # "Dec."
MONTHS["Sept."] = 9
#: Month counts written as words: "the first nine months".
MONTH_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11}

RELATIVE_YEARS = {
    ("last", "year"): -1, ("past", "year"): -1, ("previous", "year"): -1,
    ("this", "year"): 0, ("current", "year"): 0, ("next", "year"): 1, ("coming", "year"): 1,
}


def period_year(start_month: int, published: dt.date) -> int:
    """The year of a period named without one ("in the fourth quarter").

    A period that would begin after the publication month is read as last year's:
    an article of February speaking of "the fourth quarter" means the one just past.
    """
    return published.year if start_month <= published.month else published.year - 1
