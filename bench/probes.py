#!/usr/bin/env python
"""Benchmark: what the health probes and the metrics scrape cost.

Measures, on the configured database and storage (DATABASE_URL, MEDIA_ROOT, LIENTHONG_VAR_DIR, read by the
settings exactly as the application reads them; nothing else is written), through the whole middleware stack
in-process (Django's test client, no network):

- ``GET /healthz``, ``GET /readyz`` and ``GET /metrics``: p50/p95 over N requests each;
- each readiness check alone, and the storage check's alternative (an existence check instead of the
  write/read/delete probe), to show what the write costs (docs/decisions.md);
- the migrations check cold (the first call of a process reads the migration files) and warm.

It writes the worker heartbeat row (as the worker would) and creates/deletes the storage probe objects. The
database must be migrated (``manage.py migrate``) first.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_bench MEDIA_ROOT=/tmp/media \\
        .venv/bin/python bench/probes.py [--n 300]
"""

from __future__ import annotations

import argparse
import statistics
import time

import benchenv  # noqa: E402,F401 - the checkout on sys.path, settings module, locations as the application

TARGETS = {
    "/healthz": ("p95 ≤ 5 ms", lambda v: v <= 5),
    "/readyz": ("p95 ≤ 50 ms", lambda v: v <= 50),
    "/metrics": ("p95 ≤ 100 ms", lambda v: v <= 100),
}


def timed(func, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        func()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="requests per address (default 300)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.test import Client

    from lienthong.monitoring import checks
    from lienthong.monitoring.services import heartbeat_beat

    started = time.perf_counter()
    checks.migrations()
    migrations_cold = (time.perf_counter() - started) * 1000
    heartbeat_beat()
    client = Client()
    rows = []
    for address in TARGETS:
        for _ in range(5):
            client.get(address)  # warm-up
        samples = timed(lambda a=address: client.get(a), args.n)
        status = client.get(address).status_code
        rows.append((address, statistics.median(samples), p95(samples), status))

    print(f"Database: {connection.vendor} ({settings.DATABASES['default']['NAME']}); "
          f"storage: {type(default_storage._wrapped).__name__ if hasattr(default_storage, '_wrapped') else ''} "
          f"at {getattr(default_storage, 'location', '')}; {args.n} requests per address, in-process")
    print(f"{'address':<12} {'status':>6} {'p50 ms':>8} {'p95 ms':>8}  target")
    for address, p50, p95_ms, status in rows:
        label, ok = TARGETS[address]
        print(f"{address:<12} {status:>6} {p50:8.2f} {p95_ms:8.2f}  {label} {'OK' if ok(p95_ms) else 'MISSED'}")

    print("\nReadiness checks alone (p50 / p95 ms):")
    probe = "monitoring/bench-exists-probe.txt"
    alone = dict(checks.CHECKS)
    alone["storage (exists only)"] = lambda: default_storage.exists(probe)
    for name, check in alone.items():
        samples = timed(check, args.n)
        print(f"  {name:<24} {statistics.median(samples):7.2f} / {p95(samples):7.2f}")
    print(f"  migrations, first call of the process (reads the migration files): {migrations_cold:.1f} ms")


if __name__ == "__main__":
    main()
