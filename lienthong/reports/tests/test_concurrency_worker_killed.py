"""A background worker killed in the middle of a task (issue 14, faults): the django-q2 cluster is killed
with SIGKILL while it builds a report, a new cluster is started, the task is handed out again after the
retry delay and the report is built once: one build "done", one file, nothing left in the queue.

The clusters are real ``manage.py qcluster`` processes (through ``paused_worker``, which makes the first
attempt wait to be killed) on the test database, with a short timeout and retry delay (10 s and 20 s).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from lienthong.web.tests.servers import BASE_DIR, server_env

TIMEOUT_SECONDS, RETRY_SECONDS = 10, 20

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.xdist_group("processes")]


def _start_cluster(env: dict, log) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "lienthong.reports.tests.paused_worker"], cwd=BASE_DIR,
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    """The cluster and every worker it forked (its own process group)."""
    if process.poll() is None or sig == signal.SIGKILL:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def _wait(condition, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout} s; worker log:\n{log.read_text(errors='replace')[-3000:]}")


def test_a_report_build_whose_worker_was_killed_is_retried_and_built_once(computed, settings, tmp_path,
                                                                          monkeypatch):
    from django.db import connection
    from django_q.conf import Conf
    from django_q.models import OrmQ, Task

    from lienthong.reports import services
    from lienthong.reports.models import BuildState, ReportBuild
    from lienthong.testing.parallel import database_url

    p, council, campaign = computed
    monkeypatch.setattr(Conf, "SYNC", False)  # queue it for real: the clusters below run it
    build = services.report_build_request(actor=council, campaign=campaign, fmt="xlsx")
    assert OrmQ.objects.count() == 1

    flag, log = tmp_path / "paused", tmp_path / "qcluster.log"
    var = tmp_path / "var"
    var.mkdir()
    env = server_env(database_url=database_url(connection.settings_dict), media_root=str(settings.MEDIA_ROOT),
                     var_dir=str(var), Q_SYNC="0", Q_TIMEOUT_SECONDS=str(TIMEOUT_SECONDS),
                     Q_RETRY_SECONDS=str(RETRY_SECONDS), LIENTHONG_TEST_PAUSE_FILE=str(flag))
    connection.close()  # the clusters get the database to themselves (SQLite: no reader of ours in the way)

    first = _start_cluster(env, log)
    try:
        _wait(flag.exists, 60, "the first worker did not start the build", log)
        _kill(first)  # SIGKILL: no clean-up of any kind, as when a machine dies
    finally:
        _kill(first)
    stuck = ReportBuild.objects.get(pk=build.pk)
    assert stuck.state == BuildState.RUNNING and not stuck.file

    second = _start_cluster(env, log)
    try:
        _wait(lambda: ReportBuild.objects.get(pk=build.pk).state == BuildState.DONE and not OrmQ.objects.exists(),
              RETRY_SECONDS + 60, "the retried build did not finish and leave the queue", log)
    finally:
        _kill(second, signal.SIGTERM)

    done = ReportBuild.objects.get(pk=build.pk)
    assert (done.state, done.progress) == (BuildState.DONE, 100) and done.size > 1000
    files = [f for f in (settings.MEDIA_ROOT / "reports").rglob("*") if f.is_file()]
    assert [f.name for f in files] == [done.file.name.rsplit("/", 1)[-1]]
    [task] = Task.objects.all()  # django-q2's record of the task: one, successful (the killed try left none)
    # Queued through core.jobs.enqueue: the runner carries the request id, the function is its first argument.
    assert task.success and task.func == "lienthong.core.jobs.run"
    assert task.args[0] == "lienthong.reports.tasks.run_build"
    assert ReportBuild.objects.count() == 1


def test_a_build_running_in_a_live_worker_is_not_taken_twice(computed, settings):
    """The retried task only takes back a build older than the task timeout: a younger "running" build is
    still in a worker's hands and is left alone."""
    import datetime as dt

    from django.utils import timezone

    from lienthong.reports import services
    from lienthong.reports.models import BuildState, ReportBuild, ReportKind

    p, council, campaign = computed
    build = ReportBuild.objects.create(campaign=campaign, kind=ReportKind.PROVINCE, format="xlsx", requested_by=council,
                                       state=BuildState.RUNNING, started_at=timezone.now() - dt.timedelta(seconds=5))
    services.report_build_run(build_id=build.pk)
    assert ReportBuild.objects.get(pk=build.pk).state == BuildState.RUNNING

    ReportBuild.objects.filter(pk=build.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=settings.Q_TIMEOUT_SECONDS + 1))
    services.report_build_run(build_id=build.pk)
    assert ReportBuild.objects.get(pk=build.pk).state == BuildState.DONE
