"""The restore drill, as an operator runs it every quarter: the demo province is backed up, restored into a
FRESH database and a fresh media folder (other processes, other DATABASE_URL and MEDIA_ROOT), and the
restored system is checked: every stored file against its SHA-256, the audit chains against their checkpoint,
the row count of every table against the original."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from lienthong.backups import services

pytestmark = [pytest.mark.slow_once, pytest.mark.xdist_group("processes"), pytest.mark.both_databases]

_COUNTS = """
import json
from lienthong.backups.selectors import table_counts
print(json.dumps(table_counts()))
"""


def scratch_database(tmp_path, label: str):
    """(url, drop) for a new, empty database of the vendor under test."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / f'{label}.sqlite3'}", lambda: None
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_{label}_{os.getpid()}"  # test_lt_<helper>_drill_…: beside the test database
    admin = dict(dbname="postgres", user=params["USER"], host=params["HOST"], port=params["PORT"] or 5432,
                 password=params["PASSWORD"] or None, autocommit=True)

    def drop():
        with psycopg.connect(**admin) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    drop()
    with psycopg.connect(**admin) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    return f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT'] or 5432}/{name}", drop


@pytest.fixture
def two_databases(tmp_path):
    source, drop_source = scratch_database(tmp_path, "drill_source")
    target, drop_target = scratch_database(tmp_path, "drill_target")
    try:
        yield source, target
    finally:
        drop_source()
        drop_target()


def machine(tmp_path, name: str, database_url: str):
    """Run manage.py commands as on another machine: its own database, media folder, var folder."""
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(tmp_path / name / "media"),
           "LIENTHONG_VAR_DIR": str(tmp_path / name / "var"),
           "LIENTHONG_AUDIT_CHECKPOINT_DIR": str(tmp_path / name / "audit-checkpoints"),
           "LIENTHONG_AUDIT_KEY": "drill-audit-key-" + "k" * 32}

    def manage(*args, expect: int = 0) -> subprocess.CompletedProcess:
        checks = [] if args[0] == "shell" else ["--skip-checks"]
        done = subprocess.run([sys.executable, "manage.py", *args, *checks], cwd=settings.BASE_DIR,
                              env=env, capture_output=True, text=True, timeout=600)
        assert (done.returncode == 0) == (expect == 0), f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    return manage


def test_the_demo_province_restored_on_a_fresh_machine_has_every_file_row_and_audit_entry(tmp_path, two_databases):
    source_url, target_url = two_databases
    source = machine(tmp_path, "source", source_url)
    target = machine(tmp_path, "target", target_url)
    backup = tmp_path / "backup"

    source("migrate", "-v", "0")
    source("load_demo", "--scale", "0", "--fast-pdfs")
    source("audit_checkpoint")
    source("backup", "--to", str(backup))
    header = json.loads((backup / "header.json").read_text())
    assert header["manifest"]["entries"] > 10 and header["counts"]["documents_document"] > 10

    # A backup with one changed file is refused, naming it, and leaves the new machine untouched.
    tampered = tmp_path / "tampered"
    shutil.copytree(backup, tampered)
    entry = json.loads((tampered / "manifest.jsonl").read_text().splitlines()[3])
    (tampered / "files" / entry["name"]).write_bytes(b"%PDF-1.4 not the original")
    refused = target("restore", "--from", str(tampered), expect=1)
    assert entry["name"] in refused.stderr
    assert not (tmp_path / "target" / "media").exists() or not any((tmp_path / "target" / "media").rglob("*.*"))

    restored = target("restore", "--from", str(backup))
    for step in ("check dump and manifest", "copy the SQLite database" if connection.vendor == "sqlite"
                 else "pg_restore --jobs 4", "compare row counts"):
        assert any(line.startswith(step) for line in restored.stdout.splitlines()), step
    checked = target("verify_files")
    assert f"{header['manifest']['entries']} khớp, 0 bị thiếu, 0 đã thay đổi" in checked.stdout
    audit = target("verify_audit")
    assert "Audit log intact" in audit.stdout and "Compared with checkpoint" in audit.stdout

    before = json.loads(source("shell", "--no-imports", "-c", _COUNTS).stdout)
    after = json.loads(target("shell", "--no-imports", "-c", _COUNTS).stdout)
    assert after == before == header["counts"]

    # Restoring again onto the now filled database is refused.
    again = target("restore", "--from", str(backup), expect=1)
    assert str(services.DATABASE_NOT_EMPTY).split(" (")[0] in again.stderr

    # A file lost on the restored machine is found by verify_files, with a non-zero exit.
    lost = tmp_path / "target" / "media" / entry["name"]
    lost.unlink()
    missing = target("verify_files", expect=1)
    assert f"missing: {entry['name']}" in missing.stderr
