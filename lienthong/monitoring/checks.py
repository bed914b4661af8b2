"""The readiness checks of ``GET /readyz``: can this server do its work now?

- ``database``: ``SELECT 1`` on the default database;
- ``storage``: a tiny probe object written, read back and deleted through ``default_storage`` (the local
  folder or the S3-compatible store). A write, not an existence check: what breaks uploads in practice is a
  full disk, a read-only mount or a bucket policy refusing writes, which an existence check does not see
  (docs/decisions.md);
- ``worker``: the background worker's heartbeat (a job every minute) is at most
  ``LIENTHONG_WORKER_HEARTBEAT_MAX_AGE`` seconds old;
- ``migrations``: no migration of the code is missing from the database (``django_migrations``).

Each check reports ``ok`` and its duration; a failing one says what failed in a few words and the exception's
class name only (an error message may name a host, a user or a key): the traceback goes to the log, with the
request id.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from lienthong.monitoring import selectors

logger = logging.getLogger("lienthong.monitoring")

PROBE_PREFIX = "monitoring/readyz-"
PROBE_CONTENT = b"lienthong readyz probe\n"


class CheckFailed(Exception):
    """A check's own verdict (not an exception from below): its message is safe to show."""


def database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise CheckFailed("SELECT 1 did not return 1")
    return {}


def storage() -> dict:
    name = default_storage.save(f"{PROBE_PREFIX}{uuid.uuid4().hex}.txt", ContentFile(PROBE_CONTENT))
    try:
        with default_storage.open(name, "rb") as probe:
            if probe.read() != PROBE_CONTENT:
                raise CheckFailed("the probe object read back differs from what was written")
    finally:
        default_storage.delete(name)
    return {}


def worker() -> dict:
    beat = selectors.last_heartbeat()
    if beat is None:
        raise CheckFailed("no heartbeat from the worker yet")
    age = (timezone.now() - beat).total_seconds()
    limit = settings.WORKER_HEARTBEAT_MAX_AGE
    if age > limit:
        raise CheckFailed(f"last heartbeat {age:.0f} s ago (limit {limit} s)")
    return {"heartbeat_age_seconds": round(age, 1)}


@functools.cache
def _code_migrations() -> frozenset[tuple[str, str]]:
    """The migrations of the running code (read from disk once per process: the code does not change under it)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def migrations() -> dict:
    applied = set(MigrationRecorder(connection).applied_migrations())
    if _code_migrations() <= applied:
        return {}
    # Some are not recorded: ask Django's own plan, which also knows squashed migrations (cold path).
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise CheckFailed(f"{len(plan)} migration(s) not applied")
    return {}


CHECKS: dict[str, Callable[[], dict]] = {
    "database": database,
    "storage": storage,
    "worker": worker,
    "migrations": migrations,
}


def run_check(name: str, check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except CheckFailed as failure:
        result = {"ok": False, "error": str(failure)}
    except Exception as exc:  # noqa: BLE001 - a failing dependency is the answer, not a crash
        logger.warning("Readiness check %s failed", name, exc_info=True)
        result = {"ok": False, "error": type(exc).__name__}
    result["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def readiness() -> tuple[bool, dict]:
    """(all passed, the report by check). A failing database fails the checks that need it as well."""
    results = {name: run_check(name, check) for name, check in CHECKS.items()}
    return all(r["ok"] for r in results.values()), results
