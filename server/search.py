"""Entity search for ``/api/search`` and the autocomplete box in the page header.

Why an index in memory: neither Oxigraph nor SPARQL 1.1 offers a portable text
index, and a ``FILTER(CONTAINS(LCASE(?label), ...))`` scans every label in the
graph on each keystroke. The texts worth searching (labels, aliases and codes
of countries, blocs, regions, agreements, people, documents, concepts and
ontology terms) are a few thousand even on a graph of millions of trade
observations, so the server reads them once per served build with one query
(``server/queries/search_index.rq``, memoised by
:meth:`server.store_access.ServedStore.memo`, so a rebuild gets a new index)
and answers each lookup in plain Python:

- exact codes from a dict (codes match only whole, "KA" must not suggest KAZ);
- exact and prefix matches of names by bisecting their sorted folded forms;
- word-prefix matches by bisecting the sorted suffixes that start a word;
- substrings with ``str.find`` over all names joined into one string, only
  when the better tiers leave fewer hits than asked for.

Texts and queries are compared folded: Unicode case folding, compatibility
decomposition with the combining marks dropped ("Türkiye" = "turkiye"),
typographic apostrophes as ``'`` and runs of white space as one space.
"""
from __future__ import annotations

import re
import time
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from rdflib import Literal, URIRef

from kg.namespace import PREFIXES
from kg.results import short
from kg.store.base import Store

from server import page_queries
from server.errors import ApiError

#: ServedStore memo key: one index per served build.
MEMO_KEY = "search-index"
MAX_QUERY_LENGTH = 200
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
DEFAULT_LANG = "en"

_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
#: Beyond any code point, so that ``key < prefix + _END`` holds for every key starting with `prefix`.
_END = "\U0010ffff"


def fold(text: str) -> str:
    """The form texts are compared in: case- and accent-insensitive."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_APOSTROPHES).split())


class Tier(IntEnum):
    """How well a text matches; lower is better. Names beat aliases within a tier."""

    EXACT = 0          # a whole code, or a whole label
    EXACT_ALIAS = 1
    PREFIX = 2         # the label starts with the query
    PREFIX_ALIAS = 3
    WORD = 4           # a later word of the label starts with the query
    WORD_ALIAS = 5
    SUBSTRING = 6
    SUBSTRING_ALIAS = 7

    @property
    def score(self) -> float:
        """The tier as a number for clients: 1.0 for an exact match, higher is better."""
        return round(1.0 - self / len(Tier), 3)


@dataclass(frozen=True)
class Text:
    """One searchable text of an entity; `kind` is ``label``, ``alias`` or ``code``."""

    value: str
    kind: str
    lang: str = ""


@dataclass
class Entity:
    iri: str
    #: The indexed class people would call it by (rer:Country before skos:Concept).
    type: str
    #: Rank of `type`: lower comes first among equally good matches.
    rank: int
    types: set[str] = field(default_factory=set)
    texts: list[Text] = field(default_factory=list)

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """The label to show: in `lang` if it has one, else English, untagged, any;
        an alias or code if it has no label, and the IRI's last segment at worst."""
        for kind in ("label", "alias", "code"):
            texts = [t for t in self.texts if t.kind == kind]
            if texts:
                return min(texts, key=lambda t: (_lang_rank(t.lang, lang), len(t.value), t.value)).value
        return re.split(r"[/#]", self.iri.rstrip("/#"))[-1]


def _lang_rank(tag: str, wanted: str) -> int:
    tag, wanted = tag.lower(), wanted.lower()
    if tag == wanted:
        return 0
    if tag and tag.split("-")[0] == wanted.split("-")[0]:
        return 1
    return 2 if tag == DEFAULT_LANG else 3 if tag == "" else 4


@dataclass(frozen=True)
class Hit:
    entity: Entity
    tier: Tier
    text: Text


#: (entity number, text) as the sorted key lists refer to them.
_Ref = tuple[int, Text]


