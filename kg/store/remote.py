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
  the named graphs. By default this is emulated on every engine by listing the
  named graphs (a request, cached for a moment) and passing them as
  ``default-graph-uri`` / ``named-graph-uri``: that leaves out staging graphs
  of writes in progress and the engine's own system graphs (Virtuoso).
  ``union="native"`` relies on the engine instead (Oxigraph's
  ``union-default-graph`` parameter; the default graph as the engine has it
  elsewhere, which is the union on Virtuoso, GraphDB and Neptune): no listing,
  but staging graphs show while a write runs. A query with its own
  ``FROM``/``FROM NAMED`` keeps its dataset.
* **Atomic replace.** ``replace_graph`` writes into ``<graph>-staging-<uuid>``
  and then runs one ``MOVE <staging> TO <graph>`` update, which engines run
  as one transaction, so a reader sees the old graph or the new one, never a
  mix (on Virtuoso only with serializable isolation, see
  :mod:`kg.store.dialects`). A failed write drops its staging graph when the
  server still answers;
  one that could not (server gone) is invisible to readers and is removed by
  :meth:`RemoteStore.collect_staging`.
* **Failures.** Connection errors and HTTP 502/503/504 are retried with
  exponential backoff; a MOVE whose outcome is unknown is only retried after
  checking that its staging graph is still there (retrying a MOVE that did
  happen would empty the graph on Virtuoso). An unreachable service is a
  :class:`kg.errors.StoreError` naming the URL; a query or update the server
  rejects is a :class:`kg.errors.QueryError` carrying the server's message.

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
import re
import socket
import threading
import time
import urllib.error
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, TypeVar

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

