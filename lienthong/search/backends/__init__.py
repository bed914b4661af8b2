"""Search backends: one per database vendor, behind the small interface of ``base.SearchBackend``.

Services and selectors call ``get_backend()`` and never look at the vendor themselves.
"""

from __future__ import annotations

from django.db import connection

from lienthong.search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from lienthong.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from lienthong.search.backends.sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"No search backend for database vendor {connection.vendor!r}")


__all__ = ["SearchBackend", "get_backend"]
