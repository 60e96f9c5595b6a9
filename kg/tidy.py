"""A tidy CSV of every trade figure (official, derived and claimed: one row per
figure, with source and quote columns) and its CSV on the Web metadata, for
people who do not use SPARQL."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from kg import sparql
from kg.namespace import BASE
from kg.store.base import Store

#: Column name -> (CSVW datatype, description).
COLUMNS: dict[str, tuple[str, str]] = {
    "kind": ("string", "official (published statistics), derived (computed at build time) or claimed (stated in a text)"),
    "reporter": ("string", "ISO 3166-1 alpha-3 code, bloc short name or aggregate (WLD) of the reporter"),
    "partner": ("string", "ISO 3166-1 alpha-3 code, bloc short name or aggregate of the partner"),
    "flow": ("string", "export, import, re-export, re-import or turnover"),
    "period": ("string", "year (YYYY) or month (YYYY-MM)"),
    "product": ("string", "TOTAL or a Harmonized System code"),
    "value": ("decimal", "value in whole units of the currency"),
    "currency": ("string", "ISO 4217 currency code"),
    "share": ("decimal", "share of the reporter's trade in percent, where stated"),
    "dataset": ("anyURI", "the data set the figure belongs to"),
    "sourceTitle": ("string", "title of that data set"),
    "claim": ("anyURI", "the claim stating the figure, for claimed figures"),
    "quote": ("string", "the exact sentence of the source, for claimed figures"),
    "speaker": ("string", "who the source quotes, where known"),
    "article": ("anyURI", "the source document of the claim"),
    "observation": ("anyURI", "the figure's IRI in the graph"),
}


def write(store: Store, path: Path) -> int:
    """Write the CSV and `<path>-metadata.json` beside it; returns the row count."""
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in store.select_lexical(sparql.load("tidy_export")):
            writer.writerow(["" if v is None else v for v in row])
            n += 1
    metadata = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": path.name,
        "dc:title": "Trade figures of the regional economic relations graph",
        "dc:source": BASE,
        "tableSchema": {
            "columns": [{"name": name, "titles": name, "datatype": dtype, "dc:description": doc}
                        for name, (dtype, doc) in COLUMNS.items()],
            "aboutUrl": "{+observation}",
        },
    }
    Path(f"{path}-metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return n
