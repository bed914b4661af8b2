"""``MonitoringMiddleware``: second in MIDDLEWARE, after the request id.

It times every request and counts it for ``/metrics`` by route pattern (``request.resolver_match.route``, set
once the URL resolver found the view; ``<unmatched>`` otherwise), method and status. It answers the probe
addresses (``/healthz``, ``/readyz``, ``/metrics``) itself, without the middleware below it: no host check or
HTTPS redirect (a load balancer asks by IP over plain HTTP on the private network), no session, no language,
no login. Their views are also in the URL configuration (``monitoring.urls``) so that they have names."""

from __future__ import annotations

import time

from lienthong.monitoring import metrics, views

PROBES = {"/healthz": ("healthz", views.healthz), "/readyz": ("readyz", views.readyz),
          "/metrics": ("metrics", views.metrics)}


class MonitoringMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        probe = PROBES.get(request.path_info)
        if probe is not None:
            route, view = probe
            response = view(request)
        else:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            route = match.route if match is not None and match.route else metrics.UNMATCHED
        metrics.observe_request(route=route, method=request.method or "", status=response.status_code,
                                seconds=time.perf_counter() - started)
        return response
