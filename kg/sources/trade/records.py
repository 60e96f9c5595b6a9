"""The one shape every trade-statistics parser produces, whatever the file layout."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

#: Flow codes used across the graph (SKOS concepts in the ontology).
FLOWS = ("export", "import", "re-export", "re-import", "turnover")


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """One observed trade figure, already normalised.

    `reporter` and `partner` are ISO 3166-1 alpha-3 codes, a bloc short name
    (``EAEU``), or an aggregate (``WLD`` world total). `value` is in whole
    currency units (a file in thousands is multiplied out by its parser);
    `period` is ``YYYY`` or ``YYYY-MM``; `product` is ``TOTAL`` or an HS code.
    `line` is the 1-based line (CSV) or row (sheet) the figure came from.
    """

    reporter: str
    partner: str
    flow: str
    period: str
    value: Decimal
    currency: str = "USD"
    product: str = "TOTAL"
    line: int | None = None
    note: str | None = None
    citation: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def year(self) -> int:
        return int(self.period[:4])
