#!/usr/bin/env python
"""Benchmark: the exchange with other systems (issue 15, item 9).

1. The edXML library alone: building and parsing a document package with one 1 MB attachment (target ≤ 20 ms
   each, median and p95). Two kinds of attachment: incompressible bytes (a scanned or already-compressed PDF: the
   builder stores it in the zip) and text-like bytes (deflated). Parsing includes base64 decoding and unzipping.
2. ``--e2e``: end-to-end throughput between two instances on loopback (target ≥ 100 packages/s with 100 kB
   attachments) and the time to drain a 10 000-package backlog (``end_to_end`` below).
3. ``--fault``: the fault test at full size (10 000 documents; the suite runs 100).

Prints Markdown tables. Part 1 needs neither the database nor media; parts 2 and 3 start instances with their
own databases (SQLite files, or PostgreSQL databases when ``DATABASE_URL`` points at PostgreSQL) and media in a
scratch folder of the var folder, removed afterwards.

Usage:  .venv/bin/python bench/exchange.py [--runs 50] [--size 1000000]
        .venv/bin/python bench/exchange.py --runs 5 --e2e [--documents 1000] [--backlog 10000] [--attachment 100000]
        .venv/bin/python bench/exchange.py --fault [--fault-documents 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402, F401  (the checkout on sys.path; database, media and var as the application takes them)

TARGET_MS = 20.0


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def a_package(attachment: bytes):
    from lienthong.exchange.edxml.build import document_id
    from lienthong.exchange.edxml.model import Attachment, DocumentPackage, Organ, Trace

    issued = dt.date(2026, 12, 7)
    return DocumentPackage(
        sender=Organ("000.00.01.H30", "Văn phòng UBND tỉnh Hậu Giang"),
        recipients=[Organ("000.00.00.G22", "Văn phòng Chính phủ"), Organ("000.00.00.G12", "Bộ Tài chính")],
        document_id=document_id("000.00.01.H30", issued, "1234", "UBND-KGVX"), code_number="1234",
        code_notation="UBND-KGVX", subject="V/v báo cáo tình hình triển khai liên thông văn bản năm 2026",
        type_name="Công văn", promulgation_date=issued, place="Hậu Giang", type=2, type_detail=18, priority=0,
        steering_type=1, business_doc_type=0, business_reason="Văn bản điện tử mới",
        traces=[Trace("000.00.01.H30", dt.datetime(2026, 12, 7, 9, 0))],
        attachments=[Attachment("1234-UBND-KGVX.signed.pdf", attachment, "application/pdf", "Văn bản chính")],
    )


def timed(function: Callable[[], object], runs: int) -> list[float]:
    function()  # warm-up, not counted
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def library(runs: int, size: int) -> list[tuple[str, list[float]]]:
    from lienthong.exchange.edxml.build import build_document
    from lienthong.exchange.edxml.parse import parse_package

    words = b"Uy ban nhan dan tinh bao cao tinh hinh trien khai lien thong van ban dien tu nam 2026. "
    attachments = {"incompressible": os.urandom(size), "text-like": (words * (size // len(words) + 1))[:size]}
    rows = []
    for kind, data in attachments.items():
        package = a_package(data)
        built = build_document(package)
        assert parse_package(built).attachments[0].data == data
        rows.append((f"build, 1 attachment of {size // 1000} kB ({kind})", timed(lambda p=package: build_document(p),
                                                                                  runs)))
        rows.append((f"parse, 1 attachment of {size // 1000} kB ({kind})", timed(lambda b=built: parse_package(b),
                                                                                  runs)))
    return rows


def _scratch():
    """A folder for the instances' databases and media, inside the application's var folder."""
    import tempfile

    folder = benchenv.var_dir() / "bench-exchange"
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(dir=folder)


def end_to_end(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """Throughput between two instances on loopback and the backlog drain time: (metric, target, figure) rows.

    Two real instances (``lienthong.testing.instances``: own processes, databases, media; gunicorn with two
    workers and the gateway's schedule each), partners through the signed own API. (1) A queues ``--documents``
    packages (one document, one PDF of ``--attachment`` bytes each), then its schedule starts: packages per second
    until all are handed over, applied at B, and acknowledged (B's 01 back at A); and the CPU both instances
    spent per package (the figure a quiet machine turns into throughput: cores / CPU per package). (2) B is down
    while A queues ``--backlog`` packages; B comes back and A's schedule starts: the time until all are
    handed over and acknowledged."""
    from lienthong.testing.exchange_runs import throughput_run

    rows = []
    if args.documents:
        with _scratch() as root:
            run = throughput_run(Path(root), documents=args.documents, size=args.attachment)
        per_package = run.cpu_seconds / run.documents * 1000
        rows += [
            (f"end-to-end, {run.documents} packages of {args.attachment // 1000} kB: handed over, packages/s",
             "≥ 100", f"{run.per_second(run.sent_seconds):.1f}"),
            ("… applied at the receiver, packages/s", "≥ 100", f"{run.per_second(run.applied_seconds):.1f}"),
            ("… acknowledged (01 back), packages/s", "—", f"{run.per_second(run.acknowledged_seconds):.1f}"),
            ("… CPU of both instances per package, ms", "—", f"{per_package:.0f}"),
            ("… packages/s on 2 idle cores (2 / CPU per package)", "≥ 100", f"{2000 / per_package:.0f}"),
        ]
    if args.backlog:
        with _scratch() as root:
            run = throughput_run(Path(root), documents=args.backlog, size=args.attachment, receiver_down=True)
        rows += [
            (f"drain a backlog of {run.documents} packages after the receiver returns: all handed over, s", "—",
             f"{run.sent_seconds:.0f}"),
            ("… all acknowledged, s", "—", f"{run.acknowledged_seconds:.0f}"),
            ("… CPU of both instances per package, ms", "—", f"{run.cpu_seconds / run.documents * 1000:.0f}"),
        ]
    return rows


def fault(args: argparse.Namespace) -> str:
    """The fault test at full size: ``--fault-documents`` documents from A to B while B is killed and restarted
    at random moments and a proxy drops connections both ways; the counts (lost, duplicated) and the time."""
    from lienthong.testing.exchange_runs import fault_run

    with _scratch() as root:
        result = fault_run(Path(root), documents=args.fault_documents, size=args.attachment,
                           min_kills=max(3, args.fault_documents // 500), timeout=args.timeout)
    return result.table()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--size", type=int, default=1_000_000, help="attachment size in bytes")
    parser.add_argument("--e2e", action="store_true", help="also the end-to-end run between two instances")
    parser.add_argument("--documents", type=int, default=1000, help="end-to-end: packages for the throughput")
    parser.add_argument("--backlog", type=int, default=10_000, help="end-to-end: packages of the backlog (0: none)")
    parser.add_argument("--attachment", type=int, default=100_000, help="end-to-end and fault: PDF size in bytes")
    parser.add_argument("--fault", action="store_true", help="the fault test at full size instead")
    parser.add_argument("--fault-documents", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="fault: seconds to wait for convergence")
    args = parser.parse_args()
    if args.fault:
        print(f"Fault test, two instances (load average {os.getloadavg()[0]:.2f})\n")
        print(fault(args))
        return
    print(f"edXML library, {args.runs} runs each (load average {os.getloadavg()[0]:.2f})\n")
    print("| operation | target | median (ms) | p95 (ms) | met |")
    print("|---|---|---|---|---|")
    for name, times in library(args.runs, args.size):
        median, p95 = statistics.median(times), percentile(times, 95)
        print(f"| {name} | ≤ {TARGET_MS:.0f} ms | {median:.1f} | {p95:.1f} | {'yes' if p95 <= TARGET_MS else 'no'} |")
    if not args.e2e:
        return
    print(f"\nEnd to end, two instances on loopback (load average {os.getloadavg()[0]:.2f})\n")
    print("| metric | target | figure |")
    print("|---|---|---|")
    for metric, target, figure in end_to_end(args):
        print(f"| {metric} | {target} | {figure} |")


if __name__ == "__main__":
    main()
