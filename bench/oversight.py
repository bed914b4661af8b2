#!/usr/bin/env python
"""Benchmark: usage oversight and the IT-application ranking (issue 5) at province scale.

Builds its own database (kept and reused on the next run): the demo province (``load_demo`` at scale 0,
fast PDFs, which also loads the criteria sets and the demo ranking campaigns), grown to 1 000 internal
agencies (extra communes under the demo districts, each with a clerk and a leader), then 1 000 000
documents bulk-inserted over the last twelve months (a third outgoing, most of them sent through the system
to another agency; two thirds incoming, a fifth of those handled with a lead assignment), the monthly login
records and audit entries a working province leaves. Then it measures:

- usage statistics refresh (``oversight.services.usage_stats_refresh``): the daily job (previous and current
  month) and a full recomputation of the twelve months;
- the usage dashboard (``oversight:dashboard``, a full request through Django's test client as the Provincial
  Office's leader, 1 000 rows rendered): default period (three months) and the twelve months, p50 / p95;
- scoring 1 000 units × 60 criteria with the pure engine (``assessment.engine.score``; the synthetic set and
  units of ``bench/scoring.py``);
- the province report (``reports.services.province_report_bytes``) of the demo's completed 2017 campaign in
  each format, when that function exists ("n/a" otherwise).

Usage:  .venv/bin/python bench/oversight.py [--scale 1.0] [--agencies 1000] [--requests 40]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_bench_oversight .venv/bin/python bench/oversight.py
The default database is its own SQLite file, var/bench-oversight.sqlite3. ``--scale 0.02`` is a quick run
(20 000 documents); ``--setup-only`` builds the data set and stops.
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

benchenv.default_database("bench-oversight.sqlite3")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import documents as docbench  # noqa: E402  (setup_django, subject_for, pct, refresh_statistics)

FULL_DOCUMENTS = 1_000_000
MARKER = "bench-oversight"
BATCH = 5000

TARGETS = {
    "refresh": ("—", None),
    "dashboard_p95": ("≤ 300 ms", lambda v: v <= 300),
    "scoring": ("< 1 s", lambda v: v < 1000),
    "report": ("< 20 s", lambda v: v < 20),
}


# --- Set-up (bulk inserts; not measured) -------------------------------------------------------------

def ensure_province() -> None:
    from lienthong.agencies.models import Agency

    if not Agency.objects.filter(is_external=False).exists():
        from lienthong.demo.builder import load_demo

        t0 = time.perf_counter()
        load_demo(scale=0, fast_pdfs=True)
        print(f"demo province loaded ({time.perf_counter() - t0:.0f} s)", flush=True)


def ensure_agencies(target: int) -> None:
    """Extra communes under the demo districts until the instance has ``target`` internal agencies, each
    with a clerk and a leader (the demo password hash, shared)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from lienthong.accounts.models import Position, Role, User
    from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
    from lienthong.agencies.services import agency_save
    from lienthong.demo.people import person_name

    have = Agency.objects.filter(is_external=False).count()
    if have >= target:
        return
    t0 = time.perf_counter()
    level = AdministrativeLevel.objects.get(code="xa")
    group = AgencyGroup.objects.filter(code="ubnd-xa").first()
    districts = list(Agency.objects.filter(level__code="huyen", parent__level__code="tinh", group__code="ubnd-huyen")
                     .order_by("pk"))
    password = make_password("bench-oversight-1234")
    made = []
    with transaction.atomic():
        for i in range(target - have):
            d = districts[i % len(districts)]
            n = have + i + 1
            made.append(agency_save(agency=Agency(
                name=f"Ủy ban nhân dân xã Thử Nghiệm {n}", short_name=f"UBND xã TN {n}", abbreviation="UBND",
                level=level, group=group, parent=d, identifier_code=f"000.{n % 100:02d}.{n // 100:02d}.B99",
                place_name=f"Thử Nghiệm {n}")))
        users = [User(username=f"bo.{a.pk}.{r}", password=password, email=f"bo.{a.pk}.{r}@bench.invalid",
                      full_name=person_name(f"bo.{a.pk}.{r}", female=r == "vanthu"))
                 for a in made for r in ("vanthu", "lanhdao")]
        User.objects.bulk_create(users, batch_size=2000)
        ids = dict(User.objects.filter(username__startswith="bo.").values_list("username", "pk"))
        Position.objects.bulk_create([
            Position(user_id=ids[f"bo.{a.pk}.{r}"], agency=a, role=role, title=title)
            for a in made for r, role, title in (("vanthu", Role.CLERK, "Văn thư"),
                                                 ("lanhdao", Role.LEADER, "Chủ tịch"))], batch_size=2000)
    print(f"agencies: {len(made)} added, {target} internal ({time.perf_counter() - t0:.0f} s)", flush=True)


