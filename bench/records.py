#!/usr/bin/env python
"""Benchmark: records (issue 16 §7): closing and exporting a large case file, the archive's list of files, and
the share of documents filed in the daily usage statistics.

Builds its own database (kept and reused on the next run): the demo province (``load_demo`` at scale 0, fast
PDFs), then, for the busiest agency's văn thư:

- a case file of ``--file-documents`` (500) incoming documents, each with its own one-page PDF original;
- ``--files`` (100 000) closed and accepted case files bulk-inserted (the agency archive's holdings);
- ``--documents`` (100 000) incoming documents bulk-inserted over the twelve months of 2018, 60 % of them
  filed into those case files.

Then it measures:

- closing the 500-document file (``services.case_file_close``: the closing check, numbering, freezing) and
  exporting it (``package_export.case_file_package``: originals read from the store, hoso.xml, manifest,
  ZIP), then checking the ZIP with ``packages.verify_package``;
- the list of files as the archive reads it (``records:files``, all files the văn thư sees, by state, year,
  first and a far page: keyset links after / before row 75 000; a full request through Django's test
  client): p50 / p95 and the most queries;
- the filing share: ``records.selectors.filed_documents_by_month`` over the twelve months, the daily usage
  refresh (``oversight.services.usage_stats_refresh``, previous and current month) and a full twelve-month
  refresh, and the records statistics page's figures (``records.statistics.statistics``).

Usage:  .venv/bin/python bench/records.py [--files 100000] [--documents 100000] [--file-documents 500]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_bench_records .venv/bin/python bench/records.py
The default database is its own SQLite file, var/bench-records.sqlite3. The issue's target for the filing
share is 1 000 000 documents; a shared 2-core machine runs 100 000 (``--documents 1000000`` for the full size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402  (database, media and var locations as the application takes them)

benchenv.default_database("bench-records.sqlite3")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import documents as docbench  # noqa: E402  (setup_django, pct, refresh_statistics)

MARKER = "bench-records"
BATCH = 5000
TARGETS = {
    "close_export": ("< 10 s", lambda v: v < 10),
    "list_p95": ("≤ 100 ms", lambda v: v <= 100),
    "list_queries": ("constant", None),
    "filing": ("daily job", None),
}


def ensure_province() -> None:
    from lienthong.agencies.models import Agency

    if not Agency.objects.filter(is_external=False).exists():
        from lienthong.demo.builder import load_demo

        t0 = time.perf_counter()
        load_demo(scale=0, fast_pdfs=True)
        print(f"demo province loaded ({time.perf_counter() - t0:.0f} s)", flush=True)


def the_clerk():
    from lienthong.accounts.models import Position, Role

    position = (Position.objects.filter(role=Role.CLERK, is_active=True, agency__is_external=False, unit__isnull=True)
                .select_related("user", "agency").order_by("agency__level__rank", "agency_id").first())
    return position.user, position.agency


def _register(agency_id: int, year: int):
    from lienthong.documents.models import Direction
    from lienthong.documents.numbering import ensure_year_registers

    return next(r for r in ensure_year_registers(agency_id=agency_id, year=year)
                if r.direction == Direction.INCOMING and not r.is_secret)


def _documents(agency, clerk, n: int, *, tag: str, rng: random.Random, year: int = 2018) -> list[int]:
    """``n`` incoming documents of ``agency`` (bulk), numbered on from the register's last number."""
    from django.db import transaction
    from django.db.models import Max

    from lienthong.documents.models import Direction, Document, DocumentType

    register = _register(agency.pk, year)
    kinds = list(DocumentType.objects.filter(is_nd30=True).exclude(abbreviation="")[:10])
    before = set(Document.objects.filter(notes=f"{MARKER}:{tag}").values_list("pk", flat=True))
    made = 0
    number = Document.objects.filter(register=register).aggregate(m=Max("register_number"))["m"] or 0
    while made < n:
        rows = []
        for _ in range(min(BATCH, n - made)):
            number += 1
            t = rng.choice(kinds)
            issued = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 360))
            ns = f"{number}/{t.abbreviation}-BENCH"
            rows.append(Document(
                agency=agency, direction=Direction.INCOMING, register=register, year=year, register_number=number,
                document_type=t, code_number=str(number), code_notation=f"{t.abbreviation}-BENCH", number_symbol=ns,
                number_symbol_norm=ns.lower(), issuer_name="Sở Nội vụ", issued_on=issued,
                received_on=issued + dt.timedelta(days=1), subject=f"Văn bản thử {tag} số {number}", page_count=1,
                notes=f"{MARKER}:{tag}", created_by=clerk))
        with transaction.atomic():
            Document.objects.bulk_create(rows, batch_size=1000)
        made += len(rows)
    return [i for i in Document.objects.filter(notes=f"{MARKER}:{tag}").values_list("pk", flat=True)
            if i not in before]


