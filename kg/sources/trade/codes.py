"""Turn the country codes and names found in trade files into the graph's identifiers.

Every trade layout names reporters and partners differently: ISO alpha-3 or alpha-2,
M49 numbers (with UN Comtrade's own exceptions), IMF numeric codes, or plain English
names with national spelling quirks. The graph needs one spelling, so every parser
funnels its codes through :func:`resolve`, which answers with

* an ISO 3166-1 alpha-3 code (current, or historic for dissolved states such as ``SUN``),
* ``WLD`` for a world total,
* a bloc short name (``EU``, ``EAEU``, ``CIS``), or
* ``None`` for an area that is known but has no place in the graph (Comtrade's
  "Areas, nes", IMF regional aggregates such as "Advanced Economies", continents).

Anything else raises :class:`~kg.errors.SourceError` naming the file, line and column,
because a silently dropped or guessed partner would corrupt every total built on it.
Name matching is exact after normalisation (case, accents, punctuation, common
abbreviations): it never guesses between similar names.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pycountry

from kg.errors import SourceError

#: World total, whatever the source calls it (``0``, ``W00``, ``World``, ``Total``).
WORLD = "WLD"
#: Blocs a partner row may stand for; parsers decide whether to keep them.
BLOCS = frozenset({"EU", "EAEU", "CIS"})
#: The code systems :func:`resolve` understands.
SYSTEMS = ("auto", "iso3", "iso2", "m49", "comtrade", "imf", "name")

_DATA = Path(__file__).with_name("data")

# UN Comtrade area codes that are not the ISO 3166-1 numeric code of the same country.
# The first six appear, with their ISO column, in the Comtrade downloads under
# shared/refdata/trade-formats (Comtrade keeps pre-1990s codes for these reporters).
_COMTRADE_NUMERIC: dict[str, str | None] = {
    "0": WORLD,
    "251": "FRA", "381": "ITA", "579": "NOR", "699": "IND", "757": "CHE", "842": "USA",
    "97": "EU",
    "890": "YUG", "891": "SCG",
    # Residual areas ("nes" = not elsewhere specified), bunkers, free zones and
    # special categories: real trade, but with no country to attach it to.
    "129": None, "221": None, "290": None, "471": None, "472": None, "473": None,
    "490": None, "527": None, "568": None, "577": None, "636": None, "637": None,
    "697": None, "837": None, "838": None, "839": None, "879": None, "899": None,
}

# Comtrade+ writes these in its partnerISO column for the residual areas above,
# and W00 for the world.
_SPECIAL_ALPHA: dict[str, str | None] = {
    "WLD": WORLD, "W00": WORLD,
    "EU": "EU", "EAEU": "EAEU", "CIS": "CIS",
    "XKX": "XKX",
    "S19": None, "E19": None, "F19": None, "A79": None, "A59": None,
    "X1": None, "_X": None, "XX": None,
}

# Spellings seen in national and international tables that pycountry does not carry.
# Keys are written plainly; they are normalised like every looked-up name.
_NAME_VARIANTS: dict[str, str | None] = {
    # aggregates
    "world": WORLD, "world total": WORLD, "all countries": WORLD, "total world": WORLD,
    "european union": "EU", "the eu": "EU", "eu": "EU", "eu 27": "EU", "eu27": "EU",
    "eaeu": "EAEU", "eurasian economic union": "EAEU", "eaeu countries": "EAEU",
    "cis": "CIS", "commonwealth of independent states": "CIS", "cis countries": "CIS",
    # Central Asia and neighbours, in the spellings of NSC, Rosstat, IMF and Comtrade
    "kyrgyz republic": "KGZ", "kirghizia": "KGZ", "kirgizia": "KGZ",
    "russia": "RUS", "russian federation": "RUS",
    "kazakstan": "KAZ", "tadjikistan": "TJK", "turkmenia": "TKM",
    "china p r mainland": "CHN", "china mainland": "CHN", "people s republic of china": "CHN",
    "china p r hong kong": "HKG", "china hong kong sar": "HKG", "hong kong sar": "HKG",
    "hong kong china": "HKG", "sar hong kong": "HKG", "china sar hong kong": "HKG",
    "hong kong sar china": "HKG",
    "china p r macao": "MAC", "macao sar": "MAC", "macau": "MAC", "macau macau": "MAC",
    "china macao sar": "MAC", "macao sar china": "MAC",
    "taiwan province of china": "TWN", "taiwan china province": "TWN",
    "taiwan province of china": "TWN", "chinese taipei": "TWN",
    "korea": "KOR", "republic of korea": "KOR", "korea rep": "KOR", "korea republic": "KOR",
    "korea dprk": "PRK", "dprk": "PRK", "korea dem people s rep": "PRK",
    "korea democratic people s republic": "PRK",
    "iran": "IRN", "iran islamic republic": "IRN",
    "syria": "SYR", "laos": "LAO", "lao p d r": "LAO", "lao pdr": "LAO",
    "lao people s dem rep": "LAO",
    "vietnam": "VNM", "viet nam": "VNM",
    "moldova": "MDA", "tanzania": "TZA", "bolivia": "BOL", "venezuela": "VEN",
    "venezuela rep bolivariana de": "VEN", "venezuela republica bolivariana de": "VEN",
    "turkey": "TUR", "turkiye": "TUR", "czech republic": "CZE", "czech rep": "CZE",
    "slovak republic": "SVK", "slovak rep": "SVK", "brunei": "BRN",
    "great britain": "GBR", "great britain united kingdom": "GBR", "uk": "GBR",
    "united kingdom of great britain and northern ireland": "GBR", "britain": "GBR",
    "usa": "USA", "u s a": "USA", "united states of america": "USA", "us": "USA",
    "macedonia": "MKD", "republic of macedonia": "MKD", "fyr macedonia": "MKD",
    "north macedonia republic of": "MKD", "the former yugoslav republic of macedonia": "MKD",
    "cote d ivoire": "CIV", "ivory coast": "CIV",
    "swaziland": "SWZ", "cape verde": "CPV", "burma": "MMR",
    "libyan arab jamahiriya": "LBY", "libya": "LBY",
    "zaire": "COD", "dr congo": "COD", "democratic republic of the congo": "COD",
    "congo dem rep": "COD", "congo dem rep of the": "COD", "congo democratic republic": "COD",
    "congo democratic republic of the": "COD", "congo kinshasa": "COD",
    "republic of congo": "COG", "congo rep": "COG", "congo brazzaville": "COG",
    "car": "CAF", "central african rep": "CAF",
    "bostwana": "BWA", "burkino faso": "BFA", "butane": "BTN",
    "bouvet": "BVT", "coconut islands": "CCK", "cocos islands": "CCK",
    "eastern samoa": "ASM", "salvador": "SLV",
    "netherlands antilles": "ANT", "curacao and sint maarten": "ANT",
    "virgin islands united states": "VIR", "us virgin islands": "VIR",
    "virgin islands us": "VIR", "british virgin islands": "VGB",
    "faeroe islands": "FRO", "falkland islands": "FLK", "vatican": "VAT", "holy see": "VAT",
    "micronesia": "FSM", "palestine": "PSE", "west bank and gaza": "PSE",
    "saint helena": "SHN", "st helena": "SHN",
    "east timor": "TLS", "kosovo": "XKX", "sint maarten": "SXM",
    "micronesia fed states of": "FSM", "micronesia fed sts": "FSM",
    "the bahamas": "BHS", "bahamas the": "BHS", "the gambia": "GMB", "gambia the": "GMB",
    "netherlands the": "NLD", "the netherlands": "NLD", "holland": "NLD",
    "ussr": "SUN", "soviet union": "SUN", "former ussr": "SUN", "u s s r": "SUN",
    "former u s s r": "SUN",
    "czechoslovakia": "CSK", "yugoslavia": "YUG", "serbia and montenegro": "SCG",
    "german democratic republic": "DDR", "east germany": "DDR",
    # known areas with no country to attach trade to
    "channel islands": None, "undefined country": None, "unknown": None,
    "not specified": None, "countries and areas not specified": None,
    "areas nes": None, "special categories": None, "other countries": None,
    "europe": None, "asia": None, "africa": None, "america": None, "americas": None,
    "oceania": None, "australia and oceania": None, "north america": None,
    "south america": None, "latin america": None, "middle east": None,
    "sco": None, "shanghai cooperation organisation": None, "oecd": None,
    "advanced economies": None, "emerging and developing economies": None,
    "emerging market and developing economies": None,
    "emerging and developing europe": None, "emerging and developing asia": None,
    "middle east and central asia": None, "middle east north africa afghanistan and pakistan": None,
    "sub saharan africa": None, "western hemisphere": None, "euro area": None,
    "other advanced economies": None, "g7": None, "g20": None,
    "south african common customs area sacca": None, "sacca": None,
    "export earnings fuel": None, "export earnings nonfuel": None,
}

# Phrases after a comma that only state the form of government ("Armenia, Rep. of").
# Dropping them is safe because the remaining name is still looked up exactly.
_STATE_FORMS = frozenset({
    "republic of", "republic of the", "the republic of", "rep of", "the",
    "kingdom of", "kingdom of the", "the kingdom of", "islamic republic of",
    "islamic rep of", "the state of", "state of", "federal republic of",
    "the federal democratic republic of", "the federal dem rep of",
    "principality of", "grand duchy of", "united republic of", "united rep of",
    "plurinational state of", "bolivarian republic of", "sultanate of",
    "kingdom of the netherlands", "federated states of", "arab republic of",
    "arab rep of", "democratic socialist republic of", "dem socialist rep of",
    "commonwealth of", "the commonwealth of", "hashemite kingdom of",
    "co operative republic of", "socialist republic of", "people s republic of",
    "republic of the marshall islands", "rep of the",
    "democratic republic of", "dem rep of", "union of", "union of the",
})

# Abbreviations expanded before a second exact look-up.
_ABBREVIATIONS = {"rep": "republic", "dem": "democratic", "st": "saint", "is": "islands",
                  "isl": "islands", "fed": "federal", "pdr": "people s democratic republic"}


def normalise_name(name: str) -> str:
    """Fold a country name to the key used for exact look-ups.

    Accents, case, punctuation and repeated spaces vary between publishers (and
    between a Cyrillic "Р" typed in a Latin word); none of them changes which country
    is meant, so all are folded away here.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").casefold()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(text.split())


