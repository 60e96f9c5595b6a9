"""The HTTP face of the knowledge graph: a SPARQL 1.1 endpoint, Linked Data
pages for every entity, a query page, a small JSON API over the query catalog
and dataset descriptions. Build an app with :func:`create_app`; serve it with
:func:`server.wsgi.run` (``kg serve``) or any WSGI server via ``server.wsgi:app``.
"""
from server.app import create_app

__all__ = ["create_app"]
