"""The demo's records in a real browser (issue 16, "Done when"): the Provincial Office's 2018 file plan is
published, the seed notice's work is filed and the file closed; its owner hands it over to the Office's
archive (nộp lưu), and the archivist checks it against the plan and accepts it. Afterwards the file is
read-only, in the archive's custody. Screenshots at desktop width and on a 390 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lienthong.browser_tests.conftest import sign_in
from lienthong.demo.people import ARCHIVIST_USERNAME, PASSWORD
from lienthong.records.models import CaseFile

OWNER = "chuyenvien.vpubnd"


def _shots(page, folder, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def demo(live_server, transactional_db):
    """The demo province, loaded before the browser starts (its signing runs an event loop of its own)."""
    from lienthong.demo.builder import load_demo

    load_demo(scale=0, fast_pdfs=True)


@pytest.mark.browser
@pytest.mark.slow_once  # loads the demo province
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_seed_notices_file_is_handed_over_and_accepted_by_the_archive(live_server, demo, page, screenshot_dir):
    base = live_server.url
    sign_in(page, base, OWNER, PASSWORD)

    # The Office's 2018 plan is published.
    page.goto(base + "/ho-so/danh-muc/")
    page.get_by_role("link", name=re.compile("2018")).first.click()
    expect(page.locator("body")).to_contain_text("Đã ban hành")

    # The seed notice's work is filed, and its file closed, with its handover deadline.
    page.goto(base + "/ho-so/?state=closed")
    page.locator("table.files a").first.click()
    expect(page.locator("h1")).to_contain_text("Hồ sơ chấm điểm, xếp hạng mức độ ứng dụng công nghệ thông tin")
    expect(page.locator("body")).to_contain_text("32/TB-VP.UBND")
    expect(page.locator(".handover-panel")).to_contain_text("28/12/2019")
    number = page.locator("h1").inner_text().split(":")[0].replace("Hồ sơ", "").strip()

    # Its owner hands it over.
    page.get_by_role("link", name="Nộp lưu hồ sơ này").click()
    expect(page.locator("h1")).to_have_text("Nộp lưu hồ sơ vào Lưu trữ cơ quan")
    page.get_by_label(number).check()
    _shots(page, screenshot_dir, "handover-submit")
    page.get_by_role("button", name="Nộp lưu các hồ sơ đã chọn").click()
    expect(page.locator(".messages")).to_contain_text("Đã nộp lưu 1 hồ sơ")
    expect(page.locator("table.handover-items")).to_contain_text("Chờ kiểm tra")

    # The archivist checks it against the plan and accepts it.
    sign_in(page, base, ARCHIVIST_USERNAME, PASSWORD)
    page.goto(base + "/ho-so/luu-tru/")
    expect(page.locator("table.files")).to_contain_text(number)
    _shots(page, screenshot_dir, "archive-pending")
    page.goto(base + "/ho-so/nop-luu/")
    page.locator("table.grid a").filter(has_text="/").first.click()
    expect(page.locator("table.handover-items")).to_contain_text("Khớp danh mục hồ sơ")
    _shots(page, screenshot_dir, "handover-check")
    page.get_by_role("button", name="Nhận vào lưu trữ").click()
    expect(page.locator(".messages")).to_contain_text("Đã nhận hồ sơ")
    expect(page.locator("table.handover-items")).to_contain_text("Đã nhận")
    expect(page.locator("table.handover-items")).not_to_contain_text("Chờ kiểm tra")
    _shots(page, screenshot_dir, "handover-accepted")

    # In custody: read-only, the owner reads it only by request.
    case_file = CaseFile.objects.get(number=number, owner__username=OWNER)
    assert case_file.state == "accepted"
    sign_in(page, base, OWNER, PASSWORD)
    page.goto(base + f"/ho-so/{case_file.pk}/")
    expect(page.locator(".handover-panel")).to_contain_text("chỉ được đọc")
    expect(page.get_by_role("button", name="Đề nghị sử dụng hồ sơ")).to_be_visible()
    _shots(page, screenshot_dir, "file-in-custody")