class SearchIndex:
    """Folded texts of the searchable entities, sorted for prefix lookups."""

    def __init__(self, entities: Sequence[Entity], build_seconds: float = 0.0) -> None:
        self.entities = list(entities)
        self.build_seconds = build_seconds
        self.types = frozenset(t for e in self.entities for t in e.types)
        #: The classes entities are indexed under, best first (for error messages and docs).
        self.classes = sorted({(e.rank, e.type) for e in self.entities})
        self._codes: dict[str, list[_Ref]] = {}
        names: list[tuple[str, _Ref]] = []
        words: list[tuple[str, _Ref]] = []
        for number, entity in enumerate(self.entities):
            for text in entity.texts:
                key = fold(text.value)
                if not key:
                    continue
                if text.kind == "code":
                    self._codes.setdefault(key, []).append((number, text))
                    continue
                names.append((key, (number, text)))
                words.extend((key[i:], (number, text)) for i in _word_starts(key))
        names.sort(key=lambda item: item[0])
        words.sort(key=lambda item: item[0])
        self._names = [k for k, _ in names]
        self._name_refs = [r for _, r in names]
        self._words = [k for k, _ in words]
        self._word_refs = [r for _, r in words]
        # Names joined by a character that no folded query holds, for substring scans.
        self._haystack = "\n".join(self._names)
        self._starts: list[int] = []
        offset = 0
        for key in self._names:
            self._starts.append(offset)
            offset += len(key) + 1

    @classmethod
    def build(cls, store: Store) -> SearchIndex:
        """Read the searchable texts of `store` (one query) into an index."""
        started = time.perf_counter()
        rows = page_queries.run(store, "search_index").rows or ()
        entities = list(_entities(rows))
        return cls(entities, build_seconds=time.perf_counter() - started)

    def __len__(self) -> int:
        return len(self.entities)

    @property
    def size(self) -> int:
        """Searchable keys: codes, names and word suffixes."""
        return sum(map(len, self._codes.values())) + len(self._names) + len(self._words)

    def search(self, query: str, *, limit: int = DEFAULT_LIMIT, type_iri: str | None = None,
               lang: str = DEFAULT_LANG) -> list[Hit]:
        """The best `limit` entities for `query`: by tier, then class rank, then label."""
        key = fold(query)
        if not key or limit <= 0:
            return []
        best: dict[int, tuple[Tier, Text]] = {}

        def offer(refs: Iterable[_Ref], tier: Tier, alias_tier: Tier) -> None:
            for number, text in refs:
                if type_iri is not None and type_iri not in self.entities[number].types:
                    continue
                found = alias_tier if text.kind == "alias" else tier
                if number not in best or found < best[number][0]:
                    best[number] = (found, text)

        offer(self._codes.get(key, ()), Tier.EXACT, Tier.EXACT)
        lo, hi = _prefix_range(self._names, key)
        exact_end = bisect_right(self._names, key, lo, hi)
        offer(self._name_refs[lo:exact_end], Tier.EXACT, Tier.EXACT_ALIAS)
        offer(self._name_refs[exact_end:hi], Tier.PREFIX, Tier.PREFIX_ALIAS)
        lo, hi = _prefix_range(self._words, key)
        offer(self._word_refs[lo:hi], Tier.WORD, Tier.WORD_ALIAS)
        if len(best) < limit:
            offer((self._name_refs[i] for i in self._containing(key)), Tier.SUBSTRING, Tier.SUBSTRING_ALIAS)

        def order(item: tuple[int, tuple[Tier, Text]]) -> tuple:
            entity = self.entities[item[0]]
            return item[1][0], entity.rank, fold(entity.label(lang)), entity.iri

        ranked = sorted(best.items(), key=order)[:limit]
        return [Hit(self.entities[number], tier, text) for number, (tier, text) in ranked]

    def _containing(self, key: str) -> Iterator[int]:
        """Numbers of the names that contain `key`, each once."""
        haystack, starts = self._haystack, self._starts
        position = haystack.find(key)
        while position >= 0:
            number = bisect_right(starts, position) - 1
            yield number
            if number + 1 >= len(starts):
                return
            position = haystack.find(key, starts[number + 1])

    def resolve_type(self, value: str) -> str:
        """The class IRI a ``type`` parameter names (a CURIE such as ``rer:Country``,
        an IRI, or an IRI in angle brackets); ApiError 400 if no indexed entity has it."""
        value = value.strip()
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        prefix, colon, local = iri.partition(":")
        if colon and prefix in PREFIXES and not local.startswith("//"):
            iri = PREFIXES[prefix] + local
        if iri not in self.types:
            known = ", ".join(dict.fromkeys(short(URIRef(t)) for _, t in self.classes))
            raise ApiError(400, f"unknown type {value!r}: give a class of the searchable entities, such as {known}")
        return iri


