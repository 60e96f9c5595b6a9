"""Property-based fuzzing (Hypothesis) of the code that reads untrusted input:

- ``extract``: the article reader and the text extractor,
  ``kg.extract.extract(read_article(path))``, on article files in each of the
  three layouts with generated and mutated text;
- ``trade``: the trade-table loaders, ``kg.sources.trade.parse(path)`` and the
  RDF they become, on generated CSVs (tidy, Comtrade classic and plus, IMF
  DOTS and other headers; random cells, delimiters, quoting, encodings, line
  ends; mutated bytes);
- ``rdf``: the RDF file loader, ``kg.sources.rdffile.load(path)``, on mutated
  Turtle (and the other RDF syntaxes), written into a store as ``kg load`` does.

The property for every target: the call returns normally, or raises
``kg.errors.KGError`` (``SourceError`` for a bad file) with a message. Any
other exception is a bug; it is shrunk to a minimal input and reported.

    python bench/fuzz.py --minutes 5                 # all targets, the time split between them
    python bench/fuzz.py --minutes 1 --target trade  # one target
    python bench/fuzz.py --examples 200              # a fixed number of examples per target

Failures found are kept in Hypothesis's example database
(``bench/out/fuzz-db``), so a second run replays them first. The exit status is
1 if any target failed.
"""
from __future__ import annotations

import argparse
import atexit
import csv
import datetime as dt
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
# Hypothesis keeps caches in ./.hypothesis by default; keep them with the other
# benchmark output (bench/out is not part of the source tree).
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(REPO / "bench" / "out" / "hypothesis"))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase  # noqa: E402

from kg.errors import KGError  # noqa: E402

# ----------------------------------------------------------------------------- the property

#: Examples run per target in this process, by target name.
COUNTS: dict[str, int] = {}


class NoMessage(AssertionError):
    """A KGError whose message is empty: the user would not know what went wrong."""


def quiet() -> None:
    """rdflib logs every odd IRI and literal it meets; fuzzing meets thousands."""
    for name in ("rdflib", "rdflib.term", "pyshacl"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def returns_or_kg_error(target: str, call: Callable[[], Any]) -> None:
    """Run `call`; a KGError must say something, anything else propagates."""
    COUNTS[target] = COUNTS.get(target, 0) + 1
    try:
        call()
    except KGError as exc:
        if not str(exc).strip():
            raise NoMessage(f"{type(exc).__name__} without a message") from exc


def _scratch() -> Path:
    """A directory for the files one example writes (reused: one file at a
    time), removed when the process exits."""
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))
        atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
    return _SCRATCH


_SCRATCH: Path | None = None


def _write(name: str, data: bytes) -> Path:
    directory = _scratch()
    for old in directory.iterdir():
        old.unlink()
    path = directory / name
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------- mutations

def mutate(data: st.DrawFn, text: str, tokens: Sequence[str]) -> str:
    """A few random edits of `text`: deletions, insertions of `tokens` or of
    arbitrary characters, duplications and truncation."""
    for _ in range(data(st.integers(0, 6))):
        if not text:
            text = data(st.sampled_from(tokens))
            continue
        at = data(st.integers(0, len(text)))
        op = data(st.sampled_from(["delete", "token", "chars", "dup", "truncate", "swap"]))
        if op == "delete":
            text = text[:at] + text[at + data(st.integers(1, 40)):]
        elif op == "token":
            text = text[:at] + data(st.sampled_from(tokens)) + text[at:]
        elif op == "chars":
            text = text[:at] + data(st.text(max_size=8)) + text[at:]
        elif op == "dup":
            end = min(len(text), at + data(st.integers(1, 200)))
            text = text[:end] + text[at:end] + text[end:]
        elif op == "truncate":
            text = text[:at]
        else:
            other = data(st.integers(0, len(text)))
            lo, hi = sorted((at, other))
            text = text[:lo] + text[hi:hi + (hi - lo)] + text[lo:hi] + text[hi + (hi - lo):]
    return text


ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "cp1251", "utf-16", "utf-16-le", "ascii")