def _expand(key: str) -> str:
    return " ".join(_ABBREVIATIONS.get(word, word) for word in key.split())


@lru_cache(maxsize=1)
def _name_table() -> dict[str, str | None]:
    table: dict[str, str | None] = {}
    for country in pycountry.historic_countries:
        alpha3 = getattr(country, "alpha_3", None)
        if alpha3:
            table.setdefault(normalise_name(country.name), alpha3)
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table[normalise_name(value)] = country.alpha_3
    for variant, code in _NAME_VARIANTS.items():
        table[normalise_name(variant)] = code
    for row in imf_table().values():
        table.setdefault(normalise_name(row[1]), row[0])
    return table


@lru_cache(maxsize=1)
def imf_table() -> dict[str, tuple[str, str]]:
    """IMF numeric code -> (ISO alpha-3, IMF name), read from ``data/imf_country_codes.csv``."""
    path = _DATA / "imf_country_codes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row["imf"].strip(): (row["iso3"].strip(), row["name"].strip())
            for row in csv.DictReader(lines)}


@lru_cache(maxsize=1)
def _iso_numeric() -> dict[str, str]:
    table: dict[str, str] = {}
    current = {c.numeric for c in pycountry.countries}
    for country in pycountry.historic_countries:
        numeric = getattr(country, "numeric", None)
        alpha3 = getattr(country, "alpha_3", None)
        # A historic number that a current country reuses (112 Byelorussia/Belarus)
        # must resolve to the current country.
        if numeric and alpha3 and numeric not in current:
            table.setdefault(numeric, alpha3)
    for country in pycountry.countries:
        table[country.numeric] = country.alpha_3
    return table


