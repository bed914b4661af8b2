"""Unhandled exceptions where the system administrator sees them: a record with the request id the user was
shown, in a read-only admin list for superusers only; failed background jobs too; old records pruned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from lienthong.accounts.models import User
from lienthong.accounts.services import user_create
from lienthong.core import request_id as request_ids
from lienthong.core.jobs import enqueue
from lienthong.monitoring import services, tasks
from lienthong.monitoring.models import ErrorRecord, ErrorSource
from lienthong.testing.builders import PASSWORD

TEST_URLS = "lienthong.monitoring.tests.urls"
ADMIN_LIST = "/quan-tri/monitoring/errorrecord/"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=TEST_URLS)
def test_an_unhandled_exception_is_recorded_with_the_reference_the_user_was_shown(province):
    client = Client(raise_request_exception=False)
    client.force_login(province.users["clerk.vp"])

    response = client.get("/thu/crash/?token=bi-mat")

    assert response.status_code == 500
    reference = response["X-Request-Reference"]
    assert reference == response["X-Request-ID"] and reference in response.content.decode()
    record = ErrorRecord.objects.get()
    assert (record.source, record.request_id, record.method, record.path, record.username) == \
        (ErrorSource.REQUEST, reference, "GET", "/thu/crash/", "clerk.vp")
    assert record.exception_type == "RuntimeError" and record.message == "bước thử gây lỗi"
    assert "def crash" in record.traceback or "in crash" in record.traceback
    assert "bi-mat" not in record.path  # the query string may hold a token: not kept


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=TEST_URLS)
def test_recording_never_raises_into_the_request(monkeypatch):
    def broken(**fields):
        raise RuntimeError("the error table is gone")

    monkeypatch.setattr(ErrorRecord.objects, "create", broken)

    response = Client(raise_request_exception=False).get("/thu/crash/")

    assert response.status_code == 500 and response["X-Request-Reference"] in response.content.decode()


@pytest.mark.django_db
def test_refused_and_missing_pages_are_not_errors(client):
    client.get("/khong-co-trang-nay/")
    assert not ErrorRecord.objects.exists()


@pytest.mark.django_db
def test_the_error_list_is_for_superusers_only():
    record = ErrorRecord.objects.create(source=ErrorSource.REQUEST, request_id="abcdef0123456789", method="GET",
                                        path="/van-ban/", exception_type="RuntimeError", message="hỏng",
                                        traceback="Traceback (most recent call last): ...")
    admin = user_create(username="quantri", password=PASSWORD, full_name="Quản trị", is_system_admin=True)
    staff = User.objects.create_user(username="nhanvien", password=PASSWORD, full_name="Nhân viên", is_staff=True)

    superuser = Client()
    superuser.force_login(admin)
    listing = superuser.get(ADMIN_LIST)
    assert listing.status_code == 200 and "abcdef0123456789" in listing.content.decode()
    assert superuser.get(f"{ADMIN_LIST}?q=abcdef0123456789").status_code == 200
    detail = superuser.get(f"{ADMIN_LIST}{record.pk}/change/")
    assert detail.status_code == 200 and "Traceback" in detail.content.decode()
    assert superuser.post(f"{ADMIN_LIST}{record.pk}/change/", {"message": "sửa"}).status_code == 403
    assert superuser.get(f"{ADMIN_LIST}add/").status_code == 403
    assert superuser.get(f"{ADMIN_LIST}{record.pk}/delete/").status_code == 403

    other = Client()
    other.force_login(staff)
    assert other.get(ADMIN_LIST).status_code == 403
    assert "errorrecord" not in other.get("/quan-tri/").content.decode()
    anonymous = Client().get(ADMIN_LIST)
    assert anonymous.status_code == 302 and "/quan-tri/login/" in anonymous["Location"]
    record.refresh_from_db()
    assert record.message == "hỏng"


@pytest.mark.django_db
def test_a_failed_job_is_recorded_with_the_request_id_it_was_queued_with():
    with request_ids.bound("req-job-failure-1"), pytest.raises(ValueError):
        enqueue("lienthong.monitoring.tests.jobs.fail")  # the synchronous queue re-raises, as django-q does

    record = ErrorRecord.objects.get()
    assert (record.source, record.request_id, record.path, record.exception_type) == \
        (ErrorSource.TASK, "req-job-failure-1", "lienthong.monitoring.tests.jobs.fail", "ValueError")
    assert record.message == "Tệp hỏng ở bước thử" and "raise ValueError" in record.traceback


@pytest.mark.django_db
def test_a_failed_scheduled_task_reported_by_the_cluster_is_recorded_once():
    failed = {"func": "lienthong.processing.tasks.send_deadline_reminders", "success": False,
              "result": "boom : Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'boom'\n"}
    services.on_task_executed("django_q", task=failed)
    services.on_task_executed("django_q", task={**failed, "success": True})
    services.on_task_executed("django_q", task={**failed, "func": "lienthong.core.jobs.run"})  # recorded by run

    record = ErrorRecord.objects.get()
    assert (record.source, record.path, record.exception_type, record.message) == \
        (ErrorSource.TASK, "lienthong.processing.tasks.send_deadline_reminders", "KeyError", "boom")


@pytest.mark.django_db
def test_error_records_older_than_the_retention_are_pruned_every_night(settings):
    settings.ERROR_RETENTION_DAYS = 30
    now = timezone.now()
    for days in (31, 29, 0):
        ErrorRecord.objects.create(source=ErrorSource.REQUEST, occurred_at=now - dt.timedelta(days=days),
                                   exception_type=f"E{days}")

    assert tasks.prune_error_records() == 1
    assert sorted(ErrorRecord.objects.values_list("exception_type", flat=True)) == ["E0", "E29"]
