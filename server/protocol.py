"""Reading a SPARQL 1.1 Protocol request: the operation (query or update) and
the dataset, from GET parameters, a form-encoded POST, or a POST whose body
is the query or update itself."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Request

from server.errors import ApiError

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


def absolute_iris(values: list[str], name: str) -> list[str]:
    """`values` if each is an absolute IRI, else a 400 naming the parameter."""
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise ApiError(400, f"{name} must be an absolute IRI, got {value!r}") from None
    return values


@dataclass
class Operation:
    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    #: An update's dataset (`using-graph-uri`, `using-named-graph-uri`).
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)
    #: An explicit result format (`format`, or `output` as some clients send).
    format: str | None = None

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


#: Protocol parameters that name a dataset, and where the operation keeps them.
_DATASET = (("default-graph-uri", "default_graphs"), ("named-graph-uri", "named_graphs"),
            ("using-graph-uri", "using_graphs"), ("using-named-graph-uri", "using_named_graphs"))


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ApiError(400, f"give the {name} parameter once, not {len(values)} times")
    return values[0] if values else None


def _body_text(request: Request) -> str:
    """The body of a direct POST, which the protocol requires in UTF-8."""
    charset = request.mimetype_params.get("charset", "utf-8")
    if charset.strip().lower() not in ("utf-8", "utf8"):
        raise ApiError(415, f"send the {request.mimetype} body in UTF-8 (got charset={charset})")
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the request body is not valid UTF-8: {exc}") from None


def read(request: Request) -> Operation:
    args = request.args
    op = Operation(format=args.get("format") or args.get("output"))
    if request.method in ("GET", "HEAD"):
        if "update" in args:
            raise ApiError(400, "SPARQL Update must be sent with POST")
        op.query = _single(args.getlist("query"), "query")
        op.default_graphs = args.getlist("default-graph-uri")
        op.named_graphs = args.getlist("named-graph-uri")
        return op
    mimetype = request.mimetype
    if mimetype == FORM:
        form = request.form
        op.query = _single(form.getlist("query"), "query")
        op.update = _single(form.getlist("update"), "update")
        if op.query is not None and op.update is not None:
            raise ApiError(400, "give either query or update, not both")
        op.format = form.get("format") or form.get("output") or op.format
        for name, attribute in _DATASET:
            setattr(op, attribute, form.getlist(name) + args.getlist(name))
        return op
    if mimetype == QUERY:
        op.query = _body_text(request)
    elif mimetype == UPDATE:
        op.update = _body_text(request)
    else:
        raise ApiError(415, f"POST a query as {QUERY}, an update as {UPDATE}, or either as {FORM} "
                            f"(got {mimetype or 'no Content-Type'})")
    for name, attribute in _DATASET:
        setattr(op, attribute, args.getlist(name))
    return op
