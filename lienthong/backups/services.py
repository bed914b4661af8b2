"""Backup and restore of the whole system: the database and every stored object, described at one instant.

PostgreSQL: a REPEATABLE READ, READ ONLY transaction exports its snapshot (``pg_export_snapshot``),
``pg_dump --snapshot`` dumps exactly that snapshot while the same transaction lists the stored objects,
the row counts and the applied migrations, so the dump, the manifest and the header describe one instant
while the system keeps serving. SQLite: the online backup API copies the database, and the listing is read
from that copy. Files are copied (under their storage names) only when the storage is the local folder; an
object store keeps its own versions and replicas, and the backup then holds the manifest only.

Restore refuses anything it could damage: a backup whose dump, manifest or copied files do not match their
recorded SHA-256, a database that already holds tables, a storage that already holds objects. All of that
is checked before the first byte is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils.translation import gettext_lazy as _

from lienthong.core.errors import DomainError
from lienthong.files.inventory import StoredObject, stored_objects

from . import layout
from .layout import Entry, Folders, copy_with_digest, file_digest, is_safe, parallel, stream_digest
from .selectors import (
    applied_migrations,
    database_contents,
    local_root,
    storage_contents,
    table_counts,
)

DIR_NOT_EMPTY = _("Thư mục sao lưu %(path)s đã có dữ liệu: hãy chỉ định một thư mục mới hoặc trống.")
IN_TRANSACTION = _("Không thể sao lưu từ bên trong một giao dịch cơ sở dữ liệu đang mở.")
TOOL_FAILED = _("Công cụ %(tool)s báo lỗi (mã %(code)s): %(error)s")
NOT_A_BACKUP = _("%(path)s không phải là một bản sao lưu đọc được: %(error)s")
WRONG_VENDOR = _("Bản sao lưu được tạo từ cơ sở dữ liệu %(backup)s, không phục hồi được vào %(target)s.")
PART_CHANGED = _("Tệp %(name)s của bản sao lưu bị thiếu hoặc đã thay đổi (SHA-256 hoặc kích thước khác với "
                 "header.json): không phục hồi.")
DATABASE_NOT_EMPTY = _("Cơ sở dữ liệu đích không trống (%(detail)s): chỉ phục hồi vào một cơ sở dữ liệu mới, "
                       "chưa có bảng nào.")
STORAGE_NOT_EMPTY = _("Kho tệp đích không trống (đã có %(name)s): chỉ phục hồi vào một kho tệp trống.")
FILES_CHANGED = _("%(count)s tệp trong bản sao lưu bị thiếu hoặc đã thay đổi so với manifest, "
                  "ví dụ %(names)s: không phục hồi.")
UNSAFE_NAME = _("Manifest có tên tệp không hợp lệ: %(name)s.")
COUNTS_DIFFER = _("Số dòng sau khi phục hồi khác với bản sao lưu ở các bảng: %(tables)s.")

Log = Callable[[str], None]


class BackupRefused(DomainError):
    code = "backup_refused"


@dataclass
class Listing:
    entries: int = 0
    bytes: int = 0
    copied: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    folder: Path
    header: dict
    steps: list[tuple[str, float]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole command


class _Steps:
    """Times each step and tells the operator as it ends."""

    def __init__(self, log: Log):
        self.log = log
        self.started = time.perf_counter()
        self.done: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def step(self, label: str):
        started = time.perf_counter()
        yield
        self.record(label, time.perf_counter() - started)

    def record(self, label: str, seconds: float) -> None:
        self.done.append((label, seconds))
        self.log(f"{label}: {seconds:.1f} s")


def app_version() -> str:
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def postgres_env() -> dict[str, str]:
    """libpq's environment for the default database: the password travels in PGPASSWORD, never in argv."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("USER", "PGUSER"), ("HOST", "PGHOST"), ("PORT", "PGPORT"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


# --- Backup ---------------------------------------------------------------------------------------------------


