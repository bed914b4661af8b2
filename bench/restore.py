#!/usr/bin/env python
"""Benchmark: backup, restore and verify of a province's documents with their files, on PostgreSQL (issue 14).

Target: restore + verify_files of 1 000 000 documents with their files in under 15 minutes on this machine.

The source is the database, media folder and var folder the environment names (DATABASE_URL, MEDIA_ROOT,
LIENTHONG_VAR_DIR), exactly as the application reads them. ``--generate N`` first fills the source up to N
generated documents with the data-set generator ``bench/million.py`` (run as it is, by path: ``--generator``).
Then, each step as an operator runs it (``manage.py`` in its own process, so start-up is included):

1. ``backup --to $LIENTHONG_VAR_DIR/bench-restore/backup`` from the source;
2. ``restore --from …`` onto a NEW database on the same server (``<source name>_restored``, created and
   dropped here) and a new media folder ``$LIENTHONG_VAR_DIR/bench-restore/media``: checks of the dump,
   the manifest and every copied file, ``pg_restore --jobs``, ANALYZE, the file copies, the row counts;
3. ``verify_files --jobs`` on the restored system: every file read back and hashed.

It prints every step's own timings and a table against the target, then removes the backup folder, the
restored media folder and the restored database (``--keep`` keeps them).

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lt_backup_bench MEDIA_ROOT=/srv/bench/media \\
    LIENTHONG_VAR_DIR=/srv/bench/var .venv/bin/python bench/restore.py [--generate 10000] [--jobs 4]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import benchenv  # noqa: E402 - the checkout on sys.path; locations as the application

TARGET_SECONDS = 15 * 60
FULL = 1_000_000


def manage(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(benchenv.ROOT / "manage.py"), *args, "--skip-checks"], env=env,
                          cwd=benchenv.ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def admin_connection(url: str):
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    conn = psycopg.connect(dbname="postgres", user=db["USER"] or None, host=db["HOST"] or None,
                           port=db["PORT"] or None, password=db["PASSWORD"] or None, autocommit=True)
    return db, conn


def step_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.endswith(" s") and ": " in line]


def report(results: dict[str, float], header: dict, jobs: int) -> None:
    documents = header["counts"].get("documents_document", 0)
    files = header["manifest"]["entries"]
    size = header["dump"]["size"] + header["manifest"]["size"] + header["manifest"]["bytes"]
    results["restore + verify_files"] = results["restore"] + results["verify_files"]
    rows = sum(header["counts"].values())
    print()
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (other work on the machine)")
    print(f"Restore benchmark on PostgreSQL: {documents} documents, {files} stored files "
          f"({header['manifest']['bytes'] / 1e6:.0f} MB), {rows} rows, backup {size / 1e9:.2f} GB "
          f"(dump, manifest, files), --jobs {jobs}, {os.cpu_count()} cores")
    scale = FULL / documents if documents else 0
    width = 24
    print(f"{'step':<{width}} | {'measured':>10} | {'per 1000 docs':>13} | {'at 1 000 000 (linear)':>21} | target")
    for label, seconds in results.items():
        target = ""
        if label == "restore + verify_files":
            projected = seconds * scale
            met = "met" if (seconds if documents >= FULL else projected) < TARGET_SECONDS else "MISSED"
            target = f"< 15 min: {met}" + ("" if documents >= FULL else " (projected)")
        print(f"{label:<{width}} | {seconds:>8.1f} s | {seconds / documents * 1000 if documents else 0:>11.2f} s | "
              f"{seconds * scale / 60:>17.1f} min | {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", type=int, default=0, help="fill the source up to N generated documents first")
    parser.add_argument("--generator", type=Path, default=benchenv.ROOT / "bench" / "million.py",
                        help="the data-set generator (default bench/million.py of this checkout)")
    parser.add_argument("--jobs", type=int, default=4, help="pg_restore jobs and file threads (default 4)")
    parser.add_argument("--target-database", default="", help="restored database name (default <source>_restored)")
    parser.add_argument("--keep", action="store_true", help="keep the backup, restored database and media")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name the PostgreSQL database to back up (and MEDIA_ROOT, "
                         "LIENTHONG_VAR_DIR as the application reads them)")
    var = benchenv.var_dir()
    env = {**os.environ}
    if args.generate:
        started = time.perf_counter()
        subprocess.run([sys.executable, str(args.generator), "--count", str(args.generate)], env=env, check=True)
        print(f"generator: {time.perf_counter() - started:.0f} s", flush=True)

    work = var / "bench-restore"
    if work.exists():
        shutil.rmtree(work)
    backup = work / "backup"
    db, conn = admin_connection(url)
    target_name = args.target_database or f"{db['NAME']}_restored"
    target_url = url.rsplit("/", 1)[0] + f"/{target_name}"
    target_env = {**env, "DATABASE_URL": target_url, "MEDIA_ROOT": str(work / "media"),
                  "LIENTHONG_VAR_DIR": str(work / "var"),
                  "LIENTHONG_AUDIT_CHECKPOINT_DIR": str(work / "audit-checkpoints")}
    conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{target_name}"')
    results: dict[str, float] = {}
    try:
        print(f"source: {db['NAME']}, media {env.get('MEDIA_ROOT', var / 'media')}; "
              f"restored into {target_name}, media {work / 'media'}", flush=True)
        results["backup"], out = manage(env, "backup", "--to", str(backup), "--jobs", str(args.jobs))
        print("\n".join(["backup:", *step_lines(out)]), flush=True)
        header = json.loads((backup / "header.json").read_text())
        results["restore"], out = manage(target_env, "restore", "--from", str(backup), "--jobs", str(args.jobs))
        print("\n".join(["restore:", *step_lines(out)]), flush=True)
        results["verify_files"], out = manage(target_env, "verify_files", "--jobs", str(max(args.jobs, 8)))
        print(f"verify_files: {out.strip()}", flush=True)
        report(results, header, args.jobs)  # before the clean-up, which takes minutes at a million files
    finally:
        if not args.keep:
            print("cleaning up…", flush=True)
            subprocess.run(["rm", "-rf", str(work)], check=False)  # faster than shutil.rmtree at a million files
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        conn.close()

    return 0


if __name__ == "__main__":
    sys.exit(main())
