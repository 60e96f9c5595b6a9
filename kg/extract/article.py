"""Reading an article file into an :class:`Article`: the text to analyse plus the
metadata the extractor needs (above all the publication date, against which
relative dates and forecast years are judged).

Three layouts are understood, because articles reach the project in three ways:

1. the crawl layout: optional leading whitespace, ``date YYYY-MM-DD``, then the body;
2. a plain-text file opening with a small ``Key: value`` header (``Title``,
   ``Publisher``, ``Date``, ``URL``, ``Language``, ``Note``), a blank line, then the body;
3. a JSON sidecar ``NAME.json`` beside ``NAME.txt`` holding the metadata.

Character offsets reported by the extractor are offsets into :attr:`Article.text`,
which is the body only (header and date prefix removed).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import SourceError

#: Header keys recognised in layout (2); anything else ends the header.
HEADER_KEYS = ("title", "publisher", "date", "url", "language", "note", "author")

_SEED_DATE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?:[ \t]+|\s*\n|\Z)", re.IGNORECASE)
_HEADER_LINE = re.compile(r"^(?P<key>[A-Za-z]+)\s*:\s*(?P<value>.*?)\s*$")


@dataclass(frozen=True)
class Article:
    """One article: body text plus the metadata the extractor reports or reasons with."""

    id: str
    title: str | None
    publisher: str | None
    #: The publication date; None for an undated text.
    date: dt.date | None
    url: str | None
    language: str
    text: str
    path: str | None = None
    note: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def source(self) -> str:
        """What the output names as the article's source: its URL, else its file path, else its id."""
        return self.url or self.path or self.id

    @classmethod
    def from_text(cls, text: str, date: dt.date | str | None, *, id: str = "inline",
                  title: str | None = None, url: str | None = None,
                  publisher: str | None = None, language: str = "en") -> "Article":
        """An article built in memory, for callers (and tests) that have text but no file."""
        if isinstance(date, str):
            date = _parse_date(date, id)
        return cls(id=id, title=title, publisher=publisher, date=date, url=url,
                   language=language, text=text, path=None)


def slugify(name: str) -> str:
    """A stable identifier from a file name: ASCII, lower case, dashes only."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return name or "article"


def _parse_date(value: object, file: str | Path | None) -> dt.date:
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise SourceError(f"not a YYYY-MM-DD publication date: {text!r}",
                          file=str(file) if file else None) from None


def _split_header(raw: str) -> tuple[dict[str, str], str] | None:
    """The ``Key: value`` header of layout (2) and the body after it, or None when absent.

    The header must start on the first non-blank line and every header line must use a
    known key, so that a body which merely begins with ``Moscow: ...`` is not eaten.
    """
    stripped = raw.lstrip("\ufeff")
    lead = len(raw) - len(stripped)
    lines = stripped.splitlines(keepends=True)
    meta: dict[str, str] = {}
    consumed = 0
    seen_any = False
    for line in lines:
        if not line.strip():
            consumed += len(line)
            if seen_any:
                break
            continue
        match = _HEADER_LINE.match(line.rstrip("\r\n"))
        if not match or match.group("key").lower() not in HEADER_KEYS:
            if not seen_any:
                return None
            break
        meta[match.group("key").lower()] = match.group("value")
        seen_any = True
        consumed += len(line)
    if not seen_any:
        return None
    return meta, raw[lead + consumed:]


def _read_sidecar(path: Path) -> dict[str, str]:
    sidecar = path.with_suffix(".json")
    if sidecar == path or not sidecar.exists():
        return {}
    try:
        raw = sidecar.read_text(encoding="utf-8")
        # Empty: most likely `kg extract NAME.txt --json > NAME.json`, which the
        # shell creates before the extractor runs. Not metadata.
        if not raw.strip():
            return {}
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read metadata sidecar: {exc}", file=str(sidecar)) from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON: {exc.msg}", file=str(sidecar), line=exc.lineno,
                          column=exc.colno) from None
    if not isinstance(data, dict):
        raise SourceError("metadata sidecar must hold a JSON object", file=str(sidecar))
    if "facts" in data:  # an earlier extraction's output saved beside the text, not metadata
        return {}
    return {str(k).lower(): v for k, v in data.items() if v is not None}


def read_article(path: str | Path) -> Article:
    """Read one article in any of the three layouts (an undated one too).

    Given ``NAME.json``, the text is read from ``NAME.txt`` beside it. Metadata from a
    sidecar wins over the in-file header, which wins over the crawl-layout date prefix,
    because the more structured source is the more deliberate one.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        text_path = path.with_suffix(".txt")
        if not text_path.exists():
            raise SourceError("JSON sidecar has no matching .txt article", file=str(path))
        path = text_path
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError("no such article file", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    except OSError as exc:
        raise SourceError(f"cannot read article: {exc.strerror}", file=str(path)) from None

    meta: dict[str, object] = {}
    body = raw
    seed = _SEED_DATE.match(raw)
    if seed:
        meta["date"] = seed.group(1)
        body = raw[seed.end():]
    else:
        header = _split_header(raw)
        if header is not None:
            head, body = header
            meta.update({k: v for k, v in head.items() if v != ""})
    meta.update(_read_sidecar(path))

    # Undated texts are read too: years relative to the publication ("last
    # year") then stay unresolved, and nothing is checked against the date.
    date = _parse_date(meta["date"], path) if meta.get("date") else None

    def text_or_none(key: str) -> str | None:
        value = meta.get(key)
        return str(value).strip() or None if value is not None else None

    known = {"title", "publisher", "date", "url", "language", "note"}
    return Article(
        id=slugify(path.stem),
        title=text_or_none("title"),
        publisher=text_or_none("publisher"),
        date=date,
        url=text_or_none("url"),
        language=text_or_none("language") or "en",
        text=body,
        path=str(path),
        note=text_or_none("note"),
        extra={k: v for k, v in meta.items() if k not in known},
    )