def _entry_for(label: str, obj: StoredObject, root: str | None, files: str | None, folders: Folders) -> Entry:
    """The manifest entry of one object; copies it into ``files`` when the storage is local."""
    try:
        if root is not None:
            if not is_safe(obj.name):
                raise FileNotFoundError(obj.name)
            digest, size = copy_with_digest(f"{root}/{obj.name}", folders.parent_of(f"{files}/{obj.name}"))
        elif obj.sha256 is None or obj.size is None:
            with default_storage.open(obj.name, "rb") as f:
                digest, size = stream_digest(f)
        else:  # an object store: its rows already record hash and size; verify_files reads the bytes
            return Entry(obj.name, obj.sha256, obj.size, label)
    except (FileNotFoundError, IsADirectoryError):
        return Entry(obj.name, obj.sha256 or "", obj.size or 0, label, problem="missing")
    entry = Entry(obj.name, obj.sha256 or digest, size if obj.size is None else obj.size, label)
    if digest != entry.sha256 or size != entry.size:
        entry.problem = "changed"
        entry.copied_sha256 = digest
        entry.copied_size = size
    return entry


def _write_manifest(path: Path, files: Path | None, jobs: int) -> Listing:
    root = local_root()
    root_name = str(root) if root is not None else None
    files_name = str(files) if files is not None else None
    folders = Folders()
    listing = Listing()
    with path.open("w", encoding="utf-8") as out:
        for entry in parallel(lambda item: _entry_for(item[0], item[1], root_name, files_name, folders),
                              stored_objects(), jobs):
            out.write(entry.to_line())
            listing.entries += 1
            listing.bytes += entry.size
            if root is not None and entry.problem != "missing":
                listing.copied += 1
            if entry.problem and len(listing.problems) < 20:
                listing.problems.append(f"{entry.name}: {entry.problem}")
    return listing


def _describe(path: Path) -> dict:
    digest, size = file_digest(path)
    return {"name": path.name, "sha256": digest, "size": size}


@contextlib.contextmanager
def _reading_sqlite_copy(path: Path):
    """Point the default connection at another SQLite file for the duration (this process only)."""
    connection.close()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def backup_create(target: Path, *, jobs: int = 8, log: Log = lambda _line: None) -> Outcome:
    """Write a backup into ``target`` (missing or empty): first into ``target.partial``, renamed at the end."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupRefused(DIR_NOT_EMPTY % {"path": target})
    if connection.in_atomic_block:
        raise BackupRefused(IN_TRANSACTION)
    partial = target.with_name(target.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)  # what an interrupted backup left
    partial.mkdir(parents=True)
    steps = _Steps(log)
    vendor = connection.vendor
    dump = partial / layout.DUMPS[vendor]
    files = partial / layout.FILES if local_root() is not None else None
    try:
        if files is not None:
            files.mkdir()
        with steps.step("database dump and manifest"):
            if vendor == "postgresql":
                listing, counts, migrations = _backup_postgresql(dump, partial / layout.MANIFEST, files, jobs)
            else:
                listing, counts, migrations = _backup_sqlite(dump, partial / layout.MANIFEST, files, jobs)
        with steps.step("audit checkpoints"):
            checkpoints = Path(settings.AUDIT_CHECKPOINT_DIR)
            copied_checkpoints = 0
            if checkpoints.is_dir():
                shutil.copytree(checkpoints, partial / layout.CHECKPOINTS)
                copied_checkpoints = sum(1 for p in (partial / layout.CHECKPOINTS).rglob("*") if p.is_file())
        with steps.step("hashes of the dump and manifest"):
            header = {
                "format": layout.FORMAT,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "vendor": vendor,
                "app_version": app_version(),
                "migrations": migrations,
                "counts": counts,
                "dump": _describe(dump),
                "manifest": {**_describe(partial / layout.MANIFEST), "entries": listing.entries,
                             "bytes": listing.bytes},
                "files_copied": files is not None,
                "storage": f"{default_storage.__class__.__module__}.{default_storage.__class__.__name__}",
                "audit_checkpoints": copied_checkpoints,
                "problems": listing.problems,
            }
            (partial / layout.HEADER).write_text(json.dumps(header, ensure_ascii=False, indent=1), encoding="utf-8")
        if target.exists():
            target.rmdir()
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Outcome(target, header, steps.done, listing.problems, time.perf_counter() - steps.started)


def _backup_postgresql(dump: Path, manifest: Path, files: Path | None, jobs: int):
    connection.ensure_connection()
    with transaction.atomic(), tempfile.TemporaryFile() as errors:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        dumper = subprocess.Popen(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                                  env=postgres_env(), stdout=subprocess.DEVNULL, stderr=errors)
        try:
            counts = table_counts()
            migrations = applied_migrations()
            listing = _write_manifest(manifest, files, jobs)
        except BaseException:
            dumper.kill()
            dumper.wait()
            raise
        code = dumper.wait()  # the snapshot must live until pg_dump ends: the transaction stays open
        if code:
            errors.seek(0)
            raise BackupRefused(TOOL_FAILED % {"tool": "pg_dump", "code": code,
                                               "error": errors.read().decode(errors="replace")[-2000:]})
    return listing, counts, migrations


def _backup_sqlite(dump: Path, manifest: Path, files: Path | None, jobs: int):
    connection.ensure_connection()
    copy = sqlite3.connect(dump)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    with _reading_sqlite_copy(dump):
        counts = table_counts()
        migrations = applied_migrations()
        listing = _write_manifest(manifest, files, jobs)
    for suffix in ("-wal", "-shm"):  # reading the copy in WAL mode leaves none once closed; never ship one
        Path(f"{dump}{suffix}").unlink(missing_ok=True)
    return listing, counts, migrations


# --- Restore --------------------------------------------------------------------------------------------------


def _check_part(folder: Path, described: dict) -> Path:
    path = folder / described["name"]
    if not path.is_file() or file_digest(path) != (described["sha256"], described["size"]):
        raise BackupRefused(PART_CHANGED % {"name": path})
    return path


def _check_copy(files: str, entry: Entry) -> str | None:
    """None when the copied file matches the manifest, else the entry's name."""
    try:
        digest, size = file_digest(f"{files}/{entry.name}")
    except (FileNotFoundError, IsADirectoryError):
        return entry.name
    expected_size = entry.copied_size if entry.copied_size is not None else entry.size
    return None if (digest, size) == (entry.expected_copy_sha256, expected_size) else entry.name


