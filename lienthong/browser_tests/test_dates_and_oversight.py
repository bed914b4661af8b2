"""Issue 18 in a browser set to English (en-US): date inputs still show and submit dd/mm/yyyy, month inputs offer
Vietnamese month names; the reports page and the oversight dashboard at desktop and phone sizes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.browser_tests.conftest import CHROMIUM, CHROMIUM_ARGS
from lienthong.testing.builders import PASSWORD, make_province


@pytest.fixture
def en_page(live_server, transactional_db):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                      timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            connections.close_all()


def login(page, base, username):
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dates_read_and_write_day_first_in_an_english_browser(live_server, en_page, screenshot_dir):
    p = make_province()
    AssessmentAuthority.objects.create(agency=p.agencies["vp"], kind=AuthorityKind.OFFICE)
    page = en_page
    login(page, live_server.url, "clerk.vp")
    page.goto(live_server.url + "/van-ban/dang-ky-di/")
    issued = page.locator("input[name=issued_on]")
    assert issued.get_attribute("type") == "text" and issued.get_attribute("placeholder") == "dd/mm/yyyy"
    issued.click()
    expect(page.locator(".datepicker .dp-title")).to_have_text(re.compile(r"^Tháng \d{1,2}/\d{4}$"))
    page.screenshot(path=str(screenshot_dir / "datepicker-day-en-US.png"))
    page.locator(".datepicker .dp-nav").first.click()  # the month before
    page.locator(".datepicker .dp-cell", has_text=re.compile(r"^7$")).click()
    expect(issued).to_have_value(re.compile(r"^07/\d{2}/\d{4}$"))
    typed = issued.input_value()

    # what the form submits is read day first: a refused form gives the same text back
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=issued_on]")).to_have_value(typed)

    page.goto(live_server.url + "/giam-sat/")
    month = page.locator("input[name=month_to]")
    assert re.fullmatch(r"\d{2}/\d{4}", month.input_value())
    month.click()
    expect(page.locator(".datepicker .dp-cell").first).to_have_text("Tháng 1")
    page.locator(".datepicker .dp-cell", has_text="Tháng 10").click()
    expect(month).to_have_value(re.compile(r"^10/\d{4}$"))
    page.screenshot(path=str(screenshot_dir / "datepicker-month-en-US.png"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reports_page_and_dashboard_at_desktop_and_phone_sizes(live_server, page, screenshot_dir):
    p = make_province()
    AssessmentAuthority.objects.create(agency=p.agencies["vp"], kind=AuthorityKind.OFFICE)
    login(page, live_server.url, "clerk.vp")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + "/bao-cao/")
        expect(page.locator("h1")).to_have_text("Báo cáo, thống kê")
        page.screenshot(path=str(screenshot_dir / f"reports-home-{width}.png"), full_page=True)
        page.goto(live_server.url + "/giam-sat/")
        expect(page.locator(".kpi-tiles article").first).to_be_visible()
        page.screenshot(path=str(screenshot_dir / f"oversight-tiles-{width}.png"), full_page=True)
