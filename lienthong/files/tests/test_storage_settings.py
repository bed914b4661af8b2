"""The file-store settings as an operator meets them: the S3 store built from LIENTHONG_S3_*, and production
mode refusing to start without a file store it can trust. The settings module is run afresh with the
environment given (``runpy``), as the server would read it at start."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import lienthong.settings

SETTINGS = Path(lienthong.settings.__file__)
PRODUCTION = {"LIENTHONG_MODE": "production", "DJANGO_ALLOWED_HOSTS": "vanban.example.gov.vn",
              "DJANGO_SECRET_KEY": "Xy9#pQ2!vR7$mN4&tL8*aB3cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV4wX5yZ6",
              "LIENTHONG_AUDIT_KEY": "audit-key-for-the-storage-check-0123456789abcdef"}


@pytest.fixture
def read_settings(monkeypatch, tmp_path):
    """``read_settings(**env)``: the settings module's names, read with only ``env`` (and a var folder)."""
    def read(**env) -> dict:
        for name in list(os.environ):
            if name.startswith(("LIENTHONG_", "AWS_", "DJANGO_", "MEDIA_ROOT", "DATABASE_URL")):
                monkeypatch.delenv(name)
        for name, value in {"LIENTHONG_VAR_DIR": str(tmp_path / "var"), **env}.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))
    return read


def test_the_s3_store_is_built_from_the_environment_with_secrets_from_files(read_settings, tmp_path):
    (tmp_path / "secret").write_text("s3cr3t-from-a-file\n")

    names = read_settings(
        LIENTHONG_S3_BUCKET="vanban-haugiang", LIENTHONG_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        LIENTHONG_S3_SECRET_ACCESS_KEY_FILE=str(tmp_path / "secret"), LIENTHONG_S3_PREFIX="/lienthong/",
        LIENTHONG_S3_SSE="aws:kms", LIENTHONG_S3_SSE_KMS_KEY_ID="alias/vanban",
        LIENTHONG_S3_CA_BUNDLE="/etc/ssl/certs/tinh-ca.pem", LIENTHONG_S3_ADDRESSING_STYLE="path",
        LIENTHONG_S3_ENDPOINT_URL="https://s3.tinh.gov.vn", LIENTHONG_S3_CONNECT_TIMEOUT="2", **PRODUCTION)

    default = names["STORAGES"]["default"]
    options = default["OPTIONS"]
    config = options.pop("client_config")
    transfer = options.pop("transfer_config")
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options == {
        "bucket_name": "vanban-haugiang", "endpoint_url": "https://s3.tinh.gov.vn", "region_name": None,
        "access_key": "AKIAEXAMPLE", "secret_key": "s3cr3t-from-a-file", "location": "lienthong",
        "file_overwrite": True, "default_acl": None, "querystring_auth": True,
        "object_parameters": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/vanban"},
        "verify": "/etc/ssl/certs/tinh-ca.pem",
    }
    assert (config.connect_timeout, config.read_timeout, config.retries, config.s3) == (
        2, 10, {"total_max_attempts": 2, "mode": "standard"}, {"addressing_style": "path"})
    assert (transfer.multipart_chunksize, transfer.max_concurrency, transfer.max_in_memory_upload_chunks) == (
        8 * 1024 * 1024, 2, 2)


def test_without_a_bucket_the_local_folder_is_the_store(read_settings, tmp_path):
    names = read_settings(MEDIA_ROOT=str(tmp_path / "media"))

    assert names["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert names["MEDIA_ROOT"] == tmp_path / "media"


@pytest.mark.parametrize("env, message", [
    ({"LIENTHONG_S3_BUCKET": "vanban"}, "LIENTHONG_S3_BUCKET is set but no credentials"),
    ({"LIENTHONG_S3_BUCKET": "vanban", "LIENTHONG_S3_ACCESS_KEY_ID": "AKIAEXAMPLE"},
     "must be set together"),
    ({"LIENTHONG_S3_BUCKET": "vanban", "LIENTHONG_S3_USE_DEFAULT_CREDENTIALS": "1", "LIENTHONG_S3_SSE": "AES"},
     "LIENTHONG_S3_SSE must be"),
    ({"LIENTHONG_S3_BUCKET": "vanban", "LIENTHONG_S3_USE_DEFAULT_CREDENTIALS": "1",
      "LIENTHONG_S3_SECRET_ACCESS_KEY_FILE": "/nonexistent/secret", "LIENTHONG_S3_ACCESS_KEY_ID": "AKIAEXAMPLE"},
     "LIENTHONG_S3_SECRET_ACCESS_KEY_FILE: cannot read"),
    ({}, "Production mode needs a file store"),
], ids=["bucket-without-credentials", "key-without-secret", "unknown-encryption", "unreadable-secret-file",
        "no-store-named"])
def test_production_refuses_to_start_with_an_incomplete_file_store(read_settings, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        read_settings(**env, **PRODUCTION)


def test_production_accepts_the_default_credential_chain_when_chosen(read_settings):
    names = read_settings(LIENTHONG_S3_BUCKET="vanban", LIENTHONG_S3_USE_DEFAULT_CREDENTIALS="1", **PRODUCTION)

    assert names["STORAGES"]["default"]["OPTIONS"]["access_key"] is None  # boto3's chain: AWS_*, profile, instance