def ensure_big_file(agency, clerk, n: int) -> int:
    """An open file of ``n`` documents, each with its own PDF original; its id."""
    from django.db import transaction

    from lienthong import files as file_store
    from lienthong.demo.pdf import tiny_pdf
    from lienthong.documents.models import DocumentFile
    from lienthong.documents.services import ReadFile, files_store_many
    from lienthong.records import services
    from lienthong.records.models import CaseFile

    found = CaseFile.objects.filter(title=f"{MARKER} {n}", state="open").first()
    if found:
        return found.pk
    ids = _documents(agency, clerk, n, tag=f"file-{n}", rng=random.Random(16))
    read = []
    for i in ids:
        data = tiny_pdf(f"Van ban thu {i}")
        read.append(ReadFile(name=f"van-ban-{i}.pdf", data=data, kind=file_store.sniff(data),
                             sha256=file_store.sha256_of(data)))
    written: list[str] = []
    with transaction.atomic():
        stored = files_store_many(read, written=written)
        DocumentFile.objects.bulk_create([
            DocumentFile(document_id=i, stored_file=stored[f.sha256], filename=f.name, page_count=1,
                         uploaded_by=clerk) for i, f in zip(ids, read, strict=True)], batch_size=1000)
    f = services.case_file_open(actor=clerk, agency_id=agency.pk, title=f"{MARKER} {n}", number="99.BENCH",
                                retention_code="10-nam", start_date=dt.date(2018, 1, 1))
    for start in range(0, len(ids), services.MAX_FILED_AT_ONCE):
        services.documents_file(actor=clerk, case_file_id=f.pk, document_ids=ids[start:start + 1000])
    return f.pk


def ensure_files(agency, clerk, n: int) -> None:
    from django.db import transaction

    from lienthong.records.models import CaseFile, RetentionPeriod

    have = CaseFile.objects.filter(agency=agency, description=MARKER).count()
    if have >= n:
        print(f"reusing {have} case files", flush=True)
        return
    periods = list(RetentionPeriod.objects.all())
    rng = random.Random(30)
    t0 = time.perf_counter()
    made = have
    while made < n:
        rows = []
        for i in range(made, min(n, made + BATCH)):
            year = rng.choice([2014, 2015, 2016, 2017, 2018])
            state = rng.choices(["accepted", "closed", "handed_over"], [70, 20, 10])[0]
            rows.append(CaseFile(
                agency=agency, year=year, number=f"{i % 999 + 1:02d}.LT{i // 999}", title=f"Hồ sơ lưu trữ số {i}",
                retention=rng.choice(periods), owner=clerk, state=state, start_date=dt.date(year, 1, 1),
                end_date=dt.date(year, 12, 1), doc_total=rng.randint(1, 40), description=MARKER))
        with transaction.atomic():
            CaseFile.objects.bulk_create(rows, batch_size=1000)
        made += len(rows)
    print(f"{n - have} case files inserted ({time.perf_counter() - t0:.0f} s)", flush=True)


def ensure_filed_documents(agency, clerk, n: int) -> None:
    from django.db import transaction

    from lienthong.documents.models import Document
    from lienthong.records.models import CaseFile, CaseFileDocument

    tag = "filing"
    have = Document.objects.filter(notes=f"{MARKER}:{tag}").count()
    if have >= n:
        print(f"reusing {have} documents for the filing share", flush=True)
        return
    t0 = time.perf_counter()
    rng = random.Random(60)
    ids = _documents(agency, clerk, n - have, tag=tag, rng=rng)
    files = list(CaseFile.objects.filter(agency=agency, description=MARKER).values_list("pk", flat=True)[:20000])
    filed = [i for i in ids if rng.random() < 0.6]
    for start in range(0, len(filed), BATCH):
        with transaction.atomic():
            CaseFileDocument.objects.bulk_create([
                CaseFileDocument(case_file_id=rng.choice(files), document_id=i, ordinal=1, filed_by=clerk)
                for i in filed[start:start + BATCH]], batch_size=1000, ignore_conflicts=True)
    print(f"{len(ids)} documents, {len(filed)} filed ({time.perf_counter() - t0:.0f} s)", flush=True)


# --- Measurements ------------------------------------------------------------------------------------

