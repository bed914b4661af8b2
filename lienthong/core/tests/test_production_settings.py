"""Production mode settings: what they refuse to start without, the shared cache, the request-size limit the proxy
reads, hashed static files. The settings module is executed afresh with a chosen environment (runpy), so the
settings of the running tests are untouched."""

import re
import runpy
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from lienthong.core.caches import create_cache_table_after_migrate

SETTINGS = Path(__file__).resolve().parents[2] / "settings.py"
PRODUCTION = {
    "LIENTHONG_MODE": "production",
    "DJANGO_SECRET_KEY": "k" * 60,
    "DJANGO_ALLOWED_HOSTS": "vanban.example.gov.vn",
    "LIENTHONG_AUDIT_KEY": "a" * 40,
}


@pytest.fixture
def load(monkeypatch, tmp_path):
    """The settings module's names under ``environment`` (the keys given, nothing else of the mode's own)."""
    def load(**environment):
        for name in (*PRODUCTION, "DJANGO_SECRET_KEY_FILE", "LIENTHONG_CACHE_URL", "MAX_UPLOAD_MB",
                     "LIENTHONG_UPLOAD_MAX_FILES", "LIENTHONG_DEBUG"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LIENTHONG_VAR_DIR", str(tmp_path))
        monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))
    return load


def test_production_refuses_to_start_without_allowed_hosts(load):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS must be set in production mode"):
        load(**{**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""})


def test_production_refuses_to_start_without_a_secret_key_or_an_audit_key(load):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        load(**{**PRODUCTION, "DJANGO_SECRET_KEY": ""})
    with pytest.raises(ImproperlyConfigured, match="LIENTHONG_AUDIT_KEY"):
        load(**{**PRODUCTION, "LIENTHONG_AUDIT_KEY": ""})


def test_the_secret_key_can_come_from_a_file(load, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("s" * 60 + "\n")
    assert load(**{**PRODUCTION, "DJANGO_SECRET_KEY": "", "DJANGO_SECRET_KEY_FILE": str(key_file)})[
        "SECRET_KEY"] == "s" * 60
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY_FILE cannot be read"):
        load(**{**PRODUCTION, "DJANGO_SECRET_KEY": "", "DJANGO_SECRET_KEY_FILE": str(tmp_path / "missing")})


def test_production_never_caches_inside_one_process(load):
    assert load(**PRODUCTION)["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lienthong_cache"}
    redis = load(**PRODUCTION, LIENTHONG_CACHE_URL="redis://127.0.0.1:6379/1")["CACHES"]["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ImproperlyConfigured, match="LIENTHONG_CACHE_URL must be a redis://"):
        load(**PRODUCTION, LIENTHONG_CACHE_URL="memcached://127.0.0.1:11211")
    assert load()["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_the_proxy_limit_follows_the_upload_limits(load):
    assert load()["REQUEST_BODY_MAX_BYTES"] == (50 * 20 + 5 + 1) * 1024 * 1024
    assert load(MAX_UPLOAD_MB="1", LIENTHONG_UPLOAD_MAX_FILES="2")["REQUEST_BODY_MAX_BYTES"] == 8 * 1024 * 1024


def test_production_serves_static_files_under_hashed_names_and_checks_database_connections(load):
    production = load(**PRODUCTION, DATABASE_URL="postgres://lienthong@db.example:5432/lienthong")
    static_storage = production["STORAGES"]["staticfiles"]["BACKEND"]
    assert static_storage == "lienthong.core.staticfiles.GzipManifestStaticFilesStorage"
    assert production["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True
    assert load()["STORAGES"]["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_migrate_makes_the_database_cache_table_every_process_shares(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "lienthong_cache"}}
    assert "lienthong_cache" not in connection.introspection.table_names()
    create_cache_table_after_migrate(apps.get_app_config("contenttypes"), using="default", plan=[])
    assert "lienthong_cache" in connection.introspection.table_names()
    caches["default"].set("oversight-table", b"rendered", 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM lienthong_cache")
        assert cursor.fetchone()[0] == 1
    assert caches["default"].get("oversight-table") == b"rendered"


def test_the_environment_template_lists_every_variable_the_settings_read():
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', SETTINGS.read_text()))
    read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z0-9_]+)"', SETTINGS.read_text()))
    template = (SETTINGS.parents[1] / "deploy" / "lienthong.env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z0-9_]+)=", template, re.MULTILINE))
    assert "DATABASE_URL" in read and "LIENTHONG_VAR_DIR" in read
    assert read - listed == set()


def test_probes_on_plain_http_are_not_redirected_in_production(load):
    exempt = load(**PRODUCTION)["SECURE_REDIRECT_EXEMPT"]
    for path in ("healthz", "readyz", "metrics", "healthz/"):
        assert any(re.search(pattern, path) for pattern in exempt), path
    assert not any(re.search(pattern, "tai-khoan/dang-nhap/") for pattern in exempt)
