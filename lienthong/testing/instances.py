"""Several real instances of this system on loopback, each a set of its own processes on its own database and
media folder, configured as exchange partners of each other (issue 15: the fault test, the hub run, the
end-to-end benchmark, the browser test across two instances).

An instance is, by default, one process (``instance_node serve``): it sets itself up on its first start, serves
the web (Django's development server, as ``runserver``, threaded) and runs the gateway's schedule (push/pull,
tight) in its main thread; killing it is the instance crashing. With ``server_kind`` "gunicorn" or "runserver"
(the benchmark) the web server and the schedule are separate processes. What else an instance does (issuing
documents, the counts) runs in a short-lived process of that instance (``instance_node``), through the
application's services. Partners talk through the own exchange API with HMAC
signatures, as two provinces' systems would.

Start-up is cheap: the database is migrated once into a template kept in ``var/cache/instances`` (SQLite: a
file; PostgreSQL, when ``DATABASE_URL`` points at one: a template database), keyed by the migration files, and
each instance's database is a copy of it. Nothing here imports Django at the top: the harness runs in a test
process or a benchmark, the instances in their own processes.

Instance ``i`` serves ``UBND tỉnh`` (``000.00.00.<P>``) and ``Sở TT&TT`` (``000.00.13.<P>``) with ``<P>`` =
``PROVINCES[i]``; keys ``ubnd.<name>`` and ``stttt.<name>``; the văn thư ``clerk.stttt.<name>``, password
``builders.PASSWORD``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PROVINCES = [("H30", "Hậu Giang"), ("H92", "Cần Thơ"), ("H31", "Sóc Trăng"), ("H29", "Bạc Liêu")]
SECRET = "khoa-bi-mat-lien-thong-thu-nghiem-0123456789"
# The gateway's timings, short: a failed send is tried again within a second or two, a send interrupted by a
# kill is taken up again after its lease, a dead peer is given up on quickly.
FAST_GATEWAY = {"EXCHANGE_RETRY_BASE_SECONDS": "1", "EXCHANGE_RETRY_MAX_SECONDS": "2",
                "EXCHANGE_MAX_ATTEMPTS": "100000", "EXCHANGE_TRANSPORT_TIMEOUT": "5",
                "EXCHANGE_SEND_LEASE_SECONDS": "8"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _var_dir() -> Path:
    return Path(os.environ.get("LIENTHONG_VAR_DIR", ROOT / "var"))


def _migrations_key() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("lienthong/*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXCHANGE_", "PYTEST", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "lienthong.settings", "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
                "LIENTHONG_DEBUG": "0", "DJANGO_ALLOW_ASYNC_UNSAFE": ""})
    return env


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def _pg_admin(url: str):
    import psycopg

    return psycopg.connect(_with_database(url, "postgres").replace("postgres://", "postgresql://", 1),
                           autocommit=True)


def _migrate(database_url: str) -> None:
    env = _base_env() | {"DATABASE_URL": database_url}
    done = subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{done.stderr[-4000:]}")


def template_database() -> str:
    """The DATABASE_URL of the migrated template (made once per set of migration files)."""
    key = _migrations_key()
    cache = _var_dir() / "cache" / "instances"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        pg = _postgres_url()
        if pg is not None:
            name = f"lt_instance_template_{key}"
            with _pg_admin(pg) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                    conn.execute(f'CREATE DATABASE "{name}_new"')
                    _migrate(_with_database(pg, f"{name}_new"))
                    conn.execute(f'ALTER DATABASE "{name}_new" RENAME TO "{name}"')
            return _with_database(pg, name)
        path = cache / f"template-{key}.sqlite3"
        if not path.exists():
            making = path.with_suffix(".new")
            making.unlink(missing_ok=True)
            _migrate(f"sqlite:///{making}")
            import sqlite3

            with contextlib.closing(sqlite3.connect(making)) as db:
                db.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to copy
            making.rename(path)
        return f"sqlite:///{path}"


@dataclass
class Instance:
    name: str
    index: int
    root: Path
    database_url: str
    port: int = field(default_factory=free_port)
    hub: bool = False
    server_kind: str = "serve"
    extra_env: dict[str, str] = field(default_factory=dict)
    setup_arguments: dict | None = None
    pump_arguments: dict | None = None
    server: subprocess.Popen | None = None
    pump: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def province(self) -> tuple[str, str]:
        return PROVINCES[self.index]

    @property
    def system_id(self) -> str:
        return f"lienthong-{self.name}"

    def agencies(self) -> list[dict]:
        code, place = self.province
        return [
            {"key": f"ubnd.{self.name}", "name": f"Ủy ban nhân dân tỉnh {place}", "abbreviation": "UBND",
             "short_name": f"UBND tỉnh {place}", "code": f"000.00.00.{code}", "place": place},
            {"key": f"stttt.{self.name}", "name": f"Sở Thông tin và Truyền thông tỉnh {place}",
             "abbreviation": "STTTT", "short_name": f"Sở TT&TT {place}", "code": f"000.00.13.{code}",
             "place": place},
        ]

    def codes(self) -> list[str]:
        return [a["code"] for a in self.agencies()]

    def env(self) -> dict[str, str]:
        media = self.root / "media"
        return _base_env() | FAST_GATEWAY | {
            "DATABASE_URL": self.database_url, "MEDIA_ROOT": str(media), "LIENTHONG_VAR_DIR": str(self.root / "var"),
            "EXCHANGE_SYSTEM_ID": self.system_id, "EXCHANGE_HUB": "1" if self.hub else "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "Q_SYNC": "0",
        } | self.extra_env

    def _log(self, what: str):
        return open(self.root / f"{what}.log", "ab")  # noqa: SIM115 - handed to the child process

    def run(self, operation: str, **arguments) -> dict:
        """One operation of ``instance_node`` in a process of this instance; its JSON answer."""
        done = subprocess.run([PYTHON, "-m", "lienthong.testing.instance_node", operation, json.dumps(arguments)],
                              cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(f"{self.name} {operation} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def pump_options(self, *, interval: float = 0.2, pull: bool = False, clerk: str = "", return_every: int = 0,
                     report: bool = True, report_every: float = 0.5) -> None:
        """What this instance's schedule does once started: push every ``interval`` s, pull too (``pull``), its
        văn thư ``clerk`` acting between rounds, the counts written to ``report_path`` after each round."""
        self.pump_arguments = {"interval": interval, "pull": pull, "clerk": clerk, "return_every": return_every,
                               "report": str(self.report_path) if report else "", "report_every": report_every}

    def start(self, *, timeout: float = 120) -> None:
        """Start the instance (and its schedule, when ``pump_options`` was called) and wait until it answers."""
        if self.server_kind == "serve":
            arguments = {"port": self.port, "setup_arguments": self.setup_arguments,
                         "pump_arguments": self.pump_arguments}
            command = [PYTHON, "-m", "lienthong.testing.instance_node", "serve", json.dumps(arguments)]
        elif self.server_kind == "gunicorn":
            command = [PYTHON, "-m", "gunicorn", "lienthong.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "2",
                       "--timeout", "120", "--graceful-timeout", "1"]
        else:
            command = [PYTHON, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}"]
        with self._log("server") as log:
            self.server = subprocess.Popen(command, cwd=ROOT, env=self.env(), stdout=log, stderr=log,
                                           start_new_session=True)
        if self.server_kind != "serve" and self.pump_arguments is not None:
            self.start_pump()
        deadline = time.monotonic() + timeout
        while True:
            if self.server.poll() is not None:
                raise RuntimeError(f"{self.name}: the server stopped; see {self.root / 'server.log'}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: the server did not answer in {timeout} s")
            time.sleep(0.1)

    def start_pump(self) -> None:
        """The schedule as a process of its own (web server kinds "gunicorn" and "runserver")."""
        assert self.server_kind != "serve" and self.pump_arguments is not None
        with self._log("pump") as log:
            self.pump = subprocess.Popen(
                [PYTHON, "-m", "lienthong.testing.instance_node", "pump", json.dumps(self.pump_arguments)],
                cwd=ROOT, env=self.env(), stdout=log, stderr=log, start_new_session=True)

    def kill(self) -> None:
        """The instance crashes: SIGKILL to its processes (web server and schedule)."""
        _stop(self.server, signal.SIGKILL)
        _stop(self.pump, signal.SIGKILL)
        self.server = self.pump = None

    def cpu_seconds(self) -> float:
        """CPU time used so far by this instance's running processes (web server with its workers, schedule), read
        from /proc; with their reaped children."""
        sessions = {p.pid for p in (self.server, self.pump) if p is not None and p.poll() is None}
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) in sessions:  # the session id (each instance process leads its own session)
                total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        return total

    @property
    def running(self) -> bool:
        return self.server is not None

    @property
    def report_path(self) -> Path:
        return self.root / "counts.json"

    def report(self) -> dict:
        """The counts the schedule wrote after its last round ({} before the first)."""
        try:
            return json.loads(self.report_path.read_text())
        except (OSError, ValueError):
            return {}

    def stop(self) -> None:
        _stop(self.pump, signal.SIGTERM)
        _stop(self.server, signal.SIGTERM)
        self.server = self.pump = None


def _stop(process: subprocess.Popen | None, sig: int) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


class Cluster:
    """``names`` instances under ``root``; ``hub``: the name of the instance the others exchange through (the
    others then know only the hub); ``via``: {(from, to): base_url} to put something (a faulty proxy) between
    two instances. Use as a context manager: the processes stop and the PostgreSQL databases go at the end."""

    def __init__(self, root: Path, names: list[str], *, hub: str | None = None, server_kind: str = "serve",
                 extra_env: dict[str, str] | None = None):
        self.root = Path(root)
        self.hub = hub
        template = template_database()
        self._pg_names: list[str] = []
        self.instances: dict[str, Instance] = {}
        for index, name in enumerate(names):
            folder = self.root / name
            (folder / "var").mkdir(parents=True, exist_ok=True)
            self.instances[name] = Instance(name=name, index=index, root=folder, hub=name == hub,
                                            database_url=self._copy(template, name, folder),
                                            server_kind=server_kind, extra_env=dict(extra_env or {}))

    def __getitem__(self, name: str) -> Instance:
        return self.instances[name]

    def _copy(self, template: str, name: str, folder: Path) -> str:
        pg = _postgres_url()
        if pg is None:
            path = folder / "lienthong.sqlite3"
            shutil.copyfile(template.removeprefix("sqlite:///"), path)
            return f"sqlite:///{path}"
        database = f"lt_instance_{os.getpid()}_{name}"
        with _pg_admin(pg) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{urlsplit(template).path.lstrip("/")}"')
        self._pg_names.append(database)
        return _with_database(pg, database)

    def configure(self, via: dict[tuple[str, str], str] | None = None) -> None:
        """Each instance's agencies, clerks, directory and partner rows (in parallel, one process each)."""
        via = via or {}
        everyone = list(self.instances.values())
        running = []
        for me in everyone:
            peers = [p for p in everyone if p is not me]
            if self.hub is not None and not me.hub:
                peers = [self.instances[self.hub]]
            partners = []
            for peer in peers:
                if me.hub:  # the hub routes by OrganId to the member serving it
                    organ_ids = "\n".join(peer.codes())
                elif peer.hub:  # a member sends everything not its own to the hub
                    organ_ids = "*"
                else:
                    organ_ids = "\n".join(peer.codes())
                partners.append({"name": f"Hệ thống tỉnh {peer.province[1]}", "kind": "instance",
                                 "base_url": via.get((me.name, peer.name), peer.url), "system_id": peer.system_id,
                                 "secret": SECRET, "organ_ids": organ_ids})
            external = [a for other in everyone if other is not me for a in other.agencies()]
            me.setup_arguments = {"agencies": me.agencies(), "external": external, "partners": partners,
                                  "password": "demo1234"}
            if me.server_kind != "serve":  # the serve process sets itself up on its first start
                running.append((me, subprocess.Popen(
                    [PYTHON, "-m", "lienthong.testing.instance_node", "setup", json.dumps(me.setup_arguments)],
                    cwd=ROOT, env=me.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
        for me, process in running:
            _out, err = process.communicate(timeout=300)
            if process.returncode != 0:
                raise RuntimeError(f"{me.name} setup failed:\n{err[-4000:]}")

    def start(self) -> None:
        """Start every instance, all at once, and wait until each answers."""
        with ThreadPoolExecutor(len(self.instances)) as pool:
            for done in [pool.submit(i.start) for i in self.instances.values()]:
                done.result()

    def stop(self) -> None:
        for instance in self.instances.values():
            instance.stop()
        pg = _postgres_url()
        if pg is not None and self._pg_names:
            with _pg_admin(pg) as conn:
                for database in self._pg_names:
                    conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            self._pg_names = []

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
