"""Issue 20 part B in a browser: a problem report travels from a user's page (with a screenshot taken in the browser
by html2canvas) to the operator's queue and back (answer, fixed in a release), and the Provincial Office's monthly
report shows the SLA figures."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lienthong.accounts.services import user_create
from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.browser_tests.conftest import sign_in
from lienthong.browser_tests.test_flow import browser  # noqa: F401 - the shared Chromium fixture
from lienthong.feedback.models import ProblemReport, Source
from lienthong.testing.builders import PASSWORD, make_province


def signed_in(browser, base: str, username: str) -> Page:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, username, PASSWORD)
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_goes_to_the_operator_and_back_with_sla_figures(live_server, browser, settings,  # noqa: F811
                                                                  tmp_path, screenshot_dir):
    settings.MEDIA_ROOT = tmp_path
    p = make_province()
    AssessmentAuthority.objects.create(agency=p.agencies["vp"], kind=AuthorityKind.OFFICE)
    user_create(username="vanhanh", password=PASSWORD, full_name="Tổ hỗ trợ vận hành", is_operator=True)
    base = live_server.url

    # --- The district's specialist reports from the drafts page, with a screenshot --------------------
    page = signed_in(browser, base, "specialist.huyen")
    page.goto(base + "/du-thao/?tab=mine")
    page.get_by_role("link", name="Báo lỗi / góp ý").click()
    dialog = page.locator("#fb-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Bạn gặp lỗi gì, hay muốn góp ý điều gì?").fill("Danh sách dự thảo không lọc theo năm")
    dialog.get_by_label("Đính kèm ảnh chụp màn hình trang đang xem").check()
    dialog.get_by_role("button", name="Gửi").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi báo lỗi / góp ý")
    assert page.url == base + "/du-thao/?tab=mine"  # back where the person was
    report = ProblemReport.objects.get()
    assert report.source == Source.PAGE and report.page_url == "/du-thao/?tab=mine"
    assert report.screenshot_type == "image/png" and report.screenshot_size > 1000  # html2canvas's PNG
    assert "Chrome" in report.user_agent and report.reporter_agency_id == p.agencies["huyen"].pk

    # --- The operator: the queue, the screenshot, classify, answer, fixed in a release ----------------
    op = signed_in(browser, base, "vanhanh")
    op.get_by_role("link", name=re.compile("Báo lỗi cần xử lý")).first.click()
    op.get_by_role("link", name="Danh sách dự thảo không lọc theo năm").click()
    expect(op.locator(".fb-facts").first).to_contain_text("Ủy ban nhân dân huyện Vị Thủy")
    with op.expect_popup() as shot:
        op.get_by_role("link", name="Xem ảnh").click()
    assert shot.value.evaluate("document.contentType") == "image/png"
    op.get_by_label("Phân loại", exact=True).select_option(label="Lỗi")
    op.get_by_label("Mức độ").select_option(label="Cao")
    op.get_by_role("button", name="Lưu phân loại").click()
    op.get_by_label("Trả lời người báo").fill("Đã tái hiện; bản sửa có trong phiên bản 2.4.0.")
    op.get_by_role("button", name="Gửi trả lời").click()
    expect(op.locator(".fb-thread")).to_contain_text("Đã tái hiện")
    op.get_by_label("Phiên bản đã sửa").fill("2.4.0")
    op.get_by_role("button", name="Đánh dấu đã sửa").click()
    expect(op.locator(".fb-facts").last).to_contain_text("sửa trong phiên bản 2.4.0")
    op.screenshot(path=str(screenshot_dir / "feedback-operator.png"), full_page=True)

    # --- Back to the reporter: notified, the answer and the release in "Góp ý của tôi" ----------------
    page.goto(base + "/gop-y/cua-toi/")
    expect(page.locator("table.fb-list")).to_contain_text("Đã sửa trong phiên bản 2.4.0")
    page.get_by_role("link", name="Danh sách dự thảo không lọc theo năm").click()
    expect(page.locator(".fb-thread")).to_contain_text("Đã tái hiện")
    page.goto(base + "/thong-bao/")
    expect(page.locator("body")).to_contain_text("đã được sửa trong phiên bản 2.4.0")

    # --- The Provincial Office's monthly report: the SLA figures ---------------------------------------
    office = signed_in(browser, base, "clerk.vp")
    office.get_by_role("link", name="Báo lỗi: báo cáo tháng").click()
    high = office.locator("table[data-fb-sla] tr[data-severity=high] td")
    expect(high.nth(1)).to_have_text("1")   # reports
    expect(high.nth(2)).to_have_text("1")   # answered within the SLA
    expect(high.nth(5)).to_have_text("1")   # fixed within the SLA
    expect(office.locator("[data-fb-rates]")).to_contain_text("100%")
    office.screenshot(path=str(screenshot_dir / "feedback-monthly.png"), full_page=True)
