"""One request id from the answer's header to the log lines, the 500 page's reference and the background jobs
the request queued."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.test import Client, override_settings
from django_q.tasks import result

from lienthong.core import request_id as request_ids
from lienthong.core.jobs import enqueue
from lienthong.core.logs import JsonFormatter
from lienthong.core.request_id import RequestIdFilter
from lienthong.core.tests.test_settings import run_manage

TEST_URLS = "lienthong.monitoring.tests.urls"


@pytest.mark.django_db
def test_every_answer_carries_a_request_id_and_a_safe_incoming_one_is_kept():
    first = Client().get("/tai-khoan/dang-nhap/")["X-Request-ID"]
    second = Client().get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", first) and re.fullmatch(r"[0-9a-f]{16}", second) and first != second

    from_proxy = "4f1c2e6a-9b7d-4c3e-8a21-0d5e6f7a8b9c"
    assert Client().get("/healthz", HTTP_X_REQUEST_ID=from_proxy)["X-Request-ID"] == from_proxy
    for unsafe in ("abc", "x" * 65, "id with spaces", "<script>alert(1)</script>", "ab\ncd-efgh-1234"):
        answered = Client().get("/healthz", HTTP_X_REQUEST_ID=unsafe)["X-Request-ID"]
        assert answered != unsafe and re.fullmatch(r"[0-9a-f]{16}", answered)


@pytest.fixture
def json_lines():
    """The site's JSON log handler (formatter and filter as LOGGING configures them) on the lienthong logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("lienthong")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=TEST_URLS)
def test_a_log_line_written_during_a_request_is_json_with_its_request_id(json_lines):
    response = Client().get("/thu/log/")

    lines = [line for line in json_lines() if line["logger"] == "lienthong.monitoring.tests"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["message"] == "Một dòng nhật ký của yêu cầu" and line["level"] == "WARNING" and line["time"]


@pytest.mark.django_db
def test_a_log_line_outside_any_request_says_so(json_lines):
    logging.getLogger("lienthong.monitoring.tests").warning("Ngoài yêu cầu")
    assert json_lines()[-1]["request_id"] == "-"


def test_production_logs_are_json_lines_and_development_logs_text(tmp_path):
    say = ("shell", "-c", "import logging; logging.getLogger('lienthong.x').warning('Xin chào %s', 'bạn')")
    production = run_manage(*say, LIENTHONG_MODE="production", DJANGO_ALLOWED_HOSTS="vanban.example.gov.vn",
                            DJANGO_SECRET_KEY="Xy9#pQ2!vR7$mN4&tL8*aB3cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV4wX5yZ6",
                            LIENTHONG_AUDIT_KEY="audit-key-for-the-logging-check-0123456789abcdef",
                            MEDIA_ROOT=str(tmp_path / "media"))
    line = json.loads([raw for raw in production.stderr.splitlines() if raw.startswith("{")][-1])
    assert line["message"] == "Xin chào bạn" and line["logger"] == "lienthong.x" and line["request_id"] == "-"

    development = run_manage(*say)
    assert re.search(r"WARNING lienthong\.x \[-\] Xin chào bạn", development.stderr), development.stderr


@pytest.mark.django_db
def test_a_job_runs_in_the_worker_with_the_request_id_it_was_queued_with():
    with request_ids.bound("req-0123456789"):
        task_id = enqueue("lienthong.monitoring.tests.jobs.current_request_id")

    assert result(task_id) == "req-0123456789"  # what the worker returned (the queue is synchronous in tests)
    assert request_ids.current() is None


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=TEST_URLS)
def test_a_job_queued_by_a_request_carries_that_requests_id():
    response = Client().get("/thu/job/")

    assert result(response.json()["task"]) == response["X-Request-ID"]


@pytest.mark.django_db
def test_a_job_queued_outside_any_request_gets_an_id_of_its_own():
    task_id = enqueue("lienthong.monitoring.tests.jobs.current_request_id")

    assert re.fullmatch(r"[0-9a-f]{16}", result(task_id))
