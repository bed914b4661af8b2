"""``/healthz``, ``/readyz`` and ``/metrics`` (answered by ``MonitoringMiddleware`` before the rest of the
middleware; docs/operations.md "Health, metrics and logs"). JSON and plain text for machines, never cached."""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotFound, JsonResponse
from django.utils.cache import add_never_cache_headers
from prometheus_client import CONTENT_TYPE_LATEST

from lienthong.accounts.http import client_ip
from lienthong.monitoring import checks
from lienthong.monitoring import metrics as metric_source

READ_METHODS = ("GET", "HEAD")


def _answer(response):
    add_never_cache_headers(response)
    return response


def healthz(request):
    """The process is alive and answers: no database, no storage."""
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return _answer(JsonResponse({"status": "ok"}))


def readyz(request):
    """Each readiness check with its result and duration; 200 when all pass, 503 when one fails."""
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    ready, results = checks.readiness()
    return _answer(JsonResponse({"status": "ok" if ready else "fail", "checks": results},
                                status=200 if ready else 503))


@cache
def _allowed_networks(allowed: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def metrics_allowed(request) -> bool:
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in _allowed_networks(tuple(settings.METRICS_ALLOWED)))


def metrics(request):
    """Prometheus text format, to the addresses of ``LIENTHONG_METRICS_ALLOWED`` only (others: 404, as if
    there were nothing here)."""
    if not metrics_allowed(request):
        return HttpResponseNotFound()
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return _answer(HttpResponse(metric_source.exposition(), content_type=CONTENT_TYPE_LATEST))
