"""Content negotiation: pick a format from an explicit `format` parameter, or
else from the Accept header, among the formats a response can take."""
from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from server.formats import KNOWN_ALIASES, Format


class NotAcceptable(Exception):
    """No offered format satisfies the client; carries what could have been sent."""

    def __init__(self, offered: tuple[Format, ...], asked: str) -> None:
        self.offered = offered
        self.asked = asked
        types = ", ".join(mt for f in offered for mt in f.media_types)
        super().__init__(f"cannot answer with {asked}; this resource is available as: {types}")


class UnknownFormat(ValueError):
    """A `format` parameter that names no format the server knows."""


def choose(formats: tuple[Format, ...], accept: MIMEAccept, requested: str | None = None) -> Format:
    """The format to answer with; the first of `formats` is the default.

    An explicit `format` (a short name such as ``csv`` or a media type) wins
    over Accept, since it is how links and HTML forms ask for a download."""
    if requested:
        value = requested.strip().lower()
        for fmt in formats:
            if value in fmt.aliases or value in fmt.media_types:
                return fmt
        if value in KNOWN_ALIASES or "/" in value:
            raise NotAcceptable(formats, f"format={requested}")
        names = ", ".join(a for f in formats for a in f.aliases)
        raise UnknownFormat(f"unknown format {requested!r}; use one of {names}")
    if not accept:
        return formats[0]
    offers = [mt for fmt in formats for mt in fmt.media_types]
    best = accept.best_match(offers)
    if best is None:
        raise NotAcceptable(formats, f"Accept: {accept}")
    return next(f for f in formats if best in f.media_types)


def prefers_html(accept: MIMEAccept, over: tuple[Format, ...]) -> bool:
    """Whether a browser is asking: HTML is named explicitly and weighs at least
    as much as every other offered format named explicitly (``*/*`` alone, as
    sent by curl and most libraries, is not a request for HTML)."""
    html = _explicit_quality(accept, "text/html")
    if html <= 0:
        return False
    return all(html >= _explicit_quality(accept, mt) for f in over for mt in f.media_types)


def _explicit_quality(accept: MIMEAccept, media_type: str) -> float:
    """Quality of a media type named exactly (not through a wildcard)."""
    return max((q for value, q in accept if value.lower() == media_type), default=0.0)