def backup_check(folder: Path, *, jobs: int = 8, log: Log = lambda _line: None,
                 steps: _Steps | None = None) -> dict:
    """Check a backup folder without touching anything: the header, the dump's and the manifest's own
    SHA-256, and every copied file against the manifest. Returns the header; raises BackupRefused."""
    folder = Path(folder)
    steps = steps or _Steps(log)
    try:
        header = layout.read_header(folder)
    except (OSError, ValueError, KeyError) as exc:
        raise BackupRefused(NOT_A_BACKUP % {"path": folder, "error": exc}) from exc
    with steps.step("check dump and manifest"):
        _check_part(folder, header["dump"])
        manifest = _check_part(folder, header["manifest"])
    for entry in layout.read_manifest(manifest):
        if not is_safe(entry.name):
            raise BackupRefused(UNSAFE_NAME % {"name": entry.name})
    if header["files_copied"]:
        with steps.step(f"check {header['manifest']['entries']} copied files"):
            files = str(folder / layout.FILES)
            wanted = (e for e in layout.read_manifest(manifest) if e.problem != "missing")
            bad: list[str] = []
            count = 0
            for name in parallel(lambda e: _check_copy(files, e), wanted, jobs):
                if name is not None:
                    count += 1
                    if len(bad) < 5:
                        bad.append(name)
            if count:
                raise BackupRefused(FILES_CHANGED % {"count": count, "names": ", ".join(bad)})
    return header


