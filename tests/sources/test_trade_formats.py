"""Trade-statistics parsers, checked against real downloads and against the figures their
provenance notes (shared/refdata/**/SOURCES.md) quote from the source tables."""
from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from kg.errors import SourceError
from kg.sources.trade import LAYOUTS, detect, parse
from kg.sources.trade.codes import resolve
from kg.sources.trade.records import FLOWS, TradeRecord

REFDATA = Path(__file__).resolve().parents[3] / "shared" / "refdata"
FORMATS = REFDATA / "trade-formats"
CLASSIC = FORMATS / "comtrade_classic_S2_total_world_2015.csv"
PLUS = FORMATS / "comtradeplus_total_by_partner_2022.csv"
IMF_CSV = FORMATS / "imf_dots_wide_G7_2024M2.csv"
NSC_EXPORTS = REFDATA / "kgz_nsc_4.03.00.18_exports_by_partner_1994-2023.xlsx"
NSC_IMPORTS = REFDATA / "kgz_nsc_4.03.00.20_imports_by_partner_1994-2023.xlsx"
TIDY = REFDATA / "trade_sample_kgz_rus.csv"

needs_refdata = pytest.mark.skipif(not FORMATS.is_dir(), reason="shared/refdata is not beside the repo")


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path.name} is not in shared/refdata")
    return path


def index(records: list[TradeRecord]) -> dict[tuple[str, str, str, str], TradeRecord]:
    """Records by (reporter, partner, flow, period); fails on a duplicate key."""
    out: dict[tuple[str, str, str, str], TradeRecord] = {}
    for r in records:
        key = (r.reporter, r.partner, r.flow, r.period)
        assert key not in out, f"duplicate record {key}"
        out[key] = r
    return out


# ------------------------------------------------------------------ IMF Excel fixture

def write_dots_workbook(path: Path) -> Path:
    """A DOTS country table as data.imf.org exports it: title block, blank row, years,
    partners indented under their groups, footnotes at the bottom; one sheet per flow."""
    book = openpyxl.Workbook()
    sheets = {
        "Exports, FOB": ("Exports, FOB to Partner Countries", {
            "World": [57723.4, 47540.8, 60321.2, 84393.7, 78674.1],
            "Advanced Economies": [30890.1, 22675.3, 28321.9, 41223.2, 39002.4],
            "  Euro Area": [21902.5, 15203.8, 19864.2, 28455.1, 27311.9],
            "    Italy": [8987.4, 6121.1, 8453.0, 11873.6, 12201.3],
            "    Netherlands": [3955.1, 2544.0, 3329.7, 5022.6, 4675.0],
            "Emerging and Developing Economies": [26833.3, 24865.5, 31999.3, 43170.5, 39671.7],
            "  Emerging and Developing Asia": [8457.3, 9000.2, 10640.1, 13251.9, 15120.6],
            "    China, P.R.: Mainland": [8225.6, 8759.1, 10285.3, 13176.0, 15012.3],
            "  Emerging and Developing Europe": [11217.6, 9431.7, 12402.5, 17022.8, 14301.7],
            "    Russian Federation": [5602.3, 4987.6, 6520.8, 8796.0, 9488.7],
            "  Middle East and Central Asia": [4023.8, 3876.4, 4925.4, 6531.1, 6722.5],
            "    Kyrgyz Republic": [493.5, 432.3, 625.1, 947.2, 1106.0],
            "    Uzbekistan, Rep. of": [1820.4, 1613.9, 1943.7, 2621.3, "..."],
            "Countries & Areas not specified": [12.0, 8.1, 4.4, 0.3, 1.5],
        }),
        "Imports, CIF": ("Imports, CIF from Partner Countries", {
            "World": [38356.7, 38081.3, 41168.4, 50705.6, 60343.7],
            "Advanced Economies": [9112.0, 8845.9, 8991.2, 10054.0, 12540.1],
            "    Germany": [2140.5, 1982.3, 2003.8, 2331.6, 2871.4],
            "Emerging and Developing Economies": [29232.1, 29227.8, 32168.8, 40642.1, 47795.2],
            "    China, P.R.: Mainland": [6544.1, 7003.9, 8061.4, 11090.2, 13937.6],
            "    Russian Federation": [13985.3, 13427.2, 15667.9, 18090.5, 19543.2],
            "    Kyrgyz Republic": [355.2, 341.6, 389.0, 482.7, "-"],
        }),
    }
    first = True
    for sheet_name, (heading, partners) in sheets.items():
        ws = book.active if first else book.create_sheet()
        first = False
        ws.title = sheet_name
        ws.append(["Direction of Trade Statistics (DOTS)"])
        ws.append(["Kazakhstan"])
        ws.append([heading])
        ws.append(["Millions of US Dollars"])
        ws.append([])
        ws.append(["Country", 2019, 2020, 2021, 2022, 2023])
        for name, values in partners.items():
            ws.append([name, *values])
        ws.append([])
        ws.append(["Source: International Monetary Fund, Direction of Trade Statistics (DOTS)."])
        ws.append(['Note: ".." and "-" indicate that data are not available.'])
    book.save(path)
    return path


