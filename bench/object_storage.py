#!/usr/bin/env python
"""Benchmark: originals in an S3-compatible object store (moto's server, started here in its own process).

Measures, through the application's own code (``files.storage``, ``files.sweep``) and settings
(``LIENTHONG_S3_*``, set here to point at the local server):

- upload: ``write_original`` of files of 1, 8 and 50 MB (the default size limit): time, and the memory the
  write allocates beyond the bytes already read (tracemalloc peak; the store's process is not counted);
- download: ``open_original`` read in 64 kB blocks as a download answer does: time and peak memory;
- the orphan sweep's two sides: listing N objects of the bucket (streamed, 1 000 a page) and the set of
  1 000 000 referred names the sweep holds in memory.

Usage:  .venv/bin/python bench/object_storage.py [--objects 5000] [--port 9102]
Nothing is written outside the store's process (which keeps everything in memory and is stopped at the end).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from pathlib import Path

import benchenv  # noqa: E402,F401 - the checkout on sys.path, settings module, locations as the application

TARGETS = {
    # No whole-file copy: what a 50 MB upload allocates stays below the file's size (about three 8 MB parts).
    "upload_extra_mb": ("< 50 MB (no whole-file copy of the 50 MB file)", lambda v: v < 50),
    "download_peak_mb": ("≤ 2 MB", lambda v: v <= 2),
    "sweep_set_mb": ("≤ 500 MB for 1 000 000 names", lambda v: v <= 500),
}
MB = 1024 * 1024


def start_store(port: int) -> subprocess.Popen:
    server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)  # noqa: S310 - loopback
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto_server did not start")


def measure(fn):
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak / MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=5000, help="objects to list in the sweep measure")
    parser.add_argument("--port", type=int, default=9102)
    args = parser.parse_args()

    endpoint = f"http://127.0.0.1:{args.port}"
    os.environ.update({"LIENTHONG_S3_BUCKET": "bench", "LIENTHONG_S3_ENDPOINT_URL": endpoint,
                       "LIENTHONG_S3_ACCESS_KEY_ID": "bench", "LIENTHONG_S3_SECRET_ACCESS_KEY": "bench",
                       "LIENTHONG_S3_REGION": "us-east-1", "LIENTHONG_S3_ADDRESSING_STYLE": "path"})
    server = start_store(args.port)
    try:
        import django

        django.setup()
        from django.core.files.storage import storages

        from lienthong.files.storage import open_original, sha256_of, storage_name_for, write_original
        from lienthong.files.sweep import list_store

        storage = storages["default"]
        client = storage.connection.meta.client
        client.create_bucket(Bucket="bench")
        rows = []
        worst_extra = worst_download = 0.0
        for size_mb in (1, 8, 50):
            data = os.urandom(size_mb * MB)
            sha = sha256_of(data)
            _name, upload_s, upload_peak = measure(lambda data=data, sha=sha: write_original(data, sha, []))

            def download(sha=sha):
                with open_original(storage_name_for(sha)) as fh:
                    total = 0
                    while block := fh.read(64 * 1024):
                        total += len(block)
                return total

            got, download_s, download_peak = measure(download)
            assert got == len(data)
            worst_extra = max(worst_extra, upload_peak)
            worst_download = max(worst_download, download_peak)
            rows.append((f"{size_mb} MB", f"{upload_s * 1000:.0f} ms", f"{upload_peak:.1f} MB",
                         f"{download_s * 1000:.0f} ms", f"{download_peak:.2f} MB"))

        print("\nUpload and download through files.storage (moto server on loopback)")
        print(f"{'file':>6} | {'upload':>9} | {'upload extra memory':>19} | {'download':>9} | {'download peak':>13}")
        for row in rows:
            print(f"{row[0]:>6} | {row[1]:>9} | {row[2]:>19} | {row[3]:>9} | {row[4]:>13}")

        started = time.perf_counter()
        for i in range(args.objects):
            client.put_object(Bucket="bench", Key=storage_name_for(f"{i:064x}"), Body=b"x")
        put_s = time.perf_counter() - started
        listed, list_s, list_peak = measure(lambda: sum(1 for _ in list_store(storage)))
        print(f"\nSweep listing: {listed} objects listed in {list_s:.2f} s ({listed / list_s:.0f} objects/s, "
              f"peak {list_peak:.1f} MB; {args.objects} objects put in {put_s:.1f} s)")

        names, set_s, set_mb = measure(lambda: {storage_name_for(f"{i:064x}") for i in range(1_000_000)})
        print(f"Sweep rows side: a set of {len(names)} names takes {set_mb:.0f} MB ({set_s:.1f} s to build)")
        print(f"At this rate (moto's listing, pure Python) 1 000 000 objects would take "
              f"{1_000_000 / (listed / list_s) / 60:.0f} min; a production store lists far faster")

        figures = {"upload_extra_mb": worst_extra, "download_peak_mb": worst_download, "sweep_set_mb": set_mb}
        print(f"\n{'measure':<18} | {'value':>10} | target")
        for key, (label, ok) in TARGETS.items():
            print(f"{key:<18} | {figures[key]:>10.1f} | {label} {'✓' if ok(figures[key]) else '✗'}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
