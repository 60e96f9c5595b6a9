"""Geometry of a horizontal bar chart drawn as inline SVG on the server, so a
page shows trade partners without any client-side library."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    href: str | None
    value_text: str
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int
    title: str

    @property
    def text_offset(self) -> float:
        return self.bar_height * 0.7


def bar_chart(items: list[tuple[str, str | None, float, str]], title: str, *, width: int = 720,
              label_width: int = 200, value_room: int = 120, bar_height: int = 22,
              gap: int = 6) -> BarChart:
    """`items` are (label, link, value, value as text), largest first."""
    top = max((value for _, _, value, _ in items), default=0.0)
    room = width - label_width - value_room
    bars = [Bar(label, href, text, i * (bar_height + gap),
                max(1.0, room * value / top) if top > 0 else 1.0)
            for i, (label, href, value, text) in enumerate(items)]
    height = max(len(bars) * (bar_height + gap) - gap, bar_height)
    return BarChart(bars, width, height, label_width, bar_height, title)


def human_amount(value: float, currency: str) -> str:
    """A trade value in a compact form: 1.2 bn USD, 345.6 m USD, 12,345 USD."""
    for size, suffix in ((1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            return f"{value / size:,.1f} {suffix} {currency}".strip()
    return f"{value:,.0f} {currency}".strip()
