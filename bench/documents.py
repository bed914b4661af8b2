#!/usr/bin/env python
"""Benchmark: documents at province scale.

Generates N documents (default 100 000) spread over the demo province's agencies with realistic
Vietnamese subjects, then measures on the configured database (DATABASE_URL; default: a separate SQLite
file bench.sqlite3 in the var folder, LIENTHONG_VAR_DIR, so the demo database is left alone; files go to
the application's MEDIA_ROOT, see bench/benchenv.py):

- registration throughput through the real service (number allocation, PDF attachment stored and
  text-extracted, search index, audit entry), documents per second, and the latency of one registration
  (p50/p95) through the service and through the web page (a clerk posting the form with a PDF: session,
  form, service, redirect), against the target p95 ≤ 300 ms;
- search latency (p50/p95, top 20, as a clerk, permission filtering included) and, beside it, the raw
  full-text query on the same data as the floor (ranked, and bare: no ranking, first 20 matches), with the
  ratio of the medians query by query (target ≤ 3× the ranked floor);
- the same searches over HTTP: ``GET /api/documents?q=…&page_size=20`` through the Django test client with
  an API token (authentication, search, count of the matches, JSON), p50 against the in-process p50
  (target ≤ 2×);
- list page latency (the clerk's incoming list through the real view) and its query count.

Usage:  .venv/bin/python bench/documents.py [--n 1000000] [--register 1000] [--searches 300] [--only-search]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/lienthong_bench .venv/bin/python bench/documents.py
Generated data is kept and reused when the count already matches (use --fresh to regenerate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402  (database, media and var locations as the application takes them)

benchenv.default_database("bench.sqlite3")

TARGETS = {
    "registration": ("≥ 200 văn bản/s", lambda v: v >= 200),
    "registration_p95": ("≤ 300 ms", lambda v: v <= 300),
    "search_p95": ("≤ 50 ms", lambda v: v <= 50),
    "search_floor": ("≤ 3×", lambda v: v <= 3),
    "http_search": ("≤ 2×", lambda v: v <= 2),
    "list_p95": ("≤ 100 ms", lambda v: v <= 100),
    "list_queries": ("≤ 10", lambda v: v <= 10),
}

# Vocabulary for realistic subjects (trích yếu) of provincial, district and commune documents.
ACTIONS = [
    "Kế hoạch triển khai", "Báo cáo kết quả thực hiện", "Quyết định phê duyệt", "Về việc tăng cường",
    "Thông báo kết luận của Chủ tịch UBND tỉnh về", "Về việc đôn đốc thực hiện", "Tờ trình đề nghị phê duyệt",
    "Hướng dẫn thực hiện", "Về việc góp ý dự thảo", "Quyết định thành lập Tổ công tác", "Báo cáo sơ kết 6 tháng",
    "Kế hoạch kiểm tra", "Về việc cử cán bộ tham dự", "Giấy mời họp về", "Về việc báo cáo tình hình",
    "Chương trình hành động thực hiện", "Về việc chấn chỉnh", "Quyết định công nhận", "Phương án phòng chống",
]
TOPICS = [
    "ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước", "cải cách hành chính năm {y}",
    "dịch vụ công trực tuyến mức độ 3, mức độ 4", "chữ ký số chuyên dùng", "gửi nhận văn bản điện tử",
    "xây dựng nông thôn mới", "phòng, chống dịch bệnh trên gia súc, gia cầm", "giảm nghèo bền vững",
    "quản lý đất đai và bồi thường giải phóng mặt bằng", "an toàn giao thông dịp Tết Nguyên đán",
    "phòng cháy, chữa cháy rừng tràm", "tuyển sinh lớp 10 năm học {y}-{y1}", "tiêm chủng mở rộng",
    "kiểm tra công tác văn thư, lưu trữ", "chấm điểm mức độ ứng dụng công nghệ thông tin",
    "thu ngân sách nhà nước quý {q}", "đầu tư công trung hạn", "bảo hiểm y tế hộ gia đình",
    "phát triển hợp tác xã nông nghiệp", "xử lý ô nhiễm môi trường kênh, rạch",
    "nâng cấp tuyến đường giao thông nông thôn",
    "hỗ trợ người có công với cách mạng", "thi đua khen thưởng năm {y}", "sắp xếp tổ chức bộ máy",
    "tuyên truyền phổ biến giáo dục pháp luật", "phòng chống tham nhũng, lãng phí", "chuyển đổi cơ cấu cây trồng",
    "quản lý chất lượng nước sinh hoạt nông thôn", "hội nghị tổng kết công tác năm {y}",
]
PLACES = ["trên địa bàn tỉnh Hậu Giang", "tại các xã, phường, thị trấn", "của các sở, ban, ngành tỉnh",
          "trên địa bàn huyện", "giai đoạn 2016-2020", "năm {y}", ""]
SIGNERS = ["Đồng Văn Thanh", "Trần Văn Huyến", "Lê Tiến Châu", "Nguyễn Hoàng Thoại", "Trương Cảnh Tuyên",
           "Huỳnh Thanh Tạo", "Lữ Văn Hùng", "Nguyễn Văn Mười", "Phạm Thị Ngọc Hân", "Võ Minh Trí"]


def subject_for(rng: random.Random, year: int) -> str:
    text = f"{rng.choice(ACTIONS)} {rng.choice(TOPICS)} {rng.choice(PLACES)}".strip()
    return text.format(y=year, y1=year + 1, q=rng.randint(1, 4))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_province():
    from lienthong.agencies.models import Agency

    if not Agency.objects.filter(is_external=False).exists():
        from django.core.management import call_command

        call_command("load_demo", verbosity=0)


def generate(n: int, *, fresh: bool) -> None:
    """Bulk-create ``n`` documents (numbered consecutively per register) and index them."""
    from django.db import transaction
    from django.db.models import Max

    from lienthong.accounts.models import Position, Role
    from lienthong.documents.models import Direction, Document, DocumentType, Register
    from lienthong.documents.numbering import ensure_year_registers
    from lienthong.documents.services import normalize_number_symbol
    from lienthong.search import services as search_services

    marker = "bench"
    existing = Document.objects.filter(notes=marker).count()
    if existing >= n and not fresh:
        print(f"reusing {existing} generated documents")
        return
    if existing and fresh:
        raise SystemExit("--fresh needs an empty bench database: "
                         "delete it (bench.sqlite3 in the var folder, or the PostgreSQL database)")
    rng = random.Random(2018)
    clerks = {p.agency_id: p.user_id for p in Position.objects.filter(role=Role.CLERK, agency__is_external=False)}
    agencies = list(clerks)
    types = list(DocumentType.objects.filter(is_nd30=True).exclude(abbreviation=""))
    from lienthong.agencies.models import Agency

    info = {a.pk: a for a in Agency.objects.all()}
    # A realistic skew: provincial bodies and the Office receive far more than communes.
    weights = [8 if info[a].level.rank == 1 else 3 if info[a].level.rank == 2 else 1 for a in agencies]
    todo = n - existing
    print(f"generating {todo} documents over {len(agencies)} agencies …", flush=True)
    t0 = time.perf_counter()
    years = [2017, 2018]
    registers: dict[tuple[int, int], Register] = {}
    for a in agencies:
        for y in years:
            for r in ensure_year_registers(agency_id=a, year=y):
                if r.direction == Direction.INCOMING and not r.is_secret:
                    registers[(a, y)] = r
    counters = {k: (Document.objects.filter(register=r).aggregate(m=Max("register_number"))["m"] or 0)
                for k, r in registers.items()}
    batch = 5000
    made = 0
    while made < todo:
        rows = []
        for _ in range(min(batch, todo - made)):
            a = rng.choices(agencies, weights)[0]
            y = rng.choice(years)
            counters[(a, y)] += 1
            issuer = info[rng.choice(agencies)]
            t = rng.choice(types)
            num = rng.randint(1, 3000)
            ns = f"{num:02d}/{t.abbreviation}-{issuer.abbreviation}"
            issued = dt.date(y, 1, 1) + dt.timedelta(days=rng.randint(0, 360))
            rows.append(Document(
                agency_id=a, direction=Direction.INCOMING, register=registers[(a, y)], year=y,
                register_number=counters[(a, y)], document_type=t, code_number=f"{num:02d}",
                code_notation=ns.split("/", 1)[1], number_symbol=ns, number_symbol_norm=normalize_number_symbol(ns),
                issuer_agency=issuer, issuer_name=issuer.name, place=issuer.place_name, issued_on=issued,
                received_on=issued + dt.timedelta(days=rng.randint(0, 3)), subject=subject_for(rng, y),
                urgency=rng.choices(["normal", "urgent", "very_urgent", "flash"], [85, 10, 4, 1])[0],
                signer_authority=rng.choice(["", "KT.", "TM."]),
                signer_position=rng.choice(["Giám đốc", "Phó Chủ tịch", "Chủ tịch"]),
                signer_name=rng.choice(SIGNERS), notes=marker, created_by_id=clerks[a],
            ))
        with transaction.atomic():
            created = Document.objects.bulk_create(rows, batch_size=1000)
            ids = [d.pk for d in created]
            if not ids or ids[0] is None:  # backends that do not return ids from bulk_create
                newest = Document.objects.filter(notes=marker).order_by("-id")
                ids = list(newest.values_list("id", flat=True)[:len(rows)])
            search_services.index_documents(document_ids=ids)
        made += len(rows)
        print(f"  {existing + made:>9} documents  ({time.perf_counter() - t0:6.1f} s)", flush=True)
    with transaction.atomic():
        for (a, y), r in registers.items():
            Register.objects.filter(pk=r.pk).update(last_number=counters[(a, y)])
    print(f"generated in {time.perf_counter() - t0:.1f} s", flush=True)


def refresh_statistics() -> None:
    """Bring the database to the state a running system is in after a bulk load: planner statistics,
    and on PostgreSQL the visibility map that autovacuum maintains (index-only counts depend on it)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _registration_worker(worker: int, count: int, barrier, results) -> None:
    setup_child()
    barrier.wait()
    t0 = time.perf_counter()
    register_many(count, tag=f"w{worker}", clerk_index=worker)
    results.put((t0, time.perf_counter()))


