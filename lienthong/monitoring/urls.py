"""The probe addresses, at the site's root (``MonitoringMiddleware`` answers them before the other middleware;
these patterns give them names and keep them in the route listings)."""

from django.urls import path

from lienthong.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
