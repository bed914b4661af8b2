"""A test-only URLconf: the site's routes and error handlers plus views that fail in the ways a bug or a
hostile request would, to check what a user sees then (``test_error_pages``)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from lienthong import urls as site_urls


def crash(request):
    raise RuntimeError("/srv/lienthong/secret/path.py exploded")


def refuse(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("bad things")


def overflow(request):
    raise OverflowError("Python int too large to convert to SQLite INTEGER")


def data_error(request):
    from django.db import DataError

    raise DataError("value out of range for type bigint")


urlpatterns = [
    path("thu-loi/overflow/", overflow),
    path("thu-loi/data-error/", data_error),
    path("api/thu-loi/overflow", overflow),
    path("thu-loi/crash/", crash),
    path("thu-loi/refuse/", refuse),
    path("thu-loi/suspicious/", suspicious),
    path("api/thu-loi/crash", crash),
    path("api/thu-loi/refuse", refuse),
    path("api/thu-loi/suspicious", suspicious),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500
