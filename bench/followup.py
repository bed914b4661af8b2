#!/usr/bin/env python
"""Benchmark: the task follow-up (issue 20 part A): 100 000 tasks over 1 000 agencies.

Builds its own database (kept and reused on the next run): the demo province (``load_demo`` at scale 0, fast
PDFs), bench agencies up to ``--agencies`` (1 000), each with a văn thư, and ``--tasks`` (100 000) tasks given by
the Provincial Office in its 2018 documents, bulk-inserted, their lead agencies, deadlines (some "thường xuyên")
and states drawn at random (seeded). Then it measures:

- the statistics dashboard (``/nhiem-vu/thong-ke/`` for 2018, a full request through Django's test client) as the
  Office's văn thư (the giver: every task) and as a district's văn thư: p50 / p95 and the most queries;
- the statistics query (``followup.selectors.statistics``) over 100 and over all agencies: the number of queries
  must not change (one aggregate);
- the daily reminders (``followup.services.send_task_reminders``) on a day when thousands are due soon, due today
  and overdue for the first time.

Usage:  .venv/bin/python bench/followup.py [--agencies 1000] [--tasks 100000]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_bench_followup .venv/bin/python bench/followup.py
The default database is its own SQLite file, var/bench-followup.sqlite3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402  (database, media and var locations as the application takes them)

benchenv.default_database("bench-followup.sqlite3")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import documents as docbench  # noqa: E402  (setup_django, pct)

BATCH = 5000
REMINDER_DAY = dt.date(2018, 6, 4)  # a Monday


def ensure_province() -> None:
    from lienthong.agencies.models import Agency

    if not Agency.objects.filter(is_external=False).exists():
        from lienthong.demo.builder import load_demo

        t0 = time.perf_counter()
        load_demo(scale=0, fast_pdfs=True)
        print(f"demo province loaded ({time.perf_counter() - t0:.0f} s)", flush=True)


def ensure_agencies(n: int) -> list[int]:
    """Internal agencies up to ``n``, each with a văn thư (bulk-inserted bench agencies and accounts)."""
    from lienthong.accounts.models import Position, Role, User
    from lienthong.agencies.models import Agency

    have = Agency.objects.filter(is_external=False).count()
    if have < n:
        level = Agency.objects.filter(is_external=False).order_by("level__rank").first().level
        Agency.objects.bulk_create([Agency(name=f"Cơ quan thử nghiệm số {i}", short_name=f"CQ thử {i}",
                                           abbreviation="CQTN", level=level, path=f"bench{i}")
                                    for i in range(have, n)], batch_size=BATCH)
        fresh = list(Agency.objects.filter(abbreviation="CQTN", positions__isnull=True).values_list("pk", flat=True))
        users = User.objects.bulk_create([User(username=f"vanthu.bench{pk}", full_name=f"Văn thư {pk}",
                                               password="!") for pk in fresh], batch_size=BATCH)
        Position.objects.bulk_create([Position(user=u, agency_id=pk, role=Role.CLERK, title="Văn thư")
                                      for u, pk in zip(users, fresh, strict=True)], batch_size=BATCH)
    return list(Agency.objects.filter(is_external=False).order_by("pk").values_list("pk", flat=True)[:n])


def ensure_tasks(n: int, agency_ids: list[int]) -> None:
    from lienthong.accounts.models import User
    from lienthong.agencies.models import Agency
    from lienthong.documents.models import Direction, Document
    from lienthong.followup.models import Task, TaskState

    have = Task.objects.count()
    if have >= n:
        return
    office = Agency.objects.get(abbreviation="VP.UBND", is_external=False)
    docs = list(Document.objects.filter(agency=office, direction=Direction.OUTGOING, issued_on__year=2018)
                .values_list("pk", "issued_on"))
    recorder = User.objects.get(username="chuyenvien.vpubnd")
    rng = random.Random(20)
    rows = []
    t0 = time.perf_counter()
    for i in range(have, n):
        doc_id, given = rng.choice(docs)
        roll = rng.random()
        deadline = None if roll < 0.1 else given + dt.timedelta(days=rng.randint(5, 200))
        state, completed = TaskState.OPEN, None
        if deadline is not None and roll < 0.7:
            state = TaskState.DONE
            completed = deadline + dt.timedelta(days=rng.randint(-20, 30))
        elif roll < 0.8:
            state = TaskState.REPORTED
        rows.append(Task(content=f"Nhiệm vụ thử nghiệm số {i}", source_document_id=doc_id, giver_agency=office,
                         given_on=given, lead_agency_id=rng.choice(agency_ids), deadline=deadline, state=state,
                         completed_on=completed, reported_on=completed, created_by=recorder))
        if len(rows) >= BATCH:
            Task.objects.bulk_create(rows)
            rows = []
    Task.objects.bulk_create(rows)
    print(f"{n - have} tasks inserted ({time.perf_counter() - t0:.0f} s)", flush=True)


def measure_dashboard(user, rounds: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    url = "/nhiem-vu/thong-ke/?start=01/01/2018&end=31/12/2018"
    assert client.get(url).status_code == 200
    times, most = [], 0
    for _i in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            resp = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200
        most = max(most, len(ctx.captured_queries))
    return times, most


def measure_statistics_queries(agency_ids: list[int]) -> tuple[int, int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lienthong.followup import selectors

    counts = []
    for ids in (agency_ids[:100], agency_ids):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            rows = selectors.statistics(start=dt.date(2018, 1, 1), end=dt.date(2018, 12, 31), agency_ids=ids)
            seconds = time.perf_counter() - t0
        counts.append(len(ctx.captured_queries))
        assert rows
    return counts[0], counts[1], seconds


def measure_reminders() -> tuple[float, int, int]:
    from lienthong.followup import services
    from lienthong.followup.models import Task
    from lienthong.notifications.models import Notification

    # A first run every time: nothing announced yet that day.
    Task.objects.filter(overdue_notified=True).update(overdue_notified=False)
    Notification.objects.filter(dedupe_key__startswith="task-").delete()
    t0 = time.perf_counter()
    created = services.send_task_reminders(today=REMINDER_DAY)
    seconds = time.perf_counter() - t0
    return seconds, created, Task.objects.filter(overdue_notified=True).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    docbench.setup_django()
    from django.conf import settings
    from django.db import connection

    from lienthong.accounts.models import User

    settings.DEBUG = False
    ensure_province()
    agency_ids = ensure_agencies(args.agencies)
    ensure_tasks(args.tasks, agency_ids)
    print(f"database: {connection.vendor}; {len(agency_ids)} agencies", flush=True)
    office_times, office_most = measure_dashboard(User.objects.get(username="vanthu.vpubnd"), args.requests)
    district_times, district_most = measure_dashboard(User.objects.get(username="vanthu.vithuy"), args.requests)
    q100, qall, stat_seconds = measure_statistics_queries(agency_ids)
    rem_seconds, created, overdue = measure_reminders()
    p95 = docbench.pct(office_times, 95)
    rows = [
        (f"dashboard 2018 as the Office ({args.tasks} tasks), p50 / p95",
         f"{docbench.pct(office_times, 50):.0f} / {p95:.0f} ms, {office_most} queries", "≤ 300 ms", p95 <= 300),
        ("dashboard 2018 as a district's văn thư, p50 / p95",
         f"{docbench.pct(district_times, 50):.0f} / {docbench.pct(district_times, 95):.0f} ms, "
         f"{district_most} queries", "≤ 300 ms", docbench.pct(district_times, 95) <= 300),
        ("statistics query, 100 / all agencies", f"{q100} / {qall} queries ({stat_seconds * 1000:.0f} ms for all)",
         "constant", q100 == qall),
        ("daily reminders", f"{rem_seconds:.2f} s ({created} notifications, {overdue} tasks newly overdue)",
         "< 10 s", rem_seconds < 10),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'What'.ljust(width)}  {'Measured':<62} {'Target':<9} Met")
    for name, value, target, ok in rows:
        print(f"{name.ljust(width)}  {value:<62} {target:<9} {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
