"""A store behind SPARQL 1.1 HTTP endpoints: any engine that speaks the Query
and Update protocols, with the Graph Store HTTP Protocol for bulk writes when
the engine has it.

It behaves like the embedded :class:`kg.store.oxigraph.OxigraphStore` so that
`kg.build.write_all`, the catalog and the server run on either unchanged:

* **Prefixes.** The embedded store predeclares :data:`kg.namespace.PREFIXES`;
  here a one-line ``PREFIX`` header is put in front of every query for the
  prefixes the query does not declare itself.
* **Bindings.** pyoxigraph substitutes bound variables inside the engine. Over
  HTTP there is no such thing, so a ``VALUES`` block of the bound variables is
  inserted at the start of the outermost ``WHERE`` group. Values are RDF terms
  serialised with ``term.n3()`` after validation, and the insertion point is
  found by a tokenizer that skips strings, IRIs and comments, so user text can
  neither close the block nor reach the query.
* **Union default graph.** The embedded store's default graph is the union of
  the named graphs. By default (``union="explicit"``) the store lists the
  named graphs (a request, cached for a moment) and, while some must not be
  seen (staging graphs and graphs being written, the engine's own system
  graphs), passes the others as ``default-graph-uri`` / ``named-graph-uri``.
  While nothing is hidden it sends the engine's own union instead (Oxigraph's
  ``union-default-graph``), which Oxigraph answers several times faster than
  a default graph of many listed graphs. That is safe because writers
  announce hidden graphs (an empty mark graph) and then wait longer than a
  reader keeps such a listing before any hidden graph appears.
  ``union="native"`` always relies on the engine (the default graph as the
  engine has it elsewhere, which is the union on Virtuoso, GraphDB and
  Neptune): no listing, but staging graphs show while a write runs. A query
  with its own ``FROM``/``FROM NAMED`` keeps its dataset.
* **Atomic replace.** A reader sees the old graph or the new one, never a
  mix. ``replace_graph`` of a graph that holds nothing (every graph of a first
  build) writes in place while an empty mark graph says it is being written;
  marked graphs are left out of every query's dataset, like staging graphs,
  and one update drops the mark. That needs an engine that keeps empty graphs
  and honours ``named-graph-uri`` for a graph a query names (Oxigraph, not
  Virtuoso). Otherwise the triples go into ``<graph>-staging-<uuid>``, which
  one ``MOVE <staging> TO <graph>`` update puts in place; engines run it as
  one transaction (on Virtuoso only with serializable isolation, see
  :mod:`kg.store.dialects`). As readers cannot see them, marked and staging
  graphs are loaded by the engine's fastest path even where it is not
  transactional (Oxigraph's bulk loader). A failed write drops its graph when
  the server still answers; one that could not (server gone) stays invisible
  to readers and is removed by :meth:`RemoteStore.collect_staging`.
* **Throughput.** Triples are written as N-Triples text straight from the
  rdflib terms, in large batches, and the next batch is made while the
  server loads the previous one.
* **Failures.** Connection errors and HTTP 502/503/504 are retried with
  exponential backoff; a MOVE whose outcome is unknown is only retried after
  checking that its staging graph is still there (retrying a MOVE that did
  happen would empty the graph on Virtuoso). A service that does not answer
  is a :class:`StoreUnreachable` (a :class:`kg.errors.StoreError`) naming the
  URL; a query or update the server rejects is a :class:`kg.errors.QueryError`
  carrying the server's message.

Blank nodes are scoped to one write request on a remote engine. Triples with
blank nodes are therefore held back and sent together in the last request of
a write, so that one call keeps them connected; separate calls do not share
blank nodes.
"""
from __future__ import annotations

import ast
import codecs
import http.client
import json
import math
import random
import re
import socket
import threading
import time
import urllib.error
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import sha1
from typing import IO, Any, TypeVar
from urllib.parse import quote, unquote

import pyoxigraph as ox
import requests
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier
from SPARQLWrapper import BASIC, DIGEST, GET, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound,
                                            QueryBadFormed, SPARQLWrapperException, Unauthorized,
                                            URITooLong)

from kg.errors import QueryError, StoreError
from kg.store import dialects
from kg.store.base import QueryResult, Triple
from kg.store.dialects import Dialect
from kg.store.oxigraph import DUMP_FORMATS
from kg.store.terms import from_ox, to_ox
from kg.sparql.syntax import QueryShape, bind_values, prefix_header, shape, sparql_term

T = TypeVar("T")

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: A graph that no engine holds: the default graph of a query that must see nothing.
_NO_GRAPH = "urn:x-kg:no-graph"
_STAGING = re.compile(r"-staging-[0-9a-f]{32}\Z")
_RETRY_STATUS = {502, 503, 504}
#: Marks are empty named graphs, listed with the others but seen by no query:
#: ``<MARKS>pending:<graph, percent-encoded>`` for a graph being written in
#: place, ``<MARKS>write:<uuid>`` for a writer's announcement.
_MARKS = "urn:x-kg:mark:"
_PENDING = _MARKS + "pending:"
_WRITING = _MARKS + "write:"


def _pending_mark(graph: URIRef) -> URIRef:
    return URIRef(_PENDING + quote(str(graph), safe=""))


def _unmark(graph: URIRef) -> str:
    """The update that publishes a graph marked as being written (harmless
    where there is no mark)."""
    return f"DROP SILENT GRAPH {sparql_term(_pending_mark(graph))}"

# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------

def term_from_json(value: Mapping[str, Any]) -> Identifier:
    """A SPARQL JSON results term as an rdflib term, the way the embedded store
    returns them (plain literals for xsd:string). ``typed-literal`` is the
    pre-standard spelling Virtuoso still sends."""
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang") or value.get("lang")
        if lang:
            return Literal(text, lang=lang)
        datatype = value.get("datatype")
        if datatype and datatype not in (_XSD_STRING, _RDF_LANG_STRING):
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    raise StoreError(f"unsupported term in SPARQL results: {value!r}")


