#!/usr/bin/env python
"""Benchmark: bulk import of documents from another system (``manage.py import_documents``, issue 14).

Writes a table of N incoming documents of one year (CSV, Vietnamese headers, realistic subjects) and, for
the run with files, a folder of N distinct small PDFs, both under the var folder (``LIENTHONG_VAR_DIR``/
bench-imports, removed afterwards unless --keep), then imports them through the service the command uses
into the incoming register of the UBND tỉnh for a year that register has not used yet, and prints the rate
against the target (≥ 1 000 documents/s on PostgreSQL), without and with files, then the rate of a second
run of the same table (everything skipped: the resume path). Beside the wall-clock rate it prints the rate
per CPU second of the whole machine (the importer, its writer thread's database backend and everything else
running): on a quiet machine, the import's cost per document.

Usage:  .venv/bin/python bench/imports.py [--n 20000] [--files-n 5000] [--batch-size 1000] [--keep]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_bench .venv/bin/python bench/imports.py
The database is DATABASE_URL, else bench.sqlite3 in the var folder (the one bench/documents.py uses).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402  (database, media and var locations as the application takes them)

benchenv.default_database("bench.sqlite3")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import documents as docbench  # noqa: E402  (setup_django, ensure_province, subject_for)

TARGET = 1000
HEADER = ["Mã nguồn", "Số đến", "Số, ký hiệu", "Ngày ban hành", "Ngày đến", "Trích yếu", "Loại văn bản",
          "Cơ quan ban hành", "Người ký", "Tệp"]


def write_source(folder: Path, n: int, year: int, *, with_files: bool) -> Path:
    from lienthong.agencies.models import Agency
    from lienthong.demo.pdf import tiny_pdf
    from lienthong.documents.models import DocumentType

    rng = random.Random(year * 7 + n)
    types = [(t.name, t.abbreviation) for t in DocumentType.objects.filter(is_nd30=True).exclude(abbreviation="")]
    issuers = [(a.name, a.abbreviation) for a in Agency.objects.filter(is_external=False)[:200]]
    folder.mkdir(parents=True, exist_ok=True)
    table = folder / "so-van-ban-den.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(1, n + 1):
            day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"
            tname, tabbr = rng.choice(types)
            iname, iabbr = rng.choice(issuers)
            name = ""
            if with_files:
                name = f"tep/{i // 1000:03d}/vb-{i}.pdf"
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(tiny_pdf(f"Van ban nhap {year} so {i}"))
            writer.writerow([f"cu-{year}-{i}", i, f"{rng.randint(1, 3000):02d}/{tabbr}-{iabbr}", day, day,
                             docbench.subject_for(rng, year), tname, iname, rng.choice(docbench.SIGNERS), name])
    return table


def free_year(agency) -> int:
    """The latest year before 2016 whose incoming registers of ``agency`` hold no document."""
    from lienthong.documents.models import Document

    used = set(Document.objects.filter(agency=agency, direction="in").values_list("year", flat=True).distinct())
    year = 2015
    while year in used:
        year -= 1
    return year


def run_import(agency, actor, table: Path, files: Path | None, batch_size: int):
    """The import, and the CPU seconds the machine used meanwhile (every process: the importer, its writer
    thread's database backend and the reading one). On a quiet machine that is the import's cost; on a shared
    one the figure grows with the neighbours, as the wall-clock rate does."""
    from lienthong.imports import services
    from lienthong.imports.sources import FileSource, read_table

    source = FileSource.open(files) if files else None
    cpu0 = benchenv.machine_cpu_seconds()
    try:
        report = services.documents_import(agency=agency, actor=actor, direction="in", rows=read_table(table),
                                           source=source, batch_size=batch_size)
    finally:
        if source:
            source.close()
    return report, benchenv.machine_cpu_seconds() - cpu0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="documents imported without files")
    parser.add_argument("--files-n", type=int, default=5_000, help="documents imported with one PDF each")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the generated tables and files")
    args = parser.parse_args()

    docbench.setup_django()
    from django.conf import settings
    from django.db import connection

    from lienthong.accounts.models import Position, Role
    from lienthong.agencies.models import Agency
    from lienthong.documents.models import Document

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}  # extraction jobs queued, as in production
    docbench.ensure_province()
    agency = Agency.objects.filter(is_external=False, parent__isnull=True).order_by("pk").first()
    actor = Position.objects.filter(agency=agency, role=Role.CLERK).first().user
    work = benchenv.var_dir() / "bench-imports"
    total = Document.objects.count()
    print(f"database: {connection.vendor}; documents: {total}; agency {agency.short_name}; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    results = []
    try:
        for label, n, with_files in (("không kèm tệp", args.n, False), ("kèm 1 PDF mỗi văn bản", args.files_n, True)):
            if n <= 0:
                continue
            year = free_year(agency)
            folder = work / str(year)
            table = write_source(folder, n, year, with_files=with_files)
            report, cpu = run_import(agency, actor, table, folder if with_files else None, args.batch_size)
            assert report.imported == n and not report.rejected, (report.imported, report.rejected[:3])
            results.append((f"Nhập {n} văn bản {label} (năm {year})", report.rate, True))
            results.append(("  … theo thời gian CPU của cả máy", n / cpu, False))
            again, cpu = run_import(agency, actor, table, folder if with_files else None, args.batch_size)
            assert again.imported == 0 and again.skipped == n
            results.append((f"  … chạy lại cùng bảng: {n} dòng bỏ qua", again.skipped / again.seconds, False))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[0]) for r in results)
    print()
    print(f"Import benchmark on {connection.vendor}, {total} documents before, {os.cpu_count()} CPU, "
          f"load average {os.getloadavg()[0]:.1f}, batch {args.batch_size}")
    print(f"{'metric':<{width}}  {'measured':>14}  {'target':>12}  met")
    for label, rate, checked in results:
        target = f"≥ {TARGET} vb/s" if checked else ""
        ok = ("yes" if rate >= TARGET else "NO") if checked else ""
        shown = "n/a" if rate != rate else f"{rate:.0f}"  # NaN: not measurable (see run_import)
        print(f"{label:<{width}}  {shown:>9} vb/s  {target:>12}  {ok}")


if __name__ == "__main__":
    main()
