"""The shared cache's table: production without ``LIENTHONG_CACHE_URL`` caches in the database (settings.CACHES,
docs/decisions.md "Production stack: the cache"), and every ``migrate`` makes the table when it is missing, so a
release needs no extra step."""

from __future__ import annotations


def create_cache_table_after_migrate(sender, *, using="default", plan=None, **kwargs) -> None:
    """``post_migrate`` receiver: ``createcachetable`` once per migrate (on the signal of contenttypes, an app every
    installation has; this app has no models, so no signal of its own), in the database just migrated. It does
    nothing unless a cache uses the database backend, and nothing when the table exists."""
    if getattr(sender, "label", None) != "contenttypes" or plan is None:
        return
    from django.conf import settings

    if not any(cache["BACKEND"].endswith("db.DatabaseCache") for cache in settings.CACHES.values()):
        return
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
