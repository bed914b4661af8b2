"""/healthz and /readyz as a load balancer and an operator see them: JSON, cheap, outside the login, the host
check and the HTTPS redirect; /readyz 503 with the failing check named for each thing that can fail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone

from lienthong.monitoring import checks, tasks
from lienthong.monitoring.services import heartbeat_beat

CHECK_NAMES = {"database", "storage", "worker", "migrations"}


@pytest.fixture
def worker_alive(db):
    tasks.worker_heartbeat()  # what the worker's every-minute job does


def _failing(body: dict) -> set[str]:
    return {name for name, result in body["checks"].items() if not result["ok"]}


def test_healthz_answers_without_the_database_the_login_or_the_host_check(db, django_assert_num_queries,
                                                                          settings):
    settings.SECURE_SSL_REDIRECT = True  # production: a probe over plain HTTP is not redirected
    with django_assert_num_queries(0):
        response = Client().get("/healthz", HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and "Content-Language" not in response
    assert "sessionid" not in response.cookies


def test_readyz_is_200_with_every_check_and_its_duration_when_all_pass(worker_alive, settings):
    response = Client().get("/readyz", HTTP_HOST="10.1.2.3")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and set(body["checks"]) == CHECK_NAMES
    for result in body["checks"].values():
        assert result["ok"] is True and result["duration_ms"] >= 0
    assert 0 <= body["checks"]["worker"]["heartbeat_age_seconds"] < 60
    media = settings.MEDIA_ROOT
    assert not list(media.rglob("readyz-*")) if media.exists() else True  # the storage probe cleaned up


def test_readyz_is_503_when_the_database_does_not_answer_and_shows_no_secret(worker_alive, monkeypatch):
    class Down:
        def cursor(self):
            raise OperationalError('connection to server at "db.internal" failed: password=s3cret-word')

    monkeypatch.setattr(checks, "connection", Down())

    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError",
                                          "duration_ms": body["checks"]["database"]["duration_ms"]}
    assert "database" in _failing(body) and "storage" not in _failing(body)
    assert b"s3cret" not in response.content and b"db.internal" not in response.content


def test_readyz_is_503_when_the_worker_never_beat_or_its_heartbeat_is_stale(db, settings):
    never = Client().get("/readyz")
    assert never.status_code == 503 and _failing(never.json()) == {"worker"}
    assert "no heartbeat" in never.json()["checks"]["worker"]["error"]

    settings.WORKER_HEARTBEAT_MAX_AGE = 120
    heartbeat_beat(now=timezone.now() - dt.timedelta(seconds=600))
    stale = Client().get("/readyz")
    assert stale.status_code == 503 and _failing(stale.json()) == {"worker"}
    assert "limit 120 s" in stale.json()["checks"]["worker"]["error"]

    heartbeat_beat()
    assert Client().get("/readyz").status_code == 200


def test_readyz_is_503_while_a_migration_is_not_applied(worker_alive):
    MigrationRecorder.Migration.objects.filter(app="monitoring", name="0001_initial").delete()

    response = Client().get("/readyz")

    assert response.status_code == 503 and _failing(response.json()) == {"migrations"}
    assert response.json()["checks"]["migrations"]["error"] == "1 migration(s) not applied"


def test_readyz_is_503_when_the_storage_cannot_be_written(worker_alive, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker

    response = Client().get("/readyz")

    assert response.status_code == 503 and _failing(response.json()) == {"storage"}
    assert str(blocker) not in response.content.decode()


def test_probes_refuse_writes(db):
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("LIENTHONG_LOG_FORMAT", "xml", "LIENTHONG_LOG_FORMAT must be 'json' or 'text'"),
    ("LIENTHONG_METRICS_ALLOWED", "127.0.0.1,khong-phai-dia-chi", "'khong-phai-dia-chi' is not an IP address"),
    ("LIENTHONG_ERROR_RETENTION_DAYS", "0", "LIENTHONG_ERROR_RETENTION_DAYS must be at least 1"),
])
def test_a_wrong_monitoring_setting_stops_the_start(variable, value, said):
    from lienthong.core.tests.test_settings import run_manage

    result = run_manage("check", **{variable: value})

    assert result.returncode != 0 and said in result.stderr