def _word_starts(key: str) -> Iterator[int]:
    """Where words after the first begin: a letter or digit after anything else."""
    for i in range(1, len(key)):
        if key[i].isalnum() and not key[i - 1].isalnum():
            yield i


def _prefix_range(keys: Sequence[str], prefix: str) -> tuple[int, int]:
    return bisect_left(keys, prefix), bisect_left(keys, prefix + _END)


def _entities(rows: Iterable[Mapping]) -> Iterator[Entity]:
    """Entities from the index query's rows: one row per (entity, class) and
    type or text; an entity in several indexed classes keeps its best one."""
    entities: dict[str, Entity] = {}
    seen: set[tuple[str, Text]] = set()
    for row in rows:
        iri, cls, rank = str(row["entity"]), str(row["class"]), int(row["rank"])
        entity = entities.get(iri)
        if entity is None:
            entity = entities[iri] = Entity(iri, cls, rank)
        elif (rank, cls) < (entity.rank, entity.type):
            entity.type, entity.rank = cls, rank
        if row.get("type") is not None:
            entity.types.add(str(row["type"]))
        value = row.get("value")
        if isinstance(value, Literal):
            text = Text(str(value), str(row["kind"]), value.language or "")
            if (iri, text) not in seen:
                seen.add((iri, text))
                entity.texts.append(text)
    for entity in entities.values():
        entity.types.add(entity.type)
    yield from entities.values()


@dataclass(frozen=True)
class SearchParams:
    q: str
    limit: int = DEFAULT_LIMIT
    type: str | None = None
    lang: str = DEFAULT_LANG

    @classmethod
    def from_args(cls, args: Mapping[str, str], index: SearchIndex) -> SearchParams:
        """Checked request parameters; ApiError 400 names what is wrong."""
        q = (args.get("q") or "").strip()
        if not q:
            raise ApiError(400, "give the text to search for as ?q=..., e.g. ?q=kazakh")
        if len(q) > MAX_QUERY_LENGTH:
            raise ApiError(400, f"q is longer than {MAX_QUERY_LENGTH} characters")
        raw_limit = args.get("limit", str(DEFAULT_LIMIT)).strip()
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            raise ApiError(400, f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw_limit!r}")
        lang = (args.get("lang") or DEFAULT_LANG).strip()
        if not _LANG_TAG.match(lang):
            raise ApiError(400, f"lang must be a language tag such as en or ru, got {lang!r}")
        type_arg = args.get("type")
        type_iri = index.resolve_type(type_arg) if type_arg else None
        return cls(q, int(raw_limit), type_iri, lang)


def result_json(hit: Hit, lang: str, page: str | None) -> dict:
    """One result as /api/search answers it."""
    entity = hit.entity
    return {
        "iri": entity.iri,
        "label": entity.label(lang),
        "type": entity.type,
        "types": sorted(entity.types),
        "matched": hit.text.value,
        "match": hit.text.kind,
        "page": page,
        "score": hit.tier.score,
    }
