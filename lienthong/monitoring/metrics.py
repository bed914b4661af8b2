"""The Prometheus metrics of ``GET /metrics``.

Two kinds:

- counted in the process, by ``MonitoringMiddleware``: HTTP requests by route pattern (the URL resolver's
  route, never the raw address), method and status, and their latency histogram. Under gunicorn with several
  workers, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder, emptied at each start) for every process: each
  worker writes its counts there and a scrape adds them up; the gunicorn configuration's ``child_exit`` hook
  calls ``gunicorn_child_exit`` so that a dead worker's files are cleaned;
- read from the database at scrape time (``DatabaseCollector``, through each app's selectors, each one
  indexed count): the background queue, failed tasks, the outbox backlog, recent failed logins, signature
  verifications by result, unhandled errors of the last day, the worker's heartbeat age. Every server of a
  scaled-out stack gives the same values for these.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from lienthong.accounts import selectors as account_selectors
from lienthong.delivery import selectors as delivery_selectors
from lienthong.monitoring import selectors
from lienthong.signing import selectors as signing_selectors

logger = logging.getLogger("lienthong.monitoring")

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
LOGIN_FAILURE_WINDOW = dt.timedelta(minutes=5)
ERROR_WINDOW = dt.timedelta(hours=24)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"  # a request no route matched (a 404 from the resolver, a refused host…)
# Seconds; 0.3 and 1 are the targets of the load test (docs/benchmarks.md).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# Not registered anywhere: ``registry()`` puts them in the registry of each scrape (see below).
REQUESTS = Counter("lienthong_http_requests", "HTTP requests answered, by route pattern, method and status.",
                   ["route", "method", "status"], registry=None)
LATENCY = Histogram("lienthong_http_request_duration_seconds",
                    "Time to answer an HTTP request (in the application), by route pattern and method.",
                    ["route", "method"], buckets=LATENCY_BUCKETS, registry=None)


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    LATENCY.labels(route=route, method=method).observe(seconds)


class DatabaseCollector:
    """Gauges read from the database when Prometheus scrapes. A database that does not answer gives
    ``lienthong_metrics_database_up 0`` and no other database gauge (never a failed scrape)."""

    def collect(self):
        up = GaugeMetricFamily("lienthong_metrics_database_up",
                               "1 when the database-derived metrics below could be read at this scrape.")
        started = time.perf_counter()
        try:
            families = list(self._families())
        except Exception:  # noqa: BLE001 - a scrape must answer even when the database does not
            logger.warning("Metrics: the database-derived metrics could not be read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families
        took = GaugeMetricFamily("lienthong_metrics_database_seconds", "Time taken to read the database metrics.")
        took.add_metric([], time.perf_counter() - started)
        yield took

    @staticmethod
    def _families():
        now = timezone.now()
        queue = GaugeMetricFamily("lienthong_queue_depth", "Background tasks waiting in the django-q queue.")
        queue.add_metric([], selectors.queue_depth())
        yield queue
        failed = GaugeMetricFamily("lienthong_tasks_failed", "Failed background tasks kept by django-q.")
        failed.add_metric([], selectors.failed_task_count())
        yield failed
        outbox = GaugeMetricFamily("lienthong_outbox_backlog",
                                   "Deliveries to bodies outside this instance not yet sent, by state.",
                                   labels=["state"])
        for state, count in delivery_selectors.outbox_backlog().items():
            outbox.add_metric([state], count)
        yield outbox
        logins = GaugeMetricFamily("lienthong_login_failures_5m", "Failed logins in the last 5 minutes.")
        logins.add_metric([], account_selectors.login_failures_since(now - LOGIN_FAILURE_WINDOW))
        yield logins
        verified = GaugeMetricFamily("lienthong_signature_verifications",
                                     "Files whose signatures were verified, by result.", labels=["result"])
        for result, count in signing_selectors.verification_counts().items():
            verified.add_metric([result], count)
        yield verified
        errors = GaugeMetricFamily("lienthong_unhandled_errors_24h",
                                   "Unhandled errors (requests and background jobs) recorded in the last 24 hours.")
        errors.add_metric([], selectors.error_count_since(now - ERROR_WINDOW))
        yield errors
        beat = selectors.last_heartbeat()
        heartbeat = GaugeMetricFamily("lienthong_worker_heartbeat_age_seconds",
                                      "Seconds since the background worker's last heartbeat (absent: never).")
        if beat is not None:
            heartbeat.add_metric([], (now - beat).total_seconds())
        yield heartbeat


def registry() -> CollectorRegistry:
    """The registry of one scrape: this process's request metrics (or every worker's, in multiprocess mode)
    and the database gauges."""
    scrape = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROCESS_ENV):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape.register(REQUESTS)
        scrape.register(LATENCY)
    scrape.register(DatabaseCollector())
    return scrape


def exposition() -> bytes:
    """The text format Prometheus reads."""
    return generate_latest(registry())


def gunicorn_child_exit(server, worker) -> None:
    """For gunicorn's ``child_exit`` hook (deploy/gunicorn.conf.py): forget the metrics files of a worker
    that exited, in multiprocess mode."""
    if os.environ.get(MULTIPROCESS_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