def generate(n: int, *, today: dt.date) -> None:
    """``n`` documents over the twelve months ending ``today`` and what working on them leaves behind."""
    from django.db import transaction
    from django.utils import timezone

    from lienthong.accounts.models import Position, Role
    from lienthong.agencies.models import Agency
    from lienthong.audit.models import AuditEntry
    from lienthong.delivery.models import Delivery
    from lienthong.documents.models import Direction, Document, DocumentType
    from lienthong.documents.numbering import ensure_year_registers
    from lienthong.documents.services import normalize_number_symbol
    from lienthong.oversight.definitions import VN
    from lienthong.oversight.models import LoginMonth
    from lienthong.processing.models import Assignment, AssignmentRole, Handling

    existing = Document.objects.filter(notes=MARKER).count()
    if existing >= 0.99 * n:
        print(f"reusing {existing} generated documents", flush=True)
        return
    if existing:
        raise SystemExit("this database holds a partial or smaller data set: delete it "
                         "(var/bench-oversight.sqlite3 or the PostgreSQL database) to build a new one")
    t0 = time.perf_counter()
    rng = random.Random(2017)
    agencies = {a.pk: a for a in Agency.objects.filter(is_external=False).select_related("level")}
    ids = sorted(agencies)
    weights = [8 if agencies[a].level.rank == 1 else 3 if agencies[a].level.rank == 2 else 1 for a in ids]
    clerks, leaders, staff = {}, {}, {}
    for agency_id, user_id, role in Position.objects.filter(is_active=True, agency_id__in=ids).order_by(
            "agency_id", "id").values_list("agency_id", "user_id", "role"):
        staff.setdefault(agency_id, []).append(user_id)
        if role == Role.CLERK:
            clerks.setdefault(agency_id, user_id)
        elif role == Role.LEADER:
            leaders.setdefault(agency_id, user_id)
    for a in ids:
        clerks.setdefault(a, staff[a][0])
        leaders.setdefault(a, staff[a][0])
    types = list(DocumentType.objects.filter(is_nd30=True).exclude(abbreviation=""))
    first_day = today - dt.timedelta(days=364)
    years = sorted({first_day.year, today.year})
    registers: dict[tuple[int, int, str], object] = {}
    for a in ids:
        for y in years:
            for r in ensure_year_registers(agency_id=a, year=y):
                if not r.is_secret:
                    registers.setdefault((a, y, r.direction), r)
    counters = {k: 0 for k in registers}
    from django.db.models import Max

    for k, r in registers.items():
        counters[k] = Document.objects.filter(register=r).aggregate(m=Max("register_number"))["m"] or 0
    print(f"registers ready ({time.perf_counter() - t0:.0f} s); generating {n} documents over {len(ids)} agencies …",
          flush=True)
    now = timezone.now()
    audit_seq = {}
    made = 0
    while made < n:
        docs, plans = [], []
        for _ in range(min(BATCH, n - made)):
            a = rng.choices(ids, weights)[0]
            day = first_day + dt.timedelta(days=rng.randint(0, 364))
            outgoing = rng.random() < 0.33
            direction = Direction.OUTGOING if outgoing else Direction.INCOMING
            key = (a, day.year, direction)
            counters[key] += 1
            t = rng.choice(types)
            issuer = agencies[a] if outgoing else agencies[rng.choice(ids)]
            num = counters[key] if outgoing else rng.randint(1, 5000)
            ns = f"{num:02d}/{t.abbreviation}-{issuer.abbreviation}"
            secret = outgoing and rng.random() < 0.02
            paper = rng.random() < (0.25 if day.month < 6 else 0.12)
            docs.append(Document(
                agency_id=a, direction=direction, register=registers[key], year=day.year,
                register_number=counters[key], document_type=t, code_number=f"{num:02d}",
                code_notation=ns.split("/", 1)[1], number_symbol=ns,
                number_symbol_norm=normalize_number_symbol(ns),
                issuer_agency=issuer, issuer_name=issuer.name, place=issuer.place_name,
                issued_on=day if outgoing else day - dt.timedelta(days=rng.randint(0, 3)),
                received_on=None if outgoing else day, subject=docbench.subject_for(rng, day.year),
                urgency=rng.choices(["normal", "urgent", "very_urgent", "flash"], [85, 10, 4, 1])[0],
                secrecy="secret" if secret else "normal", is_paper=paper,
                legally_valid=not paper and rng.random() < 0.85,
                signer_name=rng.choice(docbench.SIGNERS), notes=MARKER, created_by_id=clerks[a]))
            plans.append((a, day, outgoing, secret))
        with transaction.atomic():
            created = Document.objects.bulk_create(docs, batch_size=1000)
            if created and created[0].pk is None:
                raise SystemExit("this database does not return ids from bulk_create")
            deliveries, handlings, audits = [], [], []
            for d, (a, day, outgoing, secret) in zip(created, plans, strict=True):
                at = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 8), rng.randint(0, 59)), tzinfo=VN)
                if outgoing and not secret and rng.random() < 0.8:
                    deliveries.append(Delivery(document_id=d.pk, sender_agency_id=a,
                                               recipient_agency_id=rng.choice(ids), state="received",
                                               sent_at=at, updated_at=at))
                if not outgoing and rng.random() < 0.2:
                    done = at + dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 6))
                    handlings.append((Handling(document_id=d.pk, agency_id=a, received_on=day,
                                               state="done" if done < now else "in_progress",
                                               completed_at=done if done < now else None), at, done))
                if rng.random() < 0.2:
                    actor = rng.choice(staff[a])
                    chain = f"agency:{a}"
                    audit_seq[chain] = audit_seq.get(chain, 10_000_000) + 1
                    audits.append(AuditEntry(chain=chain, seq=audit_seq[chain], at=at, actor_id=actor,
                                             action="viewed", object_type="document", object_id=str(d.pk),
                                             summary="bench", prev_hash="0" * 64,
                                             hash=f"{rng.getrandbits(256):064x}"))
            Delivery.objects.bulk_create(deliveries, batch_size=1000)
            Handling.objects.bulk_create([h for h, _at, _done in handlings], batch_size=1000)
            Assignment.objects.bulk_create([
                Assignment(handling_id=h.pk, document_id=h.document_id, agency_id=h.agency_id,
                           role=AssignmentRole.LEAD, user_id=leaders[h.agency_id],
                           deadline=h.received_on + dt.timedelta(days=10), instruction=MARKER,
                           assigned_by_id=leaders[h.agency_id], assigned_at=at,
                           state="done" if h.completed_at else "in_progress", progress=100 if h.completed_at else 50,
                           completed_at=h.completed_at)
                for h, at, _done in handlings], batch_size=1000)
            AuditEntry.objects.bulk_create(audits, batch_size=1000)
        done_n = Document.objects.filter(notes=MARKER).count()
        made = done_n
        print(f"  {done_n:>9} documents  ({time.perf_counter() - t0:6.0f} s)", flush=True)
    with transaction.atomic():
        from lienthong.documents.models import Register

        for k, r in registers.items():
            Register.objects.filter(pk=r.pk, last_number__lt=counters[k]).update(last_number=counters[k])
        # Logins: about two thirds of the staff each month.
        month = first_day.replace(day=1)
        rows = []
        while month <= today:
            rows += [LoginMonth(user_id=u, month=month) for a in ids for u in staff[a] if rng.random() < 0.66]
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        LoginMonth.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    print(f"generated in {time.perf_counter() - t0:.0f} s", flush=True)


