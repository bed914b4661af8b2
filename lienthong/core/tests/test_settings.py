import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "LIENTHONG_DEBUG", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_production_mode_passes_the_deploy_check(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", LIENTHONG_MODE="production",
                        MEDIA_ROOT=str(tmp_path / "media"),
                        DJANGO_SECRET_KEY="Xy9#pQ2!vR7$mN4&tL8*aB3cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV4wX5yZ6",
                        DJANGO_ALLOWED_HOSTS="vanban.example.gov.vn",
                        LIENTHONG_AUDIT_KEY="audit-key-for-the-deploy-check-0123456789abcdef")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout and "WARNING" not in result.stdout + result.stderr


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage("check", LIENTHONG_MODE="production", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_pages_are_vietnamese_whatever_the_browser_asks_for(client, db):
    response = client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in response.content.decode() and response["Content-Language"] == "vi"
    client.post("/i18n/setlang/", {"language": "en", "next": "/tai-khoan/dang-nhap/"})
    assert client.get("/tai-khoan/dang-nhap/")["Content-Language"] == "en"
