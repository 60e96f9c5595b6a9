"""Headers every response gets: CORS for the read-only public API, `Vary:
Accept` where the body depends on negotiation, and browser hardening for pages.

Pages load nothing from other origins (no CDN), so the content security policy
can allow scripts, styles and images from this server only. The query page
relaxes one thing for its editor (see :data:`EDITOR_CSP`).
"""
from __future__ import annotations

from flask import Flask, Response, g, request

EXPOSED = "X-KG-Result-Truncated, X-KG-Build, Content-Type, Content-Length, Vary"
#: Names the build a response was computed from, so that clients (and the
#: reliability tests) can tell which store answered across a rebuild.
BUILD_HEADER = "X-KG-Build"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
#: The query page runs YASGUI, whose column resizer for result tables adds
#: two fixed ``<style>`` elements of its own. Only style *elements* are let
#: through; style attributes, and scripts, stay restricted to this server.
EDITOR_CSP = CSP.replace("style-src 'self';", "style-src 'self'; style-src-elem 'self' 'unsafe-inline';")


def _add(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            request.headers.get("Access-Control-Request-Headers")
            or "Accept, Content-Type, Authorization")
        response.headers["Access-Control-Max-Age"] = "86400"
    if request.endpoint != "static":
        response.vary.add("Accept")
    served = g.get("kg_served")
    if served is not None and served.build_id:
        response.headers[BUILD_HEADER] = served.build_id
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def register(app: Flask) -> None:
    app.after_request(_add)
