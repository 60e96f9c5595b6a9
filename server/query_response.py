"""Answering a query: negotiate the format, run the query within the limits,
then stream the result.

On a data directory the query runs in a worker process (:mod:`server.workers`)
that is killed if it outlives the time limit; on an Oxigraph store given to
the app, the same worker code runs on a thread. Any other store given to the
app is queried through the toolkit's store interface (:mod:`server.execution`,
:mod:`server.streaming`).
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from flask import Response, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.namespace import OUTPUT_PREFIXES, PREFIXES
from kg.sparql.binding import declares_dataset
from kg.store.base import QueryResult, Store
from server import negotiation, result_writer, service_policy, streaming
from server.formats import Format, for_kind
from server.negotiation import NotAcceptable, UnknownFormat
from server.query_text import QueryFacts
from server.state import state
from server.store_access import ServedStore, served
from server.workers import NotAcceptableKind, job_message

TRUNCATED_HEADER = "X-KG-Result-Truncated"
KINDS = ("select", "ask", "graph")


@dataclass(frozen=True)
class QueryJob:
    """A query and its dataset, as plain values that a worker process can take.

    `default_graphs` (possibly empty) replaces the default graph; otherwise it
    is the union of the named graphs if `union_default_graph` and the query
    names no dataset itself. `named_graphs` restricts the graphs GRAPH sees.
    `columns` and `limit` project and cut a SELECT result (catalog queries).
    Relative IRIs in the query are resolved against `base_iri`."""

    text: str
    base_iri: str | None = None
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    union_default_graph: bool = True
    columns: list[str] | None = None
    limit: int | None = None

    @property
    def uses_union(self) -> bool:
        return self.default_graphs is None and self.union_default_graph and not declares_dataset(self.text)


def _negotiate(requested: str | None) -> dict[str, Format | None]:
    """The format for each kind of result, decided before the kind is known;
    None for the kinds the client accepts no format for. The refusal waits for
    the result's kind (see :func:`_refusal`), so that a malformed query is
    reported as such (400) even to a client whose Accept nothing could meet."""
    return dict(zip(KINDS, _choices(request.headers.get("Accept", ""), requested)))


def _refusal(kind: str, requested: str | None) -> Exception:
    """The error for a result of `kind` that no acceptable format can carry."""
    try:
        negotiation.choose(for_kind(kind), request.accept_mimetypes, requested)
    except (NotAcceptable, UnknownFormat) as exc:
        return exc
    raise AssertionError(f"a format for {kind} results was refused, then accepted")


@lru_cache(maxsize=512)
def _choices(accept: str, requested: str | None) -> tuple[Format | None, ...]:
    """The format for each of KINDS, or None: memoised, since clients send the
    same few Accept headers and parsing them is a good part of a small query's
    cost."""
    parsed = parse_accept_header(accept, MIMEAccept)
    chosen: list[Format | None] = []
    for kind in KINDS:
        try:
            chosen.append(negotiation.choose(for_kind(kind), parsed, requested))
        except (NotAcceptable, UnknownFormat):
            chosen.append(None)
    return tuple(chosen)


def respond(job: QueryJob, *, requested: str | None = None, facts: QueryFacts | None = None) -> Response:
    """Answer `job`, whoever asks (the endpoint, the catalog API): first of all,
    its SERVICE calls must be allowed."""
    service_policy.check(job.text, state().settings.service_allowlist, facts)
    current = served()
    formats = _negotiate(requested)
    if state().pool is not None:
        return _in_worker(job, current, formats, requested)
    return _in_process(job, current.store, formats, requested)


def _in_worker(job: QueryJob, current: ServedStore, formats: dict[str, Format | None],
               requested: str | None) -> Response:
    st = state()
    message = job_message(
        store=current.path, query=job.text, base_iri=job.base_iri, prefixes=PREFIXES,
        output_prefixes=OUTPUT_PREFIXES,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs, union_default_graph=job.uses_union, formats=formats,
        max_results=st.settings.max_results, columns=job.columns, limit=job.limit)
    try:
        head, body = st.pool.run(message, st.settings.query_timeout, formats)
    except NotAcceptableKind as exc:
        raise _refusal(exc.kind, requested) from None
    fmt = formats[head.kind]
    headers = {TRUNCATED_HEADER: "true"} if head.truncated else {}
    return Response(body, content_type=fmt.content_type, headers=headers, direct_passthrough=True)


def _project(result: QueryResult, job: QueryJob) -> QueryResult:
    """Keep `job.columns`, in order, and cut at `job.limit` (SELECT only)."""
    if result.kind != "select" or (not job.columns and job.limit is None):
        return result
    columns = list(job.columns or result.variables)
    rows: Iterator[dict] = ({k: row.get(k) for k in columns} for row in result.rows or ())
    if job.limit is not None:
        rows = islice(rows, job.limit)
    return QueryResult(kind="select", variables=columns, rows=rows)


def _in_process(job: QueryJob, store: Store, formats: dict[str, Format | None],
                requested: str | None) -> Response:
    st = state()

    def factory() -> QueryResult:
        result = store.query(job.text, default_graphs=job.default_graphs, named_graphs=job.named_graphs,
                             union_default_graph=job.union_default_graph)
        return _project(result, job)

    checked = st.runner.check(factory, st.limits)
    fmt = formats[checked.kind]
    if fmt is None:
        if checked.spool is not None:
            checked.spool.close()
        raise _refusal(checked.kind, requested)
    headers = {TRUNCATED_HEADER: "true"} if checked.truncated else {}
    if checked.spool is None:
        out = io.BytesIO()
        result_writer.write_boolean(QueryResult(kind="ask", boolean=checked.boolean), fmt, out)
        return Response(out.getvalue(), content_type=fmt.content_type, headers=headers)
    spooled = checked.spool

    def produce(out) -> None:
        with spooled:
            spooled.write(fmt.results, fmt.rdf, out, OUTPUT_PREFIXES)

    body = streaming.stream(produce, fmt, st.settings.query_timeout)
    return Response(body, content_type=fmt.content_type, headers=headers, direct_passthrough=True)
