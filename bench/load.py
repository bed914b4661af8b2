#!/usr/bin/env python
"""Load test: officials working at once on the production stack (Locust, headless, loopback only).

Simulated people log in once each with the demo accounts and work with 5–15 s between actions (the users
and their tasks are in ``bench/locustfile_load.py``): clerks register incoming documents with a PDF through the
web form, submit them to their leader and search; leaders open their "to assign" queue and assign; specialists
record progress and complete their parts; overseers open the usage dashboard; clerks and specialists also use
the JSON API. Two modes:

- ``--users 100`` (default): a steady run of that many people for ``--duration`` seconds after they have all
  logged in; p50 / p95 / p99 of every page, form and API call, and the errors;
- ``--step``: stepped runs (``--steps 50,100,200,300,400,500,600``, ``--step-duration`` each), to find where the
  p95 of the pages passes 1 s; it stops at the first step past that.

Before the run it reads, from the database the server uses (DATABASE_URL, as the application reads it), the
demo accounts by role and the registers; after the run it checks that every register numbered during the run
has each number exactly once with no gap (no lost and no duplicated number) and that every registration the
clerks saw succeed is in the database, and prints a table against the targets (p95 < 300 ms for pages and API,
no error).

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_load_million \\
        .venv/bin/python bench/load.py --host https://localhost:8643 --ca-cert var/stack/…/root.crt --users 100
    … bench/load.py --host https://localhost:8443 --ca-cert var/prod/caddy/…/root.crt --step   # against make prod

The host must be a loopback address (127.0.0.0/8, ::1, or a name that resolves only to them): anything else
is refused. Logins: each simulated person logs in once, with distinct accounts of the role in turn (an account
is reused only when there are more people of a role than demo accounts); a successful login never counts
towards the login throttle, so no setting is relaxed.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import benchenv  # noqa: E402 - the checkout on sys.path; locations as the application

TARGET_P95_MS = 300
STEP_LIMIT_MS = 1000
SEARCH_WORDS = ["quyet dinh", "kế hoạch triển khai", "cong nghe thong tin", "chữ ký số", "cải cách hành chính",
                "nong thon moi", "dịch vụ công", "bao cao ket qua", "phòng cháy", "giam ngheo", "tiêm chủng",
                "van thu luu tru", "UBND", "thi đua khen thưởng", "chuyển đổi số", "ngân sách"]


# --- The database side (a separate process: Locust's gevent must not meet the database driver) -------------

def _django():
    sys.path.insert(0, str(benchenv.ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()


def prepare() -> dict:
    """Demo accounts by role (only accounts that can do the role's work), the password, the registers now."""
    _django()
    from lienthong.accounts.models import Position, Role
    from lienthong.demo.people import PASSWORD
    from lienthong.documents.models import Register
    from lienthong.oversight.selectors import may_oversee
    from lienthong.processing.models import OPEN_STATES, Assignment

    positions = (Position.objects.filter(is_active=True, user__is_active=True, agency__is_external=False)
                 .select_related("user", "agency__level").order_by("agency__level__rank", "agency_id", "id"))
    busy = set(Assignment.objects.filter(state__in=OPEN_STATES, user__isnull=False).values_list("user_id", flat=True)
               .distinct())
    accounts: dict[str, list[dict]] = {"clerk": [], "leader": [], "specialist": [], "overseer": []}
    seen: dict[str, set] = {k: set() for k in accounts}

    def add(role, user, agency_id):
        if user.username not in seen[role]:
            seen[role].add(user.username)
            accounts[role].append({"username": user.username, "agency_id": agency_id})

    for p in positions:
        name = p.user.username
        if p.role == Role.CLERK and p.unit_id is None and name.startswith("vanthu."):
            add("clerk", p.user, p.agency_id)
        elif p.role == Role.LEADER and p.unit_id is None and name.startswith("lanhdao."):
            add("leader", p.user, p.agency_id)
        elif p.role == Role.SPECIALIST and name.startswith("chuyenvien.") and p.user_id in busy:
            add("specialist", p.user, p.agency_id)
    for p in positions:
        if p.user.username.startswith(("lanhdao.", "chuyenvien.")) and may_oversee(p.user):
            add("overseer", p.user, p.agency_id)
    from lienthong.documents.models import Document

    subjects = list(Document.objects.filter(direction="in").order_by("-id").values_list("subject", flat=True)[:200])
    return {
        "password": PASSWORD,
        "accounts": accounts,
        "search_words": SEARCH_WORDS,
        "subjects": [s[:200] for s in subjects] or ["Về việc báo cáo tình hình thực hiện kế hoạch"],
        "registers": {str(pk): last for pk, last in Register.objects.values_list("pk", "last_number")},
        "started_at": time.time(),
    }


def verify(plan: dict, registered: list[int]) -> dict:
    """Numbers given during the run: per register numbered since ``plan`` was made, every number from the one
    after the old counter to the new counter exactly once (no gap, no repeat), the counter equal to the highest
    number; and every document the clerks saw registered is there."""
    _django()
    from django.db import connection

    from lienthong.documents.models import Document, Register

    before = {int(k): v for k, v in plan["registers"].items()}
    reg, doc = Register._meta.db_table, Document._meta.db_table
    moved = [(pk, last) for pk, last in Register.objects.values_list("pk", "last_number")
             if last != before.get(pk, 0)]
    problems, numbers = [], 0
    with connection.cursor() as cursor:
        for pk, last in moved:
            first = before.get(pk, 0) + 1
            cursor.execute(f"""SELECT COUNT(*), COUNT(DISTINCT register_number), MIN(register_number),
                                      MAX(register_number) FROM {doc}
                               WHERE register_id = %s AND register_number >= %s""", [pk, first])
            count, distinct, low, high = cursor.fetchone()
            numbers += count
            expected = last - first + 1
            if count != expected or distinct != count or (count and (low != first or high != last)):
                problems.append(f"register {pk}: numbers {first}..{last} expected ({expected}), found {count} rows, "
                                f"{distinct} distinct, from {low} to {high}")
        cursor.execute(f"SELECT COUNT(*) FROM {reg} r WHERE r.last_number <> "
                       f"(SELECT COALESCE(MAX(d.register_number), 0) FROM {doc} d WHERE d.register_id = r.id)")
        mismatched = cursor.fetchone()[0]
    if mismatched:
        problems.append(f"{mismatched} registers whose counter is not their highest number")
    found = Document.objects.filter(pk__in=registered).count()
    if found != len(set(registered)):
        problems.append(f"{len(set(registered)) - found} documents answered as registered are not in the database")
    return {"registers": len(moved), "numbers": numbers, "registered_seen": len(set(registered)),
            "problems": problems}


def _django_step(mode: str, payload: dict) -> dict:
    """Run ``prepare`` or ``verify`` in a fresh interpreter (same environment) and return its JSON."""
    try:
        script = str(benchenv.ROOT / "bench" / "load.py")
        out = subprocess.run([sys.executable, script, f"--{mode}"], check=True, capture_output=True, text=True,
                             input=json.dumps(payload), env=os.environ)
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise SystemExit(f"bench/load.py --{mode} failed") from exc
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Loopback only --------------------------------------------------------------------------------------

def loopback_host(url: str) -> str:
    """``url`` without a trailing slash if its host is loopback; SystemExit otherwise."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SystemExit(f"--host must be an http(s) URL, not {url!r}")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as exc:
        raise SystemExit(f"cannot resolve {parts.hostname}: {exc}") from None
    addresses = {info[4][0] for info in infos}
    outside = [a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
    if not addresses or outside:
        raise SystemExit(f"refused: {parts.hostname} is not a loopback address ({', '.join(sorted(outside))}); "
                         "the load test only ever targets this machine")
    return url.rstrip("/")


# --- Running Locust -------------------------------------------------------------------------------------

class Run:
    """One Locust environment in this process; users added or removed between measured windows."""

    def __init__(self, host: str, plan: dict):
        import gevent  # noqa: F401 - locust patched the standard library on import
        from locust.env import Environment

        sys.path.insert(0, str(benchenv.ROOT / "bench"))
        sys.path.insert(0, str(benchenv.ROOT))
        import locustfile_load as lf

        lf.configure(plan)
        self.lf = lf
        self.env = Environment(user_classes=[lf.Clerk, lf.Leader, lf.Specialist, lf.Overseer], host=host)
        self.runner = self.env.create_local_runner()

    def ramp(self, users: int, rate: float) -> float:
        """Bring the run to ``users`` people (logins included) and wait until they are all there."""
        import gevent

        t0 = time.perf_counter()
        self.runner.start(users, spawn_rate=rate)
        while self.lf.STARTED[0] < users or self.runner.state == "spawning":
            gevent.sleep(0.5)
            if time.perf_counter() - t0 > users / rate + 300:
                print(f"warning: only {self.lf.STARTED[0]} of {users} people logged in", flush=True)
                break
        return time.perf_counter() - t0

    def window(self, seconds: float) -> dict:
        """Reset the statistics, let everyone work for ``seconds``, and return what was measured."""
        import gevent

        self.env.stats.reset_all()
        gevent.sleep(seconds)
        return summarize(self.env.stats)

    def stop(self) -> None:
        self.runner.quit()


def summarize(stats) -> dict:
    rows = []
    for (name, method), e in sorted(stats.entries.items()):
        if not e.num_requests and not e.num_failures:
            continue
        rows.append({"name": name, "method": method, "requests": e.num_requests, "failures": e.num_failures,
                     "p50": e.get_response_time_percentile(0.5), "p95": e.get_response_time_percentile(0.95),
                     "p99": e.get_response_time_percentile(0.99), "max": e.max_response_time or 0})
    groups = {}
    for group in ("page", "action", "api", "login"):
        entry = _group_entry(stats, [r["name"] for r in rows if r["name"].startswith(group)])
        if entry is not None:
            groups[group] = entry
    errors = [{"name": name, "error": str(err.error)[:200], "count": err.occurrences}
              for name, err in ((e.name, e) for e in stats.errors.values())]
    return {"rows": rows, "groups": groups, "errors": errors,
            "total": {"requests": stats.total.num_requests, "failures": stats.total.num_failures,
                      "rps": stats.total.total_rps}}


def _group_entry(stats, names: list[str]) -> dict | None:
    from locust.stats import StatsEntry

    picked = [e for (name, _m), e in stats.entries.items() if name in names]
    if not picked:
        return None
    total = StatsEntry(stats, "group", "")
    for e in picked:
        total.extend(e)
    return {"requests": total.num_requests, "failures": total.num_failures,
            "p50": total.get_response_time_percentile(0.5), "p95": total.get_response_time_percentile(0.95),
            "p99": total.get_response_time_percentile(0.99), "max": total.max_response_time or 0}


# --- Printing -------------------------------------------------------------------------------------------

def print_table(result: dict, *, title: str) -> None:
    print(f"\n{title}")
    width = max([len(r["name"]) for r in result["rows"]] + [28])
    print(f"{'request':<{width}}  {'count':>6}  {'fail':>5}  {'p50':>6}  {'p95':>6}  {'p99':>6}  {'max':>6}  target")
    for r in result["rows"]:
        target = "" if r["name"].startswith("login") else (
            "p95 < 300 ms: " + ("yes" if r["p95"] < TARGET_P95_MS and not r["failures"] else "NO"))
        print(f"{r['name']:<{width}}  {r['requests']:>6}  {r['failures']:>5}  {r['p50']:>6.0f}  {r['p95']:>6.0f}  "
              f"{r['p99']:>6.0f}  {r['max']:>6.0f}  {target}")
    print(f"{'-' * width}")
    for group, g in result["groups"].items():
        label = {"page": "all pages", "action": "all forms posted", "api": "all API calls",
                 "login": "all logins"}[group]
        target = "" if group == "login" else (
            "p95 < 300 ms, 0 errors: " + ("yes" if g["p95"] < TARGET_P95_MS and not g["failures"] else "NO"))
        print(f"{label:<{width}}  {g['requests']:>6}  {g['failures']:>5}  {g['p50']:>6.0f}  {g['p95']:>6.0f}  "
              f"{g['p99']:>6.0f}  {g['max']:>6.0f}  {target}")
    total = result["total"]
    print(f"requests: {total['requests']}, failures: {total['failures']}, {total['rps']:.1f} requests/s")
    for err in result["errors"][:15]:
        print(f"  error x{err['count']}: {err['name']}: {err['error']}")


def print_numbering(check: dict) -> None:
    print(f"\nnumbering: {check['registers']} registers numbered during the run, {check['numbers']} numbers given, "
          f"{check['registered_seen']} registrations answered to the clerks")
    if check["problems"]:
        for p in check["problems"]:
            print(f"  LOST OR DUPLICATED: {p}")
    else:
        print("  no lost and no duplicated number: every register 1..counter exactly once; "
              "every registration the clerks saw is stored  (target: yes)")


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="https://localhost:8443", help="base URL of the stack (loopback only)")
    parser.add_argument("--ca-cert", help="CA certificate that signed the stack's TLS certificate (Caddy's root)")
    parser.add_argument("--insecure", action="store_true", help="do not verify the TLS certificate (loopback)")
    parser.add_argument("--users", type=int, default=100, help="simulated people in the steady run (default 100)")
    parser.add_argument("--duration", type=int, default=300, help="measured seconds of the steady run (default 300)")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="people starting per second (default 2)")
    parser.add_argument("--warmup", type=int, default=30, help="seconds of work before measuring (default 30)")
    parser.add_argument("--step", action="store_true", help="stepped run to find where the pages' p95 passes 1 s")
    parser.add_argument("--steps", default="50,100,200,300,400,500,600", help="people at each step")
    parser.add_argument("--step-duration", type=int, default=120, help="measured seconds per step (default 120)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verify", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.prepare or args.verify:  # the database side, in its own process; its input on stdin
        payload = json.load(sys.stdin)
        out = prepare() if args.prepare else verify(payload["plan"], payload["registered"])
        print(json.dumps(out))
        return 0

    host = loopback_host(args.host)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to the database the stack uses (for the accounts and the numbering check)")
    plan = _django_step("prepare", {})
    plan["verify"] = False if args.insecure else (args.ca_cert or True)
    counts = {k: len(v) for k, v in plan["accounts"].items()}
    print(f"host {host}; demo accounts: {counts}; load average {load_average()}", flush=True)
    if not counts["clerk"] or not counts["leader"] or not counts["specialist"]:
        raise SystemExit("the database has no demo clerks, leaders or specialists with work: load the demo "
                         "and bench/million.py first")

    import locust  # noqa: F401 - patches the standard library for gevent; after the database step on purpose

    run = Run(host, plan)
    results = {"host": host, "mode": "step" if args.step else "steady", "started": time.strftime("%Y-%m-%d %H:%M"),
               "accounts": counts, "load_before": load_average()}
    try:
        if args.step:
            results["steps"] = []
            for users in [int(s) for s in args.steps.split(",") if s.strip()]:
                ramp = run.ramp(users, args.spawn_rate)
                run.window(min(args.warmup, args.step_duration))
                result = run.window(args.step_duration)
                page = result["groups"].get("page", {})
                print(f"\nstep {users} people (ramp {ramp:.0f} s, load average {load_average()}): pages p95 "
                      f"{page.get('p95', 0):.0f} ms, p99 {page.get('p99', 0):.0f} ms, "
                      f"{result['total']['failures']} failures, {result['total']['rps']:.1f} requests/s", flush=True)
                print_table(result, title=f"step: {users} people, {args.step_duration} s")
                results["steps"].append({"users": users, "load": load_average(), **result})
                if page.get("p95", 0) > STEP_LIMIT_MS:
                    print(f"\nthe pages' p95 passed {STEP_LIMIT_MS} ms at {users} people", flush=True)
                    break
        else:
            ramp = run.ramp(args.users, args.spawn_rate)
            print(f"{args.users} people logged in ({ramp:.0f} s); warming up {args.warmup} s", flush=True)
            run.window(args.warmup)
            result = run.window(args.duration)
            results.update(result)
            results["load_after"] = load_average()
            print_table(result, title=f"steady run: {args.users} people, {args.duration} s measured, "
                                      f"think time 5–15 s; load average {load_average()}")
    finally:
        run.stop()
    check = _django_step("verify", {"plan": plan, "registered": run.lf.REGISTERED})
    results["numbering"] = check
    print_numbering(check)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.step:
        return 0 if not check["problems"] else 1
    ok = not check["problems"] and all(g["p95"] < TARGET_P95_MS and not g["failures"]
                                       for k, g in results["groups"].items() if k != "login")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