class _Retryable(Exception):
    """A failure worth another attempt. `maybe_applied` is False only when the
    request certainly did not reach the server (connection refused, 503)."""

    def __init__(self, message: str, maybe_applied: bool) -> None:
        super().__init__(message)
        self.maybe_applied = maybe_applied


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
    straight into the target graph instead of staging and moving it: three to
    four times faster on Oxigraph, for loads nobody reads while they run."""

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
        self._graph_cache: tuple[float, list[str]] | None = None
        self._graph_cache_lock = threading.Lock()
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
        last: _Retryable | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 30.0))
            try:
                return call()
            except _Retryable as exc:
                last = exc
                if exc.maybe_applied and not idempotent:
                    raise StoreError(f"{what} at {url} failed and may or may not have been applied: {exc}") from exc
        raise StoreError(f"{what} at {url} failed after {self.retries + 1} attempt(s): {last}") from last

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
            raise _Retryable(f"HTTP {status} {body[:300]}", maybe_applied=False)
        if verdict == "query":
            raise QueryError(f"{url} rejected the {what}: {self._fix_position(body, header_len)}")
        raise StoreError(f"{what} at {url} failed (HTTP {status}): {body[:2000]}")

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
            raise StoreError(f"cannot reach the SPARQL store at {self.query_url}: {exc}") from exc

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
            published = self._published(cached=True)
            default = published
        if named is None:
            named = published if published is not None else self._published(cached=True)
        return ([("default-graph-uri", g) for g in default or [_NO_GRAPH]]
                + [("named-graph-uri", g) for g in named or [_NO_GRAPH]])

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

    def _all_graphs(self) -> list[str]:
        return [str(r["g"]) for r in self._select(self.dialect.list_graphs)
                if isinstance(r.get("g"), URIRef)]

    def _is_published(self, iri: str) -> bool:
        if _STAGING.search(iri) or iri == _NO_GRAPH:
            return False
        if any(iri.startswith(p) for p in self.dialect.system_graph_prefixes):
            return False
        return self.graph_prefix is None or iri.startswith(self.graph_prefix)

    def _published(self, *, cached: bool) -> list[str]:
        now = time.monotonic()
        with self._graph_cache_lock:
            if cached and self._graph_cache and now - self._graph_cache[0] < self.graph_cache_ttl:
                return self._graph_cache[1]
        listed = sorted(g for g in set(self._all_graphs()) if self._is_published(g))
        with self._graph_cache_lock:
            self._graph_cache = (now, listed)
        return listed

    def _forget_graphs(self) -> None:
        with self._graph_cache_lock:
            self._graph_cache = None

    def graphs(self) -> list[URIRef]:
        """Named graphs, leaving out staging graphs of unfinished writes and the
        engine's own system graphs (always asked afresh)."""
        return [URIRef(g) for g in self._published(cached=False)]

    def count(self, graph: URIRef | None = None) -> int:
        if graph is not None:
            rows = list(self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_term(URIRef(str(graph)))} "
                                     "{ ?s ?p ?o } }"))
            return int(rows[0]["n"]) if rows else 0
        rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sum(int(r["n"]) for r in rows if isinstance(r.get("g"), URIRef) and self._is_published(str(r["g"])))

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

    def _batches(self, triples: Iterable[Triple]) -> Iterator[tuple[list[Triple], bool]]:
        """Batches of at most `batch_size` triples; triples with blank nodes are
        held back and sent as one last batch, so they stay connected."""
        held: list[Triple] = []
        batch: list[Triple] = []
        for triple in triples:
            if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
                held.append(triple)
                continue
            batch.append(triple)
            if len(batch) >= self.batch_size:
                yield batch, False
                batch = []
        if batch:
            yield batch, False
        if held:
            yield held, True

    def _post_triples(self, graph: str, batch: list[Triple], has_blank_nodes: bool) -> None:
        self._forget_graphs()
        body = ox.serialize([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in batch],
                            None, ox.RdfFormat.N_TRIPLES)
        if self.graph_store_url:
            self._request("graph store write", "POST", self.graph_store_url, params={"graph": graph},
                          data=body, headers={"Content-Type": "application/n-triples; charset=utf-8"},
                          idempotent=not has_blank_nodes).close()
        else:
            text = f"INSERT DATA {{ GRAPH {sparql_term(URIRef(graph))} {{ {body.decode('utf-8')} }} }}"
            self._update(text, what="insert", idempotent=not has_blank_nodes)

    def add_triples(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Append triples to a graph in batches (bulk path, not transactional)."""
        written = 0
        for batch, has_blank_nodes in self._batches(triples):
            self._post_triples(str(graph), batch, has_blank_nodes)
            written += len(batch)
        if not written:
            self._update(f"CREATE SILENT GRAPH {sparql_term(URIRef(str(graph)))}")
        return written

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Write into a staging graph, then MOVE it over `graph` in one update."""
        target = URIRef(str(graph))
        self._require_update()
        if not self.atomic_replace:
            self._update(f"DROP SILENT GRAPH {sparql_term(target)}")
            return self.add_triples(target, triples)
        staging = URIRef(f"{target}-staging-{uuid.uuid4().hex}")
        written = 0
        try:
            for batch, has_blank_nodes in self._batches(triples):
                self._post_triples(str(staging), batch, has_blank_nodes)
                written += len(batch)
            if not written:
                self._update(f"DROP SILENT GRAPH {sparql_term(target)} ; CREATE SILENT GRAPH {sparql_term(target)}")
                return 0
            self._swap(staging, target)
        except BaseException:
            self._discard(staging)
            raise
        return written

    def _swap(self, staging: URIRef, target: URIRef) -> None:
        """``MOVE staging TO target``, retried only while the staging graph is
        still there: a MOVE that did happen must not run again (Virtuoso would
        clear the target when moving a graph that no longer exists)."""
        text = f"MOVE {sparql_term(staging)} TO {sparql_term(target)}"
        url = self._require_update()
        last: _Retryable | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 30.0))
                if last is not None and last.maybe_applied and not self._has_triples(staging):
                    return
            try:
                self._send("graph swap", "POST", url, data={"update": text}).close()
                self._forget_graphs()
                return
            except _Retryable as exc:
                last = exc
        self._forget_graphs()
        if last is not None and last.maybe_applied and not self._has_triples(staging):
            return
        raise StoreError(f"replacing {target} at {url} failed after {self.retries + 1} attempt(s); "
                         f"its previous content is kept: {last}") from last

    def _has_triples(self, graph: URIRef) -> bool:
        result = self._select(f"ASK {{ GRAPH {sparql_term(graph)} {{ ?s ?p ?o }} }}", form="ASK")
        return bool(result.boolean)

    def _discard(self, staging: URIRef) -> None:
        """Drop a staging graph after a failed write, once, without retrying: if
        the server is gone the graph stays hidden until collect_staging()."""
        if not self.update_url:
            return
        try:
            self._session.post(self.update_url, data={"update": f"DROP SILENT GRAPH {sparql_term(staging)}"},
                               timeout=min(self.timeout, 5))
        except requests.RequestException:
            pass

    def collect_staging(self) -> list[URIRef]:
        """Drop the staging graphs left by writes that died with the server.
        Run it when no write is in progress: it cannot tell those apart."""
        leftovers = [URIRef(g) for g in self._all_graphs() if _STAGING.search(g)]
        for g in leftovers:
            self._update(f"DROP SILENT GRAPH {sparql_term(g)}")
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


__all__ = ["RemoteStore", "open_store", "bind_values", "prefix_header", "sparql_term", "shape",
           "term_from_json"]
