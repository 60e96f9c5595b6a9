"""The gazetteer: which surface strings in a text name which country, bloc or aggregate.

Articles rarely use formal names. They say "Russia" rather than "Russian Federation",
"Astana agreed" for the government of Kazakhstan, "the Kazakh-Kyrgyz border", "EEU"
for the Eurasian Economic Union. The gazetteer collects those surfaces once, from
pycountry and the project's curated ``data/countries.csv`` / ``data/blocs.csv``, so
that the extractor never hard-codes a country.

It knows nothing about spaCy: :mod:`kg.extract.pipeline` turns it into matcher
patterns.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

#: Where ``Gazetteer.default()`` looks for the curated CSV files.
DATA_DIR = Path(__file__).resolve().parents[2] / "data"

#: The bloc short names of the output contract, with the spellings the contract itself names.
#: Used on their own when ``data/blocs.csv`` is absent, and merged with it otherwise.
CONTRACT_BLOCS: dict[str, tuple[str, ...]] = {
    "EAEU": ("Eurasian Economic Union", "EEU", "EAEU", "EaEU", "Eurasian Union"),
    "CIS": ("Commonwealth of Independent States", "CIS"),
    "SCO": ("Shanghai Cooperation Organisation", "Shanghai Cooperation Organization", "SCO"),
    "ASEAN": ("Association of Southeast Asian Nations", "Association of South-East Asian Nations",
              "ASEAN"),
    "EU": ("European Union", "EU", "E.U."),
    "AfCFTA": ("African Continental Free Trade Area", "AfCFTA", "AFCFTA"),
    "Mercosur": ("Mercosur", "MERCOSUR", "Mercosul", "MERCOSUL", "Southern Common Market"),
    "BRICS": ("BRICS",),
    "Union State": ("Union State", "Union State of Russia and Belarus"),
}

#: Aggregates of the contract. Matched without regard to case, since "world" is lower case.
AGGREGATES: dict[str, tuple[str, ...]] = {
    "WLD": ("world", "the world", "global"),
    "ROW": ("rest of the world", "third countries", "third-country", "non-member countries",
            "non-member states", "extra-bloc"),
    "CAS": ("Central Asia", "Central Asian", "Central Asian states", "Central Asian countries",
            "Central Asian nations", "C5", "C5 countries", "Central Asian Five"),
    "AFR": ("Africa", "African", "African countries", "African states", "African nations"),
}

#: Phrases that contain a place name but do not refer to the place; matching them as a
#: whole keeps "Latin American" from counting as the United States.
BLOCKING_PHRASES: tuple[str, ...] = (
    "Latin America", "Latin American", "North America", "North American", "South America",
    "South American", "Central America", "Central American", "Indian Ocean",
    "World Bank", "World Trade Organization", "World Trade Organisation", "World Economic Forum",
    "World War", "World Cup", "African Development Bank", "African Union", "African Export-Import Bank",
    "Asian Development Bank", "Eurasian Development Bank", "New Mexico", "New England",
    "Washington Post", "Georgia State", "Turkish Airlines",
)

#: Surfaces that are also everyday words or common given names; never taken as places.
AMBIGUOUS_SURFACES = frozenset({
    "Male", "Victoria", "The Valley", "Hamilton", "Plymouth", "Jamestown", "Kingston",
})

#: Surfaces for the most cited countries when ``data/countries.csv`` is missing: pycountry
#: alone lacks the forms news text uses ("Russia", "Vietnam", "Astana", "Kazakh").
FALLBACK_COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # iso3: (names and aliases, demonyms, capitals)
    "RUS": (("Russia",), ("Russian",), ("Moscow",)),
    "KAZ": (("Kazakhstan",), ("Kazakh", "Kazakhstani"), ("Astana",)),
    "KGZ": (("Kyrgyzstan", "Kyrgyz Republic"), ("Kyrgyz",), ("Bishkek",)),
    "UZB": (("Uzbekistan",), ("Uzbek",), ("Tashkent",)),
    "TJK": (("Tajikistan",), ("Tajik",), ("Dushanbe",)),
    "TKM": (("Turkmenistan",), ("Turkmen",), ("Ashgabat",)),
    "BLR": (("Belarus",), ("Belarusian",), ("Minsk",)),
    "ARM": (("Armenia",), ("Armenian",), ("Yerevan",)),
    "AZE": (("Azerbaijan",), ("Azerbaijani",), ("Baku",)),
    "CHN": (("China", "PRC"), ("Chinese",), ("Beijing",)),
    "USA": (("United States", "USA", "U.S.", "US"), ("American",), ("Washington",)),
    "GBR": (("United Kingdom", "UK", "Britain"), ("British",), ("London",)),
    "TUR": (("Turkey", "Türkiye"), ("Turkish",), ("Ankara",)),
    "IRN": (("Iran",), ("Iranian",), ("Tehran",)),
    "IND": (("India",), ("Indian",), ("New Delhi",)),
    "VNM": (("Vietnam", "Viet Nam"), ("Vietnamese",), ("Hanoi",)),
    "KOR": (("South Korea",), ("South Korean",), ("Seoul",)),
    "BRA": (("Brazil",), ("Brazilian",), ("Brasilia", "Brasília")),
    "ARG": (("Argentina",), ("Argentine", "Argentinian"), ("Buenos Aires",)),
    "DEU": (("Germany",), ("German",), ("Berlin",)),
    "FRA": (("France",), ("French",), ("Paris",)),
    "ZAF": (("South Africa",), ("South African",), ("Pretoria",)),
}


@dataclass(frozen=True)
class Entry:
    """One surface string and what it names.

    `role` says how the surface names the place (``name``, ``capital``, ``demonym``,
    ``code``), because a capital used after "in" names a city, not a government.
    """

    surface: str
    code: str | None
    kind: str  # "country", "bloc", "aggregate" or "block"
    role: str = "name"
    case_sensitive: bool = True


@dataclass(eq=False)
class Gazetteer:
    """Surface strings mapped to ISO 3166-1 alpha-3 codes, bloc short names and aggregates."""

    entries: list[Entry]
    bloc_names: dict[str, str] = field(default_factory=dict)
    _by_surface: dict[str, Entry] = field(init=False, repr=False)
    _kinds: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_surface = {}
        self._kinds = {}
        for entry in self.entries:
            self._by_surface.setdefault(entry.surface, entry)
            if entry.code:
                self._kinds.setdefault(entry.code, entry.kind)

    # --- construction -------------------------------------------------------------

    @classmethod
    def from_entries(cls, countries: Iterable[tuple[str, Iterable[str]]],
                     blocs: Iterable[tuple[str, Iterable[str]]], *,
                     capitals: Mapping[str, Iterable[str]] | None = None,
                     demonyms: Mapping[str, Iterable[str]] | None = None,
                     aggregates: Mapping[str, Iterable[str]] | None = None,
                     bloc_names: Mapping[str, str] | None = None) -> "Gazetteer":
        """Build from explicit surfaces; a surface claimed by two codes is dropped as ambiguous.

        `countries` pairs an ISO3 code with its names; `blocs` pairs a short name with its
        spellings (the short name itself always counts). Capitals and demonyms are optional
        extras keyed by ISO3. The contract's aggregates are added unless `aggregates` is given.
        """
        raw: list[Entry] = []
        for code, surfaces in countries:
            raw.extend(Entry(s, code, "country", "name") for s in _clean(surfaces))
        for code, surfaces in (capitals or {}).items():
            raw.extend(Entry(s, code, "country", "capital") for s in _clean(surfaces))
        for code, surfaces in (demonyms or {}).items():
            raw.extend(Entry(s, code, "country", "demonym") for s in _clean(surfaces))
        names: dict[str, str] = dict(bloc_names or {})
        for code, surfaces in blocs:
            surfaces = list(_clean(surfaces))
            raw.extend(Entry(s, code, "bloc", "name") for s in _clean([code, *surfaces]))
            long = [s for s in surfaces if " " in s]
            names.setdefault(code, long[0] if long else code)
        for code, surfaces in (AGGREGATES if aggregates is None else aggregates).items():
            raw.extend(Entry(s, code, "aggregate", "name", case_sensitive=(s.upper() == s))
                       for s in _clean(surfaces))
        raw.extend(Entry(s, None, "block", "block") for s in BLOCKING_PHRASES)
        return cls(entries=_disambiguate(raw), bloc_names=names)

    @classmethod
    def default(cls, data_dir: str | Path | None = None) -> "Gazetteer":
        """The project gazetteer: pycountry names plus the curated CSV files when present.

        Each CSV is optional so that the extractor keeps working on a checkout where the
        curated data is missing or being rewritten; pycountry, a short list of everyday
        names, and the contract's bloc spellings then stand in.
        """
        data = Path(data_dir) if data_dir is not None else DATA_DIR
        names: dict[str, set[str]] = defaultdict(set)
        capitals: dict[str, set[str]] = defaultdict(set)
        demonyms: dict[str, set[str]] = defaultdict(set)
        for code, surfaces in _pycountry_names():
            names[code].update(surfaces)
        rows = list(_read_rows(data / "countries.csv"))
        if rows:
            for row in rows:
                code = (row.get("iso3") or "").strip().upper()
                if len(code) != 3:
                    continue
                names[code].update(_split(row.get("common_name")))
                names[code].update(_split(row.get("aliases")))
                demonyms[code].update(_split(row.get("demonyms")))
                capitals[code].update(_split(row.get("capital")))
        else:
            for code, (alias, demonym, capital) in FALLBACK_COUNTRIES.items():
                names[code].update(alias)
                demonyms[code].update(demonym)
                capitals[code].update(capital)

        blocs: dict[str, set[str]] = {code: set(s) for code, s in CONTRACT_BLOCS.items()}
        bloc_names: dict[str, str] = {code: s[0] for code, s in CONTRACT_BLOCS.items()}
        for row in _read_rows(data / "blocs.csv"):
            code = (row.get("short") or "").strip()
            if not code:
                continue
            surfaces = blocs.setdefault(code, set())
            name = (row.get("name") or "").strip()
            if name:
                surfaces.add(name)
                bloc_names.setdefault(code, name)
            surfaces.update(_split(row.get("aliases")))
        return cls.from_entries(sorted((c, sorted(s)) for c, s in names.items()),
                                sorted((c, sorted(s)) for c, s in blocs.items()),
                                capitals=capitals, demonyms=demonyms, bloc_names=bloc_names)

    # --- queries ------------------------------------------------------------------

    def lookup(self, surface: str) -> str | None:
        """The code a surface names, or None (case-insensitive only for aggregates)."""
        entry = self._by_surface.get(surface)
        if entry is None:
            for candidate in self.entries:
                if not candidate.case_sensitive and candidate.surface.lower() == surface.lower():
                    entry = candidate
                    break
        return entry.code if entry else None

    def entry(self, surface: str) -> Entry | None:
        """The full entry for an exact surface, or None."""
        return self._by_surface.get(surface)

    def kind(self, code: str) -> str | None:
        """``country``, ``bloc`` or ``aggregate`` for a code the gazetteer knows."""
        return self._kinds.get(code)

    def codes(self, kind: str) -> set[str]:
        """Every code of one kind."""
        return {c for c, k in self._kinds.items() if k == kind}

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _clean(surfaces: Iterable[str]) -> Iterator[str]:
    for surface in surfaces:
        surface = " ".join(str(surface).split())
        if surface and surface not in AMBIGUOUS_SURFACES:
            yield surface


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _disambiguate(entries: list[Entry]) -> list[Entry]:
    """Drop surfaces that two different codes claim; keep one entry per (surface, code)."""
    owners: dict[str, set[str | None]] = defaultdict(set)
    for entry in entries:
        owners[entry.surface].add(entry.code)
    seen: set[tuple[str, str | None]] = set()
    kept: list[Entry] = []
    for entry in entries:
        if len(owners[entry.surface]) > 1:
            continue
        if (entry.surface, entry.code) in seen:
            continue
        seen.add((entry.surface, entry.code))
        kept.append(entry)
    return kept


def _pycountry_names() -> Iterator[tuple[str, set[str]]]:
    """Name, official name and common name of each country, plus the part of an inverted
    name before its comma ("Iran, Islamic Republic of" -> "Iran") when that is unambiguous."""
    heads: dict[str, set[str]] = defaultdict(set)
    out: dict[str, set[str]] = defaultdict(set)
    for country in pycountry.countries:
        code = country.alpha_3
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                out[code].add(value)
                if ", " in value:
                    heads[value.split(", ")[0]].add(code)
    for head, codes in heads.items():
        if len(codes) == 1:
            out[next(iter(codes))].add(head)
    for code, surfaces in out.items():
        yield code, {s for s in surfaces if ", " not in s}


def _read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a curated CSV, skipping ``#`` comment lines; nothing when the file is absent."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    yield from csv.DictReader(lines)
