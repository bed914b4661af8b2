"""The search results page with its count, facets and orders, and the two as-you-type helpers (number
completion in the search box, the issuing-agency picker of the registration form), in a real browser at
desktop width and on a 390 px phone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from lienthong.documents import services
from lienthong.testing.builders import PASSWORD, doc_input, make_province


def _documents(province) -> None:
    clerk, vp = province.users["clerk.vp"], province.agencies["vp"]
    today = dt.date(2018, 3, 20)
    for n, (type_code, subject) in enumerate([
        ("thong-bao", "Thông báo kết luận về phòng chống dịch bệnh trên gia súc, gia cầm"),
        ("cong-van", "Về việc tăng cường phòng chống dịch bệnh mùa mưa"),
        ("ke-hoach", "Kế hoạch phòng chống dịch bệnh năm 2018 trên địa bàn tỉnh Hậu Giang"),
        ("thong-bao", "Thông báo phân công trực phòng chống dịch dịp Tết Nguyên đán"),
    ]):
        services.document_register_outgoing(actor=clerk, agency=vp, data=doc_input(
            type_code, subject, issued_on=today - dt.timedelta(days=9 - n)), today=today)
    for n in range(3):
        services.document_register_incoming(
            actor=clerk, agency=vp, data=doc_input("bao-cao", f"Báo cáo tình hình phòng chống dịch bệnh tuần {n + 1}",
                                                   issued_on=dt.date(2018, 3, 1 + n)),
            number_symbol=f"{32 + n}/BC-STTTT", issuer_agency=province.agencies["stttt"], today=today)


def _login(page, live_server) -> None:
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("clerk.vp")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_contain_text("Xin chào")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_page_with_facets_sorts_and_helpers(live_server, page, screenshot_dir):
    province = make_province()
    _documents(province)
    _login(page, live_server)

    page.goto(live_server.url + "/van-ban/?q=phong+chong+dich")
    expect(page.locator(".hit-count")).to_have_text("7 văn bản phù hợp.")
    facets = page.locator("aside.facets")
    expect(facets.locator(".facet").filter(has_text="Loại văn bản").locator("li")).to_have_count(4)
    expect(facets.get_by_role("link", name=re.compile(r"Báo cáo\s+3"))).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "search-facets-desktop.png"), full_page=True)

    # A facet filters; clicking it again removes the filter.
    facets.get_by_role("link", name=re.compile(r"Báo cáo\s+3")).click()
    expect(page.locator(".hit-count")).to_have_text("3 văn bản phù hợp.")
    expect(page.locator("ol.hits li")).to_have_count(3)
    # Newest first: the reports of weeks 3, 2, 1.
    page.get_by_role("link", name="Mới nhất").click()
    expect(page.locator("ol.hits li").first).to_contain_text("tuần 3")
    expect(page.locator("ol.hits li").last).to_contain_text("tuần 1")

    # Number completion: typing the beginning of a số/ký hiệu fills the datalist.
    box = page.locator("form.filters input[name=q]")
    box.fill("")
    box.press_sequentially("33/B", delay=30)
    expect(page.locator("#number-completions option")).to_have_count(1)
    expect(page.locator("#number-completions option")).to_have_attribute("value", "33/BC-STTTT")

    # On a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/van-ban/?q=phong+chong+dich")
    expect(page.locator("aside.facets")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "search-facets-390.png"), full_page=True)

    # The issuing-agency picker of the registration form, typed without diacritics.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/van-ban/dang-ky-den/")
    page.get_by_label("Tìm cơ quan ban hành").press_sequentially("so thong tin", delay=30)
    select = page.locator("#id_issuer_agency")
    expect(select.locator("option")).to_have_count(2)
    expect(select).to_have_value(str(province.agencies["stttt"].pk))
    page.screenshot(path=str(screenshot_dir / "register-agency-picker.png"), full_page=True)
