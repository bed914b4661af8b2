#!/usr/bin/env python
"""Benchmark: the document flow (issue 3) on the one-million-document data set.

Builds on ``bench/documents.py`` (same generator: the demo province of about a thousand agencies and
N incoming documents bulk-inserted and indexed), then adds what the flow needs and measures it:

- set-up (not measured, bulk inserts): units inside every agency with a unit head and specialists,
  handlings for a sample of the documents (submitted to the agency leader, assigned, in progress,
  done) and about 100 000 open assignments (lead / supporting / for information, to units and to
  people, sub-assignments inside units) with deadlines around today, plus twice as many finished
  ones, and the document grants the assignments give;
- fan-out: a fresh outgoing document of the UBND tỉnh, drafted, approved, signed, numbered and sealed
  through the drafting services, issued to 100 agencies of the instance (``draft_issue`` →
  ``delivery.services.delivery_send``), median of several runs, each on a new document;
- work queues: the agency leader's "to assign" list, a unit head's "to assign" list and a
  specialist's "to process" list, first page of 25 rows, p50 / p95 and SQL queries. Through the
  real page (``processing:queue``) with Django's test client when that view exists, otherwise
  through the selectors (``handlings_to_assign``, ``unit_to_assign``, ``to_process``: count plus
  the first page, rows and related objects read as a template would);
- the daily reminder job (``processing.services.send_deadline_reminders``) over the open assignments:
  wall time and notifications created, then a second run the same day (everything deduplicated).

Usage:  .venv/bin/python bench/flow.py [--scale 1.0] [--fanouts 7] [--lists 60]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_bench_flow .venv/bin/python bench/flow.py
The default database is its own SQLite file, var/bench-flow.sqlite3. Generated data is kept and reused
on the next run; ``--scale 0.02`` is a quick run (20 000 documents, 2 000 open assignments).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402  (database, media and var locations as the application takes them)

benchenv.default_database("bench-flow.sqlite3")
# Mail goes to memory: the job's e-mails are built and "sent" (one digest per person) without a server.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import documents as docbench  # noqa: E402  (bench/documents.py: generator, percentile, set-up helpers)

FULL_DOCUMENTS = 1_000_000
FULL_OPEN_ASSIGNMENTS = 100_000
FANOUT_RECIPIENTS = 100
PAGE = 25

TARGETS = {
    "fanout": ("< 1 s", lambda v: v < 1000),
    "list_p95": ("≤ 100 ms", lambda v: v <= 100),
    "list_queries": ("≤ 12", lambda v: v <= 12),
    "reminders": ("< 10 s", lambda v: v < 10),
}

USER_PREFIX = "bf."  # the people the flow set-up adds (unit heads and specialists)
UNIT_NAMES = {
    1: ["Văn phòng", "Phòng Kế hoạch – Tài chính", "Phòng Tổ chức – Hành chính", "Phòng Nghiệp vụ", "Thanh tra"],
    2: ["Phòng Nội vụ", "Phòng Tài chính – Kế hoạch", "Phòng Tài nguyên và Môi trường", "Phòng Kinh tế – Hạ tầng"],
    3: ["Bộ phận Văn phòng – Thống kê", "Bộ phận Địa chính – Xây dựng"],
}
SPECIALISTS_PER_UNIT = 3
INSTRUCTIONS = ["Chủ trì, tham mưu văn bản trả lời", "Phối hợp, cung cấp số liệu", "Nghiên cứu, đề xuất",
                "Tổng hợp, báo cáo kết quả", "Theo dõi, đôn đốc thực hiện", ""]


# --- Set-up (bulk inserts; not measured) -------------------------------------------------------------

def ensure_people() -> None:
    """Units in every agency of the instance, each with a unit head and specialists."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from lienthong.accounts.models import Position, Role, User
    from lienthong.agencies.models import Agency, Unit
    from lienthong.demo.people import person_name

    if User.objects.filter(username__startswith=USER_PREFIX).exists():
        return
    t0 = time.perf_counter()
    agencies = list(Agency.objects.filter(is_external=False, is_active=True).select_related("level"))
    password = make_password("bench-flow-1234")
    with transaction.atomic():
        existing = set(Unit.objects.values_list("agency_id", "name"))
        Unit.objects.bulk_create([
            Unit(agency=a, name=name, abbreviation="".join(w[0] for w in name.split() if w[0].isupper())[:20],
                 order=i)
            for a in agencies for i, name in enumerate(UNIT_NAMES[min(a.level.rank, 3)], start=1)
            if (a.pk, name) not in existing])
        units = list(Unit.objects.filter(agency__in=agencies, is_active=True))
        users, positions = [], []
        for unit in units:
            for k in range(SPECIALISTS_PER_UNIT + 1):
                username = f"{USER_PREFIX}{unit.agency_id}.{unit.pk}.{k}"
                users.append(User(username=username, password=password, email=f"{username}@bench.invalid",
                                  full_name=person_name(username, female=k % 2 == 1)))
        User.objects.bulk_create(users, batch_size=2000)
        ids = dict(User.objects.filter(username__startswith=USER_PREFIX).values_list("username", "pk"))
        for unit in units:
            for k in range(SPECIALISTS_PER_UNIT + 1):
                positions.append(Position(
                    user_id=ids[f"{USER_PREFIX}{unit.agency_id}.{unit.pk}.{k}"], agency_id=unit.agency_id,
                    unit=unit, role=Role.LEADER if k == 0 else Role.SPECIALIST,
                    title=("Trưởng " + unit.name.split(" ", 1)[0].lower()) if k == 0 else "Chuyên viên"))
        Position.objects.bulk_create(positions, batch_size=2000)
    print(f"people: {len(units)} units, {len(users)} unit heads and specialists "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)