def encode(data: st.DrawFn, text: str) -> bytes:
    """`text` in UTF-8 most of the time, else in another encoding, with a few bytes flipped now and then."""
    encoding = "utf-8" if data(st.integers(0, 9)) < 6 else data(st.sampled_from(ENCODINGS))
    raw = text.encode(encoding, errors="replace")
    if data(st.integers(0, 9)) == 0 and raw:  # a few flipped bytes
        flipped = bytearray(raw)
        for _ in range(data(st.integers(1, 4))):
            flipped[data(st.integers(0, len(flipped) - 1))] = data(st.integers(0, 255))
        raw = bytes(flipped)
    return raw


# ----------------------------------------------------------------------------- articles

ARTICLE_SEEDS = sorted((REPO / "data" / "articles").glob("*.txt"))
COUNTRY_WORDS = ("Kazakhstan", "Uzbekistan", "Russia", "China", "Kyrgyzstan", "the EAEU", "ASEAN",
                 "Mercosur", "the European Union", "Tashkent", "Astana", "Moscow", "Beijing", "the CIS",
                 "Kazakh", "Russian", "its partners", "the Union", "they", "it")
AMOUNTS = ("$4.1bn", "4.1 billion US dollars", "$10bn", "12%", "9 per cent", "1.2 trillion roubles",
           "€3m", "500 million yuan", "$0", "$-5bn", "$1e400", "1,234,567.89 dollars", "$.5bn",
           "2.6 billion", "tenfold", "a third", "$9" + "9" * 40 + "bn", "half", "¥", "$")
YEARS = ("2023", "2030", "last year", "in 2003", "by 2030", "next year", "in the first quarter",
         "Q3 2022", "1900", "9999", "0", "in 20233", "since 2015", "January-March 2024")
VERBS = ("reached", "grew by", "fell", "rose to", "will reach", "aims to raise", "exported", "imported",
         "signed", "joined", "left", "ratified", "agreed on", "said", "added", "forecast")
PEOPLE = ("Deputy Minister Aziz Rakhimov said.", "he added.", "\u201cWe expect growth,\u201d she said.",
          "according to the ministry.", "President Tokayev told reporters.", "\"", "\u201c", "\u201d")


@st.composite
def trade_sentence(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(("Trade between", "Exports from", "Imports of", "Turnover with", "The",
                                   "Bilateral trade of", "A free trade agreement between", "")))]
    parts.append(draw(st.sampled_from(COUNTRY_WORDS)))
    parts.append(draw(st.sampled_from(("and", "to", "with", "from", ",", "of"))))
    parts.append(draw(st.sampled_from(COUNTRY_WORDS)))
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(st.sampled_from(VERBS + AMOUNTS + YEARS)))
    parts.append(draw(st.sampled_from(PEOPLE + (".", "", "!", "?", ";"))))
    return " ".join(parts)


@st.composite
def article_text(draw: st.DrawFn) -> str:
    """Text built from trade-like sentences, a seed article mutated, or anything."""
    kind = draw(st.sampled_from(["sentences", "seed", "any"]))
    if kind == "sentences":
        sentences = draw(st.lists(trade_sentence(), min_size=1, max_size=12))
        joiners = draw(st.lists(st.sampled_from([" ", "\n", "\n\n", "  ", "\t", "\u00a0", ""]),
                                min_size=len(sentences), max_size=len(sentences)))
        return "".join(s + j for s, j in zip(sentences, joiners, strict=True))
    if kind == "seed" and ARTICLE_SEEDS:
        seed = draw(st.sampled_from(ARTICLE_SEEDS)).read_text(encoding="utf-8")
        return mutate(draw, seed, COUNTRY_WORDS + AMOUNTS + YEARS + VERBS + PEOPLE)
    return draw(st.text(max_size=600))