@lru_cache(maxsize=1)
def _alpha3() -> set[str]:
    codes = {c.alpha_3 for c in pycountry.countries}
    codes.update(getattr(c, "alpha_3") for c in pycountry.historic_countries
                 if getattr(c, "alpha_3", None))
    return codes


@lru_cache(maxsize=1)
def _alpha2() -> dict[str, str]:
    return {c.alpha_2: c.alpha_3 for c in pycountry.countries}


class _Unknown(Exception):
    """Internal signal: the code is not in the table of the system tried."""


def _from_alpha(code: str) -> str | None:
    upper = code.strip().upper()
    if upper in _SPECIAL_ALPHA:
        return _SPECIAL_ALPHA[upper]
    if len(upper) == 3 and upper in _alpha3():
        return upper
    if len(upper) == 2 and upper in _alpha2():
        return _alpha2()[upper]
    raise _Unknown


def _from_numeric(code: str, comtrade: bool) -> str | None:
    digits = code.strip()
    if re.fullmatch(r"\d+\.0+", digits):
        digits = digits.split(".")[0]
    if not digits.isdigit():
        raise _Unknown
    bare = str(int(digits))
    if comtrade and bare in _COMTRADE_NUMERIC:
        return _COMTRADE_NUMERIC[bare]
    if bare == "0":
        return WORLD
    padded = bare.zfill(3)
    if padded in _iso_numeric():
        return _iso_numeric()[padded]
    raise _Unknown