def measure_close_export(clerk, case_file_id: int) -> dict:
    from lienthong.records import package_export, packages, selectors, services

    t0 = time.perf_counter()
    services.case_file_close(actor=clerk, case_file_id=case_file_id, retention_confirmed=True,
                             reason="Benchmark")
    close_s = time.perf_counter() - t0
    row = selectors.case_file_get(user=clerk, case_file_id=case_file_id)
    t0 = time.perf_counter()
    data = package_export.case_file_package(user=clerk, case_file=row)
    export_s = time.perf_counter() - t0
    with tempfile.NamedTemporaryFile(suffix=".zip") as fh:
        fh.write(data)
        fh.flush()
        t0 = time.perf_counter()
        report = packages.verify_package(fh.name)
        verify_s = time.perf_counter() - t0
    assert report.ok, report.problems[:5]
    # Reopen for the next run: the measurement is of closing, so the file goes back to open.
    from lienthong.records.models import CaseFile

    CaseFile.objects.filter(pk=case_file_id).update(state="open", closed_at=None, closed_by=None)
    return {"close": close_s, "export": export_s, "verify": verify_s, "bytes": len(data),
            "documents": report.documents}


def measure_list(clerk, rounds: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lienthong.records import selectors

    client = Client()
    client.force_login(clerk)

    def cursor(offset: int, **filters) -> str:  # the keyset link of page offset // 50 + 1 (as "Trang sau" writes it)
        row = selectors.case_file_list(user=clerk, **filters)[offset]
        return selectors.FileCursor.of(row).encode()

    urls = ["/ho-so/?tab=all", "/ho-so/?tab=all&state=accepted",
            f"/ho-so/?tab=all&state=closed&sau={cursor(1950, state='closed')}",
            f"/ho-so/?tab=all&sau={cursor(74950)}", f"/ho-so/?tab=all&truoc={cursor(75000)}",
            "/ho-so/?tab=all&nam=2016"]
    for u in urls:
        assert client.get(u).status_code == 200, u
    times, most = [], 0
    for i in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            resp = client.get(urls[i % len(urls)])
            times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200
        most = max(most, len(ctx.captured_queries))
    return times, most


def measure_filing(clerk) -> dict:
    from lienthong.oversight.definitions import EXCLUDED_STATUSES
    from lienthong.oversight.services import usage_stats_refresh
    from lienthong.records import selectors
    from lienthong.records import statistics as records_statistics

    out = {}
    t0 = time.perf_counter()
    counts = selectors.filed_documents_by_month(first=dt.date(2018, 1, 1), end=dt.date(2019, 1, 1),
                                                excluded_statuses=EXCLUDED_STATUSES)
    out["selector"] = time.perf_counter() - t0
    out["filed"] = sum(counts.values())
    t0 = time.perf_counter()
    usage_stats_refresh(months=[dt.date(2018, 11, 1), dt.date(2018, 12, 1)], today=dt.date(2018, 12, 15))
    out["daily"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    usage_stats_refresh(months=[dt.date(2018, m, 1) for m in range(1, 13)], today=dt.date(2019, 1, 5))
    out["year"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    stats = records_statistics.statistics(user=clerk, year=2018)
    out["statistics"] = time.perf_counter() - t0
    out["share"] = stats.filing.share
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--file-documents", type=int, default=500)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    docbench.setup_django()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    ensure_province()
    clerk, agency = the_clerk()
    big = ensure_big_file(agency, clerk, args.file_documents)
    ensure_files(agency, clerk, args.files)
    ensure_filed_documents(agency, clerk, args.documents)
    docbench.refresh_statistics()
    print(f"database: {connection.vendor}; agency: {agency.name}; văn thư: {clerk.username}", flush=True)

    ce = measure_close_export(clerk, big)
    times, most = measure_list(clerk, args.requests)
    filing = measure_filing(clerk)
    total = ce["close"] + ce["export"]
    rows = [
        (f"close + export a file of {ce['documents']} documents", f"{total:.2f} s (close {ce['close']:.2f}, "
         f"export {ce['export']:.2f}; ZIP {ce['bytes'] / 1e6:.1f} MB; verify {ce['verify']:.2f} s)",
         TARGETS["close_export"][0], TARGETS["close_export"][1](total)),
        (f"archive list of {args.files} files, p50 / p95", f"{docbench.pct(times, 50):.0f} / "
         f"{docbench.pct(times, 95):.0f} ms", TARGETS["list_p95"][0],
         TARGETS["list_p95"][1](docbench.pct(times, 95))),
        ("archive list, most queries per request", str(most), "constant", None),
        (f"filed_documents_by_month, {args.documents} documents", f"{filing['selector']:.2f} s "
         f"({filing['filed']} filed)", "—", None),
        ("usage refresh, daily (2 months)", f"{filing['daily']:.2f} s", "—", None),
        ("usage refresh, 12 months", f"{filing['year']:.2f} s", "—", None),
        ("records statistics (page figures)", f"{filing['statistics']:.2f} s (share "
         f"{filing['share'] or 0:.2%})", "—", None),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure'.ljust(width)}  {'result':<58} target    ok")
    for name, value, target, ok in rows:
        print(f"{name.ljust(width)}  {value:<58} {target:<9} {'' if ok is None else ('yes' if ok else 'NO')}")


if __name__ == "__main__":
    main()
