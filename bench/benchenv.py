"""Where a benchmark keeps its data: exactly where the application would, nowhere else.

Every bench script imports this module first. The database is ``DATABASE_URL`` when it is set; otherwise a
SQLite file of the benchmark's own (so the demo database is left alone) inside the var folder, which is
``LIENTHONG_VAR_DIR`` or ``var/`` of the checkout, as ``lienthong/settings.py`` decides it. Stored files go
to the application's ``MEDIA_ROOT`` (or its object store) and nothing is written under the source tree
unless the var folder is there. ``lienthong/core/tests/test_conventions.py`` keeps bench scripts from
building paths of their own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: imported from, never written to
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")


def var_dir() -> Path:
    """The application's var folder (``lienthong.settings.VAR_DIR``), computed before settings load."""
    return Path(os.environ.get("LIENTHONG_VAR_DIR", ROOT / "var"))


def default_database(filename: str) -> None:
    """Use ``DATABASE_URL``; without it, the SQLite file ``filename`` in the var folder."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir() / filename}")


def backend_pid() -> int | None:
    """The PostgreSQL backend process of this connection (None on SQLite). A step that closes the
    connection (django-q's ORM broker does when a task is queued) gets a new one: its CPU is then unknown."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def cpu_seconds() -> float:
    """CPU time used so far by this process plus its PostgreSQL backend (read from /proc: same machine).

    On a shared machine the wall-clock time of a step depends on the neighbours; the CPU it costs does not.
    On SQLite the database work is done inside this process, so the process time is all of it."""
    import time

    from django.db import connection

    total = time.process_time()
    if connection.vendor == "postgresql":
        pid = backend_pid()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return float("nan")
    return total


def machine_cpu_seconds() -> float:
    """CPU time used so far by the whole machine, every core and process (``/proc/stat``: user, nice, system,
    irq, softirq, steal). For steps whose work is spread over several processes or connections (an import that
    writes on a thread of its own, with its own PostgreSQL backend): on a quiet machine the difference over the
    step is the step's cost."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

