"""What the web views of every app share: the "Không có quyền" page and the decorator that turns the
services' permission and not-found errors into pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from lienthong.core.errors import NotFound, PermissionDenied


def forbidden(request, message):
    """The shared 403 page (``templates/forbidden.html``) with the reason."""
    return render(request, "forbidden.html", {"message": str(message)}, status=403)


def domain_errors_as_pages(view):
    """Login required; ``NotFound`` from a selector → 404, ``PermissionDenied`` from a service → the
    "Không có quyền" page with its message."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
    return wrapper
