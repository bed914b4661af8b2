"""The registry of scheduled jobs: every job's function imports and runs on an empty database, and migrate
makes exactly one django-q schedule per job, leaving the administrators' changes alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.module_loading import import_string
from django_q.models import Schedule

from lienthong.core import schedules

# Every daily job of the apps: a job dropped from its app's ready() (or added without a line here) fails here.
EXPECTED = {
    "lienthong.assessment.tasks.send_self_assessment_reminders": dt.time(7, 0),
    "lienthong.audit.tasks.write_audit_checkpoint": dt.time(0, 30),
    "lienthong.authority.tasks.announce_ended_grants": dt.time(6, 30),
    "lienthong.delivery.tasks.send_acknowledgement_reminders": dt.time(15, 30),
    "lienthong.followup.tasks.send_task_reminders": dt.time(6, 40),
    "lienthong.monitoring.tasks.prune_error_records": dt.time(2, 15),
    "lienthong.oversight.tasks.refresh_usage_stats": dt.time(1, 30),
    "lienthong.processing.tasks.send_deadline_reminders": dt.time(7, 0),
    "lienthong.records.tasks.send_handover_reminders": dt.time(7, 15),
    "lienthong.records.tasks.propose_disposals": dt.time(2, 10),
    "lienthong.signing.tasks.send_credential_expiry_warnings": dt.time(6, 30),
}
# Jobs every few minutes, by their interval.
EXPECTED_EVERY_MINUTES = {"lienthong.monitoring.tasks.worker_heartbeat": 1, "lienthong.exchange.tasks.push": 1,
                          "lienthong.exchange.tasks.pull": 2, "lienthong.oversight.tasks.refresh_current_month": 60}


def test_every_app_registers_its_jobs_once_and_they_live_in_the_apps_tasks_modules():
    jobs = schedules.jobs()
    assert {job.func: job.at for job in jobs if job.kind == schedules.DAILY} == EXPECTED
    assert {job.func: job.minutes for job in jobs if job.kind == schedules.MINUTES} == EXPECTED_EVERY_MINUTES
    for job in jobs:
        assert job.func.split(".")[2] == "tasks" and job.kind in (schedules.DAILY, schedules.MINUTES) and job.name
        assert not set(job.former) & (set(EXPECTED) | set(EXPECTED_EVERY_MINUTES))


@pytest.mark.django_db
@pytest.mark.parametrize("func", sorted(EXPECTED) + sorted(EXPECTED_EVERY_MINUTES))
def test_the_job_function_imports_and_runs_on_an_empty_database(func):
    import_string(func)()


@pytest.mark.django_db
def test_migrate_made_exactly_one_schedule_per_job():
    """The test database was made by migrate, as a new installation's is."""
    rows = list(Schedule.objects.values_list("func", "name", "schedule_type", "repeats"))
    jobs = {job.func: job for job in schedules.jobs()}
    assert sorted(func for func, *_rest in rows) == sorted(jobs)
    for func, name, kind, repeats in rows:
        assert (name, kind, repeats) == (jobs[func].name, jobs[func].kind, -1)
    assert {kind for _func, _name, kind, _repeats in rows} == {Schedule.DAILY, Schedule.MINUTES}
    heartbeat = Schedule.objects.get(func="lienthong.monitoring.tasks.worker_heartbeat")
    assert heartbeat.minutes == 1 and heartbeat.next_run <= dt.datetime.now(schedules.VIETNAM)  # runs at once
    first = Schedule.objects.get(func="lienthong.audit.tasks.write_audit_checkpoint").next_run
    assert first.astimezone(schedules.VIETNAM).time() == dt.time(0, 30)


@pytest.mark.django_db
def test_sync_again_keeps_what_administrators_changed_and_remakes_a_deleted_schedule():
    job = Schedule.objects.get(func="lienthong.processing.tasks.send_deadline_reminders")
    moved = dt.datetime(2030, 1, 2, 8, 15, tzinfo=schedules.VIETNAM)
    Schedule.objects.filter(pk=job.pk).update(next_run=moved, repeats=0, name="Nhắc hạn (tạm dừng)")
    Schedule.objects.filter(func="lienthong.oversight.tasks.refresh_usage_stats").delete()

    assert schedules.sync() == ["lienthong.oversight.tasks.refresh_usage_stats"]
    assert schedules.sync() == []
    job.refresh_from_db()
    assert (job.next_run, job.repeats, job.name) == (moved, 0, "Nhắc hạn (tạm dừng)")
    assert Schedule.objects.count() == len(EXPECTED) + len(EXPECTED_EVERY_MINUTES)


@pytest.mark.django_db
def test_a_schedule_made_under_a_job_functions_former_path_is_pointed_at_the_new_one():
    """Databases made before issue 13 hold schedules under the old paths (e.g. signing.services)."""
    Schedule.objects.filter(func="lienthong.signing.tasks.send_credential_expiry_warnings").update(
        func="lienthong.signing.services.credential_expiry_warnings", repeats=0)

    assert schedules.sync() == []
    job = Schedule.objects.get(func="lienthong.signing.tasks.send_credential_expiry_warnings")
    assert job.repeats == 0  # paused by an administrator: still paused
    assert not Schedule.objects.filter(func="lienthong.signing.services.credential_expiry_warnings").exists()


def test_a_job_registered_twice_differently_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    job = schedules.jobs()[0]
    assert schedules.register(job) == job  # the same declaration again (ready() run twice) is harmless
    with pytest.raises(ImproperlyConfigured):
        schedules.daily(job.func, name=job.name, at=dt.time(23, 59))
