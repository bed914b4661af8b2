#!/usr/bin/env python
"""Benchmark: the exchange with other systems (issue 15, item 9).

1. The edXML library alone: building and parsing a document package with one 1 MB attachment (target ≤ 20 ms
   each, median and p95). Two kinds of attachment: incompressible bytes (a scanned or already-compressed PDF: the
   builder stores it in the zip) and text-like bytes (deflated). Parsing includes base64 decoding and unzipping.
2. End-to-end throughput between two instances on loopback (target ≥ 100 packages/s with 100 kB attachments) and
   the time to drain a 10 000-package backlog: ``end_to_end`` below, filled in with the gateway.

Prints a Markdown table. Nothing is stored: part 1 needs neither the database nor media.

Usage:  .venv/bin/python bench/exchange.py [--runs 50] [--size 1000000]
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


def end_to_end(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """Throughput between two instances on loopback and the backlog drain time: (metric, target, figure) rows.

    To be filled in with the gateway (exchange.services and the own-API transport): start two instances with
    separate databases, send 100 kB packages through the outbox for a fixed time, count packages/s; then stop the
    receiver, queue 10 000 packages, restart it and time until the outbox is empty."""
    return [("end-to-end, packages/s (100 kB attachments)", "≥ 100", "not measured yet (gateway)"),
            ("drain a backlog of 10 000 packages", "—", "not measured yet (gateway)")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--size", type=int, default=1_000_000, help="attachment size in bytes")
    args = parser.parse_args()
    print(f"edXML library, {args.runs} runs each (load average {os.getloadavg()[0]:.2f})\n")
    print("| operation | target | median (ms) | p95 (ms) | met |")
    print("|---|---|---|---|---|")
    for name, times in library(args.runs, args.size):
        median, p95 = statistics.median(times), percentile(times, 95)
        print(f"| {name} | ≤ {TARGET_MS:.0f} ms | {median:.1f} | {p95:.1f} | {'yes' if p95 <= TARGET_MS else 'no'} |")
    print("\n| metric | target | figure |")
    print("|---|---|---|")
    for metric, target, figure in end_to_end(args):
        print(f"| {metric} | {target} | {figure} |")


if __name__ == "__main__":
    main()