@st.composite
def article_file(draw: st.DrawFn) -> tuple[str, bytes, bytes | None]:
    """(file name, bytes, JSON sidecar bytes or None) in one of the three layouts."""
    body = draw(article_text())
    if draw(st.integers(0, 9)) < 8:
        date = draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat))
    else:
        date = draw(st.one_of(st.sampled_from(["2024-02-30", "24-03-05", "", "today", "2024-13-01",
                                               "2024-03-05T10:00", "\u0662\u0660\u0662\u0664-03-05"]),
                              st.text(max_size=12)))
    layout = draw(st.sampled_from(["crawl", "header", "header", "sidecar", "none"]))
    sidecar = None
    if layout == "crawl":
        lead = draw(st.sampled_from(["", " ", "\n"]))
        text = f"{lead}date {date}{draw(st.sampled_from([' ', chr(10), '']))}{body}"
    elif layout == "header":
        keys = draw(st.lists(st.sampled_from(["Title", "Publisher", "URL", "Language", "Note", "Author",
                                              "Moscow", "date"]), max_size=4))
        head = "".join(f"{k}: {draw(st.text(max_size=20)).replace(chr(10), ' ')}\n" for k in keys)
        text = f"{head}Date: {date}\n\n{body}"
    elif layout == "sidecar":
        text = body
        good = st.fixed_dictionaries({"date": st.just(date)}, optional={
            "title": st.text(max_size=20), "url": st.text(max_size=30),
            "language": st.sampled_from(["en", "ru", "", "xx"]), "publisher": st.none()})
        odd = st.one_of(st.lists(st.integers(), max_size=2), st.text(max_size=10), st.just({"date": None}),
                        st.just({"date": 20240305}), st.just({"Date": [1, 2]}))
        meta: Any = draw(good if draw(st.integers(0, 4)) else odd)
        sidecar = json.dumps(meta).encode() if draw(st.integers(0, 4)) else draw(st.binary(max_size=40))
    else:
        text = body
    raw = text.encode("utf-8", errors="surrogatepass") if draw(st.integers(0, 9)) else encode(draw, text)
    name = draw(st.sampled_from(["article.txt", "Статья 2024.txt", "a.md", "x.txt"]))
    return name, raw, sidecar


def check_extract(case: tuple[str, bytes, bytes | None]) -> None:
    from rdflib import URIRef

    from kg.extract import extract, read_article
    from kg.extract.rdf import article_triples
    from kg.store.oxigraph import OxigraphStore

    name, raw, sidecar = case
    path = _write(name, raw)
    if sidecar is not None:
        path.with_suffix(".json").write_bytes(sidecar)

    def call() -> None:
        article = read_article(path)
        result = extract(article)
        json.dumps(result)
        for fact in result["facts"]:
            if article.text[fact["start"]:fact["end"]] != fact["quote"]:
                raise AssertionError(f"a quote does not match its offsets: {fact}")
        # What `kg ingest` writes: the article's graph, into a store.
        OxigraphStore().add_triples(URIRef("urn:fuzz:article"), article_triples(article, result))
    returns_or_kg_error("extract", call)


# ----------------------------------------------------------------------------- trade tables

TIDY_COLUMNS = ("reporter_iso3", "partner_iso3", "year", "flow", "value", "unit", "value_usd", "source",
                "source_file", "note", "period", "product", "currency", "citation")
CLASSIC_COLUMNS = ("Classification", "Year", "Period", "Trade Flow Code", "Trade Flow", "Reporter Code",
                   "Reporter", "Reporter ISO", "Partner Code", "Partner", "Partner ISO", "2nd Partner Code",
                   "Customs Proc. Code", "Mode of Transport Code", "Commodity Code", "Trade Value (US$)",
                   "Flag")
PLUS_COLUMNS = ("typeCode", "freqCode", "refYear", "refMonth", "period", "reporterCode", "reporterISO",
                "flowCode", "partnerCode", "partnerISO", "partner2Code", "classificationCode", "cmdCode",
                "customsCode", "motCode", "cifvalue", "fobvalue", "primaryValue", "isReported", "isAggregate")
IMF_WIDE_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code",
                    "Counterpart Country Name", "Counterpart Country Code", "Attribute", "2024M2", "2023",
                    "2022Q1", "")
