"""Service calls raced in separate OS processes against the test database (concurrency tests).

The same approach as ``documents/tests/test_concurrency.py``: children are started with ``spawn``
and connect to the test database through ``DATABASE_URL``, exactly as a second web worker would;
a barrier releases them together. Here each child runs one call per *round*, so one test can race
several fresh objects (a race lost once by chance is won on another round) with a single start-up
cost. This module imports nothing at the top that needs Django set up: a spawned child imports it first.

A call is ``(function, kwargs)`` where ``function`` is a module-level function of an importable
module (a test module is fine), taking plain ids and returning something picklable. Its outcome is
``Outcome(status, value, started, ended)`` with status ``"ok"`` (value = the return value),
``"refused"`` (a ``ValidationFailed``; value = its errors dict), ``"denied"`` (another
``DomainError``; value = its message) or ``"error"`` (anything else; value = the traceback; the
runner fails the test on it: an unexpected exception is what a user would see as a 500 page).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
import traceback
from dataclasses import dataclass
from urllib.parse import quote

from lienthong.core.errors import DomainError, ValidationFailed  # no settings read on import: safe before setup


@dataclass(frozen=True)
class Outcome:
    status: str
    value: object
    started: float
    ended: float


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL that points a child process at the database this test is using."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    if engine.endswith("postgresql"):
        auth = quote(settings_dict.get("USER") or "", safe="")
        if settings_dict.get("PASSWORD"):
            auth += ":" + quote(settings_dict["PASSWORD"], safe="")
        host = settings_dict.get("HOST") or "localhost"
        port = settings_dict.get("PORT") or "5432"
        return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"
    raise AssertionError(f"no child-process URL for engine {engine}")


def _child(database_url_, media_root, urlconf, barrier, results, index, calls):
    """Child process: set Django up on the shared database, then one call per round after the barrier."""
    try:
        os.environ["DJANGO_SETTINGS_MODULE"] = "lienthong.settings"
        os.environ["DATABASE_URL"] = database_url_
        os.environ["MEDIA_ROOT"] = media_root
        os.environ["Q_SYNC"] = "1"
        import importlib

        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        settings.ROOT_URLCONF = urlconf  # the test's own, should it override it

        outcomes = []
        for module_name, func_name, kwargs in calls:
            func = getattr(importlib.import_module(module_name), func_name)
            connection.ensure_connection()  # connecting is not part of the race
            barrier.wait(timeout=120)
            started = time.monotonic()
            try:
                value = func(**kwargs)
                status = "ok"
            except ValidationFailed as exc:
                status, value = "refused", exc.errors
            except DomainError as exc:
                status, value = "denied", str(exc.message)
            except Exception:  # noqa: BLE001 - reported to the parent, which fails the test
                status, value = "error", traceback.format_exc()
            outcomes.append(Outcome(status, value, started, time.monotonic()))
        results.put((index, "done", outcomes))
    except BaseException:  # noqa: BLE001 - a silent child would hide the bug
        results.put((index, "crashed", traceback.format_exc()))


def race(rounds: list[list[tuple]], *, media_root: str) -> list[list[Outcome]]:
    """Run ``rounds[r][i]`` in process ``i`` at the start of round ``r``; every round has the same
    number of calls. Returns the outcomes per round, in call order. Fails on any unexpected error."""
    from django.conf import settings
    from django.db import connection

    width = len(rounds[0])
    assert all(len(r) == width for r in rounds)
    per_process = [
        [(func.__module__, func.__name__, kwargs) for func, kwargs in (r[i] for r in rounds)]
        for i in range(width)
    ]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(width)
    results = ctx.Queue()
    url = database_url(connection.settings_dict)
    # The parent holds no connection while the children work (SQLite: no reader pinning the WAL;
    # PostgreSQL: no open transaction of ours in the way).
    connection.close()
    procs = [ctx.Process(target=_child, args=(url, media_root, settings.ROOT_URLCONF, barrier, results, i, calls))
             for i, calls in enumerate(per_process)]
    for p in procs:
        p.start()
    collected: dict[int, list[Outcome]] = {}
    deadline = time.monotonic() + 600
    try:
        while len(collected) < width:
            try:
                index, status, payload = results.get(timeout=1)
            except queue.Empty:
                # A child that died before reporting (e.g. its arguments could not be unpickled:
                # pass plain values, not model instances or enum members) would hang us otherwise.
                dead = [i for i, p in enumerate(procs) if i not in collected and p.exitcode not in (None, 0)]
                assert not dead, f"process {dead} died without reporting (see stderr)"
                assert time.monotonic() < deadline, "racing processes did not finish in time"
                continue
            assert status == "done", f"process {index} crashed:\n{payload}"
            collected[index] = payload
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    errors = [o.value for outs in collected.values() for o in outs if o.status == "error"]
    assert not errors, "unexpected exception in a racing call:\n" + "\n".join(errors)
    return [[collected[i][r] for i in range(width)] for r in range(len(rounds))]


def overlapped(outcomes: list[Outcome]) -> bool:
    """Every call of the round started before every other one ended: they really ran at once."""
    return all(a.started < b.ended for a in outcomes for b in outcomes if a is not b)