def backup_restore(folder: Path, *, jobs: int = 4, log: Log = lambda _line: None) -> Outcome:
    """Restore a backup onto an empty database and an empty storage, after checking every part of it."""
    folder = Path(folder)
    steps = _Steps(log)
    try:
        header = layout.read_header(folder)
    except (OSError, ValueError, KeyError) as exc:
        raise BackupRefused(NOT_A_BACKUP % {"path": folder, "error": exc}) from exc
    if header.get("vendor") != connection.vendor:
        raise BackupRefused(WRONG_VENDOR % {"backup": header.get("vendor"), "target": connection.vendor})
    detail = database_contents()
    if detail:
        raise BackupRefused(DATABASE_NOT_EMPTY % {"detail": detail})
    if header["files_copied"]:
        existing = storage_contents()
        if existing:
            raise BackupRefused(STORAGE_NOT_EMPTY % {"name": existing})
    backup_check(folder, jobs=jobs, steps=steps)
    dump = folder / header["dump"]["name"]
    copy_label = f"copy {header['manifest']['entries']} files into the storage"
    if connection.vendor == "postgresql":
        # pg_restore works in the database server's processes, the file copies in this one: side by side.
        started = time.perf_counter()
        connections.close_all()
        with tempfile.TemporaryFile() as errors:
            # More memory for the index builds, no wait for the WAL flush at each commit: a failed restore is
            # started again from an empty database anyway. An operator's own PGOPTIONS wins.
            env = {"PGOPTIONS": "-c maintenance_work_mem=256MB -c synchronous_commit=off", **postgres_env()}
            restorer = subprocess.Popen(
                ["pg_restore", f"--jobs={max(1, jobs)}", "--no-owner", "--no-acl", "--exit-on-error",
                 f"--dbname={connection.settings_dict['NAME']}", str(dump)],
                env=env, stdout=subprocess.DEVNULL, stderr=errors)
            try:
                if header["files_copied"]:
                    with steps.step(copy_label + " (while pg_restore runs)"):
                        _restore_files(folder, jobs)
            except BaseException:
                restorer.kill()
                restorer.wait()
                raise
            code = restorer.wait()
            steps.record(f"pg_restore --jobs {jobs} (from its start)", time.perf_counter() - started)
            if code:
                errors.seek(0)
                raise BackupRefused(TOOL_FAILED % {"tool": "pg_restore", "code": code,
                                                   "error": errors.read().decode(errors="replace")[-2000:]})
        with steps.step("analyze"):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    else:
        with steps.step("copy the SQLite database"):
            _restore_sqlite(dump)
        if header["files_copied"]:
            with steps.step(copy_label):
                _restore_files(folder, jobs)
    problems = list(header.get("problems", []))
    with steps.step("audit checkpoints"):
        source = folder / layout.CHECKPOINTS
        if source.is_dir():
            shutil.copytree(source, Path(settings.AUDIT_CHECKPOINT_DIR), dirs_exist_ok=True)
    with steps.step("compare row counts"):
        counts = table_counts()
        differ = sorted(t for t in set(counts) | set(header["counts"]) if counts.get(t) != header["counts"].get(t))
        if differ:
            raise BackupRefused(COUNTS_DIFFER % {"tables": ", ".join(differ[:10])})
    return Outcome(folder, header, steps.done, problems, time.perf_counter() - steps.started)


def _restore_sqlite(dump: Path) -> None:
    name = Path(connection.settings_dict["NAME"])
    connections.close_all()
    temporary = name.with_name(name.name + ".restoring")
    shutil.copyfile(dump, temporary)
    with temporary.open("rb+") as f:
        os.fsync(f.fileno())
    for suffix in ("-wal", "-shm"):  # those of the empty database, which must not be replayed onto the copy
        Path(f"{name}{suffix}").unlink(missing_ok=True)
    os.replace(temporary, name)


def _restore_files(folder: Path, jobs: int) -> None:
    files = str(folder / layout.FILES)
    manifest = folder / layout.MANIFEST
    root = local_root()
    root_name = str(root) if root is not None else None
    mode = getattr(default_storage, "file_permissions_mode", None) or 0o666  # FileSystemStorage's settings
    folders = Folders(getattr(default_storage, "directory_permissions_mode", None) or 0o777)

    def put(entry: Entry) -> None:
        source = f"{files}/{entry.name}"
        if root_name is not None:
            copy_with_digest(source, folders.parent_of(f"{root_name}/{entry.name}"), mode)
        else:
            with open(source, "rb") as f:
                saved = default_storage.save(entry.name, File(f, name=entry.name))
            if saved != entry.name:  # the storage renamed it: the row would not find it
                raise BackupRefused(STORAGE_NOT_EMPTY % {"name": entry.name})

    for _done in parallel(put, (e for e in layout.read_manifest(manifest) if e.problem != "missing"), jobs):
        pass
