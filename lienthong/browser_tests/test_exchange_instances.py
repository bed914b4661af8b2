"""A document travels between two instances of the system (two provinces), in real browsers (issue 15).

Instance A (Hậu Giang) and instance B (Cần Thơ) run as separate processes with their own databases
(``lienthong.testing.instances``), partners of each other through the signed own exchange API. Sở TT&TT Hậu
Giang issues a report to Sở TT&TT Cần Thơ, an external agency in A's directory: it waits in the outbox
("Chờ liên thông ra ngoài"), leaves as an edXML package, and arrives in the inbox of B's văn thư, who receives it.
Back on A, the tracking panel shows the statuses B sent back: 01 (arrived) and 03 (received), with Cần Thơ's
agency as the party.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lienthong.browser_tests.conftest import CHROMIUM, CHROMIUM_ARGS
from lienthong.testing.builders import PASSWORD
from lienthong.testing.instances import Cluster

pytestmark = pytest.mark.browser


def sign_in(browser, base_url: str, username: str, *, viewport=(1280, 900)) -> Page:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(base_url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_contain_text("Xin chào")
    return page


def tracking_row(page: Page, agency: str):
    return page.locator("#theo-doi details.track-item").filter(has_text=agency)


def reload_until(page: Page, locator, text: str, *, tries: int = 60) -> None:
    """The statuses come back with the partner's schedule: look again until they are there."""
    for _ in range(tries):
        if text in (locator.text_content() or ""):
            return
        page.wait_for_timeout(1000)
        page.reload()
    expect(locator).to_contain_text(text)


def test_a_document_issued_to_an_agency_of_another_instance_arrives_there_and_its_statuses_come_back(
        tmp_path, screenshot_dir):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-packages` (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with Cluster(tmp_path, ["a", "b"], extra_env={"LIENTHONG_DEBUG": "1"}) as cluster:  # static files as in dev
        a, b = cluster["a"], cluster["b"]
        cluster.configure()
        b.pump_options()
        cluster.start()  # A's schedule is not running yet: the document waits in its outbox
        issued = a.run("issue", agency_key="stttt.a", to_code=b.codes()[1], count=1, size=30_000)
        number = issued["number_symbols"][0]
        cantho = "Sở Thông tin và Truyền thông tỉnh Cần Thơ"

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                # A: the report waits for the exchange
                sender = sign_in(browser, a.url, "clerk.stttt.a")
                sender.goto(a.url + "/lien-thong/da-gui/")
                sender.locator("table.sent tbody tr").filter(has_text=number).get_by_role(
                    "link", name=number).click()
                row = tracking_row(sender, cantho)
                expect(row.locator(".state-pill").first).to_have_text("Chờ liên thông ra ngoài")

                # A's schedule runs: the package leaves through the own API; B answers 01
                a.pump_options()
                a.stop()
                a.start()
                reload_until(sender, tracking_row(sender, cantho).locator(".state-pill").first, "Đã đến")

                # B: the văn thư finds it in the inbox, from Hậu Giang's Sở, and receives it
                receiver = sign_in(browser, b.url, "clerk.stttt.b")
                receiver.locator(".tiles a.tile").filter(has_text="Văn bản chờ tiếp nhận").click()
                arrived = receiver.locator("table.inbox tbody tr").filter(has_text=number)
                expect(arrived).to_contain_text("Hậu Giang")
                receiver.wait_for_load_state("networkidle")
                receiver.screenshot(path=str(screenshot_dir / "exchange-instances-inbox-b.png"), full_page=True)
                arrived.get_by_role("link", name=number).click()
                receiver.get_by_role("button", name="Tiếp nhận", exact=True).click()
                expect(receiver.locator("body")).to_contain_text("Đã tiếp nhận")

                # A: 03 comes back; the tracking panel lists 01 and 03 with Cần Thơ as the party
                row = tracking_row(sender, cantho)
                reload_until(sender, row.locator(".state-pill").first, "Đã tiếp nhận")
                row = tracking_row(sender, cantho)
                row.locator("summary").click()
                events = row.locator("table.events tbody tr")
                expect(events).to_have_count(3)
                expect(events.nth(1).locator("td").first).to_have_text("01")
                expect(events.nth(2).locator("td").first).to_have_text("03")
                expect(events.nth(2)).to_contain_text(cantho)
                sender.wait_for_load_state("networkidle")
                sender.locator("#theo-doi").screenshot(path=str(screenshot_dir / "exchange-instances-tracking-a.png"))
                phone = sign_in(browser, a.url, "clerk.stttt.a", viewport=(390, 844))
                phone.goto(sender.url)
                tracking_row(phone, cantho).locator("summary").click()
                phone.wait_for_load_state("networkidle")
                phone.screenshot(path=str(screenshot_dir / "exchange-instances-tracking-a-390.png"), full_page=True)
            finally:
                browser.close()