def _from_imf(code: str) -> str | None:
    digits = code.strip()
    if re.fullmatch(r"\d+\.0+", digits):
        digits = digits.split(".")[0]
    table = imf_table()
    for key in (digits, digits.zfill(3), digits.lstrip("0") or "0"):
        if key in table:
            return table[key][0]
    raise _Unknown


def _from_name(name: str) -> str | None:
    table = _name_table()
    key = normalise_name(name)
    if not key:
        raise _Unknown
    candidates = [key, _expand(key)]
    if key.startswith("the "):
        candidates.append(key[4:])
    # "Armenia, Rep. of" / "Korea, Republic of": try the part before the comma when
    # the rest only states the form of government, and the reordered phrase.
    if "," in str(name):
        head, _, tail = str(name).partition(",")
        head_key, tail_key = normalise_name(head), normalise_name(tail)
        candidates.append(f"{tail_key} {head_key}".strip())
        if tail_key in _STATE_FORMS or _expand(tail_key) in _STATE_FORMS:
            candidates.append(head_key)
    # "Russia 1", "Kazakhstan*": a footnote marker glued to the name.
    stripped = re.sub(r"(\s+\d{1,2})+$", "", key)
    if stripped != key:
        candidates.append(stripped)
    for candidate in candidates:
        if candidate in table:
            return table[candidate]
    if key.endswith((" not specified", " nes", " n e s", " n i e", " nie",
                     " not included elsewhere", " not elsewhere specified")):
        return None
    if key.startswith(("emerging market and developing economies by",
                       "emerging and developing economies by")):
        return None
    raise _Unknown


def resolve(code: object, system: str = "auto", *, file: str | None = None,
            line: int | None = None, column: str | None = None) -> str | None:
    """Return the graph identifier for `code` read in `system`.

    ``auto`` picks the system from the shape of the code: digits are M49/Comtrade
    numbers, two or three letters are ISO codes, anything else is an English name.
    Returns ``None`` for a known area that has no place in the graph; raises
    :class:`SourceError` (with the given file/line/column) for anything unknown.
    """
    if system not in SYSTEMS:
        raise SourceError(f"unknown code system {system!r}; use one of {', '.join(SYSTEMS)}",
                          file=file, line=line, column=column)
    text = "" if code is None else str(code).strip()
    if not text:
        raise SourceError("empty country code", file=file, line=line, column=column)
    try:
        if system == "auto":
            if re.fullmatch(r"\d+(\.0+)?", text):
                return _from_numeric(text, comtrade=True)
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{1,3}", text):
                try:
                    return _from_alpha(text)
                except _Unknown:
                    return _from_name(text)
            return _from_name(text)
        if system == "iso3" or system == "iso2":
            return _from_alpha(text)
        if system in ("m49", "comtrade"):
            return _from_numeric(text, comtrade=True)
        if system == "imf":
            return _from_imf(text)
        return _from_name(text)
    except _Unknown:
        raise SourceError(f"unknown country code {text!r} ({system})",
                          file=file, line=line, column=column) from None


def is_country(code: str | None) -> bool:
    """True for an ISO alpha-3 code, False for WLD, blocs and skipped areas."""
    return code is not None and code != WORLD and code not in BLOCS
