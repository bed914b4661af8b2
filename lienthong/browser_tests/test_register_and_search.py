"""A clerk's morning in a real browser: sign in, register an incoming notice with its PDF, then find
it again by typing the words without diacritics in the search box at the top of every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lienthong.testing.builders import PASSWORD, make_province, tiny_pdf
from lienthong.web.views import REGISTERED_INCOMING

SUBJECT = ("Kết luận của Phó Chủ tịch Thường trực UBND tỉnh về chấm điểm ứng dụng công nghệ thông tin")
QUERY = "ket luan cham diem ung dung cong nghe thong tin"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clerk_registers_an_incoming_notice_and_finds_it_by_search(live_server, page, screenshot_dir):
    make_province()

    # Sign in through the login page; anything else redirects there first.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/"))
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill("clerk.vp")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_contain_text("Xin chào")

    # Register the incoming notice.
    page.get_by_role("link", name="Đăng ký văn bản đến").click()
    expect(page.locator("h1")).to_have_text("Đăng ký văn bản đến")
    page.get_by_label("Số, ký hiệu").fill("32/TB-VP.UBND")
    page.get_by_label("Ngày ban hành").fill("2018-03-05")
    page.get_by_label("Loại văn bản").select_option(label="Thông báo")
    page.get_by_label("Cơ quan ban hành (trong danh mục)").select_option(
        label="Văn phòng Ủy ban nhân dân tỉnh Hậu Giang")
    page.get_by_label("Trích yếu").fill(SUBJECT)
    page.get_by_label("Người ký", exact=True).fill("Đồng Văn Thanh")
    page.get_by_label("Tệp đính kèm").set_input_files(
        {"name": "32-TB-VP.UBND.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("Thong bao 32")})
    page.screenshot(path=str(screenshot_dir / "register-incoming.png"), full_page=True)
    page.get_by_role("button", name="Vào sổ và lưu").click()

    expect(page.locator(".messages")).to_have_text(REGISTERED_INCOMING % {"n": 1})
    expect(page.locator(".subject")).to_have_text(SUBJECT)
    expect(page.get_by_role("link", name="32-TB-VP.UBND.pdf")).to_be_visible()

    # Find it again, typed the way people type on a phone: no diacritics.
    search = page.locator("header .quicksearch input[name=q]")
    search.fill(QUERY)
    search.press("Enter")
    expect(page.locator("h1")).to_have_text(f"Kết quả tìm kiếm “{QUERY}”")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_dir / "search-results.png"), full_page=True)
    hit = page.locator("ol.hits li").filter(has_text="32/TB-VP.UBND")
    expect(hit).to_have_count(1)
    hit.get_by_role("link").first.click()
    expect(page.locator(".subject")).to_have_text(SUBJECT)
