#!/usr/bin/env python
"""Benchmark: metadata extraction of incoming documents (issue 19, item 7).

For every document of the labelled set (``bench/intake``: run ``bench/intake/make_set.py`` first for the DOCX
and PDF copies) it times, each the median of ``--repeat`` runs, the extraction of the fields from the document's
text (``lienthong.intake.extraction.extract``: the target is ≤ 50 ms per document) and the reading of the file
(plain text, DOCX, PDF text layer), and prints a table per format: median, 95th percentile and worst document
against the target. OCR of scans is not part of this benchmark yet.

Usage:  .venv/bin/python bench/intake.py [bench/intake] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402,F401  (the checkout on sys.path; no database or files are used)

from lienthong.intake.extraction import extract  # noqa: E402
from lienthong.intake.extraction.readers import read_document  # noqa: E402

TARGET_MS = 50.0


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default="bench/intake")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(args.dir)
    rows = []
    for suffix in (".txt", ".docx", ".pdf"):
        paths = sorted(folder.glob(f"*{suffix}"))
        if not paths:
            continue
        read_times, extract_times = [], []
        for path in paths:
            data = path.read_bytes()
            text = read_document(data, path.name).text
            read_times.append(median_ms(lambda d=data, n=path.name: read_document(d, n), args.repeat))
            extract_times.append(median_ms(lambda t=text: extract(t), args.repeat))
        for step, times in (("read", read_times), ("extract", extract_times)):
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            target = f"≤ {TARGET_MS:.0f} ms" if step == "extract" else ""
            verdict = ("OK" if times[-1] <= TARGET_MS else "✗") if step == "extract" else ""
            rows.append((suffix[1:], step, len(times), statistics.median(times), p95, times[-1], target, verdict))
    print(f"{'format':6}  {'step':7}  {'docs':>4}  {'median':>9}  {'p95':>9}  {'worst':>9}  {'target':8}  ")
    for fmt, step, n, med, p95, worst, target, verdict in rows:
        print(f"{fmt:6}  {step:7}  {n:4d}  {med:6.2f} ms  {p95:6.2f} ms  {worst:6.2f} ms  {target:8}  {verdict}")


if __name__ == "__main__":
    main()
