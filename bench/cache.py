#!/usr/bin/env python
"""Benchmark: the shared cache of the production stack (docs/decisions.md "Production stack: the cache").

Times get and set of a small value (100 bytes) and of the oversight dashboard's cached table (a 60 kB compressed
blob, the largest thing the application caches) against each cache backend a production deployment can have:
the database cache (table ``lienthong_cache`` in DATABASE_URL, made here when missing), Redis
(LIENTHONG_CACHE_URL, skipped when unset or unreachable) and, for comparison, Django's in-process cache (which
production mode never uses: it is not shared between servers). Prints p50 / p95 in milliseconds.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_prod_stack LIENTHONG_CACHE_URL=redis://127.0.0.1:6379/1 \
            .venv/bin/python bench/cache.py [--rounds 2000]
It writes only into that database's cache table and that Redis database (keys prefixed ``bench-cache``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import benchenv  # noqa: E402,F401 - the checkout on sys.path, settings module, locations as the application


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()

    import django
    from django.conf import settings

    cache_url = os.environ.get("LIENTHONG_CACHE_URL", "")
    backends = {
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lienthong_cache"},
        "in-process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    if cache_url:
        backends["redis"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    django.setup()
    settings.CACHES = {"default": backends["in-process"], **backends}
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection

    call_command("createcachetable", "lienthong_cache", verbosity=0)
    small = b"x" * 100
    table = os.urandom(60_000)  # already compressed: as incompressible as random bytes
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; rounds: {args.rounds}; "
          f"blob: {len(table)} bytes")
    print(f"{'backend':<12}{'value':<8}{'set p50':>10}{'set p95':>10}{'get p50':>10}{'get p95':>10}  (ms)")
    for name in backends:
        cache = caches[name]
        try:
            cache.set("bench-cache-probe", b"1", 60)
        except Exception as error:  # noqa: BLE001 - an unreachable Redis is reported, not fatal
            print(f"{name:<12}skipped: {error}")
            continue
        for label, value in (("100B", small), ("60kB", table)):
            sets, gets = [], []
            for i in range(args.rounds):
                key = f"bench-cache-{label}-{i % 50}"
                started = time.perf_counter()
                cache.set(key, value, 300)
                sets.append(time.perf_counter() - started)
                started = time.perf_counter()
                assert cache.get(key) == value
                gets.append(time.perf_counter() - started)

            def p(samples, q):
                return statistics.quantiles(samples, n=100)[q - 1] * 1000

            figures = "".join(f"{p(samples, q):>10.3f}" for samples in (sets, gets) for q in (50, 95))
            print(f"{name:<12}{label:<8}{figures}")
        cache.delete_many([f"bench-cache-{label}-{i}" for label in ("100B", "60kB") for i in range(50)])


if __name__ == "__main__":
    main()
