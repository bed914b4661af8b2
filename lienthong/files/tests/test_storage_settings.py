"""The file-store settings as an operator meets them: the S3 store built from LIENTHONG_S3_*, and production
mode refusing to start without a file store it can trust (run in a fresh process, as the server starts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {"LIENTHONG_MODE": "production", "DJANGO_ALLOWED_HOSTS": "vanban.example.gov.vn",
              "DJANGO_SECRET_KEY": "Xy9#pQ2!vR7$mN4&tL8*aB3cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV4wX5yZ6",
              "LIENTHONG_AUDIT_KEY": "audit-key-for-the-storage-check-0123456789abcdef"}
SHOW = ("from django.conf import settings; from django.core.files.storage import default_storage as s; "
        "import json; c = s.client_config; print(json.dumps({'backend': settings.STORAGES['default']['BACKEND'], "
        "'bucket': s.bucket_name, 'location': s.location, 'key': s.access_key, 'secret': s.secret_key, "
        "'params': s.object_parameters, 'verify': s.verify, 'overwrite': s.file_overwrite, "
        "'timeouts': [c.connect_timeout, c.read_timeout], 'retries': c.retries, 's3': c.s3}))")


def run(code: str, **env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("LIENTHONG_", "AWS_", "DJANGO_", "MEDIA_ROOT",
                                                                      "DATABASE_URL"))}
    full.update(env, DJANGO_SETTINGS_MODULE="lienthong.settings")
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=60)


def test_the_s3_store_is_built_from_the_environment_with_secrets_from_files(tmp_path):
    (tmp_path / "secret").write_text("s3cr3t-from-a-file\n")
    result = run(SHOW, LIENTHONG_S3_BUCKET="vanban-haugiang", LIENTHONG_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
                 LIENTHONG_S3_SECRET_ACCESS_KEY_FILE=str(tmp_path / "secret"), LIENTHONG_S3_PREFIX="/lienthong/",
                 LIENTHONG_S3_SSE="aws:kms", LIENTHONG_S3_SSE_KMS_KEY_ID="alias/vanban",
                 LIENTHONG_S3_CA_BUNDLE="/etc/ssl/certs/tinh-ca.pem", LIENTHONG_S3_ADDRESSING_STYLE="path",
                 LIENTHONG_S3_CONNECT_TIMEOUT="2", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "backend": "storages.backends.s3.S3Storage", "bucket": "vanban-haugiang", "location": "lienthong",
        "key": "AKIAEXAMPLE", "secret": "s3cr3t-from-a-file",
        "params": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/vanban"},
        "verify": "/etc/ssl/certs/tinh-ca.pem", "overwrite": True, "timeouts": [2, 20],
        "retries": {"max_attempts": 2, "mode": "standard"}, "s3": {"addressing_style": "path"},
    }


def test_production_refuses_a_bucket_without_credentials_unless_the_default_chain_is_chosen():
    refused = run("", LIENTHONG_S3_BUCKET="vanban-haugiang", **PRODUCTION)
    chosen = run("", LIENTHONG_S3_BUCKET="vanban-haugiang", LIENTHONG_S3_USE_DEFAULT_CREDENTIALS="1", **PRODUCTION)

    assert refused.returncode != 0
    assert "LIENTHONG_S3_BUCKET is set but no credentials" in refused.stderr
    assert chosen.returncode == 0, chosen.stderr


def test_production_refuses_to_start_without_a_file_store_it_was_told_about(tmp_path):
    refused = run("", **PRODUCTION)
    local = run("", MEDIA_ROOT=str(tmp_path / "media"), **PRODUCTION)

    assert refused.returncode != 0
    assert "Production mode needs a file store" in refused.stderr
    assert local.returncode == 0, local.stderr