@pytest.fixture()
def dots_xlsx(tmp_path: Path) -> Path:
    return write_dots_workbook(tmp_path / "DOTS_Kazakhstan.xlsx")


# ------------------------------------------------------------------------- detection

@needs_refdata
@pytest.mark.parametrize(("path", "layout"), [
    (CLASSIC, "comtrade-classic"),
    (PLUS, "comtrade-plus"),
    (IMF_CSV, "imf-dots-csv"),
    (NSC_EXPORTS, "nsc-kgz"),
    (NSC_IMPORTS, "nsc-kgz"),
    (TIDY, "tidy"),
])
def test_detect_real_files(path: Path, layout: str) -> None:
    assert detect(need(path)) == layout


def test_detect_imf_workbook(dots_xlsx: Path) -> None:
    assert detect(dots_xlsx) == "imf-dots-xlsx"


def test_detect_generic_by_sidecar(tmp_path: Path) -> None:
    data = tmp_path / "anything.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "anything.csv.mapping.json").write_text("{}", encoding="utf-8")
    assert detect(data) == "generic"


@needs_refdata
def test_detect_comtrade_workbook(tmp_path: Path) -> None:
    """The same Comtrade columns saved as xlsx are detected and read like the CSV."""
    book = openpyxl.Workbook()
    ws = book.active
    with need(CLASSIC).open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.reader(handle)):
            ws.append([int(c) if c.isdigit() else c for c in row])
            if n == 20:
                break
    path = tmp_path / "comtrade.xlsx"
    book.save(path)
    assert detect(path) == "comtrade-classic"
    from_xlsx = index(list(parse(path)))
    from_csv = {k: v for k, v in index(list(parse(CLASSIC))).items() if v.line <= 21}
    assert from_xlsx.keys() == from_csv.keys()
    assert all(from_xlsx[k].value == from_csv[k].value for k in from_csv)


@needs_refdata
def test_forced_layout_must_match() -> None:
    with pytest.raises(SourceError, match="comtrade-plus, not comtrade-classic"):
        list(parse(need(PLUS), layout="comtrade-classic"))


