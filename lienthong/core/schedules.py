"""One registry of the scheduled background jobs, and their django-q2 schedules made from it.

Each app declares its own jobs in its ``AppConfig.ready()`` with ``daily(...)``: the name administrators see,
the dotted path of the job function (in the app's ``tasks`` module), the time of day (Vietnam time) and the
kind of schedule; ``every_minutes(...)`` registers a job that runs every few minutes instead (the worker's
heartbeat). After every ``migrate`` (the ``post_migrate`` signal, connected
by the core app) ``sync`` makes the django-q ``Schedule`` rows from the registry: a job without a row gets one,
first run tomorrow at its time; a row that exists is left as the administrators set it in the admin (Django Q ›
Scheduled tasks: time, pause, repeats, name). Only its function path is updated when the job function moved
(``former`` paths), so a schedule made under an old path keeps running the job. The qcluster process
(``manage.py qcluster``) runs them.

Until issue 13 each schedule was made by a data migration of its app; those migrations are kept, empty, for
the migration graph.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.apps import apps as loaded_apps
from django.core.exceptions import ImproperlyConfigured

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DAILY = "D"  # django_q.models.Schedule.DAILY (not imported here: apps register while Django is loading)
MINUTES = "I"  # django_q.models.Schedule.MINUTES: every ``minutes`` minutes


@dataclass(frozen=True)
class Job:
    name: str  # shown in the admin; stored on the schedule when it is made
    func: str  # dotted path of the job function, ``lienthong.<app>.tasks.<function>``
    at: dt.time  # time of day, Vietnam time, of the first run (later runs follow the kind)
    kind: str = DAILY
    former: tuple[str, ...] = ()  # paths the function had before: their schedules are pointed at ``func``
    minutes: int | None = None  # the interval of a MINUTES job


_registry: dict[str, Job] = {}


def register(job: Job) -> Job:
    """Add ``job`` to the registry (from an ``AppConfig.ready()``); registering the same job again is harmless."""
    known = _registry.get(job.func)
    if known is not None and known != job:
        raise ImproperlyConfigured(f"scheduled job {job.func} registered twice, differently")
    _registry[job.func] = job
    return job


def daily(func: str, *, name: str, at: dt.time, former: tuple[str, ...] = ()) -> Job:
    """Register a job that runs every day at ``at`` (Vietnam time)."""
    return register(Job(name=name, func=func, at=at, kind=DAILY, former=former))


def every_minutes(func: str, *, name: str, minutes: int, former: tuple[str, ...] = ()) -> Job:
    """Register a job that runs every ``minutes`` minutes, the first time as soon as the worker runs."""
    if minutes < 1:
        raise ImproperlyConfigured(f"scheduled job {func}: minutes must be at least 1")
    return register(Job(name=name, func=func, at=dt.time(0, 0), kind=MINUTES, former=former, minutes=minutes))


def jobs() -> list[Job]:
    """Every registered job, by function path."""
    return sorted(_registry.values(), key=lambda job: job.func)


def _first_run(job: Job, *, now: dt.datetime | None = None) -> dt.datetime:
    if job.kind == MINUTES:
        return now or dt.datetime.now(VIETNAM)
    tomorrow = (now or dt.datetime.now(VIETNAM)).astimezone(VIETNAM).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, job.at, tzinfo=VIETNAM)


def sync(*, schedule_model=None, using: str = "default") -> list[str]:
    """Make the missing schedules of the registered jobs and point moved ones at the current path; leave every
    existing schedule's timing as it is. Returns the function paths of the schedules made (empty when all were
    there). ``schedule_model``: the ``Schedule`` model to write (the migration state's, from post_migrate)."""
    model = schedule_model or loaded_apps.get_model("django_q", "Schedule")
    rows = model.objects.using(using)
    made = []
    for job in jobs():
        if rows.filter(func=job.func).exists():
            continue
        if job.former and rows.filter(func__in=job.former).update(func=job.func):
            continue
        rows.create(func=job.func, name=job.name, schedule_type=job.kind, repeats=-1, next_run=_first_run(job),
                    **({"minutes": job.minutes} if job.kind == MINUTES else {}))
        made.append(job.func)
    return made


def sync_after_migrate(sender, *, using="default", apps=None, plan=None, **kwargs) -> None:
    """``post_migrate`` receiver: ``sync`` once per migrate (when django-q's own signal comes), in the database
    just migrated, and only when django-q's tables are there (a partial migrate of a new database). Not after
    ``flush``, which sends the signal too without a plan: emptying a database does not bring the schedules back,
    as it did not when data migrations made them (tests restore their rows from the migrated copy)."""
    if getattr(sender, "label", None) != "django_q" or plan is None:
        return
    try:
        model = (apps or loaded_apps).get_model("django_q", "Schedule")
    except LookupError:
        return
    sync(schedule_model=model, using=using)
