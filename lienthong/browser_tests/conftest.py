"""Fixtures for tests that drive Debian's Chromium through Playwright against ``live_server``.

Playwright's sync API keeps an asyncio loop marked as running in the test thread. Django then (a)
refuses ORM calls there as "async-unsafe" although nothing runs concurrently, hence the flag below
(tests only), and (b) hands out connection objects that live in the loop's context instead of the
thread's. So the browser starts only after the test database is ready (a restore of the data
migrations' rows, ``serialized_rollback``, needs the thread's own connection), and the connections
opened while it ran are closed before it stops.
The browser is the system one (``apt install chromium``, see the Makefile): no browser download.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("LIENTHONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Runs write to var/screenshots (not tracked); the reviewed copies live in docs/screenshots.
SCREENSHOTS = Path(os.environ.get("LIENTHONG_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """Sign ``page`` in as ``username`` through the login form (any earlier session's cookies dropped first)
    and wait for the home page's greeting."""
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto(base_url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_contain_text("Xin chào")


@pytest.fixture
def page(live_server, transactional_db):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-packages` (apt install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            connections.close_all()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