IMF_PANEL_COLUMNS = ("Country Name", "Country Code", "Counterpart Country Name", "Counterpart Country Code",
                     "Time Period", "Goods, Value of Exports, FOB, US Dollars (TXG_FOB_USD)",
                     "Goods, Value of Imports, CIF, US Dollars (TMG_CIF_USD)", "Status")
HEADERS = {"tidy": TIDY_COLUMNS, "comtrade-classic": CLASSIC_COLUMNS, "comtrade-plus": PLUS_COLUMNS,
           "imf-wide": IMF_WIDE_COLUMNS, "imf-panel": IMF_PANEL_COLUMNS}
REQUIRED = {"tidy": TIDY_COLUMNS[:5], "comtrade-classic": ("Trade Value (US$)", "Reporter Code",
                                                           "Partner Code", "Trade Flow"),
            "comtrade-plus": ("primaryValue", "reporterCode", "partnerCode", "flowCode"),
            "imf-wide": IMF_WIDE_COLUMNS[:7], "imf-panel": IMF_PANEL_COLUMNS[:6]}

CELLS = ("KAZ", "KGZ", "RUS", "WLD", "W00", "EAEU", "XXX", "kaz", " KAZ ", "398", "643", "0", "156", "000",
         "112", "132", "916", "-1", "2021", "2015", "202113", "202101", "20210", "1994", "99999", "M", "X",
         "RM", "RX", "DX", "A", "export", "Import", "re-export", "turnover", "1", "2", "3", "4", "Exports",
         "1234.5", "1,234.5", "1.234,5", "1 234,5", "-7", "0.000001", "1e9", "1E+308", "1e400", "-1e400",
         "NaN", "nan", "inf", "-Infinity", "..", "-", "\u2013", "n.a.", "", " ", "12345678901234567890123",
         "0x10", "١٢٣", "１２３", "thousand USD", "million US$", "bn", "млн долл. США", "тыс. сом", "USD",
         "EUR", "KZT", "TOTAL", "27", "2709", "C00", "Value", "Status", "r", "e", "p", "TXG_FOB_USD",
         "TMG_CIF_USD", "TBG_USD", "Kazakhstan", "World", "true", "false", "2024M2", "2024-02", "2024-13",
         "2024Q5", "=1+1", "@SUM(A1)", "\"quoted\"", "a,b", "a;b", "line\nbreak", "\x00", "\ufeff")


AREAS = ("KAZ", "KGZ", "RUS", "CHN", "UZB", "WLD", "EAEU", "kaz", " RUS ")
NUMERIC_AREAS = ("398", "417", "643", "156", "860", "0", "112", "132", "916")
YEAR_CELLS = ("2015", "2019", "2021", "2022", "2023")
AMOUNT_CELLS = ("1234.5", "98765", "1,234.5", "0", "12.25", "7722865049", "5e6", "")
#: Plausible values by column, so that many rows get through and the code after the checks runs too.
PLAUSIBLE: dict[str, tuple[str, ...]] = {
    "reporter_iso3": AREAS, "partner_iso3": AREAS, "Reporter ISO": AREAS, "Partner ISO": AREAS,
    "reporterISO": AREAS, "partnerISO": AREAS, "Reporter Code": NUMERIC_AREAS, "Partner Code": NUMERIC_AREAS,
    "reporterCode": NUMERIC_AREAS, "partnerCode": NUMERIC_AREAS, "Country Code": NUMERIC_AREAS,
    "Counterpart Country Code": NUMERIC_AREAS, "Country Name": ("Kazakhstan", "Russian Federation", "World"),
    "Counterpart Country Name": ("China", "Kyrgyz Republic", "World", "Advanced Economies"),
    "year": YEAR_CELLS, "Year": YEAR_CELLS, "refYear": YEAR_CELLS, "Period": YEAR_CELLS + ("202103",),
    "period": YEAR_CELLS + ("2021-03", "202103"), "refMonth": ("52", "1", "12"),
    "freqCode": ("A", "M"), "Time Period": ("2021", "2021M03", "2021Q1"),
    "flow": ("export", "import", "Exports", "re-export"), "Trade Flow": ("Import", "Export", "Re-export"),
    "flowCode": ("M", "X", "RX", "DX"), "value": AMOUNT_CELLS, "value_usd": AMOUNT_CELLS,
    "Trade Value (US$)": AMOUNT_CELLS, "primaryValue": AMOUNT_CELLS, "2024M2": AMOUNT_CELLS,
    "2023": AMOUNT_CELLS, "2022Q1": AMOUNT_CELLS,
    "Goods, Value of Exports, FOB, US Dollars (TXG_FOB_USD)": AMOUNT_CELLS,
    "Goods, Value of Imports, CIF, US Dollars (TMG_CIF_USD)": AMOUNT_CELLS,
    "unit": ("thousand USD", "million US$", "USD", "тыс. долл. США", ""), "currency": ("USD", "EUR", ""),
    "Indicator Code": ("TXG_FOB_USD", "TMG_CIF_USD", "TBG_USD"), "Attribute": ("Value", "Status"),
    "Commodity Code": ("TOTAL", "27"), "cmdCode": ("TOTAL", "2709"), "product": ("TOTAL", "27", ""),
    "2nd Partner Code": ("", "0"), "partner2Code": ("0", ""), "customsCode": ("C00",), "motCode": ("0",),
}


