"""Sliding session timeout without a database write on every request."""

from django.conf import settings
from django.utils import timezone

REFRESH_KEY = "_refreshed_at"


class SessionRefreshMiddleware:
    """Extend an authenticated session's expiry at most once per ``SESSION_REFRESH_SECONDS``.

    ``SESSION_SAVE_EVERY_REQUEST`` would rewrite the session row on every page view (a write lock on
    SQLite for each read-only page). Touching one key now and then gives the same sliding timeout to
    within a minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            if now - request.session.get(REFRESH_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[REFRESH_KEY] = now  # also "last seen" on the sessions page (accounts.selectors)
        return self.get_response(request)
