"""The project's WSGI application with one extra route for the two-server tests: ``/__cache__/<key>``
reads (GET) or writes (POST, the body is the value) Django's default cache *inside the server process*,
so a test can tell whether a value put by one server is seen by the other. Only gunicorn processes started
by the tests serve this module; production serves ``lienthong.wsgi``."""

from __future__ import annotations

from lienthong.wsgi import application as project_application

PREFIX = "/__cache__/"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PREFIX):
        return project_application(environ, start_response)
    from django.core.cache import cache

    key = "probe:" + path[len(PREFIX):]
    if environ["REQUEST_METHOD"] == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        cache.set(key, environ["wsgi.input"].read(length).decode(), 300)
        body = b"stored"
    else:
        value = cache.get(key)
        body = b"" if value is None else value.encode()
    start_response("200 OK" if body else "404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
    return [body]
