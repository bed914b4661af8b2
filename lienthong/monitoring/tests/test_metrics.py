"""/metrics as Prometheus reads it: only from the allowed addresses (through the trusted proxies, as the login
throttle reads the client address), with request counts by route pattern and the database gauges moving
when requests, failed logins, verifications and queued jobs happen."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from lienthong.testing.builders import PASSWORD


def scrape(**extra) -> dict[tuple, float]:
    response = Client().get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.content.decode()) for s in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.django_db
def test_metrics_answer_the_allowed_addresses_only(settings):
    settings.METRICS_ALLOWED = ["127.0.0.1", "192.168.5.0/24"]

    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.168.5.40").get("/metrics").status_code == 200
    refused = Client(REMOTE_ADDR="10.0.0.9").get("/metrics")
    assert refused.status_code == 404 and b"lienthong" not in refused.content
    # Without a trusted proxy a forwarded address is not believed.
    assert Client(REMOTE_ADDR="10.0.0.9").get("/metrics", HTTP_X_FORWARDED_FOR="192.168.5.40").status_code == 404


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_client_address_decides(settings):
    settings.METRICS_ALLOWED = ["192.168.5.0/24"]
    settings.LIENTHONG_TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = Client(REMOTE_ADDR="10.0.0.1")

    assert proxy.get("/metrics", HTTP_X_FORWARDED_FOR="192.168.5.40").status_code == 200
    assert proxy.get("/metrics", HTTP_X_FORWARDED_FOR="192.168.5.40, 8.8.8.8").status_code == 404
    assert proxy.get("/metrics").status_code == 404  # the proxy itself is not the client


@pytest.mark.django_db
def test_requests_are_counted_by_route_pattern_and_status_never_by_raw_address(client):
    before = scrape()
    client.get("/tai-khoan/dang-nhap/")
    client.get("/khong-co-trang-nay-12345/")
    after = scrape()

    login = dict(route="tai-khoan/dang-nhap/", method="GET", status="200")
    assert value(after, "lienthong_http_requests_total", **login) == \
        value(before, "lienthong_http_requests_total", **login) + 1
    missing = dict(route="<unmatched>", method="GET", status="404")
    assert value(after, "lienthong_http_requests_total", **missing) == \
        value(before, "lienthong_http_requests_total", **missing) + 1
    latency = dict(route="tai-khoan/dang-nhap/", method="GET")
    assert value(after, "lienthong_http_request_duration_seconds_count", **latency) == \
        value(before, "lienthong_http_request_duration_seconds_count", **latency) + 1
    assert value(after, "lienthong_http_request_duration_seconds_bucket", le="30.0", **latency) >= 1
    assert not any("khong-co-trang-nay" in str(key) for key in after)


@pytest.mark.django_db
def test_a_route_with_an_id_is_counted_under_its_pattern(clerk_client):
    page = dict(route="van-ban/<int:document_id>/", method="GET", status="404")
    before = value(scrape(), "lienthong_http_requests_total", **page)
    clerk_client.get("/van-ban/987654321/")  # no such document: a 404 from the view, under its route

    samples = scrape()
    assert value(samples, "lienthong_http_requests_total", **page) == before + 1
    assert not any("987654321" in str(key) for key in samples)


@pytest.mark.django_db
def test_failed_logins_move_the_login_failure_gauge(client, province):
    before = value(scrape(), "lienthong_login_failures_5m")
    client.post("/tai-khoan/dang-nhap/", {"username": "clerk.vp", "password": "sai-mat-khau"})
    client.post("/tai-khoan/dang-nhap/", {"username": "clerk.vp", "password": PASSWORD + "x"})

    assert value(scrape(), "lienthong_login_failures_5m") == before + 2


@pytest.mark.django_db
def test_a_verified_pdf_moves_the_signature_verification_gauge(province, django_capture_on_commit_callbacks):
    from lienthong.documents.services import document_register_incoming
    from lienthong.testing.builders import doc_input, pdf_upload

    before = scrape()
    assert value(before, "lienthong_metrics_database_up") == 1
    with django_capture_on_commit_callbacks(execute=True):  # the verification job is queued on commit
        document_register_incoming(actor=province.users["clerk.vp"], agency=province.agencies["vp"],
                                   number_symbol="15/QĐ-BNV", issuer_name="Bộ Nội vụ",
                                   data=doc_input(files=[pdf_upload()]))
    after = scrape()

    assert value(after, "lienthong_signature_verifications", result="unsigned") == \
        value(before, "lienthong_signature_verifications", result="unsigned") + 1
    assert ("lienthong_signature_verifications", (("result", "valid"),)) in after  # every result is listed


@pytest.mark.django_db
def test_queued_jobs_failed_tasks_and_the_outbox_are_gauged(monkeypatch):
    from django_q.conf import Conf

    from lienthong.core.jobs import enqueue

    before = scrape()
    assert value(before, "lienthong_outbox_backlog", state="pending") == 0
    assert ("lienthong_outbox_backlog", (("state", "failed"),)) in before
    monkeypatch.setattr(Conf, "SYNC", False)  # a real queue: the job waits for the worker
    enqueue("lienthong.monitoring.tests.jobs.current_request_id")

    after = scrape()
    assert value(after, "lienthong_queue_depth") == value(before, "lienthong_queue_depth") + 1
    assert value(after, "lienthong_tasks_failed") == 0


@pytest.mark.django_db
def test_a_database_that_does_not_answer_still_gives_a_scrape(monkeypatch):
    from lienthong.monitoring import metrics

    def down():
        raise RuntimeError("database gone")

    monkeypatch.setattr(metrics.selectors, "queue_depth", down)
    samples = scrape()

    assert value(samples, "lienthong_metrics_database_up") == 0
    assert not any(name == "lienthong_queue_depth" for name, _labels in samples)