def test_unknown_layout_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "mystery.csv"
    path.write_text("colour,weight\nred,3\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        detect(path)
    for name in LAYOUTS:
        assert name in str(err.value)
    with pytest.raises(SourceError) as err:
        parse(path, layout="eurostat-comext")
    assert "eurostat-comext" in str(err.value) and "comtrade-plus" in str(err.value)


# -------------------------------------------------------------------------- Comtrade

@needs_refdata
def test_comtrade_classic_spot_checks() -> None:
    records = list(parse(need(CLASSIC)))
    by = index(records)
    assert by["KAZ", "WLD", "export", "2015"].value == 45954426051
    assert by["KAZ", "WLD", "import", "2015"].value == 30567159492
    assert by["KGZ", "WLD", "export", "2015"].value == 1441467621
    assert by["RUS", "WLD", "export", "2015"].value == 343907651828
    assert by["RUS", "WLD", "re-import", "2015"].value == 660565614
    # 449 data rows; the two rows of reporter 490 "Other Asia, nes" name no country.
    assert len(records) == 447
    first = by["KAZ", "WLD", "export", "2015"]
    assert first.product == "TOTAL" and first.extra["classification"] == "S2"
    assert first.citation and "Comtrade" in first.citation
    assert {r.flow for r in records} == {"import", "export", "re-import", "re-export"}


@needs_refdata
def test_comtrade_plus_latin1_crlf_and_world_code() -> None:
    records = list(parse(need(PLUS)))
    by = index(records)
    assert by["CHN", "KAZ", "import", "2022"].value == 14819246516
    assert by["CHN", "KAZ", "export", "2022"].value == 16355236459
    assert by["CHN", "RUS", "import", "2022"].value == 114148970877
    assert by["CHN", "RUS", "export", "2022"].value == 76122649188
    assert by["CHN", "KGZ", "export", "2022"].value == 15421270984
    world = by["CHN", "WLD", "import", "2022"]
    assert world.value == 2715997517261 and world.extra["partner_iso"] == "W00"
    # Decimals are kept exactly.
    assert any(r.reporter == "DEU" and r.value == Decimal("7495626132.315") for r in records)
    # Line numbers are physical lines despite CRLF endings: line 2 is the first data row.
    assert world.line == 2
    # Residual areas ("Other Asia, nes", "Bunkers", ...) are not partners.
    assert all(len(r.partner) == 3 for r in records)
    assert by["CHN", "CHN", "import", "2022"].value > 0


# ------------------------------------------------------------------------------- IMF

@needs_refdata
def test_imf_dots_csv_values_only() -> None:
    path = need(IMF_CSV)
    records = list(parse(path))
    by = index(records)
    deu_usa = by["DEU", "USA", "export", "2024-02"]
    assert deu_usa.value == 13405751032
    assert deu_usa.extra["valuation"] == "FOB" and deu_usa.extra["status"] == "r"
    assert deu_usa.note == "revised"
    assert by["CAN", "USA", "export", "2024-02"].value == 34671115606
    # Canada's imports come both FOB (as reported) and CIF (derived by the IMF): one
    # record, on the CIF basis every other reporter uses, with the FOB figure kept.
    can_ita = by["CAN", "ITA", "import", "2024-02"]
    assert can_ita.value == 699472632 and can_ita.extra["valuation"] == "CIF"
    assert can_ita.extra["fob_value"] == "659879841"
    # Only Value rows of flow indicators become records (no Status rows, no TBG_USD).
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    value_lines = {n for n, row in enumerate(rows, start=2)
                   if row["Attribute"] == "Value" and row["Indicator Code"] in ("TXG_FOB_USD", "TMG_CIF_USD")}
    assert {r.line for r in records} == value_lines
    assert len(records) == len(value_lines) == 84


IMF_HEADER = ("Country Name,Country Code,Indicator Name,Indicator Code,Counterpart Country Name,"
              "Counterpart Country Code,Attribute,")
EXPORTS = '"Goods, Value of Exports, Free on board (FOB), US Dollars",TXG_FOB_USD'


def test_imf_dots_csv_quarters_and_aggregates(tmp_path: Path) -> None:
    """Quarter columns are skipped; a file of quarters only is an error; world (001, not in
    the IMF code table) is read from its name and groups are dropped."""
    path = tmp_path / "dots.csv"
    path.write_text(
        IMF_HEADER + "2023,2023Q1,\n"
        f"Kazakhstan,916,{EXPORTS},World,001,Value,78674100000,19000000000,\n"
        f"Kazakhstan,916,{EXPORTS},Euro Area,163,Value,27311900000,7000000000,\n"
        f"Kazakhstan,916,{EXPORTS},Kyrgyz Republic,917,Value,1106000000,,\n",
        encoding="utf-8")
    records = list(parse(path))
    assert [(r.partner, r.period, r.value) for r in records] == [
        ("WLD", "2023", 78674100000), ("KGZ", "2023", 1106000000)]
    quarters = tmp_path / "quarters.csv"
    quarters.write_text(IMF_HEADER + "2023Q1,\n"
                        f"Kazakhstan,916,{EXPORTS},World,001,Value,19000000000,\n", encoding="utf-8")
    with pytest.raises(SourceError, match="quarterly"):
        list(parse(quarters))


def test_imf_dots_panel_layout(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    path.write_text(
        "Country Name,Country Code,Counterpart Country Name,Counterpart Country Code,Time Period,"
        '"Goods, Value of Exports, Free on board (FOB), US Dollars (TXG_FOB_USD)",'
        '"Goods, Value of Imports, Cost, Insurance, Freight (CIF), US Dollars (TMG_CIF_USD)"\n'
        "Kyrgyz Republic,917,Russian Federation,922,2021,393340098,1911522348\n"
        "Kyrgyz Republic,917,Kazakhstan,916,2021M3,,41000000\n",
        encoding="utf-8")
    assert detect(path) == "imf-dots-csv"
    records = list(parse(path))
    assert [(r.reporter, r.partner, r.flow, r.period, r.value) for r in records] == [
        ("KGZ", "RUS", "export", "2021", 393340098),
        ("KGZ", "RUS", "import", "2021", 1911522348),
        ("KGZ", "KAZ", "import", "2021-03", 41000000),
    ]


def test_imf_dots_workbook(dots_xlsx: Path) -> None:
    records = list(parse(dots_xlsx))
    by = index(records)
    assert {r.reporter for r in records} == {"KAZ"}
    assert by["KAZ", "WLD", "export", "2023"].value == Decimal("78674100000")
    assert by["KAZ", "CHN", "export", "2019"].value == Decimal("8225600000")
    assert by["KAZ", "KGZ", "import", "2022"].value == Decimal("482700000")
    assert by["KAZ", "DEU", "import", "2023"].value == Decimal("2871400000")
    assert by["KAZ", "UZB", "export", "2022"].value == Decimal("2621300000")
    assert ("KAZ", "UZB", "export", "2023") not in by       # ".."
    assert ("KAZ", "KGZ", "import", "2023") not in by       # "-"
    assert by["KAZ", "CHN", "export", "2019"].extra["valuation"] == "FOB"
    assert by["KAZ", "RUS", "import", "2019"].extra["valuation"] == "CIF"
    partners = {r.partner for r in records}
    assert partners == {"WLD", "ITA", "NLD", "CHN", "RUS", "KGZ", "UZB", "DEU"}
    # 12 country/world rows x 5 years, less the two missing cells.
    assert len(records) == 12 * 5 - 2


def test_imf_workbook_without_unit_is_an_error(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Exports, FOB"
    ws.append(["Kazakhstan"])
    ws.append(["Exports, FOB to Partner Countries"])
    ws.append([])
    ws.append(["Country", 2022, 2023])
    ws.append(["World", 84393.7, 78674.1])
    path = tmp_path / "nounit.xlsx"
    book.save(path)
    with pytest.raises(SourceError, match="unit"):
        list(parse(path, layout="imf-dots-xlsx"))


# ------------------------------------------------------------------------------- NSC

@needs_refdata
def test_nsc_exports_and_imports() -> None:
    exports = index(list(parse(need(NSC_EXPORTS))))
    imports = index(list(parse(need(NSC_IMPORTS))))
    assert exports["KGZ", "RUS", "export", "2021"].value == 393340098   # 393 340.098 thousand USD
    assert exports["KGZ", "RUS", "export", "2021"].note is None
    assert imports["KGZ", "RUS", "import", "2021"].value == 1911522348
    assert imports["KGZ", "RUS", "import", "2023"].note == "preliminary"
    assert imports["KGZ", "WLD", "import", "2023"].note == "preliminary"
    assert exports["KGZ", "WLD", "export", "1994"].value == 341091400
    assert {r.flow for r in exports.values()} == {"export"}
    assert {r.flow for r in imports.values()} == {"import"}
    # Bloc rows are kept under their short names; continents and the SCO are not.
    assert exports["KGZ", "EAEU", "export", "2023"].value == 1307112051
    assert ("KGZ", "CIS", "import", "2021") in imports and ("KGZ", "EU", "import", "2021") in imports
    partners = {k[1] for k in exports} | {k[1] for k in imports}
    assert not partners & {"SCO", "Europe", "Asia"}
    # "-" cells give no record: the Ghana row of the export table is dashes only.
    assert not any(k[1] == "GHA" for k in exports)
    assert ("KGZ", "AND", "export", "2020") in exports and ("KGZ", "AND", "export", "2019") not in exports
    cite = exports["KGZ", "RUS", "export", "2021"].citation
    assert cite and "4.03.00.18" in cite


def test_nsc_layout_rules(tmp_path: Path) -> None:
    """Unit from the sheet, flow from the file name when the title is silent, a marked
    year heading, one figure for two labels of one country, unknown empty rows ignored."""
    book = openpyxl.Workbook()
    ws = book.active
    ws["C1"] = "Geographic distribution of goods"
    ws["C2"] = "(million US dollars)"
    ws.append([])
    ws.append([None, None, None, 2021, 2022, "2023*"])
    ws.append(["", "", "Total", 100.5, 120, 130])
    ws.append(["", "", "Salvador", 1.5, "-", None])
    ws.append(["", "", "El Salvador", 2, "-", 3])
    ws.append(["", "", "Europe", 50, 60, 70])
    ws.append(["", "", "Atlantis", "-", "-", "-"])
    ws.append(["", "", "EAEU", 20, 25, 30])
    ws.append([])
    ws.append(["", "", "* Preliminary data"])
    path = tmp_path / "table_4.03.00.20_custom.xlsx"
    book.save(path)
    assert detect(path) == "nsc-kgz"
    by = index(list(parse(path)))
    assert {k[2] for k in by} == {"import"}
    assert by["KGZ", "WLD", "import", "2021"].value == Decimal(100500000)
    salvador = by["KGZ", "SLV", "import", "2021"]
    assert salvador.value == Decimal(3500000) and salvador.extra["merged_rows"] == [6, 7]
    assert by["KGZ", "SLV", "import", "2023"].note == "preliminary"
    assert by["KGZ", "EAEU", "import", "2022"].value == Decimal(25000000)
    assert {k[1] for k in by} == {"WLD", "SLV", "EAEU"}


@needs_refdata
def test_nsc_matches_tidy_sample() -> None:
    """Every KGZ row of the derived sample equals the figure parsed from the workbook."""
    nsc = index(list(parse(need(NSC_EXPORTS))) + list(parse(need(NSC_IMPORTS))))
    sample = [r for r in parse(need(TIDY)) if r.reporter == "KGZ"]
    partners = {r.partner for r in sample}
    assert partners == {"KAZ", "RUS", "BLR", "ARM", "UZB", "TJK", "CHN", "TKM", "WLD"}
    for r in sample:
        got = nsc[r.reporter, r.partner, r.flow, r.period]
        assert got.value == r.value, (r.partner, r.flow, r.period)
        assert (got.note is None) == (r.note is None)
    assert len(sample) == sum(1 for k in nsc if k[1] in partners)


# ------------------------------------------------------------------------------ tidy

@needs_refdata
def test_tidy_sample_row_count_and_values() -> None:
    path = need(TIDY)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    records = list(parse(path))
    assert len(records) == len(rows)
    by = index(records)
    assert by["KGZ", "RUS", "export", "2021"].value == 393340098
    assert by["RUS", "KGZ", "export", "2021"].value == 2156000000
    assert by["RUS", "CHN", "export", "2021"].value == 68901532000
    assert by["RUS", "CHN", "import", "2021"].value == 72699888000
    assert "sum of 12 monthly" in by["RUS", "CHN", "export", "2021"].note
    assert by["KGZ", "RUS", "export", "2021"].citation.startswith("NSC")
    assert all(r.flow in FLOWS and r.currency == "USD" for r in records)


def test_tidy_scales_value_when_value_usd_missing(tmp_path: Path) -> None:
    path = tmp_path / "tidy.csv"
    path.write_text(
        "# Curated extract; figures as published by IMF DOTS.\n"
        "# Comment lines above the header are allowed.\n"
        "reporter_iso3,partner_iso3,year,flow,value,unit,value_usd,source,source_file,note,period\n"
        "KAZ,KGZ,2022,export,947.2,million USD,,IMF DOTS,x.xlsx,,\n"
        "KAZ,WLD,2023,import,60343.7,million USD,,IMF DOTS,x.xlsx,,2023-07\n"
        "KAZ,RUS,2022,import,12.5,thousand USD,99,IMF DOTS,x.xlsx,,\n"
        "KAZ,CHN,2022,import,-,thousand USD,,IMF DOTS,x.xlsx,,\n",
        encoding="utf-8")
    records = list(parse(path))
    assert [r.value for r in records] == [Decimal(947200000), Decimal(60343700000), Decimal(99)]
    assert records[1].period == "2023-07"
    assert [r.line for r in records] == [4, 5, 6]
    assert detect(path) == "tidy"


# --------------------------------------------------------------------------- generic

def test_generic_with_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "kazstat.csv"
    text = ("Title line to skip\n"
            "Partner;Land;Jahr;Richtung;Wert\n"
            "417;Kirgisistan;2022;X;947,2\n"
            "643;Russische Föderation;2022;M;18 090,5\n"
            "0;Welt;2022;X;84 393,7\n")
    path.write_bytes(text.encode("latin-1"))
    mapping = {"reporter": {"const": "KAZ"}, "partner": "Partner", "flow": "Richtung",
               "year": "Jahr", "value": "Wert", "scale": 1000000, "currency": "USD",
               "flow_values": {"X": "export", "M": "import"}, "code_system": "m49",
               "delimiter": ";", "encoding": "latin-1", "skip_rows": 1, "decimal": ","}
    (tmp_path / "kazstat.csv.mapping.json").write_text(json.dumps(mapping), encoding="utf-8")
    assert detect(path) == "generic"
    records = list(parse(path))
    assert [(r.partner, r.flow, r.value) for r in records] == [
        ("KGZ", "export", Decimal(947200000)),
        ("RUS", "import", Decimal(18090500000)),
        ("WLD", "export", Decimal(84393700000)),
    ]
    assert [r.line for r in records] == [3, 4, 5]


def test_generic_with_dict_mapping_and_names(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("from,to,yr,usd\nKyrgyz Republic,\"Korea, Rep. of\",2021,1000\n", encoding="utf-8")
    mapping = {"reporter": "from", "partner": "to", "flow": {"const": "export"}, "year": "yr",
               "value": "usd", "code_system": "name"}
    (record,) = parse(path, mapping=mapping)
    assert (record.reporter, record.partner, record.flow, record.value) == ("KGZ", "KOR", "export", 1000)


def test_generic_mapping_names_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("from,to,yr,usd\nKGZ,KAZ,2021,1000\n", encoding="utf-8")
    mapping = {"reporter": "from", "partner": "to", "flow": {"const": "export"}, "year": "year",
               "value": "usd"}
    with pytest.raises(SourceError) as err:
        list(parse(path, mapping=mapping))
    assert err.value.column == "year" and err.value.line == 1


# ------------------------------------------------------------------------- bad input

def test_non_numeric_value_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "tidy.csv"
    path.write_text(
        "reporter_iso3,partner_iso3,year,flow,value,unit,value_usd,source,source_file,note\r\n"
        "KGZ,RUS,2021,export,393340.098,thousand USD,393340098,NSC,f.xlsx,\r\n"
        "KGZ,KAZ,2021,export,12O.5,thousand USD,,NSC,f.xlsx,\r\n",
        encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert (err.value.line, err.value.column) == (3, "value")
    assert str(path) in str(err.value) and "line 3" in str(err.value) and "12O.5" in str(err.value)


@needs_refdata
def test_non_numeric_value_in_comtrade_latin1(tmp_path: Path) -> None:
    """A bad primaryValue in a Latin-1, CRLF, trailing-comma Comtrade+ file is pinned down."""
    lines = need(PLUS).read_bytes().split(b"\r\n")[:8]
    # The last fields are primaryValue, legacyEstimationFlag, isReported, isAggregate, "".
    head, _value, *tail = lines[5].rsplit(b",", 5)
    lines[5] = b",".join([head, b'"12 abc"', *tail])
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert (err.value.line, err.value.column) == (6, "primaryValue")


@needs_refdata
def test_non_numeric_cell_in_nsc_workbook(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(need(NSC_EXPORTS))
    book.active["AE38"] = "393 34O"          # Russia, 2021
    path = tmp_path / "exports.xlsx"
    book.save(path)
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert (err.value.line, err.value.column) == (38, "2021 (AE)")


def test_negative_value_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tidy.csv"
    path.write_text("reporter_iso3,partner_iso3,year,flow,value,unit\nKGZ,RUS,2021,export,-5,USD\n",
                    encoding="utf-8")
    with pytest.raises(SourceError, match="negative") as err:
        list(parse(path))
    assert (err.value.line, err.value.column) == (2, "value")


def test_unknown_country_code(tmp_path: Path) -> None:
    path = tmp_path / "tidy.csv"
    path.write_text("reporter_iso3,partner_iso3,year,flow,value_usd\nKGZ,QQQ,2021,export,5\n",
                    encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(parse(path))
    assert (err.value.line, err.value.column) == (2, "partner_iso3") and "QQQ" in str(err.value)


def test_unknown_partner_name_in_workbook(dots_xlsx: Path) -> None:
    book = openpyxl.load_workbook(dots_xlsx)
    book["Exports, FOB"]["A10"] = "Atlantis"
    book.save(dots_xlsx)
    with pytest.raises(SourceError) as err:
        list(parse(dots_xlsx))
    assert (err.value.line, err.value.column) == (10, "A") and "Atlantis" in str(err.value)
    assert any(r.partner == "WLD" for r in parse(dots_xlsx, on_unknown="skip"))


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "tidy.csv"
    path.write_text("reporter_iso3,partner_iso3,year,value\nKGZ,RUS,2021,5\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        list(parse(path, layout="tidy"))
    assert err.value.column == "flow"


# ----------------------------------------------------------------------------- codes

@pytest.mark.parametrize(("code", "system", "expected"), [
    ("842", "comtrade", "USA"), ("251", "comtrade", "FRA"), ("699", "comtrade", "IND"),
    ("757", "comtrade", "CHE"), ("579", "comtrade", "NOR"), ("398", "m49", "KAZ"),
    ("51", "m49", "ARM"), ("0", "m49", "WLD"), ("490", "comtrade", None),
    ("W00", "iso3", "WLD"), ("WLD", "iso3", "WLD"), ("KG", "iso2", "KGZ"), ("EAEU", "iso3", "EAEU"),
    ("917", "imf", "KGZ"), ("922", "imf", "RUS"), ("111", "imf", "USA"), ("924", "imf", "CHN"),
    ("China, P.R.: Mainland", "name", "CHN"), ("Kyrgyz Republic", "name", "KGZ"),
    ("Armenia, Rep. of", "name", "ARM"), ("Congo, Dem. Rep. of the", "name", "COD"),
    ("Congo, Rep. of", "name", "COG"), ("Côte d'Ivoire", "name", "CIV"),
    ("Cote d'Ivoire", "name", "CIV"), ("Great Britain (United Kingdom)", "name", "GBR"),
    ("Advanced Economies", "name", None), ("World", "name", "WLD"),
])
def test_resolve(code: str, system: str, expected: str | None) -> None:
    assert resolve(code, system) == expected


def test_resolve_unknown_names_where() -> None:
    with pytest.raises(SourceError) as err:
        resolve("999", "imf", file="x.csv", line=7, column="Country Code")
    assert (err.value.file, err.value.line, err.value.column) == ("x.csv", 7, "Country Code")