# --- Measurements --------------------------------------------------------------------------------------

def measure_refresh(today: dt.date, months: list[dt.date], runs: int) -> tuple[list[float], int]:
    from lienthong.oversight.services import usage_stats_refresh

    times, rows = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        rows = usage_stats_refresh(months=months, today=today)
        times.append(time.perf_counter() - t)
    return times, rows


def office_user():
    from lienthong.accounts.models import User

    return User.objects.get(username="lanhdao.vpubnd")


def measure_dashboard(user, query: dict, rounds: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("oversight:dashboard")
    size = 0

    def once():
        nonlocal size
        resp = client.get(url, query)
        assert resp.status_code == 200, resp.status_code
        size = len(resp.content)

    for _ in range(3):
        once()
    times, queries = [], 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            once()
            times.append((time.perf_counter() - t) * 1000)
        queries = max(queries, len(ctx.captured_queries))
    return times, queries, size


def measure_scoring(iterations: int) -> tuple[list[float], int]:
    import scoring  # bench/scoring.py: the synthetic 60-criterion set and its units

    from lienthong.assessment.engine import score

    cs = scoring.synthetic_set(60)
    units, values = scoring.inputs(cs, 1000)
    return [t * 1000 for t in scoring.timed(lambda: score(cs, units, values), iterations)], len(units)


def measure_report():
    """{fmt: (seconds, bytes)} for the demo's completed 2017 campaign, or None when reports has no builder."""
    try:
        from lienthong.reports.services import province_report_bytes
    except ImportError:
        return None
    from lienthong.assessment.models import Campaign, CampaignState

    try:
        from lienthong.demo.assessment import ensure_demo_campaigns

        ensure_demo_campaigns()
    except ImportError:
        pass
    campaign = Campaign.objects.filter(state=CampaignState.PUBLISHED_RESULTS).order_by("-year").first()
    if campaign is None:
        return {}
    out = {}
    for fmt in ("docx", "pdf", "xlsx"):  # the first build of a process also imports matplotlib / WeasyPrint
        t, cpu = time.perf_counter(), time.process_time()
        try:
            data = province_report_bytes(campaign=campaign, fmt=fmt)
        except Exception as exc:  # noqa: BLE001 - a format the builder does not have yet is reported, not fatal
            out[fmt] = (None, f"{type(exc).__name__}: {exc}"[:80], None)
            continue
        out[fmt] = (time.perf_counter() - t, len(data), time.process_time() - cpu)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1 000 000 documents")
    parser.add_argument("--agencies", type=int, default=1000, help="internal agencies of the instance")
    parser.add_argument("--requests", type=int, default=40, help="dashboard requests per period (p50/p95)")
    parser.add_argument("--refresh-runs", type=int, default=3, help="runs of each refresh (median taken)")
    parser.add_argument("--iterations", type=int, default=10, help="scoring runs after one warm-up")
    parser.add_argument("--setup-only", action="store_true", help="build the data set and stop")
    args = parser.parse_args()

    started = time.perf_counter()
    docbench.setup_django()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    today = timezone.localdate()

    ensure_province()
    ensure_agencies(args.agencies)
    generate(round(FULL_DOCUMENTS * args.scale), today=today)
    docbench.refresh_statistics()

    from lienthong.agencies.models import Agency
    from lienthong.documents.models import Document
    from lienthong.oversight.definitions import default_months, month_start
    from lienthong.oversight.selectors import months_between

    total_docs = Document.objects.count()
    n_agencies = Agency.objects.filter(is_external=False).count()
    print(f"database: {connection.vendor}; documents: {total_docs}; internal agencies: {n_agencies}; "
          f"set-up {time.perf_counter() - started:.0f} s", flush=True)
    if args.setup_only:
        return

    load_start = os.getloadavg()[0]
    this = month_start(today)
    year_months = months_between((this - dt.timedelta(days=334)).replace(day=1), this)
    full_times, full_rows = measure_refresh(today, year_months, args.refresh_runs)
    daily_times, daily_rows = measure_refresh(today, default_months(today), args.refresh_runs)
    print(f"refresh: {len(year_months)} months {statistics.median(full_times):.1f} s; "
          f"daily {statistics.median(daily_times):.1f} s", flush=True)
    docbench.refresh_statistics()

    user = office_user()
    dash_default, q_default, size_default = measure_dashboard(user, {}, args.requests)
    dash_year, q_year, size_year = measure_dashboard(
        user, {"month_from": f"{year_months[0]:%Y-%m}", "month_to": f"{this:%Y-%m}"}, args.requests)
    print("dashboard measured", flush=True)
    score_times, n_units = measure_scoring(args.iterations)
    report = measure_report()
    load_end = os.getloadavg()[0]

    rows = [
        ("refresh", f"Làm mới số liệu sử dụng, {len(year_months)} tháng ({full_rows} dòng), median",
         f"{statistics.median(full_times):.1f} s", None),
        ("refresh", f"Làm mới hằng ngày (tháng trước + tháng này, {daily_rows} dòng), median",
         f"{statistics.median(daily_times):.1f} s", None),
        (None, f"Bảng giám sát, 3 tháng ({n_agencies} dòng, {size_default // 1024} KB), p50",
         f"{statistics.median(dash_default):.0f} ms", None),
        ("dashboard_p95", "Bảng giám sát, 3 tháng, p95", f"{docbench.pct(dash_default, 95):.0f} ms",
         docbench.pct(dash_default, 95)),
        (None, f"Bảng giám sát, 12 tháng ({size_year // 1024} KB), p50",
         f"{statistics.median(dash_year):.0f} ms", None),
        ("dashboard_p95", "Bảng giám sát, 12 tháng, p95", f"{docbench.pct(dash_year, 95):.0f} ms",
         docbench.pct(dash_year, 95)),
        (None, "  … số truy vấn SQL (3 tháng / 12 tháng)", f"{q_default} / {q_year}", None),
        ("scoring", f"Chấm điểm {n_units} đơn vị × 60 tiêu chí (engine.score), p95",
         f"{docbench.pct(score_times, 95):.0f} ms", docbench.pct(score_times, 95)),
    ]
    if report is None:
        rows.append((None, "Báo cáo tỉnh (reports.services.province_report_bytes)", "n/a", None))
    elif not report:
        rows.append((None, "Báo cáo tỉnh: không có đợt đã công bố kết quả", "n/a", None))
    else:
        for fmt, (secs, info, cpu) in report.items():
            if secs is None:
                rows.append((None, f"Báo cáo tỉnh {fmt.upper()}: {info}", "n/a", None))
            else:
                rows.append(("report", f"Báo cáo tỉnh {fmt.upper()} ({info // 1024} KB), thời gian thực",
                             f"{secs:.1f} s", secs))
                rows.append((None, "  … thời gian CPU của tiến trình", f"{cpu:.1f} s", None))
    width = max(len(r[1]) for r in rows)
    print()
    print(f"Oversight and ranking benchmark on {connection.vendor}, {total_docs} documents, {n_agencies} agencies, "
          f"{os.cpu_count()} CPU (load average {load_start:.1f} at the start of the measurements, {load_end:.1f} "
          f"at the end), {dt.date.today():%Y-%m-%d}")
    print(f"{'metric':<{width}} | {'target':>9} | {'measured':>10} | met?")
    for key, label, shown, value in rows:
        target, ok = "", ""
        if key and value is not None:
            target, check = TARGETS[key]
            ok = "" if check is None else ("yes" if check(value) else "NO")
        elif key:
            target = TARGETS[key][0]
        print(f"{label:<{width}} | {target:>9} | {shown:>10} | {ok}")


if __name__ == "__main__":
    main()