def setup_child() -> None:
    import django

    django.setup()
    from django_q.conf import Conf

    Conf.SYNC = True


def measure_parallel_registration(count: int, workers: int) -> float:
    """Several clerks' processes registering at the same time (one per core): documents per second."""
    import multiprocessing as mp

    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(workers)
    results = ctx.Queue()
    procs = [ctx.Process(target=_registration_worker, args=(w, count // workers, barrier, results))
             for w in range(workers)]
    for p in procs:
        p.start()
    spans = [results.get(timeout=1800) for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"registration worker failed with exit code {p.exitcode}")
    start = min(a for a, _b in spans)
    end = max(b for _a, b in spans)
    return (count // workers) * workers / (end - start)


def measure_registration(count: int) -> tuple[float, list[float]]:
    t0 = time.perf_counter()
    times = register_many(count, tag="s")
    return count / (time.perf_counter() - t0), times


def measure_web_registration(count: int) -> list[float]:
    """A clerk registering incoming documents through the page: POST of the form with a PDF, each timed
    from the request to the redirect to the new document (session, form, service, response)."""
    from django.test import Client

    from lienthong.accounts.models import Position, Role
    from lienthong.documents.models import DocumentType
    from lienthong.testing.builders import tiny_pdf

    pos = (Position.objects.select_related("agency", "user").filter(role=Role.CLERK, agency__is_external=False)
           .order_by("agency_id")[0])
    issuer = pos.agency.parent or pos.agency
    dtype = DocumentType.objects.get(code="cong-van")
    client = Client()
    client.force_login(pos.user)
    assert client.get("/van-ban/dang-ky-den/").status_code == 200
    rng = random.Random(11)
    today = dt.date.today()
    run = f"{int(time.time())}w"
    times = []
    for i in range(count):
        pdf = io.BytesIO(tiny_pdf(f"Bench web {run} document {i}"))
        pdf.name = f"cv-web-{i}.pdf"
        form = {"agency": pos.agency_id, "number_symbol": f"{i + 1:02d}/{issuer.abbreviation}-W{run}",
                "issued_on": today.isoformat(), "received_on": today.isoformat(), "document_type": dtype.pk,
                "issuer_agency": issuer.pk, "subject": subject_for(rng, today.year), "urgency": "normal",
                "secrecy": "normal", "files": pdf}
        t0 = time.perf_counter()
        resp = client.post("/van-ban/dang-ky-den/", form)
        times.append((time.perf_counter() - t0) * 1000)
        if resp.status_code != 302:
            raise SystemExit(f"web registration failed ({resp.status_code}): {resp.content[:2000]!r}")
    return times


def register_many(count: int, *, tag: str, clerk_index: int = 0) -> list[float]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lienthong.accounts.models import Position, Role
    from lienthong.documents.models import DocumentType
    from lienthong.documents.services import DocumentInput, document_register_incoming
    from lienthong.testing.builders import tiny_pdf

    # Each worker is the clerk of a different agency, as in a province where many offices register at once.
    clerks = Position.objects.select_related("agency", "user").filter(role=Role.CLERK, agency__is_external=False)
    pos = clerks.order_by("agency_id")[clerk_index]
    issuer = pos.agency.parent or pos.agency
    dtype = DocumentType.objects.get(code="cong-van")
    rng = random.Random(7)
    today = dt.date.today()
    run = f"{int(time.time())}{tag}"
    times = []
    for i in range(count):
        pdf = tiny_pdf(f"Bench {run} document {i}")
        t0 = time.perf_counter()
        data = DocumentInput(document_type=dtype, subject=subject_for(rng, today.year), issued_on=today,
                             files=[SimpleUploadedFile(f"cv-{i}.pdf", pdf)])
        document_register_incoming(actor=pos.user, agency=pos.agency, data=data,
                                   number_symbol=f"{i + 1:02d}/{issuer.abbreviation}-B{run}", issuer_agency=issuer)
        times.append((time.perf_counter() - t0) * 1000)
    return times


QUERIES = [
    "quyet dinh phe duyet", "kế hoạch triển khai", "ung dung cong nghe thong tin", "chữ ký số",
    "cải cách hành chính", "nong thon moi", "dịch vụ công trực tuyến", "bao cao ket qua", "phòng cháy",
    "giam ngheo", "tiêm chủng", "van thu luu tru", "TB-VP.UBND", "15/QĐ", "thi đua khen thưởng",
]


def busiest_clerk():
    from django.db.models import Count

    from lienthong.accounts.models import Position, Role
    from lienthong.documents.models import Document

    top = Document.objects.values("agency_id").annotate(c=Count("id")).order_by("-c").first()
    pos = Position.objects.select_related("user", "agency").filter(role=Role.CLERK, agency_id=top["agency_id"]).first()
    return pos, top["c"]


def measure_search(user, rounds: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lienthong.search.selectors import search_documents

    for q in QUERIES:  # warm-up
        search_documents(user=user, query=q, limit=20)
    connection.queries_log.clear()
    times = []
    max_queries = 0
    for i in range(rounds):
        q = QUERIES[i % len(QUERIES)]
        if len(connection.queries_log) > 8000:
            connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), benchenv.cpu_seconds()
            search_documents(user=user, query=q, limit=20)
            times.append((time.perf_counter() - t0) * 1000)
            CPU["search"].append((benchenv.cpu_seconds() - c0) * 1000)
        max_queries = max(max_queries, len(ctx.captured_queries))
    return times, max_queries


def measure_raw_fts(agency_id: int, rounds: int, *, ranked: bool = True) -> list[float]:
    from lienthong.search import selectors as search_selectors

    raw = getattr(search_selectors, "raw_match", None)
    if raw is None:
        return []
    times = []
    for i in range(rounds):
        q = QUERIES[i % len(QUERIES)]
        t0, c0 = time.perf_counter(), benchenv.cpu_seconds()
        raw(query=q, agency_ids=[agency_id], limit=20, **({} if ranked else {"ranked": False}))
        times.append((time.perf_counter() - t0) * 1000)
        CPU["raw" if ranked else "bare"].append((benchenv.cpu_seconds() - c0) * 1000)
    return times


# CPU milliseconds of each timed call (this process plus its PostgreSQL backend, benchenv.cpu_seconds): on a
# shared machine the wall-clock figures depend on the neighbours, the CPU a call costs does not.
CPU: dict[str, list[float]] = {"search": [], "raw": [], "bare": [], "http": []}


def per_query_ratio(ours: list[float], floor: list[float]) -> tuple[float, str]:
    """The worst ratio of medians, query by query (both lists were measured over QUERIES in turn)."""
    worst, which = 0.0, ""
    for k, q in enumerate(QUERIES):
        a = statistics.median(ours[k::len(QUERIES)])
        b = statistics.median(floor[k::len(QUERIES)])
        if b and a / b > worst:
            worst, which = a / b, q
    return worst, which


def measure_http_search(user, rounds: int) -> tuple[list[float], int]:
    """``GET /api/documents?q=…`` as an API client of the same clerk: the whole request (token check,
    search, count, JSON)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lienthong.accounts.services import api_token_issue

    client = Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"})
    for q in QUERIES:  # warm-up
        assert client.get("/api/documents", {"q": q, "page_size": 20}).status_code == 200
    times, max_queries = [], 0
    for i in range(rounds):
        q = QUERIES[i % len(QUERIES)]
        if len(connection.queries_log) > 8000:
            connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), benchenv.cpu_seconds()
            resp = client.get("/api/documents", {"q": q, "page_size": 20})
            times.append((time.perf_counter() - t0) * 1000)
            CPU["http"].append((benchenv.cpu_seconds() - c0) * 1000)
        assert resp.status_code == 200
        max_queries = max(max_queries, len(ctx.captured_queries))
    return times, max_queries


def measure_list(user, rounds: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    urls = ["/van-ban/?direction=in", "/van-ban/?direction=in&page=2", "/van-ban/?direction=in&year=2018",
            "/van-ban/", "/van-ban/?direction=in&urgency=urgent"]
    for u in urls:
        assert client.get(u).status_code == 200
    connection.queries_log.clear()
    times, max_queries = [], 0
    for i in range(rounds):
        if len(connection.queries_log) > 8000:
            connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            resp = client.get(urls[i % len(urls)])
            times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200
        max_queries = max(max_queries, len(ctx.captured_queries))
    return times, max_queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="documents to generate (default 100000)")
    parser.add_argument("--register", type=int, default=1000, help="documents registered through the service")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="processes registering at once for the parallel figure (default: one per core)")
    parser.add_argument("--web", type=int, default=200, help="registrations through the web page (latency)")
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--lists", type=int, default=100)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--only-search", action="store_true",
                        help="skip the registration figures (search in process, over HTTP, the floor, lists)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    setup_django()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    ensure_province()
    generate(args.n, fresh=args.fresh)
    refresh_statistics()
    from lienthong.documents.models import Document

    total = Document.objects.count()
    pos, held = busiest_clerk()
    print(f"database: {connection.vendor}; documents: {total}; clerk {pos.user.username} "
          f"({pos.agency.short_name}) holds {held}", flush=True)

    rows = []
    web_times: list[float] = []
    if not args.only_search:
        reg_rate, reg_times = measure_registration(args.register)
        web_times = measure_web_registration(args.web) if args.web else []
        par_rate = measure_parallel_registration(args.register, args.workers)
        rows += [
            (None, "Đăng ký văn bản đến, 1 tiến trình (kèm PDF, chỉ mục, nhật ký)", f"{reg_rate:.0f} văn bản/s",
             None),
            (None, "Đăng ký 1 văn bản đến qua service, p50", f"{statistics.median(reg_times):.1f} ms", None),
            ("registration_p95", "Đăng ký 1 văn bản đến qua service, p95", f"{pct(reg_times, 95):.1f} ms",
             pct(reg_times, 95)),
            ("registration", f"Đăng ký văn bản đến, {args.workers} tiến trình đồng thời",
             f"{par_rate:.0f} văn bản/s", par_rate),
        ]
    search_times, search_queries = measure_search(pos.user, args.searches)
    raw_times = measure_raw_fts(pos.agency_id, args.searches)
    bare_times = measure_raw_fts(pos.agency_id, args.searches, ranked=False)
    http_times, http_queries = measure_http_search(pos.user, args.searches)
    list_times, list_queries = measure_list(pos.user, args.lists)

    rows += [
        ("search_p95", "Tìm kiếm top 20, p50", f"{statistics.median(search_times):.1f} ms", None),
        ("search_p95", "Tìm kiếm top 20, p95", f"{pct(search_times, 95):.1f} ms", pct(search_times, 95)),
        (None, "Số truy vấn SQL mỗi lần tìm", f"{search_queries}", None),
    ]
    if web_times:
        rows += [
            (None, "Đăng ký 1 văn bản đến qua trang web (POST kèm PDF), p50", f"{statistics.median(web_times):.1f} ms",
             None),
            ("registration_p95", "Đăng ký 1 văn bản đến qua trang web (POST kèm PDF), p95",
             f"{pct(web_times, 95):.1f} ms", pct(web_times, 95)),
        ]
    if raw_times:
        rows.append((None, "FTS thô (sàn), p50 / p95",
                     f"{statistics.median(raw_times):.1f} / {pct(raw_times, 95):.1f} ms", None))
        worst, which = per_query_ratio(search_times, raw_times)
        ratio = statistics.median(search_times) / statistics.median(raw_times)
        rows += [(None, "Tìm kiếm / FTS thô, tỉ số p50 chung", f"{ratio:.1f}×", None),
                 ("search_floor", f"Tìm kiếm / FTS thô, tỉ số xấu nhất theo câu («{which}»)", f"{worst:.1f}×", worst)]
    if bare_times:
        worst, which = per_query_ratio(search_times, bare_times)
        rows += [(None, "FTS trần (không xếp hạng, 20 dòng đầu), p50 / p95",
                  f"{statistics.median(bare_times):.1f} / {pct(bare_times, 95):.1f} ms", None),
                 (None, "Tìm kiếm / FTS trần, tỉ số p50 chung",
                  f"{statistics.median(search_times) / statistics.median(bare_times):.1f}×", None),
                 (None, f"Tìm kiếm / FTS trần, tỉ số xấu nhất theo câu («{which}»)", f"{worst:.1f}×", None)]
    http_ratio = statistics.median(http_times) / statistics.median(search_times)
    rows += [
        (None, "GET /api/documents?q= (20 dòng, có đếm), p50 / p95",
         f"{statistics.median(http_times):.1f} / {pct(http_times, 95):.1f} ms", None),
        ("http_search", "HTTP p50 / tìm kiếm trong tiến trình p50", f"{http_ratio:.1f}×", http_ratio),
        (None, "Số truy vấn SQL mỗi lần gọi API tìm kiếm", f"{http_queries}", None),
    ]
    if all(CPU.values()) and not any(v != v for v in CPU["search"]):  # NaN: the backend's CPU was not readable
        med = {k: statistics.median(v) for k, v in CPU.items()}
        rows += [
            (None, "CPU: tìm kiếm / FTS thô / FTS trần / HTTP, p50",
             f"{med['search']:.1f} / {med['raw']:.1f} / {med['bare']:.1f} / {med['http']:.1f} ms", None),
            (None, "CPU: tìm kiếm / FTS thô, tỉ số p50 chung", f"{med['search'] / med['raw']:.1f}×", None),
            (None, "CPU: tìm kiếm / FTS thô, tỉ số xấu nhất theo câu",
             "{:.1f}× («{}»)".format(*per_query_ratio(CPU["search"], CPU["raw"])), None),
            (None, "CPU: HTTP / tìm kiếm trong tiến trình, p50", f"{med['http'] / med['search']:.1f}×", None),
        ]
    rows += [
        ("list_p95", "Trang danh sách văn bản đến, p50", f"{statistics.median(list_times):.1f} ms", None),
        ("list_p95", "Trang danh sách văn bản đến, p95", f"{pct(list_times, 95):.1f} ms", pct(list_times, 95)),
        ("list_queries", "Số truy vấn SQL trang danh sách", f"{list_queries}", list_queries),
    ]
    width = max(len(r[1]) for r in rows)
    print()
    print(f"Benchmark on {connection.vendor}, {total} documents, {os.cpu_count()} CPU")
    print(f"{'metric':<{width}}  {'measured':>16}  {'target':>16}  met")
    for key, label, shown, value in rows:
        target, ok = ("", "")
        if key and value is not None:
            t_text, check = TARGETS[key]
            target, ok = t_text, ("yes" if check(value) else "NO")
        print(f"{label:<{width}}  {shown:>16}  {target:>16}  {ok}")


if __name__ == "__main__":
    main()