@st.composite
def cell(draw: st.DrawFn, column: str = "") -> str:
    """Mostly a plausible value for the column, sometimes anything."""
    plausible = PLAUSIBLE.get(column)
    if plausible and draw(st.integers(0, 9)) < 8:
        return draw(st.sampled_from(plausible))
    return draw(st.one_of(st.sampled_from(CELLS), st.sampled_from(CELLS), st.text(max_size=12)))


@st.composite
def table_row(draw: st.DrawFn, header: Sequence[str]) -> list[str]:
    cells = [draw(cell(column)) for column in header]
    if draw(st.integers(0, 9)) == 0:  # a ragged row, shorter or longer than the header
        cells = cells[:draw(st.integers(0, len(cells)))] + draw(st.lists(cell(), max_size=2))
    return cells


@st.composite
def trade_csv(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, bytes) of a CSV with a known or random header and random cells."""
    family = draw(st.sampled_from(list(HEADERS) + ["random", "seed"]))
    if family == "seed":
        seed = (REPO / "data" / "trade_sample.csv").read_text(encoding="utf-8")
        text = mutate(draw, seed, CELLS + (",", "\n", "\"", ";"))
        return "trade_sample.csv", encode(draw, text)
    if family == "random":
        header = draw(st.lists(st.one_of(st.sampled_from([c for h in HEADERS.values() for c in h]),
                                         st.text(max_size=10)), min_size=0, max_size=10))
    else:
        optional = [c for c in HEADERS[family] if c not in REQUIRED[family]]
        header = list(REQUIRED[family]) if draw(st.integers(0, 5)) else []
        header += draw(st.lists(st.sampled_from(optional), unique=True, max_size=len(optional)))
        header = draw(st.permutations(header)) if header else header
        if draw(st.integers(0, 8)) == 0:
            header = header + [draw(st.sampled_from(header or ["x"]))]  # a duplicated column
    rows = draw(st.lists(table_row(header), max_size=8))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    out = io.StringIO()
    for _ in range(draw(st.integers(0, 2))):
        out.write(f"# {draw(st.text(max_size=30)).replace(chr(10), ' ')}\n")
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, None]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if quoting is None:  # no quoting at all: delimiters inside cells break the structure
        for row in [header, *rows]:
            out.write(delimiter.join(row) + newline)
    else:
        writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)
    name = draw(st.sampled_from(["trade.csv", "trade.tsv", "trade.txt", "Торговля.csv"]))
    return name, encode(draw, out.getvalue())


def check_trade(case: tuple[str, bytes]) -> None:
    from kg.build import write_source
    from kg.sources import tradefile
    from kg.sources.trade import parse
    from kg.store.oxigraph import OxigraphStore

    name, raw = case
    path = _write(name, raw)

    def call() -> None:
        records = list(parse(path))
        for record in records:
            if not (record.reporter and record.partner and record.period[:4].isdigit()):
                raise AssertionError(f"a malformed record: {record}")
        write_source(OxigraphStore(), tradefile.load(path))
    returns_or_kg_error("trade", call)


# ----------------------------------------------------------------------------- RDF files

TURTLE_SEED = """@prefix rer: <https://w3id.org/regecon/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/regecon/id/> .

