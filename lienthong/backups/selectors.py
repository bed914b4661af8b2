"""Reads for backups: the check of every stored object against its row, and what the database holds."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection

from lienthong.files.inventory import StoredObject, stored_objects

from .layout import file_digest, is_safe, parallel, stream_digest

MISSING = "missing"
CHANGED = "changed"


@dataclass(frozen=True)
class Problem:
    name: str
    kind: str  # MISSING or CHANGED
    detail: str = ""


@dataclass
class VerifyReport:
    checked: int = 0
    ok: int = 0
    missing: int = 0
    changed: int = 0
    without_hash: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first ``keep`` problems

    @property
    def failed(self) -> bool:
        return bool(self.missing or self.changed)


def local_root() -> Path | None:
    """The folder of the default storage when it is the local file system, else None (an object store)."""
    try:
        return Path(default_storage.path(""))
    except NotImplementedError:
        return None


def check_stored(obj: StoredObject, root: str | None = None) -> tuple[str, Problem | None]:
    """("ok" | "nohash" | MISSING | CHANGED, problem) for one object, read through the storage, streamed.
    ``root``: the local storage's folder, read with plain system calls (a million small files)."""
    if root is not None and not is_safe(obj.name):
        return CHANGED, Problem(obj.name, CHANGED, "name leaves the storage folder")
    try:
        if root is not None:
            digest, size = file_digest(f"{root}/{obj.name}")
        else:
            with default_storage.open(obj.name, "rb") as f:
                digest, size = stream_digest(f)
    except FileNotFoundError:
        return MISSING, Problem(obj.name, MISSING)
    except OSError as exc:
        if not default_storage.exists(obj.name):
            return MISSING, Problem(obj.name, MISSING)
        return CHANGED, Problem(obj.name, CHANGED, f"unreadable: {exc}")
    if obj.size is not None and size != obj.size:
        return CHANGED, Problem(obj.name, CHANGED, f"size {size}, recorded {obj.size}")
    if obj.sha256 is None:
        return "nohash", None
    if digest != obj.sha256:
        return CHANGED, Problem(obj.name, CHANGED, f"sha256 {digest}, recorded {obj.sha256}")
    return "ok", None


def verify_stored_files(*, jobs: int = 8, keep: int = 20, progress=None) -> VerifyReport:
    """Check every stored object the inventory lists against its recorded SHA-256 and size, on ``jobs``
    threads. Objects whose rows record no hash are checked for presence and size only (``without_hash``)."""
    report = VerifyReport()
    root = local_root()
    root_name = str(root) if root is not None else None
    objects = (obj for _label, obj in stored_objects())
    for outcome, problem in parallel(lambda obj: check_stored(obj, root_name), objects, jobs):
        report.checked += 1
        if outcome == "ok":
            report.ok += 1
        elif outcome == "nohash":
            report.without_hash += 1
        elif outcome == MISSING:
            report.missing += 1
        else:
            report.changed += 1
        if problem and len(report.problems) < keep:
            report.problems.append(problem)
        if progress and report.checked % 100_000 == 0:
            progress(report)
    return report


def table_names() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def table_counts() -> dict[str, int]:
    """Rows in every table of the database, by table name."""
    counts = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from introspection
            counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations() -> list[str]:
    if "django_migrations" not in table_names():
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def database_contents() -> str | None:
    """Why the database is not empty (a short description), or None when it holds no table at all."""
    tables = table_names()
    if not tables:
        return None
    migrations = applied_migrations()
    if migrations:
        return f"{len(migrations)} migrations applied"
    filled = [t for t, n in table_counts().items() if n]
    if filled:
        return f"rows in {', '.join(filled[:5])}"
    return f"{len(tables)} tables"


def storage_contents() -> str | None:
    """The name of one object the default storage already holds, or None when it holds none."""
    root = local_root()
    if root is not None:
        if not root.exists():
            return None
        stack = [root]
        while stack:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    else:
                        return str(Path(entry.path).relative_to(root))
        return None
    dirs, files = default_storage.listdir("")
    if files:
        return files[0]
    return f"{dirs[0]}/…" if dirs else None