class _JsonResults:
    """Reads SPARQL JSON results from a stream one binding at a time, so that a
    large result is never held in memory (the JSON layout of the standard puts
    ``head`` before ``results``; other layouts are read whole)."""

    _decoder = json.JSONDecoder()

    def __init__(self, stream: IO[bytes], chunk: int = 1 << 16) -> None:
        self._stream = stream
        self._chunk = chunk
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._buf = ""
        self._pos = 0
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._stream.read(self._chunk)
        if self._pos > (1 << 20):
            self._buf = self._buf[self._pos:]
            self._pos = 0
        if not data:
            self._buf += self._utf8.decode(b"", final=True)
            self._eof = True
            return False
        self._buf += self._utf8.decode(data)
        return True

    def _peek(self) -> str:
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in " \t\r\n":
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise StoreError(f"malformed SPARQL JSON results: expected {char!r} near "
                             f"{self._buf[self._pos:self._pos + 40]!r}")
        self._pos += 1

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise StoreError("malformed or truncated SPARQL JSON results") from None
            if end == len(self._buf) and self._fill():
                continue  # a number or keyword may go on in the next chunk
            self._pos = end
            return value

    def _members(self) -> Iterator[str]:
        """Keys of the object that starts here; the caller reads each value."""
        self._expect("{")
        while True:
            char = self._peek()
            if char == "}":
                self._pos += 1
                return
            if char == ",":
                self._pos += 1
                continue
            key = self._value()
            self._expect(":")
            yield key

    def read(self) -> tuple[str, list[str], bool | None, Iterator[dict] | None]:
        """(kind, variables, boolean, bindings): bindings stream lazily."""
        head: dict | None = None
        results: Any = None
        members = self._members()
        for key in members:
            if key == "head":
                head = self._value()
            elif key == "boolean":
                return "ask", [], bool(self._value()), None
            elif key == "results":
                if head is not None:
                    return "select", list(head.get("vars", [])), None, self._bindings()
                results = self._value()
            else:
                self._value()
        variables = list((head or {}).get("vars", []))
        return "select", variables, None, iter((results or {}).get("bindings", []))

    def _bindings(self) -> Iterator[dict]:
        for key in self._members():
            if key != "bindings":
                self._value()
                continue
            self._expect("[")
            while True:
                char = self._peek()
                if char == "]":
                    self._pos += 1
                    return
                if char == ",":
                    self._pos += 1
                    continue
                if char == "":
                    raise StoreError("truncated SPARQL JSON results")
                yield self._value()


def _ask_from_rows(response: Any, bindings: Iterator[dict] | None) -> bool:
    """The answer of an ASK that came back as a one-cell table: Virtuoso does
    that (variable ``__ASK_RETVAL``, value 1 or 0) once the request names its
    dataset with default-graph-uri."""
    try:
        for binding in bindings or ():
            for cell in binding.values():
                return cell.get("value") in ("1", "true")
        return False
    finally:
        response.close()


def _rdf_format(content_type: str | None) -> ox.RdfFormat:
    media = (content_type or "").split(";")[0].strip().lower()
    if media in ("text/plain", "application/n-triples"):
        return ox.RdfFormat.N_TRIPLES
    found = ox.RdfFormat.from_media_type(media) if media else None
    return found or ox.RdfFormat.TURTLE


# ---------------------------------------------------------------------------
# Transport errors
# ---------------------------------------------------------------------------

class StoreUnreachable(StoreError):
    """The store did not answer, or answered 502/503/504, on every attempt:
    the store is down or overloaded rather than the request wrong, so a
    service in front of it may answer 503 and be asked again later."""


class _Retryable(Exception):
    """A failure worth another attempt. `maybe_applied` is False only when the
    request certainly did not reach the server (connection refused, 503).
    `contended` marks a lost lock race (a deadlock the engine rolled back):
    the server is fine, the request only met another one."""

    def __init__(self, message: str, maybe_applied: bool, contended: bool = False) -> None:
        super().__init__(message)
        self.maybe_applied = maybe_applied
        self.contended = contended


class _Pacing:
    """When to try again. Transient failures get `retries` more attempts with
    exponential backoff. Lost lock races get up to `contention_retries` more,
    after short randomised pauses: a MOVE on Virtuoso deadlocks with readers
    scanning the same quads, and a busy site always has a reader, so a few
    fixed pauses may meet one every time."""

    def __init__(self, retries: int, backoff: float, contention_retries: int) -> None:
        self.retries, self.backoff, self.contention_retries = retries, backoff, contention_retries
        self.failures = self.contentions = 0

    @property
    def attempts(self) -> int:
        return 1 + self.failures + self.contentions

    def again(self, exc: _Retryable) -> bool:
        """Count `exc`; sleep and return True if another attempt is due."""
        if exc.contended and self.contentions < self.contention_retries:
            self.contentions += 1
            time.sleep(random.uniform(0.05, min(0.2 * 2 ** self.contentions, 3.0)))
            return True
        if not exc.contended and self.failures < self.retries:
            self.failures += 1
            time.sleep(min(self.backoff * 2 ** (self.failures - 1), 30.0))
            return True
        return False


