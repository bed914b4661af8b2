"""The chairman signs a draft with his PIN in Chromium, the văn thư numbers it and applies the district's
digital signature; screenshots of the draft page at the signing step and after issue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lienthong.drafting import services as drafting
from lienthong.signing.credentials import WRONG_PIN
from lienthong.signing.models import TEST_AUTHORITY_LABEL
from lienthong.signing.tests.flow_setup import (
    AGENCY_PIN,
    PERSONAL_PIN,
    add_credential,
    draft_at_signing,
    trust_demo_ca,
)
from lienthong.testing.builders import PASSWORD, make_province


def login(page, base, username):
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_with_pin_and_seal_in_the_browser(live_server, page, screenshot_dir):
    p = make_province()
    trust_demo_ca()
    add_credential(user=p.users["leader.huyen"])
    add_credential(agency=p.agencies["huyen"], pin=AGENCY_PIN)
    draft = draft_at_signing(p)
    url = f"{live_server.url}/du-thao/{draft.pk}/"
    page.route("**/*inline=1*", lambda route: route.fulfill(content_type="text/plain", body="PDF"))

    login(page, live_server.url, "leader.huyen")
    page.goto(url)
    form = page.locator("form.action-sign")
    expect(form.get_by_label("Ký số (mã PIN)")).to_be_visible()
    form.get_by_label("Ký số (mã PIN)").check()
    form.get_by_label("Mã PIN ký số").fill("000000")
    form.get_by_role("button", name="Ký", exact=True).click()
    expect(page.locator("form.action-sign .error")).to_have_text(str(WRONG_PIN))
    page.screenshot(path=screenshot_dir / "ky-so-buoc-ky.png", full_page=True)
    form = page.locator("form.action-sign")
    form.get_by_label("Ký số (mã PIN)").check()
    form.get_by_label("Mã PIN ký số").fill(PERSONAL_PIN)
    form.get_by_role("button", name="Ký", exact=True).click()
    expect(page.locator(".dstate")).to_have_text("Chờ cấp số")

    draft.refresh_from_db()
    drafting.draft_number(actor=p.users["clerk.huyen"], draft=draft)
    page.context.clear_cookies()
    login(page, live_server.url, "clerk.huyen")
    page.goto(url)
    form = page.locator("form.action-seal")
    form.get_by_label("Ký số (mã PIN)").check()
    form.get_by_label("Mã PIN ký số").fill(AGENCY_PIN)
    form.get_by_label("Phát hành ngay sau khi đóng dấu").check()
    form.get_by_role("button", name="Đóng dấu", exact=True).click()
    expect(page.locator(".dstate")).to_have_text("Đã phát hành")
    page.screenshot(path=screenshot_dir / "ky-so-da-phat-hanh.png", full_page=True)

    # The commune's văn thư sees, before receiving, that both signatures are valid; the demo CA is marked as a
    # test authority in the trust store, so the panel says they carry no legal value (QĐ 28/2018).
    from lienthong.delivery.models import Delivery

    delivery = Delivery.objects.get(document=draft.document, recipient_agency=p.agencies["xa"])
    page.context.clear_cookies()
    login(page, live_server.url, "clerk.xa")
    page.goto(f"{live_server.url}/lien-thong/den/{delivery.pk}/")
    panel = page.locator(".verification-panel").first
    expect(panel.locator(".badge").first).to_have_text(str(TEST_AUTHORITY_LABEL))
    expect(panel.locator(".signature")).to_have_count(2)
    expect(page.get_by_role("button", name="Tiếp nhận", exact=True)).to_be_visible()
    page.screenshot(path=screenshot_dir / "ky-so-truoc-tiep-nhan.png", full_page=True)
