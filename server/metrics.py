"""Prometheus metrics for ``/metrics``: requests, latency, errors, timeouts and
the query workers, in the exposition format every monitoring stack scrapes.

Each app has its own registry (several apps may live in one process, as in the
tests). Latency is measured to the end of the response body, so a streamed
result counts the time it took to send, not only to start. Counters are per
process: under a multi-process WSGI server (gunicorn with several workers),
each worker reports its own, as Prometheus's client does by default.
"""
from __future__ import annotations

import time

from collections.abc import Callable, Iterable

from flask import Flask, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from werkzeug.wsgi import ClosingIterator

from server.workers import WorkerPool

#: Where the request's endpoint is left for the timing wrapper.
_ENDPOINT = "kg.endpoint"
#: Seconds; from a cached page to a long aggregation.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class _WorkerCollector:
    """Reads the worker pool's state at scrape time."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool

    def collect(self):
        stats = self.pool.stats()
        family = GaugeMetricFamily("kg_query_workers", "Query workers by state", labels=["state"])
        family.add_metric(["limit"], stats["limit"])
        family.add_metric(["running"], stats["processes"])
        family.add_metric(["busy"], stats["busy"])
        yield family


class Metrics:
    """The app's counters and histograms, and the hooks that feed them."""

    def __init__(self, pool: WorkerPool | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("kg_http_requests", "HTTP requests answered, by endpoint, method and status",
                                ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram("kg_http_request_duration_seconds",
                                 "Time from receiving a request to the end of its response body",
                                 ["endpoint"], buckets=BUCKETS, registry=self.registry)
        self.errors = Counter("kg_http_errors", "Answers with a server-side error (5xx status)",
                              ["endpoint", "status"], registry=self.registry)
        self.timeouts = Counter("kg_query_timeouts", "Queries refused or stopped by the time limit "
                                "(KG_QUERY_TIMEOUT) before their answer started", registry=self.registry)
        self.in_flight = Gauge("kg_http_requests_in_flight", "Requests being answered",
                               registry=self.registry)
        if pool is not None:
            self.registry.register(_WorkerCollector(pool))

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), content_type=CONTENT_TYPE_LATEST)

    def register(self, app: Flask) -> None:
        app.after_request(self._count)
        app.wsgi_app = self._timed(app.wsgi_app)  # type: ignore[method-assign]

    def _count(self, response: Response) -> Response:
        endpoint = request.endpoint or "unknown"
        request.environ[_ENDPOINT] = endpoint
        status = response.status_code
        self.requests.labels(endpoint, request.method, str(status)).inc()
        if status >= 500:
            self.errors.labels(endpoint, str(status)).inc()
        return response

    def _timed(self, wsgi_app: Callable) -> Callable:
        """`wsgi_app`, timed until the server closes the response body (which
        Flask's own close hooks miss for bodies passed through as they are)."""
        def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
            started = time.perf_counter()
            self.in_flight.inc()
            try:
                body = wsgi_app(environ, start_response)
            except BaseException:
                self.in_flight.dec()
                raise

            def done() -> None:
                self.in_flight.dec()
                self.latency.labels(environ.get(_ENDPOINT, "unknown")).observe(time.perf_counter() - started)
            return ClosingIterator(body, done)
        return app
