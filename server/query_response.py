"""Answering a query: negotiate the format, run the checking pass within the
limits, then stream the result (or send an ASK answer whole)."""
from __future__ import annotations

import io

from flask import Response, request

from kg.store.base import QueryResult
from server import negotiation, result_writer, streaming
from server.execution import ResultFactory
from server.formats import for_kind
from server.state import state

TRUNCATED_HEADER = "X-KG-Result-Truncated"


def respond(factory: ResultFactory, *, requested: str | None = None) -> Response:
    """`factory` runs the query afresh each time it is called. The format is
    chosen once the result's kind is known, so a malformed query is reported
    as such (400) even to a client whose Accept no result could meet."""
    st = state()
    accept = request.accept_mimetypes
    checked = st.runner.check(factory, st.limits)
    fmt = negotiation.choose(for_kind(checked.kind), accept, requested)
    headers = {TRUNCATED_HEADER: "true"} if checked.truncated else {}
    if checked.kind == "ask":
        out = io.BytesIO()
        result_writer.write(QueryResult(kind="ask", boolean=checked.boolean), fmt, out, None)
        return Response(out.getvalue(), content_type=fmt.content_type, headers=headers)
    limit = st.settings.max_results if checked.truncated else None

    def produce(out) -> None:
        result_writer.write(factory(), fmt, out, limit)

    body = streaming.stream(produce, fmt, st.settings.query_timeout)
    return Response(body, content_type=fmt.content_type, headers=headers, direct_passthrough=True)