<country/KAZ> a rer:Country ;
    rdfs:label "Kazakhstan"@en, "Казахстан"@ru ;
    rer:iso3166Alpha3 "KAZ" ;
    rer:population "19000000"^^xsd:integer ;
    rer:note \"\"\"A long
literal\"\"\" ;
    rer:list ( 1 2.5 -3e4 true "x" ) ;
    rer:node [ rer:value 4.1 ; rer:currency "USD" ] .
_:b1 rer:partner <country/RUS> .
"""
RDF_TOKENS = ("<", ">", "\"", "'''", "\"\"\"", "@prefix", "@base", "PREFIX", "BASE", "_:b", "[", "]", "(",
              ")", ";", ",", ".", "^^", "@en", "a", "rer:", ":", "\\u0000", "\\U0010FFFF", "\\", "#",
              "<http://x/ y>", "<javascript:alert(1)>", "\"1\"^^xsd:date", "\"x\"^^<bad iri>",
              "\"2024-02-30\"^^xsd:date", "\"NaN\"^^xsd:double", "\"abc\"^^xsd:integer", "<>", "<#>",
              "GRAPH", "{", "}", "true", "1e999", "\n", "\t", "\ufeff", "@en-", "@123", "<rel/../../x>")
ONTOLOGY = REPO / "ontology" / "regecon.ttl"


@st.composite
def rdf_file(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["turtle", "turtle", "turtle", "ontology", "ntriples", "trig", "jsonld", "rdfxml"]))
    if kind == "ontology" and ONTOLOGY.exists():
        text = ONTOLOGY.read_text(encoding="utf-8")
        start = draw(st.integers(0, max(0, len(text) - 3000)))
        text = text[:text.find("\n\n") + 1] + text[start:start + 3000]  # the prefixes and a slice
        suffix = ".ttl"
    elif kind == "ntriples":
        text = ('<http://x/s> <http://x/p> "o"@en .\n<http://x/s> <http://x/p> _:b .\n'
                '_:b <http://x/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
        suffix = draw(st.sampled_from([".nt", ".nq"]))
    elif kind == "trig":
        text = "@prefix x: <http://x/> .\nx:g { x:s x:p x:o . }\n{ x:a x:b \"c\" . }\n"
        suffix = ".trig"
    elif kind == "jsonld":
        text = json.dumps({"@context": {"x": "http://x/"}, "@id": "x:s", "x:p": [{"@value": "o"}, {"@id": "x:o"}]})
        suffix = ".jsonld"
    elif kind == "rdfxml":
        text = ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns:x="http://x/"><rdf:Description rdf:about="http://x/s"><x:p>o</x:p>'
                '</rdf:Description></rdf:RDF>\n')
        suffix = draw(st.sampled_from([".rdf", ".owl", ".xml"]))
    else:
        text = TURTLE_SEED
        suffix = draw(st.sampled_from([".ttl", ".n3"]))
    text = mutate(draw, text, RDF_TOKENS)
    raw = text.encode("utf-8") if draw(st.integers(0, 5)) else encode(draw, text)
    return "data" + suffix, raw


def check_rdf(case: tuple[str, bytes]) -> None:
    from kg.build import write_source
    from kg.sources import rdffile
    from kg.store.oxigraph import OxigraphStore

    name, raw = case
    path = _write(name, raw)
    returns_or_kg_error("rdf", lambda: write_source(OxigraphStore(), rdffile.load(path)))


# ----------------------------------------------------------------------------- running

@dataclass(frozen=True)
class FuzzTarget:
    name: str
    strategy: st.SearchStrategy
    check: Callable[[Any], None]


TARGETS: dict[str, FuzzTarget] = {
    "extract": FuzzTarget("extract", article_file(), check_extract),
    "trade": FuzzTarget("trade", trade_csv(), check_trade),
    "rdf": FuzzTarget("rdf", rdf_file(), check_rdf),
}


@dataclass
class Outcome:
    target: str
    examples: int = 0
    seconds: float = 0.0
    failure: str | None = None
    #: One entry per distinct failure Hypothesis found: what, where, and the shrunk input.
    details: list[dict[str, str]] = field(default_factory=list)


def describe(exc: BaseException) -> list[dict[str, str]]:
    """Each distinct failure in `exc` (Hypothesis groups them): the exception,
    the innermost frame, the innermost frame in this project, and the input."""
    found = list(exc.exceptions) if isinstance(exc, BaseExceptionGroup) else [exc]
    out = []
    for error in found:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if f.filename.startswith(str(REPO)) and "/bench/" not in f.filename]
        notes = [n for n in getattr(error, "__notes__", []) if n.strip()]
        out.append({
            "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300],
            "where": f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "",
            "in_project": (f"{Path(ours[-1].filename).relative_to(REPO)}:{ours[-1].lineno} in {ours[-1].name}"
                           if ours else ""),
            "input": "\n".join(notes)[:1500],
        })
    return out


def run_target(target: FuzzTarget, *, seconds: float | None = None, examples: int | None = None,
               database: ExampleDatabase | None = None, batch: int = 100) -> Outcome:
    """Fuzz one target for `seconds` (in batches of `batch` examples) or for
    `examples` examples; stops at the first (shrunk) failure."""
    outcome = Outcome(target.name)
    before = COUNTS.get(target.name, 0)
    started = time.monotonic()
    deadline = started + seconds if seconds is not None else None
    remaining = examples
    while True:
        size = batch if remaining is None else min(batch, remaining)
        test = settings(max_examples=size, deadline=None, database=database, derandomize=False,
                        suppress_health_check=list(HealthCheck),
                        phases=[Phase.reuse, Phase.generate, Phase.shrink],
                        print_blob=True)(given(target.strategy)(target.check))
        try:
            test()
        except Exception as exc:  # the shrunk counterexample of a broken property
            outcome.details = describe(exc)
            outcome.failure = "; ".join(d["error"] for d in outcome.details)
            break
        if remaining is not None:
            remaining -= size
            if remaining <= 0:
                break
        if deadline is not None and time.monotonic() >= deadline:
            break
    outcome.examples = COUNTS.get(target.name, 0) - before
    outcome.seconds = round(time.monotonic() - started, 1)
    return outcome


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=None,
                        help="total time, split evenly between the targets (default 5)")
    parser.add_argument("--examples", type=int, default=None, help="examples per target instead of a time")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="fuzz only this target (repeatable)")
    parser.add_argument("--db", type=Path, default=REPO / "bench" / "out" / "fuzz-db",
                        help="Hypothesis example database (replays earlier failures)")
    parser.add_argument("--json", type=Path, help="also write the outcome to this file")
    args = parser.parse_args(argv)
    quiet()
    names = args.target or sorted(TARGETS)
    minutes = args.minutes if args.minutes is not None or args.examples is not None else 5.0
    per_target = minutes * 60 / len(names) if minutes is not None else None
    database = DirectoryBasedExampleDatabase(str(args.db))
    outcomes = []
    for name in names:
        budget = f"{per_target:.0f} s" if per_target is not None else f"{args.examples} examples"
        print(f"fuzzing {name} for {budget} ...", flush=True)
        outcome = run_target(TARGETS[name], seconds=per_target, examples=args.examples, database=database)
        outcomes.append(outcome)
        status = "ok" if outcome.failure is None else f"FAILED: {outcome.failure}"
        print(f"  {outcome.examples} examples in {outcome.seconds} s: {status}", flush=True)
        for detail in outcome.details:
            print(f"  - {detail['error']}\n    at {detail['where']}\n    from {detail['in_project']}\n"
                  f"    {detail['input'][:600]}", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=2) + "\n", encoding="utf-8")
    return 1 if any(o.failure for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
