"""/: the query page, a SPARQL editor with example queries and the catalog's
named queries one click away.

The editor is YASGUI (syntax highlighting, prefix completion, result tables),
served from ``static/vendor/`` by this server (see :mod:`server.vendor`), so
the page works offline. If the vendor files are missing, the page falls back
to a plain form and a small script of our own.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for

from kg.namespace import BASE, PREFIXES
from server import headers, vendor
from server.query_text import declare_prefixes
from server.state import state

bp = Blueprint("ui", __name__)

#: (title, query) pairs offered as starting points; prefixes come from the server.
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Countries and their ISO codes", """SELECT ?country ?iso3 ?label
WHERE {
  ?country a rer:Country ;
           rer:iso3166Alpha3 ?iso3 ;
           rdfs:label ?label .
}
ORDER BY ?iso3
LIMIT 20"""),
    ("Blocs and their current members", """SELECT ?bloc ?short (COUNT(DISTINCT ?country) AS ?members)
WHERE {
  ?bloc a rer:RegionalBloc ;
        rer:shortName ?short .
  OPTIONAL {
    ?m a rer:Membership ;
       org:organization ?bloc ;
       org:member ?country ;
       org:role rer:MemberRole .
    FILTER NOT EXISTS { ?m rer:endDate ?end }
  }
}
GROUP BY ?bloc ?short
ORDER BY DESC(?members)"""),
    ("Memberships of the EAEU over time", """SELECT ?iso3 ?role ?start ?end
WHERE {
  ?bloc rer:shortName "EAEU" .
  ?m a rer:Membership ;
     org:organization ?bloc ;
     org:member ?country ;
     org:role/skos:prefLabel ?role .
  ?country rer:iso3166Alpha3 ?iso3 .
  OPTIONAL { ?m rer:startDate ?start }
  OPTIONAL { ?m rer:endDate ?end }
}
ORDER BY ?start ?iso3"""),
    ("Named graphs and their sources", """SELECT ?graph ?title ?triples
WHERE {
  GRAPH <""" + BASE + """graph/meta> {
    ?graph void:triples ?triples .
    OPTIONAL { ?graph dcterms:title ?title }
  }
}
ORDER BY DESC(?triples)"""),
    ("Is Kazakhstan in the EAEU? (ASK)", """ASK {
  ?m a rer:Membership ;
     org:member ?country ;
     org:organization ?bloc .
  ?country rer:iso3166Alpha3 "KAZ" .
  ?bloc rer:shortName "EAEU" .
}"""),
    ("Describe Kazakhstan (CONSTRUCT)", """CONSTRUCT { ?country ?p ?o }
WHERE {
  ?country rer:iso3166Alpha3 "KAZ" ;
           ?p ?o .
}"""),
)


@bp.route("/")
def index() -> Response:
    settings = state().settings
    bundle = vendor.bundle()
    if bundle is None:
        return Response(render_template("index.html", examples=EXAMPLES, example=EXAMPLES[0][1],
                                        settings=settings, base=BASE))
    examples = [(title, declare_prefixes(text, PREFIXES)) for title, text in EXAMPLES]
    config = {
        "endpoint": url_for("sparql.endpoint"),
        "catalog": url_for("api.list_queries"),
        "base": BASE,
        "root": request.script_root,
        "prefixes": PREFIXES,
        "examples": [{"title": title, "text": text} for title, text in examples],
    }
    page = render_template("yasgui.html", examples=examples, config=config, settings=settings,
                           bundle=bundle)
    return Response(page, headers={"Content-Security-Policy": headers.EDITOR_CSP})