def ensure_assignments(open_target: int, *, today: dt.date) -> None:
    """Handlings and assignments for a sample of the generated documents, as if the province had been
    working in the system: ``open_target`` open assignments with deadlines around ``today``, twice as
    many finished, and queues of documents submitted to leaders and waiting to be submitted."""
    from django.db import transaction
    from django.utils import timezone

    from lienthong.accounts.models import Position, Role
    from lienthong.documents.models import Document, DocumentGrant
    from lienthong.processing.models import OPEN_STATES, Assignment, AssignmentRole, Handling, HandlingState

    marker_instruction = "[bench-flow]"
    made = Assignment.objects.filter(instruction__startswith=marker_instruction)
    if made.exists():
        if made.filter(state__in=OPEN_STATES).count() < 0.9 * open_target:
            raise SystemExit("this database holds a smaller flow data set (another --scale): "
                             "delete it (var/bench-flow.sqlite3 or the PostgreSQL database) to build a new one")
        return
    t0 = time.perf_counter()
    rng = random.Random(2026)
    leaders = {a: u for a, u in Position.objects.filter(role=Role.LEADER, unit__isnull=True, is_active=True,
                                                        agency__is_external=False)
               .order_by("agency_id", "id").values_list("agency_id", "user_id")}
    clerks = {a: u for a, u in Position.objects.filter(role=Role.CLERK, is_active=True)
              .order_by("agency_id", "id").values_list("agency_id", "user_id")}
    unit_heads: dict[int, int] = {}
    unit_people: dict[int, list[int]] = {}
    units_of: dict[int, list[int]] = {}
    for unit_id, agency_id, user_id, role in (Position.objects.filter(unit__isnull=False, is_active=True)
                                              .order_by("unit_id", "id")
                                              .values_list("unit_id", "agency_id", "user_id", "role")):
        if role == Role.LEADER:
            unit_heads.setdefault(unit_id, user_id)
            units_of.setdefault(agency_id, []).append(unit_id)
        else:
            unit_people.setdefault(unit_id, []).append(user_id)
    docs = list(Document.objects.filter(notes="bench", agency_id__in=list(units_of)).exclude(
        handling__isnull=False).values_list("id", "agency_id", "received_on", "urgency"))
    rng.shuffle(docs)
    now = timezone.now()

    def deadline_around(d: int) -> dt.date:
        return today + dt.timedelta(days=d)

    def progress_of(state: str) -> int:
        return 100 if state == "done" else rng.choice([10, 30, 50, 70]) if state == "in_progress" else 0

    handlings: list[Handling] = []
    plans: list[tuple[int, str, list]] = []  # (handling index, kind, assignment plan)
    open_count = done_count = 0
    i = 0
    n_submitted = max(25, open_target // 20)
    n_registered = max(10, open_target // 50)
    while open_count < open_target or done_count < 2 * open_target or n_submitted or n_registered:
        if i >= len(docs):
            break
        doc_id, agency_id, received_on, urgency = docs[i]
        i += 1
        if agency_id not in leaders:
            continue
        received_on = received_on or today
        base = dict(document_id=doc_id, agency_id=agency_id, is_urgent=urgency != "normal", received_on=received_on)
        if n_registered:
            n_registered -= 1
            handlings.append(Handling(state=HandlingState.REGISTERED, **base))
            continue
        submitted = dict(submitted_to_id=leaders[agency_id], submitted_by_id=clerks.get(agency_id, leaders[agency_id]),
                         submitted_at=now - dt.timedelta(days=rng.randint(0, 30), minutes=rng.randint(0, 600)))
        if n_submitted:
            n_submitted -= 1
            handlings.append(Handling(state=HandlingState.SUBMITTED, **base, **submitted))
            continue
        finished = open_count >= open_target or (done_count < 2 * open_target and rng.random() < 0.6)
        units = units_of[agency_id]
        picked = rng.sample(units, min(len(units), 3))
        lead_unit = picked[0]
        plan = []  # (role, unit_id, user_id, parent_plan_index, state, deadline offset)
        top_deadline = rng.randint(-25, 25)
        delegated = rng.random() < 0.7
        plan.append((AssignmentRole.LEAD, lead_unit, None, None, "in_progress" if delegated else "pending",
                     top_deadline))
        if delegated:
            plan.append((AssignmentRole.LEAD, None, rng.choice(unit_people[lead_unit]), 0,
                         rng.choice(["pending", "in_progress"]), top_deadline - rng.randint(0, 3)))
        if len(picked) > 1 and rng.random() < 0.4:
            plan.append((AssignmentRole.SUPPORT, picked[1], None, None, "pending", top_deadline))
            if rng.random() < 0.5:
                plan.append((AssignmentRole.SUPPORT, None, rng.choice(unit_people[picked[1]]), len(plan) - 1,
                             "pending", top_deadline - rng.randint(0, 3)))
        if len(picked) > 2 and rng.random() < 0.3:
            if rng.random() < 0.5:
                plan.append((AssignmentRole.INFO, picked[2], None, None, "pending", None))
            else:
                plan.append((AssignmentRole.INFO, None, rng.choice(unit_people[picked[2]]), None, "pending", None))
        if finished:
            plan = [(r, u, p, par, "done", off) for r, u, p, par, _s, off in plan]
            done_count += len(plan)
            state = HandlingState.DONE
        else:
            open_count += len(plan)
            started = any(step[4] == "in_progress" for step in plan)
            state = HandlingState.IN_PROGRESS if started else HandlingState.ASSIGNED
        handlings.append(Handling(state=state, completed_at=now if finished else None, **base, **submitted))
        plans.append((len(handlings) - 1, agency_id, plan, finished))
    if open_count < open_target:
        print(f"warning: only {open_count} open assignments (not enough documents)", flush=True)
    with transaction.atomic():
        Handling.objects.bulk_create(handlings, batch_size=2000)
        if handlings and handlings[0].pk is None:
            raise SystemExit("this database does not return ids from bulk_create")
        # Top-level rows first, then their children (which need the parents' ids).
        for level in (0, 1):
            rows: list[Assignment] = []
            made: list[tuple[list, int]] = []
            for hi, agency_id, plan, _finished in plans:
                h = handlings[hi]
                for k, step in enumerate(plan):
                    role, unit_id, user_id, parent, state, offset = step[:6]
                    if (parent is None) != (level == 0):
                        continue
                    assigned_at = now - dt.timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
                    if parent is None:
                        assigned_by, parent_id = leaders[agency_id], None
                    else:
                        parent_unit = plan[parent][1]
                        assigned_by, parent_id = unit_heads[parent_unit], plan[parent][6]
                    rows.append(Assignment(
                        handling_id=h.pk, document_id=h.document_id, agency_id=agency_id, parent_id=parent_id,
                        role=role, unit_id=unit_id, user_id=user_id,
                        deadline=None if offset is None else deadline_around(offset),
                        instruction=f"{marker_instruction} {rng.choice(INSTRUCTIONS)}".strip(),
                        assigned_by_id=assigned_by, assigned_at=assigned_at, state=state,
                        progress=progress_of(state),
                        completed_at=now if state == "done" else None))
                    made.append((plan, k))
            Assignment.objects.bulk_create(rows, batch_size=2000)
            for (plan, k), row in zip(made, rows, strict=True):
                plan[k] = (*plan[k][:6], row.pk)
        grants = {}
        for hi, _agency_id, plan, _finished in plans:
            for step in plan:
                key = (handlings[hi].document_id, step[1], step[2])
                grants[key] = DocumentGrant(document_id=key[0], unit_id=step[1], user_id=step[2])
        DocumentGrant.objects.bulk_create(list(grants.values()), batch_size=2000, ignore_conflicts=True)
    print(f"handlings: {len(handlings)}; assignments: {open_count} open, {done_count} finished "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)


# --- Measurements --------------------------------------------------------------------------------------

def fanout_actors():
    """The UBND tỉnh (sender) with its specialist, leader and clerk, and 100 recipient agencies."""
    from lienthong.accounts.models import Position, Role
    from lienthong.agencies.models import Agency

    sender = (Agency.objects.filter(is_external=False, is_active=True, positions__role=Role.CLERK)
              .select_related("level").order_by("level__rank", "path").first())
    people = {}
    for role in (Role.SPECIALIST, Role.LEADER, Role.CLERK):
        pos = (Position.objects.filter(agency=sender, role=role, unit__isnull=True, is_active=True)
               .select_related("user").order_by("id").first())
        people[role] = pos.user
    recipients = list(Agency.objects.filter(is_external=False, is_active=True).exclude(pk=sender.pk)
                      .order_by("level__rank", "path").values_list("pk", flat=True)[:FANOUT_RECIPIENTS])
    return sender, people, recipients


def measure_fanout(runs: int) -> tuple[list[float], list[float], int]:
    """Issue ``runs`` fresh documents to 100 agencies each: (draft_issue ms, delivery_send ms, deliveries)."""
    from lienthong.accounts.models import Role
    from lienthong.delivery import services as delivery_services
    from lienthong.delivery.models import Delivery
    from lienthong.drafting import services as drafting
    from lienthong.testing.builders import doc_type, pdf_upload

    sender, people, recipients = fanout_actors()
    specialist, leader, clerk = people[Role.SPECIALIST], people[Role.LEADER], people[Role.CLERK]
    real_send = delivery_services.delivery_send
    send_times: list[float] = []

    def timed_send(**kwargs):
        t = time.perf_counter()
        try:
            return real_send(**kwargs)
        finally:
            send_times.append((time.perf_counter() - t) * 1000)

    issue_times: list[float] = []
    delivered = 0
    delivery_services.delivery_send = timed_send
    try:
        for i in range(runs):
            data = drafting.DraftInput(
                document_type=doc_type("cong-van"),
                subject=f"Về việc triển khai kế hoạch chuyển đổi số năm {dt.date.today().year} (lần {i + 1})",
                signer_id=leader.pk, signer_position="Chủ tịch", recipient_ids=recipients,
                extra_recipients="Lưu: VT", files=[pdf_upload("du-thao.pdf", f"Du thao {i}")])
            draft = drafting.draft_create(actor=specialist, agency=sender, data=data)
            drafting.draft_submit(actor=specialist, draft=draft)
            drafting.draft_check_format(actor=clerk, draft=draft)
            drafting.draft_approve(actor=leader, draft=draft)
            drafting.draft_sign(actor=clerk, draft=draft, uploads=[pdf_upload("da-ky.pdf", f"Da ky {i}")])
            doc = drafting.draft_number(actor=clerk, draft=draft)
            drafting.draft_seal(actor=clerk, draft=draft)
            t = time.perf_counter()
            drafting.draft_issue(actor=clerk, draft=draft)
            issue_times.append((time.perf_counter() - t) * 1000)
            delivered = Delivery.objects.filter(document=doc).count()
    finally:
        delivery_services.delivery_send = real_send
    print(f"fan-out: {sender.short_name} → {len(recipients)} agencies, {runs} documents, "
          f"{delivered} deliveries each", flush=True)
    return issue_times, send_times, delivered


def queue_people():
    """The busiest agency leader (to assign), unit head (to assign) and specialist (to process)."""
    from django.db.models import Count, Exists, OuterRef

    from lienthong.accounts.models import Position, Role, User
    from lienthong.processing.models import OPEN_STATES, Assignment, AssignmentRole, Handling, HandlingState

    top = (Handling.objects.filter(state=HandlingState.SUBMITTED).values("submitted_to_id")
           .annotate(n=Count("id")).order_by("-n").first())
    leader = User.objects.get(pk=top["submitted_to_id"])
    has_children = Exists(Assignment.objects.filter(parent_id=OuterRef("pk")))
    unit_top = (Assignment.objects.filter(unit__isnull=False, state__in=OPEN_STATES).exclude(role=AssignmentRole.INFO)
                .filter(~has_children).values("unit_id").annotate(n=Count("id")).order_by("-n").first())
    head = Position.objects.select_related("user").get(unit_id=unit_top["unit_id"], role=Role.LEADER).user
    spec_top = (Assignment.objects.filter(user__isnull=False, state__in=OPEN_STATES).exclude(role=AssignmentRole.INFO)
                .values("user_id").annotate(n=Count("id")).order_by("-n").first())
    specialist = User.objects.get(pk=spec_top["user_id"])
    return [("leader", leader, top["n"]), ("unit_head", head, unit_top["n"]), ("specialist", specialist, spec_top["n"])]


def queue_view_available() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("processing:queue", args=["to_process"])
        return True
    except NoReverseMatch:
        return False


def _read_page(rows) -> int:
    """Touch what a queue page shows of each row (as the template would)."""
    n = 0
    for r in rows:
        d = r.document
        n += len(d.subject) + len(d.number_symbol) + len(str(d.document_type)) + len(str(d.issued_on))
        if hasattr(r, "deadline_status"):
            n += len(r.deadline_status) + len(str(r.unit or r.user or "")) + len(str(r.assigned_by))
    return n


def selector_page(kind: str, user):
    from lienthong.processing import selectors

    if kind == "leader":
        qs = selectors.handlings_to_assign(user=user)
    elif kind == "unit_head":
        qs = selectors.unit_to_assign(user=user)
    else:
        qs = selectors.to_process(user=user)
    total = qs.count()
    rows = list(qs[:PAGE])
    _read_page(rows)
    return total, len(rows)


def measure_queue(kind: str, user, rounds: int, *, via_view: bool) -> tuple[list[float], int, str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    if via_view:
        client = Client()
        client.force_login(user)
        url = reverse("processing:queue", args=["to_process" if kind == "specialist" else "to_assign"])

        def once():
            resp = client.get(url)
            assert resp.status_code == 200, (url, resp.status_code)
    else:
        url = {"leader": "handlings_to_assign", "unit_head": "unit_to_assign", "specialist": "to_process"}[kind]

        def once():
            selector_page(kind, user)
    for _ in range(3):  # warm-up
        once()
    times, max_queries = [], 0
    for _ in range(rounds):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            once()
            times.append((time.perf_counter() - t) * 1000)
        max_queries = max(max_queries, len(ctx.captured_queries))
    return times, max_queries, url


def measure_reminders(today: dt.date) -> tuple[float, dict, float, dict, int]:
    from django.core import mail
    from django.db.models import Q

    from lienthong.notifications.models import Notification
    from lienthong.processing.models import OPEN_STATES, Assignment
    from lienthong.processing.services import send_deadline_reminders

    # A rerun of the bench on the same day starts from a day without reminders.
    Notification.objects.filter(Q(dedupe_key__startswith="rem:") | Q(dedupe_key__startswith="rem-leader:"),
                                dedupe_key__endswith=f"{today:%Y%m%d}").delete()
    open_rows = Assignment.objects.filter(state__in=OPEN_STATES).count()
    mail.outbox = []
    # The mail task runs inline here (django-q in sync mode); in production the worker runs it after the job.
    # It is timed apart so that the job's own time can be read beside the total.
    from lienthong.notifications import services as notification_services

    mail_time = [0.0, 0.0]  # wall, CPU
    real_send = getattr(notification_services, "mails_send", None)  # absent before issue 14: mail sent inline

    def timed_send(**kwargs):
        t0, c0 = time.perf_counter(), time.process_time()
        real_send(**kwargs)
        mail_time[0] += time.perf_counter() - t0
        mail_time[1] += time.process_time() - c0

    if real_send is not None:
        notification_services.mails_send = timed_send
    t, cpu = time.perf_counter(), benchenv.cpu_seconds()
    try:
        first = send_deadline_reminders(today=today)
    finally:
        if real_send is not None:
            notification_services.mails_send = real_send
    first_s = time.perf_counter() - t
    first["cpu_s"] = benchenv.cpu_seconds() - cpu
    first["mail_task_s"], first["mail_task_cpu_s"] = mail_time
    first["emails"] = len(getattr(mail, "outbox", []))
    t = time.perf_counter()
    second = send_deadline_reminders(today=today)
    second_s = time.perf_counter() - t
    return first_s, first, second_s, second, open_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the full data set: 1.0 = 1 000 000 documents, 100 000 open assignments")
    parser.add_argument("--fanouts", type=int, default=7, help="documents issued to 100 agencies (median taken)")
    parser.add_argument("--lists", type=int, default=60, help="requests per work queue (p50/p95)")
    parser.add_argument("--selectors", action="store_true",
                        help="measure the queue selectors even when the queue page exists")
    parser.add_argument("--setup-only", action="store_true", help="build the data set and stop (nothing measured)")
    parser.add_argument("--open-assignments", type=int, default=None,
                        help="open assignments to build (default: 100 000 × scale); e.g. --scale 0.2 "
                             "--open-assignments 100000 builds the reminder job's full load on 200 000 documents")
    parser.add_argument("--reminders-only", action="store_true",
                        help="measure only the daily reminder job (no fan-out, no queues)")
    args = parser.parse_args()

    started = time.perf_counter()
    docbench.setup_django()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    from django_q.conf import Conf

    Conf.SYNC = True  # read by django-q when it is imported: set here too, so queued tasks run inline
    n_docs = round(FULL_DOCUMENTS * args.scale)
    n_open = args.open_assignments or round(FULL_OPEN_ASSIGNMENTS * args.scale)
    today = timezone.localdate()

    docbench.ensure_province()
    docbench.generate(n_docs, fresh=False)
    ensure_people()
    ensure_assignments(n_open, today=today)
    docbench.refresh_statistics()

    from lienthong.agencies.models import Agency
    from lienthong.documents.models import Document
    from lienthong.processing.models import Assignment

    total_docs = Document.objects.count()
    agencies = Agency.objects.filter(is_external=False).count()
    print(f"database: {connection.vendor}; documents: {total_docs}; agencies: {agencies}; "
          f"assignments: {Assignment.objects.count()}; set-up {time.perf_counter() - started:.0f} s", flush=True)
    if args.setup_only:
        return

    load_start = os.getloadavg()[0]
    if args.reminders_only:
        rem_s, rem, rem2_s, rem2, open_rows = measure_reminders(today)
        print(f"Reminder job on {connection.vendor}, {total_docs} documents, {open_rows} open assignments "
              f"({rem['open_due']} due or overdue), {os.cpu_count()} CPU, load average {load_start:.1f} → "
              f"{os.getloadavg()[0]:.1f}, {dt.date.today():%Y-%m-%d}")
        print(f"first run {rem_s:.1f} s (target < 10 s: {'yes' if rem_s < 10 else 'NO'}), "
              f"CPU {rem['cpu_s']:.1f} s (this process + its PostgreSQL backend); of the wall time, the mail task "
              f"(the worker's, after the job, in production) {rem.get('mail_task_s', 0):.1f} s "
              f"({rem.get('mail_task_cpu_s', 0):.1f} s CPU); "
              f"{rem['notifications']} notifications, {rem['emails']} e-mails; "
              f"second run the same day {rem2_s:.1f} s, {rem2['notifications']} new")
        return
    issue_times, send_times, delivered = measure_fanout(args.fanouts)

    via_view = queue_view_available() and not args.selectors
    queues = []
    for kind, user, size in queue_people():
        times, queries, what = measure_queue(kind, user, args.lists, via_view=via_view)
        queues.append((kind, user, size, times, queries, what))
        print(f"queue {kind}: {user.username} holds {size}; {what}", flush=True)

    rem_s, rem, rem2_s, rem2, open_rows = measure_reminders(today)

    labels = {"leader": "Lãnh đạo cơ quan: văn bản chờ phân công",
              "unit_head": "Trưởng phòng: việc của đơn vị chờ giao",
              "specialist": "Chuyên viên: việc cần xử lý"}
    rows = [
        ("fanout", f"Phát hành 1 văn bản đến {FANOUT_RECIPIENTS} cơ quan (draft_issue, median)",
         f"{statistics.median(issue_times):.0f} ms", statistics.median(issue_times)),
        (None, f"  … slowest of {len(issue_times)}", f"{max(issue_times):.0f} ms", None),
        (None, "  … of which delivery_send (median)", f"{statistics.median(send_times):.0f} ms", None),
    ]
    page = "trang" if via_view else "selector"
    for kind, _user, size, times, queries, _what in queues:
        rows += [
            (None, f"{labels[kind]} ({size} dòng), {page}, p50", f"{statistics.median(times):.1f} ms", None),
            ("list_p95", f"{labels[kind]}, p95", f"{docbench.pct(times, 95):.1f} ms", docbench.pct(times, 95)),
            ("list_queries", f"{labels[kind]}, số truy vấn SQL", f"{queries}", queries),
        ]
    rows += [
        ("reminders", f"Nhắc hạn hằng ngày ({open_rows} việc đang mở, {rem['open_due']} đến hạn/quá hạn)",
         f"{rem_s:.1f} s", rem_s),
        (None, "  … thông báo tạo / thư gửi", f"{rem['notifications']} / {rem['emails']}", None),
        (None, "  … chạy lại cùng ngày (không tạo trùng)", f"{rem2_s:.1f} s, {rem2['notifications']} mới", None),
    ]
    width = max(len(r[1]) for r in rows)
    print()
    print(f"Flow benchmark on {connection.vendor}, {total_docs} documents, {open_rows} open assignments, "
          f"{os.cpu_count()} CPU (load average {load_start:.1f} at the start of the measurements, "
          f"{os.getloadavg()[0]:.1f} at the end), {dt.date.today():%Y-%m-%d}"
          + ("" if via_view else "  (queues through the selectors: the queue page does not exist yet)"))
    print(f"{'metric':<{width}} | {'target':>9} | {'measured':>16} | met?")
    for key, label, shown, value in rows:
        target, ok = "", ""
        if key and value is not None:
            target, check = TARGETS[key]
            ok = "yes" if check(value) else "NO"
        print(f"{label:<{width}} | {target:>9} | {shown:>16} | {ok}")


if __name__ == "__main__":
    main()