def _never_sent(exc: BaseException) -> bool:
    """Whether a connection error happened before the request left (refused,
    DNS, connect timeout) rather than after (reset, closed mid-response)."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        cur = stack.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, (ConnectionRefusedError, socket.gaierror)):
            return True
        name = type(cur).__name__
        if name in ("NewConnectionError", "ConnectTimeoutError", "NameResolutionError"):
            return True
        stack.extend([cur.__cause__, cur.__context__, getattr(cur, "reason", None)])
        stack.extend(a for a in getattr(cur, "args", ()) if isinstance(a, BaseException))
    return False


def _wrapper_body(exc: SPARQLWrapperException) -> bytes:
    """The server's response body carried by a SPARQLWrapper exception, which
    keeps it only inside its message (as the repr of the bytes)."""
    text = str(exc)
    marker = "\n\nResponse:\n"
    at = text.find(marker)
    if at < 0:
        return b""
    try:
        body = ast.literal_eval(text[at + len(marker):])
    except (ValueError, SyntaxError):
        return text[at + len(marker):].encode()
    return body if isinstance(body, bytes) else str(body).encode()


def _body_text(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return body.strip()


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def _control_escapes() -> dict[int, str]:
    table = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)}
    table.update({0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t",
                  0x08: "\\b", 0x0C: "\\f"})
    return table


_LITERAL_ESCAPES = _control_escapes()
_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*\Z")
_BNODE_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?\Z")


class _NTriples:
    """N-Triples lines written straight from rdflib terms: about twice as
    fast as converting every term to pyoxigraph's and serialising those,
    which matters at millions of triples. IRIs are checked by pyoxigraph the
    first time they are seen and their text is kept, since the same ones
    repeat on every row; literals are escaped as N-Triples requires."""

    def __init__(self, cache_size: int = 200_000) -> None:
        self._iris: dict[str, str] = {}
        self._cache_size = cache_size
        self._langs: set[str] = set()
        self._bnodes: dict[str, str] = {}

    def iri(self, value: str) -> str:
        text = self._iris.get(value)
        if text is None:
            try:
                text = str(ox.NamedNode(value))
            except ValueError as exc:
                raise StoreError(f"cannot write {value!r}: not a valid IRI ({exc})") from None
            if len(self._iris) >= self._cache_size:
                self._iris.clear()
            self._iris[value] = text
        return text

    def term(self, term: Any) -> str:
        # str.__str__ gives the plain string: rdflib terms hash and compare slowly.
        if isinstance(term, URIRef):
            return self.iri(str.__str__(term))
        if isinstance(term, Literal):
            text = '"' + str.__str__(term).translate(_LITERAL_ESCAPES) + '"'
            if term.language:
                lang = term.language
                if lang not in self._langs:
                    if not _LANGTAG.match(lang):
                        raise StoreError(f"cannot write {term!r}: invalid language tag")
                    self._langs.add(lang)
                return f"{text}@{lang}"
            datatype = term.datatype
            if datatype is not None and str.__str__(datatype) != _XSD_STRING:
                return f"{text}^^{self.iri(str.__str__(datatype))}"
            return text
        if isinstance(term, BNode):
            label = str.__str__(term)
            if not _BNODE_LABEL.match(label):
                label = self._bnodes.setdefault(label, "b" + sha1(label.encode()).hexdigest())
            return f"_:{label}"
        raise StoreError(f"cannot write {term!r}: not an RDF term")

    def line(self, s: Any, p: Any, o: Any) -> str:
        return f"{self.term(s)} {self.term(p)} {self.term(o)} .\n"


@dataclass(frozen=True)
class _Listing:
    """The named graphs as listed at monotonic time `at`: those readers see,
    and whether that is every graph the engine holds (nothing to hide)."""

    at: float
    published: list[str]
    nothing_hidden: bool


@dataclass(frozen=True)
class _Chunk:
    """One write request: N-Triples text and how many triples it holds."""

    body: bytes
    count: int
    blank_nodes: bool


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------

class RemoteStore:
    """A :class:`kg.store.base.Store` on SPARQL 1.1 endpoints.

    `update_url` and `graph_store_url` default to what the dialect derives from
    `query_url` (see :mod:`kg.store.dialects`); without a graph store, writes
    use ``INSERT DATA``; without an update URL the store is read-only.
    `auth` is ``(user, password)`` (Basic, or Digest where the dialect says so;
    `auth_scheme` overrides), `token` a bearer token. `timeout` bounds every
    socket operation of a read, `write_timeout` (default 10 minutes) the wait
    for a write's answer, since a MOVE of a large graph takes minutes; `retries`
    are the extra attempts after a transient failure.

    `union="explicit"` lists the named graphs for each query's dataset; the list
    is reused for `graph_cache_ttl` seconds (listing costs a scan on Oxigraph)
    and dropped at once after this store's own writes, so a graph another
    process creates is seen within that time. `atomic_replace=False` writes
    straight into the target graph, visible while it is written, instead of
    marking or staging it: for loads nobody reads while they run (on Oxigraph
    it saves the MOVE of a rebuild, which costs several times the load).
    Group the writes of one job with :meth:`writing`."""

    #: Extra attempts after a lost lock race (see _Pacing), besides `retries`.
    contention_retries: int = 12
    #: Seconds a reader may use the engine's own union default graph after a
    #: listing that showed nothing to hide (see _may_use_engine_union).
    native_union_for: float = 2.0
    #: Seconds a writer waits after announcing graphs readers must not see,
    #: before any appears: longer than native_union_for, so that every reader
    #: has listed the graphs again and names the published ones.
    announce_wait: float = 2.5

    def __init__(self, query_url: str, *, update_url: str | None = None,
                 graph_store_url: str | None = None, auth: tuple[str, str] | None = None,
                 token: str | None = None, timeout: float = 30, retries: int = 3,
                 dialect: str | Dialect | None = None, batch_size: int | None = None,
                 union: str = "explicit", auth_scheme: str | None = None,
                 method: str = "POST", backoff: float = 0.5, graph_prefix: str | None = None,
                 graph_cache_ttl: float = 2.0, atomic_replace: bool = True,
                 write_timeout: float | None = None, check: bool = True) -> None:
        self.dialect = dialects.get(dialect, query_url)
        derived = self.dialect.endpoints(query_url, auth is not None)
        self.query_url = query_url
        self.update_url = update_url if update_url is not None else derived.update
        self.graph_store_url = graph_store_url if graph_store_url is not None else derived.graph_store
        self.auth = auth
        self.auth_scheme = (auth_scheme or self.dialect.auth_scheme).lower()
        if self.auth_scheme not in ("basic", "digest"):
            raise ValueError(f"auth_scheme must be 'basic' or 'digest', not {auth_scheme!r}")
        self.token = token
        self.timeout = timeout
        self.write_timeout = write_timeout if write_timeout is not None else max(timeout, 600.0)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.batch_size = batch_size or self.dialect.batch_size
        if union not in ("explicit", "native"):
            raise ValueError(f"union must be 'explicit' or 'native', not {union!r}")
        self.union = union
        if method.upper() not in ("GET", "POST"):
            raise ValueError("method must be GET or POST (form-encoded)")
        self.method = method.upper()
        self.graph_prefix = graph_prefix
        self.graph_cache_ttl = graph_cache_ttl
        self.atomic_replace = atomic_replace
        self._graph_cache: _Listing | None = None
        self._graph_cache_lock = threading.Lock()
        self._sessions = 0
        self._announcement: URIRef | None = None
        self._session = requests.Session()
        if token:
            self._session.headers["Authorization"] = f"Bearer {token}"
        if auth:
            self._session.auth = (requests.auth.HTTPDigestAuth(*auth) if self.auth_scheme == "digest"
                                  else requests.auth.HTTPBasicAuth(*auth))
        if check:
            self.ping()

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, dialect={self.dialect.name!r})"

    # -- transport -------------------------------------------------------
    def _attempts(self, what: str, url: str, call: Callable[[], T], *, idempotent: bool = True) -> T:
        """Run `call`, retrying transient failures with exponential backoff.

        A non-idempotent call is retried only when the request never reached
        the server; otherwise the unknown outcome is reported."""
        pacing = self._pacing()
        while True:
            try:
                return call()
            except _Retryable as exc:
                if exc.maybe_applied and not idempotent:
                    raise StoreError(f"{what} at {url} failed and may or may not have been applied: {exc}") from exc
                if not pacing.again(exc):
                    raise StoreUnreachable(f"{what} at {url} failed after {pacing.attempts} attempt(s): {exc}") from exc

    def _pacing(self) -> _Pacing:
        return _Pacing(self.retries, self.backoff, self.contention_retries)

    def _raise_http(self, what: str, url: str, status: int, body: str, header_len: int = 0) -> None:
        if status in _RETRY_STATUS:
            raise _Retryable(f"HTTP {status} {body[:200]}".strip(), maybe_applied=status != 503)
        if status in (401, 403):
            detail = f": {body[:300]}" if body else ""
            raise StoreError(f"{url} refused the credentials for {what} (HTTP {status}){detail}")
        if status == 404:
            raise StoreError(f"no SPARQL service at {url} (HTTP 404) for {what}")
        if status == 413:
            raise StoreError(f"{url} found the {what} request too large (HTTP 413): lower batch_size")
        verdict = self.dialect.classify_error(status, body)
        if verdict == "retry":
            raise _Retryable(f"HTTP {status} {body[:300]}", maybe_applied=False, contended=True)
        if verdict == "query":
            raise QueryError(f"{url} rejected the {what}: {self._fix_position(body, header_len)}")
        advice = [hint for pattern, hint in self.dialect.error_hints if re.search(pattern, body)]
        raise StoreError(f"{what} at {url} failed (HTTP {status}): {body[:2000]}"
                         + "".join(f"\nhint: {a}" for a in advice))

    def _send(self, what: str, method: str, url: str, *, stream: bool = False,
              **kwargs: Any) -> requests.Response:
        """One HTTP attempt; transient failures come out as _Retryable. Reads
        wait `timeout` for an answer, writes `write_timeout`."""
        wait = self.timeout if method == "GET" else self.write_timeout
        try:
            response = self._session.request(method, url, timeout=(self.timeout, wait), stream=stream, **kwargs)
        except requests.exceptions.ConnectTimeout as exc:
            raise _Retryable(f"cannot connect: {exc}", maybe_applied=False) from exc
        except requests.exceptions.Timeout as exc:
            raise StoreError(f"{what} at {url} got no answer in {wait} s; it may still complete "
                             "on the server (raise write_timeout for large graphs)") from exc
        except requests.exceptions.ConnectionError as exc:
            raise _Retryable(f"cannot connect: {exc}", maybe_applied=not _never_sent(exc)) from exc
        if response.status_code >= 400:
            body = response.text
            response.close()
            self._raise_http(what, url, response.status_code, body)
        return response

    def _request(self, what: str, method: str, url: str, *, idempotent: bool = True,
                 stream: bool = False, **kwargs: Any) -> requests.Response:
        return self._attempts(what, url, lambda: self._send(what, method, url, stream=stream, **kwargs),
                              idempotent=idempotent)

    def _sparql(self, text: str, form: str, params: list[tuple[str, str]], header_len: int = 0) -> Any:
        """Send a query with SPARQLWrapper (form-encoded POST, or GET); returns
        the open HTTP response, read by the caller as it streams."""
        url = self.query_url

        def fail(status: int, body: bytes | str | None) -> None:
            self._raise_http("query", url, status, _body_text(body), header_len)

        def call() -> Any:
            wrapper = SPARQLWrapper(url)
            wrapper.setMethod(POST if self.method == "POST" else GET)
            wrapper.setRequestMethod(URLENCODED)
            wrapper.setOnlyConneg(True)
            wrapper.setTimeout(max(1, math.ceil(self.timeout)))
            wrapper.setQuery(text)
            wrapper.queryType = form
            if form in ("CONSTRUCT", "DESCRIBE"):
                wrapper.setReturnFormat(TURTLE)
                wrapper.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9, "
                                            "application/rdf+xml;q=0.5")
            else:
                wrapper.setReturnFormat(JSON)
                wrapper.addCustomHttpHeader("Accept", "application/sparql-results+json, application/json;q=0.9")
            for key, value in params:
                wrapper.addParameter(key, value)
            if self.auth:
                wrapper.setHTTPAuth(DIGEST if self.auth_scheme == "digest" else BASIC)
                wrapper.setCredentials(*self.auth)
            if self.token:
                wrapper.addCustomHttpHeader("Authorization", f"Bearer {self.token}")
            try:
                return wrapper.query().response
            except QueryBadFormed as exc:
                fail(400, _wrapper_body(exc))
            except EndPointInternalError as exc:
                fail(500, _wrapper_body(exc))
            except Unauthorized as exc:
                fail(401, _wrapper_body(exc))
            except EndPointNotFound as exc:
                fail(404, _wrapper_body(exc))
            except URITooLong as exc:
                raise StoreError(f"{url}: query too long for GET; use method='POST'") from exc
            except SPARQLWrapperException as exc:
                raise StoreError(f"query at {url} failed: {exc}") from exc
            except urllib.error.HTTPError as exc:
                fail(exc.code, exc.read())
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                    raise StoreError(f"query at {url} timed out after {self.timeout} s") from exc
                raise _Retryable(f"cannot connect: {exc.reason}", maybe_applied=False) from exc
            except (socket.timeout, TimeoutError) as exc:
                raise StoreError(f"query at {url} timed out after {self.timeout} s") from exc
            except (http.client.HTTPException, OSError) as exc:
                raise _Retryable(f"connection lost: {exc!r}", maybe_applied=True) from exc
            raise AssertionError("unreachable")
        return self._attempts("query", url, call)

    def _fix_position(self, message: str, header_len: int) -> str:
        """Shift a line-1 column in the engine's syntax error back over the
        prefix header, so positions refer to the text the caller wrote."""
        pattern = self.dialect.error_position
        if pattern is None or not header_len:
            return message

        def shift(m: re.Match[str]) -> str:
            line, column = int(m.group(1)), int(m.group(2))
            if line == 1 and column > header_len:
                column -= header_len
            return f"{line}:{column}"
        return pattern.sub(shift, message, count=1)

    def ping(self) -> None:
        """Fail now, naming the URL, if the query endpoint does not answer."""
        try:
            self._select("ASK {}", form="ASK")
        except StoreError as exc:
            kind = StoreUnreachable if isinstance(exc, StoreUnreachable) else StoreError
            raise kind(f"cannot reach the SPARQL store at {self.query_url}: {exc}") from exc

    # -- reading ---------------------------------------------------------
    def query(self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None,
              default_graphs: Iterable[str] | None = None,
              named_graphs: Iterable[str] | None = None,
              union_default_graph: bool = True) -> QueryResult:
        text, form, params, header_len = self._prepare(sparql, bindings, default_graphs, named_graphs,
                                                       union_default_graph)
        return self._execute(text, form, params, header_len)

    def select_lexical(self, sparql: str, bindings: Mapping[str, Identifier] | None = None
                       ) -> Iterator[tuple[str | None, ...]]:
        """SELECT rows as tuples of lexical values in the query's variable order,
        read straight from the JSON results without making rdflib terms."""
        text, form, params, header_len = self._prepare(sparql, bindings, None, None, True)
        response = self._sparql(text, "SELECT", params, header_len)
        count = 0
        try:
            kind, variables, _, rows = _JsonResults(response).read()
            if kind != "select" or rows is None:
                raise QueryError("select_lexical needs a SELECT query")
            for binding in rows:
                count += 1
                yield tuple(binding[v]["value"] if v in binding else None for v in variables)
        except (http.client.HTTPException, OSError) as exc:
            raise StoreError(f"reading results from {self.query_url} failed: {exc!r}") from exc
        finally:
            response.close()
        self._check_complete(count, response.headers.get("X-SPARQL-MaxRows"))

    def _prepare(self, sparql: str, bindings: Mapping[str, Identifier] | None,
                 default_graphs: Iterable[str] | None, named_graphs: Iterable[str] | None,
                 union: bool) -> tuple[str, str, list[tuple[str, str]], int]:
        """(text to send, query form, protocol parameters, prefix header length)."""
        info = shape(sparql)
        text = bind_values(sparql, bindings, info) if bindings else sparql
        header = prefix_header(info.prefixes)
        params = self._dataset(info, default_graphs, named_graphs, union)
        return header + text, info.form or "SELECT", params, len(header)

    def _dataset(self, info: QueryShape, default_graphs: Iterable[str] | None,
                 named_graphs: Iterable[str] | None, union: bool) -> list[tuple[str, str]]:
        """Protocol parameters that give the query the embedded store's dataset.

        Once a request names any graph, the protocol's dataset holds only what
        it names, so the named graphs are listed too (as the embedded store
        keeps every named graph available to GRAPH unless told otherwise)."""
        named = [str(g) for g in named_graphs] if named_graphs is not None else None
        if default_graphs is None and info.has_dataset:
            return []
        if default_graphs is None and not union and not self.dialect.default_graph_is_union:
            return [("named-graph-uri", g) for g in named or ()]
        if default_graphs is None and union and self.union == "native":
            return list(self.dialect.union_params) + [("named-graph-uri", g) for g in named or ()]
        published: list[str] | None = None
        if default_graphs is not None:
            default = [str(g) for g in default_graphs]
        elif not union:
            default = []  # the engine's default graph is the union: name an empty one instead
        else:
            view = self._view(cached=True)
            if named is None and self._may_use_engine_union(view):
                return list(self.dialect.union_params)
            published = default = view.published
        if named is None:
            named = published if published is not None else self._published(cached=True)
        return ([("default-graph-uri", g) for g in default or [_NO_GRAPH]]
                + [("named-graph-uri", g) for g in named or [_NO_GRAPH]])

    def _may_use_engine_union(self, view: _Listing) -> bool:
        """Whether the engine's own union default graph is the published one
        now: the listing, at most `native_union_for` seconds old, showed
        nothing to hide, and the engine can make its default graph the union.
        (Oxigraph evaluates a default graph of many listed graphs several
        times slower than its own union.) Writers announce hidden graphs and
        wait longer than that before any appears, see _announce()."""
        if self.graph_prefix is not None or not view.nothing_hidden or not self._marks_hide():
            return False
        return time.monotonic() - view.at < self.native_union_for

    def _execute(self, text: str, form: str, params: list[tuple[str, str]], header_len: int = 0) -> QueryResult:
        response = self._sparql(text, form, params, header_len)
        if form in ("CONSTRUCT", "DESCRIBE"):
            fmt = _rdf_format(response.headers.get("Content-Type"))
            return QueryResult(kind="graph", triples=self._triples(response, fmt))
        try:
            kind, variables, boolean, bindings = _JsonResults(response).read()
        except BaseException:
            response.close()
            raise
        if kind == "ask":
            response.close()
            return QueryResult(kind="ask", boolean=boolean)
        if form == "ASK":
            return QueryResult(kind="ask", boolean=_ask_from_rows(response, bindings))
        max_rows = response.headers.get("X-SPARQL-MaxRows")
        return QueryResult(kind="select", variables=variables,
                           rows=self._rows(response, variables, bindings, max_rows))

    def _rows(self, response: Any, variables: list[str], bindings: Iterator[dict],
              max_rows: str | None) -> Iterator[dict[str, Identifier | None]]:
        count = 0
        try:
            for binding in bindings:
                count += 1
                yield {v: term_from_json(binding[v]) if v in binding else None for v in variables}
        except (http.client.HTTPException, OSError) as exc:
            raise StoreError(f"reading results from {self.query_url} failed: {exc!r}") from exc
        finally:
            response.close()
        self._check_complete(count, max_rows)

    def _check_complete(self, count: int, max_rows: str | None) -> None:
        """Engines that cut long results (Virtuoso's ResultSetMaxRows) say so only
        in a header; a cut result must not pass for the whole answer."""
        if max_rows and max_rows.isdigit() and count >= int(max_rows):
            raise StoreError(f"{self.query_url} cut the result at {max_rows} rows (its result "
                             "size limit, e.g. Virtuoso's ResultSetMaxRows): raise the limit or page the query")

    def _triples(self, response: Any, fmt: ox.RdfFormat) -> Iterator[Triple]:
        try:
            for t in ox.parse(response, format=fmt):
                yield from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)
        except (http.client.HTTPException, OSError) as exc:
            raise StoreError(f"reading triples from {self.query_url} failed: {exc!r}") from exc
        except SyntaxError as exc:
            raise StoreError(f"{self.query_url} sent unreadable RDF: {exc}") from exc
        finally:
            response.close()

    def _select(self, text: str, *, form: str = "SELECT") -> QueryResult:
        """Run the store's own queries: no prefixes, no dataset parameters."""
        return self._execute(text, form, [])

    def _listing(self) -> tuple[list[str], set[str]]:
        """(every named graph, marks included; the graphs marked as being written)."""
        graphs = [str(r["g"]) for r in self._select(self.dialect.list_graphs) if isinstance(r.get("g"), URIRef)]
        pending = {unquote(g[len(_PENDING):]) for g in graphs if g.startswith(_PENDING)}
        return graphs, pending

    def _all_graphs(self) -> list[str]:
        return self._listing()[0]

    def _is_published(self, iri: str, pending: Iterable[str] = ()) -> bool:
        """Whether readers see a graph: not staging, not being written, not
        the engine's own, and under `graph_prefix` if one is set."""
        if _STAGING.search(iri) or iri.startswith(_MARKS) or iri == _NO_GRAPH or iri in pending:
            return False
        if any(iri.startswith(p) for p in self.dialect.system_graph_prefixes):
            return False
        return self.graph_prefix is None or iri.startswith(self.graph_prefix)

    def _view(self, *, cached: bool) -> _Listing:
        now = time.monotonic()
        with self._graph_cache_lock:
            if cached and self._graph_cache and now - self._graph_cache.at < self.graph_cache_ttl:
                return self._graph_cache
        graphs, pending = self._listing()
        published = sorted(g for g in set(graphs) if self._is_published(g, pending))
        view = _Listing(now, published, nothing_hidden=len(published) == len(set(graphs)))
        with self._graph_cache_lock:
            self._graph_cache = view
        return view

    def _published(self, *, cached: bool) -> list[str]:
        return self._view(cached=cached).published

    def _forget_graphs(self) -> None:
        with self._graph_cache_lock:
            self._graph_cache = None

    def graphs(self) -> list[URIRef]:
        """Named graphs, leaving out staging graphs and graphs marked as being
        written by unfinished writes, and the engine's own system graphs
        (always asked afresh)."""
        return [URIRef(g) for g in self._published(cached=False)]

    def count(self, graph: URIRef | None = None) -> int:
        if graph is not None:
            rows = list(self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_term(URIRef(str(graph)))} "
                                     "{ ?s ?p ?o } }"))
            return int(rows[0]["n"]) if rows else 0
        published = set(self._published(cached=False))
        rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sum(int(r["n"]) for r in rows if isinstance(r.get("g"), URIRef) and str(r["g"]) in published)

    def objects(self, graph: URIRef, subject: URIRef, predicate: URIRef) -> list[Identifier]:
        text = (f"SELECT ?o WHERE {{ GRAPH {sparql_term(URIRef(str(graph)))} {{ "
                f"{sparql_term(URIRef(str(subject)))} {sparql_term(URIRef(str(predicate)))} ?o }} }}")
        return [r["o"] for r in self._select(text)]

    def _graph_triples(self, graph: str) -> Iterator[ox.Triple]:
        """One graph's triples as pyoxigraph terms, streamed: Graph Store GET
        where there is one, else CONSTRUCT."""
        if self.graph_store_url:
            response = self._request("graph read", "GET", self.graph_store_url, params={"graph": graph},
                                     headers={"Accept": "application/n-triples, text/turtle;q=0.9"},
                                     stream=True)
            response.raw.decode_content = True
            fmt = _rdf_format(response.headers.get("Content-Type"))
            try:
                yield from ox.parse(response.raw, format=fmt)
            except (OSError, requests.RequestException) as exc:
                raise StoreError(f"reading graph {graph} from {self.graph_store_url} failed: {exc!r}") from exc
            finally:
                response.close()
            return
        text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }} }}"
        for s, p, o in self._select(text, form="CONSTRUCT"):
            yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))

    def dump(self, out: IO[bytes], fmt: str) -> None:
        try:
            rdf_format = DUMP_FORMATS[fmt]
        except KeyError:
            raise StoreError(f"unknown dump format {fmt!r}; choose one of {', '.join(DUMP_FORMATS)}") from None
        graphs = [str(g) for g in self.graphs()]
        if rdf_format.supports_datasets:
            quads = (ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                     for g in graphs for t in self._graph_triples(g))
            ox.serialize(quads, out, rdf_format)
        else:
            ox.serialize((t for g in graphs for t in self._graph_triples(g)), out, rdf_format)

    # -- writing ---------------------------------------------------------
    def _require_update(self) -> str:
        if not self.update_url:
            raise StoreError(f"the SPARQL store at {self.query_url} has no update endpoint: it is read-only "
                             "here (give update_url=...)")
        return self.update_url

    def _update(self, text: str, *, what: str = "update", idempotent: bool = True) -> None:
        url = self._require_update()
        try:
            self._request(what, "POST", url, data={"update": text}, idempotent=idempotent).close()
        finally:
            self._forget_graphs()

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update as given. It is retried only when it surely
        did not reach the server, since an update need not be idempotent."""
        self._update(sparql, idempotent=False)

    def _chunks(self, triples: Iterable[Triple]) -> Iterator[_Chunk]:
        """N-Triples request bodies of at most `batch_size` triples; triples
        with blank nodes are held back and sent as one last chunk, so that
        they stay connected."""
        writer = _NTriples()
        held: list[str] = []
        lines: list[str] = []
        for s, p, o in triples:
            line = writer.line(s, p, o)
            if isinstance(s, BNode) or isinstance(o, BNode):
                held.append(line)
                continue
            lines.append(line)
            if len(lines) >= self.batch_size:
                yield _Chunk("".join(lines).encode("utf-8"), len(lines), False)
                lines = []
        if lines:
            yield _Chunk("".join(lines).encode("utf-8"), len(lines), False)
        if held:
            yield _Chunk("".join(held).encode("utf-8"), len(held), True)

    def _post_chunk(self, graph: str, chunk: _Chunk, bulk: bool) -> None:
        """One write request. `bulk` asks for the engine's fastest load path,
        which may not be transactional: only for graphs no reader sees."""
        self._forget_graphs()
        if self.graph_store_url:
            params = [("graph", graph)] + (list(self.dialect.bulk_params) if bulk else [])
            self._request("graph store write", "POST", self.graph_store_url, params=params, data=chunk.body,
                          headers={"Content-Type": "application/n-triples; charset=utf-8"},
                          idempotent=not chunk.blank_nodes).close()
        else:
            text = f"INSERT DATA {{ GRAPH {sparql_term(URIRef(graph))} {{ {chunk.body.decode('utf-8')} }} }}"
            self._update(text, what="insert", idempotent=not chunk.blank_nodes)

    def _write(self, graph: str, triples: Iterable[Triple], *, bulk: bool) -> int:
        """Send triples in chunks, one request in flight: the next chunk is
        made (the caller's generator, serialisation) while the server loads
        the previous one, so client and server work side by side."""
        written = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-store-write") as sender:
            in_flight: Future[None] | None = None
            for chunk in self._chunks(triples):
                if in_flight is not None:
                    in_flight.result()
                in_flight = sender.submit(self._post_chunk, graph, chunk, bulk)
                written += chunk.count
            if in_flight is not None:
                in_flight.result()
        return written

    def add_triples(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Append triples to a graph in batches, each its own transaction (so
        not atomic as a whole: for small additions such as the metadata)."""
        written = self._write(str(graph), triples, bulk=False)
        if not written:
            self._update(f"CREATE SILENT GRAPH {sparql_term(URIRef(str(graph)))}")
        return written

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Make `graph` hold exactly `triples`, never half-written for readers.

        A graph that holds nothing is written in place while marked as being
        written (hidden like a staging graph, and loaded by the engine's
        fastest path), then published by removing the mark, where marked
        graphs can be hidden (see _can_hide). Otherwise the triples go into a
        staging graph that one update MOVEs over the graph. Either way one
        update publishes, which engines run as one transaction."""
        target = URIRef(str(graph))
        self._require_update()
        if not self.atomic_replace:
            self._update(f"DROP SILENT GRAPH {sparql_term(target)}")
            written = self._write(str(target), triples, bulk=True)
            if not written:
                self._update(f"CREATE SILENT GRAPH {sparql_term(target)}")
            return written
        with self.writing():
            self._announce()
            if self._can_hide(target):
                return self._replace_in_place(target, triples)
            return self._replace_staged(target, triples)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Group writes (a whole build): readers are told once, and given time
        to notice, that graphs they must not see will appear, rather than
        once per graph replaced."""
        self._sessions += 1
        try:
            yield
        finally:
            self._sessions -= 1
            if not self._sessions:
                self._unannounce()

    def _marks_hide(self) -> bool:
        """Whether marks (empty graphs) can hide graphs being written, and
        readers of this engine may then take its own union default graph
        (see _may_use_engine_union): not where the engine forgets empty
        graphs, or keeps graphs of its own that readers always leave out."""
        return (self.dialect.keeps_empty_graphs and not self.dialect.system_graph_prefixes
                and bool(self.dialect.union_params or self.dialect.default_graph_is_union))

    def _announce(self) -> None:
        """Mark that graphs readers must not see are about to appear, then wait
        until every reader has stopped using the engine's own union default
        graph, which would show them. Once per writing() session."""
        if self._announcement is not None or not self._marks_hide():
            return
        mark = URIRef(f"{_WRITING}{uuid.uuid4().hex}")
        self._update(f"CREATE SILENT GRAPH {sparql_term(mark)}")
        self._announcement = mark
        time.sleep(self.announce_wait)

    def _unannounce(self) -> None:
        """End the announcement. If the server does not answer, it stays:
        readers then keep naming the published graphs (slower, not wrong)
        until collect_staging() removes it."""
        if self._announcement is None:
            return
        mark, self._announcement = self._announcement, None
        try:
            self._update(f"DROP SILENT GRAPH {sparql_term(mark)}")
        except StoreError:
            pass

    def _can_hide(self, target: URIRef) -> bool:
        """Whether `target` can be written in place unseen: it holds nothing
        to keep, and every query's dataset leaves out marked graphs (the
        explicit union, on an engine that keeps the empty graphs that mark
        them and honours the protocol's named graphs even for a graph named
        in the query)."""
        return (self.union == "explicit" and self.dialect.named_graphs_bind_graph_iris and self._marks_hide()
                and not self._has_triples(target))

    def _replace_in_place(self, target: URIRef, triples: Iterable[Triple]) -> int:
        """Fill an empty graph while it is marked as being written. If the
        write fails, the graph is dropped when the server still answers;
        otherwise the mark keeps the part written out of every query until
        the next replace or collect_staging()."""
        t = sparql_term(target)
        self._update(f"CREATE SILENT GRAPH {sparql_term(_pending_mark(target))}")
        try:
            written = self._write(str(target), triples, bulk=True)
        except BaseException:
            self._discard(target)
            raise
        create = f"CREATE SILENT GRAPH {t} ; " if not written else ""
        self._update(create + _unmark(target))
        return written

    def _replace_staged(self, target: URIRef, triples: Iterable[Triple]) -> int:
        """Write into a staging graph, then MOVE it over `target` in one update."""
        staging = URIRef(f"{target}-staging-{uuid.uuid4().hex}")
        written = 0
        try:
            written = self._write(str(staging), triples, bulk=True)
            if not written:
                t = sparql_term(target)
                self._update(f"DROP SILENT GRAPH {t} ; CREATE SILENT GRAPH {t} ; {_unmark(target)}")
                return 0
            self._swap(staging, target)
        except BaseException:
            self._discard(staging)
            raise
        return written

    def _swap(self, staging: URIRef, target: URIRef) -> None:
        """``MOVE staging TO target`` (and unmark the target, which a write
        that died may have left marked), retried only while the staging graph
        is still there: a MOVE that did happen must not run again (Virtuoso
        would clear the target when moving a graph that no longer exists)."""
        text = f"MOVE {sparql_term(staging)} TO {sparql_term(target)} ; {_unmark(target)}"
        url = self._require_update()
        pacing = self._pacing()
        while True:
            try:
                self._send("graph swap", "POST", url, data={"update": text}).close()
                self._forget_graphs()
                return
            except _Retryable as exc:
                retry = pacing.again(exc)
                if exc.maybe_applied and not self._has_triples(staging):
                    self._forget_graphs()
                    return
                if not retry:
                    self._forget_graphs()
                    raise StoreUnreachable(f"replacing {target} at {url} failed after {pacing.attempts} "
                                           f"attempt(s); its previous content is kept: {exc}") from exc

    def _has_triples(self, graph: URIRef) -> bool:
        result = self._select(f"ASK {{ GRAPH {sparql_term(graph)} {{ ?s ?p ?o }} }}", form="ASK")
        return bool(result.boolean)

    def _discard(self, graph: URIRef) -> None:
        """Drop an unpublished graph (staging, or marked) after a failed write,
        once, without retrying: if the server is gone the graph stays hidden
        until collect_staging()."""
        if not self.update_url:
            return
        text = f"DROP SILENT GRAPH {sparql_term(graph)} ; {_unmark(graph)}"
        try:
            self._session.post(self.update_url, data={"update": text}, timeout=min(self.timeout, 5))
        except requests.RequestException:
            pass
        self._forget_graphs()

    def collect_staging(self) -> list[URIRef]:
        """Drop what writes that died with the server left: staging graphs,
        and graphs still marked as being written. Run it when no write is in
        progress: it cannot tell those apart."""
        graphs, pending = self._listing()
        leftovers = sorted({URIRef(g) for g in graphs if _STAGING.search(g)} | {URIRef(g) for g in pending})
        for g in leftovers:
            self._update(f"DROP SILENT GRAPH {sparql_term(g)} ; {_unmark(g)}")
        for g in graphs:
            if g.startswith(_WRITING):  # announcements of writers gone too
                self._update(f"DROP SILENT GRAPH {sparql_term(URIRef(g))}")
        return leftovers

    def drop_graph(self, graph: URIRef) -> None:
        self._update(f"DROP SILENT GRAPH {sparql_term(URIRef(str(graph)))}")

    def remove_subjects(self, graph: URIRef, subjects: Iterable[URIRef], chunk: int = 500) -> None:
        g = sparql_term(URIRef(str(graph)))
        pending = [sparql_term(URIRef(str(s))) for s in subjects]
        for i in range(0, len(pending), chunk):
            values = " ".join(pending[i:i + chunk])
            self._update(f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
                         f"GRAPH {g} {{ ?s ?p ?o }} }}")

    def close(self) -> None:
        self._session.close()


def open_store(url: str, **kwargs: Any) -> RemoteStore:
    """A RemoteStore for a query URL, with the dialect picked from the URL's
    shape unless `dialect=` says otherwise; other keywords go to RemoteStore."""
    return RemoteStore(url, **kwargs)


__all__ = ["RemoteStore", "StoreUnreachable", "open_store", "bind_values", "prefix_header", "sparql_term", "shape",
           "term_from_json"]
